//! `pacs-academy dicom ...`: DICOM files from the command line.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use serde_json::ser::Formatter;

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

/// Inputs larger than this are refused before reading: the reader holds
/// the whole input in memory. A multi-frame study file can be hundreds of
/// megabytes; a device such as /dev/zero never ends.
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// Reads at most [`MAX_INPUT_BYTES`] (plus one, to tell that there is more).
fn read_capped(file: &std::path::Path) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let read = if file.as_os_str() == "-" {
        std::io::stdin()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(file).and_then(|f| f.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes))
    };
    read.map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(format!(
            "{}: more than {MAX_INPUT_BYTES} bytes (1 GiB); not read",
            file.display()
        ));
    }
    Ok(bytes)
}

/// serde_json's compact-or-pretty output, with the characters that
/// [`pacs_academy::terminal::needs_escape`] names written as `\uNNNN`
/// (serde_json escapes only C0 controls), so `--json` on a terminal is as
/// safe as the text dump.
struct SafeJson(serde_json::ser::PrettyFormatter<'static>);

impl Formatter for SafeJson {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if pacs_academy::terminal::needs_escape(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                write!(writer, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

fn dump(file: &std::path::Path, json: bool) -> ExitCode {
    use pacs_academy::terminal::visible;
    let bytes = match read_capped(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("pacs-academy: {}", visible(&e));
            return ExitCode::FAILURE;
        }
    };
    let parsed = pacs_academy::dicom::read(&bytes);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    // Streamed, so the JSON of a large file is never held whole in memory.
    let written = if json {
        let mut ser = serde_json::Serializer::with_formatter(
            &mut out,
            SafeJson(serde_json::ser::PrettyFormatter::new()),
        );
        serde::Serialize::serialize(&parsed, &mut ser)
            .map_err(std::io::Error::other)
            .and_then(|_| out.write_all(b"\n"))
    } else {
        out.write_all(pacs_academy::dicom::dump(&parsed).as_bytes())
    };
    if written.and_then(|_| out.flush()).is_err() {
        return ExitCode::FAILURE;
    }
    match &parsed.error {
        Some(e) => {
            eprintln!(
                "pacs-academy: {}: {}",
                file.display(),
                visible(&e.to_string())
            );
            ExitCode::FAILURE
        }
        None => ExitCode::SUCCESS,
    }
}
