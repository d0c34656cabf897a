//! Marking a paper.
//!
//! Every item is worth one mark. A single-answer item scores 1 if the chosen
//! option is the key. A multiple-response item is all-or-nothing: 1 if the
//! ticked options are exactly the keys, 0 otherwise (one key missed or one
//! wrong option ticked scores 0). Unanswered items score 0. The pass rule
//! is exact integer arithmetic: pass iff `marks * 100 >= pass_mark * total`;
//! the percentage shown is rounded down, so a shown 69% never passes a 70%
//! mark and a shown 70% always does.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::definition::ExamDefinition;
use super::draw::Paper;
use super::question::{Question, QuestionKind};

/// The rule for single-answer items, as the review shows it.
pub const SINGLE_ANSWER_RULE: &str =
    "Choose one answer. It scores 1 mark if it is the correct answer, 0 otherwise.";

/// The rule for multiple-response items, as the exam and review show it.
pub const MULTIPLE_RESPONSE_RULE: &str = "Select every correct answer. It scores 1 mark only if \
     you select all the correct answers and no others; there are no part marks.";

/// How one item was marked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemResult {
    /// Position on the paper.
    pub item: usize,
    pub question_id: String,
    pub section: String,
    /// The options the candidate chose, as the question's own indices, ascending.
    pub chosen: Vec<usize>,
    /// The key, as the question's own indices.
    pub key: Vec<usize>,
    pub marks: u32,
}

impl ItemResult {
    pub fn correct(&self) -> bool {
        self.marks > 0
    }

    pub fn answered(&self) -> bool {
        !self.chosen.is_empty()
    }
}

/// Marks in one blueprint topic or generated kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionScore {
    pub section: String,
    pub marks: u32,
    pub total: u32,
}

/// The marked paper.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub items: Vec<ItemResult>,
    pub marks: u32,
    pub total: u32,
    /// `marks * 100 / total`, rounded down (0 for an empty paper).
    pub percent: u32,
    pub pass_mark_percent: u32,
    pub passed: bool,
    /// In definition order (blueprint topics, then generated kinds), then
    /// any other section the paper holds.
    pub sections: Vec<SectionScore>,
}

/// Why a paper cannot be marked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error("the paper has {items} items but {questions} questions were given")]
    Mismatch { items: usize, questions: usize },
}

/// `marks` out of `total` to the nearest whole percent (halves up); 0 when
/// `total` is 0.
pub fn nearest_percent(marks: u32, total: u32) -> u32 {
    (u64::from(marks) * 200 + u64::from(total))
        .checked_div(2 * u64::from(total))
        .unwrap_or(0) as u32
}

/// The percentage shown for `marks` out of `total`: to the nearest whole
/// percent (halves up), except that a fail never shows the pass mark or
/// more (69.5% against a 70% pass mark shows 69%). 0 when `total` is 0.
pub fn percent(marks: u32, total: u32, pass_mark_percent: u32) -> u32 {
    let nearest = nearest_percent(marks, total);
    if !passes(marks, total, pass_mark_percent) && nearest >= pass_mark_percent {
        pass_mark_percent.saturating_sub(1)
    } else {
        nearest
    }
}

/// Pass iff `marks * 100 >= pass_mark_percent * total`, and the paper is not
/// empty.
pub fn passes(marks: u32, total: u32, pass_mark_percent: u32) -> bool {
    total > 0 && u64::from(marks) * 100 >= u64::from(pass_mark_percent) * u64::from(total)
}

/// Marks one item: `chosen` holds the question's own option indices.
pub fn mark(question: &Question, chosen: &BTreeSet<usize>) -> u32 {
    let key: BTreeSet<usize> = question.key.iter().copied().collect();
    let right = match question.kind {
        QuestionKind::Single => chosen.len() == 1 && key.len() == 1 && chosen == &key,
        QuestionKind::Multiple => !key.is_empty() && chosen == &key,
    };
    u32::from(right)
}

/// Marks `paper`. `questions` are the paper's questions in paper order (see
/// [`Paper::resolve`]); `answers` maps item index to the *displayed*
/// positions the candidate chose, as [`AttemptState`](super::AttemptState)
/// keeps them. A displayed position the item does not have counts as a
/// wrong option.
pub fn score(
    def: &ExamDefinition,
    paper: &Paper,
    questions: &[Question],
    answers: &BTreeMap<usize, Vec<usize>>,
) -> Result<Score, ScoreError> {
    if questions.len() != paper.items.len() {
        return Err(ScoreError::Mismatch {
            items: paper.items.len(),
            questions: questions.len(),
        });
    }
    let mut items = Vec::with_capacity(questions.len());
    for (i, (item, q)) in paper.items.iter().zip(questions).enumerate() {
        let displayed = answers.get(&i).map(Vec::as_slice).unwrap_or(&[]);
        // An impossible position maps to an index past the options: wrong.
        let chosen: BTreeSet<usize> = displayed
            .iter()
            .map(|&d| item.to_original(d).unwrap_or(usize::MAX))
            .collect();
        let marks = mark(q, &chosen);
        items.push(ItemResult {
            item: i,
            question_id: q.id.clone(),
            section: item.section.clone(),
            chosen: chosen.into_iter().collect(),
            key: q.key.clone(),
            marks,
        });
    }
    let total = items.len() as u32;
    let marks = items.iter().map(|r| r.marks).sum();
    let mut sections: Vec<SectionScore> = def
        .sections()
        .into_iter()
        .map(|s| SectionScore {
            section: s.to_string(),
            marks: 0,
            total: 0,
        })
        .collect();
    for r in &items {
        let idx = match sections.iter().position(|s| s.section == r.section) {
            Some(i) => i,
            None => {
                sections.push(SectionScore {
                    section: r.section.clone(),
                    marks: 0,
                    total: 0,
                });
                sections.len() - 1
            }
        };
        sections[idx].marks += r.marks;
        sections[idx].total += 1;
    }
    sections.retain(|s| s.total > 0);
    Ok(Score {
        percent: percent(marks, total, def.pass_mark_percent),
        passed: passes(marks, total, def.pass_mark_percent),
        pass_mark_percent: def.pass_mark_percent,
        marks,
        total,
        items,
        sections,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exam::draw::draw;
    use crate::exam::testutil::{bank, definition, question};

    fn set(xs: &[usize]) -> BTreeSet<usize> {
        xs.iter().copied().collect()
    }

    #[test]
    fn single_answer_marks() {
        let q = question("q", "t", QuestionKind::Single, 4, &[2]);
        assert_eq!(mark(&q, &set(&[2])), 1);
        assert_eq!(mark(&q, &set(&[1])), 0);
        assert_eq!(mark(&q, &set(&[])), 0, "unanswered");
        assert_eq!(
            mark(&q, &set(&[1, 2])),
            0,
            "two answers to a single-answer item"
        );
    }

    #[test]
    fn multiple_response_is_all_or_nothing() {
        let q = question("q", "t", QuestionKind::Multiple, 5, &[0, 3]);
        assert_eq!(mark(&q, &set(&[0, 3])), 1);
        assert_eq!(mark(&q, &set(&[0])), 0, "one key missed");
        assert_eq!(mark(&q, &set(&[0, 3, 4])), 0, "one wrong option added");
        assert_eq!(mark(&q, &set(&[0, 1, 2, 3, 4])), 0, "everything ticked");
        assert_eq!(mark(&q, &set(&[])), 0);
        assert_eq!(mark(&q, &set(&[1, 2])), 0);
    }

    #[test]
    fn pass_rule_is_exact_at_the_boundary() {
        // 70% of 40 is 28 exactly.
        assert!(passes(28, 40, 70));
        assert!(!passes(27, 40, 70));
        assert_eq!(percent(28, 40, 70), 70);
        assert_eq!(percent(27, 40, 70), 68, "67.5% to the nearest");
        // 70% of 60 is 42; 41/60 = 68.33%.
        assert!(passes(42, 60, 70));
        assert!(!passes(41, 60, 70));
        // 7 of 10 items: exactly 70%. 2 of 3 is 66.67%, below 70.
        assert!(passes(7, 10, 70));
        assert!(!passes(2, 3, 70));
        assert_eq!(percent(2, 3, 70), 67, "to the nearest, not rounded down");
        assert_eq!(percent(4, 6, 70), 67);
        assert_eq!(percent(1, 8, 70), 13, "12.5% rounds half up");
        // 139 of 200 is 69.5%: a fail, so it must not read 70%.
        assert!(!passes(139, 200, 70));
        assert_eq!(percent(139, 200, 70), 69);
        // A shown percentage agrees with the rule for every paper length and
        // pass mark, and is never more than half a percent from the truth
        // (a fail just under the mark may read one lower).
        for pass in [50, 70, 80, 100] {
            for total in 1..=200u32 {
                for marks in 0..=total {
                    let shown = percent(marks, total, pass);
                    assert_eq!(
                        passes(marks, total, pass),
                        shown >= pass,
                        "{marks}/{total} at {pass}%"
                    );
                    let exact = f64::from(marks) * 100.0 / f64::from(total);
                    assert!(
                        (f64::from(shown) - exact).abs() <= 1.0,
                        "{marks}/{total}: {shown} vs {exact}"
                    );
                }
            }
        }
        assert!(!passes(0, 0, 70));
        assert_eq!(percent(0, 0, 70), 0);
        assert!(passes(40, 40, 100) && !passes(39, 40, 100));
    }

    #[test]
    fn scoring_maps_displayed_positions_back_through_the_shuffle() {
        let def = definition();
        let bank = bank();
        let paper = draw(&def, &bank, 11).unwrap_or_else(|e| panic!("{e}"));
        let questions = paper
            .resolve(&bank, &crate::exam::NoGenerators)
            .unwrap_or_else(|e| panic!("{e}"));
        // Answer every item correctly, through the displayed positions.
        let mut answers = BTreeMap::new();
        for (i, (item, q)) in paper.items.iter().zip(&questions).enumerate() {
            let shown: Vec<usize> = q.key.iter().filter_map(|&k| item.to_displayed(k)).collect();
            answers.insert(i, shown);
        }
        let all = score(&def, &paper, &questions, &answers).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (all.marks, all.total, all.percent, all.passed),
            (7, 7, 100, true)
        );
        // Answering with the original indices instead is wrong wherever the
        // shuffle moved the key.
        let mut naive = BTreeMap::new();
        for (i, q) in questions.iter().enumerate() {
            naive.insert(i, q.key.clone());
        }
        let n = score(&def, &paper, &questions, &naive).unwrap_or_else(|e| panic!("{e}"));
        // Reading the key as displayed positions picks `order[k]` for each k:
        // right only where the shuffle maps the key onto itself.
        let lucky = paper
            .items
            .iter()
            .zip(&questions)
            .filter(|(item, q)| {
                let picked: BTreeSet<usize> = q.key.iter().map(|&k| item.order[k]).collect();
                picked == set(&q.key)
            })
            .count() as u32;
        assert!(lucky < 7);
        assert_eq!(n.marks, lucky);
        // Get two wrong: 5/7 = 71% passes at 70; three wrong, 4/7 = 57%, fails.
        let wrong = |a: &mut BTreeMap<usize, Vec<usize>>, i: usize| {
            let item = &paper.items[i];
            let q = &questions[i];
            let bad = (0..q.options.len())
                .find(|o| !q.key.contains(o))
                .unwrap_or(0);
            a.insert(i, vec![item.to_displayed(bad).unwrap_or(0)]);
        };
        let mut some = answers.clone();
        wrong(&mut some, 0);
        wrong(&mut some, 1);
        let s = score(&def, &paper, &questions, &some).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((s.marks, s.percent, s.passed), (5, 71, true));
        wrong(&mut some, 2);
        let s = score(&def, &paper, &questions, &some).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((s.marks, s.percent, s.passed), (4, 57, false));
        assert!(!s.items[0].correct() && s.items[0].answered());
        // The breakdown covers each topic with its blueprint count.
        let sections: Vec<(&str, u32)> = s
            .sections
            .iter()
            .map(|x| (x.section.as_str(), x.total))
            .collect();
        assert_eq!(sections, [("intro", 3), ("next", 4)]);
        assert_eq!(s.sections.iter().map(|x| x.marks).sum::<u32>(), 4);
    }

    #[test]
    fn unanswered_and_impossible_positions_score_nothing() {
        let def = definition();
        let bank = bank();
        let paper = draw(&def, &bank, 2).unwrap_or_else(|e| panic!("{e}"));
        let questions = paper
            .resolve(&bank, &crate::exam::NoGenerators)
            .unwrap_or_else(|e| panic!("{e}"));
        let empty =
            score(&def, &paper, &questions, &BTreeMap::new()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((empty.marks, empty.percent, empty.passed), (0, 0, false));
        assert!(empty.items.iter().all(|r| !r.answered()));
        let mut bad = BTreeMap::new();
        bad.insert(0, vec![99]);
        let s = score(&def, &paper, &questions, &bad).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.marks, 0);
        assert_eq!(
            score(&def, &paper, &questions[1..], &bad),
            Err(ScoreError::Mismatch {
                items: 7,
                questions: 6
            })
        );
    }
}
