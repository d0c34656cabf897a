//! The trainers' reports as the pages, the CSV export and the repository
//! see them: cohort figures per organisation and per learner, the date
//! range they cover, and question review statuses. Shared by the server and
//! the browser; no secrets live here.

use serde::{Deserialize, Serialize};

use crate::accounts::Organisation;
use crate::exam::analysis::{ItemStats, QuestionStatus};
use crate::exam::Date;
use crate::level::Level;

/// A half-open range of Unix seconds, `[from, to)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRange {
    pub from: i64,
    pub to: i64,
}

impl TimeRange {
    /// Every time there is.
    pub const ALL: TimeRange = TimeRange {
        from: i64::MIN,
        to: i64::MAX,
    };

    pub fn contains(&self, t: i64) -> bool {
        self.from <= t && t < self.to
    }
}

/// The date filter as typed in the report's form: `YYYY-MM-DD` or empty,
/// both ends inclusive (a trainer who picks 31 December means the whole
/// day). Also the query string of the CSV links (`?from=&to=`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateFilter {
    pub from: String,
    pub to: String,
}

impl DateFilter {
    /// The range of Unix seconds this filter stands for: from 00:00 UTC on
    /// `from` up to (not including) 00:00 UTC on the day after `to`. An
    /// empty end is open. Refuses malformed dates and a `from` after `to`,
    /// saying which field is wrong.
    pub fn range(&self) -> Result<TimeRange, String> {
        let parse = |s: &str, name: &str| -> Result<Option<Date>, String> {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            Date::parse(s).map(Some).ok_or_else(|| {
                format!("The {name} date `{s}` is not a real date written YYYY-MM-DD.")
            })
        };
        let from = parse(&self.from, "from")?;
        let to = parse(&self.to, "to")?;
        if let (Some(f), Some(t)) = (from, to) {
            if f.unix_start() > t.unix_start() {
                return Err(format!(
                    "The from date {f} is after the to date {t}: swap them."
                ));
            }
        }
        Ok(TimeRange {
            from: from.map_or(i64::MIN, Date::unix_start),
            to: to.map_or(i64::MAX, |d| d.unix_start() + 86_400),
        })
    }

    /// `?from=…&to=…` for links (empty ends left out), or "".
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [("from", self.from.trim()), ("to", self.to.trim())] {
            // Only dates reach links: digits and dashes need no escaping.
            if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                parts.push(format!("{k}={v}"));
            }
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    /// "all time", "from 2026-01-01", "2026-01-01 to 2026-03-31"…
    pub fn describe(&self) -> String {
        match (self.from.trim(), self.to.trim()) {
            ("", "") => "all time".into(),
            (f, "") => format!("from {f}"),
            ("", t) => format!("up to and including {t}"),
            (f, t) => format!("{f} to {t}, inclusive"),
        }
    }
}

/// One level's figures for a learner or an organisation, within a range.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelFigures {
    /// Modules of the level marked complete within the range.
    pub modules_completed: u32,
    /// Learners with at least one marked exam attempt within the range.
    pub candidates: u32,
    /// Marked exam attempts submitted within the range.
    pub attempts: u32,
    /// Of those, how many passed.
    pub passes: u32,
    /// The sum of their percentages (for exact means when adding up).
    pub percent_sum: u64,
}

impl LevelFigures {
    /// The mean percentage of the attempts, `None` with none.
    pub fn mean_percent(&self) -> Option<f64> {
        (self.attempts > 0).then(|| self.percent_sum as f64 / f64::from(self.attempts))
    }

    /// The mean as shown: one decimal place, or "–" with no attempts.
    pub fn mean_text(&self) -> String {
        self.mean_percent()
            .map_or_else(|| "–".to_string(), |m| format!("{m:.1}%"))
    }

    /// Adds another learner's figures (an organisation's total).
    pub fn add(&mut self, other: &LevelFigures) {
        self.modules_completed += other.modules_completed;
        self.candidates += other.candidates;
        self.attempts += other.attempts;
        self.passes += other.passes;
        self.percent_sum += other.percent_sum;
    }
}

/// One learner's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnerFigures {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub organisation_id: i64,
    pub organisation: String,
    pub created_at: i64,
    pub foundation: LevelFigures,
    pub intermediate: LevelFigures,
}

impl LearnerFigures {
    pub fn level(&self, level: Level) -> &LevelFigures {
        match level {
            Level::Foundation => &self.foundation,
            Level::Intermediate => &self.intermediate,
        }
    }
}

/// One organisation's row of the cohort report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortRow {
    pub organisation: Organisation,
    /// Learners of the organisation whose account existed before the end of
    /// the range.
    pub learners: u32,
    pub foundation: LevelFigures,
    pub intermediate: LevelFigures,
}

impl CohortRow {
    pub fn level(&self, level: Level) -> &LevelFigures {
        match level {
            Level::Foundation => &self.foundation,
            Level::Intermediate => &self.intermediate,
        }
    }
}

/// Sums learners into organisation rows, one per organisation of
/// `organisations` (in that order), zero rows included. Learners count only
/// when their account was created before `range.to`.
pub fn cohort_rows(
    organisations: &[Organisation],
    learners: &[LearnerFigures],
    range: TimeRange,
) -> Vec<CohortRow> {
    organisations
        .iter()
        .map(|o| {
            let mut row = CohortRow {
                organisation: o.clone(),
                learners: 0,
                foundation: LevelFigures::default(),
                intermediate: LevelFigures::default(),
            };
            for l in learners
                .iter()
                .filter(|l| l.organisation_id == o.id && l.created_at < range.to)
            {
                row.learners += 1;
                row.foundation.add(&l.foundation);
                row.intermediate.add(&l.intermediate);
            }
            row
        })
        .collect()
}

/// A question's review status, who set it and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionReview {
    pub question_id: String,
    pub status: QuestionStatus,
    pub note: Option<String>,
    pub set_by: Option<i64>,
    /// The name of who set it, while their account exists.
    pub set_by_name: Option<String>,
    pub set_at: i64,
}

/// One module of a course and when the learner completed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleProgress {
    pub level: Level,
    pub slug: String,
    pub title: String,
    pub completed_at: Option<i64>,
}

/// One exam attempt as a trainer sees it (no paper, no answers).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptSummary {
    pub id: i64,
    pub level: Level,
    pub started_at: i64,
    pub deadline: i64,
    pub extra_seconds: u32,
    /// `None` while the attempt is open.
    pub submitted_at: Option<i64>,
    /// `None` until it has been marked.
    pub percent: Option<u32>,
    pub passed: Option<bool>,
}

/// The extra time granted to a learner at one exam.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtraTime {
    pub level: Level,
    pub extra_minutes: u32,
    /// When it was last set, if ever.
    pub granted_at: Option<i64>,
}

/// Everything the learner page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnerDetail {
    /// Figures over the whole of time (the page is not filtered).
    pub figures: LearnerFigures,
    /// Every module of both courses, in course order.
    pub modules: Vec<ModuleProgress>,
    /// Exam attempts of both levels, oldest first.
    pub attempts: Vec<AttemptSummary>,
    /// One entry per level that has an exam.
    pub extra_time: Vec<ExtraTime>,
}

/// One question's line of the item analysis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemRow {
    pub stats: ItemStats,
    /// The module slug it tests (empty for a question no longer in the bank).
    pub topic: String,
    /// The stem as plain text, cut to about 120 characters.
    pub stem: String,
    /// Whether it is in the bank today.
    pub in_bank: bool,
    /// The stored review status, if any (`None` is in use).
    pub review: Option<QuestionReview>,
}

impl ItemRow {
    pub fn status(&self) -> QuestionStatus {
        self.review
            .as_ref()
            .map_or(QuestionStatus::Active, |r| r.status)
    }
}

/// The item analysis of one exam.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemReport {
    pub level: Level,
    pub exam_title: String,
    /// Marked attempts analysed.
    pub attempts: u32,
    pub discrimination_method: String,
    pub correlation_method: String,
    /// Bank questions of the level in id order, then any others marked.
    pub rows: Vec<ItemRow>,
}

/// The UTC calendar date of a Unix time.
pub fn utc_date(unix: i64) -> Date {
    Date::of_unix(unix)
}

/// `YYYY-MM-DD HH:MM UTC`.
pub fn utc_date_time(unix: i64) -> String {
    let secs = unix.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02} UTC",
        utc_date(unix),
        secs / 3600,
        (secs % 3600) / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(from: &str, to: &str) -> DateFilter {
        DateFilter {
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn date_filters_are_inclusive_days_in_utc() {
        // 2026-01-01 00:00 UTC is 1_767_225_600.
        let r = filter("2026-01-01", "2026-01-31").range().unwrap();
        assert_eq!(r.from, 1_767_225_600);
        assert_eq!(r.to, 1_767_225_600 + 31 * 86_400);
        assert!(r.contains(r.to - 1) && !r.contains(r.to) && !r.contains(r.from - 1));
        assert_eq!(filter("", "").range().unwrap(), TimeRange::ALL);
        assert_eq!(filter(" 2026-01-01 ", "").range().unwrap().to, i64::MAX);
        assert!(filter("2026-02-30", "")
            .range()
            .unwrap_err()
            .contains("from date"));
        assert!(filter("", "31/01/2026")
            .range()
            .unwrap_err()
            .contains("to date"));
        assert!(filter("2026-02-01", "2026-01-01")
            .range()
            .unwrap_err()
            .contains("after"));
        // One day is fine.
        assert!(filter("2026-02-01", "2026-02-01").range().is_ok());
    }

    #[test]
    fn queries_carry_only_dates() {
        assert_eq!(filter("", "").query(), "");
        assert_eq!(filter("2026-01-01", "").query(), "?from=2026-01-01");
        assert_eq!(
            filter("2026-01-01", "2026-02-01").query(),
            "?from=2026-01-01&to=2026-02-01"
        );
        assert_eq!(filter("x&y=1", "2026-02-01").query(), "?to=2026-02-01");
    }

    #[test]
    fn utc_dates_invert_unix_start() {
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2026, 12, 31), (1969, 12, 31)] {
            let date = Date::new(y, m, d).unwrap();
            assert_eq!(utc_date(date.unix_start()), date);
            assert_eq!(utc_date(date.unix_start() + 86_399), date);
        }
        assert_eq!(
            utc_date_time(1_767_225_600 + 3600 + 120),
            "2026-01-01 01:02 UTC"
        );
    }

    #[test]
    fn rows_add_up_learners() {
        let org = |id: i64| Organisation {
            id,
            name: format!("Org {id}"),
            ods_code: None,
            active: true,
        };
        let learner = |id: i64, org: i64, created_at: i64, attempts: u32, passes: u32, sum: u64| {
            LearnerFigures {
                id,
                name: format!("L{id}"),
                email: format!("l{id}@x.test"),
                organisation_id: org,
                organisation: format!("Org {org}"),
                created_at,
                foundation: LevelFigures {
                    modules_completed: 2,
                    candidates: u32::from(attempts > 0),
                    attempts,
                    passes,
                    percent_sum: sum,
                },
                intermediate: LevelFigures::default(),
            }
        };
        let range = TimeRange { from: 0, to: 100 };
        let rows = cohort_rows(
            &[org(1), org(2)],
            &[
                learner(1, 1, 10, 2, 1, 140),
                learner(2, 1, 20, 1, 1, 90),
                learner(3, 1, 100, 0, 0, 0),
                learner(4, 3, 10, 5, 5, 500),
            ],
            range,
        );
        assert_eq!(rows.len(), 2);
        let f = &rows[0].foundation;
        assert_eq!(rows[0].learners, 2, "learner 3 joined at the range's end");
        assert_eq!(
            (f.modules_completed, f.candidates, f.attempts, f.passes),
            (4, 2, 3, 2)
        );
        // (70 + 70 + 90) / 3 attempts, not the mean of learners' means.
        assert_eq!(f.mean_percent(), Some(230.0 / 3.0));
        assert_eq!(f.mean_text(), "76.7%");
        assert_eq!(rows[1].learners, 0);
        assert_eq!(rows[1].foundation.mean_text(), "–");
    }
}
