//! Small components shared by several pages.

use leptos::prelude::*;

use crate::content::{Level, ModuleLink};

/// "Home › Foundation › Module" trail.
#[component]
pub fn Breadcrumbs(level: Level, #[prop(optional, into)] current: Option<String>) -> impl IntoView {
    let level_item = match current.clone() {
        Some(_) => view! { <li><a href=level.path()>{level.title()}" course"</a></li> }.into_any(),
        None => {
            view! { <li><span aria-current="page">{level.title()}" course"</span></li> }.into_any()
        }
    };
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
                <li><a href="/">"Home"</a></li>
                {level_item}
                {current.map(|c| view! { <li><span aria-current="page">{c}</span></li> })}
            </ol>
        </nav>
    }
}

/// Minutes as "45 min" or "1 h 30 min".
/// Plain text in which `backticks` mark code (segment IDs, delimiters,
/// values), as the exercise explanations write it: the marked runs become
/// `<code>` and the backticks go. An unpaired backtick stays as it is.
#[component]
pub fn InlineCode(#[prop(into)] text: String) -> impl IntoView {
    code_runs(&text)
        .into_iter()
        .map(|(code, run)| {
            if code {
                view! { <code>{run}</code> }.into_any()
            } else {
                run.into_any()
            }
        })
        .collect_view()
}

/// `text` split into (is code, run) pieces at paired backticks.
pub fn code_runs(text: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let Some(len) = rest[open + 1..].find('`') else {
            break; // unpaired: the rest is plain text
        };
        if open > 0 {
            out.push((false, rest[..open].to_string()));
        }
        match &rest[open + 1..open + 1 + len] {
            "" => out.push((false, "``".to_string())),
            code => out.push((true, code.to_string())),
        }
        rest = &rest[open + 2 + len..];
    }
    if !rest.is_empty() {
        out.push((false, rest.to_string()));
    }
    out
}

/// A message as a sentence: a capital first letter and a full stop.
pub fn sentence(text: &str) -> String {
    let text = text.trim();
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// "1 attempt", "2 attempts": a count with its noun in the right number.
pub fn count_of(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn format_minutes(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// A module link with a label such as "Previous" or "Next".
#[component]
pub fn PagerLink(link: ModuleLink, label: &'static str, rel: &'static str) -> impl IntoView {
    view! {
        <a class=format!("pager-link pager-{rel}") href=link.path() rel=rel>
            <span class="pager-label">{label}</span>
            <span class="pager-title">{link.title.clone()}</span>
        </a>
    }
}

/// A message shown when the server could not answer.
#[component]
pub fn LoadError(#[prop(into)] message: String) -> impl IntoView {
    view! {
        <div class="notice notice-error" role="alert">
            <h2>"Something went wrong"</h2>
            <p>"The page could not be loaded. Please try again in a moment."</p>
            <p class="fine">{message}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::format_minutes;

    #[test]
    fn minutes_are_human_readable() {
        assert_eq!(format_minutes(45), "45 min");
        assert_eq!(format_minutes(60), "1 h");
        assert_eq!(format_minutes(135), "2 h 15 min");
    }
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn backticks_mark_code() {
        let t = |s: &str| (false, s.to_string());
        let c = |s: &str| (true, s.to_string());
        assert_eq!(
            code_runs("fields are separated by `|`, components by `^`."),
            vec![
                t("fields are separated by "),
                c("|"),
                t(", components by "),
                c("^"),
                t(".")
            ]
        );
        assert_eq!(
            code_runs("`MSH|^~\\&|` first"),
            vec![c("MSH|^~\\&|"), t(" first")]
        );
        assert_eq!(code_runs("no code"), vec![t("no code")]);
        assert_eq!(code_runs("one ` alone"), vec![t("one ` alone")]);
        assert_eq!(code_runs("`a` and ` b"), vec![c("a"), t(" and ` b")]);
        assert_eq!(code_runs(""), vec![]);
        // Nothing is lost: the runs (with their backticks) spell the text.
        for s in ["`a` and ` b", "x``y", "``", "`", "a`b`c`d`e"] {
            let back: String = code_runs(s)
                .into_iter()
                .map(|(code, r)| if code { format!("`{r}`") } else { r })
                .collect();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn sentences_and_counts() {
        assert_eq!(
            sentence("you can start your next attempt 24 hours after your last one was submitted"),
            "You can start your next attempt 24 hours after your last one was submitted."
        );
        assert_eq!(sentence("Already one."), "Already one.");
        assert_eq!(sentence(""), "");
        assert_eq!(count_of(1, "attempt", "attempts"), "1 attempt");
        assert_eq!(count_of(0, "attempt", "attempts"), "0 attempts");
        assert_eq!(count_of(2, "hour", "hours"), "2 hours");
    }
}
