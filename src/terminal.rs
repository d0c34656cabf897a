//! Text from a file made safe to print on one terminal line.
//!
//! Contract: [`visible`] leaves printable text as it is and writes every
//! character that a terminal could act on, or that could make one value
//! span several lines or reorder what follows it, as a visible escape:
//! C0 controls (tab, CR and LF included), DEL and C1 controls as `\xNN`,
//! and U+2028, U+2029, the bidirectional embeddings and overrides
//! U+202A to U+202E and the isolates U+2066 to U+2069 as `\u{NNNN}`.
//! So a value read from an HL7 message or a DICOM file cannot set the
//! terminal title, move the cursor or spill over several lines. Pure: used
//! by the command line and safe to call anywhere.

use std::borrow::Cow;

/// Whether `c` is shown escaped by [`visible`].
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with control, line-breaking and bidirectional-override
/// characters written as visible escapes (see the module contract).
///
/// ```
/// use pacs_academy::terminal::visible;
/// assert_eq!(visible("Doe^Jane"), "Doe^Jane");
/// assert_eq!(visible("a\u{1b}]0;x\u{7}b\r\nc"), "a\\x1b]0;x\\x07b\\x0d\\x0ac");
/// assert_eq!(visible("\u{202e}txt.exe"), "\\u{202e}txt.exe");
/// ```
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !needs_escape(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:04x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dangerous_character_is_escaped() {
        for c in (0u32..0x20).chain(0x7F..0xA0) {
            let c = char::from_u32(c).unwrap_or('?');
            let shown = visible(&c.to_string()).into_owned();
            assert_eq!(shown, format!("\\x{:02x}", c as u32));
        }
        for c in [0x2028, 0x2029, 0x202A, 0x202E, 0x2066, 0x2069] {
            let c = char::from_u32(c).unwrap_or('?');
            assert_eq!(visible(&c.to_string()), format!("\\u{{{:04x}}}", c as u32));
        }
        assert_eq!(visible("Müller 山田 ﾔﾏﾀﾞ"), "Müller 山田 ﾔﾏﾀﾞ");
        assert!(matches!(visible("plain"), Cow::Borrowed(_)));
    }
}
