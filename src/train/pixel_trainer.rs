//! The pixel task's trainer: autoencoder + latent dynamics, minibatch Adam, stepped one call
//! at a time so the CLI and the app's training thread drive the same object.

use std::sync::Arc;

use candle_core::{DType, Device, Result, Tensor};
use candle_nn::{VarBuilder, VarMap};

use super::Adam;
use crate::data::PixelDataset;
use crate::nn::{ModelKind, PixelModel};
use crate::rng::Rng;
use crate::scene::{LatentStep, Scene};

impl PixelArch {
    /// A fresh f32 model of this architecture, its variables in a new `VarMap`.
    pub fn build(
        &self,
        kind: ModelKind,
        dev: &Device,
        rng: &mut Rng,
    ) -> Result<(VarMap, PixelModel)> {
        let mut varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, dev);
        let mut model = PixelModel::new(
            kind,
            &mut varmap,
            vb,
            self.input,
            self.ae_hidden,
            &self.hidden,
            rng,
        )?;
        model.latent_step = self.latent_step;
        Ok((varmap, model))
    }
}

/// Values of the loss terms (batch means).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LossValues {
    pub total: f64,
    pub ae: f64,
    pub cc: f64,
    pub hnn: f64,
}

/// Architecture and settings the trainer was built with (also what a checkpoint records).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PixelArch {
    pub input: usize,
    pub ae_hidden: usize,
    pub hidden: Vec<usize>,
    /// The dynamics loss's latent step (not written when Euler: older files read as Euler).
    #[serde(default, skip_serializing_if = "LatentStep::is_euler")]
    pub latent_step: LatentStep,
}

pub struct PixelTrainer {
    pub kind: ModelKind,
    pub arch: PixelArch,
    pub varmap: VarMap,
    pub model: PixelModel,
    pub step: usize,
    pub batch_size: usize,
    opt: Adam,
    rng: Rng,
    data: Arc<PixelDataset>,
    train: Vec<(usize, usize)>,
    test: Vec<(usize, usize)>,
    dev: Device,
    /// On the CPU the steps run on the fused kernels; the candle model is then synced from
    /// them for evaluation, snapshots and saving.
    fused: Option<super::fused::FusedPixel>,
    /// What `reset` rebuilds from.
    scene: Scene,
    backend: super::Backend,
    /// After loading trained weights: (steps left, total) of a linear learning-rate warm-up.
    warmup: Option<(usize, usize)>,
    /// The learning rate asked for (the warm-up scales it).
    base_lr: f64,
}

/// Steps of learning-rate warm-up after `load_tensors`: a fresh Adam's first steps move every
/// weight by about the learning rate whatever its gradient, which would knock trained
/// weights off their optimum (shipped pixel HNN: the loss rose from 1.8e-4 to 2.5e-2 within
/// 40 steps without it, to 1.9e-4 with it; `tests/shipped_models.rs`).
pub const LOAD_WARMUP_STEPS: usize = 300;

impl PixelTrainer {
    /// The fused kernels on the CPU, candle elsewhere.
    pub fn new(
        kind: ModelKind,
        scene: &Scene,
        data: Arc<PixelDataset>,
        dev: &Device,
    ) -> Result<Self> {
        Self::with_backend(kind, scene, data, dev, super::Backend::for_device(dev))
    }

    pub fn with_backend(
        kind: ModelKind,
        scene: &Scene,
        data: Arc<PixelDataset>,
        dev: &Device,
        backend: super::Backend,
    ) -> Result<Self> {
        let arch = PixelArch {
            input: 2 * data.pixels(),
            ae_hidden: scene.model.ae_hidden,
            hidden: scene.model.hidden.clone(),
            latent_step: scene.model.latent_step,
        };
        let mut rng = Rng::new(scene.train.seed);
        let (varmap, model) = arch.build(kind, dev, &mut rng)?;
        let opt = Adam::new(
            varmap.all_vars(),
            scene.train.learning_rate,
            scene.train.weight_decay,
        )?;
        let train = data.samples(data.train_trials());
        let test = data.samples(data.test_trials());
        let batch_size = scene.train.batch_size.unwrap_or(200);
        let fused = if backend == super::Backend::Fused && dev.is_cpu() {
            let tensors = crate::nn::named_tensors(&varmap);
            let init = crate::nn::PixelSnapshot::from_tensors(kind, &tensors)
                .map_err(candle_core::Error::wrap)?;
            Some(
                super::fused::FusedPixel::new(
                    &init,
                    batch_size,
                    scene.train.learning_rate,
                    scene.train.weight_decay,
                )
                .with_latent_step(arch.latent_step),
            )
        } else {
            None
        };
        Ok(Self {
            kind,
            arch,
            varmap,
            model,
            step: 0,
            batch_size,
            opt,
            rng: rng.fork(0x5eed),
            data,
            train,
            test,
            dev: dev.clone(),
            fused,
            scene: scene.clone(),
            backend,
            warmup: None,
            base_lr: scene.train.learning_rate,
        })
    }

    /// Back to the seed's initial weights and a fresh optimiser (training from scratch), on
    /// the same data and device.
    pub fn reset(&mut self) -> Result<()> {
        *self = Self::with_backend(
            self.kind,
            &self.scene,
            self.data.clone(),
            &self.dev,
            self.backend,
        )?;
        Ok(())
    }

    /// Continues from saved weights (e.g. the shipped models): the variables take the given
    /// values and the optimiser starts afresh. Names and shapes must match the architecture
    /// (`load_pixel_tensors` checks them when reading a file).
    pub fn load_tensors(
        &mut self,
        tensors: &std::collections::HashMap<String, Tensor>,
    ) -> Result<()> {
        {
            let data = self.varmap.data().lock().expect("varmap lock");
            for (name, var) in data.iter() {
                let t = tensors
                    .get(name)
                    .ok_or_else(|| candle_core::Error::Msg(format!("no tensor {name} to load")))?;
                var.set(&t.to_dtype(DType::F32)?.to_device(&self.dev)?)?;
            }
        }
        self.opt = Adam::new(
            self.varmap.all_vars(),
            self.base_lr,
            self.scene.train.weight_decay,
        )?;
        if self.fused.is_some() {
            let snap = crate::nn::PixelSnapshot::from_tensors(self.kind, tensors)
                .map_err(candle_core::Error::wrap)?;
            self.fused = Some(
                super::fused::FusedPixel::new(
                    &snap,
                    self.batch_size,
                    self.base_lr,
                    self.scene.train.weight_decay,
                )
                .with_latent_step(self.arch.latent_step),
            );
        }
        self.warmup = Some((LOAD_WARMUP_STEPS + 1, LOAD_WARMUP_STEPS));
        self.apply_lr();
        Ok(())
    }

    /// Copies the fused trainer's weights into the candle model.
    fn sync(&self) -> Result<()> {
        if let Some(f) = &self.fused {
            let data = self.varmap.data().lock().expect("varmap lock");
            for (name, shape, vals) in f.named() {
                let var = data
                    .get(&name)
                    .ok_or_else(|| candle_core::Error::Msg(format!("no variable {name}")))?;
                var.set(&Tensor::from_slice(vals, shape, &self.dev)?)?;
            }
        }
        Ok(())
    }

    /// Whether the fused encoder's first layer may use the frames' sparsity (on by default;
    /// off only to measure or test the dense path).
    pub fn set_sparse_inputs(&mut self, on: bool) {
        if let Some(f) = &mut self.fused {
            f.sparse_inputs = on;
        }
    }

    pub fn set_learning_rate(&mut self, lr: f64) {
        self.base_lr = lr;
        self.apply_lr();
    }
    pub fn learning_rate(&self) -> f64 {
        self.base_lr
    }
    /// The rate the next step uses: the base rate, scaled down during a warm-up.
    fn apply_lr(&mut self) {
        let lr = match self.warmup {
            Some((left, total)) => self.base_lr * (total + 1 - left) as f64 / total as f64,
            None => self.base_lr,
        };
        self.opt.lr = lr;
        if let Some(f) = &mut self.fused {
            f.lr = lr as f32;
        }
    }
    pub fn scene(&self) -> &Scene {
        &self.scene
    }
    pub fn device(&self) -> &Device {
        &self.dev
    }
    pub fn dataset(&self) -> &Arc<PixelDataset> {
        &self.data
    }

    /// The candle model with the current weights (synced from the fused kernels on the CPU).
    pub fn synced_varmap(&self) -> Result<&VarMap> {
        self.sync()?;
        Ok(&self.varmap)
    }

    /// Input pairs and next pairs of the given samples as (n, 1568) tensors.
    pub fn batch(&self, idx: &[(usize, usize)]) -> Result<(Tensor, Tensor)> {
        pixel_batch(&self.data, idx, &self.dev)
    }

    /// A random minibatch of distinct training samples.
    fn draw(&mut self) -> Vec<(usize, usize)> {
        let n = self.train.len();
        let b = self.batch_size.min(n);
        // Partial Fisher–Yates over an index permutation.
        let mut ix: Vec<usize> = (0..n).collect();
        for k in 0..b {
            let j = k + (self.rng.next_u64() % (n - k) as u64) as usize;
            ix.swap(k, j);
        }
        ix[..b].iter().map(|&i| self.train[i]).collect()
    }

    /// One Adam step on a fresh minibatch; returns the batch's losses before the step.
    pub fn train_step(&mut self) -> Result<LossValues> {
        if let Some((left, total)) = self.warmup {
            self.warmup = (left > 1).then(|| (left - 1, total));
            self.apply_lr();
        }
        let idx = self.draw();
        if let Some(f) = &mut self.fused {
            self.step += 1;
            return Ok(f.step_samples(&self.data, &idx));
        }
        let (x, xn) = self.batch(&idx)?;
        let l = self.model.losses(&x, &xn)?;
        let grads = l.total.backward()?;
        self.opt.step(&grads)?;
        self.step += 1;
        values(&l)
    }

    /// An immutable CPU copy of the current weights (what the app's twins run on).
    pub fn snapshot(&self) -> anyhow::Result<crate::nn::PixelSnapshot> {
        self.sync()?;
        let tensors = crate::nn::named_tensors(&self.varmap);
        crate::nn::PixelSnapshot::from_tensors(self.kind, &tensors)
    }

    /// Losses on (up to `max` samples of) the test set, in batches.
    pub fn test_losses(&self, max: usize) -> Result<LossValues> {
        self.sync()?;
        let take = &self.test[..self.test.len().min(max)];
        let mut acc = LossValues::default();
        let mut n = 0.0;
        for chunk in take.chunks(500) {
            let (x, xn) = self.batch(chunk)?;
            let v = values(&self.model.losses(&x, &xn)?)?;
            let w = chunk.len() as f64;
            acc.total += w * v.total;
            acc.ae += w * v.ae;
            acc.cc += w * v.cc;
            acc.hnn += w * v.hnn;
            n += w;
        }
        Ok(LossValues {
            total: acc.total / n,
            ae: acc.ae / n,
            cc: acc.cc / n,
            hnn: acc.hnn / n,
        })
    }
}

/// Input pairs (frames i, i+1) and next pairs (i+1, i+2) of samples (trial, i) as
/// (n, 2·pixels) tensors.
pub fn pixel_batch(
    data: &PixelDataset,
    idx: &[(usize, usize)],
    dev: &Device,
) -> Result<(Tensor, Tensor)> {
    let d = 2 * data.pixels();
    let mut x = Vec::with_capacity(idx.len() * d);
    let mut xn = Vec::with_capacity(idx.len() * d);
    for &(t, i) in idx {
        x.extend_from_slice(data.pair(t, i));
        xn.extend_from_slice(data.pair(t, i + 1));
    }
    Ok((
        Tensor::from_vec(x, (idx.len(), d), dev)?,
        Tensor::from_vec(xn, (idx.len(), d), dev)?,
    ))
}

fn values(l: &crate::nn::PixelLosses) -> Result<LossValues> {
    let f = |t: &Tensor| -> Result<f64> { t.to_dtype(DType::F64)?.to_scalar::<f64>() };
    Ok(LossValues {
        total: f(&l.total)?,
        ae: f(&l.ae)?,
        cc: f(&l.cc)?,
        hnn: f(&l.hnn)?,
    })
}

#[cfg(test)]
#[path = "pixel_trainer_tests.rs"]
mod tests;
