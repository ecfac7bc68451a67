//! Drawing the window. Every field has a visible label that is also its accessible name,
//! which is what screen readers announce and what the UI tests look widgets up by.

use chrono::{DateTime, Local, Utc};
use eframe::egui;
use egui::{Button, Color32, ComboBox, Grid, RichText, TextEdit, Ui};

use super::clipboard::CopyStatus;
use super::form::{Expiry, Format};
use super::worker::StoreKind;
use super::{SinchTicketApp, Tab, countdown};
use crate::credential::{Inspection, Severity, Verdict};

pub(super) fn draw(app: &mut SinchTicketApp, ui: &mut Ui) {
    egui::Panel::top("top").show(ui, |ui| top_bar(app, ui));
    egui::Panel::bottom("status").show(ui, |ui| status_line(app, ui));
    egui::CentralPanel::default_margins().show(ui, |ui| {
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                // The profile serves both tabs: it signs on one and verifies on the other.
                profile_row(app, ui);
                if app.editor.is_some() {
                    profile_editor(app, ui);
                }
                ui.add_space(8.0);
                match app.settings.tab {
                    Tab::Generate => generate_tab(app, ui),
                    Tab::Inspect => inspect_tab(app, ui),
                }
            });
    });
}

fn top_bar(app: &mut SinchTicketApp, ui: &mut Ui) {
    ui.horizontal(|ui| {
        ui.heading("sinch-ticket");
        ui.separator();
        ui.selectable_value(&mut app.settings.tab, Tab::Generate, "Generate")
            .on_hover_text("Make a ticket or JWT with a profile's secret");
        ui.selectable_value(&mut app.settings.tab, Tab::Inspect, "Inspect")
            .on_hover_text("Decode and verify any Sinch ticket or JWT");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            store_badge(app, ui)
        });
    });
}

fn store_badge(app: &SinchTicketApp, ui: &mut Ui) {
    match &app.store {
        StoreKind::Checking => {
            ui.spinner();
            ui.label("Opening the keyring…");
        }
        StoreKind::Saved(location) => {
            ui.label(RichText::new(format!("Stored in {location}")).small())
                .on_hover_text("Keys and secrets are kept in the OS keyring, never in a file");
        }
        StoreKind::Locked { reason } => {
            ui.label(RichText::new("OS keyring locked").color(ui.visuals().warn_fg_color))
                .on_hover_text(super::form::capitalize(reason));
        }
        StoreKind::SessionOnly { reason, .. } => {
            ui.label(RichText::new("Session only, not saved").color(ui.visuals().warn_fg_color))
                .on_hover_text(format!(
                    "Profiles added now last until this window closes, unless the keyring \
                     answers again meanwhile. {}",
                    super::form::capitalize(reason)
                ));
        }
    }
}

fn status_line(app: &mut SinchTicketApp, ui: &mut Ui) {
    ui.horizontal(|ui| {
        if app.busy() {
            ui.spinner();
        }
        if let Some(after) = app.keyring_slow {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!(
                    "The keyring has not answered for {} s: it may be waiting for you to unlock \
                     it. The change is made as soon as it answers.",
                    after.as_secs()
                ),
            );
        }
        match app.copy_status().clone() {
            CopyStatus::Idle => {}
            CopyStatus::Copied { what, clears_in } => {
                let text = match clears_in {
                    Some(secs) => format!("Copied {what}, clears in {secs} s"),
                    None => format!("Copied {what} (not cleared automatically)"),
                };
                ui.label(text);
                if ui
                    .button("Clear now")
                    .on_hover_text("Remove our copy from the clipboard now")
                    .clicked()
                {
                    app.clear_clipboard();
                }
            }
            CopyStatus::Cleared => {
                ui.label("Clipboard cleared.");
            }
            CopyStatus::LeftAlone => {
                ui.label("The clipboard changed since our copy, so it was left alone.");
            }
            CopyStatus::Failed(err) => {
                ui.colored_label(ui.visuals().error_fg_color, format!("Not copied: {err}"));
            }
        }
        if let Some(notice) = &app.notice {
            let color = if notice.error {
                ui.visuals().error_fg_color
            } else {
                ui.visuals().text_color()
            };
            ui.colored_label(color, &notice.text);
        }
    });
}

/// A label and the widget it names, linked so the label is the widget's accessible name.
fn labelled<R>(ui: &mut Ui, label: &str, add: impl FnOnce(&mut Ui, egui::Id) -> R) -> R {
    let label = ui.label(label);
    add(ui, label.id)
}

fn error_text(ui: &mut Ui, text: &str) {
    ui.colored_label(ui.visuals().error_fg_color, text);
}

fn generate_tab(app: &mut SinchTicketApp, ui: &mut Ui) {
    Grid::new("form")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            let response = labelled(ui, "Username", |ui, label| {
                ui.add(
                    TextEdit::singleline(&mut app.settings.form.username)
                        .hint_text("alice")
                        .desired_width(280.0),
                )
                .labelled_by(label)
                .on_hover_text("The user id the SDK signs in as; kept exactly as typed")
            });
            if app.focus_username {
                response.request_focus();
                app.focus_username = false;
            }
            ui.end_row();
            // Checked after the field took this frame's typing, so messages never lag a frame.
            let check = app.settings.form.check();
            if let Some(error) = check
                .username_error
                .as_deref()
                .filter(|_| !app.settings.form.username.is_empty())
            {
                ui.label("");
                error_text(ui, &super::form::capitalize(error));
                ui.end_row();
            }
            for warning in &check.username_warnings {
                ui.label("");
                ui.colored_label(ui.visuals().warn_fg_color, super::form::capitalize(warning));
                ui.end_row();
            }

            ui.label("Expiry");
            ui.horizontal(|ui| {
                for choice in Expiry::ALL {
                    ui.selectable_value(&mut app.settings.form.expiry, choice, choice.label())
                        .on_hover_text(match choice {
                            Expiry::Custom => {
                                "Type any duration: 3600, 90s, 10m, 1h, 1d, 1h30m".to_owned()
                            }
                            _ => format!("Valid for {}", choice.label()),
                        });
                }
                if app.settings.form.expiry == Expiry::Custom {
                    let label = ui.label("Custom expiry");
                    ui.add(
                        TextEdit::singleline(&mut app.settings.form.custom_expiry)
                            .desired_width(90.0),
                    )
                    .labelled_by(label.id)
                    .on_hover_text("Seconds (3600) or 90s, 10m, 1h, 1d; at most ten years");
                }
            });
            ui.end_row();
            match &app.settings.form.check().expiry {
                Ok(secs) if app.settings.form.expiry == Expiry::Custom => {
                    ui.label("");
                    ui.weak(format!(
                        "Valid for {}",
                        crate::credential::time::format_duration(*secs)
                    ));
                    ui.end_row();
                }
                Err(err) => {
                    ui.label("");
                    error_text(ui, &super::form::capitalize(err));
                    ui.end_row();
                }
                Ok(_) => {}
            }

            ui.label("Format");
            ui.vertical(|ui| {
                for format in [Format::LegacyTicket, Format::RegistrationJwt] {
                    ui.radio_value(&mut app.settings.form.format, format, format.label())
                        .on_hover_text(match format {
                            Format::LegacyTicket => {
                                "sinchClient.start({userTicket}) in the JavaScript SDK v1"
                            }
                            Format::RegistrationJwt => {
                                "registration.register(jwt) in onCredentialsRequired"
                            }
                        });
                }
            });
            ui.end_row();

            if app.settings.form.format == Format::LegacyTicket {
                ui.label("Capabilities");
                ui.horizontal(|ui| {
                    ui.checkbox(&mut app.settings.form.capabilities.calling, "Calling")
                        .on_hover_text("Start the v1 client with voice calling");
                    ui.checkbox(&mut app.settings.form.capabilities.messaging, "Messaging")
                        .on_hover_text("Start the v1 client with instant messaging");
                });
                ui.end_row();
            }
        });

    ui.add_space(8.0);
    let blocker = app.generate_blocker();
    ui.horizontal(|ui| {
        let label = format!("Generate {}", app.settings.form.format.noun());
        let button = ui
            .add_enabled(blocker.is_none(), Button::new(label))
            .on_hover_text("Make the credential (Ctrl+Enter)");
        let button = match &blocker {
            Some(reason) => button.on_disabled_hover_text(reason),
            None => button,
        };
        if button.clicked() {
            app.generate();
        }
        if let Some(reason) = &blocker {
            ui.weak(reason);
        }
    });

    if app.generated.is_some() {
        ui.separator();
        result_section(app, ui);
    }
}

fn profile_row(app: &mut SinchTicketApp, ui: &mut Ui) {
    ui.horizontal(|ui| {
        let label = ui.label("Profile");
        let selected = app.settings.profile.clone();
        let mut choice = selected.clone();
        ComboBox::from_id_salt("profile")
            .selected_text(selected.as_deref().unwrap_or("(none)"))
            .width(200.0)
            .show_ui(ui, |ui| {
                for profile in &app.profiles {
                    let text = if profile.is_default {
                        format!("{} (default)", profile.name)
                    } else {
                        profile.name.clone()
                    };
                    ui.selectable_value(&mut choice, Some(profile.name.clone()), text);
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text("The Sinch application whose key and secret sign the credential");
        if choice != selected {
            app.select_profile(choice);
        }
        if ui
            .button("Add…")
            .on_hover_text("Save another application's key and secret")
            .clicked()
        {
            app.open_editor(false);
        }
        let has_loaded = app.loaded.is_some();
        if ui
            .add_enabled(has_loaded, Button::new("Edit…"))
            .on_hover_text("Change this profile's name, key or secret")
            .clicked()
        {
            app.open_editor(true);
        }
        if ui
            .add_enabled(app.settings.profile.is_some(), Button::new("Delete"))
            .on_hover_text("Remove this profile from the keyring")
            .clicked()
        {
            app.confirm_delete = app.settings.profile.clone();
        }
        let is_default = app
            .profiles
            .iter()
            .any(|p| p.is_default && Some(&p.name) == app.settings.profile.as_ref());
        if ui
            .add_enabled(
                app.settings.profile.is_some() && !is_default,
                Button::new("Make default"),
            )
            .on_hover_text("Use this profile when the command line is given no credentials")
            .clicked()
        {
            app.make_default();
        }
    });
    if let Some(name) = app.confirm_delete.clone() {
        ui.horizontal(|ui| {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("Delete profile \"{name}\" and its secret from the keyring?"),
            );
            if ui.button("Delete profile").clicked() {
                app.delete_profile(name);
            }
            if ui.button("Cancel").clicked() {
                app.confirm_delete = None;
            }
        });
    }
    let mut retry = false;
    match &app.store {
        StoreKind::SessionOnly {
            reason,
            unreachable,
        } => {
            let mut text = format!(
                "Session only, not saved: {}. Profiles added now are forgotten when the window \
                 closes, unless the keyring answers again before.",
                super::form::capitalize(reason)
            );
            if !unreachable.is_empty() {
                text.push_str(&format!(
                    " Saved profiles out of reach until it answers: {}.",
                    unreachable.join(", ")
                ));
            }
            ui.add(egui::Label::new(RichText::new(text).color(ui.visuals().warn_fg_color)).wrap());
        }
        StoreKind::Locked { .. } => {
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
        }
        StoreKind::Checking | StoreKind::Saved(_) => {}
    }
    if retry {
        let selected = app.settings.profile.clone();
        app.select_profile(selected);
    }
    if let Some(err) = &app.load_error {
        error_text(ui, &super::form::capitalize(err));
    } else if app.profiles.is_empty()
        && app.editor.is_none()
        && !app.busy()
        && !matches!(&app.store, StoreKind::SessionOnly { unreachable, .. } if !unreachable.is_empty())
    {
        ui.weak("No profiles yet: press Add… and paste an application key and secret from the Sinch dashboard.");
    }
}

fn profile_editor(app: &mut SinchTicketApp, ui: &mut Ui) {
    let mut save = false;
    let mut cancel = false;
    let Some(editor) = &mut app.editor else {
        return;
    };
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.strong(if editor.original.is_some() { "Edit profile" } else { "Add profile" });
        Grid::new("editor").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
            labelled(ui, "Profile name", |ui, label| {
                ui.add(TextEdit::singleline(&mut editor.name).hint_text("sandbox").desired_width(280.0))
                    .labelled_by(label)
                    .on_hover_text("A name for this Sinch application, e.g. sandbox or production");
            });
            ui.end_row();
            labelled(ui, "Application key", |ui, label| {
                ui.add(
                    TextEdit::singleline(&mut editor.key)
                        .hint_text("196087a1-e815-4bc4-8984-60d8d8a43f1d")
                        .desired_width(280.0),
                )
                .labelled_by(label)
                .on_hover_text("The application key from the Sinch dashboard");
            });
            ui.end_row();
            if let Some(warning) = crate::credential::application_key_warning(editor.key.trim())
                .filter(|_| !editor.key.trim().is_empty())
            {
                ui.label("");
                ui.colored_label(ui.visuals().warn_fg_color, super::form::capitalize(&warning));
                ui.end_row();
            }
            labelled(ui, "Application secret", |ui, label| {
                ui.horizontal(|ui| {
                    let hint = if editor.original.is_some() { "unchanged" } else { "base64, ends in ==" };
                    ui.add(
                        TextEdit::singleline(&mut *editor.secret)
                            .password(!editor.reveal)
                            .hint_text(hint)
                            .desired_width(240.0),
                    )
                    .labelled_by(label)
                    .on_hover_text("The application secret from the Sinch dashboard; stored only in the OS keyring");
                    let eye = if editor.reveal { "Hide" } else { "Show" };
                    if ui
                        .selectable_label(editor.reveal, eye)
                        .on_hover_text("Show or hide the secret")
                        .clicked()
                    {
                        editor.reveal = !editor.reveal;
                    }
                });
            });
            ui.end_row();
        });
        if let Some(err) = &editor.error {
            error_text(ui, err);
        }
        ui.horizontal(|ui| {
            let label = if editor.saving { "Saving…" } else { "Save profile" };
            if ui
                .add_enabled(!editor.saving, Button::new(label))
                .on_hover_text("Save the key and secret in the OS keyring")
                .clicked()
            {
                save = true;
            }
            if ui.button("Cancel").on_hover_text("Close without saving").clicked() {
                cancel = true;
            }
            if editor.saving {
                ui.spinner();
            }
        });
    });
    if save {
        app.save_editor();
    }
    if cancel {
        app.editor = None;
    }
}

fn result_section(app: &mut SinchTicketApp, ui: &mut Ui) {
    let now = app.now();
    let Some(generated) = &app.generated else {
        return;
    };
    let noun = generated.format.noun();
    labelled(ui, &format!("Generated {noun}"), |ui, label| {
        ui.add(
            TextEdit::multiline(&mut generated.credential.as_str())
                .font(egui::TextStyle::Monospace)
                .desired_rows(3)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label)
        .on_hover_text("Read-only: copy it with the buttons below, or select and Ctrl+C");
    });
    if let Some(expires_at) = generated.inspection.expires_at {
        let text = countdown(expires_at, now);
        let color = if expires_at <= now {
            ui.visuals().error_fg_color
        } else {
            ui.visuals().text_color()
        };
        ui.label(RichText::new(text).color(color).strong());
    }
    inspection_grid(ui, &generated.inspection, "generated");

    let mut copy_credential = false;
    let mut copy_snippet = false;
    let mut save_page = false;
    ui.horizontal(|ui| {
        copy_credential = ui
            .button(format!("Copy {noun}"))
            .on_hover_text(format!("Copy the {noun} to the clipboard (Ctrl+Shift+C)"))
            .clicked();
        copy_snippet = ui
            .button("Copy JS snippet")
            .on_hover_text("Copy a <script> block that starts a Sinch client with it")
            .clicked();
        ui.label("Clear clipboard after");
        let choices: [(Option<u64>, &str); 5] = [
            (Some(30), "30 s"),
            (Some(60), "60 s"),
            (Some(120), "2 min"),
            (Some(300), "5 min"),
            (None, "never"),
        ];
        let current = choices
            .iter()
            .find(|(secs, _)| *secs == app.settings.clear_clipboard_after)
            .map_or("60 s", |(_, label)| *label);
        ComboBox::from_id_salt("clear-after")
            .selected_text(current)
            .show_ui(ui, |ui| {
                for (secs, label) in choices {
                    ui.selectable_value(&mut app.settings.clear_clipboard_after, secs, label);
                }
            })
            .response
            .on_hover_text("Our copy is removed after this long, unless you copied something else");
    });
    ui.horizontal(|ui| {
        labelled(ui, "Test page", |ui, label| {
            ui.add(TextEdit::singleline(&mut app.test_page_path).desired_width(320.0))
                .labelled_by(label)
                .on_hover_text(
                    "Where Save test page writes a minimal HTML page that runs the snippet",
                );
        });
        save_page = ui
            .button("Save test page…")
            .on_hover_text("Write the HTML page to this path")
            .clicked();
    });
    if copy_credential {
        app.copy(false);
    }
    if copy_snippet {
        app.copy(true);
    }
    if save_page {
        app.save_test_page();
    }
}

fn both_zones(at: DateTime<Utc>) -> String {
    format!(
        "{}   ({} local)",
        at.format("%Y-%m-%d %H:%M:%S UTC"),
        at.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S %:z")
    )
}

fn inspection_grid(ui: &mut Ui, inspection: &Inspection, id: &str) {
    Grid::new(id)
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            ui.weak("Kind");
            ui.label(inspection.kind.label());
            ui.end_row();
            if let Some(identity) = &inspection.identity {
                ui.weak("Identity");
                ui.label(format!("{} {}", identity.kind, identity.endpoint));
                ui.end_row();
            }
            if let Some(key) = &inspection.application_key {
                ui.weak("Application key");
                ui.monospace(key);
                ui.end_row();
            }
            if let Some(at) = inspection.issued_at {
                ui.weak("Issued");
                ui.label(both_zones(at));
                ui.end_row();
            }
            ui.weak("Expires");
            match inspection.expires_at {
                Some(at) => ui.label(both_zones(at)),
                None => ui.label("not stated in the credential"),
            };
            ui.end_row();
            ui.weak("Signature");
            match &inspection.verdict {
                Verdict::Verified => ui.colored_label(
                    Color32::from_rgb(0x2e, 0xa0, 0x43),
                    "Verified with the profile's secret",
                ),
                Verdict::Failed { reason } => ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!("Does not verify: {reason}"),
                ),
                Verdict::NotChecked => ui.weak("not checked: select a profile to verify with"),
            };
            ui.end_row();
        });
    for finding in &inspection.findings {
        let color = match finding.severity {
            Severity::Error => ui.visuals().error_fg_color,
            Severity::Warning => ui.visuals().warn_fg_color,
            Severity::Info => ui.visuals().weak_text_color(),
        };
        ui.colored_label(color, super::form::capitalize(&finding.message));
    }
}

fn inspect_tab(app: &mut SinchTicketApp, ui: &mut Ui) {
    labelled(ui, "Token to inspect", |ui, label| {
        ui.add(
            TextEdit::multiline(&mut app.inspect_input)
                .font(egui::TextStyle::Monospace)
                .hint_text(
                    "Paste a legacy ticket (BASE64:BASE64) or a JWT (header.payload.signature)",
                )
                .desired_rows(4)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label)
        .on_hover_text("Any Sinch ticket or JWT, from any generator");
    });
    match (&app.settings.profile, &app.loaded) {
        (_, Some(profile)) => ui.weak(format!("Verified with profile \"{}\".", profile.name)),
        _ => ui.weak("No profile loaded: tokens are decoded but not verified."),
    };
    match app.inspection() {
        None => {}
        Some(Err(err)) => error_text(ui, &super::form::capitalize(&err.to_string())),
        Some(Ok(inspection)) => {
            let verdict = if inspection.accepted() {
                match inspection.expired {
                    Some(true) => "Valid signature, but expired".to_owned(),
                    _ => "Sinch should accept it".to_owned(),
                }
            } else if inspection.verdict == Verdict::NotChecked {
                "Decoded; not verified".to_owned()
            } else {
                "Sinch will reject it".to_owned()
            };
            ui.heading(verdict);
            if let Some(expiry) = &inspection.expiry {
                ui.label(expiry);
            }
            inspection_grid(ui, &inspection, "inspected");
            ui.collapsing("Decoded JSON", |ui| {
                ui.add(
                    TextEdit::multiline(&mut inspection.json.as_str())
                        .font(egui::TextStyle::Monospace)
                        .desired_width(f32::INFINITY),
                );
            });
        }
    }
}
