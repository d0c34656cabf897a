//! Properties every DICOM exercise kind must have, over 300 seeds per kind
//! and difficulty, and checks of the material against the DICOM reader and
//! an independent re-implementation of worklist matching.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::information_model::{
    FOUNDATION as MODEL_FOUNDATION, INTERMEDIATE as MODEL_INTERMEDIATE,
};
use super::vr::{is_valid, DEFECTS, FOUNDATION as VR_FOUNDATION};
use super::{decode_target, find_attribute::find_target, transfer_syntax::POOL};
use crate::dicom::{
    by_keyword, lookup_uid, parse_listing, read, read_dataset, Length, Tag, TransferSyntax, Value,
};
use crate::exercise::*;

const SEEDS: u64 = 300;

fn dicom_kinds() -> impl Iterator<Item = Kind> {
    Kind::ALL
        .iter()
        .copied()
        .filter(|k| k.standard() == Standard::Dicom)
}

fn all() -> impl Iterator<Item = (Kind, Level, u64)> {
    dicom_kinds().flat_map(|k| {
        Level::ALL
            .iter()
            .flat_map(move |&d| (0..SEEDS).map(move |s| (k, d, s * 7919 + 11)))
    })
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

/// The right answer as a person might type it.
fn lenient(key: &Key) -> Answer {
    Answer::of(key.parts.iter().map(|p| {
        let v = match &p.check {
            Check::Text { accepted, mode } => {
                let a = &accepted[0];
                match mode {
                    TextMode::Date if a.len() == 8 => {
                        format!("{}-{}-{}", &a[..4], &a[4..6], &a[6..8])
                    }
                    _ => format!("  {}  ", a.to_lowercase()),
                }
            }
            Check::Choice { correct, .. } => correct
                .iter()
                .rev()
                .map(|i| format!(" {i} "))
                .collect::<Vec<_>>()
                .join(","),
            Check::Location(targets) => targets[0].path.to_string(),
        };
        (p.name.clone(), v)
    }))
}

fn wrong_value(check: &Check) -> String {
    match check {
        Check::Text { accepted, mode } => match mode {
            TextMode::Date => "19010101".to_owned(),
            _ => format!("{}9", accepted[0]),
        },
        Check::Choice { correct, .. } => {
            // Toggle option 0 (and pick 1 if that leaves nothing): a
            // different set, or two picks for a single choice.
            let mut set: BTreeSet<usize> = correct.iter().copied().collect();
            if !set.remove(&0) {
                set.insert(0);
            }
            if set.is_empty() {
                set.insert(1);
            }
            set.iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(",")
        }
        Check::Location(_) => "MSH-3".to_owned(),
    }
}

#[test]
fn kinds_are_dicom_with_slugs_titles_and_topics() {
    let kinds: Vec<Kind> = dicom_kinds().collect();
    assert_eq!(kinds.len(), 7);
    for k in kinds {
        assert!(k.slug().starts_with("dicom-"), "{k:?}");
        assert_eq!(Kind::from_slug(k.slug()), Some(k));
        assert!(!k.title().is_empty() && !k.summary().is_empty());
        assert!(k.topic().starts_with("dicom-"));
    }
}

#[test]
fn generation_is_deterministic_and_seeds_differ() {
    for k in dicom_kinds() {
        for d in Level::ALL {
            let mut materials = HashSet::new();
            for s in 0..60 {
                let a = generate(k, d, s);
                assert_eq!(a, generate(k, d, s), "{k:?} {d:?} {s}");
                let shown = (&a.0.prompt, &a.0.material, &a.0.answer);
                materials.insert(serde_json::to_string(&shown).expect("json"));
            }
            // Two kinds draw from a small pool of attributes.
            let least = match k {
                Kind::DicomInformationModel | Kind::DicomVr if d == Level::Foundation => 12,
                Kind::DicomInformationModel => 18,
                _ => 40,
            };
            assert!(
                materials.len() >= least,
                "{k:?} {d:?}: {} distinct",
                materials.len()
            );
        }
    }
}

#[test]
fn right_answers_pass_and_wrong_ones_fail() {
    for (k, d, s) in all() {
        let (ex, key) = generate(k, d, s);
        let fb = grade(&ex, &key, &right(&key));
        assert!(fb.correct, "{k:?} {d:?} {s}: {fb:?}");
        assert!(fb.parts.iter().all(|p| p.correct && p.problem.is_none()));
        let fb = grade(&ex, &key, &lenient(&key));
        assert!(fb.correct, "{k:?} {d:?} {s} lenient: {fb:?}");
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
fn decode_answers_accept_the_usual_spellings() {
    for d in Level::ALL {
        for s in 0..SEEDS {
            let (ex, key) = generate(Kind::DicomDecodeElement, d, s);
            let t = decode_target(d, s);
            let (g, e) = (t.tag.group(), t.tag.element());
            for tag in [
                format!("({g:04x},{e:04x})"),
                format!("{g:04X},{e:04X}"),
                format!("{g:04x}{e:04x}"),
                format!(" ({g:04X}, {e:04X}) "),
            ] {
                for length in [
                    t.length.to_string(),
                    format!("0x{:02X}", t.length),
                    format!("0x{:04x}", t.length),
                ] {
                    let answer = Answer::of([
                        ("tag", tag.clone()),
                        ("vr", t.vr.code().to_lowercase()),
                        ("length", length.clone()),
                        ("value", format!("{}  ", t.value)),
                    ]);
                    let fb = grade(&ex, &key, &answer);
                    assert!(fb.correct, "{d:?} {s}: {tag} {length}: {fb:?}");
                }
            }
            // A tag with group and element swapped is wrong (unless equal).
            if g != e {
                let answer = Answer::of([
                    ("tag", format!("({e:04X},{g:04X})")),
                    ("vr", t.vr.code().to_owned()),
                    ("length", t.length.to_string()),
                    ("value", t.value.clone()),
                ]);
                assert!(!grade(&ex, &key, &answer).correct);
            }
        }
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
        "💥",
        "\u{0}",
        "0x",
        "(,)",
        ",,,",
        "99999999999999999999999",
        "(FFFF,FFFF)",
    ];
    for (k, d, s) in all().step_by(3) {
        let (ex, key) = generate(k, d, s);
        assert!(!grade(&ex, &key, &Answer::default()).correct);
        for j in junk {
            // A multiple choice of 1, 2 and 3 may really be the answer.
            let picks: BTreeSet<usize> =
                j.split(',').filter_map(|x| x.trim().parse().ok()).collect();
            if key.parts.iter().any(|p| matches!(&p.check, Check::Choice { correct, .. } if correct.iter().copied().collect::<BTreeSet<_>>() == picks)) {
                continue;
            }
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
    }
}

#[test]
fn feedback_is_complete_and_cites_the_standard() {
    for (k, d, s) in all().step_by(5) {
        let (ex, key) = generate(k, d, s);
        let fb = grade(&ex, &key, &right(&key));
        let sentences = fb.explanation.matches(". ").count() + 1;
        assert!(
            (2..=7).contains(&sentences),
            "{k:?} {d:?} {s}: {}",
            fb.explanation
        );
        assert!(
            fb.explanation.contains("PS3."),
            "{k:?} {d:?}: {}",
            fb.explanation
        );
        assert!(!fb.expected.is_empty() && !fb.highlight.is_empty());
        assert!(fb.learn_more.parts().is_some(), "{:?}", fb.learn_more);
        let names: Vec<&str> = match &ex.answer {
            AnswerForm::Parts(p) => p.iter().map(|p| p.name.as_str()).collect(),
            _ => vec![SINGLE],
        };
        let keyed: Vec<&str> = key.parts.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, keyed, "{k:?}");
        assert_eq!(ex.title, k.title());
        // Choice keys index real options.
        for (p, form) in key.parts.iter().zip(match &ex.answer {
            AnswerForm::Parts(parts) => parts.iter().map(|p| &p.form).collect::<Vec<_>>(),
            other => vec![other],
        }) {
            if let (Check::Choice { correct, count }, AnswerForm::Choice { options, .. }) =
                (&p.check, form)
            {
                assert_eq!(*count, options.len());
                assert!(correct.iter().all(|i| i < count) && !correct.is_empty());
                let distinct: HashSet<&String> = options.iter().collect();
                assert_eq!(distinct.len(), options.len(), "{k:?} {s}: {options:?}");
            }
        }
    }
}

#[test]
fn correct_choices_are_spread_over_positions() {
    let mut single: HashMap<(Kind, Level, String), Vec<usize>> = HashMap::new();
    let mut multi: HashMap<(Kind, Level), (Vec<usize>, Vec<usize>)> = HashMap::new();
    for (k, d, s) in all() {
        let (ex, key) = generate(k, d, s);
        for p in &key.parts {
            let Check::Choice { correct, count } = &p.check else {
                continue;
            };
            let multiple = matches!(&ex.answer, AnswerForm::Choice { multiple: true, .. });
            if multiple {
                let (inside, shown) = multi
                    .entry((k, d))
                    .or_insert_with(|| (vec![0; 8], vec![0; 8]));
                for i in 0..*count {
                    shown[i] += 1;
                    if correct.contains(&i) {
                        inside[i] += 1;
                    }
                }
                assert!(correct.len() < *count, "{k:?} {s}: every entry matches");
            } else {
                let counts = single
                    .entry((k, d, p.name.clone()))
                    .or_insert_with(|| vec![0; *count]);
                if counts.len() < *count {
                    counts.resize(*count, 0);
                }
                counts[correct[0]] += 1;
            }
        }
    }
    assert_eq!(single.len(), 10, "{:?}", single.keys());
    for ((k, d, name), counts) in single {
        let total: usize = counts.iter().sum();
        let fair = total / counts.len();
        for (i, c) in counts.iter().enumerate() {
            assert!(
                *c * 2 >= fair && *c <= fair * 2,
                "{k:?} {d:?} {name}: option {i} right {c} times of {total} ({counts:?})"
            );
        }
    }
    assert_eq!(multi.len(), 2);
    for ((k, d), (inside, shown)) in multi {
        for i in 0..5 {
            // Every position is sometimes in the answer and sometimes not.
            assert!(
                inside[i] * 10 >= shown[i] && inside[i] * 10 <= shown[i] * 9,
                "{k:?} {d:?}: entry {i} matched {} of {} times",
                inside[i],
                shown[i]
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
        assert!(!json.contains(&key.explanation));
        assert!(!json.to_lowercase().contains("correct"), "{k:?} {s}");
    }
}

#[test]
fn decode_element_bytes_read_back_as_the_key_says() {
    let mut vrs = HashSet::new();
    for d in Level::ALL {
        for s in 0..SEEDS {
            let t = decode_target(d, s);
            let (ex, _) = generate(Kind::DicomDecodeElement, d, s);
            let Material::DicomBytes {
                bytes, highlight, ..
            } = &ex.material
            else {
                panic!("{s}: not bytes");
            };
            assert_eq!(bytes, &t.bytes);
            assert_eq!(*highlight, Some(t.highlight));
            let parsed = read_dataset(bytes, t.transfer_syntax);
            assert!(parsed.error.is_none(), "{d:?} {s}: {:?}", parsed.error);
            // The highlighted bytes alone are one complete element.
            let (start, len) = t.highlight;
            let alone = read_dataset(&bytes[start..start + len], t.transfer_syntax);
            assert!(
                alone.error.is_none() && alone.dataset.len() == 1,
                "{d:?} {s}"
            );
            let el = &alone.dataset[0];
            assert_eq!(el.tag, t.tag);
            assert_eq!(el.vr, t.vr, "{d:?} {s}: {}", t.tag);
            assert_eq!(el.length, Length::Defined(t.length));
            let shown = match &el.value {
                Value::Text { values, .. } => values.join("\\"),
                Value::Unsigned { values, .. } => values[0].to_string(),
                Value::Bytes { head, .. } => head
                    .iter()
                    .map(|b| format!("{b:02X}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                other => panic!("{d:?} {s}: unexpected {other:?}"),
            };
            assert_eq!(shown, t.value, "{d:?} {s}");
            if d == Level::Foundation {
                assert_eq!(t.transfer_syntax, TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN);
                assert!(!t.vr.explicit_long_length() && t.vr.is_string());
            } else if !t.vr.explicit_long_length() {
                assert_ne!(t.transfer_syntax, TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN);
            }
            vrs.insert((d, t.vr, t.transfer_syntax.uid));
        }
    }
    // Intermediate covers implicit VR, big endian, numbers and long forms.
    let hard: Vec<_> = vrs
        .iter()
        .filter(|(d, ..)| *d == Level::Intermediate)
        .collect();
    for want in ["US", "UL", "UT", "UR", "UN", "OB"] {
        assert!(
            hard.iter().any(|(_, v, _)| v.code() == want),
            "{want}: {hard:?}"
        );
    }
    for uid in [
        "1.2.840.10008.1.2",
        "1.2.840.10008.1.2.2",
        "1.2.840.10008.1.2.1",
    ] {
        assert!(hard.iter().any(|(.., u)| *u == uid), "{uid}");
    }
}

#[test]
fn transfer_syntax_material_is_right() {
    for &uid in POOL {
        let ts = TransferSyntax::from_uid(uid).unwrap_or_else(|| panic!("{uid}"));
        assert!(TransferSyntax::all().contains(&ts));
        assert!(lookup_uid(uid).is_some_and(|e| e.name == ts.name()));
    }
    let mut seen = HashSet::new();
    for s in 0..SEEDS {
        let (ex, key) = generate(Kind::DicomTransferSyntax, Level::Foundation, s);
        let Material::DicomListing { listing, .. } = &ex.material else {
            panic!("{s}");
        };
        let parsed = parse_listing(listing).unwrap_or_else(|e| panic!("{s}: {e}\n{listing}"));
        let uid = parsed
            .dataset
            .get_str(Tag::TRANSFER_SYNTAX_UID)
            .expect("TS UID")
            .to_owned();
        let AnswerForm::Choice { options, .. } = &ex.answer else {
            panic!()
        };
        let Check::Choice { correct, .. } = &key.parts[0].check else {
            panic!()
        };
        let name = TransferSyntax::from_uid(&uid).expect("registered").name();
        assert_eq!(options[correct[0]], name, "{s}");
        seen.insert(uid);

        let (ex, key) = generate(Kind::DicomTransferSyntax, Level::Intermediate, s);
        let Material::DicomBytes { bytes, .. } = &ex.material else {
            panic!("{s}");
        };
        let explicit =
            matches!(&key.parts[0].check, Check::Choice { correct, .. } if correct[0] == 0);
        let big = matches!(&key.parts[1].check, Check::Choice { correct, .. } if correct[0] == 1);
        let ts = TransferSyntax::all()
            .iter()
            .copied()
            .find(|t| {
                t.explicit_vr == explicit && t.big_endian == big && !t.encapsulated && !t.deflated
            })
            .expect("a syntax with these properties");
        let parsed = read_dataset(bytes, ts);
        assert!(parsed.error.is_none() && parsed.dataset.len() == 4, "{s}");
        // The reader's own inference from the bytes agrees.
        let guessed = read(bytes);
        assert_eq!(
            (
                guessed.transfer_syntax.explicit_vr,
                guessed.transfer_syntax.big_endian
            ),
            (explicit, big),
            "{s}"
        );
    }
    assert!(seen.len() >= 12, "{seen:?}");
}

#[test]
fn find_attribute_values_are_where_the_key_says() {
    for d in Level::ALL {
        for s in 0..SEEDS {
            let (ex, key) = generate(Kind::DicomFindAttribute, d, s);
            let (ts, tag, value, material) = find_target(d, s);
            assert_eq!(material, ex.material);
            let Check::Text { accepted, .. } = &key.parts[0].check else {
                panic!()
            };
            assert_eq!(accepted[0], value);
            match &ex.material {
                Material::DicomListing { listing, .. } => {
                    let parsed = parse_listing(listing).unwrap_or_else(|e| panic!("{s}: {e}"));
                    assert_eq!(
                        parsed.dataset.get_strs(tag).map(|v| v.join("\\")),
                        Some(value.clone())
                    );
                    let keyword = crate::dicom::attribute(tag).expect("dict").keyword;
                    assert!(!listing.contains(keyword), "{s}: {keyword} shown");
                }
                Material::DicomBytes {
                    bytes, highlight, ..
                } => {
                    assert_eq!(*highlight, None);
                    let parsed = read_dataset(bytes, ts);
                    assert!(parsed.error.is_none(), "{s}");
                    assert_eq!(parsed.text(tag), Some(value.as_str()), "{s}");
                    assert!(parsed.get(Tag(0x0010, 0x1002)).is_some());
                }
                other => panic!("{other:?}"),
            }
        }
    }
}

#[test]
fn information_model_attributes_are_in_the_dictionary() {
    for p in MODEL_FOUNDATION.iter().chain(MODEL_INTERMEDIATE) {
        assert!(by_keyword(p.keyword).is_some(), "{}", p.keyword);
        assert!(p.level < 4);
    }
    for level in 0..4 {
        assert!(MODEL_FOUNDATION.iter().any(|p| p.level == level));
        assert!(MODEL_INTERMEDIATE.iter().any(|p| p.level == level));
    }
    // The brief's fixed points.
    let level = |k: &str| {
        MODEL_INTERMEDIATE
            .iter()
            .chain(MODEL_FOUNDATION)
            .find(|p| p.keyword == k)
            .map(|p| p.level)
    };
    assert_eq!(level("ReferringPhysicianName"), Some(1));
    assert_eq!(level("PatientAge"), Some(1));
    assert_eq!(level("Laterality"), Some(2));
    assert_eq!(level("ImagePositionPatient"), Some(3));
    assert_eq!(level("Modality"), Some(2));
    assert_eq!(level("AccessionNumber"), Some(1));
}

#[test]
fn vr_exercises_follow_ps3_5() {
    for k in VR_FOUNDATION {
        let a = by_keyword(k).unwrap_or_else(|| panic!("{k}"));
        assert_eq!(a.vrs.len(), 1, "{k} has a choice of VRs");
    }
    let mut kinds = HashSet::new();
    for s in 0..SEEDS {
        let (ex, key) = generate(Kind::DicomVr, Level::Foundation, s);
        let AnswerForm::Parts(parts) = &ex.answer else {
            panic!()
        };
        let AnswerForm::Choice { options, .. } = &parts[0].form else {
            panic!()
        };
        let Check::Choice { correct, .. } = &key.parts[0].check else {
            panic!()
        };
        let Material::Text(text) = &ex.material else {
            panic!()
        };
        let keyword = text.rsplit("Keyword: ").next().expect("keyword").trim();
        let vr = by_keyword(keyword).and_then(|a| a.vr()).expect("vr");
        assert_eq!(options[correct[0]], vr.code(), "{s}");

        let (ex, key) = generate(Kind::DicomVr, Level::Intermediate, s);
        let AnswerForm::Choice { options, .. } = &ex.answer else {
            panic!()
        };
        let Check::Choice { correct, .. } = &key.parts[0].check else {
            panic!()
        };
        let Material::Text(text) = &ex.material else {
            panic!()
        };
        let vr: crate::dicom::Vr = text
            .lines()
            .find_map(|l| l.strip_prefix("VR: "))
            .expect("VR line")
            .parse()
            .expect("vr");
        if let Some(value) = text.lines().find_map(|l| l.strip_prefix("Value: ")) {
            kinds.insert("wrong");
            // The chosen defect applies; no other offered defect does.
            for (i, o) in options.iter().enumerate() {
                let defect = DEFECTS.iter().find(|d| d.label() == o);
                match defect {
                    Some(d) => assert_eq!(
                        d.applies(vr, value),
                        i == correct[0],
                        "{s}: {o} for {value}"
                    ),
                    None => assert_ne!(i, correct[0], "{s}: {o}"),
                }
            }
        } else {
            kinds.insert("valid");
            for (i, o) in options.iter().enumerate() {
                assert_eq!(is_valid(vr, o), i == correct[0], "{s}: {o} as {vr}");
            }
        }
    }
    assert_eq!(kinds.len(), 2);
}

#[test]
fn network_config_uids_and_codes_are_registered() {
    for s in 0..SEEDS {
        for d in Level::ALL {
            let (ex, key) = generate(Kind::DicomNetworkConfig, d, s);
            let Material::Several(parts) = &ex.material else {
                panic!()
            };
            let Some(Material::Text(log)) = parts.last() else {
                panic!()
            };
            assert!(!log.contains("Unknown SOP class"), "{log}");
            let fb = grade(&ex, &key, &right(&key));
            if log.contains("reason 7") || log.contains("reason=7") {
                assert!(fb.expected.contains("called AE"), "{}", fb.expected);
            }
            if log.contains("reason 3") || log.contains("reason=3") {
                assert!(
                    fb.expected.contains("AE title in its entry"),
                    "{}",
                    fb.expected
                );
            }
            if log.contains("refused") && !log.contains("N-EVENT-REPORT") {
                assert!(fb.expected.contains("PACS's port"), "{}", fb.expected);
            }
            if d == Level::Foundation {
                assert_eq!(parts.len(), 2);
            } else {
                assert_eq!(parts.len(), 4);
            }
        }
    }
}

// ---- worklist: an independent re-implementation of PS3.4 C.2.2.2 ----

/// `*` any run (none included), `?` exactly one character; recursive.
fn glob(p: &[u8], t: &[u8]) -> bool {
    match (p.first(), t.first()) {
        (None, None) => true,
        (Some(b'*'), _) => glob(&p[1..], t) || (!t.is_empty() && glob(p, &t[1..])),
        (Some(b'?'), Some(_)) => glob(&p[1..], &t[1..]),
        (Some(a), Some(b)) if a == b => glob(&p[1..], &t[1..]),
        _ => false,
    }
}

fn date_ok(key: &str, v: &str) -> bool {
    if key.is_empty() {
        return true;
    }
    if let Some(i) = key.find('-') {
        let (lo, hi) = (&key[..i], &key[i + 1..]);
        return (lo.is_empty() || lo <= v) && (hi.is_empty() || v <= hi);
    }
    key == v
}

/// The value in brackets on the listing line for `tag`.
fn key_value(listing: &str, tag: &str) -> String {
    listing
        .lines()
        .find(|l| l.trim_start().starts_with(tag))
        .and_then(|l| {
            let open = l.find('[')?;
            let close = l.find(']')?;
            Some(l[open + 1..close].to_owned())
        })
        .unwrap_or_default()
}

#[test]
fn worklist_matching_agrees_with_an_independent_implementation() {
    let mut returned = 0;
    let mut ranges = HashSet::new();
    for d in Level::ALL {
        for s in 0..SEEDS {
            let (ex, key) = generate(Kind::DicomWorklistMatching, d, s);
            let Material::Several(parts) = &ex.material else {
                panic!()
            };
            let (Material::DicomListing { listing, .. }, Material::Table { columns, rows, .. }) =
                (&parts[0], &parts[1])
            else {
                panic!()
            };
            assert!(parse_listing(listing).is_ok(), "{listing}");
            let name = key_value(listing, "(0010,0010)");
            let modality = key_value(listing, "(0008,0060)");
            let ae = key_value(listing, "(0040,0001)");
            let date = key_value(listing, "(0040,0002)");
            if date.contains('-') {
                ranges.insert(date.len() == 17);
            }
            let col = |c: &str| columns.iter().position(|x| x == c).expect(c);
            let expected: Vec<usize> = rows
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    (name.is_empty() || glob(name.as_bytes(), r[col("Patient's Name")].as_bytes()))
                        && (modality.is_empty() || modality == r[col("Modality")])
                        && (ae.is_empty() || ae == r[col("Scheduled Station AE Title")])
                        && date_ok(&date, &r[col("SPS Start Date")])
                })
                .map(|(i, _)| i)
                .collect();
            let Check::Choice { correct, count } = &key.parts[0].check else {
                panic!()
            };
            assert_eq!(correct, &expected, "{d:?} {s}:\n{listing}\n{rows:?}");
            assert!((5..=8).contains(count) && *count == rows.len());
            assert!(!correct.is_empty() && correct.len() < rows.len());
            returned += correct.len();
            let used = [&name, &modality, &ae, &date]
                .iter()
                .filter(|v| !v.is_empty())
                .count();
            if d == Level::Foundation {
                assert!((1..=2).contains(&used), "{s}: {used}");
            } else {
                assert_eq!(used, 4, "{s}");
                assert!(name.contains('*') || name.contains('?'));
                assert!(date.contains('-'));
            }
        }
    }
    assert!(returned > 600);
    assert_eq!(ranges.len(), 2, "both closed and open ranges occur");
}

#[test]
fn wildcard_matcher_agrees_with_the_reference_on_edge_cases() {
    use super::worklist::wildcard;
    for (p, t) in [
        ("*", ""),
        ("*", "ABC"),
        ("A*", "A"),
        ("A?C", "ABC"),
        ("A?C", "AC"),
        ("*B*", "ABC"),
        ("SMI*", "SMITH^JOHN"),
        ("SM?TH^*", "SMYTHE^ANN"),
        ("SM?TH^*", "SMITH^"),
        ("**", "X"),
        ("?", ""),
        ("A*B*C", "AXXBXXC"),
        ("A*B*C", "AXXBXX"),
    ] {
        let pc: Vec<char> = p.chars().collect();
        let tc: Vec<char> = t.chars().collect();
        assert_eq!(
            wildcard(&pc, &tc),
            glob(p.as_bytes(), t.as_bytes()),
            "{p} {t}"
        );
    }
}
