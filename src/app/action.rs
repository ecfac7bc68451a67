//! What panels ask for. A panel draws itself and returns [`Action`]s; `app/mod.rs` applies
//! them at the end of the frame, in one place. So no panel writes another panel's state, and
//! the flow of a click ("Copy ticket" -> `Action::Copy` -> the clipboard) reads top to bottom.

use chrono::{DateTime, Utc};
use eframe::egui;

use super::clipboard::CopyStatus;
use super::worker::Request;
use crate::profiles::{Profile, ProfileError};

/// One thing a panel wants done.
#[must_use]
pub enum Action {
    /// Hand a request to the keyring worker.
    Worker(Request),
    /// Offer a username to the Generate tab (the last one used with a profile); it is taken
    /// only when the field is empty.
    SuggestUsername(String),
    /// Make the credential the Generate tab describes, with the loaded profile.
    Generate,
    /// Copy the credential or its snippet.
    Copy(CopyWhat),
    /// Copy other text (a signed request as curl, its headers), cleared as a ticket is.
    CopyText {
        /// The text.
        text: String,
        /// What it is called in the status line.
        what: &'static str,
    },
    /// Sign the Request tab's request (Ctrl+Enter there), then copy or send it.
    Request(RequestDo),
    /// Send the Callbacks tab's event at the server (Ctrl+Enter in its Trigger part).
    SendTrigger,
    /// Run the Callbacks tab's scenario with the selected profile (Ctrl+Enter there).
    RunScenario,
    /// Stop the scenario under way.
    StopScenario,
    /// Start the Callbacks tab's listener with the selected profile.
    StartListening,
    /// Stop it.
    StopListening,
    /// Start the Callbacks tab's mock of Sinch's APIs with the selected profile.
    StartMock,
    /// Stop it.
    StopMock,
    /// Send the history record shown again, re-signed, to the Trigger part's URL.
    ReplayRecord,
    /// Remove our copy from the clipboard now.
    ClearClipboard,
    /// Clear copies after this many seconds (`None`: never).
    SetClearAfter(Option<u64>),
    /// Show the window in this theme.
    SetTheme(Theme),
    /// Write the test page.
    SaveTestPage,
    /// Show an open or save dialog; the path chosen goes back to the field that asked.
    Choose(super::file_dialog::Ask),
    /// Open this saved file in the user's browser.
    OpenInBrowser(std::path::PathBuf),
    /// Show another tab.
    ShowTab(Tab),
    /// Show news or an error in the status line.
    Notify(Notice),
    /// Wipe the secrets fetched from secret managers (the *Forget* button).
    ForgetFetched,
    /// Close the window (settings are saved, our copy cleared).
    Quit,
}

/// What the Request tab's buttons ask for: each signs the request afresh first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestDo {
    /// Sign it and show the headers.
    Sign,
    /// Copy it as a curl command.
    CopyCurl,
    /// Copy the signed headers.
    CopyHeaders,
    /// Send it.
    Send,
    /// Copy the OAuth2 token (fetched first when there is none).
    CopyToken,
}

/// The window's colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Theme {
    /// The desktop's (light or dark, as it says).
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl Theme {
    /// Every theme, as the Settings menu offers them.
    pub const ALL: [(Theme, &'static str); 3] = [
        (Theme::System, "As the desktop"),
        (Theme::Light, "Light"),
        (Theme::Dark, "Dark"),
    ];

    /// egui's word for it.
    pub fn preference(self) -> egui::ThemePreference {
        match self {
            Self::System => egui::ThemePreference::System,
            Self::Light => egui::ThemePreference::Light,
            Self::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// What to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyWhat {
    /// The ticket or JWT itself.
    Credential,
    /// The `<script>` snippet that starts a client with it.
    Snippet,
}

/// The tabs.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum Tab {
    /// Make a credential.
    #[default]
    Generate,
    /// Decode and verify any credential.
    Inspect,
    /// Sign a REST request and copy or send it.
    Request,
    /// Sinch's callbacks: verify, trigger, listen.
    #[serde(alias = "Callback")]
    Callbacks,
}

impl Tab {
    /// Every tab, in the order the window shows them (Ctrl+1, Ctrl+2, …).
    pub const ALL: [Tab; 4] = [Tab::Generate, Tab::Inspect, Tab::Request, Tab::Callbacks];
}

/// What every tab of the window is: a title and tooltip for the tab bar, its drawing, and
/// what Ctrl+Enter does on it. The tab bar, Ctrl+1…N and Ctrl+Enter all come from this, so
/// adding a tab is adding one implementation.
pub trait TabPanel {
    /// The label in the tab bar.
    fn title(&self) -> &'static str;
    /// What the tab is for (the tab's tooltip).
    fn tooltip(&self) -> &'static str;
    /// Draws the tab and returns what it asks for.
    fn ui(&mut self, ui: &mut egui::Ui, cx: &PanelContext<'_>) -> Vec<Action>;
    /// What Ctrl+Enter does on this tab, if anything.
    fn primary_action(&self) -> Option<Action>;
    /// Puts the keyboard focus in the tab's main field when it is next drawn (the tab was
    /// just switched to, with Ctrl+1…4 or a click).
    fn focus_main(&mut self) {}
}

/// Whether a notice is news or an error to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// News.
    Info,
    /// Something to act on (shown in the error colour).
    Error,
}

/// What a notice is about: a new notice replaces the one about the same thing, and a success
/// there clears an error there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// Generating a credential.
    Generate,
    /// Copying to the clipboard.
    Copy,
    /// Saving the test page.
    TestPage,
    /// Saving, deleting and listing profiles.
    Profiles,
    /// The profile index (a damaged one, say).
    Index,
    /// Where profiles live: the keyring answering again, moves into it.
    Keyring,
}

/// A short message in the status line. Its text is a sentence as the core words it; it is
/// capitalized where it is drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The text.
    pub text: String,
    /// News or error.
    pub tone: Tone,
    /// What it is about.
    pub topic: Topic,
    /// When it was first shown (news fades a few seconds after).
    pub shown_at: Option<DateTime<Utc>>,
}

impl Topic {
    /// The tab a notice about this belongs to, and is shown on (`None`: every tab).
    pub fn tab(self) -> Option<Tab> {
        match self {
            Self::Generate | Self::TestPage => Some(Tab::Generate),
            Self::Copy | Self::Profiles | Self::Index | Self::Keyring => None,
        }
    }
}

impl Notice {
    /// News about `topic`.
    pub fn info(topic: Topic, text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            tone: Tone::Info,
            topic,
            shown_at: None,
        }
    }

    /// An error to act on, about `topic`.
    pub fn error(topic: Topic, text: impl ToString) -> Self {
        Self {
            text: text.to_string(),
            tone: Tone::Error,
            topic,
            shown_at: None,
        }
    }
}

/// Where the selected profile stands: what the Generate and Inspect tabs sign or verify with.
#[derive(Debug, Clone, Copy)]
pub enum ProfileState<'a> {
    /// There is no profile at all yet.
    NoProfiles,
    /// Profiles exist but none is selected.
    NoneSelected,
    /// Its secret is being read from the keyring.
    Loading,
    /// Its secret could not be read.
    Failed(&'a ProfileError),
    /// The secrets it takes from secret managers were forgotten (their five minutes were up,
    /// or *Forget* was pressed): *Fetch again* brings them back. Its name.
    Forgotten(&'a str),
    /// Ready to sign and verify.
    Ready(&'a Profile),
}

impl<'a> ProfileState<'a> {
    /// The selected profile's name, when it is ready or only its fetched secrets were
    /// forgotten (it is still the one selected).
    pub fn name(self) -> Option<&'a str> {
        match self {
            Self::Ready(profile) => Some(&profile.name),
            Self::Forgotten(name) => Some(name),
            _ => None,
        }
    }

    /// The profile, when it is ready.
    pub fn ready(self) -> Option<&'a Profile> {
        match self {
            Self::Ready(profile) => Some(profile),
            _ => None,
        }
    }

    /// Why nothing can be signed yet, or `None` when a profile is ready.
    pub fn blocker(self) -> Option<String> {
        match self {
            Self::NoProfiles | Self::NoneSelected => {
                Some("add a profile first: the credential is signed with its secret".into())
            }
            Self::Loading => Some("reading the profile's secret from the keyring…".into()),
            Self::Failed(err) => Some(err.to_string()),
            Self::Forgotten(name) => Some(format!(
                "the secrets of profile \"{name}\" that come from a secret manager were \
                 forgotten: press Fetch again, above, to use the profile"
            )),
            Self::Ready(_) => None,
        }
    }
}

/// What every panel may read while it draws: shared facts, never another panel's state to
/// change.
pub struct PanelContext<'a> {
    /// The time of this frame.
    pub now: DateTime<Utc>,
    /// The selected profile.
    pub profile: ProfileState<'a>,
    /// Whether keyring work is under way.
    pub busy: bool,
    /// How the last copy stands.
    pub copy_status: &'a CopyStatus,
    /// Seconds after which a copy is cleared (`None`: never).
    pub clear_after: Option<u64>,
}
