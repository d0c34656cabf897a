//! Markdown to sanitised HTML, with a table of contents, stable heading
//! anchors, numbered footnotes, highlighted HL7/DICOM blocks, and a record of
//! every link, image, code block and raw HTML tag (with its line) for the
//! content checker.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::front_matter::Problem;
use super::TocEntry;

/// Fenced-block kinds an author may use, with the caption shown above them.
pub const CODE_KINDS: &[(&str, Option<&str>)] = &[
    ("hl7", Some("HL7 v2 message")),
    ("dicom", Some("DICOM data set")),
    ("text", None),
    ("console", Some("Terminal")),
    ("http", Some("HTTP")),
    ("json", Some("JSON")),
    ("xml", Some("XML")),
    ("ini", Some("Configuration")),
    ("csv", Some("CSV")),
];

/// Raw HTML tags an author may write; anything else is removed by the
/// sanitiser and reported by `check-content`.
pub const AUTHOR_HTML_TAGS: &[&str] = &["details", "summary", "br", "kbd", "sup", "sub", "abbr"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    pub src: String,
    pub alt: String,
    pub line: usize,
}

/// The output of rendering one module body.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub words: u32,
    pub heading_ids: Vec<String>,
    pub links: Vec<Located<String>>,
    pub images: Vec<ImageRef>,
    pub code_blocks: Vec<Located<Option<String>>>,
    pub html_tags: Vec<Located<String>>,
    pub problems: Vec<Problem>,
}

/// Turns heading text into an anchor: lowercase letters and digits kept,
/// spaces and hyphens become `-`, everything else is dropped.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c == ' ' || c == '-' || c == '_') && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

struct Lines {
    starts: Vec<usize>,
    first_line: usize,
}

impl Lines {
    fn new(text: &str, first_line: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts, first_line }
    }
    fn line(&self, offset: usize) -> usize {
        let idx = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        self.first_line + idx
    }
}

fn html_escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    html_escape_into(&mut s, text);
    s
}

/// Highlights an ER7 message: segment IDs and delimiters get their own spans.
/// The delimiters are read from MSH-1 and MSH-2, so non-default choices work.
pub fn highlight_hl7(text: &str) -> String {
    let text = text.trim_end_matches(['\n', '\r']);
    let mut delims: Vec<char> = vec!['|', '^', '~', '\\', '&'];
    if let Some(msh) = text.lines().find(|l| l.starts_with("MSH")) {
        let mut chars = msh.chars().skip(3);
        if let Some(fs) = chars.next() {
            delims = vec![fs];
            delims.extend(chars.take_while(|c| *c != fs).take(5));
        }
    }
    let mut out = String::with_capacity(text.len() * 2);
    for (i, line) in text.split(['\n', '\r']).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let seg_len = line
            .char_indices()
            .nth(3)
            .map(|(i, _)| i)
            .unwrap_or(line.len());
        let (seg, rest) = line.split_at(seg_len);
        if !seg.is_empty() {
            out.push_str("<span class=\"hl7-seg\">");
            html_escape_into(&mut out, seg);
            out.push_str("</span>");
        }
        let mut run = String::new();
        for c in rest.chars() {
            if delims.contains(&c) {
                html_escape_into(&mut out, &run);
                run.clear();
                out.push_str("<span class=\"hl7-sep\">");
                html_escape_into(&mut out, c.encode_utf8(&mut [0; 4]));
                out.push_str("</span>");
            } else {
                run.push(c);
            }
        }
        html_escape_into(&mut out, &run);
    }
    out
}

/// Highlights a dcmdump-style listing: `(gggg,eeee) VR [value]  # Keyword`.
pub fn highlight_dicom(text: &str) -> String {
    let text = text.trim_end_matches(['\n', '\r']);
    let mut out = String::with_capacity(text.len() * 2);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let indent_len = line.len() - line.trim_start().len();
        let (indent, rest) = line.split_at(indent_len);
        out.push_str(indent);
        let is_tag = rest.len() >= 11 && rest.starts_with('(') && rest.as_bytes()[10] == b')';
        if !is_tag {
            html_escape_into(&mut out, rest);
            continue;
        }
        let (tag, rest) = rest.split_at(11);
        out.push_str("<span class=\"dcm-tag\">");
        html_escape_into(&mut out, tag);
        out.push_str("</span>");
        let (value, note) = match rest.find(" #") {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        let trimmed = value.trim_start();
        let lead = &value[..value.len() - trimmed.len()];
        out.push_str(lead);
        let (vr, val) = trimmed.split_at(trimmed.find(' ').unwrap_or(trimmed.len()));
        if !vr.is_empty() {
            out.push_str("<span class=\"dcm-vr\">");
            html_escape_into(&mut out, vr);
            out.push_str("</span>");
        }
        if !val.is_empty() {
            out.push_str("<span class=\"dcm-val\">");
            html_escape_into(&mut out, val);
            out.push_str("</span>");
        }
        if !note.is_empty() {
            out.push_str("<span class=\"dcm-note\">");
            html_escape_into(&mut out, note);
            out.push_str("</span>");
        }
    }
    out
}

fn code_block_html(kind: Option<&str>, text: &str) -> String {
    let caption = kind
        .and_then(|k| CODE_KINDS.iter().find(|(name, _)| *name == k))
        .and_then(|(_, c)| *c);
    let class = kind
        .filter(|k| CODE_KINDS.iter().any(|(name, _)| name == k))
        .unwrap_or("text");
    let body = match class {
        "hl7" => highlight_hl7(text),
        "dicom" => highlight_dicom(text),
        _ => escape(text.trim_end_matches('\n')),
    };
    let mut html = String::new();
    let _ = write!(html, "<figure class=\"code code-{class}\">");
    if let Some(caption) = caption {
        let _ = write!(html, "<figcaption>{caption}</figcaption>");
    }
    let _ = writeln!(
        html,
        "<pre tabindex=\"0\"><code class=\"language-{class}\">{body}</code></pre></figure>"
    );
    html
}

fn heading_tag(level: HeadingLevel) -> &'static str {
    match level {
        HeadingLevel::H1 => "h1",
        HeadingLevel::H2 => "h2",
        HeadingLevel::H3 => "h3",
        HeadingLevel::H4 => "h4",
        HeadingLevel::H5 => "h5",
        HeadingLevel::H6 => "h6",
    }
}

/// Scans raw HTML for tag names, skipping comments.
fn html_tag_names(html: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map(|j| &after[j + 3..]).unwrap_or("");
            continue;
        }
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if !name.is_empty() {
            names.push(name.to_ascii_lowercase());
        }
    }
    names
}

static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags(&["section", "figure", "figcaption", "details", "summary"])
        .add_generic_attributes(&["id", "class"])
        .add_tag_attributes("div", &["role", "tabindex", "aria-label"])
        .add_tag_attributes("pre", &["tabindex"])
        .add_tag_attributes("section", &["aria-labelledby"])
        .add_tag_attributes("a", &["aria-label", "aria-describedby"])
        .add_tag_attributes("th", &["style"])
        .add_tag_attributes("td", &["style"])
        .filter_style_properties(["text-align"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"));
    b
});

/// Removes anything that is not on the allow-list (scripts, event handlers,
/// `javascript:` URLs, unknown tags and attributes).
pub fn sanitise(html: &str) -> String {
    SANITISER.clean(html).to_string()
}

/// Renders a Markdown body. `first_line` is the file line the body starts on,
/// so recorded lines are file lines.
pub fn render(body: &str, first_line: usize) -> Rendered {
    let lines = Lines::new(body, first_line);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let events: Vec<(Event<'_>, Range<usize>)> =
        Parser::new_ext(body, options).into_offset_iter().collect();

    let mut r = Rendered::default();
    // Blocks of our own markup, put in after sanitising; see trusted_token.
    let mut trusted: Vec<String> = Vec::new();
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    used_ids.insert("footnotes".into(), 1);
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    // Footnote definitions are collected and printed, numbered, at the end.
    let mut definitions: HashMap<String, (usize, Vec<Event<'_>>)> = HashMap::new();
    let mut current_def: Option<(String, usize, Vec<Event<'_>>)> = None;
    let mut references: Vec<String> = Vec::new();
    let mut reference_lines: Vec<String> = Vec::new();
    let mut tables = 0;

    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        let line = lines.line(range.start);
        let mut emitted: Vec<Event<'_>> = Vec::new();
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let mut j = i + 1;
                let mut text = String::new();
                let mut inner = Vec::new();
                while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                    match &events[j].0 {
                        Event::Text(t) | Event::Code(t) => {
                            text.push_str(t);
                            r.words += t.split_whitespace().count() as u32;
                        }
                        _ => {}
                    }
                    inner.push(events[j].0.clone());
                    j += 1;
                }
                let base = id
                    .as_ref()
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| slugify(&text));
                let base = if base.is_empty() {
                    "section".to_string()
                } else {
                    base
                };
                let count = used_ids.entry(base.clone()).or_insert(0);
                let anchor = if *count == 0 {
                    base.clone()
                } else {
                    format!("{base}-{count}")
                };
                *count += 1;
                if id.is_some() && anchor != base {
                    r.problems.push(Problem::new(
                        line,
                        format!("heading id `{base}` is used twice"),
                    ));
                }
                let depth = match level {
                    HeadingLevel::H2 => Some(2),
                    HeadingLevel::H3 => Some(3),
                    _ => None,
                };
                if *level == HeadingLevel::H1 {
                    r.problems.push(Problem::new(
                        line,
                        "use `##` and `###` headings; the page already shows the title as the only `#` heading",
                    ));
                }
                if let Some(depth) = depth {
                    r.toc.push(TocEntry {
                        id: anchor.clone(),
                        title: text.trim().to_string(),
                        depth,
                    });
                }
                r.heading_ids.push(anchor.clone());
                let tag = heading_tag(*level);
                emitted.push(Event::Html(CowStr::from(format!(
                    "<{tag} id=\"{}\">",
                    escape(&anchor)
                ))));
                emitted.extend(inner);
                emitted.push(Event::Html(CowStr::from(format!("</{tag}>\n"))));
                i = j;
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let kind: Option<String> = match kind {
                    CodeBlockKind::Fenced(info) => {
                        let k = info.split_whitespace().next().unwrap_or("");
                        (!k.is_empty()).then(|| k.to_string())
                    }
                    CodeBlockKind::Indented => None,
                };
                let mut j = i + 1;
                let mut text = String::new();
                while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::CodeBlock)) {
                    if let Event::Text(t) = &events[j].0 {
                        text.push_str(t);
                    }
                    j += 1;
                }
                r.code_blocks.push(Located {
                    value: kind.clone(),
                    line,
                });
                let html = match kind.as_deref() {
                    Some("hl7") => hl7_block_html(&text, trusted.len() + 1),
                    Some("dicom") => dicom_block_html(&text, trusted.len() + 1),
                    _ => None,
                };
                match html {
                    // Our own markup, kept out of the sanitiser (which would
                    // strip its ARIA and data attributes) and put in after.
                    Some(html) => {
                        emitted.push(Event::Html(CowStr::from(trusted_token(trusted.len()))));
                        trusted.push(html);
                    }
                    None => emitted.push(Event::Html(CowStr::from(code_block_html(
                        kind.as_deref(),
                        &text,
                    )))),
                }
                i = j;
            }
            Event::Start(Tag::Table(_)) => {
                // Each scrollable table is a labelled region; the label names
                // its columns so a screen-reader user can tell tables apart.
                tables += 1;
                let mut columns: Vec<String> = Vec::new();
                let mut j = i + 1;
                while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::TableHead)) {
                    match &events[j].0 {
                        Event::Start(Tag::TableCell) => columns.push(String::new()),
                        Event::Text(t) | Event::Code(t) => {
                            if let Some(c) = columns.last_mut() {
                                c.push_str(t);
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                let label = format!("Table {tables}: {}", columns.join(", "));
                emitted.push(Event::Html(CowStr::from(format!(
                    "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">",
                    escape(label.trim_end_matches([':', ' ']))
                ))));
                emitted.push(event.clone());
            }
            Event::End(TagEnd::Table) => {
                emitted.push(event.clone());
                emitted.push(Event::Html(CowStr::from("</div>\n")));
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                r.links.push(Located {
                    value: dest_url.to_string(),
                    line,
                });
                emitted.push(event.clone());
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let mut j = i + 1;
                let mut alt = String::new();
                let mut depth = 0;
                while j < events.len() {
                    match &events[j].0 {
                        Event::Start(Tag::Image { .. }) => depth += 1,
                        Event::End(TagEnd::Image) if depth == 0 => break,
                        Event::End(TagEnd::Image) => depth -= 1,
                        Event::Text(t) | Event::Code(t) => alt.push_str(t),
                        _ => {}
                    }
                    j += 1;
                }
                r.images.push(ImageRef {
                    src: dest_url.to_string(),
                    alt,
                    line,
                });
                emitted.push(event.clone());
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                for name in html_tag_names(h) {
                    r.html_tags.push(Located { value: name, line });
                }
                emitted.push(event.clone());
            }
            Event::Text(t) => {
                r.words += t.split_whitespace().count() as u32;
                emitted.push(event.clone());
            }
            Event::FootnoteReference(label) => {
                let label = label.to_string();
                let n = match references.iter().position(|l| *l == label) {
                    Some(p) => p + 1,
                    None => {
                        references.push(label.clone());
                        references.len()
                    }
                };
                reference_lines.push(label.clone());
                let id = slugify(&label);
                let first = references.iter().position(|l| *l == label) == Some(n - 1)
                    && reference_lines.iter().filter(|l| **l == label).count() == 1;
                let ref_id = if first {
                    format!(" id=\"fnref-{id}\"")
                } else {
                    String::new()
                };
                emitted.push(Event::Html(CowStr::from(format!(
                    "<sup class=\"footnote-ref\"{ref_id}><a href=\"#fn-{id}\" aria-label=\"Note {n}\">{n}</a></sup>"
                ))));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                current_def = Some((label.to_string(), line, Vec::new()));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, def_line, evs)) = current_def.take() {
                    if definitions.contains_key(&label) {
                        r.problems.push(Problem::new(
                            def_line,
                            format!("footnote [^{label}] is defined twice"),
                        ));
                    }
                    definitions.insert(label, (def_line, evs));
                }
            }
            other => emitted.push(other.clone()),
        }
        match current_def.as_mut() {
            Some((_, _, evs)) if !matches!(event, Event::Start(Tag::FootnoteDefinition(_))) => {
                evs.extend(emitted)
            }
            _ => out.extend(emitted),
        }
        i += 1;
    }

    // CommonMark prints a reference to an undefined footnote as plain text,
    // so undefined references are found in the source.
    for (label, line) in undefined_footnote_references(body, first_line, &definitions) {
        r.problems.push(Problem::new(
            line,
            format!("footnote [^{label}] is referenced but never defined"),
        ));
    }
    let mut unused: Vec<(&String, usize)> = definitions
        .iter()
        .filter(|(label, _)| !references.contains(label))
        .map(|(label, (line, _))| (label, *line))
        .collect();
    unused.sort_by_key(|(_, line)| *line);
    for (label, line) in unused {
        r.problems.push(Problem::new(
            line,
            format!("footnote [^{label}] is defined but never referenced"),
        ));
    }

    let mut html = String::with_capacity(body.len() * 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    let defined: Vec<&String> = references
        .iter()
        .filter(|l| definitions.contains_key(*l))
        .collect();
    if !defined.is_empty() {
        html.push_str(
            "<section class=\"footnotes\" aria-labelledby=\"footnotes\"><h2 id=\"footnotes\">Notes and references</h2><ol>\n",
        );
        for label in defined {
            let n = references.iter().position(|l| l == label).unwrap_or(0) + 1;
            let id = slugify(label);
            let (_, evs) = &definitions[label];
            let mut def = String::new();
            pulldown_cmark::html::push_html(&mut def, evs.iter().cloned());
            let _ = writeln!(
                html,
                "<li id=\"fn-{id}\">{def}<a href=\"#fnref-{id}\" class=\"footnote-back\" aria-label=\"Back to text of note {n}\">Back to text</a></li>"
            );
        }
        html.push_str("</ol></section>\n");
        r.toc.push(TocEntry {
            id: "footnotes".into(),
            title: "Notes and references".into(),
            depth: 2,
        });
        r.heading_ids.push("footnotes".into());
    }
    r.html = sanitise(&html);
    for (i, block) in trusted.iter().enumerate() {
        r.html = r.html.replacen(&trusted_token(i), block, 1);
    }
    r
}

/// Marks where a trusted block goes: private-use characters around its
/// number, which the sanitiser keeps as text.
fn trusted_token(n: usize) -> String {
    format!("\u{F8FF}pacs-block-{n}\u{F8FF}")
}

/// A `dicom` block (a dcmdump-style listing) as bytes in an annotated hex
/// dump beside the listing, when the listing reads (else highlighted text).
fn dicom_block_html(text: &str, n: usize) -> Option<String> {
    use crate::explorer::{dicom_explorer, DicomExplorerOptions};
    let listing = crate::dicom::parse_listing(text).ok()?;
    let bytes = crate::dicom::write_dataset(&listing.dataset, listing.transfer_syntax);
    let parsed = crate::dicom::read_dataset(&bytes, listing.transfer_syntax);
    let explorer = dicom_explorer(
        &parsed,
        &bytes,
        &DicomExplorerOptions {
            id: format!("dicom-block-{n}"),
            label: Some(format!("DICOM data set, {} bytes", bytes.len())),
        },
    );
    Some(format!(
        "<figure class=\"code code-dicom explorer-figure\"><figcaption>DICOM data set as {} bytes ({})</figcaption>{explorer}</figure>\n",
        bytes.len(),
        listing.transfer_syntax.name()
    ))
}

/// An `hl7` block as an interactive explorer, when the message parses (a
/// block that does not parse, such as a deliberately broken example, stays
/// highlighted text).
fn hl7_block_html(text: &str, n: usize) -> Option<String> {
    use crate::explorer::{hl7_explorer, Hl7ExplorerOptions};
    let message = crate::hl7::parse(text.trim_end_matches(['\n', '\r'])).ok()?;
    let explorer = hl7_explorer(
        &message,
        &Hl7ExplorerOptions {
            id: format!("hl7-block-{n}"),
            label: None,
            hide_names: false,
            name_switch: true,
        },
    );
    Some(format!(
        "<figure class=\"code code-hl7 explorer-figure\"><figcaption>HL7 v2 message</figcaption>{explorer}</figure>\n"
    ))
}

fn undefined_footnote_references<T>(
    body: &str,
    first_line: usize,
    definitions: &HashMap<String, T>,
) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let mut fence: Option<&str> = None;
    for (i, line) in body.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            continue;
        }
        // Drop inline code spans.
        let prose: String = trimmed
            .split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 0)
            .map(|(_, s)| s)
            .collect();
        let mut rest = prose.as_str();
        while let Some(start) = rest.find("[^") {
            rest = &rest[start + 2..];
            let Some(end) = rest.find(']') else { break };
            let label = &rest[..end];
            let is_definition = rest[end + 1..].starts_with(':');
            if !label.is_empty()
                && !label.contains(char::is_whitespace)
                && !is_definition
                && !definitions.contains_key(label)
            {
                found.push((label.to_string(), first_line + i));
            }
            rest = &rest[end + 1..];
        }
    }
    found
}

/// Every heading id of a body, for link checks across modules.
pub fn anchors(rendered: &Rendered) -> HashSet<String> {
    rendered.heading_ids.iter().cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_follows_the_documented_rule() {
        assert_eq!(slugify("MRN vs NHS number"), "mrn-vs-nhs-number");
        assert_eq!(slugify("C-ECHO: the DICOM ping"), "c-echo-the-dicom-ping");
        assert_eq!(slugify("  What's in MSH-9?  "), "whats-in-msh-9");
        assert_eq!(slugify("Self-check"), "self-check");
        assert_eq!(slugify("A -- B"), "a-b");
    }

    #[test]
    fn headings_get_unique_anchors_and_a_toc() {
        let r = render(
            "## Intro\n\ntext\n\n### Detail\n\n## Intro\n\n#### Deep\n",
            1,
        );
        let ids: Vec<&str> = r.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["intro", "detail", "intro-1"]);
        assert_eq!(r.toc[1].depth, 3);
        assert!(r.html.contains("<h2 id=\"intro\">Intro</h2>"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"intro-1\">"));
        assert!(r.html.contains("<h4 id=\"deep\">"));
        assert_eq!(r.heading_ids.len(), 4);
    }

    #[test]
    fn custom_heading_ids_are_honoured() {
        let r = render("## Merging records {#merges}\n", 1);
        assert_eq!(r.toc[0].id, "merges");
        assert_eq!(r.toc[0].title, "Merging records");
    }

    #[test]
    fn h1_in_body_is_a_problem() {
        let r = render("text\n\n# Title\n", 5);
        assert_eq!(r.problems[0].line, 7);
    }

    #[test]
    fn tables_are_wrapped_for_scrolling_and_keep_alignment() {
        let r = render("| a | b |\n|:--|--:|\n| 1 | 2 |\n", 1);
        assert!(r.html.contains("class=\"table-wrap\""), "{}", r.html);
        assert!(
            r.html.contains("aria-label=\"Table 1: a, b\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("text-align"), "{}", r.html);
    }

    #[test]
    fn footnotes_are_numbered_in_reference_order_and_collected_at_the_end() {
        let src = "First[^b] and second[^a].\n\n[^a]: Alpha.\n[^b]: Beta.\n";
        let r = render(src, 1);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let beta = r.html.find("Beta.").unwrap();
        let alpha = r.html.find("Alpha.").unwrap();
        assert!(beta < alpha, "notes follow reference order: {}", r.html);
        assert!(r.html.contains("href=\"#fn-b\""));
        assert!(r.html.contains("id=\"fn-b\""));
        assert!(r.html.contains("id=\"fnref-b\""));
        assert_eq!(r.toc.last().unwrap().id, "footnotes");
    }

    #[test]
    fn footnote_problems_are_reported() {
        let r = render("Text[^missing].\n\n[^unused]: Never cited.\n", 10);
        let msgs: Vec<String> = r
            .problems
            .iter()
            .map(|p| format!("{}:{}", p.line, p.message))
            .collect();
        assert!(msgs
            .iter()
            .any(|m| m.starts_with("10:") && m.contains("never defined")));
        assert!(msgs
            .iter()
            .any(|m| m.starts_with("12:") && m.contains("never referenced")));
    }

    #[test]
    fn code_blocks_record_kind_and_line() {
        let src = "para\n\n```hl7\nMSH|^~\\&|A\n```\n\n```\nplain\n```\n\n    indented\n";
        let r = render(src, 3);
        let kinds: Vec<(Option<&str>, usize)> = r
            .code_blocks
            .iter()
            .map(|c| (c.value.as_deref(), c.line))
            .collect();
        assert_eq!(kinds, [(Some("hl7"), 5), (None, 9), (None, 13)]);
        assert!(r.html.contains("HL7 v2 message"));
        assert!(
            r.html
                .contains("<span class=\"hl7-seg\" aria-hidden=\"true\">MSH</span>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn hl7_highlighting_honours_custom_delimiters() {
        let h = highlight_hl7("MSH#$*@%#APP\rPID#1#$x");
        assert!(h.contains("<span class=\"hl7-sep\">#</span>"));
        assert!(h.contains("<span class=\"hl7-sep\">$</span>"));
        assert!(!h.contains("<span class=\"hl7-sep\">|</span>"));
        assert!(h.contains("<span class=\"hl7-seg\">PID</span>"));
    }

    #[test]
    fn hl7_highlighting_escapes_markup() {
        let h = highlight_hl7("MSH|^~\\&|<script>");
        assert!(h.contains("&lt;script&gt;"));
        assert!(!h.contains("<script>"));
    }

    #[test]
    fn dicom_highlighting_splits_tag_vr_value_and_note() {
        let h = highlight_dicom("(0010,0010) PN [TEST^JANE]  # PatientName\n  (0008,0060) CS [CT]");
        assert!(
            h.contains("<span class=\"dcm-tag\">(0010,0010)</span>"),
            "{h}"
        );
        assert!(h.contains("<span class=\"dcm-vr\">PN</span>"));
        assert!(
            h.contains("<span class=\"dcm-val\"> [TEST^JANE] </span>"),
            "{h}"
        );
        assert!(
            h.contains("<span class=\"dcm-note\"> # PatientName</span>"),
            "{h}"
        );
        assert!(h.contains("\n  <span class=\"dcm-tag\">(0008,0060)</span>"));
    }

    #[test]
    fn authored_html_is_sanitised() {
        let src = "<script>alert(1)</script>\n\n<details onclick=\"x()\"><summary>A</summary>\n\nOK\n\n</details>\n\n[x](javascript:alert(1))\n\n<img src=x onerror=alert(1)>\n";
        let r = render(src, 1);
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("onclick"));
        assert!(!r.html.contains("onerror"));
        assert!(!r.html.contains("javascript:"));
        assert!(r.html.contains("<details>"));
        let tags: Vec<&str> = r.html_tags.iter().map(|t| t.value.as_str()).collect();
        assert!(tags.contains(&"script"));
        assert!(tags.contains(&"img"));
    }

    #[test]
    fn links_and_images_are_recorded_with_lines() {
        let src = "See [a](/foundation/x#y).\n\n![Diagram of flow](/images/flow.svg)\n\n![](/images/no-alt.png)\n";
        let r = render(src, 20);
        assert_eq!(r.links[0].value, "/foundation/x#y");
        assert_eq!(r.links[0].line, 20);
        assert_eq!(r.images[0].alt, "Diagram of flow");
        assert_eq!(r.images[0].line, 22);
        assert_eq!(r.images[1].alt, "");
    }

    #[test]
    fn words_count_prose_but_not_code() {
        let r = render(
            "## Two words\n\nthree more words\n\n```text\nnot counted at all\n```\n",
            1,
        );
        assert_eq!(r.words, 5);
    }
}
