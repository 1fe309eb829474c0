//! `spacefold play`: a scene, or a talk, in a window.

use crate::app::AppOptions;
use crate::cli::UsageError;
use crate::cli::args::PlayArgs;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// Opens the scene or talk (the packed talk when none is given) and plays it until the
/// window closes; `startup_probe`: print how long until its first frame shows, then quit.
pub fn play(
    args: PlayArgs,
    packed: Option<&Path>,
    startup_probe: Option<Instant>,
) -> Result<ExitCode, UsageError> {
    let file = &super::super::pack::packed_or_given(Vec::from_iter(args.file), packed, "play")?[0];
    let PlayArgs {
        present,
        cue,
        windowed,
        screenshot,
        screenshot_after,
        size,
        speaker,
        auto,
        looping,
        screen,
        ..
    } = args;
    if screen == Some(0) {
        return Err(UsageError("--screen 0: monitors count from 1".into()));
    }
    super::super::check_seconds("--screenshot-after", screenshot_after)?;
    if let Some(secs) = auto {
        super::super::check_seconds("--auto", secs)?;
    }
    // A talk's scenes are checked now and trained as it plays (the first before it opens).
    let talk = if crate::engine::scene::talk::is_talk_file(file) {
        Some(
            crate::engine::scene::talk::load_talk(file, false)
                .map_err(|e| UsageError(e.to_string()))?,
        )
    } else {
        None
    };
    let loaded = match &talk {
        Some(t) => t.scenes[0].1.clone(),
        None => crate::engine::scene::load_path_or_name(file, true)
            .map_err(|e| UsageError(e.to_string()))?,
    };
    let cues = loaded.timeline.cues().len();
    if let Some(c) = cue
        && (c == 0 || c > cues)
    {
        return Err(UsageError(format!(
            "--cue {c}: the scene has {cues} cue(s), counted from 1"
        )));
    }
    let mut player = match talk {
        Some(t) => crate::app::player::Player::for_talk(t, present, cue, false)
            .map_err(|e| UsageError(e.to_string()))?,
        None => crate::app::player::Player::new(file.to_path_buf(), loaded, present, cue),
    };
    player.walk.looping = looping;
    if let Some(e) = super::super::no_display() {
        return Err(e);
    }
    crate::app::run(AppOptions {
        screenshot,
        screenshot_after,
        fullscreen: present && !windowed,
        screen,
        auto,
        // A file of the user's (not a bundled scene's name): its record is kept beside it.
        talk_file: std::fs::metadata(file)
            .is_ok_and(|m| m.is_file())
            .then(|| file.to_path_buf()),
        startup_probe,
        speaker,
        ..AppOptions::for_scene(player, size.pair())
    });
    Ok(ExitCode::SUCCESS)
}
