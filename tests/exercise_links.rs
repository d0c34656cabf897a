//! Every exercise's "learn more" link names a real module and a real
//! heading of the shipped content, for every kind and difficulty over 50
//! seeds, and its title is that heading's text.
#![cfg(feature = "ssr")]

use std::collections::BTreeSet;

use pacs_academy::content::store::ContentStore;
use pacs_academy::content::Level;
use pacs_academy::exercise::{generate, grade, Answer, Kind};

#[test]
fn learn_more_links_name_real_headings() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let store = ContentStore::new(&dir);
    assert!(store.failures().is_empty(), "content must load");
    let mut checked = BTreeSet::new();
    for &kind in Kind::ALL {
        for difficulty in Level::ALL {
            for seed in 0..50 {
                let (exercise, key) = generate(kind, difficulty, seed);
                let link = grade(&exercise, &key, &Answer::default()).learn_more;
                if !checked.insert(link.href.clone()) {
                    continue;
                }
                let (level, slug, anchor) = link
                    .parts()
                    .unwrap_or_else(|| panic!("{kind:?}: malformed link {}", link.href));
                let level = Level::from_slug(level)
                    .unwrap_or_else(|| panic!("{}: unknown level", link.href));
                let page = store
                    .module(level, slug)
                    .unwrap_or_else(|| panic!("{}: no module {slug}", link.href));
                let heading = page
                    .toc
                    .iter()
                    .find(|t| t.id == anchor)
                    .unwrap_or_else(|| panic!("{}: no heading #{anchor} in {slug}", link.href));
                assert_eq!(heading.title, link.title, "{}", link.href);
            }
        }
    }
    assert!(
        checked.len() >= 15,
        "only {} distinct links: {checked:?}",
        checked.len()
    );
}
