//! Training: Adam with PyTorch's coupled weight decay, a step-by-step trainer for the
//! low-dimensional tasks, and checkpoints (safetensors + meta.ron).

mod adam;
mod candle_trainer;
mod checkpoint;
pub mod divergence;
pub mod fused;
mod pixel_checkpoint;
mod pixel_trainer;
mod steppable;
pub mod thread;
mod trainer;

pub use adam::Adam;
pub use candle_trainer::CandleTrainer;
pub use checkpoint::{
    load_meta, load_snapshot, merge_meta, model_files, read_model_file, save_model,
    write_model_file, ModelFile, ModelMeta, ModelsMeta, PixelMeta, Provenance,
};
pub use pixel_checkpoint::{
    expected_shapes, load_pixel_model, load_pixel_tensors, save_pixel_model, scene_arch,
};
pub use pixel_trainer::{pixel_batch, LossValues, PixelArch, PixelTrainer};
pub use trainer::{Backend, Trainer};

#[cfg(test)]
mod determinism_tests;
