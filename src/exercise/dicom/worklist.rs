//! Match the worklist: a Modality Worklist C-FIND identifier and a table of
//! scheduled procedure steps; the learner picks every entry the query
//! returns, by the matching rules of PS3.4 section C.2.2.2.
//!
//! The worklist SCP of these exercises matches Patient's Name
//! case-insensitively, which PS3.4 C.2.2.2.1 allows for PN (the SCP's
//! choice, stated in its conformance statement); every other key matches
//! case-sensitively. All names are upper case, so case never decides.

use crate::dicom::{read_dataset, write_dataset, DataSet, Tag, TransferSyntax, Vr};
use crate::exercise::{AnswerForm, Check, Material, PartKey, SINGLE};
use crate::synth::{self, DateTime};

use super::{link, listing, networking_link, Ctx, Made};

/// One worklist entry: a scheduled procedure step with its patient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub name: String,
    pub patient_id: String,
    pub accession: String,
    pub modality: String,
    pub ae: String,
    pub date: String,
    pub time: String,
}

/// The matching keys of a query; an empty key is universal matching.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Query {
    pub name: String,
    pub modality: String,
    pub ae: String,
    pub date: String,
}

/// Whether `text` matches `pattern`, where `*` is any run of characters
/// (none included) and `?` exactly one (PS3.4 C.2.2.2.4).
pub(crate) fn wildcard(pattern: &[char], text: &[char]) -> bool {
    // Classic two-pointer match with backtracking to the last `*`.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

/// Patient's Name: universal, wild card or single value, case-insensitive.
fn name_matches(key: &str, value: &str) -> bool {
    if key.is_empty() {
        return true;
    }
    let key: Vec<char> = key.to_uppercase().chars().collect();
    let value: Vec<char> = value.to_uppercase().chars().collect();
    wildcard(&key, &value)
}

/// A date key: universal, single value or a range `D1-D2`, `-D2`, `D1-`
/// (inclusive; PS3.4 C.2.2.2.5).
fn date_matches(key: &str, value: &str) -> bool {
    if key.is_empty() {
        return true;
    }
    match key.split_once('-') {
        Some((from, to)) => (from.is_empty() || value >= from) && (to.is_empty() || value <= to),
        None => key == value,
    }
}

/// Single value matching, case-sensitive; trailing spaces are not
/// significant.
fn exact(key: &str, value: &str) -> bool {
    key.is_empty() || key.trim_end() == value.trim_end()
}

/// Whether the query returns the entry.
pub(crate) fn matches(q: &Query, e: &Entry) -> bool {
    name_matches(&q.name, &e.name)
        && exact(&q.modality, &e.modality)
        && exact(&q.ae, &e.ae)
        && date_matches(&q.date, &e.date)
}

/// Why the entry does not match, or `None` if it does.
fn reason(q: &Query, e: &Entry) -> Option<String> {
    if !name_matches(&q.name, &e.name) {
        return Some(format!("{} does not fit {}", e.name, q.name));
    }
    if !exact(&q.modality, &e.modality) {
        return Some(format!("modality {} is not {}", e.modality, q.modality));
    }
    if !exact(&q.ae, &e.ae) {
        return Some(format!("it is scheduled on {}, not {}", e.ae, q.ae));
    }
    if !date_matches(&q.date, &e.date) {
        return Some(format!("{} is outside {}", e.date, q.date));
    }
    None
}

/// A scheduling station: AE title stem and the modalities it performs.
const STATIONS: &[(&str, &[&str])] = &[
    ("CT1", &["CT"]),
    ("CT2", &["CT"]),
    ("MR1", &["MR"]),
    ("US1", &["US"]),
    ("PETCT1", &["PT", "CT"]),
    ("DX1", &["DX"]),
];

fn day(base: DateTime, offset: i64) -> String {
    base.plus_seconds(offset * 86_400).dicom_date()
}

/// Which keys a query uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keys {
    ModalityDate,
    StationDate,
    Name,
    Full,
}

pub(super) fn make(ctx: &mut Ctx) -> Made {
    let facility = ctx.pick(&["NGH", "RVH", "SMH", "WDH"]);
    let keys = if ctx.hard() {
        Keys::Full
    } else {
        ctx.pick(&[Keys::ModalityDate, Keys::StationDate, Keys::Name])
    };
    let base = ctx.base;
    let mut rng = synth::Rng::seed_from_u64(ctx.rng.next_u64());
    let mut people: Vec<(String, String)> = (0..10)
        .map(|_| {
            let p = synth::patient(&mut rng);
            (p.family_name.to_uppercase(), p.given_name.to_uppercase())
        })
        .collect();
    people.dedup();
    let target = people[0].clone();

    // The query.
    let (station, station_modalities) = STATIONS[ctx.rng.index(STATIONS.len())];
    let modality = station_modalities[ctx.rng.index(station_modalities.len())];
    let ae = format!("{facility}{station}");
    let mut q = Query::default();
    let d0 = day(base, 0);
    match keys {
        Keys::ModalityDate => {
            q.modality = modality.to_owned();
            q.date = d0.clone();
        }
        Keys::StationDate => {
            q.ae = ae.clone();
            q.date = d0.clone();
        }
        Keys::Name => q.name = name_pattern(ctx, &target),
        Keys::Full => {
            q.modality = modality.to_owned();
            q.ae = ae.clone();
            q.name = name_pattern(ctx, &target);
            q.date = match ctx.rng.below(3) {
                0 => format!("{d0}-{}", day(base, 1)),
                1 => format!("-{}", day(base, 1)),
                _ => format!("{d0}-"),
            };
        }
    }

    // The entries: each key matched with some probability, else a near miss.
    let count = 5 + ctx.rng.index(4);
    let mut entries = Vec::new();
    let mut attempts = 0;
    while entries.len() < count && attempts < 200 {
        attempts += 1;
        let forced = match entries.len() {
            0 => Some(true),
            1 => Some(false),
            _ => None,
        };
        let e = entry(ctx, &mut rng, &q, &people, facility, base, &target);
        if forced.is_some_and(|f| matches(&q, &e) != f) {
            continue;
        }
        if entries
            .iter()
            .any(|x: &Entry| x.name == e.name && x.date == e.date)
        {
            continue;
        }
        entries.push(e);
    }
    ctx.shuffle(&mut entries);
    let labels: Vec<String> = (1..=entries.len()).map(|i| format!("Entry {i}")).collect();
    let correct: Vec<usize> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| matches(&q, e))
        .map(|(i, _)| i)
        .collect();

    let query_listing = {
        let mut sps = DataSet::new();
        sps.put_str(Tag(0x0008, 0x0060), Vr::CS, &q.modality)
            .put_str(Tag(0x0040, 0x0001), Vr::AE, &q.ae)
            .put_str(Tag(0x0040, 0x0002), Vr::DA, &q.date)
            .put_empty(Tag(0x0040, 0x0003), Vr::TM)
            .put_empty(Tag(0x0040, 0x0007), Vr::LO)
            .put_empty(Tag(0x0040, 0x0009), Vr::SH);
        let mut ds = DataSet::new();
        ds.put_empty(Tag(0x0008, 0x0050), Vr::SH)
            .put_str(Tag::PATIENT_NAME, Vr::PN, &q.name)
            .put_empty(Tag::PATIENT_ID, Vr::LO)
            .put_empty(Tag(0x0010, 0x0030), Vr::DA)
            .put_seq(Tag(0x0040, 0x0100), vec![sps]);
        let ts = TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN;
        let parsed = read_dataset(&write_dataset(&ds, ts), ts);
        listing(&parsed.dataset, &|_| false)
    };
    let rows: Vec<Vec<String>> = entries
        .iter()
        .zip(&labels)
        .map(|(e, l)| {
            vec![
                l.clone(),
                e.name.clone(),
                e.patient_id.clone(),
                e.accession.clone(),
                e.modality.clone(),
                e.ae.clone(),
                e.date.clone(),
                e.time.clone(),
            ]
        })
        .collect();
    let table = Material::Table {
        caption: "Scheduled procedure steps held by the worklist SCP (one Scheduled Procedure Step Sequence item each)".to_owned(),
        columns: [
            "Entry",
            "Patient's Name",
            "Patient ID",
            "Accession Number",
            "Modality",
            "Scheduled Station AE Title",
            "SPS Start Date",
            "SPS Start Time",
        ]
        .iter()
        .map(|c| (*c).to_owned())
        .collect(),
        rows,
    };

    let picked: Vec<String> = correct.iter().map(|&i| labels[i].clone()).collect();
    let misses: Vec<String> = entries
        .iter()
        .zip(&labels)
        .filter_map(|(e, l)| reason(&q, e).map(|r| format!("{l}: {r}")))
        .collect();
    let mut explanation = vec![format!(
        "The query returns {} and no others; {}.",
        picked.join(", "),
        misses.join("; ")
    )];
    explanation.push(rules_sentence(&q));
    explanation.push("The modality, station and date keys sit inside the Scheduled Procedure Step Sequence (0040,0100), so they use sequence matching: an entry matches when one of its items matches every key in the query's item (PS3.4 C.2.2.2.6).".to_owned());
    if !q.name.is_empty() {
        explanation.push("Names are matched as the whole PN string, component separators included, so `*` can run past the `^`; this SCP ignores case for PN, which PS3.4 C.2.2.2.1 leaves to the implementation, while every other key is case-sensitive.".to_owned());
    }
    let prompt = "A modality sends this Modality Worklist C-FIND identifier (values in brackets are matching keys, empty brackets are return keys). Which of the entries in the table does the worklist SCP return? Choose every one that matches.".to_owned();
    Made {
        prompt,
        material: Material::Several(vec![
            Material::DicomListing {
                listing: query_listing,
                caption: "The C-FIND identifier".to_owned(),
            },
            table,
        ]),
        answer: AnswerForm::Choice {
            label: "Entries returned".to_owned(),
            options: labels.clone(),
            multiple: true,
        },
        parts: vec![PartKey::new(
            SINGLE,
            Check::Choice {
                correct: correct.clone(),
                count: labels.len(),
            },
            picked.join(", "),
        )],
        expected: picked.join(", "),
        explanation: explanation.join(" "),
        highlight: picked,
        learn_more: if ctx.hard() {
            link(
                "intermediate",
                "query-retrieve-and-storage-commitment",
                "matching-types",
                "Matching types",
            )
        } else {
            networking_link("modality-worklist", "Modality Worklist")
        },
    }
}

/// The matching rules the query's keys use.
fn rules_sentence(q: &Query) -> String {
    let mut rules = Vec::new();
    if !q.name.is_empty() {
        rules.push(format!(
            "Patient's Name `{}` is wild card matching, where `*` stands for any run of characters (none included) and `?` for exactly one (PS3.4 C.2.2.2.4)",
            q.name
        ));
    }
    if q.date.contains('-') {
        let (from, to) = q.date.split_once('-').unwrap_or(("", ""));
        let range = match (from.is_empty(), to.is_empty()) {
            (false, false) => format!("from {from} to {to}, both days included"),
            (true, _) => format!("up to and including {to}"),
            (_, true) => format!("from {from} onwards"),
        };
        rules.push(format!(
            "the date `{}` is range matching, {range} (PS3.4 C.2.2.2.5)",
            q.date
        ));
    } else if !q.date.is_empty() {
        rules.push(format!(
            "the date `{}` is single value matching: that day only (PS3.4 C.2.2.2.1)",
            q.date
        ));
    }
    if !q.modality.is_empty() || !q.ae.is_empty() {
        rules.push("Modality and Scheduled Station AE Title are single value matching, exact and case-sensitive (PS3.4 C.2.2.2.1)".to_owned());
    }
    rules.push("every key with an empty value is universal matching and matches everything (PS3.4 C.2.2.2.3)".to_owned());
    let mut s = rules.join("; ");
    if let Some(first) = s.get(..1) {
        s = first.to_uppercase() + &s[1..];
    }
    s + "."
}

/// A wild card pattern that the target name matches.
fn name_pattern(ctx: &mut Ctx, (family, given): &(String, String)) -> String {
    let fam: Vec<char> = family.chars().collect();
    match ctx.rng.below(3) {
        0 => {
            let n = 3.min(fam.len());
            format!("{}*", fam[..n].iter().collect::<String>())
        }
        1 => {
            let initial = given.chars().next().unwrap_or('A');
            format!("{family}^{initial}*")
        }
        _ => {
            let mut chars = fam.clone();
            let i = if chars.len() > 2 {
                1 + ctx.rng.index(chars.len() - 2)
            } else {
                0
            };
            if let Some(c) = chars.get_mut(i) {
                *c = '?';
            }
            format!("{}^*", chars.iter().collect::<String>())
        }
    }
}

/// A near miss of `name` for the pattern: one letter of the family name
/// changed, which breaks every pattern `name_pattern` makes when the
/// letter changed is one the pattern spells out.
fn near_miss_name(rng: &mut synth::Rng, (family, given): &(String, String)) -> (String, String) {
    let mut chars: Vec<char> = family.chars().collect();
    let i = rng.index(chars.len().clamp(1, 2));
    if let Some(c) = chars.get_mut(i) {
        *c = if *c == 'A' { 'E' } else { 'A' };
    }
    (chars.into_iter().collect(), given.clone())
}

/// The same hospital number for the same name: one person may have
/// several bookings. FNV-1a of the name, 7 digits.
fn patient_id(facility: &str, name: &str) -> String {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{}{:07}", &facility[..2], hash % 10_000_000)
}

fn entry(
    ctx: &mut Ctx,
    rng: &mut synth::Rng,
    q: &Query,
    people: &[(String, String)],
    facility: &str,
    base: DateTime,
    target: &(String, String),
) -> Entry {
    let hit = |ctx: &mut Ctx| ctx.chance(if ctx.hard() { 750 } else { 550 });
    // Name.
    let (family, given) = if q.name.is_empty() {
        people[ctx.rng.index(people.len())].clone()
    } else if hit(ctx) {
        if ctx.chance(500) {
            target.clone()
        } else {
            // Same family, another given name: matches surname patterns.
            let other = &people[ctx.rng.index(people.len())];
            (target.0.clone(), other.1.clone())
        }
    } else if ctx.chance(500) {
        near_miss_name(rng, target)
    } else {
        people[ctx.rng.index(people.len())].clone()
    };
    // Station and modality.
    let (station, mods) = STATIONS[ctx.rng.index(STATIONS.len())];
    let mut ae = format!("{facility}{station}");
    let mut modality = mods[ctx.rng.index(mods.len())].to_owned();
    if !q.ae.is_empty() && hit(ctx) {
        ae = q.ae.clone();
        let stem = ae.trim_start_matches(facility);
        if let Some((_, m)) = STATIONS.iter().find(|(s, _)| *s == stem) {
            modality = m[ctx.rng.index(m.len())].to_owned();
        }
    }
    if !q.modality.is_empty() && q.ae.is_empty() && hit(ctx) {
        modality = q.modality.clone();
        let fits: Vec<&str> = STATIONS
            .iter()
            .filter(|(_, m)| m.contains(&modality.as_str()))
            .map(|(s, _)| *s)
            .collect();
        let pick = fits
            .get(ctx.rng.index(fits.len()))
            .copied()
            .unwrap_or(station);
        ae = format!("{facility}{pick}");
    }
    // Date: the query's days, or a day or two either side.
    let offset = if hit(ctx) {
        match q.date.split_once('-') {
            Some((f, t)) if !f.is_empty() && !t.is_empty() => ctx.rng.below(2) as i64,
            Some(("", _)) => 1 - ctx.rng.below(3) as i64,
            Some(_) => ctx.rng.below(3) as i64,
            None => 0,
        }
    } else {
        match q.date.split_once('-') {
            Some((f, t)) if !f.is_empty() && !t.is_empty() => {
                if ctx.chance(500) {
                    -1
                } else {
                    2
                }
            }
            Some(("", _)) => 2 + ctx.rng.below(2) as i64,
            Some(_) => -1 - ctx.rng.below(2) as i64,
            None => {
                if ctx.chance(500) {
                    -1
                } else {
                    1
                }
            }
        }
    };
    let date = day(base, offset);
    let slot = ctx.rng.below(120);
    let time = format!("{:02}{:02}00", 8 + slot / 12, (slot % 12) * 5);
    Entry {
        name: format!("{family}^{given}"),
        patient_id: patient_id(facility, &format!("{family}^{given}")),
        accession: format!("{facility}{}", rng.digits(8)),
        modality,
        ae,
        date,
        time,
    }
}
