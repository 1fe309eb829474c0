//! The real app in a real window: started under Xvfb (software Vulkan), screenshotted, and
//! judged by its pixels. One test at a time: lavapipe on two cores is slow enough alone.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// An X server for the test's lifetime.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    fn start() -> Xvfb {
        let display = format!(":{}", 80 + std::process::id() % 15);
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

#[test]
fn the_window_draws_every_class_of_points() {
    let x = Xvfb::start();
    let path = screenshot(&x, "points-spiral", &["--data", "spiral:arms=3,n=600"]);
    let (w, h, pixels) = read_png(&path);
    assert_eq!((w, h), (1280, 800));
    // The first three class colours of the palette, as drawn (unlit, sRGB).
    let classes = [[31, 119, 180], [255, 127, 14], [44, 160, 44]];
    for (k, colour) in classes.iter().enumerate() {
        let count = pixels.iter().filter(|p| near(**p, *colour, 12)).count();
        assert!(
            count > 500,
            "class {k}: only {count} pixels of its colour in {}",
            path.display()
        );
    }
    // Most of the window is the dark background, not a blank or garbled frame.
    let background = pixels
        .iter()
        .filter(|p| near(**p, [20, 23, 28], 12))
        .count();
    assert!(
        background > pixels.len() / 2,
        "background pixels: {background} of {}",
        pixels.len()
    );
}
