//! Drawing a paper: the blueprint's count of questions per topic, without
//! replacement, in shuffled order with shuffled options, from one seed.
//!
//! A [`Paper`] records, for each item, which question it is and the option
//! permutation, so it can be stored and shown again exactly as drawn.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::definition::ExamDefinition;
use super::question::{Question, QuestionKind, QuestionSet};
use crate::level::Level;
use crate::rng::{derive_seed, Rng};

/// Makes questions at draw time for `[[generated]]` entries. It must be
/// deterministic: the same kind and seed give the same question, because a
/// stored paper is shown again by generating its items a second time.
pub trait Generator {
    /// The question of `kind` for `seed`, or `None` for a kind it does not make.
    fn generate(&self, kind: &str, seed: u64) -> Option<Question>;
}

/// A generator that makes nothing, for exams without `[[generated]]` entries.
pub struct NoGenerators;

impl Generator for NoGenerators {
    fn generate(&self, _kind: &str, _seed: u64) -> Option<Question> {
        None
    }
}

/// Where a paper item's question comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "from")]
pub enum ItemSource {
    /// A bank question, by id.
    Bank { id: String },
    /// A generated question: generate `kind` with `seed` again to see it.
    Generated { kind: String, seed: u64 },
}

/// One question on a paper.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PaperItem {
    pub source: ItemSource,
    /// The blueprint topic or generated kind it was drawn for.
    pub section: String,
    pub kind: QuestionKind,
    /// `order[displayed] = original`: the candidate sees option
    /// `order[0]` of the question first.
    pub order: Vec<usize>,
}

impl PaperItem {
    /// The question's own index of the option shown at `displayed`.
    pub fn to_original(&self, displayed: usize) -> Option<usize> {
        self.order.get(displayed).copied()
    }

    /// Where the question's option `original` is shown.
    pub fn to_displayed(&self, original: usize) -> Option<usize> {
        self.order.iter().position(|&o| o == original)
    }

    pub fn options(&self) -> usize {
        self.order.len()
    }
}

/// A drawn paper: what one attempt shows, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paper {
    pub level: Level,
    pub seed: u64,
    pub items: Vec<PaperItem>,
}

/// Why a paper could not be drawn.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    #[error("the blueprint asks for {wanted} `{topic}` questions but the bank has only {available} that are not retired")]
    NotEnoughQuestions {
        topic: String,
        wanted: usize,
        available: usize,
    },
    #[error("no generator makes `{kind}` questions")]
    NoGenerator { kind: String },
    #[error("the `{kind}` generator made a question with {options} option(s) for seed {seed}")]
    BadGenerated {
        kind: String,
        seed: u64,
        options: usize,
    },
}

/// Why a stored paper cannot be shown or marked with today's bank.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("question `{id}` of the paper is no longer in the bank (retire questions instead of deleting them)")]
    MissingQuestion { id: String },
    #[error("question `{id}` had {expected} options when the paper was drawn and has {found} now")]
    OptionsChanged {
        id: String,
        expected: usize,
        found: usize,
    },
    #[error("no generator makes `{kind}` questions")]
    NoGenerator { kind: String },
}

/// Shuffles `items` in place: Fisher–Yates with the project RNG, each of the
/// `n!` orders equally likely.
pub fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        let j = rng.index(i + 1);
        items.swap(i, j);
    }
}

fn permutation(n: usize, rng: &mut Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    shuffle(&mut order, rng);
    order
}

/// Draws a paper for an exam without `[[generated]]` entries (or fails with
/// [`DrawError::NoGenerator`]).
pub fn draw(def: &ExamDefinition, bank: &QuestionSet, seed: u64) -> Result<Paper, DrawError> {
    draw_with(def, bank, seed, &NoGenerators)
}

/// Draws a paper: for each blueprint entry, in order, that many of the
/// topic's drawable questions (a partial Fisher–Yates over them in id
/// order); then each generated entry's questions, each with its own seed;
/// then shuffles the order of all items, then each item's options. One
/// ChaCha8 stream seeded with `seed` drives it all, so the same definition,
/// bank and seed give the same paper.
pub fn draw_with(
    def: &ExamDefinition,
    bank: &QuestionSet,
    seed: u64,
    generator: &dyn Generator,
) -> Result<Paper, DrawError> {
    let mut rng = Rng::seed_from_u64(seed);
    let mut picked: Vec<(ItemSource, String, QuestionKind, usize)> = Vec::new();
    for entry in &def.blueprint {
        let mut pool = bank.drawable(def.level, &entry.topic);
        let wanted = entry.questions as usize;
        if wanted > pool.len() {
            return Err(DrawError::NotEnoughQuestions {
                topic: entry.topic.clone(),
                wanted,
                available: pool.len(),
            });
        }
        for i in 0..wanted {
            let j = i + rng.index(pool.len() - i);
            pool.swap(i, j);
            let q = pool[i];
            picked.push((
                ItemSource::Bank { id: q.id.clone() },
                entry.topic.clone(),
                q.kind,
                q.options.len(),
            ));
        }
    }
    let mut n = 0u64;
    for entry in &def.generated {
        for _ in 0..entry.questions {
            let item_seed = derive_seed(seed, n + 1);
            n += 1;
            let q = generator.generate(&entry.kind, item_seed).ok_or_else(|| {
                DrawError::NoGenerator {
                    kind: entry.kind.clone(),
                }
            })?;
            if q.options.len() < 2 {
                return Err(DrawError::BadGenerated {
                    kind: entry.kind.clone(),
                    seed: item_seed,
                    options: q.options.len(),
                });
            }
            picked.push((
                ItemSource::Generated {
                    kind: entry.kind.clone(),
                    seed: item_seed,
                },
                entry.kind.clone(),
                q.kind,
                q.options.len(),
            ));
        }
    }
    shuffle(&mut picked, &mut rng);
    let items = picked
        .into_iter()
        .map(|(source, section, kind, options)| PaperItem {
            source,
            section,
            kind,
            order: permutation(options, &mut rng),
        })
        .collect();
    Ok(Paper {
        level: def.level,
        seed,
        items,
    })
}

impl Paper {
    /// The question behind each item, in paper order, from today's bank and
    /// generators. Retired questions still resolve.
    pub fn resolve(
        &self,
        bank: &QuestionSet,
        generator: &dyn Generator,
    ) -> Result<Vec<Question>, ResolveError> {
        self.items
            .iter()
            .map(|item| {
                let q = match &item.source {
                    ItemSource::Bank { id } => bank
                        .get(id)
                        .cloned()
                        .ok_or_else(|| ResolveError::MissingQuestion { id: id.clone() })?,
                    ItemSource::Generated { kind, seed } => generator
                        .generate(kind, *seed)
                        .ok_or_else(|| ResolveError::NoGenerator { kind: kind.clone() })?,
                };
                if q.options.len() != item.order.len() {
                    return Err(ResolveError::OptionsChanged {
                        id: q.id,
                        expected: item.order.len(),
                        found: q.options.len(),
                    });
                }
                Ok(q)
            })
            .collect()
    }
}

impl fmt::Display for ItemSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItemSource::Bank { id } => f.write_str(id),
            ItemSource::Generated { kind, seed } => write!(f, "{kind}#{seed}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashSet};

    use super::*;
    use crate::exam::definition::GeneratedEntry;
    use crate::exam::testutil::{bank, definition, question};

    #[test]
    fn the_blueprint_holds_for_1000_seeds() {
        let def = definition();
        let bank = bank();
        for seed in 0..1000 {
            let paper = draw(&def, &bank, seed).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            assert_eq!(paper.items.len(), 7);
            let mut per_topic: BTreeMap<&str, usize> = BTreeMap::new();
            let mut ids = HashSet::new();
            for item in &paper.items {
                let ItemSource::Bank { id } = &item.source else {
                    panic!("bank item expected")
                };
                assert!(ids.insert(id.clone()), "seed {seed}: {id} drawn twice");
                let q = bank.get(id).unwrap_or_else(|| panic!("{id} not in bank"));
                assert_eq!(q.topic, item.section);
                assert_eq!(q.kind, item.kind);
                *per_topic.entry(q.topic.as_str()).or_default() += 1;
                let mut sorted = item.order.clone();
                sorted.sort_unstable();
                assert_eq!(sorted, (0..q.options.len()).collect::<Vec<_>>());
            }
            assert_eq!(per_topic.get("intro"), Some(&3));
            assert_eq!(per_topic.get("next"), Some(&4));
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_paper_and_seeds_differ() {
        let def = definition();
        let bank = bank();
        let a = draw(&def, &bank, 42).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Ok(a.clone()), draw(&def, &bank, 42));
        let distinct: HashSet<Vec<PaperItem>> = (0..50)
            .filter_map(|s| draw(&def, &bank, s).ok())
            .map(|p| p.items)
            .collect();
        assert!(
            distinct.len() > 45,
            "only {} distinct papers",
            distinct.len()
        );
        // The paper survives storage as JSON.
        let json = serde_json::to_string(&a).unwrap_or_default();
        let back: Paper = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, a);
    }

    #[test]
    fn retired_questions_are_never_drawn() {
        let def = definition();
        let mut bank = bank();
        bank.questions
            .iter_mut()
            .filter(|q| q.id == "next-0" || q.id == "next-1")
            .for_each(|q| q.retired = true);
        for seed in 0..200 {
            let paper = draw(&def, &bank, seed).unwrap_or_else(|e| panic!("{e}"));
            for item in &paper.items {
                assert!(
                    !matches!(&item.source, ItemSource::Bank { id } if id == "next-0" || id == "next-1")
                );
            }
        }
        // Retiring one more leaves too few: a clear error, not a panic.
        bank.questions
            .iter_mut()
            .filter(|q| q.id == "next-2")
            .for_each(|q| q.retired = true);
        assert_eq!(
            draw(&def, &bank, 1),
            Err(DrawError::NotEnoughQuestions {
                topic: "next".into(),
                wanted: 4,
                available: 3
            })
        );
    }

    /// Each question of a topic is drawn about equally often.
    #[test]
    fn every_question_of_a_topic_has_the_same_chance() {
        let def = definition();
        let bank = bank();
        let mut counts: BTreeMap<String, u32> = BTreeMap::new();
        let runs = 6000;
        for seed in 0..runs {
            for item in draw(&def, &bank, seed)
                .unwrap_or_else(|e| panic!("{e}"))
                .items
            {
                *counts.entry(item.source.to_string()).or_default() += 1;
            }
        }
        // intro: 3 of 5 drawn -> 0.6 each; next: 4 of 6 -> 0.667 each.
        for (id, &c) in &counts {
            let p = if id.starts_with("intro") {
                0.6
            } else {
                4.0 / 6.0
            };
            let expected = p * runs as f64;
            let sd = (runs as f64 * p * (1.0 - p)).sqrt();
            assert!(
                (f64::from(c) - expected).abs() < 5.0 * sd,
                "{id}: {c} draws, expected about {expected:.0}"
            );
        }
        assert_eq!(counts.len(), 11);
    }

    /// Chi-square over positions: every option lands in every displayed
    /// position about equally often. A biased shuffle (the classic "swap
    /// with any index" mistake) fails the same test.
    #[test]
    fn the_option_shuffle_is_fair() {
        fn chi_square(counts: &[[u32; 4]; 4], runs: u32) -> f64 {
            let e = f64::from(runs) / 4.0;
            counts
                .iter()
                .flatten()
                .map(|&c| (f64::from(c) - e).powi(2) / e)
                .sum()
        }
        let runs = 20_000;
        let mut fair = [[0u32; 4]; 4];
        let mut biased = [[0u32; 4]; 4];
        let mut rng = Rng::seed_from_u64(9);
        for _ in 0..runs {
            let order = permutation(4, &mut rng);
            for (pos, &orig) in order.iter().enumerate() {
                fair[orig][pos] += 1;
            }
            let mut bad: Vec<usize> = (0..4).collect();
            for i in 0..4 {
                let j = rng.index(4);
                bad.swap(i, j);
            }
            for (pos, &orig) in bad.iter().enumerate() {
                biased[orig][pos] += 1;
            }
        }
        // 16 cells, 9 degrees of freedom: the 99.9th percentile is 27.9.
        let limit = 27.9;
        let fair_x2 = chi_square(&fair, runs);
        let biased_x2 = chi_square(&biased, runs);
        assert!(fair_x2 < limit, "fair shuffle chi-square {fair_x2}");
        assert!(biased_x2 > limit, "biased shuffle passed with {biased_x2}");
    }

    /// The same through `draw`: over many seeds, the key of a question is
    /// shown in each position about equally often.
    #[test]
    fn the_key_position_is_uniform_across_papers() {
        let def = definition();
        let bank = bank();
        let mut positions = [0u32; 4];
        let mut seen = 0u32;
        for seed in 0..4000 {
            let paper = draw(&def, &bank, seed).unwrap_or_else(|e| panic!("{e}"));
            for item in &paper.items {
                if item.source.to_string() == "intro-1" {
                    let key = bank.get("intro-1").map(|q| q.key[0]).unwrap_or(0);
                    if let Some(p) = item.to_displayed(key) {
                        positions[p] += 1;
                    }
                    seen += 1;
                }
            }
        }
        let e = f64::from(seen) / 4.0;
        let x2: f64 = positions
            .iter()
            .map(|&c| (f64::from(c) - e).powi(2) / e)
            .sum();
        // 3 degrees of freedom: the 99.9th percentile is 16.3.
        assert!(x2 < 16.3, "{positions:?} chi-square {x2}");
    }

    #[test]
    fn displayed_and_original_positions_map_both_ways() {
        let item = PaperItem {
            source: ItemSource::Bank { id: "q".into() },
            section: "t".into(),
            kind: QuestionKind::Single,
            order: vec![2, 0, 3, 1],
        };
        for d in 0..4 {
            let o = item.to_original(d).unwrap_or(99);
            assert_eq!(item.to_displayed(o), Some(d));
        }
        assert_eq!(item.to_original(0), Some(2));
        assert_eq!(item.to_displayed(2), Some(0));
        assert_eq!(item.to_original(4), None);
        assert_eq!(item.to_displayed(4), None);
    }

    struct Fake;
    impl Generator for Fake {
        fn generate(&self, kind: &str, seed: u64) -> Option<Question> {
            (kind == "hl7-read-value").then(|| {
                let mut q = question(
                    &format!("gen-{seed}"),
                    "intro",
                    QuestionKind::Single,
                    3,
                    &[0],
                );
                q.stem_md = format!("Generated {seed}");
                q
            })
        }
    }

    #[test]
    fn generated_entries_use_the_generator_and_resolve_again() {
        let mut def = definition();
        def.generated.push(GeneratedEntry {
            kind: "hl7-read-value".into(),
            questions: 2,
            line: 0,
        });
        def.questions = 9;
        assert_eq!(
            draw(&def, &bank(), 3),
            Err(DrawError::NoGenerator {
                kind: "hl7-read-value".into()
            })
        );
        let paper = draw_with(&def, &bank(), 3, &Fake).unwrap_or_else(|e| panic!("{e}"));
        let generated: Vec<_> = paper
            .items
            .iter()
            .filter(|i| matches!(i.source, ItemSource::Generated { .. }))
            .collect();
        assert_eq!(generated.len(), 2);
        assert_ne!(
            generated[0].source, generated[1].source,
            "each has its own seed"
        );
        let questions = paper
            .resolve(&bank(), &Fake)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(questions.len(), 9);
        assert!(
            questions
                .iter()
                .filter(|q| q.stem_md.starts_with("Generated"))
                .count()
                == 2
        );
        assert!(matches!(
            paper.resolve(&bank(), &NoGenerators),
            Err(ResolveError::NoGenerator { .. })
        ));
    }

    #[test]
    fn resolving_notices_a_changed_bank() {
        let def = definition();
        let paper = draw(&def, &bank(), 5).unwrap_or_else(|e| panic!("{e}"));
        let ItemSource::Bank { id } = &paper.items[0].source else {
            panic!("bank item expected")
        };
        let mut changed = bank();
        changed.questions.retain(|q| &q.id != id);
        assert_eq!(
            paper.resolve(&changed, &NoGenerators),
            Err(ResolveError::MissingQuestion { id: id.clone() })
        );
        let mut changed = bank();
        for q in changed.questions.iter_mut().filter(|q| &q.id == id) {
            q.options.push("Another".into());
            q.retired = true;
        }
        assert!(matches!(
            paper.resolve(&changed, &NoGenerators),
            Err(ResolveError::OptionsChanged { .. })
        ));
    }
}
