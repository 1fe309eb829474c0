//! Reading and writing files safely: reads capped at [`crate::limits::MAX_FILE_BYTES`] (so
//! `/dev/zero` fails at once), and writes that never leave a half-written file behind and
//! never replace anything that is not a regular file.
//!
//! Where a write goes ([`resolve_output`]): a symbolic link is followed, and its target gets
//! the write (the link stays); a regular file, or a path that does not exist yet, is written
//! atomically (a temporary file in the same folder, then a rename); a character device or a
//! FIFO (`/dev/null`, `/dev/stdout`, a named pipe) is written straight into, as a shell's `>`
//! does; anything else (a folder, a block device, a socket) is refused.
//!
//! `-`, `/dev/stdout` and `/dev/stderr` are the process's own streams, written through the
//! descriptor the shell gave it (a pipe, or a file opened to append), never by opening the
//! file behind it anew.
//!
//! Reads ([`read_bytes`], [`read_text`]) take regular files only: a FIFO, a socket or a
//! device could block for ever or never end.
//!
//! A program made by `spacefold pack` mounts its packed files under a folder ([`mount`]):
//! reads of a path there come from the payload, so every loader reads packed files unchanged,
//! and a path a packed file names stays inside it ([`beside`]).

use crate::limits::MAX_FILE_BYTES;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use thiserror::Error;

/// Why a file could not be read. The file's path is the caller's to add.
#[derive(Debug, Error)]
pub enum ReadError {
    /// The system's own error (no such file, permission denied).
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A FIFO, socket or device: reading it could block for ever or never end.
    #[error(
        "it is {0}, not a regular file; spacefold reads only files (reading it could block \
         for ever or never end): save what it gives to a file first"
    )]
    NotRegular(&'static str),
    /// Over [`MAX_FILE_BYTES`].
    #[error("the file is over the limit of {} MiB", MAX_FILE_BYTES / (1024 * 1024))]
    OverLimit,
    /// Text with a byte that is not UTF-8, where it is (from 1).
    #[error(
        "not UTF-8 text: line {line}, column {col} holds the byte {byte:#04x}, which is not valid"
    )]
    NotUtf8 {
        /// The line.
        line: usize,
        /// The column, in characters.
        col: usize,
        /// The first byte that is not valid.
        byte: u8,
    },
    /// A path under a packed program's folder that its payload lacks.
    #[error("no such file in this executable's packed talk")]
    NotPacked,
    /// A path named by a packed file that leads out of the packed talk.
    #[error("`{0}` is outside the packed talk; a packed file names only files packed with it")]
    OutsidePack(String),
}

/// The apps' and loaders' `Result<_, String>` take a read error as its sentence.
impl From<ReadError> for String {
    fn from(e: ReadError) -> String {
        e.to_string()
    }
}

/// A hidden temporary path beside `path`, unique to this process, keeping its extension
/// (ffmpeg chooses the container by it): `dir/.name.partial-PID.ext`.
pub fn temporary_beside(path: &Path) -> PathBuf {
    let (dir, stem, ext) = partial_parts(path);
    dir.join(format!("{stem}{}{ext}", std::process::id()))
}

/// The folder, the name's start (`.name.partial-`) and the extension (`.ext`) of the
/// temporary files written for `path`.
fn partial_parts(path: &Path) -> (&Path, String, String) {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (dir, format!(".{stem}.partial-"), ext)
}

/// Removes the temporary files (or folders) that an earlier spacefold left beside `path`
/// when it was killed: `.name.partial-PID.ext` whose process is gone. Only where a process's
/// presence can be told (`/proc`); elsewhere nothing is removed.
pub fn remove_stale_partials(path: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let (dir, start, ext) = partial_parts(path);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(&start)
            .and_then(|rest| rest.strip_suffix(ext.as_str()))
        else {
            continue;
        };
        let ours = pid.parse::<u32>().is_ok_and(|p| p != std::process::id());
        if ours && !Path::new("/proc").join(pid).exists() {
            let p = entry.path();
            let _ = if p.is_dir() && !p.is_symlink() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
        }
    }
}

/// Reads a text file of at most [`MAX_FILE_BYTES`], dropping a UTF-8 byte order mark. A
/// byte that is not UTF-8 is placed by line and column.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let bytes = read_bytes(path)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let valid = e.utf8_error().valid_up_to();
        not_utf8(&bytes[..valid], bytes[valid])
    })?;
    Ok(strip_bom(&text).to_string())
}

/// Where the byte after `valid` (UTF-8) is: its line and column, from 1.
fn not_utf8(valid: &[u8], byte: u8) -> ReadError {
    let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
    // Valid UTF-8 up to here: count characters, not bytes.
    let col = String::from_utf8_lossy(&valid[line_start..])
        .chars()
        .count()
        + 1;
    ReadError::NotUtf8 { line, col, byte }
}

/// Reads a file of at most [`MAX_FILE_BYTES`] (a network's `.npz` or `.safetensors`). A
/// path inside this executable's packed talk ([`mount`]) is read from there. Only a regular
/// file is read: a FIFO, socket or device is refused before it is opened.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    if let Some(packed) = packed_file(path) {
        return packed.map(<[u8]>::to_vec);
    }
    check_regular(&std::fs::metadata(path)?)?;
    let file = open_without_blocking(path)?;
    // The file may have been swapped since it was looked at.
    check_regular(&file.metadata()?)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::OverLimit);
    }
    Ok(bytes)
}

/// An error unless `meta` is a regular file's.
pub fn check_regular(meta: &std::fs::Metadata) -> Result<(), ReadError> {
    match special_kind(&meta.file_type()) {
        None if meta.is_dir() => Err(ReadError::NotRegular("a folder")),
        None => Ok(()),
        Some(kind) => Err(ReadError::NotRegular(kind)),
    }
}

/// What a file that is not regular is, in words; `None` for a regular file or a folder.
#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if kind.is_socket() {
        Some("a socket")
    } else if kind.is_char_device() {
        Some("a character device")
    } else if kind.is_block_device() {
        Some("a block device")
    } else {
        None
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> Option<&'static str> {
    None
}

/// Opens for reading without waiting: a FIFO put in a file's place between the look and
/// the open does not block the open (the check after it refuses it).
#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Whether a file is at `path`: in this executable's packed talk, when the path is inside
/// it, or on disk. Loaders ask this rather than [`Path::exists`], which never sees the
/// packed files.
pub fn exists(path: &Path) -> bool {
    match packed_file(path) {
        Some(packed) => packed.is_ok(),
        None => path.exists(),
    }
}

/// Files mounted from a packed program's payload (`spacefold pack`), under `root`.
struct Mount {
    root: PathBuf,
    files: BTreeMap<String, Vec<u8>>,
}

static MOUNTED: OnceLock<Mount> = OnceLock::new();

/// Mounts `files` (by `/`-separated path) under the folder `root` for [`read_bytes`],
/// [`read_text`] and [`exists`]: once a process (a second call changes nothing).
pub fn mount(root: &Path, files: BTreeMap<String, Vec<u8>>) {
    let root = lexical(root);
    MOUNTED.get_or_init(|| Mount { root, files });
}

/// A mounted file's contents, when `path` lies under the mounted folder: `None` for any
/// other path (the disk has it, or not); an error for a path under the folder that the
/// payload lacks.
pub fn packed_file(path: &Path) -> Option<Result<&'static [u8], ReadError>> {
    let mount = MOUNTED.get()?;
    let full = lexical(path);
    let rest = full.strip_prefix(&mount.root).ok()?;
    let found = slash_path(rest).and_then(|k| mount.files.get(&k));
    Some(found.map(Vec::as_slice).ok_or(ReadError::NotPacked))
}

/// Whether `path` lies under this executable's packed folder.
pub fn is_packed(path: &Path) -> bool {
    MOUNTED
        .get()
        .is_some_and(|m| lexical(path).starts_with(&m.root))
}

/// The path `named` (as a file in `dir` writes it) stands for: relative to `dir`. A packed
/// file's folder keeps what it names inside the packed talk: an absolute path, or one whose
/// `..` climb out, is an error, never a read of the disk.
pub fn beside(dir: Option<&Path>, named: &str) -> Result<PathBuf, ReadError> {
    let p = Path::new(named);
    let Some(dir) = dir else {
        return Ok(p.to_path_buf());
    };
    let joined = if p.is_relative() {
        dir.join(p)
    } else {
        p.to_path_buf()
    };
    if is_packed(dir) && !is_packed(&joined) {
        return Err(ReadError::OutsidePack(crate::limits::echo(named, 80)));
    }
    Ok(joined)
}

/// `path`, absolute, with `.` and `..` worked out on the text (as a packed file's path is
/// looked up: there is no disk to ask).
pub fn lexical(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` as a file in folder `from` names it: relative (`data.csv`, `../data/x.csv`) where
/// the two share a root, with `/` between the parts so that the name reads on any system;
/// else `path` as it is (absolute). Both are taken lexically (see [`lexical`]).
pub fn relative_to(path: &Path, from: &Path) -> String {
    let (to, base) = (lexical(path), lexical(from));
    let (a, b): (Vec<_>, Vec<_>) = (to.components().collect(), base.components().collect());
    let shared = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    // Only the root in common (another drive, or nothing but `/`): the absolute path reads
    // better than a climb to the top.
    if shared <= 1 {
        return to.display().to_string();
    }
    let up = std::iter::repeat_n("..".to_string(), b.len() - shared);
    let down = a[shared..]
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    up.chain(down).collect::<Vec<_>>().join("/")
}

/// A relative path as a payload names it (`scenes/data.csv`); `None` when a part is not
/// UTF-8 or not a plain name.
pub fn slash_path(relative: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = relative
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    parts.map(|p| p.join("/"))
}

/// `text` without a leading UTF-8 byte order mark (editors on Windows write one).
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Where a write to a path goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// A regular file, or a new one: written atomically, here (a link's target).
    File(PathBuf),
    /// A character device or a FIFO: written straight into.
    Stream(PathBuf),
    /// This process's standard output (`-`, `/dev/stdout`) or error (`/dev/stderr`):
    /// written through the descriptor it was given, so a pipe takes it and a file opened
    /// to append (`>> log`) is appended to.
    Standard(Standard),
}

/// One of the process's own output streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standard {
    /// Descriptor 1.
    Out,
    /// Descriptor 2.
    Err,
}

/// Whether `path` names this process's standard output or error: `-` (output), or the
/// names the system gives them (`/dev/stdout`, `/dev/fd/1`, `/proc/self/fd/1`, and 2).
pub fn standard_stream(path: &Path) -> Option<Standard> {
    let text = path.to_str()?;
    let fd = match text {
        "-" => return Some(Standard::Out),
        "/dev/stdout" => "1",
        "/dev/stderr" => "2",
        other => other
            .strip_prefix("/dev/fd/")
            .or_else(|| other.strip_prefix("/proc/self/fd/"))?,
    };
    match fd {
        "1" => Some(Standard::Out),
        "2" => Some(Standard::Err),
        _ => None,
    }
}

/// Where a write to `path` goes, following symbolic links; an error for what spacefold
/// never writes over (a folder, a block device, a socket) or a path that names no file.
pub fn resolve_output(path: &Path) -> std::io::Result<Output> {
    if let Some(stream) = standard_stream(path) {
        return Ok(Output::Standard(stream));
    }
    let refuse = |why: String| Err(std::io::Error::other(why));
    // `out/` names a folder, even where none is yet: never a file called `out`.
    let text = path.as_os_str().to_string_lossy();
    if text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
        return refuse(format!(
            "{} ends in a slash, which names a folder: name a file",
            path.display()
        ));
    }
    let p = follow_links(path)?;
    if p.file_name().is_none() {
        return refuse("the path names no file".into());
    }
    let kind = match std::fs::symlink_metadata(&p) {
        Ok(m) => m.file_type(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Output::File(p)),
        Err(e) => return Err(e),
    };
    if kind.is_file() {
        return Ok(Output::File(p));
    }
    if kind.is_dir() {
        return refuse(format!("{} is a folder", p.display()));
    }
    if is_stream(&kind) {
        return Ok(Output::Stream(p));
    }
    refuse(format!(
        "{} is not a regular file (a block device or a socket); spacefold writes only \
         files, character devices such as /dev/null, and FIFOs",
        p.display()
    ))
}

/// The path a chain of symbolic links ends at (`path` itself when it is none, or when
/// nothing is there yet); a link's relative target is read from the link's folder.
pub fn follow_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

#[cfg(unix)]
fn is_stream(kind: &std::fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt;
    kind.is_char_device() || kind.is_fifo()
}

#[cfg(not(unix))]
fn is_stream(_: &std::fs::FileType) -> bool {
    false
}

/// Checks, before any work starts, that a write to `path` can be done: where it goes is
/// something spacefold writes, its folder exists and a file can be created in it. Nothing is
/// left behind.
pub fn check_output(path: &Path) -> std::io::Result<()> {
    let Output::File(p) = resolve_output(path)? else {
        return Ok(());
    };
    check_folder_writable(&p)
}

/// Checks that a file can be created beside `path` (in its folder), leaving nothing; an
/// error names the folder, never the probe's hidden name.
pub fn check_folder_writable(path: &Path) -> std::io::Result<()> {
    let (dir, _, _) = partial_parts(path);
    if !dir.is_dir() {
        return Err(std::io::Error::other(format!(
            "the folder {} does not exist",
            dir.display()
        )));
    }
    let probe = temporary_beside(path);
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe);
    if let Err(e) = created {
        return Err(std::io::Error::new(
            e.kind(),
            format!("the folder {} takes no new file ({e})", dir.display()),
        ));
    }
    std::fs::remove_file(&probe)
}

/// A file's identity: the same for two paths (links, hard links, `a/../b`) that reach one
/// file. `None` when nothing is there yet.
#[cfg(unix)]
fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok()
}

/// Whether writing to `output` would write over `input`: the same file reached by any
/// path, link or hard link; or, where nothing is yet, the same path.
pub fn same_file(output: &Path, input: &Path) -> bool {
    if let Some(stream) = standard_stream(output) {
        return standard_stream(input) == Some(stream);
    }
    match (file_id(output), file_id(input)) {
        (Some(a), Some(b)) => a == b,
        _ => follow_links(output).is_ok_and(|o| lexical(&o) == lexical(input)),
    }
}

/// The temporary files and folders being written now: removed by [`remove_partials`] when
/// the process must stop at once (a second Ctrl+C).
static PARTIALS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Notes a temporary file or folder being written, for [`remove_partials`].
pub fn register_partial(path: &Path) {
    if let Ok(mut p) = PARTIALS.lock() {
        p.push(path.to_path_buf());
    }
}

/// Forgets a temporary once it is renamed into place or removed.
pub fn forget_partial(path: &Path) {
    if let Ok(mut p) = PARTIALS.lock() {
        p.retain(|q| q != path);
    }
}

/// Removes every temporary still being written (files, or folders of frames): the last
/// thing a process stopped at once does.
pub fn remove_partials() {
    remove_registered(|_| true);
}

/// Removes the registered temporaries that `which` picks.
fn remove_registered(which: impl Fn(&Path) -> bool) {
    let mut taken = vec![];
    for attempt in 0..2 {
        if let Ok(mut p) = PARTIALS.try_lock() {
            let (gone, kept) = std::mem::take(&mut *p).into_iter().partition(|q| which(q));
            *p = kept;
            taken = gone;
            break;
        }
        // Held by a writer this very moment: wait for it a moment.
        if attempt == 0 {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
    for p in taken {
        let _ = if p.is_dir() && !p.is_symlink() {
            std::fs::remove_dir_all(&p)
        } else {
            std::fs::remove_file(&p)
        };
    }
}

/// Writes `bytes` to `path` as [`resolve_output`] says: atomically into a regular file
/// (readers see the old file or the new one, never a mix; a failure leaves the old file),
/// straight into a device or FIFO.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_file(path, bytes, false)
}

/// As [`write_atomic`], for a program: on Unix the file is executable (by whoever may read
/// it) before it takes the name, so no one can find it there and fail to run it.
pub fn write_executable(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_file(path, bytes, true)
}

/// Marks an open file executable wherever it is readable (`rw-r--r--` → `rwxr-xr-x`).
#[cfg(unix)]
fn make_executable(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = file.metadata()?.permissions().mode();
    file.set_permissions(std::fs::Permissions::from_mode(
        mode | ((mode & 0o444) >> 2),
    ))
}

/// Windows runs any `.exe`: there is no bit to set.
#[cfg(not(unix))]
fn make_executable(_: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8], executable: bool) -> std::io::Result<()> {
    let target = match resolve_output(path)? {
        Output::Stream(p) => {
            let mut out = std::fs::OpenOptions::new().write(true).open(p)?;
            return out.write_all(bytes);
        }
        Output::Standard(Standard::Out) => {
            let mut out = std::io::stdout().lock();
            return out.write_all(bytes).and_then(|()| out.flush());
        }
        Output::Standard(Standard::Err) => return std::io::stderr().lock().write_all(bytes),
        Output::File(p) => p,
    };
    remove_stale_partials(&target);
    let tmp = temporary_beside(&target);
    register_partial(&tmp);
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        if executable {
            make_executable(&file)?;
        }
        file.sync_all()?;
        std::fs::rename(&tmp, &target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    forget_partial(&tmp);
    // The temporary's hidden name means nothing to the user: say the folder.
    result.map_err(|e| match e.kind() {
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
            let (dir, _, _) = partial_parts(&target);
            std::io::Error::new(
                e.kind(),
                format!("the folder {} takes no new file ({e})", dir.display()),
            )
        }
        _ => e,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_named_from_the_folder_of_the_file_that_names_it() {
        let at = |p: &str, from: &str| relative_to(Path::new(p), Path::new(from));
        assert_eq!(at("/talks/data/x.csv", "/talks/data"), "x.csv");
        assert_eq!(at("/talks/data/x.csv", "/talks/scenes"), "../data/x.csv");
        assert_eq!(at("/talks/x.csv", "/talks/a/b"), "../../x.csv");
        assert_eq!(at("/talks/./a/../x.csv", "/talks"), "x.csv");
        assert_eq!(at("/elsewhere/x.csv", "/talks"), "/elsewhere/x.csv");
    }

    fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("spacefold-io-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn mounted_files_are_read_under_their_folder_and_nowhere_else() {
        // The mount is the process's: a root no other test reads under.
        let root = std::env::temp_dir().join("spacefold-io-mount/talk.bin");
        let files = [("a/s.ron", "Scene("), ("a/d.csv", "x1,label")];
        mount(
            &root,
            files
                .iter()
                .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
                .collect(),
        );
        assert_eq!(read_text(&root.join("a/s.ron")).unwrap(), "Scene(");
        assert_eq!(read_text(&root.join("a/./b/../d.csv")).unwrap(), "x1,label");
        assert!(exists(&root.join("a/d.csv")) && !exists(&root.join("a/e.csv")));
        let e = read_bytes(&root.join("a")).unwrap_err().to_string();
        assert!(e.contains("packed talk"), "{e}");
        // What a packed file names stays in the packed talk.
        let dir = root.join("a");
        assert_eq!(beside(Some(&dir), "d.csv").unwrap(), dir.join("d.csv"));
        for outside in ["../../x.csv", "/etc/passwd", "../../../../etc/passwd"] {
            let e = beside(Some(&dir), outside).unwrap_err().to_string();
            assert!(e.contains("outside the packed talk"), "{outside}: {e}");
        }
        assert!(beside(Some(&root.with_file_name("b")), "../x.csv").is_ok());
        // Beside the folder, the disk answers.
        assert!(!exists(&root.with_file_name("a/s.ron")));
    }

    #[test]
    fn a_path_ending_in_a_slash_is_never_written_as_a_file() {
        let dir = dir("slash");
        let out = format!("{}/out/", dir.display());
        let e = write_atomic(Path::new(&out), b"x").unwrap_err();
        assert!(e.to_string().contains("names a folder"), "{e}");
        assert!(check_output(Path::new(&out)).is_err());
        assert!(!dir.join("out").exists(), "no file called out");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = dir("replace");
        let path = dir.join("out.txt");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let entries: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(entries.len(), 1, "no temporary file is left behind");
        // A directory that does not exist: an error, nothing written.
        assert!(write_atomic(&dir.join("missing/out.txt"), b"x").is_err());
        assert!(check_output(&dir.join("missing/out.txt")).is_err());
        assert!(check_output(&path).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_followed_and_kept_and_devices_are_written_into() {
        let dir = dir("link");
        let real = dir.join("real.txt");
        std::fs::write(&real, b"old").unwrap();
        let link = dir.join("link.txt");
        std::os::unix::fs::symlink("real.txt", &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        let null = Path::new("/dev/null");
        assert_eq!(
            resolve_output(null).unwrap(),
            Output::Stream(null.to_path_buf())
        );
        write_atomic(null, b"gone").unwrap();
        assert!(!std::fs::metadata(null).unwrap().file_type().is_file());
        let e = write_atomic(&dir, b"x").unwrap_err().to_string();
        assert!(e.contains("is a folder"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn reads_are_capped_and_drop_a_byte_order_mark() {
        let dir = dir("read");
        let path = dir.join("bom.txt");
        std::fs::write(&path, "\u{feff}Scene(").unwrap();
        assert_eq!(read_text(&path).unwrap(), "Scene(");
        std::fs::write(&path, [b'a', 0xff, b'b']).unwrap();
        let e = read_text(&path).unwrap_err().to_string();
        assert!(e.contains("line 1, column 2"), "{e}");
        std::fs::write(
            &path,
            "x,y\né,\n1,2é"
                .bytes()
                .chain([0xc3, b'x'])
                .collect::<Vec<_>>(),
        )
        .unwrap();
        let e = read_text(&path).unwrap_err().to_string();
        assert!(e.contains("line 3, column 5 holds the byte 0xc3"), "{e}");
        #[cfg(unix)]
        {
            let e = read_text(Path::new("/dev/zero")).unwrap_err().to_string();
            assert!(e.contains("a character device, not a regular file"), "{e}");
            let fifo = dir.join("fifo");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                // Would block for ever if it were opened to be read.
                let e = read_text(&fifo).unwrap_err().to_string();
                assert!(e.contains("FIFO"), "{e}");
            }
            let e = read_bytes(&dir).unwrap_err().to_string();
            assert!(e.contains("a folder"), "{e}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn standard_streams_are_written_through_their_descriptor() {
        for (name, stream) in [
            ("-", Some(Standard::Out)),
            ("/dev/stdout", Some(Standard::Out)),
            ("/dev/fd/1", Some(Standard::Out)),
            ("/proc/self/fd/2", Some(Standard::Err)),
            ("/dev/fd/3", None),
            ("out.csv", None),
        ] {
            assert_eq!(standard_stream(Path::new(name)), stream, "{name}");
        }
        assert!(check_output(Path::new("/dev/stdout")).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn the_same_file_is_found_through_links_and_hard_links() {
        let dir = dir("same");
        let input = dir.join("talk.ron");
        std::fs::write(&input, "Talk(").unwrap();
        let link = dir.join("link.ron");
        std::os::unix::fs::symlink("talk.ron", &link).unwrap();
        let hard = dir.join("hard.ron");
        std::fs::hard_link(&input, &hard).unwrap();
        let sub = dir.join("sub");
        std::fs::create_dir(&sub).unwrap();
        for same in [&input, &link, &hard, &sub.join("../talk.ron")] {
            assert!(same_file(same, &input), "{}", same.display());
        }
        assert!(!same_file(&dir.join("other.ron"), &input));
        // A dangling link is followed to where the write would go.
        let dangling = dir.join("dangling");
        std::os::unix::fs::symlink("new.ron", &dangling).unwrap();
        assert!(same_file(&dangling, &dir.join("new.ron")));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn partials_being_written_are_removed_when_asked() {
        let dir = dir("partials");
        let (file, folder) = (dir.join(".a.partial-1"), dir.join(".b.partial-1"));
        std::fs::write(&file, b"half").unwrap();
        std::fs::create_dir_all(folder.join("x")).unwrap();
        let kept = dir.join(".c.partial-1");
        std::fs::write(&kept, b"done").unwrap();
        for p in [&file, &folder, &kept] {
            register_partial(p);
        }
        forget_partial(&kept);
        // Only this test's: other tests write theirs at the same time.
        remove_registered(|p| p.starts_with(&dir));
        assert!(!file.exists() && !folder.exists() && kept.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn stale_temporaries_of_dead_processes_are_removed() {
        if !Path::new("/proc/self").exists() {
            return;
        }
        let dir = dir("stale");
        let out = dir.join("clip.gif");
        // No process has PID 4000000000; ours is alive; other names are not ours to touch.
        let dead = dir.join(".clip.partial-4000000000.gif");
        let alive = temporary_beside(&out);
        let other = dir.join(".clip.partial-x.gif");
        for p in [&dead, &alive, &other] {
            std::fs::write(p, b"").unwrap();
        }
        remove_stale_partials(&out);
        assert!(!dead.exists() && alive.exists() && other.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
