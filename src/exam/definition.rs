//! An exam definition (`content/exams/<level>.toml`): length, timing, pass
//! mark, attempt rules, when candidates may review, and the blueprint that
//! says how many questions each topic contributes.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::question::{is_valid_id, ModuleIndex, Origin, Problem, QuestionSet};
use crate::level::Level;

/// Grace period after the deadline during which answers already on their way
/// are still accepted, when the definition does not say.
pub const DEFAULT_GRACE_SECONDS: u32 = 30;

/// A calendar date (proleptic Gregorian), for `review_after`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// A valid date, or `None` (month 1-12, day within the month).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let year = i32::try_from(digits(0..4)?).ok()?;
        let month = u8::try_from(digits(5..7)?).ok()?;
        let day = u8::try_from(digits(8..10)?).ok()?;
        Date::new(year, month, day)
    }

    /// Unix seconds at 00:00 UTC on this date.
    pub fn unix_start(self) -> i64 {
        crate::calendar::days_from_civil(self.year, self.month, self.day) * 86_400
    }

    /// The UTC calendar date of a Unix time (civil from days, the inverse
    /// of [`Date::unix_start`]).
    pub fn of_unix(unix: i64) -> Date {
        let (year, month, day) = crate::calendar::civil_from_days(unix.div_euclid(86_400));
        Date { year, month, day }
    }

    /// The date written out, as on a certificate: `2 December 2026`.
    pub fn long(self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let month = MONTHS
            .get(usize::from(self.month).saturating_sub(1))
            .copied()
            .unwrap_or("?");
        format!("{} {month} {}", self.day, self.year)
    }
}

/// A Unix time as people read it, in UTC: `2 December 2026, 14:05 UTC`.
pub fn format_utc(unix: i64) -> String {
    let secs = unix.rem_euclid(86_400);
    format!(
        "{}, {:02}:{:02} UTC",
        Date::of_unix(unix).long(),
        secs / 3600,
        secs % 3600 / 60
    )
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// When a candidate may see the keys and explanations of a submitted
/// attempt. Whatever the policy, the result always shows the score, the
/// marks by topic, which questions were right or wrong and the candidate's
/// own answers; and no key is shown while the candidate has another attempt
/// at the exam in progress (see [`ExamDefinition::withheld`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Review {
    /// Once the candidate has passed the exam or has used every attempt:
    /// keys seen after a failed attempt would otherwise help at the next.
    /// The default.
    KeysAfterPassOrLast,
    /// As soon as the attempt is submitted.
    Immediate,
    /// From 00:00 UTC on this date (for example once a whole cohort has sat
    /// the exam), and not before.
    After(Date),
    /// Never (for example a bank kept secret between cohorts).
    Never,
}

impl Review {
    /// The values `review` takes in an exam definition file.
    pub const NAMES: [&'static str; 4] = ["keys-after-pass-or-last", "immediate", "after", "never"];
}

/// What a candidate has done at one exam, as far as showing the keys goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    /// Attempts started, the open one included.
    pub attempts: u32,
    /// An attempt is not yet submitted.
    pub attempt_open: bool,
    /// Some attempt passed.
    pub passed: bool,
}

/// Why a result leaves out the keys and explanations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Withheld {
    /// Another attempt at this exam is in progress.
    AttemptInProgress,
    /// Shown once the candidate passes or has used all attempts.
    UntilPassOrLastAttempt { attempts_left: u32 },
    /// Shown from this Unix time (00:00 UTC on the review date).
    Until(i64),
    /// This exam never shows them.
    Never,
}

impl Withheld {
    /// What the candidate can expect next, in one sentence.
    pub fn next_step(self) -> String {
        match self {
            Withheld::AttemptInProgress => "The answers are hidden while you have an attempt at \
                 this exam in progress: finish it first."
                .into(),
            Withheld::UntilPassOrLastAttempt { attempts_left } => format!(
                "The answers will be shown when you pass or after your last attempt \
                 (you have {attempts_left} {} left).",
                if attempts_left == 1 {
                    "attempt"
                } else {
                    "attempts"
                }
            ),
            Withheld::Until(at) => format!("The answers will be shown from {}.", format_utc(at)),
            Withheld::Never => "This exam does not show the answers: use your marks by topic \
                 and the questions you got wrong to choose what to revise."
                .into(),
        }
    }
}

impl ExamDefinition {
    /// Why the keys and explanations of a submitted attempt are left out of
    /// its result at `now`, or `None` when they may be shown.
    pub fn withheld(&self, standing: Standing, now: i64) -> Option<Withheld> {
        match self.review {
            Review::Never => Some(Withheld::Never),
            // A key seen now could answer a question on the open paper.
            _ if standing.attempt_open => Some(Withheld::AttemptInProgress),
            Review::Immediate => None,
            Review::After(date) => {
                (now < date.unix_start()).then(|| Withheld::Until(date.unix_start()))
            }
            Review::KeysAfterPassOrLast => {
                let attempts_left = self.max_attempts.saturating_sub(standing.attempts);
                (!standing.passed && attempts_left > 0)
                    .then_some(Withheld::UntilPassOrLastAttempt { attempts_left })
            }
        }
    }
}

/// How many questions one topic (module slug) contributes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlueprintEntry {
    pub topic: String,
    pub questions: u32,
    /// Line of the entry in its file (0 when not from a file).
    #[serde(skip)]
    pub line: usize,
}

/// Questions made at draw time by a lab generator (for example reading a
/// value out of a generated HL7 message), not taken from the bank.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedEntry {
    /// The generator, such as `hl7-read-value`.
    pub kind: String,
    pub questions: u32,
    #[serde(skip)]
    pub line: usize,
}

/// One course's exam.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExamDefinition {
    pub title: String,
    pub level: Level,
    /// Questions on a paper: the blueprint and generated entries add up to it.
    pub questions: u32,
    pub minutes: u32,
    /// Pass iff `marks * 100 >= pass_mark_percent * total`.
    pub pass_mark_percent: u32,
    pub grace_seconds: u32,
    /// Attempts a candidate may start, in all.
    pub max_attempts: u32,
    /// Hours between submitting one attempt and starting the next.
    pub cooldown_hours: u32,
    pub review: Review,
    pub blueprint: Vec<BlueprintEntry>,
    pub generated: Vec<GeneratedEntry>,
    #[serde(skip)]
    pub origin: Origin,
}

impl ExamDefinition {
    /// The sections of a paper in definition order: blueprint topics, then
    /// generated kinds.
    pub fn sections(&self) -> Vec<&str> {
        self.blueprint
            .iter()
            .map(|b| b.topic.as_str())
            .chain(self.generated.iter().map(|g| g.kind.as_str()))
            .collect()
    }
}

/// Checks a definition against the bank and (when given) the modules of its
/// level.
pub fn validate_exam(
    def: &ExamDefinition,
    bank: &QuestionSet,
    modules: Option<&ModuleIndex>,
) -> Vec<Problem> {
    let o = &def.origin;
    let mut problems = Vec::new();
    let mut fail = |line: usize, message: String| {
        problems.push(Problem::new(o.file.clone(), line, message));
    };
    if def.title.trim().is_empty() {
        fail(o.line_of("title"), "`title` must not be empty".into());
    }
    if let Some(expected) = o.expected_level {
        if expected != def.level {
            fail(
                o.line_of("level"),
                format!(
                    "level is `{}` but the file is named for `{}`",
                    def.level.slug(),
                    expected.slug()
                ),
            );
        }
    }
    if def.questions == 0 {
        fail(
            o.line_of("questions"),
            "`questions` must be at least 1".into(),
        );
    }
    if def.minutes == 0 || def.minutes > 600 {
        fail(
            o.line_of("minutes"),
            "`minutes` must be between 1 and 600".into(),
        );
    }
    if def.pass_mark_percent == 0 || def.pass_mark_percent > 100 {
        fail(
            o.line_of("pass_mark_percent"),
            "`pass_mark_percent` must be between 1 and 100".into(),
        );
    }
    if def.grace_seconds > 600 {
        fail(
            o.line_of("grace_seconds"),
            "`grace_seconds` must be at most 600: it only covers answers already on their way"
                .into(),
        );
    }
    if def.max_attempts == 0 {
        fail(
            o.line_of("max_attempts"),
            "`max_attempts` must be at least 1".into(),
        );
    }
    if def.blueprint.is_empty() {
        fail(
            o.line,
            "no [[blueprint]] entries: say how many questions each topic contributes".into(),
        );
    }
    let mut topics = HashSet::new();
    for b in &def.blueprint {
        if !topics.insert(b.topic.as_str()) {
            fail(
                b.line,
                format!("topic `{}` has two blueprint entries", b.topic),
            );
            continue;
        }
        if b.questions == 0 {
            fail(
                b.line,
                format!("blueprint entry for `{}` asks for 0 questions: remove it or ask for at least 1", b.topic),
            );
        }
        if let Some(index) = modules {
            if index.find(def.level, &b.topic).is_none() {
                fail(
                    b.line,
                    format!(
                        "blueprint topic `{}` is not a module of the {} course; use one of: {}",
                        b.topic,
                        def.level.slug(),
                        index.slugs(def.level).join(", ")
                    ),
                );
                continue;
            }
        }
        let available = bank.drawable(def.level, &b.topic).len();
        if (b.questions as usize) > available {
            fail(
                b.line,
                format!(
                    "blueprint asks for {} `{}` questions but the bank has only {available} (not retired)",
                    b.questions, b.topic
                ),
            );
        }
    }
    if let Some(index) = modules {
        // A module with questions in the bank must be examined; a new module
        // without questions yet is not an exam problem.
        for slug in index.slugs(def.level) {
            if !topics.contains(slug) && !bank.drawable(def.level, slug).is_empty() {
                fail(
                    o.line,
                    format!("module `{slug}` has questions in the bank but no blueprint entry: the exam would never test it"),
                );
            }
        }
    }
    let mut kinds = HashSet::new();
    for g in &def.generated {
        if !is_valid_id(&g.kind) {
            fail(
                g.line,
                format!(
                    "generated kind `{}` must be lower-case letters, digits and hyphens, such as `hl7-read-value`",
                    g.kind
                ),
            );
        } else if !kinds.insert(g.kind.as_str()) {
            fail(
                g.line,
                format!("generated kind `{}` has two entries", g.kind),
            );
        }
        if g.questions == 0 {
            fail(
                g.line,
                format!("generated entry `{}` asks for 0 questions", g.kind),
            );
        }
    }
    let sum: u64 = def
        .blueprint
        .iter()
        .map(|b| u64::from(b.questions))
        .chain(def.generated.iter().map(|g| u64::from(g.questions)))
        .sum();
    if sum != u64::from(def.questions) {
        fail(
            o.line_of("questions"),
            format!(
                "the blueprint and generated entries add up to {sum} questions, but `questions = {}`",
                def.questions
            ),
        );
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exam::testutil::{bank, definition, modules};

    #[test]
    fn dates_invert_unix_start() {
        for (y, m, d) in [
            (1970, 1, 1),
            (2000, 2, 29),
            (2026, 12, 31),
            (2027, 3, 1),
            (1969, 12, 31),
        ] {
            let date = Date::new(y, m, d).unwrap_or_else(|| panic!("{y}-{m}-{d}"));
            assert_eq!(Date::of_unix(date.unix_start()), date);
            assert_eq!(Date::of_unix(date.unix_start() + 86_399), date);
        }
    }

    #[test]
    fn times_read_as_people_write_them() {
        // 2026-12-02 is 20,789 days after 1970-01-01; 14:05:59 into the day.
        let t = 20_789 * 86_400 + 14 * 3600 + 5 * 60 + 59;
        assert_eq!(format_utc(t), "2 December 2026, 14:05 UTC");
        assert_eq!(Date::of_unix(0).long(), "1 January 1970");
    }

    #[test]
    fn dates_parse_and_convert_to_unix_time() {
        assert_eq!(Date::parse("1970-01-01").map(Date::unix_start), Some(0));
        // 2000-03-01 is 11017 days after the epoch (a leap century year).
        assert_eq!(
            Date::parse("2000-03-01").map(Date::unix_start),
            Some(11_017 * 86_400)
        );
        assert_eq!(
            Date::parse("1969-12-31").map(Date::unix_start),
            Some(-86_400)
        );
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("1900-02-29").is_none());
        assert!(Date::parse("2026-13-01").is_none());
        assert!(Date::parse("2026-1-01").is_none());
        assert!(Date::parse("2026-01-+1").is_none());
        assert_eq!(
            Date::new(2026, 1, 5).map(|d| d.to_string()).as_deref(),
            Some("2026-01-05")
        );
    }

    #[test]
    fn review_after_opens_at_midnight_utc() {
        let d = Date::new(2026, 1, 31).unwrap_or_else(|| unreachable!());
        let mut def = definition();
        def.review = Review::After(d);
        let done = Standing {
            attempts: 1,
            ..Standing::default()
        };
        let at = d.unix_start();
        assert_eq!(def.withheld(done, at - 1), Some(Withheld::Until(at)));
        assert_eq!(def.withheld(done, at), None);
        def.review = Review::Immediate;
        assert_eq!(def.withheld(done, i64::MIN), None);
    }

    #[test]
    fn keys_wait_for_a_pass_or_the_last_attempt() {
        let mut def = definition(); // 3 attempts
        def.review = Review::KeysAfterPassOrLast;
        let standing = |attempts, passed| Standing {
            attempts,
            attempt_open: false,
            passed,
        };
        assert_eq!(
            def.withheld(standing(1, false), 0),
            Some(Withheld::UntilPassOrLastAttempt { attempts_left: 2 })
        );
        assert_eq!(
            def.withheld(standing(2, false), 0),
            Some(Withheld::UntilPassOrLastAttempt { attempts_left: 1 })
        );
        assert_eq!(def.withheld(standing(3, false), 0), None, "last attempt");
        assert_eq!(def.withheld(standing(1, true), 0), None, "passed");
        // Never while another attempt is open, whatever the policy (the
        // open attempt is the last, or follows a pass).
        for review in [
            Review::KeysAfterPassOrLast,
            Review::Immediate,
            Review::After(Date::new(1970, 1, 2).unwrap_or_else(|| unreachable!())),
        ] {
            def.review = review;
            let open = Standing {
                attempts: 3,
                attempt_open: true,
                passed: true,
            };
            assert_eq!(
                def.withheld(open, i64::MAX),
                Some(Withheld::AttemptInProgress),
                "{review:?}"
            );
        }
        def.review = Review::Never;
        assert_eq!(
            def.withheld(standing(3, true), i64::MAX),
            Some(Withheld::Never)
        );
    }

    #[test]
    fn each_withholding_says_what_comes_next() {
        let texts = [
            Withheld::AttemptInProgress.next_step(),
            Withheld::UntilPassOrLastAttempt { attempts_left: 1 }.next_step(),
            Withheld::UntilPassOrLastAttempt { attempts_left: 2 }.next_step(),
            Withheld::Until(0).next_step(),
            Withheld::Never.next_step(),
        ];
        assert!(
            texts[1].contains("when you pass or after your last attempt (you have 1 attempt left)")
        );
        assert!(texts[2].contains("2 attempts left"));
        assert!(texts[3].contains("1 January 1970, 00:00 UTC"));
        for t in &texts {
            assert!(
                t.ends_with('.') && t.matches(". ").count() == 0,
                "one sentence: {t}"
            );
        }
    }

    #[test]
    fn a_good_definition_passes() {
        let p = validate_exam(&definition(), &bank(), Some(&modules()));
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn each_rule_fails() {
        let check = |edit: &dyn Fn(&mut ExamDefinition), needle: &str| {
            let mut d = definition();
            edit(&mut d);
            let p = validate_exam(&d, &bank(), Some(&modules()));
            assert!(
                p.iter().any(|p| p.message.contains(needle)),
                "{needle:?} not in {p:?}"
            );
        };
        check(&|d| d.questions += 1, "add up to");
        check(&|d| d.blueprint[0].questions = 99, "the bank has only");
        check(&|d| d.blueprint[0].topic = "nowhere".into(), "not a module");
        check(
            &|d| {
                d.blueprint.remove(0);
            },
            "but no blueprint entry",
        );
        check(
            &|d| {
                let b = d.blueprint[0].clone();
                d.blueprint.push(b);
            },
            "two blueprint entries",
        );
        check(&|d| d.pass_mark_percent = 101, "pass_mark_percent");
        check(&|d| d.minutes = 0, "minutes");
        check(&|d| d.max_attempts = 0, "max_attempts");
        check(&|d| d.title = " ".into(), "title");
        check(
            &|d| d.origin.expected_level = Some(Level::Intermediate),
            "named for",
        );
        check(
            &|d| {
                d.generated.push(GeneratedEntry {
                    kind: "Bad Kind".into(),
                    questions: 1,
                    line: 9,
                })
            },
            "generated kind `Bad Kind`",
        );
        check(
            &|d| {
                d.generated.push(GeneratedEntry {
                    kind: "hl7-read-value".into(),
                    questions: 0,
                    line: 9,
                })
            },
            "asks for 0 questions",
        );
    }

    #[test]
    fn generated_entries_count_towards_the_total() {
        let mut d = definition();
        d.generated.push(GeneratedEntry {
            kind: "hl7-read-value".into(),
            questions: 2,
            line: 20,
        });
        assert!(validate_exam(&d, &bank(), Some(&modules()))
            .iter()
            .any(|p| p.message.contains("add up to")));
        d.questions += 2;
        assert!(validate_exam(&d, &bank(), Some(&modules())).is_empty());
    }

    #[test]
    fn retired_questions_do_not_count_as_available() {
        let mut b = bank();
        let d = definition();
        let topic = d.blueprint[0].topic.clone();
        let wanted = d.blueprint[0].questions as usize;
        let mut have = b.drawable(d.level, &topic).len();
        for q in b.questions.iter_mut().filter(|q| q.topic == topic) {
            if have < wanted {
                break;
            }
            q.retired = true;
            have -= 1;
        }
        let p = validate_exam(&d, &b, None);
        assert!(
            p.iter().any(|p| p.message.contains("the bank has only")),
            "{p:?}"
        );
    }
}
