//! `spacefold presets` and `spacefold scenes`: what is built in.

use super::UsageError;
use std::io::Write;
use std::process::ExitCode;

/// Lists the scenes bundled into the binary.
pub fn scenes() -> Result<ExitCode, UsageError> {
    // Written without panicking when the reader goes away (`| head`).
    let mut out = std::io::stdout().lock();
    for (name, text) in crate::engine::scene::bundled::BUNDLED {
        let title = crate::engine::scene::parse(text, name)
            .map(|s| s.title)
            .unwrap_or_default();
        let _ = writeln!(out, "{name:24}  {title}");
    }
    let _ = writeln!(out, "\nPlay one with `spacefold play --present NAME`.");
    Ok(ExitCode::SUCCESS)
}

/// Lists the presets.
pub fn presets() -> Result<ExitCode, UsageError> {
    let presets = crate::engine::presets::PRESETS;
    let width = presets.iter().map(|p| p.name.len()).max().unwrap_or(0);
    // Written without panicking when the reader goes away (`| head`).
    let mut out = std::io::stdout().lock();
    for p in presets {
        let _ = writeln!(out, "{:width$}  {}", p.name, p.summary);
    }
    let _ = writeln!(out, "\nOpen one with `spacefold --preset NAME`.");
    Ok(ExitCode::SUCCESS)
}
