//! The command line, driven as a user drives it: real processes, real files, exit codes.

mod common;

use common::{spacefold, stderr, temp_dir};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[test]
fn data_writes_a_csv_with_header_and_classes() {
    let dir = temp_dir("data");
    let csv = dir.join("spiral.csv");
    let out = spacefold(&[
        "data",
        "spiral",
        "arms=3",
        "n=90",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "x1,x2,label");
    assert_eq!(lines.len(), 91);
    let mut labels: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    labels.sort();
    labels.dedup();
    assert_eq!(labels, vec!["0", "1", "2"]);
    // Without --csv the same data goes to standard output.
    let out = spacefold(&["data", "spiral:arms=3,n=90"]);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), text);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn train_prints_honest_json() {
    let out = spacefold(&[
        "train",
        "--data",
        "spiral:arms=5,n=500",
        "--arch",
        "2-100-5",
        "--epochs",
        "400",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("train accuracy"), "{stdout}");
    let last = stdout.lines().last().unwrap();
    let json: serde_json::Value = serde_json::from_str(last).unwrap();
    assert_eq!(json["epochs"], 400);
    let train = json["train_accuracy"].as_f64().unwrap();
    let test = json["test_accuracy"].as_f64().unwrap();
    assert!(train > 0.8 && train <= 1.0, "train accuracy {train}");
    assert!(test > 0.6 && test <= 1.0, "test accuracy {test}");
    assert!(json["loss"].as_f64().unwrap() < 0.6);
    assert!(json["seconds"].as_f64().unwrap() > 0.0);
}

#[test]
fn training_from_a_csv_matches_training_from_the_spec_and_saves_a_loadable_network() {
    let dir = temp_dir("csv");
    let csv = dir.join("moons.csv");
    let net = dir.join("net.ron");
    assert!(
        spacefold(&["data", "moons", "--csv", csv.to_str().unwrap()])
            .status
            .success()
    );
    let run = |data: &str, epochs: &str, extra: &[&str]| {
        let mut args = vec!["train", "--data", data, "--epochs", epochs, "--json"];
        args.extend_from_slice(extra);
        let out = spacefold(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        let stdout = String::from_utf8(out.stdout).unwrap();
        serde_json::from_str::<serde_json::Value>(stdout.lines().last().unwrap()).unwrap()
    };
    let from_spec = run("moons", "50", &["--save", net.to_str().unwrap()]);
    let from_csv = run(csv.to_str().unwrap(), "50", &[]);
    assert_eq!(
        from_spec["loss"], from_csv["loss"],
        "the CSV holds exactly the same points"
    );
    // Zero more epochs from the saved network reproduce its accuracy.
    let reloaded = run("moons", "0", &["--load", net.to_str().unwrap()]);
    assert_eq!(reloaded["train_accuracy"], from_spec["train_accuracy"]);
    assert_eq!(reloaded["loss"], from_spec["loss"]);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn malformed_input_exits_2_and_names_the_problem() {
    let dir = temp_dir("bad");
    let csv = dir.join("bad.csv");
    std::fs::write(&csv, "x1,x2,label\n0.5,0.1,0\n0.2,oops,1\n").unwrap();
    let cases: Vec<(Vec<String>, String)> = vec![
        (
            vec!["--data".into(), csv.display().to_string()],
            format!("{}:3: column 2: `oops` is not a number", csv.display()),
        ),
        (
            vec!["--data".into(), "missing.csv".into()],
            "missing.csv".into(),
        ),
        (
            vec!["--data".into(), "spirl".into()],
            "unknown data set `spirl`".into(),
        ),
        (
            vec!["--arch".into(), "2-0-1".into()],
            "invalid value '2-0-1' for '--arch <SIZES>'".into(),
        ),
        (
            vec!["--activation".into(), "swish".into()],
            "unknown activation `swish`".into(),
        ),
        (
            vec!["--epochs".into(), "many".into()],
            "invalid value 'many'".into(),
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["train".to_string()];
        all.extend(args);
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let out = spacefold(&refs);
        assert_eq!(out.status.code(), Some(2), "{refs:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&expected),
            "{refs:?}: {}",
            stderr(&out)
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn step_networks_and_divergence_are_refused_clearly() {
    let out = spacefold(&[
        "train",
        "--data",
        "moons",
        "--activation",
        "step",
        "--epochs",
        "5",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("step activation"), "{}", stderr(&out));
    let out = spacefold(&[
        "train",
        "--data",
        "blobs",
        "--arch",
        "2-16-3",
        "--activation",
        "identity",
        "--output",
        "identity",
        "--optimizer",
        "sgd",
        "--lr",
        "50",
        "--epochs",
        "500",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("training diverged at epoch"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn presets_are_listed_and_bad_ones_named() {
    let out = spacefold(&["presets"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    for name in [
        "mixture-square",
        "rings-cube",
        "layer-anatomy",
        "spirals-2wide",
        "spirals3-2wide",
        "relu-fold",
        "relu-fold-3d",
        "spiral-bottleneck",
        "digits-bottleneck",
        "neuron-landscape",
        "neuron-cliff",
        "four-neurons",
        "four-neurons-step",
        "softmax-surfaces",
        "argmax-terraces",
        "relu-zoomed-out",
        "sine-zoomed-out",
    ] {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("{name} is not listed:\n{text}"));
        assert!(line.len() > name.len() + 20, "{name} has no description");
    }
    // Wrong names and positions fail before any window opens.
    let out = spacefold(&["--preset", "cube"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("rings-cube"), "{}", stderr(&out));
    let out = spacefold(&["--preset", "relu-fold", "--position", "7"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("0 to 2"), "{}", stderr(&out));
    let out = spacefold(&["--preset", "four-neurons", "--surface", "3:1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[4, 1]"), "{}", stderr(&out));
    let out = spacefold(&["bench", "landscape", "--resolution", "32", "--repeat", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    assert_eq!(json["resolution"], 32);
    assert!(json["rebuild_ms"].as_f64().unwrap() > 0.0);
    let out = spacefold(&["--view", "sideways"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("layers"), "{}", stderr(&out));
}

#[test]
fn check_verify_measures_the_figure_and_writes_the_trained_network() {
    let dir = temp_dir("verify");
    let out = spacefold(&[
        "check",
        "--verify",
        "mixture-square",
        "--networks",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("accuracy "), "{text}");
    // The input and both layers' outputs, each with width, spread and separability.
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| {
            (l.trim_start().starts_with(|c: char| c.is_ascii_digit()) || l.contains("input"))
                && !l.contains("claim")
        })
        .collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert!(
        rows[0].contains("input") && rows[2].contains("(output)"),
        "{text}"
    );
    // What it wrote is the network and the points the figure was measured on.
    let net = dir.join("mixture-square.ron");
    let csv = dir.join("mixture-square.csv");
    let trained = spacefold(&[
        "train",
        "--load",
        net.to_str().unwrap(),
        "--data",
        csv.to_str().unwrap(),
        "--test",
        "0",
        "--epochs",
        "0",
        "--json",
    ]);
    assert!(trained.status.success(), "{}", stderr(&trained));
    let json = String::from_utf8_lossy(&trained.stdout);
    let report: serde_json::Value = serde_json::from_str(json.lines().last().unwrap()).unwrap();
    let accuracy = report["train_accuracy"].as_f64().unwrap();
    let shown: f64 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("accuracy "))
        .and_then(|a| a.trim_end_matches('%').parse().ok())
        .unwrap();
    assert!(
        (100.0 * accuracy - shown).abs() < 0.06,
        "{accuracy} vs {shown}%"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_claim_the_network_does_not_make_true_fails_at_its_line_and_column() {
    let dir = temp_dir("claims");
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenes/boundary-relu-2.ron"
    ))
    .unwrap();
    let at = text.find("    timeline: [").unwrap();
    let line = text[..at].lines().count() + 1;
    let claimed = format!(
        "{}    claims: [Accuracy(0.5), Accuracy(0.999)],\n{}",
        &text[..at],
        &text[at..]
    );
    let scene = dir.join("overclaimed.ron");
    std::fs::write(&scene, claimed).unwrap();
    let out = spacefold(&["check", "--verify", scene.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    // The second claim fails, the first holds.
    let place = format!("overclaimed.ron:{line}:29: claim Accuracy(0.999) does not hold");
    assert!(err.contains(&place), "expected {place} in: {err}");
    assert!(!err.contains("Accuracy(0.5)"), "{err}");
    // A claim about a boundary the network does not have is refused by plain `check`.
    let wrong = text.replacen(
        "    timeline: [",
        "    claims: [Spread(layer: 3, at_least: 0.1)],\n    timeline: [",
        1,
    );
    std::fs::write(&scene, wrong).unwrap();
    let out = spacefold(&["check", scene.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("layer 3: the network has 2 layers"),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_claims_of_the_shipped_scenes_hold() {
    let scenes = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenes")).unwrap();
    let claimed: Vec<String> = scenes
        .map(|e| e.unwrap().path())
        .filter(|p| std::fs::read_to_string(p).unwrap().contains("claims:"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    assert!(claimed.len() >= 3, "{claimed:?}");
    let mut args = vec!["check", "--verify"];
    args.extend(claimed.iter().map(String::as_str));
    let out = spacefold(&args);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Hostile input (issue 15): each class of the reproductions gives a clear error and an
/// exit code, never a panic, an abort or a silent hang.
fn refused(args: &[&str], code: i32, expected: &str) {
    let out = spacefold(args);
    let said = stderr(&out);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {said}");
    assert!(said.contains(expected), "{args:?}: {said}");
    assert!(!said.contains("panicked"), "{args:?}: {said}");
}

#[test]
fn hostile_arguments_are_refused_in_words() {
    refused(
        &["train", "--arch", "2-18446744073709551615-2"],
        2,
        "layer width 18446744073709551615 is over the limit of 4096",
    );
    refused(&["train", "--arch", "2-10000000-2"], 2, "is over the limit");
    refused(&["train", "--momentum", "nan"], 2, "--momentum NaN");
    refused(&["train", "--l2", "nan"], 2, "--l2 NaN is not a number");
    refused(&["train", "--l2=-0.1"], 2, "--l2 -0.1 is outside 0");
    refused(&["train", "--momentum", "1"], 2, "--momentum 1");
    refused(
        &["--screenshot-after", "NaN"],
        2,
        "--screenshot-after NaN is not a number",
    );
    refused(
        &["train", "--epochs", "1000000000000"],
        2,
        "epoch count 1000000000000 is over the limit",
    );
    refused(
        &["train", "--load", "/dev/zero"],
        2,
        "/dev/zero: it is a character device, not a regular file",
    );
    let dir = temp_dir("labels");
    let csv = dir.join("labels.csv");
    std::fs::write(&csv, "x1,x2,label\n0,0,0\n1,1,1000000\n").unwrap();
    refused(
        &["train", "--data", csv.to_str().unwrap()],
        2,
        "labels.csv:3: label 1000000 is over the limit of 999",
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn check_refuses_hostile_scenes_where_they_are_wrong_and_checks_the_rest() {
    let dir = temp_dir("hostile-scenes");
    let good = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/relu-fold.ron"),
    )
    .unwrap();
    let huge = dir.join("huge.ron");
    std::fs::write(
        &huge,
        "Scene(dataset: \"moons\", network: Train(arch: [2, 2, 4294967296], epochs: 5))",
    )
    .unwrap();
    let long = dir.join("long.ron");
    std::fs::write(
        &long,
        "Scene(dataset: \"moons\", network: Train(arch: [2, 2, 1], epochs: 5),\n  timeline: [Wait(1e30)])",
    )
    .unwrap();
    let bom = dir.join("bom.ron");
    std::fs::write(&bom, format!("\u{feff}{good}")).unwrap();
    let files = [
        huge.as_path(),
        Path::new("/dev/zero"),
        long.as_path(),
        bom.as_path(),
    ];
    let out = Command::new(env!("CARGO_BIN_EXE_spacefold"))
        .arg("check")
        .args(files)
        .output()
        .unwrap();
    let said = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains(&format!(
            "{}:1:53: layer width 4294967296 is over the limit of 4096",
            huge.display()
        )),
        "{said}"
    );
    assert!(
        said.contains(
            "/dev/zero:1:1: cannot read the scene: it is a character device, not a regular file"
        ),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "{}:2:19: a duration of 1e30 seconds is over the limit",
            long.display()
        )),
        "{said}"
    );
    assert!(said.contains("3 of 4 scene(s) failed"), "{said}");
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains(&format!("ok    {}", bom.display())),
        "{listed}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[cfg(unix)]
#[test]
fn save_follows_links_writes_into_devices_and_is_checked_before_training() {
    let dir = temp_dir("save-targets");
    let real = dir.join("real.ron");
    let link = dir.join("link.ron");
    std::os::unix::fs::symlink("real.ron", &link).unwrap();
    let train = |save: &Path| {
        spacefold(&[
            "train",
            "--data",
            "xor",
            "--epochs",
            "3",
            "--save",
            save.to_str().unwrap(),
        ])
    };
    let out = train(&link);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&link).unwrap().is_symlink(),
        "the link stays"
    );
    assert!(std::fs::read_to_string(&real).unwrap().contains("layers"));
    let out = train(Path::new("/dev/null"));
    assert!(out.status.success(), "{}", stderr(&out));
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    // A folder that does not exist: refused before a single epoch (a million would take
    // minutes).
    let out = spacefold(&[
        "train",
        "--epochs",
        "1000000",
        "--save",
        dir.join("no/such/folder/net.ron").to_str().unwrap(),
    ]);
    let said = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("--save") && said.contains("does not exist"),
        "{said}"
    );
    assert!(!said.contains("training "), "{said}");
    let out = spacefold(&["train", "--save", dir.to_str().unwrap()]);
    assert!(stderr(&out).contains("is a folder"), "{}", stderr(&out));
    let out = spacefold(&[
        "data",
        "xor",
        "--csv",
        dir.join("no/x.csv").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_diverged_run_never_overwrites_the_saved_network() {
    let dir = temp_dir("diverged-save");
    let net = dir.join("net.ron");
    let out = spacefold(&[
        "train",
        "--data",
        "moons",
        "--epochs",
        "5",
        "--save",
        net.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = std::fs::read(&net).unwrap();
    let out = spacefold(&[
        "train",
        "--data",
        "moons",
        "--optimizer",
        "sgd",
        "--lr",
        "1e6",
        "--epochs",
        "200",
        "--save",
        net.to_str().unwrap(),
    ]);
    let said = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("training diverged at epoch"), "{said}");
    assert!(said.contains("nothing was saved"), "{said}");
    assert_eq!(
        std::fs::read(&net).unwrap(),
        before,
        "the saved network is untouched"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[cfg(unix)]
#[test]
fn sigterm_stops_training_like_ctrl_c_and_leaves_nothing() {
    use std::io::{BufRead, BufReader};
    let dir = temp_dir("sigterm");
    let net = dir.join("net.ron");
    let mut child = Command::new(env!("CARGO_BIN_EXE_spacefold"))
        .args(["train", "--epochs", "2000000", "--arch", "2-64-64-2"])
        .args(["--data", "moons:n=400", "--save", net.to_str().unwrap()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with("training "), "{first}");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{rest:?}");
    assert!(
        rest.iter().any(|l| l.contains("interrupted at epoch")),
        "{rest:?}"
    );
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert!(
        left.is_empty(),
        "nothing saved, nothing half-written: {left:?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// `check TALK.ron` checks the talk and every scene it names, bundled or beside it; a bad
/// entry fails at its place in the talk, and the files after it are still checked.
#[test]
fn check_takes_a_talk_and_every_scene_in_it() {
    let dir = temp_dir("talk");
    std::fs::create_dir_all(dir.join("mine")).unwrap();
    std::fs::write(
        dir.join("mine/own.ron"),
        "Scene(title: \"Mine\", dataset: \"xor\", network: Train(arch: [2, 3, 1], epochs: 5), \
         timeline: [Wait(1.0)])",
    )
    .unwrap();
    let talk = dir.join("talk.ron");
    std::fs::write(
        &talk,
        "// A talk\nTalk(\n    title: \"Space\",\n    scenes: [\"neuron-plane\", \"four-neurons\", \"mine/own.ron\"],\n)\n",
    )
    .unwrap();
    let out = spacefold(&["check", talk.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("talk \"Space\", 3 scene(s)"), "{said}");
    assert!(said.contains("\"Mine\""), "{said}");
    let bad = dir.join("bad.ron");
    std::fs::write(
        &bad,
        "Talk(title: \"t\", scenes: [\"neuron-plane\", \"mine/none.ron\"])",
    )
    .unwrap();
    let out = spacefold(&["check", bad.to_str().unwrap(), talk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("{}:1:43: scene 2 `mine/none.ron`", bad.display())),
        "{}",
        stderr(&out)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("talk \"Space\""));
    std::fs::remove_dir_all(dir).unwrap();
}
#[test]
fn a_quoted_csv_with_string_labels_trains_and_names_its_classes() {
    let dir = temp_dir("named");
    let csv = dir.join("flowers.csv");
    // Two well-separated groups per class, `;`-separated, quoted, the label first.
    let mut text = String::from("\u{feff}\"species\";\"petal length\";\"petal width\";\"id\"\n");
    for i in 0..60 {
        let (name, x, y) = match i % 3 {
            0 => ("setosa", 1.0, 0.2),
            1 => ("versicolor", 4.0, 1.3),
            _ => ("virginica", 6.0, 2.2),
        };
        let jitter = (i as f32 * 0.37).sin() * 0.1;
        text.push_str(&format!("\"{name}\";{};{};{i}\n", x + jitter, y - jitter));
    }
    std::fs::write(&csv, text).unwrap();
    let out = spacefold(&[
        "train",
        "--data",
        csv.to_str().unwrap(),
        "--label",
        "species",
        "--columns",
        "petal length,petal width",
        "--epochs",
        "300",
        "--test",
        "0",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(r#""classes":["setosa","versicolor","virginica"]"#),
        "{stdout}"
    );
    assert!(
        stdout.contains("classes         setosa, versicolor, virginica"),
        "{stdout}"
    );
    assert!(stdout.contains("train accuracy  100.00%"), "{stdout}");
    // A column that is not there is named, with the ones that are.
    let out = spacefold(&["train", "--data", csv.to_str().unwrap(), "--label", "kind"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--label: the label column `kind` is not in the header"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn networks_from_numpy_scikit_learn_and_pytorch_train_from_the_command_line() {
    let model = |name: &str| format!("{}/tests/data/models/{name}", env!("CARGO_MANIFEST_DIR"));
    for (file, data, extra) in [
        ("sklearn.npz", "moons", vec!["--activation", "tanh"]),
        ("numpy.npz", "blobs", vec![]),
        ("torch.safetensors", "spiral:arms=3", vec![]),
    ] {
        let path = model(file);
        let mut args = vec!["train", "--data", data, "--load", &path, "--epochs", "5"];
        args.extend(extra);
        let out = spacefold(&args);
        assert!(out.status.success(), "{file}: {}", stderr(&out));
    }
    // Two hidden layers, three activations: refused, naming the file.
    let path = model("numpy.npz");
    let out = spacefold(&[
        "train",
        "--data",
        "blobs",
        "--load",
        &path,
        "--activation",
        "relu,relu,tanh",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("numpy.npz") && err.contains("2 hidden layer(s) but 3"),
        "{err}"
    );
}

/// A talk in `dir`: a scene in `dir/scenes` that reads `data.csv` beside it and loads a
/// network file from the folder above, and a bundled scene.
fn write_talk(dir: &Path) -> PathBuf {
    let scenes = dir.join("scenes");
    std::fs::create_dir_all(&scenes).unwrap();
    let data = scenes.join("data.csv");
    let csv = spacefold(&["data", "moons", "n=60", "--csv", data.to_str().unwrap()]);
    assert!(csv.status.success(), "{}", stderr(&csv));
    let net = spacefold(&[
        "train",
        "--data",
        data.to_str().unwrap(),
        "--arch",
        "2-3-2",
        "--epochs",
        "5",
        "--save",
        dir.join("net.ron").to_str().unwrap(),
    ]);
    assert!(net.status.success(), "{}", stderr(&net));
    std::fs::write(
        scenes.join("moons.ron"),
        "Scene(title: \"Moons from a file\", dataset: \"data.csv\", \
         network: File(\"../net.ron\"), timeline: [Wait(1.0)])",
    )
    .unwrap();
    let talk = dir.join("talk.ron");
    std::fs::write(
        &talk,
        "Talk(title: \"Packed\", scenes: [\"scenes/moons.ron\", \"relu-fold\"])",
    )
    .unwrap();
    talk
}

#[test]
fn a_packed_talk_plays_from_one_file_with_its_sources_gone() {
    let dir = temp_dir("pack");
    let talk = write_talk(&dir);
    let packed = dir.join("talk.bin");
    let start = std::time::Instant::now();
    let out = spacefold(&[
        "pack",
        talk.to_str().unwrap(),
        "--out",
        packed.to_str().unwrap(),
    ]);
    // How long it takes is bench/pack.sh's to say; printed here for the record.
    eprintln!("packing took {:.2} s", start.elapsed().as_secs_f64());
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("packed \"Packed\" (2 scene(s), 2 files)"),
        "{said}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&packed).unwrap().permissions().mode();
        assert_eq!(mode & 0o111, 0o111, "executable: {mode:o}");
    }
    for gone in ["scenes", "net.ron", "talk.ron"] {
        let p = dir.join(gone);
        let _ = std::fs::remove_dir_all(&p).or_else(|_| std::fs::remove_file(&p));
        assert!(!p.exists());
    }
    // Run from another folder: nothing is read from disk but the program itself.
    let elsewhere = temp_dir("pack-elsewhere");
    let run = |args: &[&str]| {
        Command::new(&packed)
            .args(args)
            .current_dir(&elsewhere)
            .output()
            .unwrap()
    };
    let out = run(&["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{}{stdout}", stderr(&out));
    assert!(stdout.contains("talk \"Packed\", 2 scene(s)"), "{stdout}");
    assert!(
        stdout.contains("talk.bin/scenes/moons.ron: \"Moons from a file\""),
        "{stdout}"
    );
    assert!(stdout.contains("relu-fold"), "{stdout}");
    // An ordinary command still works; a file named still wins over the packed talk.
    let out = run(&["check", "neuron-plane"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Packed"));
    // A packed program packs again: one payload, not two.
    let again = dir.join("again.bin");
    let out = run(&["pack", "relu-fold", "--out", again.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let sizes = [&packed, &again].map(|p| std::fs::metadata(p).unwrap().len());
    assert!(sizes[1] < sizes[0], "{sizes:?}");
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::remove_dir_all(elsewhere).unwrap();
}

/// Runs a program this test process has just written. Another test's child, forked while
/// the file was open for writing, holds it open until that child execs: running it then
/// fails with "text file busy" (ETXTBSY) for a moment, so that is tried again.
fn run_written_program(path: &Path, args: &[&str]) -> Output {
    for _ in 0..100 {
        match Command::new(path).args(args).output() {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            result => return result.expect("the program runs"),
        }
    }
    panic!("{} stayed busy", path.display());
}

#[test]
fn a_damaged_packed_talk_says_so_and_exits_2() {
    let dir = temp_dir("pack-damaged");
    let packed = dir.join("scenes.bin");
    let out = spacefold(&[
        "pack",
        "relu-fold",
        "neuron-plane",
        "--out",
        packed.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("packed \"ReLU folds the plane\""),
        "{}",
        stderr(&out)
    );
    let mut bytes = std::fs::read(&packed).unwrap();
    // A byte of the talk, inside the payload (which ends with a 56-byte trailer).
    let at = bytes.len() - 56 - 20;
    bytes[at] ^= 1;
    std::fs::write(&packed, &bytes).unwrap();
    for args in [&[][..], &["check"][..]] {
        let out = run_written_program(&packed, args);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let said = stderr(&out);
        assert!(said.contains("packed talk is damaged"), "{said}");
        assert!(!said.contains("panicked"), "{said}");
    }
    // Packing refuses a talk alongside scenes, and a missing file, before writing anything.
    let out = spacefold(&[
        "pack",
        "relu-fold",
        "no-such.ron",
        "--out",
        dir.join("x").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no-such.ron"), "{}", stderr(&out));
    assert!(!dir.join("x").exists());
    let scene = dir.join("mine.ron");
    let text = "Scene(dataset: \"xor\", network: Train(arch: [2, 3, 1], epochs: 5), \
                timeline: [Wait(1.0)])";
    std::fs::write(&scene, text).unwrap();
    let out = spacefold(&[
        "pack",
        scene.to_str().unwrap(),
        "--out",
        scene.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("(a file to pack)"),
        "{}",
        stderr(&out)
    );
    assert!(
        std::fs::read_to_string(&scene)
            .unwrap()
            .starts_with("Scene(")
    );
    std::fs::remove_dir_all(dir).unwrap();
}
