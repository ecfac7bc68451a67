//! Where a command's application key and secret come from.

use zeroize::Zeroizing;

use super::{CredentialArgs, Failure, stdio, warn};
use crate::profiles::{OsKeyring, Profiles, default_config_dir};
use crate::sinch::{AppSecret, Application};

/// The environment variable that carries the application secret.
pub const SECRET_ENV: &str = "SINCH_APPLICATION_SECRET";

/// The names Sinch's own CLI and guides give the application key and secret (what `op run
/// --env-file` or CI supply). This tool's own [`SECRET_ENV`] wins when both are set.
/// SINCH_APP_SECRET is the secret to sign with only when a key comes with it (`--key` or
/// [`APP_KEY_ENV`]): alone, it is left to the profiles that refer to it (`env:SINCH_APP_SECRET`),
/// so that the default profile is still used.
pub const APP_SECRET_ENV: &str = "SINCH_APP_SECRET";
/// See [`APP_SECRET_ENV`]: the key used with it when no `--key` is given.
pub const APP_KEY_ENV: &str = "SINCH_APP_KEY";

/// The application secret's text from the environment: SINCH_APPLICATION_SECRET, else
/// SINCH_APP_SECRET when a key comes with it (`key_given`, or SINCH_APP_KEY); `None` when
/// neither is.
fn app_secret_text(key_given: bool) -> Result<Option<Zeroizing<String>>, Failure> {
    let mut found: Option<(&str, Zeroizing<String>)> = None;
    let names: &[&str] = if key_given || app_key_from_env().is_some() {
        &[SECRET_ENV, APP_SECRET_ENV]
    } else {
        &[SECRET_ENV]
    };
    for &name in names {
        match std::env::var(name) {
            Ok(text) => {
                let text = Zeroizing::new(text);
                match &found {
                    None => found = Some((name, text)),
                    Some((first, kept)) if kept.trim() != text.trim() => warn(&format!(
                        "{first} and {name} are both set and differ: {first} is used"
                    )),
                    Some(_) => {}
                }
            }
            Err(std::env::VarError::NotPresent) => {}
            // The one that wins is valid: the other does not matter.
            Err(std::env::VarError::NotUnicode(_)) if found.is_some() => {}
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Failure::usage(format!(
                    "{name} is not valid text: set it to the base64 secret from the Sinch dashboard"
                )));
            }
        }
    }
    Ok(found.map(|(_, text)| text))
}

/// The application key in SINCH_APP_KEY, when it is set.
fn app_key_from_env() -> Option<String> {
    std::env::var(APP_KEY_ENV)
        .ok()
        .map(|key| key.trim().to_owned())
        .filter(|key| !key.is_empty())
}

/// Whether the environment carries an application secret to sign with (see
/// [`APP_SECRET_ENV`]).
pub fn app_secret_in_env() -> bool {
    std::env::var_os(SECRET_ENV).is_some()
        || (std::env::var_os(APP_SECRET_ENV).is_some() && app_key_from_env().is_some())
}

/// The environment variable that carries a webhook secret (Conversation, SMS, Numbers,
/// Mailgun).
pub const WEBHOOK_SECRET_ENV: &str = "SINCH_WEBHOOK_SECRET";

/// The webhook secret from standard input (`from_stdin`) or SINCH_WEBHOOK_SECRET; `None`
/// when neither gives one. `stdin_taken` names what else already reads standard input.
pub fn webhook_secret(
    from_stdin: bool,
    stdin_taken: Option<&str>,
) -> Result<Option<crate::sinch::webhook::WebhookSecret>, Failure> {
    use crate::sinch::webhook::WebhookSecret;
    if from_stdin {
        if let Some(other) = stdin_taken {
            return Err(Failure::usage(format!(
                "--webhook-secret-stdin and {other} cannot both read standard input: put the secret in {WEBHOOK_SECRET_ENV} instead"
            )));
        }
        let text = stdio::read_secret(
            std::io::stdin().lock(),
            "the webhook secret on standard input",
        )?;
        return Ok(Some(WebhookSecret::new(&text)));
    }
    match std::env::var(WEBHOOK_SECRET_ENV) {
        Ok(text) => {
            let text = Zeroizing::new(text);
            Ok((!text.trim().is_empty()).then(|| WebhookSecret::new(&text)))
        }
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(Failure::usage(format!(
            "{WEBHOOK_SECRET_ENV} is not valid text: set it to the webhook secret from the Sinch dashboard"
        ))),
    }
}

/// The webhook secret a `scheme` is checked or signed with, from the first place that gives
/// one: standard input (`from_stdin`), the profile named with `--profile`,
/// SINCH_WEBHOOK_SECRET, the default profile.
pub fn webhook_secret_for(
    args: &CredentialArgs,
    from_stdin: bool,
    stdin_taken: Option<&str>,
    scheme: crate::sinch::webhook::Scheme,
) -> Result<crate::sinch::webhook::WebhookSecret, Failure> {
    use crate::profiles::{CredentialKind, ProfileError};
    let kind = CredentialKind::for_scheme(scheme);
    if from_stdin && let Some(secret) = webhook_secret(true, stdin_taken)? {
        return Ok(secret);
    }
    if let Some(name) = &args.profile {
        return Ok(user_profiles()?.webhook_secret(name, kind)?);
    }
    if let Some(secret) = webhook_secret(false, None)? {
        return Ok(secret);
    }
    let none = || {
        Failure::usage(format!(
            "no {} to check this {} webhook with: set {WEBHOOK_SECRET_ENV}, use \
             --webhook-secret-stdin, or save it in a profile with `sinch-ticket profile \
             webhook-secret add NAME {kind}`",
            kind.title(),
            scheme.name(),
        ))
    };
    // Without a config folder or a default, there is simply no secret to use.
    let default = user_profiles()
        .ok()
        .and_then(|profiles| Some((profiles.default_name().ok().flatten()?, profiles)));
    let Some((name, profiles)) = default else {
        return Err(none());
    };
    match profiles.webhook_secret(&name, kind) {
        Ok(secret) => Ok(secret),
        Err(ProfileError::NoCredential { listed: false, .. }) => Err(none()),
        Err(err) => Err(err.into()),
    }
}

/// Everything `listen` verifies with: the application key and secret (when given), and the
/// webhook secrets by scheme. From `--profile` (all its secrets), from `--key` with the
/// secret, or else from the default profile; a webhook secret given (SINCH_WEBHOOK_SECRET,
/// --webhook-secret-stdin) fills the schemes the profile lacks, and is enough alone.
pub fn for_listening(
    args: &CredentialArgs,
    webhook_from_stdin: bool,
) -> Result<(Option<Application>, crate::sinch::webhook::WebhookSecrets), Failure> {
    use crate::sinch::webhook::WebhookSecrets;
    let stdin_taken = args.secret_stdin.then_some("--secret-stdin");
    let webhook = webhook_secret(webhook_from_stdin, stdin_taken)?;
    let fill = |mut secrets: WebhookSecrets| {
        if let Some(given) = &webhook {
            for scheme in WebhookSecrets::for_every_scheme(given).schemes() {
                if secrets.get(scheme).is_none() {
                    secrets.insert(scheme, given.clone());
                }
            }
        }
        secrets
    };
    if let Some(name) = &args.profile {
        refuse_secret_argument(args)?;
        let profile = user_profiles()?.load_with_webhooks(name)?;
        return Ok((Some(profile.application()), fill(profile.webhooks)));
    }
    let application_given =
        args.key.is_some() || args.secret_stdin || args.secret.is_some() || app_secret_in_env();
    if application_given {
        let application = for_signing(args, None)?;
        return Ok((Some(application), fill(WebhookSecrets::default())));
    }
    // Nothing given for the application: the default profile, when there is one. With a
    // webhook secret given, a default profile that cannot be read only means webhooks alone.
    let default = user_profiles().and_then(|profiles| {
        let Some(name) = profiles.default_name()? else {
            return Ok(None);
        };
        Ok(Some(profiles.load_with_webhooks(&name)?))
    });
    match default {
        Ok(Some(profile)) => Ok((Some(profile.application()), fill(profile.webhooks))),
        Ok(None) if webhook.is_some() => Ok((None, fill(WebhookSecrets::default()))),
        Ok(None) => Err(Failure::usage(format!(
            "nothing to verify with and no default profile: save one with `sinch-ticket profile add NAME --key KEY`, \
             give --key KEY with the secret ({HOW_TO_GIVE_A_SECRET}), or set {WEBHOOK_SECRET_ENV}"
        ))),
        Err(failure) if webhook.is_some() => {
            warn(&format!(
                "could not use the default profile ({}): verifying webhooks only",
                failure.message
            ));
            Ok((None, fill(WebhookSecrets::default())))
        }
        Err(failure) => Err(failure),
    }
}

/// The secrets `events` are signed with, from where the arguments say: the application key
/// and secret when one of them is a Voice or Verification event, and the webhook secret of
/// each scheme among the others. A secret piped in with `--webhook-secret-stdin` is read once
/// and signs every scheme.
pub fn callback_secrets(
    args: &CredentialArgs,
    webhook_from_stdin: bool,
    stdin_taken: Option<&str>,
    events: impl IntoIterator<Item = crate::sinch::callback::Event>,
) -> Result<crate::sinch::callback::CallbackSecrets, Failure> {
    let mut secrets = crate::sinch::callback::CallbackSecrets::default();
    let piped = if webhook_from_stdin {
        webhook_secret(true, stdin_taken)?
    } else {
        None
    };
    for event in events {
        match event.product().scheme() {
            None if secrets.application.is_none() => {
                secrets.application = Some(for_signing(args, stdin_taken)?);
            }
            None => {}
            Some(scheme) if secrets.webhooks.get(scheme).is_none() => {
                let secret = match &piped {
                    Some(secret) => secret.clone(),
                    None => webhook_secret_for(args, false, None, scheme)?,
                };
                secrets.webhooks.insert(scheme, secret);
            }
            Some(_) => {}
        }
    }
    Ok(secrets)
}

/// An application key and its secret, ready to sign or verify with.
pub struct Credentials {
    /// The application key.
    pub key: Option<String>,
    /// The decoded secret.
    pub secret: AppSecret,
}

const HOW_TO_GIVE_A_SECRET: &str =
    "set SINCH_APPLICATION_SECRET (or SINCH_APP_SECRET), or pipe it in with --secret-stdin";

fn refuse_secret_argument(args: &CredentialArgs) -> Result<(), Failure> {
    if args.secret.is_some() {
        return Err(Failure::usage(format!(
            "the secret is never taken as an argument, since other processes can read arguments: \
             save it in a profile, or {HOW_TO_GIVE_A_SECRET}"
        )));
    }
    Ok(())
}

/// The application secret in SINCH_APPLICATION_SECRET (or SINCH_APP_SECRET), when set.
pub fn secret_from_env() -> Result<Option<AppSecret>, Failure> {
    match app_secret_text(true)? {
        Some(text) => Ok(Some(AppSecret::from_base64(&text)?)),
        None => Ok(None),
    }
}

/// Reads the secret from where the arguments say, or `None` when none was given.
///
/// `stdin_taken` names what else already reads standard input, so that both cannot.
pub fn secret(
    args: &CredentialArgs,
    stdin_taken: Option<&str>,
) -> Result<Option<AppSecret>, Failure> {
    if args.secret.is_some() {
        return Err(Failure::usage(format!(
            "the secret is never taken as an argument, since other processes can read arguments: {HOW_TO_GIVE_A_SECRET}"
        )));
    }
    let text = if args.secret_stdin {
        if let Some(other) = stdin_taken {
            return Err(Failure::usage(format!(
                "--secret-stdin and {other} cannot both read standard input: put the secret in SINCH_APPLICATION_SECRET instead"
            )));
        }
        stdio::read_secret(std::io::stdin().lock(), "the secret on standard input")?
    } else {
        match app_secret_text(args.key.is_some())? {
            Some(text) => text,
            None => return Ok(None),
        }
    };
    let secret = AppSecret::from_base64(&text)?;
    if let Some(warning) = secret.length_warning() {
        warn(&warning);
    }
    Ok(Some(secret))
}

fn load_profile(name: &str) -> Result<crate::profiles::Profile, Failure> {
    Ok(user_profiles()?.load(name)?)
}

/// The default profile, or `None` when no default is set (the keyring is not touched then).
fn default_profile() -> Result<Option<crate::profiles::Profile>, Failure> {
    let profiles = user_profiles()?;
    match profiles.default_name()? {
        Some(name) => Ok(Some(profiles.load(&name)?)),
        None => Ok(None),
    }
}

/// Key and secret for commands that sign: from `--profile`, from `--key` with the secret, or
/// from the default profile when nothing at all is given.
pub fn for_signing(
    args: &CredentialArgs,
    stdin_taken: Option<&str>,
) -> Result<Application, Failure> {
    if let Some(name) = &args.profile {
        refuse_secret_argument(args)?;
        return Ok(load_profile(name)?.application());
    }
    let secret = secret(args, stdin_taken)?;
    // With a secret given and no --key, SINCH_APP_KEY is the key (as `op run` supplies both).
    let key = args
        .key
        .clone()
        .filter(|k| !k.trim().is_empty())
        .or_else(|| secret.as_ref().and_then(|_| app_key_from_env()));
    let (key, secret) = match (key, secret) {
        (Some(key), Some(secret)) => (key, secret),
        (Some(_), None) => {
            return Err(Failure::usage(format!(
                "no application secret: {HOW_TO_GIVE_A_SECRET}"
            )));
        }
        (None, Some(_)) => {
            return Err(Failure::usage(
                "no application key: give --key KEY (from the Sinch dashboard) with the secret, set SINCH_APP_KEY, or use --profile NAME",
            ));
        }
        (None, None) => match default_profile()? {
            Some(profile) => return Ok(profile.application()),
            None => {
                return Err(Failure::usage(format!(
                    "no credentials and no default profile: save one with `sinch-ticket profile add NAME --key KEY`, \
                     or give --key KEY with the secret ({HOW_TO_GIVE_A_SECRET})"
                )));
            }
        },
    };
    if let Some(warning) = crate::sinch::application_key_warning(&key) {
        warn(&warning);
    }
    Ok(Application { key, secret })
}

/// Key and secret for verifying: the secret decides whether anything is verified at all; the
/// key, when given, is compared with the credential's. With nothing given, the default
/// profile is used when there is one; a keyring failure then only means "not verified".
pub fn for_verifying(
    args: &CredentialArgs,
    stdin_taken: Option<&str>,
) -> Result<Option<Credentials>, Failure> {
    if let Some(name) = &args.profile {
        refuse_secret_argument(args)?;
        let profile = load_profile(name)?;
        return Ok(Some(Credentials {
            key: Some(profile.key),
            secret: profile.secret,
        }));
    }
    if let Some(secret) = secret(args, stdin_taken)? {
        return Ok(Some(Credentials {
            key: args.key.clone().or_else(app_key_from_env),
            secret,
        }));
    }
    if args.key.is_some() {
        return Ok(None);
    }
    match default_profile() {
        Ok(found) => Ok(found.map(|p| Credentials {
            key: Some(p.key),
            secret: p.secret,
        })),
        Err(failure) => {
            warn(&format!(
                "could not use the default profile: {}",
                failure.message
            ));
            Ok(None)
        }
    }
}

/// The profiles of the user running the command: the OS keyring and the config folder.
pub fn user_profiles() -> Result<Profiles<OsKeyring>, Failure> {
    let Some(dir) = default_config_dir() else {
        return Err(Failure::usage(
            "no config folder could be found for the profile index: set HOME or XDG_CONFIG_HOME",
        ));
    };
    Ok(Profiles::new(OsKeyring::default(), dir))
}
