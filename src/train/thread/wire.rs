//! The training loop's messages as bytes, for a trainer in another WebAssembly module (the
//! browser's Web Worker shares no memory with the page): commands in, progress and weight
//! snapshots out. A plain little-endian layout of exactly the values, so the weights arrive
//! bit for bit and a NaN loss stays a NaN; a short or unknown message is an error, never a
//! panic.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Result};

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

#[path = "wire_values.rs"]
mod values;

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
