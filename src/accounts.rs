//! Accounts as the pages see them: roles, the signed-in user, form results,
//! progress. Shared by the server and the browser; no secrets live here.

use serde::{Deserialize, Serialize};

use crate::level::Level;

/// What a person may do. Each role includes the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Learner,
    Trainer,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Learner, Role::Trainer, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Trainer => "trainer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn title(self) -> &'static str {
        match self {
            Role::Learner => "Learner",
            Role::Trainer => "Trainer",
            Role::Admin => "Administrator",
        }
    }
}

/// The signed-in user, as shown in the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub organisation: Option<String>,
}

/// Who is signed in (if anyone), and the token forms must send back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: Option<UserView>,
    pub csrf: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub ods_code: Option<String>,
    pub active: bool,
}

/// A problem with one form field, shown next to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// The answer to a form: success, or what to fix.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormResult {
    pub ok: bool,
    /// A message for the whole form (success or failure).
    pub message: Option<String>,
    pub errors: Vec<FieldError>,
}

impl FormResult {
    pub fn success(message: impl Into<String>) -> Self {
        FormResult {
            ok: true,
            message: Some(message.into()),
            errors: Vec::new(),
        }
    }

    pub fn failure(message: impl Into<String>) -> Self {
        FormResult {
            ok: false,
            message: Some(message.into()),
            errors: Vec::new(),
        }
    }

    pub fn invalid(errors: Vec<FieldError>) -> Self {
        FormResult {
            ok: false,
            message: Some("Please correct the highlighted fields.".into()),
            errors,
        }
    }

    pub fn error_for(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    }
}

/// Accuracy on one exercise topic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopicAccuracy {
    pub level: Level,
    pub topic: String,
    pub attempts: u32,
    pub correct: u32,
}

impl TopicAccuracy {
    /// To the nearest whole percent (halves up); 0 with no attempts.
    pub fn percent(&self) -> u32 {
        (u64::from(self.correct) * 200 + u64::from(self.attempts))
            .checked_div(2 * u64::from(self.attempts))
            .unwrap_or(0) as u32
    }
}

/// One course's progress on the dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LevelProgress {
    pub level: Level,
    pub total: u32,
    /// (slug, title) of completed modules, in course order.
    pub completed: Vec<(String, String)>,
    /// The first module not yet completed.
    pub next: Option<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub levels: Vec<LevelProgress>,
    pub topics: Vec<TopicAccuracy>,
    /// Up to three topics with the lowest accuracy.
    pub weakest: Vec<TopicAccuracy>,
}

/// A learner as a trainer sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnerRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub organisation: String,
    pub foundation_completed: u32,
    pub intermediate_completed: u32,
    pub attempts: u32,
    pub correct: u32,
}

/// A user row on the administration page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub organisation: Option<String>,
    /// For trainers: the organisations they follow.
    pub follows: Vec<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_round_trip() {
        assert!(Role::Learner < Role::Trainer && Role::Trainer < Role::Admin);
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn accuracy_handles_no_attempts() {
        let t = TopicAccuracy {
            level: Level::Foundation,
            topic: "x".into(),
            attempts: 0,
            correct: 0,
        };
        assert_eq!(t.percent(), 0);
        let t = TopicAccuracy {
            attempts: 3,
            correct: 2,
            ..t.clone()
        };
        assert_eq!(t.percent(), 67, "2 of 3 is 66.7%: to the nearest");
        let t = TopicAccuracy {
            attempts: 8,
            correct: 1,
            ..t
        };
        assert_eq!(t.percent(), 13, "12.5% rounds half up");
        let t = TopicAccuracy {
            attempts: u32::MAX,
            correct: u32::MAX,
            ..t
        };
        assert_eq!(t.percent(), 100, "no overflow");
    }
}
