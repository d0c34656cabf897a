//! Property tests for the module renderer: any Markdown, made of the
//! constructs that once blew up the page (nesting, code blocks, tables,
//! footnotes, raw HTML, the reserved placeholder), renders without
//! panicking, within the output bound, with every recorded line a line of
//! the input and no placeholder left in the page.

use proptest::prelude::*;

use super::render::{render, MAX_HTML_BYTES, PLACEHOLDER};

/// One line of Markdown-ish text built from the risky pieces.
fn line() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(">".to_string()),
        Just("> ".to_string()),
        Just("- ".to_string()),
        Just("1. ".to_string()),
        Just("  ".to_string()),
        Just("*".to_string()),
        Just("**".to_string()),
        Just("~~".to_string()),
        Just("`".to_string()),
        Just("```hl7".to_string()),
        Just("```dicom".to_string()),
        Just("```".to_string()),
        Just("MSH|^~\\&|A|B".to_string()),
        Just("(0010,0010) PN [DOE^JANE]".to_string()),
        Just("|".to_string()),
        Just("|:-|-:|".to_string()),
        Just("[^a]".to_string()),
        Just("[^a]: ".to_string()),
        Just("[x](/a)".to_string()),
        Just("![alt](/images/x.png)".to_string()),
        Just("## ".to_string()),
        Just("{#id}".to_string()),
        Just("<details>".to_string()),
        Just("</details>".to_string()),
        Just("<abbr title=\"".to_string()),
        Just("\"".to_string()),
        Just("<script>".to_string()),
        Just("\u{F8FF}".to_string()),
        Just("\u{F8FF}b0\u{F8FF}".to_string()),
        Just("\u{F8FF}c\u{F8FF}".to_string()),
        "[a-z &<>]{0,8}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

fn body() -> impl Strategy<Value = String> {
    (prop::collection::vec(line(), 0..40), 1usize..4).prop_map(|(lines, repeat)| {
        let one = lines.join("\n");
        // Repeats make deep nesting and many blocks likely.
        vec![one; repeat].join("\n")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_markdown_renders_within_the_bound(body in body(), first_line in 1usize..50) {
        let r = render(&body, first_line);
        prop_assert!(r.html.len() <= MAX_HTML_BYTES);
        prop_assert!(!r.html.contains(PLACEHOLDER), "{}", r.html);
        let last = first_line + body.matches('\n').count();
        for line in r
            .problems
            .iter()
            .map(|p| p.line)
            .chain(r.links.iter().map(|l| l.line))
            .chain(r.images.iter().map(|i| i.line))
            .chain(r.code_blocks.iter().map(|c| c.line))
        {
            prop_assert!(line >= first_line && line <= last, "line {} of {}..={}", line, first_line, last);
        }
    }

    #[test]
    fn deep_nesting_is_bounded(depth in 1usize..3_000, marker in prop_oneof![Just("> "), Just("- "), Just("* "), Just("<details>")]) {
        let r = render(&format!("{}x\n", marker.repeat(depth)), 1);
        prop_assert!(r.html.len() <= MAX_HTML_BYTES);
        prop_assert!(r.html.matches('<').count() <= 4 * super::render::MAX_NESTING + 8, "{}", r.html);
    }
}
