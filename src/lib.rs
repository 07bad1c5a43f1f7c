//! hnn-lab's science core: Hamiltonian systems, integrators, data, the HNN and baseline in
//! candle, training, and the paper's Table 1 metrics. Nothing here depends on Bevy.

// Validation writes `!(x > 0.0)` on purpose: it rejects NaN, which `x <= 0.0` would let through.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod atomic;
pub mod data;
pub mod device;
pub mod embedded;
pub mod eval;
pub mod fetched;
#[cfg(not(target_arch = "wasm32"))]
pub mod figures;
/// In a browser only the contour tracer (the overlays use it): figures are PNG files the CLI
/// writes.
#[cfg(target_arch = "wasm32")]
pub mod figures {
    #[path = "contour.rs"]
    pub mod contour;
    pub use contour::contour_segments;
}
pub mod game;
pub mod integrate;
pub mod lesson;
pub mod linalg;
pub mod nn;
pub mod observed;
pub mod physics;
pub(crate) mod ranges;
pub mod recording;
pub mod rng;
pub mod scene;
pub mod textfile;
pub mod train;
pub mod truth;
pub mod twin;
#[cfg(target_arch = "wasm32")]
pub mod webfs;

/// The Bevy app (feature `gui`): plugins that drive the core above, one per feature.
#[cfg(feature = "gui")]
pub mod app;
