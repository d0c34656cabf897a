//! Fuzzes the module renderer: any text must render without panicking,
//! within the output bound, with no reserved placeholder left in the page,
//! and every recorded line must be a line of the input.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pacs_academy::content::front_matter;
use pacs_academy::content::render::{render, MAX_HTML_BYTES, PLACEHOLDER};

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let (body, first_line) = match front_matter::split(&input) {
        Ok(split) => {
            let _ = front_matter::parse(&split);
            (split.body, split.body_line)
        }
        Err(_) => (&*input, 1),
    };
    let r = render(body, first_line);
    assert!(
        r.html.len() <= MAX_HTML_BYTES,
        "{} bytes of HTML from {} bytes",
        r.html.len(),
        body.len()
    );
    assert!(!r.html.contains(PLACEHOLDER), "a placeholder was left in");
    let last = first_line + body.matches('\n').count();
    for line in r
        .problems
        .iter()
        .map(|p| p.line)
        .chain(r.links.iter().map(|l| l.line))
        .chain(r.images.iter().map(|i| i.line))
        .chain(r.code_blocks.iter().map(|c| c.line))
    {
        assert!(line >= first_line && line <= last, "line {line} outside {first_line}..={last}");
    }
});
