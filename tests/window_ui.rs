//! The window's behaviour, without a display: egui_kittest drives the real app state, with an
//! in-memory keyring, a recording clipboard and a clock the test moves. Widgets are found by
//! role and label, as a screen reader finds them.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use sinch_ticket::app::clipboard::RecordingClipboard;
use sinch_ticket::app::{Parts, Settings, SinchTicketApp};
use sinch_ticket::profiles::{KeyringError, MemoryStore, Profiles, SecretStore};
use sinch_ticket::sinch::oauth::ApiAuth;
use sinch_ticket::sinch::{AppSecret, Verdict, VerifyWith, inspect};
use zeroize::Zeroizing;

const SECRET: &str = "oYdgGRXoxEuJhGDY2KQ/HQ==";
const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";
const OTHER_SECRET: &str = "ax8hTTQJF0OPXL32r1LHMA==";
const OTHER_KEY: &str = "a32e5a8d-f7d8-411c-9645-9038e8dd051d";

struct World {
    harness: Harness<'static, SinchTicketApp>,
    clipboard: RecordingClipboard,
    store: Controlled,
    clock: Arc<Mutex<DateTime<Utc>>>,
    config: tempfile::TempDir,
}

/// How a [`Controlled`] keyring behaves right now.
#[derive(Default)]
struct Control {
    /// What `status` answers instead of success.
    status_error: Option<KeyringError>,
    /// What reads and writes answer instead of success.
    call_error: Option<KeyringError>,
    /// While set, reads and writes wait, as a keyring does behind an unlock prompt.
    held: bool,
}

/// An in-memory keyring the test can make fail, lock or hold, and then release.
#[derive(Clone, Default)]
struct Controlled {
    inner: MemoryStore,
    control: Arc<(Mutex<Control>, Condvar)>,
}

impl Controlled {
    fn change(&self, change: impl FnOnce(&mut Control)) {
        let (lock, changed) = &*self.control;
        change(&mut lock.lock().unwrap());
        changed.notify_all();
    }

    fn call<T>(
        &self,
        call: impl FnOnce(&MemoryStore) -> Result<T, KeyringError>,
    ) -> Result<T, KeyringError> {
        let (lock, changed) = &*self.control;
        let control = changed
            .wait_while(lock.lock().unwrap(), |c| c.held)
            .unwrap();
        if let Some(err) = &control.call_error {
            return Err(err.clone());
        }
        drop(control);
        call(&self.inner)
    }
}

impl SecretStore for Controlled {
    fn status(&self) -> Result<(), KeyringError> {
        match &self.control.0.lock().unwrap().status_error {
            Some(err) => Err(err.clone()),
            None => Ok(()),
        }
    }
    fn get(&self, service: &str, name: &str) -> Result<Option<Zeroizing<String>>, KeyringError> {
        self.call(|s| s.get(service, name))
    }
    fn set(&self, service: &str, name: &str, value: &str) -> Result<(), KeyringError> {
        self.call(|s| s.set(service, name, value))
    }
    fn delete(&self, service: &str, name: &str) -> Result<bool, KeyringError> {
        self.call(|s| s.delete(service, name))
    }
    fn location(&self) -> &'static str {
        "the test keyring"
    }
}

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z")
        .unwrap()
        .into()
}

/// Saves `sandbox` (the default) and `production` in `store`, listed in the index in `config`.
fn seed(store: impl SecretStore, config: &std::path::Path) {
    let profiles = Profiles::new(store, config.to_owned());
    profiles
        .add(
            "sandbox",
            KEY,
            &AppSecret::from_base64(SECRET).unwrap(),
            false,
        )
        .unwrap();
    profiles
        .add(
            "production",
            OTHER_KEY,
            &AppSecret::from_base64(OTHER_SECRET).unwrap(),
            false,
        )
        .unwrap();
}

/// A window over an in-memory keyring that already holds `sandbox` (the default) and
/// `production`, and then behaves as `control` says.
fn world_with(control: Control) -> World {
    world_from(control, true)
}

/// A window as on first run: no profile anywhere.
fn first_run() -> World {
    world_from(Control::default(), false)
}

fn world_from(control: Control, seeded: bool) -> World {
    world_from_with(
        control,
        seeded,
        Arc::new(sinch_ticket::profiles::Managers::from_env()),
    )
}

fn world_from_with(
    control: Control,
    seeded: bool,
    managers: Arc<dyn sinch_ticket::profiles::Resolve>,
) -> World {
    let config = tempfile::tempdir().unwrap();
    let store = Controlled::default();
    if seeded {
        seed(store.clone(), config.path());
    }
    store.change(|c| *c = control);
    let clipboard = RecordingClipboard::default();
    let clock = Arc::new(Mutex::new(start()));
    let parts = {
        let clock = clock.clone();
        Parts {
            store: Arc::new(store.clone()),
            keyring_patience: Duration::from_millis(200),
            config_dir: Some(config.path().to_owned()),
            clipboard: Box::new(clipboard.clone()),
            clock: Arc::new(move || *clock.lock().unwrap()),
            // The world's own history, never the tester's.
            history_path: Some(config.path().join("data/history.sqlite3")),
            managers,
            desktop: Arc::new(sinch_ticket::app::file_dialog::NoDesktop),
        }
    };
    let harness = Harness::builder()
        .with_size([900.0, 1000.0])
        .build_eframe(move |cc| SinchTicketApp::new(&cc.egui_ctx, parts, Settings::default()));
    let mut world = World {
        harness,
        clipboard,
        store,
        clock,
        config,
    };
    world.settle();
    world
}

fn world() -> World {
    world_with(Control::default())
}

/// Sends `body` as `event` to the window's listener at `addr`, signed with the sandbox
/// profile's key and secret (or forged), as Sinch (or an impostor) would.
fn callback_at(
    addr: std::net::SocketAddr,
    event: sinch_ticket::sinch::callback::Event,
    body: &[u8],
    forgery: sinch_ticket::sinch::callback::Forgery,
) -> sinch_ticket::net::trigger::Triggered {
    let secret = AppSecret::from_base64(SECRET).unwrap();
    sinch_ticket::net::trigger::send(sinch_ticket::net::trigger::Trigger {
        event,
        url: &format!("http://{addr}/sinch/{event}"),
        signer: sinch_ticket::sinch::callback::SecretFor::Application {
            key: KEY,
            secret: &secret,
        },
        body: body.to_vec(),
        sent_at: Utc::now(),
        nonce: String::new(),
        forgery,
        timeout: Duration::from_secs(30),
    })
    .unwrap()
}

/// A window over `store`, with the index in `config_dir` (or none), as the window starts.
fn world_over(
    store: Controlled,
    config_dir: Option<std::path::PathBuf>,
    config: tempfile::TempDir,
) -> World {
    let parts = Parts {
        store: Arc::new(store.clone()),
        keyring_patience: Duration::from_millis(200),
        config_dir,
        clipboard: Box::new(RecordingClipboard::default()),
        clock: Arc::new(start),
        history_path: None,
        managers: Arc::new(sinch_ticket::profiles::Managers::from_env()),
        desktop: Arc::new(sinch_ticket::app::file_dialog::NoDesktop),
    };
    let harness = Harness::builder()
        .with_size([900.0, 1000.0])
        .build_eframe(move |cc| SinchTicketApp::new(&cc.egui_ctx, parts, Settings::default()));
    let mut world = World {
        harness,
        clipboard: RecordingClipboard::default(),
        store,
        clock: Arc::new(Mutex::new(start())),
        config,
    };
    world.settle();
    world
}

impl World {
    /// Runs frames until the keyring worker has answered everything.
    fn settle(&mut self) {
        self.wait_until("the profile worker to answer everything", |w| {
            !w.harness.state().busy()
        });
        self.harness.run_steps(2);
    }

    /// Runs frames until `done` holds; a generous deadline only turns a hang into a failure.
    fn wait_until(&mut self, what: &str, done: impl Fn(&Self) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            self.harness.step();
            if done(self) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Clicks without waiting for the keyring, for scenarios where it does not answer.
    fn press(&mut self, label: &str) {
        self.harness.get_by_label(label).click();
        self.harness.run_steps(1);
        self.harness.event(egui::Event::PointerGone);
        self.harness.run_steps(1);
    }

    /// What the profile index lists, read as the command line would.
    fn listed(&self) -> Vec<String> {
        let profiles = Profiles::new(MemoryStore::default(), self.config.path().to_owned());
        profiles
            .list()
            .unwrap()
            .0
            .into_iter()
            .map(|p| p.name)
            .collect()
    }

    /// Presses Start listening on the Listen part, on a port the system picks (a fixed one
    /// may be taken by anything else on the machine), and returns where it listens.
    fn start_listening(&mut self) -> std::net::SocketAddr {
        self.replace_text("Port", "0");
        self.click("Start listening");
        self.app()
            .callbacks
            .listen
            .listening_on()
            .expect("listening")
    }

    /// Clicks *Stop listening* and waits until the listener has stopped (it finishes its
    /// answers in the background).
    fn stop_listening(&mut self) {
        self.click("Stop listening");
        self.wait_until("the listener stopped", |w| {
            !w.app().callbacks.listen.is_stopping()
        });
    }

    fn advance(&mut self, secs: i64) {
        *self.clock.lock().unwrap() += TimeDelta::seconds(secs);
        self.harness.run_steps(2);
    }

    /// The text field labelled `label`, whichever kind it is.
    fn field<'a>(&'a self, label: &'a str) -> egui_kittest::Node<'a> {
        [
            Role::TextInput,
            Role::PasswordInput,
            Role::MultilineTextInput,
        ]
        .into_iter()
        .find_map(|role| self.harness.query_by_role_and_label(role, label))
        .unwrap_or_else(|| panic!("no text field labelled {label:?}"))
    }

    fn type_into(&mut self, label: &str, text: &str) {
        self.field(label).click();
        self.harness.run_steps(1);
        self.harness.event(egui::Event::PointerGone);
        self.field(label).type_text(text);
        // Two frames: what the text changed (a message appearing or going) is laid out
        // before the next click, as a user sees it before clicking.
        self.harness.run_steps(2);
    }

    /// Replaces a field's text: click into it, select all, type.
    fn replace_text(&mut self, label: &str, text: &str) {
        self.field(label).click();
        self.harness.run_steps(1);
        self.harness
            .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        self.harness.run_steps(1);
        self.field(label).type_text(text);
        self.harness.run_steps(2);
    }

    /// Clicks the widget labelled `label`, then moves the pointer away as a user's hand
    /// would, so that its tooltip does not cover the next widget clicked.
    fn click(&mut self, label: &str) {
        // Scrolled to first, as a user scrolls a pane to a button out of sight.
        self.harness.get_by_label(label).scroll_to_me();
        self.harness.run_steps(1);
        self.harness.get_by_label(label).click();
        self.harness.run_steps(1);
        self.harness.event(egui::Event::PointerGone);
        self.settle();
    }

    /// The Listen part's list row whose text holds every one of `parts`.
    fn row<'a>(&'a self, parts: &'a [&'a str]) -> egui_kittest::Node<'a> {
        self.harness.get_by(|node| {
            node.role() == Role::Button
                && node
                    .label()
                    .is_some_and(|label| parts.iter().all(|part| label.contains(part)))
        })
    }

    /// Whether the Listen part lists a row whose text holds every one of `parts`.
    fn lists(&self, parts: &[&str]) -> bool {
        self.harness
            .query_all(egui_kittest::kittest::by().predicate(|node| {
                node.role() == Role::Button
                    && node
                        .label()
                        .is_some_and(|label| parts.iter().all(|part| label.contains(part)))
            }))
            .next()
            .is_some()
    }

    /// Picks the row of the Listen part's list whose text holds every one of `parts`, and
    /// waits for its history record, when it has one, to be read.
    fn pick_row(&mut self, parts: &[&str]) {
        self.row(parts).scroll_to_me();
        self.harness.run_steps(1);
        self.row(parts).click();
        self.harness.run_steps(1);
        self.harness.event(egui::Event::PointerGone);
        self.wait_until("the record read", |w| {
            !w.app().callbacks.listen.history_selected.busy()
        });
        self.harness.run_steps(2);
    }

    /// Waits until the Listen part has read the history, and lists `count` of its records.
    fn history_listed(&mut self, count: usize) {
        self.wait_until("the history read", |w| {
            let inspector = &w.app().callbacks.listen.inspector;
            !inspector.reading.busy() && inspector.kept.len() == count
        });
        self.harness.run_steps(2);
    }

    fn choose_profile(&mut self, name: &str) {
        self.harness
            .get_by_role_and_label(Role::ComboBox, "Profile")
            .click();
        self.harness.run_steps(3);
        self.click(name);
    }

    fn stored(&self, name: &str) -> Option<String> {
        self.store
            .inner
            .get(sinch_ticket::profiles::SERVICE, name)
            .unwrap()
            .map(|entry| entry.to_string())
    }

    fn app(&self) -> &SinchTicketApp {
        self.harness.state()
    }

    /// Presses `button`, which asks for a save dialog, and takes what the window's own
    /// dialog proposes (the field's path) with its Save button, and Replace when it asks.
    fn save_as(&mut self, button: &str) {
        self.click(button);
        self.harness.run_steps(2);
        self.click("Save");
        self.harness.run_steps(2);
        if self.harness.query_by_label("Replace").is_some() {
            self.click("Replace");
            self.harness.run_steps(2);
        }
        assert!(!self.app().dialogs.open(), "the dialog closed");
    }

    /// Shows `tab`, and its `part` when it has parts, laid out.
    fn show(&mut self, tab: &str, part: Option<&str>) {
        self.click(tab);
        if let Some(part) = part {
            self.click(part);
        }
        self.harness.run_steps(3);
    }

    /// Whether the control labelled `label` is disabled.
    fn disabled(&self, label: &str) -> bool {
        use egui_kittest::kittest::NodeT as _;
        self.harness
            .get_by_label(label)
            .accesskit_node()
            .is_disabled()
    }

    /// Waits until the Scenario part's run has ended (or was found unable to start).
    fn scenario_ended(&mut self) {
        self.wait_until("the run's end", |w| {
            w.app()
                .callbacks
                .scenario
                .run
                .as_ref()
                .is_some_and(|r| r.end.is_some())
        });
    }

    /// Types `value` into the number field labelled `label`, as a user does: a click turns
    /// it into a text field, Enter takes the number.
    fn set_number(&mut self, label: &str, value: &str) {
        self.harness.get_by_label(label).click();
        self.harness.run_steps(2);
        self.harness
            .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        self.harness.run_steps(1);
        self.harness.get_by_label(label).type_text(value);
        self.harness.run_steps(1);
        self.harness.key_press(egui::Key::Enter);
        self.harness.run_steps(2);
    }

    fn shows(&self, text: &str) -> bool {
        self.harness
            .query_all_by_label_contains(text)
            .next()
            .is_some()
    }
}

#[test]
fn type_a_username_press_generate_and_the_ticket_verifies() {
    let mut world = world();
    assert_eq!(
        world.app().profiles.selected.as_deref(),
        Some("sandbox"),
        "the default is preselected"
    );
    world.type_into("Username", "alice");
    world.click("Generate ticket");

    let generated = world
        .app()
        .generate
        .generated
        .as_ref()
        .expect("a ticket was made");
    let secret = AppSecret::from_base64(SECRET).unwrap();
    let report = inspect(
        &generated.made.credential,
        Some(VerifyWith {
            secret: &secret,
            application_key: Some(KEY),
        }),
        start(),
    )
    .unwrap();
    assert_eq!(report.verdict, Verdict::Verified);
    assert_eq!(report.identity.unwrap().endpoint, "alice");
    assert_eq!(report.issued_at, Some(start()));
    assert!(world.shows("expires in 1h"), "the countdown is shown");
    assert!(world.shows("username alice"));
}

#[test]
fn ctrl_enter_generates_and_copy_asks_for_exactly_the_ticket_or_the_snippet() {
    let mut world = world();
    world.type_into("Username", "bob");
    world
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    world.harness.run_steps(2);
    let ticket = world
        .app()
        .generate
        .generated
        .as_ref()
        .expect("Ctrl+Enter generated")
        .made
        .credential
        .clone();

    world.click("Copy ticket");
    assert_eq!(world.clipboard.content().as_deref(), Some(ticket.as_str()));
    assert!(world.shows("Copied ticket, clears in 60 s"));

    world.click("Copy JS snippet");
    let snippet = world.clipboard.content().unwrap();
    assert!(
        snippet.contains(&format!(
            "sinchClient.start({{\"userTicket\": \"{ticket}\"}});"
        )),
        "{snippet}"
    );

    world.clipboard.replace("");
    world.harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::C,
    );
    world.harness.run_steps(2);
    assert_eq!(
        world.clipboard.content().as_deref(),
        Some(ticket.as_str()),
        "Ctrl+Shift+C copies the ticket"
    );
}

#[test]
fn a_jwt_for_the_current_sdk_is_made_with_the_other_profile() {
    let mut world = world();
    world.choose_profile("production");
    world.type_into("Username", "carol");
    world.click("Registration JWT (Voice & Video SDKs)");
    world.click("10 min");
    world.click("Generate JWT");
    let jwt = world
        .app()
        .generate
        .generated
        .as_ref()
        .unwrap()
        .made
        .credential
        .clone();
    let secret = AppSecret::from_base64(OTHER_SECRET).unwrap();
    let report = inspect(
        &jwt,
        Some(VerifyWith {
            secret: &secret,
            application_key: Some(OTHER_KEY),
        }),
        start(),
    )
    .unwrap();
    assert!(report.accepted(), "{report:?}");
    assert!(world.shows("expires in 10m"));
    world.click("Copy JS snippet");
    assert!(
        world
            .clipboard
            .content()
            .unwrap()
            .contains(&format!("registration.register(\"{jwt}\")"))
    );
}

#[test]
fn bad_input_explains_itself_and_the_button_says_why_it_is_disabled() {
    let mut world = world();
    assert!(
        world.shows("The username is empty"),
        "the reason is shown beside the disabled button"
    );
    world.click("Generate ticket");
    assert!(world.app().generate.generated.is_none());

    world.type_into("Username", "alice");
    world.click("Custom");
    world.replace_text("Custom expiry", "forever");
    assert!(
        world.shows("is not a duration"),
        "inline message next to the field"
    );
    world.click("Generate ticket");
    assert!(world.app().generate.generated.is_none());
}

#[test]
fn switching_profiles_never_leaves_the_previous_secret_in_a_field() {
    let mut world = world();
    world.click("Edit…");
    world.type_into("Application secret", OTHER_SECRET);
    assert!(world.app().profiles.editor.is_some());

    world.choose_profile("production");
    assert!(
        world.app().profiles.editor.is_none(),
        "the editor closed, taking the typed secret with it"
    );
    assert_eq!(world.app().profiles.loaded.as_ref().unwrap().key, OTHER_KEY);

    world.click("Edit…");
    let editor = world.app().profiles.editor.as_ref().unwrap();
    assert_eq!(editor.name, "production");
    assert!(editor.secret.is_empty(), "no secret is pre-filled");
    assert!(!editor.reveal, "the reveal toggle starts hidden");
}

#[test]
fn a_profile_added_in_the_window_lands_in_the_keyring() {
    let mut world = world();
    world.click("Add…");
    world.type_into("Profile name", "staging");
    world.type_into("Application key", KEY);
    world.type_into("Application secret", "not base64!");
    world.click("Save profile");
    assert!(
        world.shows("not valid base64"),
        "the editor says what is wrong"
    );
    assert_eq!(world.stored("staging"), None);

    world.replace_text("Application secret", SECRET);
    world.click("Save profile");
    assert!(
        world.app().profiles.editor.is_none(),
        "{:?}",
        world.app().profiles.editor.as_ref().map(|e| &e.error)
    );
    assert!(world.stored("staging").unwrap().contains(KEY));
    assert_eq!(world.app().profiles.selected.as_deref(), Some("staging"));
    assert!(world.shows("Saved profile \"staging\""));
}

#[test]
fn the_countdown_reaches_expired_and_then_stops_repainting() {
    let mut world = world();
    world.type_into("Username", "alice");
    world.click("10 min");
    world.click("Generate ticket");
    assert!(world.shows("expires in 10m"));
    let delay = world.harness.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
    assert!(
        delay <= Duration::from_secs(1),
        "repaints about once a second while counting: {delay:?}"
    );

    world.advance(299);
    assert!(world.shows("expires in 5m 1s"));
    world.advance(301);
    assert!(world.shows("expired"));
    // Let the clipboard-free window go idle: no more repaints once the countdown is over.
    world.harness.run_steps(2);
    let delay = world.harness.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
    assert_eq!(delay, Duration::MAX, "an idle window asks for no repaint");
}

#[test]
fn news_fades_errors_stay_with_their_tab_until_fixed() {
    let mut world = world();
    // An error of the Generate tab: shown there, not on another tab, and it does not fade.
    world
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    world.harness.run_steps(2);
    let error = "The username is empty";
    assert!(world.harness.query_all_by_label_contains(error).count() >= 1);
    let in_status = |world: &World| {
        world
            .harness
            .query_all_by_label_contains(error)
            .any(|node| node.rect().min.y > 600.0)
    };
    assert!(in_status(&world), "said in the status line");
    world.click("Request");
    assert!(!in_status(&world), "not on the Request tab");
    world.click("Generate");
    assert!(in_status(&world), "back with its tab");
    world.advance(60);
    assert!(in_status(&world), "an error does not fade");

    // News fades after five seconds, and the window wakes for it.
    world.click("Add…");
    world.type_into("Profile name", "staging");
    world.type_into("Application key", KEY);
    world.type_into("Application secret", SECRET);
    world.click("Save profile");
    world.settle();
    assert!(world.shows("Saved profile \"staging\""));
    let delay = world.harness.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
    assert!(
        delay <= Duration::from_secs(5),
        "woken to fade it: {delay:?}"
    );
    world.advance(4);
    assert!(world.shows("Saved profile \"staging\""));
    world.advance(2);
    assert!(!world.shows("Saved profile \"staging\""), "faded");
    // Fixed, the error goes.
    world.type_into("Username", "alice");
    world.click("Generate ticket");
    assert!(!in_status(&world));
}

#[test]
fn the_settings_menu_sets_the_theme_and_the_clipboard_time_and_both_are_remembered() {
    let mut world = world();
    world.click("Settings");
    world.click("Dark");
    assert_eq!(world.harness.ctx.theme(), egui::Theme::Dark);
    world.click("Settings");
    world.click("2 min");
    assert_eq!(world.app().clear_after, Some(120));
    // Copied, the copy says the new time.
    world.type_into("Username", "alice");
    world.click("Generate ticket");
    world.click("Copy ticket");
    assert!(world.shows("clears in 120 s"));

    // Remembered: a window started with what this one saves is dark, and clears after 2 min.
    let saved = world.app().settings();
    let saved: Settings = serde_json::from_str(&serde_json::to_string(&saved).unwrap()).unwrap();
    assert_eq!(saved.theme, sinch_ticket::app::Theme::Dark);
    let parts = Parts {
        store: Arc::new(MemoryStore::default()),
        keyring_patience: Duration::from_millis(200),
        config_dir: None,
        clipboard: Box::new(RecordingClipboard::default()),
        clock: Arc::new(start),
        history_path: None,
        managers: Arc::new(sinch_ticket::profiles::Managers::from_env()),
        desktop: Arc::new(sinch_ticket::app::file_dialog::NoDesktop),
    };
    let mut again = Harness::builder()
        .with_size([900.0, 1000.0])
        .build_eframe(move |cc| SinchTicketApp::new(&cc.egui_ctx, parts, saved));
    again.run_steps(2);
    assert_eq!(again.ctx.theme(), egui::Theme::Dark);
    assert_eq!(again.state().clear_after, Some(120));
}

#[test]
fn the_auto_clear_leaves_a_clipboard_that_changed_meanwhile() {
    let mut world = world();
    world.type_into("Username", "alice");
    world.click("Generate ticket");
    world.click("Copy ticket");
    world.clipboard.replace("the user's own copy");
    world.advance(61);
    assert_eq!(
        world.clipboard.content().as_deref(),
        Some("the user's own copy")
    );
    assert!(world.shows("left alone"));

    world.click("Copy ticket");
    world.advance(61);
    assert_eq!(
        world.clipboard.content(),
        None,
        "our own copy is cleared after 60 s"
    );
    assert!(world.shows("Clipboard cleared"));
}

#[test]
fn without_a_keyring_the_window_says_session_only_and_still_works() {
    let mut world = world_with(Control {
        status_error: Some(KeyringError::Unavailable("no Secret Service".into())),
        ..Control::default()
    });
    assert!(world.shows("Session only, not saved"));
    assert!(
        world.shows("Saved profiles out of reach until it answers: production, sandbox"),
        "the index lists profiles the keyring holds"
    );
    assert!(!world.shows("No profiles yet"));
    world.click("Add…");
    world.type_into("Profile name", "temp");
    world.type_into("Application key", KEY);
    world.type_into("Application secret", SECRET);
    world.click("Save profile");
    world.type_into("Username", "alice");
    world.click("Generate ticket");
    assert!(
        world.app().generate.generated.is_some(),
        "typed credentials work for the session"
    );
}

#[test]
fn the_inspect_tab_verifies_with_the_selected_profile_and_explains_garbage() {
    let mut world = world();
    world.click("Inspect");
    // Nothing is said about verification while there is nothing to verify.
    assert!(!world.shows("verified") && !world.shows("Verified"));
    world.type_into("Token to inspect", "eyJpZGVudGl0eSI6eyJ0eXBlIjoidXNlcm5hbWUiLCJlbmRwb2ludCI6ImFsaWNlIn0sImV4cGlyZXNJbiI6MzYwMCwiYXBwbGljYXRpb25LZXkiOiIxOTYwODdhMS1lODE1LTRiYzQtODk4NC02MGQ4ZDhhNDNmMWQiLCJjcmVhdGVkIjoiMjAyNi0wMS0wMlQwMzowNDowNVoifQ==:aOs0i+KiTP6mVdWD+kQYXgkYLtwm0qcGU6fIi5XqY9I=");
    assert!(world.shows("Sinch should accept it"));
    assert!(world.shows("Verified with the secret of profile \"sandbox\""));

    world.choose_profile("production");
    assert!(
        world.shows("Sinch will reject it"),
        "verified against the newly selected profile"
    );

    world.replace_text("Token to inspect", "hello world");
    assert!(world.shows("not a Sinch credential"));
}

#[test]
fn a_keyring_that_answers_late_still_leaves_keyring_and_index_agreeing() {
    let mut world = world();
    world.store.change(|c| c.held = true);
    world.click("Add…");
    world.type_into("Profile name", "staging");
    world.type_into("Application key", KEY);
    world.type_into("Application secret", SECRET);
    world.press("Save profile");
    world.wait_until("the window to say the keyring is slow", |w| {
        w.shows("The keyring has not answered for")
    });
    assert_eq!(world.stored("staging"), None);
    assert!(!world.listed().contains(&"staging".to_owned()));

    world.store.change(|c| c.held = false);
    world.wait_until("the late save", |w| w.shows("Saved profile \"staging\""));
    assert!(world.stored("staging").is_some());
    assert!(world.listed().contains(&"staging".to_owned()));
    assert!(!world.shows("The keyring has not answered"));

    world.settle();
    world.store.change(|c| c.held = true);
    world.click("Delete");
    world.press("Delete profile");
    world.wait_until("the window to say the keyring is slow", |w| {
        w.shows("The keyring has not answered for")
    });
    assert!(world.stored("staging").is_some());
    assert!(world.listed().contains(&"staging".to_owned()));

    world.store.change(|c| c.held = false);
    world.wait_until("the late delete", |w| {
        w.shows("Deleted profile \"staging\"")
    });
    assert_eq!(world.stored("staging"), None);
    assert!(!world.listed().contains(&"staging".to_owned()));
}

#[test]
fn session_profiles_move_into_the_keyring_when_it_answers_again() {
    let mut world = world_with(Control {
        status_error: Some(KeyringError::NotAnswering(Duration::from_secs(5))),
        ..Control::default()
    });
    assert!(world.shows("Session only, not saved"));
    world.click("Add…");
    world.type_into("Profile name", "temp");
    world.type_into("Application key", KEY);
    world.type_into("Application secret", SECRET);
    world.click("Save profile");
    assert_eq!(world.stored("temp"), None, "kept in memory only for now");

    world.store.change(|c| c.status_error = None);
    world.wait_until("the keyring to be tried again", |w| {
        w.shows("The keyring answers again")
    });
    world.settle();
    assert!(world.shows("Moved there: temp"));
    assert!(world.shows("Stored in the test keyring"));
    assert!(world.stored("temp").unwrap().contains(KEY));
    let listed = world.listed();
    assert!(
        ["production", "sandbox", "temp"]
            .iter()
            .all(|p| listed.contains(&(*p).to_owned())),
        "{listed:?}"
    );
    assert!(
        world
            .app()
            .profiles
            .list
            .iter()
            .any(|p| p.name == "production")
    );
}

#[test]
fn a_locked_keyring_is_shown_as_locked_and_retry_reads_it_once_unlocked() {
    let mut world = world_with(Control {
        call_error: Some(KeyringError::Locked("collection is locked".into())),
        ..Control::default()
    });
    assert!(world.shows("OS keyring locked"));
    assert!(!world.shows("Stored in"));
    assert!(world.app().profiles.loaded.is_none());

    world.store.change(|c| c.call_error = None);
    world.click("Retry");
    assert!(world.shows("Stored in the test keyring"));
    assert_eq!(
        world.app().profiles.loaded.as_ref().unwrap().name,
        "sandbox"
    );
}

#[test]
fn on_first_run_the_generate_button_asks_for_a_profile_first() {
    let mut world = first_run();
    assert!(world.shows("No profiles yet"));
    assert!(
        world.shows("Add a profile first"),
        "the first thing to fix is that there is no profile"
    );
    assert!(!world.shows("The username is empty"));
    world.type_into("Username", "alice");
    assert!(world.shows("Add a profile first"));
}

#[test]
fn typing_right_after_add_goes_into_the_profile_name() {
    let mut world = world();
    world.click("Add…");
    world.harness.run_steps(1);
    world.harness.event(egui::Event::Text("staging".into()));
    world.harness.run_steps(2);
    assert_eq!(
        world.app().profiles.editor.as_ref().unwrap().name,
        "staging"
    );
    assert!(world.field("Profile name").is_focused());
}

#[test]
fn a_long_warning_wraps_inside_the_window() {
    let mut world = world();
    world.click("Add…");
    world.type_into(
        "Application key",
        "this is clearly not a key but a sentence pasted by mistake",
    );
    let warning = world
        .harness
        .query_all_by_label_contains("does not look like a Sinch key")
        .next()
        .expect("the key warning is shown");
    let right = warning.rect().right();
    assert!(
        right <= 900.0,
        "the warning runs off the window: its right edge is at {right}"
    );
}

#[test]
fn a_non_ascii_ticket_is_escaped_unless_raw_utf8_is_ticked() {
    use base64::Engine as _;
    let json_of = |world: &World| {
        let ticket = &world
            .app()
            .generate
            .generated
            .as_ref()
            .unwrap()
            .made
            .credential;
        let json = base64::engine::general_purpose::STANDARD
            .decode(ticket.split_once(':').unwrap().0)
            .unwrap();
        String::from_utf8(json).unwrap()
    };
    let mut world = world();
    world.type_into("Username", "Åsa");
    world.click("Generate ticket");
    assert!(
        json_of(&world).contains(r#""endpoint":"\u00c5sa""#),
        "{}",
        json_of(&world)
    );

    world.click("Raw UTF-8, as the sinch_auth gem writes it");
    world.click("Generate ticket");
    assert!(
        json_of(&world).contains(r#""endpoint":"Åsa""#),
        "{}",
        json_of(&world)
    );
    assert!(world.shows("JS SDK v1 will see this user as"));
}

// Each test binary uses a part of the shared servers.
#[allow(dead_code)]
#[path = "support/server.rs"]
mod server;

#[test]
fn the_request_tab_signs_copies_as_curl_and_sends_to_a_real_server() {
    use sinch_ticket::sinch::signing::{SignRequest, sign_request};
    let mut world = world();
    world.click("Request");
    let (port, server_thread) = server::checking_server(SECRET, KEY, None, None);
    world.replace_text("Host", &format!("http://127.0.0.1:{port}"));
    world.replace_text("Path", "/calling/v1/callouts?x=1");
    world.click("Sign");
    // What the window shows is what the core signs for the same request at the same time.
    let expected = sign_request(
        KEY,
        &AppSecret::from_base64(SECRET).unwrap(),
        &SignRequest {
            method: "POST",
            resource: "/calling/v1/callouts?x=1",
            content_type: Some("application/json"),
            body: world.app().request.body.as_bytes(),
            timestamp: "2026-01-02T03:04:05Z",
        },
    );
    assert!(
        world.shows(&expected.authorization),
        "{}",
        expected.authorization
    );

    world.click("Copy as curl");
    let copied = world.clipboard.content().unwrap();
    assert!(
        copied.starts_with(&format!(
            "curl --path-as-is -X POST 'http://127.0.0.1:{port}/calling/v1/callouts?x=1'"
        )),
        "{copied}"
    );
    assert!(!copied.contains(SECRET));
    assert!(world.shows("Copied curl command, clears in 60 s"));

    world.click("Send");
    world.wait_until("the server's answer", |w| w.shows("HTTP 200 OK"));
    let received = server_thread.join().unwrap();
    assert!(
        received.starts_with("POST /calling/v1/callouts?x=1 HTTP/1.1"),
        "{received}"
    );
    let answer = world
        .app()
        .request
        .answer
        .last
        .as_ref()
        .unwrap()
        .as_ref()
        .unwrap();
    assert!(answer.answer.pretty_body().contains("\"callId\": \"c-1\""));

    // Change the form: what is shown says it was made from an earlier one, until the form
    // is as it was again.
    let earlier = "The answer to an earlier form";
    assert!(!world.shows(earlier));
    world.replace_text("Path", "/calling/v1/callouts?x=2");
    assert!(world.shows(earlier));
    assert!(world.shows("Made from an earlier form"));
    world.replace_text("Path", "/calling/v1/callouts?x=1");
    assert!(!world.shows(earlier) && !world.shows("Made from an earlier form"));
}

#[test]
fn after_send_the_answer_is_in_view_without_scrolling_at_the_default_and_the_minimum_size() {
    for (width, height) in [(1100.0, 720.0), (520.0, 420.0)] {
        let mut world = world();
        world.harness.set_size(egui::vec2(width, height));
        world.click("Request");
        let (port, server_thread) = server::checking_server(SECRET, KEY, None, None);
        world.replace_text("Host", &format!("http://127.0.0.1:{port}"));
        // Signed first: what was signed takes the room where the answer used to go.
        world.click("Sign");
        world.click("Send");
        world.wait_until("the server's answer", |w| w.shows("HTTP 200 OK"));
        server_thread.join().unwrap();
        world.harness.run_steps(2);
        for shown in ["HTTP 200 OK", "Answer body"] {
            let rect = world.harness.get_by_label_contains(shown).rect();
            assert!(
                rect.min.x >= 0.0
                    && rect.max.x <= width
                    && rect.min.y >= 0.0
                    && rect.min.y + 12.0 <= height,
                "at {width}x{height} \"{shown}\" is at {rect:?}, out of view"
            );
        }
    }
}

#[test]
fn a_host_preset_authorizes_as_its_host_does_with_the_same_table_as_send() {
    let mut world = world();
    world.click("Edit…");
    world.click("Project credentials");
    world.type_into("Service Plan ID", "plan-7");
    world.type_into("Service plan API token", "api-token-7");
    world.click("Save profile");
    world.settle();
    world.click("Request");
    // A preset fills the host (the list is the core's table, checked against the host rules
    // in `sinch::api`'s tests).
    world.click("Sinch hosts");
    world.harness.run_steps(2);
    world.click("Voice, Europe");
    assert_eq!(
        world.app().request.host,
        "https://calling-euc1.api.sinch.com"
    );
    assert_eq!(world.app().request.effective_auth(), ApiAuth::Application);
    world.replace_text("Host", "https://us.sms.api.sinch.com");
    world.replace_text("Path", "/xms/v1/{service_plan_id}/batches");
    world.click("Sign");
    world.harness.run_steps(2);
    let signed = world.app().request.signed.as_ref().expect("signed");
    assert_eq!(
        signed.how,
        ApiAuth::ServicePlan,
        "by host: the plan's token ({})",
        signed.url
    );
    assert_eq!(
        signed.url,
        "https://us.sms.api.sinch.com/xms/v1/plan-7/batches"
    );
    assert_eq!(
        signed.auth.headers()[0],
        ("Authorization".to_owned(), "Bearer api-token-7".to_owned())
    );
    // The token works for whoever reads it: the window does not show it.
    assert!(!world.shows("api-token-7"));
    assert!(world.shows("Bearer [hidden: a token of 11 characters"));
    // The command line's choice for the same URL is the same.
    assert_eq!(
        sinch_ticket::net::target::auth_for_url(&signed.url),
        ApiAuth::ServicePlan
    );
}

#[test]
fn the_callbacks_tab_verify_part_says_whether_a_pasted_request_verifies_and_why_not() {
    use sinch_ticket::sinch::signing::{SignRequest, sign_request};
    let body = r#"{"event":"ice","callid":"c-1"}"#;
    let signed = sign_request(
        KEY,
        &AppSecret::from_base64(SECRET).unwrap(),
        &SignRequest {
            method: "POST",
            resource: "/sinch/ice",
            content_type: Some("application/json"),
            body: body.as_bytes(),
            timestamp: "2026-01-02T03:04:00Z",
        },
    );
    let raw = format!(
        "POST /sinch/ice HTTP/1.1\nContent-Type: application/json\nx-timestamp: 2026-01-02T03:04:00Z\nAuthorization: {}\n\n{body}",
        signed.authorization
    );
    let mut world = world();
    world.click("Callbacks");
    world.type_into("Raw request", &raw);
    assert!(world.shows("Verified with profile \"sandbox\""));

    world.replace_text(
        "Raw request",
        &raw.replace("POST /sinch/ice", "POST /proxy/sinch/ice"),
    );
    assert!(world.shows("Not verified"));
    assert!(world.shows("proxy that added /proxy"));
    let expected = world
        .field("Expected string to sign")
        .value()
        .unwrap_or_default();
    assert!(
        expected.contains("x-timestamp:2026-01-02T03:04:00Z\n/proxy/sinch/ice"),
        "the expected string to sign is shown: {expected}"
    );

    world.replace_text("Raw request", "hello");
    assert!(world.shows("request line"));
}

const GOOD_ICE_ANSWER: &str = r#"{"action":{"name":"connectPstn","number":"+46700000001"}}"#;

impl World {
    /// Points the Trigger part at a fresh server on loopback that answers as `answering`
    /// says, presses Send event, and waits for the answer. Returns what the server got.
    fn trigger_at(&mut self, answering: server::Answering) -> server::Received {
        // The window's clock is the test's, hours away from the server's: no age check.
        self.trigger_at_checking_age(None, answering)
    }

    /// As [`World::trigger_at`], at a server that refuses an x-timestamp further than
    /// `max_age` seconds from its own (real) clock.
    fn trigger_at_checking_age(
        &mut self,
        max_age: Option<u64>,
        answering: server::Answering,
    ) -> server::Received {
        let (port, server) = server::answering_server(SECRET, KEY, max_age, answering);
        self.replace_text(
            "Your server's URL",
            &format!("http://127.0.0.1:{port}/sinch/callback"),
        );
        self.click("Send event");
        self.wait_until("the server's answer", |w| {
            w.app().callbacks.trigger.result.last.is_some()
        });
        server.join().unwrap()
    }
}

#[test]
fn the_callbacks_tab_triggers_a_realistic_event_and_checks_the_answer_as_sinch_would() {
    let mut world = world();
    world.click("Callbacks");
    world.click("Trigger");
    let body = world.field("Event body").value().unwrap_or_default();
    assert!(body.contains("\"event\": \"ice\""), "{body}");
    assert!(
        body.contains(KEY),
        "the profile's key is in the body: {body}"
    );

    let received = world.trigger_at(server::Answering::careful(
        200,
        r#"{"action":{"name":"dance"}}"#,
    ));
    assert!(received.verified, "{}", received.raw);
    assert!(world.shows("HTTP 200"));
    assert!(world.shows("Sinch could not use this answer"));
    assert!(world.shows("\"dance\" is not a SVAML action"));

    let received = world.trigger_at(server::Answering::careful(200, GOOD_ICE_ANSWER));
    assert!(received.verified);
    assert!(world.shows("Sinch can use this answer to the Incoming Call Event (Voice)."));
    // The answer is the sent event's: a change of signature choice says so.
    let earlier = "The answer to an earlier event";
    assert!(!world.shows(earlier));
    world.click("Bad signature");
    assert!(world.shows(earlier));
    world.click("Signed");
    assert!(!world.shows(earlier));

    // Another profile's key goes into an untouched body; an edited body stays as edited.
    world.choose_profile("production");
    let body = world.field("Event body").value().unwrap_or_default();
    assert!(body.contains(OTHER_KEY), "{body}");
    world.replace_text("Event body", r#"{"event":"ice","mine":true}"#);
    world.choose_profile("sandbox (default)");
    let body = world.field("Event body").value().unwrap_or_default();
    assert_eq!(body, r#"{"event":"ice","mine":true}"#);

    // Another event makes another body, sent byte for byte as shown.
    world.click("Event");
    world.click("dice — Disconnected Call Event");
    let body = world.field("Event body").value().unwrap_or_default();
    assert!(body.contains("\"event\": \"dice\""), "{body}");
    let received = world.trigger_at(server::Answering::careful(204, ""));
    assert!(received.raw.ends_with(&body), "{}", received.raw);
    assert!(world.shows("Sinch can use this answer to the Disconnected Call Event (Voice)."));
}

/// A scenario of every kind of delivery: answered, retried, sent twice, forged, and one
/// whose expectation is wrong.
const SCENARIO: &str = r#"
[[step]]
name = "answered"
trigger = "ice"

[[step]]
name = "retried"
trigger = "dice"
retry = "sinch"

[[step]]
name = "twice"
trigger = "dice"
repeat = 2

[[step]]
name = "forged"
trigger = "dice"
signature = "bad"
expect = "refused"

[[step]]
name = "wrongly expected"
trigger = "dice"
expect = "refused"
"#;

/// A window on the Callbacks tab's Scenario part.
fn scenario_world() -> World {
    let mut world = world();
    world.click("Callbacks");
    world.click("Scenario");
    world
}

/// A server for [`SCENARIO`]'s seven requests that takes whatever comes, the second answered
/// 503 (the retried step's first try).
fn scenario_server() -> (u16, std::thread::JoinHandle<Vec<server::Received>>) {
    server::answering_in_turn(
        SECRET,
        KEY,
        (0..7)
            .map(|i| server::Answering::careless(if i == 1 { 503 } else { 200 }, ""))
            .collect(),
    )
}

#[test]
fn the_scenario_part_runs_a_file_step_by_step_draws_its_deliveries_and_saves_the_junit_report() {
    let mut world = scenario_world();
    // Nothing named, or garbage: said where the run would be, nothing sent.
    world.click("Run scenario");
    assert!(world.shows("Not run: name a scenario file first"));
    let folder = tempfile::tempdir().unwrap();
    let garbage = folder.path().join("garbage.toml");
    std::fs::write(&garbage, "[[step]]\ntrigger = 12\n").unwrap();
    world.replace_text("Scenario file", &garbage.display().to_string());
    world.click("Run scenario");
    world.wait_until("the file checked", |w| {
        w.app()
            .callbacks
            .scenario
            .run
            .as_ref()
            .is_some_and(|r| r.end.is_some())
    });
    assert!(world.shows("is not a scenario"));

    let file = folder.path().join("checkout.toml");
    std::fs::write(&file, SCENARIO).unwrap();
    let ok = |body: &str| server::Answering::careful(200, body);
    let (port, server) = server::answering_in_turn(
        SECRET,
        KEY,
        vec![
            ok(GOOD_ICE_ANSWER),
            server::Answering::careful(503, ""),
            ok(""),
            ok(""),
            ok(""),
            ok(""), // the forged one: refused 401 by the careful server
            ok(""), // accepted, though the step expected a refusal
        ],
    );
    world.replace_text("Scenario file", &file.display().to_string());
    world.replace_text(
        "Your server",
        &format!("http://127.0.0.1:{port}/sinch/callback"),
    );
    // Sinch's 5 s before the retry, a thousandth of it.
    world.set_number("Time scale", "0.001");
    assert_eq!(world.app().callbacks.scenario.time_scale, 0.001);
    world.click("Run scenario");
    world.scenario_ended();
    let received = server.join().unwrap();
    assert_eq!(received.len(), 7);
    assert!(
        received[..5].iter().all(|r| r.verified),
        "signed as Sinch signs"
    );
    assert!(!received[5].verified, "the forged step is forged");
    assert!(
        world.shows(&format!(
            "5 step(s) to http://127.0.0.1:{port}/sinch/callback: 4 passed, 1 failed, in"
        )),
        "the summary"
    );
    assert!(world.shows("Dice answered 200: expected a refusal (4xx)"));
    assert!(world.shows("503, 200"), "the retried step's answers");
    let timeline = world.harness.get_by(|n| {
        n.role() == Role::Image && n.label().is_some_and(|l| l.starts_with("Deliveries"))
    });
    let said = egui_kittest::kittest::NodeT::accesskit_node(&timeline)
        .label()
        .unwrap_or_default();
    assert!(
        said.contains("7 request(s), 1 step(s) retried, 1 sent more than once"),
        "{said}"
    );

    // The JUnit report, beside the scenario unless named elsewhere.
    let report = folder.path().join("checkout-junit.xml");
    assert_eq!(
        world.field("JUnit report").value().unwrap_or_default(),
        report.display().to_string()
    );
    world.save_as("Save JUnit report…");
    world.wait_until("the report saved", |w| {
        w.app().callbacks.scenario.saved.last.is_some()
    });
    let xml = std::fs::read_to_string(&report).unwrap();
    assert!(
        xml.contains("tests=\"5\"") && xml.contains("failures=\"1\""),
        "{xml}"
    );
    assert!(xml.contains("expected a refusal (4xx)"), "{xml}");

    // A change of file says the run shown is an earlier one's.
    world.replace_text("Your server", "http://127.0.0.1:1/elsewhere");
    assert!(world.shows("The run of an earlier form"));
    // The report follows the scenario run, unless another file was named.
    world.replace_text("Scenario file", &garbage.display().to_string());
    world.click("Run scenario");
    assert_eq!(
        world.app().callbacks.scenario.junit_to,
        folder
            .path()
            .join("garbage-junit.xml")
            .display()
            .to_string()
    );
    world.harness.state_mut().callbacks.scenario.junit_to = "/somewhere/mine.xml".into();
    world.replace_text("Scenario file", &file.display().to_string());
    world.click("Run scenario");
    assert_eq!(
        world.app().callbacks.scenario.junit_to,
        "/somewhere/mine.xml"
    );
}

#[test]
fn without_a_desktop_dialog_the_window_draws_its_own_to_open_and_save_files() {
    let mut world = scenario_world();
    let folder = tempfile::tempdir().unwrap();
    let suite = folder.path().join("suite");
    std::fs::create_dir(&suite).unwrap();
    std::fs::write(suite.join("checkout.toml"), SCENARIO).unwrap();
    std::fs::write(suite.join("notes.txt"), "not a scenario").unwrap();
    std::fs::write(suite.join(".hidden.toml"), SCENARIO).unwrap();
    // The dialog starts where the field points.
    world.replace_text(
        "Scenario file",
        &folder.path().join("missing.toml").display().to_string(),
    );
    world.click("Open…");
    assert!(world.app().dialogs.open());
    assert!(world.shows("Open a scenario"));
    assert_eq!(
        world.field("Folder").value().unwrap_or_default(),
        folder.path().display().to_string()
    );
    assert_eq!(
        world.field("File name").value().unwrap_or_default(),
        "missing.toml"
    );
    assert!(world.shows("There is no file missing.toml here."));
    assert!(world.disabled("Open"), "nothing to open");
    // Into a folder: its scenarios are listed, other files and hidden ones are not. (The
    // folder is read off the UI thread.)
    world.wait_until("the folder listed", |w| w.shows("suite/"));
    world.click("suite/");
    assert_eq!(
        world.field("Folder").value().unwrap_or_default(),
        suite.display().to_string()
    );
    world.wait_until("the folder listed", |w| w.shows("checkout.toml"));
    assert!(!world.shows("notes.txt") && !world.shows(".hidden.toml"));
    world.click("checkout.toml");
    world.click("Open");
    assert!(!world.app().dialogs.open());
    assert_eq!(
        world.field("Scenario file").value().unwrap_or_default(),
        suite.join("checkout.toml").display().to_string()
    );
    // Escape closes it and changes nothing; Up goes to the folder above.
    world.click("Open…");
    world.click("Up");
    assert_eq!(
        world.field("Folder").value().unwrap_or_default(),
        folder.path().display().to_string()
    );
    world.harness.key_press(egui::Key::Escape);
    world.harness.run_steps(2);
    assert!(!world.app().dialogs.open());
    assert_eq!(
        world.field("Scenario file").value().unwrap_or_default(),
        suite.join("checkout.toml").display().to_string()
    );

    // Save: a name typed and Enter writes the report there.
    let (port, server) = scenario_server();
    world.replace_text("Your server", &format!("http://127.0.0.1:{port}/"));
    world.set_number("Time scale", "0.001");
    world.click("Run scenario");
    world.scenario_ended();
    server.join().unwrap();
    world.click("Save JUnit report…");
    assert!(world.shows("Save the JUnit report"));
    world.replace_text("File name", "custom.xml");
    world.harness.key_press(egui::Key::Enter);
    world.harness.run_steps(2);
    world.wait_until("the report saved", |w| {
        w.app().callbacks.scenario.saved.last.is_some()
    });
    let report = suite.join("custom.xml");
    assert!(
        std::fs::read_to_string(&report)
            .unwrap()
            .contains("<testsuites")
    );
    assert_eq!(
        world.field("JUnit report").value().unwrap_or_default(),
        report.display().to_string()
    );
    assert!(world.shows(&format!("Saved {}.", report.display())));

    // Saving over it asks first: Keep it leaves the file, Replace writes over it.
    std::fs::write(&report, "mine").unwrap();
    world.click("Save JUnit report…");
    world.click("Save");
    assert!(world.shows("A file named custom.xml exists already here. Replace it?"));
    assert_eq!(focused(&world).map(|f| f.1).as_deref(), Some("Replace"));
    world.click("Keep it");
    assert!(world.app().dialogs.open(), "still choosing");
    assert!(!world.shows("Replace it?"));
    world.click("Cancel");
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "mine");
    world.click("Save JUnit report…");
    world.harness.key_press(egui::Key::Enter);
    world.harness.run_steps(2);
    assert!(world.shows("Replace it?"), "Enter asks too");
    world.harness.key_press(egui::Key::Enter);
    world.harness.run_steps(2);
    world.wait_until("the report saved again", |w| {
        !w.app().callbacks.scenario.saved.busy() && !w.app().dialogs.open()
    });
    world.wait_until("written", |_| {
        std::fs::read_to_string(&report).is_ok_and(|x| x.contains("<testsuites"))
    });
}

/// A desktop whose file dialog never answers until the test lets it (a portal whose backend
/// hangs); it counts the answers it gave.
struct HangingDesktop {
    release: Mutex<std::sync::mpsc::Receiver<()>>,
    answered: std::sync::atomic::AtomicUsize,
}

impl sinch_ticket::app::file_dialog::Desktop for HangingDesktop {
    fn choose(
        &self,
        _ask: &sinch_ticket::app::file_dialog::Ask,
    ) -> sinch_ticket::app::file_dialog::Chosen {
        let _ = self.release.lock().unwrap().recv();
        self.answered
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        sinch_ticket::app::file_dialog::Chosen::Path("/too/late.toml".into())
    }
}

#[test]
fn a_desktop_dialog_that_never_answers_can_be_given_up_and_its_late_answer_is_ignored() {
    let mut world = world();
    let (release, hold) = std::sync::mpsc::channel::<()>();
    let desktop = Arc::new(HangingDesktop {
        release: Mutex::new(hold),
        answered: Default::default(),
    });
    world.harness.state_mut().dialogs =
        sinch_ticket::app::file_dialog::Dialogs::new(desktop.clone());
    world.click("Callbacks");
    world.click("Scenario");
    world.replace_text("Scenario file", "/mine.toml");
    world.click("Open…");
    assert!(world.shows("Waiting for the desktop's file dialog…"));
    world.click("Cancel");
    assert!(!world.app().dialogs.open(), "given up");
    // The window works on, and another dialog can be asked for at once.
    world.click("Open…");
    assert!(world.app().dialogs.open());
    world.harness.key_press(egui::Key::Escape);
    world.harness.run_steps(2);
    assert!(!world.app().dialogs.open(), "Escape gives up too");
    // The dialogs answer at last: nobody is asking any more.
    drop(release);
    world.wait_until("both late answers", |_| {
        desktop.answered.load(std::sync::atomic::Ordering::SeqCst) == 2
    });
    world.harness.run_steps(3);
    assert_eq!(
        world.field("Scenario file").value().as_deref(),
        Some("/mine.toml")
    );
}

#[test]
fn a_long_scenario_draws_a_bounded_picture_and_only_the_steps_in_sight() {
    let mut world = scenario_world();
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("long.toml");
    std::fs::write(&file, "[[step]]\ntrigger = \"dice\"\n".repeat(250)).unwrap();
    let (port, server) = server::answering_in_turn(
        SECRET,
        KEY,
        (0..250)
            .map(|_| server::Answering::careless(200, ""))
            .collect(),
    );
    world.replace_text("Scenario file", &file.display().to_string());
    world.replace_text("Your server", &format!("http://127.0.0.1:{port}/"));
    world.click("Run scenario");
    world.scenario_ended();
    assert_eq!(server.join().unwrap().len(), 250);
    world.harness.set_size(egui::vec2(1920.0, 1080.0));
    world.harness.run_steps(3);
    assert!(world.shows("250 step(s) to"));
    let picture = world.harness.get_by(|n| {
        n.role() == Role::Image && n.label().is_some_and(|l| l.starts_with("Deliveries"))
    });
    assert!(
        picture.rect().height() < 220.0,
        "60 lanes at most: {:?}",
        picture.rect()
    );
    // A step's row reads "pass     step N (dice): 200".
    let rows = world
        .harness
        .query_all_by_label_contains("(dice): 200")
        .count();
    assert!(
        (10..60).contains(&rows),
        "only the rows in sight are drawn: {rows}"
    );
}

#[test]
fn a_scenario_waiting_an_hour_stops_at_once_and_says_what_was_not_sent() {
    let mut world = scenario_world();
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("slow.toml");
    std::fs::write(
        &file,
        "[[step]]\ntrigger = \"dice\"\n[[step]]\ntrigger = \"dice\"\ndelay = \"1h\"\n",
    )
    .unwrap();
    let (port, server) =
        server::answering_in_turn(SECRET, KEY, vec![server::Answering::careful(200, "")]);
    world.replace_text("Scenario file", &file.display().to_string());
    world.replace_text("Your server", &format!("http://127.0.0.1:{port}/"));
    // Run from the keyboard: the keyboard goes to Stop, as Run is disabled while it runs.
    world.harness.get_by_label("Run scenario").focus();
    world.harness.run_steps(2);
    world.harness.key_press(egui::Key::Enter);
    world.harness.run_steps(3);
    assert_eq!(focused(&world).map(|f| f.1).as_deref(), Some("Stop"));
    world.wait_until("the first step judged", |w| {
        w.app()
            .callbacks
            .scenario
            .run
            .as_ref()
            .is_some_and(|r| r.steps.first().is_some_and(|s| s.judged.is_some()))
    });
    assert!(
        world.shows(
            "Step 2 of 2 under way, to http://127.0.0.1:{port}/…"
                .replace("{port}", &port.to_string())
                .as_str()
        )
    );
    assert!(world.app().callbacks.scenario.running());
    world.wait_until("the wait said", |w| w.shows("left before it is sent"));
    assert!(
        world.shows("its delay, 59m 59s left before it is sent")
            || world.shows("its delay, 1h left before it is sent")
    );
    world.harness.key_press(egui::Key::Enter);
    world.wait_until("the run stopped", |w| !w.app().callbacks.scenario.running());
    world.harness.run_steps(3);
    assert!(world.shows("1 step(s) to"));
    assert!(world.shows("stopped, 1 not sent"));
    assert!(world.shows("not sent"), "the step never sent says so");
    assert_eq!(
        focused(&world).map(|f| f.1).as_deref(),
        Some("Run scenario"),
        "and the keyboard is back on Run"
    );
    assert_eq!(server.join().unwrap().len(), 1);
}

#[test]
fn the_callbacks_tab_forgeries_pass_when_refused_and_fail_when_accepted() {
    let mut world = world();
    world.click("Callbacks");
    world.click("Trigger");
    for forgery in ["Bad signature", "No signature"] {
        world.click(forgery);
        let received = world.trigger_at(server::Answering::careful(200, GOOD_ICE_ANSWER));
        assert!(!received.verified, "{forgery}");
        assert!(world.shows("rejected the forged callback (HTTP 401), as it should"));
        world.trigger_at(server::Answering::careless(200, GOOD_ICE_ANSWER));
        assert!(
            world.shows("Your server accepted a forged callback"),
            "{forgery}"
        );
    }
    // On the server's own clock, only the forgery makes the timestamp stale.
    *world.clock.lock().unwrap() = Utc::now();
    world.click("Stale timestamp");
    let received =
        world.trigger_at_checking_age(Some(900), server::Answering::careful(200, GOOD_ICE_ANSWER));
    assert!(!received.verified);
    assert!(world.shows("as it should"));
    // Stale throughout, as the command line's --timestamp-age sends it: the body's own
    // timestamp is the aged x-timestamp, twenty minutes before the server's clock.
    let request = sinch_ticket::net::http1::parse_request(received.raw.as_bytes()).unwrap();
    let stamp = request.header("x-timestamp").unwrap().to_owned();
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body["timestamp"], stamp.as_str(), "{}", received.raw);
    let age = Utc::now()
        - chrono::DateTime::parse_from_rfc3339(&stamp)
            .unwrap()
            .to_utc();
    assert!((19..=21).contains(&age.num_minutes()), "{stamp}");
    // Signed again: the body made stale is made fresh, and the careful server takes it.
    world.click("Signed");
    let received =
        world.trigger_at_checking_age(Some(900), server::Answering::careful(200, GOOD_ICE_ANSWER));
    assert!(received.verified, "{}", received.raw);
    let request = sinch_ticket::net::http1::parse_request(received.raw.as_bytes()).unwrap();
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body["timestamp"], request.header("x-timestamp").unwrap());
}

#[test]
fn the_callbacks_tab_listens_lists_arrivals_with_verdicts_and_shows_no_secret() {
    use sinch_ticket::sinch::callback::{Event, Forgery};
    let mut world = world();
    world.click("Callbacks");
    world.click("Listen");
    world.replace_text("Port", "0");
    let addr = world.start_listening();
    assert!(addr.ip().is_loopback());
    assert!(world.shows(&format!(
        "Listening on http://{addr} with profile \"sandbox\""
    )));
    // Nothing arrives, nothing repaints.
    world.harness.run_steps(2);
    let delay = world.harness.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
    assert_eq!(
        delay,
        Duration::MAX,
        "a listening window waits for arrivals without repainting"
    );

    let send = |forgery| {
        callback_at(
            addr,
            Event::Ice,
            br#"{"event":"ice","callid":"c-42"}"#,
            forgery,
        )
    };
    let good = send(Forgery::None);
    assert_eq!(good.answer.status, 200);
    assert!(
        good.verdict.passed,
        "the listener answers a verified ICE with hangup"
    );
    let bad = send(Forgery::BadSignature);
    assert_eq!(bad.answer.status, 401);
    world.wait_until("both arrivals", |w| {
        w.app().callbacks.listen.seen.len() == 2
    });
    world.harness.run_steps(2);
    assert!(world.lists(&["ice", "POST /sinch/ice", "verified (application)", " 200  "]));
    assert!(world.lists(&["ice", "POST /sinch/ice", "NOT VERIFIED", " 401  "]));

    let listed = world.app().callbacks.listen.seen.len();
    assert_eq!(listed, 2);
    world.pick_row(&["NOT VERIFIED"]);
    assert!(world.shows("The signature does not match"));
    let headers = world.field("Headers").value().unwrap_or_default();
    assert!(headers.contains("x-timestamp"), "{headers}");
    assert!(!headers.contains(SECRET));
    world.click("Verdict");
    let string_to_sign = world.field("String to sign").value().unwrap_or_default();
    assert!(string_to_sign.ends_with("/sinch/ice"), "{string_to_sign}");

    world.stop_listening();
    assert!(world.app().callbacks.listen.listening_on().is_none());
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "the port is closed again"
    );
}

#[test]
fn the_callbacks_tab_remembers_where_your_server_is_but_no_request() {
    let mut world = world();
    world.click("Callbacks");
    world.click("Trigger");
    world.click("Event");
    world.click("pie — Prompt Input Event");
    world.replace_text("Your server's URL", "http://127.0.0.1:4567/hooks/voice");
    let settings = world.app().settings();
    assert_eq!(settings.callbacks.url, "http://127.0.0.1:4567/hooks/voice");
    assert_eq!(settings.callbacks.event, "pie");
    let saved = serde_json::to_string(&settings).unwrap();
    assert!(
        !saved.contains(KEY),
        "no body (with its key) is remembered: {saved}"
    );

    // The next run starts where this one left off.
    let settings: Settings = serde_json::from_str(&saved).unwrap();
    let config = tempfile::tempdir().unwrap();
    let parts = Parts {
        store: Arc::new(MemoryStore::default()),
        keyring_patience: Duration::from_millis(200),
        config_dir: Some(config.path().to_owned()),
        clipboard: Box::new(RecordingClipboard::default()),
        clock: Arc::new(start),
        history_path: None,
        managers: Arc::new(sinch_ticket::profiles::Managers::from_env()),
        desktop: Arc::new(sinch_ticket::app::file_dialog::NoDesktop),
    };
    let harness = Harness::builder()
        .with_size([900.0, 1000.0])
        .build_eframe(move |cc| SinchTicketApp::new(&cc.egui_ctx, parts, settings));
    let app = harness.state();
    assert_eq!(
        app.callbacks.trigger.url,
        "http://127.0.0.1:4567/hooks/voice"
    );
    assert_eq!(app.callbacks.trigger.event.name(), "pie");
    assert_eq!(app.tab, sinch_ticket::app::action::Tab::Callbacks);
}

#[test]
fn stop_listening_leaves_the_window_responsive_while_answers_are_finished() {
    use sinch_ticket::sinch::callback::{Event, Forgery};
    use std::io::Write as _;
    let mut world = world();
    world.click("Callbacks");
    world.click("Listen");
    world.replace_text("Port", "0");
    // The app behind the listener takes the forwarded request and answers only when told.
    let app = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    world.replace_text(
        "Forward to",
        &format!("http://127.0.0.1:{}", app.local_addr().unwrap().port()),
    );
    let addr = world.start_listening();
    let sender = std::thread::spawn(move || {
        callback_at(
            addr,
            Event::Dice,
            br#"{"event":"dice","callid":"c-slow"}"#,
            Forgery::None,
        )
    });
    let (mut at_app, _) = app.accept().unwrap();
    // The listener is now waiting for the app's answer. Stopping must not wait with it.
    world.click("Stop listening");
    assert!(
        world.app().callbacks.listen.is_stopping(),
        "the stop goes on in the background"
    );
    assert!(world.shows("Stopping: finishing the answers under way"));
    assert!(
        world.disabled("Start listening"),
        "Start waits until the port is free"
    );
    // The window still draws and reacts: another part opens.
    world.click("Trigger");
    world.click("Listen");
    server::read_one(&mut at_app);
    at_app
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .unwrap();
    drop(at_app);
    assert_eq!(sender.join().unwrap().answer.status, 200);
    world.wait_until("the listener stopped", |w| {
        !w.app().callbacks.listen.is_stopping()
    });
    // What it answered while stopping is in the list.
    world.wait_until("the last arrival", |w| {
        !w.app().callbacks.listen.seen.is_empty()
    });
    assert!(!world.shows("Stopping: finishing"));
    assert!(world.app().callbacks.listen.listening_on().is_none());
}

#[test]
fn the_listen_part_forwards_unverified_requests_only_when_told_to() {
    use sinch_ticket::sinch::callback::{Event, Forgery};
    let send_forged = |addr: std::net::SocketAddr| {
        callback_at(
            addr,
            Event::Dice,
            br#"{"event":"dice","callid":"c-7"}"#,
            Forgery::BadSignature,
        )
    };
    let mut world = world();
    world.click("Callbacks");
    world.click("Listen");
    world.replace_text("Port", "0");
    // Unticked: the listener answers 401 itself, and the app hears nothing.
    let app = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let app_url = format!("http://127.0.0.1:{}", app.local_addr().unwrap().port());
    world.replace_text("Forward to", &app_url);
    let addr = world.start_listening();
    assert_eq!(send_forged(addr).answer.status, 401);
    world.wait_until("the arrival", |w| !w.app().callbacks.listen.seen.is_empty());
    world.harness.run_steps(2);
    world.pick_row(&["NOT VERIFIED"]);
    world.click("Your app's answer");
    assert!(world.shows("not forwarded"), "the details say why");
    world.stop_listening();
    app.set_nonblocking(true).unwrap();
    assert!(
        app.accept().is_err(),
        "an unverified request reached the app"
    );

    // Ticked: it goes to the app, whose own check is what is tested.
    let (app_port, app) =
        server::answering_server(SECRET, KEY, Some(900), server::Answering::careful(200, ""));
    world.replace_text("Forward to", &format!("http://127.0.0.1:{app_port}"));
    world.click("Forward unverified requests too");
    let addr = world.start_listening();
    assert_eq!(send_forged(addr).answer.status, 401, "the app refused it");
    let at_app = app.join().unwrap();
    assert!(!at_app.verified, "{}", at_app.raw);
    world.stop_listening();
}

#[test]
fn the_clipboard_is_cleared_on_time_while_no_frame_is_drawn() {
    let mut world = world();
    world.type_into("Username", "alice");
    world.click("Generate ticket");
    world.click("Copy ticket");
    assert!(world.clipboard.content().is_some());
    // Minimised or covered: eframe draws nothing, but calls the app's logic when it asked to
    // be woken. Only that runs here, 61 s later.
    *world.clock.lock().unwrap() += TimeDelta::seconds(61);
    let ctx = world.harness.ctx.clone();
    world.harness.state_mut().tick(&ctx);
    assert_eq!(
        world.clipboard.content(),
        None,
        "the copy is cleared without a frame being drawn"
    );
}

#[test]
fn a_credential_that_no_longer_matches_the_form_or_its_profile_says_so() {
    let mut world = world();
    world.type_into("Username", "alice");
    world.click("Generate ticket");
    assert!(world.shows("Verified with the secret of profile \"sandbox\""));
    assert!(!world.shows("before the form changed"));
    world.type_into("Username", "x");
    assert!(
        world.shows("before the form changed (username): it is for alice"),
        "the shown ticket is no longer what the form says"
    );
    world.replace_text("Username", "alice");
    assert!(!world.shows("before the form changed"), "it matches again");
    // Another profile: the old verdict is not claimed for it.
    world.choose_profile("production");
    assert!(world.shows("before the form changed (profile)"));
    assert!(!world.shows("Verified with the secret of profile"));
}

#[test]
fn ctrl_shift_c_copies_only_what_the_tab_shows_and_notices_queue_until_fixed() {
    let mut world = world();
    // A failed generate (no username) and a failed copy: both are said, neither replaces
    // the other.
    world
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    world.harness.run_steps(2);
    let generate_error = world.app().status.notices[0].text.clone();
    world.harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::C,
    );
    world.harness.run_steps(2);
    assert!(world.app().status.shows(&generate_error), "still there");
    assert!(world.app().status.shows("generate a credential first"));

    // Fixed: typed and generated, the generate error goes; copied, the copy error goes.
    world.type_into("Username", "bob");
    world
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    world.harness.run_steps(2);
    assert!(
        !world.app().status.shows(&generate_error),
        "{:?}; username {:?}",
        world.app().status.notices,
        world.app().generate.form.username
    );
    world.harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::C,
    );
    world.harness.run_steps(2);
    assert!(
        world.app().status.notices.is_empty(),
        "{:?}",
        world.app().status.notices
    );
    let ticket = world.clipboard.content().unwrap();

    // On another tab the shortcut copies nothing out of sight.
    world.clipboard.replace("mine");
    world.click("Request");
    world.harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::C,
    );
    world.harness.run_steps(2);
    assert_eq!(world.clipboard.content().as_deref(), Some("mine"));
    assert!(
        world
            .app()
            .status
            .shows("copies the credential of the Generate tab")
    );
    assert!(ticket.contains(':'));
}

#[test]
fn a_request_tab_error_stays_beside_its_button_until_the_form_changes() {
    let mut world = world();
    world.click("Request");
    world.replace_text("Host", "calling.api.sinch.com");
    world.click("Sign");
    assert!(world.shows("is not a URL"), "said beside the button");
    // The next frames (a mouse move) keep it.
    world.harness.event(egui::Event::PointerGone);
    world.harness.run_steps(3);
    assert!(world.shows("is not a URL"));
    assert!(
        world.app().status.notices.is_empty(),
        "not also in the status line"
    );
    world.replace_text("Host", "https://calling.api.sinch.com");
    assert!(!world.shows("is not a URL"), "gone once the form changed");
    world.click("Sign");
    assert!(world.shows("Signed POST https://calling.api.sinch.com/calling/v1/callouts"));
    // A path typed without its slash stays a path: it cannot change the host.
    world.replace_text("Path", "evil.example/x");
    world.click("Sign");
    assert!(world.shows("Signed POST https://calling.api.sinch.com/evil.example/x"));
}

#[test]
fn the_profile_editor_says_every_problem_at_once_beside_its_field_and_as_it_is_fixed() {
    let mut world = world();
    world.click("Add…");
    world.click("Save profile");
    let problems = [
        "The application key is empty",
        "The application secret is empty",
    ];
    for problem in problems {
        assert!(world.shows(problem), "{problem}: every problem at once");
    }
    assert_eq!(
        world.app().profiles.editor.as_ref().unwrap().problems.len(),
        3,
        "the name, the key and the secret"
    );
    // Beside its field: between the key's field and the secret's.
    let key = world.field("Application key").rect();
    let secret = world.field("Application secret").rect();
    let said = world
        .harness
        .get_by_label_contains("The application key is empty")
        .rect();
    assert!(
        said.min.y >= key.max.y && said.max.y <= secret.min.y,
        "the key's problem at {said:?}, its field at {key:?}, the secret's at {secret:?}"
    );
    // Typed, the key's problem goes at once; the others stay until they are fixed too.
    world.type_into("Application key", KEY);
    assert!(!world.shows("The application key is empty"));
    assert!(world.shows("The application secret is empty"));
    world.type_into("Profile name", "staging");
    world.type_into("Application secret", SECRET);
    assert!(
        world
            .app()
            .profiles
            .editor
            .as_ref()
            .unwrap()
            .problems
            .is_empty()
    );
    world.click("Save profile");
    world.settle();
    assert!(world.stored("staging").is_some());
}

#[test]
fn the_profile_editor_checks_as_you_type_saves_on_enter_closes_on_escape_and_forgets_the_secret() {
    let mut world = world();
    world.click("Add…");
    world.type_into("Profile name", "staging");
    world.type_into("Application key", KEY);
    world.press("Save profile");
    assert!(
        world.shows("secret is empty"),
        "an empty secret is named on saving"
    );
    // Typed: the message goes as soon as the secret is there, before anything is saved.
    world.type_into("Application secret", SECRET);
    assert!(!world.shows("secret is empty"));
    assert!(world.app().profiles.editor.is_some(), "nothing saved yet");
    world.replace_text("Application secret", "not base64!");
    assert!(world.shows("not valid base64"), "said as it is typed");
    world.replace_text("Application secret", SECRET);
    // Enter saves.
    world.harness.key_press(egui::Key::Enter);
    world.settle();
    assert!(world.stored("staging").is_some(), "Enter saved the profile");
    assert!(world.app().profiles.editor.is_none());
    let state = egui::text_edit::TextEditState::load(
        &world.harness.ctx,
        sinch_ticket::app::profile_panel::secret_field_id(),
    );
    assert!(
        state.is_none(),
        "egui's undo copies of the secret are dropped"
    );

    // Enter elsewhere (a new line in the Request tab's body) saves nothing.
    world.click("Add…");
    world.type_into("Profile name", "elsewhere");
    world.type_into("Application key", KEY);
    world.type_into("Application secret", SECRET);
    world.click("Request");
    world.type_into("Body", "{}");
    world.harness.key_press(egui::Key::Enter);
    world.settle();
    assert_eq!(
        world.stored("elsewhere"),
        None,
        "Enter in another field saved the profile"
    );
    assert!(world.app().profiles.editor.is_some());
    world.click("Cancel");

    // Escape closes without saving.
    world.click("Add…");
    world.type_into("Profile name", "scratch");
    world.harness.key_press(egui::Key::Escape);
    world.harness.run_steps(2);
    assert!(
        world.app().profiles.editor.is_none(),
        "Escape closed the editor"
    );
    assert_eq!(world.stored("scratch"), None);
}

#[test]
fn the_listen_port_is_checked_as_it_is_typed() {
    let mut world = world();
    world.click("Callbacks");
    world.click("Listen");
    world.replace_text("Port", "80a");
    assert!(
        world.shows("'80a' is not a port"),
        "before Start is pressed"
    );
    world.replace_text("Port", "8765");
    assert!(!world.shows("is not a port"));
}

#[test]
fn without_a_config_folder_the_window_keeps_profiles_for_the_session_only() {
    let shared = std::env::temp_dir()
        .join("sinch-ticket")
        .join("profiles.json");
    let before = std::fs::metadata(&shared).and_then(|m| m.modified()).ok();
    let mut world = world_over(Controlled::default(), None, tempfile::tempdir().unwrap());
    assert!(world.shows("Session only, not saved"));
    assert!(world.shows("no folder for the profile index"));
    world.click("Add…");
    world.type_into("Profile name", "temp");
    world.type_into("Application key", KEY);
    world.type_into("Application secret", SECRET);
    world.click("Save profile");
    world.type_into("Username", "alice");
    world.click("Generate ticket");
    assert!(world.app().generate.generated.is_some());
    assert_eq!(world.stored("temp"), None, "nothing reached the keyring");
    let after = std::fs::metadata(&shared).and_then(|m| m.modified()).ok();
    assert_eq!(before, after, "no shared index in {}", shared.display());
}

#[test]
fn save_test_page_writes_a_private_file_and_never_overwrites_someone_elses() {
    use std::os::unix::fs::PermissionsExt as _;
    let mut world = world();
    world.type_into("Username", "alice");
    world.click("Generate ticket");
    let ticket = world
        .app()
        .generate
        .generated
        .as_ref()
        .unwrap()
        .made
        .credential
        .clone();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    world.replace_text("Test page", page.to_str().unwrap());
    world.save_as("Save test page…");
    world.wait_until("the page to be saved", |w| !w.app().generate.page.busy());
    assert!(
        world.app().status.shows("saved"),
        "{:?}",
        world.app().status.notices
    );
    let text = std::fs::read_to_string(&page).unwrap();
    assert!(text.contains(&ticket), "the page runs this ticket");
    let mode = std::fs::metadata(&page).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the page holds a live credential: owner only");
    // Saving again replaces our own page.
    world.save_as("Save test page…");
    world.wait_until("the page to be saved again", |w| {
        !w.app().generate.page.busy()
    });
    assert!(
        world.app().status.shows("saved"),
        "{:?}",
        world.app().status.notices
    );

    // Open in browser opens the page saved, with the desktop's opener.
    let opened = Arc::new(Mutex::new(Vec::new()));
    let seen = opened.clone();
    world.harness.state_mut().browser = Box::new(move |path: &std::path::Path| {
        seen.lock().unwrap().push(path.to_owned());
        Ok(())
    });
    world.harness.run_steps(2);
    world.click("Open in browser");
    assert_eq!(*opened.lock().unwrap(), std::slice::from_ref(&page));
    // An opener that fails says so, in the error colour, with what to do instead.
    world.harness.state_mut().browser =
        Box::new(|_: &std::path::Path| Err(std::io::Error::other("no browser is installed")));
    world.click("Open in browser");
    assert!(
        world
            .app()
            .status
            .shows("could not be opened in a browser (no browser is installed)"),
        "{:?}",
        world.app().status.notices
    );

    // Someone else's file is left alone.
    let theirs = dir.path().join("index.html");
    std::fs::write(&theirs, "<html>my own work</html>").unwrap();
    world.replace_text("Test page", theirs.to_str().unwrap());
    let open_button = |world: &World| world.disabled("Open in browser");
    assert!(
        open_button(&world),
        "another path than the page saved: nothing to open"
    );
    world.save_as("Save test page…");
    world.wait_until("the refusal", |w| !w.app().generate.page.busy());
    assert!(
        world.app().status.shows("left alone"),
        "{:?}",
        world.app().status.notices
    );
    assert_eq!(
        std::fs::read_to_string(&theirs).unwrap(),
        "<html>my own work</html>"
    );
}

#[test]
fn ctrl_and_a_number_shows_each_tab_and_ctrl_enter_does_what_that_tab_does() {
    use sinch_ticket::app::action::Tab;
    let mut world = world();
    let keys = [
        egui::Key::Num1,
        egui::Key::Num2,
        egui::Key::Num3,
        egui::Key::Num4,
    ];
    for (tab, key) in Tab::ALL.into_iter().zip(keys) {
        world
            .harness
            .key_press_modifiers(egui::Modifiers::COMMAND, key);
        world.harness.run_steps(2);
        assert_eq!(world.app().tab, tab);
    }
    // On the Request tab Ctrl+Enter signs; on the Generate tab it generates.
    world
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num3);
    world.harness.run_steps(1);
    world
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    world.harness.run_steps(2);
    assert!(world.app().request.signed.is_some(), "signed by Ctrl+Enter");
    assert!(
        world.app().generate.generated.is_none(),
        "and nothing generated"
    );
}

/// A ticket whose signature is not the sandbox profile's: its reason is a long sentence.
const FORGED_TICKET: &str = "eyJpZGVudGl0eSI6eyJ0eXBlIjoidXNlcm5hbWUiLCJlbmRwb2ludCI6ImFsaWNlIn0sImV4cGlyZXNJbiI6MzYwMCwiYXBwbGljYXRpb25LZXkiOiIxOTYwODdhMS1lODE1LTRiYzQtODk4NC02MGQ4ZDhhNDNmMWQiLCJjcmVhdGVkIjoiMjAyNi0wMS0wMlQwMzowNDowNVoifQ==:bOs0i+KiTP6mVdWD+kQYXgkYLtwm0qcGU6fIi5XqY9I=";

#[path = "support/panes.rs"]
mod panes;
use panes::PANED;

#[test]
fn at_three_sizes_every_tab_keeps_its_widgets_and_text_inside_its_panes_and_the_window() {
    use egui_kittest::kittest::by;
    let mut world = world();
    // Long text everywhere: a long username, a ticket that fails for a long reason, a signed
    // request, a pasted request that does not verify.
    world.type_into(
        "Username",
        "a-rather-long-username-for-a-small-window@example.com",
    );
    world.click("Generate ticket");
    world.click("Inspect");
    world.type_into("Token to inspect", FORGED_TICKET);
    world.click("Request");
    world.click("Sign");
    world.click("Callbacks");
    world.click("Verify");
    world.type_into(
        "Raw request",
        "POST /sinch/callback/with/a/rather/long/path/that/goes/on/and/on HTTP/1.1\nContent-Type: application/json\nx-timestamp: 2026-01-02T03:04:05Z\nAuthorization: Application 196087a1-e815-4bc4-8984-60d8d8a43f1d:bm90LXRoZS1zaWduYXR1cmUtYXQtYWxsLW5vdC1ldmVuLWNsb3Nl\n\n{\"event\":\"ice\",\"callid\":\"a-long-call-id-0123456789abcdef0123456789abcdef\"}",
    );
    // A scenario run with a failure, its steps, timeline and report.
    world.click("Scenario");
    let folder = tempfile::tempdir().unwrap();
    let file = folder
        .path()
        .join("a-scenario-with-a-rather-long-name-for-a-small-window.toml");
    std::fs::write(&file, SCENARIO).unwrap();
    let (port, server) = scenario_server();
    world.replace_text("Scenario file", &file.display().to_string());
    world.replace_text(
        "Your server",
        &format!("http://127.0.0.1:{port}/sinch/callback"),
    );
    world.set_number("Time scale", "0.001");
    world.click("Run scenario");
    world.scenario_ended();
    assert_eq!(server.join().unwrap().len(), 7);
    // What is drawn: a control or a text, with a place on screen.
    let is_shown_thing = |node: &egui_kittest::kittest::AccessKitNode<'_>| {
        node.bounding_box().is_some()
            && matches!(
                node.role(),
                Role::Button
                    | Role::TextInput
                    | Role::MultilineTextInput
                    | Role::ComboBox
                    | Role::CheckBox
                    | Role::RadioButton
                    | Role::Label
            )
    };
    for (width, height) in [(520.0, 420.0), (1100.0, 720.0), (1920.0, 1080.0)] {
        world.harness.set_size(egui::vec2(width, height));
        world.harness.run_steps(3);
        for (tab, part, panes) in PANED {
            world.show(tab, part);
            let place = format!("{tab} {} at {width}x{height}", part.unwrap_or(""));
            // Nothing, in or out of a pane, runs past the window's right edge.
            for node in world.harness.query_all(by().predicate(is_shown_thing)) {
                let rect = node.rect();
                assert!(
                    rect.max.x <= width + 1.0,
                    "{place}: {} ends at x = {} past the window ({rect:?})",
                    format!("{node:?}").chars().take(160).collect::<String>(),
                    rect.max.x
                );
            }
            // Nor past its own pane's edges: no text runs under the other pane.
            for name in panes {
                let pane = world
                    .harness
                    .get_by(|n| n.role() == Role::Pane && n.label().as_deref() == Some(name));
                let area = pane.rect();
                assert!(
                    area.width() >= 100.0 && area.height() >= 60.0,
                    "{place}: {name} is {area:?}"
                );
                let mut seen = 0;
                for node in pane.query_all(by().predicate(is_shown_thing)) {
                    seen += 1;
                    let rect = node.rect();
                    assert!(
                        rect.min.x >= area.min.x - 1.0 && rect.max.x <= area.max.x + 1.0,
                        "{place}: {} spans x {}..{}, outside {name} at {}..{}",
                        format!("{node:?}").chars().take(160).collect::<String>(),
                        rect.min.x,
                        rect.max.x,
                        area.min.x,
                        area.max.x
                    );
                }
                assert!(seen > 0, "{place}: {name} shows nothing");
            }
        }
        // Laid out, the window goes idle at this size too (panes sized to what is in them
        // settle; nothing counts down on the Inspect tab).
        world.click("Inspect");
        world.harness.run_steps(6);
        let delay = world.harness.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
        assert_eq!(
            delay,
            Duration::MAX,
            "at {width}x{height} an idle window asks for no repaint"
        );
    }
}

#[allow(dead_code)]
#[path = "support/npm.rs"]
mod npm;

/// A stand-in for Sinch's API and a CDN, on 127.0.0.1, for a page in a real browser: it
/// serves the page, Sinch's JS SDK v1 from the suite's npm copy, and what the SDK asks of
/// Sinch's API when it starts, checking the ticket as Sinch's server does (the MAC over the
/// exact bytes, the key, the expiry). Returns its port; each ticket check is sent to `seen`.
fn sinch_stand_in(
    page: String,
    sdk_dir: std::path::PathBuf,
    seen: std::sync::mpsc::Sender<Result<String, String>>,
) -> u16 {
    use base64::Engine as _;
    use hmac::{KeyInit as _, Mac as _};
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let sdk = std::fs::read_to_string(sdk_dir.join("node_modules/sinch-rtc/lib/sinch.node.min.js"))
        .unwrap()
        .replace("navigator=navigator||", "navigator=window.navigator||");
    let sdk = format!(
        "var __sinch = {{exports: {{}}}};\n(function (require, module, exports, global) {{\n{sdk}\n}})(window.__sinchRequire, __sinch, __sinch.exports, window);\nwindow.SinchClient = __sinch.exports;\n"
    );
    let q = std::fs::read_to_string(sdk_dir.join("node_modules/q/q.js")).unwrap();
    let shim = include_str!("browser/sinch-browser.js").to_owned();
    let wrap = r#"(function () {
  // The page's SinchClient, pointed at this stand-in instead of Sinch's hosts; when its
  // start settles, the page's title says how, and who the SDK thinks the user is.
  const Real = window.SinchClient;
  const urlObj = {};
  for (const n of ['base', 'user', 'calling', 'messaging', 'portal', 'reporting', 'verification']) {
    urlObj[n] = location.origin + '/v1/';
  }
  urlObj.reporting_v2 = location.origin + '/v2/';
  window.SinchClient = function (config) {
    const client = new Real(Object.assign({}, config, { urlObj }, { startActiveConnection: false }));
    const start = client.start.bind(client);
    client.start = function (...args) {
      const started = start(...args);
      Promise.resolve(started).then(
        () => { document.title = 'started:' + client.user.userId; },
        (err) => { document.title = 'failed:' + (err && (err.message || JSON.stringify(err))); },
      );
      return started;
    };
    return client;
  };
})();
"#
    .to_owned();
    let page = page.replace(
        r#"<script src="https://cdn.sinch.com/latest/sinch.min.js"></script>"#,
        r#"<script src="/q.js"></script><script src="/shim.js"></script><script src="/sinch.js"></script><script src="/wrap.js"></script>"#,
    );
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let received = server::read_one(&mut stream);
            let Ok(request) = sinch_ticket::net::http1::parse_request(&received) else {
                continue;
            };
            let path = request.target.clone();
            let (status, kind, body) = match (request.method.as_str(), path.as_str()) {
                ("GET", "/page.html") => (200, "text/html; charset=utf-8", page.clone()),
                ("GET", "/q.js") => (200, "text/javascript", q.clone()),
                ("GET", "/shim.js") => (200, "text/javascript", shim.clone()),
                ("GET", "/sinch.js") => (200, "text/javascript", sdk.clone()),
                ("GET", "/wrap.js") => (200, "text/javascript", wrap.clone()),
                ("GET", p) if p.starts_with("/v1/timestamp") => (
                    200,
                    "application/json",
                    format!(r#"{{"timestamp":"{}"}}"#, Utc::now().to_rfc3339()),
                ),
                ("POST", "/v1/instance") => {
                    let checked = (|| {
                        let auth = request.header("authorization").ok_or("no Authorization")?;
                        let ticket = auth.strip_prefix("user ").ok_or("not a user ticket")?;
                        let (json, mac) = ticket.split_once(':').ok_or("no MAC")?;
                        let b64 = base64::engine::general_purpose::STANDARD;
                        let json = b64.decode(json).map_err(|_| "not base64")?;
                        let mac = b64.decode(mac).map_err(|_| "MAC not base64")?;
                        let key = b64.decode(SECRET).unwrap();
                        let mut hmac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
                        hmac.update(&json);
                        hmac.verify_slice(&mac).map_err(|_| "MAC mismatch")?;
                        let ticket: serde_json::Value =
                            serde_json::from_slice(&json).map_err(|_| "not JSON")?;
                        if ticket["applicationKey"] != KEY {
                            return Err("wrong application key");
                        }
                        let created = chrono::DateTime::parse_from_rfc3339(
                            ticket["created"].as_str().unwrap_or_default(),
                        )
                        .map_err(|_| "no created")?;
                        let expires = created
                            + TimeDelta::seconds(ticket["expiresIn"].as_i64().unwrap_or(0));
                        if expires < Utc::now() {
                            return Err("expired");
                        }
                        Ok(ticket["identity"]["endpoint"].as_str().unwrap_or_default().to_owned())
                    })();
                    let _ = seen.send(checked.clone().map_err(str::to_owned));
                    match checked {
                        Ok(_) => (
                            200,
                            "application/json",
                            r#"{"id":"instance-1","secret":"aW5zdGFuY2Ugc2VjcmV0","expiresIn":86400}"#
                                .to_owned(),
                        ),
                        Err(why) => (401, "application/json", format!(r#"{{"message":"{why}"}}"#)),
                    }
                }
                // What the SDK reads of its messaging configuration (the networks are never
                // reached: the page starts no active connection).
                ("GET", p) if p.starts_with("/v1/configuration/user") => (
                    200,
                    "application/json",
                    r#"{"rtcConfiguration":{"broadcastNetwork":{"host":"127.0.0.1","publishKey":"pub","subscribeKey":"sub"},"signalNetwork":{"host":"127.0.0.1","publishKey":"pub","subscribeKey":"sub"}},"rtcProfile":{"key":"k","broadcastChannel":"b","signalChannel":"s","transportChannel":"t"}}"#
                        .to_owned(),
                ),
                _ => (404, "application/json", "{}".to_owned()),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status} Whatever\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let mut rest = [0u8; 64];
            let _ = stream.read(&mut rest);
        }
    });
    port
}

#[test]
#[ignore = "needs chromium and npm (Sinch's JS SDK v1): run scripts/test.sh"]
fn the_saved_test_page_starts_sinchs_sdk_in_a_real_browser_as_the_user() {
    let mut world = world();
    // Made now: Sinch's server (and the stand-in) refuse an expired ticket.
    *world.clock.lock().unwrap() = Utc::now();
    world.type_into("Username", "Åsa");
    world.click("Generate ticket");
    let dir = tempfile::tempdir().unwrap();
    let page_path = dir.path().join("sinch-test-page.html");
    world.replace_text("Test page", page_path.to_str().unwrap());
    world.save_as("Save test page…");
    world.wait_until("the page to be saved", |w| !w.app().generate.page.busy());
    let page = std::fs::read_to_string(&page_path).expect("the window saved the page");

    let sdk_dir = npm::installed("sinch-rtc", "1.4.12");
    // q ships with the SDK (its dependency).
    let (seen_tx, seen) = std::sync::mpsc::channel();
    let port = sinch_stand_in(page, sdk_dir, seen_tx);
    let (dom, said) = chromium_dom(&format!("http://127.0.0.1:{port}/page.html"));
    let title = dom
        .split_once("<title>")
        .and_then(|(_, rest)| rest.split_once("</title>"))
        .map(|(title, _)| title.to_owned())
        .unwrap_or_default();
    assert_eq!(
        title, "started:Åsa",
        "the SDK, started by the page, knows the user by the right name; chromium said: {said}"
    );
    // The page says so on screen, not only in the console.
    assert!(
        dom.contains("The Sinch client started, for user Åsa."),
        "{dom}"
    );
    assert_eq!(
        seen.try_recv()
            .expect("the SDK sent its ticket to the stand-in"),
        Ok("Åsa".to_owned()),
        "Sinch's server would accept the ticket, for the same user"
    );

    // Offline (the SDK cannot be fetched), the page says so on screen.
    let offline = dir.path().join("offline.html");
    std::fs::write(
        &offline,
        std::fs::read_to_string(&page_path).unwrap().replace(
            "https://cdn.sinch.com/latest/sinch.min.js",
            "http://127.0.0.1:9/sinch.min.js",
        ),
    )
    .unwrap();
    let (dom, said) = chromium_dom(&format!("file://{}", offline.display()));
    assert!(
        dom.contains("The Sinch SDK did not load"),
        "{dom}; chromium said: {said}"
    );
}

/// What headless chromium makes of the page at `url` once its scripts have run: the DOM,
/// and the last lines it said on standard error.
fn chromium_dom(url: &str) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=20000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(url)
        // Nothing of the person running the tests: no session bus, no display, no HOME.
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY")
        .env("HOME", profile.path())
        .output()
        .expect("chromium runs (scripts/setup.sh test installs it)");
    let said = String::from_utf8_lossy(&out.stderr)
        .lines()
        .rev()
        .take(15)
        .collect::<Vec<_>>()
        .join("\n");
    (String::from_utf8_lossy(&out.stdout).into_owned(), said)
}

#[test]
fn the_listen_list_keeps_a_body_for_display_up_to_64_kib_and_names_the_rest() {
    use sinch_ticket::sinch::callback::{Event, Forgery};
    let mut world = world();
    world.click("Callbacks");
    world.click("Listen");
    world.replace_text("Port", "0");
    let addr = world.start_listening();
    let body = format!(r#"{{"event":"dice","custom":"{}"}}"#, "x".repeat(100_000));
    let answered = callback_at(addr, Event::Dice, body.as_bytes(), Forgery::None);
    assert_eq!(answered.answer.status, 200);
    world.wait_until("the arrival", |w| !w.app().callbacks.listen.seen.is_empty());
    let cut = world.app().callbacks.listen.seen[0].cut;
    assert_eq!(cut, body.len() - 64 * 1024);
    world.harness.run_steps(2);
    world.pick_row(&["verified (application)", " 200  "]);
    let shown = world.field("Body").value().unwrap_or_default();
    assert!(
        shown.ends_with(&format!("… and {cut} more bytes, not kept for display")),
        "{}",
        &shown[shown.len().saturating_sub(80)..]
    );
    world.stop_listening();
}

#[test]
fn a_profile_the_index_lost_is_brought_back_from_the_window_not_replaced() {
    // The keyring holds sandbox and production; the index that listed them is gone.
    let config = tempfile::tempdir().unwrap();
    let store = Controlled::default();
    seed(store.clone(), config.path());
    std::fs::remove_file(config.path().join("profiles.json")).unwrap();
    let dir = config.path().to_owned();
    let mut world = world_over(store, Some(dir), config);
    let saved = world.stored("sandbox").unwrap();
    world.click("Add…");
    world.type_into("Profile name", "sandbox");
    world.type_into("Application key", KEY);
    world.type_into("Application secret", OTHER_SECRET);
    world.click("Save profile");
    assert!(
        world.shows("index does not list"),
        "the window says why it did not save: {:?} {:?}",
        world
            .app()
            .profiles
            .editor
            .as_ref()
            .map(|e| (&e.error, &e.unlisted)),
        world.app().status.notices
    );
    assert!(
        !world.shows("--force") && !world.shows("sinch-ticket profile"),
        "in its own words"
    );
    world.click("Bring back the saved one");
    assert_eq!(
        world.stored("sandbox").unwrap(),
        saved,
        "the secret the keyring held"
    );
    assert!(world.listed().contains(&"sandbox".to_owned()));
    assert!(world.shows("Brought back profile \"sandbox\""));
}

/// Sinch's published Conversation webhook (docs/FORMATS.md §5.1), signed with
/// `foo_secret1234`, as a raw request.
const CONVERSATION_VECTOR: &str = "POST /webhooks HTTP/1.1\nContent-Type: application/json\nx-sinch-webhook-signature-nonce: 01FJA8B4A7BM43YGWSG9GBV067\nx-sinch-webhook-signature-timestamp: 1634579353\nx-sinch-webhook-signature: 6bpJoRmFoXVjfJIVglMoJzYXxnoxRujzR4k2GOXewOE=\n\n{\"app_id\":\"\",\"accepted_time\":\"2021-10-18T17:49:13.813615Z\",\"project_id\":\"e2df3a34-a71b-4448-9db5-a8d2baad28e4\",\"contact_create_notification\":{\"contact\":{\"id\":\"01FJA8B466Y0R2GNXD78MD9SM1\",\"channel_identities\":[{\"channel\":\"SMS\",\"identity\":\"48123456789\",\"app_id\":\"\"}],\"display_name\":\"New Test Contact\",\"email\":\"new.contact@email.com\",\"external_id\":\"\",\"metadata\":\"\",\"language\":\"EN_US\"}},\"message_metadata\":\"\"}";

/// A server on 127.0.0.1 that takes one webhook, verifies it with `secret` as a careful
/// server does (any age: the window's clock is the test's), and answers 200 or 401.
fn webhook_server(secret: &'static str) -> (u16, std::thread::JoinHandle<(bool, String)>) {
    use sinch_ticket::sinch::webhook::{WebhookSecret, verify_webhook};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        use std::io::Write as _;
        let (mut stream, _) = listener.accept().unwrap();
        let raw = server::read_one(&mut stream);
        let request = sinch_ticket::net::http1::parse_request(&raw).unwrap();
        let verdict = verify_webhook(
            &request,
            None,
            &WebhookSecret::new(secret),
            Utc::now(),
            None,
        );
        let status = if verdict.verified { 200 } else { 401 };
        let _ = write!(
            stream,
            "HTTP/1.1 {status} Whatever\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        (verdict.verified, String::from_utf8_lossy(&raw).into_owned())
    });
    (port, handle)
}

impl World {
    fn webhook_entry(&self, kind: &str, name: &str) -> Option<String> {
        self.store
            .inner
            .get(&format!("sinch-ticket:{kind}"), name)
            .unwrap()
            .map(|entry| entry.to_string())
    }
}

#[test]
fn webhook_secrets_are_typed_masked_in_the_editor_and_sign_verify_and_listen_by_kind() {
    let mut world = world();
    world.click("Callbacks");
    world.click("Trigger");
    world.click("Event");
    assert!(
        world.shows("Conversation"),
        "the events are grouped by product"
    );
    world.click("conversation-message-inbound — Message Inbound");
    assert_eq!(
        world.app().callbacks.trigger.event,
        sinch_ticket::sinch::callback::Event::ConversationMessageInbound
    );
    assert!(world.shows("has no Conversation/SMS webhook secret"));
    assert!(
        !world.app().callbacks.trigger.body.contains(KEY),
        "a webhook body carries no application key"
    );

    // The editor takes it masked, and saves it in its own keyring entry.
    world.click("Edit…");
    world.click("Webhook secrets");
    let field = "Conversation/SMS webhook secret";
    assert!(
        world
            .harness
            .query_by_role_and_label(Role::PasswordInput, field)
            .is_some(),
        "masked until shown"
    );
    world.type_into(field, "foo_secret1234");
    world.click("Save profile");
    world.settle();
    assert_eq!(
        world.webhook_entry("conversation", "sandbox").as_deref(),
        Some(r#"{"secret":"foo_secret1234"}"#)
    );
    assert!(!world.shows("has no Conversation/SMS webhook secret"));

    // Trigger signs with it.
    let (port, server) = webhook_server("foo_secret1234");
    world.replace_text(
        "Your server's URL",
        &format!("http://127.0.0.1:{port}/webhooks"),
    );
    world.click("Send event");
    world.wait_until("the server's answer", |w| {
        w.app().callbacks.trigger.result.last.is_some()
    });
    let (verified, raw) = server.join().unwrap();
    assert!(verified, "{raw}");
    assert!(world.shows("Sinch can use this answer to the Message Inbound (Conversation)."));

    // Verify recognises the scheme and checks it with the same secret.
    world.click("Verify");
    world.replace_text("Raw request", CONVERSATION_VECTOR);
    world.click("Accept any age (skip the replay check)");
    assert!(world.shows("Verified with profile \"sandbox\" (conversation scheme)"));

    // Listen verifies it beside the application scheme.
    world.click("Listen");
    let addr = world.start_listening();
    let secret = sinch_ticket::sinch::webhook::WebhookSecret::new("foo_secret1234");
    let sent = sinch_ticket::net::trigger::send(sinch_ticket::net::trigger::Trigger {
        event: sinch_ticket::sinch::callback::Event::SmsInbound,
        url: &format!("http://{addr}/sms"),
        signer: sinch_ticket::sinch::callback::SecretFor::Webhook(&secret),
        body: br#"{"type":"mo_text","id":"1","body":"Hej"}"#.to_vec(),
        // The listener checks the age on the real clock.
        sent_at: Utc::now(),
        nonce: "01FJA8B4A7BM43YGWSG9GBV067".into(),
        forgery: sinch_ticket::sinch::callback::Forgery::None,
        timeout: Duration::from_secs(30),
    })
    .unwrap();
    assert_eq!(sent.answer.status, 200);
    world.wait_until("the arrival", |w| !w.app().callbacks.listen.seen.is_empty());
    world.harness.run_steps(2);
    assert!(world.lists(&["sms-inbound", "verified (conversation)", " 200  "]));
    world.stop_listening();

    // Reopened, the editor opens its webhook section, says one is saved; Remove removes it
    // alone.
    world.click("Edit…");
    assert!(
        world.harness.query_by_label("Remove").is_some(),
        "open, with Remove"
    );
    assert!(world.app().profiles.editor.as_ref().unwrap().webhooks[0].saved);
    world.click("Remove");
    world.click("Save profile");
    world.settle();
    assert_eq!(world.webhook_entry("conversation", "sandbox"), None);
    assert!(
        world.stored("sandbox").is_some(),
        "the application entry stays"
    );
}

#[test]
fn renaming_a_profile_in_the_window_keeps_its_webhook_secrets() {
    let mut world = world();
    Profiles::new(world.store.clone(), world.config.path().to_owned())
        .set_webhook_secret(
            "sandbox",
            sinch_ticket::profiles::CredentialKind::Numbers,
            "n-secret",
            false,
        )
        .unwrap();
    world.click("Edit…");
    world.replace_text("Profile name", "staging");
    world.click("Save profile");
    world.settle();
    assert_eq!(world.webhook_entry("numbers", "sandbox"), None);
    assert_eq!(
        world.webhook_entry("numbers", "staging").as_deref(),
        Some(r#"{"secret":"n-secret"}"#)
    );
    assert!(
        world
            .app()
            .profiles
            .loaded
            .as_ref()
            .unwrap()
            .webhooks
            .get(sinch_ticket::sinch::webhook::Scheme::Numbers)
            .is_some()
    );
}

#[path = "support/oauth.rs"]
mod oauth;

#[test]
fn an_access_key_saved_in_the_editor_gets_a_token_that_sends_renews_and_copies() {
    use oauth::{AuthAnswer, KEY_ID, KEY_SECRET, PROJECT_ID, api_server, auth_server};
    use std::sync::atomic::Ordering;
    let mut world = world();
    world.click("Edit…");
    world.click("Project credentials");
    world.type_into("Project ID", PROJECT_ID);
    world.type_into("Key ID", KEY_ID);
    assert!(
        world
            .harness
            .query_by_role_and_label(Role::PasswordInput, "Key Secret")
            .is_some(),
        "masked until shown"
    );
    world.type_into("Key Secret", KEY_SECRET);
    world.click("Save profile");
    world.settle();
    let entry = world
        .store
        .inner
        .get("sinch-ticket:access-key", "sandbox")
        .unwrap()
        .unwrap();
    assert!(
        entry.contains(KEY_SECRET) && entry.contains(KEY_ID),
        "{}",
        entry.as_str()
    );
    assert_eq!(
        world
            .app()
            .profiles
            .loaded
            .as_ref()
            .unwrap()
            .access_key
            .as_ref()
            .unwrap()
            .key_id,
        KEY_ID
    );

    // The Request tab: OAuth2 to a stand-in API that says once that the token expired.
    let auth = auth_server(vec![AuthAnswer::Token(3600)]);
    let api = api_server(auth.issued.clone(), true);
    world.click("Request");
    world.replace_text("Host", &api.base);
    world.replace_text("Path", "/v1/projects/{project}/messages:send");
    world
        .harness
        .get_by_role_and_label(Role::ComboBox, "Authorization")
        .click();
    world.harness.run_steps(2);
    world.click("OAuth2");
    world.replace_text("Auth server", &auth.url);
    world.click("Send");
    world.wait_until("the answer", |w| w.app().request.answer.last.is_some());
    let calls = api.calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 2, "renewed once after the 401");
    assert_eq!(
        calls[1].0,
        format!("/v1/projects/{PROJECT_ID}/messages:send")
    );
    assert_eq!(auth.count.load(Ordering::SeqCst), 2);
    world.harness.run_steps(2);
    assert!(world.shows("HTTP 200"));
    let renewed = auth.issued.lock().unwrap()[1].clone();
    assert_eq!(calls[1].1, renewed);
    // (The token's expiry is the auth server's, on the real clock; the window's is the test's.)
    assert!(world.shows(&format!("Token for Key ID {KEY_ID}: expires in")));

    // Copy token copies the renewed one, cleared like a ticket.
    world.click("Copy token");
    assert_eq!(world.clipboard.content().as_deref(), Some(renewed.as_str()));
    assert!(
        world.shows("Copied token, clears in 60 s"),
        "cleared like a ticket"
    );
    assert_eq!(
        auth.count.load(Ordering::SeqCst),
        2,
        "the kept token was fresh"
    );
}

#[test]
fn the_listen_part_keeps_its_callbacks_in_the_history_shows_them_after_a_restart_and_replays_one() {
    use sinch_ticket::sinch::callback::{Event, Forgery};
    let mut world = world();
    world.click("Callbacks");
    world.click("Listen");
    assert!(world.app().callbacks.listen.keep_history, "kept by default");
    let addr = world.start_listening();
    let body = br#"{"event":"dice","callid":"c-42","custom":"from-the-history"}"#;
    assert_eq!(
        callback_at(addr, Event::Dice, body, Forgery::None)
            .answer
            .status,
        200
    );
    world.wait_until("the arrival", |w| !w.app().callbacks.listen.seen.is_empty());
    world.stop_listening();
    // Listed once, under its number in the history once it is kept there.
    world.history_listed(1);
    assert!(world.lists(&["     1  ", "dice", "verified (application)", " 200  "]));
    assert_eq!(
        world
            .harness
            .query_all_by_label_contains("POST /sinch/dice")
            .count(),
        1,
        "an arrival the history keeps is listed once"
    );
    // Cleared, the list is empty; the history keeps the request, and Reload lists it again.
    world.click("Clear list");
    world.harness.run_steps(2);
    assert!(!world.lists(&["dice"]));
    world.click("Reload");
    world.history_listed(1);
    assert!(world.lists(&["     1  ", "dice", "verified (application)"]));

    // The same history the command line reads.
    let path = world.config.path().join("data/history.sqlite3");
    world.wait_until("the record in the history", |_| {
        sinch_ticket::history::History::open(&path)
            .ok()
            .and_then(|o| {
                o.history
                    .list(&sinch_ticket::history::Filter {
                        text: Some("from-the-history".into()),
                        ..Default::default()
                    })
                    .ok()
            })
            .is_some_and(|found| found.len() == 1)
    });

    // A filter that matches nothing, then one that matches (text in the body).
    world.replace_text("Filter", "no-such-text");
    world.history_listed(0);
    assert!(world.shows("Nothing received or kept matches the filters."));
    world.replace_text("Filter", "from-the-history");
    world.history_listed(1);
    assert!(world.shows("1 request(s), newest first"));
    world.pick_row(&["dice", "verified (application)", " 200  "]);
    assert!(world.shows("record 1 in the history"));

    // Export: the requests the filter matches, as HAR, readable by the user only.
    let har = world.config.path().join("out.har");
    world.replace_text("Export to", &har.display().to_string());
    world.save_as("Export HAR…");
    world.wait_until("the export", |w| {
        w.app().callbacks.listen.export.last.is_some()
    });
    world.harness.run_steps(2);
    assert!(world.shows("Exported 1 request(s)"));
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&har).unwrap()).unwrap();
    assert_eq!(log["log"]["version"], "1.2");
    assert!(
        log["log"]["entries"][0]["request"]["postData"]["text"]
            .as_str()
            .unwrap()
            .contains("from-the-history")
    );
    use std::os::unix::fs::PermissionsExt as _;
    assert_eq!(
        std::fs::metadata(&har).unwrap().permissions().mode() & 0o777,
        0o600
    );

    // Replay: the recorded bytes (not a pretty-printed copy), re-signed, to the Trigger
    // part's URL, with no forgery, and kept as a replay of record 1.
    let (port, server) =
        server::answering_server(SECRET, KEY, None, server::Answering::careful(200, ""));
    world.click("Trigger");
    world.replace_text(
        "Your server's URL",
        &format!("http://127.0.0.1:{port}/sinch/callback"),
    );
    world.click("Listen");
    world.click("Replay");
    world.wait_until("the replay", |w| {
        w.app().callbacks.listen.replayed.last.is_some()
    });
    let received = server.join().unwrap();
    assert!(received.verified, "{}", received.raw);
    assert!(
        received.raw.ends_with(std::str::from_utf8(body).unwrap()),
        "the recorded bytes: {}",
        received.raw
    );
    world.harness.run_steps(2);
    assert!(world.shows("Kept as record 2, a replay of 1."));
    // The list is read again, with the replay in it.
    world.history_listed(2);
    assert!(world.lists(&["     2  ", "re-signed (application)", "replay of 1"]));
    // The result names where it went, whatever the Trigger part's URL becomes.
    let sent_to = format!("http://127.0.0.1:{port}/sinch/callback");
    world.click("Trigger");
    world.replace_text("Your server's URL", "http://127.0.0.1:9/elsewhere");
    world.click("Listen");
    world.harness.run_steps(2);
    assert!(world.shows(&format!("Sent record 1 again to {sent_to}")));
    assert!(!world.shows("again to http://127.0.0.1:9/elsewhere"));
    let replay = sinch_ticket::history::History::open(&path)
        .unwrap()
        .history
        .get(2)
        .unwrap()
        .expect("the replay is kept");
    assert_eq!(replay.replay_of, Some(1));
    assert_eq!(replay.body, body);
    assert!(
        replay.resigned && !replay.verified,
        "a replay signed here is listed as re-signed, not verified"
    );

    // Edit & replay: its body in the Trigger part's editor, sent re-signed.
    world.click("Edit & replay");
    assert_eq!(
        world.app().callbacks.part,
        sinch_ticket::app::callbacks::Part::Trigger
    );
    let edited = world.field("Event body").value().unwrap_or_default();
    assert!(edited.contains("from-the-history"), "{edited}");
    let received = world.trigger_at(server::Answering::careful(200, ""));
    assert!(received.verified, "{}", received.raw);
    assert!(
        received.raw.contains("from-the-history"),
        "{}",
        received.raw
    );
}

#[test]
fn the_inspector_filters_by_event_and_verdict_copies_as_curl_and_replays_as_recorded() {
    use egui_kittest::kittest::NodeT as _;
    use sinch_ticket::sinch::callback::{Event, Forgery};
    let mut world = world();
    world.click("Callbacks");
    world.click("Listen");
    let addr = world.start_listening();
    callback_at(
        addr,
        Event::Ice,
        br#"{"event":"ice","callid":"c-1"}"#,
        Forgery::None,
    );
    callback_at(
        addr,
        Event::Dice,
        br#"{"event":"dice","callid":"c-2"}"#,
        Forgery::BadSignature,
    );
    world.wait_until("both arrivals", |w| {
        w.app().callbacks.listen.seen.len() == 2
    });
    // Kept by the history as they arrive, and read back without a word: listed once each,
    // with their numbers.
    world.history_listed(2);
    assert!(world.lists(&["     1  ", "ice", "verified (application)"]));
    assert!(world.lists(&["     2  ", "dice", "NOT VERIFIED"]));

    // The timeline: a picture with a sentence for screen readers; clicked at its right end,
    // it picks the newest request.
    let timeline = world.harness.get_by(|node| {
        node.role() == Role::Image
            && node
                .label()
                .is_some_and(|label| label.starts_with("Timeline of 2 request(s)"))
    });
    assert!(
        timeline
            .accesskit_node()
            .label()
            .unwrap()
            .ends_with("1 verified, 1 not verified"),
        "{timeline:?}"
    );
    let end = timeline.rect().right_center() - egui::vec2(5.0, 0.0);
    world.harness.hover_at(end);
    world.harness.run_steps(1);
    world.harness.event(egui::Event::PointerButton {
        pos: end,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    world.harness.event(egui::Event::PointerButton {
        pos: end,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    world.harness.run_steps(2);
    world.harness.event(egui::Event::PointerGone);
    world.wait_until("the record read", |w| {
        !w.app().callbacks.listen.history_selected.busy()
    });
    world.harness.run_steps(2);
    assert!(world.shows("record 2 in the history"), "the newest picked");

    // The verdict filter, then the event filter.
    world
        .harness
        .get_by_role_and_label(Role::ComboBox, "Verdicts")
        .click();
    world.harness.run_steps(2);
    world.click("Not verified");
    assert!(world.lists(&["/sinch/dice"]) && !world.lists(&["/sinch/ice"]));
    world
        .harness
        .get_by_role_and_label(Role::ComboBox, "Verdicts")
        .click();
    world.harness.run_steps(2);
    world.click("Any verdict");
    world
        .harness
        .get_by_role_and_label(Role::ComboBox, "Events")
        .click();
    world.harness.run_steps(2);
    world.click("ice");
    assert!(world.lists(&["/sinch/ice"]) && !world.lists(&["/sinch/dice"]));

    // Copy as curl: the request as it arrived, to your server (the Trigger part's URL).
    world.pick_row(&["/sinch/ice", "verified (application)"]);
    world.click("Copy as curl");
    let copied = world.clipboard.content().unwrap();
    let server_url = world.app().callbacks.trigger.url.clone();
    assert!(
        copied.starts_with(&format!("curl --path-as-is -X POST '{server_url}'")),
        "{copied}"
    );
    let authorization = world.app().callbacks.listen.seen[0]
        .seen
        .history_entry()
        .unwrap()
        .headers
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
        .unwrap()
        .1;
    assert!(copied.contains(&authorization), "{copied}");
    assert!(copied.contains(r#"--data-binary '{"event":"ice","callid":"c-1"}'"#));
    assert!(world.shows("Copied curl command, clears in 60 s"));
    world.stop_listening();

    // Replay as recorded: its old signature, not a new one, to the Trigger part's URL.
    let (port, server) =
        server::answering_server(SECRET, KEY, None, server::Answering::careful(401, ""));
    world.click("Trigger");
    world.replace_text(
        "Your server's URL",
        &format!("http://127.0.0.1:{port}/sinch/callback"),
    );
    world.click("Listen");
    world.click("As recorded");
    world.click("Replay");
    world.wait_until("the replay", |w| {
        w.app().callbacks.listen.replayed.last.is_some()
    });
    let received = server.join().unwrap();
    let sent_authorization = received.raw.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("authorization")
            .then(|| value.trim().to_owned())
    });
    assert_eq!(
        sent_authorization.as_deref(),
        Some(authorization.as_str()),
        "{}",
        received.raw
    );
    world.harness.run_steps(2);
    assert!(world.shows(&format!(
        "Sent record 1 again to http://127.0.0.1:{port}/sinch/callback, as recorded: HTTP 401"
    )));
    world.history_listed(3);
    assert!(world.lists(&["     3  ", "replay of 1"]));
}

#[test]
fn a_history_that_cannot_be_read_is_said_once_and_not_read_again_and_again() {
    let mut world = world();
    // A folder where the history file should be.
    std::fs::create_dir_all(world.config.path().join("data/history.sqlite3")).unwrap();
    world.click("Callbacks");
    world.click("Listen");
    world.wait_until("the read", |w| {
        let inspector = &w.app().callbacks.listen.inspector;
        !inspector.reading.busy() && inspector.reading.last.is_some()
    });
    world.harness.run_steps(3);
    assert!(world.shows("is a folder"), "said where the list is");
    // Not read again by itself: the window goes idle.
    world.harness.run_steps(5);
    assert!(!world.app().callbacks.listen.inspector.reading.busy());
    let delay = world.harness.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
    assert_eq!(delay, Duration::MAX, "an idle window asks for no repaint");
}

/// A secret manager for the window's tests: one value for every reference, each fetch
/// counted.
#[derive(Debug)]
struct OneValue {
    value: &'static str,
    fetches: std::sync::atomic::AtomicUsize,
}

impl sinch_ticket::profiles::Resolve for OneValue {
    fn resolve(
        &self,
        _: &sinch_ticket::profiles::SecretRef,
    ) -> Result<zeroize::Zeroizing<String>, sinch_ticket::profiles::ResolveError> {
        self.fetches
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(zeroize::Zeroizing::new(self.value.to_owned()))
    }
}

#[test]
fn a_profile_whose_secret_stays_in_a_secret_manager_signs_and_is_forgotten_in_time() {
    use std::sync::atomic::Ordering;
    let manager = Arc::new(OneValue {
        value: SECRET,
        fetches: Default::default(),
    });
    let mut world = world_from_with(Control::default(), true, manager.clone());
    world.click("Add…");
    world.type_into("Profile name", "team");
    world.type_into("Application key", KEY);
    world.click("Application secret: from a secret manager");
    world.type_into("Application secret", "vault://secret/sinch");
    assert!(
        world.shows("is not usable"),
        "a reference half typed says how it should look"
    );
    world.type_into("Application secret", "/dev#app_secret");
    assert!(world.shows("From Vault secret/sinch/dev, field app_secret"));
    world.click("Save profile");
    assert!(
        world.app().profiles.editor.is_none(),
        "{:?}",
        world.app().profiles.editor.as_ref().map(|e| &e.error)
    );
    // Nothing in the keyring; the reference in the index.
    assert_eq!(world.stored("team"), None);
    let index = std::fs::read_to_string(world.config.path().join("profiles.json")).unwrap();
    assert!(
        index.contains("vault://secret/sinch/dev#app_secret"),
        "{index}"
    );
    assert!(!index.contains(SECRET));
    assert_eq!(world.app().profiles.selected.as_deref(), Some("team"));
    assert!(world.shows("Application secret from Vault secret/sinch/dev, field app_secret"));
    assert_eq!(manager.fetches.load(Ordering::SeqCst), 1);

    world.type_into("Username", "alice");
    world.click("Generate ticket");
    let generated = world
        .app()
        .generate
        .generated
        .as_ref()
        .expect("a ticket was made");
    let secret = AppSecret::from_base64(SECRET).unwrap();
    let report = inspect(
        &generated.made.credential,
        Some(VerifyWith {
            secret: &secret,
            application_key: Some(KEY),
        }),
        start(),
    )
    .unwrap();
    assert_eq!(report.verdict, Verdict::Verified);

    // Chosen again within its time: not asked again.
    world.choose_profile("production");
    world.choose_profile("team");
    assert_eq!(manager.fetches.load(Ordering::SeqCst), 1);

    // Forget: the value is gone until fetched again; the ticket made is still the profile's.
    world.click("Forget");
    assert!(world.app().profiles.loaded.is_none());
    assert!(world.shows(
        "Application secret from Vault secret/sinch/dev, field app_secret: forgotten, as asked."
    ));
    assert!(world.shows("press Fetch again, above, to use the profile"));
    assert!(
        !world.shows("Made before the form changed"),
        "the same profile is still selected"
    );
    // The index changing elsewhere (the command line adds a profile) asks the manager for
    // nothing: forgotten stays forgotten.
    Profiles::new(world.store.clone(), world.config.path().to_owned())
        .add(
            "elsewhere",
            "22222222-3333-4444-5555-666666666666",
            &AppSecret::from_base64(OTHER_SECRET).unwrap(),
            false,
        )
        .unwrap();
    world.wait_until("the profile added elsewhere listed", |w| {
        w.app().profiles.list.iter().any(|p| p.name == "elsewhere")
    });
    assert!(world.app().profiles.loaded.is_none(), "still forgotten");
    assert_eq!(manager.fetches.load(Ordering::SeqCst), 1);
    world.click("Fetch again");
    assert!(world.app().profiles.loaded.is_some());
    assert_eq!(manager.fetches.load(Ordering::SeqCst), 2);

    // Five minutes later it is forgotten by itself; the window was woken for it.
    let delay = world.harness.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
    assert!(delay <= Duration::from_secs(300), "{delay:?}");
    world.advance(299);
    assert!(world.app().profiles.loaded.is_some());
    world.advance(2);
    assert!(
        world.app().profiles.loaded.is_none(),
        "forgotten after five minutes"
    );
    assert!(world.shows("forgotten after 5 minutes."));

    // Editing it keeps the reference; switching it off asks for a typed secret instead of
    // copying the fetched one into the keyring.
    world.click("Fetch again");
    world.click("Edit…");
    world.click("Application secret: from a secret manager");
    world.click("Save profile");
    let editor = world
        .app()
        .profiles
        .editor
        .as_ref()
        .expect("the editor stays open");
    assert!(
        editor.problems.iter().any(|(field, problem)| {
            *field == sinch_ticket::app::profile_panel::Field::Secret
                && problem.contains("type the application secret to keep it in the keyring")
        }),
        "{:?}",
        editor.problems
    );
    assert!(world.shows("ype the application secret to keep it in the keyring"));
    assert_eq!(world.stored("team"), None);
}

#[test]
fn a_profile_whose_manager_fails_says_why_and_its_reference_can_be_put_right() {
    let manager = Arc::new(OneValue {
        value: "",
        fetches: Default::default(),
    });
    let mut world = world_from_with(Control::default(), true, manager);
    world.click("Add…");
    world.type_into("Profile name", "team");
    world.type_into("Application key", KEY);
    world.click("Application secret: from a secret manager");
    world.type_into("Application secret", "env:TEAM_SECRET");
    world.click("Save profile");
    // Saved (a reference is saved without being fetched), but it cannot sign: said so.
    assert!(world.app().profiles.loaded.is_none());
    assert!(world.shows("could not be fetched from environment variable TEAM_SECRET"));
    // Edit… opens from what the index lists, the reference in place, to be put right.
    world.click("Edit…");
    let editor = world
        .app()
        .profiles
        .editor
        .as_ref()
        .expect("the editor opens");
    assert!(editor.secret_ref.on);
    assert_eq!(editor.secret_ref.text, "env:TEAM_SECRET");
    world.replace_text("Application secret", "env:OTHER_SECRET");
    world.click("Save profile");
    assert!(world.app().profiles.editor.is_none());
    let index = std::fs::read_to_string(world.config.path().join("profiles.json")).unwrap();
    assert!(index.contains("env:OTHER_SECRET"), "{index}");
    assert_eq!(world.stored("team"), None);
}

/// Keeps a record of `event` with `custom` in its body in the history at `path`.
fn keep_record(path: &std::path::Path, event: &str, custom: &str) {
    keep_record_as(path, event, custom, "{}");
}

/// [`keep_record`], with `record` as the listener's record of it.
fn keep_record_as(path: &std::path::Path, event: &str, custom: &str, record: &str) {
    let body = format!(r#"{{"event":"{event}","callid":"c-1","custom":"{custom}"}}"#).into_bytes();
    sinch_ticket::history::History::open(path)
        .unwrap()
        .history
        .record(&sinch_ticket::history::Entry {
            id: None,
            time: chrono::Utc::now(),
            peer: "127.0.0.1:5000".into(),
            method: "POST".into(),
            path: "/sinch/callback".into(),
            event: Some(event.into()),
            scheme: None,
            verified: true,
            reason: None,
            status: Some(200),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body_size: body.len() as u64,
            body,
            body_sha256: None,
            record: record.into(),
            replay_of: None,
            resigned: false,
        })
        .unwrap();
}

#[test]
fn a_kept_records_detail_shows_what_the_app_answered_body_included() {
    let mut world = world();
    let path = world.config.path().join("data/history.sqlite3");
    let record = serde_json::json!({
        "forwarded": {
            "url": "http://127.0.0.1:3000/",
            "status": 200,
            "took_ms": 9,
            "content_type": "application/json",
            "body": r#"{"action":{"name":"hangup"}}"#,
        }
    })
    .to_string();
    keep_record_as(&path, "ace", "forwarded-once", &record);
    world.click("Callbacks");
    world.click("Listen");
    world.history_listed(1);
    world.pick_row(&["ace"]);
    world.click("Your app's answer");
    assert!(world.shows("Your app at http://127.0.0.1:3000/ answered 200 in 9 ms."));
    assert!(world.shows("Content-Type: application/json"));
    let body = world.field("Your app's body").value().unwrap_or_default();
    assert!(body.contains("\"hangup\""), "{body}");
}

#[test]
fn the_inspector_keeps_its_history_open_and_follows_a_file_replaced_under_it() {
    let mut world = world();
    let path = world.config.path().join("data/history.sqlite3");
    keep_record(&path, "dice", "in-the-first-file");
    world.click("Callbacks");
    world.click("Listen");
    world.history_listed(1);
    assert!(world.lists(&["dice"]));
    // Kept on the same file: a second read sees what was added.
    keep_record(&path, "ace", "in-the-first-file");
    world.replace_text("Filter", "in-the-first");
    world.history_listed(2);
    // The file set aside (as a damaged one is) and another made in its place: the list is
    // the new file's, not the old one's.
    std::fs::rename(&path, path.with_extension("aside")).unwrap();
    for suffix in ["-wal", "-shm"] {
        let side = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        let _ = std::fs::rename(&side, format!("{}.aside{suffix}", path.display()));
    }
    keep_record(&path, "ice", "in-the-second-file");
    world.replace_text("Filter", "in-the-second");
    world.history_listed(1);
    assert!(world.lists(&["ice"]));
}

#[test]
fn a_record_that_never_verified_is_re_signed_only_once_the_user_says_so() {
    let mut world = world();
    // A stranger's request the listener refused, as the history keeps it.
    let path = world.config.path().join("data/history.sqlite3");
    let body = br#"{"event":"dice","callid":"c-7","custom":"a-strangers"}"#.to_vec();
    sinch_ticket::history::History::open(&path)
        .unwrap()
        .history
        .record(&sinch_ticket::history::Entry {
            id: None,
            time: chrono::Utc::now(),
            peer: "203.0.113.9:5000".into(),
            method: "POST".into(),
            path: "/sinch/callback".into(),
            event: Some("dice".into()),
            scheme: None,
            verified: false,
            reason: Some("no Authorization header".into()),
            status: Some(401),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body_size: body.len() as u64,
            body: body.clone(),
            body_sha256: None,
            record: "{}".into(),
            replay_of: None,
            resigned: false,
        })
        .unwrap();
    let (port, server) =
        server::answering_server(SECRET, KEY, None, server::Answering::careful(200, ""));
    world.click("Callbacks");
    world.click("Trigger");
    world.replace_text(
        "Your server's URL",
        &format!("http://127.0.0.1:{port}/sinch/callback"),
    );
    world.click("Listen");
    world.history_listed(1);
    world.pick_row(&["dice", "NOT VERIFIED", " 401  "]);
    let replay_disabled = |world: &World| world.disabled("Replay");
    assert!(replay_disabled(&world), "not signed without a word");
    world.click("It never verified: sign it with my secret anyway");
    assert!(!replay_disabled(&world));
    world.click("Replay");
    world.wait_until("the replay", |w| {
        w.app().callbacks.listen.replayed.last.is_some()
    });
    let received = server.join().unwrap();
    assert!(received.verified, "{}", received.raw);
    let replay = sinch_ticket::history::History::open(&path)
        .unwrap()
        .history
        .get(2)
        .unwrap()
        .expect("kept");
    assert!(replay.resigned && !replay.verified);
    assert_eq!(replay.headline(), "re-signed (application)");
}

#[test]
fn a_history_that_cannot_be_kept_is_said_above_it_with_what_was_lost() {
    use sinch_ticket::sinch::callback::{Event, Forgery};
    let mut world = world();
    // A folder where the history file should be.
    let path = world.config.path().join("data/history.sqlite3");
    std::fs::create_dir_all(&path).unwrap();
    world.click("Callbacks");
    world.click("Listen");
    world.replace_text("Port", "0");
    let addr = world.start_listening();
    let body = br#"{"event":"dice","callid":"c-1"}"#;
    assert_eq!(
        callback_at(addr, Event::Dice, body, Forgery::None)
            .answer
            .status,
        200
    );
    world.stop_listening();
    world.wait_until("the keeper's word", |w| {
        w.app()
            .callbacks
            .listen
            .history_note
            .as_deref()
            .is_some_and(|note| note.contains("1 request(s) answered could not be kept"))
    });
    world.harness.run_steps(2);
    assert!(world.shows("is a folder, not a file"));
    assert!(world.shows("requests are not kept"));
    world.click("Dismiss");
    assert!(world.app().callbacks.listen.history_note.is_none());
}

#[test]
fn a_running_listener_verifies_with_the_profiles_secrets_as_saved_without_a_restart() {
    let mut world = world();
    world.click("Callbacks");
    world.click("Listen");
    world.replace_text("Port", "0");
    let addr = world.start_listening();
    let secret = sinch_ticket::sinch::webhook::WebhookSecret::new("foo_secret1234");
    let send = |nonce: &str| {
        sinch_ticket::net::trigger::send(sinch_ticket::net::trigger::Trigger {
            event: sinch_ticket::sinch::callback::Event::SmsInbound,
            url: &format!("http://{addr}/sms"),
            signer: sinch_ticket::sinch::callback::SecretFor::Webhook(&secret),
            body: br#"{"type":"mo_text","id":"1","body":"Hej"}"#.to_vec(),
            sent_at: Utc::now(),
            nonce: nonce.into(),
            forgery: sinch_ticket::sinch::callback::Forgery::None,
            timeout: Duration::from_secs(30),
        })
        .unwrap()
        .answer
        .status
    };
    assert_eq!(
        send("01FJA8B4A7BM43YGWSG9GBV001"),
        401,
        "no such secret yet"
    );

    // The Conversation/SMS secret saved while it listens.
    world.click("Edit…");
    world.click("Webhook secrets");
    world.type_into("Conversation/SMS webhook secret", "foo_secret1234");
    world.click("Save profile");
    world.settle();
    world.wait_until("the listener told", |w| {
        w.app().callbacks.listen.secrets_note.is_some()
    });
    world.harness.run_steps(2);
    assert!(world.shows(
        "Profile \"sandbox\" changed: the listener verifies with its secrets as saved now."
    ));
    assert_eq!(
        send("01FJA8B4A7BM43YGWSG9GBV002"),
        200,
        "verified with the secret saved, without Stop and Start"
    );
    world.stop_listening();
}

#[test]
fn a_forgery_the_event_cannot_carry_is_disabled_with_the_reason_and_names_no_flag() {
    let mut world = world();
    world.click("Callbacks");
    world.click("Trigger");
    // A Voice event: its callbacks carry no nonce, so sending twice proves nothing.
    assert_eq!(
        world.app().callbacks.trigger.event.product(),
        sinch_ticket::sinch::callback::Product::Voice
    );
    assert!(world.disabled("Sent twice"), "not offered for Voice");
    let why = sinch_ticket::sinch::callback::Forgery::Replay
        .check_for(world.app().callbacks.trigger.event)
        .unwrap_err()
        .to_string();
    assert!(
        !why.contains("--"),
        "no command-line flag in the window: {why}"
    );
    // A Conversation event takes it.
    world.click("Event");
    world.click("conversation-message-inbound — Message Inbound");
    assert!(!world.disabled("Sent twice"));
    world.click("Sent twice");
    assert_eq!(
        world.app().callbacks.trigger.forgery,
        sinch_ticket::sinch::callback::Forgery::Replay
    );
    // Back to a Voice event: the choice falls back to signed, and says so until another
    // is chosen.
    world.click("Event");
    world.click("ice — Incoming Call Event");
    world.harness.run_steps(2);
    assert_eq!(
        world.app().callbacks.trigger.forgery,
        sinch_ticket::sinch::callback::Forgery::None
    );
    assert!(world.shows("Sent twice was set back to Signed"));
    world.click("Bad signature");
    assert!(!world.shows("was set back to Signed"));

    // With the window's listener running, the URL is one click away from it.
    world.click("Listen");
    let addr = world.start_listening();
    world.click("Trigger");
    world.click("Send to this window's listener");
    assert_eq!(
        world.app().callbacks.trigger.url,
        format!("http://127.0.0.1:{}/sinch/callback", addr.port())
    );
    world.harness.run_steps(2);
    assert!(
        world
            .harness
            .query_by_label("Send to this window's listener")
            .is_none(),
        "not offered once it points there"
    );
    world.click("Listen (on)");
    world.stop_listening();
}

#[test]
fn profiles_changed_by_the_command_line_show_up_and_a_running_listener_takes_them() {
    let mut world = world();
    world.click("Callbacks");
    world.click("Listen");
    world.replace_text("Port", "0");
    let addr = world.start_listening();
    // Another profile selected meanwhile: the listener still follows its own.
    world.choose_profile("production");
    // The command line, beside the window: the same keyring and index.
    let outside = Profiles::new(world.store.clone(), world.config.path().to_owned());
    outside
        .set_webhook_secret(
            "sandbox",
            sinch_ticket::profiles::CredentialKind::Conversation,
            "foo_secret1234",
            false,
        )
        .unwrap();
    world.wait_until("the listener took the new secret", |w| {
        w.app().callbacks.listen.secrets_note.is_some()
    });
    let secret = sinch_ticket::sinch::webhook::WebhookSecret::new("foo_secret1234");
    let sent = sinch_ticket::net::trigger::send(sinch_ticket::net::trigger::Trigger {
        event: sinch_ticket::sinch::callback::Event::SmsInbound,
        url: &format!("http://{addr}/sms"),
        signer: sinch_ticket::sinch::callback::SecretFor::Webhook(&secret),
        body: br#"{"type":"mo_text","id":"1","body":"Hej"}"#.to_vec(),
        sent_at: Utc::now(),
        nonce: "01FJA8B4A7BM43YGWSG9GBV003".into(),
        forgery: sinch_ticket::sinch::callback::Forgery::None,
        timeout: Duration::from_secs(30),
    })
    .unwrap();
    assert_eq!(
        sent.answer.status, 200,
        "verified with the secret the command line saved"
    );
    world.stop_listening();

    // A profile added on the command line appears without a restart.
    outside
        .add(
            "staging",
            "11111111-2222-3333-4444-555555555555",
            &AppSecret::from_base64(OTHER_SECRET).unwrap(),
            false,
        )
        .unwrap();
    world.wait_until("the new profile listed", |w| {
        w.app().profiles.list.iter().any(|p| p.name == "staging")
    });
}

#[test]
fn a_tab_switched_to_with_its_shortcut_puts_the_focus_in_its_main_field() {
    let mut world = world();
    for (key, field) in [
        (egui::Key::Num2, "Token to inspect"),
        (egui::Key::Num3, "Path"),
        (egui::Key::Num1, "Username"),
    ] {
        world
            .harness
            .key_press_modifiers(egui::Modifiers::COMMAND, key);
        world.harness.run_steps(3);
        assert!(
            world.field(field).is_focused(),
            "{field} focused after {key:?}"
        );
    }
    // Typing goes there at once.
    world
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num2);
    world.harness.run_steps(3);
    world
        .harness
        .get_by_label("Token to inspect")
        .type_text("abc");
    world.harness.run_steps(2);
    assert_eq!(world.app().inspect.input, "abc");
}

/// What has the keyboard focus: its role, name and top-left corner.
fn focused(world: &World) -> Option<(Role, String, egui::Pos2)> {
    use egui_kittest::kittest::NodeT as _;
    world
        .harness
        .query_all(egui_kittest::kittest::by().predicate(|n| n.is_focused()))
        .map(|n| {
            let node = n.accesskit_node();
            (node.role(), node.label().unwrap_or_default(), n.rect().min)
        })
        .next()
}

#[test]
fn escape_from_a_menu_or_list_gives_the_focus_back_and_enter_picks_an_item() {
    let mut world = world();
    // The Settings menu, by keyboard only: Enter opens it, the arrows and Tab move, Enter
    // picks, Escape closes it with the focus back on Settings, and Tab goes on from there.
    world.harness.get_by_label("Settings").focus();
    world.harness.run_steps(2);
    world.harness.key_press(egui::Key::Enter);
    world.harness.run_steps(2);
    assert!(world.shows("Theme"), "Enter opens the menu");
    world.harness.key_press(egui::Key::ArrowDown);
    world.harness.run_steps(2);
    for _ in 0..2 {
        world.harness.key_press(egui::Key::Tab);
        world.harness.run_steps(2);
    }
    assert_eq!(focused(&world).map(|f| f.1).as_deref(), Some("Dark"));
    world.harness.key_press(egui::Key::Enter);
    world.harness.run_steps(2);
    assert_eq!(
        world.app().theme,
        sinch_ticket::app::Theme::Dark,
        "Enter picks"
    );
    world.harness.key_press(egui::Key::Escape);
    world.harness.run_steps(3);
    assert!(
        !world.shows("Clear copies from the clipboard after"),
        "closed"
    );
    assert_eq!(
        focused(&world).map(|f| f.1).as_deref(),
        Some("Settings"),
        "the focus is back where it was"
    );
    world.harness.key_press(egui::Key::Tab);
    world.harness.run_steps(2);
    assert_eq!(focused(&world).map(|f| f.1).as_deref(), Some("Profile"));

    // The Profile list by keyboard: Enter opens it, the arrows move, Enter picks and closes.
    world
        .harness
        .get_by_role_and_label(Role::ComboBox, "Profile")
        .focus();
    world.harness.run_steps(2);
    world.harness.key_press(egui::Key::Enter);
    world.harness.run_steps(2);
    assert!(world.shows("production"), "the list is open");
    world.harness.key_press(egui::Key::ArrowDown);
    world.harness.run_steps(2);
    let item = focused(&world).map(|f| f.1).unwrap_or_default();
    world.harness.key_press(egui::Key::Enter);
    world.harness.run_steps(3);
    world.settle();
    assert!(
        !egui::Popup::is_any_open(&world.harness.ctx),
        "picked ({item}) and closed"
    );
    assert_eq!(
        world.app().profiles.selected.as_deref(),
        Some(item.trim_end_matches(" (default)"))
    );
    world.choose_profile("sandbox (default)");

    // A list opened with the pointer while typing: Escape, and the typing goes on.
    world.field("Username").click();
    world.harness.run_steps(2);
    world
        .harness
        .get_by_role_and_label(Role::ComboBox, "Profile")
        .click();
    world.harness.run_steps(2);
    assert!(world.shows("production"), "the list is open");
    world.harness.key_press(egui::Key::Escape);
    world.harness.run_steps(3);
    assert_eq!(focused(&world).map(|f| f.1).as_deref(), Some("Username"));
    world.field("Username").type_text("bob");
    world.harness.run_steps(2);
    assert_eq!(world.field("Username").value().as_deref(), Some("bob"));

    // The window's own file dialog: Escape gives the focus back to the button that opened it.
    world.click("Callbacks");
    world.click("Scenario");
    world.harness.get_by_label("Open…").focus();
    world.harness.run_steps(2);
    world.harness.key_press(egui::Key::Enter);
    world.harness.run_steps(3);
    assert!(world.app().dialogs.open());
    world.harness.key_press(egui::Key::Escape);
    world.harness.run_steps(3);
    assert!(!world.app().dialogs.open());
    assert_eq!(focused(&world).map(|f| f.1).as_deref(), Some("Open…"));
    // Idle afterwards: giving the focus back asks for one frame, not a loop.
    world.harness.run_steps(4);
    let delay = world.harness.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
    assert_eq!(delay, Duration::MAX);
}

#[test]
fn tab_reaches_every_control_of_each_pane_in_reading_order() {
    use egui_kittest::kittest::{NodeT as _, by};
    let mut world = world();
    world.harness.set_size(egui::vec2(1100.0, 720.0));
    world.harness.run_steps(3);
    world.type_into("Username", "alice");
    world.click("Generate ticket");
    world.click("Request");
    world.click("Sign");
    for (tab, part, panes) in PANED {
        world.show(tab, part);
        let place = format!("{tab} {}", part.unwrap_or(""));
        // One round of Tab from the first tab button back to it.
        world.harness.get_by_label("Generate").focus();
        world.harness.run_steps(2);
        let mut round = Vec::new();
        for _ in 0..200 {
            world.harness.key_press(egui::Key::Tab);
            world.harness.run_steps(1);
            let now = focused(&world).expect("Tab always focuses something");
            if now.0 == Role::Button && now.1 == "Generate" && now.2.y < 10.0 {
                break;
            }
            round.push(now);
        }
        for name in panes {
            let pane = world
                .harness
                .get_by(|n| n.role() == Role::Pane && n.label().as_deref() == Some(name));
            let area = pane.rect();
            let inside = |at: egui::Pos2| area.contains(at + egui::vec2(1.0, 1.0));
            // In reading order: down the pane, and along a row left to right.
            let visited: Vec<_> = round.iter().filter(|f| inside(f.2)).collect();
            for pair in visited.windows(2) {
                let (a, b) = (pair[0].2, pair[1].2);
                assert!(
                    b.y > a.y + 2.0 || ((b.y - a.y).abs() <= 2.0 && b.x > a.x),
                    "{place}: Tab goes from {:?} to {:?}, against reading order",
                    pair[0],
                    pair[1]
                );
            }
            // And every control in sight that can take the focus is on the way.
            for node in pane.query_all(by().predicate(|n| {
                matches!(
                    n.role(),
                    Role::Button
                        | Role::TextInput
                        | Role::MultilineTextInput
                        | Role::ComboBox
                        | Role::CheckBox
                        | Role::RadioButton
                ) && !n.is_disabled()
                    && n.bounding_box().is_some()
            })) {
                let label = node.accesskit_node().label().unwrap_or_default();
                let rect = node.rect();
                if !area.contains(rect.min + egui::vec2(1.0, 1.0)) {
                    continue; // scrolled out of sight
                }
                assert!(
                    visited
                        .iter()
                        .any(|f| f.1 == label && (f.2 - rect.min).length() < 2.0),
                    "{place}: Tab never reaches {:?} {label:?} in {name}",
                    node.accesskit_node().role()
                );
            }
        }
    }
}

/// A Voice callout to the window's mock at `addr`, signed with `secret`: its status and body.
fn callout_at(addr: std::net::SocketAddr, secret: &str) -> (u16, serde_json::Value) {
    use sinch_ticket::sinch::signing::{SignRequest, sign_request, timestamp};
    let body = r#"{"method":"ttsCallout","ttsCallout":{"destination":{"type":"number","endpoint":"+46700000000"},"text":"Hi"}}"#;
    let stamp = timestamp(Utc::now());
    let signed = sign_request(
        KEY,
        &AppSecret::from_base64(secret).unwrap(),
        &SignRequest {
            method: "POST",
            resource: "/calling/v1/callouts",
            content_type: Some("application/json"),
            body: body.as_bytes(),
            timestamp: &stamp,
        },
    );
    let url = format!("http://{addr}/calling/v1/callouts");
    let target = sinch_ticket::net::target::sendable(&url).unwrap();
    let mut headers = signed.headers();
    headers.push(("Content-Type".into(), "application/json".into()));
    let answer = sinch_ticket::net::client::send(
        &target,
        sinch_ticket::net::client::Outgoing {
            method: "POST",
            url: &url,
            headers,
            body: body.as_bytes().to_vec(),
            timeout: Duration::from_secs(30),
        },
    )
    .unwrap();
    (
        answer.status,
        serde_json::from_slice(&answer.body).unwrap_or_default(),
    )
}

#[test]
fn the_mock_part_answers_as_sinch_says_why_it_refused_and_the_inspector_lists_its_calls() {
    let mut world = world();
    world.click("Callbacks");
    world.click("Mock");
    // The callback URL is checked as it is typed, as the port is.
    world.replace_text("Callback URL", "ftp://example.com/x");
    assert!(world.shows("callback URL: "));
    world.replace_text("Callback URL", "http://127.0.0.1:9/nobody-listens");
    assert!(!world.shows("callback URL: "));
    world.replace_text("Port", "0");
    world.click("Start mock");
    let addr = world
        .app()
        .callbacks
        .mock
        .listening_on()
        .expect("the mock runs");
    assert!(world.shows("Answering on http://127.0.0.1:"));
    assert!(world.lists(&["Mock (on)"]) || world.shows("Mock (on)"));
    // The wrong secret: Sinch's refusal to the caller, nothing more.
    let (status, body) = callout_at(addr, OTHER_SECRET);
    assert_eq!(status, 401);
    assert_eq!(
        body,
        serde_json::json!({"errorCode": 40102, "message": "Invalid Signature"})
    );
    // The right one: a call placed.
    let (status, body) = callout_at(addr, SECRET);
    assert_eq!(status, 200, "{body}");
    world.wait_until("both calls listed", |w| {
        w.app().callbacks.mock.lines.len() >= 2
    });
    world.harness.run_steps(2);
    assert!(world.lists(&["POST voice.callout: 200 application"]));
    // Why it refused is said here, with what the signature should have covered.
    world
        .harness
        .get_by_label_contains("POST voice.callout: 401 refused")
        .click();
    world.harness.run_steps(2);
    assert!(world.shows("Why it was refused"));
    assert!(world.shows("What the signature should cover"));
    let why = world
        .field("Why it was refused")
        .value()
        .unwrap_or_default();
    assert!(
        why.contains("the signature does not match this secret"),
        "{why}"
    );
    let covered = world
        .field("What the signature should cover")
        .value()
        .unwrap_or_default();
    assert!(covered.starts_with("POST\n"), "{covered}");
    // Nobody at the callback URL: the ACE the call planned is said not delivered.
    world.wait_until("the ACE reported", |w| {
        w.app()
            .callbacks
            .mock
            .lines
            .iter()
            .any(|(_, seen)| matches!(seen, sinch_ticket::net::mock::Seen::Callback(_)))
    });
    world.click("Stop mock");
    world.wait_until("the mock stopped", |w| {
        !w.app().callbacks.mock.stopping.busy()
    });
    // Kept in the history, the inspector lists the mock's calls beside what the listener got.
    world.click("Listen");
    world.click("Reload");
    world.wait_until("the history read", |w| {
        let inspector = &w.app().callbacks.listen.inspector;
        !inspector.reading.busy() && inspector.kept.len() >= 2
    });
    world.harness.run_steps(2);
    assert!(
        world.lists(&["mock:voice.callout", "NOT VERIFIED"]),
        "the refused call is listed"
    );
    assert!(world.lists(&["mock:voice.callout", "verified (application)"]));
    // A call a backend made to the mock is not offered for replay at a server.
    world.pick_row(&["mock:voice.callout", "verified (application)"]);
    assert!(world.shows("A call your backend made to the mock"));
    assert!(!world.lists(&["Replay"]));
}
