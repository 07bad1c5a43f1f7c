//! Hamiltonian systems with known energy: the ground truth the networks are measured against.

mod pendulum;
pub mod rapier_pendulum;
mod spring;

pub use pendulum::Pendulum;
pub use rapier_pendulum::{JointKind, RapierPendulum, RapierSpec};
pub use spring::Spring;

/// A one-degree-of-freedom Hamiltonian system, state x = (q, p).
///
/// The vector field is derived from the gradient (dq/dt = ∂H/∂p, dp/dt = −∂H/∂q), so a system
/// only states its energy and gradient and cannot get the symplectic structure wrong.
pub trait Hamiltonian: Send + Sync {
    /// H(q, p).
    fn energy(&self, x: [f64; 2]) -> f64;
    /// (∂H/∂q, ∂H/∂p).
    fn grad(&self, x: [f64; 2]) -> [f64; 2];
    /// The true time derivative J∇H.
    fn field(&self, x: [f64; 2]) -> [f64; 2] {
        let [dq, dp] = self.grad(x);
        [dp, -dq]
    }
    /// (kinetic, potential) for a separable H = T(p) + V(q), each zero at the origin: what
    /// an energy bar shows.
    fn parts(&self, x: [f64; 2]) -> (f64, f64) {
        let h0 = self.energy([0.0, 0.0]);
        (self.energy([0.0, x[1]]) - h0, self.energy([x[0], 0.0]) - h0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_grad(h: &dyn Hamiltonian, x: [f64; 2]) {
        let eps = 1e-6;
        let g = h.grad(x);
        for i in 0..2 {
            let mut a = x;
            let mut b = x;
            a[i] += eps;
            b[i] -= eps;
            let fd = (h.energy(a) - h.energy(b)) / (2.0 * eps);
            assert!(
                (fd - g[i]).abs() < 1e-7,
                "component {i}: fd {fd} vs {}",
                g[i]
            );
        }
    }

    #[test]
    fn gradients_match_finite_differences() {
        for x in [[0.3, -0.7], [2.0, 1.5], [-1.2, 0.1]] {
            check_grad(&Spring::default(), x);
            check_grad(&Pendulum::ideal(), x);
            check_grad(&Pendulum::new(2.4, 1.0), x);
        }
    }

    #[test]
    fn field_is_symplectic_rotation_of_gradient() {
        let p = Pendulum::ideal();
        let x = [0.5, 0.25];
        // dq/dt = 2p, dp/dt = -3 sin q for H = 3(1 - cos q) + p^2.
        let f = p.field(x);
        assert!((f[0] - 0.5).abs() < 1e-15);
        assert!((f[1] + 3.0 * 0.5f64.sin()).abs() < 1e-15);
    }
}
