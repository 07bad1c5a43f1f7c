//! Bodies in a plane under Newtonian gravity: the paper's two-body task and the reference
//! code's three-body experiment.
//!
//! State layout as the reference code's: q = (x₁…x_N, y₁…y_N), p = (pˣ₁…pˣ_N, pʸ₁…pʸ_N), so
//! n = 2N degrees of freedom.

/// H = Σ |pᵢ|²/2mᵢ − Σᵢ<ⱼ G mᵢmⱼ/rᵢⱼ.
#[derive(Clone, Debug, PartialEq)]
pub struct Gravity {
    pub masses: Vec<f64>,
    pub g: f64,
}

impl Gravity {
    pub fn bodies(&self) -> usize {
        self.masses.len()
    }
    /// Position and momentum of body i.
    pub fn body(&self, x: &[f64], i: usize) -> ([f64; 2], [f64; 2]) {
        let nb = self.bodies();
        ([x[i], x[nb + i]], [x[2 * nb + i], x[3 * nb + i]])
    }
    /// The total momentum (conserved).
    pub fn momentum(&self, x: &[f64]) -> [f64; 2] {
        let nb = self.bodies();
        let sum = |a: usize| x[a..a + nb].iter().sum();
        [sum(2 * nb), sum(3 * nb)]
    }
}

impl super::Hamiltonian for Gravity {
    fn dof(&self) -> usize {
        2 * self.bodies()
    }
    fn energy(&self, x: &[f64]) -> f64 {
        let (k, u) = self.parts(x);
        k + u
    }
    fn grad(&self, x: &[f64], g: &mut [f64]) {
        let nb = self.bodies();
        g.fill(0.0);
        for i in 0..nb {
            for j in i + 1..nb {
                let (dx, dy) = (x[i] - x[j], x[nb + i] - x[nb + j]);
                let r2 = dx * dx + dy * dy;
                let s = self.g * self.masses[i] * self.masses[j] / (r2 * r2.sqrt());
                g[i] += s * dx;
                g[j] -= s * dx;
                g[nb + i] += s * dy;
                g[nb + j] -= s * dy;
            }
            g[2 * nb + i] = x[2 * nb + i] / self.masses[i];
            g[3 * nb + i] = x[3 * nb + i] / self.masses[i];
        }
    }
    /// (kinetic, potential); the potential is negative, zero with the bodies infinitely apart.
    fn parts(&self, x: &[f64]) -> (f64, f64) {
        let nb = self.bodies();
        let mut t = 0.0;
        let mut u = 0.0;
        for i in 0..nb {
            let (qi, pi) = self.body(x, i);
            t += (pi[0] * pi[0] + pi[1] * pi[1]) / (2.0 * self.masses[i]);
            for j in i + 1..nb {
                let (qj, _) = self.body(x, j);
                let r = (qi[0] - qj[0]).hypot(qi[1] - qj[1]);
                u -= self.g * self.masses[i] * self.masses[j] / r;
            }
        }
        (t, u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::physics::tests::check_grad;
    use crate::physics::{field_of, Hamiltonian};

    #[test]
    fn gradient_matches_finite_differences() {
        let two = Gravity {
            masses: vec![1.0, 1.0],
            g: 1.0,
        };
        check_grad(&two, &[0.8, -0.8, 1.1, -1.1, -0.2, 0.2, 0.3, -0.3], 1e-7);
        let three = Gravity {
            masses: vec![1.0, 2.0, 0.5],
            g: 1.3,
        };
        check_grad(
            &three,
            &[
                1.0, -0.5, 0.2, 0.1, 0.9, -1.2, 0.3, -0.1, 0.4, 0.2, 0.0, -0.6,
            ],
            1e-7,
        );
    }

    /// Two unit masses 2r apart: the potential −1/(2r) and the pull 1/(2r)² on each.
    #[test]
    fn hand_computed_two_body_values() {
        let h = Gravity {
            masses: vec![1.0, 1.0],
            g: 1.0,
        };
        let x = [1.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.5, -0.5];
        let (t, u) = h.parts(&x);
        assert!(
            (t - 0.25).abs() < 1e-15 && (u + 0.5).abs() < 1e-15,
            "{t} {u}"
        );
        let f = field_of(&h, &x);
        // dpx₁/dt = −1/4 (towards body 2), dpx₂/dt = +1/4; dy/dt = p/m.
        assert!(
            (f[4] + 0.25).abs() < 1e-15 && (f[5] - 0.25).abs() < 1e-15,
            "{f:?}"
        );
        assert_eq!((f[2], f[3]), (0.5, -0.5));
        assert_eq!(h.momentum(&x), [0.0, 0.0]);
    }
}
