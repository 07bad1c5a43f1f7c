//! The wire format's tests: round trips bit for bit, and damaged messages as errors.

use std::sync::Arc;

use super::super::{Command, Progress};
use super::*;
use crate::data::Scaling;
use crate::nn::{FieldSnapshot, MlpWeights, ModelKind, PixelSnapshot, ResidualWeights};
use crate::train::LossValues;

fn field() -> FieldSnapshot {
    FieldSnapshot {
        kind: ModelKind::Hnn,
        mlp: MlpWeights {
            sizes: vec![2, 3, 1],
            w: vec![
                vec![0.1, -0.2, 0.3, 0.4, 0.5, -0.6],
                vec![1.0, 2.0, f64::MIN_POSITIVE],
            ],
            b: vec![Some(vec![0.0, 1e-300, -0.0]), None],
        },
        dissipation: None,
        scaling: Scaling {
            s: vec![1.5, 0.25],
            tau: 0.7,
        },
    }
}

/// A D-HNN snapshot: the H network of `field`, and a D network of the same sizes.
fn dhnn() -> FieldSnapshot {
    let mut f = field();
    f.kind = ModelKind::Dhnn;
    let mut d = f.mlp.clone();
    d.w[1][0] = -3.5;
    f.dissipation = Some(d);
    f
}

/// A kind and its dissipation network must agree: a D-HNN without one, or an HNN with one,
/// is an error, not a model that quietly drops or invents half of itself.
#[test]
fn dhnn_snapshots_need_their_dissipation_network() {
    let mut lonely = dhnn();
    lonely.dissipation = None;
    let mut extra = field();
    extra.dissipation = dhnn().dissipation;
    let mut mismatched = dhnn();
    mismatched.dissipation.as_mut().unwrap().sizes[1] = 4;
    for bad in [lonely, extra, mismatched] {
        let bytes = encode(&Progress::Snapshot {
            step: 1,
            weights: Arc::new(bad),
        });
        assert!(decode::<Progress<FieldSnapshot>>(&bytes).is_err());
    }
}

#[test]
fn messages_come_back_bit_for_bit() {
    let msgs = vec![
        Progress::Step {
            step: 12,
            losses: LossValues {
                total: f64::NAN,
                ae: 1.0,
                cc: -0.0,
                hnn: 3e-9,
            },
            steps_per_sec: 41.5,
            elapsed: Duration::new(3, 999_999_999),
        },
        Progress::Snapshot {
            step: 50,
            weights: Arc::new(field()),
        },
        Progress::Snapshot {
            step: 51,
            weights: Arc::new(dhnn()),
        },
        Progress::Running(true),
        Progress::Ready("cpu (1 training thread)".into()),
        Progress::Saved(PathBuf::from("models/α")),
        Progress::Error("training diverged".into()),
        Progress::Ended("stopped".into()),
        Progress::Files(vec![("models/spring/meta.ron".into(), b"(x: 1)".to_vec())]),
    ];
    for m in msgs {
        let back: Progress<FieldSnapshot> = decode(&encode(&m)).unwrap();
        // Debug prints every value (NaN included, which == would not match).
        assert_eq!(format!("{back:?}"), format!("{m:?}"));
        assert_eq!(encode(&back), encode(&m));
    }
    for c in [
        Command::Start,
        Command::Pause,
        Command::Reset,
        Command::SetLearningRate(1e-3),
        Command::SetBatchSize(200),
        Command::Snapshot,
        Command::Save("saved/x".into()),
        Command::Shutdown,
    ] {
        assert_eq!(decode::<Command>(&encode(&c)).unwrap(), c);
    }
}

#[test]
fn pixel_weights_come_back_bit_for_bit_and_bad_shapes_are_errors() {
    let half = |a: f32| ResidualWeights {
        shapes: vec![(2, 3), (3, 1)],
        w: vec![vec![a, -a, 0.5, 1e-40, 2.0, 3.0], vec![1.0, -1.0, a]],
        b: vec![vec![0.0, 1.0, -2.0], vec![f32::MIN_POSITIVE]],
    };
    let p = PixelSnapshot {
        kind: ModelKind::Baseline,
        encoder: half(0.25),
        decoder: half(-7.5),
        dynamics: field(),
    };
    let m = Progress::Snapshot {
        step: 7,
        weights: Arc::new(p.clone()),
    };
    let back: Progress<PixelSnapshot> = decode(&encode(&m)).unwrap();
    let Progress::Snapshot { weights, .. } = back else {
        panic!("not a snapshot")
    };
    assert_eq!(*weights, p);
    let mut bad = p;
    bad.decoder.shapes[1] = (3, 2);
    let e = decode::<PixelSnapshot>(&encode(&bad)).unwrap_err();
    assert!(e.to_string().contains("shapes"), "{e}");
}

#[test]
fn damaged_messages_are_errors() {
    let good = encode(&Progress::Snapshot {
        step: 1,
        weights: Arc::new(field()),
    });
    // Every truncation fails cleanly, as does a trailing byte.
    for n in 0..good.len() {
        assert!(
            decode::<Progress<FieldSnapshot>>(&good[..n]).is_err(),
            "cut at {n}"
        );
    }
    let mut long = good.clone();
    long.push(0);
    assert!(decode::<Progress<FieldSnapshot>>(&long).is_err());
    // A length of 2⁶⁴−1 elements is refused before anything is allocated.
    let mut huge = vec![1u8];
    1usize.put(&mut huge);
    ModelKind::Hnn.put(&mut huge);
    u64::MAX.put(&mut huge);
    let e = decode::<Progress<FieldSnapshot>>(&huge).unwrap_err();
    assert!(e.to_string().contains("elements"), "{e}");
    // Weights whose sizes disagree with their lengths cannot reach a forward pass.
    let mut bad = field();
    bad.mlp.sizes = vec![2, 4, 1];
    let e = decode::<FieldSnapshot>(&encode(&bad)).unwrap_err();
    assert!(e.to_string().contains("sizes"), "{e}");
    assert!(decode::<Command>(&[9]).is_err());
}
