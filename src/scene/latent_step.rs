//! How a pixel model's latent field is fitted (a spec type; the losses live in `nn` and the
//! fused trainer).

use serde::{Deserialize, Serialize};

/// The latent step a pixel model's dynamics loss compares with the next encoding, one frame
/// on: z_next ≈ z + f(z) (Euler, the paper's) or z_next ≈ z + f((z + z_next)/2) (the implicit
/// midpoint rule). Euler's step leaves a first-order bias in f: on a rotation it grows the
/// radius by √(1 + (ωΔt)²) per step (≈ 3.7% of the pixel pendulum's energy a frame), which
/// a model able to lose energy learns to cancel and then, rolled out with RK4, over-damps. The
/// midpoint rule keeps quadratic invariants exactly and is second order, so f is the true
/// field (per frame) to O(Δt²), and a learned loss of energy is the data's.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub enum LatentStep {
    #[default]
    Euler,
    Midpoint,
}

impl LatentStep {
    pub fn is_euler(&self) -> bool {
        *self == LatentStep::Euler
    }
}
