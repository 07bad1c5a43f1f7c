//! The paper's Table 1 protocol: derivative losses ± standard error, and the energy MSE of
//! rollouts of the true system and the learned field from the same initial states; and the
//! valid prediction time of those rollouts (Botev et al. 2021).

mod divergence_clock;
mod latent;
pub mod pixel;
mod poincare;
mod rollout;
mod stats;
mod vpt;

pub use divergence_clock::{motion_scales, DivergenceClock};
pub use latent::linear_r2;
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
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
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

/// Energy MSE ± standard error over `splits` groups: groups of whole trajectories when there
/// are several, contiguous time chunks of the one trajectory otherwise.
pub fn energy_mse(energy: &dyn Fn(&[f64]) -> f64, r: &Rollouts, splits: usize) -> Stat {
    let errs = energy_errors(energy, r);
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

/// All of Table 1 for one model, and its valid prediction time.
pub fn evaluate(scene: &Scene, data: &Dataset, model: &FieldSnapshot) -> Result<ModelMetrics> {
    let energy_of = scene_energy(scene);
    let train = derivative_loss(model, &data.train);
    let test = derivative_loss(model, &data.test);
    let r = rollouts(scene, data, model)?;
    let energy = energy_mse(energy_of.as_ref(), &r, scene.eval.splits);
    let vpt = state_vpt(&r, VPT_THRESHOLD);
    Ok(ModelMetrics {
        train_loss: train.mean,
        train_loss_sem: train.sem,
        test_loss: test.mean,
        test_loss_sem: test.sem,
        energy_mse: energy.mean,
        energy_mse_sem: energy.sem,
        vpt: vpt.mean,
        vpt_sem: vpt.sem,
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
}
