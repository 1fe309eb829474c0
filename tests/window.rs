//! The real app in a real window: started under Xvfb (software Vulkan), screenshotted, and
//! judged by its pixels. One test at a time: lavapipe on two cores is slow enough alone.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// Window tests take turns: lavapipe on two cores is slow enough with one app at a time.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

/// An X server for the test's lifetime.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    fn start() -> Xvfb {
        // A display no other X server holds.
        let first = 80 + std::process::id() % 15;
        let n = (first..first + 40)
            .find(|n| !Path::new(&format!("/tmp/.X{n}-lock")).exists())
            .unwrap_or(first);
        let display = format!(":{n}");
        let child = Command::new("Xvfb")
            .args([
                display.as_str(),
                "-screen",
                "0",
                "1600x1000x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "Xvfb runs (apt-get install xvfb mesa-vulkan-drivers libvulkan1, as .ci/run does)",
            );
        std::thread::sleep(Duration::from_millis(800));
        Xvfb { child, display }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Decoded RGB pixels and the image size.
fn read_png(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let mut reader = png::Decoder::new(file).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels = buf[..info.buffer_size()]
        .chunks_exact(channels)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    (info.width, info.height, pixels)
}

fn near(a: [u8; 3], b: [u8; 3], tolerance: i32) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| (*x as i32 - y as i32).abs() <= tolerance)
}

/// Runs the app with `args` and returns the screenshot it saved.
fn screenshot(x: &Xvfb, name: &str, args: &[&str]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.png"));
    let _ = std::fs::remove_file(&path);
    let out = Command::new(env!("CARGO_BIN_EXE_spacefold"))
        .args(args)
        .args(["--screenshot", path.to_str().unwrap(), "--size", "1280x800"])
        .env("DISPLAY", &x.display)
        .env("WGPU_BACKEND", "vulkan")
        .output()
        .unwrap();
    assert!(
        out.status.success() && path.exists(),
        "the app failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("screenshot: {}", path.display());
    path
}

/// The window's background and the palette's first class colours (sRGB), as the app draws
/// them (unlit, no tone mapping).
const BACKGROUND: [u8; 3] = [20, 23, 28];
const CLASSES: [[u8; 3]; 3] = [[31, 119, 180], [255, 127, 14], [44, 160, 44]];

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
