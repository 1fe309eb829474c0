//! A talk as one web page (`render TALK --html`): every step between two stops a clip, every
//! stop a still, and a script that presents them with presenter mode's semantics. The page
//! needs nothing but itself: clips and stills are inside it as `data:` URIs (or, for a
//! hosted folder, beside it), its script and styles inline, and it asks the network for
//! nothing.

/// One stop of a scene, as the page shows it.
#[derive(Clone, Debug)]
pub struct WebStop {
    /// The clip that plays from the stop before (or the scene's start) to this one; `None`
    /// where the two are at the same time (a cue at the scene's start).
    pub clip: Option<String>,
    /// The still of the stop: the frame `render --cues` makes there.
    pub still: String,
    /// The speaker's notes at this stop.
    pub notes: String,
}

/// One scene of the talk.
#[derive(Clone, Debug)]
pub struct WebScene {
    /// Its title.
    pub title: String,
    /// Its stops in order: its cues, then its end.
    pub stops: Vec<WebStop>,
}

/// A media source as the page's script reads it: a `data:` URI of `bytes` (one file), or
/// the name of a file beside the page (a hosted folder).
pub fn data_uri(mime: &str, bytes: &[u8]) -> String {
    format!("data:{mime};base64,{}", base64(bytes))
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * k)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `text` as a JSON string (for the page's script).
fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // `</script>` must not end the script early.
            '<' => out.push_str("\\u003c"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` for HTML.
fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The talk as JSON for the page's script.
fn talk_json(title: &str, scenes: &[WebScene]) -> String {
    let scenes: Vec<String> = scenes
        .iter()
        .map(|s| {
            let stops: Vec<String> = s
                .stops
                .iter()
                .map(|p| {
                    format!(
                        "{{\"clip\":{},\"still\":{},\"notes\":{}}}",
                        p.clip.as_deref().map_or("null".into(), json_string),
                        json_string(&p.still),
                        json_string(&p.notes)
                    )
                })
                .collect();
            format!(
                "{{\"title\":{},\"stops\":[{}]}}",
                json_string(&s.title),
                stops.join(",")
            )
        })
        .collect();
    format!(
        "{{\"title\":{},\"scenes\":[{}]}}",
        json_string(title),
        scenes.join(",")
    )
}

/// The page: `title`, its `scenes`, frames `size` (the shape the page letterboxes to).
pub fn page(title: &str, scenes: &[WebScene], size: (u32, u32)) -> String {
    PAGE.replace("{{TITLE}}", &html_escape(title))
        .replace("{{RATIO}}", &format!("{} / {}", size.0, size.1))
        .replace("{{W}}", &size.0.to_string())
        .replace("{{H}}", &size.1.to_string())
        .replace("{{TALK}}", &talk_json(title, scenes))
}

/// The page's template: styles, the stage, the help, and the script.
const PAGE: &str = include_str!("web.html");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_the_standard_one() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }

    /// The page holds everything and fetches nothing: no address it would load from the
    /// network, its clips and stills inside it, text that cannot break out of its script.
    #[test]
    fn the_page_is_self_contained_and_escapes_its_text() {
        let still = data_uri("image/jpeg", b"jpeg bytes");
        let scenes = vec![WebScene {
            title: "Fold </script><b>".into(),
            stops: vec![WebStop {
                clip: Some(data_uri("video/mp4", b"mp4 bytes")),
                still: still.clone(),
                notes: "Say \"hi\"\nthen go on".into(),
            }],
        }];
        let page = page("A <talk>", &scenes, (1280, 720));
        assert!(page.contains("<title>A &lt;talk&gt;</title>"));
        assert!(page.contains(&still));
        assert!(
            page.contains("\\u003c/script>\\u003cb>"),
            "a title cannot end the script"
        );
        assert!(page.contains("Say \\\"hi\\\"\\nthen go on"));
        assert_eq!(
            page.matches("</script>").count(),
            1,
            "one script, ended once"
        );
        for remote in ["http://", "https://", "//cdn", "src=\"//"] {
            assert!(!page.contains(remote), "the page loads {remote}");
        }
        assert!(page.contains("1280 / 720"));
    }
}
