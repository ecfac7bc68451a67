//! The Callbacks tab: the other half of a Sinch integration, Sinch's callbacks to your
//! server, in three parts kept in one place. Verify a request pasted as raw HTTP; Trigger a
//! realistic signed (or forged) event at your server and see its answer checked; Listen for
//! callbacks and see them arrive with their verdicts.

pub mod inspector;
pub mod listen;
pub mod mock;
pub mod scenario;
pub mod trigger;
pub mod verify;

use eframe::egui::Ui;
use serde::{Deserialize, Serialize};

use self::listen::ListenPart;
use self::mock::MockPart;
use self::scenario::ScenarioPart;
use self::trigger::TriggerPart;
use self::verify::VerifyPart;
use super::action::{Action, PanelContext, TabPanel};

/// The Port row of a part that runs a server (the listener, the mock), in its grid, and
/// under it, as it is typed, why the text is not a port.
pub(crate) fn port_rows(ui: &mut Ui, port: &mut String, enabled: bool, tip: &str) {
    crate::app::widgets::labelled(ui, "Port", |ui, label| {
        ui.add_enabled(
            enabled,
            eframe::egui::TextEdit::singleline(port).desired_width(80.0),
        )
        .labelled_by(label)
        .on_hover_text(tip);
    });
    ui.end_row();
    if let Err(why) = crate::net::listen::parse_port(port) {
        ui.label("");
        crate::app::widgets::error_text(ui, &why);
        ui.end_row();
    }
}

/// The three parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Part {
    /// Paste a request and verify it.
    #[default]
    Verify,
    /// Send an event at your server.
    Trigger,
    /// Receive callbacks.
    Listen,
    /// Run a scenario file at your server.
    Scenario,
    /// Stand in for Sinch's APIs.
    Mock,
}

const PARTS: [(Part, &str, &str); 5] = [
    (
        Part::Verify,
        "Verify",
        "Paste a request Sinch sent your server and see whether it verifies",
    ),
    (
        Part::Trigger,
        "Trigger",
        "Send a realistic signed (or forged) event at your server and check its answer",
    ),
    (
        Part::Listen,
        "Listen",
        "Receive callbacks, verify each, and forward them to your app",
    ),
    (
        Part::Scenario,
        "Scenario",
        "Run a scenario file at your server: steps in order, expectations, retries, a JUnit report",
    ),
    (
        Part::Mock,
        "Mock",
        "Stand in for Sinch's APIs: answer your backend's calls, check their credentials, and call it back",
    ),
];

/// The Callbacks tab's state.
#[derive(Default)]
pub struct CallbacksTab {
    /// The part shown.
    pub part: Part,
    /// Verify a pasted request.
    pub verify: VerifyPart,
    /// Send an event.
    pub trigger: TriggerPart,
    /// Receive callbacks.
    pub listen: ListenPart,
    /// Run a scenario.
    pub scenario: ScenarioPart,
    /// Stand in for Sinch's APIs.
    pub mock: MockPart,
}

/// What the Callbacks tab remembers between runs: where your server and app are, never a
/// request or an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CallbacksSettings {
    /// The part last shown.
    pub part: Part,
    /// The event last triggered, by its command-line name.
    pub event: String,
    /// Your server's callback URL.
    pub url: String,
    /// The listener's port.
    pub port: String,
    /// Where the listener forwards to.
    pub forward_to: String,
    /// The scenario file last run.
    pub scenario_file: String,
    /// Where the scenario was sent (empty: the file's `to`).
    pub scenario_to: String,
    /// The scenario's time scale.
    pub time_scale: f64,
    /// The mock's port.
    pub mock_port: String,
    /// Where the mock's callbacks go.
    pub mock_callback_url: String,
    /// The mock's time scale.
    pub mock_time_scale: f64,
}

impl Default for CallbacksSettings {
    fn default() -> Self {
        CallbacksTab::default().settings()
    }
}

impl CallbacksTab {
    /// The tab as the last run left it.
    pub fn new(settings: CallbacksSettings) -> Self {
        let mut tab = Self {
            part: settings.part,
            ..Self::default()
        };
        if let Some(event) = crate::sinch::callback::Event::from_name(&settings.event) {
            tab.trigger.event = event;
        }
        tab.trigger.url = settings.url;
        tab.listen.port = settings.port;
        tab.listen.forward_to = settings.forward_to;
        tab.scenario.file = settings.scenario_file;
        tab.scenario.to = settings.scenario_to;
        tab.scenario.time_scale = settings.time_scale;
        tab.mock.port = settings.mock_port;
        tab.mock.callback_url = settings.mock_callback_url;
        tab.mock.time_scale = settings.mock_time_scale;
        tab
    }

    /// What to remember of it.
    pub fn settings(&self) -> CallbacksSettings {
        CallbacksSettings {
            part: self.part,
            event: self.trigger.event.name().to_owned(),
            url: self.trigger.url.clone(),
            port: self.listen.port.clone(),
            forward_to: self.listen.forward_to.clone(),
            scenario_file: self.scenario.file.clone(),
            scenario_to: self.scenario.to.clone(),
            time_scale: self.scenario.time_scale,
            mock_port: self.mock.port.clone(),
            mock_callback_url: self.mock.callback_url.clone(),
            mock_time_scale: self.mock.time_scale,
        }
    }

    /// Draws the part selector and the part shown.
    pub fn draw(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        ui.horizontal(|ui| {
            for (part, label, tip) in PARTS {
                let mut text = label.to_owned();
                if part == Part::Listen && self.listen.listening_on().is_some() {
                    text.push_str(" (on)");
                }
                if part == Part::Mock && self.mock.listening_on().is_some() {
                    text.push_str(" (on)");
                }
                if part == Part::Scenario && self.scenario.running() {
                    text.push_str(" (running)");
                }
                ui.selectable_value(&mut self.part, part, text)
                    .on_hover_text(tip);
            }
        });
        ui.separator();
        // Replay sends where the Trigger part sends; the Trigger part can send to the
        // listener.
        self.listen.replay_to.clone_from(&self.trigger.url);
        self.trigger.listener = self.listen.listening_on();
        let actions = match self.part {
            Part::Verify => self.verify.ui(ui, cx),
            Part::Trigger => self.trigger.ui(ui, cx),
            Part::Listen => self.listen.ui(ui, cx),
            Part::Scenario => self.scenario.ui(ui, cx),
            Part::Mock => self.mock.ui(ui, cx),
        };
        let mut actions = actions;
        actions.extend(self.listen.ask.take().map(Action::Choose));
        // A recorded request goes to the Trigger part's editor.
        if let Some((event, body)) = self.listen.to_trigger.take() {
            let key = cx
                .profile
                .ready()
                .map(|p| p.key.clone())
                .unwrap_or_default();
            self.trigger.edit(event, body, &key);
            self.part = Part::Trigger;
        }
        actions
    }
}

impl TabPanel for CallbacksTab {
    fn title(&self) -> &'static str {
        "Callbacks"
    }

    fn tooltip(&self) -> &'static str {
        "Sinch's callbacks to your server: verify one, trigger one, listen for them (Ctrl+4)"
    }

    fn ui(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        self.draw(ui, cx)
    }

    fn primary_action(&self) -> Option<Action> {
        match self.part {
            Part::Trigger => Some(Action::SendTrigger),
            Part::Scenario => Some(Action::RunScenario),
            Part::Verify | Part::Listen | Part::Mock => None,
        }
    }

    fn focus_main(&mut self) {
        match self.part {
            Part::Trigger => self.trigger.focus_url = true,
            Part::Scenario => self.scenario.focus_file = true,
            Part::Verify | Part::Listen | Part::Mock => {}
        }
    }
}
