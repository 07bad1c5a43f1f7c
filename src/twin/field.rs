//! A low-dimensional model's twin: the state (q, p) itself, in the data's units.

use std::sync::Arc;

use super::{raise_along_gradient, Integrator};
use crate::nn::FieldSnapshot;

/// A twin of a low-dimensional system: the state (q, p) itself, moved by a learned field in
/// the data's units (the spring, pendulum and real-pendulum scenes).
#[derive(Clone, Debug)]
pub struct FieldTwin {
    pub model: Arc<FieldSnapshot>,
    pub x: [f64; 2],
    pub integrator: Integrator,
}

impl FieldTwin {
    pub fn new(model: Arc<FieldSnapshot>, x: [f64; 2]) -> Self {
        Self {
            model,
            x,
            integrator: Integrator::Rk4,
        }
    }

    /// Moves the state forward by `dt` time units.
    pub fn advance(&mut self, dt: f64) {
        self.x = self.integrator.step(self.model.as_ref(), self.x, dt);
    }

    /// The learned H (HNN only), in data units up to a constant.
    pub fn learned_energy(&self) -> Option<f64> {
        self.model.energy(self.x)
    }

    /// Raises the learned H by `dh` along its gradient (central differences: the snapshot
    /// works in data units through the input scaling). False for a baseline.
    pub fn add_energy(&mut self, dh: f64) -> bool {
        let m = &self.model;
        if m.energy(self.x).is_none() {
            return false;
        }
        let f = |x: [f64; 2]| {
            let h = |y: [f64; 2]| m.energy(y).unwrap_or(0.0);
            let e = 1e-6 * (1.0 + x[0].abs().max(x[1].abs()));
            let g = [
                (h([x[0] + e, x[1]]) - h([x[0] - e, x[1]])) / (2.0 * e),
                (h([x[0], x[1] + e]) - h([x[0], x[1] - e])) / (2.0 * e),
            ];
            (h(x), g)
        };
        match raise_along_gradient(f, self.x, dh) {
            Some(x) => {
                self.x = x;
                true
            }
            None => false,
        }
    }
}
