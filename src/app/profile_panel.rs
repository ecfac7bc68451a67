//! The profile bar and its editor: pick a profile, add, edit, delete, make default, and see
//! where profiles live. It owns what is known of the profiles (listed by the keyring worker)
//! and the selected profile's key and secret once loaded.
//!
//! A profile save goes: *Save profile* -> [`ProfilePanel::save_editor`] builds a
//! [`crate::profiles::ProfileDraft`] -> `Action::Worker(Request::Save)` -> the worker (`worker.rs`) saves it
//! in the keyring and the index -> `WorkerReply::Changed` -> [`ProfilePanel::on_reply`].

use eframe::egui::{self, Button, ComboBox, Grid, RichText, TextEdit, Ui};
use zeroize::Zeroizing;

use super::action::{Action, Notice, ProfileState, Topic};
use super::widgets::{capitalize, error_text, field_width, labelled, warning_text};
use super::worker::{Change, KEEP_FETCHED, Listing, Request, Selected, StoreKind, WorkerReply};
use crate::profiles::{
    CredentialKind, Profile, ProfileDraft, ProfileError, ProfileSummary, SecretInput, SecretRef,
    SecretSlot, WebhookEdit, canonical_name, check_webhook_secret,
};
use crate::sinch::oauth::{AccessKey, KeySecret};
use crate::sinch::{AppSecret, SecretError, application_key_warning};

/// What a secret field holds instead of a typed secret: a reference to a secret manager.
#[derive(Debug, Clone, Default)]
pub struct ManagerRef {
    /// The secret is fetched from a secret manager instead of typed.
    pub on: bool,
    /// The reference typed (`vault://secret/sinch/dev#app_secret`).
    pub text: String,
    /// The reference the profile held when the editor opened.
    pub saved: Option<SecretRef>,
}

/// What a reference field shows as its hint.
const REFERENCE_HINT: &str = "vault://secret/sinch#field, pass:…, op://…, env:NAME";

impl ManagerRef {
    fn saved(reference: Option<&SecretRef>) -> Self {
        Self {
            on: reference.is_some(),
            text: reference.map(ToString::to_string).unwrap_or_default(),
            saved: reference.cloned(),
        }
    }

    /// The reference typed, or why it is not one.
    fn parsed(&self, title: &str) -> Result<SecretRef, String> {
        if self.text.trim().is_empty() {
            return Err(format!(
                "type where the {title} is kept (e.g. vault://secret/sinch/dev#field, pass:sinch/dev, op://Dev/Sinch/field or env:NAME), or untick \"From a secret manager\""
            ));
        }
        SecretRef::parse(&self.text).map_err(|err| format!("the {title}: {err}"))
    }

    /// A reference to save (`None`: off, or unchanged), or why the one typed is not usable.
    fn changed(&self, title: &str) -> Result<Option<SecretRef>, String> {
        if !self.on {
            return Ok(None);
        }
        let reference = self.parsed(title)?;
        Ok((self.saved.as_ref() != Some(&reference)).then_some(reference))
    }

    /// Whether it was a reference and was switched off with nothing typed in its place.
    fn dropped(&self, typed: &str) -> bool {
        self.saved.is_some() && !self.on && typed.trim().is_empty()
    }
}

/// A field of the profile editor, that a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The profile's name.
    Name,
    /// The application key.
    Key,
    /// The application secret.
    Secret,
    /// The webhook secret at this place in the list.
    Webhook(usize),
    /// The project credentials.
    Project,
}

/// What is wrong with which field of the editor.
pub type Problems = Vec<(Field, String)>;

/// Says beside a field of a two-column grid what is wrong with it: a row of its own under
/// the field, the message in the field's column.
fn problem_row(ui: &mut Ui, problems: &[(Field, String)], field: Field) {
    for (_, problem) in problems.iter().filter(|(f, _)| *f == field) {
        ui.label("");
        error_text(ui, problem);
        ui.end_row();
    }
}

/// The profile editor, open while adding or editing a profile.
pub struct ProfileEditor {
    /// The name of the profile being edited, `None` when adding.
    pub original: Option<String>,
    /// The name typed.
    pub name: String,
    /// The application key typed.
    pub key: String,
    /// The secret typed; wiped when the editor closes.
    pub secret: Zeroizing<String>,
    /// Whether the secret is shown; starts hidden every time the editor opens.
    pub reveal: bool,
    /// Why the form cannot be saved (checked as the user types, once a save was tried), or
    /// why the keyring refused the last save.
    pub error: Option<String>,
    /// A save was tried: from then on the fields are checked as they change.
    tried: bool,
    /// What is wrong with which field, all at once, once a save was tried (updated as the
    /// fields change).
    pub problems: Vec<(Field, String)>,
    /// The keyring holds a profile of this name that the index lost: it can be brought
    /// back as it is instead of replaced.
    pub unlisted: Option<String>,
    /// A save is under way.
    pub saving: bool,
    /// The first field takes the keyboard focus on the editor's first frame.
    focus_first: bool,
    /// One field per webhook secret kind, in [`CredentialKind::WEBHOOKS`]' order.
    pub webhooks: Vec<WebhookField>,
    /// The project access key's Project ID, Key ID and a new Key Secret (empty: keep).
    pub project_id: String,
    /// Its Key ID.
    pub key_id: String,
    /// A Key Secret typed; wiped when the editor closes.
    pub key_secret: Zeroizing<String>,
    /// Whether the Key Secret is shown.
    pub reveal_key_secret: bool,
    /// The SMS service plan's ID.
    pub plan_id: String,
    /// A service plan API token typed; wiped when the editor closes.
    pub plan_token: Zeroizing<String>,
    /// Whether the API token is shown.
    pub reveal_plan_token: bool,
    /// What the profile held when the editor opened: (Project ID, Key ID), Service Plan ID.
    saved_access_key: Option<(String, String)>,
    saved_plan: Option<String>,
    /// The application secret from a secret manager instead.
    pub secret_ref: ManagerRef,
    /// The Key Secret from a secret manager instead.
    pub key_secret_ref: ManagerRef,
    /// The API token from a secret manager instead.
    pub plan_token_ref: ManagerRef,
}

/// The editor's field for one kind of webhook secret.
pub struct WebhookField {
    /// Its kind.
    pub kind: CredentialKind,
    /// A new secret typed (empty: keep what is saved); wiped when the editor closes.
    pub text: Zeroizing<String>,
    /// Whether it is shown; hidden each time the editor opens.
    pub reveal: bool,
    /// The profile has one saved.
    pub saved: bool,
    /// Remove the saved one.
    pub remove: bool,
    /// It from a secret manager instead.
    pub manager: ManagerRef,
}

impl WebhookField {
    /// What saving does to this kind, or why the typed secret cannot be saved.
    fn edit(&self) -> Result<Option<WebhookEdit>, String> {
        if self.remove {
            return Ok(Some(WebhookEdit::Remove));
        }
        if self.manager.on {
            return Ok(self
                .manager
                .changed(self.kind.title())?
                .map(WebhookEdit::Refer));
        }
        if self.manager.dropped(&self.text) {
            return Err(format!(
                "type the {} to keep it in the keyring, or tick \"From a secret manager\" again",
                self.kind.title()
            ));
        }
        if self.text.trim().is_empty() {
            return Ok(None);
        }
        check_webhook_secret(self.kind, &self.text).map_err(|err| err.to_string())?;
        Ok(Some(WebhookEdit::Set(Zeroizing::new(
            self.text.trim().to_owned(),
        ))))
    }
}

impl ProfileEditor {
    fn new(original: Option<&Profile>) -> Self {
        Self {
            original: original.map(|p| p.name.clone()),
            name: original.map(|p| p.name.clone()).unwrap_or_default(),
            key: original.map(|p| p.key.clone()).unwrap_or_default(),
            // Editing keeps the stored secret unless a new one is typed.
            secret: Zeroizing::new(String::new()),
            reveal: false,
            error: None,
            tried: false,
            problems: Vec::new(),
            unlisted: None,
            saving: false,
            focus_first: true,
            webhooks: CredentialKind::WEBHOOKS
                .into_iter()
                .map(|kind| WebhookField {
                    kind,
                    text: Zeroizing::new(String::new()),
                    reveal: false,
                    saved: original.is_some_and(|p| {
                        kind.scheme()
                            .is_some_and(|scheme| p.webhooks.get(scheme).is_some())
                    }),
                    remove: false,
                    manager: ManagerRef::saved(
                        original.and_then(|p| p.sources.get(&SecretSlot::Credential(kind))),
                    ),
                })
                .collect(),
            project_id: original
                .and_then(|p| p.access_key.as_ref())
                .map(|k| k.project_id.clone())
                .unwrap_or_default(),
            key_id: original
                .and_then(|p| p.access_key.as_ref())
                .map(|k| k.key_id.clone())
                .unwrap_or_default(),
            key_secret: Zeroizing::new(String::new()),
            reveal_key_secret: false,
            plan_id: original
                .and_then(|p| p.service_plan.as_ref())
                .map(|(plan, _)| plan.clone())
                .unwrap_or_default(),
            plan_token: Zeroizing::new(String::new()),
            reveal_plan_token: false,
            saved_access_key: original
                .and_then(|p| p.access_key.as_ref())
                .map(|k| (k.project_id.clone(), k.key_id.clone())),
            saved_plan: original
                .and_then(|p| p.service_plan.as_ref())
                .map(|(plan, _)| plan.clone()),
            secret_ref: ManagerRef::saved(
                original.and_then(|p| p.sources.get(&SecretSlot::Application)),
            ),
            key_secret_ref: ManagerRef::saved(original.and_then(|p| {
                p.sources
                    .get(&SecretSlot::Credential(CredentialKind::AccessKey))
            })),
            plan_token_ref: ManagerRef::saved(original.and_then(|p| {
                p.sources
                    .get(&SecretSlot::Credential(CredentialKind::ServicePlan))
            })),
        }
    }

    /// The editor for a profile that could not be loaded because a secret manager did not
    /// answer (or its reference is not readable): opened from what the index lists, so that
    /// the reference can be put right. Nothing secret is in it.
    fn from_summary(summary: &ProfileSummary) -> Self {
        let meta = &summary.meta;
        let mut editor = Self::new(None);
        editor.original = Some(summary.name.clone());
        editor.name = summary.name.clone();
        editor.key = meta.key.clone();
        let text = |slot: SecretSlot| meta.references.get(slot.name()).map(|v| v.as_str());
        let manager = |slot: SecretSlot| {
            let saved = text(slot).flatten().and_then(|t| SecretRef::parse(t).ok());
            let mut manager = ManagerRef::saved(saved.as_ref());
            // A reference this version cannot read is shown as it is, to be typed again.
            if let (None, Some(held)) = (&manager.saved, text(slot)) {
                manager.on = true;
                manager.text = held.unwrap_or_default().to_owned();
            }
            manager
        };
        editor.secret_ref = manager(SecretSlot::Application);
        for field in &mut editor.webhooks {
            field.saved = meta.credentials.contains(field.kind.name());
            field.manager = manager(SecretSlot::Credential(field.kind));
        }
        if meta.credentials.contains(CredentialKind::AccessKey.name()) {
            editor.project_id = meta.project_id.clone().unwrap_or_default();
            editor.key_id = meta.key_id.clone().unwrap_or_default();
            editor.saved_access_key = Some((editor.project_id.clone(), editor.key_id.clone()));
            editor.key_secret_ref = manager(SecretSlot::Credential(CredentialKind::AccessKey));
        }
        if meta
            .credentials
            .contains(CredentialKind::ServicePlan.name())
        {
            editor.plan_id = meta.service_plan_id.clone().unwrap_or_default();
            editor.saved_plan = Some(editor.plan_id.clone());
            editor.plan_token_ref = manager(SecretSlot::Credential(CredentialKind::ServicePlan));
        }
        editor
    }

    /// The access key and service plan to save (`None`: keep what is saved), or why the
    /// fields cannot be saved.
    fn project_edits(&self) -> Result<ProjectEdits, String> {
        let (project, key_id) = (self.project_id.trim(), self.key_id.trim());
        let mut edits = ProjectEdits::default();
        let ids_changed =
            self.saved_access_key.as_ref() != Some(&(project.to_owned(), key_id.to_owned()));
        if self.key_secret_ref.on {
            if project.is_empty() || key_id.is_empty() {
                return Err(
                    "an access key needs its Project ID and Key ID beside where its Key Secret is kept".into(),
                );
            }
            let title = "access key's Key Secret";
            let reference = match self.key_secret_ref.changed(title)? {
                Some(reference) => Some(reference),
                None if ids_changed => Some(self.key_secret_ref.parsed(title)?),
                None => None,
            };
            edits.access_key_reference =
                reference.map(|r| (project.to_owned(), key_id.to_owned(), r));
        } else if self.key_secret_ref.dropped(&self.key_secret) {
            return Err("type the Key Secret to keep it in the keyring, or tick \"From a secret manager\" again".into());
        }
        let plan = self.plan_id.trim();
        if self.plan_token_ref.on {
            if plan.is_empty() {
                return Err(
                    "a service plan needs its Service Plan ID beside where its API token is kept"
                        .into(),
                );
            }
            let title = "service plan's API token";
            let reference = match self.plan_token_ref.changed(title)? {
                Some(reference) => Some(reference),
                None if self.saved_plan.as_deref() != Some(plan) => {
                    Some(self.plan_token_ref.parsed(title)?)
                }
                None => None,
            };
            edits.service_plan_reference = reference.map(|r| (plan.to_owned(), r));
        } else if self.plan_token_ref.dropped(&self.plan_token) {
            return Err("type the API token to keep it in the keyring, or tick \"From a secret manager\" again".into());
        }
        let access_key = if self.key_secret_ref.on {
            None
        } else if !self.key_secret.trim().is_empty() {
            if project.is_empty() || key_id.is_empty() {
                return Err(
                    "an access key needs its Project ID and Key ID beside the Key Secret".into(),
                );
            }
            Some(AccessKey {
                project_id: project.to_owned(),
                key_id: key_id.to_owned(),
                key_secret: KeySecret::new(&self.key_secret),
            })
        } else {
            let typed = (!project.is_empty() || !key_id.is_empty())
                .then(|| (project.to_owned(), key_id.to_owned()));
            if typed.is_some() && typed != self.saved_access_key {
                return Err("type the Key Secret of this access key (it is shown once, when the key is made)".into());
            }
            None
        };
        let service_plan = if self.plan_token_ref.on {
            None
        } else if !self.plan_token.trim().is_empty() {
            if plan.is_empty() {
                return Err("a service plan needs its Service Plan ID beside the API token".into());
            }
            Some((plan.to_owned(), KeySecret::new(&self.plan_token)))
        } else {
            if !plan.is_empty() && Some(plan) != self.saved_plan.as_deref() {
                return Err("type the API token of this service plan".into());
            }
            None
        };
        edits.access_key = access_key;
        edits.service_plan = service_plan;
        Ok(edits)
    }
}

/// What the editor saves of the project credentials (`None`: keep what is saved).
#[derive(Default)]
struct ProjectEdits {
    access_key: Option<AccessKey>,
    service_plan: Option<(String, KeySecret)>,
    access_key_reference: Option<(String, String, SecretRef)>,
    service_plan_reference: Option<(String, SecretRef)>,
}

/// The profile bar's state.
pub struct ProfilePanel {
    /// Where profiles live this session.
    pub store: StoreKind,
    /// The profiles, as last listed.
    pub list: Vec<ProfileSummary>,
    /// The selected profile's name (remembered between runs).
    pub selected: Option<String>,
    /// The selected profile's key and secret, once loaded from the keyring.
    pub loaded: Option<Profile>,
    /// Why the selected profile could not be loaded.
    pub load_error: Option<ProfileError>,
    /// The editor, when open.
    pub editor: Option<ProfileEditor>,
    /// Asking whether to delete this profile.
    pub confirm_delete: Option<String>,
    /// When the loaded profile's secrets were fetched from secret managers (`None`: it has
    /// none): they are forgotten [`KEEP_FETCHED`] later.
    pub fetched_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The selected profile's secrets from secret managers were forgotten: where they come
    /// from, and why they were forgotten, until *Fetch again*.
    pub forgotten: Option<Forgotten>,
}

/// A profile whose fetched secrets were wiped, still selected.
pub struct Forgotten {
    /// Its name.
    pub name: String,
    /// Where its secrets come from (nothing secret).
    pub sources: std::collections::BTreeMap<SecretSlot, SecretRef>,
    /// Their time was up (`true`), or *Forget* was pressed.
    pub expired: bool,
}

impl ProfilePanel {
    /// The panel before the worker's first answer, with the profile selected last time.
    pub fn new(selected: Option<String>) -> Self {
        Self {
            store: StoreKind::Checking,
            list: Vec::new(),
            selected,
            loaded: None,
            load_error: None,
            editor: None,
            confirm_delete: None,
            fetched_at: None,
            forgotten: None,
        }
    }

    /// When the secrets fetched for the loaded profile are to be forgotten.
    pub fn fetched_due(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let keep = chrono::Duration::from_std(KEEP_FETCHED).ok()?;
        self.fetched_at.map(|at| at + keep)
    }

    /// Forgets the secrets the loaded profile took from secret managers (`expired`: their
    /// time was up): the profile is dropped (and so wiped) and says so until it is fetched
    /// again. The name of the profile they were forgotten for, if any.
    pub fn forget_fetched(&mut self, expired: bool) -> Option<String> {
        self.fetched_at.take()?;
        let profile = self.loaded.take()?;
        self.forgotten = Some(Forgotten {
            name: profile.name.clone(),
            sources: profile.sources.clone(),
            expired,
        });
        Some(profile.name.clone())
    }

    /// Where the selected profile stands, for the tabs that sign and verify with it.
    pub fn state(&self) -> ProfileState<'_> {
        if let Some(forgotten) = &self.forgotten {
            return ProfileState::Forgotten(&forgotten.name);
        }
        match (&self.selected, &self.loaded, &self.load_error) {
            (_, Some(profile), _) => ProfileState::Ready(profile),
            (_, None, Some(err)) => ProfileState::Failed(err),
            (None, None, None) if self.list.is_empty() => ProfileState::NoProfiles,
            (None, None, None) => ProfileState::NoneSelected,
            (Some(_), None, None) => ProfileState::Loading,
        }
    }

    /// Selects a profile and asks for its secret; the previous profile's secret is dropped
    /// (and so wiped) at once, and the editor closes when another profile is chosen. (Still
    /// none selected, after a refused save with no profile listed: the editor stays, with
    /// the refusal in it.)
    pub fn select(&mut self, name: Option<String>) -> Vec<Action> {
        self.loaded = None;
        self.forgotten = None;
        self.load_error = None;
        if name.is_some() || self.selected.is_some() {
            self.editor = None;
        }
        self.confirm_delete = None;
        let mut actions = Vec::new();
        if let Some(name) = &name {
            actions.push(Action::Worker(Request::Load(name.clone())));
            if let Some(user) = self
                .list
                .iter()
                .find(|p| &p.name == name)
                .and_then(|p| p.meta.last_user.clone())
            {
                actions.push(Action::SuggestUsername(user));
            }
        }
        self.selected = name;
        actions
    }

    /// The index changed on disk (the command line, another window): list the profiles again,
    /// and read the selected one again, so that what is shown and used is what is saved now.
    /// An open editor is left as it is (the user's typing is not thrown away), and secrets
    /// forgotten (their five minutes were up, or *Forget*) stay forgotten: only *Fetch
    /// again* asks a secret manager for them.
    pub fn changed_elsewhere(&self) -> Vec<Action> {
        let mut actions = vec![Action::Worker(Request::Refresh)];
        if self.editor.is_none()
            && self.forgotten.is_none()
            && let Some(name) = &self.selected
        {
            actions.push(Action::Worker(Request::Load(name.clone())));
        }
        actions
    }

    /// Takes one of the keyring worker's answers.
    pub fn on_reply(&mut self, reply: WorkerReply) -> Vec<Action> {
        match reply {
            WorkerReply::Store(kind) => {
                self.store = kind;
                Vec::new()
            }
            WorkerReply::Listed(listing) => self.take_listing(listing),
            WorkerReply::Loaded { name, profile } => {
                // The user may have moved on to another profile meanwhile.
                if self.selected.as_deref() == Some(name.as_str()) {
                    self.take_profile(profile);
                }
                Vec::new()
            }
            WorkerReply::Changed {
                change,
                listing,
                select,
            } => self.take_change(change, listing, select),
            WorkerReply::KeyringBack {
                moved,
                not_moved,
                listing,
            } => {
                let mut text =
                    "the keyring answers again: profiles are saved in it from now on.".to_owned();
                if !moved.is_empty() {
                    text.push_str(&format!(" Moved there: {}.", moved.join(", ")));
                }
                let failed = !not_moved.is_empty();
                if failed {
                    let reasons: Vec<String> = not_moved
                        .iter()
                        .map(|(name, err)| format!("{name} ({err})"))
                        .collect();
                    text.push_str(&format!(" Not moved: {}.", reasons.join("; ")));
                }
                let mut actions = self.take_listing(listing);
                // The selected profile is read again from where it now lives.
                actions.extend(self.select(self.selected.clone()));
                actions.push(Action::Notify(if failed {
                    Notice::error(Topic::Keyring, text)
                } else {
                    Notice::info(Topic::Keyring, text)
                }));
                actions
            }
            // The status line shows this one; it never reaches here.
            WorkerReply::Slow(_) => Vec::new(),
        }
    }

    fn take_profile(&mut self, profile: Result<Profile, ProfileError>) {
        self.fetched_at = None;
        self.forgotten = None;
        match profile {
            Ok(profile) => {
                // The window's clock starts the time (see `SinchTicketApp::tick`).
                self.loaded = Some(profile);
                self.load_error = None;
            }
            Err(err) => {
                self.loaded = None;
                self.load_error = Some(err);
            }
        }
    }

    fn take_listing(&mut self, listing: Result<Listing, ProfileError>) -> Vec<Action> {
        let listing = match listing {
            Ok(listing) => listing,
            Err(err) => return vec![Action::Notify(Notice::error(Topic::Index, err))],
        };
        let mut actions: Vec<Action> = listing
            .warnings
            .into_iter()
            .map(|w| Action::Notify(Notice::error(Topic::Index, w)))
            .collect();
        self.list = listing.profiles;
        let selected_exists = self
            .selected
            .as_ref()
            .is_some_and(|name| self.list.iter().any(|p| &p.name == name));
        if !selected_exists {
            let fallback = listing
                .default
                .or_else(|| self.list.first().map(|p| p.name.clone()));
            actions.extend(self.select(fallback));
        } else if self.loaded.is_none() && self.load_error.is_none() && self.forgotten.is_none() {
            // (Secrets forgotten stay so: only *Fetch again* asks a secret manager again.)
            actions.extend(self.select(self.selected.clone()));
        }
        actions
    }

    fn take_change(
        &mut self,
        change: Result<Change, ProfileError>,
        listing: Result<Listing, ProfileError>,
        select: Option<Selected>,
    ) -> Vec<Action> {
        let mut actions = Vec::new();
        match change {
            Ok(Change::Saved { name, warnings }) => {
                self.editor = None;
                let mut text = format!("saved profile \"{name}\".");
                if !warnings.is_empty() {
                    text.push_str(&format!(" Note: {}", warnings.join("; ")));
                }
                actions.push(Action::Notify(Notice::info(Topic::Profiles, text)));
            }
            Ok(Change::Attached(name)) => {
                self.editor = None;
                actions.push(Action::Notify(Notice::info(
                    Topic::Profiles,
                    format!(
                        "brought back profile \"{name}\" from the keyring, its secret as it was."
                    ),
                )));
            }
            Ok(Change::Deleted(name)) => {
                actions.push(Action::Notify(Notice::info(
                    Topic::Profiles,
                    format!("deleted profile \"{name}\"."),
                )));
            }
            Ok(Change::MadeDefault(_) | Change::Remembered) => {}
            Err(err) => match &mut self.editor {
                Some(editor) if editor.saving => {
                    editor.saving = false;
                    // The keyring's refusal stands until the next save is tried.
                    editor.tried = false;
                    editor.error = Some(err.to_string());
                    // A profile the index lost: the window's way back is a button.
                    editor.unlisted = match &err {
                        ProfileError::Unlisted(name) => Some(name.clone()),
                        _ => None,
                    };
                }
                _ => actions.push(Action::Notify(Notice::error(Topic::Profiles, err))),
            },
        }
        if let Some(Selected { name, profile }) = select {
            self.selected = Some(name);
            self.take_profile(profile);
        }
        actions.extend(self.take_listing(listing));
        actions
    }

    /// Everything wrong with the editor's fields and, when nothing is, the name and secret
    /// it would save.
    fn checked(&self) -> (Problems, Option<(String, SecretInput)>) {
        let problems = self.problems();
        let ready = self
            .editor
            .as_ref()
            .filter(|_| problems.is_empty())
            .and_then(|editor| {
                Some((
                    canonical_name(&editor.name).ok()?,
                    self.secret_input(editor).ok()?,
                ))
            });
        (problems, ready)
    }

    /// Everything wrong with the editor's fields, each with its field, in the form's order.
    pub fn problems(&self) -> Problems {
        let Some(editor) = &self.editor else {
            return Vec::new();
        };
        let mut problems = Vec::new();
        if let Err(err) = canonical_name(&editor.name) {
            problems.push((Field::Name, err.to_string()));
        }
        if let Some(problem) = crate::profiles::application_key_problem(&editor.key) {
            problems.push((Field::Key, problem.to_owned()));
        }
        if let Err(err) = self.secret_input(editor) {
            problems.push((Field::Secret, err));
        }
        for (i, field) in editor.webhooks.iter().enumerate() {
            if let Err(err) = field.edit() {
                problems.push((Field::Webhook(i), err));
            }
        }
        if let Err(err) = editor.project_edits() {
            problems.push((Field::Project, err));
        }
        problems
    }

    /// The application secret the editor would save, or why it cannot.
    fn secret_input(&self, editor: &ProfileEditor) -> Result<SecretInput, String> {
        Ok(if editor.secret_ref.on {
            SecretInput::Reference(editor.secret_ref.parsed("application secret")?)
        } else if editor.secret_ref.dropped(&editor.secret) {
            // The value fetched from the manager is never copied into the keyring.
            return Err("type the application secret to keep it in the keyring, or tick \"From a secret manager\" again".into());
        } else if editor.secret.trim().is_empty() {
            // Editing without typing a new secret keeps the stored one.
            match (&editor.original, &self.loaded) {
                (Some(original), Some(loaded)) if &loaded.name == original => {
                    SecretInput::Value(loaded.secret.clone())
                }
                _ => return Err(SecretError::Empty.to_string()),
            }
        } else {
            SecretInput::Value(
                AppSecret::from_base64(&editor.secret).map_err(|err| err.to_string())?,
            )
        })
    }

    /// Saves what the editor holds: checks it here, then hands it to the worker.
    fn save_editor(&mut self) -> Vec<Action> {
        let (problems, ready) = self.checked();
        let Some(editor) = &mut self.editor else {
            return Vec::new();
        };
        editor.tried = true;
        // Every problem at once, beside its field.
        editor.problems = problems;
        let Some((name, secret)) = ready else {
            editor.error = None;
            return Vec::new();
        };
        editor.error = None;
        editor.saving = true;
        let webhooks = editor
            .webhooks
            .iter()
            .filter_map(|field| Some((field.kind, field.edit().ok()??)))
            .collect();
        let ProjectEdits {
            access_key,
            service_plan,
            access_key_reference,
            service_plan_reference,
        } = editor.project_edits().unwrap_or_default();
        vec![Action::Worker(Request::Save(Box::new(ProfileDraft {
            replace: editor.original.as_deref() == Some(name.as_str()),
            name,
            key: editor.key.trim().to_owned(),
            secret,
            rename_from: editor.original.clone(),
            webhooks,
            access_key,
            service_plan,
            access_key_reference,
            service_plan_reference,
        })))]
    }

    /// Closes the editor: the secret typed is wiped, and so (as far as egui allows) are the
    /// copies egui keeps of the secret field's text for undo.
    pub fn close_editor(&mut self, ctx: &egui::Context) {
        self.editor = None;
        forget_secret_field(ctx);
    }

    /// Draws the profile bar, the delete question and the store's state; the editor, when it
    /// is open, is drawn in the tab's place ([`Self::editor_ui`]).
    /// `busy`: keyring work is under way (so "No profiles yet" may not be true yet).
    pub fn ui(&mut self, ui: &mut Ui, busy: bool) -> Vec<Action> {
        if self.editor.is_none() {
            // However the editor closed (saved, another profile chosen), egui forgets what
            // was typed into its secret field.
            forget_secret_field(ui.ctx());
        }
        let mut actions = self.profile_row(ui);
        if let Some(name) = self.confirm_delete.clone() {
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!("Delete profile \"{name}\" and its secret from the keyring?"),
                );
                if ui.button("Delete profile").clicked() {
                    self.confirm_delete = None;
                    actions.push(Action::Worker(Request::Delete(name)));
                }
                if ui.button("Cancel").clicked() {
                    self.confirm_delete = None;
                }
            });
        }
        actions.extend(self.store_state(ui));
        actions.extend(self.fetched_ui(ui));
        if let Some(err) = &self.load_error {
            error_text(ui, &err.to_string());
            if matches!(err, ProfileError::Reference { .. })
                && ui
                    .button("Fetch again")
                    .on_hover_text("Ask the secret manager for this profile's secrets again")
                    .clicked()
            {
                actions.extend(self.select(self.selected.clone()));
            }
        } else if self.list.is_empty() && self.editor.is_none() && !busy {
            match &self.store {
                StoreKind::SessionOnly { unreachable, .. } if !unreachable.is_empty() => {}
                _ => {
                    ui.weak("No profiles yet: press Add… and paste an application key and secret from the Sinch dashboard.");
                }
            }
        }
        actions
    }

    fn profile_row(&mut self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        // Wrapped, so that no button is cut off in a narrow window.
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Profile");
            let mut choice = self.selected.clone();
            ComboBox::from_id_salt("profile")
                .selected_text(self.selected.as_deref().unwrap_or("(none)"))
                .width(200.0)
                .show_ui(ui, |ui| {
                    for profile in &self.list {
                        let text = if profile.is_default {
                            format!("{} (default)", profile.name)
                        } else {
                            profile.name.clone()
                        };
                        crate::app::widgets::list_item(
                            ui,
                            &mut choice,
                            Some(profile.name.clone()),
                            text,
                        );
                    }
                })
                .response
                .labelled_by(label.id)
                .on_hover_text("The Sinch application whose key and secret sign the credential");
            if choice != self.selected {
                actions.extend(self.select(choice));
            }
            if ui
                .button("Add…")
                .on_hover_text("Save another application's key and secret")
                .clicked()
            {
                self.editor = Some(ProfileEditor::new(None));
            }
            // A profile whose secret manager did not answer can still be edited, to put its
            // reference right (from what the index lists; nothing secret).
            let unreachable = self.forgotten.is_some()
                || matches!(
                    self.load_error,
                    Some(ProfileError::Reference { .. } | ProfileError::BadReference { .. })
                );
            if ui
                .add_enabled(self.loaded.is_some() || unreachable, Button::new("Edit…"))
                .on_hover_text("Change this profile's name, key or secret")
                .clicked()
            {
                self.editor = match &self.loaded {
                    Some(loaded) => Some(ProfileEditor::new(Some(loaded))),
                    None => self
                        .list
                        .iter()
                        .find(|p| Some(&p.name) == self.selected.as_ref())
                        .map(ProfileEditor::from_summary),
                };
            }
            if ui
                .add_enabled(self.selected.is_some(), Button::new("Delete"))
                .on_hover_text("Remove this profile from the keyring")
                .clicked()
            {
                self.confirm_delete = self.selected.clone();
            }
            let is_default = self
                .list
                .iter()
                .any(|p| p.is_default && Some(&p.name) == self.selected.as_ref());
            if ui
                .add_enabled(
                    self.selected.is_some() && !is_default,
                    Button::new("Make default"),
                )
                .on_hover_text("Use this profile when the command line is given no credentials")
                .clicked()
                && let Some(name) = self.selected.clone()
            {
                actions.push(Action::Worker(Request::SetDefault(name)));
            }
        });
        actions
    }

    /// Where the loaded profile's secrets come from when a secret manager holds them, for how
    /// long the window keeps them, and *Forget*.
    fn fetched_ui(&mut self, ui: &mut Ui) -> Vec<Action> {
        if let Some(forgotten) = &self.forgotten {
            let mut again = false;
            ui.horizontal_wrapped(|ui| {
                let sources: Vec<String> = forgotten
                    .sources
                    .iter()
                    .map(|(slot, reference)| {
                        format!("{} from {}", capitalize(slot.title()), reference.describe())
                    })
                    .collect();
                let why = if forgotten.expired {
                    "forgotten after 5 minutes"
                } else {
                    "forgotten, as asked"
                };
                ui.label(format!("{}: {why}.", sources.join("; ")));
                again = ui
                    .button("Fetch again")
                    .on_hover_text("Ask the secret manager for this profile's secrets now")
                    .clicked();
            });
            return if again {
                self.select(self.selected.clone())
            } else {
                Vec::new()
            };
        }
        let Some(profile) = &self.loaded else {
            return Vec::new();
        };
        if profile.sources.is_empty() {
            return Vec::new();
        }
        let mut forget = false;
        ui.horizontal_wrapped(|ui| {
            let sources: Vec<String> = profile
                .sources
                .iter()
                .map(|(slot, reference)| format!("{} from {}", capitalize(slot.title()), reference.describe()))
                .collect();
            ui.label(format!(
                "{}. Kept in memory for {} minutes at most, never saved.",
                sources.join("; "),
                KEEP_FETCHED.as_secs() / 60
            ))
            .on_hover_text(
                profile
                    .sources
                    .values()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
            forget = ui
                .button("Forget")
                .on_hover_text("Wipe the secrets fetched from secret managers now; they are fetched again when next needed")
                .clicked();
        });
        if forget {
            vec![Action::ForgetFetched]
        } else {
            Vec::new()
        }
    }

    /// Says when the keyring is locked or away, with what to do.
    fn store_state(&mut self, ui: &mut Ui) -> Vec<Action> {
        match &self.store {
            StoreKind::SessionOnly {
                reason,
                unreachable,
            } => {
                let mut text = format!(
                    "session only, not saved: {reason}. Profiles added now are forgotten when \
                     the window closes, unless the keyring answers again before."
                );
                if !unreachable.is_empty() {
                    text.push_str(&format!(
                        " Saved profiles out of reach until it answers: {}.",
                        unreachable.join(", ")
                    ));
                }
                warning_text(ui, &text);
                Vec::new()
            }
            StoreKind::Locked(_) => {
                let mut retry = false;
                ui.horizontal_wrapped(|ui| {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        "The OS keyring is locked: unlock it, then retry.",
                    );
                    retry = ui
                        .button("Retry")
                        .on_hover_text("Read the selected profile from the keyring again")
                        .clicked();
                });
                if retry {
                    self.select(self.selected.clone())
                } else {
                    Vec::new()
                }
            }
            StoreKind::Checking | StoreKind::Saved(_) => Vec::new(),
        }
    }

    /// Draws the profile editor, when it is open.
    pub fn editor_ui(&mut self, ui: &mut Ui) -> Vec<Action> {
        // Once a save was tried, what is wrong is said as the fields change, and so is its
        // being fixed (checked before drawing, so that the frame shows what is true now).
        if self.editor.as_ref().is_some_and(|e| e.tried && !e.saving) {
            let now_wrong = self.problems();
            if let Some(editor) = &mut self.editor {
                editor.problems = now_wrong;
            }
        }
        let mut save = false;
        let mut cancel = false;
        let mut attach = None;
        let Some(editor) = &mut self.editor else {
            return Vec::new();
        };
        // Enter and Escape act when they end the typing in one of the editor's own fields
        // (a singleline field gives up its focus on either), not anywhere in the window.
        let mut left_a_field = false;
        let problems = editor.problems.clone();
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.strong(if editor.original.is_some() { "Edit profile" } else { "Add profile" });
            Grid::new("editor").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
                labelled(ui, "Profile name", |ui, label| {
                    let name = ui
                        .add(TextEdit::singleline(&mut editor.name).hint_text("sandbox").desired_width(field_width(ui, 280.0)))
                        .labelled_by(label)
                        .on_hover_text("A name for this Sinch application, e.g. sandbox or production");
                    left_a_field |= name.lost_focus();
                    if std::mem::take(&mut editor.focus_first) {
                        name.request_focus();
                    }
                });
                ui.end_row();
                problem_row(ui, &problems, Field::Name);
                labelled(ui, "Application key", |ui, label| {
                    let key = ui.add(
                        TextEdit::singleline(&mut editor.key)
                            .hint_text("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, from the dashboard")
                            .desired_width(field_width(ui, 280.0)),
                    )
                    .labelled_by(label)
                    .on_hover_text("The application key from the Sinch dashboard");
                    left_a_field |= key.lost_focus();
                });
                ui.end_row();
                problem_row(ui, &problems, Field::Key);
                labelled(ui, "Application secret", |ui, label| {
                    let hint = if editor.original.is_some() { "unchanged" } else { "base64, ends in ==" };
                    left_a_field |= secret_input(
                        ui,
                        label,
                        SecretField {
                            title: "application secret",
                            text: &mut editor.secret,
                            reveal: &mut editor.reveal,
                            hint,
                            id: secret_field_id(),
                            manager: &mut editor.secret_ref,
                            remove: None,
                        },
                    );
                });
                ui.end_row();
                problem_row(ui, &problems, Field::Secret);
            });
            // A section with a problem in it opens, so that every problem is in sight.
            let webhook_problem = problems.iter().any(|(f, _)| matches!(f, Field::Webhook(_)));
            egui::CollapsingHeader::new("Webhook secrets")
                .id_salt("editor-webhooks")
                .default_open(editor.webhooks.iter().any(|f| f.saved))
                .open(webhook_problem.then_some(true))
                .show(ui, |ui| {
                    ui.weak("Conversation, SMS, Numbers and Mailgun sign their webhooks with a secret of their own, used as it is typed.");
                    Grid::new("editor-webhooks-grid").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
                        for (i, field) in editor.webhooks.iter_mut().enumerate() {
                            left_a_field |= webhook_row(ui, field);
                            ui.end_row();
                            problem_row(ui, &problems, Field::Webhook(i));
                        }
                    });
                });
            let project_problem = problems.iter().any(|(f, _)| *f == Field::Project);
            egui::CollapsingHeader::new("Project credentials")
                .id_salt("editor-project")
                .default_open(editor.saved_access_key.is_some() || editor.saved_plan.is_some())
                .open(project_problem.then_some(true))
                .show(ui, |ui| {
                    ui.weak("The project APIs (SMS, Conversation, Numbers) take an OAuth2 token from the project's access key, or the SMS API a service plan's API token.");
                    Grid::new("editor-project-grid").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
                        left_a_field |= plain_row(ui, "Project ID", &mut editor.project_id, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, from the dashboard");
                        ui.end_row();
                        left_a_field |= plain_row(ui, "Key ID", &mut editor.key_id, "the access key's Key ID");
                        ui.end_row();
                        let hint = if editor.saved_access_key.is_some() { "saved, unchanged" } else { "none" };
                        left_a_field |= labelled(ui, "Key Secret", |ui, label| secret_input(ui, label, SecretField {
                            title: "Key Secret",
                            text: &mut editor.key_secret,
                            reveal: &mut editor.reveal_key_secret,
                            hint,
                            id: key_secret_field_id(),
                            manager: &mut editor.key_secret_ref,
                            remove: None,
                        }));
                        ui.end_row();
                        left_a_field |= plain_row(ui, "Service Plan ID", &mut editor.plan_id, "the SMS service plan's ID");
                        ui.end_row();
                        let hint = if editor.saved_plan.is_some() { "saved, unchanged" } else { "none" };
                        left_a_field |= labelled(ui, "Service plan API token", |ui, label| secret_input(ui, label, SecretField {
                            title: "service plan API token",
                            text: &mut editor.plan_token,
                            reveal: &mut editor.reveal_plan_token,
                            hint,
                            id: plan_token_field_id(),
                            manager: &mut editor.plan_token_ref,
                            remove: None,
                        }));
                        ui.end_row();
                        problem_row(ui, &problems, Field::Project);
                    });
                });
            // Below the grid, so that a long warning wraps to the window's width.
            if let Some(warning) = application_key_warning(editor.key.trim())
                .filter(|_| !editor.key.trim().is_empty())
            {
                warning_text(ui, &warning);
            }
            if let Some(err) = &editor.error {
                error_text(ui, err);
            }
            if let Some(name) = &editor.unlisted
                && ui
                    .button("Bring back the saved one")
                    .on_hover_text("List it again with the key and secret the keyring holds")
                    .clicked()
            {
                attach = Some(name.clone());
            }
            // Enter saves, Escape closes, from any field of the editor.
            let (enter, escape) = ui.input(|i| {
                (
                    left_a_field && i.key_pressed(egui::Key::Enter),
                    left_a_field && i.key_pressed(egui::Key::Escape),
                )
            });
            ui.horizontal(|ui| {
                let label = if editor.saving { "Saving…" } else { "Save profile" };
                save = ui
                    .add_enabled(!editor.saving, Button::new(label))
                    .on_hover_text("Save the key and secret in the OS keyring (Enter)")
                    .clicked();
                cancel = ui
                    .button("Cancel")
                    .on_hover_text("Close without saving (Escape)")
                    .clicked()
                    || escape;
                save |= enter && !editor.saving;
                if editor.saving {
                    ui.spinner();
                }
            });
        });
        if let Some(name) = attach {
            return vec![Action::Worker(Request::Attach(name))];
        }
        if cancel {
            self.close_editor(ui.ctx());
            return Vec::new();
        }
        if save {
            return self.save_editor();
        }
        Vec::new()
    }
}

/// One webhook secret's row of the editor: its title, a masked field, Show, and Remove for
/// a saved one. Whether typing in its field ended this frame.
fn webhook_row(ui: &mut Ui, field: &mut WebhookField) -> bool {
    let mut left = false;
    labelled(ui, field.kind.title(), |ui, label| {
        let hint = match (field.saved, field.remove) {
            (true, true) => "removed when saved",
            (true, false) => "saved, unchanged",
            (false, _) => "none",
        };
        left = secret_input(
            ui,
            label,
            SecretField {
                title: field.kind.title(),
                text: &mut field.text,
                reveal: &mut field.reveal,
                hint,
                id: webhook_field_id(field.kind),
                manager: &mut field.manager,
                remove: field.saved.then_some(&mut field.remove),
            },
        );
    });
    left
}

/// A labelled one-line field; whether typing in it ended this frame.
fn plain_row(ui: &mut Ui, title: &str, text: &mut String, hint: &str) -> bool {
    let mut left = false;
    labelled(ui, title, |ui, label| {
        left = ui
            .add(
                TextEdit::singleline(text)
                    .hint_text(hint)
                    .desired_width(field_width(ui, 280.0)),
            )
            .labelled_by(label)
            .lost_focus();
    });
    left
}

/// One secret of the editor: where it is typed, and its other source.
struct SecretField<'a> {
    /// What it is, for hover texts ("application secret").
    title: &'a str,
    /// The secret typed.
    text: &'a mut Zeroizing<String>,
    /// Whether it is shown.
    reveal: &'a mut bool,
    /// The hint of an empty field.
    hint: &'a str,
    /// The field's id (its undo state is forgotten when the editor closes).
    id: egui::Id,
    /// It from a secret manager instead.
    manager: &'a mut ManagerRef,
    /// *Remove*, for a saved one that can be removed: ticked, the field is disabled.
    remove: Option<&'a mut bool>,
}

/// A secret's field: masked with Show, or, with *From a secret manager* ticked, where it is
/// kept (a reference, not secret, so not masked) and what that reference points at. Whether
/// typing in it ended this frame.
fn secret_input(ui: &mut Ui, label: egui::Id, field: SecretField<'_>) -> bool {
    let SecretField {
        title,
        text,
        reveal,
        hint,
        id,
        manager,
        remove,
    } = field;
    let removed = remove.as_deref().copied().unwrap_or(false);
    // A reference switched off: what is typed now replaces it in the keyring.
    let hint = if manager.saved.is_some() && !manager.on {
        "type the secret to keep it in the keyring"
    } else {
        hint
    };
    let mut left = false;
    ui.vertical(|ui| {
        // Wrapped: in a narrow window *From a secret manager* and *Remove* go to a line of
        // their own instead of past the window's edge.
        ui.horizontal_wrapped(|ui| {
            ui.add_enabled_ui(!removed, |ui| {
                if manager.on {
                    left = ui
                    .add(
                        TextEdit::singleline(&mut manager.text)
                            .id(id.with("reference"))
                            .hint_text(REFERENCE_HINT)
                            .desired_width(field_width(ui, 340.0)),
                    )
                    .labelled_by(label)
                    .on_hover_text(format!(
                        "Where the {title} is kept: env:NAME, pass:PATH, vault://MOUNT/PATH#FIELD \
                         (or bao://), op://VAULT/ITEM/FIELD. It is fetched each time it is used \
                         and never saved here."
                    ))
                    .lost_focus();
                } else {
                    left = ui
                        .add(
                            TextEdit::singleline(&mut **text)
                                .id(id)
                                .password(!*reveal)
                                .hint_text(hint)
                                .desired_width(field_width(ui, 240.0)),
                        )
                        .labelled_by(label)
                        .on_hover_text(format!(
                            "The {title} from the Sinch dashboard; stored only in the OS keyring"
                        ))
                        .lost_focus();
                    let eye = if *reveal { "Hide" } else { "Show" };
                    if ui
                        .selectable_label(*reveal, eye)
                        .on_hover_text(format!("Show or hide the {title}"))
                        .clicked()
                    {
                        *reveal = !*reveal;
                    }
                }
                let on = manager.on;
                let tick = ui.checkbox(&mut manager.on, "From a secret manager");
                // Six of these in the editor: a screen reader says whose each is.
                tick.widget_info(|| {
                    egui::WidgetInfo::selected(
                        egui::Role::CheckBox,
                        true,
                        on,
                        format!("{}: from a secret manager", capitalize(title)),
                    )
                });
                tick.on_hover_text(format!(
                    "Fetch the {title} from 1Password, Vault or OpenBao, pass or an environment \
                 variable each time it is used, instead of keeping a copy in the keyring"
                ));
            });
            if let Some(remove) = remove {
                ui.checkbox(remove, "Remove")
                    .on_hover_text(format!("Remove the saved {title} when saving"));
            }
        });
        if manager.on && !manager.text.trim().is_empty() {
            match SecretRef::parse(&manager.text) {
                Ok(reference) => {
                    ui.weak(format!("From {}", reference.describe()));
                    if let Some(warning) = crate::profiles::unavailable_here(&reference) {
                        warning_text(ui, &warning);
                    }
                }
                Err(err) => error_text(ui, &capitalize(&err.to_string())),
            }
        }
    });
    left
}

fn key_secret_field_id() -> egui::Id {
    egui::Id::unique("profile-editor-key-secret")
}

fn plan_token_field_id() -> egui::Id {
    egui::Id::unique("profile-editor-plan-token")
}

/// The id of the editor's secret field, whose edit state is forgotten when the editor closes.
pub fn secret_field_id() -> egui::Id {
    egui::Id::unique("profile-editor-secret")
}

/// The id of the editor's field for a webhook secret of `kind`.
fn webhook_field_id(kind: CredentialKind) -> egui::Id {
    egui::Id::unique(("profile-editor-webhook", kind.name()))
}

/// Drops egui's state of the secret fields: their undo history holds copies of every edit.
/// Best effort: egui's strings are not zeroized when dropped.
fn forget_secret_field(ctx: &egui::Context) {
    ctx.data_mut(|data| {
        data.remove::<egui::text_edit::TextEditState>(secret_field_id());
        for kind in CredentialKind::WEBHOOKS {
            data.remove::<egui::text_edit::TextEditState>(webhook_field_id(kind));
        }
        data.remove::<egui::text_edit::TextEditState>(key_secret_field_id());
        data.remove::<egui::text_edit::TextEditState>(plan_token_field_id());
    });
}

/// The store's state in the top bar: where credentials live.
pub fn store_badge(ui: &mut Ui, store: &StoreKind) {
    match store {
        StoreKind::Checking => {
            ui.spinner();
            ui.label("Opening the keyring…");
        }
        StoreKind::Saved(location) => {
            // Whole, on the tab bar's line or the next: never broken mid-sentence.
            ui.add(
                egui::Label::new(RichText::new(format!("Stored in {location}")).small()).extend(),
            )
            .on_hover_text("Keys and secrets are kept in the OS keyring, never in a file");
        }
        StoreKind::Locked(reason) => {
            ui.label(RichText::new("OS keyring locked").color(ui.visuals().warn_fg_color))
                .on_hover_text(capitalize(&reason.to_string()));
        }
        StoreKind::SessionOnly { reason, .. } => {
            ui.label(RichText::new("Session only, not saved").color(ui.visuals().warn_fg_color))
                .on_hover_text(format!(
                    "Profiles added now last until this window closes, unless the keyring \
                     answers again meanwhile. {}",
                    capitalize(&reason.to_string())
                ));
        }
    }
}
