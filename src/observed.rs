//! The truth as a camera sees it: the rapier pendulum plus the recent angles its frames are
//! drawn from, so the app can hand the twins the same two-frame observation the models were
//! trained on. Bevy-free; the app's sim plugin only steps it and forwards user actions.

use std::collections::VecDeque;

use anyhow::Result;

use crate::data::pixel::observation_pair;
use crate::data::render::render;
use crate::data::PixelDataSpec;
use crate::physics::rapier_pendulum::past_angles;
use crate::physics::{RapierPendulum, RapierSpec};

pub struct ObservedPendulum {
    pub sim: RapierPendulum,
    pub data: PixelDataSpec,
    /// Physics steps per frame interval.
    k: usize,
    /// θ after each of the last k + 1 physics steps, oldest first: the frame pair is
    /// (history[0], history[k]).
    history: VecDeque<f64>,
    /// Simulated seconds since the start.
    pub time: f64,
}

impl ObservedPendulum {
    pub fn new(physics: RapierSpec, data: PixelDataSpec, theta: f64, omega: f64) -> Result<Self> {
        let k = data.steps_per_frame(&physics)?;
        let mut p = Self {
            sim: RapierPendulum::new(physics, theta, omega),
            data,
            k,
            history: VecDeque::with_capacity(k + 1),
            time: 0.0,
        };
        p.set_state(theta, omega);
        Ok(p)
    }

    /// Physics steps per frame interval (the twins advance 1/k frame per step).
    pub fn steps_per_frame(&self) -> usize {
        self.k
    }

    pub fn step(&mut self) {
        self.sim.step();
        self.time += self.sim.spec.dt;
        self.history.pop_front();
        self.history.push_back(self.sim.state().0);
    }

    /// (θ, ω) now.
    pub fn state(&self) -> (f64, f64) {
        self.sim.state()
    }

    pub fn energy(&self) -> f64 {
        self.sim.energy()
    }

    /// The last two frames (one frame interval apart), as the models take them.
    pub fn pair(&self) -> Vec<f32> {
        let p = self.data.render.pixels();
        let mut out = vec![0.0f32; 2 * p];
        render(self.history[0], &self.data.render, &mut out[..p]);
        render(self.history[self.k], &self.data.render, &mut out[p..]);
        out
    }

    /// Teleports the pendulum (a drag, a reset). The frames before it are re-made as if it had
    /// been moving that way all along (the pendulum run backwards), so the observation is a
    /// consistent pair at once.
    pub fn set_state(&mut self, theta: f64, omega: f64) {
        self.sim.set_state(theta, omega);
        self.history = past_angles(self.sim.spec, theta, omega, self.k).into();
    }

    /// An angular impulse J (N·m·s) about the pivot. Returns the observation pairs of the state
    /// just before and just after it (each as if the pendulum had been moving that way), which
    /// is how a twin's encoder sees the kick. The recent frames become the "after" pair at
    /// once, so a sync right after a kick (even while paused) sees the kicked motion, as a
    /// (q, p) twin would.
    pub fn kick(&mut self, impulse: f64) -> Result<(Vec<f32>, Vec<f32>)> {
        let (theta, omega) = self.state();
        let before = observation_pair(&self.sim.spec, &self.data, theta, omega)?;
        let w = omega + impulse / self.sim.spec.inertia();
        let after = observation_pair(&self.sim.spec, &self.data, theta, w)?;
        self.set_state(theta, w);
        Ok((before, after))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::pixel::generate;

    #[test]
    fn its_pairs_are_the_dataset_pairs_of_the_same_run() {
        let phys = RapierSpec::default();
        let spec = PixelDataSpec {
            trials: 1,
            steps: 6,
            ..Default::default()
        };
        let d = generate(&phys, &spec).unwrap();
        let [th, om] = d.state(0, 0);
        let mut o = ObservedPendulum::new(phys, spec.clone(), th, om).unwrap();
        let k = o.steps_per_frame();
        assert_eq!(k, 3);
        for i in 1..5 {
            for _ in 0..k {
                o.step();
            }
            // Frames i−1 and i of the recorded trial, to float precision.
            let worst = o
                .pair()
                .iter()
                .zip(d.pair(0, i - 1))
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            assert!(worst < 1e-4, "frame {i}: {worst}");
        }
        assert!((o.time - 4.0 * 0.05).abs() < 1e-9);
    }

    #[test]
    fn a_kick_adds_the_impulse_energy_and_shows_two_different_pairs() {
        let phys = RapierSpec::default();
        let mut o = ObservedPendulum::new(phys, PixelDataSpec::default(), 0.3, 0.0).unwrap();
        let h0 = o.energy();
        let (before, after) = o.kick(0.4).unwrap();
        let w = 0.4 / phys.inertia();
        assert!((o.energy() - h0 - 0.5 * phys.inertia() * w * w).abs() < 1e-4);
        assert_ne!(before, after);
        // The latest frame is the same in both (same angle); the earlier one differs.
        let p = 784;
        assert_eq!(before[p..], after[p..]);
        // What the camera shows from now on is the kicked motion.
        assert_eq!(o.pair(), after);
    }
}
