//! Progress on standard error, for long work (training, rendering): on a terminal one line
//! rewritten in place, at most ten times a second; on a pipe a line every tenth of the run,
//! and at least every [`PIPE_EVERY_SECS`] seconds, so a long run is never silent.

use std::io::IsTerminal;
use std::time::Instant;

/// On a pipe, the longest silence between two lines of progress, seconds.
pub const PIPE_EVERY_SECS: u64 = 10;

/// Progress through `total` steps.
pub struct Progress {
    total: usize,
    started: Instant,
    last_print: Option<Instant>,
    tty: bool,
    last_tenth: usize,
}

impl Progress {
    /// Starts timing `total` steps.
    pub fn new(total: usize) -> Progress {
        Progress {
            total,
            started: Instant::now(),
            last_print: None,
            tty: std::io::stderr().is_terminal(),
            last_tenth: 0,
        }
    }

    /// Reports `done` steps; when a line is due, prints `line(on_terminal, seconds)`.
    pub fn update(&mut self, done: usize, line: impl FnOnce(bool, f64) -> String) {
        let elapsed = self.elapsed();
        if self.tty {
            let due = self
                .last_print
                .is_none_or(|t| t.elapsed().as_millis() >= 100);
            if due || done == self.total {
                self.last_print = Some(Instant::now());
                eprint!("\r{}", line(true, elapsed));
                if done == self.total {
                    eprintln!();
                }
            }
        } else {
            let tenth = 10 * done / self.total.max(1);
            let quiet =
                self.last_print.unwrap_or(self.started).elapsed().as_secs() >= PIPE_EVERY_SECS;
            if tenth > self.last_tenth || done == self.total || quiet {
                self.last_tenth = tenth;
                self.last_print = Some(Instant::now());
                eprintln!("{}", line(false, elapsed));
            }
        }
    }

    /// Seconds since the start.
    pub fn elapsed(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}

/// A bar `width` wide, `done` of `total` filled with `full`, the rest `empty`.
pub fn bar(done: usize, total: usize, width: usize, full: char, empty: char) -> String {
    let filled = (width * done / total.max(1)).min(width);
    std::iter::repeat_n(full, filled)
        .chain(std::iter::repeat_n(empty, width - filled))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_in_proportion() {
        assert_eq!(bar(5, 10, 4, '#', '.'), "##..");
        assert_eq!(bar(0, 0, 3, '#', ' '), "   ");
        assert_eq!(bar(20, 10, 3, '#', ' '), "###");
    }
}
