//! Credential images are untrusted: they reach the web view only as `data:`
//! URLs built here, after the bytes were sniffed to be a PNG, JPEG, GIF, WebP
//! or SVG image and found under [`MAX_IMAGE_BYTES`]. The declared media type
//! is never trusted; remote image URLs are never fetched.

use base64::Engine;

/// Largest image handed to the UI (cards and detail view).
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;

/// The media type the bytes really are, if it is one we show.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some("image/jpeg");
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some("image/gif");
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    // SVG: text whose first element is <svg> (after an optional BOM, XML
    // declaration, comments or a doctype). In an <img>, SVG runs no scripts.
    let head = &bytes[..bytes.len().min(4096)];
    if let Ok(text) = std::str::from_utf8(head).or_else(|e| std::str::from_utf8(&head[..e.valid_up_to()])) {
        let t = text.trim_start_matches('\u{feff}').trim_start();
        if (t.starts_with("<?xml") || t.starts_with("<svg") || t.starts_with("<!--") || t.starts_with("<!DOCTYPE svg"))
            && t.contains("<svg")
        {
            return Some("image/svg+xml");
        }
    }
    None
}

/// A `data:` URL for the bytes, or `None` when they are too large or not an image we show.
pub fn data_url(bytes: &[u8]) -> Option<String> {
    if bytes.is_empty() || bytes.len() > MAX_IMAGE_BYTES {
        return None;
    }
    let mt = sniff(bytes)?;
    Some(format!("data:{mt};base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes)))
}

/// Re-check an image reference found in a credential: only a base64 `data:`
/// URL whose decoded bytes pass [`data_url`] is kept (re-encoded with the
/// sniffed type). `http(s)` and every other scheme give `None`.
pub fn from_reference(reference: &str) -> Option<String> {
    let rest = reference.trim().strip_prefix("data:")?;
    let (meta, payload) = rest.split_once(',')?;
    if !meta.ends_with(";base64") || payload.len() > MAX_IMAGE_BYTES * 4 / 3 + 4 {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(payload.trim()).ok()?;
    data_url(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG_1PX: &str = "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGOQC1iAFTEMLQkAP85Dgaage20AAAAASUVORK5CYII=";

    #[test]
    fn sniffs_real_types_not_declared_ones() {
        let png = base64::engine::general_purpose::STANDARD.decode(PNG_1PX).unwrap();
        assert_eq!(sniff(&png), Some("image/png"));
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>"), Some("image/svg+xml"));
        assert_eq!(sniff(b"<html><script>alert(1)</script></html>"), None);
        assert_eq!(sniff(b"GIF89a...."), Some("image/gif"));
        // A data URL that claims PNG but holds HTML is refused.
        let html = base64::engine::general_purpose::STANDARD.encode("<html><body>x</body></html>");
        assert_eq!(from_reference(&format!("data:image/png;base64,{html}")), None);
        // A data URL that claims text but is a PNG is shown as the PNG it is.
        let url = from_reference(&format!("data:text/plain;base64,{PNG_1PX}")).unwrap();
        assert!(url.starts_with("data:image/png;base64,"));
    }

    #[test]
    fn refuses_remote_and_oversized_images() {
        assert_eq!(from_reference("https://example.org/badge.png"), None);
        assert_eq!(from_reference("javascript:alert(1)"), None);
        let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
        big.resize(MAX_IMAGE_BYTES + 1, 0);
        assert_eq!(data_url(&big), None);
        assert_eq!(data_url(&[]), None);
    }
}
