//! Native file dialogs, through the desktop's own dialog program: `zenity` (GNOME and most
//! Linux desktops) or `kdialog` (KDE), `osascript` on macOS, PowerShell's Windows Forms
//! dialog on Windows. A dialog runs on a thread of its own, so the window keeps drawing;
//! where no dialog program is found, the panels' typed paths are the way in.

use crossbeam_channel::Receiver;
use std::path::PathBuf;
use std::process::Command;

/// What a dialog asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ask {
    /// A file to open: data, a network, a scene or a talk.
    Open,
    /// Where to save the live network.
    SaveNetwork,
    /// Where to save the set-up as a scene.
    SaveScene,
}

impl Ask {
    fn title(self) -> &'static str {
        match self {
            Ask::Open => "Open data, a network, a scene or a talk",
            Ask::SaveNetwork => "Save the network",
            Ask::SaveScene => "Save as scene",
        }
    }

    /// File patterns the dialog offers.
    fn patterns(self) -> &'static [&'static str] {
        match self {
            Ask::Open => &["*.csv", "*.ron", "*.npz", "*.safetensors"],
            Ask::SaveNetwork | Ask::SaveScene => &["*.ron"],
        }
    }

    fn saves(self) -> bool {
        self != Ask::Open
    }
}

/// What came of a dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A file was chosen.
    Chosen(PathBuf),
    /// The dialog was closed without one.
    Cancelled,
    /// No dialog program here: type the path instead.
    NoDialog(String),
}

/// Opens the dialog on its own thread; its answer comes on the receiver.
pub fn ask(what: Ask) -> Receiver<Answer> {
    let (send, receive) = crossbeam_channel::bounded(1);
    std::thread::spawn(move || {
        let _ = send.send(run(what));
    });
    receive
}

/// Runs the first dialog program found, and waits for it.
fn run(what: Ask) -> Answer {
    for mut command in commands(what) {
        match command.output() {
            // Not installed: the next one.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Answer::NoDialog(format!("the file dialog did not open: {e}")),
            Ok(out) => {
                let text = String::from_utf8_lossy(&out.stdout);
                let path = text.trim_end_matches(['\r', '\n']);
                return match out.status.success() && !path.is_empty() {
                    true => Answer::Chosen(PathBuf::from(path)),
                    false => Answer::Cancelled,
                };
            }
        }
    }
    Answer::NoDialog(
        "no file dialog on this system (install zenity or kdialog): type the path in the panel"
            .into(),
    )
}

/// The dialog programs to try, in order.
fn commands(what: Ask) -> Vec<Command> {
    let title = what.title();
    let patterns = what.patterns();
    if cfg!(target_os = "macos") {
        let verb = match what.saves() {
            true => "choose file name",
            false => "choose file",
        };
        let mut c = Command::new("osascript");
        c.args([
            "-e",
            &format!("POSIX path of ({verb} with prompt \"{title}\")"),
        ]);
        return vec![c];
    }
    if cfg!(windows) {
        let kind = if what.saves() {
            "SaveFileDialog"
        } else {
            "OpenFileDialog"
        };
        let filter = format!("Files|{}", patterns.join(";"));
        let script = format!(
            "Add-Type -AssemblyName System.Windows.Forms; \
             $d = New-Object System.Windows.Forms.{kind}; $d.Title = '{title}'; \
             $d.Filter = '{filter}'; if ($d.ShowDialog() -eq 'OK') {{ $d.FileName }}"
        );
        let mut c = Command::new("powershell");
        c.args(["-NoProfile", "-STA", "-Command", &script]);
        return vec![c];
    }
    let mut zenity = Command::new("zenity");
    zenity.args(["--file-selection", "--title", title]);
    zenity.arg(format!("--file-filter={}", patterns.join(" ")));
    if what.saves() {
        zenity.args(["--save", "--confirm-overwrite"]);
    }
    let mut kdialog = Command::new("kdialog");
    let verb = if what.saves() {
        "--getsavefilename"
    } else {
        "--getopenfilename"
    };
    kdialog.args([verb, ".", &patterns.join(" "), "--title", title]);
    vec![zenity, kdialog]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_linux_dialogs_are_asked_for_what_is_wanted() {
        if !cfg!(target_os = "linux") {
            return;
        }
        let line = |c: &Command| {
            std::iter::once(c.get_program())
                .chain(c.get_args())
                .map(|a| a.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let open = commands(Ask::Open);
        assert_eq!(open.len(), 2);
        assert!(line(&open[0]).starts_with("zenity --file-selection"));
        assert!(line(&open[0]).contains("*.csv *.ron *.npz *.safetensors"));
        assert!(!line(&open[0]).contains("--save"));
        assert!(line(&open[1]).starts_with("kdialog --getopenfilename"));
        let save = commands(Ask::SaveScene);
        assert!(line(&save[0]).contains("--save --confirm-overwrite"));
        assert!(line(&save[1]).starts_with("kdialog --getsavefilename"));
    }
}
