//! Friction: the same energy, a field that loses it.
//!
//! DeepMind's Hamiltonian dynamics suite damps its systems by ṗ = −∂H/∂q − γ ∂H/∂p (for a
//! pendulum, a drag torque proportional to ω); the Dissipative HNN paper's damped spring damps
//! the position instead, q̇ = ∂H/∂p − γ_q ∂H/∂q (its q̇ = 2p − ρq with H = q² + p², ρ = 2γ_q).
//! Both are ẋ = J∇H − Γ∇H with Γ = diag(γ_q I, γ I) positive semi-definite, so the energy
//! falls at the rate dH/dt = −∇Hᵀ Γ ∇H = −(γ_q ‖∂H/∂q‖² + γ ‖∂H/∂p‖²), and the field is the
//! sum of a conservative (rotational) and a dissipative (irrotational) part, the split a D-HNN
//! learns.
//!
//! A chain of jointed rods (rapier's multibody double pendulum) has its friction in the joints
//! instead: each joint drags on its own relative rate, φ̇₁ = ω₁, φ̇ₖ = ωₖ − ωₖ₋₁. With the
//! dissipation function R = ½ γ_j Σ φ̇ₖ² the momenta feel −∂R/∂ω = −γ_j DᵀD ω (D the
//! difference matrix, ω = ∂H/∂p), so Γ's momentum block is γ_j DᵀD, still positive definite.

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
    /// γ_j: a drag on each joint's relative rate of a chain of rods (ṗ −= γ_j DᵀD ∂H/∂p);
    /// with one degree of freedom the same as γ.
    #[serde(
        deserialize_with = "crate::ranges::friction",
        skip_serializing_if = "is_zero"
    )]
    pub joints: f64,
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

impl Friction {
    /// The suite's rule with coefficient `gamma`.
    pub fn momentum(gamma: f64) -> Self {
        Self {
            gamma,
            ..Self::default()
        }
    }

    /// D-HNN's rule on q with coefficient `gamma_q`.
    pub fn position(gamma_q: f64) -> Self {
        Self {
            gamma_q,
            ..Self::default()
        }
    }

    /// Joint friction `joints` on a chain of rods.
    pub fn joints(joints: f64) -> Self {
        Self {
            joints,
            ..Self::default()
        }
    }

    /// No friction at all (the scene then keeps its pre-friction canonical form and hash).
    pub fn is_none(&self) -> bool {
        self.gamma == 0.0 && self.gamma_q == 0.0 && self.joints == 0.0
    }

    /// The same friction scaled by `factor` (a slider's new value over the trained one).
    pub fn scaled(&self, factor: f64) -> Self {
        Self {
            gamma: self.gamma * factor,
            gamma_q: self.gamma_q * factor,
            joints: self.joints * factor,
        }
    }

    /// The coefficient a slider moves: γ, or where γ is not set the one that is (γ_q, γ_j).
    pub fn strength(&self) -> f64 {
        if self.gamma != 0.0 {
            self.gamma
        } else if self.gamma_q != 0.0 {
            self.gamma_q
        } else if self.joints != 0.0 {
            self.joints
        } else {
            0.0
        }
    }

    /// The same rule (the coefficient `strength` reads) at strength `s`; γ where none is set.
    pub fn with_strength(&self, s: f64) -> Self {
        let mut out = *self;
        if self.gamma == 0.0 && self.gamma_q != 0.0 {
            out.gamma_q = s;
        } else if self.gamma == 0.0 && self.joints != 0.0 {
            out.joints = s;
        } else {
            out.gamma = s;
        }
        out
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
        if self.joints != 0.0 {
            // Joint k's relative rate r_k = ω_k − ω_{k−1}; rod i feels −γ_j (r_i − r_{i+1}).
            let gp = &g[n..];
            let rate = |k: usize| gp[k] - if k > 0 { gp[k - 1] } else { 0.0 };
            for i in 0..n {
                let next = if i + 1 < n { rate(i + 1) } else { 0.0 };
                dx[n + i] -= self.joints * (rate(i) - next);
            }
        }
    }

    /// dH/dt = −∇Hᵀ Γ ∇H for a gradient g = ∇H: the power friction takes (≤ 0).
    pub fn power(&self, g: &[f64]) -> f64 {
        let n = g.len() / 2;
        let (gq, gp) = g.split_at(n);
        let joints: f64 = (0..n)
            .map(|k| (gp[k] - if k > 0 { gp[k - 1] } else { 0.0 }).powi(2))
            .sum();
        -(self.gamma_q * gq.iter().map(|v| v * v).sum::<f64>()
            + self.gamma * gp.iter().map(|v| v * v).sum::<f64>()
            + self.joints * joints)
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
            friction: Friction::position(1.0),
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
        let dhnn = Friction::position(1.0);
        assert_eq!(dhnn.with_strength(0.5).gamma_q, 0.5);
        assert_eq!(dhnn.with_strength(0.5).ratio_to(&dhnn), Some(0.5));
        assert_eq!(suite.ratio_to(&Friction::default()), None);
        let chain = Friction::joints(0.05);
        assert_eq!(chain.with_strength(0.2), Friction::joints(0.2));
        assert_eq!(chain.strength(), 0.05);
    }

    /// Joint friction by hand: rates ω = (1, 3) give joint rates (1, 2); rod 1 feels
    /// −γ_j(1 − 2) = +γ_j, rod 2 −2γ_j; the power is −γ_j(1 + 4). With one rod it is γ's rule.
    #[test]
    fn joint_friction_drags_on_relative_rates() {
        let f = Friction::joints(0.5);
        let g = [0.0, 0.0, 1.0, 3.0];
        let mut dx = [0.0; 4];
        f.add_drag(&g, &mut dx);
        assert_eq!(dx, [0.0, 0.0, 0.5, -1.0]);
        assert_eq!(f.power(&g), -2.5);
        // ∇Hᵀ(−Γ∇H) is the power.
        let dot: f64 = g.iter().zip(&dx).map(|(a, b)| a * b).sum();
        assert_eq!(dot, f.power(&g));
        let (mut a, mut b) = ([0.0; 2], [0.0; 2]);
        Friction::joints(0.3).add_drag(&[0.7, -1.1], &mut a);
        Friction::momentum(0.3).add_drag(&[0.7, -1.1], &mut b);
        assert_eq!(a, b);
        assert_eq!(
            Friction::joints(0.3).power(&[0.7, -1.1]),
            Friction::momentum(0.3).power(&[0.7, -1.1])
        );
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
