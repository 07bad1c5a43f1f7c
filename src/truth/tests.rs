//! Tests of the truths: analytic, recorded and observed rapier; one and two degrees of freedom.

mod one_dof {
    use super::super::*;

    fn scene(path: &str) -> Scene {
        Scene::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
    }

    #[test]
    fn analytic_truth_keeps_energy_and_kicks_add_momentum() {
        let mut t = TruthSystem::for_scene(&scene("scenes/spring.ron"), &[0.5, 0.0], 0.01).unwrap();
        let e0 = t.energy();
        for _ in 0..1000 {
            t.step();
        }
        assert!((t.energy() - e0).abs() < 1e-8, "{} vs {e0}", t.energy());
        assert!((t.time - 10.0).abs() < 1e-9);
        let Some((Observation::State(a), Observation::State(b))) = t.kick(0.2).unwrap() else {
            panic!("a spring takes kicks")
        };
        assert!((b[1] - a[1] - 0.2).abs() < 1e-12 && a[0] == b[0]);
        // H = k q² + m p² with k = m = 1: the parts add up and split as expected.
        let (k, u) = t.parts(&[0.3, 0.4]);
        assert!((k - 0.16).abs() < 1e-12 && (u - 0.09).abs() < 1e-12);
    }

    #[test]
    fn the_recording_replays_its_samples_and_refuses_kicks() {
        let s = scene("scenes/real_pendulum.ron");
        let mut t = TruthSystem::for_scene(&s, &[0.0, 0.0], 1.0 / 60.0).unwrap();
        let TruthKind::Replay(r) = &t.kind else {
            panic!("recorded scene")
        };
        let (t1, x1) = (r.t[1] - r.t[0], r.x[2..4].to_vec());
        assert!(!t.interactive() && t.kick(0.1).unwrap().is_none() && !t.set_state(&[0.0, 0.0]));
        t.time = t1;
        let got = t.state();
        assert!((got[0] - x1[0]).abs() < 1e-9 && (got[1] - x1[1]).abs() < 1e-9);
    }

    #[test]
    fn a_kick_for_energy_changes_the_energy_by_exactly_that_much() {
        for (path, x) in [
            ("scenes/pixel_pendulum.ron", [0.3, -0.8]),
            ("scenes/pixel_pendulum.ron", [0.2, 0.0]),
            ("scenes/spring.ron", [0.4, 0.3]),
            ("scenes/pendulum.ron", [1.0, -0.2]),
        ] {
            let mut t = TruthSystem::for_scene(&scene(path), &x, 1.0 / 60.0).unwrap();
            for de in [0.1, 0.37, -0.01] {
                let e0 = t.energy();
                let (q0, p0) = (t.state()[0], t.state()[1]);
                let j = t.kick_for_energy(de).unwrap();
                t.kick(j).unwrap();
                // rapier keeps f32 state: exact to its precision.
                let tol = 2e-5 * (1.0 + e0.abs());
                let got = t.energy() - e0;
                assert!((got - de).abs() < tol, "{path} {x:?} {de}: {got}");
                // Along the motion (a gain), at the same place.
                assert_eq!(t.state()[0], q0);
                if de > 0.0 && p0 != 0.0 {
                    assert!(t.state()[1] * p0 > 0.0 && t.state()[1].abs() > p0.abs());
                }
            }
        }
        // A loss larger than the kinetic energy stops the motion.
        let mut t = TruthSystem::for_scene(&scene("scenes/spring.ron"), &[0.4, 0.3], 0.01).unwrap();
        t.kick(t.kick_for_energy(-10.0).unwrap()).unwrap();
        assert!(t.state()[1].abs() < 1e-12);
    }

    #[test]
    fn new_physics_keep_the_state_and_change_the_motion() {
        let s = scene("scenes/pixel_pendulum.ron");
        let mut earth = TruthSystem::for_scene(&s, &[0.3, 0.0], 0.5).unwrap();
        let mut moon = TruthSystem::for_scene(&s, &[0.3, 0.0], 0.5).unwrap();
        let mut spec = moon.physics().unwrap();
        spec.gravity = 1.62;
        assert!(moon.set_physics(spec).unwrap());
        assert_eq!(moon.state(), vec![0.3, 0.0]);
        assert_eq!(moon.physics().unwrap().gravity, 1.62);
        for _ in 0..30 {
            earth.step();
            moon.step();
        }
        // Half a second: the Earth pendulum has swung most of the way across (period 1.64 s),
        // the Moon one has barely started (period 4.0 s); the Moon's energy scale is g's.
        assert!(earth.state()[0] < 0.0, "{:?}", earth.state());
        assert!(moon.state()[0] > 0.15, "{:?}", moon.state());
        let (_, u_moon) = moon.parts(&[0.3, 0.0]);
        let (_, u_earth) = earth.parts(&[0.3, 0.0]);
        assert!((u_moon / u_earth - 1.62 / 9.81).abs() < 1e-12);
        let mut spring =
            TruthSystem::for_scene(&scene("scenes/spring.ron"), &[0.1, 0.0], 0.01).unwrap();
        assert!(spring.physics().is_none() && !spring.set_physics(spec).unwrap());
    }

    #[test]
    fn pixel_truth_observes_frame_pairs_and_advances_a_third_of_a_frame() {
        let t =
            TruthSystem::for_scene(&scene("scenes/pixel_pendulum.ron"), &[0.3, 0.0], 0.5).unwrap();
        assert!((t.dt - 1.0 / 60.0).abs() < 1e-12, "the physics dt wins");
        assert!((t.twin_step() - 1.0 / 3.0).abs() < 1e-12);
        assert!(matches!(t.observe(), Observation::Pair(p) if p.len() == 1568));
    }
}

mod two_dof {
    use super::super::*;

    /// An analytic truth with two degrees of freedom steps in its own coordinates and keeps
    /// its energy; a kick changes p₁ only.
    #[test]
    fn a_double_pendulum_truth() {
        let scene: Scene = ron::from_str(
            r#"Scene(name: "dp", system: DoublePendulum(m1: 1.0, m2: 1.0, l1: 1.0, l2: 1.0, g: 9.81),
            data: Synthetic(()))"#,
        )
        .unwrap();
        assert!(TruthSystem::for_scene(&scene, &[0.5, 0.0], 0.01).is_err());
        let mut t = TruthSystem::for_scene(&scene, &[0.5, -0.2, 0.0, 0.3], 0.001).unwrap();
        let e0 = t.energy();
        for _ in 0..2000 {
            t.step();
        }
        assert!(
            (t.energy() - e0).abs() < 1e-8 * e0.abs().max(1.0),
            "{} vs {e0}",
            t.energy()
        );
        let before = t.state();
        t.kick(0.25).unwrap();
        let after = t.state();
        assert!((after[2] - before[2] - 0.25).abs() < 1e-15 && after[3] == before[3]);
        assert_eq!(&after[..2], &before[..2]);
    }
}
