//! The Generate tab: the form (username, expiry, kind, capabilities), the credential made
//! from it with its decoded form and countdown, and the copy and test-page buttons.
//!
//! "Copy ticket" goes: the button returns `Action::Copy(CopyWhat::Credential)` -> `app/mod.rs`
//! asks [`GenerateTab::copy_text`] for the text -> the clipboard guard copies it and clears
//! it after the chosen time, if it is still ours.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use eframe::egui::{self, Button, ComboBox, Grid, RichText, TextEdit, Ui};

use super::action::{Action, CopyWhat, PanelContext, ProfileState, TabPanel};
use super::form::{Expiry, FormState};
use super::job::Slot;
use super::panes::{Pane, two_panes};
use super::widgets::{
    capitalize, error_text, field_width, inspection_grid, labelled, warning_text,
};
use super::worker::Request;
use crate::profiles::Profile;
use crate::sinch::{
    self, Inspection, Made, MakeRequest, NonAscii, TokenKind, VerifyWith, inspect, time,
};

/// Why the test page was not written: kept typed in its slot, worded where it is drawn.
#[derive(Debug, thiserror::Error)]
pub enum TestPageError {
    /// The file could not be made, read or written.
    #[error("could not save {} ({source}): choose a folder you can write to", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Something that is not a regular file is there.
    #[error("{} is a link or not a regular file: it is left alone; choose another file name", .0.display())]
    NotAFile(PathBuf),
    /// A file this program did not save is there.
    #[error("{} exists and is not a test page this program saved: it is left alone; choose another file name", .0.display())]
    NotOurs(PathBuf),
}

/// Writes a test page at `path`: a new file readable by its owner only (the page holds a live
/// credential), or over an earlier page of ours (it carries [`sinch::TEST_PAGE_MARK`]); any
/// other file is left alone, and so is a symbolic link.
pub fn write_test_page(path: &std::path::Path, page: &str) -> Result<(), TestPageError> {
    use std::io::{Read as _, Write as _};
    let failed = |source: std::io::Error| TestPageError::Io {
        path: path.to_owned(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = match options.open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            let meta = std::fs::symlink_metadata(path).map_err(failed)?;
            if !meta.is_file() {
                return Err(TestPageError::NotAFile(path.to_owned()));
            }
            let mut head = Vec::new();
            std::fs::File::open(path)
                .and_then(|f| f.take(64 * 1024).read_to_end(&mut head))
                .map_err(failed)?;
            if !String::from_utf8_lossy(&head).contains(sinch::TEST_PAGE_MARK) {
                return Err(TestPageError::NotOurs(path.to_owned()));
            }
            let file = std::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(path)
                .map_err(failed)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                file.set_permissions(std::fs::Permissions::from_mode(0o600))
                    .map_err(failed)?;
            }
            file
        }
        Err(err) => return Err(failed(err)),
    };
    file.write_all(page.as_bytes()).map_err(failed)
}

/// A credential made in this window, with what was read back from it.
pub struct Generated {
    /// The credential and its snippet.
    pub made: Made,
    /// Ticket or JWT.
    pub kind: TokenKind,
    /// The credential as the inspector reads it (identity, times, verdict).
    pub inspection: Inspection,
    /// The profile it was made with.
    pub profile: String,
    /// The form it was made from: once the form differs, the credential is marked stale.
    pub form: FormState,
}

impl Generated {
    /// What differs between what this was made from and the form and profile now: empty
    /// while it still matches.
    pub fn differences(&self, form: &FormState, profile: Option<&str>) -> Vec<&'static str> {
        let mut differ = Vec::new();
        if self.form.username != form.username {
            differ.push("username");
        }
        if self.form.expiry_text() != form.expiry_text() {
            differ.push("expiry");
        }
        if self.form.format != form.format {
            differ.push("format");
        }
        if self.form.capabilities != form.capabilities || self.form.non_ascii != form.non_ascii {
            differ.push("options");
        }
        if profile != Some(self.profile.as_str()) {
            differ.push("profile");
        }
        differ
    }
}

/// The Generate tab's state.
pub struct GenerateTab {
    /// The form as the user left it (remembered between runs).
    pub form: FormState,
    /// The last credential made.
    pub generated: Option<Generated>,
    /// Where "Save test page" writes.
    pub test_page_path: String,
    /// The test page being written (off the UI thread), and where the last one went.
    pub page: Slot<Result<PathBuf, TestPageError>>,
    /// The test page last saved, to open in a browser.
    pub saved_page: Option<PathBuf>,
    focus_username: bool,
}

impl GenerateTab {
    /// The tab with the form from the last run; the username field takes the focus first.
    pub fn new(form: FormState) -> Self {
        let test_page_path = dirs::download_dir()
            .or_else(dirs::home_dir)
            .unwrap_or_else(std::env::temp_dir)
            .join("sinch-test-page.html")
            .display()
            .to_string();
        Self {
            form,
            generated: None,
            test_page_path,
            saved_page: None,
            page: Slot::default(),
            focus_username: true,
        }
    }

    /// Takes the username last used with a profile, when none is typed.
    pub fn suggest_username(&mut self, user: String) {
        if self.form.username.is_empty() {
            self.form.username = user;
        }
    }

    /// Why nothing can be generated now, or `None`. The profile comes first: without one,
    /// nothing in the form matters yet.
    pub fn blocker(&self, profile: ProfileState<'_>) -> Option<String> {
        profile.blocker().or_else(|| self.form.check().blocker())
    }

    /// Makes the credential the form describes with `profile`'s key and secret, stamped
    /// with `now`; returns the request that remembers the username with the profile.
    pub fn generate(
        &mut self,
        profile: ProfileState<'_>,
        now: DateTime<Utc>,
    ) -> Result<Request, String> {
        if let Some(blocker) = self.blocker(profile) {
            return Err(blocker);
        }
        let (Some(profile), Ok(lifetime)) = (profile.ready(), self.form.check().expiry) else {
            return Err("the form is not complete".into());
        };
        let nonce = sinch::fresh_nonce();
        let made = sinch::make(
            &profile.secret,
            &MakeRequest {
                kind: self.form.format,
                application_key: &profile.key,
                user: &self.form.username,
                lifetime_secs: lifetime,
                issued_at: time::whole_seconds(now),
                instance_ttl_secs: None,
                nonce: &nonce,
                capabilities: self.form.capabilities,
                non_ascii: self.form.non_ascii,
            },
        )
        .map_err(|err| err.to_string())?;
        let inspection = read_back(&made.credential, profile, now)?;
        self.generated = Some(Generated {
            made,
            kind: self.form.format,
            inspection,
            profile: profile.name.clone(),
            form: self.form.clone(),
        });
        Ok(Request::Remember {
            name: profile.name.clone(),
            user: self.form.username.clone(),
            expiry: self.form.expiry_text().to_owned(),
        })
    }

    /// The text to copy, and what it is called ("ticket", "JS snippet").
    pub fn copy_text(&self, what: CopyWhat) -> Option<(&str, &'static str)> {
        let generated = self.generated.as_ref()?;
        Some(match what {
            CopyWhat::Credential => (&generated.made.credential, generated.kind.noun()),
            CopyWhat::Snippet => (&generated.made.snippet, "JS snippet"),
        })
    }

    /// Starts writing a minimal HTML page that runs the snippet, off the UI thread; its
    /// outcome comes through [`GenerateTab::take_saved_page`].
    pub fn save_test_page(&mut self, ctx: &egui::Context) -> Result<(), String> {
        let Some(generated) = &self.generated else {
            return Err("generate a credential first (Ctrl+Enter)".into());
        };
        let title = format!("Sinch test page ({})", generated.profile);
        let page = sinch::test_page(&title, &generated.made.snippet);
        let path = PathBuf::from(self.test_page_path.trim());
        self.page.start("test-page", ctx, move || {
            write_test_page(&path, &page).map(|()| path)
        })
    }

    /// Where the test page went, or why not, once it has been written.
    pub fn take_saved_page(&mut self) -> Option<Result<PathBuf, TestPageError>> {
        if !self.page.poll() {
            return None;
        }
        let saved = self.page.last.take();
        if let Some(Ok(path)) = &saved {
            self.saved_page = Some(path.clone());
        }
        saved
    }

    /// Whether a countdown is on screen at `now` (the window then repaints once a second).
    pub fn counting_down(&self, now: DateTime<Utc>) -> bool {
        self.generated
            .as_ref()
            .and_then(|g| g.inspection.expires_at)
            .is_some_and(|at| at > now)
    }

    /// Draws the form and its button in one pane, the credential in the other.
    pub fn draw(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        let mut actions = Vec::new();
        two_panes(
            ui,
            "generate",
            ["Form pane", "Credential pane"],
            |ui, pane| match pane {
                Pane::Give => self.form_pane(ui, cx, &mut actions),
                Pane::Get if self.generated.is_some() => {
                    actions.extend(self.result_section(ui, cx));
                }
                Pane::Get => {
                    ui.weak("The credential appears here, decoded, with its countdown and Copy: fill in the form and press Generate (Ctrl+Enter).");
                }
            },
        );
        actions
    }

    fn form_pane(&mut self, ui: &mut Ui, cx: &PanelContext<'_>, actions: &mut Vec<Action>) {
        self.form_grid(ui);
        ui.add_space(8.0);
        let blocker = self.blocker(cx.profile);
        ui.horizontal(|ui| {
            let label = format!("Generate {}", self.form.format.noun());
            let button = ui
                .add_enabled(blocker.is_none(), Button::new(label))
                .on_hover_text("Make the credential (Ctrl+Enter)");
            let button = match &blocker {
                Some(reason) => button.on_disabled_hover_text(capitalize(reason)),
                None => button,
            };
            if button.clicked() {
                actions.push(Action::Generate);
            }
        });
        if let Some(reason) = &blocker {
            ui.add(egui::Label::new(RichText::new(capitalize(reason)).weak()).wrap());
        }
    }

    fn form_grid(&mut self, ui: &mut Ui) {
        let form = &mut self.form;
        Grid::new("form")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                labelled(ui, "Username", |ui, label| {
                    let response = ui
                        .add(
                            TextEdit::singleline(&mut form.username)
                                .hint_text("alice")
                                .desired_width(field_width(ui, 280.0)),
                        )
                        .labelled_by(label)
                        .on_hover_text("The user id your app signs in with, kept exactly as typed");
                    if std::mem::take(&mut self.focus_username) {
                        response.request_focus();
                    }
                });
                ui.end_row();

                ui.label("Expiry");
                ui.horizontal(|ui| {
                    for choice in Expiry::ALL {
                        ui.selectable_value(&mut form.expiry, choice, choice.label())
                            .on_hover_text(match choice {
                                Expiry::Custom => {
                                    "Type any duration: 3600, 90s, 10m, 1h, 1d, 1h30m".to_owned()
                                }
                                _ => format!("Valid for {}", choice.label()),
                            });
                    }
                    if form.expiry == Expiry::Custom {
                        let label = ui.label("Custom expiry");
                        ui.add(TextEdit::singleline(&mut form.custom_expiry).desired_width(90.0))
                            .labelled_by(label.id)
                            .on_hover_text("Seconds (3600) or 90s, 10m, 1h, 1d; at most ten years");
                    }
                });
                ui.end_row();

                ui.label("Format");
                ui.vertical(|ui| {
                    for kind in [TokenKind::LegacyTicket, TokenKind::RegistrationJwt] {
                        ui.radio_value(&mut form.format, kind, capitalize(kind.label()))
                            .on_hover_text(kind.where_used());
                    }
                });
                ui.end_row();

                if form.format == TokenKind::LegacyTicket {
                    ui.label("Capabilities");
                    ui.horizontal(|ui| {
                        ui.checkbox(&mut form.capabilities.calling, "Calling")
                            .on_hover_text("Start the v1 client with voice calling");
                        ui.checkbox(&mut form.capabilities.messaging, "Messaging")
                            .on_hover_text("Start the v1 client with instant messaging");
                    });
                    ui.end_row();

                    ui.label("Characters");
                    let mut raw = form.non_ascii == NonAscii::RawUtf8;
                    ui.checkbox(&mut raw, "Raw UTF-8, as the sinch_auth gem writes it")
                        .on_hover_text(
                            "Off (the default): non-ASCII letters are written as \\u escapes, \
                             which the JS SDK v1 reads correctly. On: the gem's exact bytes, \
                             for comparing with a backend that uses the gem; the JS SDK v1 \
                             then misreads a name like Åsa. ASCII names are the same either way.",
                        );
                    form.non_ascii = if raw {
                        NonAscii::RawUtf8
                    } else {
                        NonAscii::Escaped
                    };
                    ui.end_row();
                }
            });
        // Checked after the fields took this frame's typing, so messages never lag a frame;
        // below the grid, so that long ones wrap to the window's width.
        let check = self.form.check();
        if let Some(error) = check
            .username_error
            .as_deref()
            .filter(|_| !self.form.username.is_empty())
        {
            error_text(ui, error);
        }
        for warning in &check.username_warnings {
            warning_text(ui, warning);
        }
        match &check.expiry {
            Ok(secs) if self.form.expiry == Expiry::Custom => {
                ui.weak(format!("Valid for {}", time::format_duration(*secs)));
            }
            Err(err) => error_text(ui, err),
            Ok(_) => {}
        }
    }

    fn result_section(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        let mut actions = Vec::new();
        let Some(generated) = &self.generated else {
            return actions;
        };
        let noun = generated.kind.noun();
        labelled(ui, &format!("Generated {noun}"), |ui, label| {
            ui.add(
                TextEdit::multiline(&mut generated.made.credential.as_str())
                    .font(egui::TextStyle::Monospace)
                    .desired_rows(3)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label)
            .on_hover_text("Read-only: copy it with the buttons below, or select and Ctrl+C");
        });
        if let Some(expires_at) = generated.inspection.expires_at {
            let color = if expires_at <= cx.now {
                ui.visuals().error_fg_color
            } else {
                ui.visuals().text_color()
            };
            ui.label(
                // The inspector's words ("expires in 59m 58s"), every second; once over,
                // nothing is repainted, so nothing that would age ("expired 3s ago").
                RichText::new(if expires_at <= cx.now {
                    "expired".to_owned()
                } else {
                    crate::sinch::time::describe_expiry(expires_at, cx.now)
                })
                .color(color)
                .strong(),
            );
        }
        let selected = cx.profile.name();
        let differ = generated.differences(&self.form, selected);
        if !differ.is_empty() {
            warning_text(
                ui,
                &format!(
                    "made before the form changed ({}): it is for {} with profile \"{}\"; \
                     press Generate (Ctrl+Enter) for one that matches the form",
                    differ.join(", "),
                    generated
                        .inspection
                        .identity
                        .as_ref()
                        .map_or("?", |i| i.endpoint.as_str()),
                    generated.profile
                ),
            );
        }
        let current = (!differ.contains(&"profile")).then_some(generated.profile.as_str());
        inspection_grid(ui, &generated.inspection, "generated", current, false);

        ui.horizontal_wrapped(|ui| {
            if ui
                .button(format!("Copy {noun}"))
                .on_hover_text(format!("Copy the {noun} to the clipboard (Ctrl+Shift+C)"))
                .clicked()
            {
                actions.push(Action::Copy(CopyWhat::Credential));
            }
            if ui
                .button("Copy JS snippet")
                .on_hover_text("Copy a <script> block that starts a Sinch client with it")
                .clicked()
            {
                actions.push(Action::Copy(CopyWhat::Snippet));
            }
            ui.label("Clear clipboard after");
            let choices = super::clipboard::CLEAR_AFTER_CHOICES;
            let current = choices
                .iter()
                .find(|(secs, _)| *secs == cx.clear_after)
                .map_or("60 s", |(_, label)| *label);
            let mut chosen = cx.clear_after;
            ComboBox::from_id_salt("clear-after")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    for (secs, label) in choices {
                        crate::app::widgets::list_item(ui, &mut chosen, secs, label);
                    }
                })
                .response
                .on_hover_text(
                    "Our copy is removed after this long, unless you copied something else",
                );
            if chosen != cx.clear_after {
                actions.push(Action::SetClearAfter(chosen));
            }
        });
        ui.horizontal_wrapped(|ui| {
            labelled(ui, "Test page", |ui, label| {
                ui.add(
                    TextEdit::singleline(&mut self.test_page_path)
                        .desired_width(field_width(ui, 320.0)),
                )
                .labelled_by(label)
                .on_hover_text(
                    "Where Save test page writes a minimal HTML page that runs the snippet",
                );
            });
            if ui
                .button("Save test page…")
                .on_hover_text("Choose where, then write the HTML page that runs the snippet")
                .clicked()
            {
                actions.push(Action::Choose(crate::app::file_dialog::Ask {
                    purpose: crate::app::file_dialog::Purpose::TestPage,
                    kind: crate::app::file_dialog::Kind::Save,
                    title: "Save the test page",
                    current: PathBuf::from(self.test_page_path.trim()),
                    filter: ("HTML page", "html"),
                }));
            }
            // The page saved, as it is on disk (the credential it holds may be older than
            // the one shown: it is the one saved).
            let saved = self
                .saved_page
                .as_ref()
                .filter(|p| p.as_path() == std::path::Path::new(self.test_page_path.trim()));
            let tip = "Open the saved page in your browser: it says on the page whether the Sinch client started";
            if ui
                .add_enabled(saved.is_some(), Button::new("Open in browser"))
                .on_hover_text(tip)
                .on_disabled_hover_text("Save the test page first")
                .clicked()
                && let Some(path) = saved
            {
                actions.push(Action::OpenInBrowser(path.clone()));
            }
        });
        actions
    }
}

/// Reads a freshly made credential back with the inspector, to show it decoded.
fn read_back(
    credential: &str,
    profile: &Profile,
    now: DateTime<Utc>,
) -> Result<Inspection, String> {
    let verify = VerifyWith {
        secret: &profile.secret,
        application_key: Some(&profile.key),
    };
    // Cannot fail for what the core just made; say so rather than panic.
    inspect(credential, Some(verify), now)
        .map_err(|err| format!("the new credential could not be read back: {err}"))
}

impl TabPanel for GenerateTab {
    fn title(&self) -> &'static str {
        "Generate"
    }

    fn tooltip(&self) -> &'static str {
        "Make a ticket or JWT with a profile's secret (Ctrl+1)"
    }

    fn ui(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        self.draw(ui, cx)
    }

    fn primary_action(&self) -> Option<Action> {
        Some(Action::Generate)
    }

    fn focus_main(&mut self) {
        self.focus_username = true;
    }
}
