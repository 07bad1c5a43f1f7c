//! A low-dimensional model's twin: the state (q, p) itself, in the data's units.

use std::sync::Arc;

use super::{raise_along_gradient, step_learned, Integrator};
use crate::nn::FieldSnapshot;

/// A twin of a low-dimensional system: the state (q₁…qₙ, p₁…pₙ) itself, moved by a learned
/// field in the data's units (the spring, pendulum, real-pendulum and n-body scenes).
#[derive(Clone, Debug)]
pub struct FieldTwin {
    /// The model in use: the trained one, its dissipation scaled by `dissipation_scale`.
    pub model: Arc<FieldSnapshot>,
    /// The weights as trained.
    pub trained: Arc<FieldSnapshot>,
    /// D-HNN's "unseen friction": ∇D times this (γ′/γ for a friction γ′ it never saw).
    pub dissipation_scale: f64,
    pub x: Vec<f64>,
    pub integrator: Integrator,
}

impl FieldTwin {
    pub fn new(model: Arc<FieldSnapshot>, x: Vec<f64>) -> Self {
        Self {
            trained: model.clone(),
            model,
            dissipation_scale: 1.0,
            x,
            integrator: Integrator::Rk4,
        }
    }

    /// New trained weights, with the dissipation scale kept.
    pub fn set_model(&mut self, model: Arc<FieldSnapshot>) {
        self.trained = model;
        self.rescale();
    }

    /// Scales a D-HNN's dissipation by `factor` from its trained weights (no-op for the other
    /// kinds, which have none); the state is kept.
    pub fn set_dissipation_scale(&mut self, factor: f64) {
        self.dissipation_scale = factor;
        self.rescale();
    }

    fn rescale(&mut self) {
        self.model = if self.dissipation_scale == 1.0 || self.trained.dissipation.is_none() {
            self.trained.clone()
        } else {
            Arc::new(self.trained.with_dissipation_scaled(self.dissipation_scale))
        };
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
