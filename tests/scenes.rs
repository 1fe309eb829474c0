//! Scene scripts: every shipped scene passes `spacefold check`, broken ones fail where they
//! are broken, and a scene's frames are a function of time alone.

use spacefold::engine::flow::{Bend, FlowInput, InputView, default_selection};
use spacefold::engine::scene::{self, Frame};
use std::path::Path;
use std::process::Command;

fn check(files: &[&Path]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_spacefold"))
        .arg("check")
        .args(files)
        .output()
        .expect("the binary runs")
}

fn shipped() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_shipped_scene_passes_check_and_is_listed() {
    let files = shipped();
    assert!(files.len() >= 30, "{} scenes", files.len());
    let refs: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let out = check(&refs);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("ok ")).count(),
        files.len()
    );
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/README.md"))
            .unwrap();
    for f in &files {
        let name = f.file_name().unwrap().to_str().unwrap();
        assert!(
            readme.contains(name),
            "scenes/README.md does not list {name}"
        );
    }
}

#[test]
fn broken_scenes_fail_at_the_right_line_and_column() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenes");
    for (file, place, words) in [
        ("unknown-field.ron", "5:40", "did you mean `secs`"),
        ("wrong-type.ron", "3:44", "whole number"),
        ("layers-do-not-chain.ron", "5:9", "layer 2 expects 3 inputs"),
        ("missing-layer.ron", "7:22", "no layer 3"),
        ("negative-duration.ron", "8:18", "negative"),
        ("arch-does-not-fit-data.ron", "3:33", "3 classes"),
        ("syntax-error.ron", "6:9", "comma"),
    ] {
        let path = dir.join(file);
        let out = check(&[&path]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file}: {err}");
        let expected = format!("{}:{place}:", path.display());
        assert!(
            err.contains(&expected),
            "{file}: expected {expected} in\n{err}"
        );
        assert!(err.contains(words), "{file}: expected `{words}` in\n{err}");
    }
    // One bad file among good ones still fails the run, and the good ones are reported.
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/relu-fold.ron");
    let out = check(&[&good, &dir.join("missing-layer.ron")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("relu-fold.ron"));
}

/// The points' coordinates in the layers view at a frame.
fn positions(loaded: &scene::Loaded, frame: &Frame) -> Vec<[f32; 3]> {
    let flow = spacefold::engine::flow::Flow::new(FlowInput {
        network: &loaded.network,
        points: &loaded.data.x,
        grid: None,
        input_view: InputView::Raw,
        selection: default_selection(&loaded.network, &loaded.data.x, 2),
    })
    .unwrap();
    let mut out = vec![];
    flow.sample(
        frame.position,
        spacefold::engine::flow::Ease::Linear,
        Bend::Auto,
        frame.split,
        &mut out,
    );
    out
}

#[test]
fn a_frame_is_the_same_forward_backward_and_after_a_reload() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/relu-fold-3d.ron");
    let loaded = scene::load(&path, true).unwrap();
    let tl = &loaded.timeline;
    let times: Vec<f32> = (0..=120)
        .map(|i| i as f32 * tl.duration() / 120.0)
        .collect();
    let forward: Vec<(Frame, Vec<[f32; 3]>)> = times
        .iter()
        .map(|&t| {
            let f = tl.sample(t);
            let p = positions(&loaded, &f);
            (f, p)
        })
        .collect();
    // The points really move over the scene.
    assert_ne!(forward.first().unwrap().1, forward.last().unwrap().1);
    for (i, &t) in times.iter().enumerate().rev() {
        let f = tl.sample(t);
        assert_eq!(f, forward[i].0, "t = {t}");
        assert_eq!(positions(&loaded, &f), forward[i].1, "t = {t}");
    }
    // Reloading the file (the same text) trains the same weights and gives the same frames.
    let again = scene::load(&path, true).unwrap();
    assert_eq!(again.network, loaded.network);
    for (i, &t) in times.iter().enumerate().step_by(7) {
        let f = again.timeline.sample(t);
        assert_eq!(f, forward[i].0);
        assert_eq!(positions(&again, &f), forward[i].1);
    }
}

#[test]
fn shipped_scenes_are_bundled_and_found_by_name() {
    let out = Command::new(env!("CARGO_BIN_EXE_spacefold"))
        .arg("scenes")
        .output()
        .unwrap();
    assert!(out.status.success());
    let listed = String::from_utf8_lossy(&out.stdout);
    for f in shipped() {
        let name = f.file_stem().unwrap().to_str().unwrap().to_string();
        assert!(
            listed
                .lines()
                .any(|l| l.split_whitespace().next() == Some(name.as_str())),
            "{name} is not bundled"
        );
    }
    // A name (with or without .ron) that is not a file finds the bundled scene...
    let out = check(&[Path::new("relu-fold"), Path::new("rings-cube.ron")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // ...and an unknown one lists what there is.
    let out = check(&[Path::new("no-such-scene")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bundled scenes: "));
}
