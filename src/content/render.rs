//! Markdown to sanitised HTML, with a table of contents, stable heading
//! anchors, numbered footnotes, highlighted HL7/DICOM blocks, and a record of
//! every link, image, code block and raw HTML tag (with its line) for the
//! content checker.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::LazyLock;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::front_matter::Problem;
use super::TocEntry;
use crate::html::{escape, escape_into};

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
            escape_into(&mut out, seg);
            out.push_str("</span>");
        }
        let mut run = String::new();
        for c in rest.chars() {
            if delims.contains(&c) {
                escape_into(&mut out, &run);
                run.clear();
                out.push_str("<span class=\"hl7-sep\">");
                escape_into(&mut out, c.encode_utf8(&mut [0; 4]));
                out.push_str("</span>");
            } else {
                run.push(c);
            }
        }
        escape_into(&mut out, &run);
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
            escape_into(&mut out, rest);
            continue;
        }
        let (tag, rest) = rest.split_at(11);
        out.push_str("<span class=\"dcm-tag\">");
        escape_into(&mut out, tag);
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
            escape_into(&mut out, vr);
            out.push_str("</span>");
        }
        if !val.is_empty() {
            out.push_str("<span class=\"dcm-val\">");
            escape_into(&mut out, val);
            out.push_str("</span>");
        }
        if !note.is_empty() {
            out.push_str("<span class=\"dcm-note\">");
            escape_into(&mut out, note);
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

/// The largest module file accepted, front matter included. The biggest
/// module of the courses is about 25 KB.
pub const MAX_SOURCE_BYTES: usize = 256 * 1024;

/// The largest page body [`render`] returns, whatever the source.
pub const MAX_HTML_BYTES: usize = 4 * 1024 * 1024;

/// How deep Markdown blocks and inlines (blockquotes, lists and their items,
/// emphasis, links) and the author's own HTML tags may nest. Deeper levels
/// are flattened into their parent. The browser's HTML parser (and the
/// sanitiser's) does work proportional to the depth for every element, so
/// unbounded nesting costs quadratic time.
pub const MAX_NESTING: usize = 32;

/// The Markdown events (block and inline starts and ends, text runs) one
/// render works through; the rest of the body is cut off. A budget counted
/// in events bounds the work per render the same way on every machine.
pub const MAX_EVENTS: usize = 2 * MAX_SOURCE_BYTES;

/// `hl7` and `dicom` blocks shown as explorers per module; later ones, and
/// blocks longer than [`MAX_EXPLORER_SOURCE_BYTES`], are highlighted text.
pub const MAX_EXPLORERS: usize = 32;

/// The longest `hl7` or `dicom` block shown as an explorer.
pub const MAX_EXPLORER_SOURCE_BYTES: usize = 8 * 1024;

/// The share of [`MAX_HTML_BYTES`] for the author's prose (before the
/// sanitiser, which can lengthen it), and for explorer markup.
const PROSE_HTML_BYTES: usize = MAX_HTML_BYTES / 4;
const EXPLORER_HTML_BYTES: usize = MAX_HTML_BYTES / 4;

/// Problems listed per module; the rest are counted in one last problem.
const MAX_PROBLEMS: usize = 200;

/// How many events pass between two looks at the cancellation flag.
const CANCEL_CHECK_EVENTS: usize = 1024;

/// The character that marks where the renderer's own blocks go between
/// sanitising and the finished page (U+F8FF, private use). Author text may
/// contain it too: every one of those is written as [`AUTHOR_PLACEHOLDER`]
/// before sanitising, so each placeholder in the sanitised page starts a
/// token `PLACEHOLDER name PLACEHOLDER` that cannot be forged, and the
/// finished page holds the character only as `&#xF8FF;`.
pub const PLACEHOLDER: char = '\u{F8FF}';
const AUTHOR_PLACEHOLDER: &str = "\u{F8FF}c\u{F8FF}";
const PLACEHOLDER_REFERENCE: &str = "&#xF8FF;";

/// A render given up because the flag passed to [`render_cancellable`] was
/// set (the client went away).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

/// The finding for a module file over [`MAX_SOURCE_BYTES`], if it is.
pub fn size_problem(bytes: usize) -> Option<Problem> {
    (bytes > MAX_SOURCE_BYTES).then(|| {
        Problem::new(
            1,
            format!(
                "the module is {} KB; the limit is {} KB",
                bytes.div_ceil(1024),
                MAX_SOURCE_BYTES / 1024
            ),
        )
    })
}

/// What goes into the page, in order: the author's Markdown (as events),
/// or one of the renderer's own blocks (by index), put in after sanitising.
enum Piece<'a> {
    Author(Event<'a>),
    Block(usize),
}

/// Collects the page's HTML up to a byte limit, writing every placeholder
/// in author text as [`AUTHOR_PLACEHOLDER`]. Refuses (with `fmt::Error`)
/// once full or cancelled, which stops the HTML writer.
struct PageWriter<'c> {
    html: String,
    limit: usize,
    cancel: &'c AtomicBool,
    full: bool,
}

impl PageWriter<'_> {
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    fn write_trusted(&mut self, s: &str) -> std::fmt::Result {
        if self.html.len() + s.len() > self.limit {
            self.full = true;
            return Err(std::fmt::Error);
        }
        self.html.push_str(s);
        Ok(())
    }
}

impl std::fmt::Write for PageWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.cancelled() {
            return Err(std::fmt::Error);
        }
        if s.contains(PLACEHOLDER) {
            self.write_trusted(&s.replace(PLACEHOLDER, AUTHOR_PLACEHOLDER))
        } else {
            self.write_trusted(s)
        }
    }
}

/// Writes `pieces` as HTML: runs of author events through pulldown-cmark's
/// writer, the renderer's blocks as placeholder tokens. Blocks never sit
/// inside a table, the only place where the writer keeps state between
/// events, so splitting the runs there changes nothing. `at` is set to the
/// line of each piece as it is written, to say where a cut-off page stops.
fn write_pieces<'a>(
    w: &mut PageWriter<'_>,
    pieces: impl IntoIterator<Item = (Piece<'a>, usize)>,
    at: &mut usize,
) -> std::fmt::Result {
    let mut run: Vec<(Event<'a>, usize)> = Vec::new();
    let mut write_run = |w: &mut PageWriter<'_>, run: &mut Vec<(Event<'a>, usize)>| {
        let events = run.drain(..).map(|(event, line)| {
            *at = line;
            event
        });
        pulldown_cmark::html::write_html_fmt(&mut *w, events)
    };
    for (piece, line) in pieces {
        match piece {
            Piece::Author(event) => run.push((event, line)),
            Piece::Block(n) => {
                write_run(w, &mut run)?;
                w.write_trusted(&block_token(n))?;
            }
        }
    }
    write_run(w, &mut run)
}

fn block_token(n: usize) -> String {
    format!("{PLACEHOLDER}b{n}{PLACEHOLDER}")
}

/// Puts the renderer's `blocks` into the sanitised page where their tokens
/// are, each at most once and only between tags (a token the author's HTML
/// had put inside an attribute stays text). Every other placeholder is
/// written as a character reference.
fn put_blocks(page: &str, blocks: &[String]) -> String {
    let extra: usize = blocks.iter().map(String::len).sum();
    let mut out = String::with_capacity(page.len() + extra);
    let mut used = vec![false; blocks.len()];
    let mut in_tag = false;
    let mut in_value = false;
    let mut rest = page;
    // The sanitiser's output is well formed: `<` in text is escaped, and
    // attribute values are double-quoted with `"` escaped.
    while let Some(i) = rest.find(['<', '>', '"', PLACEHOLDER]) {
        out.push_str(&rest[..i]);
        let c = rest[i..].chars().next().unwrap_or(PLACEHOLDER);
        let after = &rest[i + c.len_utf8()..];
        rest = after;
        match c {
            '<' if !in_tag => in_tag = true,
            '>' if in_tag && !in_value => in_tag = false,
            '"' if in_tag => in_value = !in_value,
            PLACEHOLDER => {
                let name = after.find(PLACEHOLDER).map(|j| &after[..j]);
                let block = name
                    .and_then(|n| n.strip_prefix('b'))
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|&n| n < blocks.len() && !used[n] && !in_tag);
                if let Some(n) = block {
                    used[n] = true;
                    // A block shows author text too (an hl7 block's message):
                    // its placeholders become references like every other.
                    if blocks[n].contains(PLACEHOLDER) {
                        out.push_str(&blocks[n].replace(PLACEHOLDER, PLACEHOLDER_REFERENCE));
                    } else {
                        out.push_str(&blocks[n]);
                    }
                    rest = &after[name.map_or(0, str::len) + PLACEHOLDER.len_utf8()..];
                    continue;
                }
                out.push_str(PLACEHOLDER_REFERENCE);
                if name == Some("c") {
                    rest = &after[1 + PLACEHOLDER.len_utf8()..];
                }
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out.push_str(rest);
    out
}

/// Opening and closing tags in a piece of raw HTML, in order: `true` opens
/// (void elements such as `<br>` and self-closing tags do not count).
fn raw_tag_steps(html: &str) -> Vec<bool> {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let mut steps = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map(|j| &after[j + 3..]).unwrap_or("");
            continue;
        }
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() || VOID.contains(&name.as_str()) {
            continue;
        }
        let self_closing = rest
            .find('>')
            .is_some_and(|j| rest[..j].trim_end().ends_with('/'));
        if closing {
            steps.push(false);
        } else if !self_closing {
            steps.push(true);
        }
    }
    steps
}

/// Flattens whatever nests deeper than [`MAX_NESTING`]: a start and its end
/// beyond the limit are dropped (their contents stay), and raw HTML that
/// would open tags beyond it is shown as text. One problem says where.
fn limit_nesting<'a>(
    events: Vec<(Event<'a>, Range<usize>)>,
    lines: &Lines,
    problems: &mut Vec<Problem>,
) -> Vec<(Event<'a>, Range<usize>)> {
    let mut kept = Vec::with_capacity(events.len());
    // For each open Markdown element: whether its start was kept.
    let mut open: Vec<bool> = Vec::new();
    let mut raw_depth = 0usize;
    let mut first_cut: Option<usize> = None;
    for (event, range) in events {
        match &event {
            Event::Start(_) => {
                let keep = open.len() + raw_depth < MAX_NESTING;
                open.push(keep);
                if !keep {
                    first_cut.get_or_insert(range.start);
                    continue;
                }
            }
            Event::End(_) => {
                if !open.pop().unwrap_or(true) {
                    continue;
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let mut depth = raw_depth;
                let mut deepest = depth;
                for opens in raw_tag_steps(h) {
                    if opens {
                        depth += 1;
                        deepest = deepest.max(depth);
                    } else {
                        depth = depth.saturating_sub(1);
                    }
                }
                if open.len() + deepest > MAX_NESTING {
                    first_cut.get_or_insert(range.start);
                    kept.push((Event::Text(h.clone()), range));
                    continue;
                }
                raw_depth = depth;
            }
            _ => {}
        }
        kept.push((event, range));
    }
    if let Some(offset) = first_cut {
        problems.push(Problem::new(
            lines.line(offset),
            format!(
                "blockquotes, lists, emphasis and HTML tags nest more than {MAX_NESTING} deep here; \
                 the deeper levels are shown flattened"
            ),
        ));
    }
    kept
}

/// Output pieces, each with the file line it came from.
type Pieces<'a> = Vec<(Piece<'a>, usize)>;

/// Renders a Markdown body. `first_line` is the file line the body starts on,
/// so recorded lines are file lines.
pub fn render(body: &str, first_line: usize) -> Rendered {
    // Nothing else holds the flag, so it is never set.
    render_cancellable(body, first_line, &AtomicBool::new(false)).unwrap_or_default()
}

/// [`render`], giving up soon after `cancel` is set. The work is bounded
/// whatever the body: at most [`MAX_SOURCE_BYTES`] of it are read, at most
/// [`MAX_EVENTS`] events, and the page is at most [`MAX_HTML_BYTES`]. Each
/// limit that cuts something off adds a problem saying so.
pub fn render_cancellable(
    body: &str,
    first_line: usize,
    cancel: &AtomicBool,
) -> Result<Rendered, Cancelled> {
    let mut r = Rendered::default();
    let body = match size_problem(body.len()) {
        Some(mut p) => {
            let mut cut = MAX_SOURCE_BYTES;
            while !body.is_char_boundary(cut) {
                cut -= 1;
            }
            let cut = body[..cut].rfind('\n').map_or(cut, |i| i + 1);
            p.line = first_line;
            p.message.push_str(": only the first part is shown");
            r.problems.push(p);
            &body[..cut]
        }
        None => body,
    };
    let lines = Lines::new(body, first_line);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut events: Vec<(Event<'_>, Range<usize>)> = Vec::new();
    for (n, (event, range)) in Parser::new_ext(body, options)
        .into_offset_iter()
        .enumerate()
    {
        if n % CANCEL_CHECK_EVENTS == 0 && cancel.load(Ordering::Relaxed) {
            return Err(Cancelled);
        }
        if n == MAX_EVENTS {
            r.problems.push(Problem::new(
                lines.line(range.start),
                format!(
                    "the module has more than {MAX_EVENTS} Markdown elements; \
                     it is cut off here"
                ),
            ));
            break;
        }
        events.push((event, range));
    }
    let events = limit_nesting(events, &lines, &mut r.problems);

    // Blocks of our own markup, put in after sanitising; see put_blocks.
    let mut blocks: Vec<String> = Vec::new();
    let mut explorer_bytes = 0usize;
    let mut explorers_refused: Option<usize> = None;
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    used_ids.insert("footnotes".into(), 1);
    let mut out: Vec<(Piece<'_>, usize)> = Vec::with_capacity(events.len());
    // Footnote definitions are collected and printed, numbered, at the end.
    let mut definitions: HashMap<String, (usize, Pieces<'_>)> = HashMap::new();
    let mut current_def: Option<(String, usize, Pieces<'_>)> = None;
    // Labels in order of first reference, each label's number, and how many
    // times each is referenced.
    let mut references: Vec<String> = Vec::new();
    let mut numbers: HashMap<String, usize> = HashMap::new();
    let mut times_referenced: HashMap<String, usize> = HashMap::new();
    let mut tables = 0;

    let mut i = 0;
    let mut steps = 0usize;
    while i < events.len() {
        steps += 1;
        if steps.is_multiple_of(CANCEL_CHECK_EVENTS) && cancel.load(Ordering::Relaxed) {
            return Err(Cancelled);
        }
        let (event, range) = &events[i];
        let line = lines.line(range.start);
        let mut emitted: Vec<Piece<'_>> = Vec::new();
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
                emitted.push(Piece::Author(Event::Html(CowStr::from(format!(
                    "<{tag} id=\"{}\">",
                    escape(&anchor)
                )))));
                emitted.extend(inner.into_iter().map(Piece::Author));
                emitted.push(Piece::Author(Event::Html(CowStr::from(format!(
                    "</{tag}>\n"
                )))));
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
                let explorer = match kind.as_deref() {
                    Some(k @ ("hl7" | "dicom")) => {
                        if blocks.len() >= MAX_EXPLORERS
                            || text.len() > MAX_EXPLORER_SOURCE_BYTES
                            || explorer_bytes >= EXPLORER_HTML_BYTES
                        {
                            explorers_refused.get_or_insert(line);
                            None
                        } else if k == "hl7" {
                            hl7_block_html(&text, blocks.len() + 1)
                        } else {
                            dicom_block_html(&text, blocks.len() + 1)
                        }
                    }
                    _ => None,
                };
                let explorer = explorer.filter(|html| {
                    let fits = explorer_bytes + html.len() <= EXPLORER_HTML_BYTES;
                    if fits {
                        explorer_bytes += html.len();
                    } else {
                        explorers_refused.get_or_insert(line);
                    }
                    fits
                });
                match explorer {
                    // Our own markup, kept out of the sanitiser (which would
                    // strip its ARIA and data attributes) and put in after.
                    Some(html) => {
                        emitted.push(Piece::Block(blocks.len()));
                        blocks.push(html);
                    }
                    None => emitted.push(Piece::Author(Event::Html(CowStr::from(
                        code_block_html(kind.as_deref(), &text),
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
                // A head flattened by the nesting limit has no end: stop at
                // the table's.
                while j < events.len()
                    && !matches!(
                        events[j].0,
                        Event::End(TagEnd::TableHead) | Event::End(TagEnd::Table)
                    )
                {
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
                emitted.push(Piece::Author(Event::Html(CowStr::from(format!(
                    "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">",
                    escape(label.trim_end_matches([':', ' ']))
                )))));
                emitted.push(Piece::Author(event.clone()));
            }
            Event::End(TagEnd::Table) => {
                emitted.push(Piece::Author(event.clone()));
                emitted.push(Piece::Author(Event::Html(CowStr::from("</div>\n"))));
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                r.links.push(Located {
                    value: dest_url.to_string(),
                    line,
                });
                emitted.push(Piece::Author(event.clone()));
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
                emitted.push(Piece::Author(event.clone()));
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                for name in html_tag_names(h) {
                    r.html_tags.push(Located { value: name, line });
                }
                emitted.push(Piece::Author(event.clone()));
            }
            Event::Text(t) => {
                r.words += t.split_whitespace().count() as u32;
                emitted.push(Piece::Author(event.clone()));
            }
            Event::FootnoteReference(label) => {
                let label = label.to_string();
                let times = times_referenced.entry(label.clone()).or_insert(0);
                *times += 1;
                let first = *times == 1;
                let n = *numbers.entry(label.clone()).or_insert_with(|| {
                    references.push(label.clone());
                    references.len()
                });
                let id = slugify(&label);
                let ref_id = if first {
                    format!(" id=\"fnref-{id}\"")
                } else {
                    String::new()
                };
                emitted.push(Piece::Author(Event::Html(CowStr::from(format!(
                    "<sup class=\"footnote-ref\"{ref_id}><a href=\"#fn-{id}\" aria-label=\"Note {n}\">{n}</a></sup>"
                )))));
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
            other => emitted.push(Piece::Author(other.clone())),
        }
        let emitted = emitted.into_iter().map(|p| (p, line));
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
        .filter(|(label, _)| !numbers.contains_key(*label))
        .map(|(label, (line, _))| (label, *line))
        .collect();
    unused.sort_by_key(|(_, line)| *line);
    for (label, line) in unused {
        r.problems.push(Problem::new(
            line,
            format!("footnote [^{label}] is defined but never referenced"),
        ));
    }
    if let Some(line) = explorers_refused {
        r.problems.push(Problem::new(
            line,
            format!(
                "only the first {MAX_EXPLORERS} `hl7` and `dicom` blocks of a module, each at most \
                 {} KB, become explorers; this one and any later ones are shown as text",
                MAX_EXPLORER_SOURCE_BYTES / 1024
            ),
        ));
    }

    let mut w = PageWriter {
        html: String::with_capacity(body.len() * 2),
        limit: PROSE_HTML_BYTES,
        cancel,
        full: false,
    };
    let mut at = first_line;
    let _ = write_pieces(&mut w, out, &mut at).and_then(|()| {
        let defined: Vec<String> = references
            .into_iter()
            .filter(|l| definitions.contains_key(l))
            .collect();
        if defined.is_empty() {
            return Ok(());
        }
        w.write_trusted(
            "<section class=\"footnotes\" aria-labelledby=\"footnotes\"><h2 id=\"footnotes\">Notes and references</h2><ol>\n",
        )?;
        r.toc.push(TocEntry {
            id: "footnotes".into(),
            title: "Notes and references".into(),
            depth: 2,
        });
        r.heading_ids.push("footnotes".into());
        for label in defined {
            let n = numbers[&label];
            let id = slugify(&label);
            let Some((_, evs)) = definitions.remove(&label) else {
                continue;
            };
            write!(w, "<li id=\"fn-{id}\">")?;
            write_pieces(&mut w, evs, &mut at)?;
            writeln!(
                w,
                "<a href=\"#fnref-{id}\" class=\"footnote-back\" aria-label=\"Back to text of note {n}\">Back to text</a></li>"
            )?;
        }
        w.write_trusted("</ol></section>\n")
    });
    if w.cancelled() {
        return Err(Cancelled);
    }
    if w.full {
        r.problems.push(Problem::new(
            at,
            format!(
                "the page is over {} KB of HTML; it is cut off here",
                PROSE_HTML_BYTES / 1024
            ),
        ));
    }
    let page = put_blocks(&sanitise(&w.html), &blocks);
    r.html = if page.len() <= MAX_HTML_BYTES {
        page
    } else {
        r.problems.push(Problem::new(
            first_line,
            format!(
                "the page would be {} KB of HTML; the limit is {} KB",
                page.len().div_ceil(1024),
                MAX_HTML_BYTES / 1024
            ),
        ));
        "<p class=\"render-refused\">This module is too large to show.</p>\n".to_string()
    };
    if r.problems.len() > MAX_PROBLEMS {
        let more = r.problems.len() - MAX_PROBLEMS;
        let line = r.problems[MAX_PROBLEMS].line;
        r.problems.truncate(MAX_PROBLEMS);
        r.problems
            .push(Problem::new(line, format!("… and {more} more problems")));
    }
    Ok(r)
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
    use crate::content::front_matter;

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

    /// The hostile bodies of the security review, each a few hundred KB at
    /// most. Before the limits, the worst of them rendered to hundreds of
    /// megabytes or ran for minutes.
    pub(crate) fn hostile_bodies() -> Vec<(&'static str, String)> {
        let hl7 = "```hl7\nMSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\nPID|1||123^^^H^MR||DOE^JANE\n```\n\n";
        let mut table = format!("|{}\n|{}\n", "a|".repeat(3000), ":-|".repeat(3000));
        table.push_str(&"|x\n".repeat(3000));
        vec![
            (
                "nested blockquotes",
                format!(
                    "{} deep\n{}",
                    ">".repeat(60_000),
                    "lazy line\n".repeat(5_000)
                ),
            ),
            ("thousands of hl7 blocks", hl7.repeat(2_000)),
            ("huge table", table),
            ("deeply nested list", format!("{}x\n", "- ".repeat(50_000))),
            (
                "nested emphasis",
                format!("{}x{}\n", "*".repeat(40_000), "*".repeat(40_000)),
            ),
            (
                "nested raw HTML",
                format!("{}x\n", "<details>".repeat(40_000)),
            ),
            (
                "footnote references",
                format!("{}\n\n[^a]: The note.\n", "x[^a] ".repeat(45_000)),
            ),
            (
                "footnote definitions",
                (0..20_000)
                    .map(|i| format!("[^{i}] "))
                    .chain((0..20_000).map(|i| format!("\n\n[^{i}]: n")))
                    .collect(),
            ),
            ("links", "[](x)".repeat(50_000)),
        ]
    }

    /// A module body of the courses, repeated up to 512 KB.
    fn big_draft() -> String {
        let module = include_str!("../../content/foundation/02-hl7-message-structure.md");
        let body = front_matter::split(module).unwrap().body.to_string();
        body.repeat(512 * 1024 / body.len() + 1)
    }

    #[test]
    fn hostile_bodies_render_within_the_bounds_and_say_why() {
        for (name, body) in hostile_bodies() {
            let r = render(&body, 1);
            assert!(
                r.html.len() <= MAX_HTML_BYTES,
                "{name}: {} bytes of HTML",
                r.html.len()
            );
            // 50 000 empty links stay within every bound (about 2 MB once
            // the sanitiser has added their `rel`), so nothing is cut off
            // and there is nothing to report; every other body hits a limit.
            if name != "links" {
                assert!(!r.problems.is_empty(), "{name}: no problem reported");
            }
            assert!(r.problems.len() <= MAX_PROBLEMS + 1, "{name}");
            assert!(!r.html.contains(PLACEHOLDER), "{name}");
        }
    }

    /// Not a test: prints the rendered size and render time of each
    /// hostile body. `cargo test --features ssr --release --lib
    /// measure_hostile -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn measure_hostile_bodies() {
        let mut cases = hostile_bodies();
        cases.push(("512 KB draft", big_draft()));
        for (name, body) in cases {
            let started = std::time::Instant::now();
            let r = render(&body, 1);
            println!(
                "{name:<24} {:>8} KB in {:>8} KB out {:>9.1?}",
                body.len() / 1024,
                r.html.len() / 1024,
                started.elapsed()
            );
        }
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_flattened() {
        let r = render(&format!("{} deep\n", ">".repeat(1_000)), 3);
        assert_eq!(
            r.html.matches("<blockquote>").count(),
            MAX_NESTING,
            "{}",
            r.html
        );
        assert!(r.html.contains("deep"));
        assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
        assert_eq!(r.problems[0].line, 3);
        assert!(r.problems[0].message.contains("nest more than 32 deep"));

        let r = render(&format!("{}x\n", "- ".repeat(1_000)), 1);
        assert!(
            r.html.matches("<li>").count() <= MAX_NESTING / 2,
            "{}",
            r.html
        );
        let r = render(&format!("{}x\n", "<details>".repeat(1_000)), 1);
        assert!(r.html.matches("<details>").count() <= MAX_NESTING);
        // What nests within the limit is untouched.
        let r = render("> > > three\n\n- a\n  - b\n    - c\n", 1);
        assert_eq!(r.html.matches("<blockquote>").count(), 3);
        assert_eq!(r.html.matches("<ul>").count(), 3);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
    }

    #[test]
    fn explorers_are_limited_in_number_and_size() {
        let hl7 = "```hl7\nMSH|^~\\&|A|B\n```\n\n";
        let r = render(&hl7.repeat(MAX_EXPLORERS + 5), 1);
        assert_eq!(
            r.html.matches("data-explorer=\"hl7\"").count(),
            MAX_EXPLORERS
        );
        assert_eq!(r.html.matches("HL7 v2 message").count(), MAX_EXPLORERS + 5);
        let p = r
            .problems
            .iter()
            .find(|p| p.message.contains("explorers"))
            .unwrap();
        assert_eq!(p.line, 1 + 4 * MAX_EXPLORERS, "{p:?}");

        let long = format!(
            "```hl7\nMSH|^~\\&|A|B\nNTE|1||{}\n```\n",
            "x".repeat(MAX_EXPLORER_SOURCE_BYTES)
        );
        let r = render(&long, 1);
        assert!(!r.html.contains("data-explorer"), "shown as text");
        assert!(r.html.contains("hl7-seg"));
        assert_eq!(r.problems.len(), 1);
    }

    #[test]
    fn footnotes_keep_their_numbers_when_referenced_many_times() {
        let src = format!("{}[^b]\n\n[^a]: A.\n[^b]: B.\n", "x[^a] ".repeat(5_000));
        let r = render(&src, 1);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(r.html.matches("id=\"fnref-a\"").count(), 1);
        assert_eq!(r.html.matches("aria-label=\"Note 1\"").count(), 5_000);
        assert_eq!(r.html.matches("aria-label=\"Note 2\"").count(), 1);
        assert!(r.html.find("id=\"fn-a\"") < r.html.find("id=\"fn-b\""));
    }

    #[test]
    fn a_body_over_the_source_limit_is_cut_with_a_clear_finding() {
        let body = big_draft();
        assert!(body.len() > 512 * 1024);
        let r = render(&body, 7);
        assert!(r.html.len() <= MAX_HTML_BYTES, "{}", r.html.len());
        let p = &r.problems[0];
        assert_eq!(p.line, 7);
        assert_eq!(
            p.message,
            format!(
                "the module is {} KB; the limit is 256 KB: only the first part is shown",
                body.len().div_ceil(1024)
            )
        );
        assert_eq!(
            size_problem(300 * 1024).unwrap().message,
            "the module is 300 KB; the limit is 256 KB"
        );
        assert_eq!(size_problem(MAX_SOURCE_BYTES), None);
    }

    #[test]
    fn a_set_cancellation_flag_stops_the_render() {
        let cancelled = AtomicBool::new(true);
        assert_eq!(
            render_cancellable(&big_draft(), 1, &cancelled).err(),
            Some(Cancelled)
        );
        let running = AtomicBool::new(false);
        assert!(render_cancellable("text", 1, &running).is_ok());
    }

    #[test]
    fn the_placeholder_in_author_text_is_kept_as_text_and_breaks_no_explorer() {
        // The old token spelled out, the new one, and a lone placeholder,
        // before a real explorer block.
        let src = "Apple \u{F8FF} \u{F8FF}pacs-block-0\u{F8FF} \u{F8FF}b0\u{F8FF}.\n\n\
                   ```hl7\nMSH|^~\\&|A|B\n```\n\n`\u{F8FF}` [x](/a\u{F8FF} \"t\u{F8FF}\")\n";
        let r = render(src, 1);
        assert!(!r.html.contains(PLACEHOLDER), "{}", r.html);
        assert_eq!(r.html.matches("data-explorer=\"hl7\"").count(), 1);
        let para = &r.html[..r.html.find("</p>").unwrap()];
        assert_eq!(
            para,
            "<p>Apple &#xF8FF; &#xF8FF;pacs-block-0&#xF8FF; &#xF8FF;b0&#xF8FF;."
        );
        assert!(r.html.find("data-explorer") > r.html.find("</p>"));
        assert!(r.html.contains("<code>&#xF8FF;</code>"), "{}", r.html);
        assert!(r.html.contains("title=\"t&#xF8FF;\""), "{}", r.html);
        // Inside a code block that becomes an explorer too (found by the
        // markdown_render fuzz target): a reference, like everywhere else.
        let r = render("```hl7\nMSH|^~\\&|\u{F8FF}|B\n```\n", 1);
        assert_eq!(r.html.matches("data-explorer=\"hl7\"").count(), 1);
        assert!(!r.html.contains(PLACEHOLDER), "{}", r.html);
        assert!(r.html.contains("&#xF8FF;"), "{}", r.html);
        // The fuzzer's input, whole.
        let found =
            "Apple \u{F8FF} \u{F8FF}b0\u{F8FF} \u{F8FF}c\u{F8FF} \u{F8FF}pacs-block-0\u{F8FF}\n\n\
                     ```hl7\nMSH|^~\\&|\u{F8FF}|B\n```\n";
        let r = render(found, 1);
        assert!(!r.html.contains(PLACEHOLDER), "{}", r.html);
        assert_eq!(r.html.matches("data-explorer=\"hl7\"").count(), 1);
    }

    #[test]
    fn a_block_token_inside_an_attribute_is_not_replaced() {
        // Raw HTML that leaves an attribute open across an hl7 block would
        // have had the explorer's markup put inside the attribute value.
        let src = "<details title=\"\n\n```hl7\nMSH|^~\\&|A|B\n```\n\n<abbr title=\"\" onmouseover=\"alert(1)\">x</abbr>\n";
        let r = render(src, 1);
        assert!(!r.html.contains(PLACEHOLDER), "{}", r.html);
        assert!(!r.html.contains("onmouseover"), "{}", r.html);
        assert!(r.html.contains("<details title=\""), "{}", r.html);
        assert!(!r.html.contains("data-explorer"), "{}", r.html);
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
