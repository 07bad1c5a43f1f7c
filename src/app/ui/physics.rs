//! Physics and integration controls: gravity (with Earth, Moon and Jupiter presets), the rods'
//! lengths and masses of the pendulums, the orbiting bodies' masses, and how the twins
//! integrate their learned dynamics. When the truth's physics leave what the twins learned, the panel says so and
//! offers a retrain on the new physics.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;

use crate::app::actions::integrator_name;
use crate::app::twins::{TwinIntegration, TWIN_STEPS};
use crate::app::{Lab, LabAction, TrainAction, Truth};
use crate::scene::SystemSpec;
use crate::twin::Integrator;

/// Gravity presets (m/s²), in the order the G key cycles them.
pub const GRAVITY_PRESETS: [(&str, f64); 3] = [("Earth", 9.81), ("Moon", 1.62), ("Jupiter", 24.79)];

#[derive(SystemParam)]
pub struct PhysicsParams<'w> {
    pub lab: Res<'w, Lab>,
    pub truth: Res<'w, Truth>,
    pub integration: Res<'w, TwinIntegration>,
}

/// Where the panel's actions go (the writers the other panels also use: one per system).
pub struct Senders<'a, 'w, 'v> {
    pub actions: &'a mut MessageWriter<'w, LabAction>,
    pub train: &'a mut MessageWriter<'v, TrainAction>,
}

/// The settings of the truth's system that make sense to change: gravity, rod lengths and
/// masses (pendulums), the bodies' masses (orbits). None for systems without any.
pub fn physics(ui: &mut egui::Ui, p: &PhysicsParams, system: &SystemSpec, out: &mut Senders) {
    let mut s = system.clone();
    let slider =
        |ui: &mut egui::Ui, v: &mut f64, range: std::ops::RangeInclusive<f64>, text: &str| {
            ui.add(
                egui::Slider::new(v, range)
                    // A lesson may set values beyond the slider's range: only edits are clamped.
                    .clamping(egui::SliderClamping::Edits)
                    .text(text),
            );
        };
    let gravity = |ui: &mut egui::Ui, g: &mut f64| {
        ui.horizontal(|ui| {
            for (name, preset) in GRAVITY_PRESETS {
                if ui
                    .selectable_label((*g - preset).abs() < 1e-9, name)
                    .on_hover_text(format!("g = {preset} m/s² (G cycles the presets)"))
                    .clicked()
                {
                    *g = preset;
                }
            }
        });
        ui.add(
            egui::Slider::new(g, 0.5..=30.0)
                .logarithmic(true)
                .clamping(egui::SliderClamping::Edits)
                .text("gravity (m/s²)"),
        );
    };
    match &mut s {
        SystemSpec::RapierPendulum(r) => {
            gravity(ui, &mut r.gravity);
            slider(ui, &mut r.length, 0.5..=2.0, "rod length (m) · L / Shift+L");
            slider(ui, &mut r.mass, 0.2..=5.0, "rod mass (kg) · M / Shift+M");
        }
        SystemSpec::RapierDoublePendulum(r) => {
            gravity(ui, &mut r.gravity);
            slider(ui, &mut r.l1, 0.3..=2.0, "upper rod length (m)");
            slider(ui, &mut r.l2, 0.3..=2.0, "lower rod length (m)");
            slider(ui, &mut r.m1, 0.2..=5.0, "upper rod mass (kg)");
            slider(ui, &mut r.m2, 0.2..=5.0, "lower rod mass (kg)");
        }
        SystemSpec::DoublePendulum { m1, m2, l1, l2, g } => {
            gravity(ui, g);
            slider(ui, l1, 0.3..=2.0, "upper rod length (m)");
            slider(ui, l2, 0.3..=2.0, "lower rod length (m)");
            slider(ui, m1, 0.2..=5.0, "upper mass (kg)");
            slider(ui, m2, 0.2..=5.0, "lower mass (kg)");
        }
        SystemSpec::Gravity { masses, .. } => {
            for (i, m) in masses.iter_mut().enumerate() {
                slider(ui, m, 0.2..=5.0, &format!("mass of body {}", i + 1));
            }
        }
        _ => {}
    }
    if &s != system {
        out.actions.write(LabAction::SetPhysics(s));
    }
    retrain_notice(ui, p, out);
}

/// When the truth's physics (friction included) left what the twins learned: says so, and
/// offers a retrain on the new physics.
pub fn retrain_notice(ui: &mut egui::Ui, p: &PhysicsParams, out: &mut Senders) {
    if p.lab.physics_changed() {
        let learned = p.lab.trained_on.describe();
        egui::Frame::new()
            .fill(egui::Color32::from_rgb(70, 50, 20))
            .inner_margin(6.0)
            .corner_radius(4.0)
            .show(ui, |ui| {
                ui.label(
                    egui::RichText::new(format!(
                        "The twins learned {learned}. The truth now moves under other \
                         physics, outside their training data: watch them fail to keep \
                         up. That is the lesson, not a bug — a learned model knows only \
                         the world it was shown."
                    ))
                    .color(egui::Color32::from_rgb(255, 220, 150)),
                );
                ui.horizontal(|ui| {
                    ui.label("Retrain on the new physics:");
                    if p.lab.pixels().is_some()
                        && ui
                        .button("from current weights")
                        .on_hover_text("T with Shift: a new dataset from the rapier pendulum, training on from the twins' weights")
                        .clicked()
                    {
                        out.train.write(TrainAction::Retrain {
                            from_scratch: false,
                        });
                    }
                    if ui.button("from scratch").clicked() {
                        out.train.write(TrainAction::Retrain { from_scratch: true });
                    }
                });
            });
    }
}

/// Whether the truth has a friction to set here: a simulated spring, pendulum or double
/// pendulum, or the rapier rods (not a recording, not orbits).
pub fn has_friction(lab: &Lab, system: &SystemSpec, interactive: bool) -> bool {
    interactive
        && !lab.draws_orbits()
        && matches!(
            system,
            SystemSpec::Spring { .. }
                | SystemSpec::Pendulum { .. }
                | SystemSpec::DoublePendulum { .. }
                | SystemSpec::RapierPendulum(_)
                | SystemSpec::RapierDoublePendulum(_)
        )
}

/// Friction, as PhET's slider: the truth slows; a D-HNN twin follows at once by scaling its
/// learned dissipation (γ′/γ), untrained; the HNN cannot. And the thermal energy's "clear".
pub fn friction(
    ui: &mut egui::Ui,
    p: &PhysicsParams,
    thermal: &mut crate::app::Thermal,
    out: &mut Senders,
) {
    let now = p.lab.scene.total_friction().strength();
    let trained = p.lab.trained_on.total_friction().strength();
    let top = (3.0 * trained).max(0.5);
    let mut v = now;
    let unit = if p.lab.scene.system.with_own_friction(0.0).is_some() {
        " (N·m·s)"
    } else {
        ""
    };
    let r = ui.add(
        egui::Slider::new(&mut v, 0.0..=top)
            .clamping(egui::SliderClamping::Edits)
            .text(format!("friction γ{unit}")),
    );
    if r.changed() && v != now {
        out.actions.write(LabAction::SetFriction(v));
    }
    let mut lines = vec![format!(
        "The twins learned γ = {trained:.3}; the truth now has γ = {now:.3}."
    )];
    if p.lab.kinds().contains(&crate::nn::ModelKind::Dhnn) {
        lines.push(format!(
            "The D-HNN twin follows by scaling its learned dissipation by {:.2}, untrained; the HNN \
             twin cannot lose energy at all.",
            p.lab.dissipation_scale(crate::nn::ModelKind::Dhnn)
        ));
    }
    ui.label(egui::RichText::new(lines.join(" ")).small());
    ui.horizontal(|ui| {
        ui.label(
            egui::RichText::new(format!(
                "thermal (Q): {:.3} taken from the truth",
                thermal.truth.lost()
            ))
            .small(),
        );
        if ui
            .button("Clear")
            .on_hover_text("start counting the thermal energy again")
            .clicked()
        {
            thermal.clear();
        }
    });
}

pub fn integration(ui: &mut egui::Ui, p: &PhysicsParams, out: &mut Senders) {
    let cfg = &*p.integration;
    ui.horizontal(|ui| {
        for (i, hint) in [
            (Integrator::Rk4, "Runge–Kutta 4: accurate per step, but its energy error grows step after step"),
            (Integrator::Leapfrog, "Leapfrog (generalized Störmer–Verlet): symplectic for any learned H; its energy error stays bounded instead of drifting"),
        ] {
            if ui
                .selectable_label(cfg.integrator == i, integrator_name(i))
                .on_hover_text(format!("{hint} (I toggles)"))
                .clicked()
            {
                out.actions.write(LabAction::SetIntegrator(i));
            }
        }
    });
    let unit = match p.lab.pixels() {
        Some((physics, data)) => {
            let k = data.steps_per_frame(physics).unwrap_or(1) as f64;
            format!("{:.2} frames", cfg.every as f64 / k)
        }
        None => format!("{:.3} s", cfg.every as f64 * p.truth.0.dt),
    };
    ui.horizontal(|ui| {
        ui.label("step").on_hover_text("[ and ] change it");
        for n in TWIN_STEPS {
            if ui
                .selectable_label(cfg.every == n, format!("×{n}"))
                .on_hover_text("physics steps per twin step")
                .clicked()
            {
                out.actions.write(LabAction::SetTwinStep(n));
            }
        }
    });
    ui.label(
        egui::RichText::new(format!(
            "One twin step = {} physics steps = {unit}. Large steps show the difference: \
             RK4's energy drifts, leapfrog's stays bounded (energy plot).",
            cfg.every
        ))
        .small()
        .weak(),
    );
}
