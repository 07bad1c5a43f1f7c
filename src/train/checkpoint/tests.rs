//! Tests of model files: round trips, concurrent saves, damaged meta, models of another n.

use super::*;

/// A meta entry for `t` with these hidden widths and no training history.
fn fresh_meta(t: &Trainer, hidden: &[usize]) -> ModelMeta {
    ModelMeta {
        sizes: t.kind.sizes(t.scaling.dim(), hidden),
        scaling: t.scaling.clone(),
        steps: 0,
        seed: 0,
        final_train_loss: 0.0,
        final_test_loss: 0.0,
        train_seconds: 0.0,
        device: "cpu".into(),
        pixel: None,
    }
}

mod round_trip {
    use super::super::*;
    use crate::data::synthetic_dataset;
    use crate::scene::DataSpec;
    use candle_core::Device;

    fn setup() -> (Scene, Trainer, tempfile::TempDir) {
        let scene: Scene = ron::from_str(
            r#"Scene(name: "t", system: Spring(k: 1.0, m: 1.0),
            data: Synthetic((trajectories: 4, points: 5)), model: (hidden: [8, 8]))"#,
        )
        .unwrap();
        let DataSpec::Synthetic(spec) = &scene.data else {
            unreachable!()
        };
        let data = synthetic_dataset(&scene.system, spec).unwrap();
        let mut t = Trainer::new(ModelKind::Hnn, &scene, &data, &Device::Cpu).unwrap();
        t.train_step().unwrap();
        (scene, t, tempfile::tempdir().unwrap())
    }

    fn meta(t: &Trainer) -> ModelMeta {
        ModelMeta {
            sizes: t.kind.sizes(t.scaling.dim(), &[8, 8]),
            scaling: t.scaling.clone(),
            steps: 1,
            seed: 0,
            final_train_loss: 0.5,
            final_test_loss: 0.6,
            train_seconds: 0.1,
            device: "cpu".into(),
            pixel: None,
        }
    }

    #[test]
    fn save_load_round_trip_and_no_temp_files_left() {
        let (scene, t, dir) = setup();
        save_model(dir.path(), &scene, &t, meta(&t)).unwrap();
        let (snap, warn) = load_snapshot(dir.path(), ModelKind::Hnn, &scene).unwrap();
        assert!(warn.is_none());
        assert_eq!(snap, t.snapshot().unwrap());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.contains(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        assert!(load_snapshot(dir.path(), ModelKind::Baseline, &scene)
            .unwrap_err()
            .to_string()
            .contains("no baseline"));
    }

    /// Two trainers saving apart (a browser's two workers, each with only its own files):
    /// the page merges the second `meta.ron` with the first, and the folder then loads both.
    #[test]
    fn metas_written_apart_merge_into_one_that_loads_both() {
        let (scene, hnn, a) = setup();
        let DataSpec::Synthetic(spec) = &scene.data else {
            unreachable!()
        };
        let data = synthetic_dataset(&scene.system, spec).unwrap();
        let base = Trainer::new(ModelKind::Baseline, &scene, &data, &Device::Cpu).unwrap();
        let b = tempfile::tempdir().unwrap();
        save_model(a.path(), &scene, &hnn, meta(&hnn)).unwrap();
        save_model(b.path(), &scene, &base, meta(&base)).unwrap();
        let text = |d: &Path| std::fs::read_to_string(d.join("meta.ron")).unwrap();
        let merged = merge_meta(&text(a.path()), &text(b.path())).unwrap();
        std::fs::write(a.path().join("meta.ron"), merged).unwrap();
        std::fs::copy(
            weights_path(b.path(), ModelKind::Baseline),
            weights_path(a.path(), ModelKind::Baseline),
        )
        .unwrap();
        for (kind, t) in [(ModelKind::Hnn, &hnn), (ModelKind::Baseline, &base)] {
            let (snap, _) = load_snapshot(a.path(), kind, &scene).unwrap();
            assert_eq!(snap, t.snapshot().unwrap(), "{kind:?}");
        }
        // Another scene's entry is not kept; unreadable text merges to nothing.
        let other = text(a.path()).replace(&scene.hash(), "0000000000000000");
        let alone = merge_meta(&other, &text(b.path())).unwrap();
        let m: ModelsMeta = ron::from_str(&alone).unwrap();
        assert_eq!(m.models.keys().collect::<Vec<_>>(), [&ModelKind::Baseline]);
        assert!(merge_meta("(scene: 3", &text(b.path())).is_none());
        // Where both name a model, the new entry wins (the save just made).
        let mut newer = meta(&hnn);
        newer.steps = 99;
        save_model(b.path(), &scene, &hnn, newer).unwrap();
        let both = merge_meta(&text(a.path()), &text(b.path())).unwrap();
        let m: ModelsMeta = ron::from_str(&both).unwrap();
        assert_eq!(m.models[&ModelKind::Hnn].steps, 99);
        assert_eq!(m.models.len(), 2);
    }

    #[test]
    fn garbage_and_wrong_shape_are_clear_errors() {
        let (scene, t, dir) = setup();
        save_model(dir.path(), &scene, &t, meta(&t)).unwrap();
        let wpath = dir.path().join("hnn.safetensors");
        std::fs::write(&wpath, b"this is not a model").unwrap();
        let e = load_snapshot(dir.path(), ModelKind::Hnn, &scene)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("hnn.safetensors") && e.contains("not a readable safetensors"),
            "{e}"
        );

        // A model with other widths saved under the same name.
        let mut other = scene.clone();
        other.model.hidden = vec![4, 8];
        let DataSpec::Synthetic(spec) = &other.data else {
            unreachable!()
        };
        let data = synthetic_dataset(&scene.system, spec).unwrap();
        let t2 = Trainer::new(ModelKind::Hnn, &other, &data, &Device::Cpu).unwrap();
        candle_core::safetensors::save(&t2.tensors().unwrap(), &wpath).unwrap();
        let e = load_snapshot(dir.path(), ModelKind::Hnn, &scene)
            .unwrap_err()
            .to_string();
        assert!(e.contains("l0.weight") && e.contains("shape"), "{e}");

        std::fs::write(dir.path().join("meta.ron"), "(scene: 3").unwrap();
        let e = load_snapshot(dir.path(), ModelKind::Hnn, &scene)
            .unwrap_err()
            .to_string();
        assert!(e.contains("meta.ron:1:"), "{e}");
    }
}

mod saves {
    use super::super::*;
    use crate::data::synthetic_dataset;
    use crate::scene::DataSpec;
    use candle_core::Device;

    /// Both models saved at once from two threads, again and again: meta.ron always ends
    /// with both entries; a model with a NaN weight is refused and the good files stay.
    #[test]
    fn concurrent_saves_keep_both_entries_and_nan_models_are_refused() {
        let scene: Scene = ron::from_str(
            r#"Scene(name: "t", system: Spring(k: 1.0, m: 1.0),
            data: Synthetic((trajectories: 4, points: 5)), model: (hidden: [8]))"#,
        )
        .unwrap();
        let DataSpec::Synthetic(spec) = &scene.data else {
            unreachable!()
        };
        let data = synthetic_dataset(&scene.system, spec).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let meta = |t: &Trainer| super::fresh_meta(t, &[8]);
        let trainers: Vec<Trainer> = [ModelKind::Hnn, ModelKind::Baseline]
            .into_iter()
            .map(|k| Trainer::new(k, &scene, &data, &Device::Cpu).unwrap())
            .collect();
        for _ in 0..20 {
            std::thread::scope(|s| {
                for t in &trainers {
                    let (scene, dir) = (&scene, dir.path());
                    s.spawn(move || save_model(dir, scene, t, meta(t)).unwrap());
                }
            });
            let m = load_meta(dir.path()).unwrap();
            assert_eq!(m.models.len(), 2, "an entry was lost");
        }
        let mut bad = trainers[0].tensors().unwrap();
        let w = bad.get_mut("l0.weight").unwrap();
        *w = (w.clone() * f64::NAN).unwrap();
        let e = save_tensors(dir.path(), &scene, ModelKind::Hnn, &bad, meta(&trainers[0]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("non-finite") && e.contains("l0.weight"), "{e}");
        assert!(load_snapshot(dir.path(), ModelKind::Hnn, &scene).is_ok());
    }
}

mod meta {
    use super::super::*;
    use candle_core::Device;

    /// `sizes: []` and `tau: 0.0` in a hand-edited meta.ron are errors naming the field.
    #[test]
    fn damaged_meta_entries_are_errors_naming_the_field() {
        let dir = tempfile::tempdir().unwrap();
        let spring = crate::scene::Scene::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/spring.ron"),
        )
        .unwrap();
        // Files as saved before models described themselves: the entry comes from meta.ron.
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/spring");
        std::fs::copy(shipped.join("meta.ron"), dir.path().join("meta.ron")).unwrap();
        for f in ["hnn.safetensors", "baseline.safetensors"] {
            let t = candle_core::safetensors::load(shipped.join(f), &Device::Cpu).unwrap();
            candle_core::safetensors::save(&t, dir.path().join(f)).unwrap();
        }
        assert!(load_snapshot(dir.path(), ModelKind::Hnn, &spring).is_ok());
        let meta = std::fs::read_to_string(dir.path().join("meta.ron")).unwrap();
        let edit = |from: &str, to: &str| {
            assert!(meta.contains(from), "{from}");
            std::fs::write(dir.path().join("meta.ron"), meta.replacen(from, to, 1)).unwrap();
            load_snapshot(dir.path(), ModelKind::Hnn, &spring)
                .unwrap_err()
                .to_string()
        };
        let e = edit("sizes: [\n                2,\n                200,\n                200,\n                1,\n            ]", "sizes: []");
        assert!(
            e.contains("meta.ron") && e.contains("models.hnn.sizes"),
            "{e}"
        );
        let e = edit("tau: 0.5130531177246515", "tau: 0.0");
        assert!(e.contains("models.hnn.scaling.tau"), "{e}");
    }

    /// The same checks on the description a model file carries in its header.
    #[test]
    fn damaged_header_entries_are_errors_naming_the_file_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let spring = crate::scene::Scene::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/spring.ron"),
        )
        .unwrap();
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/spring");
        let tensors =
            candle_core::safetensors::load(shipped.join("hnn.safetensors"), &Device::Cpu).unwrap();
        let good = load_meta(&shipped).unwrap().models[&ModelKind::Hnn].clone();
        let path = dir.path().join("hnn.safetensors");
        let write = |m: ModelMeta| {
            let p = Provenance {
                scene: spring.name.clone(),
                scene_hash: spring.hash(),
                crate_version: env!("CARGO_PKG_VERSION").into(),
                model: m,
            };
            model_file::write(&path, &tensors, &p).unwrap();
            load_snapshot(dir.path(), ModelKind::Hnn, &spring).map(|_| ())
        };
        write(good.clone()).unwrap();
        let e = write(ModelMeta {
            sizes: vec![],
            ..good.clone()
        })
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("hnn.safetensors") && e.contains("hnn-lab.model.sizes"),
            "{e}"
        );
        let mut m = good;
        m.scaling.tau = f64::NAN;
        let e = write(m).unwrap_err().to_string();
        assert!(e.contains("hnn-lab.model.scaling.tau"), "{e}");
    }
}

mod self_describing {
    use super::super::*;
    use crate::data::synthetic_dataset;
    use crate::scene::DataSpec;
    use candle_core::Device;

    /// Weights and description are one file: a missing, damaged or stale `meta.ron` (say,
    /// from a crash between the two writes) does not change what a model file loads as.
    #[test]
    fn a_model_loads_from_its_own_file_whatever_meta_ron_says() {
        let scene: Scene = ron::from_str(
            r#"Scene(name: "t", system: Spring(k: 1.0, m: 1.0),
            data: Synthetic((trajectories: 4, points: 5)), model: (hidden: [8, 8]))"#,
        )
        .unwrap();
        let DataSpec::Synthetic(spec) = &scene.data else {
            unreachable!()
        };
        let data = synthetic_dataset(&scene.system, spec).unwrap();
        let t = Trainer::new(ModelKind::Hnn, &scene, &data, &Device::Cpu).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut meta = super::fresh_meta(&t, &[8, 8]);
        meta.scaling.tau = 0.25;
        save_model(dir.path(), &scene, &t, meta.clone()).unwrap();
        let want = t.snapshot().unwrap();
        let want = FieldSnapshot {
            scaling: meta.scaling.clone(),
            ..want
        };
        let load = || load_snapshot(dir.path(), ModelKind::Hnn, &scene).unwrap().0;
        assert_eq!(load(), want);
        // A meta.ron from another save: other scales, another scene.
        let index = dir.path().join("meta.ron");
        let stale = std::fs::read_to_string(&index)
            .unwrap()
            .replace("tau: 0.25", "tau: 4.0");
        std::fs::write(&index, &stale).unwrap();
        assert_eq!(load(), want);
        std::fs::write(&index, "(scene: 3").unwrap();
        assert_eq!(load(), want);
        std::fs::remove_file(&index).unwrap();
        assert_eq!(load(), want);
        // The next save writes the index again.
        save_model(dir.path(), &scene, &t, meta).unwrap();
        assert!(load_meta(dir.path())
            .unwrap()
            .models
            .contains_key(&ModelKind::Hnn));
    }
}

mod degrees_of_freedom {
    use super::super::*;
    use crate::data::synthetic_dataset;
    use crate::scene::DataSpec;
    use candle_core::Device;

    /// A double-pendulum model opened by a one-degree-of-freedom scene of the same name: an
    /// error naming the model file, both n and the scene.
    #[test]
    fn a_model_for_another_n_is_a_clear_error() {
        let dp: Scene = ron::from_str(
            r#"Scene(name: "t", system: DoublePendulum(m1: 1.0, m2: 1.0, l1: 1.0, l2: 1.0, g: 9.81),
            data: Synthetic((trajectories: 4, points: 5)), model: (hidden: [8, 8]))"#,
        )
        .unwrap();
        let DataSpec::Synthetic(spec) = &dp.data else {
            unreachable!()
        };
        let data = synthetic_dataset(&dp.system, spec).unwrap();
        assert_eq!(data.train.dim, 4);
        let t = Trainer::new(ModelKind::Hnn, &dp, &data, &Device::Cpu).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let meta = super::fresh_meta(&t, &[8, 8]);
        save_model(dir.path(), &dp, &t, meta).unwrap();
        let (snap, _) = load_snapshot(dir.path(), ModelKind::Hnn, &dp).unwrap();
        assert_eq!(snap.dim(), 4);
        let spring: Scene = ron::from_str(
            r#"Scene(name: "t", system: Spring(k: 1.0, m: 1.0),
            data: Synthetic((trajectories: 4, points: 5)), model: (hidden: [8, 8]))"#,
        )
        .unwrap();
        let e = load_snapshot(dir.path(), ModelKind::Hnn, &spring)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("hnn.safetensors") && e.contains("4 numbers") && e.contains("1 degree"),
            "{e}"
        );
    }
}
