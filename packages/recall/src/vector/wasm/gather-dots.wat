;; Inner products of one or two queries with chosen rows of a matrix (a user's candidates): four float32
;; lanes per instruction with two accumulators each, which V8 does not give plain JavaScript loops (~20×
;; faster on 512-d rows). Float32 sums: within ~1e-6 relative of the float64 JavaScript dot.
;; Every pointer is a byte offset into the imported memory.
;; Build: `pnpm wasm:build` (scripts/build-wasm.ts) writes gather-dots-wasm.ts from this file.
(module
  (import "env" "memory" (memory 1))

  ;; The four lanes of v summed as ((l0 + l1) + (l2 + l3)).
  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; For r < n: out[2r] = a · row(idx[r]), out[2r + 1] = b · row(idx[r]); rows d float32 at data,
  ;; idx n int32, a and b d float32 each. One read of each row serves both queries.
  (func (export "dots2") (param $data i32) (param $idx i32) (param $n i32) (param $d i32)
      (param $a i32) (param $b i32) (param $out i32)
    (local $r i32) (local $row i32) (local $j i32) (local $d8 i32) (local $d4 i32) (local $rowBytes i32)
    (local $x v128) (local $y v128) (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128)
    (local $ta f32) (local $tb f32) (local $v f32)
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 2)))
    (local.set $d8 (i32.shl (i32.and (local.get $d) (i32.const -8)) (i32.const 2)))
    (local.set $d4 (i32.shl (i32.and (local.get $d) (i32.const -4)) (i32.const 2)))
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $n)))
        (local.set $row (i32.add (local.get $data)
          (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $r) (i32.const 2))))
                   (local.get $rowBytes))))
        (local.set $a0 (f32x4.splat (f32.const 0)))
        (local.set $a1 (f32x4.splat (f32.const 0)))
        (local.set $b0 (f32x4.splat (f32.const 0)))
        (local.set $b1 (f32x4.splat (f32.const 0)))
        (local.set $j (i32.const 0))
        (block $eightsDone
          (loop $nextEight
            (br_if $eightsDone (i32.ge_u (local.get $j) (local.get $d8)))
            (local.set $x (v128.load (i32.add (local.get $row) (local.get $j))))
            (local.set $y (v128.load offset=16 (i32.add (local.get $row) (local.get $j))))
            (local.set $a0 (f32x4.add (local.get $a0)
              (f32x4.mul (local.get $x) (v128.load (i32.add (local.get $a) (local.get $j))))))
            (local.set $a1 (f32x4.add (local.get $a1)
              (f32x4.mul (local.get $y) (v128.load offset=16 (i32.add (local.get $a) (local.get $j))))))
            (local.set $b0 (f32x4.add (local.get $b0)
              (f32x4.mul (local.get $x) (v128.load (i32.add (local.get $b) (local.get $j))))))
            (local.set $b1 (f32x4.add (local.get $b1)
              (f32x4.mul (local.get $y) (v128.load offset=16 (i32.add (local.get $b) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 32)))
            (br $nextEight)))
        (if (i32.lt_u (local.get $j) (local.get $d4))
          (then
            (local.set $x (v128.load (i32.add (local.get $row) (local.get $j))))
            (local.set $a0 (f32x4.add (local.get $a0)
              (f32x4.mul (local.get $x) (v128.load (i32.add (local.get $a) (local.get $j))))))
            (local.set $b0 (f32x4.add (local.get $b0)
              (f32x4.mul (local.get $x) (v128.load (i32.add (local.get $b) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))))
        (local.set $ta (call $hsum (f32x4.add (local.get $a0) (local.get $a1))))
        (local.set $tb (call $hsum (f32x4.add (local.get $b0) (local.get $b1))))
        (block $tailDone
          (loop $nextTail
            (br_if $tailDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
            (local.set $v (f32.load (i32.add (local.get $row) (local.get $j))))
            (local.set $ta (f32.add (local.get $ta)
              (f32.mul (local.get $v) (f32.load (i32.add (local.get $a) (local.get $j))))))
            (local.set $tb (f32.add (local.get $tb)
              (f32.mul (local.get $v) (f32.load (i32.add (local.get $b) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $nextTail)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3))) (local.get $ta))
        (f32.store offset=4 (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3))) (local.get $tb))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow)))))
