//! Project credentials on the command line, for every command that uses them: the access
//! key (Project ID, Key ID, Key Secret) and where it comes from, its token cache, and saving
//! an access key or an SMS service plan in a profile.

use zeroize::Zeroizing;

use super::args::ProjectArgs;
use super::credentials::user_profiles;
use super::{Failure, exit, stdio, warn};
use crate::net::oauth::{NoCache, TokenCache};
use crate::profiles::{KeptTokens, OsKeyring, ProfileError, Profiles};
use crate::sinch::oauth::{AccessKey, KeySecret};

/// The environment variable that carries an access key's Key Secret.
pub const KEY_SECRET_ENV: &str = "SINCH_KEY_SECRET";

/// The environment variable that carries an SMS service plan's API token.
pub const SERVICE_PLAN_TOKEN_ENV: &str = "SINCH_SERVICE_PLAN_TOKEN";

/// The environment variables Sinch's own CLI and guides name for an access key's Project ID
/// and Key ID: with [`KEY_SECRET_ENV`], an access key without a profile or flags.
pub const PROJECT_ID_ENV: &str = "SINCH_PROJECT_ID";
/// See [`PROJECT_ID_ENV`].
pub const KEY_ID_ENV: &str = "SINCH_KEY_ID";

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
    let profiles = user_profiles()?;
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
        user_profiles()
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
            profiles: user_profiles()?,
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
            if !stdio::confirm(&format!(
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
