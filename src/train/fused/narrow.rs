//! Products with a side of at most [`NARROW`]: the layers that meet a low-dimensional state
//! or output (2 × 200 weights for a pendulum's (q, p), 200 × 2 for its field).
//!
//! Why not gemm: its tiles are 16–64 numbers wide on the narrow side, so a product with two
//! output columns ran at 13–24 GFLOP/s on an AVX-512 core that multiplies 375 × 200 × 200 at
//! 145, and those few products took 11% of a spring step (`perf`). Written as dot products
//! (narrow output) or row updates (narrow inner or row dimension) they vectorise along the wide
//! side instead.

use super::kernels::multiversion;

/// The widest side handled here; wider products go to gemm.
pub(super) const NARROW: usize = 4;

/// Lanes of the dot products' accumulators (one AVX-512 register, four SSE/simd128 ones).
const LANES: usize = 16;

/// A matrix as used in a product: element (i, p) at `data[i * rs + p * cs]` (also what
/// `wasm_gemm` reads).
#[derive(Clone, Copy)]
pub(super) struct Strided<'a> {
    pub data: &'a [f32],
    pub cs: usize,
    pub rs: usize,
}

impl<'a> Strided<'a> {
    /// A rows × cols operand stored row-major, or, `transposed`, stored as its transpose
    /// (cols × rows, row-major).
    pub fn stored(data: &'a [f32], rows: usize, cols: usize, transposed: bool) -> Self {
        let (cs, rs) = if transposed { (rows, 1) } else { (1, cols) };
        Strided { data, cs, rs }
    }
    #[inline(always)]
    pub(super) fn at(&self, i: usize, p: usize) -> f32 {
        self.data[i * self.rs + p * self.cs]
    }
    /// Its (rows × cols) elements row by row in a new buffer.
    fn rows_packed(&self, rows: usize, cols: usize) -> Vec<f32> {
        let mut out = Vec::with_capacity(rows * cols);
        for i in 0..rows {
            out.extend((0..cols).map(|p| self.at(i, p)));
        }
        out
    }
    /// Its transpose's elements row by row (its columns, each contiguous).
    fn cols_packed(&self, rows: usize, cols: usize) -> Vec<f32> {
        let mut out = Vec::with_capacity(rows * cols);
        for p in 0..cols {
            out.extend((0..rows).map(|i| self.at(i, p)));
        }
        out
    }
}

/// c (m × n, row-major) = a·b, or c += a·b when `accumulate`, where one of m, n, k is at most
/// [`NARROW`] and the layout suits a narrow loop; returns false (c untouched) otherwise.
pub(super) fn matmul(
    c: &mut [f32],
    (m, n, k): (usize, usize, usize),
    a: Strided,
    b: Strided,
    accumulate: bool,
) -> bool {
    if n <= NARROW && (a.cs == 1 || a.rs == 1) {
        // Each c[i][j] is a dot product of a's row i and b's column j.
        let bt = b.cols_packed(k, n);
        if a.cs == 1 {
            dots(c, n, a.data, a.rs, &bt, k, accumulate);
        } else {
            // a stored transposed: its columns are contiguous, so add b(p, j) · a(·, p) into
            // cᵀ, then write c from it.
            let mut ct = vec![0.0f32; n * m];
            few_outputs(&mut ct, m, &bt, a.data, a.cs, k, false);
            for (i, c_i) in c.chunks_exact_mut(n).enumerate() {
                for (j, v) in c_i.iter_mut().enumerate() {
                    *v = if accumulate { *v } else { 0.0 } + ct[j * m + i];
                }
            }
        }
        return true;
    }
    if k > NARROW && m > NARROW {
        return false;
    }
    // Each row of c is a sum over p of a(i, p) times b's row p.
    if b.cs != 1 && k > NARROW {
        // b's rows are strided and many: packing them is gemm's own job.
        return false;
    }
    let packed;
    let (b_rows, b_rs) = if b.cs == 1 {
        (b.data, b.rs)
    } else {
        packed = b.rows_packed(k, n);
        (&packed[..], n)
    };
    if k <= NARROW {
        // Narrow inner dimension: each row of c from k rows of b, in one pass.
        few_rows(c, n, a, b_rows, b_rs, k, accumulate);
    } else {
        // Few rows of c: one pass over b, adding each of its rows into every row of c.
        let a_packed = a.rows_packed(m, k);
        few_outputs(c, n, &a_packed, b_rows, b_rs, k, accumulate);
    }
    true
}

multiversion! {
    /// c[i] (+)= Σ_p a(i, p) · b_p over k ≤ [`NARROW`] rows b_p of b (each n long, `b_rs`
    /// apart): every row of c read and written once.
    pub fn few_rows(c: &mut [f32], n: usize, a: Strided, b: &[f32], b_rs: usize, k: usize, accumulate: bool) {
        match k {
            1 => few_rows_k::<1>(c, n, a, b, b_rs, accumulate),
            2 => few_rows_k::<2>(c, n, a, b, b_rs, accumulate),
            3 => few_rows_k::<3>(c, n, a, b, b_rs, accumulate),
            _ => few_rows_k::<4>(c, n, a, b, b_rs, accumulate),
        }
    }
}

#[inline(always)]
fn few_rows_k<const K: usize>(
    c: &mut [f32],
    n: usize,
    a: Strided,
    b: &[f32],
    b_rs: usize,
    accumulate: bool,
) {
    let b: [&[f32]; K] = std::array::from_fn(|p| &b[p * b_rs..p * b_rs + n]);
    for (i, c_i) in c.chunks_exact_mut(n).enumerate() {
        let w: [f32; K] = std::array::from_fn(|p| a.at(i, p));
        for (j, out) in c_i.iter_mut().enumerate() {
            let mut s = if accumulate { *out } else { 0.0 };
            for p in 0..K {
                s += w[p] * b[p][j];
            }
            *out = s;
        }
    }
}

multiversion! {
    /// c[i] (+)= Σ_p a[i][p] · b_p for the few rows of c (a packed m × k, b's k rows n long,
    /// `b_rs` apart): b read once, c's rows staying in L1.
    pub fn few_outputs(c: &mut [f32], n: usize, a: &[f32], b: &[f32], b_rs: usize, k: usize, accumulate: bool) {
        if !accumulate {
            c.fill(0.0);
        }
        for p in 0..k {
            let b_p = &b[p * b_rs..p * b_rs + n];
            for (i, c_i) in c.chunks_exact_mut(n).enumerate() {
                let w = a[i * k + p];
                for (y, x) in c_i.iter_mut().zip(b_p) {
                    *y += w * x;
                }
            }
        }
    }
}

multiversion! {
    /// c[i][j] (+)= a_i · bt_j for each row a_i (length k, rows `a_rs` apart) and each of the
    /// n rows of bt (length k): c has n columns. Four rows of a at a time, so every column of
    /// bt loaded is used four times.
    pub fn dots(c: &mut [f32], n: usize, a: &[f32], a_rs: usize, bt: &[f32], k: usize, accumulate: bool) {
        let rows = c.len() / n;
        let row = |i: usize| &a[i * a_rs..i * a_rs + k];
        let mut i = 0;
        while i + 4 <= rows {
            let r = [row(i), row(i + 1), row(i + 2), row(i + 3)];
            for j in 0..n {
                let d = dot4(r, &bt[j * k..(j + 1) * k]);
                for (q, d) in d.into_iter().enumerate() {
                    let out = &mut c[(i + q) * n + j];
                    *out = if accumulate { *out + d } else { d };
                }
            }
            i += 4;
        }
        for i in i..rows {
            for j in 0..n {
                let d = dot4([row(i); 4], &bt[j * k..(j + 1) * k])[0];
                let out = &mut c[i * n + j];
                *out = if accumulate { *out + d } else { d };
            }
        }
    }
}

/// Four dot products against one vector, in 16-lane partial sums (so they vectorise),
/// added pairwise at the end.
#[inline(always)]
fn dot4(a: [&[f32]; 4], b: &[f32]) -> [f32; 4] {
    // Plain loops only: `array::map` and its kin call closures that are not inlined into the
    // AVX-512 copy of the caller, and the loop then compiled for baseline x86-64 (4× slower).
    let bc = b.chunks_exact(LANES);
    let mut out = [0.0f32; 4];
    for q in 0..4 {
        // A local accumulator per row, so that it lives in a register.
        let mut v = [0.0f32; LANES];
        let ac = a[q].chunks_exact(LANES);
        for (l, (x, y)) in ac.remainder().iter().zip(bc.remainder()).enumerate() {
            v[l] = x * y;
        }
        for (x, y) in ac.zip(bc.clone()) {
            for l in 0..LANES {
                v[l] += x[l] * y[l];
            }
        }
        let mut width = LANES;
        while width > 1 {
            width /= 2;
            for l in 0..width {
                v[l] += v[l + width];
            }
        }
        out[q] = v[0];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every case against a naive f64 product: each narrow side, both storage orders of a and
    /// b, accumulate on and off, and inner lengths around the 16-lane blocks.
    #[test]
    fn narrow_products_match_naive() {
        let mut checked = 0;
        for (m, n, k) in [
            (375, 2, 200),
            (37, 1, 17),
            (5, 4, 33),
            (9, 3, 15),
            (375, 200, 2),
            (6, 40, 1),
            (2, 200, 375),
            (4, 7, 9),
            (1, 5, 16),
        ] {
            let (av, bv, start) = super::super::measure::check_operands(m, n, k);
            for (ta, tb, acc) in [
                (false, false, false),
                (true, false, true),
                (false, true, true),
                (true, true, false),
            ] {
                let (a, b) = (
                    Strided::stored(&av, m, k, ta),
                    Strided::stored(&bv, k, n, tb),
                );
                let mut c = start.clone();
                if !matmul(&mut c, (m, n, k), a, b, acc) {
                    // Only a strided b with many rows is left to gemm.
                    assert!(
                        tb && k > NARROW && n > NARROW,
                        "{m}×{n}×{k} {ta} {tb} declined"
                    );
                    continue;
                }
                for i in 0..m {
                    for j in 0..n {
                        let terms = (0..k).map(|p| a.at(i, p) as f64 * b.at(p, j) as f64);
                        let scale = 1.0 + terms.clone().map(f64::abs).sum::<f64>();
                        let want =
                            terms.sum::<f64>() + if acc { start[i * n + j] as f64 } else { 0.0 };
                        let err = (c[i * n + j] as f64 - want).abs() / scale;
                        assert!(
                            err < 1e-6,
                            "{m}×{n}×{k} {ta} {tb} {acc} at ({i}, {j}): {err:e}"
                        );
                    }
                }
                checked += 1;
            }
        }
        assert!(checked >= 30, "{checked} cases checked");
    }

    #[test]
    fn wide_products_are_left_to_gemm() {
        let (av, bv, mut c) = super::super::measure::check_operands(5, 5, 5);
        let a = Strided {
            data: &av,
            cs: 1,
            rs: 5,
        };
        let b = Strided {
            data: &bv,
            cs: 1,
            rs: 5,
        };
        assert!(!matmul(&mut c, (5, 5, 5), a, b, false));
    }
}
