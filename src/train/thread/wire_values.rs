//! How the lab's own values travel (model kinds, losses, weights, snapshots) and the training
//! loop's messages built from them, on the primitives of `wire`.

use std::sync::Arc;

use anyhow::{bail, Result};

use super::super::{Command, Progress};
use super::{Reader, Wire};
use crate::data::Scaling;
use crate::nn::{FieldSnapshot, MlpWeights, ModelKind, PixelSnapshot, ResidualWeights};
use crate::train::LossValues;

/// One byte: 0 baseline, 1 HNN (as the boolean "is HNN" it once was), 2 D-HNN.
impl Wire for ModelKind {
    fn put(&self, out: &mut Vec<u8>) {
        let b: u8 = match self {
            ModelKind::Baseline => 0,
            ModelKind::Hnn => 1,
            ModelKind::Dhnn => 2,
        };
        b.put(out)
    }
    fn get(r: &mut Reader) -> Result<Self> {
        match u8::get(r)? {
            0 => Ok(ModelKind::Baseline),
            1 => Ok(ModelKind::Hnn),
            2 => Ok(ModelKind::Dhnn),
            b => bail!("model kind byte {b}"),
        }
    }
}

impl Wire for LossValues {
    fn put(&self, out: &mut Vec<u8>) {
        for v in [self.total, self.ae, self.cc, self.hnn] {
            v.put(out);
        }
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(LossValues {
            total: f64::get(r)?,
            ae: f64::get(r)?,
            cc: f64::get(r)?,
            hnn: f64::get(r)?,
        })
    }
}

impl Wire for MlpWeights {
    fn put(&self, out: &mut Vec<u8>) {
        self.sizes.put(out);
        self.w.put(out);
        self.b.put(out);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        let m = MlpWeights {
            sizes: Wire::get(r)?,
            w: Wire::get(r)?,
            b: Wire::get(r)?,
        };
        // The forward pass indexes by these sizes: they must agree with the weights.
        let layers = m.sizes.len().saturating_sub(1);
        let fits = m.w.len() == layers
            && m.b.len() == layers
            && (0..layers).all(|i| {
                let (n_in, n_out) = (m.sizes[i], m.sizes[i + 1]);
                n_in.checked_mul(n_out) == Some(m.w[i].len())
                    && m.b[i].as_ref().is_none_or(|b| b.len() == n_out)
            });
        if !fits || layers == 0 {
            bail!("MLP weights do not match their sizes {:?}", m.sizes);
        }
        Ok(m)
    }
}

impl Wire for ResidualWeights {
    fn put(&self, out: &mut Vec<u8>) {
        self.shapes.put(out);
        self.w.put(out);
        self.b.put(out);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        let m = ResidualWeights {
            shapes: Wire::get(r)?,
            w: Wire::get(r)?,
            b: Wire::get(r)?,
        };
        let fits = m.w.len() == m.shapes.len()
            && m.b.len() == m.shapes.len()
            && m.shapes.iter().enumerate().all(|(i, &(n_in, n_out))| {
                n_in.checked_mul(n_out) == Some(m.w[i].len()) && m.b[i].len() == n_out
            });
        if !fits {
            bail!(
                "autoencoder weights do not match their shapes {:?}",
                m.shapes
            );
        }
        Ok(m)
    }
}

impl Wire for Scaling {
    fn put(&self, out: &mut Vec<u8>) {
        self.s.put(out);
        self.tau.put(out);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(Scaling {
            s: Wire::get(r)?,
            tau: Wire::get(r)?,
        })
    }
}

impl Wire for FieldSnapshot {
    fn put(&self, out: &mut Vec<u8>) {
        self.kind.put(out);
        self.mlp.put(out);
        self.dissipation.put(out);
        self.scaling.put(out);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        let f = FieldSnapshot {
            kind: Wire::get(r)?,
            mlp: MlpWeights::get(r)?,
            dissipation: Wire::get(r)?,
            scaling: Scaling::get(r)?,
        };
        match (&f.dissipation, f.kind) {
            (Some(d), ModelKind::Dhnn) if d.sizes == f.mlp.sizes => {}
            (None, ModelKind::Hnn | ModelKind::Baseline) => {}
            _ => bail!(
                "a {} snapshot with {} dissipation network",
                f.kind.name(),
                if f.dissipation.is_some() {
                    "a mismatched"
                } else {
                    "no"
                }
            ),
        }
        if f.scaling.s.len() != f.mlp.sizes[0] {
            bail!(
                "a scaling of {} coordinates for a model of {} inputs",
                f.scaling.s.len(),
                f.mlp.sizes[0]
            );
        }
        Ok(f)
    }
}

impl Wire for PixelSnapshot {
    fn put(&self, out: &mut Vec<u8>) {
        self.kind.put(out);
        self.encoder.put(out);
        self.decoder.put(out);
        self.dynamics.put(out);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(PixelSnapshot {
            kind: Wire::get(r)?,
            encoder: Wire::get(r)?,
            decoder: Wire::get(r)?,
            dynamics: Wire::get(r)?,
        })
    }
}

impl Wire for Command {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            Command::Start => 0u8.put(out),
            Command::Pause => 1u8.put(out),
            Command::Reset => 2u8.put(out),
            Command::SetLearningRate(v) => (3u8, *v).put(out),
            Command::SetBatchSize(v) => (4u8, *v).put(out),
            Command::Snapshot => 5u8.put(out),
            Command::Save(p) => (6u8, p.clone()).put(out),
            Command::Shutdown => 7u8.put(out),
        }
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(match u8::get(r)? {
            0 => Command::Start,
            1 => Command::Pause,
            2 => Command::Reset,
            3 => Command::SetLearningRate(Wire::get(r)?),
            4 => Command::SetBatchSize(Wire::get(r)?),
            5 => Command::Snapshot,
            6 => Command::Save(Wire::get(r)?),
            7 => Command::Shutdown,
            t => bail!("unknown command {t}"),
        })
    }
}

impl<S: Wire> Wire for Progress<S> {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            Progress::Step {
                step,
                losses,
                steps_per_sec,
                elapsed,
            } => {
                0u8.put(out);
                step.put(out);
                losses.put(out);
                steps_per_sec.put(out);
                elapsed.put(out);
            }
            Progress::Snapshot { step, weights } => {
                (1u8, *step).put(out);
                weights.as_ref().put(out);
            }
            Progress::Running(b) => (2u8, *b).put(out),
            Progress::Ready(s) => (3u8, s.clone()).put(out),
            Progress::Saved(p) => (4u8, p.clone()).put(out),
            Progress::Error(s) => (5u8, s.clone()).put(out),
            Progress::Ended(s) => (6u8, s.clone()).put(out),
            Progress::Files(f) => (7u8, f.clone()).put(out),
        }
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(match u8::get(r)? {
            0 => Progress::Step {
                step: Wire::get(r)?,
                losses: Wire::get(r)?,
                steps_per_sec: Wire::get(r)?,
                elapsed: Wire::get(r)?,
            },
            1 => Progress::Snapshot {
                step: Wire::get(r)?,
                weights: Arc::new(S::get(r)?),
            },
            2 => Progress::Running(Wire::get(r)?),
            3 => Progress::Ready(Wire::get(r)?),
            4 => Progress::Saved(Wire::get(r)?),
            5 => Progress::Error(Wire::get(r)?),
            6 => Progress::Ended(Wire::get(r)?),
            7 => Progress::Files(Wire::get(r)?),
            t => bail!("unknown progress message {t}"),
        })
    }
}
