//! A lesson file: a title, the scene it plays on, and its timeline. Errors name the file, the
//! line and the field (an unknown action, a time out of order, a bad value).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::scene::{check_cues, line_of, parse_ron, Cue, Scene};

/// A loaded lesson: what the app plays over its scene.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub title: String,
    /// Where it was read from (a scene's own timeline: the scene file).
    pub source: PathBuf,
    pub cues: Vec<Cue>,
}

/// The file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename = "Lesson")]
struct LessonFile {
    title: String,
    /// The scene it plays on, relative to the lesson file.
    scene: PathBuf,
    /// Where the truth starts, overriding the scene's `view.start`.
    #[serde(default, deserialize_with = "crate::ranges::state")]
    start: Option<Vec<f64>>,
    timeline: Vec<Cue>,
}

impl Lesson {
    /// Reads a lesson file and the scene it names (with the lesson's start state, if any).
    pub fn load(path: &Path) -> Result<(Lesson, Scene)> {
        let here = path.display();
        let src =
            crate::textfile::read_capped(path, crate::textfile::SPEC_MAX_BYTES, "lesson file")?;
        let file: LessonFile = parse_ron(&src, path)?;
        let scene_path = normalize(&path.parent().unwrap_or(Path::new(".")).join(&file.scene));
        let mut scene = Scene::load(&scene_path).with_context(|| {
            format!(
                "{here}:{}: field `scene`: the lesson's scene",
                line_of(&src, "scene").unwrap_or(1)
            )
        })?;
        if let Some(start) = file.start {
            let want = 2 * scene.system.dof();
            anyhow::ensure!(
                start.len() == want,
                "{here}:{}: field `start`: a state of {} numbers does not fit the scene's system: it needs {want} (q₁…qₙ, p₁…pₙ)",
                line_of(&src, "start").unwrap_or(1),
                start.len()
            );
            scene.view.start = Some(start);
        }
        let recorded = matches!(scene.data, crate::scene::DataSpec::Recorded(_));
        check_cues(&file.timeline, &src, path, &scene.system, recorded)?;
        let lesson = Lesson {
            title: file.title,
            source: path.to_path_buf(),
            cues: file.timeline,
        };
        Ok((lesson, scene))
    }

    /// The timeline a scene file carries itself, if any.
    pub fn of_scene(scene: &Scene) -> Option<Lesson> {
        (!scene.timeline.is_empty()).then(|| Lesson {
            title: scene.name.clone(),
            source: scene.source.clone(),
            cues: scene.timeline.clone(),
        })
    }

    /// The title of a lesson file without loading its scene (for a menu); None if the file
    /// does not read as a lesson.
    pub fn peek(path: &Path) -> Option<(String, PathBuf)> {
        let src =
            crate::textfile::read_capped(path, crate::textfile::SPEC_MAX_BYTES, "lesson file")
                .ok()?;
        let f: LessonFile = ron::from_str(&src).ok()?;
        Some((f.title, normalize(&path.parent()?.join(f.scene))))
    }
}

/// `a/lessons/../b.ron` as `a/b.ron` (lexically: the paths shown on screen stay readable).
fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}
