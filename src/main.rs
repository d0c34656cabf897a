//! The `pacs-academy` command: serve the site, or check course content.

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
        /// Check every module in a content folder; prints `file:line: message`.
        CheckContent {
            /// The content folder (holding foundation/ and intermediate/).
            #[arg(default_value = "content")]
            dir: PathBuf,
        },
    }

    pub fn run() -> ExitCode {
        let cli = Cli::parse();
        match cli.command.unwrap_or(Command::Serve(cli.serve)) {
            Command::Serve(config) => serve(config),
            Command::CheckContent { dir } => check_content(&dir),
        }
    }

    fn serve(config: ServeConfig) -> ExitCode {
        server::init_tracing(&config.log_format);
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
        {
            Ok(r) => r,
            Err(e) => {
                eprintln!("pacs-academy: cannot start the async runtime: {e}");
                return ExitCode::FAILURE;
            }
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
