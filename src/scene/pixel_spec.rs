//! The pixel task's data settings as a scene states them: how trials are drawn and how frames
//! are drawn. The generator that uses them lives in `data::pixel`.

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

use crate::physics::RapierSpec;

/// How trials are drawn and observed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PixelDataSpec {
    pub trials: usize,
    /// Frames per trial.
    pub steps: usize,
    /// Time between frames (s); a whole number of physics steps.
    pub frame_dt: f64,
    /// Initial |θ| < theta_max and |ω| < omega_max, uniform.
    pub theta_max: f64,
    pub omega_max: f64,
    /// Trailing share of the trials held out for testing.
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
    pub size: usize,
    /// Rod length and thickness in pixels; the anchor is the frame's centre.
    pub rod_px: f64,
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
