//! Simulation controls: play/pause/step, time rate, reset, sync, kicks, adding learned energy,
//! screenshots, and a readout of every pendulum's state and energy.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;

use super::c32;
use crate::app::capture::TakeScreenshot;
use crate::app::view::{column_color, Layout};
use crate::app::{
    Clocks, Lab, LabAction, LastAction, Readouts, SimControl, Training, Truth, RATES,
};

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
    pub clocks: Res<'w, Clocks>,
    pub layout: ResMut<'w, Layout>,
    pub thermal: ResMut<'w, crate::app::Thermal>,
    pub instruments: ResMut<'w, crate::app::instruments::Instruments>,
}

/// A body's name on the buttons: the bobs of a chain, or numbered bodies.
pub fn body_name(lab: &Lab, body: usize, bodies: usize) -> String {
    if lab.draws_rod() && bodies == 2 {
        ["upper bob", "lower bob"][body].into()
    } else {
        format!("body {}", body + 1)
    }
}

/// The key that kicks `body`: arrows alone, with Shift, with Ctrl.
pub const KICK_KEYS: [&str; 3] = ["←/→", "Shift+←/→", "Ctrl+←/→"];

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
    let bodies = p.truth.0.bodies();
    let orbits = p.lab.draws_orbits();
    for body in 0..bodies {
        ui.horizontal(|ui| {
            if bodies > 1 {
                ui.label(body_name(&p.lab, body, bodies));
            }
            let keys = KICK_KEYS.get(body).copied().unwrap_or("");
            let (back, on) = if orbits {
                ("◀ Slow", "Speed up ▶")
            } else {
                ("◀ Kick", "Kick ▶")
            };
            let hover = if orbits {
                "an impulse against / along its motion; the others are pushed back, so the \
                 centre of mass stays"
            } else {
                "an impulse to the left / right"
            };
            if ui
                .button(back)
                .on_hover_text(format!("{keys}: {hover}"))
                .clicked()
            {
                p.actions.write(LabAction::Kick(body, -p.settings.kick));
            }
            if ui
                .button(on)
                .on_hover_text(format!("{keys}: {hover}"))
                .clicked()
            {
                p.actions.write(LabAction::Kick(body, p.settings.kick));
            }
        });
    }
    if p.lab.scene.system.dof() > 1 {
        let mut overlaid = *p.layout == Layout::Overlaid;
        if ui
            .checkbox(&mut overlaid, "Overlaid: truth and twins in one place")
            .on_hover_text("O: side by side, or drawn over each other")
            .changed()
        {
            *p.layout = if overlaid {
                Layout::Overlaid
            } else {
                Layout::SideBySide
            };
        }
    }
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
    let x = p.truth.0.state();
    let n = x.len() / 2;
    let truth_row = (x.clone(), p.truth.0.energy(), None);
    let kinds = p.lab.kinds();
    let rows: Vec<_> = std::iter::once(Some(truth_row))
        .chain(
            p.readouts
                .0
                .iter()
                .map(|r| r.as_ref().map(|r| (r.state.clone(), r.energy, r.learned))),
        )
        .collect();
    let row_names: Vec<&str> = std::iter::once("Truth")
        .chain(kinds.iter().map(|k| k.label()))
        .collect();
    let (q, v, e) = p.lab.units();
    let energy = format!("E ({e})");
    // One degree of freedom: the state itself; more: the energies and the clocks.
    let heads: Vec<&str> = if n == 1 {
        vec!["", q, v, energy.as_str(), "learned H"]
    } else {
        vec!["", energy.as_str(), "learned H", "with the truth"]
    };
    let now = p.truth.0.time;
    egui::Grid::new("readouts").striped(true).show(ui, |ui| {
        for h in heads {
            ui.label(egui::RichText::new(h).small());
        }
        ui.end_row();
        for (c, row) in rows.iter().enumerate() {
            ui.label(egui::RichText::new(row_names[c]).color(c32(column_color(kinds, c))));
            match row {
                Some((s, e, h)) => {
                    if n == 1 {
                        ui.label(format!("{:+.2}", s[0]));
                        ui.label(format!("{:+.2}", s[1]));
                    }
                    ui.label(format!("{e:.3}"));
                    ui.label(h.map(|h| format!("{h:.3}")).unwrap_or_else(|| "–".into()));
                    if n > 1 {
                        ui.label(if c == 0 {
                            String::new()
                        } else {
                            clock_text(p, kinds[c - 1], now).0
                        });
                    }
                }
                None => {
                    ui.label("no model");
                }
            }
            ui.end_row();
        }
    });
}

/// What column `c` (0 the truth, then the twins) reads out under its energy bars: the energy
/// friction took (thermal, with a D-HNN twin's own learned account).
pub fn column_readings(p: &ControlsParams, c: usize) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(t) = p.instruments.timers.get(c).and_then(|t| t.period()) {
        lines.push(format!("period {t:.3} s"));
    }
    let th = &p.thermal;
    if th.shown {
        let (_, _, unit) = p.lab.units();
        let lost = if c == 0 {
            Some(th.truth.lost())
        } else {
            th.twins.0.get(c - 1).map(|(_, l)| l.lost())
        };
        if let Some(q) = lost {
            lines.push(format!("thermal {q:.3} {unit}"));
        }
        if let Some((crate::nn::ModelKind::Dhnn, l)) =
            (c > 0).then(|| th.learned.0.get(c - 1)).flatten()
        {
            lines.push(format!("its own account {:.3}", l.lost()));
        }
    }
    lines
}

/// The instruments: the stopwatch on simulated time, and the last minute as CSV.
pub fn instruments(ui: &mut egui::Ui, p: &mut ControlsParams) {
    let now = p.truth.0.time;
    ui.horizontal(|ui| {
        let sw = &mut p.instruments.stopwatch;
        ui.label(
            egui::RichText::new(format!("⏱ {:.2} s", sw.reading(now)))
                .monospace()
                .size(16.0),
        );
        let label = if sw.started.is_some() {
            "Stop"
        } else {
            "Start"
        };
        if ui
            .button(label)
            .on_hover_text("a stopwatch on the simulation's clock")
            .clicked()
        {
            sw.toggle(now);
        }
        if ui.button("Reset").clicked() {
            sw.reset();
        }
    });
    if p.instruments.timed {
        ui.label(
            egui::RichText::new(
                "Period timers under each column: the time between two crossings of the \
                 rest position in the same direction.",
            )
            .small()
            .weak(),
        );
    }
    ui.horizontal(|ui| {
        let rows = p.instruments.recording.len();
        if ui
            .button("Export CSV")
            .on_hover_text(format!(
                "the truth's and the twins' states and energies over the last {:.0} s ({rows} rows)",
                crate::app::instruments::EXPORT_SPAN_S
            ))
            .clicked()
        {
            let done = crate::app::instruments::export_csv(&p.lab, &p.instruments.recording);
            p.instruments.exported = Some(match done {
                Ok(w) => format!("saved {w}"),
                Err(e) => format!("export failed: {e:#}"),
            });
        }
    });
    if let Some(e) = &p.instruments.exported {
        ui.label(egui::RichText::new(e).small());
    }
}

/// A twin's divergence clock in words, and whether it has left the truth.
pub fn clock_text(p: &ControlsParams, kind: crate::nn::ModelKind, now: f64) -> (String, bool) {
    let Some(c) = p.clocks.twins.as_ref().map(|c| &c[kind]) else {
        return (String::new(), false);
    };
    if p.readouts.0[kind].is_none() {
        return (String::new(), false); // no twin, no clock
    }
    match c.valid_for(now) {
        Some(s) if c.has_left() => (format!("left the truth after {s:.1} s"), true),
        Some(s) => (format!("with the truth for {s:.1} s"), false),
        None => (String::new(), false),
    }
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
    let alerts: Vec<String> = p
        .training
        .models
        .each()
        .filter_map(|(kind, m)| {
            m.error
                .as_deref()
                .map(|e| format!("{}: {}", kind.label(), headline(e)))
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
