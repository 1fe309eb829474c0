//! The limits on what spacefold is asked to do: one place for every bound that keeps hostile
//! or mistyped input (a scene, a network file, a CSV, an argument) from asking for more
//! memory or time than a desktop has. `check`, the command line, the window and every loader
//! apply these same numbers, so what `check` accepts, `render` and `play` can do.
//!
//! Each is chosen generous for real use: the largest shipped network has about 7,000
//! parameters, the longest scene runs under two minutes. README.md ("Limits") and
//! docs/scene-format.md list them.

use std::fmt;

/// Neurons in one layer (and features of the input).
pub const MAX_WIDTH: usize = 4096;
/// Layers of a network (not counting the input).
pub const MAX_LAYERS: usize = 256;
/// Weights and biases of a whole network: 4 million (16 MB of `f32`).
pub const MAX_PARAMETERS: usize = 4_000_000;
/// Points of a data set (built-in or CSV).
pub const MAX_POINTS: usize = 1_000_000;
/// Classes of a data set: labels run from 0 to `MAX_CLASSES - 1`.
pub const MAX_CLASSES: usize = 1000;
/// Epochs of one training run.
pub const MAX_EPOCHS: usize = 10_000_000;
/// Epochs × points of one training run: points seen this many times at most in all
/// (10,000 epochs of 100,000 points); [`MAX_TRAINING_COST`] bounds it by the network's size.
pub const MAX_TRAINING_WORK: u128 = 1_000_000_000;
/// Epochs × points × weights of one training run: a bound on its arithmetic (each point
/// costs about six operations per weight an epoch), about an hour on two cores.
pub const MAX_TRAINING_COST: u128 = 10_000_000_000_000;
/// Weight snapshots a scene keeps for its `Train` steps.
pub const MAX_SNAPSHOTS: usize = 10_000;
/// Parameters kept over all of a scene's snapshots: 50 million (200 MB of `f32`).
pub const MAX_SNAPSHOT_VALUES: u128 = 50_000_000;
/// Seconds of a scene's timeline: an hour.
pub const MAX_DURATION_SECS: f32 = 3600.0;
/// Steps of a scene's timeline, `Together`'s inner steps included.
pub const MAX_STEPS: usize = 10_000;
/// Characters of a title, caption or any other text in a scene.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// Bytes of frames a handout PDF holds while it is written (its pages' RGBA).
pub const MAX_HANDOUT_BYTES: u64 = 2 << 30;
/// Scenes in one talk.
pub const MAX_TALK_SCENES: usize = 200;
/// Frames one `render` writes.
pub const MAX_FRAMES: usize = 1_000_000;
/// Frames above which `render` asks for `--yes` before it starts.
pub const CONFIRM_FRAMES: usize = 100_000;
/// Bytes read from a scene, network or CSV file: 64 MiB. Read with this cap, so that
/// `/dev/zero` or a runaway file fails at once rather than filling memory.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Bytes of a packed talk's payload (`spacefold pack`), and of the program it is appended
/// to: 512 MiB. The payload is read whole and hashed when a packed executable starts.
pub const MAX_PACK_BYTES: u64 = 512 * 1024 * 1024;
/// Files in a packed talk: its scenes and every file they read (two each at most) fit.
pub const MAX_PACK_FILES: usize = 4 * MAX_TALK_SCENES;
/// Degrees a camera angle may turn from zero (ten turns either way).
pub const MAX_ANGLE_DEG: f32 = 3600.0;
/// The camera's zoom: from framed `1 / MAX_ZOOM` times as far to `MAX_ZOOM` times.
pub const MAX_ZOOM: f32 = 1000.0;
/// How far a camera pans, in the view's units.
pub const MAX_PAN: f32 = 10_000.0;
/// How far the landscape's plane extends, in times the data's extent.
pub const MAX_ZOOM_OUT: f32 = 1000.0;
/// The largest learning rate accepted.
pub const MAX_LEARNING_RATE: f32 = 1e6;
/// The largest L2 penalty accepted.
pub const MAX_L2: f32 = 1e6;
/// A weight beyond this size means training has blown up (see `nn::train`).
pub const MAX_WEIGHT: f32 = 1e6;

/// A value over one of the limits: what it is, the value, the limit, and (for a list of
/// sizes) which entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverLimit {
    /// What the value is: "layer width", "parameter count".
    pub what: String,
    /// The value, as text (it may not fit any integer type).
    pub value: String,
    /// The limit, as text.
    pub limit: String,
    /// The entry of a list the value is (a layer size's index), when there is one.
    pub index: Option<usize>,
}

impl fmt::Display for OverLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} is over the limit of {}",
            self.what, self.value, self.limit
        )
    }
}

impl std::error::Error for OverLimit {}

/// `value` over `limit`, as an error, or `Ok`.
pub fn at_most<T: PartialOrd + fmt::Display>(
    what: &str,
    value: T,
    limit: T,
) -> Result<(), OverLimit> {
    if value > limit {
        return Err(OverLimit {
            what: what.into(),
            value: value.to_string(),
            limit: limit.to_string(),
            index: None,
        });
    }
    Ok(())
}

/// Weights and biases of a network of these sizes (input first), without overflow.
pub fn parameter_count(sizes: &[usize]) -> u128 {
    sizes
        .windows(2)
        .map(|w| (w[0] as u128) * (w[1] as u128) + w[1] as u128)
        .sum()
}

/// Checks a network's layer sizes (input first): each width, the depth and the parameter
/// count. An error over a width names the entry.
pub fn check_sizes(sizes: &[usize]) -> Result<(), OverLimit> {
    for (i, &w) in sizes.iter().enumerate() {
        at_most("layer width", w, MAX_WIDTH).map_err(|e| OverLimit {
            index: Some(i),
            ..e
        })?;
    }
    at_most("depth (layers)", sizes.len().saturating_sub(1), MAX_LAYERS)?;
    at_most(
        "parameter count",
        parameter_count(sizes),
        MAX_PARAMETERS as u128,
    )
}

/// Checks a training run of a network with `parameters` weights and biases: its epochs,
/// epochs × points against the training budget, and that times the weights against the
/// budget of arithmetic.
pub fn check_training(epochs: usize, points: usize, parameters: u128) -> Result<(), OverLimit> {
    at_most("epoch count", epochs, MAX_EPOCHS)?;
    let work = epochs as u128 * points as u128;
    at_most("training work (epochs × points)", work, MAX_TRAINING_WORK).map_err(|e| OverLimit {
        value: format!("{epochs} × {points}"),
        limit: format!("{MAX_TRAINING_WORK} point-epochs"),
        ..e
    })?;
    let cost = work.saturating_mul(parameters);
    at_most(
        "training cost (epochs × points × weights)",
        cost,
        MAX_TRAINING_COST,
    )
    .map_err(|e| OverLimit {
        value: format!("{epochs} × {points} × {parameters}"),
        limit: format!("{MAX_TRAINING_COST:.0e}"),
        ..e
    })
}

/// Checks a text's length in characters.
pub fn check_text(what: &str, text: &str) -> Result<(), OverLimit> {
    // Bytes bound characters from above: only long texts are counted.
    if text.len() <= MAX_TEXT_CHARS {
        return Ok(());
    }
    let chars = text.chars().count();
    at_most(
        &format!("{what} length (characters)"),
        chars,
        MAX_TEXT_CHARS,
    )
}

/// A number as a message shows it: `1e30` rather than thirty-one digits.
pub fn show(value: f32) -> String {
    if value.is_finite() && value.abs() >= 1e7 {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

/// Why a number is not one a setting takes; shown as a sentence starting with the value:
/// "NaN is not a number", "1e30 is outside -3600 to 3600".
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BadNumber {
    /// NaN.
    NaN,
    /// An infinity.
    Infinite(f32),
    /// A finite value outside `min..=max`.
    Outside {
        /// The value.
        value: f32,
        /// The least allowed.
        min: f32,
        /// The most allowed.
        max: f32,
    },
}

impl fmt::Display for BadNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BadNumber::NaN => write!(f, "NaN is not a number"),
            BadNumber::Infinite(v) => write!(f, "{v} is not finite"),
            BadNumber::Outside { value, min, max } => {
                write!(
                    f,
                    "{} is outside {} to {}",
                    show(value),
                    show(min),
                    show(max)
                )
            }
        }
    }
}

impl std::error::Error for BadNumber {}

/// A float that is finite and within `[min, max]`, or what is wrong with it.
pub fn check_range(value: f32, min: f32, max: f32) -> Result<f32, BadNumber> {
    if value.is_nan() {
        return Err(BadNumber::NaN);
    }
    if !value.is_finite() {
        return Err(BadNumber::Infinite(value));
    }
    if !(min..=max).contains(&value) {
        return Err(BadNumber::Outside { value, min, max });
    }
    Ok(value)
}

/// At most `max` characters of `text` for an error message, with `…` and the full length
/// when it is cut: a 50 MB field is not echoed whole.
pub fn echo(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], text.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_over_the_limits_name_the_value_the_limit_and_the_entry() {
        assert_eq!(check_sizes(&[2, 16, 16, 3]), Ok(()));
        let e = check_sizes(&[2, usize::MAX, 2]).unwrap_err();
        assert_eq!(e.index, Some(1));
        assert_eq!(
            e.to_string(),
            "layer width 18446744073709551615 is over the limit of 4096"
        );
        let e = check_sizes(&[2, 4096, 4096, 2]).unwrap_err();
        assert!(e.to_string().starts_with("parameter count 16"), "{e}");
        let deep = vec![2; MAX_LAYERS + 2];
        assert!(
            check_sizes(&deep)
                .unwrap_err()
                .to_string()
                .contains("depth")
        );
    }

    #[test]
    fn training_work_and_texts_are_bounded() {
        assert_eq!(check_training(1000, 400, 500), Ok(()));
        let e = check_training(1_000_000, 400_000, 500).unwrap_err();
        assert!(e.to_string().contains("1000000 × 400000"), "{e}");
        assert!(check_training(usize::MAX, 1, 1).is_err());
        let e = check_training(10_000, 10_000, 1_000_000).unwrap_err();
        assert_eq!(
            e.to_string(),
            "training cost (epochs × points × weights) 10000 × 10000 × 1000000 is over the \
             limit of 1e13"
        );
        assert!(check_text("caption", &"é".repeat(MAX_TEXT_CHARS)).is_ok());
        assert!(check_text("caption", &"x".repeat(MAX_TEXT_CHARS + 1)).is_err());
    }

    #[test]
    fn numbers_must_be_finite_and_in_range() {
        assert_eq!(check_range(1.0, 0.0, 2.0), Ok(1.0));
        assert_eq!(check_range(f32::NAN, 0.0, 2.0), Err(BadNumber::NaN));
        assert!(
            check_range(f32::INFINITY, 0.0, 2.0)
                .unwrap_err()
                .to_string()
                .contains("not finite")
        );
        assert_eq!(
            check_range(1e30, 0.0, 2.0).unwrap_err().to_string(),
            "1e30 is outside 0 to 2"
        );
    }

    #[test]
    fn long_texts_are_cut_in_messages() {
        assert_eq!(echo("short", 10), "short");
        let long = "a".repeat(1000);
        assert_eq!(echo(&long, 3), "aaa… (1000 bytes)");
    }
}
