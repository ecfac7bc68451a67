//! `profile ...`: manage the app profiles kept in the OS keyring.

use std::io::IsTerminal as _;

use clap::{Args, Subcommand};
use zeroize::Zeroizing;

use super::{Failure, credentials, exit, stdio, warn};
use crate::profiles::{
    CredentialKind, OsKeyring, Profile, ProfileError, Profiles, SERVICE, SecretRef, SecretSlot,
    SecretStore as _,
};
use crate::sinch::AppSecret;

/// Arguments of `sinch-ticket profile`.
#[derive(Debug, Args)]
pub struct ProfileArgs {
    #[command(subcommand)]
    command: ProfileCommand,
}

// Parsed once per run: `Add`, with its references, being larger than the others costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum ProfileCommand {
    /// Save an application as a profile. The secret is read without echo from the terminal,
    /// or from standard input when it is piped.
    #[command(after_help = "\
Examples:
  sinch-ticket profile add sandbox --key 196087a1-e815-4bc4-8984-60d8d8a43f1d   # an application
  sinch-ticket profile add sms --project-id P --key-id K      # a project access key (OAuth2)
  printf '%s' \"$KEY_SECRET\" | sinch-ticket profile add sms --project-id P --key-id K --key-secret-stdin
  sinch-ticket profile add sms --service-plan-id SP           # the SMS API's service plan

Each can be added to a profile that exists: its other credentials stay. On a terminal each
secret is asked for without echo; piped, the one secret comes from standard input (the
others from SINCH_APPLICATION_SECRET, SINCH_KEY_SECRET or SINCH_SERVICE_PLAN_TOKEN).

A secret a team keeps in a secret manager is referred to instead of copied: it is fetched
each time it is used, never saved in the keyring, and a rotation needs no step here.
  sinch-ticket profile add dev --key KEY --secret-from vault://secret/sinch/dev#app_secret
  sinch-ticket profile add dev --key KEY --secret-from pass:sinch/dev/app-secret
  sinch-ticket profile add dev --key KEY --secret-from 'op://Dev/Sinch app/secret'
  sinch-ticket profile add ci --key KEY --secret-from env:SINCH_APP_SECRET
References: env:NAME, pass:PATH, vault://MOUNT/PATH#FIELD (or bao://: VAULT_ADDR/BAO_ADDR,
VAULT_TOKEN/BAO_TOKEN or ~/.vault-token, VAULT_CACERT), op://VAULT/ITEM/FIELD (1Password's
`op read`). `sinch-ticket profile check NAME` fetches each and says whether it works.")]
    Add {
        /// The profile's name, e.g. sandbox or production.
        name: String,
        /// The application key, as shown in the Sinch dashboard.
        #[arg(long, value_name = "KEY", required_unless_present_any = ["project_id", "service_plan_id"])]
        key: Option<String>,
        /// The project ID of an access key to add (with --key-id).
        #[arg(long, value_name = "ID", requires = "key_id")]
        project_id: Option<String>,
        /// The Key ID of an access key to add (with --project-id); its Key Secret is asked for.
        #[arg(long, value_name = "ID", requires = "project_id")]
        key_id: Option<String>,
        /// Read the access key's Key Secret from standard input.
        #[arg(long, requires = "key_id")]
        key_secret_stdin: bool,
        /// The SMS service plan ID to add; its API token is asked for.
        #[arg(long, value_name = "ID")]
        service_plan_id: Option<String>,
        /// Fetch the application secret from a secret manager each time it is used, instead
        /// of saving it (env:NAME, pass:PATH, vault://MOUNT/PATH#FIELD, op://VAULT/ITEM/FIELD).
        #[arg(long, value_name = "REF", requires = "key", value_parser = reference)]
        secret_from: Option<SecretRef>,
        /// Fetch the access key's Key Secret from a secret manager each time it is used.
        #[arg(long, value_name = "REF", requires = "key_id", conflicts_with = "key_secret_stdin", value_parser = reference)]
        key_secret_from: Option<SecretRef>,
        /// Fetch the service plan's API token from a secret manager each time it is used.
        #[arg(long, value_name = "REF", requires = "service_plan_id", value_parser = reference)]
        service_plan_token_from: Option<SecretRef>,
        /// Replace a profile (or credential) of the same name without asking.
        #[arg(long)]
        force: bool,
    },
    /// List the profiles: names, keys, which is the default. Never secrets.
    List {
        /// Only the names, one per line (what shell completion uses).
        #[arg(long)]
        names: bool,
    },
    /// Show one profile: key, masked secret, where it is stored (a secret fetched from a
    /// secret manager is shown as its reference, and not fetched).
    Show {
        /// The profile's name.
        name: String,
    },
    /// Fetch every secret a profile refers to from its secret manager and say whether it
    /// works, without printing any value. Exit 0 when all do, 4 when one does not.
    Check {
        /// The profile's name.
        name: String,
    },
    /// Remove a profile from the keyring and the index.
    Remove {
        /// The profile's name.
        name: String,
    },
    /// Make a profile the one used when no credentials are given.
    Default {
        /// The profile's name.
        name: String,
    },
    /// Bring back a profile whose keyring entry survived a lost or damaged index.
    Attach {
        /// The profile's name, as it was saved.
        name: String,
    },
    /// Add, replace or remove a profile's webhook secrets (Conversation/SMS, Numbers,
    /// Mailgun), each kept in the OS keyring beside the application secret.
    #[command(subcommand)]
    WebhookSecret(WebhookSecretCommand),
}

#[derive(Debug, Subcommand)]
enum WebhookSecretCommand {
    /// Save a webhook secret in a profile. It is read without echo from the terminal, or
    /// from standard input when it is piped.
    #[command(after_help = "\
Kinds:
  conversation  the Conversation API webhook's secret; SMS callbacks with HMAC switched on
                are signed with the same scheme and secret
  numbers       the Numbers API project's callback secret (hmacSecret)
  mailgun       the Mailgun domain's HTTP webhook signing key (not its API key)

Example:
  sinch-ticket profile webhook-secret add sandbox conversation")]
    Add {
        /// The profile's name.
        name: String,
        /// Which secret: conversation (also SMS), numbers or mailgun.
        #[arg(value_enum)]
        kind: KindArg,
        /// Replace a secret of that kind without asking.
        #[arg(long)]
        force: bool,
        /// Fetch the secret from a secret manager each time it is used, instead of saving it
        /// (env:NAME, pass:PATH, vault://MOUNT/PATH#FIELD, op://VAULT/ITEM/FIELD).
        #[arg(long, value_name = "REF", value_parser = reference)]
        from: Option<SecretRef>,
    },
    /// Remove a profile's webhook secret of one kind.
    Remove {
        /// The profile's name.
        name: String,
        /// Which secret: conversation, numbers or mailgun.
        #[arg(value_enum)]
        kind: KindArg,
    },
}

/// The credential kinds, as the command line names them.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum KindArg {
    /// The Conversation API's webhook secret (also SMS).
    Conversation,
    /// The Numbers API's callback secret.
    Numbers,
    /// Mailgun's HTTP webhook signing key.
    Mailgun,
}

impl From<KindArg> for CredentialKind {
    fn from(kind: KindArg) -> Self {
        match kind {
            KindArg::Conversation => CredentialKind::Conversation,
            KindArg::Numbers => CredentialKind::Numbers,
            KindArg::Mailgun => CredentialKind::Mailgun,
        }
    }
}

/// A secret reference as typed on the command line.
fn reference(text: &str) -> Result<SecretRef, String> {
    SecretRef::parse(text).map_err(|err| err.to_string())
}

/// A profile failure is a command-line failure with the right exit status.
/// A secret that is not one is wrong input.
/// `sinch-ticket profile ...`.
pub fn run(args: &ProfileArgs) -> Result<u8, Failure> {
    let profiles = credentials::user_profiles()?;
    match &args.command {
        ProfileCommand::Add {
            name,
            key,
            project_id,
            key_id,
            key_secret_stdin,
            service_plan_id,
            force,
            secret_from,
            key_secret_from,
            service_plan_token_from,
        } => {
            if let Some(key) = key {
                let code = match secret_from {
                    Some(reference) => add_reference(&profiles, name, key, reference, *force)?,
                    None => add(&profiles, name, key, *force, !*key_secret_stdin)?,
                };
                if code != exit::OK {
                    return Ok(code);
                }
            }
            let access = project_id
                .as_deref()
                .zip(key_id.as_deref())
                .map(|(p, k)| (p, k, *key_secret_stdin));
            super::project_keys::add_project_credentials(
                &profiles,
                name,
                super::project_keys::ProjectAdd {
                    access,
                    service_plan_id: service_plan_id.as_deref(),
                    key_secret_from: key_secret_from.as_ref(),
                    plan_token_from: service_plan_token_from.as_ref(),
                },
                key.is_none() || secret_from.is_some(),
                *force,
            )?;
            Ok(exit::OK)
        }
        ProfileCommand::Check { name } => check(&profiles, name),
        ProfileCommand::List { names } => list(&profiles, *names),
        ProfileCommand::Show { name } => {
            // A secret from a manager is shown as its reference: showing a profile asks no
            // manager (nor its user) for anything.
            let references = profiles.references(name)?;
            if let Some(reference) = references.get(&SecretSlot::Application) {
                return show_referred(&profiles, name, reference, &references);
            }
            match profiles.load(name) {
                Ok(profile) => show(&profiles, &profile, &references),
                // A profile of project credentials only: shown without an application.
                Err(ProfileError::NoApplication(name)) => {
                    show_project_only(&profiles, &name, &references)
                }
                Err(err) => Err(err.into()),
            }
        }
        ProfileCommand::Remove { name } => {
            profiles.remove(name)?;
            stdio::human(&format!("Removed profile \"{name}\"."))?;
            Ok(exit::OK)
        }
        ProfileCommand::Default { name } => {
            profiles.set_default(name)?;
            stdio::human(&format!("\"{name}\" is now the default profile."))?;
            Ok(exit::OK)
        }
        ProfileCommand::Attach { name } => {
            let profile = profiles.attach(name)?;
            stdio::human(&format!("Attached profile \"{name}\" from the keyring."))?;
            show(&profiles, &profile, &std::collections::BTreeMap::new())
        }
        ProfileCommand::WebhookSecret(WebhookSecretCommand::Add {
            name,
            kind,
            force,
            from: Some(reference),
        }) => {
            let kind = CredentialKind::from(*kind);
            let warnings = match profiles.set_webhook_reference(name, kind, reference, *force) {
                Err(ProfileError::CredentialExists { .. }) if std::io::stdin().is_terminal() => {
                    if !stdio::confirm(&format!(
                        "Profile \"{name}\" has a {} already. Replace it?",
                        kind.title()
                    )) {
                        stdio::to_stderr(&format!("Kept the existing {}.", kind.title()));
                        return Ok(exit::USAGE);
                    }
                    profiles.set_webhook_reference(name, kind, reference, true)
                }
                other => other,
            }?;
            warnings.iter().for_each(|w| warn(w));
            stdio::human(&format!(
                "Saved profile \"{name}\": its {} is fetched from {} ({reference}) each time it is used; nothing of it is kept in the keyring.",
                kind.title(),
                reference.describe()
            ))?;
            Ok(exit::OK)
        }
        ProfileCommand::WebhookSecret(WebhookSecretCommand::Add {
            name,
            kind,
            force,
            from: None,
        }) => add_webhook_secret(&profiles, name, (*kind).into(), *force),
        ProfileCommand::WebhookSecret(WebhookSecretCommand::Remove { name, kind }) => {
            let kind = CredentialKind::from(*kind);
            profiles.remove_webhook_secret(name, kind)?;
            stdio::human(&format!(
                "Removed the {} of profile \"{name}\".",
                kind.title()
            ))?;
            Ok(exit::OK)
        }
    }
}

fn add_webhook_secret(
    profiles: &Profiles<OsKeyring>,
    name: &str,
    kind: CredentialKind,
    force: bool,
) -> Result<u8, Failure> {
    // Ask for the secret only for a profile that exists.
    crate::profiles::validate_name(name)?;
    if !profiles.list()?.0.iter().any(|p| p.name == name) {
        return Err(ProfileError::NotFound(name.to_owned()).into());
    }
    let text = read_hidden(format!("{} for \"{name}\" (input hidden): ", kind.title()))?;
    let warnings = match profiles.set_webhook_secret(name, kind, &text, force) {
        Err(ProfileError::CredentialExists { .. }) if std::io::stdin().is_terminal() => {
            if !stdio::confirm(&format!(
                "Profile \"{name}\" has a {} already. Replace it?",
                kind.title()
            )) {
                stdio::to_stderr(&format!("Kept the existing {}.", kind.title()));
                return Ok(exit::USAGE);
            }
            profiles.set_webhook_secret(name, kind, &text, true)
        }
        other => other,
    }?;
    warnings.iter().for_each(|w| warn(w));
    stdio::human(&format!(
        "Saved the {} of profile \"{name}\" in {} (service {}).",
        kind.title(),
        profiles.store().location(),
        kind.service()
    ))?;
    Ok(exit::OK)
}

/// A secret asked for with `prompt`, without echo, on a terminal; else read from standard
/// input.
fn read_hidden(prompt: String) -> Result<Zeroizing<String>, Failure> {
    if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt)
            .map(Zeroizing::new)
            .map_err(|err| Failure::io("reading the secret from the terminal", &err))
    } else {
        stdio::read_secret(std::io::stdin().lock(), "the secret on standard input")
    }
}

fn read_secret(name: &str, stdin_free: bool) -> Result<AppSecret, Failure> {
    if !stdin_free && !std::io::stdin().is_terminal() {
        // Standard input carries another secret: this one comes from the environment.
        return super::credentials::secret_from_env()?.ok_or_else(|| {
            Failure::usage(format!(
                "standard input carries the Key Secret: put the application secret in {}",
                super::SECRET_ENV
            ))
        });
    }
    let text = read_hidden(format!(
        "Application secret for \"{name}\" (input hidden): "
    ))?;
    Ok(AppSecret::from_base64(&text)?)
}

fn add(
    profiles: &Profiles<OsKeyring>,
    name: &str,
    key: &str,
    force: bool,
    stdin_free: bool,
) -> Result<u8, Failure> {
    // Check the name before asking for a secret that would then be thrown away.
    crate::profiles::validate_name(name)?;
    let secret = read_secret(name, stdin_free)?;
    let warnings = match profiles.add(name, key, &secret, force) {
        Err(ProfileError::Exists(_) | ProfileError::Unlisted(_))
            if std::io::stdin().is_terminal() =>
        {
            if !stdio::confirm(&format!("A profile named \"{name}\" exists. Replace it?")) {
                stdio::to_stderr(&format!("Kept the existing profile \"{name}\"."));
                return Ok(exit::USAGE);
            }
            profiles.add(name, key, &secret, true)
        }
        other => other,
    }?;
    warnings.iter().for_each(|w| warn(w));
    stdio::human(&format!(
        "Saved profile \"{name}\" in {} (service {SERVICE}).",
        profiles.store().location()
    ))?;
    Ok(exit::OK)
}

fn add_reference(
    profiles: &Profiles<OsKeyring>,
    name: &str,
    key: &str,
    reference: &SecretRef,
    force: bool,
) -> Result<u8, Failure> {
    let warnings = match profiles.add_reference(name, key, reference, force) {
        Err(ProfileError::Exists(_) | ProfileError::Unlisted(_))
            if std::io::stdin().is_terminal() =>
        {
            if !stdio::confirm(&format!("A profile named \"{name}\" exists. Replace it?")) {
                stdio::to_stderr(&format!("Kept the existing profile \"{name}\"."));
                return Ok(exit::USAGE);
            }
            profiles.add_reference(name, key, reference, true)
        }
        other => other,
    }?;
    warnings.iter().for_each(|w| warn(w));
    stdio::human(&format!(
        "Saved profile \"{name}\": its application secret is fetched from {} ({reference}) each time it is used; nothing of it is kept in the keyring. Check it with `sinch-ticket profile check {name}`.",
        reference.describe()
    ))?;
    Ok(exit::OK)
}

/// `profile check NAME`: every reference fetched and checked, each said on a line.
fn check(profiles: &Profiles<OsKeyring>, name: &str) -> Result<u8, Failure> {
    let results = profiles.check(name)?;
    if results.is_empty() {
        stdio::human(&format!(
            "Profile \"{name}\" refers to no secret manager: its secrets are kept in {}.",
            profiles.store().location()
        ))?;
        return Ok(exit::OK);
    }
    let mut code = exit::OK;
    for (slot, reference, result) in results {
        let verdict = match result {
            Ok(()) => "ok".to_owned(),
            Err(err) => {
                code = Failure::from(err.clone()).code;
                match err {
                    ProfileError::Reference { error, .. } => format!("FAILED: {}", error.problem),
                    other => format!("FAILED: {other}"),
                }
            }
        };
        stdio::human(&format!(
            "{:<34} {} ({reference}): {verdict}",
            capitalized(slot.title()),
            reference.describe()
        ))?;
    }
    Ok(code)
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn list(profiles: &Profiles<OsKeyring>, names_only: bool) -> Result<u8, Failure> {
    let (summaries, warnings) = profiles.list()?;
    // The only warning a listing has is a damaged index set aside: say how, here.
    warnings
        .iter()
        .for_each(|w| warn(&format!("{w}, with `sinch-ticket profile attach NAME`")));
    if names_only {
        for summary in &summaries {
            stdio::human(&summary.name)?;
        }
        return Ok(exit::OK);
    }
    if summaries.is_empty() {
        stdio::human("No profiles yet: add one with `sinch-ticket profile add NAME --key KEY`.")?;
        return Ok(exit::OK);
    }
    let width = summaries
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(0);
    for summary in summaries {
        let marker = if summary.is_default {
            "  (default)"
        } else {
            ""
        };
        let meta = &summary.meta;
        let mut kinds = String::new();
        let webhooks: Vec<&str> = CredentialKind::WEBHOOKS
            .iter()
            .map(|kind| kind.name())
            .filter(|name| meta.credentials.contains(*name))
            .collect();
        if !webhooks.is_empty() {
            kinds.push_str(&format!("  webhooks: {}", webhooks.join(", ")));
        }
        if meta.credentials.contains(CredentialKind::AccessKey.name()) {
            kinds.push_str(&format!(
                "  access key: {} (project {})",
                meta.key_id.as_deref().unwrap_or("?"),
                meta.project_id.as_deref().unwrap_or("?")
            ));
        }
        if meta
            .credentials
            .contains(CredentialKind::ServicePlan.name())
        {
            kinds.push_str(&format!(
                "  service plan: {}",
                meta.service_plan_id.as_deref().unwrap_or("?")
            ));
        }
        if !meta.references.is_empty() {
            let slots: Vec<&str> = meta.references.keys().map(String::as_str).collect();
            kinds.push_str(&format!("  from a secret manager: {}", slots.join(", ")));
        }
        let key = if meta.key.is_empty() {
            "(no application)"
        } else {
            meta.key.as_str()
        };
        stdio::human(&format!("{:<width$}  {key}{marker}{kinds}", summary.name))?;
    }
    Ok(exit::OK)
}

/// The lines of `profile show` for a profile's webhook secrets: masked when the keyring
/// holds them, their reference when a manager does (not fetched).
fn webhook_lines(
    profiles: &Profiles<OsKeyring>,
    name: &str,
    references: &std::collections::BTreeMap<SecretSlot, SecretRef>,
) -> Result<String, Failure> {
    let (list, _) = profiles.list()?;
    let held = list
        .into_iter()
        .find(|p| p.name == name)
        .map(|p| p.meta.credentials)
        .unwrap_or_default();
    // Asked once: a kind the index does not list is looked for in a usable keyring only.
    let keyring_usable = profiles.store().status().is_ok();
    let mut webhooks = String::new();
    for kind in CredentialKind::WEBHOOKS {
        if let Some(reference) = references.get(&SecretSlot::Credential(kind)) {
            webhooks.push_str(&format!(
                "\nWebhook:     {} from {} ({reference}) ({})",
                kind.name(),
                reference.describe(),
                kind.title(),
            ));
        } else if held.contains(kind.name()) || keyring_usable {
            match profiles.webhook_secret(name, kind) {
                Ok(secret) => webhooks.push_str(&format!(
                    "\nWebhook:     {} {} ({}, service \"{}\")",
                    kind.name(),
                    secret.masked(),
                    kind.title(),
                    kind.service()
                )),
                Err(ProfileError::NoCredential { listed: false, .. }) => {}
                Err(err) => return Err(err.into()),
            }
        }
    }
    if webhooks.is_empty() {
        webhooks.push_str(&format!(
            "\nWebhook:     none (add one with `sinch-ticket profile webhook-secret add {name} KIND`)"
        ));
    }
    Ok(webhooks)
}

/// `profile show` of a profile whose application secret is a reference.
fn show_referred(
    profiles: &Profiles<OsKeyring>,
    name: &str,
    reference: &SecretRef,
    references: &std::collections::BTreeMap<SecretSlot, SecretRef>,
) -> Result<u8, Failure> {
    let (list, _) = profiles.list()?;
    let Some(summary) = list.into_iter().find(|p| p.name == name) else {
        return Err(ProfileError::NotFound(name.to_owned()).into());
    };
    stdio::human(&format!(
        "Profile:     {name}{}\n\
         Key:         {}\n\
         Secret:      from {} ({reference}), fetched each time it is used\n\
         Index:       {}{}{}",
        if summary.is_default { " (default)" } else { "" },
        summary.meta.key,
        reference.describe(),
        profiles.index_path().display(),
        webhook_lines(profiles, name, references)?,
        project_lines(profiles, name, references)?
    ))?;
    Ok(exit::OK)
}

fn show(
    profiles: &Profiles<OsKeyring>,
    profile: &Profile,
    references: &std::collections::BTreeMap<SecretSlot, SecretRef>,
) -> Result<u8, Failure> {
    let is_default = profiles.default_name()?.as_deref() == Some(profile.name.as_str());
    let webhooks = webhook_lines(profiles, &profile.name, references)?;
    let report = format!(
        "Profile:     {}{}\n\
         Key:         {}\n\
         Secret:      {}\n\
         Stored in:   {}, service \"{SERVICE}\", entry \"{}\"\n\
         Index:       {}{webhooks}{}",
        profile.name,
        if is_default { " (default)" } else { "" },
        profile.key,
        profile.secret.masked(),
        profiles.store().location(),
        profile.name,
        profiles.index_path().display(),
        project_lines(profiles, &profile.name, references)?
    );
    stdio::human(&report)?;
    Ok(exit::OK)
}

/// `profile show` of a profile that holds project credentials only.
fn show_project_only(
    profiles: &Profiles<OsKeyring>,
    name: &str,
    references: &std::collections::BTreeMap<SecretSlot, SecretRef>,
) -> Result<u8, Failure> {
    let is_default = profiles.default_name()?.as_deref() == Some(name);
    stdio::human(&format!(
        "Profile:     {name}{}\nKey:         none (no application: add one with `sinch-ticket profile add {name} --key KEY`)\nIndex:       {}{}",
        if is_default { " (default)" } else { "" },
        profiles.index_path().display(),
        project_lines(profiles, name, references)?
    ))?;
    Ok(exit::OK)
}

/// The lines of `profile show` for a profile's project credentials (its access key, its
/// service plan), secrets masked.
fn project_lines(
    profiles: &Profiles<OsKeyring>,
    name: &str,
    references: &std::collections::BTreeMap<SecretSlot, SecretRef>,
) -> Result<String, Failure> {
    let (list, _) = profiles.list()?;
    let Some(meta) = list.into_iter().find(|p| p.name == name).map(|p| p.meta) else {
        return Ok(String::new());
    };
    let mut lines = String::new();
    if let Some(reference) = references.get(&SecretSlot::Credential(CredentialKind::AccessKey)) {
        lines.push_str(&format!(
            "\nAccess key:  Key ID {}, project {}, Key Secret from {} ({reference})",
            meta.key_id.as_deref().unwrap_or("?"),
            meta.project_id.as_deref().unwrap_or("?"),
            reference.describe()
        ));
    } else if meta.credentials.contains(CredentialKind::AccessKey.name()) {
        let key = profiles.access_key(name)?;
        lines.push_str(&format!(
            "\nAccess key:  Key ID {}, project {}, Key Secret •••••••• ({} characters), service \"{}\"",
            key.key_id,
            key.project_id,
            key.key_secret.expose().chars().count(),
            CredentialKind::AccessKey.service()
        ));
    }
    if let Some(reference) = references.get(&SecretSlot::Credential(CredentialKind::ServicePlan)) {
        lines.push_str(&format!(
            "\nSMS plan:    service plan {}, API token from {} ({reference})",
            meta.service_plan_id.as_deref().unwrap_or("?"),
            reference.describe()
        ));
    } else if meta
        .credentials
        .contains(CredentialKind::ServicePlan.name())
    {
        let (plan, token) = profiles.service_plan(name)?;
        lines.push_str(&format!(
            "\nSMS plan:    service plan {plan}, API token •••••••• ({} characters), service \"{}\"",
            token.expose().chars().count(),
            CredentialKind::ServicePlan.service()
        ));
    }
    Ok(lines)
}
