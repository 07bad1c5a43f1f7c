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
    fn dof(&self) -> usize {
        1
    }
    fn energy(&self, x: &[f64]) -> f64 {
        self.k * (1.0 - x[0].cos()) + self.m * x[1] * x[1]
    }
    fn grad(&self, x: &[f64], g: &mut [f64]) {
        g[0] = self.k * x[0].sin();
        g[1] = 2.0 * self.m * x[1];
    }
}
