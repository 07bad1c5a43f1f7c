use super::*;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const GOOD: &str = r#"Scene(
name: "spring",
system: Spring(k: 1.0, m: 1.0),
data: Synthetic((trajectories: 10, points: 5)),
train: (steps: 3),
)
"#;

#[test]
fn good_scene_loads_with_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let s = Scene::load(&write(dir.path(), "s.ron", GOOD)).unwrap();
    assert_eq!(s.train.steps, 3);
    assert_eq!(s.train.learning_rate, 1e-3);
    assert_eq!(s.model.hidden, vec![200, 200]);
    match &s.data {
        DataSpec::Synthetic(d) => {
            assert_eq!((d.trajectories, d.points, d.noise_std), (10, 5, 0.1))
        }
        _ => panic!("wrong data kind"),
    }
}

fn err_of(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    format!(
        "{:#}",
        Scene::load(&write(dir.path(), "bad.ron", text)).unwrap_err()
    )
}

#[test]
fn syntax_error_names_file_and_line() {
    let e =
        err_of("Scene(\n    name: \"x\",\n    system: Spring(k: 1.0, m: 1.0)\n    data: oops\n)");
    assert!(e.contains("bad.ron:"), "{e}");
    assert!(e.contains("bad.ron:4:") || e.contains("bad.ron:3:"), "{e}");
}

#[test]
fn unknown_field_is_named() {
    let e = err_of(&GOOD.replace("train: (steps: 3)", "train: (stepz: 3)"));
    assert!(e.contains("stepz") && e.contains("bad.ron:5:"), "{e}");
}

#[test]
fn wrong_type_names_field_and_line() {
    let e = err_of(&GOOD.replace("steps: 3", "steps: \"many\""));
    assert!(e.contains("train.steps") && e.contains("bad.ron:5:"), "{e}");
}

#[test]
fn missing_data_file_is_named() {
    let e = err_of(
        r#"Scene(
name: "real",
system: Pendulum(k: 2.4, m: 1.0),
data: Recorded((file: "nope.txt", q: "o", p: "v")),
)"#,
    );
    assert!(
        e.contains("nope.txt") && e.contains("data.file") && e.contains("bad.ron:4"),
        "{e}"
    );
}

#[test]
fn semantic_error_names_line() {
    let e = err_of(&GOOD.replace("steps: 3", "steps: 0"));
    assert!(e.contains("train.steps") && e.contains("bad.ron:5"), "{e}");
}

#[test]
fn hash_changes_with_content() {
    let dir = tempfile::tempdir().unwrap();
    let a = Scene::load(&write(dir.path(), "a.ron", GOOD)).unwrap();
    let b = Scene::load(&write(
        dir.path(),
        "b.ron",
        &GOOD.replace("steps: 3", "steps: 4"),
    ))
    .unwrap();
    assert_ne!(a.hash(), b.hash());
    assert_eq!(
        a.hash(),
        Scene::load(&write(dir.path(), "c.ron", GOOD))
            .unwrap()
            .hash()
    );
}

#[test]
fn view_settings_do_not_change_the_hash_and_bad_ones_name_their_line() {
    let base = r#"Scene(name: "a", system: Spring(k: 1.0, m: 1.0), data: Synthetic(()))"#;
    let with_view = r#"Scene(name: "a", system: Spring(k: 1.0, m: 1.0), data: Synthetic(()),
        view: (start: Some((0.5, 0.0)), time_rate: 0.5))"#;
    let dir = tempfile::tempdir().unwrap();
    let a = Scene::load(&write(dir.path(), "a.ron", base)).unwrap();
    let b = Scene::load(&write(dir.path(), "b.ron", with_view)).unwrap();
    assert_eq!(a.hash(), b.hash());
    let v = b.view;
    assert_eq!(
        (v.start, v.time_rate, v.kick),
        (Some(vec![0.5, 0.0]), 0.5, 0.3)
    );
    let bad = "Scene(name: \"a\", system: Spring(k: 1.0, m: 1.0), data: Synthetic(()),\n    view: (time_rate: 0.0))";
    let e = format!(
        "{:#}",
        Scene::load(&write(dir.path(), "c.ron", bad)).unwrap_err()
    );
    assert!(
        e.contains("c.ron:2:") && e.contains("view.time_rate"),
        "{e}"
    );
    // Every view number, checked as it is read: its own line, its path, its range.
    for (view, field, range) in [
        ("kick: -1.0", "view.kick", "(0, 10000]"),
        ("add_energy: inf", "view.add_energy", "(0, 10000]"),
        ("start: Some((inf, 0.0))", "view.start", "±1e6"),
        ("game: Some((kicks: 0))", "view.game.kicks", "1..=1000"),
        (
            "game: Some((targets: []))",
            "view.game.targets",
            "1 to 100 targets",
        ),
        ("game: Some((hold: NaN))", "view.game.hold", "(0, 100000]"),
        ("game: Some((band: 0.0))", "view.game.band", "(0, 10000]"),
    ] {
        let bad = format!(
            "Scene(name: \"a\", system: Spring(k: 1.0, m: 1.0), data: Synthetic(()),\n\n    view: ({view}))"
        );
        let e = format!(
            "{:#}",
            Scene::load(&write(dir.path(), "d.ron", &bad)).unwrap_err()
        );
        assert!(
            e.contains("d.ron:3:")
                && e.contains(field)
                && e.contains(range)
                && e.contains("out of range"),
            "{view}: {e}"
        );
    }
}

#[test]
fn drag_rate_becomes_momentum_through_dh_dp() {
    // H = k q² + m p²: dq/dt = 2 m p.
    let s = SystemSpec::Spring { k: 1.0, m: 0.5 };
    assert_eq!(s.momentum_for(0.3), Some(0.3));
    let p = SystemSpec::Pendulum { k: 3.0, m: 2.0 };
    let v = 0.8;
    let mom = p.momentum_for(v).unwrap();
    let f = crate::physics::field_of(p.hamiltonian().as_ref(), &[0.2, mom]);
    assert!((f[0] - v).abs() < 1e-12);
    let dp = SystemSpec::DoublePendulum {
        m1: 1.0,
        m2: 1.0,
        l1: 1.0,
        l2: 1.0,
        g: 9.81,
    };
    assert_eq!(dp.momentum_for(v), None);
}

/// Scenes of more degrees of freedom: n comes from the system; orbits need bodies (equal masses
/// from three up); recorded columns must match n; the shipped hashes do not move when fields
/// with defaults are added (a 1-DOF scene's canonical form has no `init`, `velocities`, ...).
#[test]
fn systems_of_many_degrees_of_freedom() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (file, n) in [
        ("two_body", 4),
        ("three_body", 6),
        ("double_pendulum", 2),
        ("rapier_double_pendulum", 2),
        ("spring", 1),
    ] {
        let s = Scene::load(&root.join(format!("scenes/{file}.ron"))).unwrap();
        assert_eq!(s.system.dof(), n, "{file}");
    }
    let spring = Scene::load(&root.join("scenes/spring.ron")).unwrap();
    let canonical = ron::to_string(&spring).unwrap();
    assert!(
        !canonical.contains("init") && !canonical.contains("velocities"),
        "{canonical}"
    );
    let orbit = |system: &str| {
        err_of(&format!(
            "Scene(\n name: \"o\",\n system: {system},\n data: Synthetic((radius: (0.5, 1.5), init: Orbits(noise: 0.1))),\n)"
        ))
    };
    assert!(orbit("Spring(k: 1.0, m: 1.0)").contains("Gravity"));
    let e = orbit("Gravity(masses: [1.0, 2.0, 1.0], g: 1.0)");
    assert!(e.contains("data.init") && e.contains("equal masses"), "{e}");
    let e = err_of(
        "Scene(\n name: \"d\",\n system: DoublePendulum(m1: 1.0, m2: 1.0, l1: 1.0, l2: -1.0, g: 9.8),\n data: Synthetic(()),\n)",
    );
    assert!(
        e.contains("bad.ron:3:")
            && e.contains("system.DoublePendulum.l2")
            && e.contains("(0, 10000]"),
        "{e}"
    );
}

/// Numbers out of what the program can run are refused while the scene is read, each naming
/// the value's own line (not the first line holding a key of that name), the field's path and
/// the accepted range: the inputs that used to reach an assert, hang or run out of memory.
#[test]
fn out_of_range_numbers_name_their_own_line_field_and_range() {
    let scene = |data: &str, eval: &str| {
        format!(
            "Scene(\n name: \"r\",\n system: Spring(k: 1.0, m: 1.0),\n data: Synthetic(({data})),\n model: (hidden: [8]),\n train: (steps: 3),\n eval: ({eval}),\n)"
        )
    };
    let cases = [
        (
            scene("points: 10", "points: 1"),
            "bad.ron:7:",
            "eval.points",
            "2..=1000000",
        ),
        (
            scene("points: 10", "rtol: 1e-300"),
            "bad.ron:7:",
            "eval.rtol",
            "[1e-14, 0.1]",
        ),
        (
            scene("points: 10", "trajectories: 0"),
            "bad.ron:7:",
            "eval.trajectories",
            "1..=",
        ),
        (
            scene("radius: (0.1, inf)", ""),
            "bad.ron:4:",
            "data.Synthetic.radius",
            "finite",
        ),
        (
            scene("t_end: inf", ""),
            "bad.ron:4:",
            "data.Synthetic.t_end",
            "time span",
        ),
        (
            scene("noise_std: NaN", ""),
            "bad.ron:4:",
            "data.Synthetic.noise_std",
            "noise",
        ),
        (
            scene("", "t_end: 1e300"),
            "bad.ron:7:",
            "eval.t_end",
            "100000]",
        ),
    ];
    for (text, line, field, range) in cases {
        let e = err_of(&text);
        for want in [line, field, range, "out of range"] {
            assert!(e.contains(want), "missing {want:?} in: {e}");
        }
    }
    let pixel = |render: &str| {
        format!(
            "Scene(\n name: \"p\",\n system: RapierPendulum((dt: 0.016666666666666666)),\n data: Pixels((frame_dt: 0.05,\n render: ({render}))),\n)"
        )
    };
    let e = err_of(&pixel("size: 4294967296"));
    assert!(
        e.contains("bad.ron:5:") && e.contains("data.Pixels.render.size") && e.contains("4..=512"),
        "{e}"
    );
    let e = err_of(&pixel("size: 28, rod_px: inf"));
    assert!(e.contains("data.Pixels.render.rod_px"), "{e}");
    let e = err_of(
        "Scene(\n name: \"p\",\n system: RapierPendulum((dt: 0.016666666666666666)),\n data: Pixels((frame_dt: inf)),\n)",
    );
    assert!(
        e.contains("bad.ron:4:") && e.contains("data.Pixels.frame_dt"),
        "{e}"
    );
}

/// Friction, grids and model kinds: each misuse is one error naming the field, and γ = 0
/// (or no `friction` at all) leaves the scene's canonical form, hence its hash, as it was.
#[test]
fn friction_grid_and_kinds_are_checked() {
    let plain = Scene::from_text(GOOD, Path::new("s.ron")).unwrap();
    let zero = GOOD.replace(
        "system: Spring(k: 1.0, m: 1.0),",
        "system: Spring(k: 1.0, m: 1.0),\nfriction: (gamma: 0.0),\nmodel: (kinds: [Dhnn, Hnn, Baseline]),",
    );
    let z = Scene::from_text(&zero, Path::new("s.ron")).unwrap();
    assert_eq!(plain.hash(), z.hash());
    let damped = zero.replace("gamma: 0.0", "gamma: 0.05");
    let d = Scene::from_text(&damped, Path::new("s.ron")).unwrap();
    assert_ne!(plain.hash(), d.hash());
    assert_eq!(d.total_friction().gamma, 0.05);

    let e = err_of(&GOOD.replace(
        "system: Spring(k: 1.0, m: 1.0),",
        "system: Gravity(masses: [1.0, 1.0], g: 1.0),\nfriction: (gamma: 0.1),",
    ));
    assert!(e.contains("bad.ron:4") && e.contains("`friction`"), "{e}");
    let e = err_of(&GOOD.replace(
        "system: Spring(k: 1.0, m: 1.0),",
        "system: Spring(k: 1.0, m: 1.0),\nfriction: (gamma: -1.0),",
    ));
    assert!(
        e.contains("friction.gamma") && e.contains("[0, 100]"),
        "{e}"
    );
    let grid_orbits = r#"Scene(name: "g", system: Gravity(masses: [1.0, 1.0], g: 1.0),
data: Grid((side: 3, lo: -1.0, hi: 1.0, train_fraction: 0.5, seed: 0)))"#;
    let e = err_of(grid_orbits);
    assert!(e.contains("`data`") && e.contains("Grid data need"), "{e}");
    let kinds = GOOD.replace("train: (steps: 3),", "model: (kinds: [Hnn, Hnn]),");
    let e = err_of(&kinds);
    assert!(e.contains("model.kinds") && e.contains("distinct"), "{e}");
    let step = GOOD.replace("train: (steps: 3),", "model: (latent_step: Midpoint),");
    let e = err_of(&step);
    assert!(
        e.contains("model.latent_step") && e.contains("pixel"),
        "{e}"
    );
}
