//! Easing: how a stage's linear progress `t` is turned into the progress shown.

/// Easing of a stage's progress.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Ease {
    /// Constant speed.
    Linear,
    /// Slow start and end (cubic).
    #[default]
    CubicInOut,
    /// Slow start and end (sine).
    SineInOut,
}

impl Ease {
    /// Every easing, for menus.
    pub const ALL: [Ease; 3] = [Ease::Linear, Ease::CubicInOut, Ease::SineInOut];

    /// Eased progress; `apply(0) == 0` and `apply(1) == 1` exactly.
    pub fn apply(self, t: f32) -> f32 {
        let t = t.clamp(0.0, 1.0);
        match self {
            Ease::Linear => t,
            Ease::CubicInOut => {
                if t < 0.5 {
                    4.0 * t * t * t
                } else {
                    let r = 2.0 - 2.0 * t;
                    1.0 - r * r * r / 2.0
                }
            }
            Ease::SineInOut => {
                if t == 0.0 || t == 1.0 {
                    t
                } else {
                    0.5 - 0.5 * (std::f32::consts::PI * t).cos()
                }
            }
        }
    }

    /// The name shown in menus.
    pub fn name(self) -> &'static str {
        match self {
            Ease::Linear => "linear",
            Ease::CubicInOut => "cubic in-out",
            Ease::SineInOut => "sine in-out",
        }
    }
}
