//! Dense kernels for the fused CPU trainer: a safe wrapper over the `gemm` crate (which picks
//! AVX-512/AVX2/FMA at run time) and elementwise loops compiled for AVX-512 and for AVX2+FMA,
//! the best the CPU has picked at run time, since the crate itself is built for baseline
//! x86-64.

use super::narrow::Strided;

/// A row-major matrix view, optionally used transposed.
#[derive(Clone, Copy)]
pub struct View<'a> {
    pub data: &'a [f32],
    /// Rows and columns of the *stored* matrix.
    pub rows: usize,
    pub cols: usize,
    pub t: bool,
}

impl<'a> View<'a> {
    pub fn new(data: &'a [f32], rows: usize, cols: usize) -> Self {
        assert_eq!(
            data.len(),
            rows * cols,
            "a view of {rows} × {cols} over {} numbers",
            data.len()
        );
        Self {
            data,
            rows,
            cols,
            t: false,
        }
    }
    pub fn t(self) -> Self {
        Self { t: !self.t, ..self }
    }
    /// Shape as used (after the optional transpose).
    fn shape(&self) -> (usize, usize) {
        if self.t {
            (self.cols, self.rows)
        } else {
            (self.rows, self.cols)
        }
    }
    /// (column stride, row stride) as used.
    pub(super) fn strides(&self) -> (isize, isize) {
        if self.t {
            (self.cols as isize, 1)
        } else {
            (1, self.cols as isize)
        }
    }
    /// The same matrix as the narrow and WebAssembly kernels read it.
    fn strided(&self) -> Strided<'a> {
        let (rows, cols) = self.shape();
        Strided::stored(self.data, rows, cols, self.t)
    }
}

/// c (m × n, row-major) = a·b, or c += a·b when `accumulate`.
pub fn matmul(c: &mut [f32], a: View, b: View, accumulate: bool) {
    let (m, k) = a.shape();
    let (k2, n) = b.shape();
    assert_eq!(k, k2, "inner dimensions");
    assert_eq!(c.len(), m * n, "output size");
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            c.fill(0.0);
        }
        return;
    }
    let (a_cs, a_rs) = a.strides();
    let (b_cs, b_rs) = b.strides();
    // A side of at most 4 (a pendulum's state or field): gemm's wide tiles would idle.
    if super::narrow::matmul(c, (m, n, k), a.strided(), b.strided(), accumulate) {
        return;
    }
    // In WebAssembly the fused trainer's own kernel (relaxed SIMD's FMA where the module is
    // built with it; see `wasm_gemm`), except for products narrower than its 16-column tiles
    // (a 2-dimensional output layer), where gemm's 4-column tiles waste less.
    #[cfg(target_arch = "wasm32")]
    if n >= super::wasm_gemm::NR {
        super::wasm_gemm::matmul(c, (m, n, k), a.strided(), b.strided(), accumulate);
        return;
    }
    // SAFETY: the asserts above bound every index gemm touches: a is m×k, b is k×n and c is
    // m×n with the strides of their row-major storage, and c does not alias a or b (&mut).
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            1,
            n as isize,
            accumulate,
            a.data.as_ptr(),
            a_cs,
            a_rs,
            b.data.as_ptr(),
            b_cs,
            b_rs,
            1.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    };
}

/// exp(x) for x ≤ 0, to about 2 ulp (Cephes' expf polynomial), written branch-free so that
/// loops over it vectorise.
#[inline(always)]
fn exp_neg(x: f32) -> f32 {
    let x = x.max(-87.0);
    let n = (x * std::f32::consts::LOG2_E + 0.5).floor();
    let r = x - n * 0.693_359_4 + n * 2.121_944_4e-4;
    let p = ((((1.987_569_1e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r
        + 1.666_666_5e-1)
        * r
        + 0.5;
    let y = p * r * r + r + 1.0;
    // 2ⁿ from its exponent field, n + 127 in 1..=127 here. The integer comes out of the
    // float's own bits (2²³ + n + 127 holds it in its low mantissa bits, which the shift moves
    // to the exponent), not from `n as i32`: Rust's saturating cast does not vectorise and had
    // made the whole loop scalar half the time (tanh was 14% of a spring step).
    let biased = n + (8_388_608.0 + 127.0);
    y * f32::from_bits(biased.to_bits() << 23)
}

/// tanh through one exponential: tanh |x| = (1 − e^{−2|x|}) / (1 + e^{−2|x|}).
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    let e = exp_neg(-2.0 * x.abs());
    ((1.0 - e) / (1.0 + e)).copysign(x)
}

/// A function compiled three times (AVX-512, AVX2+FMA, baseline) and dispatched at run time.
/// Its body must inline whole: a closure it hands to a library function (`array::map`,
/// `try_fold` adapters) may be compiled for baseline x86-64 only.
macro_rules! multiversion {
    ($(#[$m:meta])* pub fn $name:ident($($arg:ident: $ty:ty),*) $body:block) => {
        $(#[$m])*
        pub fn $name($($arg: $ty),*) {
            #[inline(always)]
            fn imp($($arg: $ty),*) $body
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx2,fma")]
                unsafe fn wide($($arg: $ty),*) { imp($($arg),*) }
                #[target_feature(enable = "avx2,fma")]
                unsafe fn fast($($arg: $ty),*) { imp($($arg),*) }
                if std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("fma") {
                    // SAFETY: the CPU supports the features `wide` was compiled for.
                    return unsafe { wide($($arg),*) };
                }
                if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
                    // SAFETY: the CPU supports the features `fast` was compiled for.
                    return unsafe { fast($($arg),*) };
                }
            }
            imp($($arg),*)
        }
    };
}
pub(crate) use multiversion;

multiversion! {
    /// h = tanh(h + bias) over rows of width `bias.len()`, and its slope s = 1 − h² in the
    /// same pass (h is read once).
    pub fn bias_tanh(h: &mut [f32], s: &mut [f32], bias: &[f32]) {
        let w = bias.len();
        for (row, s_row) in h.chunks_exact_mut(w).zip(s.chunks_exact_mut(w)) {
            for ((v, s), b) in row.iter_mut().zip(s_row).zip(bias) {
                let t = tanh(*v + b);
                *v = t;
                *s = 1.0 - t * t;
            }
        }
    }
}

multiversion! {
    /// out = a ⊙ b.
    pub fn mul(out: &mut [f32], a: &[f32], b: &[f32]) {
        for ((o, a), b) in out.iter_mut().zip(a).zip(b) {
            *o = a * b;
        }
    }
}

multiversion! {
    /// out = a ⊙ row, `row` broadcast over the rows of `a`.
    pub fn mul_row(out: &mut [f32], a: &[f32], row: &[f32]) {
        for (o, a) in out.chunks_exact_mut(row.len()).zip(a.chunks_exact(row.len())) {
            for ((o, a), r) in o.iter_mut().zip(a).zip(row) {
                *o = a * r;
            }
        }
    }
}

multiversion! {
    /// acc[j] += Σ_rows a[r, j] (· b[r, j] when `b` is given).
    pub fn col_sum(acc: &mut [f32], a: &[f32], b: Option<&[f32]>) {
        let w = acc.len();
        match b {
            None => {
                for row in a.chunks_exact(w) {
                    for (s, v) in acc.iter_mut().zip(row) {
                        *s += v;
                    }
                }
            }
            Some(b) => {
                for (ra, rb) in a.chunks_exact(w).zip(b.chunks_exact(w)) {
                    for ((s, x), y) in acc.iter_mut().zip(ra).zip(rb) {
                        *s += x * y;
                    }
                }
            }
        }
    }
}

multiversion! {
    /// dh = −2 h ⊙ ds (+ dh when `accumulate`), then da = dh ⊙ s, written into `dh`.
    pub fn tanh_backward(dh: &mut [f32], h: &[f32], ds: &[f32], s: &[f32], accumulate: bool) {
        if accumulate {
            for (((d, h), ds), s) in dh.iter_mut().zip(h).zip(ds).zip(s) {
                *d = (*d - 2.0 * h * ds) * s;
            }
        } else {
            for (((d, h), ds), s) in dh.iter_mut().zip(h).zip(ds).zip(s) {
                *d = -2.0 * h * ds * s;
            }
        }
    }
}

multiversion! {
    /// In-place dh ⊙= s (back through tanh).
    pub fn mul_assign(dh: &mut [f32], s: &[f32]) {
        for (d, s) in dh.iter_mut().zip(s) {
            *d *= s;
        }
    }
}

multiversion! {
    /// out = a + b.
    pub fn add(out: &mut [f32], a: &[f32], b: &[f32]) {
        for ((o, a), b) in out.iter_mut().zip(a).zip(b) {
            *o = a + b;
        }
    }
}

multiversion! {
    /// a += b.
    pub fn add_assign(a: &mut [f32], b: &[f32]) {
        for (a, b) in a.iter_mut().zip(b) {
            *a += b;
        }
    }
}

multiversion! {
    /// Adam with coupled weight decay on one slice, the gradient being the sum of `g0` and
    /// `g1` (two threads' partial gradients; pass an empty `g1` for one). `k` holds
    /// [lr, weight decay, 1 − β₁ᵗ, 1 − β₂ᵗ].
    pub fn adam(p: &mut [f32], g0: &[f32], g1: &[f32], m: &mut [f32], v: &mut [f32], k: [f32; 4]) {
        let [lr, wd, bc1, bc2] = k;
        let (b1, b2) = (0.9f32, 0.999f32);
        // One element's update from its summed gradient (zipped loops without bounds
        // checks or branches, so that they vectorise, in WebAssembly too).
        let step = |p: &mut f32, g: f32, m: &mut f32, v: &mut f32| {
            let g = g + wd * *p;
            let mut mi = b1 * *m + (1.0 - b1) * g;
            let mut vi = b2 * *v + (1.0 - b2) * g * g;
            // A browser's WebAssembly keeps subnormals (no FTZ, see `flush_denormals`): the
            // moments are flushed here instead, or each step slows down ~2x once training
            // has converged far enough for them to appear.
            if cfg!(target_arch = "wasm32") {
                mi = if mi.abs() < f32::MIN_POSITIVE { 0.0 } else { mi };
                vi = if vi < f32::MIN_POSITIVE { 0.0 } else { vi };
            }
            *m = mi;
            *v = vi;
            *p -= lr * (mi / bc1) / ((vi / bc2).sqrt() + 1e-8);
        };
        let pmv = p.iter_mut().zip(m.iter_mut()).zip(v.iter_mut());
        if g1.len() == g0.len() {
            for ((((p, m), v), a), b) in pmv.zip(g0).zip(g1) {
                step(p, a + b, m, v);
            }
        } else {
            for (((p, m), v), a) in pmv.zip(g0) {
                step(p, a + 0.0, m, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_tanh_is_accurate() {
        let mut worst = 0.0f64;
        for i in -200_000..=200_000 {
            let x = i as f32 * 1e-4;
            let err = (tanh(x) as f64 - (x as f64).tanh()).abs();
            worst = worst.max(err);
        }
        assert!(worst < 3e-7, "max abs error {worst}");
        assert_eq!(tanh(100.0), 1.0);
        assert_eq!(tanh(-100.0), -1.0);
        assert_eq!(tanh(0.0), 0.0);
    }

    /// exp(x) over its whole range here (clamped at −87), including every power of two the
    /// exponent trick builds (n from −126 to 0), and the vectorised row kernel bit for bit
    /// against the scalar function.
    #[test]
    fn exp_neg_is_accurate_and_the_vector_loop_equals_the_scalar_one() {
        let mut worst = 0.0f64;
        for i in 0..=870_000 {
            let x = -(i as f32) * 1e-4;
            let want = (x as f64).exp();
            worst = worst.max((exp_neg(x) as f64 - want).abs() / want);
        }
        assert!(worst < 3e-7, "max relative error {worst}");
        assert_eq!(exp_neg(-200.0), exp_neg(-87.0));
        let xs: Vec<f32> = (0..4096).map(|i| (i as f32 - 2048.0) * 7.3e-3).collect();
        let bias = vec![0.25f32; 64];
        let (mut h, mut s) = (xs.clone(), vec![0.0; xs.len()]);
        bias_tanh(&mut h, &mut s, &bias);
        for ((got, slope), x) in h.iter().zip(&s).zip(&xs) {
            let want = tanh(x + 0.25);
            assert_eq!(got.to_bits(), want.to_bits(), "tanh({x} + 0.25)");
            assert_eq!(
                slope.to_bits(),
                (1.0 - want * want).to_bits(),
                "slope at {x}"
            );
        }
    }

    #[test]
    fn matmul_with_transposes_matches_naive() {
        let a: Vec<f32> = (0..6).map(|i| i as f32).collect(); // 2×3
        let b: Vec<f32> = (0..12).map(|i| (i as f32) * 0.5 - 2.0).collect(); // 3×4
        let naive = |x: &dyn Fn(usize, usize) -> f32, y: &dyn Fn(usize, usize) -> f32, m, k, n| {
            let mut c = vec![0.0f32; m * n];
            for i in 0..m {
                for j in 0..n {
                    c[i * n + j] = (0..k).map(|l| x(i, l) * y(l, j)).sum();
                }
            }
            c
        };
        let mut c = vec![0.0; 8];
        matmul(&mut c, View::new(&a, 2, 3), View::new(&b, 3, 4), false);
        assert_eq!(
            c,
            naive(&|i, l| a[i * 3 + l], &|l, j| b[l * 4 + j], 2, 3, 4)
        );
        // aᵀ (3×2) times a (2×3), accumulated twice.
        let mut c = vec![0.0; 9];
        matmul(&mut c, View::new(&a, 2, 3).t(), View::new(&a, 2, 3), false);
        matmul(&mut c, View::new(&a, 2, 3).t(), View::new(&a, 2, 3), true);
        let once = naive(&|i, l| a[l * 3 + i], &|l, j| a[l * 3 + j], 3, 2, 3);
        assert_eq!(c, once.iter().map(|v| 2.0 * v).collect::<Vec<_>>());
        // b (3×4) times bᵀ (4×3).
        let mut c = vec![0.0; 9];
        matmul(&mut c, View::new(&b, 3, 4), View::new(&b, 3, 4).t(), false);
        assert_eq!(
            c,
            naive(&|i, l| b[i * 4 + l], &|l, j| b[j * 4 + l], 3, 4, 3)
        );
    }
}
