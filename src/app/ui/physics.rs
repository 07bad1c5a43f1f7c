//! Physics and integration controls: gravity (with Earth, Moon and Jupiter presets), rod
//! length and mass of the rapier pendulum, and how the twins integrate their learned
//! dynamics. When the truth's physics leave what the twins learned, the panel says so and
//! offers a retrain on the new physics.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;

use crate::app::actions::integrator_name;
use crate::app::twins::{TwinIntegration, TWIN_STEPS};
use crate::app::{Lab, LabAction, TrainAction, Truth};
use crate::physics::RapierSpec;
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

/// Gravity, length and mass of the rapier pendulum (other scenes have no such section).
pub fn physics(ui: &mut egui::Ui, p: &PhysicsParams, spec: RapierSpec, out: &mut Senders) {
    let mut s = spec;
    ui.horizontal(|ui| {
        for (name, g) in GRAVITY_PRESETS {
            if ui
                .selectable_label((s.gravity - g).abs() < 1e-9, name)
                .on_hover_text(format!("g = {g} m/s² (G cycles the presets)"))
                .clicked()
            {
                s.gravity = g;
            }
        }
    });
    ui.add(
        egui::Slider::new(&mut s.gravity, 0.5..=30.0)
            .logarithmic(true)
            // A lesson may set values beyond the slider's range: only edits are clamped.
            .clamping(egui::SliderClamping::Edits)
            .text("gravity (m/s²)"),
    );
    ui.add(
        egui::Slider::new(&mut s.length, 0.5..=2.0)
            .clamping(egui::SliderClamping::Edits)
            .text("rod length (m) · L / Shift+L"),
    );
    ui.add(
        egui::Slider::new(&mut s.mass, 0.2..=5.0)
            .clamping(egui::SliderClamping::Edits)
            .text("rod mass (kg) · M / Shift+M"),
    );
    if s != spec {
        out.actions.write(LabAction::SetPhysics(s));
    }
    if p.lab.physics_changed() {
        let learned = match p.lab.trained_on {
            SystemSpec::RapierPendulum(t) => format!(
                "g = {:.2} m/s², l = {:.2} m, m = {:.2} kg",
                t.gravity, t.length, t.mass
            ),
            _ => "other physics".into(),
        };
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
                    if ui
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
