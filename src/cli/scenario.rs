//! `scenario run FILE`: callbacks sent in order, as a test of the developer's server that CI
//! can run: each step triggers an event (or replays one), signed or forged, sent once or
//! several times, in order or out of it, retried as Sinch retries, and expects it accepted
//! or refused. A JUnit report lists each step as a test case.
//!
//! The file is TOML: `to = URL` and `[[step]]` tables (see `scenario run --help`).

use std::path::PathBuf;

use chrono::Utc;
use clap::{Args, Subcommand};

use super::{CredentialArgs, Failure, credentials, exit, stdio};
use crate::scenario::{self, Plan, plan::PlanError};

/// Arguments of `sinch-ticket scenario`.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    #[command(subcommand)]
    command: ScenarioCommand,
}

#[derive(Debug, Subcommand)]
enum ScenarioCommand {
    /// Run the steps of FILE in order; exit 0 when every expectation holds.
    Run(RunArgs),
}

/// Arguments of `sinch-ticket scenario run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario, TOML.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Your server's URL (overrides the file's `to`).
    #[arg(long, value_name = "URL")]
    to: Option<String>,
    /// Write a JUnit XML report to FILE (each step a test case).
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Shorten every wait (delays, Sinch's retry backoff) by this factor, e.g. 0.01.
    #[arg(long, value_name = "FACTOR", default_value_t = 1.0)]
    time_scale: f64,
    /// Read the webhook secret from standard input (for webhook events).
    #[arg(long)]
    webhook_secret_stdin: bool,
    #[command(flatten)]
    credentials: CredentialArgs,
}

/// `sinch-ticket scenario …`.
pub fn run(args: &ScenarioArgs) -> Result<u8, Failure> {
    let ScenarioCommand::Run(args) = &args.command;
    let file = scenario::read(&args.file).map_err(|err| match err {
        scenario::file::FileError::Io { source, .. } => {
            Failure::io(&format!("reading {}", args.file.display()), &source)
        }
        other => Failure::usage(other.to_string()),
    })?;
    // Where the report goes is checked before anything is sent, so that a run is not lost.
    if let Some(junit) = &args.junit {
        if junit.is_dir() {
            return Err(Failure::usage(format!(
                "--junit: {} is a folder: name the report's file, e.g. {}",
                junit.display(),
                junit.join("scenario.xml").display()
            )));
        }
        if let Some(parent) = junit.parent()
            && !parent.as_os_str().is_empty()
            && !parent.is_dir()
        {
            return Err(Failure::usage(format!(
                "--junit: there is no folder {}",
                parent.display()
            )));
        }
    }
    // Looked up in the history only if a step replays a record: checking a file makes none.
    let mut history = scenario::Records::new(crate::history::default_path());
    let plan = Plan::new(
        &file,
        args.to.as_deref(),
        args.time_scale,
        Utc::now(),
        &mut |id| history.body(id),
    )
    .map_err(|err| match err {
        PlanError::Target(err) => Failure::from(err),
        other => Failure::usage(format!("{}: {other}", args.file.display())),
    })?;
    // Every secret is found before the first step is sent: a missing one sends nothing.
    let secrets = credentials::callback_secrets(
        &args.credentials,
        args.webhook_secret_stdin,
        None,
        plan.signed_events(),
    )?;
    let mut printed = Ok(());
    let report = scenario::run(&plan, &secrets, &mut scenario::Http, &mut |outcome| {
        if printed.is_ok() {
            printed = stdio::human(&format!(
                "{} {}: {}",
                if outcome.passed() { "ok  " } else { "FAIL" },
                outcome.name,
                outcome.sentence()
            ));
        }
    });
    printed?;
    let failed = report.failed();
    stdio::human(&format!(
        "{} step(s), {failed} failed, in {} ms.",
        report.outcomes.len(),
        report.took.as_millis()
    ))?;
    if let Some(path) = &args.junit {
        let xml = scenario::junit::junit(&args.file.display().to_string(), &report)
            .map_err(|err| Failure::system(format!("the JUnit report cannot be made: {err}")))?;
        // Written beside it, then renamed over it: a link planted where the report goes is
        // replaced, not followed, and a pipe there does not block the run.
        crate::history::write_file(path, xml.as_bytes())
            .map_err(|err| Failure::io(&format!("writing {}", path.display()), &err))?;
    }
    Ok(if failed == 0 {
        exit::OK
    } else {
        exit::REJECTED
    })
}
