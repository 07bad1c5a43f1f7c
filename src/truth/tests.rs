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

    fn shipped(path: &str) -> Scene {
        Scene::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
    }

    /// The rapier double pendulum as the app's truth: canonical state in and out, energy within
    /// the measured bound (1%, `hnn-lab drift`) over 20 s of a chaotic swing, a kick to either
    /// bob by exactly the energy asked, and new physics from the current state.
    #[test]
    fn the_rapier_double_pendulum_truth() {
        let s = shipped("scenes/rapier_double_pendulum.ron");
        let x0 = [1.2, 2.0, 0.3, -0.2];
        let mut t = TruthSystem::for_scene(&s, &x0, 0.5).unwrap();
        assert!((t.dt - 1.0 / 60.0).abs() < 1e-12, "the rapier step wins");
        let got = t.state();
        for k in 0..4 {
            assert!((got[k] - x0[k]).abs() < 1e-4, "{got:?}");
        }
        assert_eq!(t.bodies(), 2);
        let e0 = t.energy();
        let mut worst = 0.0f64;
        for _ in 0..1200 {
            t.step();
            worst = worst.max(((t.energy() - e0) / e0).abs());
        }
        assert!(worst < 0.01, "energy moved by {worst}");
        for (body, de) in [(0, 0.8), (1, 0.5), (1, -0.3)] {
            let (e, x) = (t.energy(), t.state());
            let j = t.energy_kick(de, body).unwrap();
            t.kick_body(j, body).unwrap().unwrap();
            let y = t.state();
            assert!((t.energy() - e - de).abs() < 1e-4 * e.abs(), "{body} {de}");
            // The angles stay; only that joint's momentum changes.
            assert!((y[0] - x[0]).abs() < 1e-5 && (y[1] - x[1]).abs() < 1e-5);
            assert!((y[3 - body] - x[3 - body]).abs() < 1e-4 * (1.0 + x[3 - body].abs()));
        }
        assert!(t.kick_body(0.1, 2).is_err());
        let mut spec = match t.system() {
            SystemSpec::RapierDoublePendulum(r) => *r,
            _ => unreachable!(),
        };
        spec.l2 = 0.5;
        let x = t.state();
        assert!(t
            .set_system(&SystemSpec::RapierDoublePendulum(spec))
            .unwrap());
        let y = t.state();
        assert!((y[0] - x[0]).abs() < 1e-5 && (y[1] - x[1]).abs() < 1e-5);
        let wrong = SystemSpec::Spring { k: 1.0, m: 1.0 };
        assert!(t.set_system(&wrong).is_err());
    }

    /// Kicking an orbit: the pair of opposite impulses keeps the total momentum (so the centre
    /// of mass stays), raises the energy by exactly what was asked, and the orbit widens.
    #[test]
    fn an_orbit_kick_keeps_the_momentum_and_widens_the_orbit() {
        for path in ["scenes/two_body.ron", "scenes/three_body.ron"] {
            let s = shipped(path);
            let g = match &s.system {
                SystemSpec::Gravity { masses, g } => crate::physics::Gravity {
                    masses: masses.clone(),
                    g: *g,
                },
                _ => unreachable!(),
            };
            let mut rng = crate::rng::Rng::new(3);
            let x0 = crate::data::orbit_state(&mut rng, &g, (0.9, 1.1), 0.0);
            let widest = |t: &mut TruthSystem| {
                let mut r = 0.0f64;
                for _ in 0..600 {
                    t.step();
                    let q = t.state();
                    for b in s.system.body_positions(&q[..q.len() / 2]) {
                        r = r.max(b[0].hypot(b[1]));
                    }
                }
                r
            };
            let mut calm = TruthSystem::for_scene(&s, &x0, 1.0 / 60.0).unwrap();
            let mut kicked = TruthSystem::for_scene(&s, &x0, 1.0 / 60.0).unwrap();
            let e0 = kicked.energy();
            let de = 0.1 * e0.abs();
            let j = kicked.energy_kick(de, 0).unwrap();
            assert!(j > 0.0, "along the motion");
            kicked.kick_body(j, 0).unwrap();
            assert!(
                (kicked.energy() - e0 - de).abs() < 1e-9 * e0.abs(),
                "{path}"
            );
            let (p0, p1) = (g.momentum(&x0), g.momentum(&kicked.state()));
            assert!((p0[0] - p1[0]).abs() < 1e-12 && (p0[1] - p1[1]).abs() < 1e-12);
            let (r_calm, r_kicked) = (widest(&mut calm), widest(&mut kicked));
            assert!(r_kicked > 1.05 * r_calm, "{path}: {r_kicked} vs {r_calm}");
        }
    }

    /// Drawing positions: a chain's bobs at the ends of its rods, found again from them; the
    /// orbits about their centre of mass.
    #[test]
    fn body_positions_and_their_inverse() {
        let dp = SystemSpec::DoublePendulum {
            m1: 1.0,
            m2: 2.0,
            l1: 1.0,
            l2: 0.5,
            g: 9.81,
        };
        let q = [0.3, -1.1];
        let b = dp.body_positions(&q);
        let l2 = ((b[1][0] - b[0][0]).powi(2) + (b[1][1] - b[0][1]).powi(2)).sqrt();
        assert!((b[0][0].hypot(b[0][1]) - 1.0).abs() < 1e-12 && (l2 - 0.5).abs() < 1e-12);
        assert!((b[0][0] - 0.3f64.sin()).abs() < 1e-12 && b[0][1] < 0.0);
        let back = dp.chain_angles_to(&[0.0, 0.0], 0, b[0]).unwrap();
        assert!((back[0] - q[0]).abs() < 1e-12 && back[1] == 0.0);
        let back = dp.chain_angles_to(&q, 1, b[1]).unwrap();
        assert!((back[0] - q[0]).abs() < 1e-12 && (back[1] - q[1]).abs() < 1e-12);
        // A turn is kept: from θ = 2π − 0.1, the bob just past the bottom is at 2π + 0.1.
        let turned = dp.chain_angles_to(&[TAU - 0.1, 0.0], 0, [0.1f64.sin(), -0.1f64.cos()]);
        assert!((turned.unwrap()[0] - (TAU + 0.1)).abs() < 1e-12);
        let orbits = SystemSpec::Gravity {
            masses: vec![1.0, 3.0],
            g: 1.0,
        };
        let b = orbits.body_positions(&[1.0, 5.0, 0.0, 4.0]);
        assert!((b[0][0] + 3.0).abs() < 1e-12 && (b[1][0] - 1.0).abs() < 1e-12);
        assert!((b[0][1] + 3.0).abs() < 1e-12 && (b[1][1] - 1.0).abs() < 1e-12);
        assert!(!orbits.is_chain() && orbits.chain_angles_to(&[0.0; 4], 0, [0.0; 2]).is_none());
    }

    use std::f64::consts::TAU;
}
