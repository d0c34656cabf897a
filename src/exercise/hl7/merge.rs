//! Read a merge: in an ADT^A40, which hospital number survives (PID-3) and
//! which is retired (MRG-1).

use crate::exercise::{AnswerForm, Check, Part, PartKey, TextMode};
use crate::synth::Event;

use super::{
    edit, er7, identity_link, link, pid3_repetition, set_raw, swap_repetitions, value, Ctx, Made,
};

pub(super) fn make(ctx: &mut Ctx) -> Made {
    let g = ctx.message(Event::AdtA40);
    let mut m = g.message.clone();
    let hard = ctx.hard();
    let mut swapped = false;
    let mut nhs_in_mrg = false;
    if hard {
        swapped = ctx.chance(500);
        nhs_in_mrg = !swapped || ctx.chance(500);
        if swapped {
            m = swap_repetitions(&m, "PID", 3);
        }
    }
    let mr = pid3_repetition(&m, "MR");
    let nh = pid3_repetition(&m, "NH");
    let survivor = value(&m, &format!("PID-3({mr}).1"));
    let nhs = value(&m, &format!("PID-3({nh}).1"));
    let retired = value(&m, "MRG-1.1");
    if nhs_in_mrg {
        let d = *m.delimiters();
        let raw = crate::hl7::Path::parse("MRG-1")
            .ok()
            .and_then(|p| m.get(&p).map(str::to_owned))
            .unwrap_or_default();
        let nhs_raw = crate::hl7::Path::parse(&format!("PID-3({nh})"))
            .ok()
            .and_then(|p| m.get(&p).map(str::to_owned))
            .unwrap_or_default();
        let both = format!("{raw}{}{nhs_raw}", d.repetition());
        m = edit(&m, |b| set_raw(b, "MRG-1", &both));
    }
    let mut explanation = format!("An ADT^A40, merge patient – patient identifier list, uses the ADT_A39 structure (HL7 v2.5.1 chapter 3). PID-3 carries the identifiers of the record that survives and MRG-1, prior patient identifier list, those of the record merged into it and retired. So hospital number {survivor} (PID-3, type MR) survives and {retired} (MRG-1) is retired: PACS should move every study filed under {retired} to {survivor} and file nothing more under {retired}.");
    if nhs_in_mrg {
        explanation.push_str(&format!(" MRG-1 also repeats the NHS number {nhs}: both records belong to one person, so the national number is the same, and it is the local hospital number that is retired."));
    } else {
        explanation.push_str(&format!(" The NHS number {nhs} identifies the person, not either local record, so it is neither answer."));
    }
    if swapped {
        explanation.push_str(" Here the NHS number comes first in PID-3: identifiers must be told apart by their type code (component 5), never by position.");
    }
    let highlight = vec![format!("PID-3({mr})"), "MRG-1".to_owned()];
    let prompt = "This ADT^A40 merges two patient records. Which hospital number survives, and which is retired?".to_owned();
    let expected = format!("{survivor} survives (PID-3); {retired} is retired (MRG-1)");
    if hard {
        let text_part = |name: &str, label: &str| Part {
            name: name.to_owned(),
            form: AnswerForm::Text {
                label: label.to_owned(),
                hint: Some("the hospital number".to_owned()),
            },
        };
        return Made {
            prompt,
            er7: er7(&m),
            answer: AnswerForm::Parts(vec![
                text_part("survives", "Surviving hospital number"),
                text_part("retired", "Retired hospital number"),
            ]),
            parts: vec![
                PartKey::new(
                    "survives",
                    Check::Text {
                        accepted: vec![survivor.clone()],
                        mode: TextMode::Identifier,
                    },
                    format!("{survivor} (PID-3({mr}).1)"),
                ),
                PartKey::new(
                    "retired",
                    Check::Text {
                        accepted: vec![retired.clone()],
                        mode: TextMode::Identifier,
                    },
                    format!("{retired} (MRG-1(1).1)"),
                ),
            ],
            expected,
            explanation,
            highlight,
            learn_more: link(
                "intermediate",
                "reconciliation-and-study-merges",
                "worked-example-an-adta40-decoded",
                "Worked example: an ADT^A40 decoded",
            ),
        };
    }
    let mut options = vec![survivor.clone(), retired.clone(), nhs.clone()];
    ctx.shuffle(&mut options);
    let index = |id: &str| options.iter().position(|o| o == id).unwrap_or(0);
    let (s, r) = (index(&survivor), index(&retired));
    let choice = |label: &str| AnswerForm::Choice {
        label: label.to_owned(),
        options: options.clone(),
        multiple: false,
    };
    Made {
        prompt,
        er7: er7(&m),
        answer: AnswerForm::Parts(vec![
            Part {
                name: "survives".to_owned(),
                form: choice("Which identifier survives?"),
            },
            Part {
                name: "retired".to_owned(),
                form: choice("Which identifier is retired?"),
            },
        ]),
        parts: vec![
            PartKey::new(
                "survives",
                Check::Choice {
                    correct: vec![s],
                    count: options.len(),
                },
                format!("{survivor} (PID-3({mr}).1)"),
            ),
            PartKey::new(
                "retired",
                Check::Choice {
                    correct: vec![r],
                    count: options.len(),
                },
                format!("{retired} (MRG-1.1)"),
            ),
        ],
        expected,
        explanation,
        highlight,
        learn_more: identity_link("merging-patient-records", "Merging patient records"),
    }
}
