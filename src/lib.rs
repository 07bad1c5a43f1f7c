//! hnn-lab's science core: Hamiltonian systems, integrators, data, the HNN and baseline in
//! candle, training, and the paper's Table 1 metrics. Nothing here depends on Bevy.

pub mod data;
pub mod device;
pub mod eval;
pub mod figures;
pub mod integrate;
pub mod nn;
pub mod physics;
pub mod rng;
pub mod scene;
pub mod train;
