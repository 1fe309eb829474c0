//! What the integration tests share: the program, fresh folders, PNGs, and for the window
//! tests an X server of their own and the app's window found on it.
#![allow(
    dead_code,
    reason = "each test crate uses its own share of the helpers"
)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The program under test.
pub const SPACEFOLD: &str = env!("CARGO_BIN_EXE_spacefold");

/// Runs `spacefold args` to the end.
pub fn spacefold(args: &[&str]) -> Output {
    Command::new(SPACEFOLD)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// What a run said on standard error.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A new, empty folder of the test's own in the system's temporary folder (unique however
/// many tests run at once); the test removes it when done, or leaves it to look at.
pub fn temp_dir(name: &str) -> PathBuf {
    tempfile::Builder::new()
        .prefix(&format!("spacefold-{name}-"))
        .tempdir()
        .expect("a temporary folder")
        .keep()
}

/// Decoded RGB pixels and the image size.
pub fn read_png(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let file = BufReader::new(std::fs::File::open(path).unwrap());
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

/// Whether two colours are within `tolerance` in every channel.
pub fn near(a: [u8; 3], b: [u8; 3], tolerance: i32) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| (*x as i32 - y as i32).abs() <= tolerance)
}

/// An X server for the test's lifetime, at a display number it picked itself (`-displayfd`:
/// no two tests, or a test and another X server, can race for one).
pub struct Xvfb {
    child: Child,
    /// `:N`.
    pub display: String,
}

impl Xvfb {
    /// A 1600x1000 screen.
    pub fn start() -> Xvfb {
        Xvfb::with_screen("1600x1000")
    }

    /// A screen of `size` (`WIDTHxHEIGHT`).
    pub fn with_screen(size: &str) -> Xvfb {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                &format!("{size}x24"),
                "-nolisten",
                "tcp",
                // An X server resets when its last client leaves, and refuses connections
                // meanwhile: the next app of the same test then cannot open its display.
                "-noreset",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "Xvfb runs (apt-get install xvfb mesa-vulkan-drivers libvulkan1, as .ci/run does)",
            );
        // Xvfb writes the number once it listens.
        let mut line = String::new();
        let out = child.stdout.take().expect("piped");
        BufReader::new(out)
            .read_line(&mut line)
            .expect("Xvfb says its display");
        let n: u32 = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("Xvfb said `{line}` rather than its display number"));
        Xvfb {
            child,
            display: format!(":{n}"),
        }
    }

    /// Runs `xdotool args` on this display.
    pub fn xdotool(&self, args: &[&str]) -> Output {
        Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .output()
            .expect("xdotool runs (apt-get install xdotool, as .ci/run does)")
    }

    /// The window of the app `app` (or, failing that, one titled `... - spacefold`), once it
    /// is there; panics after `wait`, saying what it waited for, or as soon as the app has
    /// exited. A loaded machine can take many seconds to show a window: it is looked for
    /// again until the deadline.
    pub fn window_of(&self, app: &mut Child, wait: Duration) -> String {
        let pid = app.id().to_string();
        let mut gone = || app.try_wait().ok().flatten();
        self.find(
            &[&["--pid", pid.as_str()], &["--name", "spacefold$"]],
            wait,
            &format!("a window of process {pid} (or titled `spacefold`)"),
            &mut gone,
        )
    }

    /// The window whose title matches `pattern`, once it is there (see [`Xvfb::window_of`]).
    pub fn window_named(&self, pattern: &str, wait: Duration) -> String {
        let what = format!("a window titled `{pattern}`");
        self.find(&[&["--name", pattern]], wait, &what, &mut || None)
    }

    fn find(
        &self,
        searches: &[&[&str]],
        wait: Duration,
        what: &str,
        exited: &mut dyn FnMut() -> Option<std::process::ExitStatus>,
    ) -> String {
        let started = Instant::now();
        loop {
            if let Some(status) = exited() {
                panic!(
                    "the app exited ({status}) before {what} appeared on {}",
                    self.display
                );
            }
            for search in searches {
                let mut args = vec!["search", "--onlyvisible"];
                args.extend_from_slice(search);
                let found = self.xdotool(&args);
                if let Some(id) = String::from_utf8_lossy(&found.stdout).lines().next() {
                    return id.to_string();
                }
            }
            assert!(
                started.elapsed() < wait,
                "no {what} appeared on {} within {} s",
                self.display,
                wait.as_secs()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
