//! The teaching instruments, as PhET's pendulum lab has them: a period timer under each
//! column (the truth's and each twin's, from successive upward crossings of the rest
//! position), a stopwatch on simulated time, and the last minute of the truth's and the twins'
//! states and energies, ready to export as CSV. The measuring itself is the core's
//! (`PeriodTimer`, `Recording`); this file feeds them each frame.

use bevy::prelude::*;

use super::lab::Lab;
use super::messages::{Allowed, LabAction, TruthMoved, TwinsSynced};
use super::sim::Truth;
use super::spine::PostStep;
use super::twins::Readouts;
use crate::eval::PeriodTimer;
use crate::recording::Recording;

/// Seconds of history the CSV export holds.
pub const EXPORT_SPAN_S: f64 = 60.0;

/// A stopwatch on the simulation's clock (it stops when the simulation is paused).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stopwatch {
    /// Simulated time at the start, while running.
    pub started: Option<f64>,
    /// Time measured before the last start.
    pub banked: f64,
}

impl Stopwatch {
    pub fn reading(&self, now: f64) -> f64 {
        self.banked + self.started.map_or(0.0, |s| (now - s).max(0.0))
    }
    pub fn toggle(&mut self, now: f64) {
        match self.started.take() {
            Some(s) => self.banked += (now - s).max(0.0),
            None => self.started = Some(now),
        }
    }
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

#[derive(Resource, Debug)]
pub struct Instruments {
    pub stopwatch: Stopwatch,
    /// One per column: the truth's, then each twin's.
    pub timers: Vec<PeriodTimer>,
    /// Whether periods mean something here (a pendulum or spring, not orbits).
    pub timed: bool,
    pub recording: Recording,
    /// Where the last export went (or why it failed), for the panel.
    pub exported: Option<String>,
    last_t: f64,
}

pub(super) fn plugin(app: &mut App) {
    let lab = app.world().resource::<Lab>().clone();
    app.insert_resource(Instruments {
        stopwatch: Stopwatch::default(),
        timers: vec![PeriodTimer::default(); lab.columns()],
        timed: !lab.draws_orbits(),
        recording: Recording::new(columns(&lab), EXPORT_SPAN_S),
        exported: None,
        last_t: 0.0,
    })
    .add_systems(
        PostUpdate,
        measure.after(PostStep::ReadTwins).before(PostStep::Show),
    );
}

/// The CSV's columns: t, the truth's state and energy, then each twin's.
fn columns(lab: &Lab) -> Vec<String> {
    let names = match lab.pixels() {
        Some(_) => vec!["theta".to_string(), "omega".to_string()],
        None => lab.coordinate_names(),
    };
    let mut out = vec!["t".to_string()];
    let mut block = |who: &str| {
        for n in &names {
            out.push(format!("{who}_{n}"));
        }
        out.push(format!("{who}_energy"));
    };
    block("truth");
    for k in lab.kinds() {
        block(k.name());
    }
    out
}

fn measure(
    mut actions: MessageReader<Allowed>,
    mut synced: MessageReader<TwinsSynced>,
    mut moved: MessageReader<TruthMoved>,
    truth: Res<Truth>,
    readouts: Res<Readouts>,
    mut ins: ResMut<Instruments>,
) {
    let t = truth.0.time;
    if t < ins.last_t {
        ins.timers.iter_mut().for_each(PeriodTimer::clear);
    }
    ins.last_t = t;
    for Allowed(a) in actions.read() {
        match a {
            LabAction::Reset => ins.timers.iter_mut().for_each(PeriodTimer::clear),
            LabAction::Kick(..) | LabAction::AddTrueEnergy(..) => {
                ins.timers.iter_mut().for_each(PeriodTimer::jump)
            }
            LabAction::SetTruth(_) => ins.timers[0].jump(),
            _ => {}
        }
    }
    if moved.read().count() > 0 {
        ins.timers[0].jump();
    }
    for TwinsSynced(only) in synced.read() {
        for (i, (k, _)) in readouts.0.each().enumerate() {
            if only.is_none_or(|o| o == k) {
                ins.timers[i + 1].jump();
            }
        }
    }
    let x = truth.0.state();
    let mut row = vec![t];
    row.extend(&x);
    row.push(truth.0.energy());
    if ins.timed {
        ins.timers[0].observe(t, x[0]);
    }
    let dim = x.len();
    for (i, r) in readouts.0.iter().enumerate() {
        match r {
            Some(r) => {
                if let (true, Some(q)) = (ins.timed, r.q_now.as_ref().and_then(|q| q.first())) {
                    ins.timers[i + 1].observe(t, *q);
                }
                let mut s = r.state.clone();
                s.resize(dim, f64::NAN);
                row.extend(s);
                row.push(r.energy);
            }
            None => row.extend(std::iter::repeat_n(f64::NAN, dim + 1)),
        }
    }
    ins.recording.push(row);
}

/// Writes the last minute as CSV: a file in the user's data folder natively, a download in a
/// browser. Returns where it went.
pub fn export_csv(lab: &Lab, rec: &Recording) -> anyhow::Result<String> {
    let stamp = web_time::SystemTime::now()
        .duration_since(web_time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let name = format!("{}-{stamp}.csv", lab.scene.name);
    let text = rec.to_csv();
    #[cfg(target_arch = "wasm32")]
    {
        super::web_saves::download(&name, text.as_bytes())
            .map_err(|e| anyhow::anyhow!("download failed: {e:?}"))?;
        Ok(format!("downloaded {name} ({} rows)", rec.len()))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let path = super::lab::user_data_dir().join("exports").join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        crate::atomic::write_file(&path, text.as_bytes())?;
        Ok(format!("{} ({} rows)", path.display(), rec.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwatch_runs_on_simulated_time() {
        let mut s = Stopwatch::default();
        s.toggle(1.0);
        assert_eq!(s.reading(3.5), 2.5);
        s.toggle(4.0);
        assert_eq!(s.reading(10.0), 3.0);
        s.toggle(10.0);
        assert_eq!(s.reading(11.0), 4.0);
        s.reset();
        assert_eq!(s.reading(12.0), 0.0);
    }
}
