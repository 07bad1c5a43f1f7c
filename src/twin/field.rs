//! A low-dimensional model's twin: the state (q, p) itself, in the data's units.

use std::sync::Arc;

use super::{raise_along_gradient, step_learned, Integrator};
use crate::nn::FieldSnapshot;

/// A twin of a low-dimensional system: the state (q₁…qₙ, p₁…pₙ) itself, moved by a learned
/// field in the data's units (the spring, pendulum, real-pendulum and n-body scenes).
#[derive(Clone, Debug)]
pub struct FieldTwin {
    pub model: Arc<FieldSnapshot>,
    pub x: Vec<f64>,
    pub integrator: Integrator,
}

impl FieldTwin {
    pub fn new(model: Arc<FieldSnapshot>, x: Vec<f64>) -> Self {
        Self {
            model,
            x,
            integrator: Integrator::Rk4,
        }
    }

    /// Moves the state forward by `dt` time units.
    pub fn advance(&mut self, dt: f64) {
        step_learned(self.integrator, self.model.as_ref(), &mut self.x, dt);
    }

    /// The learned H (HNN only), in data units up to a constant.
    pub fn learned_energy(&self) -> Option<f64> {
        self.model.energy(&self.x)
    }

    /// Raises the learned H by `dh` along its gradient (in data units, through the input
    /// scaling). False for a baseline.
    pub fn add_energy(&mut self, dh: f64) -> bool {
        let m = &self.model;
        if m.energy(&self.x).is_none() {
            return false;
        }
        let f = |x: &[f64]| m.energy_and_grad(x).unwrap_or((0.0, vec![0.0; x.len()]));
        match raise_along_gradient(f, &self.x, dh) {
            Some(x) => {
                self.x = x;
                true
            }
            None => false,
        }
    }
}
