//! Task 5 metrics: losses ± sem, and rollouts of the latent dynamics decoded back to frames,
//! scored by the physical energy read off the frames and by pixel error at fixed horizons.

use anyhow::Result;
use candle_core::{Device, Tensor};
use serde::Serialize;

use super::{mean_sem, Stat};
use crate::data::render::wrap_diff;
use crate::data::PixelDataset;
use crate::integrate::rk4_step;
use crate::nn::{PixelModel, PixelSnapshot};
use crate::physics::RapierSpec;
use crate::train::pixel_batch;

/// Horizons (in frames) at which the rollout's pixel error is reported.
pub const HORIZONS: [usize; 3] = [10, 50, 100];

/// Horizons reported on the long trials, beyond the dataset's 103 frames.
pub const LONG_HORIZONS: [usize; 3] = [100, 200, 300];

/// Trials longer than the training data's, drawn like the test trials (another seed), to
/// see whether a rollout stays on the truth for hundreds of frames.
pub fn long_trials(phys: &RapierSpec, spec: &crate::data::PixelDataSpec) -> Result<PixelDataset> {
    let long = crate::data::PixelDataSpec {
        trials: 10,
        steps: 302,
        seed: spec.seed.wrapping_add(1_000_003),
        ..spec.clone()
    };
    crate::data::pixel::generate(phys, &long)
}

/// Per long trial: its amplitude (largest true |θ|) and the angle error (decoded − true, read
/// off the frames, rad) at each of `LONG_HORIZONS` — the phase drift that pixel MSE hides.
pub fn long_angle_errors(snap: &PixelSnapshot, long: &PixelDataset) -> Vec<(f64, [f64; 3])> {
    let n = long.spec.steps - 1;
    (0..long.spec.trials)
        .map(|t| {
            let frames = rollout(snap, long, t, n).1;
            let amp = (0..n)
                .map(|k| long.state(t, k)[0].abs())
                .fold(0.0, f64::max);
            let err = |h: usize| {
                wrap_diff(
                    read_state(long.pair(t, h), long)[0],
                    read_state(&frames[h], long)[0],
                )
            };
            (amp, LONG_HORIZONS.map(err))
        })
        .collect()
}

/// Mean pixel MSE over `trials` of the decoded rollout at each horizon.
pub fn pixel_mse_at(
    snap: &PixelSnapshot,
    data: &PixelDataset,
    trials: std::ops::Range<usize>,
    horizons: &[usize],
) -> Vec<f64> {
    let n = data.spec.steps - 1;
    let count = trials.len() as f64;
    let mut out = vec![0.0; horizons.len()];
    for t in trials {
        let (_, frames) = rollout(snap, data, t, n);
        for (h, acc) in horizons.iter().zip(out.iter_mut()) {
            if *h < n {
                *acc += frame_mse(&frames[*h], data.pair(t, *h)) / count;
            }
        }
    }
    out
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PixelMetrics {
    /// The Table 1 metrics (flattened: the JSON keeps one level).
    #[serde(flatten)]
    pub table: super::ModelMetrics,
    pub pixel_mse_10: f64,
    pub pixel_mse_50: f64,
    pub pixel_mse_100: f64,
    /// Pixel MSE at 100, 200 and 300 frames on 10 long trials (302 frames).
    pub long_pixel_mse_100: f64,
    pub long_pixel_mse_200: f64,
    pub long_pixel_mse_300: f64,
    /// Per long trial: amplitude and angle error at 100 / 200 / 300 frames (the phase drift).
    pub long_angle_errors: Vec<(f64, [f64; 3])>,
    /// Latent quality: R² of the best affine map from the latent (z_q, z_p) to the true
    /// (θ, ω) over the test frames (the mean over the two targets; see `linear_r2`).
    pub latent_r2: f64,
    /// The metric's floor: energy MSE between the true frames read by the estimator and the
    /// simulated (θ, ω) averaged over the frame interval, over the same test samples.
    pub energy_floor: f64,
}

/// Mean total loss ± std/√N over samples.
pub fn loss_stat(
    model: &PixelModel,
    data: &PixelDataset,
    idx: &[(usize, usize)],
    dev: &Device,
) -> Result<Stat> {
    let mut all = Vec::with_capacity(idx.len());
    for chunk in idx.chunks(1000) {
        let (x, xn) = pixel_batch(data, chunk, dev)?;
        let v: Tensor = model.per_sample_total(&x, &xn)?;
        all.extend(v.to_dtype(candle_core::DType::F64)?.to_vec1::<f64>()?);
    }
    Ok(mean_sem(&all))
}

/// R² of the best affine map from each test pair's encoding to its true (θ, ω).
pub fn latent_r2(snap: &PixelSnapshot, data: &PixelDataset) -> f64 {
    let idx = data.samples(data.test_trials());
    let z: Vec<Vec<f64>> = idx
        .iter()
        .map(|&(t, i)| snap.encode(data.pair(t, i)).to_vec())
        .collect();
    let y: Vec<Vec<f64>> = idx
        .iter()
        .map(|&(t, i)| data.state(t, i).to_vec())
        .collect();
    super::linear_r2(&z, &y)
}

/// Mean squared pixel difference of two frame pairs.
pub fn frame_mse(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| ((x - y) as f64).powi(2))
        .sum::<f64>()
        / b.len() as f64
}

/// (θ, ω) read off a frame pair with the rasteriser's angle estimator: θ from the first
/// frame, ω from the angle change to the second over one frame interval. A blank frame reads
/// as the hanging pendulum at rest.
pub fn read_state(pair: &[f32], data: &PixelDataset) -> [f64; 2] {
    crate::data::render::read_pair(pair, &data.spec.render, data.spec.frame_dt)
}

/// One test trial rolled out in latent space (RK4, one frame per step) from the encoding of
/// its first frame pair, every state decoded.
pub fn rollout(
    snap: &PixelSnapshot,
    data: &PixelDataset,
    trial: usize,
    n: usize,
) -> (Vec<[f64; 2]>, Vec<Vec<f32>>) {
    let mut z = snap.encode(data.pair(trial, 0)).to_vec();
    let mut zs = Vec::with_capacity(n);
    let mut frames = Vec::with_capacity(n);
    let mut f = |x: &[f64], dx: &mut [f64]| dx.copy_from_slice(&snap.field([x[0], x[1]]));
    for k in 0..n {
        if k > 0 {
            rk4_step(&mut f, &mut z, 1.0);
        }
        zs.push([z[0], z[1]]);
        frames.push(snap.decode([z[0], z[1]]));
    }
    (zs, frames)
}

/// The frame-error threshold of the pixel VPT: a per-pair MSE of 0.01 on [0, 1] pixels (the
/// value commonly used with Botev et al.'s metric).
pub const FRAME_VPT_THRESHOLD: f64 = 0.01;

/// What a test-set rollout scores: energy MSE (J²) between the energy read off the decoded
/// rollout and off the true frames, ± sem over test trials; the mean pixel MSE at each of
/// `HORIZONS`; and the valid prediction time on frames (the fraction of the trial before the
/// decoded pair's MSE first passes `FRAME_VPT_THRESHOLD`), ± sem over test trials.
pub fn rollout_metrics(
    snap: &PixelSnapshot,
    data: &PixelDataset,
    phys: &RapierSpec,
) -> (Stat, [f64; 3], Stat) {
    let n = data.spec.steps - 1; // frame pairs per trial
    let mut per_trial = Vec::new();
    let mut vpts = Vec::new();
    let mut pix = [0.0; 3];
    let trials = data.test_trials();
    let count = trials.len() as f64;
    for t in trials {
        let (_, frames) = rollout(snap, data, t, n);
        let mut se = 0.0;
        for (k, fr) in frames.iter().enumerate() {
            let [th, om] = read_state(fr, data);
            let [tt, to] = read_state(data.pair(t, k), data);
            se += (phys.energy(th, om) - phys.energy(tt, to)).powi(2);
        }
        per_trial.push(se / n as f64);
        let errors: Vec<f64> = (0..n)
            .map(|k| frame_mse(&frames[k], data.pair(t, k)))
            .collect();
        vpts.push(super::valid_fraction(&errors, FRAME_VPT_THRESHOLD));
        for (h, acc) in HORIZONS.iter().zip(pix.iter_mut()) {
            if *h < n {
                *acc += frame_mse(&frames[*h], data.pair(t, *h)) / count;
            }
        }
    }
    (mean_sem(&per_trial), pix, mean_sem(&vpts))
}

/// Frames per window of the power read off frames: 1 s at the pixel task's 0.05 s, long
/// enough that the energy read off single frames (error ~1e-2 J) does not swamp a damped
/// pendulum's loss over the window.
pub const POWER_WINDOW_FRAMES: usize = 20;

/// The power error of a pixel model: along each test trial's decoded rollout and its true
/// frames, the mean power (E(k + W) − E(k)) / (W·Δt) over consecutive windows of
/// `POWER_WINDOW_FRAMES`, both energies read off frames as the energy MSE reads them; the mean
/// squared difference (W²) over all windows. An HNN's rollout keeps its energy and scores the
/// truth's own loss rate; a model that loses energy as the truth does scores near 0.
pub fn power_mse(snap: &PixelSnapshot, data: &PixelDataset, phys: &RapierSpec) -> f64 {
    let n = data.spec.steps - 1;
    let w = POWER_WINDOW_FRAMES.min(n - 1);
    let span = w as f64 * data.spec.frame_dt;
    let energy = |pair: &[f32]| {
        let [th, om] = read_state(pair, data);
        phys.energy(th, om)
    };
    let (mut se, mut count) = (0.0, 0.0);
    for t in data.test_trials() {
        let (_, frames) = rollout(snap, data, t, n);
        let mut k = 0;
        while k + w < n {
            let model = (energy(&frames[k + w]) - energy(&frames[k])) / span;
            let truth = (energy(data.pair(t, k + w)) - energy(data.pair(t, k))) / span;
            se += (model - truth).powi(2);
            count += 1.0;
            k += w;
        }
    }
    se / count
}

/// Energy MSE of reading the true frames, against the simulation's angle and mean angular
/// rate over each frame interval: what a perfect model would score.
pub fn estimator_floor(data: &PixelDataset, phys: &RapierSpec) -> f64 {
    let n = data.spec.steps - 1;
    let mut se = 0.0;
    let mut count = 0.0;
    for t in data.test_trials() {
        for k in 0..n {
            let [th, om] = read_state(data.pair(t, k), data);
            let [t0, _] = data.state(t, k);
            let rate = wrap_diff(t0, data.state(t, k + 1)[0]) / data.spec.frame_dt;
            se += (phys.energy(th, om) - phys.energy(t0, rate)).powi(2);
            count += 1.0;
        }
    }
    se / count
}

/// What every model of a pixel scene is evaluated on, prepared once: the dataset, the long
/// trials, and the estimator's floor (which does not depend on the model).
pub struct PixelEvalSet<'a> {
    pub data: &'a PixelDataset,
    pub long: PixelDataset,
    pub phys: RapierSpec,
    pub floor: f64,
}

impl<'a> PixelEvalSet<'a> {
    pub fn new(data: &'a PixelDataset, phys: RapierSpec) -> Result<Self> {
        Ok(Self {
            data,
            long: long_trials(&phys, &data.spec)?,
            phys,
            floor: estimator_floor(data, &phys),
        })
    }
}

/// All Task 5 metrics for one model.
pub fn evaluate_pixel(
    model: &PixelModel,
    snap: &PixelSnapshot,
    set: &PixelEvalSet,
    dev: &Device,
) -> Result<PixelMetrics> {
    let data = set.data;
    let train = loss_stat(model, data, &data.samples(data.train_trials()), dev)?;
    let test = loss_stat(model, data, &data.samples(data.test_trials()), dev)?;
    let (energy, pix, vpt) = rollout_metrics(snap, data, &set.phys);
    let lp = pixel_mse_at(snap, &set.long, 0..set.long.spec.trials, &LONG_HORIZONS);
    Ok(PixelMetrics {
        table: super::ModelMetrics {
            train_loss: train.mean,
            train_loss_sem: train.sem,
            test_loss: test.mean,
            test_loss_sem: test.sem,
            energy_mse: energy.mean,
            energy_mse_sem: energy.sem,
            vpt: vpt.mean,
            vpt_sem: vpt.sem,
            // Only where the truth has a known friction (as for the state models).
            power_mse: (set.phys.friction != 0.0).then(|| power_mse(snap, data, &set.phys)),
            ..Default::default()
        },
        pixel_mse_10: pix[0],
        pixel_mse_50: pix[1],
        pixel_mse_100: pix[2],
        long_pixel_mse_100: lp[0],
        long_pixel_mse_200: lp[1],
        long_pixel_mse_300: lp[2],
        long_angle_errors: long_angle_errors(snap, &set.long),
        latent_r2: latent_r2(snap, data),
        energy_floor: set.floor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::pixel::generate;
    use crate::data::PixelDataSpec;

    /// The state reader applied to true frames recovers the simulated (θ, ω) closely enough
    /// that the energy it implies is within a few percent at typical amplitudes.
    #[test]
    fn reading_true_frames_recovers_the_energy() {
        let phys = RapierSpec::default();
        let spec = PixelDataSpec {
            trials: 3,
            steps: 40,
            theta_max: 0.5,
            omega_max: 0.5,
            ..Default::default()
        };
        let d = generate(&phys, &spec).unwrap();
        let mut worst: f64 = 0.0;
        for t in 0..3 {
            for k in 0..38 {
                let [th, om] = read_state(d.pair(t, k), &d);
                let [tt, _] = d.state(t, k);
                assert!((th - tt).abs() < 0.03, "θ {th} vs {tt}");
                // ω from a frame difference is the mean over the interval; compare with the
                // true mean angular rate.
                let mean_rate = wrap_diff(tt, d.state(t, k + 1)[0]) / spec.frame_dt;
                assert!((om - mean_rate).abs() < 0.6, "ω {om} vs {mean_rate}");
                let e_read = phys.energy(th, om);
                let e_true = phys.energy(tt, mean_rate);
                worst = worst.max((e_read - e_true).abs());
            }
        }
        assert!(worst < 0.2, "largest energy error {worst} J");
    }
}
