//! Files opened lately (data, networks, scenes, talks), remembered between runs in the
//! user's config folder: `recent.ron` in `$XDG_CONFIG_HOME/spacefold` (or
//! `~/.config/spacefold`), `%APPDATA%\spacefold` on Windows, `~/Library/Application
//! Support/spacefold` on macOS; `SPACEFOLD_CONFIG_DIR` names another folder. Written
//! atomically; a list that cannot be read is started afresh, never a reason to fail.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How many files the list keeps.
pub const MAX_RECENT: usize = 10;

/// The files, most recent first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Recent {
    /// Paths as opened (made absolute), most recent first.
    pub files: Vec<PathBuf>,
}

/// The folder spacefold keeps its settings in, if the system names one.
pub fn config_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var("SPACEFOLD_CONFIG_DIR") {
        return Some(dir);
    }
    let base = if cfg!(windows) {
        var("APPDATA")
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|h| h.join("Library/Application Support"))
    } else {
        var("XDG_CONFIG_HOME").or_else(|| var("HOME").map(|h| h.join(".config")))
    };
    base.map(|b| b.join("spacefold"))
}

impl Recent {
    /// The list in `dir` (empty when there is none, or it cannot be read).
    pub fn load_from(dir: &Path) -> Recent {
        crate::engine::io::read_text(&dir.join("recent.ron"))
            .ok()
            .and_then(|text| ron::from_str::<Recent>(&text).ok())
            .map(|mut r| {
                r.files.truncate(MAX_RECENT);
                r
            })
            .unwrap_or_default()
    }

    /// Puts `path` first (made absolute; once in the list), keeping at most [`MAX_RECENT`].
    pub fn remember(&mut self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.files.retain(|p| *p != path);
        self.files.insert(0, path);
        self.files.truncate(MAX_RECENT);
    }

    /// Writes the list into `dir` (made if need be), atomically.
    pub fn save_to(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::new())
            .map_err(std::io::Error::other)?;
        crate::engine::io::write_atomic(&dir.join("recent.ron"), text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_keeps_the_latest_first_once_each_and_survives_a_restart() {
        let dir = std::env::temp_dir().join(format!("spacefold-recent-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(Recent::load_from(&dir), Recent::default(), "none yet");
        let mut recent = Recent::default();
        for i in 0..MAX_RECENT + 3 {
            recent.remember(Path::new(&format!("/data/{i}.csv")));
        }
        recent.remember(Path::new("/data/5.csv"));
        assert_eq!(recent.files.len(), MAX_RECENT);
        assert_eq!(recent.files[0], Path::new("/data/5.csv"));
        assert_eq!(
            recent.files[1],
            Path::new(&format!("/data/{}.csv", MAX_RECENT + 2))
        );
        assert_eq!(
            recent.files.iter().filter(|p| p.ends_with("5.csv")).count(),
            1
        );
        recent.remember(Path::new("relative.csv"));
        assert!(recent.files[0].is_absolute());
        recent.save_to(&dir).unwrap();
        assert_eq!(Recent::load_from(&dir), recent);
        // A damaged list starts afresh.
        std::fs::write(dir.join("recent.ron"), "(files: [1, 2").unwrap();
        assert_eq!(Recent::load_from(&dir), Recent::default());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
