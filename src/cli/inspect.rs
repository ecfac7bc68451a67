//! `inspect`: decode a credential and report on it.

use std::fmt::Write as _;
use std::io::IsTerminal as _;

use chrono::Utc;
use clap::Args;

use super::{CredentialArgs, Failure, credentials, exit, stdio};
use crate::sinch::text::one_line;
use crate::sinch::time::both_zones;
use crate::sinch::{Inspection, Severity, Verdict, VerifyWith, inspect};

/// Arguments of `sinch-ticket inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The ticket or JWT; '-' or nothing reads it from standard input.
    #[arg(value_name = "TOKEN|-")]
    token: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    credentials: CredentialArgs,
}

/// `sinch-ticket inspect`.
pub fn run(args: &InspectArgs) -> Result<u8, Failure> {
    let from_stdin = args.token.as_deref().is_none_or(|t| t == "-");
    let credentials = credentials::for_verifying(
        &args.credentials,
        from_stdin.then_some("reading the token from it"),
    )?;
    let token = match &args.token {
        Some(token) if token != "-" => token.clone(),
        _ => {
            if std::io::stdin().is_terminal() {
                return Err(Failure::usage(
                    "no token: give it as an argument, or pipe it in (sinch-ticket inspect - < token.txt)",
                ));
            }
            stdio::read_text(
                std::io::stdin().lock(),
                "the token on standard input",
                stdio::MAX_TOKEN_BYTES,
            )?
        }
    };

    let verify = credentials.as_ref().map(|c| VerifyWith {
        secret: &c.secret,
        application_key: c.key.as_deref(),
    });
    let now = Utc::now();
    let inspection = match inspect(&token, verify, now) {
        Ok(inspection) => inspection,
        Err(err) => {
            if args.json {
                let report = serde_json::json!({ "accepted": false, "error": err.to_string() });
                stdio::line(&format!("{report:#}"))?;
                return Ok(exit::REJECTED);
            }
            return Err(Failure {
                code: exit::REJECTED,
                message: err.to_string(),
            });
        }
    };

    if args.json {
        let mut report = serde_json::to_value(&inspection)
            .map_err(|err| Failure::system(format!("could not write the report as JSON: {err}")))?;
        if let Some(object) = report.as_object_mut() {
            object.insert("accepted".into(), inspection.accepted().into());
        }
        stdio::line(&format!("{report:#}"))?;
    } else {
        stdio::human(readable_report(&inspection).trim_end())?;
    }

    Ok(if inspection.verdict == Verdict::NotChecked {
        stdio::to_stderr(&format!(
            "sinch-ticket: not verified: no secret was given (set {} or use --secret-stdin)",
            super::SECRET_ENV
        ));
        exit::USAGE
    } else if inspection.accepted() {
        exit::OK
    } else {
        exit::REJECTED
    })
}

/// The report for people: what it is, who for, when, and whether it verifies.
pub fn readable_report(inspection: &Inspection) -> String {
    let mut out = String::new();
    // Every value stays on its own line, whatever the credential holds.
    let mut line = |label: &str, value: &str| {
        let _ = writeln!(out, "{label:<13}{}", one_line(value));
    };
    line("Kind:", inspection.kind.label());
    if let Some(identity) = &inspection.identity {
        line(
            "Identity:",
            &format!("{} {}", identity.kind, identity.endpoint),
        );
    }
    if let Some(key) = &inspection.application_key {
        line("Application:", key);
    }
    if let Some(at) = inspection.issued_at {
        line("Issued:", &both_zones(at));
    }
    match (inspection.expires_at, &inspection.expiry) {
        (Some(at), Some(expiry)) => line("Expires:", &format!("{}, {expiry}", both_zones(at))),
        _ => line("Expires:", "not stated in the credential"),
    }
    let signature = match &inspection.verdict {
        Verdict::Verified => "verified with the given secret".to_owned(),
        Verdict::Failed { reason } => format!("DOES NOT VERIFY: {reason}"),
        Verdict::NotChecked => "not checked (no secret given)".to_owned(),
    };
    line("Signature:", &signature);
    line("Verdict:", inspection.verdict_sentence());
    if !inspection.findings.is_empty() {
        let _ = writeln!(out, "Findings:");
        for finding in &inspection.findings {
            let tag = match finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "note",
            };
            let _ = writeln!(out, "  {tag}: {}", one_line(&finding.message));
        }
    }
    let _ = writeln!(out, "JSON:");
    for json_line in inspection.json.lines() {
        let _ = writeln!(out, "  {json_line}");
    }
    out
}
