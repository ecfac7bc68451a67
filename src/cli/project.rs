//! Project credentials on the command line: the access key (Project ID, Key ID, Key Secret)
//! and its OAuth2 token (`token`, and the `--auth oauth` of `send` and `sign`), the SMS
//! service plan. The exchange is `crate::net::oauth`; the rules `crate::sinch::oauth`.

use std::time::Duration;

use clap::Args;

use super::args::{ProjectArgs, duration};
use super::project_keys::{access_key, cache_for};
use super::{Failure, exit, stdio};
use crate::net::oauth::{self};
use crate::sinch::oauth::jwt_claims;

/// Arguments of `sinch-ticket token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// Use this profile's access key (default: the default profile's).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["project_id", "key_id"])]
    profile: Option<String>,
    #[command(flatten)]
    project: ProjectArgs,
    /// Print the token, its type, expiry and scope as JSON.
    #[arg(long, conflicts_with = "decode")]
    json: bool,
    /// Show the token's claims and when it expires, as the inspector shows a JWT.
    #[arg(long)]
    decode: bool,
    /// How long the exchange may take, retries after a 429 included.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = duration)]
    timeout: u64,
}

/// `sinch-ticket token`.
pub fn token(args: &TokenArgs) -> Result<u8, Failure> {
    let (profile, key) = access_key(args.profile.as_deref(), &args.project)?;
    let cache = cache_for(profile, &key, &args.project)?;
    let (token, _fetched) = oauth::token(
        &key,
        args.project.fetch(Duration::from_secs(args.timeout)),
        &*cache,
    )?;
    drop(key);
    if args.json {
        let report = serde_json::to_value(token.report())
            .map_err(|err| Failure::system(format!("could not write JSON: {err}")))?;
        return stdio::line(&format!("{report:#}")).map(|()| exit::OK);
    }
    if args.decode {
        let now = chrono::Utc::now();
        let left = (token.expires_at - now).num_seconds();
        let claims = jwt_claims(&token.token).map_or_else(
            || "(not a JWT: no claims to show)".to_owned(),
            |claims| format!("{claims:#}"),
        );
        let expires = if left > 0 {
            format!(
                "expires in {}",
                crate::sinch::time::format_duration(left.unsigned_abs())
            )
        } else {
            "expired".to_owned()
        };
        return stdio::human(&format!(
            "Kind:        OAuth2 access token ({})\nExpires:     {} ({expires})\nClaims:\n{claims}",
            token.token_type,
            token
                .expires_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ))
        .map(|()| exit::OK);
    }
    stdio::line(&token.token).map(|()| exit::OK)
}
