//! Argument types and value parsers that several commands share (ripgrep keeps its flags
//! apart from the commands the same way): parsed here, resolved where the secrets come from
//! (`credentials.rs`, `project_keys.rs`), then run by each command.

use std::time::Duration;

use clap::Args;
use serde_json::Value;

use super::Failure;
use crate::net::oauth::Fetch;
use crate::sinch::callback::set_path;
use crate::sinch::oauth::AUTH_URL;
use crate::sinch::time;

/// How the application key and secret reach a command.
#[derive(Debug, Clone, Args)]
pub struct CredentialArgs {
    /// Use this profile's key and secret from the OS keyring (default: the default profile,
    /// when neither --key nor a secret is given).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["key", "secret_stdin"])]
    pub profile: Option<String>,
    /// The application key, as shown in the Sinch dashboard.
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    /// Read the application secret from standard input (instead of SINCH_APPLICATION_SECRET).
    #[arg(long)]
    pub secret_stdin: bool,
    /// Refused: a secret on the command line is visible to every process on the machine.
    #[arg(long, hide = true, value_name = "SECRET", num_args = 0..=1)]
    pub secret: Option<Option<String>>,
}

/// Where a project access key and its token come from.
#[derive(Debug, Args)]
pub struct ProjectArgs {
    /// The project's ID: with --key-id, an access key without a profile (its Key Secret in
    /// SINCH_KEY_SECRET or on standard input with --key-secret-stdin).
    #[arg(long, value_name = "ID", requires = "key_id")]
    pub project_id: Option<String>,
    /// The access key's Key ID (with --project-id).
    #[arg(long, value_name = "ID", requires = "project_id")]
    pub key_id: Option<String>,
    /// Read the Key Secret from standard input (instead of SINCH_KEY_SECRET).
    #[arg(long)]
    pub key_secret_stdin: bool,
    /// The OAuth2 token endpoint (plain http only on this machine, for a stand-in).
    #[arg(long, value_name = "URL", default_value = AUTH_URL)]
    pub auth_url: String,
    /// The first backoff ceiling after a 429, in milliseconds (for tests of the backoff).
    #[arg(long, hide = true, value_name = "MS", default_value_t = 1000)]
    pub backoff_base_ms: u64,
}

impl ProjectArgs {
    /// How tokens are fetched, within `timeout`.
    pub fn fetch(&self, timeout: Duration) -> Fetch<'_> {
        Fetch {
            auth_url: &self.auth_url,
            timeout,
            backoff_base: Duration::from_millis(self.backoff_base_ms),
        }
    }
}

/// How old a callback may be.
#[derive(Debug, Clone, Copy)]
pub struct MaxAge(pub Option<u64>);

/// A `--timeout` or `--expires-in` value: seconds, or numbers with units (`30s`, `1h30m`).
pub fn duration(text: &str) -> Result<u64, String> {
    time::parse_duration(text).map_err(|e| e.to_string())
}

/// A `--max-age` value: a duration, or `none` for any age.
pub fn max_age(text: &str) -> Result<MaxAge, String> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(MaxAge(None));
    }
    time::parse_duration(text)
        .map(|secs| MaxAge(Some(secs)))
        .map_err(|e| e.to_string())
}

/// Applies `--set PATH=VALUE` assignments to a body, in order.
pub fn apply_sets(body: &mut Value, sets: &[String]) -> Result<(), Failure> {
    for assignment in sets {
        let Some((path, value)) = assignment.split_once('=') else {
            return Err(Failure::usage(format!(
                "--set '{assignment}' is not PATH=VALUE, e.g. --set custom=order-17"
            )));
        };
        set_path(body, path.trim(), value)
            .map_err(|why| Failure::usage(format!("--set {assignment}: {why}")))?;
    }
    Ok(())
}
