//! Escape sequences: `\F\ \S\ \T\ \R\ \E\ \P\ \X…\ \.br\` and friends.
//!
//! All functions use the message's own escape character and separators, so
//! with the delimiters `#$*@%` the field separator is written `@F@`.
//!
//! Sequences that HL7 defines for presentation only (`\H\`, `\N\`, `\Z…\`,
//! `\C…\`, `\M…\` and the formatting commands `.sp .in .ti .sk .ce .fi .nf`)
//! are valid but have no plain-text meaning: decoding keeps them, written with
//! a backslash whatever the message's escape character (e.g. `\H\`), so that
//! decoded text does not depend on the delimiters.

use super::delimiters::Delimiters;
use super::error::{line_column, EscapeError, EscapeErrorKind};

/// One piece of escaped text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    /// Plain text with no escape character.
    Text(&'a str),
    /// A sequence standing for one character (`\F\`, `\.br\`, …).
    Char(char),
    /// A `\X…\` sequence, already decoded.
    Hex(String),
    /// A valid presentation sequence, by its content (e.g. `H`, `.sp 2`).
    Kept(&'a str),
    /// A bad sequence: its literal text and byte offset.
    Invalid {
        literal: &'a str,
        offset: usize,
        kind: EscapeErrorKind,
    },
}

/// Splits escaped text into [`Token`]s.
pub(crate) struct Tokens<'a> {
    raw: &'a str,
    pos: usize,
    delimiters: Delimiters,
}

pub(crate) fn tokens<'a>(raw: &'a str, delimiters: &Delimiters) -> Tokens<'a> {
    Tokens {
        raw,
        pos: 0,
        delimiters: *delimiters,
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let rest = self.raw.get(self.pos..).filter(|r| !r.is_empty())?;
        let esc = self.delimiters.escape();
        let Some(start) = rest.find(esc) else {
            self.pos = self.raw.len();
            return Some(Token::Text(rest));
        };
        if start > 0 {
            self.pos += start;
            return rest.get(..start).map(Token::Text);
        }
        let offset = self.pos;
        let width = esc.len_utf8();
        let after = rest.get(width..).unwrap_or("");
        let Some(end) = after.find(esc) else {
            self.pos = self.raw.len();
            return Some(Token::Invalid {
                literal: rest,
                offset,
                kind: EscapeErrorKind::Unterminated,
            });
        };
        let content = after.get(..end).unwrap_or("");
        let literal = rest.get(..width + end + width).unwrap_or(rest);
        self.pos += literal.len();
        Some(classify(content, literal, offset, &self.delimiters))
    }
}

fn classify<'a>(content: &'a str, literal: &'a str, offset: usize, d: &Delimiters) -> Token<'a> {
    let invalid = |kind| Token::Invalid {
        literal,
        offset,
        kind,
    };
    match content {
        "F" => return Token::Char(d.field()),
        "S" => return Token::Char(d.component()),
        "T" => return Token::Char(d.subcomponent()),
        "R" => return Token::Char(d.repetition()),
        "E" => return Token::Char(d.escape()),
        "P" => {
            return match d.truncation() {
                Some(t) => Token::Char(t),
                None => invalid(EscapeErrorKind::Unknown),
            }
        }
        ".br" => return Token::Char('\n'),
        "H" | "N" | ".ce" | ".fi" | ".nf" => return Token::Kept(content),
        _ => {}
    }
    if let Some(hex) = content.strip_prefix('X') {
        return match decode_hex(hex) {
            Some(text) => Token::Hex(text),
            None => invalid(EscapeErrorKind::InvalidHex),
        };
    }
    let kept = if let Some(rest) = content.strip_prefix('Z') {
        !rest.is_empty()
    } else if let Some(rest) = content.strip_prefix('C') {
        rest.len() == 4 && is_hex(rest)
    } else if let Some(rest) = content.strip_prefix('M') {
        (rest.len() == 4 || rest.len() == 6) && is_hex(rest)
    } else if let Some(rest) = [".sp", ".in", ".ti", ".sk"]
        .iter()
        .find_map(|cmd| content.strip_prefix(cmd))
    {
        is_formatting_number(rest)
    } else {
        false
    };
    if kept {
        Token::Kept(content)
    } else {
        invalid(EscapeErrorKind::Unknown)
    }
}

fn is_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// An optional space, an optional sign and digits, or nothing at all.
fn is_formatting_number(s: &str) -> bool {
    let s = s.strip_prefix(' ').unwrap_or(s);
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    s.bytes().all(|b| b.is_ascii_digit())
}

/// Decodes hex digits as UTF-8 if valid, else as Latin-1, one byte per char.
fn decode_hex(hex: &str) -> Option<String> {
    if hex.is_empty() || !hex.len().is_multiple_of(2) || !is_hex(hex) {
        return None;
    }
    let bytes: Vec<u8> = hex
        .as_bytes()
        .chunks(2)
        .map(|pair| pair.iter().fold(0u8, |acc, &b| (acc << 4) | hex_value(b)))
        .collect();
    match String::from_utf8(bytes) {
        Ok(s) => Some(s),
        Err(e) => Some(e.into_bytes().into_iter().map(char::from).collect()),
    }
}

fn hex_value(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    }
}

/// Decodes the escape sequences of `raw`, failing on the first unknown,
/// unterminated or malformed one.
///
/// `\F\ \S\ \T\ \R\ \E\` become the message's separators and escape
/// character, `\P\` its truncation character, `\.br\` a line feed, and
/// `\X…\` the bytes it spells (UTF-8 if valid, otherwise Latin-1).
pub fn unescape(raw: &str, delimiters: &Delimiters) -> Result<String, EscapeError> {
    if !raw.contains(delimiters.escape()) {
        return Ok(raw.to_owned());
    }
    let mut out = String::with_capacity(raw.len());
    for token in tokens(raw, delimiters) {
        match token {
            Token::Invalid {
                literal,
                offset,
                kind,
            } => {
                return Err(EscapeError {
                    kind,
                    offset,
                    column: line_column(raw, offset).1,
                    sequence: literal.to_owned(),
                })
            }
            other => push_decoded(&mut out, other),
        }
    }
    Ok(out)
}

/// Decodes like [`unescape`] but never fails: bad sequences are kept as
/// they are written.
pub fn unescape_lossy(raw: &str, delimiters: &Delimiters) -> String {
    if !raw.contains(delimiters.escape()) {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    for token in tokens(raw, delimiters) {
        push_decoded(&mut out, token);
    }
    out
}

fn push_decoded(out: &mut String, token: Token<'_>) {
    match token {
        Token::Text(s) => out.push_str(s),
        Token::Char(c) => out.push(c),
        Token::Hex(s) => out.push_str(&s),
        Token::Kept(content) => {
            out.push('\\');
            out.push_str(content);
            out.push('\\');
        }
        Token::Invalid { literal, .. } => out.push_str(literal),
    }
}

/// Encodes `text` for use as one value: separators, the escape character and
/// the truncation character become `\F\ \S\ \T\ \R\ \E\ \P\`, a line feed
/// becomes `\.br\` (or `\X0A\` if `.` is a delimiter) and other control
/// characters except tab become `\Xhh\`.
///
/// [`unescape`] of the result always gives `text` back.
pub fn escape(text: &str, delimiters: &Delimiters) -> String {
    if !text.chars().any(|c| needs_escape(c, delimiters)) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(&mut out, text, delimiters);
    out
}

fn needs_escape(c: char, d: &Delimiters) -> bool {
    d.is_special(c) || (c.is_ascii_control() && c != '\t')
}

pub(crate) fn escape_into(out: &mut String, text: &str, d: &Delimiters) {
    let esc = d.escape();
    for c in text.chars() {
        if !needs_escape(c, d) {
            out.push(c);
            continue;
        }
        out.push(esc);
        if c == d.field() {
            out.push('F');
        } else if c == d.component() {
            out.push('S');
        } else if c == d.subcomponent() {
            out.push('T');
        } else if c == d.repetition() {
            out.push('R');
        } else if c == esc {
            out.push('E');
        } else if Some(c) == d.truncation() {
            out.push('P');
        } else if c == '\n' && !d.is_special('.') {
            out.push_str(".br");
        } else {
            out.push_str(&format!("X{:02X}", u32::from(c)));
        }
        out.push(esc);
    }
}

/// Re-encodes escaped text from one set of delimiters to another, keeping its
/// decoded meaning (as given by [`unescape_lossy`]).
///
/// Presentation sequences such as `\H\` stay sequences where they can; bad
/// sequences become literal text.
pub fn transcode(raw: &str, from: &Delimiters, to: &Delimiters) -> String {
    let mut out = String::with_capacity(raw.len());
    for token in tokens(raw, from) {
        match token {
            Token::Text(s) => escape_into(&mut out, s, to),
            Token::Char(c) => {
                let mut buf = [0u8; 4];
                escape_into(&mut out, c.encode_utf8(&mut buf), to);
            }
            Token::Hex(s) => escape_into(&mut out, &s, to),
            Token::Kept(content) => {
                if content.chars().any(|c| to.is_special(c)) {
                    escape_into(&mut out, &format!("\\{content}\\"), to);
                } else {
                    out.push(to.escape());
                    out.push_str(content);
                    out.push(to.escape());
                }
            }
            Token::Invalid { literal, .. } => escape_into(&mut out, literal, to),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d() -> Delimiters {
        Delimiters::default()
    }

    fn odd() -> Delimiters {
        Delimiters::new('#', '$', '*', '@', '%').expect("legal")
    }

    #[test]
    fn decodes_the_delimiter_sequences() {
        assert_eq!(
            unescape(r"a\F\b\S\c\T\d\R\e\E\f", &d()).as_deref(),
            Ok("a|b^c&d~e\\f")
        );
    }

    #[test]
    fn decodes_with_the_message_escape_character() {
        assert_eq!(
            unescape("a@F@b@S@c@T@d@R@e@E@f", &odd()).as_deref(),
            Ok("a#b$c%d*e@f")
        );
        // A backslash is plain text when it is not the escape character.
        assert_eq!(unescape(r"C:\temp", &odd()).as_deref(), Ok(r"C:\temp"));
    }

    #[test]
    fn decodes_line_breaks_and_hex() {
        assert_eq!(
            unescape(r"line 1\.br\line 2", &d()).as_deref(),
            Ok("line 1\nline 2")
        );
        assert_eq!(unescape(r"\X41\\X4a4B\", &d()).as_deref(), Ok("AJK"));
        // UTF-8 when the bytes are valid UTF-8 ...
        assert_eq!(unescape(r"\XC3A9\", &d()).as_deref(), Ok("é"));
        // ... otherwise Latin-1, one character per byte.
        assert_eq!(unescape(r"\XE9\", &d()).as_deref(), Ok("é"));
        assert_eq!(unescape(r"\XFF41\", &d()).as_deref(), Ok("ÿA"));
    }

    #[test]
    fn truncation_sequence_needs_a_truncation_character() {
        let t = d().with_truncation('#').expect("legal");
        assert_eq!(unescape(r"12\P\", &t).as_deref(), Ok("12#"));
        let err = unescape(r"12\P\", &d()).expect_err("no truncation character");
        assert_eq!(err.kind, EscapeErrorKind::Unknown);
    }

    #[test]
    fn keeps_presentation_sequences_in_backslash_form() {
        assert_eq!(
            unescape(
                r"\H\bold\N\ \.sp 2\\.in+4\\.ce\\Zabc\\C2842\\M244041\",
                &d()
            )
            .as_deref(),
            Ok(r"\H\bold\N\ \.sp 2\\.in+4\\.ce\\Zabc\\C2842\\M244041\")
        );
        assert_eq!(unescape("@H@x@N@", &odd()).as_deref(), Ok(r"\H\x\N\"));
    }

    #[test]
    fn reports_unknown_sequences_with_position() {
        let err = unescape(r"abc\Q\def", &d()).expect_err("unknown");
        assert_eq!(err.kind, EscapeErrorKind::Unknown);
        assert_eq!(err.offset, 3);
        assert_eq!(err.column, 4);
        assert_eq!(err.sequence, r"\Q\");
        assert_eq!(
            err.to_string(),
            r"unknown escape sequence `\Q\` at character 4"
        );
        // Columns count characters.
        let err = unescape(r"éé\Q\", &d()).expect_err("unknown");
        assert_eq!((err.offset, err.column), (4, 3));
        // An empty sequence is unknown too.
        assert_eq!(
            unescape(r"a\\b", &d()).map_err(|e| e.kind),
            Err(EscapeErrorKind::Unknown)
        );
        // Lower-case letters are not the standard sequences.
        assert!(unescape(r"\f\", &d()).is_err());
    }

    #[test]
    fn reports_unterminated_and_bad_hex() {
        let err = unescape(r"ab\F", &d()).expect_err("unterminated");
        assert_eq!(err.kind, EscapeErrorKind::Unterminated);
        assert_eq!((err.offset, err.column), (2, 3));
        assert_eq!(err.sequence, r"\F");
        for bad in [r"\X\", r"\X4\", r"\XZZ\", r"\X414\"] {
            assert_eq!(
                unescape(bad, &d()).map_err(|e| e.kind),
                Err(EscapeErrorKind::InvalidHex),
                "{bad}"
            );
        }
    }

    #[test]
    fn lossy_keeps_bad_sequences_literally() {
        assert_eq!(unescape_lossy(r"a\Q\b\F\c\X4\d\", &d()), r"a\Q\b|c\X4\d\");
        assert_eq!(unescape_lossy(r"trailing\", &d()), r"trailing\");
        assert_eq!(unescape_lossy("", &d()), "");
    }

    #[test]
    fn escape_encodes_every_special_character() {
        assert_eq!(escape(r"a|b^c&d~e\f", &d()), r"a\F\b\S\c\T\d\R\e\E\f");
        assert_eq!(escape("1\n2", &d()), r"1\.br\2");
        assert_eq!(escape("1\r\n2", &d()), r"1\X0D\\.br\2");
        assert_eq!(escape("tab\tok", &d()), "tab\tok");
        assert_eq!(escape("\u{0b}\u{1c}", &d()), r"\X0B\\X1C\");
        assert_eq!(escape("plain", &d()), "plain");
        assert_eq!(escape("a#b$c%d*e@f", &odd()), "a@F@b@S@c@T@d@R@e@E@f");
        let t = d().with_truncation('#').expect("legal");
        assert_eq!(escape("#1", &t), r"\P\1");
        assert_eq!(escape("#1", &d()), "#1");
    }

    #[test]
    fn escape_avoids_br_when_dot_is_a_delimiter() {
        let dotted = Delimiters::new('|', '.', '~', '\\', '&').expect("legal");
        assert_eq!(escape("a\nb.c", &dotted), r"a\X0A\b\S\c");
        assert_eq!(unescape(r"a\X0A\b\S\c", &dotted).as_deref(), Ok("a\nb.c"));
    }

    #[test]
    fn escape_then_unescape_is_identity() {
        let t = odd().with_truncation('!').expect("legal");
        for text in [
            "",
            "plain",
            r"\F\ literally",
            "#$*@%!|^~\\&",
            "multi\nline\r\ntext",
            "ünïcödé ✓ 𝄞",
            "@@@@",
        ] {
            for delims in [d(), odd(), t] {
                let escaped = escape(text, &delims);
                assert_eq!(unescape(&escaped, &delims).as_deref(), Ok(text));
                assert!(!escaped.contains(['\r', '\n']));
                assert!(!escaped.contains(delims.field()));
            }
        }
    }

    #[test]
    fn transcode_keeps_meaning() {
        let raw = r"a\F\b\H\c\X41\d\.br\e\Q\f\E\";
        let out = transcode(raw, &d(), &odd());
        assert_eq!(out, "a|b@H@cAd@.br@e\\Q\\f\\");
        assert_eq!(unescape_lossy(&out, &odd()), unescape_lossy(raw, &d()));
        // Text that is special only in the target is escaped there.
        assert_eq!(transcode("50$ #1", &d(), &odd()), "50@S@ @F@1");
        // A presentation sequence whose content clashes falls back to text.
        let dotted = Delimiters::new('|', '.', '~', '\\', '&').expect("legal");
        let out = transcode(r"\.sp 2\", &d(), &dotted);
        assert_eq!(out, r"\E\\S\sp 2\E\");
        assert_eq!(unescape_lossy(&out, &dotted), r"\.sp 2\");
    }

    #[test]
    fn tokens_cover_the_input() {
        let raw = r"ab\F\\Q\cd\";
        let lits: Vec<_> = tokens(raw, &d()).collect();
        assert_eq!(
            lits,
            vec![
                Token::Text("ab"),
                Token::Char('|'),
                Token::Invalid {
                    literal: r"\Q\",
                    offset: 5,
                    kind: EscapeErrorKind::Unknown
                },
                Token::Text("cd"),
                Token::Invalid {
                    literal: r"\",
                    offset: 10,
                    kind: EscapeErrorKind::Unterminated
                },
            ]
        );
    }
}
