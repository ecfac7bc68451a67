//! Project credentials on the command line: the access key (Project ID, Key ID, Key Secret)
//! and its OAuth2 token (`token`, and the `--auth oauth` of `send` and `sign`), the SMS
//! service plan. The exchange is `crate::net::oauth`; the rules `crate::sinch::oauth`.

use std::time::Duration;

use clap::Args;
use zeroize::Zeroizing;

use super::rest::duration;
use super::{Failure, exit, stdio, warn};
use crate::net::oauth::{self, Fetch, FetchError, NoCache, TokenCache};
use crate::profiles::{KeptTokens, OsKeyring, ProfileError, Profiles};
use crate::sinch::oauth::{AUTH_URL, AccessKey, KeySecret, TokenError, jwt_claims};

/// The environment variable that carries an access key's Key Secret.
pub const KEY_SECRET_ENV: &str = "SINCH_KEY_SECRET";

/// The environment variable that carries an SMS service plan's API token.
pub const SERVICE_PLAN_TOKEN_ENV: &str = "SINCH_SERVICE_PLAN_TOKEN";

/// The environment variables Sinch's own CLI and guides name for an access key's Project ID
/// and Key ID: with [`KEY_SECRET_ENV`], an access key without a profile or flags.
pub const PROJECT_ID_ENV: &str = "SINCH_PROJECT_ID";
/// See [`PROJECT_ID_ENV`].
pub const KEY_ID_ENV: &str = "SINCH_KEY_ID";

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

/// A token failure is a command-line failure with the right exit status.
impl From<FetchError> for Failure {
    fn from(err: FetchError) -> Self {
        let code = match &err {
            _ if err.is_usage() => exit::USAGE,
            FetchError::Token(TokenError::Refused { .. } | TokenError::Expired(_)) => {
                exit::REJECTED
            }
            _ => exit::IO,
        };
        Failure {
            code,
            message: err.to_string(),
        }
    }
}

/// A secret from standard input (`from_stdin`) or the environment variable `env`.
fn secret_from(from_stdin: bool, env: &str, what: &str) -> Result<Option<KeySecret>, Failure> {
    if from_stdin {
        let text = stdio::read_secret(
            std::io::stdin().lock(),
            &format!("{what} on standard input"),
        )?;
        return Ok(Some(KeySecret::new(&text)));
    }
    match std::env::var(env) {
        Ok(text) => {
            let text = Zeroizing::new(text);
            Ok((!text.trim().is_empty()).then(|| KeySecret::new(&text)))
        }
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Failure::usage(format!("{env} is not valid text")))
        }
    }
}

/// The access key to use, and the profile it came from (whose keyring entry caches its
/// token): from --project-id and --key-id with the Key Secret, or from the profile named,
/// or from the default profile.
pub fn access_key(
    profile: Option<&str>,
    args: &ProjectArgs,
) -> Result<(Option<String>, AccessKey), Failure> {
    // Flags first; with no profile named, then SINCH_PROJECT_ID and SINCH_KEY_ID (as `op run`
    // or CI supply them), before the default profile.
    let from_env = || {
        let var = |name| {
            std::env::var(name)
                .ok()
                .filter(|v: &String| !v.trim().is_empty())
        };
        Some((var(PROJECT_ID_ENV)?, var(KEY_ID_ENV)?))
    };
    let given = match (&args.project_id, &args.key_id) {
        (Some(project_id), Some(key_id)) => Some((project_id.clone(), key_id.clone())),
        _ if profile.is_none() => from_env(),
        _ => None,
    };
    if let Some((project_id, key_id)) = &given {
        let Some(key_secret) =
            secret_from(args.key_secret_stdin, KEY_SECRET_ENV, "the Key Secret")?
        else {
            return Err(Failure::usage(format!(
                "no Key Secret for Key ID {key_id}: set {KEY_SECRET_ENV}, or pipe it in with --key-secret-stdin"
            )));
        };
        let key = AccessKey {
            project_id: project_id.trim().to_owned(),
            key_id: key_id.trim().to_owned(),
            key_secret,
        };
        return Ok((None, key));
    }
    let profiles = super::profile::user_profiles()?;
    let name = match profile {
        Some(name) => name.to_owned(),
        None => profiles.default_name()?.ok_or_else(|| {
            Failure::usage(format!(
                "no access key and no default profile: save one with `sinch-ticket profile add NAME --project-id P --key-id K`, \
                 or give --project-id and --key-id with {KEY_SECRET_ENV}"
            ))
        })?,
    };
    let key = profiles.access_key(&name)?;
    Ok((Some(name), key))
}

/// The cache for `profile` (none without one).
pub fn cache_for(
    profile: Option<String>,
    key: &AccessKey,
    args: &ProjectArgs,
) -> Result<Box<dyn TokenCache>, Failure> {
    // A Key Secret fetched from a secret manager: its tokens are not kept in the keyring
    // either (the manager stays the one place that grants access).
    let referred = |name: &str| {
        super::profile::user_profiles()
            .ok()
            .and_then(|profiles| profiles.references(name).ok())
            .is_some_and(|refs| {
                refs.contains_key(&crate::profiles::SecretSlot::Credential(
                    crate::profiles::CredentialKind::AccessKey,
                ))
            })
    };
    Ok(match profile {
        Some(name) if referred(&name) => Box::new(NoCache),
        Some(name) => Box::new(KeptTokens {
            profiles: super::profile::user_profiles()?,
            name,
            key_id: key.key_id.clone(),
            auth_url: args.auth_url.clone(),
            on_failure: |err| {
                warn(&format!(
                    "the token could not be kept for the next run: {err}"
                ))
            },
        }),
        None => Box::new(NoCache),
    })
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

/// Reads a secret for `profile add`: without echo from the terminal, else from `env`, else
/// from standard input when nothing else reads it (`stdin_free`).
pub fn read_for_add(
    prompt: String,
    env: &str,
    from_stdin: bool,
    stdin_free: bool,
) -> Result<KeySecret, Failure> {
    use std::io::IsTerminal as _;
    if from_stdin {
        return secret_from(true, env, "the secret")?
            .ok_or_else(|| Failure::usage("nothing on standard input"));
    }
    if std::io::stdin().is_terminal() {
        let text = rpassword::prompt_password(prompt)
            .map(Zeroizing::new)
            .map_err(|err| Failure::io("reading the secret from the terminal", &err))?;
        return Ok(KeySecret::new(&text));
    }
    if let Some(secret) = secret_from(false, env, "the secret")? {
        return Ok(secret);
    }
    if stdin_free {
        return secret_from(true, env, "the secret")?
            .ok_or_else(|| Failure::usage("nothing on standard input"));
    }
    Err(Failure::usage(format!(
        "standard input already carries the application secret: put this one in {env}"
    )))
}

/// What `profile add` was given of a project's credentials.
pub struct ProjectAdd<'a> {
    /// Project ID, Key ID, and whether the Key Secret comes on standard input.
    pub access: Option<(&'a str, &'a str, bool)>,
    /// The service plan's ID.
    pub service_plan_id: Option<&'a str>,
    /// Where the Key Secret is fetched from, instead of saved.
    pub key_secret_from: Option<&'a crate::profiles::SecretRef>,
    /// Where the API token is fetched from, instead of saved.
    pub plan_token_from: Option<&'a crate::profiles::SecretRef>,
}

/// Saves the access key or service plan `profile add` was given, after its application
/// (when given).
pub fn add_project_credentials(
    profiles: &Profiles<OsKeyring>,
    name: &str,
    given: ProjectAdd<'_>,
    stdin_free: bool,
    force: bool,
) -> Result<(), Failure> {
    crate::profiles::validate_name(name)?;
    let ProjectAdd {
        access,
        service_plan_id,
        key_secret_from,
        plan_token_from,
    } = given;
    let mut stdin_free = stdin_free;
    if let (Some((project_id, key_id, _)), Some(reference)) = (access, key_secret_from) {
        let warnings = confirm_replace(name, "project access key", force, |replace| {
            profiles.set_access_key_reference(name, project_id, key_id, reference, replace)
        })?;
        warnings.iter().for_each(|w| warn(w));
        stdio::human(&format!(
            "Saved the project access key {key_id} (project {project_id}) of profile \"{name}\": its Key Secret is fetched from {} ({reference}) each time it is used.",
            reference.describe()
        ))?;
    } else if let Some((project_id, key_id, from_stdin)) = access {
        let key_secret = read_for_add(
            format!("Key Secret of access key {key_id} (input hidden): "),
            KEY_SECRET_ENV,
            from_stdin,
            stdin_free,
        )?;
        stdin_free = false;
        let key = AccessKey {
            project_id: project_id.to_owned(),
            key_id: key_id.to_owned(),
            key_secret,
        };
        let warnings = confirm_replace(name, "project access key", force, |replace| {
            profiles.set_access_key(name, &key, replace)
        })?;
        warnings.iter().for_each(|w| warn(w));
        stdio::human(&format!(
            "Saved the project access key {key_id} (project {project_id}) of profile \"{name}\" in {} (service sinch-ticket:access-key).",
            crate::profiles::SecretStore::location(profiles.store())
        ))?;
    }
    if let (Some(plan_id), Some(reference)) = (service_plan_id, plan_token_from) {
        let warnings = confirm_replace(name, "service plan", force, |replace| {
            profiles.set_service_plan_reference(name, plan_id, reference, replace)
        })?;
        warnings.iter().for_each(|w| warn(w));
        stdio::human(&format!(
            "Saved the SMS service plan {plan_id} of profile \"{name}\": its API token is fetched from {} ({reference}) each time it is used.",
            reference.describe()
        ))?;
    } else if let Some(plan_id) = service_plan_id {
        let token = read_for_add(
            format!("API token of service plan {plan_id} (input hidden): "),
            SERVICE_PLAN_TOKEN_ENV,
            false,
            stdin_free,
        )?;
        let warnings = confirm_replace(name, "service plan", force, |replace| {
            profiles.set_service_plan(name, plan_id, &token, replace)
        })?;
        warnings.iter().for_each(|w| warn(w));
        stdio::human(&format!(
            "Saved the SMS service plan {plan_id} of profile \"{name}\" (service sinch-ticket:service-plan)."
        ))?;
    }
    Ok(())
}

/// Runs `save`, asking on a terminal whether to replace what is there.
fn confirm_replace(
    name: &str,
    what: &str,
    force: bool,
    save: impl Fn(bool) -> Result<Vec<String>, ProfileError>,
) -> Result<Vec<String>, Failure> {
    use std::io::IsTerminal as _;
    match save(force) {
        Err(ProfileError::CredentialExists { .. }) if std::io::stdin().is_terminal() => {
            if !super::profile::confirm(&format!(
                "Profile \"{name}\" has a {what} already. Replace it?"
            )) {
                return Err(Failure {
                    code: exit::USAGE,
                    message: format!("kept the existing {what}"),
                });
            }
            Ok(save(true)?)
        }
        other => Ok(other?),
    }
}
