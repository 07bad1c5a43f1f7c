//! The matrix product of the fused trainer in WebAssembly, where the `gemm` crate's simd128
//! kernel multiplies and adds separately: WebAssembly's SIMD has no fused multiply-add, and
//! only *relaxed* SIMD (`f32x4.relaxed_madd`, Chrome 114+, Firefox 145+, not Safari) lets the
//! engine use the machine's FMA. A module that uses relaxed SIMD does not load at all in an
//! engine without it, so the worker is built twice (`web/build.sh`): with the cargo feature
//! `relaxed-simd` for engines that validate it, and without it for the rest. The kernel is the
//! same in both; without the feature its multiply-add is a multiply then an add.
//!
//! The layout is the classic one (Goto's): for each block of `KC` inner indices, `a` is packed
//! into strips of `MR` rows (inner index outermost, so a strip's `MR` numbers at one inner
//! index are adjacent) and `b`, `NC` columns at a time, into panels of `NR` columns. A panel
//! (`KC` × `NR`, 16 KB) stays in the first-level cache while every strip of `a` passes over
//! it; the microkernel keeps a 2 × 16 tile of `c` in eight vector registers (engines give
//! WebAssembly at most 16: a 6 × 8 tile spilled and ran 15% slower than 4 × 8, and 2 × 16 ran
//! 10–20% faster than 4 × 8 with relaxed SIMD, which loads fewer splats per multiply-add).
//! Tiles past `c`'s edge are computed on zero padding and only their valid part is written;
//! products narrower than a tile stay on `gemm` (`kernels::matmul`).
//!
//! The packing and blocking are plain Rust and are tested natively against a naive product
//! (a scalar microkernel stands in for the SIMD one there); the SIMD kernel itself is checked
//! in WebAssembly by `web/test_worker.cjs` through the worker's `matmul_self_check`.

use std::cell::RefCell;

/// Rows of `c` per microkernel tile.
const MR: usize = 2;
/// Columns of `c` per tile: four 4-lane vectors.
pub(super) const NR: usize = 16;
/// Inner indices per block: a strip of `a` (2 KB) and a panel of `b` (16 KB) fit the
/// first-level cache together.
const KC: usize = 256;
/// Columns of `b` packed at a time (256 KB at `KC`: the second-level cache).
const NC: usize = 256;

use super::narrow::Strided;

thread_local! {
    /// Packing buffers, kept between products (the trainer calls this thousands of times per
    /// second on the same shapes).
    static PACKED: RefCell<(Vec<f32>, Vec<f32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// c (m × n, row-major, contiguous) = a·b, or c += a·b when `accumulate`; a is m × k and b is
/// k × n, both strided. The caller has checked the sizes.
pub(super) fn matmul(
    c: &mut [f32],
    (m, n, k): (usize, usize, usize),
    a: Strided,
    b: Strided,
    accumulate: bool,
) {
    debug_assert_eq!(c.len(), m * n);
    PACKED.with(|packed| {
        let (ap, bp) = &mut *packed.borrow_mut();
        let strips = m.div_ceil(MR);
        for p0 in (0..k).step_by(KC) {
            let kc = KC.min(k - p0);
            // Later blocks add to what the earlier ones wrote.
            let add = accumulate || p0 > 0;
            pack_a(ap, a, m, p0, kc);
            for j0 in (0..n).step_by(NC) {
                let nc = NC.min(n - j0);
                pack_b(bp, b, p0, kc, j0, nc);
                for panel in 0..nc.div_ceil(NR) {
                    let bpanel = &bp[panel * kc * NR..(panel + 1) * kc * NR];
                    let j = j0 + panel * NR;
                    let cols = NR.min(n - j);
                    for strip in 0..strips {
                        let astrip = &ap[strip * kc * MR..(strip + 1) * kc * MR];
                        let i = strip * MR;
                        let rows = MR.min(m - i);
                        let mut tile = [0.0f32; MR * NR];
                        microkernel(kc, astrip, bpanel, &mut tile);
                        write_tile(c, n, (i, j), (rows, cols), &tile, add);
                    }
                }
            }
        }
    });
}

/// Packs rows 0..m, inner indices p0..p0+kc of `a` into strips: strip s holds, for each inner
/// index, the `MR` numbers of rows s·MR.. (zero past row m). Each storage order is read along
/// its rows, every number written once (packing had taken an eighth of a pixel step).
fn pack_a(ap: &mut Vec<f32>, a: Strided, m: usize, p0: usize, kc: usize) {
    let strips = m.div_ceil(MR);
    if ap.len() < strips * kc * MR {
        ap.resize(strips * kc * MR, 0.0);
    }
    for s in 0..strips {
        let strip = &mut ap[s * kc * MR..(s + 1) * kc * MR];
        let rows = MR.min(m - s * MR);
        let i0 = s * MR;
        if a.rs == 1 {
            // Stored transposed: the strip's rows at one inner index are adjacent.
            for (p, chunk) in strip.chunks_exact_mut(MR).enumerate() {
                let at = (p0 + p) * a.cs + i0;
                chunk[..rows].copy_from_slice(&a.data[at..at + rows]);
                chunk[rows..].fill(0.0);
            }
        } else {
            for r in 0..MR {
                if r >= rows {
                    for chunk in strip.chunks_exact_mut(MR) {
                        chunk[r] = 0.0;
                    }
                    continue;
                }
                let start = (i0 + r) * a.rs + p0 * a.cs;
                if a.cs == 1 {
                    let row = &a.data[start..start + kc];
                    for (chunk, &x) in strip.chunks_exact_mut(MR).zip(row) {
                        chunk[r] = x;
                    }
                } else {
                    for (p, chunk) in strip.chunks_exact_mut(MR).enumerate() {
                        chunk[r] = a.data[start + p * a.cs];
                    }
                }
            }
        }
    }
}

/// Packs inner indices p0..p0+kc, columns j0..j0+nc of `b` into panels: panel q holds, for
/// each inner index, the `NR` numbers of columns j0+q·NR.. (zero past column j0+nc).
fn pack_b(bp: &mut Vec<f32>, b: Strided, p0: usize, kc: usize, j0: usize, nc: usize) {
    let panels = nc.div_ceil(NR);
    if bp.len() < panels * kc * NR {
        bp.resize(panels * kc * NR, 0.0);
    }
    for q in 0..panels {
        let panel = &mut bp[q * kc * NR..(q + 1) * kc * NR];
        let cols = NR.min(nc - q * NR);
        let j = j0 + q * NR;
        if b.cs == 1 {
            // Row-major: a panel's numbers at one inner index are adjacent.
            for (p, chunk) in panel.chunks_exact_mut(NR).enumerate() {
                let at = (p0 + p) * b.rs + j;
                chunk[..cols].copy_from_slice(&b.data[at..at + cols]);
                chunk[cols..].fill(0.0);
            }
        } else {
            for jj in 0..NR {
                if jj >= cols {
                    for chunk in panel.chunks_exact_mut(NR) {
                        chunk[jj] = 0.0;
                    }
                    continue;
                }
                let start = (j + jj) * b.cs + p0 * b.rs;
                if b.rs == 1 {
                    let col = &b.data[start..start + kc];
                    for (chunk, &x) in panel.chunks_exact_mut(NR).zip(col) {
                        chunk[jj] = x;
                    }
                } else {
                    for (p, chunk) in panel.chunks_exact_mut(NR).enumerate() {
                        chunk[jj] = b.data[start + p * b.rs];
                    }
                }
            }
        }
    }
}

/// Writes (or adds) the valid `rows` × `cols` corner of a tile into c at (i, j).
#[inline(always)]
fn write_tile(
    c: &mut [f32],
    n: usize,
    (i, j): (usize, usize),
    (rows, cols): (usize, usize),
    tile: &[f32; MR * NR],
    add: bool,
) {
    for r in 0..rows {
        let out = &mut c[(i + r) * n + j..(i + r) * n + j + cols];
        let t = &tile[r * NR..r * NR + cols];
        if add {
            for (o, &x) in out.iter_mut().zip(t) {
                *o += x;
            }
        } else {
            out.copy_from_slice(t);
        }
    }
}

/// tile (MR × NR, row-major) = strip · panel over kc inner indices, with SIMD.
#[cfg(target_arch = "wasm32")]
#[inline(always)]
fn microkernel(kc: usize, astrip: &[f32], bpanel: &[f32], tile: &mut [f32; MR * NR]) {
    assert!(astrip.len() >= kc * MR && bpanel.len() >= kc * NR);
    // SAFETY: the assert bounds every load (kc·MR numbers of the strip, kc·NR of the panel),
    // the stores write the 32 numbers of `tile`, and the function's target features are
    // those the module was built with (`relaxed-simd` only in the module built with it).
    unsafe { simd::tile(kc, astrip.as_ptr(), bpanel.as_ptr(), tile.as_mut_ptr()) }
}

#[cfg(target_arch = "wasm32")]
mod simd {
    use core::arch::wasm32::*;

    use super::{MR, NR};

    /// c + a·b, fused (one rounding) where the engine maps relaxed SIMD's multiply-add to the
    /// machine's FMA, or a multiply and an add.
    #[cfg(feature = "relaxed-simd")]
    #[inline(always)]
    unsafe fn madd(a: v128, b: v128, c: v128) -> v128 {
        f32x4_relaxed_madd(a, b, c)
    }
    #[cfg(not(feature = "relaxed-simd"))]
    #[inline(always)]
    unsafe fn madd(a: v128, b: v128, c: v128) -> v128 {
        f32x4_add(c, f32x4_mul(a, b))
    }

    /// The MR × NR tile (MR rows × NR / 4 vectors) over kc inner indices; the constant loops
    /// unroll and the accumulators live in registers.
    #[cfg_attr(feature = "relaxed-simd", target_feature(enable = "relaxed-simd"))]
    pub(super) unsafe fn tile(kc: usize, a: *const f32, b: *const f32, out: *mut f32) {
        let mut acc = [[f32x4_splat(0.0); NR / 4]; MR];
        for p in 0..kc {
            let bp = b.add(p * NR);
            let mut bv = [f32x4_splat(0.0); NR / 4];
            for (v, x) in bv.iter_mut().enumerate() {
                *x = v128_load(bp.add(4 * v) as *const v128);
            }
            let ap = a.add(p * MR);
            for (r, row) in acc.iter_mut().enumerate() {
                let ar = v128_load32_splat(ap.add(r) as *const u32);
                for (x, &bx) in row.iter_mut().zip(&bv) {
                    *x = madd(ar, bx, *x);
                }
            }
        }
        for (r, row) in acc.iter().enumerate() {
            for (v, &x) in row.iter().enumerate() {
                v128_store(out.add(r * NR + 4 * v) as *mut v128, x);
            }
        }
    }
}

/// The scalar stand-in natively, where only the tests call this module (they check the
/// packing and blocking; `gemm` does the products).
#[cfg(not(target_arch = "wasm32"))]
fn microkernel(kc: usize, astrip: &[f32], bpanel: &[f32], tile: &mut [f32; MR * NR]) {
    for p in 0..kc {
        for r in 0..MR {
            for jj in 0..NR {
                tile[r * NR + jj] += astrip[p * MR + r] * bpanel[p * NR + jj];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::measure::check_operands;
    use super::*;

    fn naive(a: Strided, b: Strided, (m, n, k): (usize, usize, usize)) -> Vec<f64> {
        let mut c = vec![0.0f64; m * n];
        for i in 0..m {
            for j in 0..n {
                c[i * n + j] = (0..k).map(|p| a.at(i, p) as f64 * b.at(p, j) as f64).sum();
            }
        }
        c
    }

    /// Every edge case of the blocking: shapes around MR, NR, KC and NC, both storage orders of
    /// each operand, and accumulation, against a naive product in f64.
    #[test]
    fn blocked_product_equals_the_naive_one_on_every_edge() {
        let dims = [1, 3, 4, 5, 8, 9, 17, 255, 257, 300];
        let mut cases = 0;
        for &m in &[1, 4, 7, 13] {
            for &n in &dims {
                for &k in &[1, 2, 255, 256, 257, 600] {
                    if n > 17 && k > 257 {
                        continue;
                    }
                    for (ta, tb, acc) in [
                        (false, false, false),
                        (true, false, true),
                        (false, true, false),
                        (true, true, true),
                    ] {
                        let (av, bv, start) = check_operands(m, n, k);
                        let (a, b) = (
                            Strided::stored(&av, m, k, ta),
                            Strided::stored(&bv, k, n, tb),
                        );
                        let mut c = start.clone();
                        matmul(&mut c, (m, n, k), a, b, acc);
                        let want = naive(a, b, (m, n, k));
                        for (idx, (&got, &w)) in c.iter().zip(&want).enumerate() {
                            let w = w + if acc { start[idx] as f64 } else { 0.0 };
                            assert!(
                                (got as f64 - w).abs() <= 1e-4 * (1.0 + w.abs()),
                                "{m}×{k}·{k}×{n} (a transposed {ta}, b {tb}, accumulate {acc}): c[{idx}] = {got}, want {w}"
                            );
                        }
                        cases += 1;
                    }
                }
            }
        }
        assert!(cases > 500, "{cases} cases");
    }
}
