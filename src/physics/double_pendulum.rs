//! The double pendulum in canonical coordinates (θ₁, θ₂, p₁, p₂), angles from hanging.
//!
//! Angular velocities are not canonical momenta here: p = M(θ)·ω with a configuration-dependent
//! mass matrix. Both the ideal pendulum (point masses on massless rods) and rapier's (two
//! uniform rods) have the same form,
//!
//!   M = [[a, b·cos(θ₁ − θ₂)], [b·cos(θ₁ − θ₂), d]],  V = k₁(1 − cos θ₁) + k₂(1 − cos θ₂),
//!
//! and differ only in the constants, so one type serves both.

/// H = ½ pᵀM(θ)⁻¹p + k₁(1 − cos θ₁) + k₂(1 − cos θ₂).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DoublePendulum {
    pub a: f64,
    pub b: f64,
    pub d: f64,
    pub k1: f64,
    pub k2: f64,
}

impl DoublePendulum {
    /// Point masses m₁, m₂ on massless rods l₁, l₂ under gravity g:
    /// a = (m₁+m₂)l₁², b = m₂l₁l₂, d = m₂l₂², k₁ = (m₁+m₂)g l₁, k₂ = m₂ g l₂.
    pub fn point_masses(m1: f64, m2: f64, l1: f64, l2: f64, g: f64) -> Self {
        Self {
            a: (m1 + m2) * l1 * l1,
            b: m2 * l1 * l2,
            d: m2 * l2 * l2,
            k1: (m1 + m2) * g * l1,
            k2: m2 * g * l2,
        }
    }

    /// Two uniform rods (masses m₁, m₂, lengths l₁, l₂), the first pivoted at a fixed point,
    /// the second at the first's end. Kinetic energy ½(m₁l₁²/3)ω₁² + ½m₂|v_c₂|² + ½(m₂l₂²/12)ω₂²
    /// with v_c₂ the second rod's centre: a = (m₁/3 + m₂)l₁², b = m₂l₁l₂/2, d = m₂l₂²/3;
    /// k₁ = (m₁/2 + m₂)g l₁, k₂ = m₂ g l₂/2.
    pub fn rods(m1: f64, m2: f64, l1: f64, l2: f64, g: f64) -> Self {
        Self {
            a: (m1 / 3.0 + m2) * l1 * l1,
            b: m2 * l1 * l2 / 2.0,
            d: m2 * l2 * l2 / 3.0,
            k1: (m1 / 2.0 + m2) * g * l1,
            k2: m2 * g * l2 / 2.0,
        }
    }

    /// Canonical momenta p = M(θ)ω.
    pub fn momenta(&self, th: [f64; 2], om: [f64; 2]) -> [f64; 2] {
        let bc = self.b * (th[0] - th[1]).cos();
        [self.a * om[0] + bc * om[1], bc * om[0] + self.d * om[1]]
    }

    /// Angular velocities ω = M(θ)⁻¹p.
    pub fn velocities(&self, th: [f64; 2], p: [f64; 2]) -> [f64; 2] {
        let bc = self.b * (th[0] - th[1]).cos();
        let det = self.a * self.d - bc * bc;
        [
            (self.d * p[0] - bc * p[1]) / det,
            (self.a * p[1] - bc * p[0]) / det,
        ]
    }
}

impl super::Hamiltonian for DoublePendulum {
    fn dof(&self) -> usize {
        2
    }
    fn energy(&self, x: &[f64]) -> f64 {
        let (k, u) = self.parts(x);
        k + u
    }
    /// ∂H/∂p = ω = M⁻¹p; ∂T/∂θ = −½ωᵀ(∂M/∂θ)ω, and only M's off-diagonal depends on θ:
    /// ∂T/∂θ₁ = b·sin(θ₁ − θ₂)·ω₁ω₂ = −∂T/∂θ₂.
    fn grad(&self, x: &[f64], g: &mut [f64]) {
        let om = self.velocities([x[0], x[1]], [x[2], x[3]]);
        let t = self.b * (x[0] - x[1]).sin() * om[0] * om[1];
        g[0] = t + self.k1 * x[0].sin();
        g[1] = -t + self.k2 * x[1].sin();
        g[2] = om[0];
        g[3] = om[1];
    }
    fn parts(&self, x: &[f64]) -> (f64, f64) {
        let om = self.velocities([x[0], x[1]], [x[2], x[3]]);
        (
            0.5 * (x[2] * om[0] + x[3] * om[1]),
            self.k1 * (1.0 - x[0].cos()) + self.k2 * (1.0 - x[1].cos()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::physics::tests::check_grad;
    use crate::physics::Hamiltonian;

    #[test]
    fn gradient_matches_finite_differences() {
        for h in [
            DoublePendulum::point_masses(1.0, 1.0, 1.0, 1.0, 9.81),
            DoublePendulum::rods(1.0, 0.5, 1.0, 0.7, 9.81),
        ] {
            for x in [
                [0.3, -0.7, 0.4, 1.1],
                [2.0, 1.5, -2.0, 0.3],
                [-1.2, 0.1, 0.0, 0.0],
            ] {
                check_grad(&h, &x, 1e-7);
            }
        }
    }

    /// T written with the mass matrix equals T written from the bobs' velocities, for point
    /// masses: ½m₁|v₁|² + ½m₂|v₂|².
    #[test]
    fn kinetic_energy_of_point_masses_from_positions() {
        let (m1, m2, l1, l2) = (1.3, 0.7, 0.9, 1.4);
        let h = DoublePendulum::point_masses(m1, m2, l1, l2, 9.81);
        let (th, om): ([f64; 2], [f64; 2]) = ([0.4, -1.1], [1.7, -0.6]);
        let v1 = [l1 * om[0] * th[0].cos(), l1 * om[0] * th[0].sin()];
        let v2 = [
            v1[0] + l2 * om[1] * th[1].cos(),
            v1[1] + l2 * om[1] * th[1].sin(),
        ];
        let want =
            0.5 * m1 * (v1[0].powi(2) + v1[1].powi(2)) + 0.5 * m2 * (v2[0].powi(2) + v2[1].powi(2));
        let p = h.momenta(th, om);
        let (t, _) = h.parts(&[th[0], th[1], p[0], p[1]]);
        assert!((t - want).abs() < 1e-12, "{t} vs {want}");
        let back = h.velocities(th, p);
        assert!((back[0] - om[0]).abs() < 1e-12 && (back[1] - om[1]).abs() < 1e-12);
    }
}
