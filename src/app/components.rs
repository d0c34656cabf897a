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
