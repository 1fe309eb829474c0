//! Neurons written as equations (`x - y - 3`), and the small hand-set networks built from
//! them, such as the four-neuron reference landscape.

use crate::nn::{Activation, Layer, Mat, Network};
use nalgebra::DVector;

/// A neuron written as a linear equation in `x` and `y`, such as `x - y - 3` or
/// `0.5*x + 2y + 1`: its two weights and its bias.
pub fn parse_neuron(text: &str) -> Result<([f32; 2], f32), String> {
    let s: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let s = s.strip_suffix("=0").unwrap_or(&s).to_ascii_lowercase();
    if s.is_empty() {
        return Err("an empty equation: write one like `x - y - 3`".into());
    }
    let (mut w, mut b) = ([0.0f32; 2], 0.0f32);
    let mut rest = s.as_str();
    while !rest.is_empty() {
        let (sign, body) = match rest.as_bytes()[0] {
            b'+' => (1.0, &rest[1..]),
            b'-' => (-1.0, &rest[1..]),
            _ => (1.0, rest),
        };
        let end = body.find(['+', '-']).unwrap_or(body.len());
        // A '-' right after 'e' is an exponent, not a new term.
        let end = match body[..end].ends_with('e') && end < body.len() {
            true => {
                end + 1
                    + body[end + 1..]
                        .find(['+', '-'])
                        .unwrap_or(body.len() - end - 1)
            }
            false => end,
        };
        let term = &body[..end];
        rest = &body[end..];
        let (coef, var) = match term
            .strip_suffix('x')
            .map(|c| (c, 0))
            .or_else(|| term.strip_suffix('y').map(|c| (c, 1)))
        {
            Some((c, v)) => (c.strip_suffix('*').unwrap_or(c), Some(v)),
            None => (term, None),
        };
        let value = if coef.is_empty() {
            if var.is_none() {
                return Err(format!("`{text}`: a sign with nothing after it"));
            }
            1.0
        } else {
            coef.parse::<f32>().map_err(|_| {
                format!("`{text}`: cannot read `{term}` (write terms like 2x, -0.5*y, 3)")
            })?
        };
        match var {
            Some(v) => w[v] += sign * value,
            None => b += sign * value,
        }
    }
    Ok((w, b))
}

/// A network of hand-set neurons: each `(weights, bias)` a neuron of the first layer with
/// `hidden` activation, and, if given, one output neuron combining them.
pub fn hand_network(
    neurons: &[([f32; 2], f32)],
    hidden: Activation,
    combine: Option<(&[f32], f32, Activation)>,
) -> Result<Network, String> {
    if neurons.is_empty() {
        return Err("no neurons".into());
    }
    let first = Layer {
        weights: Mat::from_fn(neurons.len(), 2, |r, c| neurons[r].0[c]),
        bias: DVector::from_fn(neurons.len(), |r, _| neurons[r].1),
        activation: hidden,
    };
    let mut layers = vec![first];
    if let Some((weights, bias, activation)) = combine {
        if weights.len() != neurons.len() {
            return Err(format!(
                "the output neuron has {} weights for {} neurons",
                weights.len(),
                neurons.len()
            ));
        }
        layers.push(Layer {
            weights: Mat::from_row_slice(1, weights.len(), weights),
            bias: DVector::from_vec(vec![bias]),
            activation,
        });
    }
    Network::from_layers(layers).map_err(|e| e.to_string())
}

/// The four lines of the reference landscape (`x−y−3`, `−x+y−3`, `x+y−3`, `x+y+3`) as
/// sigmoid neurons, combined by a sigmoid output neuron that is low inside them (the blue
/// valley) and high outside (the red mountains).
pub fn four_neuron_network(activation: Activation) -> Network {
    let neurons = ["x - y - 3", "-x + y - 3", "x + y - 3", "x + y + 3"]
        .map(|e| parse_neuron(e).expect("the reference equations parse"));
    hand_network(
        &neurons,
        activation,
        Some((&[6.0, 6.0, 6.0, -6.0], 2.0, activation)),
    )
    .expect("four neurons and four weights")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equations_parse_into_weights_and_bias() {
        assert_eq!(parse_neuron("x - y - 3").unwrap(), ([1.0, -1.0], -3.0));
        assert_eq!(parse_neuron("-x+y-3").unwrap(), ([-1.0, 1.0], -3.0));
        assert_eq!(
            parse_neuron("0.5*x + 2y + 1 = 0").unwrap(),
            ([0.5, 2.0], 1.0)
        );
        assert_eq!(parse_neuron("3 - 2.5x").unwrap(), ([-2.5, 0.0], 3.0));
        assert_eq!(parse_neuron("1e-1x + y").unwrap(), ([0.1, 1.0], 0.0));
        assert!(parse_neuron("x + z").unwrap_err().contains("`z`"));
        assert!(parse_neuron("").is_err());
        assert!(parse_neuron("x -").is_err());
    }

    #[test]
    fn the_four_neuron_landscape_is_a_valley_inside_the_lines() {
        let net = four_neuron_network(Activation::Sigmoid);
        let at = |x: f32, y: f32| net.forward(&Mat::from_column_slice(2, 1, &[x, y])).unwrap()[0];
        assert!(at(0.0, 0.0) < 0.1, "inside: valley");
        for (x, y) in [(4.0, 0.0), (-4.0, 0.0), (0.0, 4.0), (-3.0, -3.0)] {
            assert!(at(x, y) > 0.9, "outside ({x}, {y}): mountain");
        }
    }
}
