//! The desktop window: pick a profile, generate a credential, see it decoded with a live
//! countdown, copy it or a JS snippet, and inspect any token. A thin face over
//! [`crate::credential`] and [`crate::profiles`].
//!
//! State is split as in egui's demo app: [`Settings`] is what is remembered between runs
//! (nothing secret, no credential); everything else lives only as long as the window.

pub mod clipboard;
pub mod form;
mod view;
pub mod worker;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use eframe::egui;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use self::clipboard::{Clipboard, ClipboardGuard};
use self::form::{FormState, Format};
use self::worker::{Reply, Request, StoreKind, Worker};
use crate::credential::{
    self, AppSecret, Inspection, JwtRequest, TicketSigner, VerifyWith, inspect,
};
use crate::profiles::{OsKeyring, Profile, ProfileSummary, SecretStore, default_config_dir};

/// The app's name: window title, persistence folder.
pub const APP_NAME: &str = "sinch-ticket";

/// A clock: the window reads the time only through this, so tests can move it.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Tab {
    /// Make a credential.
    #[default]
    Generate,
    /// Decode and verify any credential.
    Inspect,
}

/// Everything remembered between runs: non-secret choices only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The profile last selected.
    pub profile: Option<String>,
    /// The generate form.
    pub form: FormState,
    /// The tab last shown.
    pub tab: Tab,
    /// Seconds after which a copy is cleared from the clipboard; `None`: never.
    pub clear_clipboard_after: Option<u64>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            profile: None,
            form: FormState::default(),
            tab: Tab::default(),
            clear_clipboard_after: Some(60),
        }
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
    /// Whether the secret is shown; resets whenever the editor opens.
    pub reveal: bool,
    /// Why the last save failed.
    pub error: Option<String>,
    /// A save is under way.
    pub saving: bool,
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
            saving: false,
        }
    }
}

/// A credential made in this window, with what was read back from it.
pub struct Generated {
    /// The ticket or JWT.
    pub credential: String,
    /// Which of the two.
    pub format: Format,
    /// The JS snippet that starts a client with it.
    pub snippet: String,
    /// The credential as the inspector reads it (identity, times, verdict).
    pub inspection: Inspection,
    /// The profile it was made with.
    pub profile: String,
}

/// A short message under the form: news, or an error to act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The text.
    pub text: String,
    /// Whether it is an error (shown in the error colour).
    pub error: bool,
}

/// The window.
pub struct SinchTicketApp {
    /// Remembered between runs.
    pub settings: Settings,
    clock: Clock,
    worker: Worker,
    /// Where profiles live this session.
    pub store: StoreKind,
    /// The profiles, as last listed.
    pub profiles: Vec<ProfileSummary>,
    /// The selected profile's key and secret, once loaded from the keyring.
    pub loaded: Option<Profile>,
    /// Why the selected profile could not be loaded.
    pub load_error: Option<String>,
    /// The profile editor, when open.
    pub editor: Option<ProfileEditor>,
    /// Asking whether to delete this profile.
    pub confirm_delete: Option<String>,
    /// The last credential made.
    pub generated: Option<Generated>,
    /// What is pasted into the inspect tab.
    pub inspect_input: String,
    clipboard: ClipboardGuard<Box<dyn Clipboard>>,
    /// The last piece of news.
    pub notice: Option<Notice>,
    /// Set while a keyring call has been waiting longer than the patience: for how long.
    pub keyring_slow: Option<Duration>,
    /// Where "Save test page" writes.
    pub test_page_path: String,
    focus_username: bool,
    frames: u64,
    log_frames: bool,
}

/// What the window is built from: the real parts, or stand-ins for tests.
pub struct Parts {
    /// Where secrets live.
    pub store: Arc<dyn SecretStore>,
    /// How long a keyring call may take before the window says it is waiting for it.
    pub keyring_patience: Duration,
    /// The folder of the profile index.
    pub config_dir: PathBuf,
    /// The clipboard.
    pub clipboard: Box<dyn Clipboard>,
    /// The clock.
    pub clock: Clock,
}

impl Parts {
    /// The OS keyring, the user's config folder, the system clipboard and the real time.
    pub fn real() -> Self {
        Self {
            // Never abandon a keyring call in a program that lives on: see worker.rs.
            store: Arc::new(OsKeyring::patient()),
            keyring_patience: worker::DEFAULT_PATIENCE,
            config_dir: default_config_dir().unwrap_or_else(|| std::env::temp_dir().join(APP_NAME)),
            clipboard: Box::new(clipboard::SystemClipboard::default()),
            clock: Arc::new(Utc::now),
        }
    }
}

impl SinchTicketApp {
    /// Builds the window's state, with `settings` from the last run.
    pub fn new(ctx: &egui::Context, parts: Parts, settings: Settings) -> Self {
        let worker = Worker::spawn(
            parts.store,
            parts.config_dir,
            parts.keyring_patience,
            ctx.clone(),
        );
        let test_page_path = dirs::download_dir()
            .or_else(dirs::home_dir)
            .unwrap_or_else(std::env::temp_dir)
            .join("sinch-test-page.html")
            .display()
            .to_string();
        Self {
            settings,
            clock: parts.clock,
            worker,
            store: StoreKind::Checking,
            profiles: Vec::new(),
            loaded: None,
            load_error: None,
            editor: None,
            confirm_delete: None,
            generated: None,
            inspect_input: String::new(),
            clipboard: ClipboardGuard::new(parts.clipboard),
            notice: None,
            keyring_slow: None,
            test_page_path,
            focus_username: true,
            frames: 0,
            log_frames: std::env::var_os("SINCH_TICKET_LOG_FRAMES").is_some(),
        }
    }

    /// Whether keyring work is under way.
    pub fn busy(&self) -> bool {
        self.worker.busy()
    }

    /// The current time, from the app's clock.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// The clipboard guard's status line.
    pub fn copy_status(&self) -> &clipboard::CopyStatus {
        self.clipboard.status()
    }

    fn notify(&mut self, text: impl Into<String>, error: bool) {
        self.notice = Some(Notice {
            text: text.into(),
            error,
        });
    }

    /// Applies the worker's answers.
    fn apply_replies(&mut self) {
        for reply in self.worker.poll() {
            if !matches!(reply, Reply::Store(_) | Reply::Slow(_)) {
                self.keyring_slow = None;
            }
            match reply {
                Reply::Store(kind) => self.store = kind,
                Reply::Slow(after) => self.keyring_slow = Some(after),
                Reply::KeyringBack { moved, not_moved } => {
                    let mut text = "The keyring answers again: profiles are saved in it from \
                                    now on."
                        .to_owned();
                    if !moved.is_empty() {
                        text.push_str(&format!(" Moved there: {}.", moved.join(", ")));
                    }
                    if !not_moved.is_empty() {
                        text.push_str(&format!(" Not moved: {}.", not_moved.join("; ")));
                    }
                    self.notify(text, !not_moved.is_empty());
                    self.worker.send(Request::Refresh);
                    // The selected profile is read again from where it now lives.
                    let selected = self.settings.profile.clone();
                    self.select_profile(selected);
                }
                Reply::Listed {
                    profiles,
                    default,
                    warnings,
                } => {
                    self.profiles = profiles;
                    if let Some(warning) = warnings.into_iter().next() {
                        self.notify(warning, true);
                    }
                    let selected_exists = self
                        .settings
                        .profile
                        .as_ref()
                        .is_some_and(|name| self.profiles.iter().any(|p| &p.name == name));
                    if !selected_exists {
                        let fallback =
                            default.or_else(|| self.profiles.first().map(|p| p.name.clone()));
                        self.select_profile(fallback);
                    } else if self.loaded.is_none() && self.load_error.is_none() {
                        let name = self.settings.profile.clone();
                        self.select_profile(name);
                    }
                }
                Reply::Loaded(name, result) => {
                    if self.settings.profile.as_deref() != Some(name.as_str()) {
                        continue; // The user moved on to another profile meanwhile.
                    }
                    match result {
                        Ok(profile) => {
                            self.loaded = Some(profile);
                            self.load_error = None;
                        }
                        Err(err) => {
                            self.loaded = None;
                            self.load_error = Some(err);
                        }
                    }
                }
                Reply::Saved(name, result) => match result {
                    Ok(warnings) => {
                        self.editor = None;
                        let text = if warnings.is_empty() {
                            format!("Saved profile \"{name}\".")
                        } else {
                            format!("Saved profile \"{name}\". Note: {}", warnings.join("; "))
                        };
                        self.notify(text, false);
                        self.loaded = None;
                        self.settings.profile = Some(name);
                        self.load_error = None;
                        self.worker.send(Request::Refresh);
                    }
                    Err(err) => {
                        if let Some(editor) = &mut self.editor {
                            editor.saving = false;
                            editor.error = Some(form::capitalize(&err));
                        } else {
                            self.notify(err, true);
                        }
                    }
                },
                Reply::Deleted(name, result) => match result {
                    Ok(()) => {
                        self.notify(format!("Deleted profile \"{name}\"."), false);
                        if self.settings.profile.as_deref() == Some(name.as_str()) {
                            self.settings.profile = None;
                            self.loaded = None;
                        }
                        self.worker.send(Request::Refresh);
                    }
                    Err(err) => self.notify(err, true),
                },
                Reply::Failed(err) => self.notify(err, true),
            }
        }
    }

    /// Selects a profile and asks for its secret; the previous profile's secret is dropped
    /// (and so wiped) at once, and the editor closes.
    pub fn select_profile(&mut self, name: Option<String>) {
        self.loaded = None;
        self.load_error = None;
        self.editor = None;
        self.confirm_delete = None;
        if let Some(name) = &name {
            self.worker.send(Request::Load(name.clone()));
            if let Some(meta) = self
                .profiles
                .iter()
                .find(|p| &p.name == name)
                .map(|p| p.meta.clone())
                && self.settings.form.username.is_empty()
                && let Some(user) = meta.last_user
            {
                self.settings.form.username = user;
            }
        }
        self.settings.profile = name;
    }

    /// Opens the editor to add a profile (`None`) or edit the loaded one.
    pub fn open_editor(&mut self, edit: bool) {
        let current = if edit { self.loaded.as_ref() } else { None };
        self.editor = Some(ProfileEditor::new(current));
    }

    /// Saves what the editor holds, on the worker.
    pub fn save_editor(&mut self) {
        let Some(editor) = &mut self.editor else {
            return;
        };
        let secret = if editor.secret.trim().is_empty() {
            // Editing without typing a new secret keeps the stored one.
            match (&editor.original, &self.loaded) {
                (Some(original), Some(loaded)) if &loaded.name == original => {
                    Ok(loaded.secret.clone())
                }
                _ => Err(credential::SecretError::Empty),
            }
        } else {
            AppSecret::from_base64(&editor.secret)
        };
        let secret = match secret {
            Ok(secret) => secret,
            Err(err) => {
                editor.error = Some(form::capitalize(&err.to_string()));
                return;
            }
        };
        if let Err(err) = crate::profiles::validate_name(&editor.name) {
            editor.error = Some(form::capitalize(&err.to_string()));
            return;
        }
        editor.error = None;
        editor.saving = true;
        let replace = editor.original.as_deref() == Some(editor.name.as_str());
        let request = Request::Save {
            name: editor.name.clone(),
            key: editor.key.trim().to_owned(),
            secret,
            replace,
            rename_from: editor.original.clone(),
        };
        self.worker.send(request);
    }

    /// Asks the worker to delete a profile.
    pub fn delete_profile(&mut self, name: String) {
        self.confirm_delete = None;
        self.worker.send(Request::Delete(name));
    }

    /// Makes the selected profile the default.
    pub fn make_default(&mut self) {
        if let Some(name) = self.settings.profile.clone() {
            self.worker.send(Request::SetDefault(name));
        }
    }

    /// Why generation is impossible right now, or `None` when it is possible.
    pub fn generate_blocker(&self) -> Option<String> {
        if let Some(blocker) = self.settings.form.check().blocker() {
            return Some(blocker);
        }
        if self.settings.profile.is_none() {
            return Some("Add a profile first: the credential is signed with its secret".into());
        }
        if let Some(err) = &self.load_error {
            return Some(form::capitalize(err));
        }
        if self.loaded.is_none() {
            return Some("Reading the profile's secret from the keyring…".into());
        }
        None
    }

    /// Makes the credential the form describes.
    pub fn generate(&mut self) {
        if let Some(blocker) = self.generate_blocker() {
            self.notify(blocker, true);
            return;
        }
        let (Some(profile), Ok(lifetime)) = (&self.loaded, self.settings.form.check().expiry)
        else {
            return;
        };
        let form = &self.settings.form;
        let now = self.now();
        let issued = DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
        let credential = match form.format {
            Format::LegacyTicket => TicketSigner::new(&profile.key, &profile.secret).ticket(
                &form.username,
                lifetime,
                issued,
            ),
            Format::RegistrationJwt => credential::registration_jwt(
                &profile.secret,
                &JwtRequest {
                    application_key: &profile.key,
                    user_id: &form.username,
                    issued_at: issued,
                    ttl_secs: lifetime,
                    instance_ttl_secs: None,
                    nonce: &uuid::Uuid::new_v4().to_string(),
                },
            ),
        };
        let verify = VerifyWith {
            secret: &profile.secret,
            application_key: Some(&profile.key),
        };
        let inspection = match inspect(&credential, Some(verify), now) {
            Ok(inspection) => inspection,
            Err(err) => {
                // Cannot happen for what the core just made; say so rather than panic.
                self.notify(
                    format!("the new credential could not be read back: {err}"),
                    true,
                );
                return;
            }
        };
        let snippet = match form.format {
            Format::LegacyTicket => {
                credential::ticket_snippet(&profile.key, &credential, form.capabilities)
            }
            Format::RegistrationJwt => {
                credential::jwt_snippet(&profile.key, &form.username, &credential)
            }
        };
        self.generated = Some(Generated {
            credential,
            format: form.format,
            snippet,
            inspection,
            profile: profile.name.clone(),
        });
        self.worker.send(Request::Remember {
            name: profile.name.clone(),
            user: form.username.clone(),
            expiry: form.expiry_text().to_owned(),
        });
        self.notice = None;
    }

    /// Copies the credential (`snippet == false`) or its JS snippet.
    pub fn copy(&mut self, snippet: bool) {
        let Some(generated) = &self.generated else {
            self.notify("Generate a credential first (Ctrl+Enter).", true);
            return;
        };
        let (text, what) = if snippet {
            (generated.snippet.clone(), "JS snippet")
        } else {
            (generated.credential.clone(), generated.format.noun())
        };
        let now = self.now();
        self.clipboard
            .copy(&text, what, self.settings.clear_clipboard_after, now);
        self.notice = None;
    }

    /// Clears our copy from the clipboard now, if it is still ours.
    pub fn clear_clipboard(&mut self) {
        self.clipboard.clear_now();
    }

    /// Writes a minimal HTML page that runs the snippet.
    pub fn save_test_page(&mut self) {
        let Some(generated) = &self.generated else {
            return;
        };
        let title = format!("Sinch test page ({})", generated.profile);
        let page = credential::test_page(&title, &generated.snippet);
        let path = PathBuf::from(self.test_page_path.trim());
        match std::fs::write(&path, page) {
            Ok(()) => self.notify(
                format!("Saved {}: open it in a browser.", path.display()),
                false,
            ),
            Err(err) => self.notify(
                format!(
                    "could not save {} ({err}): choose a folder you can write to",
                    path.display()
                ),
                true,
            ),
        }
    }

    /// Inspects what is pasted in the inspect tab with the selected profile's secret.
    pub fn inspection(&self) -> Option<Result<Inspection, credential::InspectError>> {
        if self.inspect_input.trim().is_empty() {
            return None;
        }
        let verify = self.loaded.as_ref().map(|p| VerifyWith {
            secret: &p.secret,
            application_key: Some(&p.key),
        });
        Some(inspect(&self.inspect_input, verify, self.now()))
    }

    /// One frame of the window, inside `ui`. Also what the UI tests drive.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.frames += 1;
        if self.log_frames {
            eprintln!("sinch-ticket: frame {}", self.frames);
        }
        self.apply_replies();
        let now = self.now();
        self.clipboard.tick(now);
        self.shortcuts(ui.ctx());
        view::draw(self, ui);
        self.schedule_repaint(ui.ctx(), now);
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        const GENERATE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);
        const COPY: KeyboardShortcut =
            KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::C);
        const QUIT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Q);
        let (generate, copy, quit) = ctx.input_mut(|i| {
            (
                i.consume_shortcut(&GENERATE),
                i.consume_shortcut(&COPY),
                i.consume_shortcut(&QUIT),
            )
        });
        if generate && self.settings.tab == Tab::Generate && self.editor.is_none() {
            self.generate();
        }
        if copy {
            self.copy(false);
        }
        if quit {
            // Closing through the viewport saves the settings and runs `on_exit`.
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// Repaints about once a second while a countdown is on screen, and never otherwise:
    /// an idle window uses no CPU.
    fn schedule_repaint(&self, ctx: &egui::Context, now: DateTime<Utc>) {
        let countdown_shown = self.settings.tab == Tab::Generate
            && self
                .generated
                .as_ref()
                .and_then(|g| g.inspection.expires_at)
                .is_some_and(|at| at > now);
        if countdown_shown || self.clipboard.counting_down() {
            let into_second = now.timestamp_subsec_millis();
            let wait = 1000u64.saturating_sub(u64::from(into_second)).max(50);
            ctx.request_repaint_after(Duration::from_millis(wait));
        }
    }
}

/// "expires in 04:59" / "expires in 1:02:03" / "expired".
pub fn countdown(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let left = (expires_at - now).num_seconds();
    if left <= 0 {
        return "expired".to_owned();
    }
    let (h, m, s) = (left / 3600, left / 60 % 60, left % 60);
    if h > 0 {
        format!("expires in {h}:{m:02}:{s:02}")
    } else {
        format!("expires in {m:02}:{s:02}")
    }
}

impl eframe::App for SinchTicketApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // Our copy leaves with us, unless the user copied something else meanwhile.
        self.clipboard.clear_now();
    }
}

/// Opens the window and runs until it is closed.
pub fn run() -> Result<(), String> {
    let icon = eframe::icon_data::from_png_bytes(include_bytes!("../../assets/sinch-ticket.png"))
        .map_err(|err| format!("the built-in icon is damaged: {err}"))?;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("sinch-ticket")
            .with_app_id(APP_NAME)
            .with_inner_size([760.0, 640.0])
            .with_min_inner_size([520.0, 420.0])
            .with_icon(icon),
        ..Default::default()
    };
    eframe::run_native(
        APP_NAME,
        options,
        Box::new(|cc| {
            let settings = cc
                .storage
                .and_then(|storage| eframe::get_value::<Settings>(storage, eframe::APP_KEY))
                .unwrap_or_default();
            Ok(Box::new(SinchTicketApp::new(&cc.egui_ctx, Parts::real(), settings)))
        }),
    )
    .map_err(|err| format!("the window could not be opened ({err}); is a display available? The command line works without one: sinch-ticket --help"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdown_reads_as_a_clock_and_ends_in_expired() {
        let now = DateTime::from_timestamp(1_000_000, 0).unwrap();
        let at = |s: i64| now + chrono::TimeDelta::seconds(s);
        assert_eq!(countdown(at(299), now), "expires in 04:59");
        assert_eq!(countdown(at(3723), now), "expires in 1:02:03");
        assert_eq!(countdown(at(0), now), "expired");
    }
}
