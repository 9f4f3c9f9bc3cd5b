;; The flat index's scan: one query's inner product with every row, bit-for-bit the JavaScript
;; four-sum dot product it replaced (vector.test.ts keeps it as the reference: four running float64 sums over j mod 4, products of float32 values taken in
;; float64, the tail into the first sum, then ((s0 + s1) + s2) + s3 rounded to float32). Two float64
;; lanes per instruction hold (s0, s1) and (s2, s3): the same additions in the same order, no FMA.
;; Every pointer is a byte offset into the imported memory; the query arrives already widened to float64.
;; Build: `pnpm wasm:build` (scripts/build-wasm.ts) writes flat-scan-wasm.ts from this file.
(module
  (import "env" "memory" (memory 1))

  ;; out[r] = f32(query · row r) for r < n; rows are d float32 at data, the query d float64 at q.
  (func (export "scan") (param $data i32) (param $n i32) (param $d i32) (param $q i32) (param $out i32)
    (local $row i32) (local $end i32) (local $j i32) (local $d4 i32)
    (local $acc01 v128) (local $acc23 v128) (local $x v128) (local $s0 f64)
    (local.set $d4 (i32.and (local.get $d) (i32.const -4)))
    (local.set $row (local.get $data))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $acc01 (f64x2.splat (f64.const 0)))
        (local.set $acc23 (f64x2.splat (f64.const 0)))
        (local.set $j (i32.const 0))
        (block $lanesDone
          (loop $nextLanes
            (br_if $lanesDone (i32.ge_u (local.get $j) (local.get $d4)))
            (local.set $x (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $acc01 (f64x2.add (local.get $acc01)
              (f64x2.mul
                (v128.load (i32.add (local.get $q) (i32.shl (local.get $j) (i32.const 3))))
                (f64x2.promote_low_f32x4 (local.get $x)))))
            (local.set $acc23 (f64x2.add (local.get $acc23)
              (f64x2.mul
                (v128.load offset=16 (i32.add (local.get $q) (i32.shl (local.get $j) (i32.const 3))))
                (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $nextLanes)))
        (local.set $s0 (f64x2.extract_lane 0 (local.get $acc01)))
        (block $tailDone
          (loop $nextTail
            (br_if $tailDone (i32.ge_u (local.get $j) (local.get $d)))
            (local.set $s0 (f64.add (local.get $s0)
              (f64.mul
                (f64.load (i32.add (local.get $q) (i32.shl (local.get $j) (i32.const 3))))
                (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $nextTail)))
        (f32.store (local.get $out)
          (f32.demote_f64
            (f64.add
              (f64.add
                (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $acc01)))
                (f64x2.extract_lane 0 (local.get $acc23)))
              (f64x2.extract_lane 1 (local.get $acc23)))))
        (local.set $row (i32.add (local.get $row) (i32.shl (local.get $d) (i32.const 2))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $nextRow))))
)
