//! Read a value: type what one field, component or repetition holds.

use crate::hl7::Delimiters;
use crate::synth::{Event, Generated};

use super::{
    edit, er7, identity_link, msh_link, orders_link, pid3_repetition, set, structure_link,
    swap_repetitions, text_made, value, Ctx, Made,
};
use crate::exercise::TextMode;

const ADT_WITH_PD1: &[Event] = &[Event::AdtA01, Event::AdtA04, Event::AdtA08];
const ORDERS: &[Event] = &[Event::OrmO01, Event::OmiO23, Event::OruR01];
const WITH_PID: &[Event] = &[
    Event::AdtA01,
    Event::AdtA04,
    Event::AdtA08,
    Event::OrmO01,
    Event::OmiO23,
    Event::OruR01,
];

pub(super) fn make(ctx: &mut Ctx) -> Made {
    if ctx.hard() {
        match ctx.rng.below(7) {
            0 => escaped_practice(ctx),
            1 => escaped_clinical_info(ctx),
            2 => phone(ctx),
            3 => identifier_by_type(ctx),
            4 => report_line(ctx),
            5 => custom_delimiters(ctx),
            _ => result_interpreter(ctx),
        }
    } else {
        let g = {
            let event = ctx.pick(WITH_PID);
            ctx.message(event)
        };
        let question = if g.order.is_some() {
            ctx.rng.below(7)
        } else {
            ctx.rng.below(5)
        };
        basic(&g, question)
    }
}

/// The Foundation questions, numbered; 5 and 6 need an order.
fn basic(g: &Generated, question: u64) -> Made {
    let m = &g.message;
    let text = er7(m);
    match question {
        0 => {
            let dob = value(m, "PID-7");
            text_made(
                "What is the patient's date of birth? Answer as YYYYMMDD.".to_owned(),
                text,
                Some("YYYYMMDD"),
                vec![dob.clone()],
                TextMode::Date,
                format!("{dob} (PID-7)"),
                "The date of birth is PID-7, date/time of birth, in the patient identification segment (HL7 v2.5.1 chapter 3). It is a TS value, YYYYMMDDHHMMSS with the trailing parts left off, so a date of birth is usually just YYYYMMDD. Count fields from the segment ID: PID-7 comes after the seventh `|`.".to_owned(),
                vec!["PID-7".to_owned()],
                identity_link("the-pid-segment-who-the-patient-is", "The PID segment: who the patient is"),
            )
        }
        1 => {
            let family = value(m, "PID-5.1");
            text_made(
                "What is the patient's family name?".to_owned(),
                text,
                None,
                vec![family.clone()],
                TextMode::Code,
                format!("{family} (PID-5.1)"),
                "The patient's name is PID-5, an XPN (extended person name; HL7 v2.5.1 chapter 3). Its first component, PID-5.1, is the family name; PID-5.2 is the given name and PID-5.5 the prefix, such as a title. Components are separated by `^`.".to_owned(),
                vec!["PID-5.1".to_owned()],
                structure_link("field-path-notation", "Field path notation"),
            )
        }
        2 => {
            let rep = pid3_repetition(m, "NH");
            let nhs = value(m, &format!("PID-3({rep}).1"));
            text_made(
                "What is the patient's NHS number?".to_owned(),
                text,
                Some("ten digits"),
                vec![nhs.clone()],
                TextMode::Identifier,
                format!("{nhs} (PID-3({rep}).1)"),
                format!("PID-3, the patient identifier list (HL7 v2.5.1 chapter 3), repeats: each repetition (separated by `~`) is a CX value with the identifier first, the assigning authority in component 4 and the identifier type code in component 5. The NHS number is the repetition whose authority is NHS and whose type is NH, here repetition {rep}; the MR repetition is the hospital number. Always read components 4 and 5, not just the first repetition."),
                vec![format!("PID-3({rep})")],
                identity_link("pid-3-and-the-cx-data-type", "PID-3 and the CX data type"),
            )
        }
        3 => {
            let rep = pid3_repetition(m, "MR");
            let hn = value(m, &format!("PID-3({rep}).1"));
            text_made(
                "What is the patient's hospital number (the trust's medical record number)?".to_owned(),
                text,
                None,
                vec![hn.clone()],
                TextMode::Identifier,
                format!("{hn} (PID-3({rep}).1)"),
                format!("The hospital number is the PID-3 repetition whose identifier type code (component 5, table 0203) is MR, medical record number, issued by the trust named in component 4 (HL7 v2.5.1 chapter 3). Here it is repetition {rep}. The other repetition, of type NH, is the NHS number."),
                vec![format!("PID-3({rep})")],
                identity_link("pid-3-and-the-cx-data-type", "PID-3 and the CX data type"),
            )
        }
        4 => {
            let time = value(m, "MSH-7");
            text_made(
                "What time was the message sent? Answer as YYYYMMDDHHMMSS.".to_owned(),
                text,
                Some("YYYYMMDDHHMMSS"),
                vec![time.clone()],
                TextMode::DateTime,
                format!("{time} (MSH-7)"),
                "MSH-7, date/time of message, is when the sender created the message (HL7 v2.5.1 chapter 2). Remember that MSH counts differently: MSH-1 is the field separator itself and MSH-2 the encoding characters, so MSH-7 is the sixth value after `MSH|`.".to_owned(),
                vec!["MSH-7".to_owned()],
                msh_link(),
            )
        }
        5 => {
            let acc = g
                .order
                .as_ref()
                .map(|o| o.accession_number.clone())
                .unwrap_or_default();
            let mut highlight = vec!["OBR-18".to_owned(), "OBR-3".to_owned(), "ORC-3".to_owned()];
            if m.segment("IPC", 1).is_some() {
                highlight.push("IPC-1".to_owned());
            }
            text_made(
                "What is the accession number of this examination?".to_owned(),
                text,
                None,
                vec![acc.clone()],
                TextMode::Identifier,
                format!("{acc} (OBR-18; the same value is the filler order number in ORC-3 and OBR-3)"),
                "Where the accession number travels depends on the interface. This RIS follows the IHE Scheduled Workflow mapping and sends it in OBR-18 (placer field 1), and it also uses it as the filler order number in ORC-3 and OBR-3 (HL7 v2.5.1 chapter 4); an OMI message has a field for it, IPC-1. The trust's interface specification is what decides.".to_owned(),
                highlight,
                orders_link("where-is-the-accession-number", "Where is the accession number?"),
            )
        }
        _ => {
            let family = value(m, "ORC-12.2");
            text_made(
                "What is the ordering clinician's family name?".to_owned(),
                text,
                None,
                vec![family.clone()],
                TextMode::Code,
                format!("{family} (ORC-12.2, also OBR-16.2)"),
                "The ordering clinician is ORC-12, ordering provider, repeated in OBR-16 (HL7 v2.5.1 chapter 4). Both are XCN values: component 1 is the clinician's code, component 2 the family name and component 3 the given name.".to_owned(),
                vec!["ORC-12.2".to_owned(), "OBR-16.2".to_owned()],
                orders_link("orc-the-common-order-segment", "ORC: the common order segment"),
            )
        }
    }
}

const PRACTICE_KINDS: &[&str] = &["Medical Practice", "Surgery", "Health Centre"];
const PARTNERS: &[&str] = &[
    "Clarke", "Hughes", "Patel", "Ahmed", "Walker", "Okafor", "Murray", "Kaur", "Brennan", "Doyle",
];

fn escaped_practice(ctx: &mut Ctx) -> Made {
    let event = ctx.pick(ADT_WITH_PD1);
    let g = ctx.message(event);
    let pair = ctx.sample(PARTNERS, 2);
    let kind = ctx.pick(PRACTICE_KINDS);
    let name = format!("{} & {} {kind}", pair[0], pair[1]);
    let m = edit(&g.message, |b| set(b, "PD1-3.1", &name));
    let raw = value_raw(&m, "PD1-3.1");
    text_made(
        "What is the name of the patient's GP practice (PD1-3.1), written as a person should read it?".to_owned(),
        er7(&m),
        Some("the decoded text"),
        vec![name.clone()],
        TextMode::Text,
        format!("{name} (PD1-3.1, written `{raw}`)"),
        "`&` is the subcomponent separator, so a value that contains an ampersand must escape it: the sender writes `\\T\\` and the receiver turns it back into `&` (HL7 v2.5.1 chapter 2, escape sequences). A receiver that forgets to decode shows the raw `\\T\\`, and one that does not escape splits the name at the `&`.".to_owned(),
        vec!["PD1-3.1".to_owned()],
        structure_link("escape-sequences", "Escape sequences"),
    )
}

const CLINICAL: &[(&str, &str)] = &[
    (
        "A&E attendance after a fall, ? fracture.",
        "\\T\\ stands for `&`",
    ),
    ("Known AAA & new back pain, ? leak.", "\\T\\ stands for `&`"),
    (
        "CRP 180 | WCC 15, ? collection.",
        "\\F\\ stands for the field separator `|`",
    ),
    (
        "Breathless for ~2 weeks, ? PE.",
        "\\R\\ stands for the repetition separator `~`",
    ),
    (
        "Chest pain ^ D-dimer raised, ? PE.",
        "\\S\\ stands for the component separator `^`",
    ),
];

fn escaped_clinical_info(ctx: &mut Ctx) -> Made {
    let event = ctx.pick(ORDERS);
    let g = ctx.message(event);
    let (text, meaning) = ctx.pick(CLINICAL);
    let m = edit(&g.message, |b| set(b, "OBR-13", text));
    let raw = value_raw(&m, "OBR-13");
    text_made(
        "What does OBR-13, relevant clinical information, say once decoded?".to_owned(),
        er7(&m),
        Some("the decoded text"),
        vec![text.to_owned()],
        TextMode::Text,
        format!("{text} (OBR-13, written `{raw}`)"),
        format!("The five delimiters cannot appear as plain text inside a value, so the sender escapes them and the receiver decodes them (HL7 v2.5.1 chapter 2): here {meaning}. An escape sequence starts and ends with the escape character declared in MSH-2, usually `\\`."),
        vec!["OBR-13".to_owned()],
        structure_link("escape-sequences", "Escape sequences"),
    )
}

fn value_raw(m: &crate::hl7::Message, path: &str) -> String {
    crate::hl7::Path::parse(path)
        .ok()
        .and_then(|p| m.get(&p).map(str::to_owned))
        .unwrap_or_default()
}

fn phone(ctx: &mut Ctx) -> Made {
    let event = ctx.pick(WITH_PID);
    let g = ctx.message(event);
    let m = if ctx.chance(500) {
        swap_repetitions(&g.message, "PID", 13)
    } else {
        g.message.clone()
    };
    let mobile = ctx.chance(500);
    let (code, what) = if mobile {
        ("CP", "mobile (cellular) phone number")
    } else {
        ("PH", "home telephone number")
    };
    let rep = m
        .segment("PID", 1)
        .and_then(|s| s.field(13))
        .and_then(|f| {
            f.repetitions()
                .iter()
                .position(|r| r.component(3).is_some_and(|c| c.raw() == code))
        })
        .map_or(1, |i| i + 1);
    let number = value(&m, &format!("PID-13({rep}).1"));
    text_made(
        format!("What is the patient's {what}? PID-13 holds more than one; read the equipment type."),
        er7(&m),
        None,
        vec![number.clone()],
        TextMode::Phone,
        format!("{number} (PID-13({rep}).1, equipment type {code})"),
        format!("PID-13 (phone number, home; HL7 v2.5.1 chapter 3) repeats, one XTN value per number, separated by `~`. In each, component 1 is the number as text (v2.5.1 keeps this form for backward compatibility; the structured form uses components 5 to 7), component 2 the use code (table 0201, e.g. PRN primary residence) and component 3 the equipment type (table 0202: PH telephone, CP cellular phone). The {what} is the repetition with equipment type {code}, repetition {rep} here: the order of repetitions carries no meaning."),
        vec![format!("PID-13({rep})")],
        structure_link("field-path-notation", "Field path notation"),
    )
}

fn identifier_by_type(ctx: &mut Ctx) -> Made {
    let event = ctx.pick(WITH_PID);
    let g = ctx.message(event);
    let m = if ctx.chance(500) {
        swap_repetitions(&g.message, "PID", 3)
    } else {
        g.message.clone()
    };
    let (code, what, authority) = if ctx.chance(500) {
        ("NH", "NHS number", "NHS")
    } else {
        ("MR", "hospital number (medical record number)", "the trust")
    };
    let rep = pid3_repetition(&m, code);
    let id = value(&m, &format!("PID-3({rep}).1"));
    text_made(
        format!("What is the patient's {what}? Give the identifier only."),
        er7(&m),
        None,
        vec![id.clone()],
        TextMode::Identifier,
        format!("{id} (PID-3({rep}).1, type {code})"),
        format!("Each repetition of PID-3 is a CX (HL7 v2.5.1 chapter 2A): identifier, check digit, check digit scheme, assigning authority (component 4) and identifier type code (component 5, table 0203). The {what} is the repetition of type {code}, issued by {authority}; in this message it is repetition {rep}. Senders do not always put the identifiers in the same order, so a receiver must pick them by type, never by position."),
        vec![format!("PID-3({rep})")],
        identity_link("pid-3-and-the-cx-data-type", "PID-3 and the CX data type"),
    )
}

fn report_line(ctx: &mut Ctx) -> Made {
    let g = ctx.message(Event::OruR01);
    let m = &g.message;
    let candidates: Vec<(usize, String)> = m
        .segments("OBX")
        .enumerate()
        .map(|(i, _)| (i + 1, value(m, &format!("OBX[{}]-5", i + 1))))
        .filter(|(_, line)| line.starts_with("Findings:") || line.starts_with("Conclusion:"))
        .collect();
    let pick = ctx.rng.index(candidates.len());
    let (n, line) = candidates
        .get(pick)
        .cloned()
        .unwrap_or((1, value(m, "OBX-5")));
    let set_id = value(m, &format!("OBX[{n}]-1"));
    text_made(
        format!("The report is sent one line per OBX segment. What does OBX-5 say in the OBX whose set ID (OBX-1) is {set_id}?"),
        er7(m),
        Some("the text of that line"),
        vec![line.clone()],
        TextMode::Text,
        format!("{line} (OBX[{n}]-5)"),
        format!("In an ORU^R01 each OBX carries one observation (HL7 v2.5.1 chapter 7): OBX-1 numbers them, OBX-2 gives the value type (TX or FT for report text), OBX-3 says what is observed and OBX-5 holds the value. The receiver rebuilds the report by putting the OBX-5 values in OBX-1 order; the line with set ID {set_id} is the {n}th OBX segment."),
        vec![format!("OBX[{n}]-5")],
        orders_link("results-the-orur01-message", "Results: the ORU^R01 message"),
    )
}

/// Encoding characters other than `^~\&`, keeping `|` (which hl7apy and
/// many engines require) as the field separator.
const CUSTOM: &[(char, char, char, char)] = &[
    ('$', '*', '\\', '%'),
    ('!', '~', '/', '&'),
    ('#', '*', '\\', '@'),
    ('^', '!', '/', '%'),
    ('@', '#', '\\', '*'),
];

fn custom_delimiters(ctx: &mut Ctx) -> Made {
    let event = ctx.pick(WITH_PID);
    let g = ctx.message(event);
    let (c, r, e, s) = ctx.pick(CUSTOM);
    let d = Delimiters::new('|', c, r, e, s).unwrap_or_default();
    let m = g.message.with_delimiters(d);
    let nh = pid3_repetition(&m, "NH");
    let questions: [(&str, String, &str, TextMode); 3] = [
        (
            "the patient's given name",
            "PID-5.2".to_owned(),
            "the second component of PID-5",
            TextMode::Code,
        ),
        (
            "the patient's NHS number",
            format!("PID-3({nh}).1"),
            "the identifier of the PID-3 repetition of type NH",
            TextMode::Identifier,
        ),
        (
            "the patient's postcode",
            "PID-11.5".to_owned(),
            "the fifth component (zip or postal code) of PID-11",
            TextMode::Text,
        ),
    ];
    let (what, path, where_, mode) = questions[ctx.rng.index(questions.len())].clone();
    let answer = value(&m, &path);
    text_made(
        format!("This message declares its own delimiters in MSH-1 and MSH-2. What is {what}?"),
        er7(&m),
        None,
        vec![answer.clone()],
        mode,
        format!("{answer} ({path})"),
        format!("A receiver must read the delimiters from each message, never assume them: MSH-1 is the field separator and MSH-2 lists the component, repetition, escape and subcomponent characters, in that order (HL7 v2.5.1 chapter 2). Here MSH-2 is `{c}{r}{e}{s}`, so components are split by `{c}` and repetitions by `{r}`. {what_cap} is {where_}, {path}.", what_cap = capitalise(what)),
        vec![path.clone()],
        structure_link("the-five-delimiters", "The five delimiters"),
    )
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn result_interpreter(ctx: &mut Ctx) -> Made {
    let g = ctx.message(Event::OruR01);
    let m = &g.message;
    let family = value(m, "OBR-32.1.2");
    text_made(
        "Which radiologist interpreted this examination? Give the family name of the principal result interpreter (OBR-32).".to_owned(),
        er7(m),
        None,
        vec![family.clone()],
        TextMode::Code,
        format!("{family} (OBR-32.1.2)"),
        "OBR-32, principal result interpreter, is an NDL value whose first component is itself composite (CNN), so its parts are subcomponents separated by `&`: ID number, family name, given name (HL7 v2.5.1 chapter 7). The family name is therefore OBR-32.1.2, the second subcomponent of the first component.".to_owned(),
        vec!["OBR-32.1.2".to_owned()],
        orders_link("worked-example-a-ct-head-report", "Worked example: a CT head report"),
    )
}
