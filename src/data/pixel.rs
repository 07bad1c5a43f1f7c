//! The pixel pendulum dataset (the paper's Task 5): trials of the rapier pendulum rendered to
//! 28×28 frames; an input is two consecutive frames (1568 values), so it carries velocity.
//! Generated once per data settings and cached on disk.

use anyhow::Result;

use super::render::render;
use crate::physics::rapier_pendulum::past_angles;
use crate::physics::{RapierPendulum, RapierSpec};
use crate::rng::Rng;
pub use crate::scene::{PixelDataSpec, RenderSpec};

/// Frames and true states of every trial.
#[derive(Clone, Debug, PartialEq)]
pub struct PixelDataset {
    pub spec: PixelDataSpec,
    /// trials × steps × pixels, row-major; a trial's frames are contiguous, so the input pair
    /// (frame i, frame i+1) is one slice.
    pub frames: Vec<f32>,
    /// True (θ, ω) per trial and frame.
    pub states: Vec<[f64; 2]>,
}

impl PixelDataset {
    pub fn pixels(&self) -> usize {
        self.spec.render.pixels()
    }
    /// Two stacked frames (i, i+1) of a trial.
    pub fn pair(&self, trial: usize, i: usize) -> &[f32] {
        let p = self.pixels();
        let start = (trial * self.spec.steps + i) * p;
        &self.frames[start..start + 2 * p]
    }
    pub fn state(&self, trial: usize, i: usize) -> [f64; 2] {
        self.states[trial * self.spec.steps + i]
    }
    pub fn train_trials(&self) -> std::ops::Range<usize> {
        0..self.spec.trials - self.spec.n_test()
    }
    pub fn test_trials(&self) -> std::ops::Range<usize> {
        self.spec.trials - self.spec.n_test()..self.spec.trials
    }
    /// (trial, i) of every sample whose input pair i and next pair i+1 both exist.
    pub fn samples(&self, trials: std::ops::Range<usize>) -> Vec<(usize, usize)> {
        let per = self.spec.steps.saturating_sub(2);
        trials.flat_map(|t| (0..per).map(move |i| (t, i))).collect()
    }
}

/// Simulates and renders every trial.
pub fn generate(physics: &RapierSpec, spec: &PixelDataSpec) -> Result<PixelDataset> {
    let k = spec.steps_per_frame(physics)?;
    let p = spec.render.pixels();
    let mut rng = Rng::new(spec.seed);
    let mut frames = vec![0.0f32; spec.trials * spec.steps * p];
    let mut states = Vec::with_capacity(spec.trials * spec.steps);
    for t in 0..spec.trials {
        let theta = rng.range(-spec.theta_max, spec.theta_max);
        let omega = rng.range(-spec.omega_max, spec.omega_max);
        let mut sim = RapierPendulum::new(*physics, theta, omega);
        for i in 0..spec.steps {
            if i > 0 {
                for _ in 0..k {
                    sim.step();
                }
            }
            let (th, om) = sim.state();
            states.push([th, om]);
            let start = (t * spec.steps + i) * p;
            render(th, &spec.render, &mut frames[start..start + p]);
        }
    }
    Ok(PixelDataset {
        spec: spec.clone(),
        frames,
        states,
    })
}

/// The frame pair a camera would have recorded ending at state (θ, ω): the frame one
/// `frame_dt` earlier comes from running the pendulum backwards (it is time-reversible: start
/// at (θ, −ω) and step forward), then the frame at θ. The app uses it wherever the truth's
/// history is not a recording (after a teleport, or to see how a kick looks to an encoder).
pub fn observation_pair(
    physics: &RapierSpec,
    spec: &PixelDataSpec,
    theta: f64,
    omega: f64,
) -> Result<Vec<f32>> {
    let k = spec.steps_per_frame(physics)?;
    let earlier = past_angles(*physics, theta, omega, k)[0];
    let p = spec.render.pixels();
    let mut pair = vec![0.0f32; 2 * p];
    render(earlier, &spec.render, &mut pair[..p]);
    render(theta, &spec.render, &mut pair[p..]);
    Ok(pair)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> PixelDataSpec {
        PixelDataSpec {
            trials: 5,
            steps: 12,
            ..Default::default()
        }
    }

    #[test]
    fn shapes_split_and_pairs() {
        let d = generate(&RapierSpec::default(), &small()).unwrap();
        assert_eq!(d.frames.len(), 5 * 12 * 784);
        assert_eq!(d.states.len(), 60);
        assert_eq!(d.train_trials(), 0..4);
        assert_eq!(d.test_trials(), 4..5);
        assert_eq!(d.samples(d.train_trials()).len(), 4 * 10);
        assert_eq!(d.pair(1, 3).len(), 1568);
        // The second half of pair i is the first half of pair i + 1.
        assert_eq!(&d.pair(1, 3)[784..], &d.pair(1, 4)[..784]);
        // Initial states within the configured ranges.
        for t in 0..5 {
            let [th, om] = d.state(t, 0);
            assert!(th.abs() < small().theta_max + 1e-6 && om.abs() < small().omega_max + 1e-6);
        }
        let full = PixelDataSpec::default();
        assert_eq!((full.trials - full.n_test(), full.n_test()), (160, 40));
    }

    #[test]
    fn frame_dt_must_be_whole_physics_steps() {
        let bad = PixelDataSpec {
            frame_dt: 0.04,
            ..small()
        };
        assert!(generate(&RapierSpec::default(), &bad)
            .unwrap_err()
            .to_string()
            .contains("frame_dt"));
    }

    #[test]
    fn observation_pair_matches_a_recorded_pair() {
        let phys = RapierSpec::default();
        let spec = PixelDataSpec {
            trials: 1,
            steps: 5,
            ..Default::default()
        };
        let d = generate(&phys, &spec).unwrap();
        let [th, om] = d.state(0, 3);
        let pair = observation_pair(&phys, &spec, th, om).unwrap();
        let rec = d.pair(0, 2);
        let worst = pair
            .iter()
            .zip(rec)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        // Rapier's reversed run retraces the recorded one to within its small energy error.
        assert!(worst < 0.02, "largest pixel difference {worst}");
    }
}
