//! Item analysis: how each bank question performed across marked attempts.
//!
//! For every question this computes, over the attempts whose paper held it:
//!
//! - **attempts** `n`: papers that showed the question (an unanswered item
//!   counts, with 0 marks: the candidate saw it);
//! - **facility index**: marks scored as a percentage of the marks available
//!   (with one mark per item, the percentage who got it right);
//! - **discrimination index** by the upper-minus-lower 27% method (Kelley,
//!   1939), [`DISCRIMINATION_METHOD`]: the mean item score (0 to 1) of the
//!   top-ranked 27% of candidates minus that of the bottom 27%, from -1 to 1;
//! - the **corrected point-biserial** correlation between the item score and
//!   the rest score, for trainers who prefer Moodle's measure;
//! - how often each option was chosen, by the question's own option index;
//! - [`ItemWarning`]s on questions that are too hard, too easy, or do not
//!   separate strong candidates from weak ones.
//!
//! The exact rules, so the figures can be checked by hand:
//!
//! - **Ranking** is by the *rest score*: the candidate's marks on the other
//!   items of the paper as a fraction of the other items' marks, `(marks -
//!   item marks) / (total - item max)` (0 when the paper has no other
//!   items). Leaving the item's own marks out stops an item from
//!   correlating with itself, which matters on short papers.
//! - **Group size** is `n_g = max(1, round(0.27 n))` for each group, rounding
//!   halves up; for `n >= 2` the two groups never overlap. With fewer than
//!   two attempts there is no discrimination (`None`).
//! - **Ties** at a group boundary share the places left equally: if 2 places
//!   are left and 4 candidates share the boundary rest score, each counts
//!   with weight 2/4. The index does not depend on the order of the input.
//! - Percentages of options are of `n`; a multiple-response candidate who
//!   ticks several options counts once for each, so they may sum past 100.
//!
//! Pure: no web, no database, no clock.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::definition::ExamDefinition;
use super::question::QuestionSet;
use super::score::Score;

/// The name of the discrimination method, as pages and exports show it.
pub const DISCRIMINATION_METHOD: &str =
    "Upper-minus-lower 27% discrimination index (Kelley), candidates ranked by their score on the other items";

/// The name of the correlation shown beside it.
pub const POINT_BISERIAL_METHOD: &str =
    "Corrected point-biserial correlation (item score against score on the other items)";

/// The share of candidates in each of the upper and lower groups.
pub const GROUP_FRACTION: f64 = 0.27;

/// Below this many attempts the figures are shown but not judged.
pub const MIN_ATTEMPTS_FOR_WARNINGS: u32 = 10;

/// A facility index below this (percent) is flagged as too hard.
pub const HARD_BELOW_PERCENT: f64 = 20.0;

/// A facility index above this (percent) is flagged as too easy.
pub const EASY_ABOVE_PERCENT: f64 = 95.0;

/// A discrimination index below this is flagged.
pub const LOW_DISCRIMINATION: f64 = 0.2;

/// One item of one marked attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemMark {
    pub question_id: String,
    /// The options chosen, as the question's own indices.
    pub chosen: Vec<usize>,
    /// The key, as the question's own indices.
    pub key: Vec<usize>,
    pub marks: u32,
    pub max_marks: u32,
}

/// One marked attempt: its totals over the whole paper and its items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkedAttempt {
    /// Marks scored on the whole paper.
    pub marks: u32,
    /// Marks available on the whole paper.
    pub total: u32,
    pub items: Vec<ItemMark>,
}

impl MarkedAttempt {
    /// The attempt as [`score`](super::score()) marked it (one mark per item).
    pub fn from_score(score: &Score) -> MarkedAttempt {
        MarkedAttempt {
            marks: score.marks,
            total: score.total,
            items: score
                .items
                .iter()
                .map(|r| ItemMark {
                    question_id: r.question_id.clone(),
                    chosen: r.chosen.clone(),
                    key: r.key.clone(),
                    marks: r.marks,
                    max_marks: 1,
                })
                .collect(),
        }
    }
}

/// A question to report on, even if no attempt has met it yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionInfo {
    pub id: String,
    /// How many options it has (frequencies are reported for each).
    pub options: usize,
}

/// How often one option was chosen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptionCount {
    /// The question's own option index (0 is `A` as written).
    pub index: usize,
    pub count: u32,
    /// Of the attempts at the question.
    pub percent: f64,
    pub is_key: bool,
}

/// Why a question deserves a look.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ItemWarning {
    /// Fewer attempts than [`MIN_ATTEMPTS_FOR_WARNINGS`]: not judged yet.
    TooFewAttempts { attempts: u32, needed: u32 },
    /// Facility below [`HARD_BELOW_PERCENT`].
    TooHard { facility: f64 },
    /// Facility above [`EASY_ABOVE_PERCENT`].
    TooEasy { facility: f64 },
    /// Discrimination below [`LOW_DISCRIMINATION`].
    LowDiscrimination { discrimination: f64 },
}

impl ItemWarning {
    /// A sentence for the page.
    pub fn message(&self) -> String {
        match self {
            ItemWarning::TooFewAttempts { attempts, needed } => format!(
                "Only {attempts} attempt(s): the figures are not judged until there are {needed}."
            ),
            ItemWarning::TooHard { facility } => format!(
                "Hard: facility {facility:.0}% is below {HARD_BELOW_PERCENT:.0}%. Check the key and the wording."
            ),
            ItemWarning::TooEasy { facility } => format!(
                "Easy: facility {facility:.0}% is above {EASY_ABOVE_PERCENT:.0}%. It tells candidates apart little."
            ),
            ItemWarning::LowDiscrimination { discrimination } => format!(
                "Low discrimination: {discrimination:.2} is below {LOW_DISCRIMINATION}. Strong candidates do not do better on it{}.",
                if *discrimination < 0.0 { " (negative: check the key)" } else { "" }
            ),
        }
    }

    /// A short label, for tables and CSV.
    pub fn label(&self) -> &'static str {
        match self {
            ItemWarning::TooFewAttempts { .. } => "too few attempts",
            ItemWarning::TooHard { .. } => "too hard",
            ItemWarning::TooEasy { .. } => "too easy",
            ItemWarning::LowDiscrimination { .. } => "low discrimination",
        }
    }
}

/// The figures of one question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemStats {
    pub question_id: String,
    /// Papers that showed the question.
    pub attempts: u32,
    /// Percent of the available marks scored; `None` with no attempts.
    pub facility: Option<f64>,
    /// Upper-minus-lower 27%, -1 to 1; `None` with fewer than 2 attempts.
    pub discrimination: Option<f64>,
    /// Candidates in each of the upper and lower groups (0 with no index).
    pub group_size: u32,
    /// Corrected point-biserial; `None` when the item score or the rest
    /// score does not vary.
    pub point_biserial: Option<f64>,
    /// One entry per option index, in index order.
    pub options: Vec<OptionCount>,
    /// Attempts that left the item unanswered.
    pub unanswered: u32,
    pub warnings: Vec<ItemWarning>,
}

/// `n_g = max(1, round(0.27 n))`, halves rounded up.
pub fn group_size(n: usize) -> usize {
    ((n as f64 * GROUP_FRACTION) + 0.5).floor().max(1.0) as usize
}

/// One candidate's view of one item: rest score and item score (0 to 1).
#[derive(Clone, Copy)]
struct Point {
    rest: f64,
    item: f64,
}

/// Analyses `attempts`. The result has one entry per question of
/// `questions`, in that order, followed by any question the attempts hold
/// that `questions` does not list (in id order, options inferred from the
/// highest index seen), so that nothing marked is hidden.
pub fn analyse(questions: &[QuestionInfo], attempts: &[MarkedAttempt]) -> Vec<ItemStats> {
    // Per question: (points, chosen lists, key)
    struct Acc<'a> {
        points: Vec<Point>,
        marks: u64,
        max: u64,
        chosen: Vec<&'a [usize]>,
        key: &'a [usize],
    }
    let mut acc: HashMap<&str, Acc> = HashMap::new();
    for a in attempts {
        for it in &a.items {
            let rest_total = a.total.saturating_sub(it.max_marks);
            let rest_marks = a.marks.saturating_sub(it.marks).min(rest_total);
            let rest = if rest_total == 0 {
                0.0
            } else {
                f64::from(rest_marks) / f64::from(rest_total)
            };
            let item = if it.max_marks == 0 {
                0.0
            } else {
                f64::from(it.marks.min(it.max_marks)) / f64::from(it.max_marks)
            };
            let e = acc.entry(it.question_id.as_str()).or_insert_with(|| Acc {
                points: Vec::new(),
                marks: 0,
                max: 0,
                chosen: Vec::new(),
                key: &it.key,
            });
            e.points.push(Point { rest, item });
            e.marks += u64::from(it.marks.min(it.max_marks));
            e.max += u64::from(it.max_marks);
            e.chosen.push(&it.chosen);
        }
    }
    let listed: BTreeMap<&str, usize> = questions
        .iter()
        .map(|q| (q.id.as_str(), q.options))
        .collect();
    let mut extra: Vec<&str> = acc
        .keys()
        .copied()
        .filter(|id| !listed.contains_key(id))
        .collect();
    extra.sort_unstable();
    let order = questions
        .iter()
        .map(|q| (q.id.as_str(), Some(q.options)))
        .chain(extra.into_iter().map(|id| (id, None)));
    order
        .map(|(id, options)| {
            let Some(a) = acc.get(id) else {
                return stats(id, options.unwrap_or(0), &[], 0, 0, &[], &[]);
            };
            let seen = a
                .chosen
                .iter()
                .flat_map(|c| c.iter())
                .chain(a.key.iter())
                .map(|&i| i + 1)
                .max()
                .unwrap_or(0);
            let options = options.unwrap_or(seen);
            stats(id, options, &a.points, a.marks, a.max, &a.chosen, a.key)
        })
        .collect()
}

fn stats(
    id: &str,
    options: usize,
    points: &[Point],
    marks: u64,
    max: u64,
    chosen: &[&[usize]],
    key: &[usize],
) -> ItemStats {
    let n = points.len();
    let attempts = u32::try_from(n).unwrap_or(u32::MAX);
    let facility = (max > 0).then(|| marks as f64 * 100.0 / max as f64);
    let (discrimination, group) = if n >= 2 {
        let g = group_size(n);
        (Some(upper_minus_lower(points, g)), g)
    } else {
        (None, 0)
    };
    let percent_of = |count: u32| {
        if n == 0 {
            0.0
        } else {
            f64::from(count) * 100.0 / n as f64
        }
    };
    let option_counts = (0..options)
        .map(|index| {
            let count = chosen.iter().filter(|c| c.contains(&index)).count() as u32;
            OptionCount {
                index,
                count,
                percent: percent_of(count),
                is_key: key.contains(&index),
            }
        })
        .collect();
    let unanswered = chosen.iter().filter(|c| c.is_empty()).count() as u32;
    let point_biserial = correlation(points);
    let mut warnings = Vec::new();
    if n > 0 && attempts < MIN_ATTEMPTS_FOR_WARNINGS {
        warnings.push(ItemWarning::TooFewAttempts {
            attempts,
            needed: MIN_ATTEMPTS_FOR_WARNINGS,
        });
    } else if n > 0 {
        if let Some(f) = facility {
            if f < HARD_BELOW_PERCENT {
                warnings.push(ItemWarning::TooHard { facility: f });
            } else if f > EASY_ABOVE_PERCENT {
                warnings.push(ItemWarning::TooEasy { facility: f });
            }
        }
        if let Some(d) = discrimination {
            if d < LOW_DISCRIMINATION {
                warnings.push(ItemWarning::LowDiscrimination { discrimination: d });
            }
        }
    }
    ItemStats {
        question_id: id.to_string(),
        attempts,
        facility,
        discrimination,
        group_size: group as u32,
        point_biserial,
        options: option_counts,
        unanswered,
        warnings,
    }
}

/// Mean item score of the top `g` by rest score minus that of the bottom
/// `g`, ties at the boundary sharing the places left.
fn upper_minus_lower(points: &[Point], g: usize) -> f64 {
    let mut sorted = points.to_vec();
    sorted.sort_by(|a, b| b.rest.total_cmp(&a.rest));
    let upper = group_mean(&sorted, g);
    sorted.reverse();
    let lower = group_mean(&sorted, g);
    upper - lower
}

/// Mean item score of the first `g` of `sorted`, a tie run crossing the
/// boundary counting with weight `places left / run length`.
fn group_mean(sorted: &[Point], g: usize) -> f64 {
    let mut left = g as f64;
    let mut sum = 0.0;
    let mut i = 0;
    while i < sorted.len() && left > 0.0 {
        let rest = sorted[i].rest;
        let run: Vec<&Point> = sorted[i..].iter().take_while(|p| p.rest == rest).collect();
        let k = run.len() as f64;
        let run_sum: f64 = run.iter().map(|p| p.item).sum();
        if k <= left {
            sum += run_sum;
            left -= k;
        } else {
            sum += run_sum * left / k;
            left = 0.0;
        }
        i += run.len();
    }
    sum / g as f64
}

/// Pearson correlation of item score and rest score (population moments);
/// `None` when either does not vary or there are fewer than 2 points.
fn correlation(points: &[Point]) -> Option<f64> {
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.item).sum::<f64>() / n;
    let my = points.iter().map(|p| p.rest).sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for p in points {
        let (dx, dy) = (p.item - mx, p.rest - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    // Variation this small is rounding, not data.
    if sxx < 1e-12 || syy < 1e-12 {
        return None;
    }
    Some(sxy / (sxx * syy).sqrt())
}

/// Whether a question may still be drawn. Stored per question by the
/// trainers' item-analysis page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuestionStatus {
    /// In use (the default, or restored after a flag or retirement).
    Active,
    /// In use, but marked for a trainer to review.
    Flagged,
    /// Never drawn again; past papers that hold it still mark and review.
    Retired,
}

impl QuestionStatus {
    pub const ALL: [QuestionStatus; 3] = [
        QuestionStatus::Active,
        QuestionStatus::Flagged,
        QuestionStatus::Retired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QuestionStatus::Active => "active",
            QuestionStatus::Flagged => "flagged",
            QuestionStatus::Retired => "retired",
        }
    }

    pub fn parse(s: &str) -> Option<QuestionStatus> {
        QuestionStatus::ALL.into_iter().find(|q| q.as_str() == s)
    }

    pub fn title(self) -> &'static str {
        match self {
            QuestionStatus::Active => "In use",
            QuestionStatus::Flagged => "Flagged for review",
            QuestionStatus::Retired => "Retired",
        }
    }
}

/// The bank with the questions of `retired` marked retired, for drawing:
/// [`draw`](super::draw()) skips them. Papers already drawn are resolved
/// against the full bank, so their marks and reviews do not change.
pub fn without_retired(bank: &QuestionSet, retired: &[String]) -> QuestionSet {
    let mut out = bank.clone();
    for q in &mut out.questions {
        if retired.contains(&q.id) {
            q.retired = true;
        }
    }
    out
}

/// Why retiring `question_id` (on top of `retired`) would leave an exam of
/// `exams` unable to draw a paper: the first blueprint entry that would
/// ask for more questions than remain. `None` when every exam can still be
/// drawn.
pub fn retirement_blocked(
    exams: &[ExamDefinition],
    bank: &QuestionSet,
    retired: &[String],
    question_id: &str,
) -> Option<String> {
    let mut all: Vec<String> = retired.to_vec();
    all.push(question_id.to_string());
    let after = without_retired(bank, &all);
    let q = bank.get(question_id)?;
    exams
        .iter()
        .filter(|d| d.level == q.level)
        .flat_map(|d| d.blueprint.iter().map(move |b| (d, b)))
        .filter(|(_, b)| b.topic == q.topic)
        .find_map(|(d, b)| {
            let left = after.drawable(d.level, &b.topic).len();
            (left < b.questions as usize).then(|| {
                format!(
                    "Cannot retire {question_id}: the {} blueprint needs {} `{}` questions and only {left} would be left. Add or restore a question on this topic first.",
                    d.title, b.questions, b.topic
                )
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(id: &str, chosen: &[usize], key: &[usize]) -> ItemMark {
        let marks = u32::from(chosen == key);
        ItemMark {
            question_id: id.into(),
            chosen: chosen.to_vec(),
            key: key.to_vec(),
            marks,
            max_marks: 1,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    /// The hand-worked example. Ten candidates A-J sit a 10-item paper (one
    /// mark each). Two items are listed: `q1` (single answer, 2 options,
    /// key 0 — only right or wrong matters) and `q2` (single answer, 4
    /// options, key 2). Totals are over all 10 items.
    ///
    /// ```text
    ///  cand total q1 q2(chosen)  rest1=(total-q1)/9  rest2=(total-q2)/9
    ///  A     9    1   0 (0)          8/9                 9/9
    ///  B     8    1   0 (0)          7/9                 8/9
    ///  C     8    0   0 (1)          8/9                 8/9
    ///  D     7    1   0 (3)          6/9                 7/9
    ///  E     6    1   0 (none)       5/9                 6/9
    ///  F     5    0   1 (2)          5/9                 4/9
    ///  G     5    1   0 (1)          4/9                 5/9
    ///  H     4    0   1 (2)          4/9                 3/9
    ///  I     3    0   1 (2)          3/9                 2/9
    ///  J     2    0   1 (2)          2/9                 1/9
    /// ```
    ///
    /// n = 10, so n_g = max(1, round(2.7)) = 3.
    ///
    /// q1: facility = 5 right of 10 = 50%.
    /// Ranked by rest1 (ninths): A8 C8 B7 D6 E5 F5 G4 H4 I3 J2.
    /// Upper 3 = A, C, B: q1 marks 1 + 0 + 1 = 2, mean 2/3.
    /// Lower 3 = J, I and then one place for the tie G/H at 4: weight 1/2
    /// each: 0 + 0 + (1 + 0)/2 = 0.5, mean 0.5/3 = 1/6.
    /// D = 2/3 - 1/6 = 0.5.
    /// Point-biserial: x = q1, y = rest1 in ninths (scale does not change r).
    /// mean x = 0.5, mean y = 52/10 = 5.2; mean xy = (8+7+6+5+4)/10 = 3.0;
    /// cov = 3.0 - 0.5*5.2 = 0.4; var x = 0.25; var y = 308/10 - 5.2^2 =
    /// 3.76; r = 0.4 / (0.5 * sqrt(3.76)) = 0.8 / sqrt(3.76) = 0.412568...
    ///
    /// q2: facility = 4 right (F, H, I, J) of 10 = 40%.
    /// Ranked by rest2: A9 B8 C8 D7 E6 G5 F4 H3 I2 J1 (no ties at the
    /// boundaries). Upper 3 = A, B, C: 0 right. Lower 3 = J, I, H: 3 right.
    /// D = 0/3 - 3/3 = -1.0 (warned: below 0.2).
    /// Options of q2: 0 chosen by A, B (2, 20%); 1 by C, G (2, 20%); 2 by F,
    /// H, I, J (4, 40%, the key); 3 by D (1, 10%); E left it (1 unanswered).
    fn worked_example() -> Vec<MarkedAttempt> {
        // (total, q1 chosen, q2 chosen)
        let rows: [(u32, &[usize], &[usize]); 10] = [
            (9, &[0], &[0]),
            (8, &[0], &[0]),
            (8, &[1], &[1]),
            (7, &[0], &[3]),
            (6, &[0], &[]),
            (5, &[1], &[2]),
            (5, &[0], &[1]),
            (4, &[1], &[2]),
            (3, &[1], &[2]),
            (2, &[1], &[2]),
        ];
        rows.iter()
            .map(|&(total, q1, q2)| MarkedAttempt {
                marks: total,
                total: 10,
                items: vec![mark("q1", q1, &[0]), mark("q2", q2, &[2])],
            })
            .collect()
    }

    fn questions() -> Vec<QuestionInfo> {
        vec![
            QuestionInfo {
                id: "q1".into(),
                options: 2,
            },
            QuestionInfo {
                id: "q2".into(),
                options: 4,
            },
        ]
    }

    #[test]
    fn hand_worked_example_facility_and_discrimination() {
        let out = analyse(&questions(), &worked_example());
        assert_eq!(out.len(), 2);
        let q1 = &out[0];
        assert_eq!(q1.question_id, "q1");
        assert_eq!(q1.attempts, 10);
        assert_eq!(q1.group_size, 3);
        assert!(close(q1.facility.unwrap(), 50.0), "{:?}", q1.facility);
        assert!(
            close(q1.discrimination.unwrap(), 0.5),
            "{:?}",
            q1.discrimination
        );
        let r = q1.point_biserial.unwrap();
        assert!((r - 0.8 / 3.76f64.sqrt()).abs() < 1e-9, "{r}");
        assert!((r - 0.412568).abs() < 1e-6, "{r}");
        assert!(q1.warnings.is_empty(), "{:?}", q1.warnings);

        let q2 = &out[1];
        assert!(close(q2.facility.unwrap(), 40.0));
        assert!(close(q2.discrimination.unwrap(), -1.0));
        assert_eq!(
            q2.warnings,
            vec![ItemWarning::LowDiscrimination {
                discrimination: -1.0
            }]
        );
        assert!(q2.warnings[0].message().contains("check the key"));
        let counts: Vec<(usize, u32, bool)> = q2
            .options
            .iter()
            .map(|o| (o.index, o.count, o.is_key))
            .collect();
        assert_eq!(
            counts,
            [(0, 2, false), (1, 2, false), (2, 4, true), (3, 1, false)]
        );
        let percents: Vec<f64> = q2.options.iter().map(|o| o.percent).collect();
        assert_eq!(percents, [20.0, 20.0, 40.0, 10.0]);
        assert_eq!(q2.unanswered, 1);
    }

    #[test]
    fn the_result_does_not_depend_on_input_order() {
        // The correlation's sums may differ in the last bit; the rest is exact.
        let rounded = |mut v: Vec<ItemStats>| {
            for s in &mut v {
                s.point_biserial = s.point_biserial.map(|r| (r * 1e9).round() / 1e9);
            }
            v
        };
        let mut attempts = worked_example();
        let forward = rounded(analyse(&questions(), &attempts));
        attempts.reverse();
        attempts.swap(2, 7);
        assert_eq!(rounded(analyse(&questions(), &attempts)), forward);
    }

    #[test]
    fn group_sizes_round_27_percent() {
        // 0.27 n: 0.27, 0.54, 2.7, 2.97, 3.24, 3.51, 27.
        for (n, g) in [
            (1, 1),
            (2, 1),
            (10, 3),
            (11, 3),
            (12, 3),
            (13, 4),
            (100, 27),
        ] {
            assert_eq!(group_size(n), g, "n = {n}");
        }
        // The groups never overlap.
        for n in 2..500 {
            assert!(2 * group_size(n) <= n, "n = {n}");
        }
    }

    #[test]
    fn no_attempts_gives_empty_figures_and_no_warnings() {
        let out = analyse(&questions(), &[]);
        assert_eq!(out.len(), 2);
        for s in &out {
            assert_eq!(s.attempts, 0);
            assert_eq!(
                (s.facility, s.discrimination, s.point_biserial),
                (None, None, None)
            );
            assert!(s.warnings.is_empty());
            assert!(s.options.iter().all(|o| o.count == 0 && o.percent == 0.0));
        }
        assert_eq!(out[1].options.len(), 4);
        assert!(!out[1].options[2].is_key, "no key known without attempts");
    }

    #[test]
    fn everyone_on_the_same_score() {
        // 12 candidates, each 6/10 with q1 right: every rest score is 5/9.
        let attempts: Vec<MarkedAttempt> = (0..12)
            .map(|_| MarkedAttempt {
                marks: 6,
                total: 10,
                items: vec![mark("q1", &[0], &[0])],
            })
            .collect();
        let s = &analyse(&questions()[..1], &attempts)[0];
        assert!(close(s.facility.unwrap(), 100.0));
        // One tie run: both groups are everyone at weight 3/12.
        assert!(close(s.discrimination.unwrap(), 0.0));
        assert_eq!(s.point_biserial, None, "no variance");
        let labels: Vec<&str> = s.warnings.iter().map(|w| w.label()).collect();
        assert_eq!(labels, ["too easy", "low discrimination"]);
    }

    #[test]
    fn few_attempts_are_not_judged() {
        let attempts = &worked_example()[..2];
        let s = &analyse(&questions(), attempts)[1];
        assert_eq!(s.attempts, 2);
        // Both got q2 wrong: facility 0%, but only "too few attempts".
        assert!(close(s.facility.unwrap(), 0.0));
        assert_eq!(
            s.warnings,
            vec![ItemWarning::TooFewAttempts {
                attempts: 2,
                needed: 10
            }]
        );
        // One attempt: no discrimination at all.
        let one = &analyse(&questions(), &worked_example()[..1])[0];
        assert_eq!((one.discrimination, one.group_size), (None, 0));
        assert_eq!(one.point_biserial, None);
    }

    #[test]
    fn hard_questions_are_warned_and_unlisted_ones_reported() {
        // 10 candidates, q3 right for one only; q3 is not in `questions`.
        let attempts: Vec<MarkedAttempt> = (0..10u32)
            .map(|i| MarkedAttempt {
                marks: i,
                total: 10,
                items: vec![mark("q3", if i == 9 { &[1] } else { &[0] }, &[1])],
            })
            .collect();
        let out = analyse(&questions(), &attempts);
        assert_eq!(out.len(), 3);
        let s = &out[2];
        assert_eq!(s.question_id, "q3");
        assert!(close(s.facility.unwrap(), 10.0));
        assert_eq!(s.options.len(), 2, "inferred from the key and choices");
        assert_eq!(s.warnings[0].label(), "too hard");
        // The one who got it right is top of the rest ranking: D = 1/3.
        assert!(close(s.discrimination.unwrap(), 1.0 / 3.0));
    }

    #[test]
    fn marks_above_the_maximum_are_clamped() {
        let mut a = worked_example();
        a[0].items[0].marks = 7;
        let s = &analyse(&questions(), &a)[0];
        assert!(close(s.facility.unwrap(), 50.0));
    }

    #[test]
    fn retired_questions_leave_the_draw_and_retiring_respects_the_blueprint() {
        use crate::exam::testutil::{bank, definition};
        let bank = bank();
        let def = definition();
        let exams = [def.clone()];
        // Find a blueprint topic and its drawable questions.
        let entry = &def.blueprint[0];
        let ids: Vec<String> = bank
            .drawable(def.level, &entry.topic)
            .iter()
            .map(|q| q.id.clone())
            .collect();
        let spare = ids.len() - entry.questions as usize;
        // Retiring up to the spare count is allowed; one more is refused.
        let mut retired = Vec::new();
        for id in ids.iter().take(spare) {
            assert_eq!(
                retirement_blocked(&exams, &bank, &retired, id),
                None,
                "{id}"
            );
            retired.push(id.clone());
        }
        let next = &ids[spare];
        let why = retirement_blocked(&exams, &bank, &retired, next).expect("refused");
        assert!(why.contains(&entry.topic) && why.contains(next), "{why}");
        // The filtered bank keeps every question but draws none retired.
        let drawable = without_retired(&bank, &retired);
        assert_eq!(drawable.len(), bank.len());
        for seed in 0..50 {
            let paper = crate::exam::draw(&def, &drawable, seed).unwrap_or_else(|e| panic!("{e}"));
            for item in &paper.items {
                assert!(!retired.contains(&item.source.to_string()), "seed {seed}");
            }
        }
        // An unknown id blocks nothing.
        assert_eq!(retirement_blocked(&exams, &bank, &retired, "no-such"), None);
    }

    #[test]
    fn statuses_round_trip() {
        for s in QuestionStatus::ALL {
            assert_eq!(QuestionStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(QuestionStatus::parse("deleted"), None);
    }
}
