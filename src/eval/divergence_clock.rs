//! The valid prediction time, live: how long a twin has followed the truth since they were
//! last synced, stopped at the first moment its state left the truth — the same normalised
//! error and threshold as the offline VPT (`state_vpt`), measured as the app runs. A student
//! sees that a chaotic system defeats even a good model (the clock stops after a few
//! seconds) while a regular one does not.

use super::vpt::normalised_error;
use crate::integrate::rk4_step;
use crate::physics::Hamiltonian;

/// Per-coordinate scales σᵢ for a clock: each coordinate's spread (standard deviation) along
/// the true motion from `x0` over `seconds` (RK4 at step `dt`), as the offline VPT takes the
/// spread over the true rollouts. A coordinate that hardly moves gets a floor of 1% of the
/// largest spread, so its small wobble cannot stop the clock alone.
pub fn motion_scales(h: &dyn Hamiltonian, x0: &[f64], seconds: f64, dt: f64) -> Vec<f64> {
    let mut x = x0.to_vec();
    let steps = (seconds / dt).ceil().max(1.0) as usize;
    let mut rows = Vec::with_capacity(steps + 1);
    rows.push(x.clone());
    let mut f = |x: &[f64], dx: &mut [f64]| h.field(x, dx);
    for _ in 0..steps {
        rk4_step(&mut f, &mut x, dt);
        rows.push(x.clone());
    }
    let sigma = crate::linalg::column_std(rows.iter().map(Vec::as_slice), x0.len());
    let top = sigma.iter().copied().fold(0.0, f64::max).max(1e-9);
    sigma.into_iter().map(|s| s.max(0.01 * top)).collect()
}

/// A clock started by a sync and stopped by a departure.
#[derive(Clone, Debug, PartialEq)]
pub struct DivergenceClock {
    /// Per-coordinate scales σᵢ of the error (e.g. each coordinate's spread over the data).
    sigma: Vec<f64>,
    threshold: f64,
    synced_at: Option<f64>,
    left_at: Option<f64>,
}

impl DivergenceClock {
    pub fn new(sigma: Vec<f64>, threshold: f64) -> Self {
        Self {
            sigma,
            threshold,
            synced_at: None,
            left_at: None,
        }
    }

    /// The per-coordinate scales σᵢ of the error.
    pub fn sigma(&self) -> &[f64] {
        &self.sigma
    }

    /// The normalised error at which a twin counts as gone.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// Twin and truth were put in the same state at time `t`: the clock starts from zero.
    pub fn sync(&mut self, t: f64) {
        self.synced_at = Some(t);
        self.left_at = None;
    }

    /// The states at time `t`; stops the clock the first time their normalised error passes
    /// the threshold (a non-finite error does too). Returns that error.
    pub fn observe(&mut self, t: f64, truth: &[f64], twin: &[f64]) -> f64 {
        let e = normalised_error(truth, twin, &self.sigma);
        if self.synced_at.is_some() && self.left_at.is_none() && !(e <= self.threshold) {
            self.left_at = Some(t);
        }
        e
    }

    /// Seconds the twin has stayed with the truth: up to `now` while it still does, up to its
    /// departure once it has left; `None` before the first sync.
    pub fn valid_for(&self, now: f64) -> Option<f64> {
        let start = self.synced_at?;
        Some(self.left_at.unwrap_or(now) - start)
    }

    /// Whether the twin has left the truth since the last sync.
    pub fn has_left(&self) -> bool {
        self.left_at.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A harmonic oscillator H = q² + p² from (1, 0) moves on the unit circle: over whole
    /// periods each coordinate's spread is 1/√2.
    #[test]
    fn motion_scales_of_a_circle() {
        let h = crate::physics::Spring { k: 1.0, m: 1.0 };
        // ω = 2 (H = q² + p²): period π; ten periods.
        let s = motion_scales(&h, &[1.0, 0.0], 10.0 * std::f64::consts::PI, 1e-3);
        for v in s {
            assert!((v - 0.5f64.sqrt()).abs() < 2e-3, "{v}");
        }
        // A coordinate that does not move gets the floor.
        let s = motion_scales(&h, &[0.0, 0.0], 1.0, 0.01);
        assert!(s.iter().all(|v| *v > 0.0));
    }

    /// σ = (1, 2), threshold 0.1: a twin 0.1 off in q has error √(0.01/2) ≈ 0.071 (still
    /// with the truth); 0.2 off, √(0.04/2) ≈ 0.141 (left).
    #[test]
    fn starts_at_a_sync_and_stops_at_the_first_departure() {
        let mut c = DivergenceClock::new(vec![1.0, 2.0], 0.1);
        assert_eq!(c.valid_for(5.0), None);
        // Before any sync a departure is not recorded.
        c.observe(0.5, &[0.0, 0.0], &[9.0, 0.0]);
        assert!(!c.has_left());
        c.sync(1.0);
        let e = c.observe(1.5, &[0.0, 0.0], &[0.1, 0.0]);
        assert!((e - (0.01f64 / 2.0).sqrt()).abs() < 1e-15);
        assert!(!c.has_left());
        assert_eq!(c.valid_for(2.0), Some(1.0));
        let e = c.observe(2.5, &[1.0, 1.0], &[1.2, 1.0]);
        assert!((e - (0.04f64 / 2.0).sqrt()).abs() < 1e-12);
        assert!(c.has_left());
        // Stopped: later times, even back on the truth, do not move it.
        c.observe(3.0, &[0.0, 0.0], &[0.0, 0.0]);
        assert_eq!(c.valid_for(10.0), Some(1.5));
        // A sync starts it again; a NaN state counts as departed.
        c.sync(4.0);
        assert_eq!(c.valid_for(4.25), Some(0.25));
        c.observe(4.5, &[0.0, 0.0], &[f64::NAN, 0.0]);
        assert_eq!(c.valid_for(9.0), Some(0.5));
    }
}
