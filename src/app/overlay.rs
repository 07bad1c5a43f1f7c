//! Data behind the energy and phase-space overlays: time series of the truth and the twins,
//! and the learned H contours / vector fields, recomputed off the main thread whenever a
//! twin gets new weights.

use std::collections::VecDeque;

use bevy::prelude::*;
use crossbeam_channel::{Receiver, Sender};

use super::lab::{Lab, Task};
use super::per_model::PerModel;
use super::sim::Truth;
use super::twins::{Readouts, Twins};
use crate::figures::contour::contour_segments;
use crate::nn::LearnedField;
use crate::nn::ModelKind;
use crate::scene::SystemSpec;
use crate::twin::TwinWeights;

/// One sample per rendered frame in which the simulation moved.
#[derive(Clone, Debug)]
pub struct Sample {
    pub t: f64,
    /// The truth's state: (θ, ω) or (q₁…qₙ, p₁…pₙ).
    pub truth: Vec<f64>,
    pub truth_energy: f64,
    /// The truth's energy read off its own frames with the twins' estimator (pixel scenes):
    /// how much of the twins' wiggle is the reading, not the twin.
    pub truth_read: Option<f64>,
    /// Per twin, in column order: energy read off its decoded frames (J), learned H, latent
    /// state.
    pub energy: Vec<Option<f64>>,
    pub learned: Vec<Option<f64>>,
    pub z: Vec<Option<Vec<f64>>>,
}

/// The recent past (the plots' window).
#[derive(Resource, Default)]
pub struct Series {
    pub samples: VecDeque<Sample>,
}

/// Seconds of history the plots keep.
pub const WINDOW_S: f64 = 20.0;

/// A twin's phase portrait in its latent plane.
#[derive(Clone, Debug, Default)]
pub struct Portrait {
    /// x/y range of the plot (the latents the twin has visited, with a margin).
    pub bounds: [[f64; 2]; 2],
    /// Level sets of the learned H (HNN).
    pub contours: Vec<[(f64, f64); 2]>,
    /// Arrows (from, to) of the learned field (baseline), scaled to the grid.
    pub arrows: Vec<[(f64, f64); 2]>,
    /// Why the portrait could not be computed (its thread panicked), shown in its place.
    pub failed: Option<String>,
}

/// Per twin slot, the latest portrait, and the true (θ, ω) energy contours.
#[derive(Resource)]
pub struct Portraits {
    pub twins: PerModel<Option<Portrait>>,
    pub truth: Portrait,
    /// The weights each portrait was computed for (to notice new ones).
    for_weights: PerModel<Option<TwinWeights>>,
    /// A computation is running for this slot (at most one each: weights can arrive faster
    /// than portraits are worth redrawing).
    in_flight: PerModel<bool>,
    tx: Sender<(ModelKind, Portrait)>,
    rx: Receiver<(ModelKind, Portrait)>,
}

pub(super) fn plugin(app: &mut App) {
    let lab = app.world().resource::<Lab>().clone();
    let (tx, rx) = crossbeam_channel::unbounded();
    app.insert_resource(Series::default())
        .insert_resource(Portraits {
            twins: PerModel::from_fn(lab.kinds(), |_| None),
            truth: truth_portrait(&lab),
            for_weights: PerModel::from_fn(lab.kinds(), |_| None),
            in_flight: PerModel::from_fn(lab.kinds(), |_| false),
            tx,
            rx,
        })
        .add_systems(
            PostUpdate,
            (record, refresh_portraits).in_set(super::spine::PostStep::Show),
        );
}

fn record(
    truth: Res<Truth>,
    readouts: Res<Readouts>,
    observed: Res<super::twins::Observed>,
    lab: Res<Lab>,
    mut series: ResMut<Series>,
) {
    let t = truth.0.time;
    if series.samples.back().is_some_and(|s| s.t > t) {
        series.samples.clear(); // time went back: a reset
    }
    // Paused, time stands still but the state may not (a kick, a sync, added energy): the
    // newest sample is replaced rather than a new one added.
    if series.samples.back().is_some_and(|s| s.t == t) {
        series.samples.pop_back();
    }
    let r = &readouts.0;
    series.samples.push_back(Sample {
        t,
        truth: truth.0.state(),
        truth_energy: truth.0.energy(),
        truth_read: match (&observed.0, lab.pixels()) {
            (crate::truth::Observation::Pair(p), Some((physics, data))) => {
                let [th, om] = crate::data::render::read_pair(p, &data.render, data.frame_dt);
                Some(physics.energy(th, om))
            }
            _ => None,
        },
        energy: r.iter().map(|r| r.as_ref().map(|r| r.energy)).collect(),
        learned: r
            .iter()
            .map(|r| r.as_ref().and_then(|r| r.learned))
            .collect(),
        z: r.iter().map(|r| r.as_ref().map(|r| r.z.clone())).collect(),
    });
    while series.samples.front().is_some_and(|s| s.t < t - WINDOW_S) {
        series.samples.pop_front();
    }
}

/// Starts a background computation for each twin whose weights changed; takes finished ones.
fn refresh_portraits(twins: Res<Twins>, mut portraits: ResMut<Portraits>) {
    while let Ok((i, p)) = portraits.rx.try_recv() {
        portraits.twins[i] = Some(p);
        portraits.in_flight[i] = false;
    }
    for (i, t) in twins.0.each() {
        let Some(t) = t else { continue };
        if portraits.in_flight[i] {
            continue; // the newest weights get their turn when this one is done
        }
        let w = t.weights();
        let fresh = portraits.for_weights[i]
            .as_ref()
            .is_none_or(|old| !old.same(&w));
        // Contours and arrows over a plane: a twin with more dimensions shows its paths only.
        let z = t.state();
        if fresh && z.len() == 2 {
            let (model, z, tx) = (w.field(), [z[0], z[1]], portraits.tx.clone());
            portraits.for_weights[i] = Some(w);
            portraits.in_flight[i] = true;
            let job = move || {
                let _ = tx.send((i, guarded(|| latent_portrait(model.as_ref(), z))));
            };
            super::background(job);
        }
    }
}

/// Runs a portrait computation; a panic becomes a portrait that says it failed, so the slot
/// is freed and the panel shows why instead of waiting forever.
pub fn guarded(job: impl FnOnce() -> Portrait) -> Portrait {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).unwrap_or_else(|p| {
        let why = crate::train::thread::panic_message(p.as_ref());
        Portrait {
            failed: Some(format!("the portrait could not be computed ({why})")),
            ..Default::default()
        }
    })
}

const GRID: usize = 41;

/// H contours (HNN, D-HNN) and field arrows (baseline, D-HNN) over a box around the origin that holds `z`
/// with a margin (the models were trained on states near the data's).
pub fn latent_portrait(model: &dyn LearnedField, z: [f64; 2]) -> Portrait {
    let r = (z[0].hypot(z[1]) * 1.6).max(1.0);
    let bounds = [[-r, r], [-r, r]];
    let xs: Vec<f64> = (0..GRID)
        .map(|i| -r + 2.0 * r * i as f64 / (GRID - 1) as f64)
        .collect();
    let mut p = Portrait {
        bounds,
        ..Default::default()
    };
    if model.energy(&[0.0, 0.0]).is_some() {
        let values: Vec<Vec<f64>> = xs
            .iter()
            .map(|&y| {
                xs.iter()
                    .map(|&x| model.energy(&[x, y]).unwrap_or(0.0))
                    .collect()
            })
            .collect();
        let (lo, hi) = min_max(values.iter().flatten().copied());
        for k in 1..12 {
            let level = lo + (hi - lo) * (k as f64 / 12.0).powi(2);
            p.contours
                .extend(contour_segments(&xs, &xs, &values, level));
        }
    }
    // Arrows where the field is not the H contours' flow: a baseline's, and a D-HNN's (its
    // dissipative part turns the flow across the contours, inwards).
    if model.energy(&[0.0, 0.0]).is_none() || model.dissipates() {
        let step = 2.0 * r / 14.0;
        let pts: Vec<f64> = (0..15).map(|i| -r + step * i as f64).collect();
        let fields: Vec<((f64, f64), [f64; 2])> = pts
            .iter()
            .flat_map(|&y| pts.iter().map(move |&x| (x, y)))
            .map(|(x, y)| {
                let mut f = [0.0; 2];
                model.field(&[x, y], &mut f);
                ((x, y), f)
            })
            .collect();
        // Scaled by a typical length, not the longest: outside the data a baseline's field
        // can be orders of magnitude larger and would shrink every other arrow to nothing.
        let mut lengths: Vec<f64> = fields.iter().map(|(_, f)| f[0].hypot(f[1])).collect();
        lengths.sort_by(f64::total_cmp);
        let typical = lengths[lengths.len() * 3 / 4].max(1e-12);
        let scale = 0.9 * step / typical;
        p.arrows = fields
            .into_iter()
            .map(|((x, y), f)| {
                let n = f[0].hypot(f[1]) * scale;
                let k = if n > 1.2 * step { 1.2 * step / n } else { 1.0 };
                [(x, y), (x + k * scale * f[0], y + k * scale * f[1])]
            })
            .collect();
    }
    p
}

/// True energy contours over the range the data and kicks cover: (θ, ω) for the rapier
/// pendulum, (q, p) for the others; none for n > 1 (no single plane holds the motion).
fn truth_portrait(lab: &Lab) -> Portrait {
    if lab.scene.system.dof() > 1 {
        return Portrait::default();
    }
    let pi = std::f64::consts::PI;
    type Energy = Box<dyn Fn(f64, f64) -> f64>;
    let (tm, wm, energy): (f64, f64, Energy) = match &lab.task {
        Task::Pixels { physics, .. } => {
            let p = *physics;
            (pi, 12.0, Box::new(move |t, w| p.energy(t, w)))
        }
        Task::Field { system, .. } => {
            let h = lab
                .scene
                .eval
                .energy
                .as_ref()
                .unwrap_or(system)
                .hamiltonian();
            let (q, p) = match system {
                SystemSpec::Spring { .. } => (1.5, 1.5),
                _ => (pi, 3.5),
            };
            (q, p, Box::new(move |a, b| h.energy(&[a, b])))
        }
    };
    let xs: Vec<f64> = (0..81).map(|i| -tm + 2.0 * tm * i as f64 / 80.0).collect();
    let ys: Vec<f64> = (0..81).map(|i| -wm + 2.0 * wm * i as f64 / 80.0).collect();
    let values: Vec<Vec<f64>> = ys
        .iter()
        .map(|&w| xs.iter().map(|&t| energy(t, w)).collect())
        .collect();
    let (lo, hi) = min_max(values.iter().flatten().copied());
    let mut contours = Vec::new();
    for k in 1..12 {
        let level = lo + (hi - lo) * (k as f64 / 12.0).powi(2);
        contours.extend(contour_segments(&xs, &ys, &values, level));
    }
    Portrait {
        bounds: [[-tm, tm], [-wm, wm]],
        contours,
        ..Default::default()
    }
}

fn min_max(v: impl Iterator<Item = f64>) -> (f64, f64) {
    v.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_portrait_job_becomes_a_portrait_that_says_so() {
        let p = guarded(|| panic!("grid exploded"));
        assert!(p.failed.as_deref().unwrap().contains("grid exploded"));
        assert!(guarded(Portrait::default).failed.is_none());
    }
}
