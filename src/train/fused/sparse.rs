//! The encoder's first layer on sparse frames: a frame pair of the pixel task is ~95% zeros
//! (a thin rod on a black background), so x·W₀ and the weight gradient xᵀ·δ touch only the
//! rows of W₀ under lit pixels. The non-zeros of each input row are gathered once per pass
//! (CSR) and used by the forward product and the weight gradient.

use super::kernels::multiversion;

/// Inputs denser than this take the dense gemm path (a dense product beats gathered rows
/// long before the input is full; `hnn-lab bench` measures both on the pixel step).
pub const MAX_SPARSE_DENSITY: f64 = 0.25;

/// The non-zero entries of a row-major matrix, row by row.
#[derive(Clone, Debug, Default)]
pub struct SparseRows {
    /// Row r's entries are `idx[starts[r]..starts[r + 1]]` (column) and `val[..]`.
    starts: Vec<usize>,
    idx: Vec<u32>,
    val: Vec<f32>,
    rows: usize,
    cols: usize,
}

impl SparseRows {
    /// Gathers the non-zeros of `x` (rows × `cols`), reusing the buffers.
    pub fn fill(&mut self, x: &[f32], cols: usize) {
        self.starts.clear();
        self.idx.clear();
        self.val.clear();
        self.starts.push(0);
        for row in x.chunks_exact(cols) {
            for (k, &v) in row.iter().enumerate() {
                if v != 0.0 {
                    self.idx.push(k as u32);
                    self.val.push(v);
                }
            }
            self.starts.push(self.idx.len());
        }
        self.rows = x.len() / cols;
        self.cols = cols;
    }

    /// Fraction of entries that are non-zero.
    pub fn density(&self) -> f64 {
        self.idx.len() as f64 / (self.rows * self.cols).max(1) as f64
    }

    /// out (rows × n) = x · w, `w` row-major (cols × n).
    pub fn matmul(&self, out: &mut [f32], w: &[f32], n: usize) {
        assert_eq!(out.len(), self.rows * n, "output shape");
        assert_eq!(w.len(), self.cols * n, "weight shape");
        gather_rows(out, &self.starts, &self.idx, &self.val, w, n);
    }

    /// g (cols × n) = xᵀ · d, `d` row-major (rows × n); g is overwritten.
    pub fn t_matmul(&self, g: &mut [f32], d: &[f32], n: usize) {
        assert_eq!(g.len(), self.cols * n, "gradient shape");
        assert_eq!(d.len(), self.rows * n, "delta shape");
        g.fill(0.0);
        scatter_rows(g, &self.starts, &self.idx, &self.val, d, n);
    }
}

multiversion! {
    /// out[r, :] = Σ_k val · w[idx, :] over row r's entries.
    pub fn gather_rows(out: &mut [f32], starts: &[usize], idx: &[u32], val: &[f32], w: &[f32], n: usize) {
        for (r, o) in out.chunks_exact_mut(n).enumerate() {
            o.fill(0.0);
            for e in starts[r]..starts[r + 1] {
                let v = val[e];
                let k = idx[e] as usize;
                for (o, w) in o.iter_mut().zip(&w[k * n..(k + 1) * n]) {
                    *o += v * w;
                }
            }
        }
    }
}

multiversion! {
    /// g[idx, :] += val · d[r, :] over every row r's entries.
    pub fn scatter_rows(g: &mut [f32], starts: &[usize], idx: &[u32], val: &[f32], d: &[f32], n: usize) {
        for (r, dr) in d.chunks_exact(n).enumerate() {
            for e in starts[r]..starts[r + 1] {
                let v = val[e];
                let k = idx[e] as usize;
                for (g, d) in g[k * n..(k + 1) * n].iter_mut().zip(dr) {
                    *g += v * d;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::fused::kernels::{matmul, View};

    /// Both products against gemm's dense ones on a hand-made sparse matrix (one empty row,
    /// one full row), to f32 round-off.
    #[test]
    fn sparse_products_equal_the_dense_ones() {
        let (rows, cols, n) = (4, 7, 5);
        let mut x = vec![0.0f32; rows * cols];
        x[2] = 0.5;
        x[cols + 6] = -1.25;
        for k in 0..cols {
            x[3 * cols + k] = k as f32 * 0.1 + 0.05;
        }
        let w: Vec<f32> = (0..cols * n)
            .map(|i| ((i * 37 % 11) as f32 - 5.0) / 7.0)
            .collect();
        let d: Vec<f32> = (0..rows * n)
            .map(|i| ((i * 13 % 9) as f32 - 4.0) / 3.0)
            .collect();
        let mut s = SparseRows::default();
        s.fill(&x, cols);
        assert!((s.density() - 9.0 / 28.0).abs() < 1e-12);
        let (mut a, mut b) = (vec![1.0; rows * n], vec![0.0; rows * n]);
        s.matmul(&mut a, &w, n);
        matmul(
            &mut b,
            View::new(&x, rows, cols),
            View::new(&w, cols, n),
            false,
        );
        for (u, v) in a.iter().zip(&b) {
            assert!((u - v).abs() < 1e-6, "{a:?} vs {b:?}");
        }
        let (mut g, mut h) = (vec![3.0; cols * n], vec![0.0; cols * n]);
        s.t_matmul(&mut g, &d, n);
        matmul(
            &mut h,
            View::new(&x, rows, cols).t(),
            View::new(&d, rows, n),
            false,
        );
        for (u, v) in g.iter().zip(&h) {
            assert!((u - v).abs() < 1e-6, "{g:?} vs {h:?}");
        }
    }
}
