//! Every message the lab's parts send each other, in one place, so that a part names the
//! messages it reads or writes and not the part at the other end (the lesson player asks for
//! training without knowing the trainer; the game's rules judge actions without the action
//! system knowing there is a game).

use std::path::PathBuf;

use bevy::prelude::*;

use crate::twin::Integrator;

/// What the user, a lesson or the game asks of the simulation (judged by the game's rules,
/// then applied as [`Allowed`]).
#[derive(Message, Clone, Debug, PartialEq)]
pub enum LabAction {
    /// A kick (body, strength) to one body (0 = the first bob or body): an angular impulse
    /// (N·m·s) to the rapier pendulum, Δp of that joint for the chains, an impulse along the
    /// motion for orbits (`TruthSystem::kick_body`); each twin gets it as its own encoder sees
    /// it.
    Kick(usize, f64),
    /// Raise the HNN twin's learned H by this much (latent units), truth untouched.
    AddEnergy(f64),
    /// Re-encode the truth's latest two frames into every twin.
    Sync,
    /// Put the truth at this state: (θ, ω) for the rapier pendulum, (q₁…qₙ, p₁…pₙ) otherwise
    /// (a drag). The twins keep going until a `Sync`.
    SetTruth(Vec<f64>),
    /// Back to the start state, twins synced.
    Reset,
    SetPaused(bool),
    TogglePause,
    /// While paused: advance one frame interval (k physics steps).
    StepFrame,
    SetRate(f64),
    /// A kick to a body (as `Kick`) along the motion, changing the truth's energy by exactly
    /// this much (J or H units); the twins get it as their encoders see it.
    AddTrueEnergy(usize, f64),
    /// New constants (gravity, lengths, masses) for the truth's system (the twins keep what
    /// they learned).
    SetPhysics(crate::scene::SystemSpec),
    /// The truth's friction at this strength (γ, on the scene's rule; the rapier rod's joint
    /// friction in N·m·s); a D-HNN twin follows by scaling its ∇D (γ′/γ), untrained.
    SetFriction(f64),
    /// How the twins integrate their learned dynamics, and how many physics steps one twin
    /// step spans.
    SetIntegrator(Integrator),
    SetTwinStep(u32),
}

/// Twins were put back on the truth (a sync, a reset: all of them; a twin made from its first
/// trained weights: that one): their divergence clocks, sections and trails start again.
#[derive(Message, Clone, Debug, PartialEq)]
pub struct TwinsSynced(pub Option<crate::nn::ModelKind>);

/// The truth was put somewhere else by hand (a drag, a lesson's state, a game's start): the
/// Poincaré section and the trails do not join the state before to the state after.
#[derive(Message, Clone, Debug, PartialEq)]
pub struct TruthMoved;

/// What the last actions did, for the status line (e.g. a kick the HNN could not take).
#[derive(Resource, Default, Debug)]
pub struct LastAction(pub String);

/// An action the rules let through: what the action system applies.
#[derive(Message, Clone, Debug, PartialEq)]
pub struct Allowed(pub LabAction);

/// What the training panel can ask for.
#[derive(Message, Clone, Debug, PartialEq)]
pub enum TrainAction {
    /// Start (or resume) training both models; the first start builds the trainers,
    /// continuing from the loaded weights where there are any.
    Start,
    Pause,
    /// Both models back to fresh random weights, training from scratch.
    ResetFromScratch,
    /// Reload the shipped models into the twins (and the trainers, if any).
    LoadShipped,
    /// Save both models into the lab's save folder.
    Save,
    SetLearningRate(f64),
    SetBatchSize(usize),
    /// New trainers on the truth's current physics (a new dataset from the rapier
    /// pendulum), from the twins' current weights or from scratch, started at once.
    Retrain {
        from_scratch: bool,
    },
}

#[derive(Message, Clone, Debug, PartialEq)]
pub enum GameAction {
    /// A new round, with this target (player's unit) or the scene's next one.
    Start(Option<f64>),
    /// Stop the round being played (it is scored as abandoned).
    Abandon,
    /// Close the end-of-round screen.
    Dismiss,
}

/// What the lesson menu asks of the lesson player.
#[derive(Message, Clone, Debug, PartialEq)]
pub enum LessonCommand {
    Open(PathBuf),
    Restart,
    Stop,
}

pub(super) fn plugin(app: &mut App) {
    app.add_message::<LabAction>()
        .add_message::<Allowed>()
        .add_message::<TrainAction>()
        .add_message::<GameAction>()
        .add_message::<LessonCommand>()
        .add_message::<TwinsSynced>()
        .add_message::<TruthMoved>()
        .init_resource::<LastAction>();
}
