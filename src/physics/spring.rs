/// Ideal mass-spring in the reference code's units: H = k q² + m p² (k = m = 1 by default).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spring {
    pub k: f64,
    pub m: f64,
}

impl Default for Spring {
    fn default() -> Self {
        Self { k: 1.0, m: 1.0 }
    }
}

impl super::Hamiltonian for Spring {
    fn dof(&self) -> usize {
        1
    }
    fn energy(&self, x: &[f64]) -> f64 {
        self.k * x[0] * x[0] + self.m * x[1] * x[1]
    }
    fn grad(&self, x: &[f64], g: &mut [f64]) {
        g[0] = 2.0 * self.k * x[0];
        g[1] = 2.0 * self.m * x[1];
    }
}
