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
    fn energy(&self, [q, p]: [f64; 2]) -> f64 {
        self.k * q * q + self.m * p * p
    }
    fn grad(&self, [q, p]: [f64; 2]) -> [f64; 2] {
        [2.0 * self.k * q, 2.0 * self.m * p]
    }
}
