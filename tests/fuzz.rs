//! A fuzz test of everything spacefold reads (issue 15): mutants of every shipped scene, of
//! CSVs and of network files, and hostile training arguments, seeded and deterministic, a
//! fixed number of cases, no timings.
//! Scenes load in-process through the code `spacefold check` runs; the accepted ones are
//! compiled and sampled as `render` samples them (the timeline at several times, the layers
//! view's points at each). Each case must not panic (each runs under `catch_unwind`), must
//! not allocate beyond a bound (a counting allocator watches), and every error must say
//! where (a scene's `line:col` inside the text, a CSV's line, a network file's `line:col`).
//!
//! A second test (issue 27) does the same for talks, packed payloads, `.npz` and
//! `.safetensors` archives, and output paths (links and hard links to inputs, FIFOs).
//!
//! `cargo test --test fuzz` runs 5,000 cases and 2,500 of the second round;
//! `SPACEFOLD_FUZZ_CASES=100000` (and `SPACEFOLD_FUZZ_SEED=N` for other mutants) runs that
//! many of each, printing the figures.

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

/// Second round (issue 27): the doors opened since — talks, packed payloads, `.npz` and
/// `.safetensors` archives, and output paths. Each kind of case has its own invariant:
/// - a talk mutant (titles of any length, entries that climb out with `..`, absolute paths,
///   a FIFO as a scene) loads or gives an error placed in its text, without blocking;
/// - a packed program with a mutated payload (its hash made to match, or not) gives back
///   exactly what was packed, nothing, or "damaged", and never a path out of the pack;
/// - an archive mutant (bytes flipped, cut, lengths changed; members sharing one stream)
///   loads or is refused within the allocation bound;
/// - `pack` onto an output that is, links to or hard-links the talk, a scene, its CSV or the
///   program is refused, and every input is unchanged byte for byte.
///
/// A watchdog fails the run when one case blocks (a hang is the failure, not a slow case).
#[test]
fn hostile_talks_packs_archives_and_outputs_never_panic_hang_or_lose_data() {
    let cases = env_number("SPACEFOLD_FUZZ_CASES", 2500) as usize;
    let mut rng = Rng(env_number("SPACEFOLD_FUZZ_SEED", 27));
    let world = World::new();
    let mut tally = Tally::default();
    let mut kinds = [0usize; 4];
    let started = std::sync::Arc::new(AtomicUsize::new(usize::MAX));
    watchdog(started.clone());
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for i in 0..cases {
        started.store(i, Ordering::SeqCst);
        let kind = match i % 20 {
            0 => 3,
            1..=7 => 0,
            8..=12 => 1,
            _ => 2,
        };
        kinds[kind] += 1;
        match kind {
            0 => {
                let text = talk_mutant(&world, &mut rng);
                run_case(&mut tally, &text, "talk", || talk_case(&text, &world, i));
            }
            1 => {
                let (shown, bytes, rehash) = pack_mutant(&world, &mut rng);
                run_case(&mut tally, &shown, "packed", || {
                    packed_case(&bytes, rehash, &world, i)
                });
            }
            2 => {
                let (name, bytes) = archive_mutant(&world, &mut rng, i);
                run_case(&mut tally, &name, "archive", || archive_case(&name, &bytes));
            }
            _ => {
                let shown = format!("output case {i}");
                run_case(&mut tally, &shown, "output", || {
                    output_case(&world, &mut rng)
                });
            }
        }
    }
    started.store(usize::MAX, Ordering::SeqCst);
    std::panic::set_hook(quiet);
    eprintln!(
        "fuzz (talks, packs, archives, outputs): {} cases ({} talks, {} packed payloads, {} \
         archives, {} output paths), {} panics, 0 hangs, {} over the allocation bound, {} \
         errors ({} without a place or losing data), {} accepted",
        tally.cases,
        kinds[0],
        kinds[1],
        kinds[2],
        kinds[3],
        tally.panics,
        tally.over_allocation,
        tally.errors,
        tally.unlocated.len(),
        tally.accepted,
    );
    assert_eq!(
        tally.panics, 0,
        "inputs that panicked: {:?}",
        tally.panicked
    );
    assert_eq!(tally.over_allocation, 0);
    assert!(
        tally.unlocated.is_empty(),
        "failures: {:#?}",
        &tally.unlocated[..tally.unlocated.len().min(10)]
    );
    assert!(tally.accepted > 0 && tally.errors > 0, "{tally:?}");
}

/// Fails the whole run when case `started` is still running a minute later.
fn watchdog(started: std::sync::Arc<AtomicUsize>) {
    std::thread::spawn(move || {
        let mut last = (usize::MAX, 0);
        loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
            let now = started.load(Ordering::SeqCst);
            last = if now == last.0 {
                (now, last.1 + 1)
            } else {
                (now, 0)
            };
            if now != usize::MAX && last.1 >= 60 {
                eprintln!("fuzz: case {now} blocked for a minute: a hang");
                std::process::exit(1);
            }
        }
    });
}

/// The files the second round's cases read and write: a talk, its scene, the scene's CSV,
/// a FIFO, a small program to pack onto, and network fixtures.
struct World {
    dir: PathBuf,
    talk: PathBuf,
    scene: PathBuf,
    csv: PathBuf,
    base: PathBuf,
    fifo: Option<PathBuf>,
    payload: Vec<u8>,
    archives: Vec<(String, Vec<u8>)>,
}

const SCENE: &str = "Scene(title: \"mine\", dataset: \"d.csv\", \
                     network: Train(arch: [2, 3, 2], epochs: 2), timeline: [Wait(1.0), Cue])";

/// A smallest ELF program (a 64-bit header, no sections) holding spacefold's mark.
fn tiny_program() -> Vec<u8> {
    let rest = [
        &b"code "[..],
        spacefold::engine::pack::program::PROGRAM_MARK,
    ]
    .concat();
    let mut h = vec![0u8; 64];
    h[..4].copy_from_slice(b"\x7fELF");
    h[4] = 2;
    h[5] = 1;
    let end = (64 + rest.len()) as u64;
    h[0x28..0x30].copy_from_slice(&end.to_le_bytes());
    h[0x34..0x36].copy_from_slice(&64u16.to_le_bytes());
    h[0x3A..0x3C].copy_from_slice(&64u16.to_le_bytes());
    h.extend_from_slice(&rest);
    h
}

impl World {
    fn new() -> World {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("fuzz-second-round-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("talk")).unwrap();
        let scene = dir.join("talk/s.ron");
        std::fs::write(&scene, SCENE).unwrap();
        let csv = dir.join("talk/d.csv");
        let data = DatasetSpec::parse("xor:n=30").unwrap().0.generate();
        std::fs::write(&csv, data.to_csv()).unwrap();
        let talk = dir.join("talk/talk.ron");
        std::fs::write(
            &talk,
            "Talk(title: \"Fuzzed\", scenes: [\"s.ron\", (scene: \"relu-fold\", notes: \"n\")])",
        )
        .unwrap();
        let base = dir.join("base.bin");
        std::fs::write(&base, tiny_program()).unwrap();
        let fifo = dir.join("talk/fifo.ron");
        #[cfg(unix)]
        let fifo = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success())
            .then_some(fifo);
        #[cfg(not(unix))]
        let fifo = None;
        let (payload, _, _) =
            spacefold::engine::pack::collect(std::slice::from_ref(&talk)).expect("the talk packs");
        let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/models");
        let archives = [
            "numpy.npz",
            "sklearn.npz",
            "fortran.npz",
            "float16.npz",
            "bigendian.npz",
            "torch.safetensors",
            "float16.safetensors",
            "bfloat16.safetensors",
            "float64.safetensors",
        ]
        .iter()
        .map(|n| (n.to_string(), std::fs::read(models.join(n)).unwrap()))
        .collect();
        World {
            talk,
            scene,
            csv,
            base,
            fifo,
            payload: payload.encode(),
            archives,
            dir,
        }
    }
}

/// A talk's text, mutated: the scene entries replaced with hostile ones, the title made
/// long, then the usual mutations.
fn talk_mutant(world: &World, rng: &mut Rng) -> String {
    let fifo = world
        .fifo
        .as_ref()
        .map_or("fifo.ron".to_string(), |f| f.display().to_string());
    let entries = [
        "s.ron".to_string(),
        "relu-fold".into(),
        "../../../../etc/passwd".into(),
        "/etc/passwd".into(),
        "fifo.ron".into(),
        fifo,
        "talk.ron".into(),
        "/dev/zero".into(),
        "no-such.ron".into(),
        "../talk/s.ron".into(),
    ];
    let title = match rng.below(4) {
        0 => "x".repeat(10_001 + rng.below(100_000)),
        1 => "é".repeat(rng.below(10_000)),
        _ => "A talk".into(),
    };
    let scenes: Vec<String> = (0..1 + rng.below(3))
        .map(|_| format!("{:?}", rng.pick(&entries)))
        .collect();
    let text = format!("Talk(title: {title:?}, scenes: [{}])", scenes.join(", "));
    if rng.below(2) == 0 {
        text
    } else {
        mutate(&text, rng)
    }
}

/// Loads a talk mutant as `check` does (untrained): fine, or an error placed in its text.
fn talk_case(text: &str, world: &World, i: usize) -> Result<bool, String> {
    let path = world.dir.join(format!("talk/case-{}.ron", i % 4));
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    match scene::talk::load_talk(&path, false) {
        Ok(_) => Ok(true),
        Err(e) if e.line >= 1 && inside(text, e.line, e.col) => Ok(false),
        Err(e) => Err(format!("{e} ({}:{} not in the text)", e.line, e.col)),
    }
}

/// A packed program whose payload is mutated: with the hash made to match (`rehash`), or
/// the file's bytes changed after it was written.
fn pack_mutant(world: &World, rng: &mut Rng) -> (String, Vec<u8>, bool) {
    use spacefold::engine::pack::{Payload, append};
    let program = tiny_program();
    let rehash = rng.below(2) == 0;
    let bytes = if rehash {
        // A payload that decodes, with a path made hostile, or bytes changed.
        let mut payload = Payload::decode(&world.payload).expect("it decodes");
        match rng.below(3) {
            0 => {
                let i = rng.below(payload.files.len());
                let paths = [
                    "../../../../etc/passwd",
                    "/etc/passwd",
                    "a//b",
                    "./x",
                    "a\\..\\b",
                ];
                payload.files[i].0 = rng.pick(&paths).to_string();
            }
            1 => {
                let talk = "Talk(title: \"t\", scenes: [\"../../../../etc/passwd\"])";
                payload.files[payload.talk].1 = talk.as_bytes().to_vec();
            }
            _ => {}
        }
        let mut body = payload.encode();
        flip(&mut body, rng);
        // The trailer over the mutated body: its hash matches.
        spacefold::engine::pack::append_bytes(&program, &body)
    } else {
        let payload = Payload::decode(&world.payload).expect("it decodes");
        let mut out = append(&program, &payload);
        let start = program.len();
        match rng.below(3) {
            0 => {
                let at = start + rng.below(out.len() - start);
                out[at] ^= 1 << rng.below(8);
            }
            1 => out.truncate(start + rng.below(out.len() - start)),
            _ => {
                let at = out.len() - 1 - rng.below(56);
                out[at] = out[at].wrapping_add(1 + rng.below(255) as u8);
            }
        }
        out
    };
    (
        format!("{} bytes, rehashed {rehash}", bytes.len()),
        bytes,
        rehash,
    )
}

/// Flips a few bytes (or none).
fn flip(bytes: &mut [u8], rng: &mut Rng) {
    for _ in 0..rng.below(3) {
        if !bytes.is_empty() {
            let at = rng.below(bytes.len());
            bytes[at] ^= 1 << rng.below(8);
        }
    }
}

/// A mutated packed program: what was packed comes back whole, or nothing, or "damaged";
/// a payload that reads never names a path out of the pack.
fn packed_case(bytes: &[u8], rehash: bool, world: &World, i: usize) -> Result<bool, String> {
    use spacefold::engine::pack::{Payload, read_from};
    let path = world.dir.join(format!("packed-{}.bin", i % 4));
    std::fs::write(&path, bytes).map_err(|e| e.to_string())?;
    let original = Payload::decode(&world.payload).expect("it decodes");
    match read_from(&path) {
        Ok(None) => Ok(false),
        Ok(Some(p)) if !rehash && p != original => {
            Err("a changed payload came back as if whole".into())
        }
        Ok(Some(p)) => {
            let escapes = p.files.iter().any(|(name, _)| {
                name.starts_with('/') || name.split(['/', '\\']).any(|part| part == "..")
            });
            match escapes {
                true => Err(format!("a packed path leaves the pack: {:?}", p.files)),
                false => Ok(true),
            }
        }
        Err(e) if e.to_string().contains(&*path.to_string_lossy()) => Ok(false),
        Err(e) => Err(format!("damage without the file's path: {e}")),
    }
}

/// An archive mutant: bytes flipped, cut, or a length field changed; now and then the
/// zip bomb of many members sharing one stream.
fn archive_mutant(world: &World, rng: &mut Rng, i: usize) -> (String, Vec<u8>) {
    if i % 400 == 2 {
        return ("bomb.npz".into(), zip_bomb(40));
    }
    let (name, base) = rng.pick(&world.archives);
    let mut bytes = base.clone();
    match rng.below(4) {
        0 => flip(&mut bytes, rng),
        1 => bytes.truncate(rng.below(bytes.len())),
        2 => {
            // A 32-bit field somewhere set to something large.
            let at = rng.below(bytes.len().saturating_sub(4));
            let value = *rng.pick(&[u32::MAX, 0x7fff_ffff, 1 << 26, 0]);
            bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
        }
        _ => {
            let at = rng.below(bytes.len());
            bytes[at] = bytes[at].wrapping_add(1);
        }
    }
    (name.clone(), bytes)
}

/// An `.npz` whose `members` directory entries all point at one deflate stream of zeros.
fn zip_bomb(members: u16) -> Vec<u8> {
    use std::io::Write;
    let mut deflate = flate2::write::DeflateEncoder::new(vec![], flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        deflate.write_all(&zeros).unwrap();
    }
    let stream = deflate.finish().unwrap();
    let mut zip = b"PK\x03\x04".to_vec();
    zip.extend_from_slice(&[0u8; 26]);
    zip.extend_from_slice(&stream);
    let directory = zip.len();
    for i in 0..members {
        let name = format!("W{i}.npy");
        zip.extend_from_slice(b"PK\x01\x02");
        zip.extend_from_slice(&[0u8; 6]);
        zip.extend_from_slice(&8u16.to_le_bytes());
        zip.extend_from_slice(&[0u8; 8]);
        zip.extend_from_slice(&(stream.len() as u32).to_le_bytes());
        zip.extend_from_slice(&(64u32 << 20).to_le_bytes());
        zip.extend_from_slice(&(name.len() as u16).to_le_bytes());
        zip.extend_from_slice(&[0u8; 16]);
        zip.extend_from_slice(name.as_bytes());
    }
    let size = zip.len() - directory;
    zip.extend_from_slice(b"PK\x05\x06");
    zip.extend_from_slice(&[0u8; 6]);
    zip.extend_from_slice(&members.to_le_bytes());
    zip.extend_from_slice(&(size as u32).to_le_bytes());
    zip.extend_from_slice(&(directory as u32).to_le_bytes());
    zip.extend_from_slice(&[0, 0]);
    zip
}

/// Reads an archive mutant as a network: it loads, or is refused with words.
fn archive_case(name: &str, bytes: &[u8]) -> Result<bool, String> {
    use spacefold::engine::nn::import::{Activations, network_from_npz, network_from_safetensors};
    let acts = Activations::default();
    let read = if name.ends_with(".npz") {
        network_from_npz(bytes, &acts)
    } else {
        network_from_safetensors(bytes, &acts)
    };
    match read {
        Ok(net) if net.sizes().len() >= 2 => Ok(true),
        Ok(net) => Err(format!("a network of sizes {:?}", net.sizes())),
        Err(e) if e.to_string().trim().is_empty() => Err("an empty error".into()),
        Err(_) => Ok(false),
    }
}

/// `pack` onto an output path: one of the inputs by a path, a link or a hard link, or a
/// new, missing or unwritable place. Outputs that reach an input are refused; every input is
/// unchanged afterwards.
fn output_case(world: &World, rng: &mut Rng) -> Result<bool, String> {
    let inputs = [&world.talk, &world.scene, &world.csv, &world.base];
    let before: Vec<Vec<u8>> = inputs.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let target = *rng.pick(&inputs);
    let out = world.dir.join(format!("out-{}", rng.below(1000)));
    let _ = std::fs::remove_file(&out);
    let variant = rng.below(7);
    let reaches_input = match variant {
        0 => {
            std::os::unix::fs::symlink(target, &out).map_err(|e| e.to_string())?;
            true
        }
        1 => {
            std::fs::hard_link(target, &out).map_err(|e| e.to_string())?;
            true
        }
        2 => {
            let parent = target.parent().unwrap();
            let indirect = parent
                .join("..")
                .join(parent.file_name().unwrap())
                .join(".")
                .join(target.file_name().unwrap());
            let _ = std::fs::remove_file(&out);
            std::os::unix::fs::symlink(&indirect, &out).map_err(|e| e.to_string())?;
            true
        }
        3 => {
            // The input's own path, written another way.
            let same = target
                .parent()
                .unwrap()
                .join(".")
                .join(target.file_name().unwrap());
            return check_pack(world, &same, true, &inputs, &before);
        }
        4 => {
            return check_pack(
                world,
                &world.dir.join("missing/x.bin"),
                false,
                &inputs,
                &before,
            );
        }
        5 => return check_pack(world, &world.dir.join("talk"), false, &inputs, &before),
        _ => false,
    };
    let result = check_pack(world, &out, reaches_input, &inputs, &before)
        .map_err(|e| format!("{e} (variant {variant}, to {})", target.display()));
    let _ = std::fs::remove_file(&out);
    result
}

/// Packs the world's talk onto its base into `out`; `refused`: it must be refused.
fn check_pack(
    world: &World,
    out: &Path,
    refused: bool,
    inputs: &[&PathBuf],
    before: &[Vec<u8>],
) -> Result<bool, String> {
    let packed =
        spacefold::engine::pack::pack(std::slice::from_ref(&world.talk), Some(&world.base), out);
    for (p, b) in inputs.iter().zip(before) {
        if std::fs::read(p).map_err(|e| e.to_string())? != *b {
            return Err(format!(
                "pack --out {} changed {}",
                out.display(),
                p.display()
            ));
        }
    }
    match (packed, refused) {
        (Ok(_), true) => Err(format!("pack --out {} was not refused", out.display())),
        (Ok(_), false) => Ok(true),
        (Err(_), _) => Ok(false),
    }
}
