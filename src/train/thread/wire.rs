//! The training loop's messages as bytes, for a trainer in another WebAssembly module (the
//! browser's Web Worker shares no memory with the page): commands in, progress and weight
//! snapshots out. A plain little-endian layout of exactly the values, so the weights arrive
//! bit for bit and a NaN loss stays a NaN; a short or unknown message is an error, never a
//! panic.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Result};

use super::{Command, Progress};
use crate::data::Scaling;
use crate::nn::{FieldSnapshot, MlpWeights, ModelKind, PixelSnapshot, ResidualWeights};
use crate::train::LossValues;

/// A value that travels as bytes.
pub trait Wire: Sized {
    fn put(&self, out: &mut Vec<u8>);
    fn get(r: &mut Reader) -> Result<Self>;
}

/// Reads values back in the order they were put.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    /// Everything not yet read (taken).
    pub fn rest(&mut self) -> &'a [u8] {
        let s = &self.bytes[self.at..];
        self.at = self.bytes.len();
        s
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let Some(end) = end else {
            bail!(
                "message cut short: {n} bytes wanted at byte {} of {}",
                self.at,
                self.bytes.len()
            );
        };
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    /// A length, checked against what is left (each element takes at least `min` bytes), so
    /// a corrupt length cannot ask for gigabytes.
    fn len(&mut self, min: usize) -> Result<usize> {
        let n = u64::get(self)?;
        let left = (self.bytes.len() - self.at) as u64;
        if n.saturating_mul(min.max(1) as u64) > left {
            bail!("message says {n} elements but {left} bytes are left");
        }
        Ok(n as usize)
    }
}

/// `v` as one message.
pub fn encode<T: Wire>(v: &T) -> Vec<u8> {
    let mut out = Vec::new();
    v.put(&mut out);
    out
}

/// The message in `bytes`, which must hold exactly one value.
pub fn decode<T: Wire>(bytes: &[u8]) -> Result<T> {
    let mut r = Reader::new(bytes);
    let v = T::get(&mut r)?;
    if r.at != bytes.len() {
        bail!("{} bytes left after the message", bytes.len() - r.at);
    }
    Ok(v)
}

macro_rules! number {
    ($($t:ty),*) => {$(
        impl Wire for $t {
            fn put(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn get(r: &mut Reader) -> Result<Self> {
                let b = r.take(std::mem::size_of::<$t>())?;
                Ok(<$t>::from_le_bytes(b.try_into().expect("sized")))
            }
        }
    )*};
}
number!(u8, u32, u64, f32, f64);

impl Wire for usize {
    fn put(&self, out: &mut Vec<u8>) {
        (*self as u64).put(out)
    }
    fn get(r: &mut Reader) -> Result<Self> {
        let v = u64::get(r)?;
        usize::try_from(v).map_err(|_| anyhow::anyhow!("{v} does not fit this machine's usize"))
    }
}

impl Wire for bool {
    fn put(&self, out: &mut Vec<u8>) {
        (*self as u8).put(out)
    }
    fn get(r: &mut Reader) -> Result<Self> {
        match u8::get(r)? {
            0 => Ok(false),
            1 => Ok(true),
            b => bail!("boolean byte {b}"),
        }
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn put(&self, out: &mut Vec<u8>) {
        self.len().put(out);
        self.iter().for_each(|v| v.put(out));
    }
    fn get(r: &mut Reader) -> Result<Self> {
        let n = r.len(1)?;
        (0..n).map(|_| T::get(r)).collect()
    }
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, out: &mut Vec<u8>) {
        self.is_some().put(out);
        if let Some(v) = self {
            v.put(out)
        }
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(if bool::get(r)? {
            Some(T::get(r)?)
        } else {
            None
        })
    }
}

impl<A: Wire, B: Wire> Wire for (A, B) {
    fn put(&self, out: &mut Vec<u8>) {
        self.0.put(out);
        self.1.put(out);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok((A::get(r)?, B::get(r)?))
    }
}

impl Wire for String {
    fn put(&self, out: &mut Vec<u8>) {
        self.as_bytes().to_vec().put(out)
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(String::from_utf8(Vec::<u8>::get(r)?)?)
    }
}

impl Wire for PathBuf {
    fn put(&self, out: &mut Vec<u8>) {
        self.to_string_lossy().into_owned().put(out)
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(PathBuf::from(String::get(r)?))
    }
}

impl Wire for Duration {
    fn put(&self, out: &mut Vec<u8>) {
        self.as_secs().put(out);
        self.subsec_nanos().put(out);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        let (s, n) = (u64::get(r)?, u32::get(r)?);
        if n >= 1_000_000_000 {
            bail!("duration with {n} ns");
        }
        Ok(Duration::new(s, n))
    }
}

/// One byte: 0 baseline, 1 HNN (as the boolean "is HNN" it once was), 2 D-HNN.
impl Wire for ModelKind {
    fn put(&self, out: &mut Vec<u8>) {
        let b: u8 = match self {
            ModelKind::Baseline => 0,
            ModelKind::Hnn => 1,
            ModelKind::Dhnn => 2,
        };
        b.put(out)
    }
    fn get(r: &mut Reader) -> Result<Self> {
        match u8::get(r)? {
            0 => Ok(ModelKind::Baseline),
            1 => Ok(ModelKind::Hnn),
            2 => Ok(ModelKind::Dhnn),
            b => bail!("model kind byte {b}"),
        }
    }
}

impl Wire for LossValues {
    fn put(&self, out: &mut Vec<u8>) {
        for v in [self.total, self.ae, self.cc, self.hnn] {
            v.put(out);
        }
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(LossValues {
            total: f64::get(r)?,
            ae: f64::get(r)?,
            cc: f64::get(r)?,
            hnn: f64::get(r)?,
        })
    }
}

impl Wire for MlpWeights {
    fn put(&self, out: &mut Vec<u8>) {
        self.sizes.put(out);
        self.w.put(out);
        self.b.put(out);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        let m = MlpWeights {
            sizes: Wire::get(r)?,
            w: Wire::get(r)?,
            b: Wire::get(r)?,
        };
        // The forward pass indexes by these sizes: they must agree with the weights.
        let layers = m.sizes.len().saturating_sub(1);
        let fits = m.w.len() == layers
            && m.b.len() == layers
            && (0..layers).all(|i| {
                let (n_in, n_out) = (m.sizes[i], m.sizes[i + 1]);
                n_in.checked_mul(n_out) == Some(m.w[i].len())
                    && m.b[i].as_ref().is_none_or(|b| b.len() == n_out)
            });
        if !fits || layers == 0 {
            bail!("MLP weights do not match their sizes {:?}", m.sizes);
        }
        Ok(m)
    }
}

impl Wire for ResidualWeights {
    fn put(&self, out: &mut Vec<u8>) {
        self.shapes.put(out);
        self.w.put(out);
        self.b.put(out);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        let m = ResidualWeights {
            shapes: Wire::get(r)?,
            w: Wire::get(r)?,
            b: Wire::get(r)?,
        };
        let fits = m.w.len() == m.shapes.len()
            && m.b.len() == m.shapes.len()
            && m.shapes.iter().enumerate().all(|(i, &(n_in, n_out))| {
                n_in.checked_mul(n_out) == Some(m.w[i].len()) && m.b[i].len() == n_out
            });
        if !fits {
            bail!(
                "autoencoder weights do not match their shapes {:?}",
                m.shapes
            );
        }
        Ok(m)
    }
}

impl Wire for Scaling {
    fn put(&self, out: &mut Vec<u8>) {
        self.s.put(out);
        self.tau.put(out);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(Scaling {
            s: Wire::get(r)?,
            tau: Wire::get(r)?,
        })
    }
}

impl Wire for FieldSnapshot {
    fn put(&self, out: &mut Vec<u8>) {
        self.kind.put(out);
        self.mlp.put(out);
        self.dissipation.put(out);
        self.scaling.put(out);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        let f = FieldSnapshot {
            kind: Wire::get(r)?,
            mlp: MlpWeights::get(r)?,
            dissipation: Wire::get(r)?,
            scaling: Scaling::get(r)?,
        };
        match (&f.dissipation, f.kind) {
            (Some(d), ModelKind::Dhnn) if d.sizes == f.mlp.sizes => {}
            (None, ModelKind::Hnn | ModelKind::Baseline) => {}
            _ => bail!(
                "a {} snapshot with {} dissipation network",
                f.kind.name(),
                if f.dissipation.is_some() {
                    "a mismatched"
                } else {
                    "no"
                }
            ),
        }
        if f.scaling.s.len() != f.mlp.sizes[0] {
            bail!(
                "a scaling of {} coordinates for a model of {} inputs",
                f.scaling.s.len(),
                f.mlp.sizes[0]
            );
        }
        Ok(f)
    }
}

impl Wire for PixelSnapshot {
    fn put(&self, out: &mut Vec<u8>) {
        self.kind.put(out);
        self.encoder.put(out);
        self.decoder.put(out);
        self.dynamics.put(out);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(PixelSnapshot {
            kind: Wire::get(r)?,
            encoder: Wire::get(r)?,
            decoder: Wire::get(r)?,
            dynamics: Wire::get(r)?,
        })
    }
}

impl Wire for Command {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            Command::Start => 0u8.put(out),
            Command::Pause => 1u8.put(out),
            Command::Reset => 2u8.put(out),
            Command::SetLearningRate(v) => (3u8, *v).put(out),
            Command::SetBatchSize(v) => (4u8, *v).put(out),
            Command::Snapshot => 5u8.put(out),
            Command::Save(p) => (6u8, p.clone()).put(out),
            Command::Shutdown => 7u8.put(out),
        }
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(match u8::get(r)? {
            0 => Command::Start,
            1 => Command::Pause,
            2 => Command::Reset,
            3 => Command::SetLearningRate(Wire::get(r)?),
            4 => Command::SetBatchSize(Wire::get(r)?),
            5 => Command::Snapshot,
            6 => Command::Save(Wire::get(r)?),
            7 => Command::Shutdown,
            t => bail!("unknown command {t}"),
        })
    }
}

impl<S: Wire> Wire for Progress<S> {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            Progress::Step {
                step,
                losses,
                steps_per_sec,
                elapsed,
            } => {
                0u8.put(out);
                step.put(out);
                losses.put(out);
                steps_per_sec.put(out);
                elapsed.put(out);
            }
            Progress::Snapshot { step, weights } => {
                (1u8, *step).put(out);
                weights.as_ref().put(out);
            }
            Progress::Running(b) => (2u8, *b).put(out),
            Progress::Ready(s) => (3u8, s.clone()).put(out),
            Progress::Saved(p) => (4u8, p.clone()).put(out),
            Progress::Error(s) => (5u8, s.clone()).put(out),
            Progress::Ended(s) => (6u8, s.clone()).put(out),
            Progress::Files(f) => (7u8, f.clone()).put(out),
        }
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(match u8::get(r)? {
            0 => Progress::Step {
                step: Wire::get(r)?,
                losses: Wire::get(r)?,
                steps_per_sec: Wire::get(r)?,
                elapsed: Wire::get(r)?,
            },
            1 => Progress::Snapshot {
                step: Wire::get(r)?,
                weights: Arc::new(S::get(r)?),
            },
            2 => Progress::Running(Wire::get(r)?),
            3 => Progress::Ready(Wire::get(r)?),
            4 => Progress::Saved(Wire::get(r)?),
            5 => Progress::Error(Wire::get(r)?),
            6 => Progress::Ended(Wire::get(r)?),
            7 => Progress::Files(Wire::get(r)?),
            t => bail!("unknown progress message {t}"),
        })
    }
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
