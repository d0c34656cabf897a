//! Built-in tables: names, places, trusts and procedures. Everything here is
//! fictional or generic; nothing identifies a real person or place.

use serde::Serialize;

/// Family names common across the UK's communities.
pub const FAMILY_NAMES: &[&str] = &[
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shah",
    "Murphy",
    "Miller",
    "Khan",
    "Ali",
    "Hussain",
    "Begum",
    "Singh",
    "Kaur",
    "Ahmed",
    "Nguyen",
    "Okafor",
    "Mensah",
    "Kowalski",
    "O'Brien",
    "MacDonald",
    "Campbell",
    "Chen",
    "Rahman",
    "Adeyemi",
];

/// Given names usually recorded for women and girls.
pub const FEMALE_GIVEN_NAMES: &[&str] = &[
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Grace",
    "Sophia",
    "Emily",
    "Ella",
    "Poppy",
    "Margaret",
    "Susan",
    "Patricia",
    "Janet",
    "Elizabeth",
    "Sarah",
    "Rebecca",
    "Joanne",
    "Aisha",
    "Fatima",
    "Priya",
    "Zainab",
    "Amara",
    "Chloe",
    "Niamh",
    "Siobhan",
    "Ffion",
    "Eilidh",
    "Agnieszka",
    "Mei",
    "Yasmin",
    "Hannah",
    "Ruth",
    "Jasmine",
    "Kiran",
];

/// Given names usually recorded for men and boys.
pub const MALE_GIVEN_NAMES: &[&str] = &[
    "Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Muhammad", "Oscar", "Charlie",
    "David", "John", "Peter", "Michael", "Robert", "Stephen", "Gareth", "Rhys", "Callum", "Ewan",
    "Liam", "Sean", "Arjun", "Rohan", "Imran", "Kwame", "Chidi", "Tomasz", "Wei", "Daniel",
    "Samuel", "Ibrahim", "Dylan", "Kieran", "Hamza",
];

/// Fictional street names (house number added).
pub const STREETS: &[&str] = &[
    "Rowan Close",
    "Mill Lane",
    "Station Road",
    "Church Street",
    "Victoria Terrace",
    "Beech Avenue",
    "Orchard Way",
    "Kingfisher Drive",
    "Larch Grove",
    "Willow Crescent",
    "Foundry Row",
    "Quarry Hill",
    "Meadow Bank",
    "Harbour View",
    "Chapel Walk",
    "Linden Court",
    "Castle Mews",
    "Bramble Rise",
    "Heron Way",
    "Tannery Lane",
];

/// Fictional towns.
pub const TOWNS: &[&str] = &[
    "Northgate",
    "Eastbrook",
    "Westmoor",
    "Fenwick",
    "Ashby Parva",
    "Holloway Cross",
    "Brackenford",
    "Kelderby",
    "Marshfield St Agnes",
    "Lowther Bridge",
    "Saltcombe Regis",
    "Thornbury Vale",
];

/// Title used with a name, by sex and age.
pub const FEMALE_TITLES: &[&str] = &["Mrs", "Ms", "Miss", "Dr"];
pub const MALE_TITLES: &[&str] = &["Mr", "Mr", "Mr", "Dr"];
pub const OTHER_TITLES: &[&str] = &["Mx", "Dr"];

/// A fictional NHS trust.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Trust {
    /// Full name, e.g. "Northgate Hospitals NHS Trust".
    pub name: &'static str,
    /// Sending/receiving facility (MSH-4, MSH-6) and HD namespace, e.g. "NGH".
    pub facility: &'static str,
    /// Letters before the 7 digits of a hospital number (e.g. `NG1234567`).
    pub hospital_number_prefix: &'static str,
    /// Local code system for procedures (e.g. `99NGH`; `99` marks a local
    /// table in HL7).
    pub coding_system: &'static str,
    /// Main hospital site (PL-4 facility, AIL locations).
    pub site: &'static str,
}

/// The built-in trusts. Northgate is the one the course follows.
pub const TRUSTS: &[Trust] = &[
    Trust {
        name: "Northgate Hospitals NHS Trust",
        facility: "NGH",
        hospital_number_prefix: "NG",
        coding_system: "99NGH",
        site: "Northgate General Hospital",
    },
    Trust {
        name: "Riverside and Westmoor NHS Foundation Trust",
        facility: "RWM",
        hospital_number_prefix: "RW",
        coding_system: "99RWM",
        site: "Westmoor Royal Infirmary",
    },
    Trust {
        name: "Eastbrook University Hospitals NHS Trust",
        facility: "EBU",
        hospital_number_prefix: "EB",
        coding_system: "99EBU",
        site: "Eastbrook University Hospital",
    },
    Trust {
        name: "Fenwick Valley Healthcare NHS Trust",
        facility: "FVH",
        hospital_number_prefix: "FV",
        coding_system: "99FVH",
        site: "Fenwick Valley Hospital",
    },
];

/// A radiology procedure from a trust's local catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Procedure {
    /// Local code (the code system is the trust's, e.g. `99NGH`).
    pub code: &'static str,
    pub description: &'static str,
    /// DICOM modality (0008,0060).
    pub modality: &'static str,
    /// DICOM Body Part Examined (0018,0015).
    pub body_part: &'static str,
    /// Booked slot length in minutes.
    pub minutes: u32,
    /// The technique line of the report.
    pub technique: &'static str,
}

const fn p(
    code: &'static str,
    description: &'static str,
    modality: &'static str,
    body_part: &'static str,
    minutes: u32,
    technique: &'static str,
) -> Procedure {
    Procedure {
        code,
        description,
        modality,
        body_part,
        minutes,
        technique,
    }
}

/// The procedure catalogue.
pub const PROCEDURES: &[Procedure] = &[
    p("CCHAP", "CT Chest abdomen pelvis with contrast", "CT", "CHESTABDPELVIS", 20, "Axial CT of the chest, abdomen and pelvis in the portal venous phase following intravenous contrast."),
    p("CHEAD", "CT Head without contrast", "CT", "HEAD", 10, "Non-contrast axial CT of the head."),
    p("CTPA", "CT Pulmonary angiogram", "CT", "CHEST", 15, "CT pulmonary angiogram following intravenous contrast."),
    p("CKUB", "CT Kidneys ureters bladder", "CT", "ABDOMENPELVIS", 10, "Low-dose non-contrast CT of the urinary tract."),
    p("CCOLO", "CT Colonography", "CT", "ABDOMENPELVIS", 30, "CT colonography, prone and supine, after bowel preparation and insufflation."),
    p("MBRAIN", "MRI Head", "MR", "HEAD", 30, "Multiplanar multisequence MRI of the brain."),
    p("MLSPI", "MRI Lumbar spine", "MR", "LSPINE", 30, "Sagittal and axial T1 and T2 weighted MRI of the lumbar spine."),
    p("MKNEL", "MRI Knee left", "MR", "KNEE", 30, "Multiplanar MRI of the left knee."),
    p("MPROS", "MRI Prostate multiparametric", "MR", "PROSTATE", 40, "Multiparametric MRI of the prostate including diffusion weighted imaging."),
    p("MLIVC", "MRI Liver with contrast", "MR", "LIVER", 45, "MRI of the liver before and after intravenous gadolinium."),
    p("XCHES", "XR Chest", "DX", "CHEST", 10, "PA chest radiograph."),
    p("XABDO", "XR Abdomen", "DX", "ABDOMEN", 10, "Supine AP abdominal radiograph."),
    p("XHIPR", "XR Hip right", "CR", "HIP", 10, "AP pelvis and lateral right hip radiographs."),
    p("XWRIL", "XR Wrist left", "CR", "HAND", 10, "PA and lateral radiographs of the left wrist."),
    p("UABDO", "US Abdomen", "US", "ABDOMEN", 20, "Ultrasound of the upper abdomen."),
    p("UPELV", "US Pelvis", "US", "PELVIS", 20, "Transabdominal ultrasound of the pelvis."),
    p("UTHYR", "US Thyroid", "US", "NECK", 20, "Ultrasound of the thyroid and neck."),
    p("UDVTL", "US Doppler leg veins left", "US", "LEG", 20, "Compression and colour Doppler ultrasound of the left leg deep veins."),
    p("MMAMB", "Mammogram bilateral", "MG", "BREAST", 15, "Bilateral two-view digital mammography."),
    p("NBONE", "NM Bone scan whole body", "NM", "WHOLEBODY", 45, "Whole body planar imaging three hours after intravenous Tc-99m HDP."),
    p("NMYOC", "NM Myocardial perfusion", "NM", "HEART", 60, "Stress and rest myocardial perfusion imaging with Tc-99m tetrofosmin."),
];

/// Clinical indications (generic, for OBR-13 and the report).
pub const INDICATIONS: &[&str] = &[
    "Follow-up imaging as planned.",
    "Pain, ? cause.",
    "Rule out significant abnormality.",
    "Staging as per MDT request.",
    "Persistent symptoms despite treatment.",
    "Post-operative review.",
    "Trauma, ? fracture.",
    "Abnormal blood tests.",
];

/// Findings lines: deliberately bland and clearly synthetic.
pub const FINDINGS: &[&str] = &[
    "No acute abnormality demonstrated.",
    "Appearances are within normal limits for age.",
    "No focal lesion identified.",
    "Mild degenerative change only.",
    "No significant interval change since the previous examination.",
    "The visualised structures are unremarkable.",
    "Small incidental finding of no clinical significance.",
];

/// Conclusions matching the findings above.
pub const CONCLUSIONS: &[&str] = &[
    "Normal study.",
    "No acute abnormality.",
    "No significant abnormality. No further imaging required.",
    "Stable appearances. Routine follow-up as clinically indicated.",
];

/// Hospital wards (PV1-3.1).
pub const WARDS: &[&str] = &[
    "WARD1", "WARD7", "AMU", "CCU", "ITU", "SAU", "ELDC", "ORTH", "RESP", "ONC",
];

/// NHS treatment function codes for PV1-10 hospital service.
pub const SERVICES: &[(&str, &str)] = &[
    ("300", "General Internal Medicine"),
    ("100", "General Surgery"),
    ("110", "Trauma and Orthopaedics"),
    ("320", "Cardiology"),
    ("340", "Respiratory Medicine"),
    ("800", "Clinical Oncology"),
    ("180", "Emergency Medicine"),
];
