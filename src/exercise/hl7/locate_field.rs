//! Locate a field: click the part of the message that holds something.

use crate::exercise::{AnswerForm, Check, ModuleLink, PartKey, Target, SINGLE};
use crate::synth::Event;

use super::{
    er7, identity_link, link, msh_link, orders_link, pid3_repetition, swap_repetitions, Ctx, Made,
};

const ORDERS: &[Event] = &[Event::OrmO01, Event::OmiO23, Event::OruR01];
const WITH_PID: &[Event] = &[
    Event::AdtA01,
    Event::AdtA04,
    Event::AdtA08,
    Event::OrmO01,
    Event::OmiO23,
    Event::OruR01,
];
const ANY: &[Event] = &[
    Event::AdtA01,
    Event::AdtA02,
    Event::AdtA03,
    Event::AdtA08,
    Event::AdtA40,
    Event::OrmO01,
    Event::OmiO23,
    Event::OruR01,
    Event::SiuS12,
];

/// One question: what to find, where it may be, and why.
struct Question {
    prompt: String,
    targets: Vec<String>,
    expected: String,
    explanation: String,
    learn_more: ModuleLink,
}

pub(super) fn make(ctx: &mut Ctx) -> Made {
    let hard = ctx.hard();
    let n = if hard { 12 } else { 9 };
    let which = ctx.rng.below(n);
    let event = ctx.pick(events(hard, which));
    let g = ctx.message(event);
    let mut message = g.message.clone();
    if hard && matches!(which, 1 | 2) && ctx.chance(500) {
        message = swap_repetitions(&message, "PID", 3);
    }
    let q = if hard {
        intermediate(which, &message, event)
    } else {
        foundation(which, &message, event)
    };
    Made {
        prompt: q.prompt,
        er7: er7(&message),
        answer: AnswerForm::Hl7Location {
            label: "Click it in the message (or type its path)".to_owned(),
        },
        parts: vec![PartKey::new(
            SINGLE,
            Check::Location(q.targets.iter().map(|t| Target::within(t)).collect()),
            q.expected.clone(),
        )],
        expected: q.expected,
        explanation: q.explanation,
        highlight: q.targets,
        learn_more: q.learn_more,
    }
}

fn events(hard: bool, which: u64) -> &'static [Event] {
    match (hard, which) {
        (false, 0 | 6) => ORDERS,
        (false, 1 | 2 | 7 | 8) => WITH_PID,
        (false, _) => ANY,
        (true, 0 | 6) => ORDERS,
        (true, 1 | 2) => WITH_PID,
        (true, 3) => &[Event::OmiO23],
        (true, 4) => &[Event::OruR01],
        (true, 5) => &[Event::AdtA40],
        (true, 7) => &[Event::OruR01],
        (true, 8) => &[Event::AdtA04, Event::AdtA08, Event::AdtA11, Event::AdtA40],
        (true, 9) => &[Event::OrmO01, Event::OmiO23],
        (true, 10) => &[Event::AdtA01, Event::AdtA02, Event::AdtA03, Event::AdtA08],
        (true, _) => ANY,
    }
}

fn q(
    prompt: &str,
    targets: &[&str],
    expected: &str,
    explanation: &str,
    learn_more: ModuleLink,
) -> Question {
    Question {
        prompt: prompt.to_owned(),
        targets: targets.iter().map(|t| (*t).to_owned()).collect(),
        expected: expected.to_owned(),
        explanation: explanation.to_owned(),
        learn_more,
    }
}

fn foundation(which: u64, message: &crate::hl7::Message, event: Event) -> Question {
    match which {
        0 => {
            let mut targets = vec!["OBR-18", "OBR-3", "ORC-3"];
            if event == Event::OmiO23 {
                targets.push("IPC-1");
            }
            q(
                "Click the field that holds the accession number.",
                &targets,
                "OBR-18 (the same number is also the filler order number in ORC-3 and OBR-3, and in an OMI the accession identifier IPC-1)",
                "The accession number has no single home in HL7 v2: this RIS sends it in OBR-18 (placer field 1), as the IHE Scheduled Workflow mapping does, and uses the same value as its filler order number in ORC-3 and OBR-3 (HL7 v2.5.1 chapter 4). OMI^O23 adds IPC-1, the accession identifier. Any of these fields is accepted here; on a real interface the specification says which one PACS must read.",
                orders_link("where-is-the-accession-number", "Where is the accession number?"),
            )
        }
        1 => q(
            "Click the field that holds the patient's date of birth.",
            &["PID-7"],
            "PID-7",
            "PID-7 is date/time of birth, a TS value that usually holds just YYYYMMDD (HL7 v2.5.1 chapter 3). Count the fields after the segment ID: PID-1 set ID, PID-2 (unused), PID-3 identifiers, PID-4 (unused), PID-5 name, PID-6 mother's maiden name, PID-7 date of birth.",
            identity_link("the-pid-segment-who-the-patient-is", "The PID segment: who the patient is"),
        ),
        2 => q(
            "Click the field that holds the patient's name.",
            &["PID-5"],
            "PID-5",
            "PID-5, patient name, is an XPN: family name, given name, further given names, suffix, prefix and so on, separated by `^` (HL7 v2.5.1 chapter 3). A click anywhere inside the field counts, because the question asks for the field.",
            identity_link("the-pid-segment-who-the-patient-is", "The PID segment: who the patient is"),
        ),
        3 => q(
            "Click the field that holds the message control ID, the value an acknowledgement must echo.",
            &["MSH-10"],
            "MSH-10",
            "MSH-10, message control ID, is the sender's unique reference for this message, and the acknowledgement quotes it back in MSA-2 (HL7 v2.5.1 chapter 2). In MSH the first `|` is itself MSH-1, so MSH-10 is the ninth value after the segment ID.",
            msh_link(),
        ),
        4 => q(
            "Click the field that says what kind of message this is (message code and trigger event).",
            &["MSH-9"],
            "MSH-9",
            "MSH-9, message type, holds the message code (MSH-9.1, e.g. ADT), the trigger event (MSH-9.2, e.g. A08) and the message structure (MSH-9.3, e.g. ADT_A01) (HL7 v2.5.1 chapter 2). Interface engines route on it, together with MSH-3 to MSH-6.",
            msh_link(),
        ),
        5 => q(
            "Click the field that names the application that sent this message.",
            &["MSH-3"],
            "MSH-3",
            "MSH-3 is the sending application and MSH-4 the sending facility; MSH-5 and MSH-6 name the receiver (HL7 v2.5.1 chapter 2). Because MSH-1 is the field separator itself, the first value after `MSH|^~\\&|` is already MSH-3.",
            msh_link(),
        ),
        6 => q(
            "Click the field that names the clinician who ordered the examination.",
            &["ORC-12", "OBR-16"],
            "ORC-12 (ordering provider), repeated in OBR-16",
            "The ordering clinician travels in ORC-12, ordering provider, and again in OBR-16 (HL7 v2.5.1 chapter 4). Both are XCN values: the clinician's code, then family name, given name and prefix. Either field is accepted.",
            orders_link("orc-the-common-order-segment", "ORC: the common order segment"),
        ),
        7 => q(
            "Click the field that says whether the patient is an inpatient, an outpatient or an emergency patient.",
            &["PV1-2"],
            "PV1-2",
            "PV1-2, patient class (user-defined table 0004), says what kind of visit this is: I inpatient, O outpatient, E emergency, N not applicable (HL7 v2.5.1 chapter 3). RIS uses it to know where to find the patient.",
            identity_link("the-pv1-segment-where-the-patient-is", "The PV1 segment: where the patient is"),
        ),
        _ => {
            let rep = pid3_repetition(message, "NH");
            let target = format!("PID-3({rep})");
            Question {
                prompt: "Click the patient's NHS number.".to_owned(),
                targets: vec![target.clone()],
                expected: target,
                explanation: format!("PID-3 repeats, one CX per identifier, separated by `~` (HL7 v2.5.1 chapter 3). The NHS number is the repetition whose assigning authority (component 4) is NHS and whose identifier type (component 5) is NH, here repetition {rep}; a click anywhere inside it counts. The MR repetition is the trust's hospital number."),
                learn_more: identity_link("pid-3-and-the-cx-data-type", "PID-3 and the CX data type"),
            }
        }
    }
}

fn intermediate(which: u64, message: &crate::hl7::Message, event: Event) -> Question {
    match which {
        0 => q(
            "Click the component that holds the ordering clinician's family name.",
            &["ORC-12.2", "OBR-16.2"],
            "ORC-12.2 (also OBR-16.2)",
            "ORC-12 and OBR-16 are XCN values (HL7 v2.5.1 chapter 2A): component 1 is the ID number, component 2 the family name, component 3 the given name and component 6 the prefix. The question asks for a component, so the whole field is not enough.",
            orders_link("orc-the-common-order-segment", "ORC: the common order segment"),
        ),
        1 => {
            let rep = pid3_repetition(message, "NH");
            let target = format!("PID-3({rep}).4");
            Question {
                prompt: "Click the assigning authority of the patient's NHS number.".to_owned(),
                targets: vec![target.clone()],
                expected: target.clone(),
                explanation: format!("The NHS number is the PID-3 repetition of type NH, here repetition {rep}. In a CX (HL7 v2.5.1 chapter 2A), component 4 is the assigning authority (who issued the identifier, here NHS) and component 5 the identifier type code (table 0203), so the answer is {target}. Repetitions are separated by `~` and must be chosen by type, not position."),
                learn_more: identity_link("pid-3-and-the-cx-data-type", "PID-3 and the CX data type"),
            }
        }
        2 => {
            let rep = pid3_repetition(message, "MR");
            let target = format!("PID-3({rep}).5");
            Question {
                prompt: "Click the identifier type code of the patient's hospital number.".to_owned(),
                targets: vec![target.clone()],
                expected: target.clone(),
                explanation: format!("The hospital number is the PID-3 repetition of type MR (medical record number), here repetition {rep}. The identifier type code is CX component 5 (table 0203, HL7 v2.5.1 chapter 2A), after the identifier, check digit, check digit scheme and assigning authority, so the answer is {target}."),
                learn_more: identity_link("pid-3-and-the-cx-data-type", "PID-3 and the CX data type"),
            }
        }
        3 => q(
            "Click the field that holds the Study Instance UID the modality must use.",
            &["IPC-3"],
            "IPC-3",
            "OMI^O23 carries the DICOM identifiers in the IPC (imaging procedure control) segment (HL7 v2.5.1 chapter 4): IPC-1 accession identifier, IPC-2 requested procedure ID, IPC-3 Study Instance UID, IPC-4 scheduled procedure step ID. Because the RIS fixes the Study Instance UID before the scan, every system uses the same one.",
            orders_link("omi-and-the-ipc-segment", "OMI and the IPC segment"),
        ),
        4 => q(
            "Click the subcomponent that holds the family name of the radiologist who interpreted the examination.",
            &["OBR-32.1.2"],
            "OBR-32.1.2",
            "OBR-32, principal result interpreter, is an NDL whose first component is a CNN, so its parts are subcomponents separated by `&`: ID number, family name, given name (HL7 v2.5.1 chapter 7). The family name is the second subcomponent of the first component.",
            orders_link("worked-example-a-ct-head-report", "Worked example: a CT head report"),
        ),
        5 => q(
            "Click the field that holds the identifier being retired by this merge.",
            &["MRG-1"],
            "MRG-1",
            "In an ADT^A40, PID-3 holds the surviving identifiers and MRG-1, prior patient identifier list, the identifier that is merged away and retired (HL7 v2.5.1 chapter 3). MRG-7 may carry the retired record's name for checking.",
            identity_link("merging-patient-records", "Merging patient records"),
        ),
        6 => {
            let targets: &[&str] = if event == Event::OmiO23 {
                &["OBR-19", "IPC-2"]
            } else {
                &["OBR-19"]
            };
            q(
                "Click the field that holds the requested procedure ID.",
                targets,
                if event == Event::OmiO23 { "IPC-2 (also OBR-19)" } else { "OBR-19" },
                "Following the IHE Scheduled Workflow mapping, this RIS sends the requested procedure ID in OBR-19 (placer field 2), next to the accession number in OBR-18; OMI^O23 also has a dedicated field, IPC-2 (HL7 v2.5.1 chapter 4). On the worklist it becomes Requested Procedure ID (0040,1001).",
                orders_link("omi-and-the-ipc-segment", "OMI and the IPC segment"),
            )
        }
        7 => q(
            "Click the field that gives the status of the whole result (preliminary or final).",
            &["OBR-25"],
            "OBR-25",
            "OBR-25, result status (table 0123), gives the status of the whole report: P preliminary, F final, C corrected. Each OBX also has its own status in OBX-11 (table 0085), but the question asks about the whole result (HL7 v2.5.1 chapter 7).",
            orders_link("results-the-orur01-message", "Results: the ORU^R01 message"),
        ),
        8 => q(
            "Click the component that names the message structure.",
            &["MSH-9.3"],
            "MSH-9.3",
            "MSH-9 has three components: message code, trigger event and message structure (HL7 v2.5.1 chapter 2). Several trigger events share one structure, which is why the third component often differs from the second: an A08 is laid out like an A01 and says ADT_A01.",
            link("intermediate", "hl7-message-profiles", "naming-the-structure-and-the-profile-in-the-message", "Naming the structure and the profile in the message"),
        ),
        9 => {
            let targets: &[&str] = if event == Event::OmiO23 {
                &["TQ1-7", "OBR-36"]
            } else {
                &["OBR-36", "OBR-27.4"]
            };
            q(
                "Click where the scheduled date and time of the examination is given.",
                targets,
                if event == Event::OmiO23 {
                    "TQ1-7 (start date/time; OBR-36 repeats it)"
                } else {
                    "OBR-36 (scheduled date/time; OBR-27.4 is the start time in the older quantity/timing field)"
                },
                "In ORM^O01 the time still travels in OBR-27, quantity/timing (component 4, start date/time), and OBR-36, scheduled date/time. From v2.5, OMI^O23 moves timing into the TQ1 segment, whose TQ1-7 is the start date/time (HL7 v2.5.1 chapter 4). Any of the fields that hold it is accepted.",
                orders_link("omi-and-the-ipc-segment", "OMI and the IPC segment"),
            )
        }
        10 => q(
            "Click the field that holds the visit number.",
            &["PV1-19"],
            "PV1-19",
            "PV1-19, visit number, is a CX like PID-3: the number, then assigning authority in component 4 and type VN in component 5 (HL7 v2.5.1 chapter 3). It identifies this stay or attendance, not the patient.",
            identity_link("the-pv1-segment-where-the-patient-is", "The PV1 segment: where the patient is"),
        ),
        _ => q(
            "Click the field that names the application this message is meant for.",
            &["MSH-5"],
            "MSH-5",
            "MSH-5 is the receiving application (MSH-6 the receiving facility); MSH-3 and MSH-4 name the sender (HL7 v2.5.1 chapter 2). In the acknowledgement they are swapped, because the receiver becomes the sender.",
            msh_link(),
        ),
    }
}
