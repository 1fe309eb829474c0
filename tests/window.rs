//! The real app in a real window: started under Xvfb (software Vulkan), screenshotted, and
//! judged by its pixels. One test at a time: lavapipe on two cores is slow enough alone.

mod common;

use common::{Xvfb, near, read_png};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// Window tests take turns: lavapipe on two cores is slow enough with one app at a time.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

/// How long a window test waits for the app's window: a machine busy with other work can
/// take long to start a Bevy app under a software renderer.
const WINDOW_WAIT: Duration = Duration::from_secs(120);

/// Runs the app with `args` and returns the screenshot it saved.
/// A folder of the test's own, empty: `CARGO_TARGET_TMPDIR/name`.
fn fresh_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Asserts that the first two classes' points are drawn in `shot`: at least `least` pixels
/// of each class's colour.
fn assert_classes_drawn(shot: &Path, least: usize) {
    let (_, _, pixels) = read_png(shot);
    for (k, colour) in CLASSES[..2].iter().enumerate() {
        let count = pixels.iter().filter(|p| near(**p, *colour, 10)).count();
        assert!(
            count > least,
            "class {k}: {count} pixels in {}",
            shot.display()
        );
    }
}

fn screenshot(x: &Xvfb, name: &str, args: &[&str]) -> PathBuf {
    shot_and_report(x, name, args).0
}

/// The window's background and the palette's first class colours (sRGB), as the app draws
/// them (unlit, no tone mapping).
const BACKGROUND: [u8; 3] = spacefold::engine::palette::BACKGROUND;
const CLASSES: [[u8; 3]; 3] = [
    spacefold::engine::palette::CLASS_COLORS[0],
    spacefold::engine::palette::CLASS_COLORS[1],
    spacefold::engine::palette::CLASS_COLORS[2],
];

/// Which class's decision-region colour a pixel shows, if any: a blend of the background
/// toward that class's colour (the heatmap draws 12% to 45% of the way).
fn region_class(p: [u8; 3]) -> Option<usize> {
    let v: Vec<f32> = (0..3).map(|i| p[i] as f32 - BACKGROUND[i] as f32).collect();
    CLASSES.iter().position(|c| {
        let d: Vec<f32> = (0..3).map(|i| c[i] as f32 - BACKGROUND[i] as f32).collect();
        let t = (0..3).map(|i| v[i] * d[i]).sum::<f32>() / (0..3).map(|i| d[i] * d[i]).sum::<f32>();
        let residual = (0..3)
            .map(|i| (v[i] - t * d[i]).powi(2))
            .sum::<f32>()
            .sqrt();
        (0.08..0.5).contains(&t) && residual < 10.0
    })
}

/// The explorer as `spacefold` opens it: training a three-arm spiral, decision regions
/// under the points.
#[test]
fn the_explorer_trains_and_draws_regions_and_points() {
    let _turn = one_at_a_time();
    let x = Xvfb::start();
    let path = screenshot(
        &x,
        "explorer-spiral",
        &[
            "--data",
            "spiral:arms=3,n=600",
            "--arch",
            "2-16-16-3",
            "--screenshot-after",
            "6",
        ],
    );
    let (w, h, pixels) = read_png(&path);
    assert_eq!((w, h), (1280, 800));
    // The points: every class's exact colour (the discs' fill).
    for (k, colour) in CLASSES.iter().enumerate() {
        let count = pixels.iter().filter(|p| near(**p, *colour, 10)).count();
        assert!(
            count > 300,
            "class {k}: only {count} point pixels in {}",
            path.display()
        );
    }
    // The regions: at least two classes' region colours, each over a good part of the view.
    let mut regions = [0usize; 3];
    for p in &pixels {
        if let Some(k) = region_class(*p) {
            regions[k] += 1;
        }
    }
    let big = regions.iter().filter(|&&n| n > pixels.len() / 50).count();
    assert!(
        big >= 2,
        "region pixels per class: {regions:?} in {}",
        path.display()
    );
}

/// Pixels showing class `k`'s point colour.
fn class_mask(pixels: &[[u8; 3]], k: usize) -> Vec<bool> {
    pixels.iter().map(|p| near(*p, CLASSES[k], 10)).collect()
}

/// Overlap of two masks: shared pixels over pixels in either.
fn overlap(a: &[bool], b: &[bool]) -> f64 {
    let both = a.iter().zip(b).filter(|(x, y)| **x && **y).count();
    let either = a.iter().zip(b).filter(|(x, y)| **x || **y).count();
    both as f64 / either.max(1) as f64
}

/// Opens `preset` at the input and after its first layer, and checks that every class's
/// points are on screen in both and have moved: their pixels barely overlap.
fn points_move_through_the_first_layer(preset: &str) {
    let _turn = one_at_a_time();
    let x = Xvfb::start();
    let shots: Vec<_> = ["0", "1"]
        .iter()
        .map(|position| {
            let path = screenshot(
                &x,
                &format!("{preset}-at-{position}"),
                &[
                    "--preset",
                    preset,
                    "--position",
                    position,
                    "--screenshot-after",
                    "1.5",
                ],
            );
            (read_png(&path), path)
        })
        .collect();
    for k in 0..2 {
        let masks: Vec<Vec<bool>> = shots
            .iter()
            .map(|((_, _, p), _)| class_mask(p, k))
            .collect();
        for (mask, (_, path)) in masks.iter().zip(&shots) {
            let count = mask.iter().filter(|m| **m).count();
            assert!(
                count > 40,
                "class {k}: only {count} point pixels in {}",
                path.display()
            );
        }
        let shared = overlap(&masks[0], &masks[1]);
        assert!(
            shared < 0.4,
            "class {k}: the points hardly moved ({:.0}% of their pixels stayed) between {} and {}",
            shared * 100.0,
            shots[0].1.display(),
            shots[1].1.display()
        );
    }
}

/// The 2-3-1 sigmoid net lifts the rings' plane into the unit cube.
#[test]
fn the_rings_are_lifted_into_the_cube() {
    points_move_through_the_first_layer("rings-cube");
}

/// The 2-2-2 ReLU net folds the moons onto the axes.
#[test]
fn relu_folds_the_moons() {
    points_move_through_the_first_layer("relu-fold");
}

/// Hue (degrees), saturation and value of a pixel.
fn hsv(p: [u8; 3]) -> (f32, f32, f32) {
    let [r, g, b] = p.map(|c| c as f32 / 255.0);
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let d = max - min;
    let h = if d == 0.0 {
        0.0
    } else if max == r {
        60.0 * (((g - b) / d).rem_euclid(6.0))
    } else if max == g {
        60.0 * ((b - r) / d + 2.0)
    } else {
        60.0 * ((r - g) / d + 4.0)
    };
    (h, if max == 0.0 { 0.0 } else { d / max }, max)
}

/// The topmost row (smallest y) of the view (right of the panel, left of the legend) where
/// at least 5 pixels pass `keep`.
fn top_row(w: u32, h: u32, pixels: &[[u8; 3]], keep: impl Fn([u8; 3]) -> bool) -> Option<u32> {
    (0..h).find(|&y| {
        (340..w - 240)
            .filter(|&x| keep(pixels[(y * w + x) as usize]))
            .count()
            >= 5
    })
}

/// A decoded screenshot (width, height, pixels) and where it lies.
type Shot = ((u32, u32, Vec<[u8; 3]>), PathBuf);

/// Opens `preset` in the landscape view as it is and with flat surfaces; returns both shots.
fn tall_and_flat(preset: &str) -> Vec<Shot> {
    let x = Xvfb::start();
    ["0.35", "0"]
        .iter()
        .map(|height| {
            let path = screenshot(
                &x,
                &format!("{preset}-height-{height}"),
                &[
                    "--preset",
                    preset,
                    "--surface-height",
                    height,
                    "--screenshot-after",
                    "1.5",
                ],
            );
            (read_png(&path), path)
        })
        .collect()
}

/// Asserts that the surface pixels (`keep`) rise well above where the flat surface lies.
fn assert_above_the_floor(shots: &[Shot], keep: impl Fn([u8; 3]) -> bool + Copy) {
    let rows: Vec<u32> = shots
        .iter()
        .map(|((w, h, p), path)| {
            top_row(*w, *h, p, keep).unwrap_or_else(|| panic!("no surface in {}", path.display()))
        })
        .collect();
    assert!(
        rows[0] + 40 < rows[1],
        "the surface's top is at row {} with height and {} flat: not above the floor ({} and {})",
        rows[0],
        rows[1],
        shots[0].1.display(),
        shots[1].1.display()
    );
}

/// The four-neuron landscape: blue valley, green slopes, red mountains, above the floor.
#[test]
fn the_four_neuron_landscape_has_valley_slope_and_mountain() {
    let _turn = one_at_a_time();
    let shots = tall_and_flat("four-neurons");
    let ((_, _, pixels), path) = &shots[0];
    let bucket = |p: [u8; 3]| {
        let (h, s, v) = hsv(p);
        if s < 0.45 || v < 0.2 {
            return None;
        }
        Some(match h {
            h if !(20.0..340.0).contains(&h) => 0, // red
            h if (40.0..70.0).contains(&h) => 1,   // yellow
            h if (80.0..160.0).contains(&h) => 2,  // green
            h if (190.0..250.0).contains(&h) => 3, // blue
            _ => return None,
        })
    };
    let mut counts = [0usize; 4];
    for p in pixels {
        if let Some(b) = bucket(*p) {
            counts[b] += 1;
        }
    }
    let colours = counts.iter().filter(|&&n| n > 400).count();
    assert!(
        colours >= 3,
        "red, yellow, green, blue pixels: {counts:?} in {}",
        path.display()
    );
    assert_above_the_floor(&shots, |p| bucket(p).is_some());
}

/// Whether a pixel shows class `k`'s colour at some brightness (the surfaces are shaded).
fn shaded_class(p: [u8; 3], k: usize) -> bool {
    let c = CLASSES[k];
    let scale = (0..3).map(|i| p[i] as f32).sum::<f32>() / (0..3).map(|i| c[i] as f32).sum::<f32>();
    (0.3..1.15).contains(&scale) && (0..3).all(|i| (p[i] as f32 - c[i] as f32 * scale).abs() < 14.0)
}

/// One softmax surface per class, each in its class colour, standing above the floor.
#[test]
fn softmax_surfaces_stand_in_their_class_colours() {
    let _turn = one_at_a_time();
    let shots = tall_and_flat("softmax-surfaces");
    let ((_, _, pixels), path) = &shots[0];
    for k in 0..3 {
        let n = pixels.iter().filter(|p| shaded_class(**p, k)).count();
        assert!(
            n > 300,
            "class {k}: {n} surface pixels in {}",
            path.display()
        );
    }
    assert_above_the_floor(&shots, |p| (0..3).any(|k| shaded_class(p, k)));
}

/// Runs `spacefold play` on the ReLU-fold scene with `args` and returns its screenshot.
fn play_screenshot(x: &Xvfb, name: &str, args: &[&str]) -> Shot {
    let scene = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/relu-fold.ron");
    let mut all = vec!["play", scene.to_str().unwrap()];
    all.extend_from_slice(args);
    let path = screenshot(x, name, &all);
    (read_png(&path), path)
}

/// The most common colour of the bottom strip of a shot (where the timeline bar sits).
fn bottom_strip(shot: &Shot) -> Vec<[u8; 3]> {
    let ((w, h, pixels), _) = shot;
    pixels[((h - 10) * w) as usize..].to_vec()
}

/// Presenter mode stopped at the second cue: no timeline, the fold on screen, still. (In a
/// window: going full screen under Xvfb resizes the window at a time the test cannot know.)
#[test]
fn presenter_mode_stops_at_the_second_cue() {
    let _turn = one_at_a_time();
    let x = Xvfb::start();
    let second = play_screenshot(
        &x,
        "present-cue-2",
        &[
            "--present",
            "--windowed",
            "--cue",
            "2",
            "--screenshot-after",
            "2",
        ],
    );
    let later = play_screenshot(
        &x,
        "present-cue-2-later",
        &[
            "--present",
            "--windowed",
            "--cue",
            "2",
            "--screenshot-after",
            "4",
        ],
    );
    let first = play_screenshot(
        &x,
        "present-cue-1",
        &[
            "--present",
            "--windowed",
            "--cue",
            "1",
            "--screenshot-after",
            "2",
        ],
    );
    let windowed = play_screenshot(
        &x,
        "window-cue-2",
        &["--cue", "2", "--screenshot-after", "1.5"],
    );
    let size = |s: &Shot| (s.0.0, s.0.1);
    assert_eq!(size(&second), size(&later));
    assert_eq!(size(&second), size(&first));
    for k in 0..2 {
        let masks: Vec<Vec<bool>> = [&second, &later, &first]
            .iter()
            .map(|((_, _, p), _)| class_mask(p, k))
            .collect();
        let count = masks[0].iter().filter(|m| **m).count();
        assert!(
            count > 40,
            "class {k}: {count} point pixels in {}",
            second.1.display()
        );
        // Stopped: seconds later, the same picture. (Not pixel for pixel: where points of
        // two classes overlap, which is drawn on top can change from run to run.)
        let w = second.0.0 as usize;
        let stats = |m: &[bool]| {
            let n = m.iter().filter(|v| **v).count().max(1) as f64;
            let (mut x, mut y) = (0.0, 0.0);
            for (i, _) in m.iter().enumerate().filter(|(_, v)| **v) {
                x += (i % w) as f64;
                y += (i / w) as f64;
            }
            (n, x / n, y / n)
        };
        let (a, b) = (stats(&masks[0]), stats(&masks[1]));
        assert!(
            (a.0 - b.0).abs() / a.0 < 0.05 && (a.1 - b.1).abs() < 3.0 && (a.2 - b.2).abs() < 3.0,
            "class {k} moved while stopped at the cue: {a:?} then {b:?}"
        );
        // And it is the second cue, not the first: the points have moved between them.
        assert!(
            overlap(&masks[0], &masks[2]) < 0.4,
            "class {k}: cue 2 looks like cue 1"
        );
    }
    // The window has a timeline bar at the bottom; presenter mode has none.
    let strip = bottom_strip(&windowed);
    let mut counts = std::collections::HashMap::new();
    for p in &strip {
        *counts.entry(*p).or_insert(0usize) += 1;
    }
    let (bar, _) = counts.into_iter().max_by_key(|(_, n)| *n).unwrap();
    assert!(
        !near(bar, BACKGROUND, 2),
        "the windowed player shows no timeline bar"
    );
    let presenter = bottom_strip(&second);
    let bar_pixels = presenter.iter().filter(|p| near(**p, bar, 1)).count();
    assert!(
        bar_pixels < presenter.len() / 10,
        "presenter mode shows the timeline bar: {} of {} pixels",
        bar_pixels,
        presenter.len()
    );
}

/// What `SPACEFOLD_REPORT` says the window ended with.
fn read_report(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("the app wrote its report"))
        .expect("the report is JSON")
}

/// Runs the app with `args` (1280x800, a screenshot after `after` seconds, then quit), lets
/// `drive` send real X input once its window is up (it gets `xdotool` and the window's id;
/// coordinates are in the window's pixels), and returns the app's report.
fn app_after_input(
    x: &Xvfb,
    name: &str,
    (args, after): (&[&str], &str),
    drive: impl FnOnce(&dyn Fn(&[&str]) -> std::process::Output, &str),
) -> serde_json::Value {
    app_after_input_with(x, name, (args, after), &[], drive)
}

/// As [`app_after_input`], with more environment variables. The app keeps its recent files
/// in a folder of the test's (`SPACEFOLD_CONFIG_DIR`), never the user's.
fn app_after_input_with(
    x: &Xvfb,
    name: &str,
    (args, after): (&[&str], &str),
    env: &[(&str, &std::ffi::OsStr)],
    drive: impl FnOnce(&dyn Fn(&[&str]) -> std::process::Output, &str),
) -> serde_json::Value {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let shot = dir.join(format!("{name}.png"));
    let report = dir.join(format!("{name}.json"));
    let _ = std::fs::remove_file(&report);
    let mut app = Command::new(env!("CARGO_BIN_EXE_spacefold"))
        .args(args)
        .args(["--size", "1280x800", "--screenshot-after", after])
        .args(["--screenshot", shot.to_str().unwrap()])
        .env("DISPLAY", &x.display)
        .env("WGPU_BACKEND", "vulkan")
        .env("SPACEFOLD_REPORT", &report)
        .env("SPACEFOLD_CONFIG_DIR", dir.join(format!("{name}-config")))
        .envs(env.iter().copied())
        // Pictures it saves land here.
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join(format!("{name}.log"))).unwrap())
        .spawn()
        .unwrap();
    let xdotool = |args: &[&str]| x.xdotool(args);
    let window = x.window_of(&mut app, WINDOW_WAIT);
    // Keys go to the focused window: with no window manager, nothing focuses it.
    xdotool(&["windowfocus", "--sync", window.as_str()]);
    // The first frames: the panel laid out, the data framed.
    std::thread::sleep(Duration::from_secs(4));
    drive(&xdotool, &window);
    assert!(app.wait().unwrap().success(), "the app exits cleanly");
    read_report(&report)
}

/// Runs the explorer (paused), does `actions` (`xdotool` commands after a move onto the
/// window) and returns its report.
fn explorer_after_input(x: &Xvfb, name: &str, actions: &[&[&str]]) -> serde_json::Value {
    app_after_input(x, name, (&["--paused"], "12"), |xdotool, window| {
        for action in actions {
            let mut args = vec!["mousemove", "--window", window];
            args.extend_from_slice(action);
            xdotool(&args);
            std::thread::sleep(Duration::from_millis(400));
        }
    })
}

#[test]
fn clicks_and_the_wheel_over_the_panels_never_reach_the_plane() {
    let _turn = one_at_a_time();
    let x = Xvfb::start();
    let untouched = explorer_after_input(&x, "input-none", &[]);
    let points = |r: &serde_json::Value| {
        r["train_points"].as_u64().unwrap() + r["test_points"].as_u64().unwrap()
    };
    // Empty panel space, a section header (twice: it folds and opens), a button, the right
    // panel's Network header (it folds and opens) and the diagram, the bottom corner.
    let clicked = explorer_after_input(
        &x,
        "input-panel-clicks",
        &[
            &["290", "590", "click", "1"],
            &["50", "463", "click", "1"],
            &["50", "463", "click", "1"],
            &["98", "755", "click", "1"],
            &["1030", "75", "click", "1"],
            &["1030", "75", "click", "1"],
            &["1100", "300", "click", "1"],
            &["8", "795", "click", "1"],
        ],
    );
    assert_eq!(
        points(&clicked),
        points(&untouched),
        "no click added a point"
    );
    // The wheel over the panel scrolls the panel, not the plane.
    let scrolled = explorer_after_input(
        &x,
        "input-panel-wheel",
        &[&["160", "600", "click", "--repeat", "5", "5"]],
    );
    assert_eq!(scrolled["units_per_px"], untouched["units_per_px"]);
    // The same click and wheel over the plane do reach it (the test can tell).
    let on_plane = explorer_after_input(
        &x,
        "input-plane",
        &[
            &["700", "600", "click", "1"],
            &["700", "600", "click", "--repeat", "5", "5"],
        ],
    );
    assert_eq!(points(&on_plane), points(&untouched) + 1);
    assert_ne!(on_plane["units_per_px"], untouched["units_per_px"]);
}

/// Where, from the centre of its low (blue) pixels, a view's high (red) pixels lie, in the
/// screenshot's columns `x0..x1`: a direction in screen pixels (y down).
fn high_side(w: u32, pixels: &[[u8; 3]], x0: u32, x1: u32) -> (f32, f32) {
    let mut sums = [(0.0f32, 0.0f32, 0usize); 2];
    for (i, p) in pixels.iter().enumerate() {
        let (x, y) = (i as u32 % w, i as u32 / w);
        if x < x0 || x >= x1 {
            continue;
        }
        let (h, s, v) = hsv(*p);
        if s < 0.5 || v < 0.3 {
            continue;
        }
        let side = match h {
            h if !(15.0..345.0).contains(&h) => 1,
            h if (200.0..240.0).contains(&h) => 0,
            _ => continue,
        };
        sums[side].0 += x as f32;
        sums[side].1 += y as f32;
        sums[side].2 += 1;
    }
    assert!(
        sums.iter().all(|s| s.2 > 500),
        "too few coloured pixels: {sums:?}"
    );
    let centre = |s: (f32, f32, usize)| (s.0 / s.2 as f32, s.1 / s.2 as f32);
    let (low, high) = (centre(sums[0]), centre(sums[1]));
    (high.0 - low.0, high.1 - low.1)
}

/// The 3D view looking straight down (T) and the flat top view beside it show a neuron the
/// same way round: x to the right, y up in both, so its high side is on the same side.
#[test]
fn the_top_view_and_the_flat_view_agree_in_orientation() {
    let _turn = one_at_a_time();
    let x = Xvfb::start();
    let path = screenshot(
        &x,
        "top-and-flat",
        &[
            "--preset",
            "four-neurons",
            "--view",
            "landscape",
            "--surface",
            "1:1",
            "--split",
            "--top",
            "--screenshot-after",
            "2",
        ],
    );
    let (w, _, pixels) = read_png(&path);
    // The panel ends at 330 px; the flat view fills the left half of the rest.
    let middle = 330 + (w - 330) / 2;
    let flat = high_side(w, &pixels, 330, middle);
    let top = high_side(w, &pixels, middle, w - 10);
    let cos = (flat.0 * top.0 + flat.1 * top.1)
        / ((flat.0.hypot(flat.1)) * (top.0.hypot(top.1))).max(1e-6);
    assert!(
        cos > 0.8,
        "the high side lies toward {flat:?} in the flat view and {top:?} from the top ({})",
        path.display()
    );
}

/// Ctrl+S saves a picture of the view (the panel left out) into the working folder, under
/// a new name each time.
#[test]
fn ctrl_s_saves_a_picture_of_the_view() {
    let _turn = one_at_a_time();
    let x = Xvfb::start();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let first = dir.join("spacefold-regions-1.png");
    let second = dir.join("spacefold-regions-2.png");
    for p in [&first, &second] {
        let _ = std::fs::remove_file(p);
    }
    explorer_after_input(
        &x,
        "picture",
        &[
            &["700", "400", "key", "ctrl+s"],
            &["700", "400", "key", "ctrl+s"],
        ],
    );
    let (w, h, pixels) = read_png(&first);
    assert!(
        second.exists(),
        "the second picture did not replace the first"
    );
    // A slide's shape, as wide as the window (1280x800): the panels stepped aside.
    assert_eq!((w, h), (1280, 720));
    // It shows the regions and the points (class colours), not an empty frame.
    let coloured = pixels
        .iter()
        .filter(|p| region_class(**p).is_some())
        .count();
    assert!(coloured * 4 > pixels.len(), "only {coloured} region pixels");
}

/// Ctrl+Z undoes point edits one by one and restores the data exactly; Ctrl+Shift+Z redoes.
#[test]
fn undo_after_adding_and_erasing_points_restores_the_data_exactly() {
    let _turn = one_at_a_time();
    let x = Xvfb::start();
    let untouched = explorer_after_input(&x, "undo-none", &[]);
    // Add two points, erase the second (Shift + click where it is), then undo all three.
    let undone = explorer_after_input(
        &x,
        "undo-all",
        &[
            &["700", "600", "click", "1"],
            &["760", "560", "click", "1"],
            &[
                "760", "560", "keydown", "shift", "click", "1", "keyup", "shift",
            ],
            &["700", "400", "key", "ctrl+z"],
            &["700", "400", "key", "ctrl+z"],
            &["700", "400", "key", "ctrl+z"],
        ],
    );
    assert_eq!(
        undone["data_hash"], untouched["data_hash"],
        "undone: the data as it was"
    );
    // Add one, undo, redo: the point is back.
    let added = explorer_after_input(&x, "undo-added", &[&["700", "600", "click", "1"]]);
    assert_ne!(added["data_hash"], untouched["data_hash"]);
    let redone = explorer_after_input(
        &x,
        "undo-redo",
        &[
            &["700", "600", "click", "1"],
            &["700", "400", "key", "ctrl+z"],
            &["700", "400", "key", "ctrl+shift+z"],
        ],
    );
    assert_eq!(
        redone["data_hash"], added["data_hash"],
        "redone: the point back"
    );
}

/// Runs `args` until the app's own screenshot, with a report; returns both.
fn shot_and_report(x: &Xvfb, name: &str, args: &[&str]) -> (PathBuf, serde_json::Value) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let report = dir.join(format!("{name}.json"));
    let _ = std::fs::remove_file(&report);
    let path = dir.join(format!("{name}.png"));
    let _ = std::fs::remove_file(&path);
    let out = Command::new(env!("CARGO_BIN_EXE_spacefold"))
        .args(args)
        .args(["--screenshot", path.to_str().unwrap(), "--size", "1280x800"])
        .env("DISPLAY", &x.display)
        .env("WGPU_BACKEND", "vulkan")
        .env("SPACEFOLD_REPORT", &report)
        .output()
        .unwrap();
    assert!(
        out.status.success() && path.exists(),
        "the app failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("screenshot: {}", path.display());
    (path, read_report(&report))
}

/// Every preset opens on (or plays to and holds at) the stage that shows its point, with its
/// data on screen: the layers presets at their hold, their classes' points in view; the
/// landscape presets with their surfaces filling a good part of the view.
#[test]
fn every_preset_shows_its_point() {
    let _turn = one_at_a_time();
    let x = Xvfb::start();
    for preset in spacefold::engine::presets::PRESETS {
        let (path, report) = shot_and_report(
            &x,
            &format!("preset-{}", preset.name),
            &["--preset", preset.name],
        );
        let (w, _, pixels) = read_png(&path);
        let left = report["insets"][0].as_f64().unwrap() as u32;
        let view: Vec<[u8; 3]> = pixels
            .iter()
            .enumerate()
            .filter(|(i, _)| *i as u32 % w >= left)
            .map(|(_, p)| *p)
            .collect();
        let share = |keep: &dyn Fn([u8; 3]) -> bool| {
            view.iter().filter(|p| keep(**p)).count() as f64 / view.len() as f64
        };
        if preset.view.landscape.is_some() {
            assert_eq!(report["view"], "landscape", "{}", preset.name);
            let drawn = share(&|p| !near(p, BACKGROUND, 12));
            assert!(
                drawn > 0.08,
                "{}: {:.1} % drawn",
                preset.name,
                drawn * 100.0
            );
            continue;
        }
        assert_eq!(report["view"], "layers", "{}", preset.name);
        if let Some(hold) = preset.view.hold {
            let at = (hold * spacefold::engine::flow::STAGES_PER_LAYER) as f64;
            assert_eq!(
                report["position"].as_f64(),
                Some(at),
                "{} holds",
                preset.name
            );
            assert_eq!(report["playing"], false, "{} stopped there", preset.name);
        }
        let points = share(&|p| CLASSES[..2].iter().any(|c| near(p, *c, 10)));
        assert!(
            points > 0.0025,
            "{}: class points cover {:.2} % of the view ({})",
            preset.name,
            points * 100.0,
            path.display()
        );
    }
}

/// The regions view's right panel (classes and the network diagram) is docked beside the
/// plane: the data's box is framed between the panels, never under the right one.
#[test]
fn the_network_diagram_is_docked_beside_the_plane() {
    let _turn = one_at_a_time();
    let x = Xvfb::start();
    let (path, report) = shot_and_report(
        &x,
        "docked",
        &[
            "--data",
            "spiral:arms=3,n=300",
            "--arch",
            "2-8-8-8-3",
            "--screenshot-after",
            "3",
        ],
    );
    let (w, h, pixels) = read_png(&path);
    let insets: Vec<u32> = (0..3)
        .map(|i| report["insets"][i].as_f64().unwrap() as u32)
        .collect();
    let right = w - insets[1];
    assert!(
        (150..600).contains(&insets[1]),
        "the right panel is {} px wide",
        insets[1]
    );
    let regions_in = |x0: u32, x1: u32, y0: u32| {
        (y0..h)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .filter(|(x, y)| region_class(pixels[(y * w + x) as usize]).is_some())
            .count()
    };
    let free = regions_in(insets[0], right, 0);
    assert!(
        free > ((right - insets[0]) * h / 4) as usize,
        "only {free} region pixels between the panels ({})",
        path.display()
    );
    // The panels are opaque, so what matters is that the plane is framed between them: the
    // regions (the data's box) stop short of both panels' edges, none cut off by them.
    let at_edges = regions_in(insets[0], insets[0] + 6, 0) + regions_in(right - 6, right, 0);
    assert!(
        at_edges < 50,
        "{at_edges} region pixels run into the panels' edges ({})",
        path.display()
    );
}

/// Ctrl+Z undoes a network change (a layer added with the panel's button), and the network
/// trains on with the architecture it had.
#[test]
fn undo_takes_back_a_layer_added() {
    let _turn = one_at_a_time();
    let x = Xvfb::start();
    let untouched = explorer_after_input(&x, "undo-net-none", &[]);
    let (add_x, add_y) = ADD_LAYER_BUTTON;
    let (ax, ay) = (add_x.to_string(), add_y.to_string());
    let added = explorer_after_input(&x, "undo-net-added", &[&[&ax, &ay, "click", "1"]]);
    let sizes = |r: &serde_json::Value| r["sizes"].as_array().unwrap().len();
    assert_eq!(
        sizes(&added),
        sizes(&untouched) + 1,
        "the button adds a layer"
    );
    let undone = explorer_after_input(
        &x,
        "undo-net-undone",
        &[&[&ax, &ay, "click", "1"], &["700", "400", "key", "ctrl+z"]],
    );
    assert_eq!(undone["sizes"], untouched["sizes"], "{undone}");
}

/// Where the Network section's "+ layer" button is in the explorer as it opens (1280x800,
/// paused, sections open).
const ADD_LAYER_BUTTON: (u32, u32) = (47, 546);

/// The first left drag in the 3D view turns it, in proportion (about half a turn across).
#[test]
fn the_first_orbit_drag_turns_the_view() {
    let _turn = one_at_a_time();
    let x = Xvfb::start();
    let args: &[&str] = &["--preset", "four-neurons"];
    let r = app_after_input(&x, "orbit-drag", (args, "10"), |xdotool, window| {
        // One drag of a quarter of the view's width, in small steps as a hand moves.
        let (x0, y) = (700, 450);
        xdotool(&[
            "mousemove",
            "--window",
            window,
            &x0.to_string(),
            &y.to_string(),
        ]);
        xdotool(&["mousedown", "1"]);
        for step in 1..=20 {
            let at = (x0 + step * 12).to_string();
            xdotool(&["mousemove", "--window", window, &at, &y.to_string()]);
            std::thread::sleep(Duration::from_millis(60));
        }
        xdotool(&["mouseup", "1"]);
    });
    let yaw = r["orbit_degrees"][0].as_f64().unwrap();
    let default_yaw = spacefold::engine::setup::DEFAULT_YAW_DEG as f64;
    let turned = (yaw - default_yaw).abs();
    // 240 px of a ~950 px wide view: about 45°.
    assert!(
        (20.0..90.0).contains(&turned),
        "the first drag turned the view by {turned:.1}° ({r})"
    );
}

/// A 3D scene on a CSV beside the talk: a tanh layer lifts two moons into the cube.
const LIFT: &str = "Scene(
    title: \"A tanh layer lifts the moons\",
    dataset: \"moons.csv\",
    network: Train(arch: [2, 3, 2], activation: [Tanh], lr: 0.03, epochs: 1500, seed: 2),
    timeline: [
        Title(text: \"Three tanh neurons\", secs: 2.0),
        Cue,
        Stage(layer: 1, secs: 4.0),
        Caption(text: \"lifted into 3D and squashed into the cube\", secs: 2.5),
        Cue,
        Stage(layer: 2, secs: 3.0),
    ],
)";

/// How far a window's frame may be from the render of the same stop: the mean difference
/// per channel (0-255), and the share of pixels off by more than 96 in some channel (edges
/// smoothed a little differently stay under that). Seen: at most 0.18 and 0.02 %; the
/// frames of a scene whose points were left unplaced after a move (the bug this guards)
/// 0.7 and 0.5 %.
const SAME_FRAME: (f64, f64) = (0.5, 0.0015);

/// How far apart two same-sized PNGs are: (mean channel difference, share of far pixels).
fn frame_distance(a: &Path, b: &Path) -> (f64, f64) {
    let (wa, ha, pa) = read_png(a);
    let (wb, hb, pb) = read_png(b);
    assert_eq!((wa, ha), (wb, hb), "{} and {}", a.display(), b.display());
    let (mut sum, mut far) = (0u64, 0usize);
    for (x, y) in pa.iter().zip(&pb) {
        let d: Vec<i32> = (0..3).map(|i| (x[i] as i32 - y[i] as i32).abs()).collect();
        sum += d.iter().sum::<i32>() as u64;
        far += usize::from(d.iter().any(|&v| v > 96));
    }
    (
        sum as f64 / (pa.len() * 3) as f64,
        far as f64 / pa.len() as f64,
    )
}

/// A presenter walks a talk of three scenes (a 2D one, a 3D one on a CSV beside the talk, a
/// landscape) with real keys: clicks while a step still plays, a jump (G, 3, Enter) to the
/// landscape, back across a scene boundary, Home. At every stop the window comes to rest at
/// (`SPACEFOLD_SHOTS` saves it), the frame is the one `render --cues` makes for that stop.
#[test]
fn a_talk_walked_with_real_keys_shows_the_rendered_frame_at_every_stop() {
    let _turn = one_at_a_time();
    let x = Xvfb::start();
    let dir = fresh_dir("walk");
    let moons = dir.join("moons.csv");
    let made = common::spacefold(&["data", "moons:n=300", "--csv", moons.to_str().unwrap()]);
    assert!(made.status.success(), "{}", common::stderr(&made));
    std::fs::write(dir.join("lift.ron"), LIFT).unwrap();
    let talk = dir.join("talk.ron");
    std::fs::write(
        &talk,
        "Talk(title: \"Trust on stage\", scenes: [\"relu-fold\", \"lift.ron\", \"neuron-plane\"])",
    )
    .unwrap();
    // The frames of every stop, as a handout makes them: relu-fold 2, lift 3, neuron-plane 2.
    let reference = dir.join("ref");
    let rendered = common::spacefold(&[
        "render",
        talk.to_str().unwrap(),
        "--cues",
        "--out",
        &format!("{}/", reference.display()),
        "--size",
        "1280x720",
    ]);
    assert!(rendered.status.success(), "{}", common::stderr(&rendered));
    let first_page = [0, 2, 5];
    let shots = dir.join("shots");
    std::fs::create_dir_all(&shots).unwrap();
    let mut app = Command::new(env!("CARGO_BIN_EXE_spacefold"))
        .args(["play", talk.to_str().unwrap(), "--present", "--windowed"])
        .args(["--size", "1280x720"])
        .env("DISPLAY", &x.display)
        .env("WGPU_BACKEND", "vulkan")
        .env("SPACEFOLD_SHOTS", &shots)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("walk.log")).unwrap())
        .spawn()
        .unwrap();
    let window = x.window_of(&mut app, WINDOW_WAIT);
    x.xdotool(&["windowfocus", "--sync", &window]);
    let keys = |keys: &[&str]| {
        for key in keys {
            x.xdotool(&["mousemove", "--window", &window, "640", "360", "key", key]);
            std::thread::sleep(Duration::from_millis(300));
        }
    };
    // After each move, the stop it comes to rest at: (scene, stop).
    let moves: [(&[&str], (u64, u64)); 6] = [
        (&[], (0, 0)),
        // A click while the 11-second step plays: its stop (the end) at once.
        (&["Right", "Right"], (0, 1)),
        // On into the next scene, played from its start to its first stop.
        (&["Right"], (1, 0)),
        // A jump to the third scene.
        (&["g", "3", "Return"], (2, 0)),
        // Back from its first stop: the scene before, at its last stop.
        (&["Left"], (1, 2)),
        (&["Home"], (0, 0)),
    ];
    for (n, (press, (scene, stop))) in moves.iter().enumerate() {
        keys(press);
        let json = shots.join(format!("rest-{:03}.json", n + 1));
        let started = std::time::Instant::now();
        while !json.exists() {
            assert!(
                started.elapsed() < WINDOW_WAIT,
                "no rest after {press:?} within {} s (see {})",
                WINDOW_WAIT.as_secs(),
                shots.display()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        let rest = read_report(&json);
        assert_eq!(
            (&rest["scene"], &rest["stop"]),
            (&(*scene).into(), &(*stop).into()),
            "after {press:?}: {rest}"
        );
        let page = first_page[*scene as usize] + *stop as usize;
        let frame = reference.join(format!("frame-{page:05}.png"));
        let (mean, far) = frame_distance(&json.with_extension("png"), &frame);
        println!(
            "rest {}: {rest} mean {mean:.2} far {:.2} %",
            n + 1,
            far * 100.0
        );
        assert!(
            mean < SAME_FRAME.0 && far < SAME_FRAME.1,
            "after {press:?} the window shows {} unlike the render {} (mean {mean:.2}, far \
             {:.2} %)",
            json.with_extension("png").display(),
            frame.display(),
            far * 100.0
        );
    }
    // Presenting alone writes nothing beside the talk: the rehearsal record is the
    // speaker view's.
    assert!(!dir.join("talk.timings").exists());
    let _ = app.kill();
    let _ = app.wait();
}

/// Presenter mode on an X server with no window manager (a kiosk, a bare session on a
/// venue's PC) and a screen of another size than the window's default: the window covers
/// the screen, at its corner, and draws at that size what a render of that size draws; the
/// heading and every point are inside it.
#[test]
fn presenter_full_screen_fills_a_screen_without_a_window_manager() {
    let _turn = one_at_a_time();
    let x = Xvfb::with_screen("1024x640");
    let dir = fresh_dir("full-screen");
    let shots = dir.join("shots");
    std::fs::create_dir_all(&shots).unwrap();
    let mut app = Command::new(env!("CARGO_BIN_EXE_spacefold"))
        .args(["play", "--present", "relu-fold"])
        .env("DISPLAY", &x.display)
        .env("WGPU_BACKEND", "vulkan")
        .env("SPACEFOLD_SHOTS", &shots)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("app.log")).unwrap())
        .spawn()
        .unwrap();
    let window = x.window_of(&mut app, WINDOW_WAIT);
    let json = shots.join("rest-001.json");
    let started = std::time::Instant::now();
    while !json.exists() {
        assert!(
            started.elapsed() < WINDOW_WAIT,
            "presenter mode never came to rest"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let geometry = x.xdotool(&["getwindowgeometry", &window]);
    let geometry = String::from_utf8_lossy(&geometry.stdout).into_owned();
    let _ = app.kill();
    let _ = app.wait();
    assert!(
        geometry.contains("Position: 0,0") && geometry.contains("Geometry: 1024x640"),
        "the window does not cover the 1024x640 screen: {geometry}"
    );
    let shot = json.with_extension("png");
    let (w, h, pixels) = read_png(&shot);
    assert_eq!((w, h), (1024, 640), "drawn at the screen's size");
    // What a render of the screen's size shows at that stop.
    let reference = dir.join("ref");
    let rendered = common::spacefold(&[
        "render",
        "relu-fold",
        "--cues",
        "--out",
        &format!("{}/", reference.display()),
        "--size",
        "1024x640",
    ]);
    assert!(rendered.status.success(), "{}", common::stderr(&rendered));
    let (mean, far) = frame_distance(&shot, &reference.join("frame-00000.png"));
    assert!(
        mean < SAME_FRAME.0 && far < SAME_FRAME.1,
        "{} is not the render's frame (mean {mean:.2}, far {:.2} %)",
        shot.display(),
        far * 100.0
    );
    // Every point inside, clear of the edges; the heading's card at the top, inside too.
    let at = |i: usize| ((i % w as usize) as u32, (i / w as usize) as u32);
    let points: Vec<(u32, u32)> = (0..pixels.len())
        .filter(|&i| CLASSES[..2].iter().any(|c| near(pixels[i], *c, 10)))
        .map(at)
        .collect();
    assert!(
        points.len() > 2000,
        "the points are drawn: {}",
        points.len()
    );
    let (x0, x1) = (
        points.iter().map(|p| p.0).min().unwrap(),
        points.iter().map(|p| p.0).max().unwrap(),
    );
    let (y0, y1) = (
        points.iter().map(|p| p.1).min().unwrap(),
        points.iter().map(|p| p.1).max().unwrap(),
    );
    assert!(
        x0 > 8 && y0 > 8 && x1 < w - 8 && y1 < h - 8,
        "points reach the screen's edge: x {x0}..{x1}, y {y0}..{y1} of {w}x{h}"
    );
    let heading = (0..pixels.len())
        .map(at)
        .filter(|&(px, py)| py < h / 8 && pixels[(py * w + px) as usize].iter().all(|&v| v > 200))
        .count();
    assert!(
        heading > 200,
        "no heading text at the top: {heading} white pixels"
    );
}

/// `--speaker`: a second window with the notes at this cue and the frame the next click
/// shows; keys pressed in it drive the talk as in the audience's window; S closes it and
/// opens it again, whole.
#[test]
fn the_speaker_view_shows_the_notes_and_the_next_frame() {
    let _turn = one_at_a_time();
    let x = Xvfb::start();
    let dir = fresh_dir("speaker");
    let scene = |title: &str, data: &str, notes: &str| {
        format!(
            "Scene(title: \"{title}\", dataset: \"{data}\", view: Regions, \
             network: Train(arch: [2, 4, 2], epochs: 20), \
             timeline: [Wait(0.5), Cue(notes: \"{notes}\"), Train(from: 0, to: 20, secs: 0.5)])"
        )
    };
    std::fs::write(dir.join("one.ron"), scene("One", "xor", "Say one.")).unwrap();
    std::fs::write(dir.join("two.ron"), scene("Two", "moons", "Say two.")).unwrap();
    let talk = dir.join("talk.ron");
    std::fs::write(
        &talk,
        "Talk(title: \"Spoken\", scenes: [\"one.ron\", (scene: \"two.ron\", notes: \"Moons now.\")])",
    )
    .unwrap();
    let args: &[&str] = &[
        "play",
        talk.to_str().unwrap(),
        "--present",
        "--windowed",
        "--speaker",
    ];
    let report = app_after_input(&x, "speaker", (args, "24"), |xdotool, main| {
        // S closes the speaker view and opens it again.
        for _ in 0..2 {
            xdotool(&["mousemove", "--window", main, "300", "300", "key", "s"]);
            std::thread::sleep(Duration::from_millis(1500));
        }
        let speaker = x.window_named("speaker view$", WINDOW_WAIT);
        xdotool(&["windowfocus", "--sync", &speaker]);
        // In the speaker's window: on to the end of scene one, then scene two's first cue.
        for _ in 0..2 {
            xdotool(&[
                "mousemove",
                "--window",
                &speaker,
                "300",
                "300",
                "key",
                "Right",
            ]);
            std::thread::sleep(Duration::from_millis(1500));
        }
    });
    assert_eq!(
        report["talk_scene"], 1,
        "keys in the speaker window: {report}"
    );
    let speaker = &report["speaker"];
    assert_eq!(speaker["notes"], "Moons now.\n\nSay two.", "{report}");
    assert_eq!(
        speaker["place"],
        serde_json::json!([2, 2, 1, 1]),
        "{report}"
    );
    assert_eq!(speaker["preview_shown"], true, "{report}");
    // The rehearsal record beside the talk, saved as the presenter moved on: time at each
    // stop reached (the first scene's cue and end, the second scene's cue).
    let record = spacefold::engine::scene::timings::Timings::load(&dir.join("talk.timings"))
        .expect("the rehearsal record is saved beside the talk");
    assert!(record.fits(&[2, 2]), "{record:?}");
    assert!(
        record.at(0, 0) > 0.3 && record.at(0, 1) > 0.3 && record.at(1, 0) > 0.0,
        "{record:?}"
    );
    // Its screenshot: the preview (the scene's frame) on the right, the notes on the left.
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots/speaker-speaker.png");
    let (w, h, pixels) = read_png(&shot);
    let colours = |x0: u32, x1: u32| {
        let mut seen = std::collections::HashSet::new();
        for (i, p) in pixels.iter().enumerate() {
            let (x, y) = (i as u32 % w, i as u32 / w);
            if (x0..x1).contains(&x) && y > h / 10 && y < h / 2 {
                seen.insert(*p);
            }
        }
        seen.len()
    };
    let (notes, preview) = (colours(0, w / 2), colours(w / 2, w));
    assert!(
        preview > 200 && preview > 3 * notes,
        "preview {preview} colours, notes {notes}: {}",
        shot.display()
    );
}

/// A CSV with a quoted header and string labels: the explorer names its classes as the file
/// does, in the legend beside the plane (each class's swatch drawn there).
#[test]
fn a_csv_with_string_labels_shows_its_class_names() {
    let _turn = one_at_a_time();
    let x = Xvfb::start();
    let dir = fresh_dir("named");
    let mut csv = String::from("\"petal length\",\"petal width\",\"species\"\n");
    for i in 0..90 {
        let (name, cx) = [("setosa", -2.0), ("versicolor", 0.0), ("virginica", 2.0)][i % 3];
        let jitter = (i as f32 * 0.37).sin() * 0.4;
        csv += &format!(
            "{},{},\"{name}\"\n",
            cx + jitter,
            (i % 7) as f32 * 0.2 - 0.6
        );
    }
    let file = dir.join("flowers.csv");
    std::fs::write(&file, csv).unwrap();
    let (path, report) = shot_and_report(
        &x,
        "named-classes",
        &["--data", file.to_str().unwrap(), "--screenshot-after", "3"],
    );
    assert_eq!(
        report["class_names"],
        serde_json::json!(["setosa", "versicolor", "virginica"]),
        "{report}"
    );
    // The axes and the diagram's inputs are the columns, its outputs the classes.
    assert_eq!(
        report["axis_titles"],
        serde_json::json!(["petal length", "petal width"]),
        "{report}"
    );
    assert_eq!(
        report["diagram_names"],
        serde_json::json!([
            ["petal length", "petal width"],
            ["setosa", "versicolor", "virginica"]
        ]),
        "{report}"
    );
    // The legend at the top of the right panel: a swatch of each class's colour.
    let (w, _, pixels) = read_png(&path);
    let right = w - report["insets"][1].as_f64().unwrap() as u32;
    for (k, colour) in CLASSES.iter().enumerate() {
        let swatch = (0..100u32)
            .flat_map(|y| (right..w).map(move |x| (x, y)))
            .filter(|(x, y)| near(pixels[(y * w + x) as usize], *colour, 10))
            .count();
        assert!(
            swatch > 20,
            "class {k}: no swatch in the legend ({})",
            path.display()
        );
    }
}

/// `spacefold pack`: one executable with the talk, its scene and the CSV the scene reads.
/// With all three deleted, run from another folder, it plays the talk: its points drawn.
/// Without arguments it opens the talk in presenter mode.
#[test]
fn a_packed_talk_plays_with_its_files_gone() {
    let _turn = one_at_a_time();
    let x = Xvfb::start();
    let dir = fresh_dir("packed");
    std::fs::create_dir_all(dir.join("elsewhere")).unwrap();
    let mut csv = String::from("x1,x2,label\n");
    for i in 0..60 {
        let (a, b) = ((i % 7) as f32 / 3.0 - 1.0, (i % 5) as f32 / 2.0 - 1.0);
        csv += &format!("{a},{b},{}\n", u8::from(a + b > 0.0));
    }
    std::fs::write(dir.join("points.csv"), csv).unwrap();
    std::fs::write(
        dir.join("scene.ron"),
        "Scene(title: \"From the pack\", dataset: \"points.csv\", view: Regions, \
         network: Train(arch: [2, 3, 2], epochs: 20), timeline: [Wait(0.5), Cue])",
    )
    .unwrap();
    let talk = dir.join("talk.ron");
    std::fs::write(
        &talk,
        "Talk(title: \"Packed talk\", scenes: [(scene: \"scene.ron\", notes: \"Say it.\")])",
    )
    .unwrap();
    let packed = dir.join("talk.bin");
    let out = Command::new(env!("CARGO_BIN_EXE_spacefold"))
        .args([
            "pack",
            talk.to_str().unwrap(),
            "--out",
            packed.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in ["points.csv", "scene.ron", "talk.ron"] {
        std::fs::remove_file(dir.join(f)).unwrap();
    }
    let shot = dir.join("packed.png");
    let report = dir.join("packed.json");
    let out = Command::new(&packed)
        .args(["play", "--present", "--windowed", "--size", "1280x800"])
        .args([
            "--screenshot",
            shot.to_str().unwrap(),
            "--screenshot-after",
            "3",
        ])
        .current_dir(dir.join("elsewhere"))
        .env("DISPLAY", &x.display)
        .env("WGPU_BACKEND", "vulkan")
        .env("SPACEFOLD_REPORT", &report)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = read_report(&report);
    assert_eq!(report["scene"], "From the pack", "{report}");
    assert_eq!(
        report["train_points"], 60,
        "the packed CSV's points: {report}"
    );
    assert_classes_drawn(&shot, 50);
    // No arguments (a double-click): the talk in presenter mode, its window titled by it.
    let mut app = Command::new(&packed)
        .current_dir(dir.join("elsewhere"))
        .env("DISPLAY", &x.display)
        .env("WGPU_BACKEND", "vulkan")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let window = x.window_of(&mut app, WINDOW_WAIT);
    let title = x.xdotool(&["getwindowname", &window]);
    let _ = app.kill();
    let _ = app.wait();
    assert_eq!(
        String::from_utf8_lossy(&title.stdout).trim(),
        "Packed talk - spacefold",
        "the packed talk's window, titled by it"
    );
}

/// Drops `path` on the window `target` as a file manager does: the XDND protocol, spoken
/// from a window of our own (enter, position, the selection handed over as a URI list,
/// drop). Panics if the window does not take it.
fn drop_file(display: &str, target: u32, path: &Path) {
    use x11rb::connection::Connection;
    use x11rb::protocol::Event;
    use x11rb::protocol::xproto::*;
    use x11rb::wrapper::ConnectionExt as _;
    let (conn, screen) = x11rb::connect(Some(display)).expect("the X server answers");
    let root = conn.setup().roots[screen].root;
    let source = conn.generate_id().unwrap();
    conn.create_window(
        0,
        source,
        root,
        0,
        0,
        1,
        1,
        0,
        WindowClass::INPUT_OUTPUT,
        0,
        &Default::default(),
    )
    .unwrap();
    let atom = |name: &str| {
        conn.intern_atom(false, name.as_bytes())
            .unwrap()
            .reply()
            .unwrap()
            .atom
    };
    let [
        enter,
        position,
        status,
        drop,
        finished,
        selection,
        copy,
        uri_list,
    ] = [
        "XdndEnter",
        "XdndPosition",
        "XdndStatus",
        "XdndDrop",
        "XdndFinished",
        "XdndSelection",
        "XdndActionCopy",
        "text/uri-list",
    ]
    .map(atom);
    conn.set_selection_owner(source, selection, x11rb::CURRENT_TIME)
        .unwrap();
    let send = |kind: u32, data: [u32; 5]| {
        let message = ClientMessageEvent::new(32, target, kind, data);
        conn.send_event(false, target, EventMask::NO_EVENT, message)
            .unwrap();
        conn.flush().unwrap();
    };
    send(enter, [source, 5 << 24, uri_list, 0, 0]);
    send(position, [source, 0, (200 << 16) | 200, 0, copy]);
    // Percent-encoded, as file managers send it.
    let uri = format!(
        "file://{}\r\n",
        path.display().to_string().replace(' ', "%20")
    );
    let (mut handed, mut accepted, mut done) = (false, false, false);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !done && std::time::Instant::now() < deadline {
        match conn.poll_for_event().unwrap() {
            Some(Event::SelectionRequest(request)) => {
                conn.change_property8(
                    PropMode::REPLACE,
                    request.requestor,
                    request.property,
                    request.target,
                    uri.as_bytes(),
                )
                .unwrap();
                let notify = SelectionNotifyEvent {
                    response_type: SELECTION_NOTIFY_EVENT,
                    sequence: 0,
                    time: request.time,
                    requestor: request.requestor,
                    selection: request.selection,
                    target: request.target,
                    property: request.property,
                };
                conn.send_event(false, request.requestor, EventMask::NO_EVENT, notify)
                    .unwrap();
                conn.flush().unwrap();
                handed = true;
            }
            Some(Event::ClientMessage(m)) if m.type_ == status => {
                accepted = m.data.as_data32()[1] & 1 == 1;
            }
            Some(Event::ClientMessage(m)) if m.type_ == finished => done = true,
            Some(_) => {}
            None => std::thread::sleep(Duration::from_millis(50)),
        }
        if handed && accepted {
            // The window has read the list: let it go.
            std::thread::sleep(Duration::from_millis(300));
            send(drop, [source, 0, 0, 0, 0]);
            (handed, accepted) = (false, false);
        }
    }
    assert!(done, "the window finished the drop of {}", path.display());
}

/// A CSV dropped on the explorer's window becomes its data (its points and class names), a
/// PyTorch network dropped after it the model; a scene dropped on the window plays.
#[test]
fn dropping_a_csv_on_the_window_loads_it() {
    let _turn = one_at_a_time();
    let x = Xvfb::start();
    let dir = fresh_dir("dropped");
    let mut csv = String::from("a;b;kind\n");
    for i in 0..75 {
        let name = ["north", "south", "east"][i % 3];
        csv += &format!(
            "{};{};{name}\n",
            (i % 3) as f32 + (i as f32 * 0.1).sin(),
            i % 5
        );
    }
    let file = dir.join("dropped points.csv");
    std::fs::write(&file, csv).unwrap();
    let display = x.display.clone();
    let torch = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/models/torch.safetensors");
    let report = app_after_input(&x, "dropped", (&["--paused"], "12"), |_, window| {
        drop_file(&display, window.parse().unwrap(), &file);
        std::thread::sleep(Duration::from_secs(1));
        drop_file(&display, window.parse().unwrap(), &torch);
    });
    assert_eq!(
        report["sizes"],
        serde_json::json!([2, 6, 6, 3]),
        "the dropped network: {report}"
    );
    assert_eq!(
        report["class_names"],
        serde_json::json!(["north", "south", "east"]),
        "{report}"
    );
    let points = report["train_points"].as_u64().unwrap() + report["test_points"].as_u64().unwrap();
    assert_eq!(points, 75, "{report}");
    assert!(
        report["message"]
            .as_str()
            .unwrap()
            .contains("torch.safetensors"),
        "{report}"
    );
    let scene = dir.join("dropped.ron");
    std::fs::write(
        &scene,
        "Scene(title: \"Dropped in\", dataset: \"moons\", view: Regions, \
         network: Train(arch: [2, 4, 2], epochs: 10), timeline: [Wait(1.0)])",
    )
    .unwrap();
    let played = app_after_input(&x, "dropped-scene", (&["--paused"], "10"), |_, window| {
        drop_file(&display, window.parse().unwrap(), &scene);
    });
    assert_eq!(played["scene"], "Dropped in", "{played}");
}

/// Ctrl+O opens the desktop's file dialog (here a stand-in `zenity` that answers with a
/// CSV): the file becomes the data, and it is remembered in the recent files, which the
/// next run shows.
#[test]
fn ctrl_o_opens_a_file_from_the_dialog_and_remembers_it() {
    let _turn = one_at_a_time();
    let x = Xvfb::start();
    let dir = fresh_dir("dialog");
    std::fs::create_dir_all(dir.join("bin")).unwrap();
    let mut csv = String::from("x,y,side\n");
    for i in 0..50 {
        let side = ["left", "right"][i % 2];
        csv += &format!(
            "{},{},{side}\n",
            (i % 2) as f32 * 2.0 - 1.0,
            (i % 9) as f32 / 4.0
        );
    }
    let file = dir.join("chosen.csv");
    std::fs::write(&file, csv).unwrap();
    let zenity = dir.join("bin/zenity");
    std::fs::write(&zenity, format!("#!/bin/sh\necho '{}'\n", file.display())).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&zenity, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::join_paths(
        std::iter::once(dir.join("bin"))
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let config = dir.join("config");
    let env: &[(&str, &std::ffi::OsStr)] = &[
        ("PATH", path.as_os_str()),
        ("SPACEFOLD_CONFIG_DIR", config.as_os_str()),
    ];
    let report = app_after_input_with(
        &x,
        "dialog",
        (&["--paused"], "8"),
        env,
        |xdotool, window| {
            xdotool(&[
                "mousemove",
                "--window",
                window,
                "800",
                "400",
                "key",
                "ctrl+o",
            ]);
        },
    );
    assert_eq!(
        report["class_names"],
        serde_json::json!(["left", "right"]),
        "{report}"
    );
    let recent =
        std::fs::read_to_string(config.join("recent.ron")).expect("the recent files are kept");
    assert!(recent.contains("chosen.csv"), "{recent}");
}
