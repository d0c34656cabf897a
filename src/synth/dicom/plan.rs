//! The plan of a study: series, instances, UIDs, times, equipment and
//! acquisition parameters, all drawn before any pixel is made, so one
//! instance can be rendered alone with exactly the values it would have in
//! the whole study.

use super::super::data::{FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES};
use super::super::datetime::DateTime;
use super::super::order::{uuid_uid, Order};
use super::super::patient::{trust_by_facility, Patient};
use super::Modality;
use crate::rng::Rng;

/// Everything about a study except pixel values.
pub(super) struct Plan {
    pub modality: Modality,
    pub patient: Patient,
    pub order: Order,
    /// Study Date and Time: when the examination began.
    pub study_time: DateTime,
    /// Study ID (0020,0010): the modality's own study number.
    pub study_id: String,
    pub equipment: Equipment,
    /// Operators' Name (0008,1070), PN.
    pub operator: String,
    /// Performed Procedure Step ID (0040,0253).
    pub pps_id: String,
    /// Frame of Reference UID, for the IODs with the Frame of Reference
    /// module (CT and MR).
    pub frame_of_reference_uid: Option<String>,
    /// Patient's Weight (0010,1030) in kg.
    pub weight_kg: f64,
    /// `R` or `L` when the procedure is of one side of a paired part.
    pub laterality: Option<&'static str>,
    /// Contrast/Bolus Agent (0018,0010) when the procedure uses contrast.
    pub contrast_agent: Option<&'static str>,
    /// Shapes and intensities of the phantom shared by all images.
    pub phantom_seed: u64,
    /// CT and MR: the z (mm) at the middle of the slab, where the phantom's
    /// spherical lesion is widest.
    pub z_centre: f64,
    pub series: Vec<Series>,
}

impl Plan {
    /// Every (series, instance) pair in file order.
    pub fn instances(&self) -> impl Iterator<Item = (&Series, &Instance)> {
        self.series
            .iter()
            .flat_map(|s| s.instances.iter().map(move |i| (s, i)))
    }
}

/// General Equipment module values (C.7.5.1).
pub(super) struct Equipment {
    pub manufacturer: &'static str,
    pub model: &'static str,
    pub serial: String,
    pub software: &'static str,
    pub station_name: String,
    pub institution: &'static str,
}

/// One series.
pub(super) struct Series {
    pub number: u32,
    pub uid: String,
    pub description: String,
    /// Series Date and Time.
    pub time: DateTime,
    pub detail: Detail,
    pub instances: Vec<Instance>,
}

/// Modality-specific series parameters.
pub(super) enum Detail {
    Ct(CtSeries),
    Mr(MrSeries),
    /// CR, DX and MG: projection radiographs.
    Projection(Exposure),
    Us(UsSeries),
}

/// Cross-sectional geometry shared by CT and MR series.
pub(super) struct Geometry {
    pub rows: u16,
    pub columns: u16,
    /// Square pixels, mm.
    pub pixel_spacing: f64,
    pub slice_thickness: f64,
    /// Centre-to-centre distance of adjacent slices, mm.
    pub slice_step: f64,
}

pub(super) struct CtSeries {
    pub geometry: Geometry,
    pub kernel: &'static str,
    pub window: (f64, f64),
    pub kvp: f64,
    pub tube_current_ma: u32,
    pub exposure_time_ms: u32,
    pub table_height: f64,
    pub ctdi_vol: f64,
}

pub(super) struct MrSeries {
    pub geometry: Geometry,
    /// T2 weighted (else T1).
    pub t2: bool,
    pub scanning_sequence: &'static str,
    pub sequence_variant: &'static str,
    pub sequence_name: &'static str,
    pub repetition_time: f64,
    pub echo_time: f64,
    pub echo_train_length: u32,
    pub flip_angle: f64,
    pub averages: f64,
    pub window: (f64, f64),
}

/// X-ray technique for a projection series.
pub(super) struct Exposure {
    pub rows: u16,
    pub columns: u16,
    /// Imager Pixel Spacing, mm.
    pub pixel_spacing: f64,
    pub kvp: f64,
    pub exposure_mas: u32,
    pub exposure_time_ms: u32,
    pub tube_current_ma: u32,
    pub source_to_detector: f64,
}

pub(super) struct UsSeries {
    pub rows: u16,
    pub columns: u16,
    /// Image Type value 3 (C.8.5.6.1.1), e.g. `ABDOMINAL`.
    pub region: &'static str,
}

/// One image.
pub(super) struct Instance {
    pub number: u32,
    pub uid: String,
    /// Content (and acquisition) date and time.
    pub time: DateTime,
    /// Seed of this image's pixel noise.
    pub pixel_seed: u64,
    /// CT and MR: Slice Location, the z of Image Position (Patient), mm.
    pub z: f64,
    /// Projection images: the view.
    pub view: Option<View>,
}

/// A projection view.
#[derive(Clone, Copy)]
pub(super) struct View {
    /// View Position (0018,5101), e.g. `PA`, `CC`.
    pub position: &'static str,
    /// Image Laterality (0020,0062): R, L, U (unpaired) or B.
    pub laterality: &'static str,
    /// Patient Orientation (0020,0020): row direction, column direction.
    pub orientation: [&'static str; 2],
    /// View Code Sequence item (DX and MG): SNOMED CT code and meaning.
    pub code: Option<(&'static str, &'static str)>,
}

const MANUFACTURER: &str = "PACS Academy Synthetic";

/// Seconds as the `i64` that `DateTime::plus_seconds` takes.
fn secs(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(0)
}

/// The plan for a study of `modality` fulfilling `order`.
pub(super) fn plan(modality: Modality, patient: &Patient, order: &Order, seed: u64) -> Plan {
    let mut rng = Rng::seed_from_u64(seed);
    let study_time = order.scheduled_at.plus_seconds(secs(rng.range(0, 15 * 60)));
    let study_id = rng.range(1, 99_999).to_string();
    let institution =
        trust_by_facility(&order.trust_facility).map_or("Northgate General Hospital", |t| t.site);
    let (model, software) = match modality {
        Modality::Ct => ("Synthetic CT 64", "SYN-CT 3.2"),
        Modality::Mr => ("Synthetic MR 1.5T", "SYN-MR 5.1"),
        Modality::Cr => ("Synthetic CR Reader", "SYN-CR 2.0"),
        Modality::Dx => ("Synthetic DR Room", "SYN-DR 4.4"),
        Modality::Us => ("Synthetic US Console", "SYN-US 1.8"),
        Modality::Mg => ("Synthetic Mammo DR", "SYN-MG 2.3"),
    };
    let equipment = Equipment {
        manufacturer: MANUFACTURER,
        model,
        serial: format!("SYN{}", rng.digits(6)),
        software,
        station_name: order.scheduled_station_name.clone(),
        institution,
    };
    let given = if rng.chance(500) {
        FEMALE_GIVEN_NAMES
    } else {
        MALE_GIVEN_NAMES
    };
    let operator = format!("{}^{}", rng.pick(FAMILY_NAMES), rng.pick(given));
    let pps_id = format!("PPS{}", rng.digits(8));
    let frame_of_reference_uid =
        matches!(modality, Modality::Ct | Modality::Mr).then(|| uuid_uid(&mut rng));
    let age = age_years(patient.date_of_birth, study_time).unwrap_or(40);
    let weight_kg = if age < 16 {
        f64::from(12 + 3 * age) + rng.below(8) as f64
    } else {
        f64::from(50 + rng.range(0, 60) as u32) + 0.5 * rng.below(2) as f64
    };
    let description = order.procedure_description.to_ascii_lowercase();
    let laterality = if description.ends_with(" left") {
        Some("L")
    } else if description.ends_with(" right") {
        Some("R")
    } else {
        None
    };
    let contrast_agent = match modality {
        Modality::Ct if description.contains("contrast") || description.contains("angiogram") => {
            Some("Iohexol 350 mgI/mL")
        }
        Modality::Mr if description.contains("contrast") => Some("Gadoterate meglumine"),
        _ => None,
    };
    let phantom_seed = rng.next_u64();
    let mut p = Plan {
        modality,
        patient: patient.clone(),
        order: order.clone(),
        study_time,
        study_id,
        equipment,
        operator,
        pps_id,
        frame_of_reference_uid,
        weight_kg,
        laterality,
        contrast_agent,
        phantom_seed,
        z_centre: 0.0,
        series: Vec::new(),
    };
    p.series = match modality {
        Modality::Ct => ct_series(&mut rng, study_time),
        Modality::Mr => mr_series(&mut rng, study_time),
        Modality::Cr | Modality::Dx | Modality::Mg => {
            projection_series(&mut rng, modality, &order.body_part, laterality, study_time)
        }
        Modality::Us => us_series(&mut rng, &order.body_part, study_time),
    };
    if let Some(first) = p.series.first() {
        let zs = first.instances.iter().map(|i| i.z);
        let (lo, hi) = zs.fold((f64::MAX, f64::MIN), |(lo, hi), z| (lo.min(z), hi.max(z)));
        p.z_centre = (lo + hi) / 2.0;
    }
    p
}

/// Whole years from `birth` to `at`, or `None` if `at` is earlier.
pub(super) fn age_years(birth: DateTime, at: DateTime) -> Option<u32> {
    let mut years = at.year - birth.year;
    if (at.month, at.day) < (birth.month, birth.day) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

fn instance(rng: &mut Rng, number: u32, time: DateTime, z: f64, view: Option<View>) -> Instance {
    Instance {
        number,
        uid: uuid_uid(rng),
        time,
        pixel_seed: rng.next_u64(),
        z,
        view,
    }
}

fn ct_series(rng: &mut Rng, study_time: DateTime) -> Vec<Series> {
    // Reconstruction diameters that make binary-exact pixel spacings.
    let fov = 320.0 + 32.0 * rng.below(5) as f64;
    let spacing = fov / 128.0;
    let z_top = -(rng.range(0, 40) as f64) * 5.0;
    let kvp = if rng.chance(700) { 120.0 } else { 100.0 };
    let ma = u32::try_from(rng.range(150, 350)).unwrap_or(200);
    let table_height = 120.0 + rng.below(60) as f64;
    let ctdi = (50 + rng.below(100)) as f64 / 10.0;
    let specs = [
        (
            "Axial 5.0 mm Soft tissue",
            5.0,
            5,
            "STANDARD",
            (40.0, 400.0),
        ),
        ("Axial 2.5 mm Bone", 2.5, 3, "BONE", (500.0, 2000.0)),
    ];
    let mut time = study_time.plus_seconds(secs(rng.range(60, 240)));
    let mut series = Vec::new();
    for (n, (description, thickness, slices, kernel, window)) in specs.into_iter().enumerate() {
        let uid = uuid_uid(rng);
        let series_time = time;
        let instances = (0..slices)
            .map(|i| {
                let t = series_time.plus_seconds(i64::from(i));
                instance(rng, i + 1, t, z_top - f64::from(i) * thickness, None)
            })
            .collect();
        series.push(Series {
            number: n as u32 + 1,
            uid,
            description: description.to_owned(),
            time: series_time,
            detail: Detail::Ct(CtSeries {
                geometry: Geometry {
                    rows: 128,
                    columns: 128,
                    pixel_spacing: spacing,
                    slice_thickness: thickness,
                    slice_step: thickness,
                },
                kernel,
                window,
                kvp,
                tube_current_ma: ma,
                exposure_time_ms: 500,
                table_height,
                ctdi_vol: ctdi,
            }),
            instances,
        });
        // The thin bone reconstruction is made from the same acquisition,
        // a few seconds later.
        time = time.plus_seconds(secs(rng.range(20, 90)));
    }
    series
}

fn mr_series(rng: &mut Rng, study_time: DateTime) -> Vec<Series> {
    let fov = if rng.chance(500) { 224.0 } else { 256.0 };
    let spacing = fov / 128.0;
    let z_top = (rng.range(0, 20) as f64) * 6.0;
    let mut time = study_time.plus_seconds(secs(rng.range(120, 300)));
    let mut series = Vec::new();
    for n in 1..=2u32 {
        let t2 = n == 1;
        let detail = if t2 {
            MrSeries {
                geometry: Geometry {
                    rows: 128,
                    columns: 128,
                    pixel_spacing: spacing,
                    slice_thickness: 5.0,
                    slice_step: 6.0,
                },
                t2,
                scanning_sequence: "SE",
                sequence_variant: "SK",
                sequence_name: "TSE2D",
                repetition_time: f64::from(4000 + 100 * rng.below(20) as u32),
                echo_time: f64::from(90 + rng.below(20) as u32),
                echo_train_length: 15 + rng.below(6) as u32,
                flip_angle: 150.0,
                averages: 2.0,
                window: (1100.0, 2200.0),
            }
        } else {
            MrSeries {
                geometry: Geometry {
                    rows: 128,
                    columns: 128,
                    pixel_spacing: spacing,
                    slice_thickness: 5.0,
                    slice_step: 6.0,
                },
                t2,
                scanning_sequence: "SE",
                sequence_variant: "NONE",
                sequence_name: "SE2D",
                repetition_time: f64::from(450 + 10 * rng.below(20) as u32),
                echo_time: f64::from(10 + rng.below(6) as u32),
                echo_train_length: 1,
                flip_angle: 90.0,
                averages: 1.0,
                window: (900.0, 1800.0),
            }
        };
        let uid = uuid_uid(rng);
        let series_time = time;
        let instances = (0..4u32)
            .map(|i| {
                let t = series_time.plus_seconds(i64::from(i) * 20);
                instance(rng, i + 1, t, z_top - f64::from(i) * 6.0, None)
            })
            .collect();
        series.push(Series {
            number: n,
            uid,
            description: if t2 { "AX T2 TSE" } else { "AX T1 SE" }.to_owned(),
            time: series_time,
            detail: Detail::Mr(detail),
            instances,
        });
        time = time.plus_seconds(secs(rng.range(240, 420)));
    }
    series
}

fn view(position: &'static str, laterality: &'static str, orientation: [&'static str; 2]) -> View {
    View {
        position,
        laterality,
        orientation,
        code: None,
    }
}

/// SNOMED CT view codes (PS3.16 CID 4010 DX View).
const PA: (&str, &str) = ("272479007", "postero-anterior");
const AP: (&str, &str) = ("399348003", "antero-posterior");
const LEFT_LATERAL: (&str, &str) = ("399173006", "left lateral");

/// The views for a projection study of `body_part`.
fn views(modality: Modality, body_part: &str, side: Option<&'static str>) -> Vec<View> {
    let side_or_u = side.unwrap_or("U");
    match modality {
        Modality::Mg => {
            // CID 4014 Mammography View.
            const CC: (&str, &str) = ("399162004", "cranio-caudal");
            const MLO: (&str, &str) = ("399368009", "medio-lateral oblique");
            vec![
                View {
                    code: Some(CC),
                    ..view("CC", "R", ["P", "L"])
                },
                View {
                    code: Some(CC),
                    ..view("CC", "L", ["A", "R"])
                },
                View {
                    code: Some(MLO),
                    ..view("MLO", "R", ["P", "FL"])
                },
                View {
                    code: Some(MLO),
                    ..view("MLO", "L", ["A", "FR"])
                },
            ]
        }
        _ => match body_part {
            "CHEST" => vec![
                View {
                    code: Some(PA),
                    ..view("PA", "U", ["L", "F"])
                },
                View {
                    code: Some(LEFT_LATERAL),
                    ..view("LL", "U", ["P", "F"])
                },
            ],
            "ABDOMEN" => vec![View {
                code: Some(AP),
                ..view("AP", "U", ["L", "F"])
            }],
            "HAND" => vec![
                view("PA", side_or_u, ["L", "F"]),
                view("LL", side_or_u, ["P", "F"]),
            ],
            _ => vec![
                view("AP", side_or_u, ["L", "F"]),
                view("LL", side_or_u, ["P", "F"]),
            ],
        },
    }
}

fn projection_series(
    rng: &mut Rng,
    modality: Modality,
    body_part: &str,
    side: Option<&'static str>,
    study_time: DateTime,
) -> Vec<Series> {
    let (rows, columns, pixel_spacing) = match modality {
        Modality::Mg => (160, 128, 0.5),
        Modality::Dx => (160, 160, 2.5),
        _ => (160, 128, 2.0),
    };
    let exposure = |rng: &mut Rng| {
        let (kvp, mas, sid) = match modality {
            Modality::Mg => (26.0 + rng.below(6) as f64, 60 + rng.below(80) as u32, 650.0),
            _ if body_part == "CHEST" => (
                110.0 + rng.below(15) as f64,
                2 + rng.below(3) as u32,
                1800.0,
            ),
            _ => (
                65.0 + rng.below(20) as f64,
                10 + rng.below(30) as u32,
                1000.0,
            ),
        };
        let time_ms = 10 + rng.below(90) as u32;
        Exposure {
            rows,
            columns,
            pixel_spacing,
            kvp,
            exposure_mas: mas,
            exposure_time_ms: time_ms,
            tube_current_ma: (mas * 1000 / time_ms).max(1),
            source_to_detector: sid,
        }
    };
    let views = views(modality, body_part, side);
    let mut time = study_time.plus_seconds(secs(rng.range(60, 180)));
    let description = |v: &View| match modality {
        Modality::Mg => format!("{} {}", v.laterality, v.position),
        _ => format!("{} {}", body_part_words(body_part), v.position),
    };
    if modality == Modality::Cr {
        // CR puts View Position in the CR Series module: one series per view.
        let mut series = Vec::new();
        for (n, v) in views.into_iter().enumerate() {
            let uid = uuid_uid(rng);
            let detail = Detail::Projection(exposure(rng));
            let inst = instance(rng, 1, time, 0.0, Some(v));
            series.push(Series {
                number: n as u32 + 1,
                uid,
                description: description(&v),
                time,
                detail,
                instances: vec![inst],
            });
            time = time.plus_seconds(secs(rng.range(60, 150)));
        }
        return series;
    }
    let uid = uuid_uid(rng);
    let detail = Detail::Projection(exposure(rng));
    let series_time = time;
    let instances = views
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let t = series_time.plus_seconds(secs(rng.range(40, 120)) * i as i64);
            instance(rng, i as u32 + 1, t, 0.0, Some(v))
        })
        .collect();
    let description = match modality {
        Modality::Mg => "Bilateral CC MLO".to_owned(),
        _ => body_part_words(body_part).to_owned(),
    };
    vec![Series {
        number: 1,
        uid,
        description,
        time: series_time,
        detail,
        instances,
    }]
}

fn body_part_words(body_part: &str) -> &str {
    match body_part {
        "CHEST" => "Chest",
        "ABDOMEN" => "Abdomen",
        "HIP" => "Hip",
        "HAND" => "Wrist",
        "PELVIS" => "Pelvis",
        "NECK" => "Neck",
        "LEG" => "Leg",
        other => other,
    }
}

fn us_series(rng: &mut Rng, body_part: &str, study_time: DateTime) -> Vec<Series> {
    let region = match body_part {
        "ABDOMEN" => "ABDOMINAL",
        "PELVIS" => "PELVIC",
        "LEG" => "VASCULAR",
        _ => "SMALL PARTS",
    };
    let uid = uuid_uid(rng);
    let series_time = study_time.plus_seconds(secs(rng.range(30, 120)));
    let mut t = series_time;
    let mut instances = Vec::new();
    for i in 1..=3u32 {
        instances.push(instance(rng, i, t, 0.0, None));
        t = t.plus_seconds(secs(rng.range(20, 90)));
    }
    vec![Series {
        number: 1,
        uid,
        description: format!("{} ultrasound", body_part_words(body_part)),
        time: series_time,
        detail: Detail::Us(UsSeries {
            rows: 120,
            columns: 160,
            region,
        }),
        instances,
    }]
}
