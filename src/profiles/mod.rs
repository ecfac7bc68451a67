//! App profiles: a name, an application key and a secret, and the other credentials a
//! profile may hold by kind (webhook secrets, see `credential.rs`). Key and secret live
//! together in one keyring entry (so a profile is never half saved), each other credential
//! in an entry of its own; a small non-secret index remembers the names, the default, which
//! kinds each holds, and what was last typed for each.
//!
//! Used by the command line and the window alike. Every keyring call may block for up to the
//! store's timeout: the window calls these from a worker thread.

mod credential;
mod draft;
mod index;
mod keyring;
mod reference;
mod resolve;
mod watch;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization as _;
use zeroize::Zeroizing;

pub use self::credential::{
    CredentialKind, MAX_SECRET_BYTES, WebhookSecrets, check_webhook_secret,
};
pub use self::draft::{ProfileDraft, SecretInput, WebhookEdit};
pub use self::index::{INDEX_FILE, Index, IndexError, IndexFile, ProfileMeta};
pub use self::keyring::{
    DEFAULT_TIMEOUT, KeyringError, MemoryStore, OsKeyring, SERVICE, SecretStore,
};
pub use self::reference::{Backend, MAX_REFERENCE_BYTES, ReferenceError, SecretRef, SecretSlot};
pub use self::resolve::{
    Cached, Managers, Problem, Resolve, ResolveError, TIMEOUT_ENV, unavailable_here,
};
pub use self::watch::IndexWatch;
use crate::sinch::oauth::{AccessKey, AccessToken, KeySecret};
use crate::sinch::text::{code_point, first_invisible};
use crate::sinch::webhook::WebhookSecret;
use crate::sinch::{AppSecret, application_key_warning};

/// The longest profile name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// A profile ready to sign with.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Its name.
    pub name: String,
    /// The application key.
    pub key: String,
    /// The application secret.
    pub secret: AppSecret,
    /// Its webhook secrets: filled by [`Profiles::load_with_webhooks`], empty from
    /// [`Profiles::load`] (which reads only what signs with the application).
    pub webhooks: WebhookSecrets,
    /// Its project access key, filled by [`Profiles::load_for_window`].
    pub access_key: Option<AccessKey>,
    /// Its SMS service plan (ID and API token), filled by [`Profiles::load_for_window`].
    pub service_plan: Option<(String, KeySecret)>,
    /// The secrets above that were fetched from a secret manager, and where from (the
    /// others are the keyring's).
    pub sources: BTreeMap<SecretSlot, SecretRef>,
}

impl Profile {
    /// Its application: the key and secret that sign tickets, JWTs, requests and callbacks.
    pub fn application(&self) -> crate::sinch::Application {
        crate::sinch::Application {
            key: self.key.clone(),
            secret: self.secret.clone(),
        }
    }

    /// The account `mock` knows it as: every secret it holds (load it with
    /// [`Profiles::load_for_window`] for its access key and service plan).
    pub fn mock_account(&self) -> crate::sinch::mock::Account {
        crate::sinch::mock::Account {
            name: self.name.clone(),
            application: Some(self.application()),
            access_key: self.access_key.clone(),
            service_plan: self.service_plan.clone(),
            webhooks: self.webhooks.clone(),
        }
    }

    /// What its callbacks are signed with: its application and its webhook secrets.
    pub fn callback_secrets(&self) -> crate::sinch::callback::CallbackSecrets {
        crate::sinch::callback::CallbackSecrets {
            application: Some(self.application()),
            webhooks: self.webhooks.clone(),
        }
    }
}

/// One line of `profile list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileSummary {
    /// Its name.
    pub name: String,
    /// What the index remembers of it.
    pub meta: ProfileMeta,
    /// Whether it is the default.
    pub is_default: bool,
}

/// Why a profile operation failed, with a message that says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileError {
    /// The name, key or secret given is not acceptable.
    Invalid(String),
    /// No such profile.
    NotFound(String),
    /// A profile of that name exists and replacing it was not asked for.
    Exists(String),
    /// The keyring holds an entry of that name that the index does not list (the index was
    /// lost or damaged), and replacing it was not asked for.
    Unlisted(String),
    /// The keyring could not be used.
    Keyring(KeyringError),
    /// The index lists the profile, but the keyring has no entry for it.
    MissingSecret(String),
    /// The index file could not be read or written.
    Index(std::sync::Arc<IndexError>),
    /// The profile holds no credential of that kind. `listed`: the index says it does, but
    /// the keyring has no entry for it.
    NoCredential {
        /// The profile's name.
        profile: String,
        /// The kind asked for.
        kind: CredentialKind,
        /// Whether the index lists it.
        listed: bool,
    },
    /// The profile holds no application key and secret (only project credentials).
    NoApplication(String),
    /// The profile holds a credential of that kind and replacing it was not asked for.
    CredentialExists {
        /// The profile's name.
        profile: String,
        /// Its kind.
        kind: CredentialKind,
    },
    /// A secret the profile refers to could not be fetched from its manager.
    Reference {
        /// The profile's name.
        profile: String,
        /// Which of its secrets.
        slot: SecretSlot,
        /// Why, with the reference and what to do (boxed: a reference is several strings).
        error: Box<ResolveError>,
    },
    /// The index holds a reference this version cannot read.
    BadReference {
        /// The profile's name.
        profile: String,
        /// Which of its secrets.
        slot: SecretSlot,
        /// Why.
        error: Box<ReferenceError>,
    },
}

/// The words here are the same for both faces; each face adds how to act on them in its own
/// terms (the command line names its commands and flags, the window its buttons).
impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Invalid(message) => f.write_str(message),
            Self::Index(err) => err.fmt(f),
            Self::NotFound(name) => write!(f, "there is no profile \"{name}\""),
            Self::Exists(name) => write!(f, "a profile named \"{name}\" exists already"),
            Self::Unlisted(name) => write!(
                f,
                "the keyring already holds a profile \"{name}\" that the index does not list \
                 (the index was lost or damaged); saving would replace its secret"
            ),
            Self::MissingSecret(name) => write!(
                f,
                "profile \"{name}\" is listed, but the keyring has no entry for it: this may be \
                 another keyring than the one it was saved in; unlock or select that one, or \
                 save the profile again"
            ),
            Self::Keyring(err) => err.fmt(f),
            Self::NoCredential {
                profile,
                kind,
                listed: false,
            } => write!(f, "profile \"{profile}\" has no {}", kind.title()),
            Self::NoCredential {
                profile,
                kind,
                listed: true,
            } => write!(
                f,
                "profile \"{profile}\" is listed with a {}, but the keyring has no entry for \
                 it: this may be another keyring than the one it was saved in; unlock or \
                 select that one, or save it again",
                kind.title()
            ),
            Self::NoApplication(name) => write!(
                f,
                "profile \"{name}\" holds no application key and secret, only project credentials"
            ),
            Self::CredentialExists { profile, kind } => {
                write!(f, "profile \"{profile}\" has a {} already", kind.title())
            }
            Self::Reference {
                profile,
                slot,
                error,
            } => write!(
                f,
                "the {} of profile \"{profile}\" could not be fetched from {error}",
                slot.title()
            ),
            Self::BadReference {
                profile,
                slot,
                error,
            } => write!(
                f,
                "the {} of profile \"{profile}\" refers to a secret manager in a way this \
                 version cannot read ({error}): set it again",
                slot.title()
            ),
        }
    }
}

impl std::error::Error for ProfileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Keyring(err) => Some(err),
            Self::Index(err) => Some(&**err),
            _ => None,
        }
    }
}

impl From<KeyringError> for ProfileError {
    fn from(err: KeyringError) -> Self {
        Self::Keyring(err)
    }
}

impl From<IndexError> for ProfileError {
    fn from(err: IndexError) -> Self {
        Self::Index(std::sync::Arc::new(err))
    }
}

/// The folder the index lives in: `$XDG_CONFIG_HOME/sinch-ticket` on Linux (or
/// `~/.config/sinch-ticket`), the platform's config folder elsewhere.
pub fn default_config_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("sinch-ticket"))
}

/// A profile name as it is stored: in Unicode NFC (so that "é" typed as one character or as
/// "e" plus an accent is one profile), non-empty, not too long, and with nothing that would
/// disguise it on screen (control characters, default-ignorable characters such as
/// zero-width spaces, soft hyphens or bidirectional overrides, white space at the ends).
pub fn canonical_name(name: &str) -> Result<String, ProfileError> {
    let name: String = name.nfc().collect();
    if name.trim().is_empty() {
        return Err(ProfileError::Invalid(
            "the profile name is empty: name it after the app, e.g. sandbox or production".into(),
        ));
    }
    if name.trim() != name {
        return Err(ProfileError::Invalid(
            "the profile name starts or ends with white space: remove it".into(),
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(ProfileError::Invalid(format!(
            "the profile name is longer than {MAX_NAME_CHARS} characters: choose a shorter one"
        )));
    }
    if let Some(hidden) = first_invisible(&name) {
        return Err(ProfileError::Invalid(format!(
            "the profile name holds an invisible or control character ({}): type it again \
             with letters, digits and punctuation",
            code_point(hidden)
        )));
    }
    Ok(name)
}

/// Checks a profile name (see [`canonical_name`]).
pub fn validate_name(name: &str) -> Result<(), ProfileError> {
    canonical_name(name).map(drop)
}

/// What one keyring entry holds.
#[derive(Deserialize)]
struct Stored {
    key: String,
    secret: String,
}

/// What one keyring entry is written from.
#[derive(Serialize)]
struct StoredRef<'a> {
    key: &'a str,
    secret: &'a str,
}

/// The keyring entry's JSON, built in one buffer that is allocated once (a reallocation would
/// leave a copy of the secret behind) and wiped when dropped.
fn encode_entry(key: &str, secret: &AppSecret) -> Zeroizing<String> {
    let secret = secret.to_base64();
    // Room for the worst case: every character of the key escaped as \u00XX.
    let room = 32 + key.len() * 6 + secret.len();
    let mut bytes = Zeroizing::new(Vec::with_capacity(room));
    let stored = StoredRef {
        key,
        secret: &secret,
    };
    // Writing plain strings into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *bytes, &stored);
    // serde_json writes UTF-8 only.
    Zeroizing::new(String::from_utf8(std::mem::take(&mut *bytes)).unwrap_or_default())
}

fn decode_entry(name: &str, text: &str) -> Result<Profile, ProfileError> {
    let unreadable = || ProfileError::Keyring(KeyringError::Unreadable(name.to_owned()));
    let stored: Stored = serde_json::from_str(text).map_err(|_| unreadable())?;
    let secret_text = Zeroizing::new(stored.secret);
    let secret = AppSecret::from_base64(&secret_text).map_err(|_| unreadable())?;
    Ok(Profile {
        name: name.to_owned(),
        key: stored.key,
        secret,
        webhooks: WebhookSecrets::default(),
        access_key: None,
        service_plan: None,
        sources: BTreeMap::new(),
    })
}

/// A profile's keyring entry as the token cache of its access key: tokens fetched with
/// `key_id` from `auth_url` are kept beside profile `name`. A failure to read counts as no
/// token; a failure to keep is handed to `on_failure` (the command line warns).
pub struct KeptTokens<S> {
    /// The profiles.
    pub profiles: Profiles<S>,
    /// The profile.
    pub name: String,
    /// The access key's Key ID.
    pub key_id: String,
    /// The token endpoint.
    pub auth_url: String,
    /// What to do when a token cannot be kept.
    pub on_failure: fn(&ProfileError),
}

impl<S: SecretStore> crate::sinch::oauth::TokenCache for KeptTokens<S> {
    fn cached(&self) -> Option<AccessToken> {
        self.profiles
            .cached_token(&self.name, &self.key_id, &self.auth_url)
            .ok()
            .flatten()
    }

    fn keep(&self, token: &AccessToken) {
        if let Err(err) = self
            .profiles
            .store_token(&self.name, &self.key_id, &self.auth_url, token)
        {
            (self.on_failure)(&err);
        }
    }

    fn forget(&self) {
        let _ = self.profiles.forget_token(&self.name);
    }
}

/// One reference of a profile as [`Profiles::check`] found it: its slot, the reference, and
/// whether its value could be fetched and is a secret of its kind.
pub type Checked = (SecretSlot, SecretRef, Result<(), ProfileError>);

/// The profiles of one user: a secret store, an index file, and the secret managers that
/// references in the index point at.
#[derive(Debug, Clone)]
pub struct Profiles<S> {
    store: S,
    index: IndexFile,
    managers: Arc<dyn Resolve>,
}

/// What a change reports besides success: warnings to show the user.
pub type Warnings = Vec<String>;

impl<S: SecretStore> Profiles<S> {
    /// Profiles with secrets in `store` and the index in `config_dir`.
    pub fn new(store: S, config_dir: PathBuf) -> Self {
        Self {
            store,
            index: IndexFile::new(config_dir),
            managers: Arc::new(Managers::from_env()),
        }
    }

    /// The same profiles, with their references fetched through `managers` (the window keeps
    /// values for a while, see [`Cached`]; tests stand in for the managers).
    pub fn with_managers(mut self, managers: Arc<dyn Resolve>) -> Self {
        self.managers = managers;
        self
    }

    /// The secret store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The index file's path, for messages.
    pub fn index_path(&self) -> PathBuf {
        self.index.path()
    }

    /// Every profile in the index, sorted by name, without touching the keyring.
    pub fn list(&self) -> Result<(Vec<ProfileSummary>, Warnings), ProfileError> {
        let loaded = self.index.load()?;
        let default = loaded.index.default.clone();
        let summaries = loaded
            .index
            .profiles
            .into_iter()
            .map(|(name, meta)| ProfileSummary {
                is_default: default.as_deref() == Some(name.as_str()),
                name,
                meta,
            })
            .collect();
        Ok((summaries, loaded.warning.into_iter().collect()))
    }

    /// The default profile's name, from the index alone.
    pub fn default_name(&self) -> Result<Option<String>, ProfileError> {
        Ok(self.index.load()?.index.default)
    }

    /// Saves a profile. The name check, the keyring write and the index write happen
    /// together under the index lock, so two processes adding one name cannot both succeed,
    /// and a keyring entry the index lost is never replaced unless `replace` says so. The
    /// first profile saved becomes the default.
    pub fn add(
        &self,
        name: &str,
        key: &str,
        secret: &AppSecret,
        replace: bool,
    ) -> Result<Warnings, ProfileError> {
        let (name, key, mut warnings) = application_input(name, key)?;
        warnings.extend(secret.length_warning());
        let entry = encode_entry(key, secret);
        // Without a usable store, touch no file at all (not even the lock).
        self.store.status()?;

        let ((), warning) = self.index.try_update(|index| {
            refuse_case_twin(index, &name)?;
            match index.profiles.get(&name) {
                // A profile with project credentials only takes its application freely.
                Some(meta) if !replace && !meta.key.is_empty() => {
                    return Err(ProfileError::Exists(name.clone()));
                }
                Some(_) => {}
                None if self.store.get(SERVICE, &name)?.is_some() => {
                    if !replace {
                        return Err(ProfileError::Unlisted(name.clone()));
                    }
                }
                // A new profile starts with no other credential, even where an older
                // version's `profile remove` left some behind (it knew only this entry).
                None => {
                    self.delete_credentials(&name, &CredentialKind::ALL)?;
                }
            }
            self.store.set(SERVICE, &name, &entry)?;
            let meta = index.profiles.entry(name.clone()).or_default();
            meta.key = key.to_owned();
            meta.references.remove(SecretSlot::Application.name());
            meta.secret_written();
            if index.default.is_none() {
                index.default = Some(name.clone());
            }
            Ok(())
        })?;
        warnings.extend(warning);
        Ok(warnings)
    }

    /// Reads a profile's key and secret: from the keyring, or from the secret manager its
    /// reference points at.
    pub fn load(&self, name: &str) -> Result<Profile, ProfileError> {
        let name = &canonical_name(name)?;
        let meta = self.meta(name)?;
        if let Some(reference) = self.reference(name, &meta, SecretSlot::Application)? {
            let text = self.fetch(name, SecretSlot::Application, &reference)?;
            let secret = AppSecret::from_base64(&text)
                .map_err(|err| self.invalid(name, SecretSlot::Application, &reference, &err))?;
            return Ok(Profile {
                name: name.to_owned(),
                key: meta.key,
                secret,
                webhooks: WebhookSecrets::default(),
                access_key: None,
                service_plan: None,
                sources: BTreeMap::from([(SecretSlot::Application, reference)]),
            });
        }
        let Some(text) = self.store.get(SERVICE, name)? else {
            let index = self.index.load()?.index;
            return Err(match index.profiles.get(name) {
                Some(meta) if meta.key.is_empty() => ProfileError::NoApplication(name.to_owned()),
                Some(_) => ProfileError::MissingSecret(name.to_owned()),
                None => ProfileError::NotFound(name.to_owned()),
            });
        };
        let profile = decode_entry(name, &text)?;
        // Keep the index's copy of the key true to the keyring, which is what signs.
        let listed = self
            .index
            .load()?
            .index
            .profiles
            .get(name)
            .map(|m| m.key.clone());
        if listed.as_deref() != Some(profile.key.as_str()) {
            self.index.update(|index| {
                index.profiles.entry(name.to_owned()).or_default().key = profile.key.clone();
            })?;
        }
        Ok(profile)
    }

    /// Reads a profile with its webhook secrets (one more keyring read per kind): for the
    /// window and `listen`, which use every scheme the profile can verify.
    pub fn load_with_webhooks(&self, name: &str) -> Result<Profile, ProfileError> {
        let mut profile = self.load(name)?;
        profile.webhooks = self.webhook_secrets(&profile.name)?;
        profile
            .sources
            .extend(self.references(&profile.name)?.into_iter().filter(
                |(slot, _)| matches!(slot, SecretSlot::Credential(kind) if kind.scheme().is_some()),
            ));
        Ok(profile)
    }

    /// Reads a profile with everything it holds (its webhook secrets, its access key, its
    /// service plan): for the window, which offers each.
    pub fn load_for_window(&self, name: &str) -> Result<Profile, ProfileError> {
        let mut profile = self.load_with_webhooks(name)?;
        let kinds = self.listed_kinds(&profile.name)?;
        let absent = |err: &ProfileError| matches!(err, ProfileError::NoCredential { .. });
        if kinds.contains(CredentialKind::AccessKey.name()) {
            match self.access_key(&profile.name) {
                Ok(key) => profile.access_key = Some(key),
                Err(err) if absent(&err) => {}
                Err(err) => return Err(err),
            }
        }
        if kinds.contains(CredentialKind::ServicePlan.name()) {
            match self.service_plan(&profile.name) {
                Ok(plan) => profile.service_plan = Some(plan),
                Err(err) if absent(&err) => {}
                Err(err) => return Err(err),
            }
        }
        profile.sources = self.references(&profile.name)?;
        Ok(profile)
    }

    /// The references of profile `name`, by slot, from the index alone (nothing is fetched).
    pub fn references(&self, name: &str) -> Result<BTreeMap<SecretSlot, SecretRef>, ProfileError> {
        let name = canonical_name(name)?;
        let meta = self.meta(&name)?;
        let mut references = BTreeMap::new();
        for slot in SecretSlot::ALL {
            if let Some(reference) = self.reference(&name, &meta, slot)? {
                references.insert(slot, reference);
            }
        }
        Ok(references)
    }

    /// The reference `meta` holds for `slot`, read.
    fn reference(
        &self,
        name: &str,
        meta: &ProfileMeta,
        slot: SecretSlot,
    ) -> Result<Option<SecretRef>, ProfileError> {
        let Some(value) = meta.references.get(slot.name()) else {
            return Ok(None);
        };
        let Some(text) = value.as_str() else {
            return Err(ProfileError::BadReference {
                profile: name.to_owned(),
                slot,
                error: Box::new(ReferenceError::Malformed {
                    reference: "(the index holds something else than text)".into(),
                    why: "it is not text".into(),
                }),
            });
        };
        SecretRef::parse(text)
            .map(Some)
            .map_err(|error| ProfileError::BadReference {
                profile: name.to_owned(),
                slot,
                error: Box::new(error),
            })
    }

    /// The value `reference` points at now, for `slot` of profile `name`.
    fn fetch(
        &self,
        name: &str,
        slot: SecretSlot,
        reference: &SecretRef,
    ) -> Result<Zeroizing<String>, ProfileError> {
        self.managers
            .resolve(reference)
            .map_err(|error| ProfileError::Reference {
                profile: name.to_owned(),
                slot,
                error: Box::new(error),
            })
    }

    /// A fetched value that is not a secret of its kind.
    fn invalid(
        &self,
        name: &str,
        slot: SecretSlot,
        reference: &SecretRef,
        why: &dyn std::fmt::Display,
    ) -> ProfileError {
        ProfileError::Reference {
            profile: name.to_owned(),
            slot,
            error: Box::new(ResolveError {
                reference: reference.clone(),
                problem: Problem::Invalid(format!("{} ({why})", slot.title())),
            }),
        }
    }

    /// Fetches the value of every reference profile `name` holds and checks it is a secret of
    /// its kind: each slot's reference, and what fetching it gave (nothing is kept).
    pub fn check(&self, name: &str) -> Result<Vec<Checked>, ProfileError> {
        let name = canonical_name(name)?;
        if !self.index.load()?.index.profiles.contains_key(&name) {
            return Err(ProfileError::NotFound(name));
        }
        let mut results = Vec::new();
        for (slot, reference) in self.references(&name)? {
            let checked = self
                .fetch(&name, slot, &reference)
                .and_then(|text| self.check_value(&name, slot, &reference, &text));
            results.push((slot, reference, checked));
        }
        Ok(results)
    }

    /// Whether `text`, fetched for `slot`, is a secret of its kind.
    fn check_value(
        &self,
        name: &str,
        slot: SecretSlot,
        reference: &SecretRef,
        text: &str,
    ) -> Result<(), ProfileError> {
        match slot {
            SecretSlot::Application => AppSecret::from_base64(text)
                .map(drop)
                .map_err(|err| self.invalid(name, slot, reference, &err)),
            SecretSlot::Credential(kind) => check_webhook_secret(kind, text)
                .map_err(|err| self.invalid(name, slot, reference, &err)),
        }
    }

    /// Copies profile `from`'s credentials to profile `to_name` of `to` (which may be these
    /// profiles: a rename), keeping any credential `to_name` holds already; with
    /// `application`, its application key and secret first (refused when `to_name` has one).
    /// A reference is copied as a reference: nothing is fetched from a manager.
    pub fn copy_into<T: SecretStore>(
        &self,
        from: &str,
        to: &Profiles<T>,
        to_name: &str,
        application: bool,
    ) -> Result<(), ProfileError> {
        let from = canonical_name(from)?;
        let meta = self.meta(&from)?;
        let references = self.references(&from)?;
        let kept = |result: Result<Warnings, ProfileError>| match result {
            Ok(_) | Err(ProfileError::CredentialExists { .. }) => Ok(()),
            Err(err) => Err(err),
        };
        if application && !meta.key.is_empty() {
            match references.get(&SecretSlot::Application) {
                Some(reference) => to.add_reference(to_name, &meta.key, reference, false)?,
                None => {
                    let profile = self.load(&from)?;
                    to.add(to_name, &profile.key, &profile.secret, false)?
                }
            };
        }
        let absent = |err: &ProfileError| matches!(err, ProfileError::NoCredential { .. });
        let access = SecretSlot::Credential(CredentialKind::AccessKey);
        if let Some(reference) = references.get(&access) {
            kept(to.set_access_key_reference(
                to_name,
                meta.project_id.as_deref().unwrap_or_default(),
                meta.key_id.as_deref().unwrap_or_default(),
                reference,
                false,
            ))?;
        } else {
            match self.access_key(&from) {
                Ok(key) => kept(to.set_access_key(to_name, &key, false))?,
                Err(err) if absent(&err) => {}
                Err(err) => return Err(err),
            }
        }
        let plan = SecretSlot::Credential(CredentialKind::ServicePlan);
        if let Some(reference) = references.get(&plan) {
            kept(to.set_service_plan_reference(
                to_name,
                meta.service_plan_id.as_deref().unwrap_or_default(),
                reference,
                false,
            ))?;
        } else {
            match self.service_plan(&from) {
                Ok((plan, token)) => kept(to.set_service_plan(to_name, &plan, &token, false))?,
                Err(err) if absent(&err) => {}
                Err(err) => return Err(err),
            }
        }
        for kind in CredentialKind::WEBHOOKS {
            if let Some(reference) = references.get(&SecretSlot::Credential(kind)) {
                kept(to.set_webhook_reference(to_name, kind, reference, false))?;
            } else if let Some(secret) = self.read_credential(&from, kind)? {
                kept(to.set_webhook_secret(to_name, kind, &secret.expose_text(), false))?;
            }
        }
        Ok(())
    }

    /// Saves a profile whose application secret is fetched from `reference` when used: the
    /// key and the reference go in the index, nothing in the keyring (a secret kept there
    /// before is deleted, so no stale copy stays). The keyring is not needed when it held
    /// nothing of this profile.
    pub fn add_reference(
        &self,
        name: &str,
        key: &str,
        reference: &SecretRef,
        replace: bool,
    ) -> Result<Warnings, ProfileError> {
        let (name, key, mut warnings) = application_input(name, key)?;
        let store = self.store.status();
        let ((), warning) = self.index.try_update(|index| {
            refuse_case_twin(index, &name)?;
            match index.profiles.get(&name) {
                Some(meta) if !replace && !meta.key.is_empty() => {
                    return Err(ProfileError::Exists(name.clone()));
                }
                Some(meta) => {
                    let literal = !meta.key.is_empty()
                        && !meta.references.contains_key(SecretSlot::Application.name());
                    match &store {
                        Ok(()) => {
                            self.store.delete(SERVICE, &name)?;
                        }
                        // The secret kept in the keyring would stay behind, unseen.
                        Err(err) if literal => return Err(err.clone().into()),
                        Err(_) => {}
                    }
                }
                None if store.is_ok() => {
                    if self.store.get(SERVICE, &name)?.is_some() {
                        if !replace {
                            return Err(ProfileError::Unlisted(name.clone()));
                        }
                        self.store.delete(SERVICE, &name)?;
                    }
                    self.delete_credentials(&name, &CredentialKind::ALL)?;
                }
                None => {}
            }
            let meta = index.profiles.entry(name.clone()).or_default();
            meta.key = key.to_owned();
            meta.references.insert(
                SecretSlot::Application.name().to_owned(),
                reference.to_string().into(),
            );
            if index.default.is_none() {
                index.default = Some(name.clone());
            }
            Ok(())
        })?;
        warnings.extend(warning);
        Ok(warnings)
    }

    /// Makes a webhook secret of `kind` in profile `name` (which exists) a reference, as
    /// [`Self::add_reference`] does for the application secret.
    pub fn set_webhook_reference(
        &self,
        name: &str,
        kind: CredentialKind,
        reference: &SecretRef,
        replace: bool,
    ) -> Result<Warnings, ProfileError> {
        self.set_credential_reference(name, kind, reference, replace, true, |_| {})
    }

    /// Saves a project access key whose Key Secret is fetched from `reference`, in profile
    /// `name` (made when there is none).
    pub fn set_access_key_reference(
        &self,
        name: &str,
        project_id: &str,
        key_id: &str,
        reference: &SecretRef,
        replace: bool,
    ) -> Result<Warnings, ProfileError> {
        let (project, key_id) = (project_id.trim().to_owned(), key_id.trim().to_owned());
        if project.is_empty() || key_id.is_empty() {
            return Err(ProfileError::Invalid(
                "an access key needs its Project ID and Key ID: copy both from the dashboard's Access keys".into(),
            ));
        }
        self.set_credential_reference(
            name,
            CredentialKind::AccessKey,
            reference,
            replace,
            false,
            |meta| {
                meta.project_id = Some(project);
                meta.key_id = Some(key_id);
            },
        )
    }

    /// Saves an SMS service plan whose API token is fetched from `reference`, in profile
    /// `name` (made when there is none).
    pub fn set_service_plan_reference(
        &self,
        name: &str,
        plan_id: &str,
        reference: &SecretRef,
        replace: bool,
    ) -> Result<Warnings, ProfileError> {
        let plan_id = plan_id.trim().to_owned();
        if plan_id.is_empty() {
            return Err(ProfileError::Invalid(
                "a service plan needs its Service Plan ID: copy it from the dashboard's SMS APIs page".into(),
            ));
        }
        self.set_credential_reference(
            name,
            CredentialKind::ServicePlan,
            reference,
            replace,
            false,
            |meta| {
                meta.service_plan_id = Some(plan_id);
            },
        )
    }

    fn set_credential_reference(
        &self,
        name: &str,
        kind: CredentialKind,
        reference: &SecretRef,
        replace: bool,
        must_exist: bool,
        note: impl FnOnce(&mut ProfileMeta),
    ) -> Result<Warnings, ProfileError> {
        let name = canonical_name(name)?;
        let store = self.store.status();
        let ((), warning) = self.index.try_update(|index| {
            refuse_case_twin(index, &name)?;
            let listed = index.profiles.get(&name);
            if must_exist && listed.is_none() {
                return Err(ProfileError::NotFound(name.clone()));
            }
            let held = listed.is_some_and(|meta| meta.credentials.contains(kind.name()));
            if held && !replace {
                return Err(ProfileError::CredentialExists {
                    profile: name.clone(),
                    kind,
                });
            }
            let literal =
                held && listed.is_some_and(|meta| !meta.references.contains_key(kind.name()));
            match &store {
                Ok(()) => {
                    if listed.is_none() {
                        if self.store.get(SERVICE, &name)?.is_some() {
                            return Err(ProfileError::Unlisted(name.clone()));
                        }
                        self.delete_credentials(&name, &CredentialKind::ALL)?;
                    }
                    self.store.delete(&kind.service(), &name)?;
                    if kind == CredentialKind::AccessKey {
                        self.delete_credentials(&name, &[CredentialKind::OAuthToken])?;
                    }
                }
                Err(err) if literal => return Err(err.clone().into()),
                Err(_) => {}
            }
            if index.default.is_none() {
                index.default = Some(name.clone());
            }
            let meta = index.profiles.entry(name.clone()).or_default();
            meta.credentials.insert(kind.name().to_owned());
            meta.references
                .insert(kind.name().to_owned(), reference.to_string().into());
            note(meta);
            Ok(())
        })?;
        Ok(warning.into_iter().collect())
    }

    /// Brings a profile back into the index from its keyring entry (after the index was
    /// damaged or deleted).
    /// Its other credentials are found again in the keyring too.
    pub fn attach(&self, name: &str) -> Result<Profile, ProfileError> {
        let profile = self.load(name)?;
        self.index.update(|index| {
            if index.default.is_none() {
                index.default = Some(profile.name.clone());
            }
        })?;
        self.webhook_secrets(&profile.name)?;
        Ok(profile)
    }

    /// Removes a profile, under the index lock: the keyring entries first (its other
    /// credentials, then the application's, so a failure leaves the profile usable), then
    /// the index.
    pub fn remove(&self, name: &str) -> Result<(), ProfileError> {
        let name = canonical_name(name)?;
        self.index
            .try_update(|index| {
                // A profile whose every secret is a reference needs no keyring to go.
                if let Some(meta) = index.profiles.get(&name)
                    && !keyring_holds(meta)
                    && self.store.status().is_err()
                {
                    index.profiles.remove(&name);
                    if index.default.as_deref() == Some(name.as_str()) {
                        index.default = None;
                    }
                    return Ok(());
                }
                let others = self.delete_credentials(&name, &CredentialKind::ALL)?;
                let listed = index.profiles.remove(&name).is_some();
                let deleted = self.store.delete(SERVICE, &name)? || others;
                if !listed && !deleted {
                    return Err(ProfileError::NotFound(name.clone()));
                }
                if index.default.as_deref() == Some(name.as_str()) {
                    index.default = None;
                }
                Ok(())
            })
            .map(drop)
    }

    /// Makes `name` the default profile.
    pub fn set_default(&self, name: &str) -> Result<(), ProfileError> {
        let name = canonical_name(name)?;
        let (found, _) = self.index.update(|index| {
            let found = index.profiles.contains_key(&name);
            if found {
                index.default = Some(name.clone());
            }
            found
        })?;
        if found {
            Ok(())
        } else {
            Err(ProfileError::NotFound(name.to_owned()))
        }
    }

    /// Deletes the keyring entries of `kinds` for profile `name`; whether there were any.
    fn delete_credentials(
        &self,
        name: &str,
        kinds: &[CredentialKind],
    ) -> Result<bool, ProfileError> {
        let mut any = false;
        for kind in kinds {
            any |= self.store.delete(&kind.service(), name)?;
        }
        Ok(any)
    }

    /// Saves a webhook secret of `kind` in a profile that exists, under the index lock;
    /// one already there is replaced only when `replace` says so.
    pub fn set_webhook_secret(
        &self,
        name: &str,
        kind: CredentialKind,
        secret: &str,
        replace: bool,
    ) -> Result<Warnings, ProfileError> {
        let name = canonical_name(name)?;
        check_webhook_secret(kind, secret).map_err(|err| ProfileError::Invalid(err.to_string()))?;
        let entry = credential::encode(secret.trim());
        self.store.status()?;
        let service = kind.service();
        let ((), warning) = self.index.try_update(|index| {
            let Some(meta) = index.profiles.get_mut(&name) else {
                return Err(ProfileError::NotFound(name.clone()));
            };
            let held = meta.credentials.contains(kind.name())
                || self.store.get(&service, &name)?.is_some();
            if held && !replace {
                return Err(ProfileError::CredentialExists {
                    profile: name.clone(),
                    kind,
                });
            }
            self.store.set(&service, &name, &entry)?;
            meta.credentials.insert(kind.name().to_owned());
            meta.references.remove(kind.name());
            meta.secret_written();
            Ok(())
        })?;
        Ok(warning.into_iter().collect())
    }

    /// Removes a profile's webhook secret of `kind`, keyring entry first.
    pub fn remove_webhook_secret(
        &self,
        name: &str,
        kind: CredentialKind,
    ) -> Result<(), ProfileError> {
        let name = canonical_name(name)?;
        self.index
            .try_update(|index| {
                let referred = index
                    .profiles
                    .get(&name)
                    .is_some_and(|meta| meta.references.contains_key(kind.name()));
                // A reference alone needs no keyring to be removed.
                let deleted = if referred && self.store.status().is_err() {
                    false
                } else {
                    self.delete_credentials(&name, &[kind])?
                };
                let Some(meta) = index.profiles.get_mut(&name) else {
                    return Err(ProfileError::NotFound(name.clone()));
                };
                meta.references.remove(kind.name());
                let listed = meta.credentials.remove(kind.name());
                if !listed && !deleted {
                    return Err(ProfileError::NoCredential {
                        profile: name.clone(),
                        kind,
                        listed: false,
                    });
                }
                Ok(())
            })
            .map(drop)
    }

    /// A profile's webhook secret of `kind`, from the keyring. The index is put right when
    /// it did not list it (an older version rewrote the index, say).
    pub fn webhook_secret(
        &self,
        name: &str,
        kind: CredentialKind,
    ) -> Result<WebhookSecret, ProfileError> {
        let name = canonical_name(name)?;
        let listed = self.listed_kinds(&name)?;
        match self.read_credential(&name, kind)? {
            Some(secret) => {
                if !listed.contains(kind.name()) {
                    self.note_kinds(&name, &[kind])?;
                }
                Ok(secret)
            }
            None => Err(ProfileError::NoCredential {
                listed: listed.contains(kind.name()),
                profile: name,
                kind,
            }),
        }
    }

    /// Every webhook secret a profile holds, from the keyring (one read per kind); the index
    /// is put right as by [`Self::webhook_secret`].
    pub fn webhook_secrets(&self, name: &str) -> Result<WebhookSecrets, ProfileError> {
        let name = canonical_name(name)?;
        let mut secrets = WebhookSecrets::default();
        let listed = self.listed_kinds(&name)?;
        for kind in CredentialKind::WEBHOOKS {
            // A kind the index does not list is looked for in the keyring too (an older
            // version saved secrets without listing them); with no keyring at all, there is
            // none there, and a profile whose secrets all come from references still loads.
            let secret = match self.read_credential(&name, kind) {
                Err(ProfileError::Keyring(KeyringError::Unavailable(_)))
                    if !listed.contains(kind.name()) =>
                {
                    None
                }
                read => read?,
            };
            if let (Some(scheme), Some(secret)) = (kind.scheme(), secret) {
                secrets.insert(scheme, secret);
            }
        }
        let unlisted: Vec<_> = secrets
            .schemes()
            .into_iter()
            .map(CredentialKind::for_scheme)
            .filter(|kind| !listed.contains(kind.name()))
            .collect();
        if !unlisted.is_empty() {
            self.note_kinds(&name, &unlisted)?;
        }
        Ok(secrets)
    }

    fn read_credential(
        &self,
        name: &str,
        kind: CredentialKind,
    ) -> Result<Option<WebhookSecret>, ProfileError> {
        let slot = SecretSlot::Credential(kind);
        if let Some(reference) = self.reference(name, &self.meta(name)?, slot)? {
            let text = self.fetch(name, slot, &reference)?;
            self.check_value(name, slot, &reference, &text)?;
            return Ok(Some(WebhookSecret::new(text.trim())));
        }
        let Some(text) = self.store.get(&kind.service(), name)? else {
            return Ok(None);
        };
        credential::decode(&text)
            .map(Some)
            .ok_or_else(|| ProfileError::Keyring(KeyringError::Unreadable(name.to_owned())))
    }

    fn listed_kinds(&self, name: &str) -> Result<std::collections::BTreeSet<String>, ProfileError> {
        Ok(self
            .index
            .load()?
            .index
            .profiles
            .get(name)
            .map(|meta| meta.credentials.clone())
            .unwrap_or_default())
    }

    /// Adds `kinds` to what the index lists for `name`, when it lists the profile.
    fn note_kinds(&self, name: &str, kinds: &[CredentialKind]) -> Result<(), ProfileError> {
        self.index.update(|index| {
            if let Some(meta) = index.profiles.get_mut(name) {
                meta.credentials
                    .extend(kinds.iter().map(|kind| kind.name().to_owned()));
            }
        })?;
        Ok(())
    }

    /// Saves a project access key in profile `name` (made, without an application, when
    /// there is none), under the index lock; one already there is replaced only when
    /// `replace` says so. A token cached for the key it replaces is forgotten.
    pub fn set_access_key(
        &self,
        name: &str,
        key: &AccessKey,
        replace: bool,
    ) -> Result<Warnings, ProfileError> {
        let (project, key_id) = (key.project_id.trim(), key.key_id.trim());
        if project.is_empty() || key_id.is_empty() {
            return Err(ProfileError::Invalid(
                "an access key needs its Project ID and Key ID: copy both from the dashboard's Access keys".into(),
            ));
        }
        let entry = credential::encode_stored(&credential::Stored {
            secret: key.key_secret.expose().to_owned(),
            id: Some(key_id.to_owned()),
            project: Some(project.to_owned()),
            url: None,
            expires_at: None,
        });
        self.set_project_credential(
            name,
            CredentialKind::AccessKey,
            key.key_secret.expose(),
            &entry,
            replace,
            |meta| {
                meta.project_id = Some(project.to_owned());
                meta.key_id = Some(key_id.to_owned());
            },
        )
    }

    /// Saves an SMS service plan (its ID and API token) in profile `name`, as
    /// [`Self::set_access_key`] saves an access key.
    pub fn set_service_plan(
        &self,
        name: &str,
        plan_id: &str,
        token: &KeySecret,
        replace: bool,
    ) -> Result<Warnings, ProfileError> {
        let plan_id = plan_id.trim();
        if plan_id.is_empty() {
            return Err(ProfileError::Invalid(
                "a service plan needs its Service Plan ID: copy it from the dashboard's SMS APIs page".into(),
            ));
        }
        let entry = credential::encode_stored(&credential::Stored {
            secret: token.expose().to_owned(),
            id: Some(plan_id.to_owned()),
            project: None,
            url: None,
            expires_at: None,
        });
        self.set_project_credential(
            name,
            CredentialKind::ServicePlan,
            token.expose(),
            &entry,
            replace,
            |meta| {
                meta.service_plan_id = Some(plan_id.to_owned());
            },
        )
    }

    fn set_project_credential(
        &self,
        name: &str,
        kind: CredentialKind,
        secret: &str,
        entry: &str,
        replace: bool,
        note: impl FnOnce(&mut ProfileMeta),
    ) -> Result<Warnings, ProfileError> {
        let name = canonical_name(name)?;
        check_webhook_secret(kind, secret).map_err(|err| ProfileError::Invalid(err.to_string()))?;
        self.store.status()?;
        let service = kind.service();
        let ((), warning) = self.index.try_update(|index| {
            refuse_case_twin(index, &name)?;
            if !index.profiles.contains_key(&name) {
                if self.store.get(SERVICE, &name)?.is_some() {
                    return Err(ProfileError::Unlisted(name.clone()));
                }
                self.delete_credentials(&name, &CredentialKind::ALL)?;
            }
            let held = index
                .profiles
                .get(&name)
                .is_some_and(|meta| meta.credentials.contains(kind.name()))
                || self.store.get(&service, &name)?.is_some();
            if held && !replace {
                return Err(ProfileError::CredentialExists {
                    profile: name.clone(),
                    kind,
                });
            }
            self.store.set(&service, &name, entry)?;
            if let Some(meta) = index.profiles.get_mut(&name) {
                meta.references.remove(kind.name());
                meta.secret_written();
            }
            if kind == CredentialKind::AccessKey {
                self.delete_credentials(&name, &[CredentialKind::OAuthToken])?;
            }
            if index.default.is_none() {
                index.default = Some(name.clone());
            }
            let meta = index.profiles.entry(name.clone()).or_default();
            meta.credentials.insert(kind.name().to_owned());
            note(meta);
            Ok(())
        })?;
        Ok(warning.into_iter().collect())
    }

    /// What the index remembers of `name` (nothing, when it does not list it).
    fn meta(&self, name: &str) -> Result<ProfileMeta, ProfileError> {
        Ok(self
            .index
            .load()?
            .index
            .profiles
            .get(name)
            .cloned()
            .unwrap_or_default())
    }

    /// A profile's project access key, from the keyring.
    pub fn access_key(&self, name: &str) -> Result<AccessKey, ProfileError> {
        let name = canonical_name(name)?;
        let stored = self.read_project_credential(&name, CredentialKind::AccessKey)?;
        let meta = self.meta(&name)?;
        Ok(AccessKey {
            project_id: stored
                .project
                .clone()
                .or(meta.project_id)
                .unwrap_or_default(),
            key_id: stored.id.clone().or(meta.key_id).unwrap_or_default(),
            key_secret: KeySecret::new(&stored.secret),
        })
    }

    /// A profile's SMS service plan: its ID and API token, from the keyring.
    pub fn service_plan(&self, name: &str) -> Result<(String, KeySecret), ProfileError> {
        let name = canonical_name(name)?;
        let stored = self.read_project_credential(&name, CredentialKind::ServicePlan)?;
        let meta = self.meta(&name)?;
        Ok((
            stored
                .id
                .clone()
                .or(meta.service_plan_id)
                .unwrap_or_default(),
            KeySecret::new(&stored.secret),
        ))
    }

    fn read_project_credential(
        &self,
        name: &str,
        kind: CredentialKind,
    ) -> Result<credential::Stored, ProfileError> {
        let slot = SecretSlot::Credential(kind);
        let meta = self.meta(name)?;
        if let Some(reference) = self.reference(name, &meta, slot)? {
            let text = self.fetch(name, slot, &reference)?;
            self.check_value(name, slot, &reference, &text)?;
            return Ok(credential::Stored {
                secret: text.trim().to_owned(),
                id: None,
                project: None,
                url: None,
                expires_at: None,
            });
        }
        let Some(text) = self.store.get(&kind.service(), name)? else {
            let listed = self.listed_kinds(name)?.contains(kind.name());
            if !listed && !self.index.load()?.index.profiles.contains_key(name) {
                return Err(ProfileError::NotFound(name.to_owned()));
            }
            return Err(ProfileError::NoCredential {
                profile: name.to_owned(),
                kind,
                listed,
            });
        };
        credential::decode_stored(&text)
            .ok_or_else(|| ProfileError::Keyring(KeyringError::Unreadable(name.to_owned())))
    }

    /// The token cached for profile `name`, when it was fetched with `key_id` from
    /// `auth_url` and has not expired (freshness is the caller's to judge).
    pub fn cached_token(
        &self,
        name: &str,
        key_id: &str,
        auth_url: &str,
    ) -> Result<Option<AccessToken>, ProfileError> {
        let name = canonical_name(name)?;
        let Some(text) = self
            .store
            .get(&CredentialKind::OAuthToken.service(), &name)?
        else {
            return Ok(None);
        };
        let Some(stored) = credential::decode_stored(&text) else {
            return Ok(None);
        };
        if stored.id.as_deref() != Some(key_id) || stored.url.as_deref() != Some(auth_url) {
            return Ok(None);
        }
        let expires_at = stored
            .expires_at
            .as_deref()
            .and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok())
            .map(|at| at.with_timezone(&chrono::Utc));
        Ok(expires_at.map(|expires_at| AccessToken {
            token: Zeroizing::new(stored.secret.clone()),
            token_type: "bearer".into(),
            expires_at,
            scope: None,
        }))
    }

    /// Keeps `token`, fetched with `key_id` from `auth_url`, for profile `name` (replacing
    /// the one before). Not listed in the index: it is a cache, not a credential.
    pub fn store_token(
        &self,
        name: &str,
        key_id: &str,
        auth_url: &str,
        token: &AccessToken,
    ) -> Result<(), ProfileError> {
        let name = canonical_name(name)?;
        let entry = credential::encode_stored(&credential::Stored {
            secret: token.token.as_str().to_owned(),
            id: Some(key_id.to_owned()),
            project: None,
            url: Some(auth_url.to_owned()),
            expires_at: Some(
                token
                    .expires_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ),
        });
        Ok(self
            .store
            .set(&CredentialKind::OAuthToken.service(), &name, &entry)?)
    }

    /// Forgets the token cached for profile `name`.
    pub fn forget_token(&self, name: &str) -> Result<(), ProfileError> {
        let name = canonical_name(name)?;
        self.store
            .delete(&CredentialKind::OAuthToken.service(), &name)?;
        Ok(())
    }

    /// Remembers the username and expiry last used with a profile (for the window's form).
    pub fn remember(&self, name: &str, user: &str, expiry: &str) -> Result<(), ProfileError> {
        self.index.update(|index| {
            if let Some(meta) = index.profiles.get_mut(name) {
                meta.last_user = Some(user.to_owned());
                meta.last_expiry = Some(expiry.to_owned());
            }
        })?;
        Ok(())
    }
}

/// Refuses `name` when the index lists another name that differs from it only in case.
fn refuse_case_twin(index: &Index, name: &str) -> Result<(), ProfileError> {
    let folded = name.to_lowercase();
    match index
        .profiles
        .keys()
        .find(|existing| existing.to_lowercase() == folded && *existing != name)
    {
        Some(existing) => Err(ProfileError::Invalid(format!(
            "a profile named \"{existing}\" exists already, and names differing only in case \
             are too easy to confuse: choose another name"
        ))),
        None => Ok(()),
    }
}

/// Why `key` cannot be saved as a profile's application key, when it cannot (what is merely
/// odd about one is [`application_key_warning`]'s).
pub fn application_key_problem(key: &str) -> Option<&'static str> {
    key.trim()
        .is_empty()
        .then_some("the application key is empty: copy it from the Sinch dashboard")
}

/// A profile's name and application key as they are saved, checked, with what is odd about
/// the key.
fn application_input<'k>(
    name: &str,
    key: &'k str,
) -> Result<(String, &'k str, Warnings), ProfileError> {
    let name = canonical_name(name)?;
    let key = key.trim();
    if let Some(problem) = application_key_problem(key) {
        return Err(ProfileError::Invalid(problem.into()));
    }
    Ok((
        name,
        key,
        application_key_warning(key).into_iter().collect(),
    ))
}

/// Whether the keyring holds any of this profile's secrets, by what the index says: its
/// application secret or any credential that is not a reference.
fn keyring_holds(meta: &ProfileMeta) -> bool {
    (!meta.key.is_empty() && !meta.references.contains_key(SecretSlot::Application.name()))
        || meta
            .credentials
            .iter()
            .any(|kind| !meta.references.contains_key(kind))
}

#[cfg(test)]
mod tests;
