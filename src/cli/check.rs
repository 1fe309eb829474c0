//! `spacefold check`: scene scripts and talks checked without a window, and with `--verify`
//! what their figures show measured.

use super::UsageError;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `spacefold check`'s arguments.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scene files (RON), or names of bundled scenes; in a packed program, the packed
    /// talk when left out.
    files: Vec<PathBuf>,
    /// Also train each network exactly as the player does and print what its figure
    /// shows: the accuracy, and at every layer boundary the width, the spread after W·a
    /// and after the activation (smaller over larger principal spread of the shown
    /// directions) and the linear separability (accuracy of a linear classifier fitted
    /// there).
    #[arg(long)]
    verify: bool,
    /// With --verify: write each scene's trained network as DIR/NAME.ron and the points
    /// it was trained on as DIR/NAME.csv.
    #[arg(long, value_name = "DIR", requires = "verify")]
    networks: Option<PathBuf>,
}

/// Checks (and verifies) every file; exit 1 when any fails.
pub fn run(args: CheckArgs, packed: Option<&Path>) -> Result<ExitCode, UsageError> {
    let files = super::pack::packed_or_given(args.files, packed, "check")?;
    let (verify, networks) = (args.verify, args.networks.as_deref());
    let mut failed = 0;
    if let Some(dir) = networks {
        check_networks_folder(dir, &files)?;
    }
    for f in &files {
        if crate::engine::scene::talk::is_talk_file(f) {
            failed += check_talk(f, verify, networks);
            continue;
        }
        match crate::engine::scene::load_path_or_name(f, verify) {
            Ok(loaded) => {
                print_checked(f, &loaded);
                if verify && !verify_scene(f, &loaded, networks) {
                    failed += 1;
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("error {e}");
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {} scene(s) failed", files.len());
        Ok(ExitCode::from(1))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

/// Before any training: `--networks DIR` exists (made if need be) and none of the files
/// it will hold (`DIR/NAME.ron`, `DIR/NAME.csv`) is a scene, a talk, or a file they read.
fn check_networks_folder(dir: &Path, files: &[PathBuf]) -> Result<(), UsageError> {
    if let Err(e) = std::fs::create_dir_all(dir) {
        return Err(UsageError(format!("--networks {}: {e}", dir.display())));
    }
    let mut inputs = vec![];
    for f in files {
        inputs.extend(super::scene_inputs(f));
    }
    for (scene, _) in inputs.iter().filter(|(_, what)| *what == "a scene") {
        for written in [network_file(dir, scene), points_file(dir, scene)] {
            super::check_not_input("--networks", &written, &inputs)?;
        }
    }
    Ok(())
}

/// Where `--networks DIR` puts a scene's trained network.
fn network_file(dir: &Path, scene: &Path) -> PathBuf {
    dir.join(format!("{}.ron", scene_name(scene)))
}

/// Where `--networks DIR` puts a scene's points.
fn points_file(dir: &Path, scene: &Path) -> PathBuf {
    dir.join(format!("{}.csv", scene_name(scene)))
}

fn scene_name(scene: &Path) -> String {
    scene
        .file_stem()
        .map_or_else(|| "scene".into(), |s| s.to_string_lossy().into_owned())
}

/// Checks a talk and every scene it names (and verifies them); 1 when it fails, else 0.
fn check_talk(file: &Path, verify: bool, networks: Option<&Path>) -> usize {
    match crate::engine::scene::talk::load_talk(file, verify) {
        Ok(talk) => {
            println!(
                "ok    {}: talk \"{}\", {} scene(s)",
                file.display(),
                talk.talk.title,
                talk.scenes.len()
            );
            let mut failed = 0;
            for (source, loaded) in &talk.scenes {
                print_checked(source, loaded);
                if verify && !verify_scene(source, loaded, networks) {
                    failed = 1;
                }
            }
            failed
        }
        Err(e) => {
            eprintln!("error {e}");
            1
        }
    }
}

/// The `ok` line of a scene that loads.
fn print_checked(file: &Path, loaded: &crate::engine::scene::Loaded) {
    let tl = &loaded.timeline;
    println!(
        "ok    {}: \"{}\", {} layers, {:.1} s, {} cue(s){}",
        file.display(),
        loaded.scene.title,
        loaded.network.layers().len(),
        tl.duration(),
        tl.cues().len(),
        if tl.shots().is_empty() {
            String::new()
        } else {
            format!(", {} shots", tl.shots().len())
        }
    );
}

/// Prints what a loaded scene's figure shows and, with `networks`, writes its network and
/// points there; false when that cannot be done.
fn verify_scene(
    file: &Path,
    loaded: &crate::engine::scene::Loaded,
    networks: Option<&Path>,
) -> bool {
    let v = match crate::engine::scene::verify::verify(loaded) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error {}: cannot measure the figure: {e}", file.display());
            return false;
        }
    };
    print!("{}", v.table());
    let failed = crate::engine::scene::verify::failed_claims(loaded, &v);
    for f in &failed {
        eprintln!(
            "error {}:{}:{}: {}",
            file.display(),
            f.at.0,
            f.at.1,
            f.message
        );
    }
    if !failed.is_empty() {
        return false;
    }
    if !loaded.scene.claims.is_empty() {
        println!("  {} claim(s) hold", loaded.scene.claims.len());
    }
    let Some(dir) = networks else { return true };
    let written = loaded
        .network
        .save(&network_file(dir, file))
        .map_err(|e| e.to_string())
        .and_then(|()| {
            loaded
                .data
                .save_csv(&points_file(dir, file))
                .map_err(|e| e.to_string())
        });
    if let Err(e) = written {
        eprintln!("error {}: {e}", file.display());
        return false;
    }
    true
}
