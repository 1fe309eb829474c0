//! What a program file is: where its executable part ends (ELF, PE, Mach-O), read from its
//! own headers, and whether it is a spacefold program ([`PROGRAM_MARK`]). A packed talk's
//! payload starts where the program ends, so a payload cut short or with a changed end is
//! found there even when its trailer is gone.

use std::io::{Read, Seek, SeekFrom};

/// Bytes every spacefold program holds (the start-up reads them, so the linker keeps them):
/// `spacefold pack --base` takes only a program that holds them, of this payload format.
pub static PROGRAM_MARK: &[u8] = b"spacefold program; packed talk format 2\0";

/// Keeps [`PROGRAM_MARK`] in the program: called once at start-up.
pub fn keep_mark() {
    std::hint::black_box(PROGRAM_MARK);
}

/// The platform of a program file, by its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    /// Linux and other ELF systems.
    Elf,
    /// Windows (PE).
    Windows,
    /// macOS (Mach-O, or a universal binary).
    MacOs,
}

impl Platform {
    /// The platform whose executables start as `head` does.
    pub fn of(head: &[u8]) -> Option<Platform> {
        match head.get(..4)? {
            b"\x7fELF" => Some(Platform::Elf),
            [b'M', b'Z', ..] => Some(Platform::Windows),
            b"\xcf\xfa\xed\xfe" | b"\xce\xfa\xed\xfe" | b"\xca\xfe\xba\xbe" => {
                Some(Platform::MacOs)
            }
            _ => None,
        }
    }
}

/// Reads `len` bytes at `at`, or `None` when the file ends first.
fn bytes_at<F: Read + Seek>(file: &mut F, at: u64, len: usize) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; len];
    file.seek(SeekFrom::Start(at)).ok()?;
    file.read_exact(&mut buf).ok()?;
    Some(buf)
}

/// An unsigned integer of `width` bytes at `at` in `b`, little- or big-endian.
fn uint(b: &[u8], at: usize, width: usize, big: bool) -> Option<u64> {
    let s = b.get(at..at.checked_add(width)?)?;
    let fold = |n: u64, &x: &u8| n << 8 | x as u64;
    Some(if big {
        s.iter().fold(0, fold)
    } else {
        s.iter().rev().fold(0, fold)
    })
}

/// Most sections, segments or load commands read: a real program has a few hundred.
const MAX_ENTRIES: u64 = 1 << 16;

/// Where the program in `file` ends: the end of the last thing its headers place in the
/// file. `None` when its headers do not read as a program of a known platform.
pub fn program_end<F: Read + Seek>(file: &mut F) -> Option<u64> {
    let head = bytes_at(file, 0, 64)?;
    match Platform::of(&head)? {
        Platform::Elf => elf_end(file, &head),
        Platform::Windows => pe_end(file, &head),
        Platform::MacOs => macho_end(file, &head),
    }
}

fn elf_end<F: Read + Seek>(file: &mut F, h: &[u8]) -> Option<u64> {
    let wide = match h[4] {
        1 => false,
        2 => true,
        _ => return None,
    };
    let big = match h[5] {
        1 => false,
        2 => true,
        _ => return None,
    };
    let u = |at, w| uint(h, at, w, big);
    let (shoff, shentsize, shnum, ehsize) = if wide {
        (u(0x28, 8)?, u(0x3A, 2)?, u(0x3C, 2)?, u(0x34, 2)?)
    } else {
        (u(0x20, 4)?, u(0x2E, 2)?, u(0x30, 2)?, u(0x28, 2)?)
    };
    let mut end = ehsize.max(shoff.checked_add(shentsize.checked_mul(shnum)?)?);
    if shnum > 0 {
        let table = bytes_at(file, shoff, (shentsize * shnum) as usize)?;
        for entry in table.chunks_exact(shentsize as usize) {
            let s = |at, w| uint(entry, at, w, big);
            // SHT_NOBITS (.bss) takes no room in the file.
            if s(4, 4)? == 8 {
                continue;
            }
            let (offset, size) = if wide {
                (s(0x18, 8)?, s(0x20, 8)?)
            } else {
                (s(0x10, 4)?, s(0x14, 4)?)
            };
            end = end.max(offset.checked_add(size)?);
        }
    }
    Some(end)
}

fn pe_end<F: Read + Seek>(file: &mut F, h: &[u8]) -> Option<u64> {
    let pe = uint(h, 0x3C, 4, false)?;
    let coff = bytes_at(file, pe, 24)?;
    if &coff[..4] != b"PE\0\0" {
        return None;
    }
    let sections = uint(&coff, 6, 2, false)?;
    let optional = uint(&coff, 20, 2, false)?;
    let opt = bytes_at(file, pe + 24, optional as usize)?;
    let mut end = pe + 24 + optional + 40 * sections;
    // The certificate table (a signature) lies past the sections, by file offset.
    let dirs = match uint(&opt, 0, 2, false)? {
        0x20b => 112,
        0x10b => 96,
        _ => return None,
    };
    if let (Some(at), Some(size)) = (
        uint(&opt, dirs + 32, 4, false),
        uint(&opt, dirs + 36, 4, false),
    ) && size > 0
    {
        end = end.max(at + size);
    }
    let table = bytes_at(file, pe + 24 + optional, 40 * sections as usize)?;
    for s in table.chunks_exact(40) {
        end = end.max(uint(s, 20, 4, false)? + uint(s, 16, 4, false)?);
    }
    Some(end)
}

fn macho_end<F: Read + Seek>(file: &mut F, h: &[u8]) -> Option<u64> {
    if h[..4] == *b"\xca\xfe\xba\xbe" {
        // Universal: each architecture's program at an offset.
        let count = uint(h, 4, 4, true)?.min(MAX_ENTRIES);
        let table = bytes_at(file, 8, 20 * count as usize)?;
        return table
            .chunks_exact(20)
            .map(|a| Some(uint(a, 8, 4, true)? + uint(a, 12, 4, true)?))
            .try_fold(8 + 20 * count, |end, e| Some(end.max(e?)));
    }
    let wide = h[0] == 0xcf;
    let header = if wide { 32 } else { 28 };
    let (ncmds, size) = (uint(h, 16, 4, false)?, uint(h, 20, 4, false)?);
    if ncmds > MAX_ENTRIES || size > 1 << 24 {
        return None;
    }
    let cmds = bytes_at(file, header, size as usize)?;
    let mut end = header + size;
    let mut at = 0usize;
    for _ in 0..ncmds {
        let (cmd, len) = (
            uint(&cmds, at, 4, false)?,
            uint(&cmds, at + 4, 4, false)? as usize,
        );
        let c = cmds.get(at..at.checked_add(len)?)?;
        let span = match cmd {
            0x19 => Some((uint(c, 40, 8, false)?, uint(c, 48, 8, false)?)),
            0x1 => Some((uint(c, 32, 4, false)?, uint(c, 36, 4, false)?)),
            // The code signature.
            0x1d => Some((uint(c, 8, 4, false)?, uint(c, 12, 4, false)?)),
            _ => None,
        };
        if let Some((offset, size)) = span {
            end = end.max(offset.checked_add(size)?);
        }
        if len < 8 {
            return None;
        }
        at += len;
    }
    Some(end)
}

/// Whether `program` holds [`PROGRAM_MARK`]: a spacefold program of this payload format.
pub fn is_spacefold(program: &[u8]) -> bool {
    memchr::memmem::find(program, PROGRAM_MARK).is_some()
}

/// A smallest ELF file: a 64-bit header with no sections, `len` bytes long with `rest`
/// after the header (for tests).
#[cfg(test)]
pub fn tiny_elf(rest: &[u8]) -> Vec<u8> {
    let mut h = vec![0u8; 64];
    h[..4].copy_from_slice(b"\x7fELF");
    h[4] = 2;
    h[5] = 1;
    // The section table at the end of `rest`, empty.
    let end = (64 + rest.len()) as u64;
    h[0x28..0x30].copy_from_slice(&end.to_le_bytes());
    h[0x34..0x36].copy_from_slice(&64u16.to_le_bytes());
    h[0x3A..0x3C].copy_from_slice(&64u16.to_le_bytes());
    h.extend_from_slice(rest);
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn the_program_ends_where_its_headers_say() {
        let elf = tiny_elf(b"code and data");
        assert_eq!(program_end(&mut Cursor::new(&elf)), Some(elf.len() as u64));
        let mut longer = elf.clone();
        longer.extend_from_slice(b"appended");
        assert_eq!(
            program_end(&mut Cursor::new(&longer)),
            Some(elf.len() as u64)
        );
        // Files that only start like programs.
        for fake in [
            &b"MZ"[..],
            b"MZ and then nothing like a PE header at all.....",
            b"\x7fELF",
        ] {
            assert_eq!(program_end(&mut Cursor::new(fake)), None, "{fake:?}");
        }
    }

    #[test]
    fn this_test_program_reads_as_a_program_of_its_platform() {
        let exe = std::env::current_exe().unwrap();
        let mut file = std::fs::File::open(&exe).unwrap();
        let end = program_end(&mut file).expect("the headers read");
        let size = file.metadata().unwrap().len();
        // The linker puts nothing past what the headers place.
        assert_eq!(end, size);
    }
}
