//! `ticket` and `jwt`: make credentials and print them.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::Args;

use super::args::duration;
use super::{CredentialArgs, Failure, credentials, exit, stdio, warn};
use crate::sinch::{
    self, AppSecret, Capabilities, Made, MakeRequest, NonAscii, TicketSigner, TokenKind,
    check_user_id, time,
};

/// Arguments of `sinch-ticket ticket`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("who").required(true).args(["user", "users_from"]))]
pub struct TicketArgs {
    /// The username the ticket is for (kept exactly as typed).
    #[arg(long, value_name = "NAME")]
    user: Option<String>,
    /// Make one ticket per line of FILE ('-' for standard input), printed in the same order.
    #[arg(long, value_name = "FILE|-", conflicts_with = "snippet")]
    users_from: Option<PathBuf>,
    /// How long the ticket is valid: seconds (3600) or 90s, 10m, 1h, 1d.
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = duration)]
    expires_in: u64,
    /// The ticket's creation time (RFC 3339, whole seconds); defaults to now.
    #[arg(long, value_name = "RFC3339", value_parser = instant)]
    created: Option<DateTime<Utc>>,
    /// Print the JS SDK v1 start-up snippet instead of the bare ticket.
    #[arg(long)]
    snippet: bool,
    /// With --snippet: leave calling out of the client's capabilities.
    #[arg(long, requires = "snippet")]
    no_calling: bool,
    /// With --snippet: leave messaging out of the client's capabilities.
    #[arg(long, requires = "snippet")]
    no_messaging: bool,
    /// Write non-ASCII characters of the ticket's JSON as raw UTF-8, as the sinch_auth gem
    /// does, instead of \uXXXX escapes. Only for comparing with a backend that uses the
    /// gem: the JS SDK v1 misreads such a username (Åsa becomes "Ã\u0085sa").
    #[arg(long)]
    raw_utf8: bool,
    #[command(flatten)]
    credentials: CredentialArgs,
}

/// Arguments of `sinch-ticket jwt`.
#[derive(Debug, Args)]
pub struct JwtArgs {
    /// The user id the SDK registers as.
    #[arg(long, value_name = "NAME")]
    user: String,
    /// How long the JWT is valid (exp - iat), at least 60 s: seconds or 90s, 10m, 1h, 1d.
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = duration)]
    ttl: u64,
    /// How long the registration it makes stays valid (sinch:rtc:instance:exp); omit for
    /// "until revoked".
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    instance_ttl: Option<u64>,
    /// The issue time iat (RFC 3339, whole seconds); defaults to now.
    #[arg(long, value_name = "RFC3339", value_parser = instant)]
    issued_at: Option<DateTime<Utc>>,
    /// The nonce; defaults to a random UUID.
    #[arg(long, value_name = "STR")]
    nonce: Option<String>,
    /// Print the current JS SDK start-up snippet instead of the bare JWT.
    #[arg(long)]
    snippet: bool,
    #[command(flatten)]
    credentials: CredentialArgs,
}

fn instant(text: &str) -> Result<DateTime<Utc>, String> {
    time::parse_instant(text).map_err(|e| e.to_string())
}

fn print(text: &str) -> Result<u8, Failure> {
    stdio::line(text).map(|()| exit::OK)
}

/// `sinch-ticket ticket`.
pub fn ticket(args: &TicketArgs) -> Result<u8, Failure> {
    let stdin_taken = args
        .users_from
        .as_ref()
        .is_some_and(|p| p.as_os_str() == "-")
        .then_some("--users-from -");
    let crate::sinch::Application { key, secret } =
        credentials::for_signing(&args.credentials, stdin_taken)?;
    let created = args.created.unwrap_or_else(time::now_whole_seconds);
    if let Some(path) = &args.users_from {
        time::expiry(created, args.expires_in).map_err(|err| Failure::usage(err.to_string()))?;
        let signer = TicketSigner::new(&key, &secret).with_non_ascii(non_ascii(args));
        drop(secret);
        return super::batch::tickets(&signer, path, args.expires_in, created);
    }
    let user = args.user.as_deref().unwrap_or_default();
    let made = made(
        &secret,
        &MakeRequest {
            kind: TokenKind::LegacyTicket,
            application_key: &key,
            user,
            lifetime_secs: args.expires_in,
            issued_at: created,
            instance_ttl_secs: None,
            nonce: "",
            capabilities: Capabilities {
                calling: !args.no_calling,
                messaging: !args.no_messaging,
            },
            non_ascii: non_ascii(args),
        },
    )?;
    print_made(&made, args.snippet)
}

fn non_ascii(args: &TicketArgs) -> NonAscii {
    if args.raw_utf8 {
        NonAscii::RawUtf8
    } else {
        NonAscii::Escaped
    }
}

/// Makes the credential in the core, after printing the core's warnings about its user.
fn made(secret: &AppSecret, request: &MakeRequest<'_>) -> Result<Made, Failure> {
    let check = check_user_id(request.user);
    if check.error.is_none() {
        check.warnings.iter().for_each(|w| warn(w));
    }
    sinch::make(secret, request).map_err(|err| Failure::usage(err.to_string()))
}

fn print_made(made: &Made, snippet: bool) -> Result<u8, Failure> {
    if snippet {
        print(made.snippet.trim_end())
    } else {
        print(&made.credential)
    }
}

/// `sinch-ticket jwt`.
pub fn jwt(args: &JwtArgs) -> Result<u8, Failure> {
    let crate::sinch::Application { key, secret } =
        credentials::for_signing(&args.credentials, None)?;
    let nonce = args.nonce.clone().unwrap_or_else(sinch::fresh_nonce);
    let made = made(
        &secret,
        &MakeRequest {
            kind: TokenKind::RegistrationJwt,
            application_key: &key,
            user: &args.user,
            lifetime_secs: args.ttl,
            issued_at: args.issued_at.unwrap_or_else(time::now_whole_seconds),
            instance_ttl_secs: args.instance_ttl,
            nonce: &nonce,
            capabilities: Capabilities::default(),
            non_ascii: NonAscii::default(),
        },
    )?;
    print_made(&made, args.snippet)
}
