//! The game panel (start, kicks left, hold progress) and the end-of-round screen with the
//! three scores, the winner and the best-score table.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;

use super::c32;
use crate::app::game::{target_text, BestScoreTable, GameRound};
use crate::app::view::{BASELINE_COLOR, HNN_COLOR, TRUTH_COLOR};

/// The players' colours: you (the truth's), the HNN's, the baseline's.
const COLORS: [bevy::prelude::Color; 3] = [TRUTH_COLOR, HNN_COLOR, BASELINE_COLOR];
use crate::app::GameAction;
use crate::app::{Lab, Truth};
use crate::game::{Outcome, PLAYERS};

#[derive(SystemParam)]
pub struct GameParams<'w> {
    pub game: Res<'w, GameRound>,
    pub best: Res<'w, BestScoreTable>,
    pub lab: Res<'w, Lab>,
    pub truth: Res<'w, Truth>,
    pub actions: MessageWriter<'w, GameAction>,
}

pub fn show(ui: &mut egui::Ui, p: &mut GameParams) {
    let Some(spec) = p.lab.game_spec() else {
        ui.label(egui::RichText::new("A recording cannot be kicked: no game here.").small());
        return;
    };
    match p.game.active() {
        Some(r) => {
            ui.label(format!(
                "Swing to {} and hold it {:.0} s",
                target_text(&p.lab, p.game.target),
                r.rules.hold
            ));
            ui.label(format!(
                "kicks left: {} of {} · t = {:.1} s",
                r.kicks_left, r.rules.kicks, r.elapsed
            ));
            let in_band = r.in_band(p.truth.0.energy());
            ui.add(
                egui::ProgressBar::new((r.held / r.rules.hold) as f32).text(if in_band {
                    "in the band: hold it!"
                } else {
                    "not in the band"
                }),
            );
            if ui.button("Abandon round").on_hover_text("F2").clicked() {
                p.actions.write(GameAction::Abandon);
            }
        }
        None => {
            ui.label(
                egui::RichText::new(format!(
                    "Bring the pendulum from rest into the gold band with {} kicks of {} (arrow keys) \
                     and hold it there {:.0} s. The twins get the same kicks: who tracks best?",
                    spec.kicks, spec.kick, spec.hold
                ))
                .small(),
            );
            if ui.button("▶ Start a round").on_hover_text("F2").clicked() {
                p.actions.write(GameAction::Start(None));
            }
        }
    }
    if let Some(note) = &p.best.note {
        ui.colored_label(egui::Color32::from_rgb(255, 190, 110), note);
    }
}

/// The end-of-round screen, over the pendulums.
pub fn end_of_round(ctx: &egui::Context, p: &mut GameParams) {
    let Some(r) = p.game.round.as_ref() else {
        return;
    };
    let Some(res) = &r.result else {
        return;
    };
    let mut open = true;
    egui::Window::new("Round over")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_TOP, egui::vec2(-160.0, 110.0))
        .open(&mut open)
        .show(ctx, |ui| {
            let how = match res.outcome {
                Outcome::Held => format!(
                    "Target {} held for {:.0} s after {:.1} s, {} kick{}.",
                    target_text(&p.lab, p.game.target),
                    r.rules.hold,
                    res.seconds,
                    res.kicks_used,
                    if res.kicks_used == 1 { "" } else { "s" }
                ),
                Outcome::OutOfKicks => "Out of kicks, and not in the band.".into(),
                Outcome::TimeUp => "Time is up.".into(),
                Outcome::Abandoned => "Round abandoned.".into(),
            };
            ui.label(egui::RichText::new(how).size(16.0));
            ui.add_space(4.0);
            egui::Grid::new("round scores")
                .striped(true)
                .show(ui, |ui| {
                    ui.label("");
                    ui.label("score");
                    ui.label("how");
                    ui.end_row();
                    for (i, name) in PLAYERS.iter().enumerate() {
                        let won = i == res.winner;
                        let text = egui::RichText::new(if won {
                            format!("🏆 {name}")
                        } else {
                            name.to_string()
                        })
                        .color(c32(COLORS[i]))
                        .strong();
                        ui.label(text);
                        ui.label(
                            egui::RichText::new(res.scores[i].to_string())
                                .size(16.0)
                                .strong(),
                        );
                        ui.label(match i {
                            0 if res.outcome == Outcome::Held => {
                                "100 for the hold, −2 per extra second".to_string()
                            }
                            0 => format!("up to 50 for the longest hold ({:.1} s)", r.best_hold),
                            _ => match res.tracking[i - 1] {
                                Some(e) => format!("mean angle error {e:.3}"),
                                None => "no model".into(),
                            },
                        });
                        ui.end_row();
                    }
                });
            ui.label(
                egui::RichText::new(format!("{} wins this round.", PLAYERS[res.winner]))
                    .size(18.0)
                    .color(c32(COLORS[res.winner])),
            );
            ui.separator();
            ui.label(egui::RichText::new("Best rounds").strong());
            egui::Grid::new("best scores").striped(true).show(ui, |ui| {
                for h in ["#", "player", "HNN", "baseline", "target", "time", "winner"] {
                    ui.label(egui::RichText::new(h).small());
                }
                ui.end_row();
                for (k, e) in p.best.table.for_scene(&p.lab.scene.name).enumerate() {
                    let mine = p.game.rank == Some(k);
                    let cell = |s: String| {
                        let t = egui::RichText::new(s).small();
                        if mine {
                            t.strong().color(egui::Color32::from_rgb(250, 210, 90))
                        } else {
                            t
                        }
                    };
                    ui.label(cell(format!("{}", k + 1)));
                    ui.label(cell(e.player.to_string()));
                    ui.label(cell(e.hnn.to_string()));
                    ui.label(cell(e.baseline.to_string()));
                    ui.label(cell(target_text(&p.lab, e.target)));
                    ui.label(cell(format!("{:.1} s", e.seconds)));
                    ui.label(cell(e.winner.clone()));
                    ui.end_row();
                }
            });
            ui.horizontal(|ui| {
                if ui.button("New round").on_hover_text("F2").clicked() {
                    p.actions.write(GameAction::Start(None));
                }
                if ui.button("Close").on_hover_text("Esc").clicked() {
                    p.actions.write(GameAction::Dismiss);
                }
            });
        });
    if !open {
        p.actions.write(GameAction::Dismiss);
    }
}
