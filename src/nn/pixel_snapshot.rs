use std::collections::HashMap;

use anyhow::{bail, Result};
use candle_core::{DType, Tensor};

use super::{FieldSnapshot, MlpWeights, ModelKind};
use crate::data::Scaling;

/// f32 copy of one half of the autoencoder, for per-frame CPU inference.
#[derive(Clone, Debug, PartialEq)]
pub struct ResidualWeights {
    /// (in, out) per layer; W row-major (in × out).
    pub shapes: Vec<(usize, usize)>,
    pub w: Vec<Vec<f32>>,
    pub b: Vec<Vec<f32>>,
}

impl ResidualWeights {
    /// Layer `l{i}` tensors under `prefix` (e.g. `ae.encoder`).
    fn from_tensors(t: &HashMap<String, Tensor>, prefix: &str) -> Result<Self> {
        let (mut shapes, mut w, mut b) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0.. {
            let Some(wt) = t.get(&format!("{prefix}.l{i}.weight")) else {
                break;
            };
            let bt = t
                .get(&format!("{prefix}.l{i}.bias"))
                .ok_or_else(|| anyhow::anyhow!("tensor {prefix}.l{i}.bias is missing"))?;
            let (n_in, n_out) = wt.dims2()?;
            shapes.push((n_in, n_out));
            w.push(wt.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?);
            b.push(bt.to_dtype(DType::F32)?.to_vec1::<f32>()?);
        }
        if shapes.len() < 2 {
            bail!("no layers found under {prefix}");
        }
        Ok(Self { shapes, w, b })
    }

    /// Back to named tensors under `prefix` (the inverse of `from_tensors`).
    fn to_tensors(&self, prefix: &str, out: &mut HashMap<String, Tensor>) -> Result<()> {
        for (i, ((n_in, n_out), (w, b))) in self
            .shapes
            .iter()
            .zip(self.w.iter().zip(&self.b))
            .enumerate()
        {
            let dev = &candle_core::Device::Cpu;
            out.insert(
                format!("{prefix}.l{i}.weight"),
                Tensor::from_slice(w, (*n_in, *n_out), dev)?,
            );
            out.insert(
                format!("{prefix}.l{i}.bias"),
                Tensor::from_slice(b, *n_out, dev)?,
            );
        }
        Ok(())
    }

    fn affine(&self, i: usize, x: &[f32]) -> Vec<f32> {
        let (n_in, n_out) = self.shapes[i];
        let mut a = self.b[i].clone();
        for (k, xk) in x.iter().enumerate().take(n_in) {
            if *xk != 0.0 {
                for (aj, wj) in a.iter_mut().zip(&self.w[i][k * n_out..(k + 1) * n_out]) {
                    *aj += xk * wj;
                }
            }
        }
        a
    }

    /// ReLU first layer, residual ReLU blocks, linear last layer.
    pub fn forward(&self, x: &[f32]) -> Vec<f32> {
        let n = self.shapes.len();
        let mut h: Vec<f32> = self.affine(0, x).into_iter().map(|v| v.max(0.0)).collect();
        for i in 1..n - 1 {
            let r = self.affine(i, &h);
            for (hv, rv) in h.iter_mut().zip(r) {
                *hv += rv.max(0.0);
            }
        }
        self.affine(n - 1, &h)
    }
}

/// One MLP's layers `{prefix}l{i}.weight` / `.bias` (the last layer has no bias).
fn mlp_from_tensors(t: &HashMap<String, Tensor>, prefix: &str) -> Result<MlpWeights> {
    let (mut sizes, mut w, mut b) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0.. {
        let Some(wt) = t.get(&format!("{prefix}l{i}.weight")) else {
            break;
        };
        let (n_in, n_out) = wt.dims2()?;
        if i == 0 {
            sizes.push(n_in);
        }
        sizes.push(n_out);
        w.push(wt.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()?);
        b.push(match t.get(&format!("{prefix}l{i}.bias")) {
            Some(bt) => Some(bt.to_dtype(DType::F64)?.to_vec1::<f64>()?),
            None => None,
        });
    }
    if w.len() < 2 {
        bail!("no layers found under {prefix}");
    }
    Ok(MlpWeights { sizes, w, b })
}

/// The inverse of `mlp_from_tensors`, as f32 CPU tensors.
fn mlp_to_tensors(m: &MlpWeights, prefix: &str, out: &mut HashMap<String, Tensor>) -> Result<()> {
    let dev = &candle_core::Device::Cpu;
    for (i, (w, b)) in m.w.iter().zip(&m.b).enumerate() {
        let w32: Vec<f32> = w.iter().map(|&v| v as f32).collect();
        out.insert(
            format!("{prefix}l{i}.weight"),
            Tensor::from_slice(&w32, (m.sizes[i], m.sizes[i + 1]), dev)?,
        );
        if let Some(b) = b {
            let b32: Vec<f32> = b.iter().map(|&v| v as f32).collect();
            out.insert(
                format!("{prefix}l{i}.bias"),
                Tensor::from_slice(&b32, m.sizes[i + 1], dev)?,
            );
        }
    }
    Ok(())
}

/// A trained pixel model for CPU inference: encode a frame pair to z, move z with the learned
/// field, decode z to a frame pair.
#[derive(Clone, Debug, PartialEq)]
pub struct PixelSnapshot {
    pub kind: ModelKind,
    pub encoder: ResidualWeights,
    pub decoder: ResidualWeights,
    /// The latent field (identity scaling: the latent is already the model's own unit).
    pub dynamics: FieldSnapshot,
}

impl PixelSnapshot {
    /// Whether every weight is finite (a diverged trainer's are not).
    pub fn is_finite(&self) -> bool {
        let ae = |r: &ResidualWeights| r.w.iter().chain(&r.b).flatten().all(|v| v.is_finite());
        ae(&self.encoder) && ae(&self.decoder) && self.dynamics.is_finite()
    }

    /// From named tensors (`ae.encoder.*`, `ae.decoder.*`, `dynamics.*`).
    pub fn from_tensors(kind: ModelKind, t: &HashMap<String, Tensor>) -> Result<Self> {
        let encoder = ResidualWeights::from_tensors(t, "ae.encoder")?;
        let decoder = ResidualWeights::from_tensors(t, "ae.decoder")?;
        let mlp = mlp_from_tensors(t, "dynamics.")?;
        let dissipation = match kind {
            ModelKind::Dhnn => Some(mlp_from_tensors(
                t,
                &format!("dynamics.{}.", super::DISSIPATION_PREFIX),
            )?),
            _ => None,
        };
        let dynamics = FieldSnapshot {
            kind,
            mlp,
            dissipation,
            scaling: Scaling::default(),
        };
        Ok(Self {
            kind,
            encoder,
            decoder,
            dynamics,
        })
    }

    /// Named f32 tensors on the CPU, as a trainer loads them (`PixelTrainer::load_tensors`):
    /// how the app continues training from the weights a twin runs now.
    pub fn to_tensors(&self) -> Result<HashMap<String, Tensor>> {
        let mut out = HashMap::new();
        self.encoder.to_tensors("ae.encoder", &mut out)?;
        self.decoder.to_tensors("ae.decoder", &mut out)?;
        mlp_to_tensors(&self.dynamics.mlp, "dynamics.", &mut out)?;
        if let Some(d) = &self.dynamics.dissipation {
            let prefix = format!("dynamics.{}.", super::DISSIPATION_PREFIX);
            mlp_to_tensors(d, &prefix, &mut out)?;
        }
        Ok(out)
    }

    pub fn encode(&self, pair: &[f32]) -> [f64; 2] {
        let z = self.encoder.forward(pair);
        [z[0] as f64, z[1] as f64]
    }
    pub fn decode(&self, z: [f64; 2]) -> Vec<f32> {
        self.decoder.forward(&[z[0] as f32, z[1] as f32])
    }
    /// Latent change per frame.
    pub fn field(&self, z: [f64; 2]) -> [f64; 2] {
        let f = self.dynamics.field(&z);
        [f[0], f[1]]
    }
    /// The learned H (HNN only).
    pub fn energy(&self, z: [f64; 2]) -> Option<f64> {
        self.dynamics.energy(&z)
    }
}
