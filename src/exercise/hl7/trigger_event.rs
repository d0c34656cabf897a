//! Name the trigger event: what MSH-9.2 means, and (Intermediate) which
//! other events share the message structure in MSH-9.3.

use crate::exercise::{AnswerForm, Check, Part, PartKey};
use crate::hl7::trigger_event;
use crate::synth::Event;

use super::{er7, identity_link, link, Ctx, Made};

/// A trigger event: code, v2.5.1 message structure (table 0354) and what
/// it tells the receiver.
#[derive(Clone, Copy)]
pub(crate) struct EventInfo {
    pub code: &'static str,
    pub structure: &'static str,
    pub does: &'static str,
}

const fn e(code: &'static str, structure: &'static str, does: &'static str) -> EventInfo {
    EventInfo {
        code,
        structure,
        does,
    }
}

/// The events used as answers and distractors, with their message
/// structures in HL7 v2.5.1 (chapter 3 for ADT, 4 for orders, 7 for
/// results, 10 for scheduling; table 0354 lists the structures).
pub(crate) const EVENTS: &[EventInfo] = &[
    e("A01", "ADT_A01", "the patient has been admitted as an inpatient"),
    e("A02", "ADT_A02", "the patient has moved to another ward, bed or location"),
    e("A03", "ADT_A03", "the inpatient stay or visit has ended"),
    e("A04", "ADT_A01", "an outpatient or emergency attendance has been registered, without an admission"),
    e("A05", "ADT_A05", "an admission has been booked before the patient arrives"),
    e("A08", "ADT_A01", "the patient's details (name, address, date of birth, GP...) have changed"),
    e("A09", "ADT_A09", "the patient is leaving for another department or location, for tracking"),
    e("A10", "ADT_A09", "the patient has arrived at a department or location, for tracking"),
    e("A11", "ADT_A09", "an earlier admission (A01) or registration (A04) was a mistake and is withdrawn"),
    e("A12", "ADT_A12", "an earlier transfer (A02) was a mistake and is withdrawn"),
    e("A13", "ADT_A01", "an earlier discharge (A03) was a mistake: the patient is still in"),
    e("A28", "ADT_A05", "a new person record has been created, not tied to a visit"),
    e("A31", "ADT_A05", "a person record, not tied to a visit, has changed"),
    e("A34", "ADT_A30", "an older style of merge that moves only the patient ID"),
    e("A38", "ADT_A38", "a pre-admission (A05) has been cancelled"),
    e("A39", "ADT_A39", "two person records are merged by patient ID, an older form kept for backward compatibility"),
    e("A40", "ADT_A39", "two records are the same person: the identifier in MRG-1 is retired into the one in PID-3"),
    e("A41", "ADT_A39", "two of the patient's account numbers are merged into one"),
    e("A42", "ADT_A39", "two visit numbers are merged into one"),
    e("A47", "ADT_A30", "one of the patient's identifiers is changed to a new value, without a merge"),
    e("O01", "ORM_O01", "a general order: a new request, a cancellation or a status change, as ORC-1 says"),
    e("O23", "OMI_O23", "an imaging order, with the DICOM identifiers in IPC segments"),
    e("R01", "ORU_R01", "results sent without being asked for, such as a verified radiology report"),
    e("S12", "SIU_S12", "a new appointment has been booked"),
];

pub(crate) fn info(code: &str) -> Option<EventInfo> {
    EVENTS.iter().copied().find(|i| i.code == code)
}

/// `A40 — Merge patient - patient identifier list: two records are...`.
pub(crate) fn option_text(i: EventInfo) -> String {
    let name = trigger_event(i.code).unwrap_or(i.code);
    let name = name.split(" (also").next().unwrap_or(name);
    format!("{} — {name}: {}", i.code, i.does)
}

const FOUNDATION: &[Event] = &[
    Event::AdtA01,
    Event::AdtA02,
    Event::AdtA03,
    Event::AdtA08,
    Event::OrmO01,
    Event::OmiO23,
    Event::OruR01,
    Event::SiuS12,
];

const INTERMEDIATE: &[Event] = &[Event::AdtA04, Event::AdtA08, Event::AdtA11, Event::AdtA40];

/// The events a learner is likely to confuse with `code`: the event the
/// structure is named after first.
fn traps(code: &str) -> &'static [&'static str] {
    match code {
        "A04" => &["A01", "A05", "A28"],
        "A08" => &["A01", "A31", "A05"],
        "A11" => &["A09", "A13", "A38"],
        _ => &["A39", "A34", "A47"],
    }
}

pub(super) fn make(ctx: &mut Ctx) -> Made {
    let hard = ctx.hard();
    let event = ctx.pick(if hard { INTERMEDIATE } else { FOUNDATION });
    let g = ctx.message(event);
    let (_, code, structure) = event.msh9();
    let Some(correct) = info(code) else {
        unreachable_event(code)
    };
    let distractors: Vec<String> = if hard {
        traps(code)
            .iter()
            .filter_map(|c| info(c))
            .map(option_text)
            .collect()
    } else {
        let pool: Vec<EventInfo> = EVENTS
            .iter()
            .copied()
            .filter(|i| i.code != code && FOUNDATION_POOL.contains(&i.code))
            .collect();
        ctx.sample(&pool, 3).into_iter().map(option_text).collect()
    };
    let (options, index) = ctx.options(option_text(correct), distractors);
    let event_form = AnswerForm::Choice {
        label: "Which trigger event is this, and what does it tell the receiver?".to_owned(),
        options,
        multiple: false,
    };
    let event_key = PartKey::new(
        "event",
        Check::Choice {
            correct: vec![index],
            count: 4,
        },
        option_text(correct),
    );
    let name = trigger_event(code).unwrap_or(code);
    let name = name.split(" (also").next().unwrap_or(name);
    let mut explanation = format!(
        "The trigger event is MSH-9.2, the second component of the message type (HL7 v2.5.1 chapter 2): here {code}, {name}. It says what happened in the real world, so the receiver knows what to do: {}.",
        correct.does
    );
    if !hard {
        let chapter = match code.as_bytes().first() {
            Some(b'A') => "chapter 3 (patient administration)",
            Some(b'O') => "chapter 4 (order entry)",
            Some(b'R') => "chapter 7 (observation reporting)",
            _ => "chapter 10 (scheduling)",
        };
        explanation.push_str(&format!(
            " {code} is defined in HL7 v2.5.1 {chapter}; EVN-1, when present, repeats the event code only for backward compatibility."
        ));
        return Made {
            prompt:
                "Read MSH-9. Which trigger event does this message carry, and what does it mean?"
                    .to_owned(),
            er7: er7(&g.message),
            answer: event_form,
            parts: vec![PartKey {
                name: crate::exercise::SINGLE.to_owned(),
                ..event_key
            }],
            expected: format!("{} (MSH-9.2)", option_text(correct)),
            explanation,
            highlight: vec!["MSH-9.2".to_owned()],
            learn_more: identity_link(
                "the-trigger-events-you-will-meet",
                "The trigger events you will meet",
            ),
        };
    }
    // Which other event shares this structure?
    let sharers: Vec<EventInfo> = EVENTS
        .iter()
        .copied()
        .filter(|i| i.structure == structure && i.code != code)
        .collect();
    let sharer = sharers[ctx.rng.index(sharers.len())];
    let others: Vec<EventInfo> = EVENTS
        .iter()
        .copied()
        .filter(|i| i.structure != structure && i.code.starts_with('A'))
        .collect();
    let wrong: Vec<String> = ctx
        .sample(&others, 3)
        .into_iter()
        .map(option_text)
        .collect();
    let (shared_options, shared_index) = ctx.options(option_text(sharer), wrong);
    let all_sharers: Vec<&str> = EVENTS
        .iter()
        .filter(|i| i.structure == structure)
        .map(|i| i.code)
        .collect();
    explanation.push_str(&format!(
        " MSH-9.3 names the message structure, the segment layout, and several events share one: {structure} is used by {} in v2.5.1 (HL7 v2.5.1 chapter 3, table 0354). So {code} is not \"really\" {}: it is laid out like it. Of the options, only {} uses {structure}.",
        all_sharers.join(", "),
        structure.trim_start_matches("ADT_"),
        sharer.code
    ));
    Made {
        prompt: "Read MSH-9. Which trigger event does this message carry, and which other trigger event is sent with the same message structure?".to_owned(),
        er7: er7(&g.message),
        answer: AnswerForm::Parts(vec![
            Part {
                name: "event".to_owned(),
                form: event_form,
            },
            Part {
                name: "structure".to_owned(),
                form: AnswerForm::Choice {
                    label: "Which other trigger event uses the same message structure as this one?"
                        .to_owned(),
                    options: shared_options,
                    multiple: false,
                },
            },
        ]),
        parts: vec![
            event_key,
            PartKey::new(
                "structure",
                Check::Choice {
                    correct: vec![shared_index],
                    count: 4,
                },
                format!("{} (also {structure})", option_text(sharer)),
            ),
        ],
        expected: format!(
            "{} (MSH-9.2); {} shares the structure {structure} (MSH-9.3)",
            option_text(correct),
            sharer.code
        ),
        explanation,
        highlight: vec!["MSH-9.2".to_owned(), "MSH-9.3".to_owned()],
        learn_more: link(
            "intermediate",
            "hl7-message-profiles",
            "naming-the-structure-and-the-profile-in-the-message",
            "Naming the structure and the profile in the message",
        ),
    }
}

/// Events Foundation distractors are drawn from.
const FOUNDATION_POOL: &[&str] = &[
    "A01", "A02", "A03", "A04", "A05", "A08", "A11", "A13", "A28", "A40", "O01", "O23", "R01",
    "S12",
];

fn unreachable_event(code: &str) -> ! {
    panic!("exercise: no description for trigger event {code}")
}
