//! Simulation controls: play/pause/step, time rate, reset, sync, kicks, adding learned energy,
//! screenshots, and a readout of every pendulum's state and energy.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;

use super::c32;
use crate::app::capture::TakeScreenshot;
use crate::app::view::COLORS;
use crate::app::{Lab, LabAction, LastAction, Readouts, SimControl, Training, Truth, RATES};

/// The strengths the kick and add-energy buttons use (also used by the keys).
#[derive(Resource, Debug, Clone)]
pub struct ControlSettings {
    /// N·m·s.
    pub kick: f64,
    /// Latent units of the HNN's learned H.
    pub add_energy: f64,
}

#[derive(SystemParam)]
pub struct ControlsParams<'w> {
    pub ctl: Res<'w, SimControl>,
    pub settings: ResMut<'w, ControlSettings>,
    pub actions: MessageWriter<'w, LabAction>,
    pub shots: MessageWriter<'w, TakeScreenshot>,
    pub last: Res<'w, LastAction>,
    pub truth: Res<'w, Truth>,
    pub readouts: Res<'w, Readouts>,
    pub lab: Res<'w, Lab>,
    pub training: Res<'w, Training>,
}

pub fn show(ui: &mut egui::Ui, p: &mut ControlsParams) {
    ui.heading("Simulation");
    ui.horizontal(|ui| {
        let label = if p.ctl.paused {
            "▶ Play"
        } else {
            "⏸ Pause"
        };
        if ui.button(label).on_hover_text("Space").clicked() {
            p.actions.write(LabAction::TogglePause);
        }
        if ui
            .button("Step")
            .on_hover_text("N: one frame interval")
            .clicked()
        {
            p.actions.write(LabAction::StepFrame);
        }
        if ui.button("Reset").on_hover_text("R").clicked() {
            p.actions.write(LabAction::Reset);
        }
        if ui
            .button("Sync twins")
            .on_hover_text("S: encode the truth's last two frames")
            .clicked()
        {
            p.actions.write(LabAction::Sync);
        }
    });
    ui.horizontal(|ui| {
        ui.label("Time rate");
        for (i, r) in RATES.iter().enumerate() {
            let text = ["¼×", "½×", "1×", "2×"][i];
            if ui
                .selectable_label((p.ctl.rate - r).abs() < 1e-9, text)
                .on_hover_text(format!("key {}", i + 1))
                .clicked()
            {
                p.actions.write(LabAction::SetRate(*r));
            }
        }
    });
    let kick_unit = if p.lab.pixels().is_some() {
        "kick (N·m·s)"
    } else {
        "kick (Δp)"
    };
    ui.add(
        egui::Slider::new(&mut p.settings.kick, 0.05..=1.5)
            .text(kick_unit)
            .max_decimals(2),
    );
    ui.horizontal(|ui| {
        if ui
            .button("◀ Kick")
            .on_hover_text("Left arrow key")
            .clicked()
        {
            p.actions.write(LabAction::Kick(-p.settings.kick));
        }
        if ui
            .button("Kick ▶")
            .on_hover_text("Right arrow key")
            .clicked()
        {
            p.actions.write(LabAction::Kick(p.settings.kick));
        }
    });
    ui.add(
        egui::Slider::new(&mut p.settings.add_energy, 0.001..=1.0)
            .logarithmic(true)
            .text("ΔH (learned units)"),
    );
    if ui
        .button("Add energy to the HNN twin")
        .on_hover_text("E: a step along the gradient of its learned H. The truth is untouched; the twin moves to a larger orbit of its learned H")
        .clicked()
    {
        p.actions.write(LabAction::AddEnergy(p.settings.add_energy));
    }
    if ui.button("📷 Screenshot").on_hover_text("F12").clicked() {
        p.shots.write(TakeScreenshot(None));
    }
    let hint = if p.truth.0.interactive() {
        "Drag the truth's bob (or mass) with the mouse; release to re-sync the twins."
    } else {
        "The truth is a recording: it cannot be kicked or dragged (the twins can be given energy)."
    };
    ui.label(egui::RichText::new(hint).small().weak());
    ui.separator();
    readout_table(ui, p);
}

fn readout_table(ui: &mut egui::Ui, p: &ControlsParams) {
    let [th, om] = crate::app::two(&p.truth.0.state());
    let rows = [
        Some((th, om, p.truth.0.energy(), None)),
        p.readouts.0[crate::app::HNN]
            .as_ref()
            .map(|r| (r.state[0], r.state[1], r.energy, r.learned)),
        p.readouts.0[crate::app::BASELINE]
            .as_ref()
            .map(|r| (r.state[0], r.state[1], r.energy, r.learned)),
    ];
    let (q, v, e) = p.lab.units();
    let energy = format!("E ({e})");
    egui::Grid::new("readouts").striped(true).show(ui, |ui| {
        for h in ["", q, v, energy.as_str(), "learned H"] {
            ui.label(egui::RichText::new(h).small());
        }
        ui.end_row();
        for (c, row) in rows.iter().enumerate() {
            ui.label(egui::RichText::new(["Truth", "HNN", "Baseline"][c]).color(c32(COLORS[c])));
            match row {
                Some((t, w, e, h)) => {
                    ui.label(format!("{t:+.2}"));
                    ui.label(format!("{w:+.2}"));
                    ui.label(format!("{e:.3}"));
                    ui.label(h.map(|h| format!("{h:.3}")).unwrap_or_else(|| "–".into()));
                }
                None => {
                    ui.label("no model");
                }
            }
            ui.end_row();
        }
    });
    let note = match p.lab.pixels() {
        Some((_, data)) => format!(
            "Twins: angle and energy read off their decoded frames, as for the truth's frames. \
             Trained on |θ| < {:.2} rad: a twin pushed beyond that is outside its data.",
            data.theta_max
        ),
        None => "Twins move in (q, p) with the learned field; energy is the true H of their state."
            .into(),
    };
    ui.label(egui::RichText::new(note).small().weak());
}

/// A line over the pendulums: time, pause state, the last action.
pub fn status_overlay(ctx: &egui::Context, p: &ControlsParams, _view: Vec2) {
    egui::Area::new(egui::Id::new("status"))
        .fixed_pos(egui::pos2(10.0, 8.0))
        .interactable(false)
        .show(ctx, |ui| {
            let state = if p.ctl.paused { "paused" } else { "running" };
            ui.add(
                egui::Label::new(
                    egui::RichText::new(format!(
                        "t = {:.1} s · {state} · {}× · {}",
                        p.truth.0.time, p.ctl.rate, p.last.0
                    ))
                    .color(egui::Color32::from_gray(190)),
                )
                .extend(),
            );
        });
}

/// Why a trainer stopped, in red between the caption and the pendulums: a diverged trainer
/// must be seen, not found in a scrolled panel (which holds the full message).
pub fn trainer_alerts(ctx: &egui::Context, p: &ControlsParams) {
    let alerts: Vec<String> = ["HNN", "Baseline"]
        .iter()
        .zip(&p.training.models)
        .filter_map(|(name, m)| {
            m.error
                .as_deref()
                .map(|e| format!("{name}: {}", headline(e)))
        })
        .collect();
    if alerts.is_empty() {
        return;
    }
    egui::Area::new(egui::Id::new("trainer alerts"))
        .fixed_pos(egui::pos2(10.0, 104.0))
        .interactable(false)
        .show(ctx, |ui| {
            for a in alerts {
                ui.add(
                    egui::Label::new(
                        egui::RichText::new(a).color(egui::Color32::from_rgb(255, 120, 100)),
                    )
                    .extend(),
                );
            }
        });
}

/// The first clause of a trainer's error ("training diverged at step 47"), with what to do
/// when it diverged.
fn headline(e: &str) -> String {
    let first = e.split([':', '(']).next().unwrap_or(e).trim();
    if e.contains("diverged") {
        format!("{first} — lower the learning rate, then Reset or Load shipped")
    } else {
        first.chars().take(100).collect()
    }
}
