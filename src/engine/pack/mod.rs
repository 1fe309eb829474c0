//! One file for a talk (`spacefold pack`): a copy of the spacefold program with the talk,
//! its scenes and every file they read appended as a payload, which the program finds in
//! itself when it starts.
//!
//! The file is `PROGRAM PAYLOAD TRAILER`. The payload starts with [`PAYLOAD_MAGIC`], then
//! holds the number of files (u32 LE), the index of the talk among them (u32), then each
//! file: its path's length (u32), the path (UTF-8, `/`-separated, relative), the contents'
//! length (u64) and the contents. The trailer, the file's last [`TRAILER_BYTES`], is the
//! payload's length (u64 LE), its blake3 hash (32 bytes) and [`MAGIC`]: reading the end of a
//! file tells whether it is packed, without reading the rest. Where the trailer is changed or
//! gone (a copy cut short), the program's own headers say where it ends ([`program`]), and
//! a payload's start there tells a damaged packed program from a plain one.
//!
//! A packed program mounts its files under a folder named by its own path
//! (`/home/me/talk.bin/talk.ron`): nothing on disk can be there (the program is a file),
//! and an error names a packed file as "inside talk.bin" (`talk.bin/scenes/fold.ron:3:5`).
//! The files keep
//! their layout relative to the folder that held them all, so a scene's `data.csv` is
//! still found beside it; [`crate::io`] reads under that folder from the payload.

pub mod program;

use crate::io::{ReadError, lexical, slash_path};
use crate::limits::{MAX_FILE_BYTES, MAX_PACK_BYTES, MAX_PACK_FILES};
use crate::scene::talk::{SceneNotes, TalkScene};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The last bytes of a packed program.
pub const MAGIC: &[u8; 16] = b"SPACEFOLD-PACK\x00\x02";
/// The first bytes of a payload, right after the program.
pub const PAYLOAD_MAGIC: &[u8; 16] = b"SPACEFOLD-FILES\x02";
/// Bytes of the trailer: the payload's length, its hash and [`MAGIC`].
pub const TRAILER_BYTES: usize = 8 + 32 + MAGIC.len();

/// What is wrong with a packed talk's payload.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum Damage {
    /// The trailer's length is over [`MAX_PACK_BYTES`].
    #[error("its payload's length, {0} bytes, is over the limit")]
    OverLimit(u64),
    /// The trailer says more bytes than the file holds.
    #[error(
        "the file is cut short: the payload is {len} bytes, the file holds {before} before its end"
    )]
    CutShort {
        /// The payload's length the trailer gives.
        len: u64,
        /// The bytes before the trailer.
        before: u64,
    },
    /// The payload's hash is not the trailer's.
    #[error("its hash does not match: the file was changed or cut short")]
    Hash,
    /// A payload follows the program, but the file's end is not a trailer.
    #[error(
        "a packed talk follows the program but the file's end is not its trailer: the file was \
         cut short or its end changed"
    )]
    NoTrailer,
    /// The payload ends inside a file.
    #[error("it ends inside a file")]
    Short,
    /// The payload does not start as one.
    #[error("the payload does not start as one")]
    NotPayload,
    /// The counts do not hold.
    #[error("it lists {count} files, the talk as number {talk}")]
    Counts {
        /// Files listed.
        count: usize,
        /// The talk's index.
        talk: usize,
    },
    /// A file's name is not UTF-8.
    #[error("a file's name is not UTF-8")]
    NameNotUtf8,
    /// A file's name leads out of the packed folder.
    #[error("`{0}` is not a relative path")]
    NotRelative(String),
    /// A file over [`MAX_FILE_BYTES`].
    #[error("{0} is over the limit of a file")]
    FileTooBig(String),
    /// Bytes after the last file.
    #[error("bytes follow the last file")]
    Trailing,
}

/// Why `spacefold pack` (or a packed program's start) could not do its work.
#[derive(Debug, Error)]
pub enum PackError {
    /// A packed program whose payload is damaged.
    #[error("{}: its packed talk is damaged: {why}", .path.display())]
    Damaged {
        /// The program.
        path: PathBuf,
        /// What is wrong.
        why: Damage,
    },
    /// This program's own path is not known.
    #[error("cannot find this program: {0}")]
    NoProgram(std::io::Error),
    /// The program to pack onto is not one.
    #[error("cannot pack onto {}: {why}", .path.display())]
    Base {
        /// The program given.
        path: PathBuf,
        /// What is wrong, in words.
        why: BaseProblem,
    },
    /// A file to pack (or the program) cannot be read.
    #[error("{}: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: ReadError,
    },
    /// The output is one of the inputs.
    #[error("{} is {} ({what}): the program would replace it", .output.display(), .input.display())]
    OutputIsInput {
        /// The output given.
        output: PathBuf,
        /// The input it reaches.
        input: PathBuf,
        /// What the input is: "the talk", "a scene", "a file a scene reads", "the program".
        what: &'static str,
    },
    /// The executable cannot be written.
    #[error("{}: cannot write there: {source}", .path.display())]
    Write {
        /// The output.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The files come to over [`MAX_PACK_BYTES`].
    #[error("the files come to over the limit of {} MiB for a packed talk", MAX_PACK_BYTES >> 20)]
    TooBig,
    /// A talk among scenes.
    #[error("{} is a talk: pack a talk alone, or scenes (a talk made of them is packed)", .0.display())]
    TalkAmongScenes(PathBuf),
    /// Too few or too many scenes.
    #[error(
        "pack takes 1 to {} scenes, or one talk",
        crate::limits::MAX_TALK_SCENES
    )]
    SceneCount,
    /// A scene or talk that does not load.
    #[error(transparent)]
    Scene(#[from] crate::scene::SceneError),
    /// Files with no folder in common.
    #[error("{} and {} share no folder (different drives?): copy them into one", .0.display(), .1.display())]
    NoCommonFolder(PathBuf, PathBuf),
    /// A file name a payload cannot hold.
    #[error("{}: a file name spacefold cannot pack", .0.display())]
    BadName(PathBuf),
    /// The talk could not be written as text.
    #[error("the talk cannot be written: {0}")]
    TalkText(String),
}

/// Why a file is not a program to pack onto.
#[derive(Debug, Error)]
pub enum BaseProblem {
    /// It cannot be read (a FIFO, a folder, no such file).
    #[error("{0}")]
    Read(ReadError),
    /// Over [`MAX_PACK_BYTES`].
    #[error("over the limit of a program to pack onto")]
    OverLimit,
    /// Not an executable of a known platform, whole.
    #[error("not a program (a spacefold executable for Linux, Windows or macOS)")]
    NotAProgram,
    /// A program, but not spacefold (of this payload format).
    #[error(
        "a program, but not spacefold (or a spacefold of another version): pack onto a \
         spacefold of this version"
    )]
    NotSpacefold,
    /// A packed program whose payload is damaged.
    #[error("{0}")]
    Damaged(Damage),
}

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
        let mut out = Vec::with_capacity(PAYLOAD_MAGIC.len() + 8 + size);
        out.extend_from_slice(PAYLOAD_MAGIC);
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
    pub fn decode(bytes: &[u8]) -> Result<Payload, Damage> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(PAYLOAD_MAGIC.len())? != PAYLOAD_MAGIC {
            return Err(Damage::NotPayload);
        }
        let count = r.u32()? as usize;
        let talk = r.u32()? as usize;
        if count > MAX_PACK_FILES || talk >= count {
            return Err(Damage::Counts { count, talk });
        }
        let mut files = Vec::with_capacity(count);
        for _ in 0..count {
            let len = r.u32()? as usize;
            let path = std::str::from_utf8(r.take(len)?).map_err(|_| Damage::NameNotUtf8)?;
            check_relative(path)?;
            let len = r.u64()?;
            if len > MAX_FILE_BYTES {
                return Err(Damage::FileTooBig(path.to_string()));
            }
            files.push((path.to_string(), r.take(len as usize)?.to_vec()));
        }
        if r.at != bytes.len() {
            return Err(Damage::Trailing);
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
    fn take(&mut self, n: usize) -> Result<&'a [u8], Damage> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or(Damage::Short)?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn u32(&mut self) -> Result<u32, Damage> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Result<u64, Damage> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }
}

/// A packed path names a file below the packed folder: no `..`, `.`, or empty parts (no
/// lookup could find such an entry: looked-up paths are worked out first; see [`lexical`]).
fn check_relative(path: &str) -> Result<(), Damage> {
    let bad = |part: &str| part.is_empty() || part == "." || part == "..";
    if path.split('/').any(bad) || path.contains('\\') {
        return Err(Damage::NotRelative(crate::limits::echo(path, 80)));
    }
    Ok(())
}

/// `program` (a spacefold executable, any payload of its own left off) with `payload` and
/// its trailer appended.
pub fn append(program: &[u8], payload: &Payload) -> Vec<u8> {
    append_bytes(program, &payload.encode())
}

/// As [`append`], with a payload's bytes as they are (the fuzz test appends damaged ones,
/// their hash matching).
pub fn append_bytes(program: &[u8], body: &[u8]) -> Vec<u8> {
    let program = program_part(program);
    let mut out = Vec::with_capacity(program.len() + body.len() + TRAILER_BYTES);
    out.extend_from_slice(program);
    out.extend_from_slice(body);
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(blake3::hash(body).as_bytes());
    out.extend_from_slice(MAGIC);
    out
}

/// The program part of an executable: all of it, or what comes before its payload (a
/// packed program packed again carries one payload, not two).
pub fn program_part(exe: &[u8]) -> &[u8] {
    match program::program_end(&mut std::io::Cursor::new(exe)) {
        Some(end) if end < exe.len() as u64 => &exe[..end as usize],
        _ => exe,
    }
}

/// The trailer of a file of `size` bytes whose last bytes are `trailer`: the payload's
/// length and hash, `None` when it has no trailer.
fn read_trailer(trailer: &[u8; TRAILER_BYTES]) -> Option<(u64, [u8; 32])> {
    if &trailer[40..] != MAGIC {
        return None;
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&trailer[..8]);
    let mut hash = [0u8; 32];
    hash.copy_from_slice(&trailer[8..40]);
    Some((u64::from_le_bytes(len), hash))
}

/// The payload packed into the file at `path`: `None` when it carries none (or cannot be
/// opened: a program installed execute-only runs as a plain one); an error when it carries
/// one that is damaged (cut short, changed, or over the limits).
pub fn read_from(path: &Path) -> Result<Option<Payload>, PackError> {
    let damaged = |why| PackError::Damaged {
        path: path.to_path_buf(),
        why,
    };
    let read_error = |e: std::io::Error| PackError::Read {
        path: path.to_path_buf(),
        source: ReadError::Io(e),
    };
    let Ok(mut file) = std::fs::File::open(path) else {
        return Ok(None);
    };
    let size = file.metadata().map_err(read_error)?.len();
    let mut trailer = [0u8; TRAILER_BYTES];
    let trailer_at = size.saturating_sub(TRAILER_BYTES as u64);
    let read = size >= TRAILER_BYTES as u64
        && file
            .seek(SeekFrom::Start(trailer_at))
            .and_then(|_| file.read_exact(&mut trailer))
            .is_ok();
    let Some((len, hash)) = read.then(|| read_trailer(&trailer)).flatten() else {
        // No trailer: a plain program, unless a payload starts where the program ends.
        let end = program::program_end(&mut file);
        let starts_payload = end.filter(|&e| e < size).is_some_and(|e| {
            let mut head = [0u8; PAYLOAD_MAGIC.len()];
            file.seek(SeekFrom::Start(e))
                .and_then(|_| file.read_exact(&mut head))
                .is_ok_and(|()| &head == PAYLOAD_MAGIC)
        });
        return match starts_payload {
            true => Err(damaged(Damage::NoTrailer)),
            false => Ok(None),
        };
    };
    if len > MAX_PACK_BYTES {
        return Err(damaged(Damage::OverLimit(len)));
    }
    if len > trailer_at {
        return Err(damaged(Damage::CutShort {
            len,
            before: trailer_at,
        }));
    }
    let mut body = vec![0u8; len as usize];
    file.seek(SeekFrom::Start(trailer_at - len))
        .and_then(|_| file.read_exact(&mut body))
        .map_err(read_error)?;
    if blake3::hash(&body).as_bytes() != &hash {
        return Err(damaged(Damage::Hash));
    }
    Payload::decode(&body).map(Some).map_err(damaged)
}

/// Mounts the payload of this very program for [`crate::io`]'s reads, when it has one;
/// returns the packed talk's path. An error says why the payload is damaged.
pub fn mount_current_exe() -> Result<Option<PathBuf>, PackError> {
    program::keep_mark();
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
/// program at `base` (this one when `None`) and writes the executable to `out`. Nothing is
/// written when `out` is one of the files it packs or the program (followed through links).
pub fn pack(inputs: &[PathBuf], base: Option<&Path>, out: &Path) -> Result<Packed, PackError> {
    let base = match base {
        Some(b) => b.to_path_buf(),
        None => std::env::current_exe().map_err(PackError::NoProgram)?,
    };
    let (payload, mut packed, sources) = collect(inputs)?;
    let program_input = (base.clone(), "the program packed onto");
    for (input, what) in sources.iter().chain([&program_input]) {
        if crate::io::same_file(out, input) {
            return Err(PackError::OutputIsInput {
                output: out.to_path_buf(),
                input: input.clone(),
                what,
            });
        }
    }
    let program = read_program(&base)?;
    let bytes = append(&program, &payload);
    // The program that reads it back refuses a payload over the limit: never write one.
    if (bytes.len() - program_part(&program).len()) as u64 > MAX_PACK_BYTES {
        return Err(PackError::TooBig);
    }
    crate::io::write_executable(out, &bytes).map_err(|source| PackError::Write {
        path: out.to_path_buf(),
        source,
    })?;
    packed.bytes = bytes.len() as u64;
    Ok(packed)
}

/// A spacefold program to pack onto: a regular file within the limit, an executable of a
/// known platform (Linux, Windows or macOS) whole as its headers describe it, holding
/// [`program::PROGRAM_MARK`]; a packed one must be sound (its payload is replaced).
fn read_program(path: &Path) -> Result<Vec<u8>, PackError> {
    let said = |why| PackError::Base {
        path: path.to_path_buf(),
        why,
    };
    let meta = std::fs::metadata(path).map_err(|e| said(BaseProblem::Read(ReadError::Io(e))))?;
    crate::io::check_regular(&meta).map_err(|e| said(BaseProblem::Read(e)))?;
    if meta.len() > MAX_PACK_BYTES {
        return Err(said(BaseProblem::OverLimit));
    }
    if let Err(PackError::Damaged { why, .. }) = read_from(path) {
        return Err(said(BaseProblem::Damaged(why)));
    }
    let file = std::fs::File::open(path).map_err(|e| said(BaseProblem::Read(ReadError::Io(e))))?;
    let mut bytes = vec![];
    file.take(MAX_PACK_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| said(BaseProblem::Read(ReadError::Io(e))))?;
    if bytes.len() as u64 > MAX_PACK_BYTES {
        return Err(said(BaseProblem::OverLimit));
    }
    match program::program_end(&mut std::io::Cursor::new(&bytes)) {
        Some(end) if end <= bytes.len() as u64 => {}
        _ => return Err(said(BaseProblem::NotAProgram)),
    }
    if !program::is_spacefold(program_part(&bytes)) {
        return Err(said(BaseProblem::NotSpacefold));
    }
    Ok(bytes)
}

/// The files a packed talk is made of, each with what it is to the talk ("the talk", "a
/// scene", ...): none may be written over.
pub type Sources = Vec<(PathBuf, &'static str)>;

/// The payload for `inputs`: the talk (written anew at the packed folder's top, naming
/// each scene by its packed path), the scene files and the files they read, all loaded
/// (without training) first, so that what is packed plays; and the files it was made of.
pub fn collect(inputs: &[PathBuf]) -> Result<(Payload, Packed, Sources), PackError> {
    let (title, talk_name, scenes, notes) = load_inputs(inputs)?;
    let mut files = std::collections::BTreeSet::new();
    let mut data = std::collections::BTreeSet::new();
    let mut entries = vec![];
    let mut sources: Sources = inputs
        .iter()
        .filter(|p| crate::io::exists(p))
        .map(|p| (p.clone(), "a file to pack"))
        .collect();
    for (source, loaded) in &scenes {
        if !crate::io::exists(source) {
            entries.push(Entry::Bundled(source.to_string_lossy().into_owned()));
            continue;
        }
        let path = lexical(source);
        for f in crate::scene::referenced_files(&loaded.scene, source.parent()) {
            sources.push((f.clone(), "a file a scene reads"));
            data.insert(lexical(&f));
        }
        sources.push((source.clone(), "a scene"));
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
    let payload = Payload {
        files: packed,
        talk: 0,
    };
    Ok((payload, summary, sources))
}

/// A scene of a talk to pack: a file, or a bundled scene's name (nothing to pack).
enum Entry {
    File(PathBuf),
    Bundled(String),
}

/// `path`'s name in the payload: relative to `top`, `/`-separated.
fn packed_name(path: &Path, top: &Path) -> Result<String, PackError> {
    path.strip_prefix(top)
        .ok()
        .and_then(slash_path)
        .ok_or_else(|| PackError::BadName(path.to_path_buf()))
}

/// Every file's packed name and contents, within the limit of a packed talk.
fn read_all(
    files: &std::collections::BTreeSet<PathBuf>,
    top: &Path,
) -> Result<Vec<(String, Vec<u8>)>, PackError> {
    let mut packed = vec![];
    let mut total = 0u64;
    for path in files {
        let bytes = crate::io::read_bytes(path).map_err(|source| PackError::Read {
            path: path.clone(),
            source,
        })?;
        total += bytes.len() as u64;
        if total > MAX_PACK_BYTES {
            return Err(PackError::TooBig);
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

fn load_inputs(inputs: &[PathBuf]) -> Result<Inputs, PackError> {
    use crate::scene::talk::is_talk_file as is_talk;
    if let [one] = inputs
        && is_talk(one)
    {
        let talk = crate::scene::talk::load_talk(one, false)?;
        let name = one
            .file_name()
            .map_or_else(|| "talk.ron".into(), |n| n.to_string_lossy().into_owned());
        let notes = talk.talk.scenes.iter().map(|s| s.notes().to_string());
        return Ok((talk.talk.title, name, talk.scenes, notes.collect()));
    }
    if let Some(t) = inputs.iter().find(|p| is_talk(p)) {
        return Err(PackError::TalkAmongScenes(t.clone()));
    }
    if inputs.is_empty() || inputs.len() > crate::limits::MAX_TALK_SCENES {
        return Err(PackError::SceneCount);
    }
    let mut scenes = vec![];
    for p in inputs {
        let loaded = crate::scene::load_path_or_name(p, false)?;
        scenes.push((p.clone(), loaded));
    }
    let title = scenes[0].1.scene.title.clone();
    let notes = vec![String::new(); scenes.len()];
    Ok((title, "talk.ron".into(), scenes, notes))
}

/// The folder that holds all `files` (deepest such); any folder when there are none.
fn common_folder(files: &std::collections::BTreeSet<PathBuf>) -> Result<PathBuf, PackError> {
    let mut iter = files.iter();
    let Some(first) = iter.next() else {
        return Ok(lexical(Path::new(".")));
    };
    let mut top = first.parent().map(Path::to_path_buf).unwrap_or_default();
    for f in iter {
        while !f.starts_with(&top) {
            if !top.pop() {
                return Err(PackError::NoCommonFolder(first.clone(), f.clone()));
            }
        }
    }
    Ok(top)
}

/// A talk file naming `scenes` (packed paths or bundled names), written as a person would.
fn talk_text(title: &str, scenes: Vec<TalkScene>) -> Result<String, PackError> {
    let talk = crate::scene::talk::Talk {
        title: title.to_string(),
        scenes,
    };
    let pretty = ron::ser::PrettyConfig::new().struct_names(true);
    let text = ron::ser::to_string_pretty(&talk, pretty)
        .map_err(|e| PackError::TalkText(e.to_string()))?;
    Ok(format!("// Written by `spacefold pack`.\n{text}\n"))
}

#[cfg(test)]
mod tests {
    use super::program::{PROGRAM_MARK, tiny_elf};
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

    /// A program the headers of which say where it ends, holding the mark.
    fn program() -> Vec<u8> {
        tiny_elf(&[b"code ", PROGRAM_MARK, b" data"].concat())
    }

    fn damage(path: &Path) -> Damage {
        match read_from(path) {
            Err(PackError::Damaged { why, .. }) => why,
            other => panic!("{}: {other:?}", path.display()),
        }
    }

    #[test]
    fn a_payload_comes_back_as_it_went_in() {
        let program = program();
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
        let path = temp("plain", &program());
        assert_eq!(read_from(&path).unwrap(), None);
        assert_eq!(read_from(&temp("tiny", b"x")).unwrap(), None);
    }

    #[test]
    fn a_changed_or_shortened_payload_is_damaged() {
        let packed = append(&program(), &payload());
        let start = program().len();
        for at in [
            start + 12,
            start + 20,
            packed.len() - TRAILER_BYTES - 1,
            packed.len() - 30,
        ] {
            let mut flipped = packed.clone();
            flipped[at] ^= 0x20;
            assert_eq!(
                damage(&temp("flipped", &flipped)),
                Damage::Hash,
                "byte {at}"
            );
        }
        // Bytes lost from the middle (a copy cut short and the end put back).
        let mut cut = packed[..start + 30].to_vec();
        cut.extend_from_slice(&packed[packed.len() - TRAILER_BYTES..]);
        assert!(matches!(
            damage(&temp("cut", &cut)),
            Damage::CutShort { .. }
        ));
        // A changed magic byte, or a download cut off anywhere in the payload: the
        // payload still starts where the program ends.
        for end in [packed.len() - 1, packed.len() - 5, start + 40, start + 16] {
            let cut = temp("truncated", &packed[..end]);
            assert_eq!(damage(&cut), Damage::NoTrailer, "cut at {end}");
        }
        for at in packed.len() - MAGIC.len()..packed.len() {
            let mut flipped = packed.clone();
            flipped[at] ^= 0x01;
            assert_eq!(
                damage(&temp("magic", &flipped)),
                Damage::NoTrailer,
                "byte {at}"
            );
        }
        // Cut before the payload starts: the program alone, which runs as itself.
        assert_eq!(
            read_from(&temp("bare", &packed[..start + 8])).unwrap(),
            None
        );
    }

    #[test]
    fn a_payload_that_lies_about_itself_is_refused_without_panicking() {
        let good = payload().encode();
        for end in 0..good.len() {
            assert!(Payload::decode(&good[..end]).is_err(), "cut at {end}");
        }
        for outside in ["../s.ron", "a/../../s.ron", "a\\..\\s.ron", ""] {
            let mut bad = payload();
            bad.files[1].0 = outside.into();
            let e = Payload::decode(&bad.encode()).unwrap_err();
            assert!(e.to_string().contains("not a relative path"), "{e}");
        }
        let mut no_talk = payload();
        no_talk.talk = 3;
        assert!(Payload::decode(&no_talk.encode()).is_err());
    }

    #[test]
    fn only_a_whole_spacefold_program_is_packed_onto() {
        let refused = |bytes: &[u8], name: &str| match read_program(&temp(name, bytes)) {
            Err(PackError::Base { why, .. }) => why.to_string(),
            other => panic!("{name}: {other:?}"),
        };
        assert!(refused(b"MZ", "mz").contains("not a program"));
        assert!(refused(b"\x7fELF and text", "fake-elf").contains("not a program"));
        let other = tiny_elf(b"some other program");
        assert!(refused(&other, "other").contains("not spacefold"));
        // Its headers place more than the file holds: cut short.
        let whole = program();
        let mut short = tiny_elf(&[b"code ", PROGRAM_MARK, b" data and more"].concat());
        short.truncate(whole.len());
        assert!(refused(&short, "short").contains("not a program"));
        assert!(read_program(&temp("good", &whole)).is_ok());
        let mut flipped = append(&whole, &payload());
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(refused(&flipped, "damaged").contains("file's end is not its trailer"));
        #[cfg(unix)]
        {
            let fifo = temp("fifo-dir", b"").with_file_name("base-fifo");
            let _ = std::fs::remove_file(&fifo);
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                match read_program(&fifo) {
                    Err(PackError::Base { why, .. }) => {
                        assert!(why.to_string().contains("FIFO"), "{why}")
                    }
                    other => panic!("{other:?}"),
                }
            }
        }
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
