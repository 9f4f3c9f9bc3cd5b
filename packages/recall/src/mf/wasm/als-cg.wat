;; ALS row solves by conjugate gradient (the same algorithm as als-rows.ts solveRowsCg), in WebAssembly
;; SIMD: four float32 lanes per instruction, which V8 does not give plain JavaScript loops.
;; Every pointer is a byte offset into the imported (shared) memory; k must be a multiple of 4.
;; Build: `pnpm wasm:build` (scripts/build-wasm.ts) writes als-cg-wasm.ts from this file.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; Σ a[i]·b[i] over k floats.
  (func $dot (param $a i32) (param $b i32) (param $k i32) (result f32)
    (local $acc0 v128) (local $acc1 v128) (local $end i32) (local $end8 i32)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $k) (i32.const 2))))
    (local.set $end8 (i32.sub (local.get $end) (i32.const 28)))
    (block $done8
      (loop $next8
        (br_if $done8 (i32.ge_u (local.get $a) (local.get $end8)))
        (local.set $acc0 (f32x4.add (local.get $acc0)
          (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $acc1 (f32x4.add (local.get $acc1)
          (f32x4.mul (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (br $next8)))
    (if (i32.lt_u (local.get $a) (local.get $end))
      (then
        (local.set $acc0 (f32x4.add (local.get $acc0)
          (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))))
    (local.set $acc0 (f32x4.add (local.get $acc0) (local.get $acc1)))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc0)) (f32x4.extract_lane 1 (local.get $acc0)))
      (f32.add (f32x4.extract_lane 2 (local.get $acc0)) (f32x4.extract_lane 3 (local.get $acc0)))))

  ;; out[i] += w · a[i] over k floats.
  (func $axpy (param $w f32) (param $a i32) (param $out i32) (param $k i32)
    (local $ws v128) (local $end i32)
    (local.set $ws (f32x4.splat (local.get $w)))
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $k) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (v128.store (local.get $out)
          (f32x4.add (v128.load (local.get $out)) (f32x4.mul (local.get $ws) (v128.load (local.get $a)))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $next))))

  ;; out = G v for the k × k matrix G (row-major).
  (func $matvec (param $g i32) (param $v i32) (param $out i32) (param $k i32)
    (local $i i32) (local $row i32)
    (local.set $row (i32.shl (local.get $k) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $k)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (call $dot (i32.add (local.get $g) (i32.mul (local.get $i) (local.get $row))) (local.get $v) (local.get $k)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; x[i] = a[i] + s · b[i] over k floats (x may alias a or b).
  (func $combine (param $x i32) (param $a i32) (param $s f32) (param $b i32) (param $k i32)
    (local $ss v128) (local $end i32)
    (local.set $ss (f32x4.splat (local.get $s)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (v128.store (local.get $x)
          (f32x4.add (v128.load (local.get $a)) (f32x4.mul (local.get $ss) (v128.load (local.get $b)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $next))))

  ;; Rows [from, to) of x: (YᵀY + λI + Yᵀ(C − I)Y) x_r = Yᵀ C_r 1 by `steps` CG steps warm-started
  ;; from x_r. indptr/indices are i32, values/x/y/gram f32; scratch holds 4k floats (r, p, Ap, x_r).
  (func (export "solveRows")
    (param $indptr i32) (param $indices i32) (param $values i32) (param $x i32) (param $y i32)
    (param $gram i32) (param $scratch i32) (param $k i32) (param $steps i32) (param $from i32) (param $to i32)
    (local $row i32) (local $q i32) (local $e i32) (local $o i32) (local $xo i32) (local $c f32)
    (local $bytes i32) (local $r i32) (local $p i32) (local $ap i32) (local $xr i32) (local $it i32)
    (local $rsOld f32) (local $rsNew f32) (local $step f32)
    (local.set $bytes (i32.shl (local.get $k) (i32.const 2)))
    (local.set $r (local.get $scratch))
    (local.set $p (i32.add (local.get $r) (local.get $bytes)))
    (local.set $ap (i32.add (local.get $p) (local.get $bytes)))
    (local.set $xr (i32.add (local.get $ap) (local.get $bytes)))
    (local.set $row (local.get $from))
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $to)))
        (block $rowDone
          (local.set $xo (i32.add (local.get $x) (i32.mul (local.get $row) (local.get $bytes))))
          (memory.copy (local.get $xr) (local.get $xo) (local.get $bytes))
          (local.set $e (i32.load (i32.add (local.get $indptr) (i32.shl (i32.add (local.get $row) (i32.const 1)) (i32.const 2)))))
          ;; r = −G x_r + Σ_q (c − (c − 1)(y_q · x_r)) y_q
          (call $matvec (local.get $gram) (local.get $xr) (local.get $r) (local.get $k))
          (call $combine (local.get $r) (local.get $r) (f32.const -2) (local.get $r) (local.get $k))
          (local.set $q (i32.load (i32.add (local.get $indptr) (i32.shl (local.get $row) (i32.const 2)))))
          (block $itemsDone
            (loop $nextItem
              (br_if $itemsDone (i32.ge_u (local.get $q) (local.get $e)))
              (local.set $o (i32.add (local.get $y)
                (i32.mul (i32.load (i32.add (local.get $indices) (i32.shl (local.get $q) (i32.const 2)))) (local.get $bytes))))
              (local.set $c (f32.load (i32.add (local.get $values) (i32.shl (local.get $q) (i32.const 2)))))
              (call $axpy
                (f32.sub (local.get $c) (f32.mul (f32.sub (local.get $c) (f32.const 1))
                  (call $dot (local.get $o) (local.get $xr) (local.get $k))))
                (local.get $o) (local.get $r) (local.get $k))
              (local.set $q (i32.add (local.get $q) (i32.const 1)))
              (br $nextItem)))
          (memory.copy (local.get $p) (local.get $r) (local.get $bytes))
          (local.set $rsOld (call $dot (local.get $r) (local.get $r) (local.get $k)))
          (br_if $rowDone (f32.lt (local.get $rsOld) (f32.const 1e-20)))
          (local.set $it (i32.const 0))
          (block $cgDone
            (loop $nextStep
              (br_if $cgDone (i32.ge_u (local.get $it) (local.get $steps)))
              ;; Ap = G p + Σ_q (c − 1)(y_q · p) y_q
              (call $matvec (local.get $gram) (local.get $p) (local.get $ap) (local.get $k))
              (local.set $q (i32.load (i32.add (local.get $indptr) (i32.shl (local.get $row) (i32.const 2)))))
              (block $apDone
                (loop $nextAp
                  (br_if $apDone (i32.ge_u (local.get $q) (local.get $e)))
                  (local.set $o (i32.add (local.get $y)
                    (i32.mul (i32.load (i32.add (local.get $indices) (i32.shl (local.get $q) (i32.const 2)))) (local.get $bytes))))
                  (call $axpy
                    (f32.mul (f32.sub (f32.load (i32.add (local.get $values) (i32.shl (local.get $q) (i32.const 2)))) (f32.const 1))
                      (call $dot (local.get $o) (local.get $p) (local.get $k)))
                    (local.get $o) (local.get $ap) (local.get $k))
                  (local.set $q (i32.add (local.get $q) (i32.const 1)))
                  (br $nextAp)))
              (local.set $step (f32.div (local.get $rsOld) (call $dot (local.get $p) (local.get $ap) (local.get $k))))
              (call $combine (local.get $xr) (local.get $xr) (local.get $step) (local.get $p) (local.get $k))
              (call $combine (local.get $r) (local.get $r) (f32.neg (local.get $step)) (local.get $ap) (local.get $k))
              (local.set $rsNew (call $dot (local.get $r) (local.get $r) (local.get $k)))
              (br_if $cgDone (f32.lt (local.get $rsNew) (f32.const 1e-20)))
              (call $combine (local.get $p) (local.get $r) (f32.div (local.get $rsNew) (local.get $rsOld)) (local.get $p) (local.get $k))
              (local.set $rsOld (local.get $rsNew))
              (local.set $it (i32.add (local.get $it) (i32.const 1)))
              (br $nextStep)))
          (memory.copy (local.get $xo) (local.get $xr) (local.get $bytes)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $nextRow))))
)
