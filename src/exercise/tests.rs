//! Properties every exercise kind must have, over many seeds.

use std::collections::HashMap;

use super::hl7::checks::{check, FaultKind};
use super::hl7::spot_defect::inject;
use super::hl7::Ctx;
use super::*;
use crate::hl7::{parse, ParseErrorKind, Path};
use crate::synth::{generate as synth_generate, DateTime, Event};

const SEEDS: u64 = 300;

/// The HL7 kinds; the DICOM kinds have their own tests in `dicom/tests.rs`.
fn hl7_kinds() -> impl Iterator<Item = &'static Kind> {
    Kind::ALL.iter().filter(|k| k.standard() == Standard::Hl7)
}

fn all() -> impl Iterator<Item = (Kind, Level, u64)> {
    hl7_kinds().flat_map(|&k| {
        Level::ALL
            .iter()
            .flat_map(move |&d| (0..SEEDS).map(move |s| (k, d, s * 7919 + 3)))
    })
}

fn er7(ex: &Exercise) -> &str {
    match &ex.material {
        Material::Hl7 { er7 } => er7,
        Material::Text(t) => t,
        // DICOM kinds have no ER7; these tests cover the HL7 kinds.
        _ => "",
    }
}

/// The right answer, built from the key.
fn right(key: &Key) -> Answer {
    Answer::of(key.parts.iter().map(|p| {
        let v = match &p.check {
            Check::Text { accepted, .. } => accepted[0].clone(),
            Check::Choice { correct, .. } => correct
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(","),
            Check::Location(targets) => targets[0].path.to_string(),
        };
        (p.name.clone(), v)
    }))
}

/// A plausible wrong answer for one part.
fn wrong_value(check: &Check) -> String {
    match check {
        Check::Text { accepted, mode } => match mode {
            TextMode::Date => "19010101".to_owned(),
            TextMode::DateTime => "19010101000000".to_owned(),
            TextMode::Phone => "01632 960000".to_owned(),
            _ => format!("{}X", accepted[0]),
        },
        Check::Choice { correct, count } => ((correct[0] + 1) % count).to_string(),
        Check::Location(targets) => {
            let candidates = ["MSH-3", "PID-8", "PV1-3", "MSH-12"];
            candidates
                .iter()
                .find(|c| {
                    let p = Path::parse(c).expect("literal");
                    !targets.iter().any(|t| t.accepts(&p))
                })
                .map(|c| (*c).to_owned())
                .unwrap_or_else(|| "ZZZ-1".to_owned())
        }
    }
}

/// The right answer written the way a person might: other case, spaces,
/// dashes in dates, `-` in paths.
fn lenient(key: &Key) -> Answer {
    Answer::of(key.parts.iter().map(|p| {
        let v = match &p.check {
            Check::Text { accepted, mode } => {
                let a = &accepted[0];
                match mode {
                    TextMode::Date if a.len() == 8 => {
                        format!("{}-{}-{}", &a[..4], &a[4..6], &a[6..8])
                    }
                    TextMode::DateTime if a.len() == 14 => format!(
                        "{}-{}-{}T{}:{}:{}",
                        &a[..4],
                        &a[4..6],
                        &a[6..8],
                        &a[8..10],
                        &a[10..12],
                        &a[12..14]
                    ),
                    TextMode::Phone => a.replace(' ', ""),
                    _ => format!("  {}  ", a.to_lowercase()),
                }
            }
            Check::Choice { correct, .. } => format!(" {} ", correct[0]),
            Check::Location(targets) => {
                format!(
                    " {} ",
                    targets[0].path.to_string().to_lowercase().replace('.', "-")
                )
            }
        };
        (p.name.clone(), v)
    }))
}

#[test]
fn slugs_round_trip() {
    for &k in Kind::ALL {
        assert_eq!(Kind::from_slug(k.slug()), Some(k));
        let standard = if k.slug().starts_with("hl7-") {
            Standard::Hl7
        } else {
            Standard::Dicom
        };
        assert_eq!(k.standard(), standard);
        assert!(!k.title().is_empty() && !k.summary().is_empty() && !k.topic().is_empty());
    }
    for d in Level::ALL {
        assert_eq!(Level::from_slug(d.slug()), Some(d));
    }
    assert_eq!(Kind::from_slug("nope"), None);
    assert_eq!(Level::from_slug("Foundation"), None);
}

#[test]
fn topics_have_one_readable_name() {
    for &k in Kind::ALL {
        let name = topic_title(k.topic()).expect("every kind's topic has a name");
        assert_eq!(
            name,
            k.topic_title(),
            "kinds sharing a topic share its name"
        );
        assert!(!name.contains('-'), "{name}: a name, not a slug");
        assert!(
            name.starts_with("HL7 ") || name.starts_with("DICOM "),
            "{name}"
        );
    }
    assert_eq!(
        topic_title("hl7-trigger-events"),
        Some("HL7 trigger events")
    );
    assert_eq!(topic_title("no-such-topic"), None);
}

#[test]
fn generation_is_deterministic_and_seeds_differ() {
    for &k in hl7_kinds() {
        for d in Level::ALL {
            let mut materials = std::collections::HashSet::new();
            for s in 0..60 {
                let a = generate(k, d, s);
                assert_eq!(a, generate(k, d, s), "{k:?} {d:?} {s}");
                materials.insert(er7(&a.0).to_owned());
            }
            assert!(
                materials.len() > 50,
                "{k:?} {d:?}: seeds give the same message"
            );
        }
    }
}

#[test]
fn material_parses_unless_the_defect_is_a_delimiter() {
    for (k, d, s) in all() {
        let (ex, key) = generate(k, d, s);
        let text = er7(&ex);
        assert!(text.starts_with("MSH") && text.ends_with('\r'), "{k:?} {s}");
        match parse(text) {
            Ok(m) => {
                for h in &key.highlight {
                    let p = Path::parse(h).unwrap_or_else(|e| panic!("{k:?} {s}: {h}: {e}"));
                    assert!(
                        m.get(&p).is_some(),
                        "{k:?} {d:?} {s}: highlight {h} not in message"
                    );
                }
            }
            Err(e) => {
                assert_eq!(k, Kind::Hl7SpotDefect, "{k:?} {d:?} {s}: {e}");
                assert_eq!(
                    key.parts[1].shown,
                    FaultKind::BadDelimiter.label(),
                    "{s}: {e}"
                );
                assert!(matches!(
                    e.kind,
                    ParseErrorKind::InvalidSegmentId
                        | ParseErrorKind::MissingEncodingCharacters
                        | ParseErrorKind::DuplicateEncodingCharacter
                ));
            }
        }
    }
}

#[test]
fn right_answers_pass_and_wrong_ones_fail() {
    for (k, d, s) in all() {
        let (ex, key) = generate(k, d, s);
        let fb = grade(&ex, &key, &right(&key));
        assert!(fb.correct, "{k:?} {d:?} {s}: {fb:?}\n{}", er7(&ex));
        assert!(fb.parts.iter().all(|p| p.correct && p.problem.is_none()));
        assert!(
            grade(&ex, &key, &lenient(&key)).correct,
            "{k:?} {d:?} {s} lenient"
        );
        // Each part wrong on its own makes the whole answer wrong.
        for (i, part) in key.parts.iter().enumerate() {
            let mut answer = right(&key);
            answer.parts[i].1 = wrong_value(&part.check);
            let fb = grade(&ex, &key, &answer);
            assert!(!fb.correct, "{k:?} {d:?} {s}: wrong {} accepted", part.name);
            assert!(!fb.parts[i].correct);
        }
    }
}

#[test]
fn feedback_is_complete() {
    for (k, d, s) in all().step_by(7) {
        let (ex, key) = generate(k, d, s);
        let fb = grade(&ex, &key, &right(&key));
        let sentences = fb.explanation.matches(". ").count() + 1;
        assert!(
            (2..=7).contains(&sentences),
            "{k:?} {s}: {}",
            fb.explanation
        );
        assert!(
            fb.explanation.contains("HL7 v2.5.1") || fb.explanation.contains("chapter"),
            "{k:?} {d:?}: {}",
            fb.explanation
        );
        assert!(!fb.expected.is_empty() && !fb.highlight.is_empty());
        assert!(fb.learn_more.parts().is_some(), "{:?}", fb.learn_more);
        // The form and the key name the same parts.
        let names: Vec<&str> = match &ex.answer {
            AnswerForm::Parts(p) => p.iter().map(|p| p.name.as_str()).collect(),
            _ => vec![SINGLE],
        };
        let keyed: Vec<&str> = key.parts.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, keyed);
        assert_eq!(ex.title, k.title());
    }
}

#[test]
fn malformed_answers_never_panic_and_never_pass() {
    let junk = [
        "",
        " ",
        "-1",
        "99",
        "1,2,3",
        "x",
        "PID-0",
        "💥",
        "\u{0}",
        "PID-99999999999999999999",
        "OBX[0]-1",
        ",,,",
        "ZZZ",
    ];
    for (k, d, s) in all().step_by(5) {
        let (ex, key) = generate(k, d, s);
        assert!(!grade(&ex, &key, &Answer::default()).correct);
        for j in junk {
            let answer = Answer::of(key.parts.iter().map(|p| (p.name.clone(), j.to_owned())));
            let fb = grade(&ex, &key, &answer);
            assert!(!fb.correct, "{k:?} {s}: {j:?} accepted");
        }
        let mut extra = right(&key);
        extra.parts.push(("nonsense".to_owned(), "1".to_owned()));
        let fb = grade(&ex, &key, &extra);
        assert!(!fb.correct);
        assert!(fb
            .parts
            .iter()
            .any(|p| p.name == "nonsense" && p.problem.is_some()));
        // A key from another exercise never grades correct.
        let (_, other) = generate(k, d, s + 1);
        assert!(!grade(&ex, &other, &right(&other)).correct || other == key);
    }
}

#[test]
fn empty_and_out_of_range_answers_say_why() {
    let (ex, key) = generate(Kind::Hl7BuildAck, Level::Foundation, 1);
    let fb = grade(&ex, &key, &Answer::of([("msa1", "7"), ("msa2", "")]));
    assert!(!fb.correct);
    assert_eq!(
        fb.parts[0].problem.as_deref(),
        Some("Choose one of the options.")
    );
    assert_eq!(fb.parts[1].problem.as_deref(), Some("Type an answer."));
    let (ex, key) = generate(Kind::Hl7LocateField, Level::Foundation, 1);
    let fb = grade(&ex, &key, &Answer::single("not a path"));
    assert!(fb.parts[0].problem.is_some());
}

#[test]
fn correct_choices_are_spread_over_positions() {
    let mut positions: HashMap<(Kind, Level, String), Vec<usize>> = HashMap::new();
    for (k, d, s) in all() {
        let (_, key) = generate(k, d, s);
        for p in &key.parts {
            if let Check::Choice { correct, count } = &p.check {
                let counts = positions
                    .entry((k, d, p.name.clone()))
                    .or_insert_with(|| vec![0; *count]);
                counts[correct[0]] += 1;
            }
        }
    }
    assert!(positions.len() >= 9, "{:?}", positions.keys());
    for ((k, d, name), counts) in positions {
        let total: usize = counts.iter().sum();
        let fair = total / counts.len();
        for (i, c) in counts.iter().enumerate() {
            assert!(
                *c * 2 >= fair && *c <= fair * 2,
                "{k:?} {d:?} {name}: option {i} correct {c} times of {total} ({counts:?})"
            );
        }
    }
}

#[test]
fn prompts_and_options_do_not_give_the_answer_away() {
    for (k, d, s) in all() {
        let (ex, key) = generate(k, d, s);
        let json = serde_json::to_string(&ex).expect("serialise");
        for p in &key.parts {
            if let Check::Text { accepted, .. } = &p.check {
                for a in accepted.iter().filter(|a| a.len() >= 3) {
                    assert!(
                        !ex.prompt.contains(a.as_str()),
                        "{k:?} {s}: prompt holds {a}"
                    );
                    if let AnswerForm::Parts(parts) = &ex.answer {
                        for part in parts {
                            if let AnswerForm::Text { label, hint } = &part.form {
                                assert!(!label.contains(a.as_str()));
                                assert!(!hint.as_deref().unwrap_or("").contains(a.as_str()));
                            }
                        }
                    }
                }
            }
        }
        // Nothing from the key's explanation or expected answer travels.
        assert!(!json.contains(&key.explanation));
        assert!(!json.contains("correct"));
    }
}

#[test]
fn unmodified_messages_pass_every_check_and_injected_ones_fail_exactly_one() {
    let mut seen: HashMap<FaultKind, usize> = HashMap::new();
    for d in Level::ALL {
        for s in 0..SEEDS * 2 {
            let mut ctx = Ctx::new(Kind::Hl7SpotDefect, d, s);
            let inj = inject(&mut ctx);
            assert_eq!(
                check(&inj.base).map(|f| f.len()),
                Ok(0),
                "{d:?} {s}: base faults"
            );
            let faults = check(&inj.er7).unwrap_or_else(|e| panic!("{d:?} {s}: {e}"));
            assert_eq!(faults.len(), 1, "{d:?} {s}: {faults:?}\n{}", inj.er7);
            let f = &faults[0];
            assert_eq!(f.kind, inj.kind, "{d:?} {s}: {f:?}");
            let at = Path::parse(&f.path).expect("fault path");
            assert!(
                inj.targets.iter().any(|t| t.accepts(&at)),
                "{d:?} {s}: {f:?} not among {:?}",
                inj.places
            );
            *seen.entry(inj.kind).or_default() += 1;
            // The exercise for the same seed is built from the same injection.
            let (ex, key) = generate(Kind::Hl7SpotDefect, d, s);
            assert_eq!(er7(&ex), inj.er7);
            assert_eq!(key.parts[1].shown, inj.kind.label());
        }
    }
    assert_eq!(seen.len(), FaultKind::ALL.len(), "{seen:?}");
}

#[test]
fn every_generated_event_passes_the_checks() {
    let base = DateTime::new(2025, 3, 14, 9, 0, 0).expect("valid");
    for event in Event::ALL {
        for s in 0..100 {
            let g = synth_generate(event, s, base);
            assert_eq!(
                check(&g.er7).map(|f| f.len()),
                Ok(0),
                "{event} {s}: {:?}",
                check(&g.er7)
            );
        }
    }
}

#[test]
fn each_check_catches_its_fault_by_hand() {
    let base = DateTime::new(2025, 3, 14, 9, 0, 0).expect("valid");
    let g = synth_generate(Event::AdtA08, 5, base);
    let kinds = |text: &str| -> Vec<(FaultKind, String)> {
        check(text)
            .expect("parses")
            .into_iter()
            .map(|f| (f.kind, f.path))
            .collect()
    };
    let control = g.message.control_id().expect("MSH-10");
    assert_eq!(
        kinds(&g.er7.replace(&format!("|{control}|"), "||")),
        vec![(FaultKind::MissingControlId, "MSH-10".to_owned())]
    );
    let dob = g.patient.date_of_birth.hl7_date();
    let bad = format!("{}0231", &dob[..4]);
    assert_eq!(
        kinds(&g.er7.replace(&format!("|{dob}|"), &format!("|{bad}|"))),
        vec![(FaultKind::InvalidDate, "PID-7".to_owned())]
    );
    let nhs = &g.patient.nhs_number;
    let last = nhs.as_bytes()[9] - b'0';
    let wrong = format!("{}{}", &nhs[..9], (last + 1) % 10);
    assert_eq!(
        kinds(&g.er7.replace(nhs.as_str(), &wrong)),
        vec![(FaultKind::WrongNhsCheckDigit, "PID-3(2)".to_owned())]
    );
    let family = &g.patient.family_name;
    let pid5 = g
        .message
        .get(&Path::parse("PID-5").expect("path"))
        .expect("PID-5")
        .to_owned();
    assert!(pid5.starts_with(family.as_str()));
    assert_eq!(
        kinds(&g.er7.replace(&format!("|{pid5}|"), "||")),
        vec![(FaultKind::MissingRequiredField, "PID-5".to_owned())]
    );
    let lines: Vec<&str> = g.er7.split('\r').filter(|l| !l.is_empty()).collect();
    let mut swapped = lines.clone();
    swapped.swap(1, 2);
    assert_eq!(
        kinds(&(swapped.join("\r") + "\r")),
        vec![(FaultKind::SegmentOutOfOrder, "EVN".to_owned())]
    );
    let broken: String = g
        .er7
        .split('\r')
        .map(|l| {
            if l.starts_with("PV1") {
                l.replace('|', "#")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\r");
    let faults = check(&broken).expect("delimiter faults are faults");
    assert_eq!(faults.len(), 1);
    assert_eq!(
        (faults[0].kind, faults[0].path.as_str()),
        (FaultKind::BadDelimiter, "PV1")
    );
}

#[test]
fn trigger_event_structures_match_the_generator() {
    use super::hl7::trigger_event_info;
    for event in Event::ALL {
        let (code, trigger, structure) = event.msh9();
        if code == "ACK" {
            continue;
        }
        let info = trigger_event_info(trigger).unwrap_or_else(|| panic!("{trigger}"));
        assert_eq!(info, structure, "{event}");
    }
}
