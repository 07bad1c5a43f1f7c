//! A bounded fuzz of every reader of user files: the shipped scenes, lessons, model files and
//! recorded data, mutated at random (numbers swapped for extreme ones, spans deleted or
//! repeated, brackets and separators inserted, the file cut short), a fixed number of cases
//! from a fixed seed. Each reader must answer every case with a value or an error — never a
//! panic — and within a few seconds.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hnn_lab::lesson::Lesson;
use hnn_lab::nn::ModelKind;
use hnn_lab::scene::{DataSpec, Scene};
use hnn_lab::train::{load_meta, load_snapshot, write_model_file, Provenance};

/// Cases per file (scenes and lessons) and per reader (models, data).
const CASES_PER_FILE: usize = 200;
const CASES: usize = 1000;
/// The slowest a single read may be.
const LIMIT: Duration = Duration::from_secs(5);

/// A small deterministic generator (the fuzz is the same on every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// What a number may become: the values that used to break readers, and ordinary ones.
const NUMBERS: &[&str] = &[
    "0",
    "-0.0",
    "-1",
    "1",
    "2",
    "1e-300",
    "1e300",
    "-1e300",
    "inf",
    "-inf",
    "NaN",
    "1e-320",
    "4294967296",
    "18446744073709551615",
    "99999999999999999999",
    "0.5",
    "-3.5",
    "1e5",
    "7",
];
/// What may be inserted.
const TOKENS: &[&str] = &[
    "(", ")", "[", "]", ",", ":", "\"", "Some(", "None", "true", "x: 1,", "\n", "//", "/*", "",
];

/// Byte offsets of the numbers in `text` (runs of digits, signs, dots and exponents).
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphabetic()) {
            let start = if i > 0 && b[i - 1] == b'-' { i - 1 } else { i };
            let mut j = i;
            while j < b.len()
                && (b[j].is_ascii_digit() || matches!(b[j], b'.' | b'e' | b'E' | b'-' | b'+'))
            {
                j += 1;
            }
            out.push((start, j));
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The nearest char boundary at or below `i`.
fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One to three random edits of `text`.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut s = text.to_string();
    for _ in 0..1 + rng.below(3) {
        let nums = numbers(&s);
        match rng.below(10) {
            // Most edits change a number: that is where the ranges live.
            0..=5 if !nums.is_empty() => {
                let (a, b) = nums[rng.below(nums.len())];
                s.replace_range(a..b, NUMBERS[rng.below(NUMBERS.len())]);
            }
            6 => {
                let a = floor(&s, rng.below(s.len()));
                let b = floor(&s, a + rng.below(40));
                s.replace_range(a..b, "");
            }
            7 => {
                let a = floor(&s, rng.below(s.len()));
                let b = floor(&s, a + rng.below(40));
                let span = s[a..b].to_string();
                s.insert_str(b, &span);
            }
            8 => {
                let a = floor(&s, rng.below(s.len()));
                s.insert_str(a, TOKENS[rng.below(TOKENS.len())]);
            }
            _ => {
                let a = floor(&s, rng.below(s.len() + 1));
                s.truncate(a);
            }
        }
    }
    s
}

/// Runs `read` on `input`, failing the test on a panic or a slow answer, with the input.
fn never_panics<T>(what: &str, input: &str, read: impl FnOnce() -> T) {
    let start = Instant::now();
    let r = catch_unwind(AssertUnwindSafe(read));
    let took = start.elapsed();
    assert!(r.is_ok(), "{what} panicked on:\n{input}");
    assert!(took < LIMIT, "{what} took {took:?} on:\n{input}");
}

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// A copy of `scenes/` (with its lessons) beside a link to `assets/`, so relative paths in
/// mutated files resolve as in the repository.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let scenes = dir.path().join("scenes");
    std::fs::create_dir_all(scenes.join("lessons")).unwrap();
    for sub in ["scenes", "scenes/lessons"] {
        for e in std::fs::read_dir(repo(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "ron") {
                std::fs::copy(&p, dir.path().join(sub).join(p.file_name().unwrap())).unwrap();
            }
        }
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(repo("assets"), dir.path().join("assets")).unwrap();
    dir
}

fn ron_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    v.sort();
    v
}

#[test]
fn scene_reader_never_panics() {
    let ws = workspace();
    let target = ws.path().join("scenes/fuzz.ron");
    let mut rng = Rng(1);
    let mut loaded = 0;
    for file in ron_files(&repo("scenes")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for _ in 0..CASES_PER_FILE {
            let m = mutate(&text, &mut rng);
            std::fs::write(&target, &m).unwrap();
            never_panics("Scene::load", &m, || {
                if let Ok(scene) = Scene::load(&target) {
                    loaded += 1;
                    // A recorded scene's data file is read too (synthetic data are not
                    // generated here: that is running the scene, not reading it).
                    if matches!(scene.data, DataSpec::Recorded(_)) {
                        let _ = hnn_lab::data::load_dataset(&scene, None);
                    }
                }
            });
        }
    }
    // Some mutations leave a valid scene (e.g. another in-range number): the readers past
    // the parser were reached too.
    assert!(loaded > 0);
}

#[test]
fn lesson_reader_never_panics() {
    let ws = workspace();
    let target = ws.path().join("scenes/lessons/fuzz.ron");
    let mut rng = Rng(2);
    for file in ron_files(&repo("scenes/lessons")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for _ in 0..CASES_PER_FILE {
            let m = mutate(&text, &mut rng);
            std::fs::write(&target, &m).unwrap();
            never_panics("Lesson::load", &m, || {
                let _ = Lesson::load(&target);
                let _ = Lesson::peek(&target);
            });
        }
    }
}

#[test]
fn data_file_reader_never_panics() {
    let ws = workspace();
    let scene = Scene::load(&ws.path().join("scenes/real_pendulum.ron")).unwrap();
    let target = ws.path().join("fuzz.txt");
    let text = std::fs::read_to_string(repo("assets/data/lipson/real_pend_h_1.txt")).unwrap();
    let mut rng = Rng(3);
    for _ in 0..CASES {
        let m = mutate(&text, &mut rng);
        std::fs::write(&target, &m).unwrap();
        never_panics("load_dataset", &m, || {
            let _ = hnn_lab::data::load_dataset(&scene, Some(&target));
        });
    }
}

/// The model readers: `meta.ron` beside files without a header, the header's own entry,
/// and the raw bytes of a model file.
#[test]
fn model_readers_never_panic() {
    let ws = workspace();
    let scene = Scene::load(&ws.path().join("scenes/spring.ron")).unwrap();
    let shipped = repo("models/spring");
    let index = std::fs::read_to_string(shipped.join("meta.ron")).unwrap();
    let entries = load_meta(&shipped).unwrap();
    let tensors: HashMap<String, candle_core::Tensor> =
        candle_core::safetensors::load(shipped.join("hnn.safetensors"), &candle_core::Device::Cpu)
            .unwrap();
    let dir = ws.path().join("models");
    std::fs::create_dir_all(&dir).unwrap();
    let weights = dir.join("hnn.safetensors");
    let mut rng = Rng(4);

    // meta.ron, with weights that have no header.
    candle_core::safetensors::save(&tensors, &weights).unwrap();
    for _ in 0..CASES {
        let m = mutate(&index, &mut rng);
        std::fs::write(dir.join("meta.ron"), &m).unwrap();
        never_panics("load_snapshot (meta.ron)", &m, || {
            let _ = load_meta(&dir);
            let _ = load_snapshot(&dir, ModelKind::Hnn, &scene);
        });
    }

    // The header's entry, written as RON text into the file.
    let entry = Provenance {
        scene: entries.scene.clone(),
        scene_hash: entries.scene_hash.clone(),
        crate_version: entries.crate_version.clone(),
        model: entries.models[&ModelKind::Hnn].clone(),
    };
    let text = ron::ser::to_string_pretty(&entry, Default::default()).unwrap();
    write_model_file(&weights, &tensors, &entry).unwrap();
    let good = std::fs::read(&weights).unwrap();
    let header_len = 8 + u64::from_le_bytes(good[..8].try_into().unwrap()) as usize;
    for _ in 0..CASES {
        let m = mutate(&text, &mut rng);
        // Written by hand so that any text reaches the reader (the writer takes a typed entry).
        let header = HashMap::from([("hnn-lab".to_string(), m.clone())]);
        let mut named: Vec<_> = tensors.iter().collect();
        named.sort_by(|a, b| a.0.cmp(b.0));
        let bytes = safetensors::serialize(named, Some(header)).unwrap();
        std::fs::write(&weights, &bytes).unwrap();
        never_panics("load_snapshot (header)", &m, || {
            let _ = load_snapshot(&dir, ModelKind::Hnn, &scene);
        });
    }

    // Raw bytes: the length prefix and the JSON header are where a reader can be misled.
    for _ in 0..CASES {
        let mut bytes = good.clone();
        for _ in 0..1 + rng.below(4) {
            let i = rng.below(header_len + 16);
            bytes[i] = rng.next() as u8;
        }
        if rng.below(4) == 0 {
            bytes.truncate(rng.below(bytes.len()));
        }
        std::fs::write(&weights, &bytes).unwrap();
        let shown = format!("{:?}", &bytes[..bytes.len().min(64)]);
        never_panics("load_snapshot (bytes)", &shown, || {
            let _ = load_snapshot(&dir, ModelKind::Hnn, &scene);
        });
    }
}
