use candle_core::{Result, Tensor};
use candle_nn::{VarBuilder, VarMap};

use super::{Autoencoder, FieldModel, ModelKind};
use crate::rng::Rng;
use crate::scene::LatentStep;

/// The paper's Task 5 model: an autoencoder whose 2-d latent z = (z_q, z_p) is moved by a
/// learned field — the HNN's J∇H or the baseline's direct prediction.
#[derive(Clone, Debug)]
pub struct PixelModel {
    pub kind: ModelKind,
    pub ae: Autoencoder,
    pub dynamics: FieldModel,
    /// Where the dynamics loss evaluates the field (Euler: at z; midpoint: at (z + z_next)/2).
    pub latent_step: LatentStep,
}

/// The loss terms of one batch.
#[derive(Clone, Debug)]
pub struct PixelLosses {
    /// ae + cc + hnn_weight · hnn, the quantity trained.
    pub total: Tensor,
    /// Reconstruction MSE of the input pair.
    pub ae: Tensor,
    /// (z_p − (z_q,next − z_q))²: makes z_p behave like a momentum.
    pub cc: Tensor,
    /// (z_next − (z + f(z)))²: one Euler step of one frame in latent space.
    pub hnn: Tensor,
}

/// Weight of the dynamics term, as in the reference code.
pub const HNN_WEIGHT: f64 = 0.1;

impl PixelModel {
    pub fn new(
        kind: ModelKind,
        varmap: &mut VarMap,
        vb: VarBuilder,
        input: usize,
        ae_hidden: usize,
        hidden: &[usize],
        rng: &mut Rng,
    ) -> Result<Self> {
        let ae = Autoencoder::new(varmap, vb.pp("ae"), input, ae_hidden, 2, rng)?;
        let dynamics = FieldModel::new(kind, varmap, vb.pp("dynamics"), 2, hidden, rng)?;
        Ok(Self {
            kind,
            ae,
            dynamics,
            latent_step: LatentStep::Euler,
        })
    }

    /// The latent change per frame the dynamics term compares with z_next − z.
    fn step(&self, z: &Tensor, z_next: &Tensor) -> Result<Tensor> {
        match self.latent_step {
            LatentStep::Euler => self.dynamics.field(z),
            LatentStep::Midpoint => self.dynamics.field(&((z + z_next)? * 0.5)?),
        }
    }

    /// The total loss of each sample (n,): its mean is `losses(..).total`.
    pub fn per_sample_total(&self, x: &Tensor, x_next: &Tensor) -> Result<Tensor> {
        let z = self.ae.encode(x)?;
        let z_next = self.ae.encode(x_next)?;
        let ae = (x - self.ae.decode(&z)?)?.sqr()?.mean(1)?;
        let hnn = (&z_next - (&z + self.step(&z, &z_next)?)?)?
            .sqr()?
            .mean(1)?;
        let cc = (z.narrow(1, 1, 1)? - (z_next.narrow(1, 0, 1)? - z.narrow(1, 0, 1)?)?)?
            .sqr()?
            .squeeze(1)?;
        (ae + cc)? + (hnn * HNN_WEIGHT)?
    }

    /// Loss terms for inputs `x` and the next inputs `x_next` (batch × 1568 each), each
    /// term the mean over batch and features as the reference's `.mean(1)` then `.mean()`.
    pub fn losses(&self, x: &Tensor, x_next: &Tensor) -> Result<PixelLosses> {
        let z = self.ae.encode(x)?;
        let z_next = self.ae.encode(x_next)?;
        let x_hat = self.ae.decode(&z)?;
        let ae = (x - x_hat)?.sqr()?.mean_all()?;
        let z_hat_next = (&z + self.step(&z, &z_next)?)?;
        let hnn = (&z_next - z_hat_next)?.sqr()?.mean_all()?;
        let (zq, zp) = (z.narrow(1, 0, 1)?, z.narrow(1, 1, 1)?);
        let zq_next = z_next.narrow(1, 0, 1)?;
        let cc = (zp - (zq_next - zq)?)?.sqr()?.mean_all()?;
        let total = ((&ae + &cc)? + (&hnn * HNN_WEIGHT)?)?;
        Ok(PixelLosses { total, ae, cc, hnn })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::PixelSnapshot;
    use candle_core::{DType, Device};

    fn tiny(kind: ModelKind, dtype: DType) -> (VarMap, PixelModel) {
        let mut vm = VarMap::new();
        let vb = VarBuilder::from_varmap(&vm, dtype, &Device::Cpu);
        let m = PixelModel::new(kind, &mut vm, vb, 6, 5, &[4, 4], &mut Rng::new(3)).unwrap();
        (vm, m)
    }

    fn batch(dtype: DType) -> (Tensor, Tensor) {
        let mut rng = Rng::new(8);
        let v: Vec<f64> = (0..12).map(|_| rng.uniform()).collect();
        let w: Vec<f64> = (0..12).map(|_| rng.uniform()).collect();
        let t = |v: Vec<f64>| {
            Tensor::from_vec(v, (2, 6), &Device::Cpu)
                .unwrap()
                .to_dtype(dtype)
                .unwrap()
        };
        (t(v), t(w))
    }

    /// The loss terms against the formulas evaluated sample by sample with the plain-loop
    /// snapshot (an independent implementation of the same network).
    #[test]
    fn loss_terms_match_per_sample_formulas() {
        for kind in ModelKind::ALL {
            let (vm, m) = tiny(kind, DType::F64);
            let (x, xn) = batch(DType::F64);
            let l = m.losses(&x, &xn).unwrap();
            let snap = PixelSnapshot::from_tensors(kind, &crate::nn::named_tensors(&vm)).unwrap();
            let xs: Vec<Vec<f32>> = x
                .to_vec2::<f64>()
                .unwrap()
                .into_iter()
                .map(|r| r.into_iter().map(|v| v as f32).collect())
                .collect();
            let xns: Vec<Vec<f32>> = xn
                .to_vec2::<f64>()
                .unwrap()
                .into_iter()
                .map(|r| r.into_iter().map(|v| v as f32).collect())
                .collect();
            let (mut ae, mut cc, mut hnn) = (0.0, 0.0, 0.0);
            for (a, b) in xs.iter().zip(&xns) {
                let z = snap.encode(a);
                let zn = snap.encode(b);
                let rec = snap.decode(z);
                ae += a
                    .iter()
                    .zip(&rec)
                    .map(|(u, v)| ((u - v) as f64).powi(2))
                    .sum::<f64>()
                    / 6.0;
                let f = snap.field(z);
                hnn += ((zn[0] - z[0] - f[0]).powi(2) + (zn[1] - z[1] - f[1]).powi(2)) / 2.0;
                cc += (z[1] - (zn[0] - z[0])).powi(2);
            }
            let (ae, cc, hnn) = (ae / 2.0, cc / 2.0, hnn / 2.0);
            let got = |t: &Tensor| t.to_scalar::<f64>().unwrap();
            for (name, g, w) in [
                ("ae", got(&l.ae), ae),
                ("cc", got(&l.cc), cc),
                ("hnn", got(&l.hnn), hnn),
            ] {
                assert!(
                    (g - w).abs() < 1e-5 * (1.0 + w.abs()),
                    "{kind:?} {name}: {g} vs {w}"
                );
            }
            let total = got(&l.total);
            assert!((total - (ae + cc + HNN_WEIGHT * hnn)).abs() < 1e-5 * (1.0 + total));
        }
    }

    /// One backward() through encoder, decoder and the latent (D-)HNN's input gradients, against
    /// central differences of the total loss (f64), for every parameter tensor.
    #[test]
    fn full_loss_gradient_matches_finite_differences() {
        for kind in [ModelKind::Hnn, ModelKind::Dhnn] {
            let (vm, m) = tiny(kind, DType::F64);
            let (x, xn) = batch(DType::F64);
            let loss =
                |m: &PixelModel| m.losses(&x, &xn).unwrap().total.to_scalar::<f64>().unwrap();
            let grads = m.losses(&x, &xn).unwrap().total.backward().unwrap();
            let data = vm.data().lock().unwrap();
            let mut names: Vec<&String> = data.keys().collect();
            names.sort();
            for name in names {
                let var = &data[name];
                let g = grads
                    .get(var.as_tensor())
                    .unwrap_or_else(|| panic!("no gradient for {name}"));
                let g = g.flatten_all().unwrap().to_vec1::<f64>().unwrap();
                let base = var
                    .as_tensor()
                    .flatten_all()
                    .unwrap()
                    .to_vec1::<f64>()
                    .unwrap();
                // A few entries of each tensor.
                for i in [0, base.len() / 2, base.len() - 1] {
                    let shift = |d: f64| {
                        let mut v = base.clone();
                        v[i] += d;
                        var.set(&Tensor::from_vec(v, var.shape(), &Device::Cpu).unwrap())
                            .unwrap();
                        let l = loss(&m);
                        var.set(
                            &Tensor::from_vec(base.clone(), var.shape(), &Device::Cpu).unwrap(),
                        )
                        .unwrap();
                        l
                    };
                    let eps = 1e-6;
                    let fd = (shift(eps) - shift(-eps)) / (2.0 * eps);
                    assert!(
                        (fd - g[i]).abs() < 1e-6 * (1.0 + fd.abs()),
                        "{kind:?} {name}[{i}]: fd {fd} vs {}",
                        g[i]
                    );
                }
            }
        }
    }
}
