//! One file for a talk (`spacefold pack`): a copy of the spacefold program with the talk,
//! its scenes and every file they read appended as a payload, which the program finds in
//! itself when it starts.
//!
//! The file is `PROGRAM PAYLOAD TRAILER`. The payload holds the number of files (u32 LE),
//! the index of the talk among them (u32), then each file: its path's length (u32), the
//! path (UTF-8, `/`-separated, relative), the contents' length (u64) and the contents. The
//! trailer, the file's last [`TRAILER_BYTES`], is the payload's length (u64 LE), its blake3
//! hash (32 bytes) and [`MAGIC`]: reading the end of a file tells whether it is packed,
//! without reading the rest.
//!
//! A packed program mounts its files under a folder named by its own path
//! (`/home/me/talk.bin/talk.ron`): nothing on disk can be there (the program is a file),
//! and an error names a packed file as "inside talk.bin" (`talk.bin/scenes/fold.ron:3:5`).
//! The files keep
//! their layout relative to the folder that held them all, so a scene's `data.csv` is
//! still found beside it; [`crate::io`] reads under that folder from the payload.

use crate::io::{lexical, slash_path};
use crate::limits::{MAX_FILE_BYTES, MAX_PACK_BYTES, MAX_PACK_FILES};
use crate::scene::talk::{SceneNotes, TalkScene};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// The last bytes of a packed program.
pub const MAGIC: &[u8; 16] = b"SPACEFOLD-PACK\x00\x01";
/// Bytes of the trailer: the payload's length, its hash and [`MAGIC`].
pub const TRAILER_BYTES: usize = 8 + 32 + MAGIC.len();

/// What a packed program carries: files by relative path (`/`-separated), and which is
/// the talk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payload {
    /// Each file's path relative to the packed folder, and its contents.
    pub files: Vec<(String, Vec<u8>)>,
    /// The index in `files` of the talk.
    pub talk: usize,
}

impl Payload {
    /// The payload as bytes, in the layout the module's documentation gives.
    pub fn encode(&self) -> Vec<u8> {
        let size: usize = self.files.iter().map(|(p, b)| 12 + p.len() + b.len()).sum();
        let mut out = Vec::with_capacity(8 + size);
        out.extend_from_slice(&(self.files.len() as u32).to_le_bytes());
        out.extend_from_slice(&(self.talk as u32).to_le_bytes());
        for (path, bytes) in &self.files {
            out.extend_from_slice(&(path.len() as u32).to_le_bytes());
            out.extend_from_slice(path.as_bytes());
            out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            out.extend_from_slice(bytes);
        }
        out
    }

    /// Reads bytes written by [`Payload::encode`]; an error says what does not hold.
    pub fn decode(bytes: &[u8]) -> Result<Payload, String> {
        let mut r = Reader { bytes, at: 0 };
        let count = r.u32()? as usize;
        let talk = r.u32()? as usize;
        if count > MAX_PACK_FILES || talk >= count {
            return Err(format!("it lists {count} files, the talk as number {talk}"));
        }
        let mut files = Vec::with_capacity(count);
        for _ in 0..count {
            let len = r.u32()? as usize;
            let path = std::str::from_utf8(r.take(len)?)
                .map_err(|_| "a file's name is not UTF-8".to_string())?;
            check_relative(path)?;
            let len = r.u64()?;
            if len > MAX_FILE_BYTES {
                return Err(format!("{path} is over the limit of a file"));
            }
            files.push((path.to_string(), r.take(len as usize)?.to_vec()));
        }
        if r.at != bytes.len() {
            return Err("bytes follow the last file".into());
        }
        Ok(Payload { files, talk })
    }
}

/// A cursor over a payload that fails, rather than panics, at its end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| "it ends inside a file".to_string())?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }

    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().unwrap()))
    }
}

/// A packed path names a file below the packed folder: no `..`, `.`, or empty parts (no
/// lookup could find such an entry: looked-up paths are worked out first; see [`lexical`]).
fn check_relative(path: &str) -> Result<(), String> {
    let bad = |part: &str| part.is_empty() || part == "." || part == "..";
    if path.split('/').any(bad) {
        return Err(format!("`{path}` is not a relative path"));
    }
    Ok(())
}

/// `program` (a spacefold executable, any payload of its own left off) with `payload` and
/// its trailer appended.
pub fn append(program: &[u8], payload: &Payload) -> Vec<u8> {
    let body = payload.encode();
    let mut out = Vec::with_capacity(program_part(program).len() + body.len() + TRAILER_BYTES);
    out.extend_from_slice(program_part(program));
    out.extend_from_slice(&body);
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(blake3::hash(&body).as_bytes());
    out.extend_from_slice(MAGIC);
    out
}

/// The program part of an executable: all of it, or what comes before its payload (a
/// packed program packed again carries one payload, not two).
pub fn program_part(exe: &[u8]) -> &[u8] {
    let Some(trailer) = exe.len().checked_sub(TRAILER_BYTES).map(|at| &exe[at..]) else {
        return exe;
    };
    if &trailer[40..] != MAGIC {
        return exe;
    }
    let len = u64::from_le_bytes(trailer[..8].try_into().unwrap());
    match (exe.len() - TRAILER_BYTES).checked_sub(len as usize) {
        Some(end) if len <= MAX_PACK_BYTES => &exe[..end],
        _ => exe,
    }
}

/// The payload packed into the file at `path`: `None` when it carries none (or cannot be
/// opened: a program installed execute-only runs as a plain one); an error, in words, when
/// it carries one that is damaged (cut short, changed, or over the limits).
pub fn read_from(path: &Path) -> Result<Option<Payload>, String> {
    let Ok(mut file) = std::fs::File::open(path) else {
        return Ok(None);
    };
    let size = file.metadata().map_err(|e| e.to_string())?.len();
    let Some(trailer_at) = size.checked_sub(TRAILER_BYTES as u64) else {
        return Ok(None);
    };
    let mut trailer = [0u8; TRAILER_BYTES];
    file.seek(SeekFrom::Start(trailer_at))
        .and_then(|_| file.read_exact(&mut trailer))
        .map_err(|e| e.to_string())?;
    if &trailer[40..] != MAGIC {
        return Ok(None);
    }
    let len = u64::from_le_bytes(trailer[..8].try_into().unwrap());
    if len > MAX_PACK_BYTES {
        return Err(format!(
            "its payload's length, {len} bytes, is over the limit"
        ));
    }
    if len > trailer_at {
        return Err(format!(
            "the file is cut short: the payload is {len} bytes, the file holds {trailer_at} \
             before its end"
        ));
    }
    let mut body = vec![0u8; len as usize];
    file.seek(SeekFrom::Start(trailer_at - len))
        .and_then(|_| file.read_exact(&mut body))
        .map_err(|e| e.to_string())?;
    if blake3::hash(&body).as_bytes() != &trailer[8..40] {
        return Err("its hash does not match: the file was changed or cut short".into());
    }
    Payload::decode(&body).map(Some)
}

/// Mounts the payload of this very program for [`crate::io`]'s reads, when it has one;
/// returns the packed talk's path. An error says why the payload is damaged.
pub fn mount_current_exe() -> Result<Option<PathBuf>, String> {
    let Ok(exe) = std::env::current_exe() else {
        return Ok(None);
    };
    let Some(payload) = read_from(&exe)? else {
        return Ok(None);
    };
    let talk = lexical(&exe).join(&payload.files[payload.talk].0);
    crate::io::mount(&exe, payload.files.into_iter().collect());
    Ok(Some(talk))
}

/// What `spacefold pack` packed, for its report.
#[derive(Clone, Debug, PartialEq)]
pub struct Packed {
    /// The talk's title.
    pub title: String,
    /// Scenes in the talk (bundled ones included).
    pub scenes: usize,
    /// Files the scenes read (CSVs, networks).
    pub data_files: usize,
    /// Bytes of the executable written.
    pub bytes: u64,
}

/// Packs `inputs` (one talk, or scenes played as a talk titled by the first) onto the
/// program at `base` (this one when `None`) and writes the executable to `out`.
pub fn pack(inputs: &[PathBuf], base: Option<&Path>, out: &Path) -> Result<Packed, String> {
    let base = match base {
        Some(b) => b.to_path_buf(),
        None => std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?,
    };
    // `--out talk.ron` would replace the talk with a program: surely a slip.
    if let Some(i) = inputs.iter().find(|i| lexical(i) == lexical(out)) {
        return Err(format!("--out {}: that is a file to pack", i.display()));
    }
    let (payload, mut packed) = collect(inputs)?;
    let program = read_program(&base)?;
    let bytes = append(&program, &payload);
    // The program that reads it back refuses a payload over the limit: never write one.
    if (bytes.len() - program_part(&program).len()) as u64 > MAX_PACK_BYTES {
        return Err(format!(
            "the files come to over the limit of {} MiB for a packed talk",
            MAX_PACK_BYTES >> 20
        ));
    }
    crate::io::write_executable(out, &bytes)
        .map_err(|e| format!("--out {}: cannot write there: {e}", out.display()))?;
    packed.bytes = bytes.len() as u64;
    Ok(packed)
}

/// A spacefold program to pack onto: an executable (Linux, Windows or macOS) within the
/// limit, read whole.
fn read_program(path: &Path) -> Result<Vec<u8>, String> {
    let said = |e: String| format!("cannot pack onto {}: {e}", path.display());
    let file = std::fs::File::open(path).map_err(|e| said(e.to_string()))?;
    let mut bytes = vec![];
    file.take(MAX_PACK_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| said(e.to_string()))?;
    if bytes.len() as u64 > MAX_PACK_BYTES {
        return Err(said("over the limit of a program to pack onto".into()));
    }
    let headers: [&[u8]; 5] = [
        b"\x7fELF",
        b"MZ",
        b"\xcf\xfa\xed\xfe",
        b"\xce\xfa\xed\xfe",
        b"\xca\xfe\xba\xbe",
    ];
    if !headers.iter().any(|h| bytes.starts_with(h)) {
        return Err(said(
            "not a program (a spacefold executable for Linux, Windows or macOS)".into(),
        ));
    }
    Ok(bytes)
}

/// The payload for `inputs`: the talk (written anew at the packed folder's top, naming
/// each scene by its packed path), the scene files and the files they read, all loaded
/// (without training) first, so that what is packed plays.
pub fn collect(inputs: &[PathBuf]) -> Result<(Payload, Packed), String> {
    let (title, talk_name, scenes, notes) = load_inputs(inputs)?;
    let mut files = std::collections::BTreeSet::new();
    let mut data = std::collections::BTreeSet::new();
    let mut entries = vec![];
    for (source, loaded) in &scenes {
        if !crate::io::exists(source) {
            entries.push(Entry::Bundled(source.to_string_lossy().into_owned()));
            continue;
        }
        let path = lexical(source);
        for f in crate::scene::referenced_files(&loaded.scene, source.parent()) {
            data.insert(lexical(&f));
        }
        files.insert(path.clone());
        entries.push(Entry::File(path));
    }
    let data_files = data.difference(&files).count();
    files.extend(data);
    let top = common_folder(&files)?;
    let mut packed = read_all(&files, &top)?;
    let names = entries
        .into_iter()
        .map(|e| match e {
            Entry::File(p) => packed_name(&p, &top),
            Entry::Bundled(name) => Ok(name),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut name = talk_name;
    while packed.iter().any(|(p, _)| *p == name) {
        name = format!("packed-{name}");
    }
    let entries = names
        .into_iter()
        .zip(notes)
        .map(|(scene, notes)| match notes.is_empty() {
            true => TalkScene::Name(scene),
            false => TalkScene::WithNotes(SceneNotes { scene, notes }),
        });
    let text = talk_text(&title, entries.collect())?;
    packed.insert(0, (name, text.into_bytes()));
    let summary = Packed {
        title,
        scenes: scenes.len(),
        data_files,
        bytes: 0,
    };
    Ok((
        Payload {
            files: packed,
            talk: 0,
        },
        summary,
    ))
}

/// A scene of a talk to pack: a file, or a bundled scene's name (nothing to pack).
enum Entry {
    File(PathBuf),
    Bundled(String),
}

/// `path`'s name in the payload: relative to `top`, `/`-separated.
fn packed_name(path: &Path, top: &Path) -> Result<String, String> {
    path.strip_prefix(top)
        .ok()
        .and_then(slash_path)
        .ok_or_else(|| format!("{}: a file name spacefold cannot pack", path.display()))
}

/// Every file's packed name and contents, within the limit of a packed talk.
fn read_all(
    files: &std::collections::BTreeSet<PathBuf>,
    top: &Path,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut packed = vec![];
    let mut total = 0u64;
    for path in files {
        let bytes = crate::io::read_bytes(path).map_err(|e| format!("{}: {e}", path.display()))?;
        total += bytes.len() as u64;
        if total > MAX_PACK_BYTES {
            return Err(format!(
                "the files come to over the limit of {} MiB for a packed talk",
                MAX_PACK_BYTES >> 20
            ));
        }
        packed.push((packed_name(path, top)?, bytes));
    }
    Ok(packed)
}

/// The talk's title, its file's name, its scenes loaded (untrained) and their notes: from
/// one talk, or from scenes, titled by the first.
type Inputs = (
    String,
    String,
    Vec<(PathBuf, crate::scene::Loaded)>,
    Vec<String>,
);

fn load_inputs(inputs: &[PathBuf]) -> Result<Inputs, String> {
    use crate::scene::talk::is_talk_file as is_talk;
    if let [one] = inputs
        && is_talk(one)
    {
        let talk = crate::scene::talk::load_talk(one, false).map_err(|e| e.to_string())?;
        let name = one
            .file_name()
            .map_or_else(|| "talk.ron".into(), |n| n.to_string_lossy().into_owned());
        let notes = talk.talk.scenes.iter().map(|s| s.notes().to_string());
        return Ok((talk.talk.title, name, talk.scenes, notes.collect()));
    }
    if let Some(t) = inputs.iter().find(|p| is_talk(p)) {
        return Err(format!(
            "{} is a talk: pack a talk alone, or scenes (a talk made of them is packed)",
            t.display()
        ));
    }
    let most = crate::limits::MAX_TALK_SCENES;
    if inputs.is_empty() || inputs.len() > most {
        return Err(format!("pack takes 1 to {most} scenes, or one talk"));
    }
    let mut scenes = vec![];
    for p in inputs {
        let loaded = crate::scene::load_path_or_name(p, false).map_err(|e| e.to_string())?;
        scenes.push((p.clone(), loaded));
    }
    let title = scenes[0].1.scene.title.clone();
    let notes = vec![String::new(); scenes.len()];
    Ok((title, "talk.ron".into(), scenes, notes))
}

/// The folder that holds all `files` (deepest such); any folder when there are none.
fn common_folder(files: &std::collections::BTreeSet<PathBuf>) -> Result<PathBuf, String> {
    let mut iter = files.iter();
    let Some(first) = iter.next() else {
        return Ok(lexical(Path::new(".")));
    };
    let mut top = first.parent().map(Path::to_path_buf).unwrap_or_default();
    for f in iter {
        while !f.starts_with(&top) {
            if !top.pop() {
                return Err(format!(
                    "{} and {} share no folder (different drives?): copy them into one",
                    first.display(),
                    f.display()
                ));
            }
        }
    }
    Ok(top)
}

/// A talk file naming `scenes` (packed paths or bundled names), written as a person would.
fn talk_text(title: &str, scenes: Vec<TalkScene>) -> Result<String, String> {
    let talk = crate::scene::talk::Talk {
        title: title.to_string(),
        scenes,
    };
    let pretty = ron::ser::PrettyConfig::new().struct_names(true);
    let text = ron::ser::to_string_pretty(&talk, pretty).map_err(|e| e.to_string())?;
    Ok(format!("// Written by `spacefold pack`.\n{text}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload() -> Payload {
        Payload {
            files: vec![
                (
                    "talk.ron".into(),
                    b"Talk(title: \"t\", scenes: [\"a/s.ron\"])".to_vec(),
                ),
                ("a/s.ron".into(), b"Scene(dataset: \"d.csv\")".to_vec()),
                ("a/d.csv".into(), vec![0, 1, 2, 255]),
            ],
            talk: 0,
        }
    }

    fn temp(name: &str, bytes: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("spacefold-pack-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn a_payload_comes_back_as_it_went_in() {
        let program = b"\x7fELF and the rest of a program".to_vec();
        let packed = append(&program, &payload());
        assert_eq!(program_part(&packed), program.as_slice());
        let path = temp("round-trip", &packed);
        assert_eq!(read_from(&path).unwrap(), Some(payload()));
        // Packed again: one payload, the new one.
        let mut other = payload();
        other.files.truncate(1);
        let twice = append(&packed, &other);
        assert_eq!(program_part(&twice), program.as_slice());
        std::fs::write(&path, &twice).unwrap();
        assert_eq!(read_from(&path).unwrap(), Some(other));
    }

    #[test]
    fn a_plain_program_carries_nothing() {
        let path = temp(
            "plain",
            b"\x7fELF a program with no payload, long enough to read its end",
        );
        assert_eq!(read_from(&path).unwrap(), None);
        assert_eq!(read_from(&temp("tiny", b"x")).unwrap(), None);
    }

    #[test]
    fn a_changed_or_shortened_payload_is_damaged() {
        let packed = append(b"\x7fELF program", &payload());
        for at in [12, 20, packed.len() - TRAILER_BYTES - 1, packed.len() - 30] {
            let mut flipped = packed.clone();
            flipped[at] ^= 0x20;
            let e = read_from(&temp("flipped", &flipped)).unwrap_err();
            assert!(e.contains("hash does not match"), "byte {at}: {e}");
        }
        // Bytes lost from the middle (a copy cut short and the end put back).
        let mut cut = packed[..30].to_vec();
        cut.extend_from_slice(&packed[packed.len() - TRAILER_BYTES..]);
        let e = read_from(&temp("cut", &cut)).unwrap_err();
        assert!(e.contains("cut short"), "{e}");
        // A download cut off before the end has no trailer: it is a plain program.
        let e = read_from(&temp("truncated", &packed[..packed.len() - 5]));
        assert_eq!(e, Ok(None));
    }

    #[test]
    fn a_payload_that_lies_about_itself_is_refused_without_panicking() {
        let good = payload().encode();
        for end in 0..good.len() {
            assert!(Payload::decode(&good[..end]).is_err(), "cut at {end}");
        }
        let mut outside = payload();
        outside.files[1].0 = "../s.ron".into();
        let e = Payload::decode(&outside.encode()).unwrap_err();
        assert!(e.contains("not a relative path"), "{e}");
        let mut no_talk = payload();
        no_talk.talk = 3;
        assert!(Payload::decode(&no_talk.encode()).is_err());
    }

    #[test]
    fn paths_are_worked_out_on_their_text() {
        let root = lexical(Path::new("/x/talk.bin"));
        let inside = lexical(&root.join("a/../a/./s.ron"));
        assert_eq!(
            slash_path(inside.strip_prefix(&root).unwrap()).unwrap(),
            "a/s.ron"
        );
    }
}
