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

  ;; Four queries per pass over the rows (the scan is memory-bound: each row is read once for all four).
  ;; Each query's sums are exactly `scan`'s: the same lanes, additions in the same order. The queries are
  ;; d float64 each at q, q + 8d, q + 16d, q + 24d; out[4r + i] = f32(query i · row r).
  (func (export "scan4") (param $data i32) (param $n i32) (param $d i32) (param $q i32) (param $out i32)
    (local $row i32) (local $o i32) (local $end i32) (local $j i32) (local $j8 i32) (local $d4 i32)
    (local $q0 i32) (local $q1 i32) (local $q2 i32) (local $q3 i32)
    (local $a001 v128) (local $a023 v128) (local $a101 v128) (local $a123 v128)
    (local $a201 v128) (local $a223 v128) (local $a301 v128) (local $a323 v128)
    (local $x v128) (local $lo v128) (local $hi v128) (local $xs f64)
    (local $t0 f64) (local $t1 f64) (local $t2 f64) (local $t3 f64)
    (local.set $d4 (i32.and (local.get $d) (i32.const -4)))
    (local.set $q0 (local.get $q))
    (local.set $q1 (i32.add (local.get $q0) (i32.shl (local.get $d) (i32.const 3))))
    (local.set $q2 (i32.add (local.get $q1) (i32.shl (local.get $d) (i32.const 3))))
    (local.set $q3 (i32.add (local.get $q2) (i32.shl (local.get $d) (i32.const 3))))
    (local.set $row (local.get $data))
    (local.set $o (local.get $out))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 4))))
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $a001 (f64x2.splat (f64.const 0)))
        (local.set $a023 (f64x2.splat (f64.const 0)))
        (local.set $a101 (f64x2.splat (f64.const 0)))
        (local.set $a123 (f64x2.splat (f64.const 0)))
        (local.set $a201 (f64x2.splat (f64.const 0)))
        (local.set $a223 (f64x2.splat (f64.const 0)))
        (local.set $a301 (f64x2.splat (f64.const 0)))
        (local.set $a323 (f64x2.splat (f64.const 0)))
        (local.set $j (i32.const 0))
        (block $lanesDone
          (loop $nextLanes
            (br_if $lanesDone (i32.ge_u (local.get $j) (local.get $d4)))
            (local.set $x (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $lo (f64x2.promote_low_f32x4 (local.get $x)))
            (local.set $hi (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x))))
            (local.set $j8 (i32.shl (local.get $j) (i32.const 3)))
            (local.set $a001 (f64x2.add (local.get $a001)
              (f64x2.mul (v128.load (i32.add (local.get $q0) (local.get $j8))) (local.get $lo))))
            (local.set $a023 (f64x2.add (local.get $a023)
              (f64x2.mul (v128.load offset=16 (i32.add (local.get $q0) (local.get $j8))) (local.get $hi))))
            (local.set $a101 (f64x2.add (local.get $a101)
              (f64x2.mul (v128.load (i32.add (local.get $q1) (local.get $j8))) (local.get $lo))))
            (local.set $a123 (f64x2.add (local.get $a123)
              (f64x2.mul (v128.load offset=16 (i32.add (local.get $q1) (local.get $j8))) (local.get $hi))))
            (local.set $a201 (f64x2.add (local.get $a201)
              (f64x2.mul (v128.load (i32.add (local.get $q2) (local.get $j8))) (local.get $lo))))
            (local.set $a223 (f64x2.add (local.get $a223)
              (f64x2.mul (v128.load offset=16 (i32.add (local.get $q2) (local.get $j8))) (local.get $hi))))
            (local.set $a301 (f64x2.add (local.get $a301)
              (f64x2.mul (v128.load (i32.add (local.get $q3) (local.get $j8))) (local.get $lo))))
            (local.set $a323 (f64x2.add (local.get $a323)
              (f64x2.mul (v128.load offset=16 (i32.add (local.get $q3) (local.get $j8))) (local.get $hi))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $nextLanes)))
        (local.set $t0 (f64x2.extract_lane 0 (local.get $a001)))
        (local.set $t1 (f64x2.extract_lane 0 (local.get $a101)))
        (local.set $t2 (f64x2.extract_lane 0 (local.get $a201)))
        (local.set $t3 (f64x2.extract_lane 0 (local.get $a301)))
        (block $tailDone
          (loop $nextTail
            (br_if $tailDone (i32.ge_u (local.get $j) (local.get $d)))
            (local.set $xs (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))))
            (local.set $j8 (i32.shl (local.get $j) (i32.const 3)))
            (local.set $t0 (f64.add (local.get $t0)
              (f64.mul (f64.load (i32.add (local.get $q0) (local.get $j8))) (local.get $xs))))
            (local.set $t1 (f64.add (local.get $t1)
              (f64.mul (f64.load (i32.add (local.get $q1) (local.get $j8))) (local.get $xs))))
            (local.set $t2 (f64.add (local.get $t2)
              (f64.mul (f64.load (i32.add (local.get $q2) (local.get $j8))) (local.get $xs))))
            (local.set $t3 (f64.add (local.get $t3)
              (f64.mul (f64.load (i32.add (local.get $q3) (local.get $j8))) (local.get $xs))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $nextTail)))
        (f32.store (local.get $o)
          (f32.demote_f64
            (f64.add
              (f64.add
                (f64.add (local.get $t0) (f64x2.extract_lane 1 (local.get $a001)))
                (f64x2.extract_lane 0 (local.get $a023)))
              (f64x2.extract_lane 1 (local.get $a023)))))
        (f32.store offset=4 (local.get $o)
          (f32.demote_f64
            (f64.add
              (f64.add
                (f64.add (local.get $t1) (f64x2.extract_lane 1 (local.get $a101)))
                (f64x2.extract_lane 0 (local.get $a123)))
              (f64x2.extract_lane 1 (local.get $a123)))))
        (f32.store offset=8 (local.get $o)
          (f32.demote_f64
            (f64.add
              (f64.add
                (f64.add (local.get $t2) (f64x2.extract_lane 1 (local.get $a201)))
                (f64x2.extract_lane 0 (local.get $a223)))
              (f64x2.extract_lane 1 (local.get $a223)))))
        (f32.store offset=12 (local.get $o)
          (f32.demote_f64
            (f64.add
              (f64.add
                (f64.add (local.get $t3) (f64x2.extract_lane 1 (local.get $a301)))
                (f64x2.extract_lane 0 (local.get $a323)))
              (f64x2.extract_lane 1 (local.get $a323)))))
        (local.set $row (i32.add (local.get $row) (i32.shl (local.get $d) (i32.const 2))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $nextRow))))
)
