use serde::{Deserialize, Serialize};

use super::Split;

/// Per-coordinate scales of the state and a time scale, fitted on the training set.
///
/// The networks see u = x / s and learn du/dt′ with t′ = t / τ, where τ makes the targets
/// unit-sized. A diagonal scaling keeps the canonical structure up to one constant factor only
/// if s_qᵢ·s_pᵢ is the same c for every degree of freedom i (a point transformation
/// qᵢ → qᵢ/aᵢ, pᵢ → aᵢpᵢ, times a constant): then the HNN still learns a Hamiltonian,
/// H(x) = H_u(x / s)·c / τ. With different products per degree of freedom the model's field
/// would be J' ∇H with a distorted J', which for a coupled system no H can match. So the fit
/// keeps each pair's ratio s_qᵢ/s_pᵢ = σ_qᵢ/σ_pᵢ (the spread of the data) and sets every
/// product to the geometric mean c of σ_qᵢσ_pᵢ; for n = 1 that is s = σ exactly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scaling {
    /// Scale of each coordinate (q₁…qₙ, p₁…pₙ).
    #[serde(with = "scales")]
    pub s: Vec<f64>,
    pub tau: f64,
}

impl Default for Scaling {
    /// No scaling of one degree of freedom (what a pixel model's 2-d latent records).
    fn default() -> Self {
        Self::identity(2)
    }
}

impl Scaling {
    /// No scaling for states of `dim` numbers.
    pub fn identity(dim: usize) -> Self {
        Self {
            s: vec![1.0; dim],
            tau: 1.0,
        }
    }

    /// Standard deviations of the coordinates, made conformal (see the type's comment);
    /// τ = 1 / RMS of the scaled derivatives.
    pub fn fit(train: &Split) -> Self {
        let dim = train.dim;
        let n = dim / 2;
        let count = train.len().max(1) as f64;
        let sigma = crate::linalg::column_std(train.states(), dim);
        let log_c = (0..n).map(|i| (sigma[i] * sigma[n + i]).ln()).sum::<f64>() / n as f64;
        let mut s = sigma.clone();
        for i in 0..n {
            let k = (log_c.exp() / (sigma[i] * sigma[n + i])).sqrt();
            s[i] *= k;
            s[n + i] *= k;
        }
        let ms = train
            .dx
            .chunks_exact(dim.max(1))
            .map(|d| {
                d.iter()
                    .zip(&s)
                    .map(|(v, si)| (v / si).powi(2))
                    .sum::<f64>()
            })
            .sum::<f64>()
            / (dim as f64 * count);
        let tau = if ms.sqrt() > 1e-12 {
            1.0 / ms.sqrt()
        } else {
            1.0
        };
        Self { s, tau }
    }

    pub fn dim(&self) -> usize {
        self.s.len()
    }
    pub fn to_model(&self, x: &[f64]) -> Vec<f64> {
        x.iter().zip(&self.s).map(|(v, s)| v / s).collect()
    }
    /// Target in model units for a derivative in data units.
    pub fn deriv_to_model(&self, dx: &[f64]) -> Vec<f64> {
        dx.iter()
            .zip(&self.s)
            .map(|(v, s)| self.tau * v / s)
            .collect()
    }
    /// A model-unit derivative back in data units.
    pub fn deriv_from_model(&self, du: &[f64]) -> Vec<f64> {
        du.iter()
            .zip(&self.s)
            .map(|(v, s)| v * s / self.tau)
            .collect()
    }
    /// Factor c / τ turning the model's H_u into H in data units (c = s_qᵢ·s_pᵢ, any i).
    pub fn energy_factor(&self) -> f64 {
        let n = self.s.len() / 2;
        self.s[0] * self.s[n] / self.tau
    }
}

/// The scales as a list; older model files wrote one degree of freedom's as a pair `(a, b)`.
mod scales {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Pair((f64, f64)),
        List(Vec<f64>),
    }

    pub fn serialize<S: Serializer>(s: &[f64], ser: S) -> Result<S::Ok, S::Error> {
        s.serialize(ser)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<f64>, D::Error> {
        Ok(match Written::deserialize(de)? {
            Written::Pair((a, b)) => vec![a, b],
            Written::List(v) => v,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::physics::{DoublePendulum, Hamiltonian};

    fn split(dim: usize, x: &[f64], dx: &[f64]) -> Split {
        Split {
            dim,
            x: x.to_vec(),
            dx: dx.to_vec(),
            t: vec![0.0; x.len() / dim],
        }
    }

    #[test]
    fn scaled_targets_are_unit_rms_and_round_trip() {
        let s = split(
            2,
            &[100.0, 0.01, -100.0, -0.01, 50.0, 0.02],
            &[3.0, 1e-3, -2.0, 4e-3, 1.0, -2e-3],
        );
        let sc = Scaling::fit(&s);
        let ms: f64 =
            s.dx.chunks(2)
                .map(|d| sc.deriv_to_model(d).iter().map(|u| u * u).sum::<f64>())
                .sum::<f64>()
                / 6.0;
        assert!((ms - 1.0).abs() < 1e-12);
        let back = sc.deriv_from_model(&sc.deriv_to_model(&[0.7, -0.2]));
        assert!((back[0] - 0.7).abs() < 1e-12 && (back[1] + 0.2).abs() < 1e-12);
    }

    /// For n = 1 the scales are the standard deviations themselves; for n = 2 every pair's
    /// product is the same and each pair keeps its ratio.
    #[test]
    fn scales_are_conformal() {
        let x = [1.0, 10.0, 0.1, 4.0, -1.0, -10.0, -0.1, -4.0];
        let s1 = Scaling::fit(&split(2, &[1.0, 0.1, -1.0, -0.1], &[1.0; 4]));
        assert!((s1.s[0] - 1.0).abs() < 1e-12 && (s1.s[1] - 0.1).abs() < 1e-12);
        let s = Scaling::fit(&split(4, &x, &[1.0; 8])).s;
        // σ = (1, 10, 0.1, 4): products 0.1 and 40, geometric mean 2.
        assert!((s[0] * s[2] - 2.0).abs() < 1e-12 && (s[1] * s[3] - 2.0).abs() < 1e-12);
        assert!((s[0] / s[2] - 10.0).abs() < 1e-9 && (s[1] / s[3] - 2.5).abs() < 1e-9);
    }

    /// For H(x) = Hu(x/s)·c/τ, the data-unit field J∇H equals the unscaled model field, for
    /// a coupled system with two degrees of freedom (a double pendulum's H as Hu).
    #[test]
    fn scaling_keeps_canonical_structure() {
        let sc = Scaling {
            s: vec![2.0, 0.5, 0.3, 1.2],
            tau: 3.0,
        };
        assert!((sc.s[0] * sc.s[2] - sc.s[1] * sc.s[3]).abs() < 1e-12);
        let hu = DoublePendulum::point_masses(1.0, 2.0, 1.0, 0.5, 9.81);
        let x = [0.8, -0.3, 0.4, 1.1];
        let u = sc.to_model(&x);
        let mut g = [0.0; 4];
        hu.grad(&u, &mut g);
        let model_dx = sc.deriv_from_model(&[g[2], g[3], -g[0], -g[1]]);
        // H(x) = Hu(x/s)·c/τ: ∂H/∂xᵢ = ∂Hu/∂uᵢ / sᵢ · c/τ.
        let f = sc.energy_factor();
        let dh: Vec<f64> = (0..4).map(|i| g[i] / sc.s[i] * f).collect();
        let want = [dh[2], dh[3], -dh[0], -dh[1]];
        for i in 0..4 {
            assert!(
                (model_dx[i] - want[i]).abs() < 1e-12,
                "{model_dx:?} vs {want:?}"
            );
        }
    }

    #[test]
    fn reads_the_old_pair_and_the_list() {
        let old: Scaling = ron::from_str("(s: (0.5, 2.0), tau: 1.5)").unwrap();
        assert_eq!(old.s, vec![0.5, 2.0]);
        let new: Scaling = ron::from_str(&ron::to_string(&old).unwrap()).unwrap();
        assert_eq!(new, old);
    }
}
