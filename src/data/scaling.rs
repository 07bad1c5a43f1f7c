use serde::{Deserialize, Serialize};

use super::Split;

/// Per-axis scale of q and p and a time scale, fitted on the training set.
///
/// The networks see u = x / s and learn du/dt′ with t′ = t / τ, where τ makes the targets
/// unit-sized. A diagonal scaling of q and p is canonical up to a constant factor on H (and so
/// is the time scale), so the HNN still learns a Hamiltonian: H(x) = H_u(x / s)·s_q·s_p / τ.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scaling {
    pub s: [f64; 2],
    pub tau: f64,
}

impl Default for Scaling {
    fn default() -> Self {
        Self {
            s: [1.0, 1.0],
            tau: 1.0,
        }
    }
}

impl Scaling {
    /// Standard deviation of each coordinate; τ = 1 / RMS of the scaled derivatives.
    pub fn fit(train: &Split) -> Self {
        let n = train.len().max(1) as f64;
        let mut s = [1.0; 2];
        for (i, si) in s.iter_mut().enumerate() {
            let mean = train.x.iter().map(|x| x[i]).sum::<f64>() / n;
            let var = train.x.iter().map(|x| (x[i] - mean).powi(2)).sum::<f64>() / n;
            if var.sqrt() > 1e-12 {
                *si = var.sqrt();
            }
        }
        let ms = train
            .dx
            .iter()
            .map(|d| (d[0] / s[0]).powi(2) + (d[1] / s[1]).powi(2))
            .sum::<f64>()
            / (2.0 * n);
        let tau = if ms.sqrt() > 1e-12 {
            1.0 / ms.sqrt()
        } else {
            1.0
        };
        Self { s, tau }
    }

    pub fn to_model(&self, x: [f64; 2]) -> [f64; 2] {
        [x[0] / self.s[0], x[1] / self.s[1]]
    }
    /// Target in model units for a derivative in data units.
    pub fn deriv_to_model(&self, dx: [f64; 2]) -> [f64; 2] {
        [self.tau * dx[0] / self.s[0], self.tau * dx[1] / self.s[1]]
    }
    /// A model-unit derivative back in data units.
    pub fn deriv_from_model(&self, du: [f64; 2]) -> [f64; 2] {
        [du[0] * self.s[0] / self.tau, du[1] * self.s[1] / self.tau]
    }
    /// Factor turning the model's H_u into H in data units.
    pub fn energy_factor(&self) -> f64 {
        self.s[0] * self.s[1] / self.tau
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_targets_are_unit_rms_and_round_trip() {
        let split = Split {
            x: vec![[100.0, 0.01], [-100.0, -0.01], [50.0, 0.02]],
            dx: vec![[3.0, 1e-3], [-2.0, 4e-3], [1.0, -2e-3]],
            t: vec![],
        };
        let sc = Scaling::fit(&split);
        let ms: f64 = split
            .dx
            .iter()
            .map(|d| {
                let u = sc.deriv_to_model(*d);
                u[0] * u[0] + u[1] * u[1]
            })
            .sum::<f64>()
            / 6.0;
        assert!((ms - 1.0).abs() < 1e-12);
        let back = sc.deriv_from_model(sc.deriv_to_model([0.7, -0.2]));
        assert!((back[0] - 0.7).abs() < 1e-12 && (back[1] + 0.2).abs() < 1e-12);
    }

    /// For H(x) = Hu(x/s)·s_q·s_p/τ, the data-unit field J∇H equals the unscaled model field.
    #[test]
    fn scaling_keeps_canonical_structure() {
        let sc = Scaling {
            s: [2.0, 0.5],
            tau: 3.0,
        };
        // Hu(u) = u_q^2 + u_p^2: model field du/dt' = (2 u_p, -2 u_q).
        let x = [0.8, -0.3];
        let u = sc.to_model(x);
        let model_dx = sc.deriv_from_model([2.0 * u[1], -2.0 * u[0]]);
        // H(x) = ((q/2)^2 + (p/0.5)^2)·(2·0.5/3); dq/dt = dH/dp, dp/dt = -dH/dq.
        let f = sc.energy_factor();
        let dh_dq = 2.0 * x[0] / 4.0 * f;
        let dh_dp = 2.0 * x[1] / 0.25 * f;
        assert!((model_dx[0] - dh_dp).abs() < 1e-12);
        assert!((model_dx[1] + dh_dq).abs() < 1e-12);
    }
}
