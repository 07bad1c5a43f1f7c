//! The help overlay (F1 or "?"): what a Hamiltonian is, what each view and plot shows, what
//! the HNN and the baseline learned, and every keyboard shortcut.

use bevy::prelude::*;
use bevy_egui::egui;

/// Whether the help overlay is open.
#[derive(Resource, Default, Debug)]
pub struct HelpOpen(pub bool);

const ABOUT: &[(&str, &str)] = &[
    (
        "Hamiltonian",
        "A system's energy H(q, p) as a function of its position q and momentum p. It \
         decides the motion: dq/dt = ∂H/∂p, dp/dt = −∂H/∂q. Moving this way keeps H \
         constant: energy is conserved.",
    ),
    (
        "HNN twin",
        "A network that learned a function H from observations (here two 28×28 frames, \
         encoded to a 2-d latent state), and moves along its contours. Whatever it learned, \
         it keeps its learned H: it cannot gain or lose energy on its own.",
    ),
    (
        "Baseline twin",
        "The same network predicting the motion directly. Nothing ties it to an energy, so \
         small errors pile up: it spirals in or out.",
    ),
    (
        "Views",
        "Left: the truth (the rapier2d pendulum, or the scene's system). Then one column per \
         twin the scene names, each drawn where its state says (a pixel twin at the angle \
         read off its decoded frame), the truth as a faint ghost. Below each: its frame, and \
         energy bars (K kinetic, U potential, E total; Q thermal with friction).",
    ),
    (
        "Plots",
        "Energy over time (truth white, its frame reading grey, twins in colour); the HNN's \
         learned H (flat while it runs on its own); the true phase plane with energy \
         contours; each twin's latent plane with its learned H or vector field.",
    ),
    (
        "Many bodies",
        "Double pendulum and orbits: each twin moves its canonical state (angles and \
         momenta, or positions and momenta). The clock under a twin counts how long it has \
         stayed with the truth since the last sync; the phase plots show one degree of \
         freedom at a time, or the Poincaré section (every upward pass of the upper rod \
         through the vertical).",
    ),
    (
        "Friction, D-HNN",
        "With friction the truth loses energy: the fourth bar, Q, collects it (K + U + Q \
         stays put). An HNN cannot lose energy; a Dissipative HNN (green) learns two \
         functions, an energy H it conserves and a dissipation D it follows downhill, so it \
         slows with the truth. The Friction slider changes the truth's friction; the D-HNN \
         follows by scaling its learned dissipation, untrained.",
    ),
    (
        "Instruments",
        "Under each column the period of its last full swing (successive upward crossings \
         of the rest position). A stopwatch on simulated time, and Export CSV: the last \
         minute of every state and energy.",
    ),
    (
        "Integrator",
        "How the twins step their learned dynamics. RK4 is accurate per step but its energy \
         error drifts; leapfrog keeps it bounded. Take large steps to see it.",
    ),
    (
        "Game",
        "Kick the truth into the gold band and hold it 5 s; the twins take the same kicks. \
         Player: 100 for the hold, −2 per second beyond the hold itself (a lost round: up \
         to 50 for the longest hold). Twins: 100 × (1 − mean angle error / 0.5 rad).",
    ),
];

const KEYS: &[(&str, &str)] = &[
    ("Left / Right", "kick the truth (its first bob or body)"),
    (
        "Shift / Ctrl + Left / Right",
        "kick the second / third bob or body",
    ),
    ("O", "many bodies: side by side or overlaid"),
    ("E", "add learned energy to the HNN twin"),
    ("S", "sync the twins to the truth"),
    ("Space / N / R", "pause · step one frame · reset"),
    ("1 2 3 4", "time rate ¼× ½× 1× 2×"),
    (
        "drag a bob",
        "move the truth (either bob of a double pendulum); release to re-sync",
    ),
    ("G", "gravity preset: Earth, Moon, Jupiter in turn"),
    (
        "L / Shift+L, M / Shift+M",
        "rod longer / shorter, heavier / lighter",
    ),
    ("I", "twins' integrator: RK4 or leapfrog"),
    ("[ / ]", "smaller / larger twin step"),
    (
        "T / Shift+T",
        "start or pause training / retrain on the new physics",
    ),
    (
        "F2",
        "start or abandon a game round (Esc closes its result)",
    ),
    ("F3", "restart the lesson"),
    ("F1 or ?", "this help"),
    ("F12 or P", "screenshot"),
    (
        "Tab, arrows",
        "move between and change the panel's buttons and sliders",
    ),
];

pub fn show(ctx: &egui::Context, open: &mut HelpOpen) {
    if !open.0 {
        return;
    }
    egui::Window::new("Help")
        .open(&mut open.0)
        .collapsible(false)
        .resizable(false)
        .default_width(720.0)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(-150.0, -60.0))
        .show(ctx, |ui| {
            ui.columns(2, |cols| {
                egui::Grid::new("help about")
                    .num_columns(2)
                    .spacing([8.0, 6.0])
                    .show(&mut cols[0], |ui| {
                        for (k, v) in ABOUT {
                            ui.label(egui::RichText::new(*k).strong());
                            ui.add(egui::Label::new(*v).wrap());
                            ui.end_row();
                        }
                    });
                cols[1].label(egui::RichText::new("Keys").strong());
                egui::Grid::new("help keys")
                    .num_columns(2)
                    .striped(true)
                    .show(&mut cols[1], |ui| {
                        for (k, v) in KEYS {
                            ui.label(egui::RichText::new(*k).monospace());
                            ui.label(*v);
                            ui.end_row();
                        }
                    });
            });
        });
}
