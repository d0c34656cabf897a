//! Build the acknowledgement: given an incoming message and what happened
//! at the receiver, choose MSA-1 and give MSA-2 (and, at Intermediate,
//! MSH-9 and MSH-5 of the ACK). Original acknowledgement mode, HL7 v2.5.1
//! chapter 2 (section 2.9) and table 0008.

use crate::exercise::{AnswerForm, Check, Part, PartKey, TextMode};
use crate::synth::Event;

use super::{edit, er7, link, orders_link, set, value, Ctx, Made};

const FOUNDATION: &[Event] = &[
    Event::OrmO01,
    Event::AdtA01,
    Event::AdtA04,
    Event::AdtA08,
    Event::OruR01,
];
const INTERMEDIATE: &[Event] = &[
    Event::OmiO23,
    Event::OruR01,
    Event::AdtA02,
    Event::AdtA03,
    Event::AdtA08,
    Event::AdtA40,
];

/// The MSA-1 options, in table 0008 order.
pub(crate) const CODES: [(&str, &str); 3] = [
    (
        "AA",
        "AA — Application Accept: the message was processed successfully",
    ),
    (
        "AE",
        "AE — Application Error: processing failed because of an error in the message's content",
    ),
    (
        "AR",
        "AR — Application Reject: the message was refused without being processed",
    ),
];

/// What happened at the receiver, and why that earns its code.
struct Scenario {
    text: String,
    why: String,
    /// A change to the material that the scenario describes.
    change: Option<(&'static str, &'static str)>,
}

fn scenario(ctx: &mut Ctx, outcome: usize, event: Event, m: &crate::hl7::Message) -> Scenario {
    let receiver = value(m, "MSH-5");
    let (code, trigger, _) = event.msh9();
    let hn = value(m, "PID-3(1).1");
    let s = |text: String, why: &str| Scenario {
        text,
        why: why.to_owned(),
        change: None,
    };
    let hard = ctx.hard();
    match (outcome, hard) {
        (0, false) => s(
            match code {
                "ORM" => format!("The {receiver} stored the order and added it to its worklist."),
                "ORU" => format!("The {receiver} filed the report against the request."),
                _ => format!("The {receiver} updated its copy of the patient's details."),
            },
            "The receiving application processed the message successfully, so it answers AA, application accept.",
        ),
        (0, true) => s(
            match event {
                Event::AdtA40 => format!("The {receiver} has no record with the retired identifier in MRG-1, so there was nothing to move; it logged the merge and carried on."),
                Event::OruR01 => format!("The {receiver} filed the report. OBX-3 uses a local code it does not know, which the interface specification allows, so it logged a warning."),
                Event::OmiO23 => format!("The {receiver} was busy, waited two minutes for its database, then created the worklist entry."),
                _ => format!("The {receiver} applied the {trigger}, although the GP practice code in PD1 is not in its directory; it logged a warning and carried on."),
            },
            "The message was processed, so the answer is AA even though something was noted: a warning can travel in an ERR segment with severity W (ERR-4) alongside AA, and a slow receiver is not an error.",
        ),
        (1, false) => {
            if code == "ORM" || code == "ORU" {
                let proc = value(m, "OBR-4.1");
                s(
                    format!("The {receiver} could not process it: the procedure code {proc} in OBR-4 is not in its procedure table."),
                    "The message was accepted for processing but its content could not be processed, so the answer is AE, application error, with ERR-3 code 103, table value not found. Sending it again unchanged would fail again: someone must fix the data or the table.",
                )
            } else {
                Scenario {
                    text: format!("The trust's interface specification for this feed makes PID-7 (date of birth) required. This message has none, so the {receiver} did not process it."),
                    why: "The problem is in the content, a field the agreed profile requires is missing, so the answer is AE, application error, with ERR-3 code 101, required field missing. The fix is in the source data: the PAS must send a new message with the date of birth.".to_owned(),
                    change: Some(("PID-7", "")),
                }
            }
        }
        (1, true) => s(
            match event {
                Event::OmiO23 => format!("The Study Instance UID in IPC-3 already exists on the {receiver} for a different patient, so it refused to create the worklist entry."),
                Event::OruR01 => format!("The {receiver} has no request with the placer order number in ORC-2, so it could not file the report."),
                Event::AdtA40 => format!("The {receiver} has no record with the surviving hospital number {hn}, and its specification forbids creating one from a merge, so it did not merge."),
                _ => format!("The {receiver} has no patient with hospital number {hn}, so it could not apply the {trigger}."),
            },
            "The message is well formed and of a kind the receiver handles, but its content could not be processed (an unknown or duplicate key, ERR-3 codes 204 and 205), so the answer is AE, application error. Resending it unchanged would fail the same way.",
        ),
        (_, false) => {
            if ctx.chance(500) {
                Scenario {
                    text: format!("MSH-11 (processing ID) is T, training, but this is the live {receiver}, which accepts only P, production."),
                    why: "The processing ID in MSH-11 is one of the header fields the receiver checks before looking at the content; when it is not acceptable the message is rejected with AR, application reject (ERR-3 code 202, unsupported processing ID). A test system connected to a live one is exactly what this check catches.".to_owned(),
                    change: Some(("MSH-11", "T")),
                }
            } else {
                let allowed = match code {
                    "ADT" => "ORM and OMI",
                    "ORM" => "ADT and OMI",
                    _ => "ADT and ORM",
                };
                s(
                    format!("This interface on the {receiver} accepts only {allowed} messages, and this is an {code} message."),
                    "A message type the receiver does not support is rejected without being processed: AR, application reject (ERR-3 code 200, unsupported message type). The content was never examined, so the fix is in the configuration, not the data.",
                )
            }
        }
        (_, true) => match ctx.rng.below(3) {
            0 => s(
                format!("The {receiver}'s database was down for maintenance, so it could not process any message."),
                "In original mode AR also covers a receiver that cannot process the message for reasons unrelated to its content, such as being down. Unlike AE, resending the unchanged message later may well succeed.",
            ),
            1 => s(
                format!("The {receiver} is configured for HL7 v2.3 only and does not accept the version in MSH-12."),
                "The version ID in MSH-12 is checked before the content; a version the receiver does not support is rejected with AR, application reject (ERR-3 code 203, unsupported version ID).",
            ),
            _ => s(
                match event {
                    Event::OmiO23 => format!("The {receiver} accepts orders only as ORM^O01, not OMI^O23."),
                    Event::OruR01 => format!("The {receiver} accepts only ADT and ORM messages, not ORU."),
                    _ => format!("The {receiver} accepts ADT^A01 and ADT^A04 only, not {code}^{trigger}."),
                },
                "A message type or trigger event the receiver does not support is rejected without being processed: AR, application reject (ERR-3 code 200, unsupported message type, or 201, unsupported event code).",
            ),
        },
    }
}

pub(super) fn make(ctx: &mut Ctx) -> Made {
    let hard = ctx.hard();
    let event = ctx.pick(if hard { INTERMEDIATE } else { FOUNDATION });
    let g = ctx.message(event);
    let outcome = ctx.rng.index(3);
    let sc = scenario(ctx, outcome, event, &g.message);
    let m = match sc.change {
        Some((path, v)) => edit(&g.message, |b| set(b, path, v)),
        None => g.message.clone(),
    };
    let control = value(&m, "MSH-10");
    let sender = value(&m, "MSH-3");
    let (_, trigger, _) = event.msh9();
    let ack_type = format!("ACK^{trigger}^ACK");
    let (code, _) = CODES[outcome];
    let mut parts = vec![
        Part {
            name: "msa1".to_owned(),
            form: AnswerForm::Choice {
                label: "MSA-1, acknowledgement code".to_owned(),
                options: CODES.iter().map(|(_, t)| (*t).to_owned()).collect(),
                multiple: false,
            },
        },
        Part {
            name: "msa2".to_owned(),
            form: AnswerForm::Text {
                label: "MSA-2, message control ID".to_owned(),
                hint: Some("the value the ACK must echo".to_owned()),
            },
        },
    ];
    let mut keys = vec![
        PartKey::new(
            "msa1",
            Check::Choice {
                correct: vec![outcome],
                count: 3,
            },
            CODES[outcome].1,
        ),
        PartKey::new(
            "msa2",
            Check::Text {
                accepted: vec![control.clone()],
                mode: TextMode::Code,
            },
            format!("{control} (MSH-10 of the incoming message)"),
        ),
    ];
    let mut explanation = format!(
        "{} MSA-2 must echo MSH-10 of the message being acknowledged, {control}, so that the sender can pair the ACK with its message (HL7 v2.5.1 chapter 2, table 0008 for MSA-1).",
        sc.why
    );
    let mut expected = format!("MSA|{code}|{control}");
    if hard {
        parts.push(Part {
            name: "msh9".to_owned(),
            form: AnswerForm::Text {
                label: "MSH-9 of the ACK".to_owned(),
                hint: Some("code^event^structure".to_owned()),
            },
        });
        parts.push(Part {
            name: "msh5".to_owned(),
            form: AnswerForm::Text {
                label: "MSH-5 of the ACK, receiving application".to_owned(),
                hint: None,
            },
        });
        keys.push(PartKey::new(
            "msh9",
            Check::Text {
                accepted: vec![ack_type.clone()],
                mode: TextMode::Code,
            },
            ack_type.clone(),
        ));
        keys.push(PartKey::new(
            "msh5",
            Check::Text {
                accepted: vec![sender.clone()],
                mode: TextMode::Code,
            },
            format!("{sender} (MSH-3 of the incoming message)"),
        ));
        explanation.push_str(&format!(" The ACK's own header swaps the applications, because the receiver is now the sender: its MSH-5 is {sender}, the incoming MSH-3. Its MSH-9 is {ack_type}: message code ACK, the trigger event of the message acknowledged, and the ACK structure."));
        expected = format!("MSH-5 {sender}, MSH-9 {ack_type}; {expected}");
    }
    let learn_more = if hard {
        link(
            "intermediate",
            "mllp-and-acknowledgements",
            "aa-ae-and-ar",
            "AA, AE and AR",
        )
    } else {
        orders_link("acknowledgements-ack", "Acknowledgements: ACK")
    };
    Made {
        prompt: format!(
            "You are the receiver of this message. {} Build the acknowledgement (original mode).",
            sc.text
        ),
        er7: er7(&m),
        answer: AnswerForm::Parts(parts),
        parts: keys,
        expected,
        explanation,
        highlight: vec!["MSH-10".to_owned(), "MSH-3".to_owned()],
        learn_more,
    }
}
