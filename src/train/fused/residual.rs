//! Forward and backward passes of the autoencoder's halves (ReLU input layer, residual ReLU
//! blocks, linear output layer) on preallocated buffers, for the fused pixel trainer.

use super::kernels::{self, matmul, View};
use super::sparse::{SparseRows, MAX_SPARSE_DENSITY};

/// Weights (in × out, row-major) and biases of every layer, all with bias.
#[derive(Clone, Debug, PartialEq)]
pub struct ResParams {
    pub shapes: Vec<(usize, usize)>,
    pub w: Vec<Vec<f32>>,
    pub b: Vec<Vec<f32>>,
}

impl ResParams {
    pub fn zeros(shapes: &[(usize, usize)]) -> Self {
        Self {
            shapes: shapes.to_vec(),
            w: shapes.iter().map(|(a, b)| vec![0.0; a * b]).collect(),
            b: shapes.iter().map(|(_, b)| vec![0.0; *b]).collect(),
        }
    }
    pub fn buffers_mut(&mut self) -> impl Iterator<Item = &mut Vec<f32>> {
        self.w.iter_mut().chain(self.b.iter_mut())
    }
    pub fn buffers(&self) -> impl Iterator<Item = &Vec<f32>> {
        self.w.iter().chain(self.b.iter())
    }
    fn hidden(&self) -> usize {
        self.shapes[0].1
    }
    pub fn output(&self) -> usize {
        self.shapes[self.shapes.len() - 1].1
    }
}

/// Activations of one pass over `rows` inputs.
pub struct ResWork {
    pub rows: usize,
    /// h_0 = relu(x W_0 + b_0), then h_k = h_{k−1} + r_k with r_k = relu(h_{k−1} W_k + b_k).
    h: Vec<Vec<f32>>,
    r: Vec<Vec<f32>>,
    pub out: Vec<f32>,
    /// Scratch for the backward pass.
    dh: Vec<f32>,
    da: Vec<f32>,
    /// ∂loss/∂x when requested.
    pub dx: Vec<f32>,
    /// The input's non-zeros, and whether the first layer used them (inputs at most
    /// `max_sparse_density` full: the pixel frames).
    sparse: SparseRows,
    sparse_input: bool,
    pub(super) max_sparse_density: f64,
}

impl ResWork {
    pub fn new(p: &ResParams, rows: usize) -> Self {
        let h = p.hidden();
        let blocks = p.shapes.len() - 2;
        Self {
            rows,
            h: (0..=blocks).map(|_| vec![0.0; rows * h]).collect(),
            r: (0..blocks).map(|_| vec![0.0; rows * h]).collect(),
            out: vec![0.0; rows * p.output()],
            dh: vec![0.0; rows * h],
            da: vec![0.0; rows * h],
            dx: vec![0.0; rows * p.shapes[0].0],
            sparse: SparseRows::default(),
            sparse_input: false,
            max_sparse_density: MAX_SPARSE_DENSITY,
        }
    }
}

/// a = max(a + bias, 0), written as a select: `f32::max` is a library call in WebAssembly
/// (its NaN rule differs from the instruction's), which keeps the loop from vectorising.
fn bias_relu(a: &mut [f32], bias: &[f32]) {
    for row in a.chunks_exact_mut(bias.len()) {
        for (v, b) in row.iter_mut().zip(bias) {
            let s = *v + b;
            *v = if s > 0.0 { s } else { 0.0 };
        }
    }
}

fn add_bias(a: &mut [f32], bias: &[f32]) {
    for row in a.chunks_exact_mut(bias.len()) {
        kernels::add_assign(row, bias);
    }
}

/// Writes the output for `x` (rows × in) into `w.out`, keeping what the backward pass needs.
pub fn forward(p: &ResParams, x: &[f32], w: &mut ResWork) {
    let n = p.shapes.len();
    let rows = w.rows;
    let (d_in, h) = p.shapes[0];
    // A wide input (the frames) is checked for sparsity; a narrow one (the latent) is not.
    w.sparse_input = false;
    if d_in >= 64 && w.max_sparse_density > 0.0 {
        w.sparse.fill(x, d_in);
        w.sparse_input = w.sparse.density() <= w.max_sparse_density;
    }
    if w.sparse_input {
        w.sparse.matmul(&mut w.h[0], &p.w[0], h);
    } else {
        matmul(
            &mut w.h[0],
            View::new(x, rows, d_in),
            View::new(&p.w[0], d_in, h),
            false,
        );
    }
    bias_relu(&mut w.h[0], &p.b[0]);
    for k in 1..n - 1 {
        let (prev, next) = w.h.split_at_mut(k);
        matmul(
            &mut w.r[k - 1],
            View::new(&prev[k - 1], rows, h),
            View::new(&p.w[k], h, h),
            false,
        );
        bias_relu(&mut w.r[k - 1], &p.b[k]);
        kernels::add(&mut next[0], &prev[k - 1], &w.r[k - 1]);
    }
    let d_out = p.output();
    matmul(
        &mut w.out,
        View::new(&w.h[n - 2], rows, h),
        View::new(&p.w[n - 1], h, d_out),
        false,
    );
    add_bias(&mut w.out, &p.b[n - 1]);
}

/// Back from ∂loss/∂out to the weights and, if `want_dx`, to the input. Weight gradients are
/// overwritten; bias gradients are accumulated, so zero `g.b` first.
pub fn backward(
    p: &ResParams,
    x: &[f32],
    dout: &[f32],
    w: &mut ResWork,
    g: &mut ResParams,
    want_dx: bool,
) {
    let n = p.shapes.len();
    let rows = w.rows;
    let (d_in, h) = p.shapes[0];
    let d_out = p.output();
    matmul(
        &mut g.w[n - 1],
        View::new(&w.h[n - 2], rows, h).t(),
        View::new(dout, rows, d_out),
        false,
    );
    kernels::col_sum(&mut g.b[n - 1], dout, None);
    matmul(
        &mut w.dh,
        View::new(dout, rows, d_out),
        View::new(&p.w[n - 1], h, d_out).t(),
        false,
    );
    for k in (1..n - 1).rev() {
        // h_k = h_{k−1} + relu(a_k): da_k = dh_k ⊙ [r_k > 0]; dh_{k−1} = dh_k + da_k W_kᵀ.
        for ((a, d), r) in w.da.iter_mut().zip(&w.dh).zip(&w.r[k - 1]) {
            *a = if *r > 0.0 { *d } else { 0.0 };
        }
        matmul(
            &mut g.w[k],
            View::new(&w.h[k - 1], rows, h).t(),
            View::new(&w.da, rows, h),
            false,
        );
        kernels::col_sum(&mut g.b[k], &w.da, None);
        matmul(
            &mut w.dh,
            View::new(&w.da, rows, h),
            View::new(&p.w[k], h, h).t(),
            true,
        );
    }
    for (d, h0) in w.dh.iter_mut().zip(&w.h[0]) {
        if *h0 <= 0.0 {
            *d = 0.0;
        }
    }
    if w.sparse_input {
        w.sparse.t_matmul(&mut g.w[0], &w.dh, h);
    } else {
        matmul(
            &mut g.w[0],
            View::new(x, rows, d_in).t(),
            View::new(&w.dh, rows, h),
            false,
        );
    }
    kernels::col_sum(&mut g.b[0], &w.dh, None);
    if want_dx {
        matmul(
            &mut w.dx,
            View::new(&w.dh, rows, h),
            View::new(&p.w[0], d_in, h).t(),
            false,
        );
    }
}
