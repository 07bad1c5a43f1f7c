//! The order of one frame, written once. Each feature puts its systems into one of these
//! sets; the sets are chained here, so no feature names another to order itself after it.
//!
//! - `PreUpdate`, [`Frame`]: a lesson's cues and the lesson menu (`Script`), the game's
//!   rules judging every requested action (`Rules`), the simulation applying what they
//!   allowed (`Apply`), the trainers taking their commands (`Train`).
//! - `FixedUpdate`, [`SimStep`]: the truth steps (`Truth`), then the twins (`Twins`).
//! - `PostUpdate`, [`PostStep`]: the twins read off (`ReadTwins`), then everything that shows or
//!   scores what they read (`Show`: the game's clock, the overlays' series and portraits,
//!   the pendulums drawn).

use bevy::prelude::*;

/// This frame's requests turned into changes, in this order (`PreUpdate`).
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Frame {
    Script,
    Rules,
    Apply,
    Train,
}

/// One physics step, in this order (`FixedUpdate`).
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SimStep {
    Truth,
    Twins,
}

/// What the step did, read off and then shown (`PostUpdate`).
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PostStep {
    ReadTwins,
    Show,
}

pub(super) fn plugin(app: &mut App) {
    app.configure_sets(
        PreUpdate,
        (Frame::Script, Frame::Rules, Frame::Apply, Frame::Train).chain(),
    )
    .configure_sets(FixedUpdate, (SimStep::Truth, SimStep::Twins).chain())
    .configure_sets(PostUpdate, (PostStep::ReadTwins, PostStep::Show).chain());
}
