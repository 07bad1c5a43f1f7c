//! The pixel task's data settings as a scene states them: how trials are drawn and how frames
//! are drawn. The generator that uses them lives in `data::pixel`.

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

use crate::physics::RapierSpec;
use crate::ranges;

/// How trials are drawn and observed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PixelDataSpec {
    #[serde(deserialize_with = "ranges::trajectories")]
    pub trials: usize,
    /// Frames per trial.
    #[serde(deserialize_with = "ranges::frames")]
    pub steps: usize,
    /// Time between frames (s); a whole number of physics steps.
    #[serde(deserialize_with = "ranges::time_step")]
    pub frame_dt: f64,
    /// Initial |θ| < theta_max and |ω| < omega_max, uniform.
    #[serde(deserialize_with = "ranges::angle")]
    pub theta_max: f64,
    #[serde(deserialize_with = "ranges::max_speed")]
    pub omega_max: f64,
    /// Trailing share of the trials held out for testing.
    #[serde(deserialize_with = "ranges::fraction_closed")]
    pub test_fraction: f64,
    pub seed: u64,
    pub render: RenderSpec,
}

impl Default for PixelDataSpec {
    fn default() -> Self {
        Self {
            trials: 200,
            steps: 103,
            frame_dt: 0.05,
            theta_max: std::f64::consts::FRAC_PI_6,
            omega_max: 0.5,
            test_fraction: 0.2,
            seed: 0,
            render: RenderSpec::default(),
        }
    }
}

impl PixelDataSpec {
    /// Physics steps per frame, or an error if `frame_dt` is not a multiple of the physics step.
    pub fn steps_per_frame(&self, physics: &RapierSpec) -> Result<usize> {
        let k = self.frame_dt / physics.dt;
        if !(k >= 0.999) || (k - k.round()).abs() > 1e-6 {
            bail!(
                "frame_dt {} is not a whole number of physics steps of {} s",
                self.frame_dt,
                physics.dt
            );
        }
        Ok(k.round() as usize)
    }
    pub fn n_test(&self) -> usize {
        ((self.test_fraction * self.trials as f64).round() as usize).clamp(1, self.trials - 1)
    }
}

/// Frame geometry.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RenderSpec {
    /// Frame side in pixels.
    #[serde(deserialize_with = "ranges::frame_size")]
    pub size: usize,
    /// Rod length and thickness in pixels; the anchor is the frame's centre.
    #[serde(deserialize_with = "ranges::physical")]
    pub rod_px: f64,
    #[serde(deserialize_with = "ranges::physical")]
    pub width_px: f64,
}

impl Default for RenderSpec {
    fn default() -> Self {
        Self {
            size: 28,
            rod_px: 12.0,
            width_px: 2.5,
        }
    }
}

impl RenderSpec {
    pub fn pixels(&self) -> usize {
        self.size * self.size
    }
    pub(crate) fn anchor(&self) -> (f64, f64) {
        (self.size as f64 / 2.0, self.size as f64 / 2.0)
    }
}
