//! Generated exam questions (`exercise::exam_items`) read as their
//! exercises once rendered by this module's Markdown renderer. Lives in
//! `content`, which depends on `exercise`, so that `exercise` does not
//! depend on `content`, not even in tests.

use crate::exam::Generator;
use crate::exam::QuestionKind;
use crate::exercise::exam_items::{
    choice_form, code_block, exam_kinds, exercise_seed, paragraphs, LabQuestions,
};
use crate::exercise::{generate, Kind};
use crate::level::Level;

#[test]
fn options_and_stem_show_the_exercise() {
    for level in Level::ALL {
        for slug in exam_kinds(level) {
            let kind = Kind::from_slug(slug).unwrap_or_else(|| panic!("{slug}"));
            for seed in 0..10 {
                let q = LabQuestions::new(level)
                    .generate(slug, seed)
                    .unwrap_or_else(|| panic!("{slug} {seed}"));
                let (ex, _) = generate(kind, level, exercise_seed(kind, level, seed));
                let Some((_, options, multiple)) = choice_form(&ex.answer) else {
                    panic!("{slug}")
                };
                assert_eq!(multiple, q.kind == QuestionKind::Multiple);
                // Rendered, each option reads as the exercise's option.
                for (md, text) in q.options.iter().zip(options) {
                    let html = super::render::render(md, 1).html;
                    let shown = html
                        .trim()
                        .trim_start_matches("<p>")
                        .trim_end_matches("</p>")
                        .replace("&amp;", "&")
                        .replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&quot;", "\"")
                        .replace("&#39;", "'");
                    assert_eq!(&shown, text, "{slug} {seed}");
                }
                // The stem starts with the prompt's first words.
                let first: String = ex
                    .prompt
                    .split_whitespace()
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(" ");
                let html = super::render::render(&q.stem_md, 1).html;
                assert!(
                    html.contains(&first.replace('\'', "&#39;")) || html.contains(&first),
                    "{slug}: {first:?} not in {html}"
                );
            }
        }
    }
}

#[test]
fn plain_text_is_not_read_as_markdown() {
    let md = paragraphs("1. *not* a list <b>x</b> | `y`\nnext line");
    let html = super::render::render(&md, 1).html;
    assert!(
        !html.contains("<ol") && !html.contains("<em>") && !html.contains("<code>"),
        "{html}"
    );
    assert!(html.contains("&lt;b&gt;"), "{html}");
    assert!(html.contains("<br"), "{html}");
    let mut md = String::new();
    code_block(&mut md, "a ``` b");
    assert!(md.starts_with("````text\n"), "{md}");
}
