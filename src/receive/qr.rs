//! An offer read from a picture of its QR code (a screenshot, a saved
//! image): PNG only, its size checked before the frame is allocated, then
//! converted to grey and searched with `rqrr`.

use super::{err, ReceiveError};

/// Largest picture read for a QR code.
pub const MAX_QR_IMAGE_BYTES: usize = 16 * 1024 * 1024;
/// Largest decoded frame (bytes): 4096 x 4096 RGBA.
const MAX_FRAME_BYTES: usize = 64 * 1024 * 1024;

/// The text of every QR code in a PNG picture, in the order found; an error
/// when the picture cannot be read or holds no readable QR code.
pub fn decode(bytes: &[u8]) -> Result<Vec<String>, ReceiveError> {
    if bytes.len() > MAX_QR_IMAGE_BYTES {
        return err("too-large", format!("the picture is {} bytes; the limit is {MAX_QR_IMAGE_BYTES}", bytes.len()));
    }
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return err("bad-qr-image", "the picture is not a PNG; save or paste the QR code as a PNG image");
    }
    let bad = |e: &dyn std::fmt::Display| ReceiveError::new("bad-qr-image", format!("the picture cannot be read: {e}"));
    let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(bytes), png::Limits { bytes: MAX_FRAME_BYTES });
    decoder.set_ignore_text_chunk(true);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| bad(&e))?;
    let size = reader
        .output_buffer_size()
        .filter(|&n| n <= MAX_FRAME_BYTES)
        .ok_or_else(|| ReceiveError::new("too-large", "the picture has too many pixels to search for a QR code"))?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(|e| bad(&e))?;
    let channels = match info.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return err("bad-qr-image", "the picture uses a palette Backpack cannot read"),
    };
    let (w, h, stride) = (info.width as usize, info.height as usize, info.line_size);
    let luma = |x: usize, y: usize| -> u8 {
        let p = &buf[y * stride + x * channels..];
        let v = match channels {
            1 | 2 => p[0] as u32,
            _ => (p[0] as u32 * 299 + p[1] as u32 * 587 + p[2] as u32 * 114) / 1000,
        };
        // Transparent pixels count as white (a QR code on a transparent background).
        if channels == 2 || channels == 4 {
            let a = p[channels - 1] as u32;
            (v * a / 255 + (255 - a)) as u8
        } else {
            v as u8
        }
    };
    // rqrr has panicked on crafted grids (index out of bounds in its
    // decoder, found by fuzzing); a hostile picture is a bad picture, not a
    // crash of the app or the CLI.
    let search = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, luma);
        img.detect_grids().into_iter().filter_map(|g| g.decode().ok().map(|(_, text)| text)).collect::<Vec<String>>()
    }));
    let Ok(found) = search else {
        return err("bad-qr-image", "the picture's QR code could not be searched (the decoder failed on it)");
    };
    if found.is_empty() {
        return err("no-qr-code", "no readable QR code was found in the picture");
    }
    Ok(found)
}
