//! Fuzzes the HL7 v2 parser: any input must parse or fail cleanly, and
//! whatever parses must survive offset look-ups, re-encoding and a change
//! of delimiters.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pacs_academy::hl7::{
    parse, unescape, unescape_lossy, Delimiters, MessageBuilder, Path, SegmentSeparator,
};

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let usual = Delimiters::default();
    let _ = unescape(&input, &usual);
    let _ = unescape_lossy(&input, &usual);
    let _ = Path::parse(&input);

    let Ok(message) = parse(&input) else {
        return;
    };
    let delimiters = *message.delimiters();

    // Offset look-up: every offset of small inputs, a sample of large ones.
    let step = (input.len() / 2048).max(1);
    for offset in (0..input.len() + 2).step_by(step) {
        if let Some(found) = message.path_at(offset) {
            assert!(found.span.contains(&offset));
            assert_eq!(message.get(&found.path), input.get(found.span.clone()));
        }
    }

    for leaf in message.leaves() {
        assert_eq!(message.get(&leaf.path), Some(leaf.raw.as_str()));
        assert_eq!(input.get(leaf.span.clone()), Some(leaf.raw.as_str()));
        let _ = unescape(&leaf.raw, &delimiters);
    }
    let _ = (
        message.message_type(),
        message.control_id(),
        message.version(),
    );

    // Re-encode and re-parse: the same message, whatever the line endings.
    let er7 = message.to_er7(SegmentSeparator::Cr);
    let again = parse(&er7).expect("re-encoded message must parse");
    assert!(again.equivalent(&message));
    assert_eq!(again.to_er7(SegmentSeparator::Cr), er7);
    for separator in [SegmentSeparator::Lf, SegmentSeparator::CrLf] {
        let again = parse(&message.to_er7(separator)).expect("re-encoded message must parse");
        assert!(again.equivalent(&message));
    }
    let framed = parse(&message.to_mllp()).expect("framed message must parse");
    assert!(framed.equivalent(&message));

    // New delimiters keep every decoded value; the builder copies exactly.
    let odd = Delimiters::new('#', '$', '*', '@', '%').expect("legal delimiters");
    let changed = message.with_delimiters(odd);
    assert!(changed.equivalent(&message));
    let reparsed = parse(&changed.to_er7(SegmentSeparator::Cr)).expect("must parse");
    assert_eq!(reparsed, changed);
    assert!(MessageBuilder::from_message(&message)
        .build()
        .equivalent(&message));
});
