use std::collections::HashMap;

use candle_core::{Device, Result, Tensor};

use super::fused::FusedNet;
use super::CandleTrainer;
use crate::data::{Dataset, Scaling};
use crate::nn::{FieldSnapshot, MlpWeights, ModelKind};
use crate::rng::Rng;
use crate::scene::Scene;

/// Which implementation runs the steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// candle tensors and autograd: any device, the reference.
    Candle,
    /// Hand-written CPU kernels, several times faster on the CPU.
    Fused,
}

impl Backend {
    /// The fused kernels on the CPU, candle elsewhere.
    pub fn for_device(dev: &Device) -> Self {
        if dev.is_cpu() {
            Backend::Fused
        } else {
            Backend::Candle
        }
    }
}

struct Fused {
    net: FusedNet,
    x: Vec<f32>,
    y: Vec<f32>,
    x_test: Vec<f32>,
    y_test: Vec<f32>,
    /// A minibatch gathered from `x`, `y` (minibatch training only).
    xb: Vec<f32>,
    yb: Vec<f32>,
}

/// Draws each step's minibatch as the reference code does (`randperm(N)[:batch]`): `batch`
/// distinct training rows, from its own seeded stream so both backends see the same rows.
struct Batcher {
    rng: Rng,
    perm: Vec<u32>,
    size: usize,
}

impl Batcher {
    fn next(&mut self) -> &[u32] {
        // A partial Fisher–Yates shuffle: the first `size` entries are a uniform sample.
        let n = self.perm.len();
        for i in 0..self.size {
            let j = i + (self.rng.uniform() * (n - i) as f64) as usize;
            self.perm.swap(i, j.min(n - 1));
        }
        &self.perm[..self.size]
    }
}

/// One model being trained on a low-dimensional dataset (full batch, or the scene's
/// `batch_size` rows drawn afresh each step), advanced a step at a time so that the CLI (with a
/// progress bar) and the app (on its own thread) can both drive it. Both backends start from
/// the same initial weights and draw the same minibatches for the same seed.
pub struct Trainer {
    pub kind: ModelKind,
    pub scaling: Scaling,
    pub step: usize,
    candle: CandleTrainer,
    fused: Option<Fused>,
    batcher: Option<Batcher>,
    /// What `reset` rebuilds from.
    origin: std::sync::Arc<(Scene, Dataset, Device, Backend)>,
}

fn flat(t: &Tensor) -> Result<Vec<f32>> {
    t.flatten_all()?.to_vec1::<f32>()
}

impl Trainer {
    pub fn new(kind: ModelKind, scene: &Scene, data: &Dataset, dev: &Device) -> Result<Self> {
        Self::with_backend(kind, scene, data, dev, Backend::for_device(dev))
    }

    pub fn with_backend(
        kind: ModelKind,
        scene: &Scene,
        data: &Dataset,
        dev: &Device,
        backend: Backend,
    ) -> Result<Self> {
        let candle = CandleTrainer::new(kind, scene, data, dev)?;
        let n = data.train.len();
        let batch = scene.train.batch_size.unwrap_or(n).clamp(1, n.max(1));
        let batcher = (batch < n).then(|| Batcher {
            rng: Rng::new(scene.train.seed).fork(0xba7c),
            perm: (0..n as u32).collect(),
            size: batch,
        });
        let fused = match backend {
            Backend::Candle => None,
            Backend::Fused => {
                let init = MlpWeights::from_mlp(&candle.model.mlp)?;
                let init_d = candle
                    .model
                    .dissipation
                    .as_ref()
                    .map(MlpWeights::from_mlp)
                    .transpose()?;
                let (x, y) = candle.train_tensors();
                let (xt, yt) = candle.test_tensors();
                let (x, y, x_test, y_test) = (flat(x)?, flat(y)?, flat(xt)?, flat(yt)?);
                let net = FusedNet::with_dissipation(
                    kind,
                    &init,
                    init_d.as_ref(),
                    batch,
                    scene.train.learning_rate,
                    scene.train.weight_decay,
                );
                let rows = if batcher.is_some() {
                    batch * data.train.dim
                } else {
                    0
                };
                Some(Fused {
                    net,
                    x,
                    y,
                    x_test,
                    y_test,
                    xb: vec![0.0; rows],
                    yb: vec![0.0; rows],
                })
            }
        };
        Ok(Self {
            kind,
            scaling: candle.scaling.clone(),
            step: 0,
            candle,
            fused,
            batcher,
            origin: std::sync::Arc::new((scene.clone(), data.clone(), dev.clone(), backend)),
        })
    }

    /// Back to the seed's initial weights and a fresh optimiser.
    pub fn reset(&mut self) -> Result<()> {
        let o = self.origin.clone();
        *self = Self::with_backend(self.kind, &o.0, &o.1, &o.2, o.3)?;
        Ok(())
    }

    pub fn set_learning_rate(&mut self, lr: f64) {
        self.candle.set_learning_rate(lr);
        if let Some(f) = &mut self.fused {
            f.net.lr = lr as f32;
        }
    }

    pub fn scene(&self) -> &Scene {
        &self.origin.0
    }
    pub fn device(&self) -> &Device {
        &self.origin.2
    }

    pub fn backend(&self) -> Backend {
        if self.fused.is_some() {
            Backend::Fused
        } else {
            Backend::Candle
        }
    }

    /// One Adam step (full batch or minibatch); returns the training loss on that batch
    /// before the step (model units).
    pub fn train_step(&mut self) -> Result<f32> {
        self.step += 1;
        let rows = self.batcher.as_mut().map(|b| b.next());
        match (&mut self.fused, rows) {
            (Some(f), None) => Ok(f.net.step(&f.x, &f.y)),
            (Some(f), Some(rows)) => {
                let d = self.scaling.dim();
                for (k, &r) in rows.iter().enumerate() {
                    let (src, dst) = (r as usize * d..(r as usize + 1) * d, k * d..(k + 1) * d);
                    f.xb[dst.clone()].copy_from_slice(&f.x[src.clone()]);
                    f.yb[dst].copy_from_slice(&f.y[src]);
                }
                Ok(f.net.step(&f.xb, &f.yb))
            }
            (None, rows) => self.candle.train_step_on(rows),
        }
    }

    /// Test loss in model units.
    pub fn test_loss(&self) -> Result<f32> {
        match &self.fused {
            Some(f) => Ok(f.net.loss(&f.x_test, &f.y_test)),
            None => self.candle.test_loss(),
        }
    }

    pub fn snapshot(&self) -> Result<FieldSnapshot> {
        match &self.fused {
            Some(f) => Ok(FieldSnapshot {
                kind: self.kind,
                mlp: f.net.weights(),
                dissipation: f.net.dissipation_weights(),
                scaling: self.scaling.clone(),
            }),
            None => self.candle.snapshot(),
        }
    }

    /// Named tensors to save (`l{i}.weight`, `l{i}.bias`; a D-HNN's D network as
    /// `d.l{i}.weight`, `d.l{i}.bias`), whichever backend holds them.
    pub fn tensors(&self) -> Result<HashMap<String, Tensor>> {
        match &self.fused {
            None => Ok(crate::nn::named_tensors(&self.candle.varmap)),
            Some(f) => {
                let mut out = HashMap::new();
                put_params(&mut out, "", &f.net.params)?;
                if let Some(d) = &f.net.dissipation {
                    let prefix = format!("{}.", crate::nn::DISSIPATION_PREFIX);
                    put_params(&mut out, &prefix, &d.params)?;
                }
                Ok(out)
            }
        }
    }
}

/// A network's buffers as named tensors under `prefix`.
fn put_params(
    out: &mut HashMap<String, Tensor>,
    prefix: &str,
    p: &super::fused::Params,
) -> Result<()> {
    for (i, w) in p.w.iter().enumerate() {
        out.insert(
            format!("{prefix}l{i}.weight"),
            Tensor::from_slice(w, (p.sizes[i], p.sizes[i + 1]), &Device::Cpu)?,
        );
    }
    for (i, b) in p.b.iter().enumerate() {
        out.insert(
            format!("{prefix}l{i}.bias"),
            Tensor::from_slice(b, p.sizes[i + 1], &Device::Cpu)?,
        );
    }
    Ok(())
}
