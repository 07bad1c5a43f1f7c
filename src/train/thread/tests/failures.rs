//! The trainer thread when training goes wrong: divergence, a panic, a finite blow-up. The
//! thread stops with a message, and no bad weights reach the app.

use super::*;

/// A learning rate that makes training diverge: the thread stops with an error that says what
/// happened and what to do, and no non-finite weights ever reach the app.
#[test]
fn a_diverging_trainer_stops_says_why_and_sends_no_nan_weights() {
    let t = spring_trainer(ModelKind::Baseline);
    let h = TrainerHandle::spawn(
        t,
        Cadence {
            report_every: Duration::from_millis(1),
            snapshot_every: 1,
        },
    );
    h.send(Command::SetLearningRate(1e30));
    h.send(Command::Start);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut error = None;
    while std::time::Instant::now() < deadline {
        match h.recv_timeout(Duration::from_millis(100)) {
            Some(Progress::Snapshot { weights, .. }) => assert!(weights.is_finite()),
            Some(Progress::Error(e)) => {
                error = Some(e);
                break;
            }
            _ => {}
        }
    }
    let e = error.expect("the divergence is reported");
    assert!(e.contains("diverged") && e.contains("learning rate"), "{e}");
    assert!(matches!(
        h.recv_timeout(Duration::from_secs(5)),
        Some(Progress::Running(false))
    ));
}

/// A trainer that panics mid-step: the thread ends with a message saying so, not silence.
#[test]
fn a_panicking_trainer_ends_with_a_message() {
    struct Boom(usize);
    impl Steppable for Boom {
        type Snapshot = ();
        fn train_step(&mut self) -> anyhow::Result<crate::train::LossValues> {
            self.0 += 1;
            if self.0 == 3 {
                panic!("boom at step 3");
            }
            Ok(Default::default())
        }
        fn snapshot(&self) -> anyhow::Result<()> {
            Ok(())
        }
        fn reset(&mut self) -> anyhow::Result<()> {
            Ok(())
        }
        fn set_learning_rate(&mut self, _: f64) {}
        fn set_batch_size(&mut self, _: usize) {}
        fn steps_done(&self) -> usize {
            self.0
        }
        fn device_name(&self) -> String {
            "test".into()
        }
        fn save(
            &self,
            _: &std::path::Path,
            _: crate::train::LossValues,
            _: f64,
        ) -> anyhow::Result<()> {
            Ok(())
        }
        fn snapshot_is_finite(_: &()) -> bool {
            true
        }
        fn probe_loss(&self) -> anyhow::Result<f64> {
            Ok(0.0)
        }
    }
    let h = TrainerHandle::spawn(Boom(0), Cadence::default());
    h.send(Command::Start);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        match h.recv_timeout(Duration::from_millis(100)) {
            Some(Progress::Ended(e)) => {
                assert!(e.contains("boom at step 3") && e.contains("new one"), "{e}");
                break;
            }
            _ => assert!(std::time::Instant::now() < deadline, "no message"),
        }
    }
}

/// A trainer whose loss falls, then blows up (finite) at step 50, the weights with it: the
/// thread stops with a message naming the blow-up, no snapshot of the blown-up weights (nor
/// of the step before, whose weights that loss judged) leaves it, a Save is refused, and a
/// Reset clears it all.
#[test]
fn a_finite_blow_up_counts_as_divergence_and_its_weights_never_leave() {
    /// The "weights" are the step they were taken at.
    struct Blows(usize);
    impl Steppable for Blows {
        type Snapshot = usize;
        fn train_step(&mut self) -> anyhow::Result<crate::train::LossValues> {
            // The loss of step k is computed with the weights after step k - 1.
            let total = if self.0 >= 50 {
                1e3
            } else {
                1.0 / (1 + self.0) as f64
            };
            self.0 += 1;
            Ok(crate::train::LossValues {
                total,
                ..Default::default()
            })
        }
        fn snapshot(&self) -> anyhow::Result<usize> {
            Ok(self.0)
        }
        fn reset(&mut self) -> anyhow::Result<()> {
            self.0 = 0;
            Ok(())
        }
        fn set_learning_rate(&mut self, _: f64) {}
        fn set_batch_size(&mut self, _: usize) {}
        fn steps_done(&self) -> usize {
            self.0
        }
        fn device_name(&self) -> String {
            "test".into()
        }
        fn save(
            &self,
            _: &std::path::Path,
            _: crate::train::LossValues,
            _: f64,
        ) -> anyhow::Result<()> {
            Ok(())
        }
        fn snapshot_is_finite(_: &usize) -> bool {
            true
        }
        fn probe_loss(&self) -> anyhow::Result<f64> {
            Ok(if self.0 > 50 { 1e3 } else { 0.1 })
        }
    }
    let h = TrainerHandle::spawn(
        Blows(0),
        Cadence {
            report_every: Duration::from_secs(60),
            snapshot_every: 1,
        },
    );
    h.send(Command::Start);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut sent = Vec::new();
    let error = loop {
        match h.recv_timeout(Duration::from_millis(100)) {
            Some(Progress::Snapshot { weights, .. }) => sent.push(*weights),
            Some(Progress::Error(e)) => break e,
            _ => assert!(std::time::Instant::now() < deadline, "no divergence"),
        }
    };
    // Step 51's loss (computed with the weights after step 50) blew up: 1e3 against a lowest
    // of 1/50.
    assert!(
        error.contains("diverged at step 51") && error.contains("over 1e4 times"),
        "{error}"
    );
    assert_eq!(sent.last(), Some(&49), "{sent:?}");
    assert!(matches!(
        h.recv_timeout(Duration::from_secs(5)),
        Some(Progress::Running(false))
    ));
    h.send(Command::Snapshot);
    h.send(Command::Save("unused".into()));
    match h.recv_timeout(Duration::from_secs(5)) {
        Some(Progress::Error(e)) => assert!(e.contains("not saved") && e.contains("Reset"), "{e}"),
        other => panic!("unexpected {other:?}"),
    }
    // Training on from the blown-up weights is refused too.
    h.send(Command::Start);
    match h.recv_timeout(Duration::from_secs(5)) {
        Some(Progress::Error(e)) => assert!(e.contains("before training again"), "{e}"),
        other => panic!("unexpected {other:?}"),
    }
    h.send(Command::Reset);
    match h.recv_timeout(Duration::from_secs(5)) {
        Some(Progress::Snapshot { weights, .. }) => assert_eq!(*weights, 0),
        other => panic!("unexpected {other:?}"),
    }
}
