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

/// Treats subnormal floats as zero on the calling thread (x86-64: the FTZ and DAZ bits of
/// MXCSR). Continuing from converged weights, Adam's second moments fill with squares of
/// tiny gradients, below f32's normal range, and every operation on a subnormal costs ~100
/// times a normal one: measured in the app, the shipped pixel HNN trained at 5 steps/s on
/// its thread instead of ~50. Values that small carry no information for training.
pub fn flush_denormals() {
    #[cfg(target_arch = "x86_64")]
    {
        let mut csr: u32 = 0;
        // SAFETY: stmxcsr/ldmxcsr read and write only the thread's own MXCSR register and
        // the local `csr`; setting FTZ (bit 15) and DAZ (bit 6) changes no other state.
        unsafe {
            std::arch::asm!("stmxcsr [{}]", in(reg) &mut csr, options(nostack));
            csr |= (1 << 15) | (1 << 6);
            std::arch::asm!("ldmxcsr [{}]", in(reg) &csr, options(nostack));
        }
    }
}
