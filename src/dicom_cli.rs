//! `pacs-academy dicom ...`: DICOM files from the command line.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

#[derive(Subcommand)]
pub enum DicomCommand {
    /// List a DICOM file (PS3.10) or bare data set element by element:
    /// offset, tag, VR, length, keyword, value; nested items indented.
    /// A file that cannot be read to the end prints everything read before
    /// the fault, then the offset and reason on standard error, and exits
    /// with status 1.
    Dump {
        /// The file, or `-` for standard input.
        file: PathBuf,
        /// Print the full reading (every element with its byte spans) as
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write a synthetic study (CT, MR, CR, DX, US or MG) as DICOM files
    /// and print their paths. Every patient is synthetic; the same
    /// modality, seed and count always give the same files.
    Generate {
        /// CT, MR, CR, DX, US or MG.
        #[arg(long)]
        modality: pacs_academy::synth::dicom::Modality,
        /// The same seed always gives the same study.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The folder to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// How many studies; with more than one, each goes into its own
        /// folder `NNN-<accession number>` in OUT.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        count: u32,
        /// explicit-le (the default), implicit-le or explicit-be (retired).
        #[arg(long, default_value = "explicit-le", value_parser = parse_transfer_syntax)]
        transfer_syntax: pacs_academy::dicom::TransferSyntax,
    },
}

/// Runs a `dicom` subcommand.
pub fn run(command: DicomCommand) -> ExitCode {
    match command {
        DicomCommand::Dump { file, json } => dump(&file, json),
        DicomCommand::Generate {
            modality,
            seed,
            out,
            count,
            transfer_syntax,
        } => generate(modality, seed, &out, count, transfer_syntax),
    }
}

fn parse_transfer_syntax(name: &str) -> Result<pacs_academy::dicom::TransferSyntax, String> {
    pacs_academy::synth::dicom::transfer_syntax_by_name(name).ok_or_else(|| {
        format!("unknown transfer syntax `{name}`; use explicit-le, implicit-le or explicit-be")
    })
}

/// Writes `count` studies into `out` (study `i` from
/// `derive_seed(seed, i)`, so study 0 is `seed` itself) and prints the
/// paths, one a line.
fn generate(
    modality: pacs_academy::synth::dicom::Modality,
    seed: u64,
    out: &std::path::Path,
    count: u32,
    transfer_syntax: pacs_academy::dicom::TransferSyntax,
) -> ExitCode {
    use pacs_academy::synth::dicom::{study_with, Options, DEFAULT_BASE};
    let options = Options { transfer_syntax };
    let mut stdout = std::io::stdout().lock();
    for i in 0..count {
        let study_seed = pacs_academy::synth::derive_seed(seed, u64::from(i));
        let study = study_with(modality, study_seed, DEFAULT_BASE, &options);
        let dir = if count == 1 {
            out.to_path_buf()
        } else {
            out.join(format!("{:03}-{}", i + 1, study.order.accession_number))
        };
        if let Err(e) = std::fs::create_dir_all(&dir) {
            eprintln!("pacs-academy: cannot create {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
        for f in &study.files {
            let path = dir.join(&f.file_name);
            if let Err(e) = std::fs::write(&path, &f.bytes) {
                eprintln!("pacs-academy: cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            if writeln!(stdout, "{}", path.display()).is_err() {
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

fn dump(file: &PathBuf, json: bool) -> ExitCode {
    let mut bytes = Vec::new();
    let read = if file.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(file).map(|b| bytes = b)
    };
    if let Err(e) = read {
        eprintln!("pacs-academy: cannot read {}: {e}", file.display());
        return ExitCode::FAILURE;
    }
    let parsed = pacs_academy::dicom::read(&bytes);
    let text = if json {
        match serde_json::to_string_pretty(&parsed) {
            Ok(s) => s + "\n",
            Err(e) => {
                eprintln!("pacs-academy: cannot write JSON: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        pacs_academy::dicom::dump(&parsed)
    };
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    match &parsed.error {
        Some(e) => {
            eprintln!("pacs-academy: {}: {e}", file.display());
            ExitCode::FAILURE
        }
        None => ExitCode::SUCCESS,
    }
}
