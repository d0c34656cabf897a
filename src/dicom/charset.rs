//! Text in the character sets that Specific Character Set (0008,0005)
//! declares (PS3.3 C.12.1.1.2, PS3.5 section 6.1 and Annexes H, I, J).
//!
//! Contract:
//! - [`Charset::from_values`] reads the values of (0008,0005); [`Charset::decode`]
//!   turns the bytes of one SH, LO, UC, ST, LT, UT or PN value into a `String`
//!   and says, in a note, whatever it could not decode exactly. It never
//!   panics and never fails: undecodable bytes become U+FFFD or `\xNN`.
//! - Single-byte sets: the default repertoire (ISO_IR 6), ISO_IR 100, 101,
//!   109, 110, 144, 127, 126, 138, 148, 203, 166 and 13, written `ISO_IR n`
//!   or `ISO 2022 IR n`.
//! - ISO 2022 code extensions (any `ISO 2022 IR n` value, or more than one
//!   value): escape sequences switch G0 between ASCII, JIS X 0201 romaji,
//!   JIS X 0208 (IR 87) and JIS X 0212 (IR 159), and G1 between the 96-character
//!   sets above, JIS X 0201 katakana, KS X 1001 (IR 149) and GB 2312 (IR 58).
//!   At the start of a value and after each delimiter read in ASCII
//!   (CR, LF, FF, TAB, `\`, and for PN `^` and `=`) the first value's sets
//!   are back in force, as PS3.5 6.1.2.5.3 requires; so each PN component
//!   group decodes with its own escapes.
//! - Without code extensions: ISO_IR 192 (UTF-8), GB18030 and GBK.
//! - A first value that names no known set is reported as
//!   `not decoded: <value>`, with ASCII kept and other bytes shown as `\xNN`.
//!
//! The multi-byte tables come from `encoding_rs` (pure Rust, builds for
//! wasm32): JIS X 0208/0212 through its EUC-JP decoder, KS X 1001 through
//! EUC-KR and GB 2312 through GBK, after moving the 7-bit bytes to the
//! 8-bit form those encodings use.

use encoding_rs::Encoding;

const ESC: u8 = 0x1B;

/// One term of Specific Character Set, by its ISO-IR registration number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Term {
    /// ISO-IR 6: ASCII.
    Ascii,
    /// A 96-character set in G1 (ISO 8859 parts, TIS 620).
    Upper(Upper),
    /// ISO-IR 13 with 14: JIS X 0201 katakana in G1, romaji in G0.
    JisX0201,
    /// ISO-IR 87: JIS X 0208 in G0 (two bytes a character).
    JisX0208,
    /// ISO-IR 159: JIS X 0212 in G0 (two bytes a character).
    JisX0212,
    /// ISO-IR 149: KS X 1001 in G1 (two bytes a character).
    KsX1001,
    /// ISO-IR 58: GB 2312 in G1 (two bytes a character).
    Gb2312,
}

/// The right half (bytes A0 to FF) of a single-byte set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Upper {
    Latin1,
    Latin2,
    Latin3,
    Latin4,
    Cyrillic,
    Arabic,
    Greek,
    Hebrew,
    Latin5,
    Latin9,
    Thai,
}

impl Upper {
    /// The `encoding_rs` table whose bytes A0 to FF equal this set's.
    /// Latin-5 and TIS 620 differ from windows-1254/874 only in 80 to 9F,
    /// which [`decode_upper`] never looks up.
    fn encoding(self) -> Option<&'static Encoding> {
        Some(match self {
            Upper::Latin1 => return None,
            Upper::Latin2 => encoding_rs::ISO_8859_2,
            Upper::Latin3 => encoding_rs::ISO_8859_3,
            Upper::Latin4 => encoding_rs::ISO_8859_4,
            Upper::Cyrillic => encoding_rs::ISO_8859_5,
            Upper::Arabic => encoding_rs::ISO_8859_6,
            Upper::Greek => encoding_rs::ISO_8859_7,
            Upper::Hebrew => encoding_rs::ISO_8859_8,
            Upper::Latin5 => encoding_rs::WINDOWS_1254,
            Upper::Latin9 => encoding_rs::ISO_8859_15,
            Upper::Thai => encoding_rs::WINDOWS_874,
        })
    }
}

impl Term {
    /// `ISO_IR 100`, `ISO 2022 IR 100` and so on.
    fn from_name(name: &str) -> Option<Term> {
        let number = name
            .strip_prefix("ISO_IR ")
            .or_else(|| name.strip_prefix("ISO 2022 IR "))?;
        Some(match number {
            "6" => Term::Ascii,
            "100" => Term::Upper(Upper::Latin1),
            "101" => Term::Upper(Upper::Latin2),
            "109" => Term::Upper(Upper::Latin3),
            "110" => Term::Upper(Upper::Latin4),
            "144" => Term::Upper(Upper::Cyrillic),
            "127" => Term::Upper(Upper::Arabic),
            "126" => Term::Upper(Upper::Greek),
            "138" => Term::Upper(Upper::Hebrew),
            "148" => Term::Upper(Upper::Latin5),
            "203" => Term::Upper(Upper::Latin9),
            "166" => Term::Upper(Upper::Thai),
            "13" => Term::JisX0201,
            "87" => Term::JisX0208,
            "159" => Term::JisX0212,
            "149" => Term::KsX1001,
            "58" => Term::Gb2312,
            _ => return None,
        })
    }
}

/// What G0 (bytes 21 to 7E) holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum G0 {
    Ascii,
    /// JIS X 0201 romaji: read as ASCII, as pydicom and dcmtk do (it differs
    /// only at 5C, yen, and 7E, overline).
    Romaji,
    JisX0208,
    JisX0212,
}

/// What G1 (bytes A0 to FF) holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum G1 {
    None,
    Upper(Upper),
    Katakana,
    KsX1001,
    Gb2312,
}

/// The sets in force at the start of each value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Initial {
    g0: G0,
    g1: G1,
}

impl Initial {
    fn of(term: Term) -> Initial {
        let (g0, g1) = match term {
            Term::Ascii => (G0::Ascii, G1::None),
            Term::Upper(u) => (G0::Ascii, G1::Upper(u)),
            Term::JisX0201 => (G0::Romaji, G1::Katakana),
            // Multi-byte sets are never the first value in a valid file:
            // their escape sequence must be present. Read them leniently.
            Term::JisX0208 => (G0::JisX0208, G1::None),
            Term::JisX0212 => (G0::JisX0212, G1::None),
            Term::KsX1001 => (G0::Ascii, G1::KsX1001),
            Term::Gb2312 => (G0::Ascii, G1::Gb2312),
        };
        Initial { g0, g1 }
    }
}

/// The character repertoire named by Specific Character Set (0008,0005).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Charset {
    /// No Specific Character Set, or ISO_IR 6: the default repertoire
    /// (ASCII).
    Default,
    /// One of the single-byte sets, without code extensions.
    Single(String, #[doc(hidden)] SingleSet),
    /// ISO 2022 code extensions; the first value as written, and its sets.
    Iso2022(String, #[doc(hidden)] SingleSet),
    /// ISO_IR 192: Unicode in UTF-8.
    Utf8,
    /// GB18030.
    Gb18030,
    /// GBK.
    Gbk,
    /// Any other value, kept as written; not decoded.
    Other(String),
}

/// The sets a [`Charset::Single`] or [`Charset::Iso2022`] starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SingleSet(Initial);

impl Charset {
    /// The repertoire for the values of Specific Character Set.
    pub fn from_values(values: &[String]) -> Charset {
        let values: Vec<&str> = values.iter().map(|v| v.trim()).collect();
        let first = values.first().copied().unwrap_or("");
        let extensions = values.len() > 1 || values.iter().any(|v| v.starts_with("ISO 2022"));
        let term = if first.is_empty() {
            Some(Term::Ascii)
        } else {
            Term::from_name(first)
        };
        match (term, first) {
            (_, "ISO_IR 192") if !extensions => Charset::Utf8,
            (_, "GB18030") if !extensions => Charset::Gb18030,
            (_, "GBK") if !extensions => Charset::Gbk,
            (Some(term), _) if extensions => {
                Charset::Iso2022(values.join("\\"), SingleSet(Initial::of(term)))
            }
            (Some(Term::Ascii), _) => Charset::Default,
            (Some(term), _) => Charset::Single(first.to_string(), SingleSet(Initial::of(term))),
            (None, _) => Charset::Other(values.join("\\")),
        }
    }

    /// Decodes one text value (all of it, before it is split at
    /// backslashes). The note says what could not be decoded exactly.
    /// `pn` turns on the resets at `^` and `=` that person names use.
    pub fn decode(&self, raw: &[u8], pn: bool) -> (String, Option<String>) {
        match self {
            Charset::Default => {
                if raw.is_ascii() {
                    (ascii(raw), None)
                } else {
                    (
                        raw.iter().map(|&b| char::from(b)).collect(),
                        Some(
                            "bytes above 7F are outside the default repertoire; shown as ISO 8859-1"
                                .to_string(),
                        ),
                    )
                }
            }
            Charset::Utf8 => match std::str::from_utf8(raw) {
                Ok(s) => (s.to_string(), None),
                Err(e) => (
                    String::from_utf8_lossy(raw).into_owned(),
                    Some(format!(
                        "invalid UTF-8 at byte {} of the value; shown with U+FFFD",
                        e.valid_up_to()
                    )),
                ),
            },
            Charset::Gb18030 => whole(raw, encoding_rs::GB18030, "GB18030"),
            Charset::Gbk => whole(raw, encoding_rs::GBK, "GBK"),
            Charset::Single(name, SingleSet(initial)) => {
                Decoder::new(*initial, false, pn, name).run(raw)
            }
            Charset::Iso2022(name, SingleSet(initial)) => {
                Decoder::new(*initial, true, pn, name).run(raw)
            }
            Charset::Other(name) => {
                let mut s = String::with_capacity(raw.len());
                for &b in raw {
                    if b.is_ascii() && b != ESC {
                        s.push(char::from(b));
                    } else {
                        s.push_str(&format!("\\x{b:02X}"));
                    }
                }
                let note = if raw.iter().any(|&b| !b.is_ascii() || b == ESC) {
                    Some(format!(
                        "not decoded: {name}; bytes other than ASCII shown as \\xNN"
                    ))
                } else {
                    None
                };
                (s, note)
            }
        }
    }
}

fn ascii(raw: &[u8]) -> String {
    raw.iter().map(|&b| char::from(b)).collect()
}

fn whole(raw: &[u8], encoding: &'static Encoding, name: &str) -> (String, Option<String>) {
    let (text, bad) = encoding.decode_without_bom_handling(raw);
    let note = bad.then(|| format!("bytes that are not valid {name} shown as U+FFFD"));
    (text.into_owned(), note)
}

/// The state of one value being decoded.
struct Decoder<'a> {
    initial: Initial,
    g0: G0,
    g1: G1,
    escapes: bool,
    pn: bool,
    name: &'a str,
    out: String,
    note: Option<String>,
}

impl<'a> Decoder<'a> {
    fn new(initial: Initial, escapes: bool, pn: bool, name: &'a str) -> Decoder<'a> {
        Decoder {
            initial,
            g0: initial.g0,
            g1: initial.g1,
            escapes,
            pn,
            name,
            out: String::new(),
            note: None,
        }
    }

    fn problem(&mut self, text: String) {
        if self.note.is_none() {
            self.note = Some(text);
        }
    }

    fn run(mut self, raw: &[u8]) -> (String, Option<String>) {
        self.out.reserve(raw.len());
        let mut i = 0;
        while i < raw.len() {
            let b = raw[i];
            if b == ESC && self.escapes {
                match escape(&raw[i + 1..]) {
                    Some((len, Designation::G0(g0))) => {
                        self.g0 = g0;
                        i += 1 + len;
                    }
                    Some((len, Designation::G1(g1))) => {
                        self.g1 = g1;
                        i += 1 + len;
                    }
                    None => {
                        self.problem(format!(
                            "unknown escape sequence at byte {i} of the value (character set {}); shown as \\x1B",
                            self.name
                        ));
                        self.out.push('\u{1b}');
                        i += 1;
                    }
                }
                continue;
            }
            if b < 0x21 || b == 0x7F {
                // Controls and space are the same in every G0 set; CR, LF,
                // FF and TAB end the scope of a designation.
                self.out.push(char::from(b));
                if matches!(b, b'\r' | b'\n' | 0x0C | b'\t') {
                    self.reset();
                }
                i += 1;
                continue;
            }
            if b < 0x80 {
                i += self.g0_run(raw, i);
                continue;
            }
            if b < 0xA0 {
                // C1 controls have no graphic meaning in any set.
                self.out.push(char::from(b));
                i += 1;
                continue;
            }
            i += self.g1_run(raw, i);
        }
        let note = self.note.take();
        (self.out, note)
    }

    fn reset(&mut self) {
        self.g0 = self.initial.g0;
        self.g1 = self.initial.g1;
    }

    /// Decodes bytes 21 to 7E from `start` in the current G0; returns how
    /// many bytes it used.
    fn g0_run(&mut self, raw: &[u8], start: usize) -> usize {
        match self.g0 {
            G0::Ascii | G0::Romaji => {
                let b = raw[start];
                self.out.push(char::from(b));
                let delimiter = b == b'\\' || (self.pn && (b == b'^' || b == b'='));
                if delimiter {
                    self.reset();
                }
                1
            }
            G0::JisX0208 | G0::JisX0212 => {
                let end = start
                    + raw[start..]
                        .iter()
                        .take_while(|&&b| (0x21..0x7F).contains(&b))
                        .count();
                let run = &raw[start..end];
                let pairs = run.len() / 2;
                let mut euc = Vec::with_capacity(pairs * 3);
                for pair in run.as_chunks::<2>().0 {
                    if self.g0 == G0::JisX0212 {
                        euc.push(0x8F);
                    }
                    euc.extend([pair[0] | 0x80, pair[1] | 0x80]);
                }
                let (text, bad) = encoding_rs::EUC_JP.decode_without_bom_handling(&euc);
                self.out.push_str(&text);
                let set = if self.g0 == G0::JisX0208 {
                    "JIS X 0208"
                } else {
                    "JIS X 0212"
                };
                if bad {
                    self.problem(format!(
                        "bytes with no character in {set} at byte {start} of the value; shown as U+FFFD"
                    ));
                }
                if run.len() % 2 == 1 {
                    self.out.push('\u{FFFD}');
                    self.problem(format!(
                        "a {set} character cut short at byte {} of the value; shown as U+FFFD",
                        end - 1
                    ));
                }
                run.len()
            }
        }
    }

    /// Decodes bytes A0 to FF from `start` in the current G1; returns how
    /// many bytes it used.
    fn g1_run(&mut self, raw: &[u8], start: usize) -> usize {
        let b = raw[start];
        match self.g1 {
            G1::None => {
                self.out.push('\u{FFFD}');
                self.problem(format!(
                    "byte {b:02X} at byte {start} of the value has no character set in force ({}); shown as U+FFFD",
                    self.name
                ));
                1
            }
            G1::Upper(set) => {
                let c = decode_upper(set, b);
                if c == '\u{FFFD}' {
                    self.problem(format!(
                        "byte {b:02X} at byte {start} of the value has no character in {}; shown as U+FFFD",
                        self.name
                    ));
                }
                self.out.push(c);
                1
            }
            G1::Katakana => {
                // JIS X 0201 katakana A1..DF are the half-width forms
                // U+FF61..U+FF9F.
                let c = if (0xA1..=0xDF).contains(&b) {
                    char::from_u32(0xFF61 + u32::from(b - 0xA1)).unwrap_or('\u{FFFD}')
                } else {
                    self.problem(format!(
                        "byte {b:02X} at byte {start} of the value has no character in JIS X 0201; shown as U+FFFD"
                    ));
                    '\u{FFFD}'
                };
                self.out.push(c);
                1
            }
            G1::KsX1001 | G1::Gb2312 => {
                let (encoding, set) = if self.g1 == G1::KsX1001 {
                    (encoding_rs::EUC_KR, "KS X 1001")
                } else {
                    (encoding_rs::GBK, "GB 2312")
                };
                let len = raw[start..].iter().take_while(|&&b| b >= 0xA1).count();
                let run = &raw[start..start + len];
                let even = len - len % 2;
                let (text, bad) = encoding.decode_without_bom_handling(&run[..even]);
                self.out.push_str(&text);
                if bad {
                    self.problem(format!(
                        "bytes with no character in {set} at byte {start} of the value; shown as U+FFFD"
                    ));
                }
                if len % 2 == 1 || len == 0 {
                    self.out.push('\u{FFFD}');
                    self.problem(format!(
                        "a {set} character cut short at byte {} of the value; shown as U+FFFD",
                        start + even
                    ));
                }
                len.max(1)
            }
        }
    }
}

/// One byte from A0 to FF of a 96-character set.
fn decode_upper(set: Upper, b: u8) -> char {
    match set.encoding() {
        None => char::from(b),
        Some(encoding) => {
            let byte = [b];
            let (text, _) = encoding.decode_without_bom_handling(&byte);
            text.chars().next().unwrap_or('\u{FFFD}')
        }
    }
}

enum Designation {
    G0(G0),
    G1(G1),
}

/// Reads the escape sequence after an ESC byte (PS3.3 Tables C.12-3 and
/// C.12-4); returns its length (without the ESC) and what it designates.
fn escape(rest: &[u8]) -> Option<(usize, Designation)> {
    use Designation::{G0 as D0, G1 as D1};
    let seq: &[(&[u8], Designation)] = &[
        (&b"(B"[..], D0(G0::Ascii)),
        (&b"(J"[..], D0(G0::Romaji)),
        (&b"$B"[..], D0(G0::JisX0208)),
        (&b"$@"[..], D0(G0::JisX0208)),
        (&b"$(D"[..], D0(G0::JisX0212)),
        (&b")I"[..], D1(G1::Katakana)),
        (&b"$)C"[..], D1(G1::KsX1001)),
        (&b"$)A"[..], D1(G1::Gb2312)),
        (&b"-A"[..], D1(G1::Upper(Upper::Latin1))),
        (&b"-B"[..], D1(G1::Upper(Upper::Latin2))),
        (&b"-C"[..], D1(G1::Upper(Upper::Latin3))),
        (&b"-D"[..], D1(G1::Upper(Upper::Latin4))),
        (&b"-L"[..], D1(G1::Upper(Upper::Cyrillic))),
        (&b"-G"[..], D1(G1::Upper(Upper::Arabic))),
        (&b"-F"[..], D1(G1::Upper(Upper::Greek))),
        (&b"-H"[..], D1(G1::Upper(Upper::Hebrew))),
        (&b"-M"[..], D1(G1::Upper(Upper::Latin5))),
        (&b"-b"[..], D1(G1::Upper(Upper::Latin9))),
        (&b"-T"[..], D1(G1::Upper(Upper::Thai))),
    ];
    seq.iter().find_map(|(s, d)| {
        rest.starts_with(s).then(|| {
            let d = match d {
                D0(g) => D0(*g),
                D1(g) => D1(*g),
            };
            (s.len(), d)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cs(values: &[&str]) -> Charset {
        Charset::from_values(&values.iter().map(|v| v.to_string()).collect::<Vec<_>>())
    }

    fn decode(values: &[&str], raw: &[u8], pn: bool) -> String {
        let (text, note) = cs(values).decode(raw, pn);
        assert_eq!(note, None, "{text}");
        text
    }

    #[test]
    fn japanese_pn_with_escapes_per_group() {
        // PS3.5 Annex H, H.3.1 (the bytes of pydicom's chrH31.dcm).
        let raw =
            b"Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B=\x1b$B$d$^$@\x1b(B^\x1b$B$?$m$&\x1b(B";
        assert_eq!(
            decode(&["", "ISO 2022 IR 87"], raw, true),
            "Yamada^Tarou=山田^太郎=やまだ^たろう"
        );
    }

    #[test]
    fn jis_x_0201_and_0212() {
        // PS3.5 H.3.2 (chrX2-like): half-width katakana in G1.
        let raw = b"\xd4\xcf\xc0\xde^\xc0\xdb\xb3=\x1b$B;3ED\x1b(J^\x1b$BB@O:\x1b(J=";
        assert_eq!(
            decode(&["ISO 2022 IR 13", "ISO 2022 IR 87"], raw, true),
            "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎="
        );
        // JIS X 0212 row 0x30, cell 0x21 is U+4E02.
        assert_eq!(
            decode(&["", "ISO 2022 IR 159"], b"\x1b$(D0!\x1b(B", false),
            "\u{4e02}"
        );
    }

    #[test]
    fn korean_and_chinese_in_g1() {
        // PS3.5 Annex I (chrI2-like): Hong^Gildong in KS X 1001.
        let raw = b"Hong^Gildong=\x1b$)C\xfb\xf3^\x1b$)C\xd1\xce\xd4\xd7=\x1b$)C\xc8\xab^\x1b$)C\xb1\xe6\xb5\xbf";
        assert_eq!(
            decode(&["", "ISO 2022 IR 149"], raw, true),
            "Hong^Gildong=洪^吉洞=홍^길동"
        );
        assert_eq!(
            decode(&["", "ISO 2022 IR 58"], b"\x1b$)A\xd6\xd0\xce\xc4", false),
            "中文"
        );
        assert_eq!(decode(&["GB18030"], b"\xd6\xd0\x5c", false), "中\\");
    }

    #[test]
    fn single_byte_sets() {
        assert_eq!(decode(&["ISO_IR 100"], b"M\xfcller", false), "Müller");
        assert_eq!(
            decode(
                &["ISO_IR 144"],
                b"\xbb\xee\xda\xe1\xd5\xdc\xd1\xe3\xe0\xd3",
                false
            ),
            "Люксембург"
        );
        assert_eq!(
            decode(
                &["ISO_IR 126"],
                b"\xc4\xe9\xef\xed\xf5\xf3\xe9\xef\xf2",
                false
            ),
            "Διονυσιος"
        );
        assert_eq!(decode(&["ISO_IR 203"], b"\xa4", false), "€");
        assert_eq!(decode(&["ISO_IR 148"], b"\xdd", false), "İ");
        assert_eq!(decode(&["ISO_IR 101"], b"\xa3", false), "Ł");
        assert_eq!(decode(&["ISO_IR 138"], b"\xf9\xf8\xe5\xef", false), "שרון");
        // Code extensions between Latin-1 and Cyrillic.
        assert_eq!(
            decode(
                &["ISO 2022 IR 100", "ISO 2022 IR 144"],
                b"\xe9\x1b-L\xbb",
                false
            ),
            "éЛ"
        );
    }

    #[test]
    fn escape_bytes_are_ascii_so_an_ascii_value_is_still_decoded() {
        let raw = b"\x1b$B;3ED\x1b(B";
        assert!(raw.is_ascii());
        assert_eq!(decode(&["", "ISO 2022 IR 87"], raw, true), "山田");
    }

    #[test]
    fn what_cannot_be_decoded_is_noted() {
        let (text, note) = cs(&["ISO_IR 999"]).decode(b"A\xe9", false);
        assert_eq!(text, "A\\xE9");
        assert!(note.unwrap().starts_with("not decoded: ISO_IR 999"));
        let (_, note) = cs(&["", "ISO 2022 IR 87"]).decode(b"\x1b$Z", false);
        assert!(note.unwrap().contains("unknown escape sequence at byte 0"));
        let (text, note) = cs(&["", "ISO 2022 IR 87"]).decode(b"\x1b$B;", false);
        assert_eq!(text, "\u{FFFD}");
        assert!(note.unwrap().contains("cut short"));
        let (_, note) = cs(&["ISO_IR 192"]).decode(b"\xff", false);
        assert!(note.unwrap().contains("invalid UTF-8"));
        assert_eq!(cs(&[]), Charset::Default);
        assert_eq!(cs(&["ISO_IR 6"]), Charset::Default);
    }

    proptest::proptest! {
        /// Any bytes, in any set, decode without panicking, and bytes that
        /// hold no ESC or byte above 7F read as the same ASCII text.
        #[test]
        fn any_bytes_decode(raw in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64), which in 0usize..8, pn in proptest::prelude::any::<bool>()) {
            let sets: [&[&str]; 8] = [
                &[], &["ISO_IR 100"], &["", "ISO 2022 IR 87", "ISO 2022 IR 159"],
                &["ISO 2022 IR 13", "ISO 2022 IR 87"], &["", "ISO 2022 IR 149"],
                &["ISO_IR 192"], &["GB18030"], &["ISO_IR 999"],
            ];
            let charset = cs(sets[which]);
            let (text, _) = charset.decode(&raw, pn);
            let plain = raw.iter().all(|&b| b.is_ascii() && b != ESC);
            if plain {
                proptest::prop_assert_eq!(text, String::from_utf8(raw).unwrap_or_default());
            }
        }
    }
}
