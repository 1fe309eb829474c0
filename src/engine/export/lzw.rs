//! GIF's LZW compression, written here so that it may choose among pixels that look alike:
//! at each pixel the caller lists the palette indices it accepts, the one it prefers first,
//! and the encoder takes whichever continues the string it is matching (a longer string, one
//! code fewer). With one choice a pixel it is plain LZW. The choices it made come back, so
//! the caller knows what a viewer will show.

/// The longest code GIF allows, in bits, and so the most entries of a dictionary.
const MAX_BITS: u8 = 12;
const MAX_CODES: usize = 1 << MAX_BITS;

/// An encoder; its dictionary's memory is kept from frame to frame.
pub(super) struct Lzw {
    /// The entry `code` + `index` leads to, at `code * 256 + index`: its code, valid while
    /// its generation is the current one (a new dictionary is a new generation, not a
    /// cleared table).
    next: Vec<(u32, u16)>,
    generation: u32,
}

/// Codes packed least significant bit first, as GIF reads them.
struct Bits {
    bytes: Vec<u8>,
    acc: u32,
    count: u8,
}

impl Bits {
    fn put(&mut self, code: u16, width: u8) {
        self.acc |= (code as u32) << self.count;
        self.count += width;
        while self.count >= 8 {
            self.bytes.push(self.acc as u8);
            self.acc >>= 8;
            self.count -= 8;
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.count > 0 {
            self.bytes.push(self.acc as u8);
        }
        self.bytes
    }
}

impl Lzw {
    pub(super) fn new() -> Lzw {
        Lzw {
            next: vec![(0, 0); MAX_CODES * 256],
            generation: 0,
        }
    }

    /// The smallest code size for a palette of `colours` entries (GIF: at least 2).
    pub(super) fn code_size(colours: usize) -> u8 {
        let mut bits = 2;
        while (1usize << bits) < colours {
            bits += 1;
        }
        bits
    }

    /// Encodes `n` pixels with codes of `min_code_size` bits and up: `choices(i, list)`
    /// fills `list` with the indices pixel `i` accepts, the preferred first (never empty,
    /// each under `1 << min_code_size`). Returns the frame's image data as
    /// `gif::Frame::make_lzw_pre_encoded` lays it out (the code size, then the codes) and
    /// the index chosen at each pixel.
    pub(super) fn encode(
        &mut self,
        min_code_size: u8,
        n: usize,
        mut choices: impl FnMut(usize, &mut Vec<u8>),
    ) -> (Vec<u8>, Vec<u8>) {
        let clear = 1u16 << min_code_size;
        let end = clear + 1;
        let mut bits = Bits {
            bytes: vec![min_code_size],
            acc: 0,
            count: 0,
        };
        let mut width = min_code_size + 1;
        bits.put(clear, width);
        self.generation += 1;
        let mut free = end as usize + 1;
        let mut chosen = Vec::with_capacity(n);
        let mut list = Vec::with_capacity(16);
        // The code of the string matched so far.
        let mut current: Option<u16> = None;
        for i in 0..n {
            list.clear();
            choices(i, &mut list);
            let preferred = list[0];
            let Some(code) = current else {
                current = Some(preferred as u16);
                chosen.push(preferred);
                continue;
            };
            let extends = list.iter().find_map(|&index| {
                let (generation, to) = self.next[code as usize * 256 + index as usize];
                (generation == self.generation).then_some((index, to))
            });
            if let Some((index, to)) = extends {
                current = Some(to);
                chosen.push(index);
                continue;
            }
            bits.put(code, width);
            if free >= 1 << width && width < MAX_BITS {
                width += 1;
            }
            if free < MAX_CODES {
                self.next[code as usize * 256 + preferred as usize] =
                    (self.generation, free as u16);
                free += 1;
            } else {
                // The dictionary is full: start a new one.
                bits.put(clear, width);
                self.generation += 1;
                free = end as usize + 1;
                width = min_code_size + 1;
            }
            current = Some(preferred as u16);
            chosen.push(preferred);
        }
        if let Some(code) = current {
            bits.put(code, width);
            if free >= 1 << width && width < MAX_BITS {
                width += 1;
            }
        }
        bits.put(end, width);
        (bits.finish(), chosen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes through the `gif` crate: a one-frame GIF around the codes.
    fn decode(data: &[u8], w: u16, h: u16, colours: usize) -> Vec<u8> {
        let palette: Vec<u8> = (0..colours).flat_map(|i| [i as u8, 0, 0]).collect();
        let mut bytes = Vec::new();
        {
            let mut encoder = gif::Encoder::new(&mut bytes, w, h, &palette).unwrap();
            let frame = gif::Frame {
                width: w,
                height: h,
                buffer: std::borrow::Cow::Borrowed(data),
                ..gif::Frame::default()
            };
            encoder.write_lzw_pre_encoded_frame(&frame).unwrap();
        }
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::Indexed);
        let mut decoder = options.read_info(&bytes[..]).unwrap();
        decoder.read_next_frame().unwrap().unwrap().buffer.to_vec()
    }

    #[test]
    fn plain_lzw_decodes_to_the_pixels_for_any_code_size() {
        let mut lzw = Lzw::new();
        // Enough pixels to fill the dictionary and start again several times.
        for colours in [2usize, 5, 16, 200, 256] {
            let mut s = 7u32;
            let pixels: Vec<u8> = (0..300 * 200)
                .map(|i| {
                    s = s.wrapping_mul(1664525).wrapping_add(1013904223);
                    // Runs and noise, as frames hold.
                    let p = if (i / 37) % 3 == 0 {
                        (s >> 16) as usize
                    } else {
                        i / 300
                    };
                    (p % colours) as u8
                })
                .collect();
            let size = Lzw::code_size(colours);
            let (data, chosen) = lzw.encode(size, pixels.len(), |i, l| l.push(pixels[i]));
            assert_eq!(chosen, pixels);
            assert_eq!(
                decode(&data, 300, 200, colours),
                pixels,
                "{colours} colours"
            );
        }
    }

    /// Given a second choice at every pixel, the encoder takes it where that makes the string
    /// longer: fewer bytes, and every pixel one of its choices.
    #[test]
    fn choices_shorten_the_codes_and_are_kept() {
        let mut lzw = Lzw::new();
        let mut s = 1u32;
        let noisy: Vec<u8> = (0..20_000)
            .map(|_| {
                s = s.wrapping_mul(1664525).wrapping_add(1013904223);
                (s >> 31) as u8
            })
            .collect();
        let (exact, _) = lzw.encode(2, noisy.len(), |i, l| l.push(noisy[i]));
        // Either of 0 and 1 would do.
        let (loose, chosen) = lzw.encode(2, noisy.len(), |i, l| l.extend([noisy[i], 1 - noisy[i]]));
        assert!(
            loose.len() * 4 < exact.len(),
            "{} vs {}",
            loose.len(),
            exact.len()
        );
        assert_eq!(decode(&loose, 200, 100, 4), chosen);
        assert!(chosen.iter().all(|&c| c < 2));
    }
}
