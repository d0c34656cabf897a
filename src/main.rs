//! The `pacs-academy` command: serve the site, or check course content.

#[cfg(feature = "ssr")]
mod dicom_cli;
#[cfg(feature = "ssr")]
mod questions_cli;

#[cfg(feature = "ssr")]
mod cli {
    use std::path::PathBuf;
    use std::process::ExitCode;

    use clap::{Parser, Subcommand};
    use pacs_academy::server::{self, ServeConfig};

    #[derive(Parser)]
    #[command(
        name = "pacs-academy",
        version,
        about = "PACS Academy: learn HL7 v2 and DICOM"
    )]
    struct Cli {
        #[command(subcommand)]
        command: Option<Command>,
        #[command(flatten)]
        serve: ServeConfig,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Serve the site (the default when no command is given).
        Serve(ServeConfig),
        /// Write `.br` and `.gz` copies beside the built site's static files
        /// (the release build scripts run this; the server sends the copies).
        Precompress {
            /// The built site (cargo-leptos' site root).
            #[arg(default_value = "target/site")]
            dir: PathBuf,
        },
        /// Check every module in a content folder; prints `file:line: message`.
        CheckContent {
            /// The content folder (holding foundation/ and intermediate/).
            #[arg(default_value = "content")]
            dir: PathBuf,
        },
        /// Manage accounts (for example, make the first administrator).
        User {
            #[command(subcommand)]
            command: UserCommand,
        },
        /// Manage organisations.
        Organisation {
            #[command(subcommand)]
            command: OrganisationCommand,
        },
        /// Synthetic HL7 v2 test messages, and field-by-field explanations.
        Hl7 {
            #[command(subcommand)]
            command: Hl7Command,
        },
        /// DICOM files: dump them element by element.
        Dicom {
            #[command(subcommand)]
            command: crate::dicom_cli::DicomCommand,
        },
        /// Exam questions: import Moodle GIFT or Aiken, export the bank as GIFT.
        Questions {
            #[command(subcommand)]
            command: crate::questions_cli::QuestionsCommand,
        },
    }

    #[derive(Subcommand)]
    enum Hl7Command {
        /// Write synthetic messages (segments one per line, a blank line between messages).
        Generate {
            /// ADT^A01, ADT^A02, ADT^A03, ADT^A04, ADT^A08, ADT^A11, ADT^A40, ORM^O01, OMI^O23,
            /// ORU^R01, SIU^S12, ACK^AA, ACK^AE or ACK^AR.
            #[arg(long, value_parser = parse_event)]
            event: pacs_academy::synth::Event,
            /// The same seed always gives the same messages.
            #[arg(long, default_value_t = 1)]
            seed: u64,
            #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100_000))]
            count: u32,
            /// Base date and time of the messages, YYYYMMDDHHMMSS.
            #[arg(long, default_value = "20250314090000", value_parser = parse_base)]
            base: pacs_academy::synth::DateTime,
        },
        /// Explain a message field by field: path, name, value; one line per
        /// value, control characters shown as escapes. The bytes are read in
        /// the character set MSH-18 declares (UTF-8 or Windows-1252 without
        /// one), with a warning where they do not fit. At most 64 MiB and
        /// 500 000 segments and separators.
        Explain {
            /// A file holding one message, or `-` (the default) for standard input.
            #[arg(default_value = "-")]
            file: PathBuf,
        },
    }

    fn parse_event(text: &str) -> Result<pacs_academy::synth::Event, String> {
        pacs_academy::synth::Event::parse(text).ok_or_else(|| {
            format!("unknown event `{text}`; try ADT^A01, ADT^A40, ORM^O01, OMI^O23, ORU^R01, SIU^S12 or ACK^AA")
        })
    }

    fn parse_base(s: &str) -> Result<pacs_academy::synth::DateTime, String> {
        let bad = || format!("`{s}` is not a date and time written YYYYMMDDHHMMSS");
        if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n = |a: usize, b: usize| s[a..b].parse::<u8>().map_err(|_| bad());
        pacs_academy::synth::DateTime::new(
            s[..4].parse().map_err(|_| bad())?,
            n(4, 6)?,
            n(6, 8)?,
            n(8, 10)?,
            n(10, 12)?,
            n(12, 14)?,
        )
        .ok_or_else(bad)
    }

    #[derive(Subcommand)]
    enum UserCommand {
        /// Create an account. The password is read from PACS_PASSWORD or the first line of standard input.
        Create {
            #[arg(long)]
            email: String,
            /// Display name (defaults to the part of the email before the @).
            #[arg(long)]
            name: Option<String>,
            #[arg(long, default_value = "learner", value_parser = ["learner", "trainer", "admin"])]
            role: String,
            /// Organisation name (created if it does not exist). Required for learners.
            #[arg(long)]
            organisation: Option<String>,
            /// For trainers: an organisation whose learners they follow (repeatable).
            #[arg(long = "follow", value_name = "ORGANISATION")]
            follows: Vec<String>,
            #[arg(long, env = "DATABASE_URL", default_value = "sqlite://pacs-academy.db")]
            database_url: String,
        },
    }

    #[derive(Subcommand)]
    enum OrganisationCommand {
        /// Add an organisation learners can choose at sign-up.
        Create {
            name: String,
            /// ODS code, e.g. RXX.
            #[arg(long)]
            ods: Option<String>,
            #[arg(long, env = "DATABASE_URL", default_value = "sqlite://pacs-academy.db")]
            database_url: String,
        },
    }

    pub fn run() -> ExitCode {
        let cli = Cli::parse();
        match cli.command.unwrap_or(Command::Serve(cli.serve)) {
            Command::Serve(config) => serve(config),
            Command::Precompress { dir } => precompress(&dir),
            Command::CheckContent { dir } => check_content(&dir),
            Command::User { command } => block_on(user_command(command)),
            Command::Organisation { command } => block_on(organisation_command(command)),
            Command::Hl7 { command } => hl7_command(command),
            Command::Dicom { command } => crate::dicom_cli::run(command),
            Command::Questions { command } => crate::questions_cli::run(command),
        }
    }

    fn precompress(dir: &std::path::Path) -> ExitCode {
        match server::precompress::precompress_dir(dir) {
            Ok(s) => {
                println!(
                    "{} files compressed, {} already up to date: {} KB, {} KB as brotli, {} KB as gzip",
                    s.written,
                    s.up_to_date,
                    s.original_bytes / 1024,
                    s.brotli_bytes / 1024,
                    s.gzip_bytes / 1024
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("pacs-academy: {}: {e}", dir.display());
                ExitCode::FAILURE
            }
        }
    }

    fn hl7_command(command: Hl7Command) -> ExitCode {
        use std::io::Write;
        match command {
            Hl7Command::Generate {
                event,
                seed,
                count,
                base,
            } => {
                let out = std::io::stdout();
                let mut out = std::io::BufWriter::new(out.lock());
                for (n, g) in pacs_academy::synth::generate_many(event, seed, base, count as usize)
                    .iter()
                    .enumerate()
                {
                    let sep = if n > 0 { "\n" } else { "" };
                    if write!(out, "{sep}{}", g.er7.replace('\r', "\n")).is_err() {
                        return ExitCode::FAILURE;
                    }
                }
                if out.flush().is_err() {
                    return ExitCode::FAILURE;
                }
                ExitCode::SUCCESS
            }
            Hl7Command::Explain { file } => {
                use pacs_academy::terminal::visible;
                let bytes = match read_hl7_input(&file) {
                    Ok(bytes) => bytes,
                    Err(e) => {
                        eprintln!("pacs-academy: {}", visible(&e));
                        return ExitCode::FAILURE;
                    }
                };
                let decoded = pacs_academy::hl7::decode_message(&bytes);
                drop(bytes);
                match explain(&decoded) {
                    Ok(lines) => {
                        let mut out = std::io::stdout().lock();
                        if out
                            .write_all(lines.as_bytes())
                            .and_then(|_| out.flush())
                            .is_err()
                        {
                            return ExitCode::FAILURE;
                        }
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!(
                            "pacs-academy: {}: {}",
                            file.display(),
                            visible(&e.to_string())
                        );
                        ExitCode::FAILURE
                    }
                }
            }
        }
    }

    /// `hl7 explain` refuses inputs larger than this before parsing (a
    /// message with an embedded PDF can run to tens of megabytes; a device
    /// such as /dev/zero never ends). See also `hl7::MAX_PARTS`.
    const MAX_HL7_INPUT_BYTES: u64 = 64 << 20;

    fn read_hl7_input(file: &std::path::Path) -> Result<Vec<u8>, String> {
        use std::io::Read;
        let mut bytes = Vec::new();
        let read = if file.as_os_str() == "-" {
            std::io::stdin()
                .take(MAX_HL7_INPUT_BYTES + 1)
                .read_to_end(&mut bytes)
        } else {
            std::fs::File::open(file)
                .and_then(|f| f.take(MAX_HL7_INPUT_BYTES + 1).read_to_end(&mut bytes))
        };
        read.map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        if bytes.len() as u64 > MAX_HL7_INPUT_BYTES {
            return Err(format!(
                "{}: more than {MAX_HL7_INPUT_BYTES} bytes (64 MiB); not read as one message",
                file.display()
            ));
        }
        Ok(bytes)
    }

    /// One line per non-empty value: path, name (from the dictionary of the
    /// message's version), value, and the table meaning where one is known.
    /// Header lines say which character set was used and where the bytes do
    /// not fit MSH-18. Every line is passed through `terminal::visible`, so
    /// a value holding escape codes or line breaks stays on its line.
    fn explain(
        decoded: &pacs_academy::hl7::Decoded,
    ) -> Result<String, pacs_academy::hl7::ParseError> {
        use pacs_academy::explorer::{explain_hl7, hl7::message_summary};
        use pacs_academy::terminal::visible;
        use std::fmt::Write as _;
        let message = pacs_academy::hl7::parse(&decoded.text)?;
        let mut out = String::new();
        if let Some(summary) = message_summary(&message) {
            let _ = writeln!(out, "# {}", visible(&summary));
        }
        if decoded.declared.is_empty() {
            let _ = writeln!(out, "# Character set: {} (no MSH-18)", decoded.used);
        } else {
            let _ = writeln!(
                out,
                "# Character set: {} (MSH-18 `{}`)",
                decoded.used,
                visible(&decoded.declared)
            );
        }
        for warning in &decoded.warnings {
            let _ = writeln!(out, "# Warning: {}", visible(warning));
        }
        for row in explain_hl7(&message) {
            let name = row
                .full_name
                .unwrap_or_else(|| "(not in the dictionary)".into());
            let meaning = row.meaning.map(|m| format!("  ({m})")).unwrap_or_default();
            let line = format!("{:<14} {:<48} {}{meaning}", row.path, name, row.value);
            let _ = writeln!(out, "{}", visible(&line));
        }
        Ok(out)
    }

    fn runtime(mut builder: tokio::runtime::Builder) -> Option<tokio::runtime::Runtime> {
        builder
            .enable_all()
            .build()
            .map_err(|e| eprintln!("pacs-academy: cannot start the async runtime: {e}"))
            .ok()
    }

    fn block_on(f: impl std::future::Future<Output = Result<String, String>>) -> ExitCode {
        let Some(runtime) = runtime(tokio::runtime::Builder::new_current_thread()) else {
            return ExitCode::FAILURE;
        };
        match runtime.block_on(f) {
            Ok(message) => {
                println!("{message}");
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("pacs-academy: {message}");
                ExitCode::FAILURE
            }
        }
    }

    async fn organisation_id(
        repo: &dyn pacs_academy::server::repo::Repository,
        name: &str,
        ods: Option<&str>,
    ) -> Result<i64, String> {
        let all = repo
            .list_organisations(true)
            .await
            .map_err(|e| e.to_string())?;
        if let Some(o) = all.iter().find(|o| o.name.eq_ignore_ascii_case(name)) {
            return Ok(o.id);
        }
        repo.create_organisation(name, ods)
            .await
            .map(|o| o.id)
            .map_err(|e| e.to_string())
    }

    async fn user_command(command: UserCommand) -> Result<String, String> {
        use pacs_academy::accounts::Role;
        use pacs_academy::server::{auth, db::Db, repo::NewUser, repo::Repository};
        let UserCommand::Create {
            email,
            name,
            role,
            organisation,
            follows,
            database_url,
        } = command;
        let email = email.trim().to_lowercase();
        if let Some(problem) = auth::email_problem(&email) {
            return Err(problem.to_string());
        }
        let role = Role::parse(&role).ok_or("unknown role")?;
        let password = match std::env::var("PACS_PASSWORD") {
            Ok(p) => p,
            Err(_) => {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| format!("cannot read the password: {e}"))?;
                line.trim_end_matches(['\r', '\n']).to_string()
            }
        };
        if let Some(problem) = auth::password_problem(&password, &email) {
            return Err(format!("password refused: {problem}"));
        }
        if role == Role::Learner && organisation.is_none() {
            return Err("learners belong to an organisation: add --organisation NAME".into());
        }
        if role != Role::Trainer && !follows.is_empty() {
            return Err("only trainers follow organisations".into());
        }
        let db = Db::connect(&database_url)
            .await
            .map_err(|e| e.to_string())?;
        let organisation_id = match &organisation {
            Some(name) => Some(organisation_id(&db, name, None).await?),
            None => None,
        };
        let hash = auth::hash_password(&password)?;
        let name = name.unwrap_or_else(|| email.split('@').next().unwrap_or("").to_string());
        let user = db
            .create_user(NewUser {
                email: &email,
                name: &name,
                organisation_id,
                role,
                password_hash: &hash,
            })
            .await
            .map_err(|e| e.to_string())?;
        for org in &follows {
            let id = self::organisation_id(&db, org, None).await?;
            db.assign_trainer(user.id, id)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(format!(
            "created {} {} (id {})",
            role.as_str(),
            user.email,
            user.id
        ))
    }

    async fn organisation_command(command: OrganisationCommand) -> Result<String, String> {
        use pacs_academy::server::db::Db;
        let OrganisationCommand::Create {
            name,
            ods,
            database_url,
        } = command;
        let name = name.trim();
        if name.is_empty() {
            return Err("the organisation needs a name".into());
        }
        let db = Db::connect(&database_url)
            .await
            .map_err(|e| e.to_string())?;
        let id = organisation_id(&db, name, ods.as_deref()).await?;
        Ok(format!("organisation {name} has id {id}"))
    }

    fn serve(config: ServeConfig) -> ExitCode {
        server::init_tracing(&config.log_format);
        let Some(runtime) = runtime(tokio::runtime::Builder::new_multi_thread()) else {
            return ExitCode::FAILURE;
        };
        match runtime.block_on(server::serve(config)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                tracing::error!("{e}");
                eprintln!("pacs-academy: {e}");
                ExitCode::FAILURE
            }
        }
    }

    fn check_content(dir: &std::path::Path) -> ExitCode {
        let report = pacs_academy::content::check::check_dir(dir);
        for finding in &report.findings {
            println!("{finding}");
        }
        if report.findings.is_empty() {
            eprintln!(
                "checked {} modules in {}: no problems",
                report.modules,
                dir.display()
            );
            ExitCode::SUCCESS
        } else {
            let files: std::collections::BTreeSet<_> =
                report.findings.iter().map(|f| &f.path).collect();
            eprintln!(
                "{} problem(s) in {} file(s); {} module(s) checked",
                report.findings.len(),
                files.len(),
                report.modules
            );
            ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    cli::run()
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser bundle starts from `hydrate()` in lib.rs.
}
