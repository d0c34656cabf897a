//! Small banks and definitions for the unit tests.

use super::definition::{BlueprintEntry, ExamDefinition, Review};
use super::question::{ModuleIndex, ModuleInfo, Origin, Question, QuestionKind, QuestionSet};
use crate::level::Level;

/// A Foundation question with `n` options `Option i of <id>`.
pub fn question(id: &str, topic: &str, kind: QuestionKind, n: usize, key: &[usize]) -> Question {
    Question {
        id: id.into(),
        level: Level::Foundation,
        topic: topic.into(),
        kind,
        stem_md: format!("Stem of {id}?"),
        options: (0..n).map(|i| format!("Option {i} of {id}")).collect(),
        key: key.to_vec(),
        explanation_md: "Because.".into(),
        module: format!("/foundation/{topic}#heading"),
        retired: false,
        origin: Origin {
            file: "bank.toml".into(),
            line: 1,
            ..Origin::default()
        },
    }
}

/// Two Foundation modules, `intro` and `next`, each with a `#heading`.
pub fn modules() -> ModuleIndex {
    let info = |slug: &str| ModuleInfo {
        level: Level::Foundation,
        slug: slug.into(),
        anchors: ["heading".to_string()].into_iter().collect(),
        words: 1000,
    };
    ModuleIndex {
        modules: vec![info("intro"), info("next")],
    }
}

/// `intro`: 5 questions (4 single, 1 multiple); `next`: 6 questions (all
/// single, 3 to 5 options).
pub fn bank() -> QuestionSet {
    let mut qs = Vec::new();
    for i in 0..4 {
        qs.push(question(
            &format!("intro-{i}"),
            "intro",
            QuestionKind::Single,
            4,
            &[i % 4],
        ));
    }
    qs.push(question(
        "intro-4",
        "intro",
        QuestionKind::Multiple,
        5,
        &[0, 3],
    ));
    for i in 0..6 {
        qs.push(question(
            &format!("next-{i}"),
            "next",
            QuestionKind::Single,
            3 + i % 3,
            &[0],
        ));
    }
    QuestionSet::new(qs)
}

/// 7 questions: 3 from `intro`, 4 from `next`; 10 minutes, pass mark 70.
pub fn definition() -> ExamDefinition {
    ExamDefinition {
        title: "Test exam".into(),
        level: Level::Foundation,
        questions: 7,
        minutes: 10,
        pass_mark_percent: 70,
        grace_seconds: 30,
        max_attempts: 3,
        cooldown_hours: 24,
        review: Review::Immediate,
        blueprint: vec![
            BlueprintEntry {
                topic: "intro".into(),
                questions: 3,
                line: 10,
            },
            BlueprintEntry {
                topic: "next".into(),
                questions: 4,
                line: 14,
            },
        ],
        generated: Vec::new(),
        origin: Origin {
            file: "foundation.toml".into(),
            line: 1,
            ..Origin::default()
        },
    }
}
