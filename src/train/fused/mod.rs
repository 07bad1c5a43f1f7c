//! The CPU fast path for the low-dimensional tasks: the same models, loss and Adam as the
//! candle trainer, with every buffer preallocated, the gradient of the HNN loss written out by
//! hand, and the batch cut into fixed slices that run on threads (the same bits on any number
//! of threads). Candle's version stays as the reference (and the CUDA path); tests check the
//! two agree.

mod kernels;
mod measure;
mod narrow;
mod net;
mod pixel;
mod residual;
mod sparse;
#[cfg(any(target_arch = "wasm32", test))]
mod wasm_gemm;

pub use measure::{matmul_gflops, matmul_self_check, sgemm_peak_gflops};
pub use net::{dhnn_loss_grad, loss_grad, Params, Workspace};
pub use pixel::{FusedPixel, MIN_PAIRS_PER_SLICE};
pub use residual::ResParams;

use crate::nn::{MlpWeights, ModelKind};

/// Adam state with PyTorch's coupled weight decay, over flat buffers.
struct AdamState {
    m: Params,
    v: Params,
    t: i32,
}

/// A D-HNN's second network (the dissipation potential D) with its Adam moments.
pub struct DissipationNet {
    pub params: Params,
    m: Params,
    v: Params,
}

/// A slice's rows, its workspace, and for a D-HNN the D network's workspace.
type Chunk = (std::ops::Range<usize>, Workspace, Option<Workspace>);

/// A model trained full-batch on (x, y) rows with the fused kernels.
pub struct FusedNet {
    pub kind: ModelKind,
    /// The baseline's MLP, or the (D-)HNN's H.
    pub params: Params,
    /// A D-HNN's D (None for the other kinds).
    pub dissipation: Option<DissipationNet>,
    adam: AdamState,
    /// Each slice's rows and workspaces (at most [`MAX_SLICES`], so Adam's kernel sums their
    /// gradients as it goes).
    chunks: Vec<Chunk>,
    pub lr: f32,
    pub weight_decay: f32,
}

/// Adam's bias corrections 1 − β₁ᵗ and 1 − β₂ᵗ.
pub(crate) fn bias_corrections(t: i32) -> (f32, f32) {
    (1.0 - BETA1.powi(t), 1.0 - BETA2.powi(t))
}

const BETA1: f32 = 0.9;
const BETA2: f32 = 0.999;

/// Rows per slice below which splitting the batch costs more than it saves (measured with
/// `hnn-lab bench` on 1 and 2 threads: 64-row slices made the two-body step of 200 rows 30%
/// slower than two 100-row slices).
pub const MIN_ROWS_PER_SLICE: usize = 100;

/// The most slices a batch is cut into, whatever the number of threads.
///
/// Why fixed: each slice sums its rows' gradients, and the slices are then added in order, so
/// the rounding depends on where the cuts fall. Cutting by the batch size alone (never by the
/// thread count) gives bit-identical weights on 1, 2 or 16 threads. Why two: the shipped
/// models were trained on two threads, so two slices reproduce them bit for bit on any
/// machine; a third thread would sit idle (each trainer in the app has one anyway), and on one
/// thread two slices cost 3–18% over one (`hnn-lab bench`).
pub const MAX_SLICES: usize = 2;

/// The row ranges a batch of `rows` is cut into: as many slices of at least `min_rows` as fit,
/// at most [`MAX_SLICES`], independent of the thread count.
pub fn slices(rows: usize, min_rows: usize) -> Vec<std::ops::Range<usize>> {
    let n = (rows / min_rows.max(1)).clamp(1, MAX_SLICES);
    (0..n)
        .map(|t| (t * rows / n)..((t + 1) * rows / n))
        .collect()
}

impl FusedNet {
    /// `rows` is the batch size the workspaces are sized for.
    pub fn new(
        kind: ModelKind,
        init: &MlpWeights,
        rows: usize,
        lr: f64,
        weight_decay: f64,
    ) -> Self {
        Self::with_dissipation(kind, init, None, rows, lr, weight_decay)
    }

    /// A D-HNN (`kind` Dhnn) from its H and D weights; the other kinds take `init_d` None.
    pub fn with_dissipation(
        kind: ModelKind,
        init: &MlpWeights,
        init_d: Option<&MlpWeights>,
        rows: usize,
        lr: f64,
        weight_decay: f64,
    ) -> Self {
        assert_eq!(
            kind == ModelKind::Dhnn,
            init_d.is_some(),
            "a D-HNN, and only a D-HNN, has a dissipation network"
        );
        let params = Params::from_weights(init);
        let dissipation = init_d.map(|w| {
            let params = Params::from_weights(w);
            DissipationNet {
                m: Params::zeros(&params.sizes),
                v: Params::zeros(&params.sizes),
                params,
            }
        });
        let chunks: Vec<Chunk> = slices(rows, MIN_ROWS_PER_SLICE)
            .into_iter()
            .map(|r| {
                let ws = Workspace::new(&params.sizes, r.len());
                let wsd = dissipation
                    .as_ref()
                    .map(|d| Workspace::new(&d.params.sizes, r.len()));
                (r, ws, wsd)
            })
            .collect();
        assert!(
            chunks.len() <= 2,
            "Adam's kernel sums at most two slices' gradients"
        );
        let adam = AdamState {
            m: Params::zeros(&params.sizes),
            v: Params::zeros(&params.sizes),
            t: 0,
        };
        Self {
            kind,
            params,
            dissipation,
            adam,
            chunks,
            lr: lr as f32,
            weight_decay: weight_decay as f32,
        }
    }

    /// Mean squared error and its gradient over the whole batch (summed over the chunks in
    /// `self.chunks[0]`'s workspaces).
    fn loss_and_grad(&mut self, x: &[f32], y: &[f32]) -> f32 {
        let d = self.params.sizes[0];
        let total = (x.len()) as f32;
        let scale = 1.0 / total;
        let (kind, params) = (self.kind, &self.params);
        let dparams = self.dissipation.as_ref().map(|n| &n.params);
        let run = |(r, ws, wsd): &mut Chunk| {
            let (xs, ys) = (&x[r.start * d..r.end * d], &y[r.start * d..r.end * d]);
            ws.grad.fill(0.0);
            match (dparams, wsd) {
                (Some(pd), Some(wsd)) => {
                    wsd.grad.fill(0.0);
                    dhnn_loss_grad(params, pd, xs, ys, scale, ws, wsd)
                }
                _ => loss_grad(kind, params, xs, ys, scale, ws),
            }
        };
        // The slices' sums are added in slice order (a parallel `sum` would add them in an
        // order that depends on the threads).
        let sse: f32 = if self.chunks.len() == 1 {
            run(&mut self.chunks[0])
        } else {
            use rayon::prelude::*;
            let parts: Vec<f32> = self.chunks.par_iter_mut().map(run).collect();
            parts.iter().sum()
        };
        sse * scale
    }

    /// Each network's gradient summed over the slices, in slice order (main or H, then D).
    fn summed_gradients(&self) -> (Params, Option<Params>) {
        let sum = |pick: &dyn Fn(&Chunk) -> Option<&Params>| {
            let mut total = pick(&self.chunks[0])?.clone();
            for c in &self.chunks[1..] {
                for (a, b) in total.buffers_mut().zip(pick(c)?.buffers()) {
                    kernels::add_assign(a, b);
                }
            }
            Some(total)
        };
        let main = sum(&|c: &Chunk| Some(&c.1.grad)).expect("a main network");
        (main, sum(&|c: &Chunk| c.2.as_ref().map(|w| &w.grad)))
    }

    /// Loss only (no update), e.g. on the test set.
    pub fn loss(&self, x: &[f32], y: &[f32]) -> f32 {
        let d = self.params.sizes[0];
        let rows = x.len() / d;
        let mut ws = Workspace::new(&self.params.sizes, rows);
        let sse = match &self.dissipation {
            Some(n) => {
                let mut wsd = Workspace::new(&n.params.sizes, rows);
                dhnn_loss_grad(&self.params, &n.params, x, y, 1.0, &mut ws, &mut wsd)
            }
            None => loss_grad(self.kind, &self.params, x, y, 1.0, &mut ws),
        };
        sse / x.len() as f32
    }

    /// The gradient of the mean loss at the current parameters (for tests): the main (or H)
    /// network's, and a D-HNN's D network's.
    pub fn gradient(&mut self, x: &[f32], y: &[f32]) -> (f32, Params) {
        let (l, g, _) = self.gradients(x, y);
        (l, g)
    }

    /// As `gradient`, with the D network's gradient too (D-HNN).
    pub fn gradients(&mut self, x: &[f32], y: &[f32]) -> (f32, Params, Option<Params>) {
        let l = self.loss_and_grad(x, y);
        let (g, gd) = self.summed_gradients();
        (l, g, gd)
    }

    /// One Adam step on the full batch; returns the loss before the step.
    pub fn step(&mut self, x: &[f32], y: &[f32]) -> f32 {
        let loss = self.loss_and_grad(x, y);
        let a = &mut self.adam;
        a.t += 1;
        let (bc1, bc2) = bias_corrections(a.t);
        let k = [self.lr, self.weight_decay, bc1, bc2];
        // The slices' gradients are summed inside Adam's pass (slice 0 + slice 1, the order
        // `summed_gradients` uses), so the sum is never written out.
        let (c0, c1) = (&self.chunks[0], self.chunks.get(1));
        let update =
            |p: &mut Params, m: &mut Params, v: &mut Params, g0: &Params, g1: Option<&Params>| {
                // One slice: an empty second gradient, which the kernel skips.
                let empty = Vec::new();
                let mut g1s = g1.map(Params::buffers);
                for (((p, g0), m), v) in p
                    .buffers_mut()
                    .zip(g0.buffers())
                    .zip(m.buffers_mut())
                    .zip(v.buffers_mut())
                {
                    let g1 = g1s.as_mut().and_then(Iterator::next).unwrap_or(&empty);
                    kernels::adam(p, g0, g1, m, v, k);
                }
            };
        update(
            &mut self.params,
            &mut a.m,
            &mut a.v,
            &c0.1.grad,
            c1.map(|c| &c.1.grad),
        );
        if let (Some(n), Some(wsd)) = (&mut self.dissipation, &c0.2) {
            let wsd1 = c1.and_then(|c| c.2.as_ref()).map(|w| &w.grad);
            update(&mut n.params, &mut n.m, &mut n.v, &wsd.grad, wsd1);
        }
        loss
    }

    /// An f64 copy for inference (the main or H network).
    pub fn weights(&self) -> MlpWeights {
        self.params.to_weights()
    }

    /// An f64 copy of a D-HNN's D network.
    pub fn dissipation_weights(&self) -> Option<MlpWeights> {
        self.dissipation.as_ref().map(|n| n.params.to_weights())
    }
}

impl Params {
    /// f32 buffers from f64 weights (the last layer has no bias).
    pub fn from_weights(init: &MlpWeights) -> Self {
        Params {
            sizes: init.sizes.clone(),
            w: init
                .w
                .iter()
                .map(|w| w.iter().map(|&v| v as f32).collect())
                .collect(),
            b: init
                .b
                .iter()
                .flatten()
                .map(|b| b.iter().map(|&v| v as f32).collect())
                .collect(),
        }
    }

    /// An f64 copy for inference.
    pub fn to_weights(&self) -> MlpWeights {
        let n = self.w.len();
        MlpWeights {
            sizes: self.sizes.clone(),
            w: self
                .w
                .iter()
                .map(|w| w.iter().map(|&v| v as f64).collect())
                .collect(),
            b: (0..n)
                .map(|i| self.b.get(i).map(|b| b.iter().map(|&v| v as f64).collect()))
                .collect(),
        }
    }
}

/// Floating-point operations of the matrix products in one training step on `rows` samples
/// (2 per multiply–add), counted from the products the kernels perform.
pub fn step_flops(kind: ModelKind, sizes: &[usize], rows: usize) -> f64 {
    let l = sizes.len() - 1;
    let mm = |a: usize, b: usize| 2.0 * rows as f64 * a as f64 * b as f64;
    // Forward through the hidden layers, and backprop through them (dW, and dh below the first).
    let hidden_fwd: f64 = (0..l - 1).map(|i| mm(sizes[i], sizes[i + 1])).sum();
    let hidden_bwd: f64 = (0..l - 1)
        .map(|i| mm(sizes[i], sizes[i + 1]) * if i > 0 { 2.0 } else { 1.0 })
        .sum();
    match kind {
        // Output layer forward, its dW and dh.
        ModelKind::Baseline => hidden_fwd + hidden_bwd + 3.0 * mm(sizes[l - 1], sizes[l]),
        ModelKind::Hnn => {
            // Input-gradient chain (c_i for i ≥ 1, and g), then its backward (dW, Δ per link, and
            // dW_0, Δ_0 at the input).
            let chain: f64 = (1..l - 1).map(|i| mm(sizes[i], sizes[i + 1])).sum::<f64>()
                + mm(sizes[0], sizes[1]);
            let chain_bwd: f64 = (1..l - 1)
                .map(|i| 2.0 * mm(sizes[i], sizes[i + 1]))
                .sum::<f64>()
                + 2.0 * mm(sizes[0], sizes[1]);
            hidden_fwd + chain + chain_bwd + hidden_bwd
        }
        // Two HNN-shaped networks.
        ModelKind::Dhnn => 2.0 * step_flops(ModelKind::Hnn, sizes, rows),
    }
}

/// Floating-point operations of the matrix products in one training step on a minibatch of
/// `batch` (2 per multiply–add), counted from the products the kernels perform: the encoder
/// forward and backward on both pairs (no input gradient), the decoder forward and backward
/// (with ∂/∂z), and the latent dynamics (with ∂/∂z).
pub fn pixel_step_flops(
    kind: ModelKind,
    input: usize,
    ae_hidden: usize,
    hidden: &[usize],
    batch: usize,
) -> f64 {
    let (d, h) = (input as f64, ae_hidden as f64);
    let layers = d * h + 2.0 * h * h + 2.0 * h; // one pass of either half
    let enc_bwd = layers + (2.0 * h * h + 2.0 * h); // dW of every layer, dh above the input layer
    let dec_bwd = layers + (d * h + 2.0 * h * h) + 2.0 * h; // dW, dh, and dz
    let macs = 2.0 * layers + layers + 2.0 * enc_bwd + dec_bwd;
    let sizes = kind.sizes(2, hidden);
    2.0 * batch as f64 * macs
        + step_flops(kind, &sizes, batch)
        + 2.0 * batch as f64 * 2.0 * sizes[1] as f64
}

/// Asserts our f32 gradient of `var` matches candle's autograd within `tol` of the largest
/// reference entry (at least `floor`).
#[cfg(test)]
pub(crate) fn assert_matches_autograd(
    grads: &candle_core::backprop::GradStore,
    var: &candle_core::Var,
    ours: &[f32],
    floor: f64,
    tol: f64,
    label: &str,
) {
    let reference = grads
        .get(var.as_tensor())
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1::<f64>()
        .unwrap();
    let scale = reference.iter().fold(floor, |a, v| a.max(v.abs()));
    for (a, b) in ours.iter().zip(&reference) {
        assert!(
            ((*a as f64) - b).abs() < tol * scale,
            "{label}: {a} vs {b} (scale {scale})"
        );
    }
}

#[cfg(test)]
mod tests;
