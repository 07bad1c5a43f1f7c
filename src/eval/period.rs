//! A period timer, as PhET's photogate: the time between successive crossings of the rest
//! position in the same direction (q rising through 0), each crossing placed by linear
//! interpolation between readings.

/// Measures the period of an oscillation of one coordinate from readings (t, q).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PeriodTimer {
    last: Option<(f64, f64)>,
    /// The time of the last upward crossing.
    crossing: Option<f64>,
    /// The latest full period measured.
    period: Option<f64>,
}

impl PeriodTimer {
    /// A reading of the coordinate `q` at time `t` (later than the last one, else ignored).
    pub fn observe(&mut self, t: f64, q: f64) {
        if !(t.is_finite() && q.is_finite()) {
            return;
        }
        if let Some((t0, q0)) = self.last {
            if t <= t0 {
                return;
            }
            if q0 < 0.0 && q >= 0.0 {
                let at = t0 + (t - t0) * (-q0) / (q - q0);
                if let Some(c) = self.crossing {
                    self.period = Some(at - c);
                }
                self.crossing = Some(at);
            }
        }
        self.last = Some((t, q));
    }

    /// The motion was interrupted (a kick, a drag, a sync): the next crossing starts a new
    /// measurement; the last period stays shown until then.
    pub fn jump(&mut self) {
        self.last = None;
        self.crossing = None;
    }

    /// Everything forgotten (a reset).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// The latest period measured (s), if a full one was.
    pub fn period(&self) -> Option<f64> {
        self.period
    }
}

/// The exact period of a pendulum q̈ = −ω₀² sin q of amplitude `theta0` (rad):
/// T = 4 K(sin(θ₀/2)) / ω₀, with the complete elliptic integral K by the arithmetic–geometric
/// mean.
pub fn pendulum_period(omega0: f64, theta0: f64) -> f64 {
    let k = (theta0 / 2.0).sin();
    let (mut a, mut b) = (1.0f64, (1.0 - k * k).sqrt());
    for _ in 0..40 {
        let (an, bn) = ((a + b) / 2.0, (a * b).sqrt());
        a = an;
        b = bn;
        if (a - b).abs() < 1e-16 {
            break;
        }
    }
    let big_k = std::f64::consts::PI / (2.0 * a);
    4.0 * big_k / omega0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integrate::rk4_step;
    use crate::physics::{Hamiltonian, Pendulum};

    /// The timer on a pendulum H = k(1 − cos q) + m p² (ω₀² = 2mk) integrated by RK4 at
    /// 1/60 s, read once per step as the app does: small amplitude against 2π/ω₀, and large
    /// against the elliptic integral (where the small-angle formula is 18% off).
    #[test]
    fn measures_a_pendulums_period_small_and_large() {
        let (k, m) = (3.0f64, 1.0f64);
        let omega0 = (2.0 * m * k).sqrt();
        let h = Pendulum::new(k, m);
        for theta0 in [0.05, 2.5] {
            let mut x = vec![theta0, 0.0];
            let mut timer = PeriodTimer::default();
            let dt = 1.0 / 60.0;
            let mut t = 0.0;
            timer.observe(t, x[0]);
            for _ in 0..(20.0 / dt) as usize {
                let mut f = |x: &[f64], dx: &mut [f64]| h.field(x, dx);
                rk4_step(&mut f, &mut x, dt);
                t += dt;
                timer.observe(t, x[0]);
            }
            let want = pendulum_period(omega0, theta0);
            let got = timer.period().unwrap();
            assert!(
                (got - want).abs() < 2e-3 * want,
                "θ0 = {theta0}: {got} vs {want}"
            );
        }
        // The elliptic integral itself: K(0) = π/2, and K by the AGM against a midpoint
        // quadrature of ∫₀^{π/2} dφ / √(1 − k² sin² φ) (T/T₀ ≈ 1.643 at 2.5 rad).
        assert!((pendulum_period(1.0, 0.0) - std::f64::consts::TAU).abs() < 1e-12);
        let k2 = (1.25f64).sin().powi(2);
        let n = 100_000;
        let quad: f64 = (0..n)
            .map(|i| {
                let phi = std::f64::consts::FRAC_PI_2 * (i as f64 + 0.5) / n as f64;
                1.0 / (1.0 - k2 * phi.sin().powi(2)).sqrt()
            })
            .sum::<f64>()
            * std::f64::consts::FRAC_PI_2
            / n as f64;
        assert!((pendulum_period(1.0, 2.5) - 4.0 * quad).abs() < 1e-9);
    }

    #[test]
    fn interpolates_crossings_and_restarts_after_a_jump() {
        let mut t = PeriodTimer::default();
        // q = sin(2π t / 3): period 3, sampled every 0.1.
        for i in 0..100 {
            let s = i as f64 * 0.1;
            t.observe(s, (std::f64::consts::TAU * s / 3.0).sin() - 1e-9);
        }
        assert!((t.period().unwrap() - 3.0).abs() < 1e-6);
        t.jump();
        assert_eq!(t.period(), Some(t.period().unwrap()));
        t.clear();
        assert_eq!(t.period(), None);
    }
}
