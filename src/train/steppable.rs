//! What a trainer must offer to be driven from the training thread, for the pixel trainer and
//! the low-dimensional one.

use std::path::Path;

use super::{
    save_model, save_pixel_model, LossValues, ModelMeta, PixelMeta, PixelTrainer, Trainer,
};
use crate::nn::{FieldSnapshot, PixelSnapshot};

/// What a trainer must offer to be driven from a thread.
pub trait Steppable: Send + 'static {
    type Snapshot: Send + Sync + 'static;
    fn train_step(&mut self) -> anyhow::Result<LossValues>;
    fn snapshot(&self) -> anyhow::Result<Self::Snapshot>;
    fn reset(&mut self) -> anyhow::Result<()>;
    fn set_learning_rate(&mut self, lr: f64);
    fn set_batch_size(&mut self, batch: usize);
    fn steps_done(&self) -> usize;
    /// Where it computes, in words (shown by the app).
    fn device_name(&self) -> String;
    /// Writes the current weights to `dir` (write-then-rename, as the CLI does).
    fn save(&self, dir: &Path, last: LossValues, seconds: f64) -> anyhow::Result<()>;
    /// Whether a snapshot's weights are all finite: a diverged trainer's never leave it.
    fn snapshot_is_finite(s: &Self::Snapshot) -> bool;
    /// The loss of the current weights on held-out data, comparable to the training loss:
    /// judges weights no training step has judged yet (before a save).
    fn probe_loss(&self) -> anyhow::Result<f64>;
}

impl Steppable for PixelTrainer {
    type Snapshot = PixelSnapshot;
    fn train_step(&mut self) -> anyhow::Result<LossValues> {
        Ok(PixelTrainer::train_step(self)?)
    }
    fn snapshot(&self) -> anyhow::Result<PixelSnapshot> {
        PixelTrainer::snapshot(self)
    }
    fn reset(&mut self) -> anyhow::Result<()> {
        Ok(PixelTrainer::reset(self)?)
    }
    fn set_learning_rate(&mut self, lr: f64) {
        PixelTrainer::set_learning_rate(self, lr)
    }
    fn set_batch_size(&mut self, batch: usize) {
        self.batch_size = batch.max(1);
    }
    fn steps_done(&self) -> usize {
        self.step
    }
    fn device_name(&self) -> String {
        device_words(self.device())
    }
    fn snapshot_is_finite(s: &PixelSnapshot) -> bool {
        s.is_finite()
    }
    fn probe_loss(&self) -> anyhow::Result<f64> {
        Ok(self.test_losses(1000)?.total)
    }
    fn save(&self, dir: &Path, last: LossValues, seconds: f64) -> anyhow::Result<()> {
        let test = self.test_losses(usize::MAX)?;
        let meta = ModelMeta {
            sizes: vec![],
            scaling: Default::default(),
            steps: self.step,
            seed: self.scene().train.seed,
            final_train_loss: last.total,
            final_test_loss: test.total,
            train_seconds: seconds,
            device: self.device_name(),
            pixel: Some(PixelMeta {
                arch: self.arch.clone(),
                train: last,
                test,
            }),
        };
        save_pixel_model(dir, &self.scene().clone(), self, meta)
    }
}

/// The low-dimensional tasks train full-batch: only `total` (the derivative MSE, model units)
/// is reported, and the batch size is fixed to the training set.
impl Steppable for Trainer {
    type Snapshot = FieldSnapshot;
    fn train_step(&mut self) -> anyhow::Result<LossValues> {
        let total = Trainer::train_step(self)? as f64;
        Ok(LossValues {
            total,
            ..Default::default()
        })
    }
    fn snapshot(&self) -> anyhow::Result<FieldSnapshot> {
        Ok(Trainer::snapshot(self)?)
    }
    fn reset(&mut self) -> anyhow::Result<()> {
        Ok(Trainer::reset(self)?)
    }
    fn set_learning_rate(&mut self, lr: f64) {
        Trainer::set_learning_rate(self, lr)
    }
    fn set_batch_size(&mut self, _batch: usize) {}
    fn steps_done(&self) -> usize {
        self.step
    }
    fn device_name(&self) -> String {
        device_words(self.device())
    }
    fn snapshot_is_finite(s: &FieldSnapshot) -> bool {
        s.is_finite()
    }
    fn probe_loss(&self) -> anyhow::Result<f64> {
        Ok(self.test_loss()? as f64)
    }
    fn save(&self, dir: &Path, last: LossValues, seconds: f64) -> anyhow::Result<()> {
        let scene = self.scene().clone();
        let meta = ModelMeta {
            sizes: self.kind.sizes(self.scaling.dim(), &scene.model.hidden),
            scaling: self.scaling.clone(),
            steps: self.step,
            seed: scene.train.seed,
            final_train_loss: last.total,
            final_test_loss: self.test_loss()? as f64,
            train_seconds: seconds,
            device: self.device_name(),
            pixel: None,
        };
        save_model(dir, &scene, self, meta)
    }
}

/// The device as the trainer uses it: on the CPU, the threads of the pool it steps in.
fn device_words(dev: &candle_core::Device) -> String {
    if dev.is_cpu() {
        let n = rayon::current_num_threads();
        format!("cpu ({n} training thread{})", if n == 1 { "" } else { "s" })
    } else {
        crate::device::describe(dev)
    }
}
