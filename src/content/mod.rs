//! Course content: the typed shape of modules and courses as the pages see them.
//!
//! The types in this file are shared by the server and the browser. Loading
//! and checking Markdown files is server-only and lives in the submodules
//! behind the `ssr` feature; rendering and front matter (pure, no server
//! code) are behind `markdown`, which `ssr` turns on.

use serde::{Deserialize, Serialize};

pub mod authoring;
#[cfg(feature = "ssr")]
pub mod check;
#[cfg(feature = "markdown")]
pub mod front_matter;
#[cfg(all(test, feature = "ssr"))]
mod lab_questions_render;
#[cfg(feature = "ssr")]
pub mod questions;
#[cfg(feature = "markdown")]
pub mod render;
#[cfg(all(test, feature = "markdown"))]
mod render_proptests;
#[cfg(feature = "ssr")]
pub mod store;

/// Re-exported so `content::Level` keeps working; the type lives in
/// [`crate::level`], which `exam` and `exercise` use without depending on
/// course content.
pub use crate::level::Level;

/// What a course page shows about one module.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModuleSummary {
    pub level: Level,
    pub slug: String,
    pub order: u32,
    pub title: String,
    pub summary: String,
    /// The author's estimate of study time, self-check included.
    pub minutes: u32,
    /// Reading time of the prose alone, at 200 words a minute.
    pub reading_minutes: u32,
    pub objectives: Vec<String>,
}

impl ModuleSummary {
    pub fn path(&self) -> String {
        format!("/{}/{}", self.level.slug(), self.slug)
    }
}

/// A course: its modules in teaching order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Course {
    pub level: Level,
    pub modules: Vec<ModuleSummary>,
}

impl Course {
    pub fn total_minutes(&self) -> u32 {
        self.modules.iter().map(|m| m.minutes).sum()
    }
}

/// A link to another module, for previous/next and prerequisites.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleLink {
    pub level: Level,
    pub slug: String,
    pub title: String,
}

impl ModuleLink {
    pub fn path(&self) -> String {
        format!("/{}/{}", self.level.slug(), self.slug)
    }
}

/// One entry of a module's table of contents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocEntry {
    pub id: String,
    pub title: String,
    /// 2 for `##`, 3 for `###`.
    pub depth: u8,
}

/// Everything the module page needs, with the body already rendered and sanitised.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModulePage {
    pub meta: ModuleSummary,
    pub prerequisites: Vec<ModuleLink>,
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub words: u32,
    /// 1-based position of the module in its course.
    pub position: usize,
    pub count: usize,
    pub prev: Option<ModuleLink>,
    pub next: Option<ModuleLink>,
}

/// Reading time in whole minutes at 200 words a minute, never less than one.
pub fn reading_minutes(words: u32) -> u32 {
    words.div_ceil(200).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_slugs_round_trip() {
        for level in Level::ALL {
            assert_eq!(Level::from_slug(level.slug()), Some(level));
        }
        assert_eq!(Level::from_slug("advanced"), None);
        assert_eq!(Level::from_slug("Foundation"), None);
    }

    #[test]
    fn reading_time_rounds_up_and_has_a_floor() {
        assert_eq!(reading_minutes(0), 1);
        assert_eq!(reading_minutes(200), 1);
        assert_eq!(reading_minutes(201), 2);
        assert_eq!(reading_minutes(1000), 5);
    }
}
