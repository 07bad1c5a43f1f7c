use std::path::{Path, PathBuf};

use super::*;
use crate::integrate::Integrator;

fn cue(at: f64, action: LessonAction) -> Cue {
    Cue { at, action }
}

#[test]
fn the_player_fires_each_cue_once_in_order_when_its_time_comes() {
    let mut p = Player::new(vec![
        cue(0.0, LessonAction::Caption("hello".into())),
        cue(1.0, LessonAction::Kick(0.3)),
        cue(1.0, LessonAction::Sync),
        cue(2.5, LessonAction::Pause),
    ]);
    assert_eq!(p.advance(0.0), vec![LessonAction::Caption("hello".into())]);
    assert!(p.advance(0.5).is_empty());
    assert_eq!(p.next_at(), Some(1.0));
    // Both cues at 1 s, in the order written; floating sums of dt count as arrived.
    let mut fired = Vec::new();
    for _ in 0..30 {
        fired.extend(p.advance(1.0 / 60.0));
    }
    assert_eq!(fired, vec![LessonAction::Kick(0.3), LessonAction::Sync]);
    assert_eq!(p.progress(), (3, 4));
    assert_eq!(p.advance(10.0), vec![LessonAction::Pause]);
    assert!(p.finished() && p.advance(1.0).is_empty());
    // A negative step (a clock reset elsewhere) does not run the clock back.
    let c = p.clock;
    p.advance(-5.0);
    assert_eq!(p.clock, c);
    p.restart();
    assert_eq!((p.clock, p.progress().0), (0.0, 0));
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const SCENE: &str = r#"Scene(
name: "spring",
system: Spring(k: 1.0, m: 1.0),
data: Synthetic((trajectories: 10, points: 5)),
)
"#;

fn lesson_err(timeline: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "spring.ron", SCENE);
    let text = format!(
        "Lesson(\n    title: \"t\",\n    scene: \"spring.ron\",\n    timeline: [\n{timeline}\n    ],\n)\n"
    );
    let p = write(dir.path(), "lesson.ron", &text);
    format!("{:#}", Lesson::load(&p).unwrap_err())
}

#[test]
fn a_good_lesson_loads_with_its_scene_and_start() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "spring.ron", SCENE);
    let p = write(
        dir.path(),
        "l.ron",
        r#"Lesson(
    title: "Energy is conserved",
    scene: "spring.ron",
    start: Some((0.5, 0.0)),
    timeline: [
        (at: 0.0, do: Caption("Watch the bars")),
        (at: 2.0, do: AddTrueEnergy(0.1)),
        (at: 2.0, do: SetIntegrator(Leapfrog)),
        (at: 3.0, do: SetState(0.1, -0.2)),
    ],
)"#,
    );
    let (lesson, scene) = Lesson::load(&p).unwrap();
    assert_eq!(lesson.title, "Energy is conserved");
    assert_eq!(lesson.cues.len(), 4);
    assert_eq!(
        lesson.cues[2].action,
        LessonAction::SetIntegrator(Integrator::Leapfrog)
    );
    assert_eq!(scene.name, "spring");
    assert_eq!(scene.view.start, Some(vec![0.5, 0.0]));
    assert_eq!(Lesson::peek(&p).unwrap().0, "Energy is conserved");
}

#[test]
fn an_unknown_action_names_its_line_and_field() {
    let e = lesson_err("        (at: 0.0, do: Sync),\n        (at: 1.0, do: Explode(3.0)),");
    assert!(e.contains("lesson.ron:6:"), "{e}");
    assert!(e.contains("timeline[1].do"), "{e}");
    assert!(e.contains("Explode"), "{e}");
}

#[test]
fn a_time_out_of_order_names_its_line() {
    let e = lesson_err(
        "        (at: 0.0, do: Sync),\n        (at: 5.0, do: Pause),\n\n        (at: 4.0, do: Play),",
    );
    assert!(e.contains("lesson.ron:8:"), "{e}");
    assert!(
        e.contains("timeline[2].at") && e.contains("out of order"),
        "{e}"
    );
}

#[test]
fn bad_values_and_negative_times_are_refused_with_their_line() {
    // Each value is checked as it is read: the error has its line and column, the cue's field
    // path and the accepted range.
    let cases = [
        (
            "        (at: 0.0, do: SetGravity(-9.81)),",
            "lesson.ron:5:",
            "timeline[0].do",
            "(0, 10000]",
        ),
        (
            "        (at: 0.0, do: Sync),\n        (at: -1.0, do: Sync),",
            "lesson.ron:6:",
            "timeline[1].at",
            "[0, 1e6]",
        ),
        (
            "        (at: 0.0, do: SetTwinStep(0)),",
            "lesson.ron:5:",
            "timeline[0].do",
            "twin step",
        ),
        (
            "        (at: 0.0, do: Kick(inf)),",
            "lesson.ron:5:",
            "timeline[0].do",
            "a kick",
        ),
        (
            "        (at: 0.0, do: Kick(0.0)),",
            "lesson.ron:5:",
            "timeline[0].do",
            "non-zero",
        ),
        (
            "        (at: 0.0, do: SetRate(100.0)),",
            "lesson.ron:5:",
            "timeline[0].do",
            "[0.05, 8]",
        ),
        (
            "        (at: 0.0, do: SetState(0.1, NaN)),",
            "lesson.ron:5:",
            "timeline[0].do.SetState[1]",
            "[-1e6, 1e6]",
        ),
        (
            "        (at: 0.0, do: AddEnergy(1e300)),",
            "lesson.ron:5:",
            "timeline[0].do",
            "an energy",
        ),
        (
            "        (at: 0.0, do: StartGame(-25.0)),",
            "lesson.ron:5:",
            "timeline[0].do",
            "(0, 10000]",
        ),
        (
            "        (at: inf, do: Sync),",
            "lesson.ron:5:",
            "timeline[0].at",
            "[0, 1e6]",
        ),
    ];
    for (cue, line, field, range) in cases {
        let e = lesson_err(cue);
        assert!(
            e.contains(line)
                && e.contains(field)
                && e.contains(range)
                && e.contains("out of range"),
            "{cue}: {e}"
        );
    }
}

#[test]
fn a_missing_scene_is_named_with_the_lesson_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "l.ron",
        "Lesson(\n  title: \"x\",\n  scene: \"nope.ron\",\n  timeline: [],\n)",
    );
    let e = format!("{:#}", Lesson::load(&p).unwrap_err());
    assert!(e.contains("l.ron:3") && e.contains("nope.ron"), "{e}");
}

#[test]
fn a_scene_may_carry_its_own_timeline_checked_the_same_way() {
    let dir = tempfile::tempdir().unwrap();
    let with = SCENE.replace(
        "data:",
        "timeline: [(at: 1.0, do: Kick(0.2)), (at: 2.0, do: Sync)],\ndata:",
    );
    let s = crate::scene::Scene::load(&write(dir.path(), "s.ron", &with)).unwrap();
    let l = Lesson::of_scene(&s).unwrap();
    assert_eq!(l.cues.len(), 2);
    // Not part of the scene's identity: models trained before stay valid.
    let plain = crate::scene::Scene::load(&write(dir.path(), "p.ron", SCENE)).unwrap();
    assert_eq!(s.hash(), plain.hash());
    let bad = SCENE.replace(
        "data:",
        "timeline: [\n(at: 2.0, do: Sync),\n(at: 1.0, do: Sync)],\ndata:",
    );
    let e = format!(
        "{:#}",
        crate::scene::Scene::load(&write(dir.path(), "b.ron", &bad)).unwrap_err()
    );
    assert!(e.contains("b.ron:6:") && e.contains("out of order"), "{e}");
}

#[test]
fn the_shipped_lessons_load() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/lessons");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "ron") {
            let (l, scene) = Lesson::load(&p).unwrap_or_else(|e| panic!("{e:#}"));
            assert!(!l.cues.is_empty(), "{}", p.display());
            // `lessons/../x.ron` is shown as `x.ron`.
            assert!(
                scene.source.parent().is_some_and(|d| d.ends_with("scenes")),
                "{:?}",
                scene.source
            );
            assert!(!scene.source.to_string_lossy().contains(".."));
            n += 1;
        }
    }
    assert!(n >= 3, "at least three lessons ship, found {n}");
}

/// Cues that do not fit the scene's system are refused with their line: a body it does not
/// have, a state of the wrong size, `SetState(q, p)` for n > 1; bodies are numbered 1..=16.
#[test]
fn cues_that_do_not_fit_the_system_are_refused_with_their_line() {
    // The spring: one body, states of two numbers.
    for (cue, want) in [
        ("(at: 1.0, do: KickBody(2, 0.1)),", "body 2 does not exist"),
        (
            "(at: 1.0, do: SetStateOf([0.1, 0.2, 0.3, 0.4])),",
            "needs 2",
        ),
        ("(at: 1.0, do: KickBody(0, 0.1)),", "numbered 1..=16"),
        ("(at: 1.0, do: KickBody(17, 0.1)),", "numbered 1..=16"),
        ("(at: 1.0, do: SetStateOf([0.1, 0.2, 0.3])),", "even count"),
    ] {
        let e = lesson_err(&format!("        (at: 0.0, do: Sync),\n        {cue}"));
        assert!(
            e.contains("lesson.ron:6:") && e.contains("timeline[1]"),
            "{cue}: {e}"
        );
        assert!(e.contains(want), "{cue}: {e}");
    }
    // A double pendulum: SetState(q, p) is refused, SetStateOf with four numbers and kicks to
    // either bob load.
    let dir = tempfile::tempdir().unwrap();
    let dp = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/rapier_double_pendulum.ron");
    let lesson = |cue: &str| {
        format!(
            "Lesson(\n    title: \"t\",\n    scene: {:?},\n    timeline: [\n        {cue}\n    ],\n)\n",
            dp.display()
        )
    };
    let p = write(
        dir.path(),
        "dp.ron",
        &lesson("(at: 0.0, do: SetState(0.1, 0.0)),"),
    );
    let e = format!("{:#}", Lesson::load(&p).unwrap_err());
    assert!(e.contains("dp.ron:5:") && e.contains("SetStateOf"), "{e}");
    let ok = lesson("(at: 0.0, do: SetStateOf([0.1, 0.2, 0.0, 0.0])),\n        (at: 1.0, do: KickBody(2, 0.3)),");
    let p = write(dir.path(), "ok.ron", &ok);
    let (l, _) = Lesson::load(&p).unwrap();
    assert_eq!(l.cues[1].action, LessonAction::KickBody(2, 0.3));
}
