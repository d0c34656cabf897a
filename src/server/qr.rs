//! QR codes as inline SVG, for printed pages (the certificate's
//! verification address), rendered on the server so the browser bundle
//! carries no encoder.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// `text` as a QR code (error correction level M, with the standard
/// four-module quiet zone), as an `<svg>` element labelled `label` for
/// assistive technology. `None` if the text is too long for a QR code.
pub fn svg(text: &str, label: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let image = code
        .render::<svg::Color>()
        .quiet_zone(true)
        .module_dimensions(4, 4)
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .build();
    // The renderer writes an XML declaration first; inline SVG has none.
    let start = image.find("<svg")?;
    let element = &image[start..];
    Some(format!(
        "<svg role=\"img\" aria-label=\"{}\" class=\"qr\"{}",
        crate::html::escape(label),
        &element["<svg".len()..]
    ))
}

#[cfg(test)]
mod tests {
    use super::svg;

    #[test]
    fn the_label_is_escaped_and_there_is_no_xml_declaration() {
        let image = svg("https://example.test/verify?code=PA-1", "QR \"code\" <x>").unwrap();
        assert!(image.starts_with(
            "<svg role=\"img\" aria-label=\"QR &quot;code&quot; &lt;x&gt;\" class=\"qr\" xmlns="
        ));
        assert!(!image.contains("<?xml"));
        assert!(image.ends_with("</svg>"));
    }

    #[test]
    fn text_too_long_for_a_qr_code_gives_none() {
        assert_eq!(svg(&"x".repeat(5000), "too long"), None);
    }
}
