//! The paper's Table 1 protocol: derivative losses ± standard error, and the energy MSE of
//! rollouts of the true system and the learned field from the same initial states; and the
//! valid prediction time of those rollouts (Botev et al. 2021).

#[cfg(test)]
mod dissipation_tests;
mod divergence_clock;
mod latent;
mod period;
pub mod pixel;
mod poincare;
mod rollout;
mod stats;
mod vpt;

pub use divergence_clock::{motion_scales, DivergenceClock};
pub use latent::linear_r2;
pub use period::{pendulum_period, PeriodTimer};
pub use poincare::Section;
pub use rollout::{rollouts, Rollouts};
pub use stats::{grouped_sem, mean_sem, Stat};
pub use vpt::{normalised_error, state_vpt, valid_fraction, VPT_THRESHOLD};

use anyhow::Result;
use serde::Serialize;

use crate::data::{Dataset, Split};
use crate::nn::FieldSnapshot;
use crate::physics::Hamiltonian;
use crate::scene::{DataSpec, Scene};

/// One model's row of Table 1, in the data's own units.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq)]
pub struct ModelMetrics {
    pub train_loss: f64,
    pub train_loss_sem: f64,
    pub test_loss: f64,
    pub test_loss_sem: f64,
    pub energy_mse: f64,
    pub energy_mse_sem: f64,
    /// Valid prediction time as a fraction of the rollout (see `vpt`), ± standard error over
    /// trajectories.
    pub vpt: f64,
    pub vpt_sem: f64,
    /// Mean squared state error of the rollouts (over points and coordinates), ± standard
    /// error over groups (D-HNN's "state MSE"). NaN where there are no state rollouts.
    pub state_mse: f64,
    pub state_mse_sem: f64,
    /// Simulated systems: the mean squared error, along the true rollouts, of the power the
    /// model's field puts into the true energy (∇H_true · f_θ) against the true power
    /// (−∇Hᵀ Γ ∇H under friction, 0 without). None for recordings (their power is unknown).
    pub power_mse: Option<f64>,
    /// D-HNN on a simulated system: the same error for its own learned power ∇H_θ · ∇D_θ
    /// (an HNN's is 0 by construction, so its error is the true power's mean square).
    pub learned_power_mse: Option<f64>,
}

impl ModelMetrics {
    /// (value, sem) of train loss, test loss and energy MSE: the paper's Table 1 cells.
    pub fn cells(&self) -> [(f64, f64); 3] {
        [
            (self.train_loss, self.train_loss_sem),
            (self.test_loss, self.test_loss_sem),
            (self.energy_mse, self.energy_mse_sem),
        ]
    }
}

/// Mean over samples of the squared error of the predicted derivatives (averaged over the 2n
/// coordinates, like `(pred - target).pow(2).mean()`), ± std/√N over samples.
pub fn derivative_loss(model: &FieldSnapshot, split: &Split) -> Stat {
    let mut f = vec![0.0; split.dim];
    let per_sample: Vec<f64> = (0..split.len())
        .map(|i| {
            model.field_into(split.x(i), &mut f);
            let sq: f64 = f
                .iter()
                .zip(split.dx(i))
                .map(|(a, b)| (a - b).powi(2))
                .sum();
            sq / split.dim as f64
        })
        .collect();
    mean_sem(&per_sample)
}

/// Per-trajectory mean squared difference of the true energy along the true and the learned
/// trajectory; for a single recorded trajectory, per time point.
pub fn energy_errors(energy: &dyn Fn(&[f64]) -> f64, r: &Rollouts) -> Vec<Vec<f64>> {
    r.truth
        .iter()
        .zip(&r.model)
        .map(|(t, m)| {
            t.iter()
                .zip(m)
                .map(|(a, b)| (energy(a) - energy(b)).powi(2))
                .collect()
        })
        .collect()
}

/// An energy as a function of a state.
pub type EnergyFn = Box<dyn Fn(&[f64]) -> f64 + Send + Sync>;

/// The energy a scene's metric measures, as a function of the scene's states: the eval
/// energy or the system's H; for a recording kept in angular velocities (`keep_velocities`),
/// H after turning them into momenta.
pub fn scene_energy(scene: &Scene) -> EnergyFn {
    let h: Box<dyn Hamiltonian> = scene
        .eval
        .energy
        .as_ref()
        .unwrap_or(&scene.system)
        .hamiltonian();
    if let DataSpec::Recorded(r) = &scene.data {
        if r.keep_velocities {
            if let Some(dp) = crate::data::mass_matrix_of(&scene.system) {
                return Box::new(move |x: &[f64]| {
                    let p = dp.momenta([x[0], x[1]], [x[2], x[3]]);
                    h.energy(&[x[0], x[1], p[0], p[1]])
                });
            }
        }
    }
    Box::new(move |x: &[f64]| h.energy(x))
}

/// Mean squared state error (over the 2n coordinates) per trajectory, or per time point for a
/// single recorded trajectory, ± standard error over `splits` groups.
pub fn state_mse(r: &Rollouts, splits: usize) -> Stat {
    let per_point = |t: &[Vec<f64>], m: &[Vec<f64>]| -> Vec<f64> {
        t.iter()
            .zip(m)
            .map(|(a, b)| {
                a.iter().zip(b).map(|(u, v)| (u - v).powi(2)).sum::<f64>() / a.len() as f64
            })
            .collect()
    };
    let errs: Vec<Vec<f64>> = r
        .truth
        .iter()
        .zip(&r.model)
        .map(|(t, m)| per_point(t, m))
        .collect();
    grouped_errors(&errs, splits)
}

/// The mean of per-point errors ± standard error over `splits` groups: groups of whole
/// trajectories when there are several, contiguous time chunks of the one trajectory
/// otherwise.
fn grouped_errors(errs: &[Vec<f64>], splits: usize) -> Stat {
    if errs.len() == 1 {
        grouped_sem(&errs[0], splits)
    } else {
        let per_traj: Vec<f64> = errs
            .iter()
            .map(|e| e.iter().sum::<f64>() / e.len() as f64)
            .collect();
        grouped_sem(&per_traj, splits)
    }
}

/// The power errors of `ModelMetrics` over the true rollouts' states: (∇H·f_θ against the
/// truth's power, and for an energy model its own learned power against it).
pub fn power_errors(scene: &Scene, model: &FieldSnapshot, r: &Rollouts) -> (f64, Option<f64>) {
    let truth = scene.dynamics();
    let dim = 2 * truth.dof();
    let (mut g, mut f) = (vec![0.0; dim], vec![0.0; dim]);
    let (mut field_sq, mut learned_sq, mut count) = (0.0, 0.0, 0usize);
    for x in r.truth.iter().flatten() {
        let p_true = truth.power(x);
        truth.grad(x, &mut g);
        model.field_into(x, &mut f);
        let p_field: f64 = g.iter().zip(&f).map(|(a, b)| a * b).sum();
        field_sq += (p_field - p_true).powi(2);
        if let Some(p) = model.learned_power(x) {
            learned_sq += (p - p_true).powi(2);
        }
        count += 1;
    }
    let n = count.max(1) as f64;
    (
        field_sq / n,
        model.kind.has_energy().then_some(learned_sq / n),
    )
}

/// Energy MSE ± standard error over `splits` groups: groups of whole trajectories when there
/// are several, contiguous time chunks of the one trajectory otherwise.
pub fn energy_mse(energy: &dyn Fn(&[f64]) -> f64, r: &Rollouts, splits: usize) -> Stat {
    grouped_errors(&energy_errors(energy, r), splits)
}

/// All of Table 1 for one model, and its valid prediction time.
pub fn evaluate(scene: &Scene, data: &Dataset, model: &FieldSnapshot) -> Result<ModelMetrics> {
    let energy_of = scene_energy(scene);
    let train = derivative_loss(model, &data.train);
    let test = derivative_loss(model, &data.test);
    let r = rollouts(scene, data, model)?;
    let energy = energy_mse(energy_of.as_ref(), &r, scene.eval.splits);
    let vpt = state_vpt(&r, VPT_THRESHOLD);
    let states = state_mse(&r, scene.eval.splits);
    let simulated = matches!(scene.data, DataSpec::Synthetic(_) | DataSpec::Grid(_));
    let (power, learned) = if simulated {
        power_errors(scene, model, &r)
    } else {
        (f64::NAN, None)
    };
    Ok(ModelMetrics {
        train_loss: train.mean,
        train_loss_sem: train.sem,
        test_loss: test.mean,
        test_loss_sem: test.sem,
        energy_mse: energy.mean,
        energy_mse_sem: energy.sem,
        vpt: vpt.mean,
        vpt_sem: vpt.sem,
        state_mse: states.mean,
        state_mse_sem: states.sem,
        power_mse: simulated.then_some(power),
        learned_power_mse: learned,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::physics::Spring;

    #[test]
    fn energy_mse_against_hand_computed_values() {
        // H = q² + p². Trajectory 1: energies 1 vs 1 and 4 vs 1 → errors 0, 9 → mean 4.5.
        // Trajectory 2: energies 0 vs 1 and 1 vs 1 → errors 1, 0 → mean 0.5.
        let r = Rollouts {
            times: vec![0.0, 1.0],
            truth: vec![
                vec![vec![1.0, 0.0], vec![0.0, 2.0]],
                vec![vec![0.0, 0.0], vec![1.0, 0.0]],
            ],
            model: vec![
                vec![vec![0.0, 1.0], vec![1.0, 0.0]],
                vec![vec![0.0, 1.0], vec![0.0, 1.0]],
            ],
        };
        let h = Spring::default();
        let s = energy_mse(&|x| h.energy(x), &r, 2);
        assert_eq!(s.mean, 2.5);
        assert!((s.sem - 2.0 / 2f64.sqrt()).abs() < 1e-12);
        // A single recorded trajectory is split over time: errors 0, 9 in two chunks.
        let one = Rollouts {
            times: r.times.clone(),
            truth: vec![r.truth[0].clone()],
            model: vec![r.model[0].clone()],
        };
        let s = energy_mse(&|x| h.energy(x), &one, 2);
        assert_eq!(s.mean, 4.5);
        assert!((s.sem - 4.5 / 2f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn state_mse_against_hand_computed_values() {
        // Trajectory 1: squared errors (1 + 0)/2 and (0 + 4)/2 → mean 1.25; trajectory 2: 0.
        let r = Rollouts {
            times: vec![0.0, 1.0],
            truth: vec![
                vec![vec![1.0, 0.0], vec![0.0, 2.0]],
                vec![vec![0.5, 0.5], vec![0.5, 0.5]],
            ],
            model: vec![
                vec![vec![0.0, 0.0], vec![0.0, 0.0]],
                vec![vec![0.5, 0.5], vec![0.5, 0.5]],
            ],
        };
        let s = state_mse(&r, 2);
        assert_eq!(s.mean, 0.625);
        assert!((s.sem - 0.625 / 2f64.sqrt()).abs() < 1e-12);
    }
}
