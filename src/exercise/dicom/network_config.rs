//! Fix the connection: a modality and a PACS, each side's configuration and
//! a log of the failure; the learner says which setting is wrong. The
//! association reject codes are those of PS3.8 section 9.3.4 (table 9-21)
//! and the presentation context results those of section 9.3.3.2
//! (table 9-18).

use crate::dicom::lookup_uid;
use crate::exercise::{Material, SINGLE};

use super::{choice, choice_key, networking_link, Ctx, Made};

/// The one setting that is wrong: always one side's record of the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    /// The modality calls the PACS by the wrong AE title: reject reason 7.
    CalledAe,
    /// The modality has the wrong host for the PACS: connection timeout.
    PacsHost,
    /// The modality has the wrong port for the PACS: connection refused.
    PacsPort,
    /// The PACS knows the modality by another AE title: reject reason 3.
    CallingAe,
    /// The PACS has the wrong host for the modality: storage commitment
    /// reports time out.
    ModalityHost,
    /// The PACS has the wrong port for the modality: storage commitment
    /// reports are refused.
    ModalityPort,
    /// The PACS does not accept the SOP class the modality sends:
    /// presentation context result 3.
    SopClasses,
}

const FOUNDATION: &[Fault] = &[
    Fault::CalledAe,
    Fault::PacsHost,
    Fault::PacsPort,
    Fault::CallingAe,
];

const INTERMEDIATE: &[Fault] = &[
    Fault::CalledAe,
    Fault::PacsHost,
    Fault::PacsPort,
    Fault::CallingAe,
    Fault::ModalityHost,
    Fault::ModalityPort,
    Fault::SopClasses,
];

/// A kind of modality: its name, AE title stem, and the SOP class it
/// sends (the enhanced or multi-frame one a PACS may not be set up for)
/// with the classic one the PACS does accept.
struct Device {
    name: &'static str,
    ae: &'static str,
    sends: &'static str,
    classic: &'static str,
}

const DEVICES: &[Device] = &[
    Device {
        name: "CT scanner",
        ae: "CT",
        sends: "1.2.840.10008.5.1.4.1.1.2.1",
        classic: "1.2.840.10008.5.1.4.1.1.2",
    },
    Device {
        name: "MR scanner",
        ae: "MR",
        sends: "1.2.840.10008.5.1.4.1.1.4.1",
        classic: "1.2.840.10008.5.1.4.1.1.4",
    },
    Device {
        name: "ultrasound machine",
        ae: "US",
        sends: "1.2.840.10008.5.1.4.1.1.3.1",
        classic: "1.2.840.10008.5.1.4.1.1.6.1",
    },
    Device {
        name: "mammography unit",
        ae: "MG",
        sends: "1.2.840.10008.5.1.4.1.1.13.1.3",
        classic: "1.2.840.10008.5.1.4.1.1.1.2",
    },
];

/// The registered name of a UID.
fn uid_name(uid: &str) -> &'static str {
    lookup_uid(uid).map_or("Unknown SOP class", |e| e.name)
}

/// The two sides' real identities and each side's record of the other.
struct Setup {
    device: &'static Device,
    facility: String,
    mod_ae: String,
    mod_host: String,
    mod_port: u16,
    pacs_ae: String,
    pacs_host: String,
    pacs_port: u16,
    // The modality's record of the PACS.
    called_ae: String,
    pacs_host_seen: String,
    pacs_port_seen: u16,
    // The PACS's record of the modality.
    entry_ae: String,
    entry_host: String,
    entry_port: u16,
    entry_sop: Vec<&'static str>,
}

fn host(ctx: &mut Ctx, net: u64) -> String {
    format!(
        "10.{}.{}.{}",
        net,
        ctx.rng.range(1, 60),
        ctx.rng.range(10, 240)
    )
}

/// A nearly identical AE title, for the Intermediate level.
fn subtle(ctx: &mut Ctx, ae: &str) -> String {
    let split = ae.len().saturating_sub(1);
    let (head, tail) = ae.split_at(split);
    let out = match ctx.rng.below(3) {
        0 => format!("{}_{}", &ae[..3.min(ae.len())], &ae[3.min(ae.len())..]),
        1 => format!("{head}0{tail}"),
        _ => format!("{ae}1"),
    };
    out.chars().take(16).collect()
}

/// A clearly different AE title, for the Foundation level.
fn obvious(ctx: &mut Ctx, facility: &str, what: &str) -> String {
    let options = [
        format!("{facility}{what}OLD"),
        format!("{what}TEST"),
        format!("{facility}_{what}_DEV"),
    ];
    options[ctx.rng.index(options.len())]
        .chars()
        .take(16)
        .collect()
}

fn setup(ctx: &mut Ctx, fault: Fault) -> Setup {
    let device = &DEVICES[ctx.rng.index(DEVICES.len())];
    let facility = ctx.pick(&["NGH", "RVH", "SMH", "WDH", "CKH"]).to_owned();
    let room = ctx.rng.range(1, 4);
    let mod_ae = format!("{facility}{}{room}", device.ae);
    let pacs_ae = format!("{facility}{}", ctx.pick(&["PACS", "ARCH", "PACS01"]));
    let net = ctx.rng.range(16, 40);
    let mod_host = host(ctx, net);
    let mut pacs_host = host(ctx, net);
    while pacs_host == mod_host {
        pacs_host = host(ctx, net);
    }
    let pacs_port = ctx.pick(&[104u16, 11112]);
    let mod_port = ctx.pick(&[104u16, 11112, 4006]);
    let mut s = Setup {
        device,
        facility: facility.clone(),
        called_ae: pacs_ae.clone(),
        pacs_host_seen: pacs_host.clone(),
        pacs_port_seen: pacs_port,
        entry_ae: mod_ae.clone(),
        entry_host: mod_host.clone(),
        entry_port: mod_port,
        entry_sop: vec![device.classic, device.sends, "1.2.840.10008.5.1.4.1.1.7"],
        mod_ae,
        mod_host,
        mod_port,
        pacs_ae,
        pacs_host,
        pacs_port,
    };
    let hard = ctx.hard();
    match fault {
        Fault::CalledAe => {
            s.called_ae = if hard {
                subtle(ctx, &s.pacs_ae)
            } else {
                obvious(ctx, &s.facility, "PACS")
            };
        }
        Fault::CallingAe => {
            s.entry_ae = if hard {
                subtle(ctx, &s.mod_ae)
            } else {
                obvious(ctx, &s.facility, device.ae)
            };
        }
        Fault::PacsHost => {
            let last = s.pacs_host.rsplit('.').next().unwrap_or("1");
            let n: u64 = last.parse().unwrap_or(1);
            let prefix = &s.pacs_host[..s.pacs_host.len() - last.len()];
            s.pacs_host_seen = format!("{prefix}{}", (n + 1 + ctx.rng.below(9)) % 250 + 2);
            if s.pacs_host_seen == s.pacs_host || s.pacs_host_seen == s.mod_host {
                s.pacs_host_seen = format!("{prefix}251");
            }
        }
        Fault::PacsPort => {
            s.pacs_port_seen = if s.pacs_port == 104 { 11112 } else { 104 };
        }
        Fault::ModalityHost => {
            let last = s.mod_host.rsplit('.').next().unwrap_or("1");
            let prefix = &s.mod_host[..s.mod_host.len() - last.len()];
            s.entry_host = format!("{prefix}{}", 241 + ctx.rng.below(9));
        }
        Fault::ModalityPort => {
            s.entry_port = if s.mod_port == 104 { 11112 } else { 104 };
        }
        Fault::SopClasses => {
            s.entry_sop = vec![device.classic, "1.2.840.10008.5.1.4.1.1.7"];
        }
    }
    s
}

/// The option text of each setting the learner may blame; `device` is
/// the device's name, e.g. "CT scanner".
fn label(fault: Fault, device: &str) -> String {
    let dev = capitalise(device);
    match fault {
        Fault::CalledAe => format!("{dev}: the PACS's AE title (called AE)"),
        Fault::PacsHost => format!("{dev}: the PACS's host address"),
        Fault::PacsPort => format!("{dev}: the PACS's port"),
        Fault::CallingAe => format!("PACS: the AE title in its entry for the {device}"),
        Fault::ModalityHost => format!("PACS: the host address in its entry for the {device}"),
        Fault::ModalityPort => format!("PACS: the port in its entry for the {device}"),
        Fault::SopClasses => format!("PACS: the SOP classes it accepts from the {device}"),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn row(setting: String, value: String) -> Vec<String> {
    vec![setting, value]
}

/// The configuration tables: one combined table (Foundation) or the
/// modality's, the PACS's and the PACS's list of known AEs (Intermediate).
fn tables(ctx: &mut Ctx, s: &Setup) -> Vec<Material> {
    let name = s.device.name;
    let dev = capitalise(name);
    let columns = vec!["Setting".to_owned(), "Value".to_owned()];
    if !ctx.hard() {
        return vec![Material::Table {
            caption: "Configuration on each side".to_owned(),
            columns,
            rows: vec![
                row(format!("{dev}: its own AE title"), s.mod_ae.clone()),
                row(format!("{dev}: its own host address"), s.mod_host.clone()),
                row(label(Fault::CalledAe, name), s.called_ae.clone()),
                row(label(Fault::PacsHost, name), s.pacs_host_seen.clone()),
                row(label(Fault::PacsPort, name), s.pacs_port_seen.to_string()),
                row("PACS: its own AE title".to_owned(), s.pacs_ae.clone()),
                row("PACS: its own host address".to_owned(), s.pacs_host.clone()),
                row(
                    "PACS: its own listening port".to_owned(),
                    s.pacs_port.to_string(),
                ),
                row(label(Fault::CallingAe, name), s.entry_ae.clone()),
            ],
        }];
    }
    let modality = Material::Table {
        caption: format!("{dev} configuration"),
        columns: columns.clone(),
        rows: vec![
            row("Own AE title".to_owned(), s.mod_ae.clone()),
            row("Own host address".to_owned(), s.mod_host.clone()),
            row(
                "Own listening port (storage commitment, C-MOVE)".to_owned(),
                s.mod_port.to_string(),
            ),
            row(
                "Objects it sends".to_owned(),
                uid_name(s.device.sends).to_owned(),
            ),
            row(
                "Storage destination: AE title (called AE)".to_owned(),
                s.called_ae.clone(),
            ),
            row(
                "Storage destination: host".to_owned(),
                s.pacs_host_seen.clone(),
            ),
            row(
                "Storage destination: port".to_owned(),
                s.pacs_port_seen.to_string(),
            ),
            row(
                "Storage commitment: requested from the storage destination".to_owned(),
                "Yes".to_owned(),
            ),
        ],
    };
    let pacs = Material::Table {
        caption: "PACS configuration".to_owned(),
        columns,
        rows: vec![
            row("Own AE title".to_owned(), s.pacs_ae.clone()),
            row("Own host address".to_owned(), s.pacs_host.clone()),
            row("Own listening port".to_owned(), s.pacs_port.to_string()),
            row(
                "Accept associations from unknown AEs".to_owned(),
                "No".to_owned(),
            ),
        ],
    };
    // Other known AEs, then the modality's entry, in AE title order.
    let net_prefix: String = {
        let mut parts: Vec<&str> = s.mod_host.split('.').collect();
        parts.pop();
        parts.join(".")
    };
    let mut known: Vec<Vec<String>> = Vec::new();
    let others = [("CR", 1u64), ("US", 2), ("MR", 1), ("CT", 1), ("WS", 3)];
    for (kind, n) in ctx.sample(&others, 3) {
        let ae = format!("{}{kind}{n}", s.facility);
        if ae == s.mod_ae || ae == s.entry_ae {
            continue;
        }
        let sop = match kind {
            "CR" => "Computed Radiography Image Storage",
            "US" => "Ultrasound Image Storage, Ultrasound Multi-frame Image Storage",
            "MR" => "MR Image Storage, Enhanced MR Image Storage",
            "CT" => "CT Image Storage, Enhanced CT Image Storage",
            _ => "(query and retrieve only)",
        };
        known.push(vec![
            ae,
            format!("{net_prefix}.{}", 100 + ctx.rng.below(100)),
            ctx.pick(&["104", "11112"]).to_owned(),
            sop.to_owned(),
        ]);
    }
    known.push(vec![
        s.entry_ae.clone(),
        s.entry_host.clone(),
        s.entry_port.to_string(),
        s.entry_sop
            .iter()
            .map(|u| uid_name(u))
            .collect::<Vec<_>>()
            .join(", "),
    ]);
    known.sort();
    let known = Material::Table {
        caption: "PACS: known AEs (who may connect, and where the PACS connects back)".to_owned(),
        columns: vec![
            "AE title".to_owned(),
            "Host".to_owned(),
            "Port".to_owned(),
            "Storage SOP classes accepted".to_owned(),
        ],
        rows: known,
    };
    vec![modality, pacs, known]
}

/// The log of the failure, as the side that sees it writes it.
fn log(ctx: &mut Ctx, s: &Setup, fault: Fault) -> String {
    let hard = ctx.hard();
    let day = ctx.base.dicom_date();
    let time = |h: u64, m: u64, sec: u64| {
        format!(
            "{}-{}-{} {h:02}:{m:02}:{sec:02}",
            &day[..4],
            &day[4..6],
            &day[6..8]
        )
    };
    let h = 7 + ctx.rng.below(10);
    let m = ctx.rng.below(60);
    let t0 = time(h, m, 2);
    let t1 = time(h, m, 3);
    let t2 = time(h, m, 33);
    let request = format!(
        "{t0} I: Requesting association: calling AE {}, called AE {}, peer {}:{}",
        s.mod_ae, s.called_ae, s.pacs_host_seen, s.pacs_port_seen
    );
    let context = format!(
        "{t0} I: Proposed presentation context 1: {} [Explicit VR Little Endian, Implicit VR Little Endian]",
        uid_name(s.device.sends)
    );
    let rj = |reason: u8| {
        if hard {
            format!(
                "{t1} E: A-ASSOCIATE-RJ received: PDU 03 00 00 00 00 04 00 01 01 {reason:02X} (result=1 source=1 reason={reason})"
            )
        } else {
            let words = if reason == 7 {
                "called-AE-title-not-recognized"
            } else {
                "calling-AE-title-not-recognized"
            };
            format!(
                "{t1} E: Association rejected: result 1 (rejected-permanent), source 1 (DICOM UL service-user), reason {reason} ({words})"
            )
        }
    };
    let lines: Vec<String> = match fault {
        Fault::CalledAe => vec![request, context, rj(7)],
        Fault::CallingAe => vec![request, context, rj(3)],
        Fault::PacsPort => vec![
            request,
            format!(
                "{t1} E: Association request failed: TCP connect to {}:{}: Connection refused",
                s.pacs_host_seen, s.pacs_port_seen
            ),
        ],
        Fault::PacsHost => vec![
            request,
            format!(
                "{t2} E: Association request failed: TCP connect to {}:{}: Connection timed out after 30 s",
                s.pacs_host_seen, s.pacs_port_seen
            ),
        ],
        Fault::SopClasses => vec![
            request,
            context,
            format!("{t1} I: Association accepted (A-ASSOCIATE-AC)"),
            if hard {
                format!("{t1} E: Presentation context 1: result=3")
            } else {
                format!(
                    "{t1} E: Presentation context 1 ({}) rejected: result 3 (abstract-syntax-not-supported)",
                    uid_name(s.device.sends)
                )
            },
            format!(
                "{t1} E: No accepted presentation context for {}: cannot send",
                s.device.sends
            ),
            format!("{t1} I: Releasing association"),
        ],
        Fault::ModalityHost | Fault::ModalityPort => {
            let failure = if fault == Fault::ModalityPort {
                "Connection refused".to_owned()
            } else {
                "Connection timed out after 30 s".to_owned()
            };
            vec![
                "PACS log:".to_owned(),
                format!(
                    "{t0} I: Association from {} ({}) accepted; 148 instances received (C-STORE status 0000)",
                    s.mod_ae, s.mod_host
                ),
                format!(
                    "{t0} I: Storage commitment request (N-ACTION) from {}: 148 instances, all stored",
                    s.mod_ae
                ),
                format!(
                    "{t1} I: Opening association to {} at {}:{} to send the result (N-EVENT-REPORT)",
                    s.entry_ae, s.entry_host, s.entry_port
                ),
                format!(
                    "{t2} E: TCP connect to {}:{}: {failure}; result queued for retry",
                    s.entry_host, s.entry_port
                ),
                String::new(),
                format!("{} log:", capitalise(s.device.name)),
                format!(
                    "{t2} W: No storage commitment result from {} yet; 148 instances kept on local disk",
                    s.pacs_ae
                ),
            ]
        }
    };
    lines.join("\n")
}

fn explanation(s: &Setup, fault: Fault) -> String {
    let dev = s.device.name;
    match fault {
        Fault::CalledAe => format!(
            "A-ASSOCIATE-RJ with result 1 (rejected-permanent), source 1 (DICOM UL service-user) and reason 7 means the called AE title was not recognised (PS3.8 section 9.3.4, table 9-21). The {dev} calls `{}`, but the PACS's own AE title is `{}`, so the PACS refuses an association addressed to anyone else. Fix the called AE title on the {dev}; a C-ECHO will prove it (PS3.7 section 9.1.5).",
            s.called_ae, s.pacs_ae
        ),
        Fault::CallingAe => format!(
            "Reason 3 from source 1 (DICOM UL service-user) means the calling AE title was not recognised (PS3.8 section 9.3.4, table 9-21): the PACS accepts associations only from AEs in its list. The {dev} calls itself `{}`, but the PACS knows it as `{}`. Fix the PACS's entry; AE titles are compared exactly, so one extra character or underscore is enough to be refused.",
            s.mod_ae, s.entry_ae
        ),
        Fault::PacsPort => format!(
            "\"Connection refused\" comes from TCP, under the DICOM upper layer (PS3.8 section 9), before any DICOM is exchanged: the host answered, but nothing listens on port {} there. The PACS listens on {}, so the {dev}'s setting for the PACS's port is wrong. A DICOM address is host, port and AE title together, and all three must match the other side.",
            s.pacs_port_seen, s.pacs_port
        ),
        Fault::PacsHost => format!(
            "A TCP connection that times out, with no DICOM reply at all, means nothing answered at that address: the {dev} is trying {}, but the PACS is at {}. No A-ASSOCIATE-RJ (PS3.8 section 9.3.4) can arrive, because no association request ever reached the PACS. Fix the host address the {dev} has for the PACS (then check the route and firewall if it still times out).",
            s.pacs_host_seen, s.pacs_host
        ),
        Fault::ModalityHost | Fault::ModalityPort => format!(
            "The images arrive, so the {dev}'s settings for the PACS work; what fails is the way back. The storage commitment result is an N-EVENT-REPORT that the PACS may send on a new association it opens to the {dev} (PS3.4 annex J), using the host and port in its own entry for the {dev}: `{}:{}`. The {dev} really listens at `{}:{}`, so the PACS's entry is wrong and the {dev} keeps its images because it never learns they are safe.",
            s.entry_host, s.entry_port, s.mod_host, s.mod_port
        ),
        Fault::SopClasses => format!(
            "The association itself is accepted, but presentation context result 3 means abstract-syntax-not-supported (PS3.8 section 9.3.3.2, table 9-18): the PACS was not set up to accept {} from this AE. Its entry for the {dev} lists only {}. Add the SOP class to the PACS's entry; the {dev}'s conformance statement lists every SOP class it may send, and the PACS already accepts {} from it.",
            uid_name(s.device.sends),
            s.entry_sop
                .iter()
                .map(|u| uid_name(u))
                .collect::<Vec<_>>()
                .join(" and "),
            uid_name(s.device.classic)
        ),
    }
}

pub(super) fn make(ctx: &mut Ctx) -> Made {
    let pool = if ctx.hard() { INTERMEDIATE } else { FOUNDATION };
    let fault = ctx.pick(pool);
    let s = setup(ctx, fault);
    let mut materials = tables(ctx, &s);
    materials.push(Material::Text(log(ctx, &s, fault)));
    let right = label(fault, s.device.name);
    let distractors: Vec<String> = pool
        .iter()
        .filter(|f| **f != fault)
        .map(|f| label(*f, s.device.name))
        .collect();
    let (options, correct) = ctx.options(right.clone(), distractors);
    let problem = match fault {
        Fault::ModalityHost | Fault::ModalityPort => format!(
            "A new {} sends its images to the PACS and asks for storage commitment, but the commitment never comes back.",
            s.device.name
        ),
        _ => format!(
            "A new {} cannot send its images to the PACS.",
            s.device.name
        ),
    };
    let expected = match fault {
        Fault::CalledAe => format!("{right}: `{}` should be `{}`", s.called_ae, s.pacs_ae),
        Fault::PacsHost => format!(
            "{right}: `{}` should be `{}`",
            s.pacs_host_seen, s.pacs_host
        ),
        Fault::PacsPort => format!("{right}: {} should be {}", s.pacs_port_seen, s.pacs_port),
        Fault::CallingAe => format!("{right}: `{}` should be `{}`", s.entry_ae, s.mod_ae),
        Fault::ModalityHost => format!("{right}: `{}` should be `{}`", s.entry_host, s.mod_host),
        Fault::ModalityPort => format!("{right}: {} should be {}", s.entry_port, s.mod_port),
        Fault::SopClasses => format!("{right}: add {}", uid_name(s.device.sends)),
    };
    let learn_more = match fault {
        Fault::CalledAe | Fault::CallingAe => networking_link(
            "application-entities-and-ae-titles",
            "Application Entities and AE titles",
        ),
        Fault::PacsHost | Fault::PacsPort => networking_link(
            "host-port-and-the-address-of-an-ae",
            "Host, port and the address of an AE",
        ),
        Fault::SopClasses => networking_link("associations", "Associations"),
        Fault::ModalityHost | Fault::ModalityPort => networking_link(
            "mpps-telling-the-ris-what-happened",
            "MPPS: telling the RIS what happened",
        ),
    };
    Made {
        prompt: format!(
            "{problem} Each device's own AE title, host address and listening port are right (they are what the trust's AE register records), and so is what the {} sends. One setting, where one side records the other, is wrong. Which one?",
            s.device.name
        ),
        material: Material::Several(materials),
        answer: choice("The wrong setting", options.clone()),
        parts: vec![choice_key(SINGLE, correct, options.len(), right.clone())],
        expected,
        explanation: explanation(&s, fault),
        highlight: vec![right],
        learn_more,
    }
}
