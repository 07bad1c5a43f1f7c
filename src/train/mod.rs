//! Training: Adam with PyTorch's coupled weight decay, a step-by-step trainer for the
//! low-dimensional tasks, and checkpoints (safetensors + meta.ron).

mod adam;
mod candle_trainer;
mod checkpoint;
pub mod fused;
mod trainer;

pub use adam::Adam;
pub use candle_trainer::CandleTrainer;
pub use checkpoint::{load_meta, load_snapshot, save_model, ModelMeta, ModelsMeta};
pub use trainer::{Backend, Trainer};
