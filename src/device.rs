//! The compute device, chosen once from `--device auto|cpu|cuda`; nothing else in the code
//! cares which it is.

use anyhow::{bail, Result};
use candle_core::Device;

pub fn select(name: &str) -> Result<Device> {
    match name {
        "cpu" => Ok(Device::Cpu),
        "cuda" => {
            if cfg!(feature = "cuda") {
                Ok(Device::new_cuda(0)?)
            } else {
                bail!(
                    "--device cuda: this build has no CUDA support (rebuild with --features cuda)"
                )
            }
        }
        "auto" => Ok(if cfg!(feature = "cuda") {
            Device::cuda_if_available(0)?
        } else {
            Device::Cpu
        }),
        other => bail!("--device {other:?}: expected auto, cpu or cuda"),
    }
}

/// A short name for logs and metadata.
pub fn describe(dev: &Device) -> String {
    match dev {
        Device::Cpu => format!("cpu ({} threads)", candle_core::utils::get_num_threads()),
        Device::Cuda(_) => "cuda:0".to_string(),
        Device::Metal(_) => "metal".to_string(),
    }
}
