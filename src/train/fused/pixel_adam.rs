//! Adam over every buffer of the fused pixel model (encoder, decoder, latent dynamics, a
//! D-HNN's D), in parallel slices, with the threads' partial gradients summed as it goes.

use rayon::prelude::*;

use super::super::{bias_corrections, kernels};
use super::FusedPixel;

impl FusedPixel {
    /// Adam over every buffer, summing the threads' partial gradients on the fly, split into
    /// slices that run in parallel.
    pub(super) fn apply_adam(&mut self) {
        self.t += 1;
        let (bc1, bc2) = bias_corrections(self.t);
        let k = [self.lr, self.weight_decay, bc1, bc2];
        // With more than two threads, fold the extra partial gradients into the second.
        if self.chunks.len() > 2 {
            let (head, rest) = self.chunks.split_at_mut(2);
            for c in rest.iter() {
                head[1].add_gradients(c);
            }
        }
        let empty: Vec<Vec<f32>> = Vec::new();
        let first = &self.chunks[0];
        let second = self.chunks.get(1);
        let g0: Vec<&Vec<f32>> = first.gradients().collect();
        let g1: Vec<&Vec<f32>> = match second {
            Some(c) => c.gradients().collect(),
            None => empty.iter().collect(),
        };
        let mo = &mut self.moments;
        let params = self
            .enc
            .buffers_mut()
            .chain(self.dec.buffers_mut())
            .chain(self.dynamics.buffers_mut())
            .chain(self.dissipation.iter_mut().flat_map(|d| d.buffers_mut()));
        let (dm, dv) = match &mut mo.dissipation {
            Some((m, v)) => (Some(m), Some(v)),
            None => (None, None),
        };
        let ms = mo
            .enc
            .0
            .buffers_mut()
            .chain(mo.dec.0.buffers_mut())
            .chain(mo.dynamics.0.buffers_mut())
            .chain(dm.into_iter().flat_map(|m| m.buffers_mut()));
        let vs = mo
            .enc
            .1
            .buffers_mut()
            .chain(mo.dec.1.buffers_mut())
            .chain(mo.dynamics.1.buffers_mut())
            .chain(dv.into_iter().flat_map(|v| v.buffers_mut()));
        const SLICE: usize = 1 << 15;
        let mut tasks = Vec::new();
        for (i, ((p, m), v)) in params.zip(ms).zip(vs).enumerate() {
            let ga: &[f32] = g0[i];
            let gb: &[f32] = g1.get(i).map(|g| &g[..]).unwrap_or(&[]);
            for (j, ((ps, mss), vss)) in p
                .chunks_mut(SLICE)
                .zip(m.chunks_mut(SLICE))
                .zip(v.chunks_mut(SLICE))
                .enumerate()
            {
                let lo = j * SLICE;
                let hi = lo + ps.len();
                let gbs = if gb.is_empty() { gb } else { &gb[lo..hi] };
                tasks.push((ps, &ga[lo..hi], gbs, mss, vss));
            }
        }
        tasks
            .into_par_iter()
            .for_each(|(p, ga, gb, m, v)| kernels::adam(p, ga, gb, m, v, k));
    }
}
