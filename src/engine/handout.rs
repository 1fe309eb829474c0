//! Handouts as PDF (no Bevy): one page per rendered frame, with its caption and notes under it.
//! This module owns the page layout, the text's encoding (Unicode to WinAnsi) and the Helvetica
//! widths the wrapping measures with; the frames and the words come from the caller.

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// One handout page: a rendered frame and the words under it.
#[derive(Clone, Debug, Default)]
pub struct Page {
    /// The frame's width in pixels.
    pub width: u32,
    /// The frame's height in pixels.
    pub height: u32,
    /// The frame's pixels, row by row from the top, 4 bytes (RGBA) each.
    pub rgba: Vec<u8>,
    /// One line under the frame, in bold.
    pub caption: String,
    /// What the speaker says, wrapped under the caption.
    pub notes: String,
}

// A4 landscape (points): handouts are printed, and A4 is what printers hold outside the US
// (Letter scales it by a few percent). Landscape because the frames are 16:9; A4's taller
// ratio than 16:9 leaves the room under the frame that the notes need.
const PAGE_W: f32 = 842.0;
const PAGE_H: f32 = 595.0;
const MARGIN: f32 = 36.0;
const GAP: f32 = 10.0;
const TITLE_SIZE: f32 = 22.0;
const CAPTION_SIZE: f32 = 13.0;
const NOTES_SIZE: f32 = 10.5;
const NOTES_LEADING: f32 = 14.0;
// The frame fills the width unless that would leave fewer note lines than this: then it
// shrinks (keeping its aspect) so that a cue's notes are not cut after a line or two.
const MIN_NOTE_LINES: f32 = 5.0;

const REGULAR: Name = Name(b"F1");
const BOLD: Name = Name(b"F2");
const IMAGE: Name = Name(b"Im1");
// WinAnsi's ellipsis, which ends text cut to fit.
const ELLIPSIS: u8 = 0x85;

/// A PDF with one page per `Page`; `title` printed large at the top of the first page.
pub fn pdf(title: &str, pages: &[Page]) -> Vec<u8> {
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let info = Ref::new(3);
    let fonts = [
        (REGULAR, Ref::new(4), "Helvetica"),
        (BOLD, Ref::new(5), "Helvetica-Bold"),
    ];
    // Three objects per page (page, contents, image) after the shared ones above.
    let page_ids: Vec<Ref> = (0..pages.len())
        .map(|i| Ref::new(6 + 3 * i as i32))
        .collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(pages.len() as i32);
    // The title only: no dates or IDs, so the same handout gives the same bytes.
    pdf.document_info(info).title(TextStr(title));
    for &(_, id, base) in &fonts {
        // The standard 14 need no embedding; WinAnsi because that is what `winansi` writes.
        pdf.type1_font(id)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for (i, (page, &id)) in pages.iter().zip(&page_ids).enumerate() {
        let heading = (i == 0).then_some(title);
        write_page(&mut pdf, tree, id, &fonts, page, heading);
    }
    pdf.finish()
}

/// Writes one page (its dictionary, content stream and image) under `id` and the two after it.
fn write_page(
    pdf: &mut Pdf,
    tree: Ref,
    id: Ref,
    fonts: &[(Name, Ref, &str)],
    page: &Page,
    title: Option<&str>,
) {
    let contents = Ref::new(id.get() + 1);
    let image = Ref::new(id.get() + 2);
    let has_image = page.width > 0 && page.height > 0;

    let mut dict = pdf.page(id);
    dict.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
        .parent(tree)
        .contents(contents);
    let mut resources = dict.resources();
    let mut font_dict = resources.fonts();
    for &(name, font, _) in fonts {
        font_dict.pair(name, font);
    }
    font_dict.finish();
    if has_image {
        resources.x_objects().pair(IMAGE, image);
    }
    resources.finish();
    dict.finish();

    if has_image {
        let data = rgb_flate(page);
        let mut xobject = pdf.image_xobject(image, &data);
        xobject.filter(Filter::FlateDecode);
        xobject.width(page.width as i32).height(page.height as i32);
        xobject.color_space().device_rgb();
        xobject.bits_per_component(8);
    }
    pdf.stream(contents, &page_content(page, title, has_image).finish());
}

/// The page's drawing: title (first page only), frame, caption, notes, top to bottom.
fn page_content(page: &Page, title: Option<&str>, has_image: bool) -> Content {
    let mut content = Content::new();
    let text_w = PAGE_W - 2.0 * MARGIN;
    let mut top = PAGE_H - MARGIN;
    if let Some(title) = title {
        // Cap height is about 0.72 em: the baseline sits that far below the margin.
        let line = fit(&winansi(title), &BOLD_WIDTHS, TITLE_SIZE, text_w);
        show(
            &mut content,
            BOLD,
            TITLE_SIZE,
            MARGIN,
            top - 0.72 * TITLE_SIZE,
            &line,
        );
        top -= TITLE_SIZE + GAP;
    }
    if has_image {
        let reserved = GAP + CAPTION_SIZE + GAP + MIN_NOTE_LINES * NOTES_LEADING;
        let (w, h) = (page.width as f32, page.height as f32);
        let scale = (text_w / w).min((top - MARGIN - reserved).max(0.0) / h);
        let (draw_w, draw_h) = (w * scale, h * scale);
        content.save_state();
        // Images live in a unit square: the matrix stretches it to the frame's box.
        content.transform([
            draw_w,
            0.0,
            0.0,
            draw_h,
            (PAGE_W - draw_w) / 2.0,
            top - draw_h,
        ]);
        content.x_object(IMAGE);
        content.restore_state();
        top -= draw_h + GAP;
    }
    let caption = fit(&winansi(&page.caption), &BOLD_WIDTHS, CAPTION_SIZE, text_w);
    show(
        &mut content,
        BOLD,
        CAPTION_SIZE,
        MARGIN,
        top - CAPTION_SIZE,
        &caption,
    );
    top -= CAPTION_SIZE + GAP;

    let first = top - NOTES_SIZE;
    let room = if first < MARGIN {
        0
    } else {
        ((first - MARGIN) / NOTES_LEADING) as usize + 1
    };
    let lines = wrap(
        &winansi(&page.notes),
        &REGULAR_WIDTHS,
        NOTES_SIZE,
        text_w,
        room,
    );
    for (i, line) in lines.iter().enumerate() {
        let y = first - i as f32 * NOTES_LEADING;
        show(&mut content, REGULAR, NOTES_SIZE, MARGIN, y, line);
    }
    content
}

/// One line of text with its baseline starting at (`x`, `y`).
fn show(content: &mut Content, font: Name, size: f32, x: f32, y: f32, text: &[u8]) {
    if text.is_empty() {
        return;
    }
    content.begin_text();
    content.set_font(font, size);
    content.next_line(x, y);
    content.show(Str(text));
    content.end_text();
}

/// The frame as 8-bit RGB composited over white (paper has no alpha), zlib-compressed.
fn rgb_flate(page: &Page) -> Vec<u8> {
    let pixels = page.width as usize * page.height as usize;
    let mut rgb = Vec::with_capacity(pixels * 3);
    for p in page.rgba.chunks_exact(4).take(pixels) {
        let a = u32::from(p[3]);
        for &c in &p[..3] {
            // c·a + white·(1 − a), rounded.
            rgb.push(((u32::from(c) * a + 255 * (255 - a) + 127) / 255) as u8);
        }
    }
    // A short buffer ends in blank paper rather than in an image the viewer rejects.
    rgb.resize(pixels * 3, 255);
    let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
    z.write_all(&rgb).expect("writing to a Vec cannot fail");
    z.finish().expect("writing to a Vec cannot fail")
}

/// `text` in WinAnsi (Windows-1252) bytes: what the standard fonts' encoding draws.
/// Newlines stay (the notes' paragraphs); tabs become spaces; anything else is '?'.
fn winansi(text: &str) -> Vec<u8> {
    text.chars()
        .filter(|&c| c != '\r')
        .map(winansi_byte)
        .collect()
}

/// One character's WinAnsi byte, or '?' where WinAnsi has none.
fn winansi_byte(c: char) -> u8 {
    match c {
        // Latin-1 and WinAnsi agree on these.
        ' '..='~' | '\u{a0}'..='\u{ff}' => c as u8,
        '\n' => b'\n',
        '\t' => b' ',
        // Windows-1252's 0x80..=0x9f, where Latin-1 has control codes.
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        _ => b'?',
    }
}

/// The width in points of WinAnsi `text` set in a font with `widths` at `size`.
fn width(text: &[u8], widths: &[u16; 224], size: f32) -> f32 {
    let units: u32 = text
        .iter()
        .map(|&b| {
            if b >= 32 {
                u32::from(widths[usize::from(b - 32)])
            } else {
                0
            }
        })
        .sum();
    units as f32 * size / 1000.0
}

/// `text` as it is, or cut and ended with an ellipsis so that it fits in `max` points.
fn fit(text: &[u8], widths: &[u16; 224], size: f32, max: f32) -> Vec<u8> {
    let line: Vec<u8> = text
        .iter()
        .map(|&b| if b == b'\n' { b' ' } else { b })
        .collect();
    if width(&line, widths, size) <= max {
        line
    } else {
        ellipsize(line, widths, size, max)
    }
}

/// `line` shortened until it and an ellipsis fit in `max` points, then the ellipsis.
fn ellipsize(mut line: Vec<u8>, widths: &[u16; 224], size: f32, max: f32) -> Vec<u8> {
    let room = max - width(&[ELLIPSIS], widths, size);
    while !line.is_empty() && width(&line, widths, size) > room {
        line.pop();
    }
    // "word …" reads as a cut; "word…" as the word trailing off.
    while line.last() == Some(&b' ') {
        line.pop();
    }
    line.push(ELLIPSIS);
    line
}

/// `text` broken into lines at most `max` points wide, at spaces (or inside a word too long
/// for a line), paragraphs at newlines; past `max_lines` the last line ends in an ellipsis.
fn wrap(text: &[u8], widths: &[u16; 224], size: f32, max: f32, max_lines: usize) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    for paragraph in text.split(|&b| b == b'\n') {
        let mut line: Vec<u8> = Vec::new();
        for word in paragraph.split(|&b| b == b' ').filter(|w| !w.is_empty()) {
            let mut candidate = line.clone();
            if !candidate.is_empty() {
                candidate.push(b' ');
            }
            candidate.extend_from_slice(word);
            if width(&candidate, widths, size) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line = word.to_vec();
            while width(&line, widths, size) > max && line.len() > 1 {
                let cut = longest_fit(&line, widths, size, max);
                lines.push(line.drain(..cut).collect());
            }
        }
        lines.push(line);
    }
    // Trailing blank lines would only push the ellipsis onto nothing.
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.pop() {
            lines.push(ellipsize(last, widths, size, max));
        }
    }
    lines
}

/// How many of `word`'s first bytes fit in `max` points (at least one, so wrapping ends).
fn longest_fit(word: &[u8], widths: &[u16; 224], size: f32, max: f32) -> usize {
    (1..word.len())
        .take_while(|&n| width(&word[..n], widths, size) <= max)
        .last()
        .unwrap_or(1)
}

// Advance widths (1/1000 em) of Helvetica and Helvetica-Bold for WinAnsi bytes 32..=255, from
// Adobe's AFM files (URW's Nimbus Sans, their metric twin, gives the same numbers). Codes
// WinAnsi leaves unused draw a bullet, so they carry its width (350).
#[rustfmt::skip]
const REGULAR_WIDTHS: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 350,
    556, 350, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350,
    350, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 350, 500, 667,
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];

#[rustfmt::skip]
const BOLD_WIDTHS: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 350,
    556, 350, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350,
    350, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 350, 500, 667,
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
];

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::content::Content as Ops;
    use lopdf::{Document, Object, ObjectId};
    use std::io::Read;

    /// A `w`×`h` frame: opaque red left half, fully transparent right half.
    fn page(w: u32, h: u32, caption: &str, notes: &str) -> Page {
        let mut rgba = Vec::new();
        for _ in 0..h {
            for x in 0..w {
                rgba.extend_from_slice(if x < w / 2 {
                    &[255, 0, 0, 255]
                } else {
                    &[0, 0, 0, 0]
                });
            }
        }
        Page {
            width: w,
            height: h,
            rgba,
            caption: caption.into(),
            notes: notes.into(),
        }
    }

    fn load(bytes: &[u8]) -> Document {
        Document::load_mem(bytes).expect("lopdf reads the handout")
    }

    /// Each page's text-showing operations: (font name, the shown WinAnsi bytes).
    fn texts(doc: &Document, page: ObjectId) -> Vec<(Vec<u8>, Vec<u8>)> {
        let ops = Ops::decode(&doc.get_page_content(page).unwrap())
            .unwrap()
            .operations;
        let mut font = Vec::new();
        let mut out = Vec::new();
        for op in ops {
            match (op.operator.as_str(), op.operands.first()) {
                ("Tf", Some(Object::Name(name))) => font = name.clone(),
                ("Tj", Some(Object::String(bytes, _))) => out.push((font.clone(), bytes.clone())),
                _ => {}
            }
        }
        out
    }

    fn pages_of(doc: &Document) -> Vec<ObjectId> {
        doc.get_pages().into_values().collect()
    }

    #[test]
    fn one_pdf_page_per_page_given() {
        for n in [0, 1, 3] {
            let pages: Vec<Page> = (0..n)
                .map(|i| page(16, 9, &format!("cue {i}"), ""))
                .collect();
            let doc = load(&pdf("Talk", &pages));
            assert_eq!(doc.get_pages().len(), n, "{n} pages");
        }
    }

    #[test]
    fn xref_offsets_point_at_their_objects() {
        let bytes = pdf("Talk", &[page(4, 4, "a", "b"), page(4, 4, "c", "d")]);
        let at = bytes.windows(9).rposition(|w| w == b"startxref").unwrap() + 9;
        let ascii = |from: usize| std::str::from_utf8(&bytes[from..]).unwrap();
        let start: usize = ascii(at)
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let table = ascii(start);
        assert!(table.starts_with("xref"));
        let mut lines = table.lines().skip(1);
        let header = lines.next().unwrap().split_whitespace().nth(1);
        let count: usize = header.unwrap().parse().unwrap();
        assert_eq!(
            count,
            1 + 5 + 2 * 3,
            "the shared objects, then three per page"
        );
        // Object 0 heads the free list; every other entry is an object in use.
        for (id, entry) in lines.take(count).enumerate().skip(1) {
            let offset: usize = entry[..10].parse().unwrap();
            assert!(
                bytes[offset..].starts_with(format!("{id} 0 obj").as_bytes()),
                "object {id}"
            );
        }
    }

    #[test]
    fn title_is_on_the_first_page_and_in_the_info() {
        let doc = load(&pdf(
            "Neurons fold space",
            &[page(16, 9, "one", ""), page(16, 9, "two", "")],
        ));
        let pages = pages_of(&doc);
        let title = (BOLD.0.to_vec(), b"Neurons fold space".to_vec());
        assert!(texts(&doc, pages[0]).contains(&title));
        assert!(!texts(&doc, pages[1]).contains(&title));
        let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
        let info = doc.get_dictionary(info).unwrap();
        assert_eq!(
            info.get(b"Title").unwrap().as_str().unwrap(),
            b"Neurons fold space"
        );
    }

    #[test]
    fn long_notes_wrap_to_lines_that_fit() {
        let notes = "A neuron is a plane: it cuts space in two, and the activation bends one \
                     side of the cut. Stack enough of them and the folds add up. "
            .repeat(3);
        let doc = load(&pdf(
            "Talk",
            &[page(160, 90, "Scene 1/1 · cue 1/1 — Planes", &notes)],
        ));
        let lines: Vec<Vec<u8>> = texts(&doc, pages_of(&doc)[0])
            .into_iter()
            .filter(|(font, _)| font == REGULAR.0)
            .map(|(_, text)| text)
            .collect();
        assert!(lines.len() >= 3, "{} lines", lines.len());
        for line in &lines {
            assert!(width(line, &REGULAR_WIDTHS, NOTES_SIZE) <= PAGE_W - 2.0 * MARGIN);
        }
        // Nothing lost between the lines: the words come back in order.
        let joined: Vec<u8> = lines.join(&b' ');
        assert_eq!(joined, winansi(notes.trim()));
    }

    #[test]
    fn text_that_runs_off_the_page_ends_in_an_ellipsis() {
        let long = "word ".repeat(2000);
        let doc = load(&pdf("Talk", &[page(160, 90, &long, &long)]));
        let texts = texts(&doc, pages_of(&doc)[0]);
        let caption: Vec<_> = texts
            .iter()
            .filter(|(font, text)| font == BOLD.0 && text != b"Talk")
            .collect();
        assert_eq!(caption.len(), 1, "the caption stays on one line");
        assert_eq!(caption[0].1.last(), Some(&ELLIPSIS));
        let notes: Vec<_> = texts.iter().filter(|(font, _)| font == REGULAR.0).collect();
        assert_eq!(notes.last().unwrap().1.last(), Some(&ELLIPSIS));
        let bottom = notes.len() as f32 * NOTES_LEADING;
        assert!(bottom < PAGE_H - 2.0 * MARGIN, "{} lines", notes.len());
    }

    #[test]
    fn every_page_has_its_frame_as_rgb_over_white() {
        let sizes = [(32, 18), (16, 9), (7, 5)];
        let pages: Vec<Page> = sizes.iter().map(|&(w, h)| page(w, h, "", "")).collect();
        let doc = load(&pdf("Talk", &pages));
        for (&id, &(w, h)) in pages_of(&doc).iter().zip(&sizes) {
            let images = doc.get_page_images(id).unwrap();
            assert_eq!(images.len(), 1);
            let image = &images[0];
            assert_eq!((image.width, image.height), (i64::from(w), i64::from(h)));
            assert_eq!(image.color_space.as_deref(), Some("DeviceRGB"));
            assert_eq!(image.bits_per_component, Some(8));
            assert_eq!(
                image.filters.as_deref(),
                Some(&["FlateDecode".to_string()][..])
            );
            let mut rgb = Vec::new();
            flate2::read::ZlibDecoder::new(image.content)
                .read_to_end(&mut rgb)
                .unwrap();
            assert_eq!(rgb.len(), (w * h * 3) as usize);
            // Opaque red stays red; transparent black is white paper.
            assert_eq!(&rgb[..3], &[255, 0, 0]);
            assert_eq!(&rgb[rgb.len() - 3..], &[255, 255, 255]);
        }
    }

    #[test]
    fn unicode_maps_to_winansi_and_the_rest_to_question_marks() {
        assert_eq!(
            winansi("a·b—c–d‘e’f“g”h…é€"),
            b"a\xb7b\x97c\x96d\x91e\x92f\x93g\x94h\x85\xe9\x80"
        );
        assert_eq!(winansi("σ∑😀中"), b"????");
        let doc = load(&pdf(
            "Σ-Talk 😀",
            &[page(8, 8, "θ → φ", "日本語 notes\u{0}")],
        ));
        let texts = texts(&doc, pages_of(&doc)[0]);
        assert!(texts.contains(&(BOLD.0.to_vec(), b"?-Talk ?".to_vec())));
        assert!(texts.contains(&(BOLD.0.to_vec(), b"? ? ?".to_vec())));
    }

    #[test]
    fn the_same_handout_gives_the_same_bytes() {
        let pages = [page(16, 9, "one", "notes"), page(8, 8, "two", "more")];
        assert_eq!(pdf("Talk", &pages), pdf("Talk", &pages));
    }

    #[test]
    fn short_or_empty_frames_do_not_break_the_page() {
        let mut short = page(8, 8, "short", "");
        short.rgba.truncate(10);
        let empty = Page {
            caption: "no frame".into(),
            ..Page::default()
        };
        let doc = load(&pdf("Talk", &[short, empty]));
        let pages = pages_of(&doc);
        assert_eq!(doc.get_page_images(pages[0]).unwrap().len(), 1);
        assert!(doc.get_page_images(pages[1]).unwrap().is_empty());
    }
}
