//! The overlays: energy over time (truth and both twins in joules, read the same way), the
//! HNN's learned H in its latent units, the true phase plane with energy contours, and each
//! twin's latent plane with its learned H contours (HNN) or vector field (baseline), with trails.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;
use egui_plot::{Arrows, Legend, Line, Plot, PlotPoints, Points};

use super::c32;
use crate::app::overlay::{Portrait, Portraits, Series};
use crate::app::view::{column_color, TRUTH_COLOR};

#[derive(SystemParam)]
pub struct PlotParams<'w> {
    pub series: Res<'w, Series>,
    pub portraits: Res<'w, Portraits>,
    pub lab: Res<'w, crate::app::Lab>,
    pub game: Res<'w, crate::app::game::GameRound>,
    pub sections: Res<'w, crate::app::Sections>,
    pub choice: ResMut<'w, PhaseChoice>,
}

/// Which plane the phase plots show when n > 1: the pair (q_k, p_k) for k < n, or (k = n)
/// the Poincaré section.
#[derive(Resource, Default, Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhaseChoice(pub usize);

pub fn show(ui: &mut egui::Ui, p: &mut PlotParams) {
    // Less than the panel offers (titles, spacing): content that fills it exactly makes a
    // resizable panel creep taller frame by frame.
    let h = (ui.available_height() - 40.0).max(80.0);
    let kinds = p.lab.kinds().to_vec();
    // The energy plot (1.2 slots), the learned H (0.8), the truth's plane and one per twin.
    let slots = 3.0 + kinds.len() as f32;
    let w = ((ui.available_width() - slots * ui.spacing().item_spacing.x - 24.0) / slots).max(60.0);
    let s = &p.series.samples;
    let pixels = p.lab.pixels().is_some();
    let (energy_title, learned_title, truth_title) = if pixels {
        (
            "Energy (J); twins read off their frames",
            "Learned H (latent units)",
            "Truth: (θ, ω) and H contours",
        )
    } else {
        (
            "True energy H of each state",
            "Learned H",
            "Truth: (q, p) and H contours",
        )
    };
    let plane = if pixels { "latent" } else { "in (q, p)" };
    let twin_titles: Vec<String> = kinds
        .iter()
        .map(|k| match k {
            crate::nn::ModelKind::Hnn => format!("HNN {plane}: learned H"),
            crate::nn::ModelKind::Baseline => format!("Baseline {plane}: field"),
            crate::nn::ModelKind::Dhnn => format!("D-HNN {plane}: H and field"),
        })
        .collect();
    ui.horizontal(|ui| {
        ui.vertical(|ui| {
            title(ui, energy_title, w * 1.2);
            Plot::new("energy")
                .width(w * 1.2)
                .height(h)
                .legend(Legend::default().position(egui_plot::Corner::LeftBottom))
                .include_y(0.0)
                .x_axis_label("t (s)")
                .show(ui, |plot| {
                    let read = pts(s.iter().filter_map(|x| x.truth_read.map(|e| [x.t, e])));
                    plot.line(
                        Line::new("Truth read off its frames", read)
                            .color(c32(TRUTH_COLOR).gamma_multiply(0.35)),
                    );
                    plot.line(
                        Line::new("Truth", pts(s.iter().map(|x| [x.t, x.truth_energy])))
                            .color(c32(TRUTH_COLOR))
                            .width(2.0),
                    );
                    for (i, kind) in kinds.iter().enumerate() {
                        let v = pts(s
                            .iter()
                            .filter_map(|x| x.energy.get(i).copied().flatten().map(|e| [x.t, e])));
                        plot.line(
                            Line::new(kind.label(), v).color(c32(column_color(&kinds, i + 1))),
                        );
                    }
                    if let Some(r) = &p.game.round {
                        let gold = egui::Color32::from_rgb(240, 200, 50);
                        for e in [r.energy_band.0, r.energy_band.1] {
                            plot.hline(egui_plot::HLine::new("target band", e).color(gold));
                        }
                    }
                });
        });
        ui.vertical(|ui| {
            title(ui, learned_title, w * 0.8);
            Plot::new("learned")
                .width(w * 0.8)
                .height(h)
                .x_axis_label("t (s)")
                // RK4 keeps H to ~1e-7: without a floor on the range, that noise fills the plot.
                .include_y(last_learned(s) - 0.05)
                .include_y(last_learned(s) + 0.05)
                .show(ui, |plot| {
                    for (i, kind) in kinds.iter().enumerate().filter(|(_, k)| k.has_energy()) {
                        let v = pts(s
                            .iter()
                            .filter_map(|x| x.learned.get(i).copied().flatten().map(|e| [x.t, e])));
                        let name = format!("{} H", kind.label());
                        plot.line(Line::new(name, v).color(c32(column_color(&kinds, i + 1))));
                    }
                });
        });
        if p.lab.scene.system.dof() > 1 {
            many(ui, &p.series, &p.lab, &p.sections, &mut p.choice, [w, h]);
            return;
        }
        ui.vertical(|ui| {
            title(ui, truth_title, w);
            let trail = pts(s.iter().map(|x| [x.truth[0], x.truth[1]]));
            let now = s.back().map(|x| [x.truth[0], x.truth[1]]);
            phase(
                ui,
                "phase_truth",
                &p.portraits.truth,
                trail,
                now,
                TRUTH_COLOR,
                w,
                h,
            );
        });
        for (i, (kind, name)) in kinds.iter().zip(&twin_titles).enumerate() {
            ui.vertical(|ui| {
                title(ui, name, w);
                match &p.portraits.twins[*kind] {
                    Some(Portrait {
                        failed: Some(why), ..
                    }) => {
                        ui.label(
                            egui::RichText::new(why)
                                .small()
                                .color(egui::Color32::from_rgb(255, 120, 100)),
                        );
                    }
                    Some(portrait) => {
                        let trail = pts(s
                            .iter()
                            .filter_map(|x| x.z.get(i)?.as_ref().map(|z| [z[0], z[1]])));
                        let now = s
                            .back()
                            .and_then(|x| x.z.get(i)?.as_ref().map(|z| [z[0], z[1]]));
                        let color = column_color(&kinds, i + 1);
                        phase(ui, name, portrait, trail, now, color, w, h);
                    }
                    None => {
                        ui.label("no model yet");
                    }
                }
            });
        }
    });
}

/// The phase plots for n > 1: a chooser of the plane — one degree of freedom's (q_k, p_k), or
/// the double pendulum's Poincaré section — and the truth's and each twin's path in it, the
/// truth's faint behind each twin's.
fn many(
    ui: &mut egui::Ui,
    series: &Series,
    lab: &crate::app::Lab,
    sections: &crate::app::Sections,
    choice: &mut PhaseChoice,
    [w, h]: [f32; 2],
) {
    let s = &series.samples;
    let names = lab.coordinate_names();
    let n = names.len() / 2;
    let poincare = sections.section.is_some();
    let choices = n + usize::from(poincare);
    if choice.0 >= choices {
        choice.0 = 0;
    }
    let k = choice.0;
    let section = poincare && k == n;
    let kinds = lab.kinds();
    let titles: Vec<String> = if section {
        std::iter::once(format!(
            "Truth: {}, {} at {} = 0, rising",
            names[1],
            names[n + 1],
            names[0]
        ))
        .chain(
            kinds
                .iter()
                .map(|k| format!("{}, since the sync", crate::app::view::twin_name(*k))),
        )
        .collect()
    } else {
        std::iter::once("Truth")
            .chain(kinds.iter().map(|k| crate::app::view::twin_name(*k)))
            .map(|t| format!("{t}: ({}, {})", names[k], names[n + k]))
            .collect()
    };
    let pair = |x: &Vec<f64>| [x[k], x[n + k]];
    let truth: Vec<[f64; 2]> = if section {
        sections.truth.clone()
    } else {
        s.iter().map(|x| pair(&x.truth)).collect()
    };
    for (c, title) in titles.iter().enumerate() {
        ui.vertical(|ui| {
            if c == 0 {
                let label = |i: usize| {
                    if i == n {
                        "Poincaré section".to_string()
                    } else {
                        format!("plane ({}, {})", names[i], names[n + i])
                    }
                };
                egui::ComboBox::from_id_salt("phase plane")
                    .selected_text(label(k))
                    .width(w - 10.0)
                    .show_ui(ui, |ui| {
                        for i in 0..choices {
                            ui.selectable_value(&mut choice.0, i, label(i));
                        }
                    });
            } else {
                ui.label(" ");
            }
            self::title(ui, title, w);
            let mine: Vec<[f64; 2]> = match (c, section) {
                (0, _) => truth.clone(),
                (_, true) => sections.twins.at(c - 1).clone(),
                (_, false) => s
                    .iter()
                    .filter_map(|x| x.z.get(c - 1)?.as_ref().map(pair))
                    .collect(),
            };
            let color = c32(column_color(kinds, c));
            Plot::new(("phase_many", c))
                .width(w)
                .height(h - 18.0)
                .allow_scroll(false)
                .show(ui, |plot| {
                    if c > 0 {
                        let ghost = c32(TRUTH_COLOR).gamma_multiply(0.3);
                        if section {
                            plot.points(
                                Points::new("truth", truth.clone()).radius(1.5).color(ghost),
                            );
                        } else {
                            plot.line(
                                Line::new("truth", truth.clone())
                                    .color(ghost)
                                    .allow_hover(false),
                            );
                        }
                    }
                    if section {
                        plot.points(Points::new("section", mine).radius(1.5).color(color));
                    } else {
                        let now = mine.last().copied();
                        plot.line(Line::new("path", mine).color(color).allow_hover(false));
                        if let Some(now) = now {
                            plot.points(Points::new("now", now).radius(4.0).color(color));
                        }
                    }
                });
        });
    }
}

/// The newest learned H of any energy model (the plot's range is kept around it).
fn last_learned(s: &std::collections::VecDeque<crate::app::Sample>) -> f64 {
    s.back()
        .and_then(|x| x.learned.iter().flatten().next().copied())
        .unwrap_or(0.0)
}

fn pts(it: impl Iterator<Item = [f64; 2]>) -> PlotPoints<'static> {
    PlotPoints::from(it.collect::<Vec<_>>())
}

/// A plot's title, kept to the plot's width `w` (cut with "…", whole on hover): a title
/// wider than its plot would widen its column, and with four columns (truth and three twins)
/// push the last plot past the panel's edge.
fn title(ui: &mut egui::Ui, text: &str, w: f32) {
    ui.set_max_width(w);
    ui.add(egui::Label::new(text).truncate());
}

#[allow(clippy::too_many_arguments)]
fn phase(
    ui: &mut egui::Ui,
    id: &str,
    portrait: &Portrait,
    trail: PlotPoints<'static>,
    now: Option<[f64; 2]>,
    color: Color,
    w: f32,
    h: f32,
) {
    let [[x0, x1], [y0, y1]] = portrait.bounds;
    let color = c32(color);
    Plot::new(id)
        .width(w)
        .height(h)
        .include_x(x0)
        .include_x(x1)
        .include_y(y0)
        .include_y(y1)
        .show_axes(true)
        .allow_scroll(false)
        .show(ui, |plot| {
            let grey = egui::Color32::from_gray(110);
            let segs = if portrait.contours.is_empty() {
                &portrait.arrows
            } else {
                &portrait.contours
            };
            let origins: Vec<[f64; 2]> = segs.iter().map(|s| [s[0].0, s[0].1]).collect();
            let tips: Vec<[f64; 2]> = segs.iter().map(|s| [s[1].0, s[1].1]).collect();
            let tip = if portrait.contours.is_empty() {
                4.0
            } else {
                0.0
            };
            plot.arrows(
                Arrows::new("", origins, tips)
                    .tip_length(tip)
                    .color(grey)
                    .allow_hover(false),
            );
            plot.line(Line::new("trail", trail).color(color).allow_hover(false));
            if let Some(n) = now {
                plot.points(Points::new("now", n).radius(4.0).color(color));
            }
        });
}
