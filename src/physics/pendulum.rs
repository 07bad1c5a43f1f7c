/// Pendulum energy in the reference code's form H = k(1 − cos q) + m p².
///
/// The ideal pendulum of the paper is k = 3, m = 1. The real pendulum's reference analysis uses
/// the same form with k = 2.4 fitted to the Schmidt & Lipson data, so one type serves both.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pendulum {
    pub k: f64,
    pub m: f64,
}

impl Pendulum {
    pub fn new(k: f64, m: f64) -> Self {
        Self { k, m }
    }
    /// The paper's Task 2 system.
    pub fn ideal() -> Self {
        Self::new(3.0, 1.0)
    }
}

impl super::Hamiltonian for Pendulum {
    fn energy(&self, [q, p]: [f64; 2]) -> f64 {
        self.k * (1.0 - q.cos()) + self.m * p * p
    }
    fn grad(&self, [q, p]: [f64; 2]) -> [f64; 2] {
        [self.k * q.sin(), 2.0 * self.m * p]
    }
}
