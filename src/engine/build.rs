//! Bundles scene scripts into the binary, so a presentation needs nothing beside it: every
//! `scenes/*.ron`, plus those in the directories listed in `SPACEFOLD_SCENES` (separated like
//! `PATH`), become `spacefold play --present NAME`.

use std::fmt::Write;
use std::path::PathBuf;

fn main() {
    // The repository's root (this crate is src/engine): the shipped scenes are there, and a
    // relative folder in SPACEFOLD_SCENES is read from there.
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap()).join("../..");
    let shipped = root.join("scenes");
    let mut dirs = vec![shipped.clone()];
    println!("cargo:rerun-if-changed={}", shipped.display());
    println!("cargo:rerun-if-env-changed=SPACEFOLD_SCENES");
    if let Some(extra) = std::env::var_os("SPACEFOLD_SCENES") {
        for d in std::env::split_paths(&extra) {
            let d = root.join(d);
            println!("cargo:rerun-if-changed={}", d.display());
            dirs.push(d);
        }
    }
    let mut scenes: Vec<(String, PathBuf)> = vec![];
    for dir in &dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            if *dir != shipped {
                println!(
                    "cargo:warning=SPACEFOLD_SCENES: cannot read {}",
                    dir.display()
                );
            }
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "ron"))
            .collect();
        files.sort();
        for f in files {
            println!("cargo:rerun-if-changed={}", f.display());
            let name = f.file_stem().unwrap().to_string_lossy().into_owned();
            let path = std::fs::canonicalize(&f).unwrap_or(f);
            // A user's scene of the same name replaces the shipped one.
            scenes.retain(|(n, _)| *n != name);
            scenes.push((name, path));
        }
    }
    let mut code = String::from("/// Scene scripts bundled into the binary: (name, text).\n");
    code += "pub const BUNDLED: &[(&str, &str)] = &[\n";
    for (name, path) in &scenes {
        writeln!(
            code,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    code += "];\n";
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap()).join("bundled_scenes.rs");
    std::fs::write(out, code).unwrap();
}
