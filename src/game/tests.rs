use super::*;

/// A pendulum with m g l/2 = 1: E(a) = 1 − cos a at rest.
fn round(target_deg: f64) -> Round {
    let rules = Challenge::new(target_deg.to_radians(), 2f64.to_radians(), 0.3);
    Round::new(rules, |a| 1.0 - a.cos())
}

const DT: f64 = 1.0 / 60.0;

#[test]
fn the_band_is_the_rest_energy_of_the_amplitudes_either_side() {
    let r = round(30.0);
    let (lo, hi) = r.energy_band;
    assert!((lo - (1.0 - 28f64.to_radians().cos())).abs() < 1e-12);
    assert!((hi - (1.0 - 32f64.to_radians().cos())).abs() < 1e-12);
    assert!(r.in_band(1.0 - 30f64.to_radians().cos()));
    assert!(!r.in_band(1.0 - 27f64.to_radians().cos()));
}

#[test]
fn holding_the_band_for_the_hold_time_wins_and_leaving_it_restarts_the_count() {
    let mut r = round(30.0);
    let inside = 1.0 - 30f64.to_radians().cos();
    assert!(r.take_kick() && r.take_kick());
    // 3 s inside, a frame outside, then 5 s inside: the first 3 s do not count.
    for _ in 0..180 {
        assert!(r
            .tick(DT, inside, [Some(Some(0.1)), Some(Some(0.3))])
            .is_none());
    }
    r.tick(DT, 0.0, [Some(Some(0.1)), Some(Some(0.3))]);
    assert_eq!(r.held, 0.0);
    assert!((r.best_hold - 3.0).abs() < 1e-9);
    let mut end = None;
    for i in 0..400 {
        if let Some(res) = r.tick(DT, inside, [Some(Some(0.1)), Some(Some(0.3))]) {
            end = Some((i, res.clone()));
            break;
        }
    }
    let (frames, res) = end.expect("the round ends");
    assert_eq!(frames + 1, 300, "5 s of 1/60 s frames");
    assert_eq!(res.outcome, Outcome::Held);
    assert_eq!(res.kicks_used, 2);
    // 8 s in all, 3 beyond the hold: 100 − 2·3 = 94; twins 100(1 − 0.1/0.5) and 100(1 − 0.3/0.5).
    assert!((res.seconds - 481.0 * DT).abs() < 1e-9);
    assert_eq!(res.scores, [94, 80, 40]);
    assert_eq!(res.winner, 0);
    assert!((res.tracking[0].unwrap() - 0.1).abs() < 1e-12);
    // Over: no more kicks, no more ticks.
    assert!(!r.take_kick());
    assert!(r.tick(DT, inside, [None, None]).is_none());
}

#[test]
fn spending_every_kick_outside_the_band_loses_after_the_settle_time() {
    let mut r = round(30.0);
    for _ in 0..6 {
        assert!(r.take_kick());
    }
    assert!(!r.take_kick(), "only six kicks");
    let mut n = 0;
    let res = loop {
        n += 1;
        if let Some(res) = r.tick(DT, 0.01, [Some(None), None]) {
            break res.clone();
        }
    };
    assert_eq!(res.outcome, Outcome::OutOfKicks);
    assert_eq!(n, 90, "1.5 s to settle");
    // No hold at all; an unreadable twin counts as the error scale (score 0); no baseline.
    assert_eq!(res.scores, [0, 0, 0]);
    assert_eq!(res.tracking, [Some(ERROR_SCALE), None]);
}

#[test]
fn time_runs_out_and_a_twin_can_win() {
    let mut r = round(30.0);
    let mut res = None;
    for _ in 0..4000 {
        if let Some(x) = r.tick(DT, 0.0, [Some(Some(0.05)), Some(Some(0.2))]) {
            res = Some(x.clone());
            break;
        }
    }
    let res = res.unwrap();
    assert_eq!(res.outcome, Outcome::TimeUp);
    assert!((res.seconds - 60.0).abs() < DT);
    assert_eq!(res.scores, [0, 90, 60]);
    assert_eq!(PLAYERS[res.winner], "HNN twin");
}

#[test]
fn a_lost_round_still_earns_part_for_its_longest_hold() {
    let mut r = round(30.0);
    let inside = 1.0 - 30f64.to_radians().cos();
    for _ in 0..150 {
        r.tick(DT, inside, [None, None]);
    }
    let res = r.finish(Outcome::Abandoned).clone();
    assert_eq!(res.scores[0], 25, "2.5 of 5 s held: half of 50");
    assert_eq!(
        r.finish(Outcome::TimeUp).outcome,
        Outcome::Abandoned,
        "ends once"
    );
}

fn entry(player: u32, seconds: f64, when: u64) -> ScoreEntry {
    ScoreEntry {
        scene: "pixel_pendulum".into(),
        target: 25.0,
        player,
        hnn: 80,
        baseline: 40,
        winner: "Player".into(),
        seconds,
        kicks_used: 3,
        when,
    }
}

#[test]
fn the_table_keeps_the_best_ten_per_scene_and_survives_a_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/best_scores.ron");
    let (mut t, note, writable) = BestScores::load(&path);
    assert!(
        t.entries.is_empty() && note.is_none() && writable,
        "missing file: empty table"
    );
    for i in 0..12 {
        t.record(entry(50 + i, 10.0, i as u64));
    }
    let mut other = entry(99, 1.0, 100);
    other.scene = "spring".into();
    assert_eq!(t.record(other), Some(0));
    let scores: Vec<u32> = t.for_scene("pixel_pendulum").map(|e| e.player).collect();
    assert_eq!(scores, (52..62).rev().collect::<Vec<_>>());
    // Equal scores: the faster round ranks first; too weak a round is not kept.
    assert_eq!(t.record(entry(61, 5.0, 200)), Some(0));
    assert_eq!(t.record(entry(1, 5.0, 201)), None);
    t.save(&path).unwrap();
    let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        vec![std::ffi::OsString::from("best_scores.ron")],
        "no temporary left"
    );
    let (back, note, _) = BestScores::load(&path);
    assert!(note.is_none());
    assert_eq!(back, t);
}

#[test]
fn a_corrupt_table_is_set_aside_not_lost_and_a_new_one_starts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("best_scores.ron");
    std::fs::write(&path, "(entries: [(scene: \"x\", player: oops)])").unwrap();
    let (t, note, writable) = BestScores::load(&path);
    assert!(writable);
    assert!(t.entries.is_empty());
    let note = note.expect("the user is told");
    assert!(
        note.contains("best_scores.ron:1:") && note.contains("set aside"),
        "{note}"
    );
    assert!(!path.exists());
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(aside.len(), 1);
    assert!(
        aside[0].starts_with("best_scores.ron.corrupt-"),
        "{aside:?}"
    );
    let kept = std::fs::read_to_string(dir.path().join(&aside[0])).unwrap();
    assert!(kept.contains("oops"), "the old contents are kept");
    // And the new table saves where the old one was.
    let mut t = t;
    t.record(entry(70, 9.0, 1));
    t.save(&path).unwrap();
    assert_eq!(BestScores::load(&path).0.entries.len(), 1);
}

#[test]
fn a_table_that_is_not_text_is_set_aside_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("best_scores.ron");
    std::fs::write(&path, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let (t, note, writable) = BestScores::load(&path);
    assert!(t.entries.is_empty() && writable);
    assert!(note.unwrap().contains("not UTF-8"));
    assert!(!path.exists(), "moved aside, not left to be overwritten");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
