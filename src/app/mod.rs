//! The desktop window: pick a profile, generate a credential, see it decoded with a live
//! countdown, copy it or a JS snippet, and inspect any token. A thin face over
//! [`crate::sinch`] and [`crate::profiles`].
//!
//! Each part of the window is a panel in a file of its own that owns its state, draws
//! itself, and returns [`Action`]s; this file is the dispatcher that applies them at the end
//! of the frame, and holds the keyring worker and the clipboard.
//!
//! - `profile_panel.rs`: the profile bar and editor; a save goes to `worker.rs`.
//! - `generate_tab.rs`: the form, the result, Copy; `inspect_tab.rs`: any token, verified.
//! - `status_line.rs`: copy status, news, a slow keyring.
//! - `form.rs`: the form's rules; `widgets.rs`: shared drawing helpers.
//! - `worker.rs`: keyring work off the UI thread; `clipboard.rs`: copy, and clear only
//!   what is still ours.
//!
//! State is split as in egui's demo app: [`Settings`] is what is remembered between runs
//! (nothing secret, no credential); everything else lives only as long as the window.

pub mod action;
pub mod callbacks;
pub mod clipboard;
pub mod file_dialog;
pub mod form;
pub mod generate_tab;
pub mod inspect_tab;
pub mod job;
mod panes;
pub mod profile_panel;
pub mod request_tab;
pub mod status_line;
mod widgets;
pub mod worker;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use eframe::egui;
use serde::{Deserialize, Serialize};

pub use self::action::{
    Action, CopyWhat, Notice, PanelContext, RequestDo, Tab, TabPanel, Theme, Topic,
};
use self::callbacks::{CallbacksSettings, CallbacksTab};
use self::clipboard::{Clipboard, ClipboardGuard};
use self::form::FormState;
use self::generate_tab::GenerateTab;
use self::inspect_tab::InspectTab;
use self::profile_panel::{ProfilePanel, store_badge};
use self::request_tab::RequestTab;
use self::status_line::StatusLine;
use self::worker::{Worker, WorkerReply};
use crate::profiles::{OsKeyring, SecretStore, default_config_dir};

/// The app's name: window title, persistence folder.
pub const APP_NAME: &str = "sinch-ticket";

/// What opens a file in the user's browser.
pub type Browser = Box<dyn Fn(&std::path::Path) -> std::io::Result<()>>;

/// A clock: the window reads the time only through this, so tests can move it.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Everything remembered between runs: non-secret choices only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Where the Callbacks tab sends events and listens.
    pub callbacks: CallbacksSettings,
    /// The window's colours.
    pub theme: Theme,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            profile: None,
            form: FormState::default(),
            tab: Tab::default(),
            clear_clipboard_after: Some(60),
            callbacks: CallbacksSettings::default(),
            theme: Theme::default(),
        }
    }
}

/// What the window is built from: the real parts, or stand-ins for tests.
pub struct Parts {
    /// Where secrets live.
    pub store: Arc<dyn SecretStore>,
    /// How long a keyring call may take before the window says it is waiting for it.
    pub keyring_patience: Duration,
    /// The folder of the profile index; `None` when there is none (no HOME): the window then
    /// keeps profiles for the session only, never in a shared folder such as /tmp.
    pub config_dir: Option<PathBuf>,
    /// The clipboard.
    pub clipboard: Box<dyn Clipboard>,
    /// The clock.
    pub clock: Clock,
    /// Where the callback history lives (`None`: none is kept or shown).
    pub history_path: Option<PathBuf>,
    /// The secret managers profiles may refer to (kept for [`worker::KEEP_FETCHED`]).
    pub managers: Arc<dyn crate::profiles::Resolve>,
    /// The desktop's open and save dialogs ([`file_dialog::NoDesktop`]: the window's own).
    pub desktop: Arc<dyn file_dialog::Desktop>,
}

impl Parts {
    /// The OS keyring, the user's config folder, the system clipboard and the real time.
    pub fn real() -> Self {
        Self {
            // Never abandon a keyring call in a program that lives on: see worker.rs.
            store: Arc::new(OsKeyring::patient()),
            keyring_patience: worker::DEFAULT_PATIENCE,
            config_dir: default_config_dir(),
            clipboard: Box::new(clipboard::SystemClipboard::default()),
            history_path: crate::history::default_path(),
            clock: Arc::new(Utc::now),
            managers: Arc::new(crate::profiles::Managers::from_env()),
            desktop: file_dialog::from_env(),
        }
    }
}

/// The window: its panels, the tab shown, and the handles every panel's actions go through.
pub struct SinchTicketApp {
    /// The profile bar and editor.
    pub profiles: ProfilePanel,
    /// The Generate tab.
    pub generate: GenerateTab,
    /// The Inspect tab.
    pub inspect: InspectTab,
    /// The Request tab.
    pub request: RequestTab,
    /// The Callbacks tab.
    pub callbacks: CallbacksTab,
    /// The status line.
    pub status: StatusLine,
    /// The tab shown.
    pub tab: Tab,
    /// Seconds after which a copy is cleared; `None`: never.
    pub clear_after: Option<u64>,
    /// The window's colours.
    pub theme: Theme,
    /// Opens a file in the user's browser (the desktop's opener; tests put a stand-in).
    pub browser: Browser,
    /// The open and save dialogs.
    pub dialogs: file_dialog::Dialogs,
    clock: Clock,
    worker: Worker,
    clipboard: ClipboardGuard<Box<dyn Clipboard>>,
    frames: u64,
    log_frames: bool,
    /// The watch on the profile index (`None`: no folder, or it cannot be watched).
    index_watch: Option<crate::profiles::IndexWatch>,
    focus: FocusKeeper,
}

/// Gives the keyboard focus back where it was when a menu, list or dialog closes with the
/// focus nowhere or still on something inside it (Escape): without it the next Tab starts
/// again at the top of the window. A click on another field keeps the focus there.
#[derive(Default)]
struct FocusKeeper {
    /// What had the focus while nothing was open.
    last: Option<egui::Id>,
    /// What had the focus inside what is open.
    inside: Vec<egui::Id>,
    /// Whether a menu, list or dialog was open at the end of the last frame.
    was_open: bool,
    /// The focus to give back at the start of a frame.
    give_back: Option<egui::Id>,
}

impl FocusKeeper {
    /// Called before the frame is drawn.
    fn before_frame(&mut self, ctx: &egui::Context) {
        let Some(id) = self.give_back else {
            return;
        };
        // The frame after a dialog closes still sees its layer as modal, and the widgets
        // under it would drop the focus: it is given back once they can take it.
        if ctx.memory(|m| m.allows_interaction(egui::LayerId::background())) {
            ctx.memory_mut(|m| m.request_focus(id));
            self.give_back = None;
        } else {
            ctx.request_repaint();
        }
    }

    /// Called at the end of each frame with whether something is open now.
    fn after_frame(&mut self, ctx: &egui::Context, open: bool) {
        let focused = ctx.memory(|m| m.focused());
        if open {
            // Something opened again before the focus went back: it is its to give back.
            self.give_back = None;
            if let Some(id) = focused
                && Some(id) != self.last
                && !self.inside.contains(&id)
            {
                self.inside.push(id);
            }
        } else if self.was_open && focused.is_none_or(|id| self.inside.contains(&id)) {
            if let Some(id) = self.last {
                self.give_back = Some(id);
                ctx.request_repaint();
            }
            self.inside.clear();
        } else {
            self.last = focused;
            self.inside.clear();
        }
        self.was_open = open;
    }
}

impl SinchTicketApp {
    /// Builds the window's state, with `settings` from the last run.
    pub fn new(ctx: &egui::Context, parts: Parts, settings: Settings) -> Self {
        // OAuth2 tokens are kept in the keyring beside their profile, as the command line
        // keeps them (read and written on the Request tab's own threads).
        let tokens = parts
            .config_dir
            .clone()
            .map(|dir| crate::profiles::Profiles::new(parts.store.clone(), dir));
        let index_watch = parts.config_dir.as_deref().and_then(|dir| {
            let ctx = ctx.clone();
            crate::profiles::IndexWatch::start(dir, move || ctx.request_repaint())
        });
        let worker = Worker::spawn(
            parts.store,
            parts.config_dir,
            parts.keyring_patience,
            parts.managers,
            ctx.clone(),
        );
        Self {
            profiles: ProfilePanel::new(settings.profile),
            generate: GenerateTab::new(settings.form),
            inspect: InspectTab::default(),
            request: RequestTab::with_tokens(tokens),
            callbacks: {
                let mut callbacks = CallbacksTab::new(settings.callbacks);
                callbacks
                    .scenario
                    .history_path
                    .clone_from(&parts.history_path);
                callbacks.mock.history_path.clone_from(&parts.history_path);
                callbacks.listen.history_path = parts.history_path;
                callbacks
            },
            status: StatusLine::default(),
            tab: settings.tab,
            clear_after: settings.clear_clipboard_after,
            theme: {
                ctx.set_theme(settings.theme.preference());
                settings.theme
            },
            clock: parts.clock,
            browser: Box::new(|path| open::that_detached(path)),
            dialogs: file_dialog::Dialogs::new(parts.desktop),
            worker,
            clipboard: ClipboardGuard::new(parts.clipboard),
            frames: 0,
            log_frames: std::env::var_os("SINCH_TICKET_LOG_FRAMES").is_some(),
            index_watch,
            focus: FocusKeeper::default(),
        }
    }

    /// What is remembered between runs.
    pub fn settings(&self) -> Settings {
        Settings {
            profile: self.profiles.selected.clone(),
            form: self.generate.form.clone(),
            tab: self.tab,
            clear_clipboard_after: self.clear_after,
            callbacks: self.callbacks.settings(),
            theme: self.theme,
        }
    }

    /// Whether keyring work is under way.
    pub fn busy(&self) -> bool {
        self.worker.busy()
    }

    /// The time now, by the window's clock.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// The window's time-driven work, drawn or not: eframe calls it (through
    /// [`eframe::App::logic`]) before every frame and also while the window is minimised or
    /// covered, whenever a repaint was asked for. It polls the keyring worker, clears the
    /// clipboard when its time is up, takes the listener's arrivals and finished sends, and
    /// asks to be called again when the next of those is due.
    pub fn tick(&mut self, ctx: &egui::Context) {
        let now = self.now();
        for reply in self.worker.poll() {
            let actions = match reply {
                WorkerReply::Slow(after) => {
                    self.status.keyring_slow = Some(after);
                    Vec::new()
                }
                WorkerReply::Store(_) => self.profiles.on_reply(reply),
                answer => {
                    self.status.keyring_slow = None;
                    // A running listener follows its own profile, whichever one is selected.
                    if let WorkerReply::Loaded {
                        profile: Ok(profile),
                        ..
                    } = &answer
                    {
                        self.callbacks.listen.follow_profile(Some(profile));
                    }
                    self.profiles.on_reply(answer)
                }
            };
            self.apply(actions, ctx, now);
        }
        // Secrets fetched from secret managers are kept a while, then forgotten.
        // A value taken from the worker's keep counts from when it was fetched: the five
        // minutes are the value's, not the profile's.
        if let Some(profile) = &self.profiles.loaded
            && !profile.sources.is_empty()
            && self.profiles.fetched_at.is_none()
        {
            let age = profile
                .sources
                .values()
                .filter_map(|reference| self.worker.fetched.age(reference))
                .max()
                .unwrap_or_default();
            self.profiles.fetched_at =
                Some(now - chrono::Duration::from_std(age).unwrap_or_default());
        }
        if self.profiles.fetched_due().is_some_and(|due| due <= now) {
            self.worker.fetched.forget();
            if let Some(name) = self.profiles.forget_fetched(true) {
                self.status.push(Notice::info(
                    Topic::Profiles,
                    format!(
                        "forgot the secrets of profile \"{name}\" fetched from secret managers after 5 minutes: press Fetch again to use it."
                    ),
                ));
            }
        }
        self.worker.fetched.expire(std::time::Instant::now());
        self.status.expire(now);
        self.clipboard.tick(now);
        if let Some(saved) = self.generate.take_saved_page() {
            self.status.push(match saved {
                Ok(path) => Notice::info(
                    Topic::TestPage,
                    format!("saved {}: Open in browser shows it.", path.display()),
                ),
                Err(why) => Notice::error(Topic::TestPage, why),
            });
        }
        // What waited for an OAuth2 token is done once the token is here.
        if let Some(what) = self.request.poll() {
            self.apply(vec![Action::Request(what)], ctx, now);
        }
        self.callbacks.trigger.poll();
        self.callbacks.scenario.poll();
        self.dialogs.poll();
        if let Some((purpose, path)) = self.dialogs.take_answer() {
            let actions = self.chosen(purpose, path, ctx);
            self.apply(actions, ctx, now);
        }
        // Profiles saved elsewhere (the command line) are read again.
        if self
            .index_watch
            .as_ref()
            .is_some_and(crate::profiles::IndexWatch::take_change)
        {
            let mut actions = self.profiles.changed_elsewhere();
            // The listener's own profile is read again too when another one is selected.
            if let Some(name) = self.callbacks.listen.listening_with()
                && self.profiles.selected.as_deref() != Some(name)
            {
                actions.push(Action::Worker(worker::Request::Load(name.to_owned())));
            }
            self.apply(actions, ctx, now);
        }
        // A running listener follows its profile's secrets as they are now.
        self.callbacks
            .listen
            .follow_profile(self.profiles.loaded.as_ref());
        self.callbacks.listen.take_arrivals();
        self.callbacks.mock.take_lines();
        // What the mock keeps is listed by the inspector too.
        self.callbacks.listen.kept_elsewhere = self.callbacks.mock.kept();
        self.callbacks.listen.poll_history(ctx);
        self.schedule_repaint(ctx, now);
    }

    /// One frame of the window, inside `ui`: it only draws and applies what was asked for.
    /// (The UI tests drive it through eframe, which calls [`Self::tick`] first.)
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.frames += 1;
        if self.frames == 1 {
            startup_mark("fonts-and-first-pass");
        }
        if self.log_frames {
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "sinch-ticket: frame {}", self.frames);
        }
        let now = self.now();
        self.focus.before_frame(ui.ctx());
        // A dialog takes the keys while it is shown: Enter there is its own.
        if !self.dialogs.open() {
            let shortcuts = self.shortcuts(ui.ctx());
            self.apply(shortcuts, ui.ctx(), now);
        }
        let actions = self.draw(ui, now);
        self.apply(actions, ui.ctx(), now);
        self.dialogs.ui(ui.ctx());
        let open = egui::Popup::is_any_open(ui.ctx()) || self.dialogs.open();
        self.focus.after_frame(ui.ctx(), open);
        // What was said this frame starts its time now.
        self.status.expire(now);
        self.schedule_repaint(ui.ctx(), now);
        if self.frames == 1 {
            startup_mark("first-layout");
        }
    }

    /// What the field that asked for a dialog does with the path chosen.
    fn chosen(
        &mut self,
        purpose: file_dialog::Purpose,
        path: PathBuf,
        ctx: &egui::Context,
    ) -> Vec<Action> {
        use file_dialog::Purpose;
        let text = path.display().to_string();
        match purpose {
            Purpose::TestPage => {
                self.generate.test_page_path = text;
                return vec![Action::SaveTestPage];
            }
            Purpose::Har => {
                self.callbacks.listen.export_to = text;
                self.callbacks.listen.export_har(ctx);
            }
            Purpose::Junit => {
                self.callbacks.scenario.junit_to = text;
                self.callbacks.scenario.save_junit(ctx);
            }
            Purpose::Scenario => {
                self.callbacks.scenario.file = text;
                self.callbacks.part = callbacks::Part::Scenario;
            }
        }
        Vec::new()
    }

    fn draw(&mut self, ui: &mut egui::Ui, now: DateTime<Utc>) -> Vec<Action> {
        let mut actions = Vec::new();
        egui::Panel::top("top").show(ui, |ui| {
            // Wrapped: in a narrow window the keyring badge goes to a line of its own
            // instead of running under the tabs.
            ui.horizontal_wrapped(|ui| {
                ui.heading("sinch-ticket");
                ui.separator();
                for tab in Tab::ALL {
                    let panel = self.panel(tab);
                    if ui
                        .selectable_label(self.tab == tab, panel.title())
                        .on_hover_text(panel.tooltip())
                        .clicked()
                    {
                        actions.push(Action::ShowTab(tab));
                    }
                }
                ui.separator();
                actions.extend(self.settings_menu(ui));
                store_badge(ui, &self.profiles.store);
            });
        });
        let busy = self.worker.busy();
        egui::Panel::bottom("status").show(ui, |ui| {
            let cx = context(now, &self.profiles, busy, &self.clipboard, self.clear_after);
            actions.extend(self.status.ui(ui, &cx, self.tab));
        });
        // The profile serves every tab: it signs on one and verifies on another. Its bar
        // takes at most a third of the height.
        egui::Panel::top("profile").show(ui, |ui| {
            let most = (ui.ctx().content_rect().height() / 3.0).max(60.0);
            egui::ScrollArea::vertical()
                .id_salt("profile bar")
                .max_height(most)
                .show(ui, |ui| actions.extend(self.profiles.ui(ui, busy)));
        });
        // The editor, when open, sits above the tab (which stays in view, to copy from), in a
        // pane of its own that scrolls when the form is taller than it.
        if self.profiles.editor.is_some() {
            // As tall as the form (measured the frame before), and never more than 70 % of
            // what is left.
            let most = (ui.available_height() * 0.7).max(100.0);
            let measured = panes::Measured::new(ui.scope_id().with("profile editor height"));
            let wanted = measured.last(ui).unwrap_or(most);
            egui::Panel::top("profile editor")
                .exact_size(wanted.clamp(60.0, most))
                .show(ui, |ui| {
                    let content = egui::ScrollArea::vertical()
                        .id_salt("profile editor")
                        .auto_shrink([false, false])
                        .show(ui, |ui| actions.extend(self.profiles.editor_ui(ui)))
                        .content_size
                        .y
                        + 8.0;
                    measured.keep(ui, content, |height| height.clamp(60.0, most));
                });
        }
        egui::CentralPanel::default_margins().show(ui, |ui| {
            let cx = context(now, &self.profiles, busy, &self.clipboard, self.clear_after);
            let panel: &mut dyn TabPanel = match self.tab {
                Tab::Generate => &mut self.generate,
                Tab::Inspect => &mut self.inspect,
                Tab::Request => &mut self.request,
                Tab::Callbacks => &mut self.callbacks,
            };
            // Each tab lays itself out in panes that scroll on their own.
            actions.extend(panel.ui(ui, &cx));
        });
        actions
    }

    /// Applies what the panels asked for, in order: the one place where the window acts.
    fn apply(&mut self, actions: Vec<Action>, ctx: &egui::Context, now: DateTime<Utc>) {
        for action in actions {
            match action {
                Action::Worker(request) => self.worker.send(request),
                Action::SuggestUsername(user) => self.generate.suggest_username(user),
                Action::Generate => match self.generate.generate(self.profiles.state(), now) {
                    Ok(remember) => {
                        self.status.resolved(Topic::Generate);
                        self.worker.send(remember);
                    }
                    Err(why) => self.status.push(Notice::error(Topic::Generate, why)),
                },
                Action::Copy(what) => match self.copy_text(what) {
                    Some((text, noun)) => {
                        self.clipboard.copy(&text, noun, self.clear_after, now);
                        self.status.resolved(Topic::Copy);
                    }
                    None => self
                        .status
                        .push(Notice::error(Topic::Copy, self.nothing_to_copy())),
                },
                Action::CopyText { text, what } => {
                    self.clipboard.copy(&text, what, self.clear_after, now);
                    self.status.resolved(Topic::Copy);
                }
                Action::Request(what) => {
                    let profile = self.profiles.state();
                    if let Some(Action::CopyText { text, what }) =
                        self.request.perform(what, ctx, profile, now)
                    {
                        self.clipboard.copy(&text, what, self.clear_after, now);
                    }
                }
                Action::SendTrigger => {
                    let profile = self.profiles.state();
                    self.callbacks.trigger.send_now(ctx, profile, now);
                }
                Action::Choose(ask) => self.dialogs.ask(ctx, ask),
                Action::RunScenario => {
                    self.callbacks.scenario.start(ctx, self.profiles.state());
                }
                Action::StopScenario => self.callbacks.scenario.stop(),
                Action::StartListening => {
                    self.callbacks.listen.start(ctx, self.profiles.state());
                }
                Action::StopListening => self.callbacks.listen.stop(ctx),
                Action::StartMock => {
                    self.callbacks.mock.start(ctx, self.profiles.state());
                }
                Action::StopMock => self.callbacks.mock.stop(ctx),
                Action::ReplayRecord => {
                    self.callbacks.listen.replay(ctx, self.profiles.state());
                }
                Action::ClearClipboard => self.clipboard.clear_now(),
                Action::SetClearAfter(after) => self.clear_after = after,
                Action::SetTheme(theme) => {
                    self.theme = theme;
                    ctx.set_theme(theme.preference());
                }
                Action::SaveTestPage => {
                    if let Err(why) = self.generate.save_test_page(ctx) {
                        self.status.push(Notice::error(Topic::TestPage, why));
                    }
                }
                Action::OpenInBrowser(path) => {
                    if let Err(why) = (self.browser)(&path) {
                        self.status.push(Notice::error(
                            Topic::TestPage,
                            format!(
                                "{} could not be opened in a browser ({why}): open it from your browser's File menu",
                                path.display()
                            ),
                        ));
                    }
                }
                Action::ShowTab(tab) => {
                    self.tab = tab;
                    self.panel_mut(tab).focus_main();
                }
                Action::ForgetFetched => {
                    self.worker.fetched.forget();
                    if let Some(name) = self.profiles.forget_fetched(false) {
                        self.status.push(Notice::info(
                            Topic::Profiles,
                            format!(
                                "forgot the secrets of profile \"{name}\" fetched from secret managers: press Fetch again to use it."
                            ),
                        ));
                    }
                }
                Action::Notify(notice) => self.status.push(notice),
                // Closing through the viewport saves the settings and runs `on_exit`.
                Action::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            }
        }
    }

    /// The Settings menu: the theme and how long copies stay on the clipboard, remembered.
    fn settings_menu(&self, ui: &mut egui::Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        ui.menu_button("Settings", |ui| {
            ui.label(egui::RichText::new("Theme").strong());
            for (theme, label) in Theme::ALL {
                if ui.radio(self.theme == theme, label).clicked() {
                    actions.push(Action::SetTheme(theme));
                }
            }
            ui.separator();
            ui.label(egui::RichText::new("Clear copies from the clipboard after").strong());
            for (after, label) in clipboard::CLEAR_AFTER_CHOICES {
                if ui.radio(self.clear_after == after, label).clicked() {
                    actions.push(Action::SetClearAfter(after));
                }
            }
        })
        .response
        .on_hover_text("The theme, and how long a copy stays on the clipboard");
        actions
    }

    /// The panel of `tab`.
    fn panel_mut(&mut self, tab: Tab) -> &mut dyn TabPanel {
        match tab {
            Tab::Generate => &mut self.generate,
            Tab::Inspect => &mut self.inspect,
            Tab::Request => &mut self.request,
            Tab::Callbacks => &mut self.callbacks,
        }
    }

    fn panel(&self, tab: Tab) -> &dyn TabPanel {
        match tab {
            Tab::Generate => &self.generate,
            Tab::Inspect => &self.inspect,
            Tab::Request => &self.request,
            Tab::Callbacks => &self.callbacks,
        }
    }

    /// What Copy (or Ctrl+Shift+C) copies: the credential the Generate tab shows, and only
    /// while that tab is shown: a shortcut never copies what is out of sight.
    fn copy_text(&self, what: CopyWhat) -> Option<(String, &'static str)> {
        if self.tab != Tab::Generate {
            return None;
        }
        self.generate
            .copy_text(what)
            .map(|(text, noun)| (text.to_owned(), noun))
    }

    /// Why Copy found nothing to copy.
    fn nothing_to_copy(&self) -> &'static str {
        if self.tab == Tab::Generate {
            "generate a credential first (Ctrl+Enter)."
        } else {
            "Ctrl+Shift+C copies the credential of the Generate tab (Ctrl+1): this tab has its own Copy buttons."
        }
    }

    fn shortcuts(&self, ctx: &egui::Context) -> Vec<Action> {
        use egui::{Key, KeyboardShortcut, Modifiers};
        const GENERATE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);
        const COPY: KeyboardShortcut =
            KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::C);
        const QUIT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Q);
        let mut actions = Vec::new();
        ctx.input_mut(|i| {
            if i.consume_shortcut(&GENERATE) && self.profiles.editor.is_none() {
                actions.extend(self.panel(self.tab).primary_action());
            }
            // Ctrl+1 … Ctrl+9 show the tabs in their order (zipped: a tenth tab has no key,
            // and nothing can index past the keys).
            for (tab, key) in Tab::ALL.into_iter().zip(NUMBER_KEYS) {
                if i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, key)) {
                    actions.push(Action::ShowTab(tab));
                }
            }
            if i.consume_shortcut(&COPY) {
                actions.push(Action::Copy(CopyWhat::Credential));
            }
            if i.consume_shortcut(&QUIT) {
                actions.push(Action::Quit);
            }
        });
        actions
    }

    /// Repaints about once a second while a countdown is on screen, and never otherwise:
    /// an idle window uses no CPU.
    fn schedule_repaint(&self, ctx: &egui::Context, now: DateTime<Utc>) {
        let countdown_shown = (self.tab == Tab::Generate && self.generate.counting_down(now))
            || (self.tab == Tab::Request && self.request.counting_down(now));
        if countdown_shown || self.clipboard.counting_down() {
            let into_second = now.timestamp_subsec_millis();
            let wait = 1000u64.saturating_sub(u64::from(into_second)).max(50);
            ctx.request_repaint_after(Duration::from_millis(wait));
        }
        // Woken when a piece of news is due to fade.
        if let Some(due) = self.status.next_fade() {
            let wait = (due - now).to_std().unwrap_or_default();
            ctx.request_repaint_after(wait.max(Duration::from_millis(50)));
        }
        // Woken once when fetched secrets are due to be forgotten, even while hidden.
        if let Some(due) = self.profiles.fetched_due() {
            let wait = (due - now).to_std().unwrap_or_default();
            ctx.request_repaint_after(wait.max(Duration::from_millis(50)));
        }
    }
}

/// The keys of Ctrl+1 … Ctrl+9, for the tabs in their order.
const NUMBER_KEYS: [egui::Key; 9] = [
    egui::Key::Num1,
    egui::Key::Num2,
    egui::Key::Num3,
    egui::Key::Num4,
    egui::Key::Num5,
    egui::Key::Num6,
    egui::Key::Num7,
    egui::Key::Num8,
    egui::Key::Num9,
];

/// What the panels may read this frame, borrowed from the app's parts one by one (so that
/// another part can be drawn mutably meanwhile).
fn context<'a>(
    now: DateTime<Utc>,
    profiles: &'a ProfilePanel,
    busy: bool,
    clipboard: &'a ClipboardGuard<Box<dyn Clipboard>>,
    clear_after: Option<u64>,
) -> PanelContext<'a> {
    PanelContext {
        now,
        profile: profiles.state(),
        busy,
        copy_status: clipboard.status(),
        clear_after,
    }
}

impl eframe::App for SinchTicketApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.tick(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.settings());
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // Our copy leaves with us, unless the user copied something else meanwhile.
        self.clipboard.clear_now();
    }
}

/// With `SINCH_TICKET_LOG_STARTUP` set, says on stderr when a step of the start-up is done,
/// as milliseconds since the Unix epoch, for `scripts/bench-window.sh` (which knows when it
/// started the process) to break the time to the first frame down.
pub fn startup_mark(step: &str) {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("SINCH_TICKET_LOG_STARTUP").is_some()) {
        use std::io::Write as _;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "sinch-ticket: startup {step} at {:.3}",
            now.as_secs_f64() * 1000.0
        );
    }
}

/// Opens the window and runs until it is closed.
pub fn run() -> Result<(), String> {
    startup_mark("main");
    let icon = eframe::icon_data::from_png_bytes(include_bytes!(
        "../../assets/icons/hicolor/256x256/apps/sinch-ticket.png"
    ))
    .map_err(|err| format!("the built-in icon is damaged: {err}"))?;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("sinch-ticket")
            .with_app_id(APP_NAME)
            // Room for two panes side by side; eframe remembers the size the user gives it.
            .with_inner_size([1100.0, 720.0])
            .with_min_inner_size([520.0, 420.0])
            .with_icon(icon),
        ..Default::default()
    };
    startup_mark("icon");
    eframe::run_native(
        APP_NAME,
        options,
        Box::new(|cc| {
            startup_mark("window-and-gl-context");
            let settings = cc
                .storage
                .and_then(|storage| eframe::get_value::<Settings>(storage, eframe::APP_KEY))
                .unwrap_or_default();
            startup_mark("settings");
            let parts = Parts::real();
            startup_mark("clipboard-and-folders");
            let app = SinchTicketApp::new(&cc.egui_ctx, parts, settings);
            startup_mark("app");
            Ok(Box::new(app))
        }),
    )
    .map_err(|err| format!("the window could not be opened ({err}); is a display available? The command line works without one: sinch-ticket --help"))
}
