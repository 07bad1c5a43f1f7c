//! How long each twin keeps up with the truth, and where their paths go: the divergence
//! clocks (the valid prediction time from the core, live: started by a sync, stopped when the
//! twin's state leaves the truth's) and, for the double pendulum, Poincaré sections of the
//! truth and of each twin. Both are read once per physics step, so a crossing or a departure
//! between two rendered frames is not missed.

use bevy::prelude::*;

use super::lab::{Lab, Task};
use super::messages::{TruthMoved, TwinsSynced};
use super::per_model::PerModel;
use super::sim::Truth;
use super::spine::{Frame, SimStep};
use super::twins::{TwinIntegration, Twins};
use crate::eval::{motion_scales, DivergenceClock, Section, VPT_THRESHOLD};
use crate::twin::Twin;

/// Seconds of true motion whose spread sets the clocks' scales σ.
const SCALE_SECONDS: f64 = 20.0;
/// Points each section keeps (the oldest go first).
const SECTION_POINTS: usize = 4000;

/// One clock per twin (state twins only: a pixel twin's state is a latent, compared with
/// the truth only through its frames).
#[derive(Resource)]
pub struct Clocks {
    pub twins: Option<PerModel<DivergenceClock>>,
    /// The normalised state error at which a twin counts as gone (the offline VPT's).
    pub threshold: f64,
}

/// The Poincaré section of the double pendulum (θ₁ = 0 going up, plotting (θ₂, p₂)): the
/// truth's since the last reset, each twin's since the last sync.
#[derive(Resource, Default)]
pub struct Sections {
    pub section: Option<Section>,
    pub truth: Vec<[f64; 2]>,
    pub twins: PerModel<Vec<[f64; 2]>>,
    /// Last step's states, to find crossings between steps.
    last: Option<LastStates>,
    last_time: f64,
}

/// The truth's state and each twin's (a twin without weights has none).
type LastStates = (Vec<f64>, PerModel<Option<Vec<f64>>>);

pub(super) fn plugin(app: &mut App) {
    let lab = app.world().resource::<Lab>().clone();
    let truth = &app.world().resource::<Truth>().0;
    let clocks = match &lab.task {
        Task::Field { .. } => {
            let h = lab.scene.dynamics();
            let sigma = motion_scales(h.as_ref(), &truth.state(), SCALE_SECONDS, truth.dt);
            let mut c = DivergenceClock::new(sigma, VPT_THRESHOLD);
            c.sync(truth.time);
            Some(PerModel::from_fn(lab.kinds(), |_| c.clone()))
        }
        Task::Pixels { .. } => None,
    };
    let section = (lab.draws_rod() && lab.scene.system.dof() == 2).then_some(Section {
        dof: 2,
        through: 0,
        plot: 1,
        angles: true,
    });
    app.insert_resource(Clocks {
        twins: clocks,
        threshold: VPT_THRESHOLD,
    })
    .insert_resource(Sections {
        section,
        twins: PerModel::from_fn(lab.kinds(), |_| Vec::new()),
        ..default()
    })
    .add_systems(PreUpdate, restart.in_set(Frame::Track))
    .add_systems(FixedUpdate, follow.in_set(SimStep::Record));
}

/// A sync or a reset: the clocks start again from now, the twins' sections empty; a truth
/// moved by hand: no crossing is looked for across the jump.
fn restart(
    mut synced: MessageReader<TwinsSynced>,
    mut moved: MessageReader<TruthMoved>,
    truth: Res<Truth>,
    mut clocks: ResMut<Clocks>,
    mut sections: ResMut<Sections>,
) {
    if moved.read().count() > 0 {
        sections.last = None;
    }
    for TwinsSynced(only) in synced.read() {
        let kinds = sections.twins.kinds();
        for k in kinds.into_iter().filter(|k| only.is_none_or(|o| o == *k)) {
            if let Some(c) = clocks.twins.as_mut() {
                c[k].sync(truth.0.time);
            }
            sections.twins[k].clear();
            // The truth's last state stays (its next crossing is still found); the twin
            // jumped.
            if let Some((_, z)) = sections.last.as_mut() {
                z[k] = None;
            }
        }
    }
}

/// After each physics step: every clock observes its twin against the truth, and the
/// sections take the crossings made during the step.
fn follow(
    truth: Res<Truth>,
    twins: Res<Twins>,
    integration: Res<TwinIntegration>,
    mut clocks: ResMut<Clocks>,
    mut sections: ResMut<Sections>,
) {
    let t = truth.0.time;
    let x = truth.0.state();
    // A twin stepping every k physics steps is at the truth's time only when it has stepped.
    let in_step = integration.count == 0;
    let states: PerModel<Option<Vec<f64>>> = twins.0.map(|_, t| match t {
        Some(Twin::Field(f)) if in_step => Some(f.x.clone()),
        _ => None,
    });
    if let Some(c) = clocks.twins.as_mut() {
        for (k, c) in c.each_mut() {
            if let Some(z) = &states[k] {
                c.observe(t, &x, z);
            }
        }
    }
    let Some(section) = sections.section else {
        return;
    };
    if t < sections.last_time {
        sections.truth.clear(); // a reset
        sections.last = None;
    }
    sections.last_time = t;
    let previous = sections.last.take();
    if let Some((x0, z0)) = &previous {
        if let Some(p) = section.crossing(x0, &x) {
            push(&mut sections.truth, p);
        }
        for (k, z0) in z0.each() {
            if let (Some(a), Some(b)) = (z0, &states[k]) {
                if let Some(p) = section.crossing(a, b) {
                    push(&mut sections.twins[k], p);
                }
            }
        }
    }
    // A twin that did not step this time keeps its last state for the next crossing test.
    let next = states.map(|k, s| {
        s.clone()
            .or_else(|| previous.as_ref().and_then(|(_, z)| z[k].clone()))
    });
    sections.last = Some((x, next));
}

fn push(v: &mut Vec<[f64; 2]>, p: [f64; 2]) {
    if v.len() == SECTION_POINTS {
        v.remove(0);
    }
    v.push(p);
}
