//! The best-score table: a small RON file in the user's data folder. A file that cannot be
//! read is set aside under a new name (never deleted) and a fresh table started; saving
//! writes a temporary file and renames it, so a crash never leaves half a table.

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::{Deserialize, Serialize};

use super::{RoundResult, PLAYERS};

/// Rounds kept per scene.
pub const KEEP: usize = 10;

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScoreEntry {
    pub scene: String,
    /// Target amplitude (degrees for a pendulum, q for a spring).
    pub target: f64,
    pub player: u32,
    pub hnn: u32,
    pub baseline: u32,
    /// Who won the round.
    pub winner: String,
    pub seconds: f64,
    pub kicks_used: u32,
    /// Seconds since the Unix epoch.
    pub when: u64,
}

impl ScoreEntry {
    pub fn new(scene: &str, target: f64, r: &RoundResult, when: u64) -> Self {
        Self {
            scene: scene.to_string(),
            target,
            player: r.scores[0],
            hnn: r.scores[1],
            baseline: r.scores[2],
            winner: PLAYERS[r.winner].to_string(),
            seconds: r.seconds,
            kicks_used: r.kicks_used,
            when,
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BestScores {
    pub entries: Vec<ScoreEntry>,
}

impl BestScores {
    /// Reads the table. Missing: an empty one. Unreadable: the file is renamed to
    /// `<name>.corrupt-<unix seconds>` and an empty table returned, with a note saying so.
    ///
    /// The flag says whether saving may replace the file: false when it exists but could be
    /// neither read nor set aside, so that nothing is ever lost.
    pub fn load(path: &Path) -> (Self, Option<String>, bool) {
        // In a browser: the table the page stored earlier, if any.
        #[cfg(target_arch = "wasm32")]
        let read = crate::webfs::read(path)
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound));
        #[cfg(not(target_arch = "wasm32"))]
        let read = std::fs::read(path);
        let bytes = match read {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return (Self::default(), None, true)
            }
            Err(e) => {
                let note = format!(
                    "cannot read {}: {e}; scores will not be saved",
                    path.display()
                );
                return (Self::default(), Some(note), false);
            }
        };
        let why = match std::str::from_utf8(&bytes) {
            Err(e) => format!("{}: not UTF-8 text ({e})", path.display()),
            Ok(text) => match ron::from_str::<BestScores>(text) {
                Ok(t) => return (t, None, true),
                Err(e) => format!("{}:{}: {}", path.display(), e.span.start, e.code),
            },
        };
        let aside = aside_name(path);
        // In a browser the copy goes aside in the page's files and the table is written anew.
        #[cfg(target_arch = "wasm32")]
        let set_aside = {
            crate::webfs::write(&aside, &bytes);
            Ok::<(), std::io::Error>(())
        };
        #[cfg(not(target_arch = "wasm32"))]
        let set_aside = std::fs::rename(path, &aside);
        match set_aside {
            Ok(()) => (
                Self::default(),
                Some(format!(
                    "{why} — set aside as {}, new table started",
                    aside.display()
                )),
                true,
            ),
            Err(re) => (
                Self::default(),
                Some(format!(
                    "{why} (it could not be set aside: {re}; scores will not be saved)"
                )),
                false,
            ),
        }
    }

    /// Adds a round and keeps the best `KEEP` of its scene (player score, then time).
    /// Returns its rank in the scene's table (0 = best), if it was kept.
    pub fn record(&mut self, e: ScoreEntry) -> Option<usize> {
        let (scene, key) = (e.scene.clone(), e.clone());
        self.entries.push(e);
        self.entries.sort_by(|a, b| {
            a.scene
                .cmp(&b.scene)
                .then(b.player.cmp(&a.player))
                .then(a.seconds.total_cmp(&b.seconds))
                .then(a.when.cmp(&b.when))
        });
        let mut seen = 0;
        let mut rank = None;
        self.entries.retain(|x| {
            if x.scene != scene {
                return true;
            }
            seen += 1;
            if seen > KEEP {
                return false;
            }
            if *x == key && rank.is_none() {
                rank = Some(seen - 1);
            }
            true
        });
        rank
    }

    /// The scene's entries, best first.
    pub fn for_scene<'a>(&'a self, scene: &'a str) -> impl Iterator<Item = &'a ScoreEntry> + 'a {
        self.entries.iter().filter(move |e| e.scene == scene)
    }

    /// Writes the table (temporary file, then rename), creating the folder.
    pub fn save(&self, path: &Path) -> Result<()> {
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
        }
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())?;
        crate::atomic::write_file(path, text.as_bytes())
    }
}

/// `<path>.corrupt-<unix seconds>`, with a counter if that exists already.
fn aside_name(path: &Path) -> PathBuf {
    let secs = web_time::SystemTime::now()
        .duration_since(web_time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let base = format!("{}.corrupt-{secs}", path.display());
    let mut p = PathBuf::from(&base);
    let mut n = 1;
    while p.exists() {
        p = PathBuf::from(format!("{base}-{n}"));
        n += 1;
    }
    p
}
