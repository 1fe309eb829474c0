//! The command line, driven as a user drives it: real processes, real files, exit codes.

use std::path::PathBuf;
use std::process::{Command, Output};

fn spacefold(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spacefold"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spacefold-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

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
            "--arch `2-0-1`".into(),
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
