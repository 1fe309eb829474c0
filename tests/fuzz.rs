//! A fuzz test of everything spacefold reads (issue 15): mutants of every shipped scene, of
//! CSVs and of network files, and hostile training arguments, seeded and deterministic, a
//! fixed number of cases, no timings.
//! Scenes load in-process through the code `spacefold check` runs; the accepted ones are
//! compiled and sampled as `render` samples them (the timeline at several times, the layers
//! view's points at each). Each case must not panic (each runs under `catch_unwind`), must
//! not allocate beyond a bound (a counting allocator watches), and every error must say
//! where (a scene's `line:col` inside the text, a CSV's line, a network file's `line:col`).
//!
//! `cargo test --test fuzz` runs 5,000 cases; `SPACEFOLD_FUZZ_CASES=100000` (and
//! `SPACEFOLD_FUZZ_SEED=N` for other mutants) runs more, printing the figures.

use spacefold::engine::flow::{Bend, FlowInput, InputView, default_selection};
use spacefold::engine::nn::{Activation, Dataset, DatasetSpec, Network};
use spacefold::engine::scene;
use std::alloc::{GlobalAlloc, Layout, System};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bytes allocated now, and the most since the last reset: a case may not go beyond
/// [`ALLOCATION_BOUND`] over what was allocated when it started.
static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The most a case may allocate: far above what the limits allow a scene to ask for at
/// `check` (no training), far below an out-of-memory abort.
const ALLOCATION_BOUND: usize = 1 << 30;

struct Counting;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = NOW.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// SplitMix64: a small, fixed random source, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Numbers that break code that trusts them.
const SPECIAL: &[&str] = &[
    "-1",
    "0",
    "1",
    "0.0",
    "-0.0",
    "1e30",
    "-1e30",
    "1e39",
    "NaN",
    "inf",
    "-inf",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "1e-45",
    "1000000",
    "3600.5",
];

/// Names that exist in the formats, swapped in where others stood.
const NAMES: &[&str] = &[
    "Linear",
    "Bias",
    "Activation",
    "All",
    "Relu",
    "Softmax",
    "Sigmoid",
    "Step",
    "Layers",
    "Landscape",
    "Regions",
    "Cue",
    "Together",
    "Neuron",
    "Some",
    "None",
    "true",
];

/// Byte offsets of the numbers in `text` (runs of digits, with a sign, point or exponent).
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric());
        if starts {
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b"._-+".contains(&b[j])) {
                j += 1;
            }
            out.push((i, j));
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The nearest char boundary at or before `i`.
fn boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One mutation of `text`.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let at = boundary(text, rng.below(text.len() + 1));
    match rng.below(12) {
        0 => {
            let mut bytes = text.as_bytes().to_vec();
            if !bytes.is_empty() {
                let i = rng.below(bytes.len());
                bytes[i] = *rng.pick(b"()[]{},:\"\\/*0123456789.-eE xX\n\0\xff\xc3");
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
        1 => text[..at].to_string(),
        2 | 3 => {
            let mut out: Vec<&str> = lines.clone();
            if !out.is_empty() {
                let i = rng.below(out.len());
                if rng.below(2) == 0 {
                    out.insert(i, lines[i]);
                } else {
                    out.remove(i);
                }
            }
            out.join("\n")
        }
        4..=6 => {
            let spots = numbers(text);
            if spots.is_empty() {
                return text.to_string();
            }
            let (i, j) = *rng.pick(&spots);
            format!("{}{}{}", &text[..i], rng.pick(SPECIAL), &text[j..])
        }
        7 => {
            let huge = match rng.below(3) {
                0 => format!("\"{}\"", "x".repeat(100_000 + rng.below(10) * 1000)),
                1 => format!("[{}]", vec!["1.0"; 20_000].join(",")),
                _ => format!("{}0{}", "[".repeat(2000), "]".repeat(2000)),
            };
            format!("{}{huge}{}", &text[..at], &text[at..])
        }
        8 => {
            let depth = 100 + rng.below(400);
            let nested = format!("{}Cue{}", "Together([".repeat(depth), "])".repeat(depth));
            text.replacen("Cue", &nested, 1)
        }
        9 => {
            let from = *rng.pick::<&str>(NAMES);
            let to = *rng.pick::<&str>(NAMES);
            text.replacen(from, to, 1)
        }
        10 => format!("\u{feff}{text}"),
        _ => match text.find("epochs: ") {
            // Few epochs: a mutant cheap enough to train as `render` and `play` do.
            Some(i) => {
                let j = i + "epochs: ".len();
                let end = text[j..]
                    .find(|c: char| !c.is_ascii_digit())
                    .map_or(text.len(), |k| j + k);
                format!("{}{}{}", &text[..j], rng.below(4), &text[end..])
            }
            None => text.to_string(),
        },
    }
}

/// Epochs × points below which an accepted scene is also trained, as `render` loads it.
const TRAIN_WORK: usize = 20_000;

/// Scenes trained so far.
static TRAINED: AtomicUsize = AtomicUsize::new(0);

/// A text mutated one to three times.
fn mutant(base: &str, rng: &mut Rng) -> String {
    let mut text = base.to_string();
    for _ in 0..1 + rng.below(3) {
        text = mutate(&text, rng);
    }
    text
}

/// What the cases came to.
#[derive(Default, Debug)]
struct Tally {
    cases: usize,
    panics: usize,
    over_allocation: usize,
    errors: usize,
    accepted: usize,
    unlocated: Vec<String>,
    panicked: Vec<PathBuf>,
}

/// Whether (line, col) lies inside `text` (a column one past a line's end included).
fn inside(text: &str, line: usize, col: usize) -> bool {
    let lines: Vec<&str> = text.split('\n').collect();
    line >= 1 && col >= 1 && line <= lines.len() + 1 && {
        let len = lines.get(line - 1).map_or(0, |l| l.chars().count());
        col <= len + 2
    }
}

/// A scene mutant, as `check` loads it and `render` samples it. `Err` is an error without a
/// place.
fn scene_case(text: &str, dir: &Path) -> Result<bool, String> {
    let loaded = match scene::load_str(text, "fuzz.ron", Some(dir), false) {
        Ok(l) => l,
        Err(e) => {
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let at_file = e.message.contains("cannot read") || e.message.contains("no such");
            if e.message.is_empty() || !(inside(text, e.line, e.col) || at_file) {
                return Err(format!("{e} (at {}:{})", e.line, e.col));
            }
            return Ok(false);
        }
    };
    let cheap = match &loaded.scene.network {
        scene::NetworkSource::Train(t) => t.epochs.saturating_mul(loaded.data.len()) <= TRAIN_WORK,
        _ => false,
    };
    let loaded = if cheap {
        TRAINED.fetch_add(1, Ordering::Relaxed);
        match scene::load_str(text, "fuzz.ron", Some(dir), true) {
            Ok(l) => l,
            Err(e) if e.line >= 1 && !e.message.is_empty() => return Ok(false),
            Err(e) => return Err(e.to_string()),
        }
    } else {
        loaded
    };
    let tl = &loaded.timeline;
    let d = tl.duration();
    assert!(
        d.is_finite() && (0.0..=3600.0 * 2.0).contains(&d),
        "duration {d}"
    );
    let _ = spacefold::engine::export::frame_count(0.0, d, 60);
    let few: Vec<usize> = (0..loaded.data.len().min(48)).collect();
    let points = loaded.data.select(&few);
    let flow = spacefold::engine::flow::Flow::new(FlowInput {
        network: &loaded.network,
        points: &points.x,
        grid: None,
        input_view: InputView::Raw,
        selection: default_selection(&loaded.network, &points.x, 2),
    });
    for t in [0.0, d * 0.37, d * 0.5, d, d + 1.0, -1.0, f32::NAN] {
        let f = tl.sample(t);
        let values = [f.position, f.yaw, f.pitch, f.zoom, f.zoom_out, f.veil];
        assert!(values.iter().chain(&f.pan).all(|v| v.is_finite()), "{f:?}");
        assert!(f.morph.is_none_or(f32::is_finite) && f.epoch.is_none_or(f32::is_finite));
        if let Ok(flow) = &flow {
            let mut out = vec![];
            flow.sample(
                f.position,
                spacefold::engine::flow::Ease::Linear,
                Bend::Auto,
                f.split,
                &mut out,
            );
        }
    }
    Ok(true)
}

/// A CSV mutant, parsed as `--data FILE.csv` and a scene's CSV are.
fn csv_case(text: &str) -> Result<bool, String> {
    match Dataset::parse_csv(text, "fuzz.csv") {
        Ok(d) => {
            assert!(d.classes <= spacefold::engine::limits::MAX_CLASSES && !d.is_empty());
            assert!(d.x.iter().all(|v| v.is_finite()));
            Ok(true)
        }
        Err(spacefold::engine::nn::data::DataError::Csv { line, message, .. })
            if line >= 1 && !message.is_empty() && message.len() < 1000 =>
        {
            Ok(false)
        }
        Err(e) => Err(spacefold::engine::limits::echo(&e.to_string(), 200)),
    }
}

/// A network mutant, read as `--load` and `File(..)` read one, then run on a few points.
fn network_case(text: &str) -> Result<bool, String> {
    match Network::from_ron(text) {
        Ok(net) => {
            let x = spacefold::engine::nn::Mat::from_element(net.input_dim(), 4, 0.5);
            let _ = net.forward_stages(&x);
            Ok(true)
        }
        Err(e) => {
            // ron's place, `line:col` (or a span `line:col-line:col`), then what.
            let place = e.split(": ").next().unwrap_or("");
            let located = place
                .split(['-', ':'])
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            if located { Ok(false) } else { Err(e) }
        }
    }
}

/// A set-up from hostile command-line arguments, resolved as `train` and the window resolve
/// one (data made, network built; nothing trained).
fn setup_case(rng: &mut Rng) -> (String, Box<dyn FnOnce() -> Result<bool, String>>) {
    let special = |rng: &mut Rng| rng.pick(SPECIAL).to_string();
    let mut args: Vec<String> = vec![];
    for _ in 0..1 + rng.below(4) {
        let (flag, value) = match rng.below(8) {
            0 => ("--arch", format!("2-{}-{}", special(rng), special(rng))),
            1 => ("--lr", special(rng)),
            2 => ("--momentum", special(rng)),
            3 => ("--l2", special(rng)),
            4 => ("--epochs", special(rng)),
            5 => ("--test", special(rng)),
            6 => (
                "--data",
                format!(
                    "{}:n={},noise={}",
                    rng.pick(&["spiral", "blobs", "moons", "xor", "digits"]),
                    special(rng),
                    special(rng)
                ),
            ),
            _ => ("--batch", special(rng)),
        };
        args.push(flag.into());
        args.push(value);
    }
    let shown = args.join(" ");
    let run = move || {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let said = match spacefold::cli::parse_setup(&refs) {
            Ok(setup) => match setup.resolve() {
                Ok(_) => return Ok(true),
                Err(e) => spacefold::cli::UsageError::from(e).0,
            },
            Err(e) => e.0,
        };
        if said.trim().is_empty() {
            Err(format!("an empty error for {refs:?}"))
        } else {
            Ok(false)
        }
    };
    (shown, Box::new(run))
}

/// The shipped scenes, the bases of the CSV and network mutants.
struct Bases {
    scenes: Vec<String>,
    csvs: Vec<String>,
    networks: Vec<String>,
    dir: PathBuf,
}

fn bases() -> Bases {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    let scenes = files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let csvs = ["xor:n=40", "spiral:arms=3,n=60", "blobs:classes=5,n=50"]
        .iter()
        .map(|s| DatasetSpec::parse(s).unwrap().0.generate().to_csv())
        .collect();
    let networks = [vec![2, 3, 1], vec![2, 4, 4, 3], vec![3, 2]]
        .iter()
        .map(|sizes| {
            let head = if sizes.last() == Some(&1) {
                Activation::Sigmoid
            } else {
                Activation::Softmax
            };
            Network::new(sizes, &[Activation::Tanh], head, 7)
                .unwrap()
                .to_ron()
        })
        .collect();
    Bases {
        scenes,
        csvs,
        networks,
        dir,
    }
}

/// Runs one case under `catch_unwind` and the allocation watch, and tallies it.
fn run_case(
    tally: &mut Tally,
    text: &str,
    kind: &str,
    case: impl FnOnce() -> Result<bool, String>,
) {
    tally.cases += 1;
    let start = NOW.load(Ordering::Relaxed);
    PEAK.store(start, Ordering::Relaxed);
    match std::panic::catch_unwind(AssertUnwindSafe(case)) {
        Ok(Ok(true)) => tally.accepted += 1,
        Ok(Ok(false)) => tally.errors += 1,
        Ok(Err(e)) => {
            tally.errors += 1;
            tally.unlocated.push(format!("{kind}: {e}"));
        }
        Err(_) => {
            tally.panics += 1;
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-panics");
            let _ = std::fs::create_dir_all(&dir);
            let path = dir.join(format!("{kind}-{}.txt", tally.cases));
            let _ = std::fs::write(&path, text);
            tally.panicked.push(path);
        }
    }
    if PEAK.load(Ordering::Relaxed).saturating_sub(start) > ALLOCATION_BOUND {
        tally.over_allocation += 1;
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn hostile_mutants_of_scenes_csvs_and_networks_give_located_errors_and_never_panic() {
    let cases = env_number("SPACEFOLD_FUZZ_CASES", 5000) as usize;
    let mut rng = Rng(env_number("SPACEFOLD_FUZZ_SEED", 15));
    let bases = bases();
    let mut tally = Tally::default();
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for i in 0..cases {
        if i % 50 == 49 {
            let (shown, run) = setup_case(&mut rng);
            run_case(&mut tally, &shown, "arguments", run);
            continue;
        }
        match i % 5 {
            0..=2 => {
                let base = &bases.scenes[(i / 5 * 3 + i % 5) % bases.scenes.len()];
                let text = mutant(base, &mut rng);
                run_case(&mut tally, &text, "scene", || scene_case(&text, &bases.dir));
            }
            3 => {
                let text = mutant(rng.pick::<String>(&bases.csvs), &mut rng);
                run_case(&mut tally, &text, "csv", || csv_case(&text));
            }
            _ => {
                let text = mutant(rng.pick::<String>(&bases.networks), &mut rng);
                run_case(&mut tally, &text, "network", || network_case(&text));
            }
        }
    }
    std::panic::set_hook(quiet);
    eprintln!(
        "fuzz: {} cases, {} panics, {} over the allocation bound, {} errors ({} without a \
         place), {} accepted, {} scenes also trained",
        tally.cases,
        tally.panics,
        tally.over_allocation,
        tally.errors,
        tally.unlocated.len(),
        tally.accepted,
        TRAINED.load(Ordering::Relaxed)
    );
    assert_eq!(
        tally.panics, 0,
        "inputs that panicked: {:?}",
        tally.panicked
    );
    assert_eq!(tally.over_allocation, 0);
    assert!(
        tally.unlocated.is_empty(),
        "errors without a place: {:#?}",
        &tally.unlocated[..tally.unlocated.len().min(10)]
    );
    // The mutants reach past the parser: some load, compile and sample.
    assert!(tally.accepted > cases / 20, "{tally:?}");
}
