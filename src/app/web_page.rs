//! The app in a web page: what the page's address asks for (`?scene=spring`,
//! `?lesson=chaos_same_energy`, `&train`), errors shown on the page rather than only in the
//! console, and a small status the page's scripts (and the browser test) can read as
//! `window.hnnLab`: the frame count, whether the simulation is paused, the app's own cost per frame, the energies of the truth
//! and the twins, and each trainer's progress in its Web Worker.

use std::collections::VecDeque;
use std::path::PathBuf;

use bevy::prelude::*;
use serde_json::json;
use wasm_bindgen::JsValue;
use web_time::Instant;

use super::lab::{Lab, ModelStatus};
use super::sim::{SimControl, Truth};
use super::trainer::Training;
use super::twins::Readouts;

/// What the page's address asks for.
pub struct PageOptions {
    /// A scene file (`scenes/NAME.ron`), or a lesson (`scenes/lessons/NAME.ron`).
    pub scene: PathBuf,
    pub lesson: bool,
    pub train: bool,
}

/// Reads `?scene=` / `?lesson=` (a name from the scenes folder; the pixel pendulum if
/// neither) and `train`. A name is a file name only: no folders, no dots.
pub fn page_options() -> anyhow::Result<PageOptions> {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let mut o = PageOptions {
        scene: "scenes/pixel_pendulum.ron".into(),
        lesson: false,
        train: false,
    };
    for pair in search
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name_ok = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        match key {
            "scene" | "lesson" if !name_ok => anyhow::bail!(
                "the page's address: {key}={value:?} is not a scene name (letters, digits, _ \
                 and - only, e.g. ?scene=spring or ?lesson=chaos_same_energy)"
            ),
            "scene" => o.scene = format!("scenes/{value}.ron").into(),
            "lesson" => {
                o.scene = format!("scenes/lessons/{value}.ron").into();
                o.lesson = true;
            }
            "train" => o.train = value != "0",
            _ => {}
        }
    }
    Ok(o)
}

/// Shows `text` in the page's status line (`#status`), e.g. why the app could not start.
pub fn show_on_page(text: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("status"))
    {
        el.set_text_content(Some(text));
    }
}

/// The app's own time per frame: from the start of `First` to the end of `Last` (the main
/// schedule, as `hnn-lab bench-app` times natively; the browser's drawing is not in it).
#[derive(Resource)]
struct FrameCost {
    start: Option<Instant>,
    /// The last 600 frames' costs (ms).
    recent: VecDeque<f64>,
    /// Wall time between frame starts (ms), for the frame rate.
    intervals: VecDeque<f64>,
    last_start: Option<Instant>,
    frames: u64,
    last_published: Option<Instant>,
}

pub(super) fn plugin(app: &mut App) {
    app.insert_resource(FrameCost {
        start: None,
        recent: VecDeque::new(),
        intervals: VecDeque::new(),
        last_start: None,
        frames: 0,
        last_published: None,
    })
    .add_systems(First, frame_begins)
    .add_systems(Last, (frame_ends, publish).chain());
}

fn frame_begins(mut cost: ResMut<FrameCost>) {
    let now = Instant::now();
    if let Some(last) = cost.last_start {
        push(&mut cost.intervals, (now - last).as_secs_f64() * 1e3);
    }
    cost.last_start = Some(now);
    cost.start = Some(now);
}

fn push(v: &mut VecDeque<f64>, x: f64) {
    if v.len() == 600 {
        v.pop_front();
    }
    v.push_back(x);
}

fn frame_ends(mut cost: ResMut<FrameCost>) {
    if let Some(s) = cost.start.take() {
        push(&mut cost.recent, s.elapsed().as_secs_f64() * 1e3);
    }
    cost.frames += 1;
}

fn quantile(v: &VecDeque<f64>, q: f64) -> f64 {
    let mut s: Vec<f64> = v.iter().copied().collect();
    if s.is_empty() {
        return f64::NAN;
    }
    s.sort_by(f64::total_cmp);
    s[((s.len() - 1) as f64 * q).round() as usize]
}

/// Every 10th frame, or half a second after the last if frames come slowly: `window.hnnLab`
/// as a JSON string.
fn publish(
    mut cost: ResMut<FrameCost>,
    lab: Res<Lab>,
    truth: Res<Truth>,
    control: Res<SimControl>,
    readouts: Res<Readouts>,
    training: Res<Training>,
    save_at: Option<Res<super::ui::SaveButtonAt>>,
) {
    let due = cost
        .last_published
        .is_none_or(|t| t.elapsed().as_secs_f64() > 0.5);
    if cost.frames % 10 != 1 && !due {
        return;
    }
    cost.last_published = Some(Instant::now());
    let mut twins = serde_json::Map::new();
    let mut trainers = serde_json::Map::new();
    for kind in readouts.0.kinds() {
        let name = kind.name().to_string();
        let energy = readouts.0[kind].as_ref().map(|r| r.energy);
        // The shipped model: "loaded", "loading" (bytes so far and of all) or why not.
        let shipped = match &lab.shipped[kind] {
            ModelStatus::Loaded { .. } => json!({ "state": "loaded" }),
            ModelStatus::Loading { loaded, total } => {
                json!({ "state": "loading", "loaded": loaded, "total": total })
            }
            ModelStatus::Unavailable(why) => json!({ "state": "unavailable", "why": why }),
        };
        twins.insert(
            name.clone(),
            json!({ "energy": energy, "shipped": shipped }),
        );
        let t = &training.models[kind];
        trainers.insert(
            name,
            json!({
                "ready": t.ready, "running": t.running, "step": t.step,
                "steps_per_sec": t.steps_per_sec, "device": t.device,
                "loss": t.losses.last().map(|(_, l)| l.total),
                "first_loss": t.losses.first().map(|(step, l)| (step, l.total)),
                "error": t.error, "note": t.note,
            }),
        );
    }
    let interval = quantile(&cost.intervals, 0.5);
    let status = json!({
        "scene": lab.scene.name,
        "frames": cost.frames,
        "frame_ms_median": quantile(&cost.recent, 0.5),
        "frame_ms_p95": quantile(&cost.recent, 0.95),
        "fps": 1e3 / interval,
        "paused": control.paused,
        "truth": { "energy": truth.0.energy(), "time": truth.0.time, "state": truth.0.state() },
        "twins": twins,
        "training": trainers,
        "ui": { "save": save_at.and_then(|s| s.0) },
    });
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(
            &w,
            &JsValue::from_str("hnnLab"),
            &JsValue::from_str(&status.to_string()),
        );
    }
}
