//! Sharing without a server: LinkedIn links pinned to exact strings, the
//! self-contained link round trip, and QR codes decoded by a real decoder.

use backpack::model::{Credential, Format};
use backpack::share;

fn cred(title: &str, issuer: &str, issued: &str, until: Option<&str>) -> Credential {
    let mut c = Credential::empty(Format::Ob3JsonLd);
    c.id = "0123456789abcdef".into();
    c.credential_id = Some("urn:uuid:5a3f0b52-0000-4000-8000-000000000001".into());
    c.achievement.name = Some(title.into());
    c.issuer.name = Some(issuer.into());
    c.issued = Some(issued.into());
    c.valid_until = until.map(str::to_string);
    c
}

#[test]
fn linkedin_add_to_profile_exact_strings() {
    let c = cred("Data & Society: Ethiek", "Rijksuniversiteit Groningen", "2025-12-05T10:00:00Z", None);
    assert_eq!(
        share::linkedin_add_to_profile(&c, "https://verify.example/v#s=https%3A%2F%2Fx&k=abc"),
        "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=Data%20%26%20Society%3A%20Ethiek\
&organizationName=Rijksuniversiteit%20Groningen&issueYear=2025&issueMonth=12\
&certUrl=https%3A%2F%2Fverify.example%2Fv%23s%3Dhttps%253A%252F%252Fx%26k%3Dabc\
&certId=urn%3Auuid%3A5a3f0b52-0000-4000-8000-000000000001"
    );
    // Non-ASCII letters, a January date (month 1, not 0) and an expiry.
    let c = cred("Café Économie – Überblick", "Université de Genève", "2024-01-31", Some("2029-06-30T00:00:00Z"));
    let url = share::linkedin_add_to_profile(&c, "https://x.example/a");
    assert!(url.contains("name=Caf%C3%A9%20%C3%89conomie%20%E2%80%93%20%C3%9Cberblick"), "{url}");
    assert!(url.contains("&issueYear=2024&issueMonth=1&expirationYear=2029&expirationMonth=6&"), "{url}");
    assert!(cred("x", "y", "2024-02-01", None).valid_until.is_none());
    assert!(!share::linkedin_add_to_profile(&cred("x", "y", "2024-02-01", None), "u").contains("expiration"));
    assert_eq!(
        share::linkedin_share("https://verify.example/v#c=abc"),
        "https://www.linkedin.com/sharing/share-offsite/?url=https%3A%2F%2Fverify.example%2Fv%23c%3Dabc"
    );
}

#[test]
fn self_contained_link_round_trip_and_qr_limits() {
    let issuer = backpack::sample::SampleIssuer::generate();
    let (_, bytes) = backpack::sample::signed_credentials(Some(2), Some(&issuer)).remove(1);
    let link = share::self_contained_link("https://verify.example/", &bytes).unwrap();
    assert!(link.starts_with("https://verify.example/#c="));
    let back: serde_json::Value = serde_json::from_slice(&share::open_self_contained_link(&link).unwrap()).unwrap();
    let orig: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(back, orig, "the credential survives the link unchanged");
    // A signed OB 3.0 credential with an image makes a link too long to scan.
    assert!(link.len() > 1500, "{}", link.len());
    let e = share::qr_svg(&"https://verify.example/#c=".repeat(80)).unwrap_err();
    assert!(e.to_string().contains("share location"), "{e}");
}

fn decode_png(png_bytes: &[u8]) -> String {
    let dec = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut r = dec.read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let info = r.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().unwrap().1
}

#[test]
fn generated_qr_codes_decode_to_the_link() {
    for link in [
        "https://verify.example/#s=https%3A%2F%2Fdav.example%2Fshares%2Fabc.bin&k=q1w2e3r4t5y6u7i8o9p0",
        "https://api.edubadges.nl/public/assertions/a41jSgmsSh6Sa1xcVUku5Q",
        &format!("https://verify.example/#c={}", "A".repeat(1000)),
    ] {
        let png = share::qr_png(link, 4).unwrap();
        assert_eq!(decode_png(&png), link);
        let code = share::qr(link).unwrap();
        match code.version() {
            qrcode::Version::Normal(v) => assert!(v <= share::MAX_QR_VERSION),
            _ => panic!("micro QR"),
        }
        assert!(share::qr_svg(link).unwrap().starts_with("<?xml"));
    }
}
