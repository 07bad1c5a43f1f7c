//! The MLP's parameters as flat f32 buffers, and the HNN/baseline loss with its parameter
//! gradient written out by hand (forward, input gradient, and the backward pass through both),
//! for one chunk of the batch. The candle model is the reference these are tested against.

use super::kernels::{self, matmul, View};
use crate::nn::ModelKind;

/// Weights (in × out, row-major) and biases of every layer; the last layer has no bias.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub sizes: Vec<usize>,
    pub w: Vec<Vec<f32>>,
    pub b: Vec<Vec<f32>>,
}

impl Params {
    pub fn zeros(sizes: &[usize]) -> Self {
        let l = sizes.len() - 1;
        Self {
            sizes: sizes.to_vec(),
            w: (0..l).map(|i| vec![0.0; sizes[i] * sizes[i + 1]]).collect(),
            b: (0..l - 1).map(|i| vec![0.0; sizes[i + 1]]).collect(),
        }
    }
    pub fn fill(&mut self, v: f32) {
        self.w
            .iter_mut()
            .chain(self.b.iter_mut())
            .for_each(|x| x.fill(v));
    }
    /// Every buffer in a fixed order (weights, then biases), for optimisers and reductions.
    pub fn buffers_mut(&mut self) -> impl Iterator<Item = &mut Vec<f32>> {
        self.w.iter_mut().chain(self.b.iter_mut())
    }
    pub fn buffers(&self) -> impl Iterator<Item = &Vec<f32>> {
        self.w.iter().chain(self.b.iter())
    }
}

/// Activations and scratch for one chunk of `rows` samples, reused every step.
pub struct Workspace {
    rows: usize,
    /// Hidden activations h_i and s_i = 1 − h_i².
    h: Vec<Vec<f32>>,
    s: Vec<Vec<f32>>,
    /// c_i = δ_{i+1} W_{i+1}ᵀ and δ_i = s_i ⊙ c_i (HNN input-gradient chain).
    c: Vec<Vec<f32>>,
    delta: Vec<Vec<f32>>,
    /// ∂L/∂s_i, and the running ∂L/∂δ_i / ∂L/∂h_i buffers.
    ds: Vec<Vec<f32>>,
    back: Vec<Vec<f32>>,
    /// Network output (HNN: ∇ₓH; baseline: ẋ) and its loss gradient.
    out: Vec<f32>,
    dout: Vec<f32>,
    /// f − y per sample, the residual the loss squares.
    pub residual: Vec<f32>,
    /// ∂loss/∂x, filled when the workspace was made `with_input_grad`.
    pub dx: Option<Vec<f32>>,
    pub grad: Params,
}

impl Workspace {
    pub fn new(sizes: &[usize], rows: usize) -> Self {
        let hidden = &sizes[1..sizes.len() - 1];
        let bufs = || {
            hidden
                .iter()
                .map(|n| vec![0.0; rows * n])
                .collect::<Vec<_>>()
        };
        let d = sizes[0];
        Self {
            rows,
            h: bufs(),
            s: bufs(),
            c: bufs(),
            delta: bufs(),
            ds: bufs(),
            back: bufs(),
            out: vec![0.0; rows * d],
            dout: vec![0.0; rows * d],
            residual: vec![0.0; rows * d],
            dx: None,
            grad: Params::zeros(sizes),
        }
    }
}

impl Workspace {
    /// Also computes ∂loss/∂x (when the input comes from another network, as in the pixel
    /// model's latent space).
    pub fn with_input_grad(mut self) -> Self {
        self.dx = Some(vec![0.0; self.out.len()]);
        self
    }
}

/// Adds this chunk's contribution to the gradient of loss = Σ (f − y)² · `scale` (scale =
/// 1 / total element count gives the batch mean) into `ws.grad`; returns Σ (f − y)².
pub fn loss_grad(
    kind: ModelKind,
    p: &Params,
    x: &[f32],
    y: &[f32],
    scale: f32,
    ws: &mut Workspace,
) -> f32 {
    let rows = x.len() / p.sizes[0];
    assert_eq!(rows, ws.rows, "workspace sized for another chunk");
    forward(p, x, ws);
    let sse = match kind {
        ModelKind::Hnn => hnn_backward(p, x, y, scale, ws),
        ModelKind::Baseline => baseline_backward(p, x, y, scale, ws),
        ModelKind::Dhnn => panic!("a D-HNN has two networks: use dhnn_loss_grad"),
    };
    write_input_grad(p, ws);
    sse
}

/// ∂loss/∂x into `ws.dx` where the workspace asked for it (after a backward pass):
/// a_0 = x W_0 + b_0, and `ws.back[0]` holds ∂loss/∂a_0.
fn write_input_grad(p: &Params, ws: &mut Workspace) {
    if let Some(dx) = &mut ws.dx {
        let (d, n0) = (p.sizes[0], p.sizes[1]);
        matmul(
            dx,
            View::new(&ws.back[0], ws.rows, n0),
            View::new(&p.w[0], d, n0).t(),
            false,
        );
    }
}

/// h_i = tanh(h_{i−1} W_i + b_i) and s_i = 1 − h_i².
fn forward(p: &Params, x: &[f32], ws: &mut Workspace) {
    let nh = p.sizes.len() - 2;
    for i in 0..nh {
        let (n_in, n_out) = (p.sizes[i], p.sizes[i + 1]);
        let (prev, rest) = ws.h.split_at_mut(i);
        let input = if i == 0 { x } else { &prev[i - 1][..] };
        matmul(
            &mut rest[0],
            View::new(input, ws.rows, n_in),
            View::new(&p.w[i], n_in, n_out),
            false,
        );
        kernels::bias_tanh(&mut rest[0], &mut ws.s[i], &p.b[i]);
    }
}

/// Backprop from ∂L/∂h_last (in `ws.back[last]`, already multiplied by s) down to the input,
/// accumulating weight and bias gradients. `ds` terms (HNN) are folded in layer by layer.
fn backprop_hidden(p: &Params, x: &[f32], ws: &mut Workspace, with_ds: bool) {
    let nh = p.sizes.len() - 2;
    for i in (0..nh).rev() {
        let (n_in, n_out) = (p.sizes[i], p.sizes[i + 1]);
        // ws.back[i] holds da_i.
        let (lower, upper) = ws.back.split_at_mut(i);
        let da = &upper[0];
        let input = if i == 0 { x } else { &ws.h[i - 1][..] };
        matmul(
            &mut ws.grad.w[i],
            View::new(input, ws.rows, n_in).t(),
            View::new(da, ws.rows, n_out),
            true,
        );
        kernels::col_sum(&mut ws.grad.b[i], da, None);
        if i > 0 {
            let dh = &mut lower[i - 1];
            matmul(
                dh,
                View::new(da, ws.rows, n_out),
                View::new(&p.w[i], n_in, n_out).t(),
                false,
            );
            if with_ds {
                kernels::tanh_backward(dh, &ws.h[i - 1], &ws.ds[i - 1], &ws.s[i - 1], true);
            } else {
                kernels::mul_assign(dh, &ws.s[i - 1]);
            }
        }
    }
}

fn baseline_backward(p: &Params, x: &[f32], y: &[f32], scale: f32, ws: &mut Workspace) -> f32 {
    let l = p.sizes.len() - 1;
    let (n_last, d) = (p.sizes[l - 1], p.sizes[l]);
    let last = l - 2;
    matmul(
        &mut ws.out,
        View::new(&ws.h[last], ws.rows, n_last),
        View::new(&p.w[l - 1], n_last, d),
        false,
    );
    let mut sse = 0.0;
    for (((g, o), t), res) in ws
        .dout
        .iter_mut()
        .zip(&ws.out)
        .zip(y)
        .zip(ws.residual.iter_mut())
    {
        let r = o - t;
        sse += r * r;
        *g = 2.0 * scale * r;
        *res = r;
    }
    matmul(
        &mut ws.grad.w[l - 1],
        View::new(&ws.h[last], ws.rows, n_last).t(),
        View::new(&ws.dout, ws.rows, d),
        true,
    );
    matmul(
        &mut ws.back[last],
        View::new(&ws.dout, ws.rows, d),
        View::new(&p.w[l - 1], n_last, d).t(),
        false,
    );
    kernels::mul_assign(&mut ws.back[last], &ws.s[last]);
    backprop_hidden(p, x, ws, false);
    sse
}

/// g = ∇ₓH into `ws.out` by the chain δ_last = s_last ⊙ w_Lᵀ, δ_{i−1} = s_{i−1} ⊙ (δ_i W_iᵀ),
/// g = δ_0 W_0ᵀ (after `forward`).
fn input_grad_chain(p: &Params, ws: &mut Workspace) {
    let l = p.sizes.len() - 1;
    let nh = l - 1;
    let d = p.sizes[0];
    let w_last = &p.w[l - 1]; // n_last × 1: a row vector for broadcasting
    kernels::mul_row(&mut ws.delta[nh - 1], &ws.s[nh - 1], w_last);
    for i in (1..nh).rev() {
        let (n_in, n_out) = (p.sizes[i], p.sizes[i + 1]);
        matmul(
            &mut ws.c[i - 1],
            View::new(&ws.delta[i], ws.rows, n_out),
            View::new(&p.w[i], n_in, n_out).t(),
            false,
        );
        kernels::mul(&mut ws.delta[i - 1], &ws.s[i - 1], &ws.c[i - 1]);
    }
    let n0 = p.sizes[1];
    matmul(
        &mut ws.out,
        View::new(&ws.delta[0], ws.rows, n0),
        View::new(&p.w[0], d, n0).t(),
        false,
    );
}

/// The exact parameter gradient through g = ∇ₓH, given G = ∂L/∂g in `ws.dout`, accumulated
/// into `ws.grad` (after `input_grad_chain`).
fn input_grad_backward(p: &Params, x: &[f32], ws: &mut Workspace) {
    let l = p.sizes.len() - 1;
    let nh = l - 1;
    let d = p.sizes[0];
    let n0 = p.sizes[1];
    let w_last = &p.w[l - 1];
    // Back through g = δ_0 W_0ᵀ: dW_0 += Gᵀ δ_0, Δ_0 = G W_0.
    matmul(
        &mut ws.grad.w[0],
        View::new(&ws.dout, ws.rows, d).t(),
        View::new(&ws.delta[0], ws.rows, n0),
        true,
    );
    matmul(
        &mut ws.back[0],
        View::new(&ws.dout, ws.rows, d),
        View::new(&p.w[0], d, n0),
        false,
    );
    // Back through δ_i = s_i ⊙ c_i with c_i = δ_{i+1} W_{i+1}ᵀ.
    for i in 0..nh - 1 {
        let (n_in, n_out) = (p.sizes[i + 1], p.sizes[i + 2]);
        kernels::mul(&mut ws.ds[i], &ws.back[i], &ws.c[i]);
        // dc_i = Δ_i ⊙ s_i, kept in back[i].
        kernels::mul_assign(&mut ws.back[i], &ws.s[i]);
        let (lo, hi) = ws.back.split_at_mut(i + 1);
        matmul(
            &mut ws.grad.w[i + 1],
            View::new(&lo[i], ws.rows, n_in).t(),
            View::new(&ws.delta[i + 1], ws.rows, n_out),
            true,
        );
        matmul(
            &mut hi[0],
            View::new(&lo[i], ws.rows, n_in),
            View::new(&p.w[i + 1], n_in, n_out),
            false,
        );
    }
    // Last link: δ_last = s_last ⊙ w_L.
    let last = nh - 1;
    kernels::mul_row(&mut ws.ds[last], &ws.back[last], w_last);
    kernels::col_sum(&mut ws.grad.w[l - 1], &ws.back[last], Some(&ws.s[last]));
    // Forward chain: ∂L/∂h_i = −2 h_i ⊙ ∂L/∂s_i (+ from the layer above), da_i = ∂L/∂h_i ⊙ s_i.
    kernels::tanh_backward(
        &mut ws.back[last],
        &ws.h[last],
        &ws.ds[last],
        &ws.s[last],
        false,
    );
    backprop_hidden(p, x, ws, true);
}

/// The HNN: g = ∇ₓH, field f = (g_p, −g_q); then the exact gradient of Σ (f − y)² through it.
fn hnn_backward(p: &Params, x: &[f32], y: &[f32], scale: f32, ws: &mut Workspace) -> f32 {
    let d = p.sizes[0];
    let n = d / 2;
    input_grad_chain(p, ws);
    // Loss on f = (g_p, −g_q) for n degrees of freedom; G = ∂L/∂g = (−∂L/∂f_p, ∂L/∂f_q).
    let mut sse = 0.0;
    for (((g, o), t), res) in ws
        .dout
        .chunks_exact_mut(d)
        .zip(ws.out.chunks_exact(d))
        .zip(y.chunks_exact(d))
        .zip(ws.residual.chunks_exact_mut(d))
    {
        for i in 0..n {
            let rq = o[n + i] - t[i];
            let rp = -o[i] - t[n + i];
            sse += rq * rq + rp * rp;
            g[i] = -2.0 * scale * rp;
            g[n + i] = 2.0 * scale * rq;
            res[i] = rq;
            res[n + i] = rp;
        }
    }
    input_grad_backward(p, x, ws);
    sse
}

/// The D-HNN's loss Σ (f − y)² · `scale` with f = J∇H + ∇D, H and D two scalar networks
/// (`ph`, `pd`) with a workspace each: their gradients go into `wsh.grad` and `wsd.grad`, the
/// residual into `wsh.residual`, and where the workspaces ask for it each network's share of
/// ∂loss/∂x into its `dx`. Returns Σ (f − y)².
pub fn dhnn_loss_grad(
    ph: &Params,
    pd: &Params,
    x: &[f32],
    y: &[f32],
    scale: f32,
    wsh: &mut Workspace,
    wsd: &mut Workspace,
) -> f32 {
    let d = ph.sizes[0];
    let n = d / 2;
    forward(ph, x, wsh);
    forward(pd, x, wsd);
    input_grad_chain(ph, wsh);
    input_grad_chain(pd, wsd);
    // f = (gH_p + gD_q, −gH_q + gD_p); r = f − y. ∂L/∂gD = 2·scale·r;
    // ∂L/∂gH = (−2·scale·r_p, 2·scale·r_q).
    let mut sse = 0.0;
    for ((((gh, gd), (oh, od)), t), res) in wsh
        .dout
        .chunks_exact_mut(d)
        .zip(wsd.dout.chunks_exact_mut(d))
        .zip(wsh.out.chunks_exact(d).zip(wsd.out.chunks_exact(d)))
        .zip(y.chunks_exact(d))
        .zip(wsh.residual.chunks_exact_mut(d))
    {
        for i in 0..n {
            let rq = oh[n + i] + od[i] - t[i];
            let rp = -oh[i] + od[n + i] - t[n + i];
            sse += rq * rq + rp * rp;
            gh[i] = -2.0 * scale * rp;
            gh[n + i] = 2.0 * scale * rq;
            gd[i] = 2.0 * scale * rq;
            gd[n + i] = 2.0 * scale * rp;
            res[i] = rq;
            res[n + i] = rp;
        }
    }
    input_grad_backward(ph, x, wsh);
    input_grad_backward(pd, x, wsd);
    // ∂loss/∂x = each network's share (the pixel model's latent sums them).
    write_input_grad(ph, wsh);
    write_input_grad(pd, wsd);
    sse
}
