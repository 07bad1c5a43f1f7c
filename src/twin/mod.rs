//! A learned twin of the truth: the state a trained model moves forward (a pixel model's
//! latent z, or (q, p) for the low-dimensional scenes), with the operations the app applies
//! to it (sync to the truth, kick, add learned energy, swap in new weights). Bevy-free, so it
//! is tested here and the app only calls it.

mod field;
mod pixel;

use std::sync::Arc;

pub use field::FieldTwin;
pub use pixel::PixelTwin;

pub use crate::integrate::Integrator;
use crate::nn::{FieldSnapshot, LearnedField, PixelSnapshot};
use crate::truth::Observation;

/// One step of length `h` of a learned field from `x` (any dimension), by `integrator`.
pub fn step_learned(integrator: Integrator, model: &dyn LearnedField, x: &mut [f64], h: f64) {
    let mut f = |x: &[f64], dx: &mut [f64]| model.field(x, dx);
    integrator.step(&mut f, x, h, model.dim() / 2);
}

/// The point z + s∇H/|∇H| where H has risen by exactly `dh` (Newton on s, so the change is
/// exact, not first order), in any dimension. `f` gives H and ∇H; None where ∇H vanishes.
pub fn raise_along_gradient(
    f: impl Fn(&[f64]) -> (f64, Vec<f64>),
    z0: &[f64],
    dh: f64,
) -> Option<Vec<f64>> {
    let (h0, g) = f(z0);
    let n = g.iter().map(|v| v * v).sum::<f64>().sqrt();
    if !(n >= 1e-9) {
        return None;
    }
    let dir: Vec<f64> = g.iter().map(|v| v / n).collect();
    let at = |s: f64| -> Vec<f64> { z0.iter().zip(&dir).map(|(z, d)| z + s * d).collect() };
    let mut s = dh / n;
    for _ in 0..30 {
        let (h, gz) = f(&at(s));
        let slope: f64 = gz.iter().zip(&dir).map(|(a, b)| a * b).sum();
        let miss = h - (h0 + dh);
        if miss.abs() < 1e-12 * (1.0 + h0.abs()) || slope.abs() < 1e-18 {
            break;
        }
        s -= miss / slope;
    }
    Some(at(s))
}

/// A model's weights as the app passes them around (they arrive from the training thread).
#[derive(Clone, Debug)]
pub enum TwinWeights {
    Pixel(Arc<PixelSnapshot>),
    Field(Arc<FieldSnapshot>),
}

impl TwinWeights {
    /// The learned dynamics, for portraits.
    pub fn field(&self) -> Arc<dyn crate::nn::LearnedField> {
        match self {
            TwinWeights::Pixel(w) => w.clone(),
            TwinWeights::Field(w) => w.clone(),
        }
    }
    /// Same weights (not merely equal ones).
    pub fn same(&self, other: &TwinWeights) -> bool {
        match (self, other) {
            (TwinWeights::Pixel(a), TwinWeights::Pixel(b)) => Arc::ptr_eq(a, b),
            (TwinWeights::Field(a), TwinWeights::Field(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// Either kind of twin, driven the same way by the app.
#[derive(Clone, Debug)]
pub enum Twin {
    Pixel(PixelTwin),
    Field(FieldTwin),
}

impl Twin {
    /// A twin of these weights at the observed state; None if they do not fit the observation
    /// (pixel weights for a (q, p) scene or the reverse).
    pub fn new(weights: TwinWeights, obs: &Observation) -> Option<Self> {
        match (weights, obs) {
            (TwinWeights::Pixel(w), Observation::Pair(p)) => {
                Some(Twin::Pixel(PixelTwin::new(w, p)))
            }
            (TwinWeights::Field(w), Observation::State(x)) if x.len() == w.dim() => {
                Some(Twin::Field(FieldTwin::new(w, x.clone())))
            }
            _ => None,
        }
    }

    /// New weights; the twin re-syncs to the observation (pixel latents change meaning with
    /// the weights; a (q, p) twin keeps its state).
    pub fn set_weights(&mut self, weights: TwinWeights, obs: &Observation) {
        match (self, weights, obs) {
            (Twin::Pixel(t), TwinWeights::Pixel(w), Observation::Pair(p)) => t.set_model(w, p),
            (Twin::Field(t), TwinWeights::Field(w), _) => t.set_model(w),
            _ => {}
        }
    }

    pub fn weights(&self) -> TwinWeights {
        match self {
            Twin::Pixel(t) => TwinWeights::Pixel(t.model.clone()),
            Twin::Field(t) => TwinWeights::Field(t.model.clone()),
        }
    }

    /// Moves forward by `amount`: frame intervals (pixel) or seconds (field).
    pub fn advance(&mut self, amount: f64) {
        match self {
            Twin::Pixel(t) => t.advance(amount),
            Twin::Field(t) => t.advance(amount),
        }
    }

    pub fn sync(&mut self, obs: &Observation) {
        match (self, obs) {
            (Twin::Pixel(t), Observation::Pair(p)) => t.sync(p),
            (Twin::Field(t), Observation::State(x)) if x.len() == t.x.len() => t.x = x.clone(),
            _ => {}
        }
    }

    /// The kick as the twin sees it: the change it makes to the twin's encoding of the truth
    /// (for a (q, p) twin, the change of state itself) is added to the twin's state.
    pub fn kick(&mut self, before: &Observation, after: &Observation) {
        match (self, before, after) {
            (Twin::Pixel(t), Observation::Pair(a), Observation::Pair(b)) => t.kick(a, b),
            (Twin::Field(t), Observation::State(a), Observation::State(b)) => {
                for ((x, a), b) in t.x.iter_mut().zip(a).zip(b) {
                    *x += b - a;
                }
            }
            _ => {}
        }
    }

    pub fn add_energy(&mut self, dh: f64) -> bool {
        match self {
            Twin::Pixel(t) => t.add_energy(dh),
            Twin::Field(t) => t.add_energy(dh),
        }
    }

    pub fn learned_energy(&self) -> Option<f64> {
        match self {
            Twin::Pixel(t) => t.learned_energy(),
            Twin::Field(t) => t.learned_energy(),
        }
    }

    /// The state the twin integrates: latent z, or (q₁…qₙ, p₁…pₙ).
    pub fn state(&self) -> Vec<f64> {
        match self {
            Twin::Pixel(t) => t.z.to_vec(),
            Twin::Field(t) => t.x.clone(),
        }
    }

    /// D-HNN's way to follow a friction it never saw: its ∇D scaled by `factor` (= γ′/γ).
    /// Other twins have no dissipative part.
    pub fn set_dissipation_scale(&mut self, factor: f64) {
        match self {
            Twin::Pixel(t) => t.set_dissipation_scale(factor),
            Twin::Field(t) => t.set_dissipation_scale(factor),
        }
    }

    pub fn set_integrator(&mut self, i: Integrator) {
        match self {
            Twin::Pixel(t) => t.integrator = i,
            Twin::Field(t) => t.integrator = i,
        }
    }
}

#[cfg(test)]
mod tests;
