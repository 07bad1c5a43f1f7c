//! Where the energy goes: each column's "thermal" energy, as PhET's pendulum lab shows it —
//! what the truth's energy lost during its own motion since the last reset (friction), and
//! the same for each twin's state (an HNN twin loses none: it cannot). A D-HNN twin also
//! keeps the account of its own learned H (what it believes friction took). Kicks, drags,
//! syncs and new weights are jumps, not motion, and are kept out (`EnergyLedger`).

use bevy::prelude::*;

use super::lab::Lab;
use super::messages::{Allowed, LabAction, TwinsSynced};
use super::per_model::PerModel;
use super::sim::Truth;
use super::spine::PostStep;
use super::twins::Readouts;
use crate::nn::ModelKind;
use crate::truth::EnergyLedger;

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
        ..default()
    })
    .add_systems(
        PostUpdate,
        account.after(PostStep::ReadTwins).before(PostStep::Show),
    );
}

/// After the twins are read: jumps this frame close their stretches, then each ledger takes
/// this frame's energy.
fn account(
    mut actions: MessageReader<Allowed>,
    mut synced: MessageReader<TwinsSynced>,
    truth: Res<Truth>,
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
