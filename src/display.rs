//! Text from credentials made safe to show: the one place that decides which
//! characters may reach a reader (the dossier's HTML and PDF, and any other
//! display that wants it).
//!
//! A credential's fields are written by its issuer, or by whoever edited an
//! unsigned copy. Invisible formatting characters can make what a reader sees
//! differ from what is there: bidirectional overrides and isolates (U+202A–
//! U+202E, U+2066–U+2069) reorder text ("Trojan Source"), marks (U+200E,
//! U+200F, U+061C) and other format characters are invisible, and C0/C1
//! control characters can drive a terminal. [`safe_text`] replaces each of them
//! with a visible `[U+XXXX]`, so nothing is hidden and nothing is silently
//! dropped. Line feeds and tabs stay; a CR LF pair becomes a line feed.
//! Zero-width joiners and non-joiners (U+200C, U+200D) stay: scripts and emoji
//! need them and they cannot reorder text.

use std::borrow::Cow;

/// Is `c` a character [`safe_text`] shows as `[U+XXXX]`?
pub fn is_hidden_control(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{B}'..='\u{1F}' | '\u{7F}'..='\u{9F}'
        // Arabic letter mark, zero-width space, LRM, RLM.
        | '\u{061C}' | '\u{200B}' | '\u{200E}' | '\u{200F}'
        // Line and paragraph separators, embeddings and overrides (LRE RLE PDF LRO RLO).
        | '\u{2028}'..='\u{202E}'
        // Word joiner, invisible operators, isolates (LRI RLI FSI PDI), deprecated format characters.
        | '\u{2060}'..='\u{206F}'
        // Byte order mark / zero-width no-break space, interlinear annotation.
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
        // Tag characters (invisible "ASCII smuggling").
        | '\u{E0000}'..='\u{E007F}'
    )
}

/// `s` with every character for which [`is_hidden_control`] holds written as
/// a visible `[U+XXXX]` (a lone CR too; CR LF becomes LF). Borrowed when
/// nothing needed changing.
pub fn safe_text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c == '\r' || is_hidden_control(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if c == '\r' || is_hidden_control(c) {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_and_controls_become_visible() {
        let s = "Data \u{202E}gnp.exe\u{202C} Science";
        assert_eq!(safe_text(s), "Data [U+202E]gnp.exe[U+202C] Science");
        for c in ['\u{202A}', '\u{202B}', '\u{202D}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}', '\u{1B}', '\u{0}', '\u{85}', '\u{7F}', '\u{FEFF}', '\u{E0041}'] {
            let out = safe_text(&format!("a{c}b")).into_owned();
            assert!(!out.contains(c), "{:04X} kept", c as u32);
            assert_eq!(out, format!("a[U+{:04X}]b", c as u32));
        }
    }

    #[test]
    fn ordinary_text_is_untouched() {
        for s in ["Leeruitkomsten: één, twee\nen drie\tvier", "علم البيانات", "👩\u{200D}🔬 Zero\u{200C}joiner", "日本語"] {
            assert!(matches!(safe_text(s), Cow::Borrowed(_)), "{s}");
        }
        assert_eq!(safe_text("a\r\nb"), "a\nb");
        assert_eq!(safe_text("a\rb"), "a[U+000D]b");
    }
}
