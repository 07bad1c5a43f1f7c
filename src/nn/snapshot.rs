use candle_core::{DType, Result};

use super::{FieldModel, Mlp, ModelKind};
use crate::data::Scaling;

/// An immutable f64 copy of an MLP's weights: evaluation, figures and the app's twins call it
/// per point without tensor overhead, while training keeps its tensors to itself.
#[derive(Clone, Debug, PartialEq)]
pub struct MlpWeights {
    pub sizes: Vec<usize>,
    /// Per layer, W as (in × out) row-major.
    pub w: Vec<Vec<f64>>,
    pub b: Vec<Option<Vec<f64>>>,
}

impl MlpWeights {
    pub fn from_mlp(m: &Mlp) -> Result<Self> {
        let mut sizes = vec![m.layers[0].w.dims()[0]];
        let (mut w, mut b) = (Vec::new(), Vec::new());
        for l in &m.layers {
            sizes.push(l.w.dims()[1]);
            w.push(l.w.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()?);
            b.push(match &l.b {
                Some(t) => Some(t.to_dtype(DType::F64)?.to_vec1::<f64>()?),
                None => None,
            });
        }
        Ok(Self { sizes, w, b })
    }

    /// Output for one input, and the hidden activations.
    fn forward_hidden(&self, x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
        let mut h = x.to_vec();
        let mut hidden = Vec::with_capacity(self.w.len() - 1);
        let last = self.w.len() - 1;
        for (i, w) in self.w.iter().enumerate() {
            let (n_in, n_out) = (self.sizes[i], self.sizes[i + 1]);
            let mut a = match &self.b[i] {
                Some(b) => b.clone(),
                None => vec![0.0; n_out],
            };
            for (k, hk) in h.iter().enumerate().take(n_in) {
                let row = &w[k * n_out..(k + 1) * n_out];
                for (aj, wj) in a.iter_mut().zip(row) {
                    *aj += hk * wj;
                }
            }
            if i < last {
                a.iter_mut().for_each(|v| *v = v.tanh());
                hidden.push(a.clone());
            }
            h = a;
        }
        (h, hidden)
    }

    pub fn forward(&self, x: &[f64]) -> Vec<f64> {
        self.forward_hidden(x).0
    }

    /// Value and input gradient of a scalar-output MLP.
    pub fn value_and_grad(&self, x: &[f64]) -> (f64, Vec<f64>) {
        let (out, hidden) = self.forward_hidden(x);
        let l = self.w.len();
        // δ for the last hidden layer: (1 − h²) ⊙ w_L.
        let mut delta: Vec<f64> = hidden[l - 2]
            .iter()
            .zip(&self.w[l - 1])
            .map(|(h, w)| (1.0 - h * h) * w)
            .collect();
        for k in (0..l - 1).rev() {
            let (n_in, n_out) = (self.sizes[k], self.sizes[k + 1]);
            let w = &self.w[k];
            let mut back = vec![0.0; n_in];
            for (i, bi) in back.iter_mut().enumerate() {
                let row = &w[i * n_out..(i + 1) * n_out];
                *bi = row.iter().zip(&delta).map(|(a, b)| a * b).sum();
            }
            if k > 0 {
                for (b, h) in back.iter_mut().zip(&hidden[k - 1]) {
                    *b *= 1.0 - h * h;
                }
            }
            delta = back;
        }
        (out[0], delta)
    }
}

/// A trained model ready for inference in the data's own units.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldSnapshot {
    pub kind: ModelKind,
    /// The baseline's MLP, or the (D-)HNN's H.
    pub mlp: MlpWeights,
    /// A D-HNN's dissipation potential D (None for the other kinds).
    pub dissipation: Option<MlpWeights>,
    pub scaling: Scaling,
}

impl MlpWeights {
    /// Whether every weight is finite (a diverged trainer's are not).
    pub fn is_finite(&self) -> bool {
        self.w.iter().flatten().all(|v| v.is_finite())
            && self.b.iter().flatten().flatten().all(|v| v.is_finite())
    }
}

impl FieldSnapshot {
    pub fn new(model: &FieldModel, scaling: Scaling) -> Result<Self> {
        Ok(Self {
            kind: model.kind,
            mlp: MlpWeights::from_mlp(&model.mlp)?,
            dissipation: model
                .dissipation
                .as_ref()
                .map(MlpWeights::from_mlp)
                .transpose()?,
            scaling,
        })
    }

    /// Whether every weight is finite (a diverged trainer's are not).
    pub fn is_finite(&self) -> bool {
        self.mlp.is_finite() && self.dissipation.as_ref().is_none_or(MlpWeights::is_finite)
    }

    /// The same model with its dissipation scaled by `factor`: D-HNN's way to follow a
    /// friction it never saw (∇D × γ′/γ). Other kinds are returned as they are.
    pub fn with_dissipation_scaled(&self, factor: f64) -> Self {
        let mut out = self.clone();
        if let Some(d) = &mut out.dissipation {
            // D is linear in its last layer's weights: scaling them scales ∇D.
            if let Some(last) = d.w.last_mut() {
                last.iter_mut().for_each(|v| *v *= factor);
            }
        }
        out
    }

    /// Numbers in a state (2n).
    pub fn dim(&self) -> usize {
        self.mlp.sizes[0]
    }

    /// Predicted dx/dt in data units, written into `dx`.
    pub fn field_into(&self, x: &[f64], dx: &mut [f64]) {
        let u = self.scaling.to_model(x);
        let du = match self.kind {
            ModelKind::Baseline => self.mlp.forward(&u),
            ModelKind::Hnn | ModelKind::Dhnn => {
                let (_, g) = self.mlp.value_and_grad(&u);
                let mut f = vec![0.0; g.len()];
                crate::physics::symplectic(&g, &mut f);
                if let Some(d) = &self.dissipation {
                    let (_, gd) = d.value_and_grad(&u);
                    f.iter_mut().zip(&gd).for_each(|(a, b)| *a += b);
                }
                f
            }
        };
        for ((d, v), s) in dx.iter_mut().zip(&du).zip(&self.scaling.s) {
            *d = v * s / self.scaling.tau;
        }
    }

    /// Predicted dx/dt in data units.
    pub fn field(&self, x: &[f64]) -> Vec<f64> {
        let mut dx = vec![0.0; x.len()];
        self.field_into(x, &mut dx);
        dx
    }

    /// The learned Hamiltonian in data units (HNN only), up to an additive constant.
    pub fn energy(&self, x: &[f64]) -> Option<f64> {
        match self.kind {
            ModelKind::Hnn | ModelKind::Dhnn => {
                Some(self.mlp.forward(&self.scaling.to_model(x))[0] * self.scaling.energy_factor())
            }
            ModelKind::Baseline => None,
        }
    }

    /// The learned H and its gradient in data units (HNN only).
    pub fn energy_and_grad(&self, x: &[f64]) -> Option<(f64, Vec<f64>)> {
        match self.kind {
            ModelKind::Hnn | ModelKind::Dhnn => {
                let (v, g) = self.mlp.value_and_grad(&self.scaling.to_model(x));
                let f = self.scaling.energy_factor();
                let g = g
                    .iter()
                    .zip(&self.scaling.s)
                    .map(|(g, s)| g / s * f)
                    .collect();
                Some((v * f, g))
            }
            ModelKind::Baseline => None,
        }
    }

    /// The learned power dH/dt = ∇H · ∇D (in data units) of a D-HNN at `x`: the rate at which
    /// its dissipative part changes its own H (its conserving part leaves H alone). An HNN's
    /// is 0; None for the baseline, which has no energy.
    pub fn learned_power(&self, x: &[f64]) -> Option<f64> {
        match (self.kind, &self.dissipation) {
            (ModelKind::Baseline, _) => None,
            (_, None) => Some(0.0),
            (_, Some(d)) => {
                let u = self.scaling.to_model(x);
                let (_, gh) = self.mlp.value_and_grad(&u);
                let (_, gd) = d.value_and_grad(&u);
                let dot: f64 = gh.iter().zip(&gd).map(|(a, b)| a * b).sum();
                Some(dot * self.scaling.energy_factor() / self.scaling.tau)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::mlp::fresh;
    use candle_core::{Device, Tensor};

    #[test]
    fn snapshot_matches_tensor_model() {
        let (_vm, m) = fresh(&[2, 30, 20, 1], DType::F64, 5).unwrap();
        let snap = MlpWeights::from_mlp(&m).unwrap();
        let pts = [0.4, -0.2, -1.5, 0.9];
        let x = Tensor::from_slice(&pts, (2, 2), &Device::Cpu).unwrap();
        let out = m.forward(&x).unwrap().to_vec2::<f64>().unwrap();
        let grad = m.input_grad(&x).unwrap().to_vec2::<f64>().unwrap();
        for (r, p) in pts.chunks(2).enumerate() {
            let (v, g) = snap.value_and_grad(p);
            assert!((v - out[r][0]).abs() < 1e-12);
            assert!((g[0] - grad[r][0]).abs() < 1e-12 && (g[1] - grad[r][1]).abs() < 1e-12);
        }
    }

    #[test]
    fn hnn_snapshot_field_conserves_its_energy_to_first_order() {
        let (_vm, m) = fresh(&[2, 16, 16, 1], DType::F64, 2).unwrap();
        let snap = FieldSnapshot {
            kind: ModelKind::Hnn,
            mlp: MlpWeights::from_mlp(&m).unwrap(),
            dissipation: None,
            scaling: Scaling {
                s: vec![2.0, 0.3],
                tau: 0.7,
            },
        };
        let x = [0.5, -0.1];
        let f = snap.field(&x);
        let eps = 1e-6;
        let e = |d: f64| snap.energy(&[x[0] + d * f[0], x[1] + d * f[1]]).unwrap();
        let rate = (e(eps) - e(-eps)) / (2.0 * eps);
        assert!(rate.abs() < 1e-8, "dH/dt along the learned flow = {rate}");
    }

    /// n = 2: the learned H's gradient in data units against central differences, and the
    /// flow conserves it to first order.
    #[test]
    fn four_dimensional_snapshot_gradient_and_conservation() {
        let (_vm, m) = fresh(&[4, 16, 16, 1], DType::F64, 3).unwrap();
        let snap = FieldSnapshot {
            kind: ModelKind::Hnn,
            mlp: MlpWeights::from_mlp(&m).unwrap(),
            dissipation: None,
            scaling: Scaling {
                s: vec![2.0, 0.5, 0.3, 1.2],
                tau: 0.7,
            },
        };
        let x = [0.5, -0.1, 0.3, 0.8];
        let (_, g) = snap.energy_and_grad(&x).unwrap();
        for i in 0..4 {
            let (mut a, mut b) = (x, x);
            a[i] += 1e-6;
            b[i] -= 1e-6;
            let fd = (snap.energy(&a).unwrap() - snap.energy(&b).unwrap()) / 2e-6;
            assert!(
                (fd - g[i]).abs() < 1e-7 * (1.0 + fd.abs()),
                "{i}: {fd} vs {}",
                g[i]
            );
        }
        let f = snap.field(&x);
        let dot: f64 = f.iter().zip(&g).map(|(a, b)| a * b).sum();
        assert!(dot.abs() < 1e-10, "∇H · f = {dot}");
    }

    /// A D-HNN snapshot in data units: its learned power ∇H·∇D equals dH/dt along its own
    /// field (central differences), and scaling D scales the power by the same factor.
    #[test]
    fn dhnn_snapshot_power_is_the_rate_of_its_energy_along_its_field() {
        let (_vh, h) = fresh(&[2, 16, 16, 1], DType::F64, 4).unwrap();
        let (_vd, d) = fresh(&[2, 16, 16, 1], DType::F64, 5).unwrap();
        let snap = FieldSnapshot {
            kind: ModelKind::Dhnn,
            mlp: MlpWeights::from_mlp(&h).unwrap(),
            dissipation: Some(MlpWeights::from_mlp(&d).unwrap()),
            scaling: Scaling {
                s: vec![2.0, 0.3],
                tau: 0.7,
            },
        };
        let x = [0.5, -0.1];
        let f = snap.field(&x);
        let eps = 1e-6;
        let e = |d: f64| snap.energy(&[x[0] + d * f[0], x[1] + d * f[1]]).unwrap();
        let rate = (e(eps) - e(-eps)) / (2.0 * eps);
        let p = snap.learned_power(&x).unwrap();
        assert!(p.abs() > 1e-4, "a random D should dissipate something: {p}");
        assert!((rate - p).abs() < 1e-7 * (1.0 + p.abs()), "{rate} vs {p}");
        let half = snap.with_dissipation_scaled(0.5);
        assert!((half.learned_power(&x).unwrap() - 0.5 * p).abs() < 1e-12 * (1.0 + p.abs()));
    }
}
