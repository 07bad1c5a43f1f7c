//! Friction: the same energy, a field that loses it.
//!
//! DeepMind's Hamiltonian dynamics suite damps its systems by ṗ = −∂H/∂q − γ ∂H/∂p (for a
//! pendulum, a drag torque proportional to ω); the Dissipative HNN paper's damped spring damps
//! the position instead, q̇ = ∂H/∂p − γ_q ∂H/∂q (its q̇ = 2p − ρq with H = q² + p², ρ = 2γ_q).
//! Both are ẋ = J∇H − Γ∇H with Γ = diag(γ_q I, γ I) positive semi-definite, so the energy
//! falls at the rate dH/dt = −∇Hᵀ Γ ∇H = −(γ_q ‖∂H/∂q‖² + γ ‖∂H/∂p‖²), and the field is the
//! sum of a conservative (rotational) and a dissipative (irrotational) part, the split a D-HNN
//! learns.

use serde::{Deserialize, Serialize};

use super::Hamiltonian;

/// The friction coefficients of a scene (both 0: no friction, the ideal system).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Friction {
    /// γ: ṗ −= γ ∂H/∂p (the suite's rule; a drag on the momentum).
    #[serde(deserialize_with = "crate::ranges::friction")]
    pub gamma: f64,
    /// γ_q: q̇ −= γ_q ∂H/∂q (D-HNN's damped spring).
    #[serde(
        deserialize_with = "crate::ranges::friction",
        skip_serializing_if = "is_zero"
    )]
    pub gamma_q: f64,
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

impl Friction {
    /// The suite's rule with coefficient `gamma`.
    pub fn momentum(gamma: f64) -> Self {
        Self {
            gamma,
            gamma_q: 0.0,
        }
    }

    /// No friction at all (the scene then keeps its pre-friction canonical form and hash).
    pub fn is_none(&self) -> bool {
        self.gamma == 0.0 && self.gamma_q == 0.0
    }

    /// The same friction scaled by `factor` (a slider's new value over the trained one).
    pub fn scaled(&self, factor: f64) -> Self {
        Self {
            gamma: self.gamma * factor,
            gamma_q: self.gamma_q * factor,
        }
    }

    /// The coefficient a slider moves: γ, or γ_q where only that one is set.
    pub fn strength(&self) -> f64 {
        if self.gamma == 0.0 && self.gamma_q != 0.0 {
            self.gamma_q
        } else {
            self.gamma
        }
    }

    /// The same rule (on p, or on q where that is this friction's only one) at strength `s`.
    pub fn with_strength(&self, s: f64) -> Self {
        if self.gamma == 0.0 && self.gamma_q != 0.0 {
            Self {
                gamma: 0.0,
                gamma_q: s,
            }
        } else {
            Self {
                gamma: s,
                gamma_q: self.gamma_q,
            }
        }
    }

    /// How much stronger this friction is than `trained` (the factor a D-HNN's ∇D is scaled
    /// by to follow it); None when `trained` has none to scale.
    pub fn ratio_to(&self, trained: &Friction) -> Option<f64> {
        let t = trained.strength();
        (t > 0.0).then(|| self.strength() / t)
    }

    /// −Γ g for a gradient g = ∇H of 2n numbers, added into `dx`.
    pub fn add_drag(&self, g: &[f64], dx: &mut [f64]) {
        let n = g.len() / 2;
        for i in 0..n {
            dx[i] -= self.gamma_q * g[i];
            dx[n + i] -= self.gamma * g[n + i];
        }
    }

    /// dH/dt = −∇Hᵀ Γ ∇H for a gradient g = ∇H: the power friction takes (≤ 0).
    pub fn power(&self, g: &[f64]) -> f64 {
        let n = g.len() / 2;
        let (gq, gp) = g.split_at(n);
        -(self.gamma_q * gq.iter().map(|v| v * v).sum::<f64>()
            + self.gamma * gp.iter().map(|v| v * v).sum::<f64>())
    }
}

/// A system with friction: the energy and its gradient are the ideal system's, the field is
/// J∇H − Γ∇H.
pub struct Damped {
    pub inner: Box<dyn Hamiltonian>,
    pub friction: Friction,
}

impl Hamiltonian for Damped {
    fn dof(&self) -> usize {
        self.inner.dof()
    }
    fn energy(&self, x: &[f64]) -> f64 {
        self.inner.energy(x)
    }
    fn grad(&self, x: &[f64], g: &mut [f64]) {
        self.inner.grad(x, g)
    }
    fn field(&self, x: &[f64], dx: &mut [f64]) {
        let mut g = vec![0.0; x.len()];
        self.inner.grad(x, &mut g);
        super::symplectic(&g, dx);
        self.friction.add_drag(&g, dx);
    }
    fn parts(&self, x: &[f64]) -> (f64, f64) {
        self.inner.parts(x)
    }
    fn power(&self, x: &[f64]) -> f64 {
        let mut g = vec![0.0; x.len()];
        self.inner.grad(x, &mut g);
        self.friction.power(&g)
    }
}

/// `h` with `friction`, or `h` itself when there is none (so a frictionless scene runs the
/// very same code, bit for bit).
pub fn with_friction(h: Box<dyn Hamiltonian>, friction: Friction) -> Box<dyn Hamiltonian> {
    if friction.is_none() {
        h
    } else {
        Box::new(Damped { inner: h, friction })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integrate::{dopri5, Tolerance};
    use crate::physics::{DoublePendulum, Pendulum, Spring};

    /// The hand case: H = q² + p² with γ = 0.3 on p at (1, 2): ∂H/∂p = 4, so dH/dt = −0.3·16.
    #[test]
    fn power_is_minus_gamma_times_the_momentum_gradient_squared() {
        let d = Damped {
            inner: Box::new(Spring::default()),
            friction: Friction::momentum(0.3),
        };
        assert!((d.power(&[1.0, 2.0]) + 4.8).abs() < 1e-15);
        let mut f = [0.0; 2];
        d.field(&[1.0, 2.0], &mut f);
        // q̇ = 2p = 4, ṗ = −2q − 0.3·2p = −2 − 1.2.
        assert_eq!(f, [4.0, -3.2]);
        // D-HNN's spring: q̇ = 2p − ρq with ρ = 2 (γ_q = 1), ṗ = −2q.
        let dh = Damped {
            inner: Box::new(Spring::default()),
            friction: Friction {
                gamma: 0.0,
                gamma_q: 1.0,
            },
        };
        dh.field(&[0.5, 0.25], &mut f);
        assert_eq!(f, [2.0 * 0.25 - 2.0 * 0.5, -1.0]);
        assert!((dh.power(&[0.5, 0.25]) + 1.0).abs() < 1e-15);
    }

    /// The power equals ∇H · ẋ, and along an integrated trajectory H(T) − H(0) equals the
    /// integral of the power (trapezoid on a fine grid), for n = 1 and n = 2.
    #[test]
    fn energy_lost_along_a_trajectory_is_the_integrated_power() {
        let systems: Vec<(Box<dyn Hamiltonian>, Vec<f64>)> = vec![
            (Box::new(Pendulum::new(3.0, 1.0)), vec![1.5, 0.2]),
            (
                Box::new(DoublePendulum::point_masses(1.0, 1.0, 1.0, 1.0, 9.81)),
                vec![0.8, -0.4, 0.3, 0.1],
            ),
        ];
        for (h, x0) in systems {
            let d = Damped {
                inner: h,
                friction: Friction::momentum(0.05),
            };
            // ∇H · f = power at a point.
            let mut g = vec![0.0; x0.len()];
            let mut f = vec![0.0; x0.len()];
            d.grad(&x0, &mut g);
            d.field(&x0, &mut f);
            let dot: f64 = g.iter().zip(&f).map(|(a, b)| a * b).sum();
            assert!((dot - d.power(&x0)).abs() < 1e-12 * (1.0 + dot.abs()));
            let times = crate::integrate::linspace(0.0, 5.0, 5001);
            let mut field = |x: &[f64], dx: &mut [f64]| d.field(x, dx);
            let tol = Tolerance {
                rtol: 1e-11,
                atol: 1e-11,
            };
            let sol = dopri5(&mut field, &x0, &times, tol).unwrap();
            let p: Vec<f64> = sol.states.iter().map(|x| d.power(x)).collect();
            let dt = times[1] - times[0];
            let integral: f64 = p.windows(2).map(|w| 0.5 * (w[0] + w[1]) * dt).sum();
            let lost = d.energy(sol.states.last().unwrap()) - d.energy(&x0);
            assert!(lost < 0.0, "friction must take energy: {lost}");
            assert!(
                (lost - integral).abs() < 1e-5 * lost.abs(),
                "ΔH {lost} vs ∫ power {integral}"
            );
        }
    }

    #[test]
    fn strength_and_ratio() {
        let suite = Friction::momentum(0.05);
        assert_eq!(suite.with_strength(0.1), Friction::momentum(0.1));
        assert!((suite.with_strength(0.1).ratio_to(&suite).unwrap() - 2.0).abs() < 1e-15);
        let dhnn = Friction {
            gamma: 0.0,
            gamma_q: 1.0,
        };
        assert_eq!(dhnn.with_strength(0.5).gamma_q, 0.5);
        assert_eq!(dhnn.with_strength(0.5).ratio_to(&dhnn), Some(0.5));
        assert_eq!(suite.ratio_to(&Friction::default()), None);
    }

    #[test]
    fn no_friction_is_the_system_itself() {
        let h = with_friction(Box::new(Pendulum::ideal()), Friction::default());
        let mut f = [0.0; 2];
        h.field(&[0.3, -0.2], &mut f);
        let g = crate::physics::field_of(&Pendulum::ideal(), &[0.3, -0.2]);
        assert_eq!(f.to_vec(), g);
        assert_eq!(h.power(&[0.3, -0.2]), 0.0);
    }
}
