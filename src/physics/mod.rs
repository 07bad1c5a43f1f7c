//! Hamiltonian systems with known energy: the ground truth the networks are measured against.
//!
//! A state of a system with n degrees of freedom is 2n numbers, positions first:
//! x = (q₁…qₙ, p₁…pₙ). Every formula here and above is written for that layout and any n; the
//! spring and the pendulum are the case n = 1.

mod double_pendulum;
mod friction;
mod gravity;
mod pendulum;
pub mod rapier_double;
pub mod rapier_pendulum;
mod spring;

pub use double_pendulum::DoublePendulum;
pub use friction::{with_friction, Damped, Friction};
pub use gravity::Gravity;
pub use pendulum::Pendulum;
pub use rapier_double::{RapierDoublePendulum, RapierDoubleSpec};
pub use rapier_pendulum::{JointKind, RapierPendulum, RapierSpec};
pub use spring::Spring;

/// A Hamiltonian system with known energy.
///
/// The vector field is derived from the gradient (dq/dt = ∂H/∂p, dp/dt = −∂H/∂q), so a system
/// only states its energy and gradient and cannot get the symplectic structure wrong.
pub trait Hamiltonian: Send + Sync {
    /// Degrees of freedom n: states have 2n numbers.
    fn dof(&self) -> usize;
    /// H(q, p).
    fn energy(&self, x: &[f64]) -> f64;
    /// ∇H = (∂H/∂q, ∂H/∂p), written into `g` (2n numbers).
    fn grad(&self, x: &[f64], g: &mut [f64]);
    /// The true time derivative J∇H, written into `dx`.
    fn field(&self, x: &[f64], dx: &mut [f64]) {
        let mut g = vec![0.0; x.len()];
        self.grad(x, &mut g);
        symplectic(&g, dx);
    }
    /// (kinetic, potential), each zero at rest at the origin: what an energy bar shows. The
    /// default is right for a separable H = T(p) + V(q) with finite H at the origin; systems
    /// that are not (a double pendulum, gravity) override it.
    fn parts(&self, x: &[f64]) -> (f64, f64) {
        let n = self.dof();
        let zero = vec![0.0; 2 * n];
        let h0 = self.energy(&zero);
        let (mut p_only, mut q_only) = (zero.clone(), zero);
        p_only[n..].copy_from_slice(&x[n..2 * n]);
        q_only[..n].copy_from_slice(&x[..n]);
        (self.energy(&p_only) - h0, self.energy(&q_only) - h0)
    }
    /// dH/dt along the true field: 0 for a Hamiltonian system, negative under friction.
    fn power(&self, _x: &[f64]) -> f64 {
        0.0
    }
}

/// J g with J = [[0, I], [−I, 0]]: (g_p, −g_q), for any n (`g.len()` = 2n).
pub fn symplectic(g: &[f64], out: &mut [f64]) {
    let n = g.len() / 2;
    for i in 0..n {
        out[i] = g[n + i];
        out[n + i] = -g[i];
    }
}

/// Relative energy change (H(T) − H(0)) / H(0) and the largest relative excursion over `steps`
/// calls of `step`: how well a simulator keeps the energy it starts with.
pub fn energy_drift_of<S>(
    sim: &mut S,
    steps: usize,
    step: impl Fn(&mut S),
    energy: impl Fn(&S) -> f64,
) -> (f64, f64) {
    let h0 = energy(sim);
    let mut worst: f64 = 0.0;
    for _ in 0..steps {
        step(sim);
        worst = worst.max(((energy(sim) - h0) / h0).abs());
    }
    ((energy(sim) - h0) / h0, worst)
}

/// The true field as a closure over one state, for integrators and tests.
pub fn field_of(h: &dyn Hamiltonian, x: &[f64]) -> Vec<f64> {
    let mut dx = vec![0.0; x.len()];
    h.field(x, &mut dx);
    dx
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// ∇H against central differences at `x`.
    pub(crate) fn check_grad(h: &dyn Hamiltonian, x: &[f64], tol: f64) {
        let eps = 1e-6;
        let mut g = vec![0.0; x.len()];
        h.grad(x, &mut g);
        for i in 0..x.len() {
            let (mut a, mut b) = (x.to_vec(), x.to_vec());
            a[i] += eps;
            b[i] -= eps;
            let fd = (h.energy(&a) - h.energy(&b)) / (2.0 * eps);
            assert!(
                (fd - g[i]).abs() < tol * (1.0 + fd.abs()),
                "component {i} at {x:?}: fd {fd} vs {}",
                g[i]
            );
        }
    }

    #[test]
    fn gradients_match_finite_differences() {
        for x in [[0.3, -0.7], [2.0, 1.5], [-1.2, 0.1]] {
            check_grad(&Spring::default(), &x, 1e-7);
            check_grad(&Pendulum::ideal(), &x, 1e-7);
            check_grad(&Pendulum::new(2.4, 1.0), &x, 1e-7);
        }
    }

    #[test]
    fn field_is_symplectic_rotation_of_gradient() {
        let p = Pendulum::ideal();
        // dq/dt = 2p, dp/dt = -3 sin q for H = 3(1 - cos q) + p^2.
        let f = field_of(&p, &[0.5, 0.25]);
        assert!((f[0] - 0.5).abs() < 1e-15);
        assert!((f[1] + 3.0 * 0.5f64.sin()).abs() < 1e-15);
        // n = 2: (g_q1, g_q2, g_p1, g_p2) → (g_p1, g_p2, −g_q1, −g_q2).
        let mut out = [0.0; 4];
        symplectic(&[1.0, 2.0, 3.0, 4.0], &mut out);
        assert_eq!(out, [3.0, 4.0, -1.0, -2.0]);
    }
}
