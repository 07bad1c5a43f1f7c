//! The rapier pendulum's tests: its period, energy, friction, backward angles and kicks
//! against the theory they should match.

use super::*;

#[test]
fn state_round_trips_and_period_matches_small_angle_theory() {
    let spec = RapierSpec::default();
    let mut p = RapierPendulum::new(spec, 0.1, 0.0);
    let (t, w) = p.state();
    assert!((t - 0.1).abs() < 1e-6 && w.abs() < 1e-6, "{t} {w}");
    // Small-angle period 2π √(I / (m g l/2)) = 2π √(2l / 3g).
    let period = std::f64::consts::TAU * (2.0 * spec.length / (3.0 * spec.gravity)).sqrt();
    let mut crossings = Vec::new();
    let mut prev = p.state().0;
    for i in 1..=(10.0 / spec.dt) as usize {
        p.step();
        let th = p.state().0;
        if prev > 0.0 && th <= 0.0 {
            crossings.push(i as f64 * spec.dt);
        }
        prev = th;
    }
    let measured = (crossings[crossings.len() - 1] - crossings[0]) / (crossings.len() - 1) as f64;
    assert!(
        (measured - period).abs() < 0.01 * period,
        "period {measured} vs {period}"
    );
}

/// The shipped default keeps the energy within 1% over 60 s at small, medium and large
/// amplitude (docs/pixel-pendulum.md's table shows the margin).
#[test]
fn default_settings_conserve_energy_within_one_percent_over_60_s() {
    for theta0 in [0.3, 1.0, 2.5] {
        let (end, worst) = energy_drift(RapierSpec::default(), theta0, 60.0);
        assert!(
            worst < 0.01,
            "θ0 = {theta0}: end {end:+.4}, worst {worst:.4}"
        );
    }
}

/// Joint friction loses energy at the ODE's rate: energy lost over 10 s (about six
/// swings) within 2% of the damped ODE's, for both joint kinds, small and large swings
/// (`hnn-lab drift` prints the table); and the energy falls second by second.
#[test]
fn joint_friction_matches_the_damped_ode() {
    for joint in [JointKind::Multibody, JointKind::Impulse] {
        for theta0 in [0.3, 2.0] {
            let spec = RapierSpec {
                friction: 0.05,
                joint,
                substeps: if joint == JointKind::Impulse { 16 } else { 4 },
                ..Default::default()
            };
            let (lost_rapier, lost_ode) = friction_loss(spec, theta0, 10.0);
            let e0 = spec.energy(theta0, 0.0);
            assert!(lost_ode > 0.05 * e0, "{lost_ode} of {e0}");
            let rel = (lost_rapier - lost_ode).abs() / lost_ode;
            assert!(
                rel < 0.02,
                "{joint:?} θ0 = {theta0}: rapier lost {lost_rapier:.5} J, the ODE {lost_ode:.5} J ({rel:.4})"
            );
            let mut p = RapierPendulum::new(spec, theta0, 0.0);
            let mut last = p.energy();
            for _ in 0..10 {
                for _ in 0..60 {
                    p.step();
                }
                assert!(p.energy() < last, "{joint:?}: energy rose");
                last = p.energy();
            }
        }
    }
}

/// Reversed time with friction: stepping forward from the state `past_angles` reports
/// `steps` earlier lands back on the same angle, for both joint kinds (the impulse
/// joint's motor runs with a negative damping backwards).
#[test]
fn past_angles_undo_friction() {
    for joint in [JointKind::Multibody, JointKind::Impulse] {
        let spec = RapierSpec {
            friction: 0.2,
            joint,
            ..Default::default()
        };
        let (theta, omega) = (0.4, 1.1);
        let past = past_angles(spec, theta, omega, 3);
        // The state 3 steps back: angle from the list, velocity from a fresh backward run.
        let reversed = RapierSpec {
            friction: -spec.friction,
            ..spec
        };
        let mut back = RapierPendulum::new(reversed, theta, -omega);
        for _ in 0..3 {
            back.step();
        }
        let (th_b, om_b) = back.state();
        assert!((th_b - past[0]).abs() < 1e-12);
        let mut fwd = RapierPendulum::new(spec, th_b, -om_b);
        for _ in 0..3 {
            fwd.step();
        }
        let (th, om) = fwd.state();
        assert!(
            (th - theta).abs() < 1e-3 && (om - omega).abs() < 1e-2,
            "{joint:?}: {th} {om}"
        );
    }
}

#[test]
fn kick_adds_the_expected_energy() {
    let spec = RapierSpec::default();
    let mut p = RapierPendulum::new(spec, 0.3, 0.5);
    let (t, w) = p.state();
    p.kick(0.2);
    let (t2, w2) = p.state();
    assert!((t2 - t).abs() < 1e-6);
    assert!((w2 - (w + 0.2 / spec.inertia())).abs() < 1e-5);
    let want = spec.energy(t, w + 0.2 / spec.inertia()) - spec.energy(t, w);
    assert!((p.energy() - spec.energy(t, w) - want).abs() < 1e-5);
}
