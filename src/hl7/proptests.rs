//! Property tests: round trips through the builder, encoder and parser;
//! no panics on arbitrary input; changing delimiters keeps every value.

use proptest::prelude::*;

use super::*;

/// Characters that may serve as delimiters (no letters, digits, whitespace
/// or controls), including some outside ASCII.
const POOL: &[char] = &[
    '|', '^', '~', '\\', '&', '#', '$', '*', '@', '%', '!', '+', '=', ':', ';', ',', '?', '/', '<',
    '>', '{', '}', '[', ']', '\'', '"', '_', '.', '-', '¦', '§', '¤',
];

/// Non-header segment IDs to build with.
const IDS: &[&str] = &["PID", "PV1", "OBX", "NK1", "EVN", "ZZ1", "Z01", "BTS"];

const SEPARATORS: [SegmentSeparator; 3] = [
    SegmentSeparator::Cr,
    SegmentSeparator::Lf,
    SegmentSeparator::CrLf,
];

fn delimiters() -> impl Strategy<Value = Delimiters> {
    (Just(POOL.to_vec()).prop_shuffle(), any::<bool>()).prop_map(|(chars, truncation)| {
        let pick = |i: usize| chars.get(i).copied().unwrap_or('?');
        let d = Delimiters::new(pick(0), pick(1), pick(2), pick(3), pick(4))
            .expect("distinct legal characters");
        if truncation {
            d.with_truncation(pick(5))
                .expect("distinct legal character")
        } else {
            d
        }
    })
}

/// Characters for values: every delimiter candidate, line breaks and other
/// controls, letters, spaces and a few multi-byte characters.
fn value_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::sample::select(POOL),
        4 => proptest::char::range('a', 'z'),
        2 => proptest::sample::select(&['\n', '\r', '\t', ' ', '\u{0b}', '\u{1c}', '\u{0}'][..]),
        1 => proptest::sample::select(&['é', 'ß', '✓', '𝄞', '\u{feff}', '\u{2028}'][..]),
        1 => any::<char>(),
    ]
}

fn value() -> impl Strategy<Value = String> {
    proptest::collection::vec(value_char(), 0..8).prop_map(String::from_iter)
}

/// fields → repetitions → components → subcomponents.
type Tree = Vec<Vec<Vec<Vec<String>>>>;

fn tree<S: Strategy<Value = String>>(leaf: S, fields: usize) -> impl Strategy<Value = Tree> {
    use proptest::collection::vec;
    vec(vec(vec(vec(leaf, 1..3), 1..3), 1..3), 1..fields)
}

/// Each leaf of a tree with its explicit path, e.g. `OBX[2]-3(1).2.1`.
fn leaf_paths(id: &str, occurrence: usize, first_field: usize, tree: &Tree) -> Vec<(Path, String)> {
    let mut out = Vec::new();
    for (f, field) in tree.iter().enumerate() {
        for (r, rep) in field.iter().enumerate() {
            for (c, comp) in rep.iter().enumerate() {
                for (s, leaf) in comp.iter().enumerate() {
                    let text = format!(
                        "{id}[{occurrence}]-{}({}).{}.{}",
                        f + first_field,
                        r + 1,
                        c + 1,
                        s + 1
                    );
                    let path = Path::parse(&text).expect("generated path");
                    out.push((path, leaf.clone()));
                }
            }
        }
    }
    out
}

/// A random message description: MSH fields from MSH-3, then segments.
fn message_plan() -> impl Strategy<Value = (Delimiters, Tree, Vec<(usize, Tree)>)> {
    (
        delimiters(),
        tree(value(), 5),
        proptest::collection::vec((0..IDS.len(), tree(value(), 5)), 0..5),
    )
}

/// Builds the plan with the builder and lists each leaf's path and value.
fn build(d: Delimiters, msh: &Tree, segments: &[(usize, Tree)]) -> (Message, Vec<(Path, String)>) {
    let mut builder = MessageBuilder::new(d);
    let mut expected = leaf_paths("MSH", 1, 3, msh);
    let mut counts = [0usize; 8];
    for (which, tree) in segments {
        let id = IDS.get(*which).copied().unwrap_or("ZZZ");
        let n = counts.get_mut(*which).expect("index below IDS.len()");
        *n += 1;
        expected.extend(leaf_paths(id, *n, 1, tree));
    }
    for (path, value) in &expected {
        builder.set_path(path, value).expect("settable path");
    }
    (builder.build(), expected)
}

/// Escaped text made of plain runs and escape sequences, good and bad.
fn raw_leaf(d: Delimiters) -> impl Strategy<Value = String> {
    let e = d.escape();
    let plain = proptest::collection::vec(value_char(), 0..4).prop_map(move |chars| {
        chars
            .into_iter()
            .filter(|&c| !d.is_special(c) && c != '\r' && c != '\n')
            .collect::<String>()
    });
    let sequence = proptest::sample::select(
        &[
            "F", "S", "T", "R", "E", "P", ".br", "H", "N", "X41", "XC3A9", "XE9", "X0D0A", "XZZ",
            "X4", "Q", "", ".sp 2", ".in-4", ".ce", "Zab", "C2842", "M244041", "f",
        ][..],
    )
    .prop_map(move |content| format!("{e}{content}{e}"));
    let lone = Just(e.to_string());
    let piece = prop_oneof![4 => plain, 4 => sequence, 1 => lone];
    proptest::collection::vec(piece, 0..4).prop_map(|pieces| pieces.concat())
}

/// ER7 text for a header and segments whose leaves are already escaped.
fn raw_text(d: &Delimiters, msh: &Tree, segments: &[(usize, Tree)]) -> String {
    let join = |tree: &Tree| -> String {
        tree.iter()
            .map(|field| {
                field
                    .iter()
                    .map(|rep| {
                        rep.iter()
                            .map(|comp| comp.join(&d.subcomponent().to_string()))
                            .collect::<Vec<_>>()
                            .join(&d.component().to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(&d.repetition().to_string())
            })
            .collect::<Vec<_>>()
            .join(&d.field().to_string())
    };
    let mut text = format!("MSH{d}{}{}", d.field(), join(msh));
    for (which, tree) in segments {
        let id = IDS.get(*which).copied().unwrap_or("ZZZ");
        text.push('\r');
        text.push_str(&format!("{id}{}{}", d.field(), join(tree)));
    }
    text
}

/// Checks everything that must hold for any successfully parsed input.
fn check_parsed(input: &str, m: &Message) {
    for offset in 0..input.len() + 2 {
        if let Some(loc) = m.path_at(offset) {
            assert!(loc.span.contains(&offset));
            assert_eq!(m.get(&loc.path), input.get(loc.span.clone()));
        }
    }
    for leaf in m.leaves() {
        assert_eq!(m.get(&leaf.path), Some(leaf.raw.as_str()));
        assert_eq!(input.get(leaf.span.clone()), Some(leaf.raw.as_str()));
    }
    for sep in SEPARATORS {
        let again = parse(&m.to_er7(sep)).expect("re-encoded message parses");
        assert!(again.equivalent(m));
    }
    let again = parse(&m.to_mllp()).expect("framed message parses");
    assert!(again.equivalent(m));
    let changed = m.with_delimiters(Delimiters::new('#', '$', '*', '@', '%').expect("legal"));
    assert!(changed.equivalent(m));
}

// 256 cases per property by default; set PROPTEST_CASES to run more.
proptest! {
    /// (a) Build → encode → parse gives the same decoded value at every path.
    #[test]
    fn built_messages_survive_encoding((d, msh, segments) in message_plan(), frame in any::<bool>()) {
        let (built, expected) = build(d, &msh, &segments);
        let exact = parse(&built.to_er7(SegmentSeparator::Cr)).expect("parses");
        prop_assert_eq!(&exact, &built);
        for sep in SEPARATORS {
            let text = if frame { built.to_mllp() } else { built.to_er7(sep) };
            let parsed = parse(&text).expect("parses");
            prop_assert!(parsed.equivalent(&built));
            prop_assert_eq!(parsed.delimiters(), &d);
            for (path, value) in &expected {
                let got = parsed.value(path);
                prop_assert_eq!(got.as_deref(), Some(value.as_str()), "{}", path);
            }
        }
    }

    /// (a) Escaping then decoding any text gives it back, for any delimiters.
    #[test]
    fn escape_round_trips(d in delimiters(), text in value()) {
        let escaped = escape(&text, &d);
        prop_assert_eq!(unescape(&escaped, &d), Ok(text.clone()));
        prop_assert!(!escaped.contains(['\r', '\n', d.field(), d.component(), d.repetition(), d.subcomponent()]));
        prop_assert_eq!(unescape_lossy(&escaped, &d), text);
    }

    /// (b) Arbitrary strings never panic.
    #[test]
    fn arbitrary_strings_never_panic(input in any::<String>(), d in delimiters()) {
        if let Ok(m) = parse(&input) {
            check_parsed(&input, &m);
        }
        let _ = unescape(&input, &d);
        let _ = unescape_lossy(&input, &d);
        let _ = transcode(&input, &d, &Delimiters::default());
        let _ = Path::parse(&input);
    }

    /// (b) Arbitrary bytes, read as lossy UTF-8, never panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let input = String::from_utf8_lossy(&bytes);
        if let Ok(m) = parse(&input) {
            check_parsed(&input, &m);
        }
        let _ = unescape(&input, &Delimiters::default());
        let _ = unescape_lossy(&input, &Delimiters::default());
    }

    /// (b) Text that looks like HL7 reaches deep into the parser without panics.
    #[test]
    fn hl7_like_text_never_panics(
        prefix in proptest::sample::select(&["", "MSH|^~\\&|", "\u{0b}MSH|^~\\&#|", "FHS|^~\\&|", "MSH#$*@%#", "MSH|"][..]),
        body in proptest::collection::vec(value_char(), 0..64),
        segment in proptest::sample::select(&["\rPID|", "\nOBX|", "\r\nMSH|", "\rBHS|^~\\&", "\r\u{1c}\r", "\r", ""][..]),
        tail in proptest::collection::vec(value_char(), 0..32),
        path in "(MSH|PID|OBX|[A-Z]{3})(\\[[1-3]\\])?(-[1-9][0-9]?(\\([1-3]\\))?(\\.[1-9](\\.[1-9])?)?)?",
    ) {
        let input = format!("{prefix}{}{segment}{}", String::from_iter(body), String::from_iter(tail));
        if let Ok(m) = parse(&input) {
            check_parsed(&input, &m);
            let path = Path::parse(&path).expect("generated path");
            let _ = m.get(&path);
            let _ = m.value(&path);
            let _ = (m.message_type(), m.control_id(), m.version());
            let _ = MessageBuilder::from_message(&m).build();
        }
    }

    /// (c) Changing the delimiters of a built message keeps every value.
    #[test]
    fn new_delimiters_keep_built_values((d, msh, segments) in message_plan(), to in delimiters()) {
        let (built, expected) = build(d, &msh, &segments);
        let changed = built.with_delimiters(to);
        prop_assert_eq!(changed.delimiters(), &to);
        prop_assert!(changed.equivalent(&built));
        for (path, value) in &expected {
            let got = changed.value(path);
            prop_assert_eq!(got.as_deref(), Some(value.as_str()), "{}", path);
        }
        let reparsed = parse(&changed.to_er7(SegmentSeparator::Cr)).expect("parses");
        prop_assert_eq!(&reparsed, &changed);
    }

    /// (c) Changing the delimiters keeps the decoded value of raw text with
    /// any mix of escape sequences, good and bad.
    #[test]
    fn new_delimiters_keep_escaped_values(
        (d, msh, segments) in delimiters().prop_flat_map(|d| (
            Just(d),
            tree(raw_leaf(d), 4),
            proptest::collection::vec((0..IDS.len(), tree(raw_leaf(d), 4)), 0..4),
        )),
        to in delimiters(),
    ) {
        let text = raw_text(&d, &msh, &segments);
        let original = parse(&text).expect("generated text parses");
        let changed = original.with_delimiters(to);
        prop_assert!(changed.equivalent(&original));
        let back = changed.with_delimiters(d);
        prop_assert!(back.equivalent(&original));
        for leaf in original.leaves() {
            let header_field = leaf.path.segment_id() == "MSH" && leaf.path.field().is_some_and(|f| f <= 2);
            if !header_field {
                prop_assert_eq!(changed.value(&leaf.path), Some(leaf.value.clone()), "{}", leaf.path);
            }
        }
        let reparsed = parse(&changed.to_er7(SegmentSeparator::CrLf)).expect("parses");
        prop_assert!(reparsed.equivalent(&changed));
    }
}
