//! `pacs-academy check-content`: the shipped content passes, and every rule
//! fails on a fixture that breaks it, with the right `file:line`.
#![cfg(feature = "ssr")]

use std::path::{Path, PathBuf};
use std::process::Command;

use pacs_academy::content::check::check_dir;

fn module(slug: &str, level: &str, order: u32, prereqs: &str, body: &str) -> String {
    format!(
        "+++\ntitle = \"Module {slug}\"\nslug = \"{slug}\"\nlevel = \"{level}\"\norder = {order}\nminutes = 30\nsummary = \"About {slug}.\"\nobjectives = [\"Explain {slug}\"]\nprerequisites = [{prereqs}]\n+++\n\n{body}\n"
    )
}

const INTRO_BODY: &str =
    "Opening text.\n\n## Message structure\n\nText.\n\n### Escape sequences\n\nMore.\n";

/// A small, valid content folder: two Foundation modules, one Intermediate.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("foundation");
    let i = dir.path().join("intermediate");
    std::fs::create_dir_all(&f).unwrap();
    std::fs::create_dir_all(&i).unwrap();
    std::fs::create_dir_all(dir.path().join("images")).unwrap();
    std::fs::write(dir.path().join("images/flow.svg"), "<svg/>").unwrap();
    std::fs::write(
        f.join("01-intro.md"),
        module("intro", "foundation", 1, "", INTRO_BODY),
    )
    .unwrap();
    std::fs::write(
        f.join("02-next.md"),
        module(
            "next",
            "foundation",
            2,
            "\"intro\"",
            "See [escapes](/foundation/intro#escape-sequences) and [below](#details).\n\n## Details\n\n![A flow diagram](/images/flow.svg)\n\n```hl7\nMSH|^~\\&|A\n```\n",
        ),
    )
    .unwrap();
    std::fs::write(
        i.join("01-deep.md"),
        module(
            "deep",
            "intermediate",
            1,
            "\"next\"",
            "Builds on [the basics](/foundation/intro).\n\nA note.[^n]\n\n[^n]: PS3.5.\n",
        ),
    )
    .unwrap();
    dir
}

fn edit(dir: &Path, rel: &str, from: &str, to: &str) -> PathBuf {
    let path = dir.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "fixture {rel} lacks {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

/// Applies one break and returns the findings as `relative/path:line: message`.
fn findings_after(rel: &str, from: &str, to: &str) -> Vec<String> {
    let dir = fixture();
    edit(dir.path(), rel, from, to);
    check_dir(dir.path())
        .findings
        .iter()
        .map(|f| {
            format!(
                "{}:{}: {}",
                f.path.strip_prefix(dir.path()).unwrap().display(),
                f.line,
                f.message
            )
        })
        .collect()
}

fn assert_one(findings: &[String], prefix: &str, needle: &str) {
    assert_eq!(
        findings.len(),
        1,
        "expected exactly one finding, got {findings:#?}"
    );
    assert!(
        findings[0].starts_with(prefix) && findings[0].contains(needle),
        "expected `{prefix}…{needle}…`, got {findings:#?}"
    );
}

#[test]
fn the_fixture_itself_is_clean() {
    let dir = fixture();
    let report = check_dir(dir.path());
    assert_eq!(report.modules, 3);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn missing_front_matter() {
    let f = findings_after("foundation/01-intro.md", "+++\ntitle", "title");
    assert!(
        f.iter()
            .any(|l| l.starts_with("foundation/01-intro.md:1: missing front matter")),
        "{f:#?}"
    );
}

#[test]
fn bad_front_matter_syntax() {
    let f = findings_after("foundation/01-intro.md", "order = 1", "order = ");
    assert!(
        f.iter()
            .any(|l| l.starts_with("foundation/01-intro.md:5: front matter")),
        "{f:#?}"
    );
}

#[test]
fn missing_front_matter_field() {
    let f = findings_after("foundation/01-intro.md", "minutes = 30\n", "");
    assert!(
        f.iter()
            .any(|l| l.starts_with("foundation/01-intro.md:") && l.contains("minutes")),
        "{f:#?}"
    );
}

#[test]
fn level_that_does_not_match_the_folder() {
    let f = findings_after(
        "intermediate/01-deep.md",
        "level = \"intermediate\"",
        "level = \"foundation\"",
    );
    assert!(
        f.iter()
            .any(|l| l.starts_with("intermediate/01-deep.md:4: level is `foundation`")),
        "{f:#?}"
    );
}

#[test]
fn duplicate_slug() {
    let f = findings_after(
        "intermediate/01-deep.md",
        "slug = \"deep\"",
        "slug = \"intro\"",
    );
    assert_one(
        &f,
        "intermediate/01-deep.md:3: ",
        "duplicate slug `intro`: already used by",
    );
}

#[test]
fn duplicate_order() {
    let f = findings_after("foundation/02-next.md", "order = 2", "order = 1");
    assert!(
        f.iter().any(|l| l
            .starts_with("foundation/02-next.md:5: duplicate order 1 in the foundation course")),
        "{f:#?}"
    );
}

#[test]
fn unknown_prerequisite() {
    let f = findings_after("foundation/02-next.md", "[\"intro\"]", "[\"nothing-here\"]");
    assert_one(
        &f,
        "foundation/02-next.md:9: ",
        "prerequisite `nothing-here` is not a module slug",
    );
}

#[test]
fn prerequisite_that_comes_later() {
    let f = findings_after(
        "foundation/01-intro.md",
        "prerequisites = []",
        "prerequisites = [\"deep\"]",
    );
    assert_one(&f, "foundation/01-intro.md:9: ", "comes after this module");
}

#[test]
fn link_to_a_missing_module() {
    let f = findings_after(
        "intermediate/01-deep.md",
        "/foundation/intro)",
        "/foundation/intro-typo)",
    );
    assert_one(
        &f,
        "intermediate/01-deep.md:12: ",
        "there is no module `intro-typo`",
    );
}

#[test]
fn link_to_a_module_in_the_wrong_course() {
    let f = findings_after(
        "intermediate/01-deep.md",
        "/foundation/intro)",
        "/intermediate/intro)",
    );
    assert_one(
        &f,
        "intermediate/01-deep.md:12: ",
        "is in the foundation course",
    );
}

#[test]
fn link_to_a_missing_heading() {
    let f = findings_after("foundation/02-next.md", "#escape-sequences", "#escapes");
    assert_one(
        &f,
        "foundation/02-next.md:12: ",
        "has no heading with anchor `#escapes`",
    );
}

#[test]
fn link_to_a_missing_heading_on_the_same_page() {
    let f = findings_after("foundation/02-next.md", "(#details)", "(#detail)");
    assert_one(
        &f,
        "foundation/02-next.md:12: ",
        "module `next` has no heading with anchor `#detail`",
    );
}

#[test]
fn relative_file_links_are_rejected_with_advice() {
    let f = findings_after(
        "intermediate/01-deep.md",
        "(/foundation/intro)",
        "(../foundation/01-intro.md)",
    );
    assert_one(
        &f,
        "intermediate/01-deep.md:12: ",
        "write links between modules as site paths",
    );
}

#[test]
fn plain_http_links_are_rejected() {
    let f = findings_after(
        "intermediate/01-deep.md",
        "(/foundation/intro)",
        "(http://example.org)",
    );
    assert_one(&f, "intermediate/01-deep.md:12: ", "must use https://");
}

#[test]
fn missing_image() {
    let f = findings_after(
        "foundation/02-next.md",
        "/images/flow.svg",
        "/images/flow2.svg",
    );
    assert_one(
        &f,
        "foundation/02-next.md:16: ",
        "missing image `/images/flow2.svg`",
    );
}

#[test]
fn image_without_alt_text() {
    let f = findings_after("foundation/02-next.md", "![A flow diagram]", "![]");
    assert_one(&f, "foundation/02-next.md:16: ", "has no alt text");
}

#[test]
fn unknown_fenced_block_kind() {
    let f = findings_after("foundation/02-next.md", "```hl7", "```python");
    assert_one(
        &f,
        "foundation/02-next.md:18: ",
        "unknown code block kind `python`",
    );
}

#[test]
fn fenced_block_without_a_kind() {
    let f = findings_after("foundation/02-next.md", "```hl7", "```");
    assert_one(&f, "foundation/02-next.md:18: ", "code block has no kind");
}

#[test]
fn disallowed_raw_html() {
    let f = findings_after(
        "foundation/01-intro.md",
        "Opening text.",
        "Opening <script>x()</script> text.",
    );
    assert_eq!(f.len(), 2, "{f:#?}"); // the opening and the closing tag
    assert!(f[0].starts_with("foundation/01-intro.md:12: HTML tag <script> is not allowed"));
}

#[test]
fn undefined_and_unused_footnotes() {
    let f = findings_after("intermediate/01-deep.md", "A note.[^n]", "A note.[^m]");
    assert_eq!(f.len(), 2, "{f:#?}");
    assert!(f[0]
        .starts_with("intermediate/01-deep.md:14: footnote [^m] is referenced but never defined"));
    assert!(f[1]
        .starts_with("intermediate/01-deep.md:16: footnote [^n] is defined but never referenced"));
}

#[test]
fn title_heading_in_the_body() {
    let f = findings_after("foundation/01-intro.md", "Opening text.", "# Module intro");
    assert_one(
        &f,
        "foundation/01-intro.md:12: ",
        "use `##` and `###` headings",
    );
}

#[test]
fn missing_content_folder() {
    let report = check_dir(Path::new("/definitely/not/here"));
    assert_eq!(report.findings.len(), 1);
    assert!(report.findings[0]
        .message
        .contains("content directory not found"));
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pacs-academy"))
}

#[test]
fn cli_passes_on_the_shipped_content() {
    let out = bin()
        .args([
            "check-content",
            concat!(env!("CARGO_MANIFEST_DIR"), "/content"),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("no problems"), "{stderr}");
}

#[test]
fn cli_fails_with_file_and_line_on_a_broken_copy() {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    copy_dir(&src, dir.path());
    let target = dir
        .path()
        .join("foundation")
        .join("02-hl7-message-structure.md");
    let text = std::fs::read_to_string(&target).unwrap();
    let broken = text.replacen("```hl7", "```hl8", 1);
    let line = broken[..broken.find("```hl8").unwrap()]
        .matches('\n')
        .count()
        + 1;
    std::fs::write(&target, broken).unwrap();
    let out = bin().arg("check-content").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let expected = format!("{}:{line}: unknown code block kind `hl8`", target.display());
    assert!(
        stdout.lines().any(|l| l.starts_with(&expected)),
        "{stdout}\nexpected {expected}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 problem(s) in 1 file(s)"));
}

#[test]
fn cli_shows_usage_for_bad_arguments() {
    let out = bin().args(["check-content", "a", "b"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage"));
}

#[test]
fn shipped_modules_meet_the_course_brief() {
    use pacs_academy::content::{store::ContentStore, Level};
    let store = ContentStore::new(concat!(env!("CARGO_MANIFEST_DIR"), "/content"));
    let foundation = store.course(Level::Foundation);
    let intermediate = store.course(Level::Intermediate);
    assert!(foundation.modules.len() >= 6);
    assert!(intermediate.modules.len() >= 8);
    for m in foundation.modules.iter().chain(&intermediate.modules) {
        let page = store.module(m.level, &m.slug).unwrap();
        assert!(
            page.words >= 800,
            "{} has only {} words",
            m.slug,
            page.words
        );
        assert!(
            page.toc.iter().any(|t| t.id == "self-check"),
            "{} has no self-check",
            m.slug
        );
        assert!(
            page.html.contains("<details>"),
            "{} self-check has no answers",
            m.slug
        );
        assert!(
            page.html.contains("class=\"code "),
            "{} has no worked example block",
            m.slug
        );
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

#[test]
fn the_authoring_guide_example_passes_the_checker() {
    let guide =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/AUTHORING.md")).unwrap();
    let start = guide.find("````markdown\n").expect("example block") + "````markdown\n".len();
    let end = start + guide[start..].find("\n````").expect("end of example");
    let example = &guide[start..end];
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("content"),
        dir.path(),
    );
    let path = dir.path().join("foundation/07-worklist-troubleshooting.md");
    std::fs::write(&path, example).unwrap();
    let report = check_dir(dir.path());
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    let store = pacs_academy::content::store::ContentStore::new(dir.path());
    let page = store
        .module(
            pacs_academy::content::Level::Foundation,
            "worklist-troubleshooting",
        )
        .expect("the example is served");
    assert_eq!(page.position, 7);
    assert!(page.html.contains("DICOM data set"));
}

#[cfg(unix)]
#[test]
fn cli_does_not_follow_links_out_of_the_folder_nor_read_devices_or_huge_files() {
    let dir = fixture();
    let f = dir.path().join("foundation");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "+++\n").unwrap();
    std::os::unix::fs::symlink("/dev/zero", f.join("03-zero.md")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.md"), f.join("04-away.md")).unwrap();
    std::fs::write(f.join("05-huge.md"), vec![b'a'; 1024 * 1024 + 1]).unwrap();
    // A link that stays inside the folder is read like the file it names.
    std::os::unix::fs::symlink(
        f.join("01-intro.md"),
        dir.path().join("intermediate/09-alias.md"),
    )
    .unwrap();
    let out = bin().arg("check-content").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = |name: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(&f.join(name).display().to_string()))
            .unwrap_or_else(|| panic!("no finding for {name} in\n{stdout}"))
            .to_string()
    };
    assert!(
        line("03-zero.md")
            .ends_with(":1: not read: a symbolic link to /dev/zero, outside the content folder"),
        "{stdout}"
    );
    assert!(
        line("04-away.md").contains(":1: not read: a symbolic link to "),
        "{stdout}"
    );
    assert!(
        line("05-huge.md").ends_with(
            ":1: not read: 1048577 bytes, more than the 1048576 bytes (1 MiB) a module may have"
        ),
        "{stdout}"
    );
    // The alias is read: it duplicates intro's slug, which is reported.
    assert!(stdout.contains("09-alias.md"), "{stdout}");
}

#[cfg(unix)]
#[test]
fn a_device_inside_the_folder_is_not_read() {
    let dir = fixture();
    let f = dir.path().join("foundation");
    // A named pipe would block a reader forever.
    let fifo = f.join("06-pipe.md");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return;
    }
    let report = check_dir(dir.path());
    let finding = report
        .findings
        .iter()
        .find(|x| x.path == fifo)
        .expect("a finding for the pipe");
    assert_eq!(
        finding.message,
        "not read: not a regular file (a device, pipe or folder)"
    );
}
