//! A Poincaré section of a trajectory with n degrees of freedom: each time coordinate qᵢ
//! crosses 0 going up (pᵢ > 0 there), the point (q_j, p_j) of another degree of freedom. For
//! a double pendulum, θ₁ = 0 with p₁ > 0, plotting (θ₂, p₂): a regular orbit draws a closed
//! curve, a chaotic one a scattered cloud — the picture that tells the two apart at a glance.
//!
//! The crossings are found between consecutive sampled states and placed by linear
//! interpolation, so the points are second-order accurate in the sampling step. Angles are
//! taken modulo 2π when `angles` is set (a pendulum that turns over crosses θ = 0 again).

use std::f64::consts::{PI, TAU};

/// Which crossing and which pair to plot, in a state of `dof` degrees of freedom laid out
/// (q₁…qₙ, p₁…pₙ).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Section {
    pub dof: usize,
    /// The degree of freedom whose q = 0 crossings (going up) define the section.
    pub through: usize,
    /// The degree of freedom whose (q, p) is plotted there.
    pub plot: usize,
    /// The q are angles: crossings and plotted q are taken modulo 2π, in (−π, π].
    pub angles: bool,
}

/// An angle in (−π, π].
fn wrap(x: f64) -> f64 {
    let w = (x + PI).rem_euclid(TAU) - PI;
    if w == -PI {
        PI
    } else {
        w
    }
}

impl Section {
    /// The section point between consecutive states `a` and `b`, if the trajectory crosses
    /// there: qᵢ goes from below 0 to 0 or above, with pᵢ > 0 at the crossing.
    pub fn crossing(&self, a: &[f64], b: &[f64]) -> Option<[f64; 2]> {
        let (i, n) = (self.through, self.dof);
        let (mut qa, mut qb) = (a[i], b[i]);
        if self.angles {
            qa = wrap(qa);
            // b's angle measured from a's, so a step across ±π is not a jump.
            qb = qa + wrap(b[i] - a[i]);
        }
        if !(qa < 0.0 && qb >= 0.0) {
            return None;
        }
        let s = -qa / (qb - qa);
        let lerp = |x: f64, y: f64| x + s * (y - x);
        if lerp(a[n + i], b[n + i]) <= 0.0 {
            return None;
        }
        let j = self.plot;
        let q = if self.angles {
            wrap(a[j] + s * wrap(b[j] - a[j]))
        } else {
            lerp(a[j], b[j])
        };
        Some([q, lerp(a[n + j], b[n + j])])
    }

    /// Every section point of a sampled trajectory, in order.
    pub fn points(&self, states: &[Vec<f64>]) -> Vec<[f64; 2]> {
        states
            .windows(2)
            .filter_map(|w| self.crossing(&w[0], &w[1]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two uncoupled oscillators, H = (q₁² + p₁²)/2 + (p₂² + ω²q₂²)/2, sampled exactly:
    /// q₁ = sin t, p₁ = cos t crosses 0 upwards at t = 2πk, where (q₂, p₂) =
    /// (A cos 2πωk, −Aω sin 2πωk). The interpolated points approach these at second order.
    #[test]
    fn uncoupled_oscillators_cross_where_the_formula_says_at_second_order() {
        let (a, w) = (0.7, 1.618_033_988_749_895);
        let state = |t: f64| vec![t.sin(), a * (w * t).cos(), t.cos(), -a * w * (w * t).sin()];
        let section = Section {
            dof: 2,
            through: 0,
            plot: 1,
            angles: false,
        };
        let worst = |dt: f64| {
            // Start just after t = 0 so the first crossing is at 2π.
            let states: Vec<Vec<f64>> = (0..)
                .map(|k| 0.3 + k as f64 * dt)
                .take_while(|t| *t < 5.0 * TAU)
                .map(state)
                .collect();
            let pts = section.points(&states);
            assert_eq!(pts.len(), 4, "crossings at 2π, 4π, 6π, 8π");
            pts.iter()
                .enumerate()
                .map(|(k, p)| {
                    let t = TAU * (k + 1) as f64;
                    let want = [a * (w * t).cos(), -a * w * (w * t).sin()];
                    (p[0] - want[0]).abs().max((p[1] - want[1]).abs())
                })
                .fold(0.0, f64::max)
        };
        let (e1, e2) = (worst(0.02), worst(0.01));
        assert!(e1 < 1e-3, "{e1}");
        let order = (e1 / e2).log2();
        assert!((order - 2.0).abs() < 0.3, "order {order} ({e1} → {e2})");
    }

    /// Going down through 0, or up with p ≤ 0, is no crossing; an angle stepping across ±π
    /// is not a crossing of 0, and one turning over crosses 0 again.
    #[test]
    fn direction_momentum_and_angle_wrapping() {
        let s = Section {
            dof: 2,
            through: 0,
            plot: 1,
            angles: true,
        };
        // Up through 0 with p₁ > 0: crossing halfway, θ₂ and p₂ interpolated.
        let p = s
            .crossing(&[-0.1, 0.2, 1.0, 3.0], &[0.1, 0.4, 1.0, 5.0])
            .unwrap();
        assert!(
            (p[0] - 0.3).abs() < 1e-15 && (p[1] - 4.0).abs() < 1e-15,
            "{p:?}"
        );
        assert_eq!(
            s.crossing(&[0.1, 0.0, -1.0, 0.0], &[-0.1, 0.0, -1.0, 0.0]),
            None
        );
        assert_eq!(
            s.crossing(&[-0.1, 0.0, -1.0, 0.0], &[0.1, 0.0, -1.0, 0.0]),
            None
        );
        // From just below π to just past it (the far side of the circle, where the angle
        // wraps to −π): no crossing of 0.
        assert_eq!(
            s.crossing(&[3.1, 0.0, 1.0, 0.0], &[3.3, 0.0, 1.0, 0.0]),
            None
        );
        // One full turn later, θ₁ = 2π − 0.1 → 2π + 0.1 crosses 0 (mod 2π); θ₂ near π wraps
        // into (−π, π].
        let p = s
            .crossing(
                &[TAU - 0.1, PI - 0.05, 1.0, 0.0],
                &[TAU + 0.1, PI + 0.15, 1.0, 0.0],
            )
            .unwrap();
        assert!((p[0] - (-PI + 0.05)).abs() < 1e-12, "{p:?}");
    }
}
