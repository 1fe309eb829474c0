//! `render TALK --html`: the talk as a web page, presented in a real headless browser
//! (Debian's chromium, driven through chromedriver's WebDriver protocol) with real keys.
//! Without chromium and chromium-driver installed the test says so and passes, unless
//! SPACEFOLD_REQUIRE_BROWSER is set (as `.ci/run` sets it, having installed them).

mod common;

use common::{spacefold, stderr, temp_dir};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A tiny WebDriver client: JSON over HTTP/1.1 to chromedriver on `port`.
struct Driver {
    port: u16,
    session: String,
    process: Child,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.call("DELETE", &format!("/session/{}", self.session), None);
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn http(port: u16, method: &str, path: &str, body: Option<&str>) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    // The headers, then as many bytes as they say (the server may keep the connection).
    let mut bytes = vec![];
    let mut byte = [0u8; 1];
    while !bytes.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            break;
        }
        bytes.push(byte[0]);
    }
    let headers = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
    let length = headers
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body)?;
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// The first program of `names` on the PATH (or at that absolute path).
fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|n| {
        let p = Path::new(n);
        if p.is_absolute() {
            return p.exists().then(|| p.to_path_buf());
        }
        std::env::split_paths(&path)
            .map(|d| d.join(n))
            .find(|c| c.exists())
    })
}

impl Driver {
    /// chromedriver and a headless chromium with no network (every request would go to a
    /// proxy that is not there), its viewport `w`x`h`.
    fn start(w: u32, h: u32) -> Option<Driver> {
        let driver = find(&["chromedriver", "/usr/bin/chromedriver"])?;
        let browser = find(&["chromium", "/usr/bin/chromium"])?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        // Its output goes nowhere (a pipe no one reads would stop it once full or closed).
        let process = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let capabilities = format!(
            r#"{{"capabilities":{{"alwaysMatch":{{"browserName":"chrome","goog:chromeOptions":{{"binary":"{}","args":["--headless=new","--no-sandbox","--disable-gpu","--hide-scrollbars","--window-size={},{}","--autoplay-policy=no-user-gesture-required","--proxy-server=127.0.0.1:9","--proxy-bypass-list=<-loopback>"]}}}}}}}}"#,
            browser.display(),
            w.max(640),
            h.max(480)
        );
        let start = Instant::now();
        let reply = loop {
            match http(port, "POST", "/session", Some(&capabilities)) {
                Ok(r) if r.contains("sessionId") => break r,
                _ if start.elapsed() > Duration::from_secs(30) => panic!("no browser session"),
                _ => std::thread::sleep(Duration::from_millis(200)),
            }
        };
        let value: serde_json::Value = serde_json::from_str(&reply).unwrap();
        let session = value["value"]["sessionId"].as_str().unwrap().to_string();
        let driver = Driver {
            port,
            session,
            process,
        };
        // The viewport exactly the frame's size (a window's size includes its bars).
        let metrics = serde_json::json!({
            "cmd": "Emulation.setDeviceMetricsOverride",
            "params": {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": false}
        })
        .to_string();
        driver.call("POST", &driver.at("/goog/cdp/execute"), Some(&metrics));
        Some(driver)
    }

    fn call(&self, method: &str, path: &str, body: Option<&str>) -> serde_json::Value {
        let reply = http(self.port, method, path, body).expect("chromedriver answers");
        serde_json::from_str(&reply).unwrap_or(serde_json::Value::Null)
    }

    fn at(&self, path: &str) -> String {
        format!("/session/{}{path}", self.session)
    }

    fn open(&self, url: &str) {
        let body = serde_json::json!({ "url": url }).to_string();
        self.call("POST", &self.at("/url"), Some(&body));
    }

    fn script(&self, code: &str) -> serde_json::Value {
        let body = serde_json::json!({ "script": code, "args": [] }).to_string();
        self.call("POST", &self.at("/execute/sync"), Some(&body))["value"].clone()
    }

    /// Presses and releases `keys` (WebDriver key codes), one after the other.
    fn keys(&self, keys: &[&str]) {
        let actions: Vec<serde_json::Value> = keys
            .iter()
            .flat_map(|k| {
                [
                    serde_json::json!({"type": "keyDown", "value": k}),
                    serde_json::json!({"type": "keyUp", "value": k}),
                ]
            })
            .collect();
        let body = serde_json::json!({
            "actions": [{"type": "key", "id": "keyboard", "actions": actions}]
        })
        .to_string();
        self.call("POST", &self.at("/actions"), Some(&body));
    }

    /// The page's position (scene, stop, playing).
    fn position(&self) -> (u64, u64, bool) {
        let p = self.script("return window.spacefoldPosition;");
        (
            p["scene"].as_u64().unwrap_or(999),
            p["stop"].as_u64().unwrap_or(999),
            p["playing"].as_bool().unwrap_or(true),
        )
    }

    /// Waits until no step plays; the position then.
    fn settled(&self) -> (u64, u64) {
        let start = Instant::now();
        loop {
            let (scene, stop, playing) = self.position();
            if !playing {
                // The still drawn: a moment for the image to decode and show.
                std::thread::sleep(Duration::from_millis(300));
                return (scene, stop);
            }
            assert!(start.elapsed() < Duration::from_secs(60), "a step plays on");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The viewport as RGB pixels.
    fn screenshot(&self, into: &Path) -> (u32, u32, Vec<[u8; 3]>) {
        let value = self.call("GET", &self.at("/screenshot"), None);
        let b64 = value["value"].as_str().expect("a screenshot");
        std::fs::write(into, decode_base64(b64)).unwrap();
        common::read_png(into)
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = text
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = vec![];
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= u32::from(value(*c)) << (18 - 6 * i);
        }
        for i in 0..chunk.len().saturating_sub(1) {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

/// How far a screenshot is from a frame: the share of pixels off by more than 40 in a
/// channel (the page's stills are JPEGs).
fn distance(a: &[[u8; 3]], b: &[[u8; 3]]) -> f64 {
    let off = a
        .iter()
        .zip(b)
        .filter(|(x, y)| (0..3).any(|c| (x[c] as i32 - y[c] as i32).abs() > 40))
        .count();
    off as f64 / a.len().max(1) as f64
}

/// Issue 29: a talk of three scenes (a 3D one, one on a CSV beside the talk) as one page;
/// opened in a browser with no network, each key lands where presenter mode would, and the
/// picture at each stop is the frame `render --cues` makes there.
#[test]
fn a_talk_as_a_web_page_presents_stop_by_stop_offline() {
    let required = std::env::var_os("SPACEFOLD_REQUIRE_BROWSER").is_some();
    let (w, h) = (320u32, 180u32);
    let Some(driver) = Driver::start(w, h) else {
        assert!(
            !required,
            "chromium and chromium-driver are needed (apt install them)"
        );
        eprintln!("skipped: no chromium and chromedriver on the PATH");
        return;
    };
    let dir = temp_dir("web");
    let mut csv = String::from("x1,x2,label\n");
    for i in 0..80 {
        let (a, b) = ((i % 9) as f32 / 4.0 - 1.0, (i % 7) as f32 / 3.0 - 1.0);
        csv += &format!("{a},{b},{}\n", u8::from(a * b > 0.0));
    }
    std::fs::write(dir.join("quadrants.csv"), csv).unwrap();
    std::fs::write(
        dir.join("quadrants.ron"),
        "Scene(title: \"Quadrants\", dataset: \"quadrants.csv\", view: Regions, \
         network: Train(arch: [2, 6, 1], epochs: 30), \
         timeline: [Wait(0.4), Cue(notes: \"The regions.\"), Wait(0.4)])",
    )
    .unwrap();
    std::fs::write(
        dir.join("talk.ron"),
        "Talk(title: \"Web\", scenes: [\"layer-anatomy\", \"rings-cube\", \"quadrants.ron\"])",
    )
    .unwrap();
    let talk = dir.join("talk.ron");
    let page = dir.join("talk.html");
    let size = format!("{w}x{h}");
    let out = spacefold(&[
        "render",
        talk.to_str().unwrap(),
        "--html",
        "--size",
        &size,
        "--fps",
        "10",
        "--out",
        page.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let cues = dir.join("cues");
    let out = spacefold(&[
        "render",
        talk.to_str().unwrap(),
        "--cues",
        "--size",
        &size,
        "--out",
        &format!("{}/", cues.display()),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut frames: Vec<PathBuf> = std::fs::read_dir(&cues)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    frames.sort();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "a remote address"
    );

    // The stops of the talk in order, as (scene, stop).
    let stops: Vec<(u64, u64)> = {
        let talk: serde_json::Value = serde_json::from_str(
            html.split("const talk = ")
                .nth(1)
                .and_then(|r| r.split(";\nconst still").next())
                .unwrap(),
        )
        .unwrap();
        let mut all = vec![];
        for (s, scene) in talk["scenes"].as_array().unwrap().iter().enumerate() {
            for k in 0..scene["stops"].as_array().unwrap().len() {
                all.push((s as u64, k as u64));
            }
        }
        all
    };
    assert_eq!(
        stops.len(),
        frames.len(),
        "a still for every page of --cues"
    );
    let index = |p: (u64, u64)| stops.iter().position(|s| *s == p).unwrap();
    let url = format!("file://{}", page.display());
    driver.open(&url);
    let check = |what: &str, expected: (u64, u64)| {
        let at = driver.settled();
        assert_eq!(at, expected, "{what}: the page is at {at:?}");
        let shot = dir.join(format!("shot-{}-{}.png", at.0, at.1));
        let (sw, sh, pixels) = driver.screenshot(&shot);
        let (fw, fh, frame) = common::read_png(&frames[index(at)]);
        assert_eq!(
            (sw, sh),
            (fw, fh),
            "{what}: the viewport is the frame's size"
        );
        let d = distance(&pixels, &frame);
        assert!(
            d < 0.02,
            "{what}: {:.1} % of the pixels differ from {} ({})",
            d * 100.0,
            frames[index(at)].display(),
            shot.display()
        );
    };
    const RIGHT: &str = "\u{E014}";
    const LEFT: &str = "\u{E012}";
    const HOME: &str = "\u{E011}";
    const ENTER: &str = "\u{E007}";
    // Opened: the first scene plays to its first stop.
    check("opened", stops[0]);
    driver.keys(&[RIGHT]);
    check("forward", stops[1]);
    // The steps were played as clips (the browser decodes them), not skipped to their stills.
    let played = driver.script("return window.spacefoldClipsPlayed;");
    assert!(played.as_u64().unwrap_or(0) >= 2, "clips played: {played}");
    // Forward, then forward again at once: the second click completes the step.
    driver.keys(&[RIGHT, RIGHT]);
    let (scene, stop, playing) = driver.position();
    assert!(
        !playing && (scene, stop) == stops[2],
        "the click during the step completes it at once: ({scene}, {stop}, playing {playing})"
    );
    check("forward while a step plays", stops[2]);
    driver.keys(&[LEFT]);
    check("back", stops[1]);
    // A jump to the third scene plays it to its first stop.
    driver.keys(&["3", ENTER]);
    check("jump to scene 3", (2, 0));
    // S opens the speaker window: the notes at this stop, and the next stop's still.
    let main = driver.call("GET", &driver.at("/window"), None)["value"].clone();
    driver.keys(&["s"]);
    std::thread::sleep(Duration::from_millis(500));
    let handles = driver.call("GET", &driver.at("/window/handles"), None)["value"].clone();
    let handles = handles.as_array().expect("window handles").clone();
    assert_eq!(handles.len(), 2, "a speaker window: {handles:?}");
    let speaker = handles.iter().find(|h| **h != main).unwrap().clone();
    let to = |handle: &serde_json::Value| {
        let body = serde_json::json!({ "handle": handle }).to_string();
        driver.call("POST", &driver.at("/window"), Some(&body));
    };
    to(&speaker);
    let notes = driver.script("return document.getElementById('notes').textContent;");
    let next = driver.script("return document.getElementById('next').src.slice(0, 22);");
    to(&main);
    assert_eq!(notes, serde_json::json!("The regions."));
    assert_eq!(next, serde_json::json!("data:image/jpeg;base64"));
    driver.keys(&[HOME]);
    check("home", (0, 0));
    // Nothing was asked of the network.
    let remote = driver.script(
        "return performance.getEntriesByType('resource')\
         .filter(e => !e.name.startsWith('data:') && !e.name.startsWith('file:')).length;",
    );
    assert_eq!(
        remote,
        serde_json::json!(0),
        "the page made network requests"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
