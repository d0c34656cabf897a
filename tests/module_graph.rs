//! The crate's root modules form layers: the pure cores (every root module
//! but `app` and `server`) use each other without cycles and never name the
//! user interface, the server or the web and database stacks. `app` and
//! `server` may use everything.
//!
//! Read from the source, not the compiler: each file under `src/<module>`
//! is scanned for `crate::x`, `crate::{x, …}` and `super::…` paths that leave
//! the root module, and for paths into the forbidden crates. Comments (so
//! doc-tests too), strings and character literals are skipped; test code
//! counts like any other code.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Root modules that may use anything, pure cores included. `reader` is the
/// reading pages' browser entry point; it follows links by the application's
/// rule for what a reading page is (`app::is_reading_path`).
const OUTER: &[&str] = &["app", "server", "error", "reader"];

/// Crates a pure core must not name: its web and database adapters live in
/// `app` and `server`.
const FORBIDDEN_CRATES: &[&str] = &[
    "leptos",
    "leptos_axum",
    "leptos_meta",
    "leptos_router",
    "server_fn",
    "axum",
    "sqlx",
    "tokio",
    "tower",
    "tower_http",
    "hyper",
];

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
}

/// The tokens of Rust source with comments, strings and character literals
/// left out, each with its 1-based line.
fn tokens(src: &str) -> Vec<(Token, usize)> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(c[i] == '\n');
                    i += 1;
                }
            }
        } else if ch == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                line += usize::from(at(i) == '\n');
                i += 1;
            }
            i += 1;
        } else if (ch == 'r' || (ch == 'b' && at(i + 1) == 'r'))
            && matches!(at(i + 1 + usize::from(ch == 'b')), '"' | '#')
            && {
                // A raw string: r"…", r#"…"#, br"…".
                let mut j = i + 1 + usize::from(ch == 'b');
                while at(j) == '#' {
                    j += 1;
                }
                at(j) == '"'
            }
        {
            let mut j = i + 1 + usize::from(ch == 'b');
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            loop {
                if j >= c.len() {
                    break;
                }
                if c[j] == '"' && (1..=hashes).all(|k| at(j + k) == '#') {
                    j += 1 + hashes;
                    break;
                }
                line += usize::from(c[j] == '\n');
                j += 1;
            }
            i = j;
        } else if ch == '\'' {
            // A character literal ('x', '\n', '\'', '\u{..}') or a lifetime.
            if at(i + 1) == '\\' {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
            }
        } else if ch == '_' || ch.is_alphanumeric() {
            let start = i;
            while i < c.len() && (c[i] == '_' || c[i].is_alphanumeric()) {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            // b"…" and b'…' are byte literals, handled on the next turn.
            if word == "b" && matches!(at(i), '"' | '\'') {
                continue;
            }
            out.push((Token::Ident(word), line));
        } else if ch == ':' && at(i + 1) == ':' {
            out.push((Token::PathSep, line));
            i += 2;
        } else {
            out.push((Token::Punct(ch), line));
            i += 1;
        }
    }
    out
}

/// What one file names outside its own root module.
#[derive(Debug, Default)]
struct Uses {
    /// Root modules, with the line of each use.
    modules: Vec<(String, usize)>,
    /// Outside crates, with the line of each use.
    crates: Vec<(String, usize)>,
}

/// The root modules and crates that a file uses. `depth` is how many
/// modules deep the file sits below the crate root (`src/exam/mod.rs` is 1,
/// `src/exam/draw.rs` is 2), so that `super::` paths can be resolved.
fn scan(src: &str, depth: usize) -> Uses {
    let t = tokens(src);
    let mut uses = Uses::default();
    let ident = |k: usize| match t.get(k) {
        Some((Token::Ident(s), _)) => Some(s.as_str()),
        _ => None,
    };
    let sep = |k: usize| matches!(t.get(k), Some((Token::PathSep, _)));
    let punct = |k: usize, p: char| matches!(t.get(k), Some((Token::Punct(q), _)) if *q == p);
    // Inline `mod name { … }` blocks add a level: the brace depth at which
    // each one opened.
    let mut inline_mods: Vec<usize> = Vec::new();
    let mut braces = 0usize;
    let mut k = 0;
    while k < t.len() {
        let line = t[k].1;
        let after_sep = k > 0 && sep(k - 1);
        if punct(k, '{') {
            braces += 1;
        } else if punct(k, '}') {
            braces = braces.saturating_sub(1);
            if inline_mods.last() == Some(&braces) {
                inline_mods.pop();
            }
        } else if ident(k) == Some("mod") && ident(k + 1).is_some() && punct(k + 2, '{') {
            inline_mods.push(braces);
        } else if ident(k) == Some("crate") && !after_sep && sep(k + 1) {
            if let Some(name) = ident(k + 2) {
                uses.modules.push((name.to_string(), line));
            } else if punct(k + 2, '{') {
                // `crate::{a::b, c, d::{e, f}}`: the first name of each
                // top-level item.
                let mut j = k + 3;
                let mut nest = 0;
                let mut expect_name = true;
                while j < t.len() {
                    if punct(j, '{') {
                        nest += 1;
                    } else if punct(j, '}') {
                        if nest == 0 {
                            break;
                        }
                        nest -= 1;
                    } else if punct(j, ',') && nest == 0 {
                        expect_name = true;
                    } else if let (Some(name), true, 0) = (ident(j), expect_name, nest) {
                        uses.modules.push((name.to_string(), t[j].1));
                        expect_name = false;
                    }
                    j += 1;
                }
            }
        } else if ident(k) == Some("super") && !after_sep {
            let mut ups = 0;
            let mut j = k;
            while ident(j) == Some("super") && sep(j + 1) {
                ups += 1;
                j += 2;
            }
            if ups >= depth + inline_mods.len() {
                if let Some(name) = ident(j) {
                    uses.modules.push((name.to_string(), line));
                }
            }
        } else if let Some(name) = ident(k) {
            let is_path_start = !after_sep && sep(k + 1);
            let is_use = k > 0 && ident(k - 1) == Some("use");
            if FORBIDDEN_CRATES.contains(&name) && (is_path_start || is_use) {
                uses.crates.push((name.to_string(), line));
            }
        }
        k += 1;
    }
    uses
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The root modules that `src/lib.rs` declares from files (`mod x;`).
fn root_modules() -> BTreeSet<String> {
    let lib = fs::read_to_string(src_dir().join("lib.rs")).expect("read src/lib.rs");
    let t = tokens(&lib);
    let mut out = BTreeSet::new();
    for (k, (tok, _)) in t.iter().enumerate() {
        if let (Token::Ident(m), Some((Token::Ident(name), _)), Some((Token::Punct(';'), _))) =
            (tok, t.get(k + 1), t.get(k + 2))
        {
            if m == "mod" {
                out.insert(name.clone());
            }
        }
    }
    out
}

/// Every `.rs` file of root module `name`, with its depth below the crate
/// root.
fn files_of(name: &str) -> Vec<(PathBuf, usize)> {
    let mut out = Vec::new();
    let file = src_dir().join(format!("{name}.rs"));
    if file.is_file() {
        out.push((file, 1));
    }
    fn walk(dir: &Path, depth: usize, out: &mut Vec<(PathBuf, usize)>) {
        let mut entries: Vec<_> = fs::read_dir(dir)
            .expect("read a source folder")
            .map(|e| e.expect("read a folder entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, depth + 1, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let is_mod = path.file_name().is_some_and(|n| n == "mod.rs");
                out.push((path, if is_mod { depth } else { depth + 1 }));
            }
        }
    }
    let dir = src_dir().join(name);
    if dir.is_dir() {
        walk(&dir, 1, &mut out);
    }
    out
}

/// For each root module, the other root modules it uses, each with one
/// place (`file:line`) that shows it.
type Graph = BTreeMap<String, BTreeMap<String, String>>;

fn graph() -> (Graph, Vec<String>) {
    let roots = root_modules();
    let mut graph = Graph::new();
    let mut forbidden = Vec::new();
    for root in &roots {
        let edges = graph.entry(root.clone()).or_default();
        let files = files_of(root);
        assert!(!files.is_empty(), "no source files for module {root}");
        for (path, depth) in files {
            let src = fs::read_to_string(&path).expect("read a source file");
            let shown = path
                .strip_prefix(src_dir().parent().expect("crate folder"))
                .unwrap_or(&path)
                .display()
                .to_string();
            let uses = scan(&src, depth);
            for (name, line) in uses.modules {
                if roots.contains(&name) && name != *root {
                    edges
                        .entry(name)
                        .or_insert_with(|| format!("{shown}:{line}"));
                }
            }
            if !OUTER.contains(&root.as_str()) {
                for (name, line) in uses.crates {
                    forbidden.push(format!("{shown}:{line}: `{root}` names `{name}`"));
                }
            }
        }
    }
    (graph, forbidden)
}

/// A cycle among `nodes` in `graph`, as the modules along it, if there is one.
fn find_cycle(graph: &Graph, nodes: &BTreeSet<String>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &Graph,
        nodes: &BTreeSet<String>,
        done: &mut BTreeSet<String>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|s| s == n) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(n.to_string());
            return Some(cycle);
        }
        if done.contains(n) {
            return None;
        }
        stack.push(n.to_string());
        for next in graph.get(n).into_iter().flat_map(|e| e.keys()) {
            if nodes.contains(next) {
                if let Some(c) = visit(next, graph, nodes, done, stack) {
                    return Some(c);
                }
            }
        }
        stack.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    nodes
        .iter()
        .find_map(|n| visit(n, graph, nodes, &mut done, &mut Vec::new()))
}

fn pure_cores(graph: &Graph) -> BTreeSet<String> {
    graph
        .keys()
        .filter(|m| !OUTER.contains(&m.as_str()))
        .cloned()
        .collect()
}

#[test]
fn pure_cores_form_no_cycle() {
    let (graph, _) = graph();
    let pure = pure_cores(&graph);
    if let Some(cycle) = find_cycle(&graph, &pure) {
        let evidence: Vec<String> = cycle
            .windows(2)
            .map(|w| format!("  {} -> {} ({})", w[0], w[1], graph[&w[0]][&w[1]]))
            .collect();
        panic!(
            "root modules form a cycle: {}\n{}",
            cycle.join(" -> "),
            evidence.join("\n")
        );
    }
}

#[test]
fn pure_cores_use_neither_app_nor_server_nor_web_or_database_crates() {
    let (graph, forbidden) = graph();
    let mut problems = forbidden;
    for core in pure_cores(&graph) {
        for outer in OUTER {
            if let Some(place) = graph[&core].get(*outer) {
                problems.push(format!("{place}: `{core}` uses `{outer}`"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_scan_sees_the_known_layers() {
    // Guards the two tests above against a scanner that finds nothing.
    let (graph, _) = graph();
    for (from, to) in [
        ("exam", "level"),
        ("exam", "rng"),
        ("exam", "calendar"),
        ("synth", "rng"),
        ("synth", "hl7"),
        ("exercise", "exam"),
        ("content", "exercise"),
        ("app", "server"),
        ("server", "content"),
    ] {
        assert!(
            graph.get(from).is_some_and(|e| e.contains_key(to)),
            "expected {from} -> {to}; found {:?}",
            graph.get(from).map(|e| e.keys().collect::<Vec<_>>())
        );
    }
    for (from, to) in [
        ("exam", "synth"),
        ("exam", "content"),
        ("exercise", "content"),
    ] {
        assert!(
            !graph[from].contains_key(to),
            "{from} -> {to} at {}",
            graph[from][to]
        );
    }
}

#[test]
fn scanner_reads_paths_and_skips_comments_strings_and_chars() {
    let src = r##"
//! Doc-test: use crate::server::db;
/// ```
/// crate::app::App;
/// ```
/* crate::server::x /* nested */ crate::app */
use crate::{hl7::{parse, Path}, level::Level, rng};
use crate::exam::Date;
fn f<'a>(s: &'a str) -> char {
    let _ = "crate::server::db::now";
    let _ = r#"crate::app "quoted" leptos::view"#;
    let _ = b"crate::server";
    let q = '"';
    let _ = crate :: calendar::days_from_civil(1970, 1, 1);
    super::super::synth::Rng::seed_from_u64(1);
    super::sibling::g();
    leptos::view! {};
    q
}
mod tests {
    use super::super::super::dicom::read;
    use axum::Router;
}
"##;
    let uses = scan(src, 2);
    let names: Vec<&str> = uses.modules.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["hl7", "level", "rng", "exam", "calendar", "synth", "dicom"]
    );
    let crates: Vec<(&str, usize)> = uses.crates.iter().map(|(n, l)| (n.as_str(), *l)).collect();
    assert_eq!(crates, [("leptos", 17), ("axum", 22)]);
    // At depth 1 (`src/x/mod.rs`), one `super::` reaches the root.
    let uses = scan("fn g() { super::exam::f(); crate::self_check(); }", 1);
    let names: Vec<&str> = uses.modules.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["exam", "self_check"]);
}

#[test]
fn a_cycle_is_found_and_named() {
    let mut graph = Graph::new();
    let edge = |g: &mut Graph, a: &str, b: &str| {
        g.entry(a.into())
            .or_default()
            .insert(b.into(), String::new());
        g.entry(b.into()).or_default();
    };
    edge(&mut graph, "a", "b");
    edge(&mut graph, "b", "c");
    edge(&mut graph, "a", "c");
    let nodes: BTreeSet<String> = graph.keys().cloned().collect();
    assert_eq!(find_cycle(&graph, &nodes), None);
    edge(&mut graph, "c", "a");
    assert_eq!(
        find_cycle(&graph, &nodes),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}
