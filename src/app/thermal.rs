//! Where the energy goes: each column's "thermal" energy, as PhET's pendulum lab shows it —
//! what the truth's energy lost during its own motion since the last reset (friction), and
//! the same for each twin's state (an HNN twin loses none: it cannot). A D-HNN twin also
//! keeps the account of its own learned H (what it believes friction took). Kicks, drags,
//! syncs and new weights are jumps, not motion, and are kept out (`EnergyLedger`).

use bevy::prelude::*;

use super::lab::Lab;
use super::messages::{Allowed, LabAction, TruthMoved, TwinsSynced};
use super::per_model::PerModel;
use super::sim::Truth;
use super::spine::PostStep;
use super::twins::{Readouts, Twins};
use crate::nn::ModelKind;
use crate::truth::EnergyLedger;
use crate::twin::TwinWeights;

#[derive(Resource, Debug, Default)]
pub struct Thermal {
    /// The truth's energy lost to friction.
    pub truth: EnergyLedger,
    /// Each twin's true energy lost along its own motion.
    pub twins: PerModel<EnergyLedger>,
    /// Each energy model's learned H lost along its motion (its own units).
    pub learned: PerModel<EnergyLedger>,
    /// Whether the thermal bars show: the truth has friction, or something was lost.
    pub shown: bool,
    /// The truth's time at the last reading (time going back is a reset).
    last_t: f64,
    /// The weights each twin had at the last reading: new ones are a jump, not motion.
    last_weights: PerModel<Option<TwinWeights>>,
}

impl Thermal {
    /// Nothing lost, from now.
    pub fn clear(&mut self) {
        self.truth.clear();
        self.twins.iter_mut().for_each(EnergyLedger::clear);
        self.learned.iter_mut().for_each(EnergyLedger::clear);
    }
    fn jump_twins(&mut self, only: Option<ModelKind>) {
        for (k, l) in self.twins.each_mut().chain(self.learned.each_mut()) {
            if only.is_none_or(|o| o == k) {
                l.jump();
            }
        }
    }
}

pub(super) fn plugin(app: &mut App) {
    let lab = app.world().resource::<Lab>().clone();
    app.insert_resource(Thermal {
        twins: PerModel::from_fn(lab.kinds(), |_| EnergyLedger::default()),
        learned: PerModel::from_fn(lab.kinds(), |_| EnergyLedger::default()),
        last_weights: PerModel::from_fn(lab.kinds(), |_| None),
        ..default()
    })
    .add_systems(
        PostUpdate,
        account.after(PostStep::ReadTwins).before(PostStep::Show),
    );
}

/// After the twins are read: jumps this frame close their stretches, then each ledger takes
/// this frame's energy.
#[allow(clippy::too_many_arguments)]
fn account(
    mut actions: MessageReader<Allowed>,
    mut synced: MessageReader<TwinsSynced>,
    mut moved: MessageReader<TruthMoved>,
    truth: Res<Truth>,
    twins: Res<Twins>,
    readouts: Res<Readouts>,
    lab: Res<Lab>,
    mut thermal: ResMut<Thermal>,
) {
    let t = truth.0.time;
    if t < thermal.last_t {
        thermal.clear();
    }
    thermal.last_t = t;
    for Allowed(a) in actions.read() {
        match a {
            LabAction::Reset => thermal.clear(),
            // The truth (and, as their encoders see it, every twin) jumps.
            LabAction::Kick(..) | LabAction::AddTrueEnergy(..) | LabAction::SetPhysics(_) => {
                thermal.truth.jump();
                thermal.jump_twins(None);
            }
            LabAction::SetTruth(_) => thermal.truth.jump(),
            LabAction::AddEnergy(_) => thermal.jump_twins(Some(ModelKind::Hnn)),
            _ => {}
        }
    }
    for TwinsSynced(only) in synced.read() {
        thermal.jump_twins(*only);
    }
    // Put somewhere by hand (a drag, a game's start at rest).
    if moved.read().count() > 0 {
        thermal.truth.jump();
    }
    // New weights (a trainer's snapshot, loaded models): the twin's state and learned H
    // change at once, not by its motion.
    for (k, t) in twins.0.each() {
        let now = t.as_ref().map(|t| t.weights());
        let changed = match (thermal.last_weights.get(k), &now) {
            (Some(Some(old)), Some(new)) => !old.same(new),
            (Some(None), None) => false,
            _ => true,
        };
        if changed {
            thermal.jump_twins(Some(k));
            if let Some(w) = thermal.last_weights.get_mut(k) {
                *w = now;
            }
        }
    }
    let th = &mut *thermal;
    th.truth.observe(truth.0.energy());
    for ((_, r), (l, learned)) in readouts
        .0
        .each()
        .zip(th.twins.iter_mut().zip(th.learned.iter_mut()))
    {
        match r {
            Some(r) => {
                l.observe(r.energy);
                if let Some(h) = r.learned {
                    learned.observe(h);
                }
            }
            None => {
                l.jump();
                learned.jump();
            }
        }
    }
    thermal.shown = !lab.scene.total_friction().is_none() || thermal.truth.lost().abs() > 1e-9;
}
