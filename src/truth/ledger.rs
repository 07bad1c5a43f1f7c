//! Where the energy went: a running account of what a system's energy lost during its own
//! motion (friction's "thermal energy", as PhET's pendulum lab shows it), with the jumps a
//! user makes (kicks, drags, resets, new weights) kept out of it.

/// The energy lost along a motion: the sum of the drops between successive readings, where a
/// reading after a jump starts a new stretch instead of counting the jump. The sum telescopes,
/// so noise in the readings does not pile up: over a stretch it is the first reading minus
/// the last.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EnergyLedger {
    /// Energy lost in stretches that ended (at a jump).
    closed: f64,
    /// The first and the latest reading of the current stretch.
    stretch: Option<(f64, f64)>,
}

impl EnergyLedger {
    /// A reading of the energy now, continuing the motion of the last one.
    pub fn observe(&mut self, energy: f64) {
        if !energy.is_finite() {
            return;
        }
        self.stretch = Some(match self.stretch {
            Some((first, _)) => (first, energy),
            None => (energy, energy),
        });
    }

    /// The energy changed by other means than the motion (a kick, a drag, new weights): the
    /// change is not the motion's, so the next reading starts a new stretch.
    pub fn jump(&mut self) {
        if let Some((first, last)) = self.stretch.take() {
            self.closed += first - last;
        }
    }

    /// Back to nothing lost (a reset, or the panel's "clear").
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// The energy lost so far (negative if the motion gained energy).
    pub fn lost(&self) -> f64 {
        self.closed + self.stretch.map_or(0.0, |(first, last)| first - last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-computed: 10 → 9 → 8.5 (lost 1.5), a kick to 12 (not counted), 12 → 11 (lost 1
    /// more): 2.5 in all; a reading noisy by ±0.1 around a steady 5 loses nothing overall.
    #[test]
    fn counts_the_motion_not_the_jumps() {
        let mut l = EnergyLedger::default();
        for e in [10.0, 9.0, 8.5] {
            l.observe(e);
        }
        assert_eq!(l.lost(), 1.5);
        l.jump();
        for e in [12.0, 11.5, 11.0] {
            l.observe(e);
        }
        assert_eq!(l.lost(), 2.5);
        l.clear();
        for (i, e) in [5.0, 5.1, 4.9, 5.05, 5.0].iter().enumerate() {
            l.observe(*e);
            assert!(l.lost().abs() <= 0.1 + 1e-12, "{i}: {}", l.lost());
        }
        assert_eq!(l.lost(), 0.0);
        l.observe(f64::NAN);
        assert_eq!(l.lost(), 0.0);
    }

    /// A damped ODE's ledger equals the integrated friction power (the rod's truth is checked
    /// the same way in `rapier_pendulum`).
    #[test]
    fn follows_the_damped_pendulums_energy_loss() {
        use crate::integrate::rk4_step;
        use crate::physics::{with_friction, Friction, Pendulum};
        let h = with_friction(Box::new(Pendulum::new(3.0, 1.0)), Friction::momentum(0.1));
        let mut x = vec![2.0, 0.0];
        let dt = 1e-3;
        let (mut l, mut integral) = (EnergyLedger::default(), 0.0);
        l.observe(h.energy(&x));
        for _ in 0..5000 {
            let p0 = h.power(&x);
            let mut f = |x: &[f64], dx: &mut [f64]| h.field(x, dx);
            rk4_step(&mut f, &mut x, dt);
            integral -= 0.5 * (p0 + h.power(&x)) * dt;
            l.observe(h.energy(&x));
        }
        assert!(l.lost() > 0.5, "{}", l.lost());
        assert!((l.lost() - integral).abs() < 1e-5 * l.lost());
    }
}
