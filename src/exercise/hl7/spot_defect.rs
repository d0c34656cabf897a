//! Spot the defect: one fault is injected into a valid message; the learner
//! says where it is and what kind it is. [`super::checks`] detects each
//! kind independently, and the tests make sure the unmodified message
//! passes and the injected one fails exactly once.

use crate::exercise::{AnswerForm, Check, ModuleLink, Part, PartKey, Target};
use crate::hl7::Message;
use crate::synth::Event;

use super::checks::FaultKind;
use super::{
    edit, er7, identity_link, link, msh_link, pid3_repetition, set, set_raw, structure_link,
    swap_repetitions, value, Ctx, Made,
};

const FOUNDATION_EVENTS: &[Event] = &[
    Event::AdtA01,
    Event::AdtA04,
    Event::AdtA08,
    Event::OrmO01,
    Event::OruR01,
];
const INTERMEDIATE_EVENTS: &[Event] = &[
    Event::AdtA01,
    Event::AdtA08,
    Event::AdtA40,
    Event::OrmO01,
    Event::OmiO23,
    Event::OruR01,
];

/// One injected fault.
pub(crate) struct Injected {
    /// The message before the fault was injected.
    pub base: String,
    pub er7: String,
    pub kind: FaultKind,
    /// Where the fault is, as accepted answers.
    pub targets: Vec<Target>,
    /// The same places, for highlighting.
    pub places: Vec<String>,
    /// Where, in words.
    pub shown: String,
    pub explanation: String,
    pub learn_more: ModuleLink,
}

pub(super) fn make(ctx: &mut Ctx) -> Made {
    let injected = inject(ctx);
    let labels: Vec<String> = FaultKind::ALL
        .iter()
        .map(|k| k.label().to_owned())
        .collect();
    let correct = injected.kind.label().to_owned();
    let distractors = labels.into_iter().filter(|l| *l != correct).collect();
    let (options, index) = ctx.options(correct.clone(), distractors);
    Made {
        prompt:
            "This message contains exactly one fault. Where is it, and what kind of fault is it?"
                .to_owned(),
        er7: injected.er7,
        answer: AnswerForm::Parts(vec![
            Part {
                name: "location".to_owned(),
                form: AnswerForm::Hl7Location {
                    label: "Click the faulty field, or any part of the faulty segment".to_owned(),
                },
            },
            Part {
                name: "kind".to_owned(),
                form: AnswerForm::Choice {
                    label: "What kind of fault is it?".to_owned(),
                    options: options.clone(),
                    multiple: false,
                },
            },
        ]),
        parts: vec![
            PartKey::new(
                "location",
                Check::Location(injected.targets),
                injected.shown.clone(),
            ),
            PartKey::new(
                "kind",
                Check::Choice {
                    correct: vec![index],
                    count: options.len(),
                },
                correct.clone(),
            ),
        ],
        expected: format!("{correct}: {}", injected.shown),
        explanation: injected.explanation,
        highlight: injected.places,
        learn_more: injected.learn_more,
    }
}

/// The fault kind, the base message and the injected message.
pub(crate) fn inject(ctx: &mut Ctx) -> Injected {
    let kind = ctx.pick(&FaultKind::ALL);
    let hard = ctx.hard();
    let event = ctx.pick(if hard {
        INTERMEDIATE_EVENTS
    } else {
        FOUNDATION_EVENTS
    });
    let g = ctx.message(event);
    let m = g.message;
    let mut injected = match kind {
        FaultKind::MissingRequiredField => missing_required(ctx, &m, event),
        FaultKind::BadDelimiter => bad_delimiter(ctx, &m),
        FaultKind::InvalidDate => invalid_date(ctx, &m, event),
        FaultKind::WrongNhsCheckDigit => wrong_nhs(ctx, &m),
        FaultKind::SegmentOutOfOrder => out_of_order(ctx, &m, event),
        FaultKind::MissingControlId => missing_control_id(ctx, &m),
    };
    injected.base = g.er7;
    injected
}

fn is_adt(event: Event) -> bool {
    event.msh9().0 == "ADT"
}

fn within(paths: &[String]) -> Vec<Target> {
    paths.iter().map(|p| Target::within(p)).collect()
}

fn missing_required(ctx: &mut Ctx, m: &Message, event: Event) -> Injected {
    let mut candidates: Vec<String> = Vec::new();
    if ctx.hard() {
        candidates.push("MSH-11".to_owned());
        if is_adt(event) {
            candidates.push("EVN-2".to_owned());
        }
        if event == Event::AdtA40 {
            candidates.push("MRG-1".to_owned());
        }
        if event.has_order() {
            candidates.extend(["ORC-1".to_owned(), "OBR-4".to_owned()]);
        }
        if event == Event::OmiO23 {
            candidates.extend(["IPC-1", "IPC-3", "IPC-4"].map(str::to_owned));
        }
        if event == Event::OruR01 {
            let count = m.segments("OBX").count().max(1);
            let k = 2 + ctx.rng.index(count.saturating_sub(1).max(1));
            candidates.push(format!("OBX[{}]-11", k.min(count)));
        }
    } else {
        candidates.extend(["PID-3", "PID-5", "MSH-7"].map(str::to_owned));
        if event != Event::AdtA40 {
            candidates.push("PV1-2".to_owned());
        }
        if is_adt(event) {
            candidates.push("EVN-2".to_owned());
        }
    }
    let path = candidates[ctx.rng.index(candidates.len())].clone();
    let changed = edit(m, |b| set(b, &path, ""));
    let (id, number) = split_path(&path);
    let name = crate::hl7::field(crate::hl7::Version::V2_5_1, &id, number)
        .map_or("this field", |f| f.name);
    let link = if ctx.hard() {
        link(
            "intermediate",
            "hl7-message-profiles",
            "usage-codes",
            "Usage codes",
        )
    } else {
        structure_link("segments", "Segments")
    };
    Injected {
        base: String::new(),
        er7: er7(&changed),
        kind: FaultKind::MissingRequiredField,
        targets: within(std::slice::from_ref(&path)),
        places: vec![path.clone()],
        shown: format!("{path} ({name}) is empty"),
        explanation: format!("{path}, {name}, is required (R) in the HL7 v2.5.1 definition of the {id} segment, yet it is empty here: two pipes with nothing between them. A receiver that validates against the standard, or against a profile that keeps the field required, rejects the message, typically with an AE acknowledgement and ERR-3 code 101, required field missing (chapter 2). Empty is not the same as null (`\"\"`), which would tell the receiver to delete a stored value."),
        learn_more: link,
    }
}

/// `OBX[3]-11` → (`OBX`, 11).
fn split_path(path: &str) -> (String, usize) {
    let id: String = path.chars().take(3).collect();
    let number = path
        .rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    (id, number)
}

fn lines(er7: &str) -> Vec<String> {
    er7.split('\r')
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn join(lines: &[String]) -> String {
    let mut out = lines.join("\r");
    out.push('\r');
    out
}

/// A segment's path in a list of lines: `PV1`, or `OBX[3]`.
fn segment_path(lines: &[String], index: usize) -> String {
    let id: String = lines
        .get(index)
        .map(|l| l.chars().take(3).collect())
        .unwrap_or_default();
    let occurrence = lines
        .iter()
        .take(index)
        .filter(|l| l.starts_with(id.as_str()))
        .count()
        + 1;
    if occurrence == 1 {
        id
    } else {
        format!("{id}[{occurrence}]")
    }
}

fn bad_delimiter(ctx: &mut Ctx, m: &Message) -> Injected {
    let mut ls = lines(&er7(m));
    if ctx.chance(500) {
        // One segment written with another field separator.
        let choices: Vec<&str> = if ctx.hard() {
            vec!["PD1", "EVN", "ORC", "OBX", "OBR", "MRG", "TQ1", "IPC"]
        } else {
            vec!["PID", "PV1"]
        };
        let indices: Vec<usize> = (1..ls.len())
            .filter(|&i| choices.iter().any(|c| ls[i].starts_with(c)))
            .collect();
        let index = indices
            .get(ctx.rng.index(indices.len()))
            .copied()
            .unwrap_or(1);
        let sep = ['!', '#', '$', ';']
            .into_iter()
            .find(|c| !ls[index].contains(*c))
            .unwrap_or('!');
        ls[index] = ls[index].replace('|', &sep.to_string());
        let at = segment_path(&ls, index);
        return Injected {
            base: String::new(),
            er7: join(&ls),
            kind: FaultKind::BadDelimiter,
            targets: within(std::slice::from_ref(&at)),
            places: vec![at.clone()],
            shown: format!("the {at} segment separates its fields with `{sep}`"),
            explanation: format!("MSH-1 declares the field separator for the whole message, here `|`, and every segment must use it (HL7 v2.5.1 chapter 2). The {at} segment uses `{sep}` instead, so a parser reads `{}` as its segment ID followed by a character that is not the field separator, and rejects the message. Such faults usually come from a hand-edited test message or an interface engine script that builds one segment itself.", ls[index].chars().take(4).collect::<String>()),
            learn_more: structure_link("the-five-delimiters", "The five delimiters"),
        };
    }
    let (bad, what) = if ctx.hard() {
        *ctx.rng.pick(&[
            (
                "^~&",
                "lacks the escape character, so only three encoding characters are declared",
            ),
            (
                "^~\\",
                "lacks the subcomponent separator, so only three encoding characters are declared",
            ),
            (
                "^^\\&",
                "declares `^` twice, as component and repetition separator",
            ),
        ])
    } else {
        (
            "^~\\\\&",
            "has the escape character twice (`\\\\`), a classic slip when the header is written as a string in program code",
        )
    };
    if let Some(first) = ls.first_mut() {
        *first = first.replacen("MSH|^~\\&|", &format!("MSH|{bad}|"), 1);
    }
    Injected {
        base: String::new(),
        er7: join(&ls),
        kind: FaultKind::BadDelimiter,
        targets: vec![Target::within("MSH-2"), Target::exact("MSH")],
        places: vec!["MSH-2".to_owned()],
        shown: format!("MSH-2 is `{bad}` instead of `^~\\&`"),
        explanation: format!("MSH-2 must hold the four encoding characters, component, repetition, escape and subcomponent, each different and none equal to the field separator (HL7 v2.5.1 chapter 2); the usual value is `^~\\&`. Here it {what}, so the receiver cannot know how to split the rest of the message and must reject it. Because the delimiters come first, no other field can be read reliably."),
        learn_more: structure_link(
            "msh-the-segment-that-counts-differently",
            "MSH: the segment that counts differently",
        ),
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

fn invalid_date(ctx: &mut Ctx, m: &Message, event: Event) -> Injected {
    let mut candidates: Vec<String> = vec!["PID-7".to_owned(), "MSH-7".to_owned()];
    if ctx.hard() {
        if is_adt(event) {
            candidates.extend(["EVN-2", "EVN-6"].map(str::to_owned));
        }
        if matches!(event, Event::AdtA01 | Event::AdtA08) {
            candidates.push("PV1-44".to_owned());
        }
        if event.has_order() {
            candidates.extend(["ORC-9", "OBR-36"].map(str::to_owned));
        }
        if event == Event::OmiO23 {
            candidates.push("TQ1-7".to_owned());
        }
        if event == Event::OruR01 {
            let count = m.segments("OBX").count().max(1);
            candidates.push("OBR-7".to_owned());
            candidates.push(format!("OBX[{}]-14", 1 + ctx.rng.index(count)));
        }
        candidates.retain(|p| p != "OBR-36" || event != Event::OruR01);
    }
    let mut path = candidates[ctx.rng.index(candidates.len())].clone();
    let mut old = value(m, &path);
    if old.len() < 8 {
        path = "PID-7".to_owned();
        old = value(m, &path);
    }
    let year: i32 = old.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2000);
    let time = old.get(8..).unwrap_or("").to_owned();
    let (bad, why) = if ctx.hard() {
        match ctx.rng.below(3) {
            0 => {
                let y = if days_in_month(year, 2) == 29 {
                    year - 1
                } else {
                    year
                };
                (
                    format!("{y:04}0229{time}"),
                    format!("{y} is not a leap year, so February has no 29th"),
                )
            }
            1 => {
                let month = ctx.pick(&[4u8, 6, 9, 11]);
                (
                    format!("{year:04}{month:02}31{time}"),
                    format!("month {month:02} has only 30 days"),
                )
            }
            _ if time.len() >= 2 => (
                format!(
                    "{}24{}",
                    old.get(..8).unwrap_or(""),
                    time.get(2..).unwrap_or("")
                ),
                "hours run from 00 to 23: midnight is 00 of the next day, never 24".to_owned(),
            ),
            _ => {
                let month = ctx.pick(&[4u8, 6, 9, 11]);
                (
                    format!("{year:04}{month:02}31"),
                    format!("month {month:02} has only 30 days"),
                )
            }
        }
    } else if ctx.chance(500) {
        (
            format!("{year:04}0231{time}"),
            "February never has 31 days".to_owned(),
        )
    } else {
        (
            format!("{year:04}13{}{time}", old.get(6..8).unwrap_or("01")),
            "there is no month 13".to_owned(),
        )
    };
    let changed = edit(m, |b| set(b, &path, &bad));
    Injected {
        base: String::new(),
        er7: er7(&changed),
        kind: FaultKind::InvalidDate,
        targets: within(std::slice::from_ref(&path)),
        places: vec![path.clone()],
        shown: format!("{path} is `{bad}`"),
        explanation: format!("{path} is a date/time (TS) field: YYYYMMDDHHMMSS with later parts optional (HL7 v2.5.1 chapter 2A). `{bad}` has the right shape but cannot exist: {why}. Receivers that check dates reject the message (typically AE with ERR-3 code 102, data type error); ones that do not may store a wrong date or fail later."),
        learn_more: structure_link("data-types-in-brief", "Data types in brief"),
    }
}

fn wrong_nhs(ctx: &mut Ctx, m: &Message) -> Injected {
    let m = if ctx.hard() && ctx.chance(500) {
        swap_repetitions(m, "PID", 3)
    } else {
        m.clone()
    };
    let rep = pid3_repetition(&m, "NH");
    let path = format!("PID-3({rep}).1");
    let good = value(&m, &path);
    let digits: Vec<u8> = good.bytes().map(|b| b.wrapping_sub(b'0')).collect();
    let mut bad_digits = digits.clone();
    let mut how = String::new();
    if ctx.hard() {
        let swappable: Vec<usize> = (3..8)
            .filter(|&i| digits.get(i) != digits.get(i + 1))
            .collect();
        if let Some(&i) = swappable.get(ctx.rng.index(swappable.len())) {
            bad_digits.swap(i, i + 1);
            how = format!(
                "digits {} and {} have been swapped, which the check always catches",
                i + 1,
                i + 2
            );
        }
    }
    if how.is_empty() {
        if let Some(last) = bad_digits.last_mut() {
            *last = (*last + 1 + ctx.rng.below(9) as u8) % 10;
        }
        how = "the last digit does not match the check digit the first nine give".to_owned();
    }
    let bad: String = bad_digits.iter().map(|d| char::from(b'0' + d)).collect();
    let changed = edit(&m, |b| set_raw(b, &path, &bad));
    let target = format!("PID-3({rep})");
    Injected {
        base: String::new(),
        er7: er7(&changed),
        kind: FaultKind::WrongNhsCheckDigit,
        targets: within(std::slice::from_ref(&target)),
        places: vec![target.clone()],
        shown: format!("the NHS number {bad} in {target} fails the modulus 11 check"),
        explanation: format!("The NHS number is the PID-3 repetition of type NH (HL7 v2.5.1 chapter 3), here {target}. Its tenth digit is a modulus 11 check digit: multiply the first nine digits by 10 down to 2, add, take the remainder after dividing by 11 and subtract it from 11 (11 gives 0; 10 means no valid number). For {bad}, {how}. A valid-looking but wrong NHS number is an identity risk, so receivers should reject it rather than file the message."),
        learn_more: identity_link(
            "worked-example-checking-an-nhs-number",
            "Worked example: checking an NHS number",
        ),
    }
}

fn out_of_order(ctx: &mut Ctx, m: &Message, event: Event) -> Injected {
    let mut ls = lines(&er7(m));
    let find = |ls: &[String], id: &str| ls.iter().position(|l| l.starts_with(id));
    let structure = event.msh9().2;
    // (segment moved, segment it now wrongly precedes or follows)
    let (a, b, rule) = match (ctx.hard(), event) {
        (false, e) if is_adt(e) => ("EVN", "PID", "EVN comes straight after MSH, before PID"),
        (false, Event::OruR01) => (
            "OBX",
            "OBR",
            "the OBX segments of a result follow the OBR they belong to",
        ),
        (false, _) => ("PV1", "PID", "PID comes before PV1"),
        (true, Event::AdtA40) => (
            "MRG",
            "PID",
            "each merge group is PID, optional PD1, MRG, optional PV1",
        ),
        (true, e) if is_adt(e) => (
            "PV1",
            "PD1",
            "PD1 (additional demographics) comes before PV1",
        ),
        (true, Event::OmiO23) => {
            if ctx.chance(500) {
                (
                    "OBR",
                    "TQ1",
                    "the timing segment TQ1 comes between ORC and OBR",
                )
            } else {
                (
                    "IPC",
                    "OBR",
                    "the IPC segments follow the OBR they belong to",
                )
            }
        }
        (true, Event::OruR01) => (
            "OBX",
            "OBR",
            "the OBX segments of a result follow the OBR they belong to",
        ),
        (true, _) => ("PV1", "PID", "PID comes before PV1"),
    };
    let (ia, ib) = (find(&ls, a), find(&ls, b));
    let (Some(ia), Some(ib)) = (ia, ib) else {
        return missing_control_id(ctx, m);
    };
    if a == "OBX" {
        // Move one OBX (the last, at Intermediate) up before the OBR.
        let from = if ctx.hard() {
            ls.iter().rposition(|l| l.starts_with("OBX")).unwrap_or(ia)
        } else {
            ia
        };
        let line = ls.remove(from);
        ls.insert(ib, line);
    } else if a == "MRG" {
        let line = ls.remove(ia);
        ls.insert(ib, line);
    } else {
        ls.swap(ia, ib);
    }
    let paths: Vec<String> = [a, b]
        .iter()
        .filter_map(|id| find(&ls, id).map(|i| segment_path(&ls, i)))
        .collect();
    Injected {
        base: String::new(),
        er7: join(&ls),
        kind: FaultKind::SegmentOutOfOrder,
        targets: within(&paths),
        places: paths.clone(),
        shown: format!("{a} and {b} are in the wrong order"),
        explanation: format!("The message structure in MSH-9.3, {structure}, fixes which segments may appear and in what order (HL7 v2.5.1 chapter 2, with the structures in chapters 3, 4 and 7): {rule}. Here {a} and {b} are the wrong way round. A strict parser rejects the message (ERR-3 code 100, segment sequence error); a lenient one may attach the segment to the wrong group, for example a report line to no order at all."),
        learn_more: structure_link("segments", "Segments"),
    }
}

fn missing_control_id(ctx: &mut Ctx, m: &Message) -> Injected {
    let changed = edit(m, |b| set(b, "MSH-10", ""));
    let learn_more = if ctx.hard() {
        link(
            "intermediate",
            "mllp-and-acknowledgements",
            "original-acknowledgement-mode",
            "Original acknowledgement mode",
        )
    } else {
        msh_link()
    };
    Injected {
        base: String::new(),
        er7: er7(&changed),
        kind: FaultKind::MissingControlId,
        targets: vec![Target::within("MSH-10")],
        places: vec!["MSH-10".to_owned()],
        shown: "MSH-10 (message control ID) is empty".to_owned(),
        explanation: "MSH-10, the message control ID, is required: it is the sender's unique reference for the message, and the receiver must echo it in MSA-2 of the acknowledgement so that the sender can pair each ACK with its message (HL7 v2.5.1 chapter 2). Without it the sender cannot tell which message an ACK answers, and nobody can find the message in a log.".to_owned(),
        learn_more,
    }
}
