//! What the PDF writers share (the exemption dossier in [`crate::dossier`]
//! and the one-page CV sheet in [`crate::export`]): the bundled DejaVu Sans
//! fonts and text measurement for line breaking.

pub(crate) static REGULAR: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
pub(crate) static BOLD: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");

/// Text measurement for line breaking, from the font's own advance widths.
pub(crate) struct Metrics {
    face: ttf_parser::Face<'static>,
}

impl Metrics {
    pub(crate) fn new(data: &'static [u8]) -> Metrics {
        Metrics { face: ttf_parser::Face::parse(data, 0).expect("the bundled font parses") }
    }
    pub(crate) fn width(&self, s: &str, size: f32) -> f32 {
        let upm = self.face.units_per_em() as f32;
        s.chars()
            .map(|c| self.face.glyph_index(c).and_then(|g| self.face.glyph_hor_advance(g)).unwrap_or(upm as u16 / 2) as f32)
            .sum::<f32>()
            * size
            / upm
    }
    /// Greedy word wrap to `max` points; words longer than a line are cut.
    pub(crate) fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            for word in para.split_whitespace() {
                let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
                if self.width(&candidate, size) <= max {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                let mut w = String::new();
                for ch in word.chars() {
                    w.push(ch);
                    if self.width(&w, size) > max {
                        w.pop();
                        lines.push(std::mem::take(&mut w));
                        w.push(ch);
                    }
                }
                line = w;
            }
            lines.push(line);
        }
        lines
    }
}

