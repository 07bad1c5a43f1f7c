//! The pixel model's training step with hand-written gradients: encoder on the input and next
//! pairs, decoder, latent dynamics (the fused HNN/baseline/D-HNN kernels with ∂/∂z), and the
//! ae + cc + 0.1·hnn loss, the batch split over threads, Adam fused.

use rayon::prelude::*;

use super::residual::{self, ResParams, ResWork};
use super::{dhnn_loss_grad, kernels, loss_grad, Params, Workspace};
use crate::nn::{ModelKind, PixelSnapshot, HNN_WEIGHT};
use crate::scene::LatentStep;
use crate::train::LossValues;

/// Writes one sample's input pair and next pair: `fill(row, x_row, next_row)`.
type RowFill<'a> = dyn Fn(usize, &mut [f32], &mut [f32]) + Sync + 'a;

/// Pairs per slice: each slice repacks every weight matrix, so 25-pair slices made a
/// 200-pair step 40% slower on one thread than one slice; 100-pair slices cost 1–2%.
pub const MIN_PAIRS_PER_SLICE: usize = 100;

/// Per-thread buffers for a slice of the batch.
struct Chunk {
    range: std::ops::Range<usize>,
    /// Input pairs then next pairs of this slice, stacked: (2 rows) × D.
    xx: Vec<f32>,
    enc: ResWork,
    dec: ResWork,
    dynamics: Workspace,
    /// A D-HNN's D network's workspace.
    dissipation: Option<Workspace>,
    g_enc: ResParams,
    g_dec: ResParams,
    z: Vec<f32>,
    /// The midpoint (z + z_next)/2, where the midpoint step evaluates the latent field.
    zin: Vec<f32>,
    y: Vec<f32>,
    dxhat: Vec<f32>,
    dzz: Vec<f32>,
    sums: [f64; 3],
}

impl Chunk {
    /// Adds another thread's partial gradients into this chunk's.
    fn add_gradients(&mut self, other: &Chunk) {
        for (a, b) in self.g_enc.buffers_mut().zip(other.g_enc.buffers()) {
            kernels::add_assign(a, b);
        }
        for (a, b) in self.g_dec.buffers_mut().zip(other.g_dec.buffers()) {
            kernels::add_assign(a, b);
        }
        for (a, b) in self
            .dynamics
            .grad
            .buffers_mut()
            .zip(other.dynamics.grad.buffers())
        {
            kernels::add_assign(a, b);
        }
        if let (Some(a), Some(b)) = (&mut self.dissipation, &other.dissipation) {
            for (a, b) in a.grad.buffers_mut().zip(b.grad.buffers()) {
                kernels::add_assign(a, b);
            }
        }
    }

    /// Every gradient buffer, in the order `FusedPixel::buffers_mut` lists the parameters.
    fn gradients(&self) -> impl Iterator<Item = &Vec<f32>> {
        self.g_enc
            .buffers()
            .chain(self.g_dec.buffers())
            .chain(self.dynamics.grad.buffers())
            .chain(self.dissipation.iter().flat_map(|w| w.grad.buffers()))
    }
}

struct Moments {
    enc: (ResParams, ResParams),
    dec: (ResParams, ResParams),
    dynamics: (Params, Params),
    dissipation: Option<(Params, Params)>,
}

/// Autoencoder + latent dynamics trained with the fused CPU kernels.
pub struct FusedPixel {
    pub kind: ModelKind,
    pub enc: ResParams,
    pub dec: ResParams,
    pub dynamics: Params,
    /// A D-HNN's dissipation potential D (None for the other kinds).
    pub dissipation: Option<Params>,
    moments: Moments,
    chunks: Vec<Chunk>,
    batch: usize,
    pub lr: f32,
    pub weight_decay: f32,
    t: i32,
    /// The dynamics loss's latent step (see `scene::LatentStep`).
    pub latent_step: LatentStep,
    /// Whether the encoder's first layer may use the frames' sparsity (false: always dense,
    /// the reference the sparse path is tested against).
    pub sparse_inputs: bool,
}

fn res_from(w: &crate::nn::ResidualWeights) -> ResParams {
    ResParams {
        shapes: w.shapes.clone(),
        w: w.w.clone(),
        b: w.b.clone(),
    }
}

impl FusedPixel {
    /// Starts from `init`'s weights, with workspaces for minibatches of `batch`.
    pub fn new(init: &PixelSnapshot, batch: usize, lr: f64, weight_decay: f64) -> Self {
        let enc = res_from(&init.encoder);
        let dec = res_from(&init.decoder);
        let dynamics = Params::from_weights(&init.dynamics.mlp);
        let dissipation = init.dynamics.dissipation.as_ref().map(Params::from_weights);
        let zeros = |p: &ResParams| (ResParams::zeros(&p.shapes), ResParams::zeros(&p.shapes));
        let moments = Moments {
            enc: zeros(&enc),
            dec: zeros(&dec),
            dynamics: (
                Params::zeros(&dynamics.sizes),
                Params::zeros(&dynamics.sizes),
            ),
            dissipation: dissipation
                .as_ref()
                .map(|d| (Params::zeros(&d.sizes), Params::zeros(&d.sizes))),
        };
        let mut s = Self {
            kind: init.kind,
            enc,
            dec,
            dynamics,
            dissipation,
            moments,
            chunks: Vec::new(),
            batch: 0,
            lr: lr as f32,
            weight_decay: weight_decay as f32,
            t: 0,
            latent_step: LatentStep::Euler,
            sparse_inputs: true,
        };
        s.resize(batch);
        s
    }

    /// The same trainer fitting its field with `step`.
    pub fn with_latent_step(mut self, step: LatentStep) -> Self {
        self.latent_step = step;
        self
    }

    /// Re-plans the slices for another batch size.
    pub fn resize(&mut self, batch: usize) {
        if batch == self.batch {
            return;
        }
        let d = self.enc.shapes[0].0;
        self.chunks = super::slices(batch, MIN_PAIRS_PER_SLICE)
            .into_iter()
            .map(|range| {
                let r = range.len();
                Chunk {
                    range,
                    xx: vec![0.0; 2 * r * d],
                    enc: ResWork::new(&self.enc, 2 * r),
                    dec: ResWork::new(&self.dec, r),
                    dynamics: Workspace::new(&self.dynamics.sizes, r).with_input_grad(),
                    dissipation: self
                        .dissipation
                        .as_ref()
                        .map(|d| Workspace::new(&d.sizes, r).with_input_grad()),
                    g_enc: ResParams::zeros(&self.enc.shapes),
                    g_dec: ResParams::zeros(&self.dec.shapes),
                    z: vec![0.0; 2 * r],
                    zin: vec![0.0; 2 * r],
                    y: vec![0.0; 2 * r],
                    dxhat: vec![0.0; r * d],
                    dzz: vec![0.0; 4 * r],
                    sums: [0.0; 3],
                }
            })
            .collect();
        self.batch = batch;
    }

    /// One Adam step on a minibatch of input pairs `x` and next pairs `xn` (batch × D each);
    /// returns the loss terms before the step.
    pub fn step(&mut self, x: &[f32], xn: &[f32]) -> LossValues {
        let l = self.gradient(x, xn);
        self.apply_adam();
        l
    }

    /// One Adam step on the samples `idx` (trial, i) of `data`: each thread copies its rows
    /// straight from the dataset, with no intermediate batch.
    pub fn step_samples(
        &mut self,
        data: &crate::data::PixelDataset,
        idx: &[(usize, usize)],
    ) -> LossValues {
        let l = self.gradient_with(idx.len(), &|row, x, xn| {
            let (t, i) = idx[row];
            x.copy_from_slice(data.pair(t, i));
            xn.copy_from_slice(data.pair(t, i + 1));
        });
        self.apply_adam();
        l
    }

    /// Loss terms and their gradient (left in the chunks' buffers).
    fn gradient(&mut self, x: &[f32], xn: &[f32]) -> LossValues {
        let d = self.enc.shapes[0].0;
        self.gradient_with(x.len() / d, &|row, a, b| {
            a.copy_from_slice(&x[row * d..(row + 1) * d]);
            b.copy_from_slice(&xn[row * d..(row + 1) * d]);
        })
    }

    /// As `gradient`, with `fill(row, x_row, next_row)` writing each sample's two inputs.
    fn gradient_with(&mut self, b: usize, fill: &RowFill) -> LossValues {
        let d = self.enc.shapes[0].0;
        self.resize(b);
        let (kind, enc, dec) = (self.kind, &self.enc, &self.dec);
        let (dynamics, dissipation) = (&self.dynamics, self.dissipation.as_ref());
        let midpoint = self.latent_step == LatentStep::Midpoint;
        let max_density = if self.sparse_inputs {
            super::sparse::MAX_SPARSE_DENSITY
        } else {
            0.0
        };
        let ae_scale = 2.0 / (b * d) as f32;
        let h_scale = HNN_WEIGHT as f32 / (2 * b) as f32;
        let cc_scale = 2.0 / b as f32;
        self.chunks.par_iter_mut().for_each(|c| {
            let r = c.range.len();
            c.enc.max_sparse_density = max_density;
            let (xs, xns) = c.xx.split_at_mut(r * d);
            for (k, row) in c.range.clone().enumerate() {
                fill(
                    row,
                    &mut xs[k * d..(k + 1) * d],
                    &mut xns[k * d..(k + 1) * d],
                );
            }
            // Weight gradients are overwritten by the backward pass; biases accumulate.
            c.g_enc
                .b
                .iter_mut()
                .chain(c.g_dec.b.iter_mut())
                .for_each(|v| v.fill(0.0));
            c.dynamics.grad.fill(0.0);
            if let Some(w) = &mut c.dissipation {
                w.grad.fill(0.0);
            }
            // Encode both pairs in one pass; z = first r rows, z_next = the rest.
            residual::forward(enc, &c.xx, &mut c.enc);
            let (z, zn) = c.enc.out.split_at(2 * r);
            c.z.copy_from_slice(z);
            for ((y, a), b) in c.y.iter_mut().zip(zn).zip(z) {
                *y = a - b;
            }
            if midpoint {
                for ((m, a), b) in c.zin.iter_mut().zip(zn).zip(z) {
                    *m = 0.5 * (a + b);
                }
            }
            // The field's input: z itself (Euler), or the midpoint just written.
            let zin = if midpoint { &c.zin } else { &c.z };
            // Reconstruction.
            residual::forward(dec, &c.z, &mut c.dec);
            let mut ae = 0.0f64;
            for ((g, xh), xv) in c.dxhat.iter_mut().zip(&c.dec.out).zip(&c.xx[..r * d]) {
                let diff = xh - xv;
                ae += (diff * diff) as f64;
                *g = ae_scale * diff;
            }
            residual::backward(dec, &c.z, &c.dxhat, &mut c.dec, &mut c.g_dec, true);
            // Latent dynamics: loss h_scale·Σ(f(z) − (z_next − z))².
            let sse = match (dissipation, &mut c.dissipation) {
                (Some(pd), Some(wsd)) => {
                    let s = dhnn_loss_grad(dynamics, pd, zin, &c.y, h_scale, &mut c.dynamics, wsd);
                    // ∂/∂z of J∇H + ∇D: the two networks' shares summed.
                    let (dh, dd) = (c.dynamics.dx.as_mut(), wsd.dx.as_ref());
                    let (dh, dd) = (dh.expect("input gradient"), dd.expect("input gradient"));
                    kernels::add_assign(dh, dd);
                    s
                }
                _ => loss_grad(kind, dynamics, zin, &c.y, h_scale, &mut c.dynamics),
            };
            let dfz = c.dynamics.dx.as_ref().expect("input gradient requested");
            // ∂/∂z and ∂/∂z_next of the field's input: z alone, or half each at the midpoint.
            let (share_z, share_zn) = if midpoint { (0.5, 0.5) } else { (1.0, 0.0) };
            let (dz, dzn) = c.dzz.split_at_mut(2 * r);
            let mut cc = 0.0f64;
            for i in 0..r {
                for k in 0..2 {
                    // y = z_next − z: ∂/∂y = −2·h_scale·residual.
                    let dy = -2.0 * h_scale * c.dynamics.residual[2 * i + k];
                    dz[2 * i + k] = c.dec.dx[2 * i + k] + share_z * dfz[2 * i + k] - dy;
                    dzn[2 * i + k] = dy + share_zn * dfz[2 * i + k];
                }
                // cc = (z_p − (z_q,next − z_q))².
                let v = c.z[2 * i + 1] - (zn[2 * i] - c.z[2 * i]);
                cc += (v * v) as f64;
                let g = cc_scale * v;
                dz[2 * i] += g;
                dz[2 * i + 1] += g;
                dzn[2 * i] -= g;
            }
            residual::backward(enc, &c.xx, &c.dzz, &mut c.enc, &mut c.g_enc, false);
            c.sums = [ae, cc, sse as f64];
        });
        let sums = self.chunks.iter().fold([0.0; 3], |acc, c| {
            [acc[0] + c.sums[0], acc[1] + c.sums[1], acc[2] + c.sums[2]]
        });
        let ae = sums[0] / (b * d) as f64;
        let cc = sums[1] / b as f64;
        let hnn = sums[2] / (2 * b) as f64;
        LossValues {
            total: ae + cc + HNN_WEIGHT * hnn,
            ae,
            cc,
            hnn,
        }
    }
}

#[path = "pixel_adam.rs"]
mod adam;

#[path = "pixel_names.rs"]
mod names;

#[cfg(test)]
#[path = "pixel_tests.rs"]
mod tests;
