//! `spacefold pack`: a talk packed into one executable; and how a packed program reads its
//! own command line (no arguments present the talk).

use super::UsageError;
use clap::Args;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// `spacefold pack`'s arguments.
#[derive(Debug, Args)]
pub struct PackArgs {
    /// The talk file, or scene files (RON) or bundled scenes' names, played in order
    /// as a talk titled by the first.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The executable to write (`talk.bin`; `talk.exe` for Windows).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// The spacefold program to pack onto (default: this one): the Windows
    /// `spacefold.exe` of the same version makes a `.exe` that runs on Windows.
    #[arg(long, value_name = "PATH")]
    base: Option<PathBuf>,
}

/// Mounts this program's packed talk, when it has one, and returns its path; exit code 2,
/// said why, when the payload is damaged (checked before anything else: a damaged talk must
/// not half-play).
pub fn mount_packed() -> Result<Option<PathBuf>, ExitCode> {
    crate::engine::pack::mount_current_exe().map_err(|e| {
        eprintln!("error: {e}; copy it again, or pack the talk again");
        ExitCode::from(2)
    })
}

/// The command line of a program with a packed talk: none at all presents the talk full
/// screen, `--windowed` alone presents it in a window; anything else is read as given.
pub fn packed_arguments(args: Vec<OsString>, talk: Option<&Path>) -> Vec<OsString> {
    let Some(talk) = talk else { return args };
    let program = args.first().cloned().unwrap_or_else(|| "spacefold".into());
    let play = |extra: &[&str]| {
        let mut line = vec![program.clone(), "play".into(), "--present".into()];
        line.extend(extra.iter().map(OsString::from));
        line.push(talk.into());
        line
    };
    match &args[1.min(args.len())..] {
        [] => play(&[]),
        [only] if only == "--windowed" => play(&["--windowed"]),
        _ => args,
    }
}

/// The files a command was given, or, when it was given none, the packed talk (an error
/// in a program without one).
pub fn packed_or_given(
    files: Vec<PathBuf>,
    packed: Option<&Path>,
    command: &str,
) -> Result<Vec<PathBuf>, UsageError> {
    match (files.is_empty(), packed) {
        (false, _) => Ok(files),
        (true, Some(talk)) => Ok(vec![talk.to_path_buf()]),
        (true, None) => Err(UsageError(format!(
            "`spacefold {command}` needs a scene file, a talk, or a bundled scene's name \
             (see `spacefold scenes`)"
        ))),
    }
}

/// `render`'s scene: the one given, or the packed talk's when it has only one (a talk is
/// rendered whole only as its cues, `--cues`; otherwise its scenes are, one by one).
#[cfg_attr(
    not(feature = "app"),
    allow(dead_code, reason = "only the window's commands call it")
)]
pub fn packed_scene(
    given: Option<PathBuf>,
    packed: Option<&Path>,
    cues: bool,
) -> Result<PathBuf, UsageError> {
    let talk = packed_or_given(Vec::from_iter(given), packed, "render")?.remove(0);
    if cues || Some(talk.as_path()) != packed {
        return Ok(talk);
    }
    let loaded = crate::engine::scene::talk::load_talk(&talk, false)
        .map_err(|e| UsageError(e.to_string()))?;
    match loaded.scenes.as_slice() {
        [(only, _)] => Ok(only.clone()),
        scenes => {
            let names: Vec<String> = scenes.iter().map(|s| s.0.display().to_string()).collect();
            Err(UsageError(format!(
                "the packed talk has {} scenes: name the one to render: {}",
                names.len(),
                names.join(", ")
            )))
        }
    }
}

impl From<crate::engine::pack::PackError> for UsageError {
    fn from(e: crate::engine::pack::PackError) -> Self {
        use crate::engine::pack::PackError as E;
        UsageError(match e {
            E::Base { path, why } => format!("--base {}: {why}", path.display()),
            E::OutputIsInput {
                output,
                input,
                what,
            } => format!(
                "--out {}: that is {} ({what}); the program would replace it: choose another \
                 --out",
                output.display(),
                input.display()
            ),
            E::Write { path, source } => {
                format!("--out {}: cannot write there: {source}", path.display())
            }
            other => other.to_string(),
        })
    }
}

/// `spacefold pack`: checks the output can be written, packs, and says what and how fast.
pub fn run(args: &PackArgs) -> Result<ExitCode, UsageError> {
    let (files, out, base) = (&args.files, &args.out, args.base.as_deref());
    super::check_output("--out", out)?;
    let start = Instant::now();
    let packed = crate::engine::pack::pack(files, base, out)?;
    let other = match packed.data_files {
        0 => String::new(),
        1 => ", 1 file".into(),
        n => format!(", {n} files"),
    };
    eprintln!(
        "packed \"{}\" ({} scene(s){other}), {:.1} MiB into {} in {:.1} s",
        packed.title,
        packed.scenes,
        packed.bytes as f64 / (1024.0 * 1024.0),
        out.display(),
        start.elapsed().as_secs_f64()
    );
    eprintln!(
        "run it with no arguments to present the talk full screen, with --windowed in a \
         window; `{} check` checks it",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}
