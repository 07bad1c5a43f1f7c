//! Shipped models that arrive after the first frame: a web page fetches them from its site
//! while the app already runs the truth (see `crate::fetched`). Each frame their progress goes
//! to the panel; when none is on its way any more, the models load as the panel's "load
//! shipped" does (a file that failed or came damaged shows why, and the user may train from
//! scratch), and training asked for at start (`&train`) begins then, from their weights.
//! Natively nothing is fetched and this does nothing.

use bevy::prelude::*;

use super::lab::{Lab, ModelStatus};
use super::messages::TrainAction;
use super::spine::Frame;

/// Training was asked for at start while models were still loading: it starts when they have.
#[derive(Resource, Default)]
pub struct StartWhenLoaded(pub bool);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<StartWhenLoaded>()
        .add_systems(PreUpdate, watch.in_set(Frame::Arrive));
}

/// Whether any of the lab's shipped models is still on its way.
pub fn any_loading(lab: &Lab) -> bool {
    lab.shipped
        .iter()
        .any(|s| matches!(s, ModelStatus::Loading { .. }))
}

fn watch(
    mut lab: ResMut<Lab>,
    mut start: ResMut<StartWhenLoaded>,
    mut train: MessageWriter<TrainAction>,
) {
    if !any_loading(lab.bypass_change_detection()) {
        return;
    }
    let mut waiting = false;
    for kind in lab.kinds().to_vec() {
        let ModelStatus::Loading { loaded, total } = lab.shipped[kind] else {
            continue;
        };
        // Once it came (or failed), `LoadShipped` reads it, or says why it cannot.
        if let Some(now) = lab.still_loading(kind) {
            waiting = true;
            if now != (loaded, total) {
                lab.shipped[kind] = ModelStatus::Loading {
                    loaded: now.0,
                    total: now.1,
                };
            }
        }
    }
    if !waiting {
        train.write(TrainAction::LoadShipped);
        if std::mem::take(&mut start.0) {
            train.write(TrainAction::Start);
        }
    }
}
