//! The order of one frame, written once. Each feature puts its systems into one of these
//! sets; the sets are chained here, so no feature names another to order itself after it.
//!
//! - `PreUpdate`, [`Frame`]: shipped models that came since the last frame, in a web page
//!   (`Arrive`), a lesson's cues and the lesson menu (`Script`), the game's
//!   rules judging every requested action (`Rules`), the simulation applying what they
//!   allowed (`Apply`), the divergence clocks and sections restarting after a sync (`Track`),
//!   the trainers taking their commands (`Train`).
//! - `FixedUpdate`, [`SimStep`]: the truth steps (`Truth`), then the twins (`Twins`), then
//!   the clocks and sections read both (`Record`).
//! - `PostUpdate`, [`PostStep`]: the twins read off (`ReadTwins`), then everything that shows or
//!   scores what they read (`Show`: the game's clock, the overlays' series and portraits,
//!   the pendulums drawn).

use bevy::prelude::*;

/// This frame's requests turned into changes, in this order (`PreUpdate`).
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Frame {
    /// Files fetched while the app runs (a web page's shipped models) are taken in.
    Arrive,
    Script,
    Rules,
    Apply,
    /// What follows the twins (divergence clocks, sections) restarts after a sync.
    Track,
    Train,
}

/// One physics step, in this order (`FixedUpdate`).
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SimStep {
    Truth,
    Twins,
    /// The clocks and sections read the step's states.
    Record,
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
        (
            Frame::Arrive,
            Frame::Script,
            Frame::Rules,
            Frame::Apply,
            Frame::Track,
            Frame::Train,
        )
            .chain(),
    )
    .configure_sets(
        FixedUpdate,
        (SimStep::Truth, SimStep::Twins, SimStep::Record).chain(),
    )
    .configure_sets(PostUpdate, (PostStep::ReadTwins, PostStep::Show).chain());
}
