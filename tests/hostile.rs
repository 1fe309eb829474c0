//! Hostile input, second round (issue 27), driven as a careless or unlucky user drives the
//! command line: outputs that are the inputs (each input unchanged afterwards, byte for
//! byte), damaged packed programs, special files that could block (each with a timeout),
//! networks that do not fit their data, and the shell's streams.
//!
//! Tests of the window's commands (`render`, `play`, the explorer) need the `app` feature.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_spacefold");

/// The program under test: this build's, or `SPACEFOLD_HOSTILE_BIN` (an older build, to see
/// these tests fail where it failed).
fn bin() -> PathBuf {
    std::env::var_os("SPACEFOLD_HOSTILE_BIN").map_or_else(|| PathBuf::from(BIN), PathBuf::from)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spacefold-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `program` with `args`; a run still going after a minute is killed and fails the
/// test as a hang.
fn run_within(program: &Path, args: &[&str]) -> Output {
    // A program just written may be held open a moment by another test's child.
    let mut tries = 0;
    let mut child = loop {
        match Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
        {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 100 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            spawned => break spawned.expect("the program runs"),
        }
    };
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("{} {args:?} blocked: a hang", program.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn spacefold(args: &[&str]) -> Output {
    run_within(&bin(), args)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A talk in `dir`: a scene that reads `data.csv` beside it, and a bundled scene.
fn write_talk(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let data = dir.join("data.csv");
    let out = spacefold(&["data", "moons", "n=40", "--csv", s(&data)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let scene = dir.join("moons.ron");
    std::fs::write(
        &scene,
        "Scene(title: \"Moons\", dataset: \"data.csv\", \
         network: Train(arch: [2, 3, 2], epochs: 3), timeline: [Wait(1.0), Cue])",
    )
    .unwrap();
    let talk = dir.join("talk.ron");
    std::fs::write(
        &talk,
        "Talk(title: \"Hostile\", scenes: [\"moons.ron\", \"relu-fold\"])",
    )
    .unwrap();
    (talk, scene, data)
}

/// Every file's bytes, to compare after a command.
fn snapshot(files: &[&Path]) -> Vec<Vec<u8>> {
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

#[cfg(unix)]
fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

/// `pack --out X` where X is the talk through a link, one of its scenes, the CSV a scene
/// reads, or the program packed onto: refused, naming both, each file unchanged.
#[cfg(unix)]
#[test]
fn pack_never_writes_over_what_it_packs() {
    let dir = temp_dir("pack-over");
    let (talk, scene, data) = write_talk(&dir);
    let base = dir.join("base.bin");
    std::fs::copy(bin(), &base).unwrap();
    let link = dir.join("talk-link.bin");
    std::os::unix::fs::symlink(&talk, &link).unwrap();
    let hard = dir.join("data-hard.bin");
    std::fs::hard_link(&data, &hard).unwrap();
    let before = snapshot(&[&talk, &scene, &data, &base]);
    for (out, named) in [
        (&link, &talk),
        (&scene, &scene),
        (&data, &data),
        (&hard, &data),
        (&base, &base),
    ] {
        let said = spacefold(&["pack", s(&talk), "--base", s(&base), "--out", s(out)]);
        assert_eq!(said.status.code(), Some(2), "{}", stderr(&said));
        let e = stderr(&said);
        assert!(
            e.contains(&format!(
                "--out {}: that is {}",
                out.display(),
                named.display()
            )),
            "{e}"
        );
    }
    assert_eq!(snapshot(&[&talk, &scene, &data, &base]), before);
    // A new name packs, and the packed program is not its base.
    let packed = dir.join("talk.bin");
    let out = spacefold(&["pack", s(&talk), "--base", s(&base), "--out", s(&packed)]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::remove_dir_all(dir).unwrap();
}

/// `--base` must be a whole spacefold program, and a regular file: `/bin/true`, a 2-byte
/// `MZ` file and a FIFO (which blocked `pack`) are refused.
#[cfg(unix)]
#[test]
fn pack_onto_only_a_spacefold_program() {
    let dir = temp_dir("pack-base");
    let (talk, _, _) = write_talk(&dir);
    let out = dir.join("talk.bin");
    let mz = dir.join("mz.exe");
    std::fs::write(&mz, b"MZ").unwrap();
    let fifo = dir.join("fifo");
    let mut bases = vec![
        (PathBuf::from("/bin/true"), "not spacefold"),
        (mz, "not a program"),
    ];
    if mkfifo(&fifo) {
        bases.push((fifo, "FIFO"));
    }
    for (base, why) in &bases {
        let said = spacefold(&["pack", s(&talk), "--base", s(base), "--out", s(&out)]);
        assert_eq!(said.status.code(), Some(2), "{}", stderr(&said));
        let e = stderr(&said);
        assert!(
            e.contains(&format!("--base {}", base.display())) && e.contains(why),
            "{e}"
        );
        assert!(!out.exists());
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// A packed program with a changed end (a flipped magic byte) or cut short anywhere in its
/// payload says it is damaged, naming its path, exit 2: it ran as plain spacefold before.
#[test]
fn a_damaged_or_truncated_packed_program_says_so() {
    let dir = temp_dir("pack-damaged");
    let packed = dir.join("talk.bin");
    let out = spacefold(&["pack", "relu-fold", "--out", s(&packed)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let whole = std::fs::read(&packed).unwrap();
    let program = std::fs::metadata(bin()).unwrap().len() as usize;
    let damaged = [
        ("flipped", {
            let mut b = whole.clone();
            let last = b.len() - 3;
            b[last] ^= 1;
            b
        }),
        ("truncated", whole[..whole.len() - 100].to_vec()),
        (
            "half",
            whole[..program + (whole.len() - program) / 2].to_vec(),
        ),
    ];
    for (name, bytes) in damaged {
        let path = dir.join(format!("{name}.bin"));
        std::fs::write(&path, &bytes).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let said = run_within(&path, &["check"]);
        assert_eq!(said.status.code(), Some(2), "{name}: {}", stderr(&said));
        let e = stderr(&said);
        assert!(
            e.contains(&format!("{}: its packed talk is damaged", path.display())),
            "{name}: {e}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// A payload whose hash is right but whose talk names `../../../../etc/passwd`: the packed
/// program reads nothing outside its pack.
#[cfg(unix)]
#[test]
fn a_packed_talk_reads_nothing_outside_its_pack() {
    use spacefold::engine::pack::{Payload, append};
    let dir = temp_dir("pack-escape");
    let program = std::fs::read(bin()).unwrap();
    for entry in ["../../../../etc/passwd", "/etc/passwd"] {
        let talk = format!("Talk(title: \"t\", scenes: [{entry:?}])");
        let payload = Payload {
            files: vec![("talk.ron".into(), talk.into_bytes())],
            talk: 0,
        };
        let path = dir.join("escape.bin");
        std::fs::write(&path, append(&program, &payload)).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        let said = run_within(&path, &["check"]);
        assert_eq!(said.status.code(), Some(1), "{}", stderr(&said));
        let e = stderr(&said);
        assert!(e.contains("outside the packed talk"), "{entry}: {e}");
        assert!(!e.contains("root:"), "{e}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// A talk naming a FIFO as a scene blocked `check` for ever; a scene whose CSV is a FIFO
/// blocked `pack`. Both are refused at once.
#[cfg(unix)]
#[test]
fn fifos_are_refused_not_waited_on() {
    let dir = temp_dir("fifos");
    let fifo = dir.join("scene.ron");
    if !mkfifo(&fifo) {
        return;
    }
    let talk = dir.join("talk.ron");
    std::fs::write(&talk, "Talk(title: \"t\", scenes: [\"scene.ron\"])").unwrap();
    let said = spacefold(&["check", s(&talk)]);
    assert_eq!(said.status.code(), Some(1), "{}", stderr(&said));
    assert!(stderr(&said).contains("FIFO"), "{}", stderr(&said));
    let csv = dir.join("data.csv");
    assert!(mkfifo(&csv));
    let scene = dir.join("s.ron");
    std::fs::write(
        &scene,
        "Scene(dataset: \"data.csv\", network: Train(arch: [2, 3, 2], epochs: 3), \
         timeline: [Wait(1.0)])",
    )
    .unwrap();
    let out = dir.join("s.bin");
    let said = spacefold(&["pack", s(&scene), "--out", s(&out)]);
    assert_eq!(said.status.code(), Some(2), "{}", stderr(&said));
    assert!(stderr(&said).contains("FIFO"), "{}", stderr(&said));
    assert!(!out.exists());
    let said = spacefold(&["train", "--data", s(&csv), "--epochs", "1"]);
    assert_eq!(said.status.code(), Some(2), "{}", stderr(&said));
    std::fs::remove_dir_all(dir).unwrap();
}

/// `train --save` onto its own CSV or the network it loads, and `check --verify --networks`
/// into the folder of the scene it checks: refused before any training, inputs unchanged.
#[cfg(unix)]
#[test]
fn saves_never_replace_their_inputs() {
    let dir = temp_dir("saves");
    let (talk, scene, data) = write_talk(&dir);
    let net = dir.join("net.ron");
    let out = spacefold(&[
        "train",
        "--data",
        s(&data),
        "--epochs",
        "2",
        "--save",
        s(&net),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let link = dir.join("net-link.ron");
    std::os::unix::fs::symlink(&net, &link).unwrap();
    let before = snapshot(&[&talk, &scene, &data, &net]);
    for args in [
        vec!["train", "--data", s(&data), "--save", s(&data)],
        vec![
            "train",
            "--data",
            s(&data),
            "--load",
            s(&net),
            "--save",
            s(&link),
        ],
    ] {
        let said = spacefold(&args);
        assert_eq!(said.status.code(), Some(2), "{args:?}: {}", stderr(&said));
        assert!(stderr(&said).contains("that is"), "{}", stderr(&said));
        assert!(
            !stderr(&said).contains("training "),
            "refused before training"
        );
    }
    // The scene `moons.ron` would be replaced by its trained network `moons.ron`.
    let said = spacefold(&["check", "--verify", "--networks", s(&dir), s(&talk)]);
    assert_eq!(said.status.code(), Some(2), "{}", stderr(&said));
    let e = stderr(&said);
    assert!(e.contains("--networks") && e.contains("(a scene)"), "{e}");
    assert_eq!(snapshot(&[&talk, &scene, &data, &net]), before);
    std::fs::remove_dir_all(dir).unwrap();
}

/// A network whose one softmax output cannot decide two classes panicked in training:
/// from `--arch`, from a safetensors file's metadata, from an npz with `--output softmax`,
/// and from a scene's `network: File(...)` (which passed `check`, then panicked in
/// `check --verify`).
#[test]
fn a_softmax_of_one_output_is_refused_before_training() {
    let dir = temp_dir("softmax");
    let said = spacefold(&[
        "train", "--data", "xor:n=40", "--arch", "2-4-1", "--output", "softmax", "--epochs", "1",
    ]);
    assert_eq!(said.status.code(), Some(2), "{}", stderr(&said));
    let e = stderr(&said);
    assert!(
        e.contains("softmax of 1 output") && !e.contains("panicked"),
        "{e}"
    );
    // The fixture's torch network has 3 outputs; write one with 1 output and the metadata.
    let net = dir.join("one.safetensors");
    write_one_output_safetensors(&net);
    let said = spacefold(&[
        "train",
        "--data",
        "xor:n=40",
        "--load",
        s(&net),
        "--epochs",
        "1",
    ]);
    assert_eq!(said.status.code(), Some(2), "{}", stderr(&said));
    let e = stderr(&said);
    assert!(
        e.contains(&format!("--load {}", net.display())) && e.contains("layer 2"),
        "{e}"
    );
    let npz = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/models/sklearn.npz");
    let said = spacefold(&[
        "train",
        "--data",
        "xor:n=40",
        "--load",
        s(&npz),
        "--output",
        "softmax",
        "--epochs",
        "1",
    ]);
    assert_eq!(said.status.code(), Some(2), "{}", stderr(&said));
    assert!(
        stderr(&said).contains("softmax of 1 output"),
        "{}",
        stderr(&said)
    );
    let scene = dir.join("s.ron");
    std::fs::write(
        &scene,
        "Scene(dataset: \"xor:n=40\", network: File(\"one.safetensors\"), timeline: [Wait(1.0)])",
    )
    .unwrap();
    for args in [
        vec!["check", s(&scene)],
        vec!["check", "--verify", s(&scene)],
    ] {
        let said = spacefold(&args);
        assert_eq!(said.status.code(), Some(1), "{}", stderr(&said));
        let e = stderr(&said);
        assert!(
            e.contains("softmax of 1 output") && !e.contains("panicked"),
            "{e}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// A PyTorch-style safetensors file of a 2-3-1 network whose metadata asks for a softmax
/// output, written by hand (the format: a JSON header's length, the header, the data).
fn write_one_output_safetensors(path: &Path) {
    let f32s = |v: &[f32]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    let tensors = [
        (
            "0.weight",
            vec![3, 2],
            f32s(&[0.5, -0.5, 0.25, 1.0, -1.0, 0.75]),
        ),
        ("0.bias", vec![3], f32s(&[0.1, 0.0, -0.1])),
        ("2.weight", vec![1, 3], f32s(&[1.0, -1.0, 0.5])),
        ("2.bias", vec![1], f32s(&[0.0])),
    ];
    let mut header = String::from("{\"__metadata__\":{\"output\":\"softmax\"}");
    let (mut data, mut at) = (vec![], 0);
    for (name, shape, bytes) in &tensors {
        let shape: Vec<String> = shape.iter().map(ToString::to_string).collect();
        header += &format!(
            ",\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{}],\"data_offsets\":[{at},{}]}}",
            shape.join(","),
            at + bytes.len()
        );
        at += bytes.len();
        data.extend_from_slice(bytes);
    }
    header.push('}');
    while header.len() % 8 != 0 {
        header.push(' ');
    }
    let mut file = (header.len() as u64).to_le_bytes().to_vec();
    file.extend_from_slice(header.as_bytes());
    file.extend_from_slice(&data);
    std::fs::write(path, file).unwrap();
}

/// `--csv -` and `--csv /dev/stdout` write to the stream: through a pipe, and appended
/// where the shell opened the file to append (`>> app.txt` was replaced).
#[cfg(unix)]
#[test]
fn standard_output_is_a_stream_through_pipes_and_appends() {
    let dir = temp_dir("stdout");
    let app = dir.join("app.txt");
    std::fs::write(&app, "kept\n").unwrap();
    for name in ["/dev/stdout", "-"] {
        let bin = bin();
        let bin = bin.display();
        let line = format!("{bin} data xor n=5 --csv {name} >> {}", app.display());
        let out = Command::new("sh").arg("-c").arg(&line).output().unwrap();
        assert!(out.status.success(), "{line}: {}", stderr(&out));
        let piped = format!("{bin} data xor n=5 --csv {name} | cat");
        let out = Command::new("sh").arg("-c").arg(&piped).output().unwrap();
        assert!(out.status.success(), "{piped}: {}", stderr(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.starts_with("x1,x2,label\n") && text.lines().count() == 6,
            "{text}"
        );
    }
    let text = std::fs::read_to_string(&app).unwrap();
    assert!(text.starts_with("kept\nx1,x2,label\n"), "{text}");
    assert_eq!(text.matches("x1,x2,label").count(), 2, "{text}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Errors that say where: a CSV's bad UTF-8 byte by line and column (was "byte 530"); a
/// folder that takes no file by the folder's name, never the hidden temporary's.
#[test]
fn errors_name_the_line_and_the_path_the_user_gave() {
    let dir = temp_dir("located");
    let csv = dir.join("bad.csv");
    let mut bytes = b"x1,x2,label\n0.5,0.5,0\n0.1,".to_vec();
    bytes.extend_from_slice(&[0xff, b'2', b',', b'1', b'\n']);
    std::fs::write(&csv, &bytes).unwrap();
    let said = spacefold(&["train", "--data", s(&csv), "--epochs", "1"]);
    assert_eq!(said.status.code(), Some(2), "{}", stderr(&said));
    assert!(
        stderr(&said).contains("line 3, column 5"),
        "{}",
        stderr(&said)
    );
    #[cfg(target_os = "linux")]
    {
        // /proc takes no new file, even for root.
        let said = spacefold(&["data", "xor", "--csv", "/proc/spacefold.csv"]);
        assert_eq!(said.status.code(), Some(2), "{}", stderr(&said));
        let e = stderr(&said);
        assert!(
            e.contains("the folder /proc") && !e.contains(".partial"),
            "{e}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// A run started with SIGINT ignored (`nohup`, `&` in a script) still stops cleanly on
/// SIGTERM (it died with 143); a second signal stops at once, saying so.
#[cfg(unix)]
#[test]
fn sigterm_is_handled_when_sigint_is_ignored_and_a_second_stops_at_once() {
    let dir = temp_dir("signals");
    let save = dir.join("net.ron");
    let run = |signals: usize| {
        let line = format!(
            "trap '' INT; exec {} train --data spiral:n=2000 --arch 2-64-64-3 --epochs 100000 \
             --save {}",
            bin().display(),
            save.display()
        );
        let child = Command::new("sh")
            .arg("-c")
            .arg(&line)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Training has started once it says so.
        std::thread::sleep(Duration::from_millis(1500));
        for _ in 0..signals {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            std::thread::sleep(Duration::from_millis(50));
        }
        let start = Instant::now();
        let mut child = child;
        while child.try_wait().unwrap().is_none() {
            assert!(start.elapsed() < Duration::from_secs(60), "it did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
        child.wait_with_output().unwrap()
    };
    let once = run(1);
    assert_eq!(once.status.code(), Some(130), "{}", stderr(&once));
    let twice = run(2);
    assert_eq!(twice.status.code(), Some(130), "{}", stderr(&twice));
    assert!(!save.exists(), "nothing saved");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert!(left.is_empty(), "nothing partial: {left:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// The window's commands with no display say so, exit 2, and name `render` (bevy_winit
/// panicked "Failed to build event loop").
#[cfg(all(feature = "app", target_os = "linux"))]
#[test]
fn no_display_says_how_to_render_instead() {
    for args in [&[][..], &["play", "relu-fold"][..]] {
        let out = Command::new(bin())
            .args(args)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let e = stderr(&out);
        assert!(e.contains("no display") && e.contains("render"), "{e}");
        assert!(!e.contains("panicked"), "{e}");
    }
}

/// `render --out` onto the scene, or the CSV it reads, is refused before anything renders;
/// a scene whose network cannot decide its data fails (it exited 0 after a panic).
#[cfg(feature = "app")]
#[test]
fn render_never_writes_over_its_inputs_and_fails_on_a_misfit() {
    let dir = temp_dir("render-inputs");
    let (talk, scene, data) = write_talk(&dir);
    let before = snapshot(&[&talk, &scene, &data]);
    for (file, out) in [(&scene, &scene), (&talk, &data)] {
        let said = spacefold(&["render", s(file), "--cues", "--out", s(out)]);
        assert_eq!(said.status.code(), Some(2), "{}", stderr(&said));
        assert!(stderr(&said).contains("that is"), "{}", stderr(&said));
    }
    assert_eq!(snapshot(&[&talk, &scene, &data]), before);
    let net = dir.join("one.safetensors");
    write_one_output_safetensors(&net);
    let misfit = dir.join("misfit.ron");
    std::fs::write(
        &misfit,
        "Scene(dataset: \"xor:n=40\", network: File(\"one.safetensors\"), \
         timeline: [Wait(1.0), Cue])",
    )
    .unwrap();
    let said = spacefold(&[
        "render",
        s(&misfit),
        "--cues",
        "--out",
        s(&dir.join("h.pdf")),
    ]);
    assert_ne!(said.status.code(), Some(0), "{}", stderr(&said));
    assert!(
        stderr(&said).contains("softmax of 1 output"),
        "{}",
        stderr(&said)
    );
    std::fs::remove_dir_all(dir).unwrap();
}
