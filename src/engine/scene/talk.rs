//! Talks: a title and scenes in order, each a shipped scene's name or a path (relative to
//! the talk's folder), loaded and checked together.

use super::load::{load_path_or_name, parse_as};
use super::locate::{Seg, locate};
use super::{Loaded, SceneError};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A talk file: `Talk(title: "...", scenes: ["neuron-plane", "scenes/my-fold.ron"])`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Talk {
    /// Shown on the first page of a handout and in the window's title.
    pub title: String,
    /// The scenes in order: bundled names or paths, each with notes if it likes.
    pub scenes: Vec<TalkScene>,
}

/// One scene of a talk: `"neuron-plane"`, or `(scene: "neuron-plane", notes: "...")` with
/// what the speaker says while it plays (before its first cue's own notes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    untagged,
    expecting = "a scene's name or path (\"neuron-plane\"), or (scene: \"...\", notes: \"...\")"
)]
pub enum TalkScene {
    /// A bundled scene's name or a path.
    Name(String),
    /// A scene with the speaker's notes for it.
    WithNotes(SceneNotes),
}

/// A talk's scene with notes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SceneNotes {
    /// A bundled scene's name or a path.
    pub scene: String,
    /// What the speaker says over this scene.
    #[serde(default)]
    pub notes: String,
}

impl TalkScene {
    /// The scene's name or path as written.
    pub fn scene(&self) -> &str {
        match self {
            TalkScene::Name(s) | TalkScene::WithNotes(SceneNotes { scene: s, .. }) => s,
        }
    }

    /// The speaker's notes for the whole scene (empty where it has none).
    pub fn notes(&self) -> &str {
        match self {
            TalkScene::Name(_) => "",
            TalkScene::WithNotes(n) => &n.notes,
        }
    }
}

/// A talk with every scene loaded (trained, when asked).
#[derive(Clone, Debug)]
pub struct LoadedTalk {
    /// The talk as written.
    pub talk: Talk,
    /// Where each scene came from (a path, or the bundled name) and the scene itself.
    pub scenes: Vec<(PathBuf, Loaded)>,
}

/// Whether `text` is a talk rather than a scene: its first word, past comments, is `Talk`.
pub fn is_talk(text: &str) -> bool {
    crate::io::strip_bom(text)
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("//"))
        .is_some_and(|l| l.starts_with("Talk"))
}

/// Whether the file at `path` is a talk (its first word is `Talk`), not a scene; packed
/// files count.
pub fn is_talk_file(path: &Path) -> bool {
    crate::io::exists(path) && crate::io::read_text(path).is_ok_and(|text| is_talk(&text))
}

/// What the speaker says at a place: the scene's notes, then the cue's, a blank line
/// between (either may be empty).
pub fn joined_notes(scene: &str, cue: &str) -> String {
    [scene, cue]
        .into_iter()
        .filter(|n| !n.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Reads and checks a talk and every scene it names; an error names the talk's file, line
/// and column (a scene's own error is quoted after the entry that names it).
pub fn load_talk(path: &Path, train: bool) -> Result<LoadedTalk, SceneError> {
    let file = path.display().to_string();
    let text = crate::io::read_text(path).map_err(|e| SceneError {
        file: file.clone(),
        line: 1,
        col: 1,
        message: format!("cannot read the talk: {e}"),
        hint: None,
    })?;
    let talk: Talk = parse_as(&text, &file)?;
    let at = |segs: &[Seg], message: String, hint: Option<String>| {
        let (line, col) = locate(crate::io::strip_bom(&text), segs);
        SceneError {
            file: file.clone(),
            line,
            col,
            message,
            hint,
        }
    };
    // Titles are laid out in handouts and windows: as bounded as any scene's text.
    if let Err(e) = crate::limits::check_text("title", &talk.title) {
        return Err(at(&[Seg::Field("title")], e.to_string(), None));
    }
    let most = crate::limits::MAX_TALK_SCENES;
    if talk.scenes.is_empty() || talk.scenes.len() > most {
        let n = talk.scenes.len();
        return Err(at(
            &[Seg::Field("scenes")],
            format!("a talk has 1 to {most} scenes; this one has {n}"),
            None,
        ));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut scenes = Vec::with_capacity(talk.scenes.len());
    for (i, entry) in talk.scenes.iter().enumerate() {
        if let Err(e) = crate::limits::check_text("notes", entry.notes()) {
            return Err(at(
                &[Seg::Field("scenes"), Seg::Index(i)],
                e.to_string(),
                None,
            ));
        }
        let entry = entry.scene();
        let source = scene_source(dir, entry)
            .map_err(|e| at(&[Seg::Field("scenes"), Seg::Index(i)], e, None))?;
        let loaded = load_path_or_name(&source, train).map_err(|e| {
            let inner = format!("{}:{}:{}: {}", e.file, e.line, e.col, e.message);
            let message = format!("scene {} `{entry}`: {inner}", i + 1);
            at(&[Seg::Field("scenes"), Seg::Index(i)], message, e.hint)
        })?;
        scenes.push((source, loaded));
    }
    Ok(LoadedTalk { talk, scenes })
}

/// Where a talk in `dir` finds the scene `entry`: a file beside the talk (asked of
/// crate::io, which also sees a packed talk's files), else a bundled scene's name. A packed
/// talk's scenes are packed or bundled, never read from the disk.
fn scene_source(dir: &Path, entry: &str) -> Result<PathBuf, String> {
    let packed = crate::io::is_packed(dir);
    match crate::io::beside(Some(dir), entry) {
        Ok(p) if crate::io::exists(&p) => Ok(p),
        Ok(_) if !packed || super::load::is_bundled(entry) => Ok(PathBuf::from(entry)),
        Ok(_) => Err(format!(
            "scene `{}` is neither packed in this program nor bundled",
            crate::limits::echo(entry, 80)
        )),
        Err(e) => Err(format!("scene: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_talk_loads_its_scenes_by_name_and_by_path_beside_it() {
        let dir = std::env::temp_dir().join(format!("spacefold-talk-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("mine")).unwrap();
        let own = "Scene(dataset: \"xor\", network: Train(arch: [2, 3, 1], epochs: 5), \
                   timeline: [Wait(1.0)])";
        write(&dir.join("mine"), "fold.ron", own);
        let talk = write(
            &dir,
            "talk.ron",
            "// a comment first\nTalk(\n    title: \"Space\",\n    scenes: [\"neuron-plane\", (scene: \"mine/fold.ron\", notes: \"Mine.\")],\n)\n",
        );
        assert!(is_talk(&std::fs::read_to_string(&talk).unwrap()));
        assert!(!is_talk("// Talk about it\nScene(dataset: \"xor\")"));
        let loaded = load_talk(&talk, false).unwrap();
        assert_eq!(loaded.talk.title, "Space");
        assert_eq!(loaded.scenes.len(), 2);
        assert_eq!(loaded.scenes[1].0, dir.join("mine/fold.ron"));
        assert_eq!(loaded.talk.scenes[1].notes(), "Mine.");
        assert_eq!(loaded.talk.scenes[0].notes(), "");
        assert_eq!(loaded.scenes[0].1.scene.title, "A neuron is a plane");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_bad_entry_is_named_where_the_talk_names_it() {
        let dir = std::env::temp_dir().join(format!("spacefold-talk-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let talk = write(
            &dir,
            "talk.ron",
            "Talk(\n    title: \"t\",\n    scenes: [\"neuron-plane\", \"no-such-scene\"],\n)\n",
        );
        let e = load_talk(&talk, false).unwrap_err();
        assert_eq!((e.line, e.col), (3, 30), "{e}");
        assert!(e.message.contains("scene 2 `no-such-scene`"), "{e}");
        assert!(
            e.hint
                .as_ref()
                .is_some_and(|h| h.contains("bundled scenes")),
            "{e}"
        );
        let empty = write(&dir, "empty.ron", "Talk(title: \"t\", scenes: [])");
        let e = load_talk(&empty, false).unwrap_err();
        assert!(e.message.contains("1 to 200 scenes"), "{e}");
        let typo = write(&dir, "typo.ron", "Talk(title: \"t\", scene: [])");
        let e = load_talk(&typo, false).unwrap_err();
        assert_eq!(e.line, 1, "{e}");
        let odd = write(
            &dir,
            "odd.ron",
            "Talk(title: \"t\",\n scenes: [(scen: \"x\")])",
        );
        let e = load_talk(&odd, false).unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("(scene: "), "{e}");
        // A title of a million characters made a handout take minutes (issue 27).
        let long = "x".repeat(crate::limits::MAX_TEXT_CHARS + 1);
        let titled = write(
            &dir,
            "long.ron",
            &format!("Talk(\n title: \"{long}\",\n scenes: [\"neuron-plane\"])"),
        );
        let e = load_talk(&titled, false).unwrap_err();
        assert!(e.message.contains("title length"), "{e}");
        assert_eq!(e.line, 2, "{e}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// A scene a talk names as a FIFO is refused, never opened to block (issue 27).
    #[cfg(unix)]
    #[test]
    fn a_fifo_named_as_a_scene_is_refused_without_blocking() {
        let dir = std::env::temp_dir().join(format!("spacefold-talk-fifo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("scene.ron");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return;
        }
        let talk = write(
            &dir,
            "talk.ron",
            "Talk(title: \"t\", scenes: [\"scene.ron\"])",
        );
        let e = load_talk(&talk, false).unwrap_err();
        assert!(e.message.contains("FIFO"), "{e}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
