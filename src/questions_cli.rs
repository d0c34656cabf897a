//! `pacs-academy questions import` and `pacs-academy questions export`:
//! moving questions between the bank and Moodle (GIFT) or Aiken files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use pacs_academy::content::questions::{load_bank, to_toml};
use pacs_academy::content::Level;
use pacs_academy::exam::aiken::parse_aiken;
use pacs_academy::exam::gift::{parse_gift, to_gift};
use pacs_academy::exam::import::{into_questions, ImportMeta};

#[derive(Subcommand)]
pub enum QuestionsCommand {
    /// Read Moodle GIFT or Aiken multiple-choice questions and write bank TOML.
    Import {
        /// The GIFT or Aiken file.
        file: PathBuf,
        /// `gift` or `aiken`; by default `.gift` files are GIFT, `.aiken`
        /// files Aiken, and other files GIFT if they hold a `{`.
        #[arg(long, value_parser = ["gift", "aiken"])]
        format: Option<String>,
        /// The course of every question (default: from the module link).
        #[arg(long, value_parser = parse_level)]
        level: Option<Level>,
        /// The module slug every question tests (default: from the module link).
        #[arg(long)]
        topic: Option<String>,
        /// Where the course teaches it, /<level>/<slug>#<heading>.
        #[arg(long)]
        module: Option<String>,
        /// Write the TOML here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Import the questions that can be read and report the rest,
        /// instead of failing.
        #[arg(long)]
        skip_bad: bool,
    },
    /// Write the question bank as Moodle GIFT.
    Export {
        #[arg(long, default_value = "gift", value_parser = ["gift"])]
        format: String,
        /// Only this course's questions.
        #[arg(long, value_parser = parse_level)]
        level: Option<Level>,
        /// Write the GIFT here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// The question bank folder, or a content folder holding questions/.
        #[arg(default_value = "content/questions")]
        dir: PathBuf,
    },
}

fn parse_level(s: &str) -> Result<Level, String> {
    Level::from_slug(s)
        .ok_or_else(|| format!("`{s}` is not a course: use foundation or intermediate"))
}

pub fn run(command: QuestionsCommand) -> ExitCode {
    match command {
        QuestionsCommand::Import {
            file,
            format,
            level,
            topic,
            module,
            out,
            skip_bad,
        } => import(
            &file,
            format.as_deref(),
            ImportMeta {
                id: None,
                level,
                topic,
                module,
                retired: false,
            },
            out.as_deref(),
            skip_bad,
        ),
        QuestionsCommand::Export {
            format: _,
            level,
            out,
            dir,
        } => export(&dir, level, out.as_deref()),
    }
}

fn write_out(out: Option<&Path>, text: &str) -> Result<(), String> {
    match out {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush())
                .map_err(|e| format!("cannot write to standard output: {e}"))
        }
    }
}

fn import(
    file: &Path,
    format: Option<&str>,
    overrides: ImportMeta,
    out: Option<&Path>,
    skip_bad: bool,
) -> ExitCode {
    let name = file.display().to_string();
    let source = match std::fs::read(file) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                eprintln!(
                    "{name}:{}: the file is not UTF-8 text: save it as UTF-8 and try again",
                    1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count()
                );
                return ExitCode::FAILURE;
            }
        },
        Err(e) => {
            eprintln!("pacs-academy: cannot read {name}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let gift = match format {
        Some(f) => f == "gift",
        None => match file.extension().and_then(|x| x.to_str()) {
            Some("gift") => true,
            Some("aiken") => false,
            _ => source.contains('{'),
        },
    };
    let parsed = if gift {
        parse_gift(&name, &source)
    } else {
        parse_aiken(&name, &source)
    };
    let (questions, mut problems) = into_questions(&name, &parsed, &overrides);
    problems.extend(parsed.problems.iter().cloned());
    problems.sort();
    for w in &parsed.warnings {
        eprintln!("{}:{}: warning: {}", w.file, w.line, w.message);
    }
    for p in &problems {
        eprintln!("{p}");
    }
    if !questions.is_empty() && questions.iter().any(|q| q.explanation_md.is_empty()) {
        eprintln!("note: some questions have no explanation; write one for each before running check-content");
    }
    if !problems.is_empty() && !skip_bad {
        eprintln!(
            "{} problem(s): nothing written (fix them, or pass --skip-bad to import the other {} question(s))",
            problems.len(),
            questions.len()
        );
        return ExitCode::FAILURE;
    }
    if questions.is_empty() {
        eprintln!("no questions imported from {name}");
        return ExitCode::FAILURE;
    }
    let mut text = format!(
        "# Imported from {} by `pacs-academy questions import`.\n# Check with `pacs-academy check-content` before committing.\n\n",
        file.file_name().map(|f| f.to_string_lossy()).unwrap_or_default()
    );
    text.push_str(&to_toml(&questions));
    if let Err(e) = write_out(out, &text) {
        eprintln!("pacs-academy: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "imported {} question(s){}",
        questions.len(),
        if problems.is_empty() {
            String::new()
        } else {
            format!(", skipped {} problem(s)", problems.len())
        }
    );
    ExitCode::SUCCESS
}

fn export(dir: &Path, level: Option<Level>, out: Option<&Path>) -> ExitCode {
    let questions_dir = if dir.join("questions").is_dir() {
        dir.join("questions")
    } else {
        dir.to_path_buf()
    };
    if !questions_dir.is_dir() {
        eprintln!("pacs-academy: {} is not a folder", questions_dir.display());
        return ExitCode::FAILURE;
    }
    let (bank, problems) = load_bank(&questions_dir);
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}");
        }
        eprintln!(
            "{} problem(s) in the bank: nothing exported",
            problems.len()
        );
        return ExitCode::FAILURE;
    }
    let questions: Vec<_> = bank
        .questions
        .into_iter()
        .filter(|q| level.is_none_or(|l| q.level == l))
        .collect();
    if let Err(e) = write_out(out, &to_gift(&questions)) {
        eprintln!("pacs-academy: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!("exported {} question(s)", questions.len());
    ExitCode::SUCCESS
}
