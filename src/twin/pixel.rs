//! A pixel model's twin: its latent state, moved one frame interval per unit of time.

use std::sync::Arc;

use super::{raise_along_gradient, step_learned, Integrator};
use crate::data::render::{read_pair, RenderSpec};
use crate::nn::PixelSnapshot;

/// One twin: latent z = (z_q, z_p) of a pixel model, in units where one step is one frame.
#[derive(Clone, Debug)]
pub struct PixelTwin {
    /// The model in use: the trained one, a D-HNN's latent ∇D scaled by `dissipation_scale`.
    pub model: Arc<PixelSnapshot>,
    /// The weights as trained.
    pub trained: Arc<PixelSnapshot>,
    /// D-HNN's "unseen friction" in the latent: ∇D times γ′/γ. The latent's units are the
    /// model's own, but ∇D is the part of the field friction makes, so the same factor applies.
    pub dissipation_scale: f64,
    pub z: [f64; 2],
    pub integrator: Integrator,
}

impl PixelTwin {
    /// Starts at the encoding of the truth's current frame pair.
    pub fn new(model: Arc<PixelSnapshot>, pair: &[f32]) -> Self {
        let z = model.encode(pair);
        Self::at(model, z)
    }

    /// Starts at the latent state `z` (RK4).
    pub fn at(model: Arc<PixelSnapshot>, z: [f64; 2]) -> Self {
        Self {
            trained: model.clone(),
            model,
            dissipation_scale: 1.0,
            z,
            integrator: Integrator::Rk4,
        }
    }

    /// Re-synchronises with the truth: z = encode(pair).
    pub fn sync(&mut self, pair: &[f32]) {
        self.z = self.model.encode(pair);
    }

    /// New weights mean new latent coordinates, so the twin re-encodes the truth's pair.
    pub fn set_model(&mut self, model: Arc<PixelSnapshot>, pair: &[f32]) {
        self.trained = model;
        self.rescale();
        self.sync(pair);
    }

    /// Scales a D-HNN's latent dissipation by `factor` from its trained weights (no-op for the
    /// other kinds); the latent state is kept (the encoder is unchanged).
    pub fn set_dissipation_scale(&mut self, factor: f64) {
        self.dissipation_scale = factor;
        self.rescale();
    }

    fn rescale(&mut self) {
        let trained = &self.trained;
        self.model = if self.dissipation_scale == 1.0 || trained.dynamics.dissipation.is_none() {
            trained.clone()
        } else {
            Arc::new(PixelSnapshot {
                dynamics: trained
                    .dynamics
                    .with_dissipation_scaled(self.dissipation_scale),
                ..(**trained).clone()
            })
        };
    }

    /// Moves the latent state forward by `frames` frame intervals (fractional allowed).
    pub fn advance(&mut self, frames: f64) {
        step_learned(self.integrator, self.model.as_ref(), &mut self.z, frames);
    }

    /// The twin as a frame pair (what it "sees").
    pub fn decode(&self) -> Vec<f32> {
        self.model.decode(self.z)
    }

    /// (θ, ω) read off the decoded pair with the same estimator applied to the truth.
    pub fn read_state(&self, render: &RenderSpec, frame_dt: f64) -> [f64; 2] {
        read_pair(&self.decode(), render, frame_dt)
    }

    /// The learned H at the current state (HNN only).
    pub fn learned_energy(&self) -> Option<f64> {
        self.model.energy(self.z)
    }

    /// A kick as the twin's own encoder sees it: the change the kick made to the encoding of
    /// the truth's frame pair is added to the twin's state, so a twin that had drifted keeps
    /// its drift.
    pub fn kick(&mut self, pair_before: &[f32], pair_after: &[f32]) {
        let (a, b) = (
            self.model.encode(pair_before),
            self.model.encode(pair_after),
        );
        self.z = [self.z[0] + b[0] - a[0], self.z[1] + b[1] - a[1]];
    }

    /// Raises the learned H by `dh` with a step along ∇H (exact, see `raise_along_gradient`).
    /// Returns false for a baseline twin, which has no H, or where ∇H vanishes.
    pub fn add_energy(&mut self, dh: f64) -> bool {
        let mlp = &self.model.dynamics.mlp;
        if !self.model.kind.has_energy() {
            return false;
        }
        let f = |z: &[f64]| mlp.value_and_grad(z);
        match raise_along_gradient(f, &self.z, dh) {
            Some(z) => {
                self.z = [z[0], z[1]];
                true
            }
            None => false,
        }
    }
}
