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
//! A program made by `spacefold pack` mounts its packed files under a folder ([`mount`]):
//! reads of a path there come from the payload, so every loader reads packed files unchanged.

use crate::limits::MAX_FILE_BYTES;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

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

/// Reads a text file of at most [`MAX_FILE_BYTES`], dropping a UTF-8 byte order mark. The
/// error says why in words (the file's name is the caller's to add).
pub fn read_text(path: &Path) -> Result<String, String> {
    let bytes = read_bytes(path)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (byte {} is not valid)",
            e.utf8_error().valid_up_to() + 1
        )
    })?;
    Ok(strip_bom(&text).to_string())
}

/// Reads a file of at most [`MAX_FILE_BYTES`] (a network's `.npz` or `.safetensors`). A
/// path inside this executable's packed talk ([`mount`]) is read from there.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    if let Some(packed) = packed_file(path) {
        return packed.map(<[u8]>::to_vec);
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "the file is over the limit of {} MiB",
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    Ok(bytes)
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
pub fn packed_file(path: &Path) -> Option<Result<&'static [u8], String>> {
    let mount = MOUNTED.get()?;
    let full = lexical(path);
    let rest = full.strip_prefix(&mount.root).ok()?;
    let found = slash_path(rest).and_then(|k| mount.files.get(&k));
    let missing = || "no such file in this executable's packed talk".to_string();
    Some(found.map(Vec::as_slice).ok_or_else(missing))
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
}

/// Where a write to `path` goes, following symbolic links; an error for what spacefold
/// never writes over (a folder, a block device, a socket) or a path that names no file.
pub fn resolve_output(path: &Path) -> std::io::Result<Output> {
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
    let (dir, _, _) = partial_parts(&p);
    if !dir.is_dir() {
        return Err(std::io::Error::other(format!(
            "the folder {} does not exist",
            dir.display()
        )));
    }
    let probe = temporary_beside(&p);
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)?;
    std::fs::remove_file(&probe)
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
        Output::File(p) => p,
    };
    remove_stale_partials(&target);
    let tmp = temporary_beside(&target);
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
    result
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let e = read_bytes(&root.join("a")).unwrap_err();
        assert!(e.contains("packed talk"), "{e}");
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
        assert!(read_text(&path).unwrap_err().contains("byte 2"));
        #[cfg(unix)]
        assert!(
            read_text(Path::new("/dev/zero"))
                .unwrap_err()
                .contains("over the limit")
        );
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
