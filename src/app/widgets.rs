//! Small drawing helpers every panel shares. Every field has a visible label that is also its
//! accessible name: what screen readers announce and what the UI tests find widgets by.

use eframe::egui::{self, Color32, Grid, RichText, Ui};

use crate::sinch::time::both_zones;
use crate::sinch::{Inspection, Severity, Verdict};

/// "the username is empty" -> "The username is empty": messages are worded as sentence
/// parts by the core, and capitalized here, where they are drawn, and nowhere else.
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A label and the widget it names, linked so the label is the widget's accessible name.
pub fn labelled<R>(ui: &mut Ui, label: &str, add: impl FnOnce(&mut Ui, egui::Id) -> R) -> R {
    let label = ui.label(label);
    add(ui, label.id)
}

/// Text to read and select but not edit (headers, a body, a string to sign), monospace,
/// under a label that is its accessible name, at least `rows` high.
pub fn read_only_block(ui: &mut Ui, label: &str, text: &str, rows: usize) -> egui::Response {
    labelled(ui, label, |ui, label| {
        ui.add(
            egui::TextEdit::multiline(&mut &*text)
                .font(egui::TextStyle::Monospace)
                .desired_rows(rows)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label)
    })
}

/// An error, capitalized, in the error colour, wrapped to the space there is.
pub fn error_text(ui: &mut Ui, text: &str) {
    let color = ui.visuals().error_fg_color;
    coloured(ui, text, color);
}

/// The colour of a check that passed.
pub const OK_GREEN: Color32 = Color32::from_rgb(0x2e, 0xa0, 0x43);

/// A check that passed, capitalized, in green, wrapped to the space there is.
pub fn ok_text(ui: &mut Ui, text: &str) {
    coloured(ui, text, OK_GREEN);
}

/// A warning, capitalized, in the warning colour, wrapped to the space there is.
pub fn warning_text(ui: &mut Ui, text: &str) {
    let color = ui.visuals().warn_fg_color;
    coloured(ui, text, color);
}

fn coloured(ui: &mut Ui, text: &str, color: Color32) {
    ui.add(egui::Label::new(RichText::new(capitalize(text)).color(color)).wrap());
}

/// What the inspector read from a credential: kind, identity, key, times, signature and
/// findings. Shown for a generated credential and for an inspected one alike. `profile` is
/// the profile whose secret checked the signature; `None` when that profile is no longer
/// the one selected (the verdict then says only what it was). `reason_above`: why it does not
/// verify is said above the grid already.
pub fn inspection_grid(
    ui: &mut Ui,
    inspection: &Inspection,
    id: &str,
    profile: Option<&str>,
    reason_above: bool,
) {
    // The values' column ends at the pane's edge, where a long reason wraps.
    let values = (ui.available_width() - 140.0).max(120.0);
    Grid::new(id)
        .num_columns(2)
        .spacing([12.0, 4.0])
        .max_col_width(values)
        .show(ui, |ui| {
            ui.weak("Kind");
            ui.label(inspection.kind.label());
            ui.end_row();
            if let Some(identity) = &inspection.identity {
                ui.weak("Identity");
                // A long user id wraps rather than widening the window's content.
                wrapped(ui, format!("{} {}", identity.kind, identity.endpoint));
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
                Verdict::Verified => match profile {
                    Some(name) => wrapped(
                        ui,
                        RichText::new(format!("Verified with the secret of profile \"{name}\""))
                            .color(OK_GREEN),
                    ),
                    None => ui.weak("verified when it was made, with a profile no longer selected"),
                },
                Verdict::Failed { reason } => wrapped(
                    ui,
                    RichText::new(if reason_above {
                        "Does not verify (why is said above)".to_owned()
                    } else {
                        format!("Does not verify: {reason}")
                    })
                    .color(ui.visuals().error_fg_color),
                ),
                Verdict::NotChecked => ui.weak("not checked: select a profile to verify with"),
            };
            ui.end_row();
        });
    for finding in &inspection.findings {
        match finding.severity {
            Severity::Error => error_text(ui, &finding.message),
            Severity::Warning => warning_text(ui, &finding.message),
            Severity::Info => {
                ui.add(egui::Label::new(RichText::new(capitalize(&finding.message)).weak()).wrap());
            }
        }
    }
}

/// A label that wraps to the space there is.
pub fn wrapped(ui: &mut Ui, text: impl Into<egui::WidgetText>) -> egui::Response {
    ui.add(egui::Label::new(text).wrap())
}

/// The width for a text field that would like `wanted` pixels: less when the window is
/// narrower, so that no field runs past the window's edge.
pub fn field_width(ui: &Ui, wanted: f32) -> f32 {
    wanted.min((ui.available_width() - 8.0).max(80.0))
}

/// A header's value as the window shows it: a credential in an `Authorization` (HTTP Basic
/// carries the application secret itself; a bearer token or a service plan's API token works
/// for whoever reads it) or a `Proxy-Authorization` is never shown. An application signature
/// is: it is good for one request only.
pub fn shown_value<'a>(name: &str, value: &'a str) -> std::borrow::Cow<'a, str> {
    if name.eq_ignore_ascii_case("proxy-authorization") {
        return "[hidden: a credential]".into();
    }
    if !name.eq_ignore_ascii_case("authorization") {
        return value.into();
    }
    let mut words = value.split_whitespace();
    let scheme = words.next().unwrap_or_default();
    let rest = words.next().unwrap_or_default();
    if scheme.eq_ignore_ascii_case("basic") {
        "Basic [hidden: it carries the application secret]".into()
    } else if scheme.eq_ignore_ascii_case("bearer") {
        format!(
            "Bearer [hidden: a token of {} characters; Copy as curl carries it]",
            rest.chars().count()
        )
        .into()
    } else {
        value.into()
    }
}

#[cfg(test)]
mod tests {
    use super::shown_value;

    #[test]
    fn credentials_in_headers_are_never_shown() {
        assert_eq!(
            shown_value("Authorization", "Basic\ta2V5OnNlY3JldA=="),
            "Basic [hidden: it carries the application secret]"
        );
        assert_eq!(
            shown_value("authorization", "Bearer api-token-7"),
            "Bearer [hidden: a token of 11 characters; Copy as curl carries it]"
        );
        assert_eq!(
            shown_value("Proxy-Authorization", "Basic eHk="),
            "[hidden: a credential]"
        );
        assert_eq!(
            shown_value("authorization", "Application key:sig="),
            "Application key:sig="
        );
        assert_eq!(shown_value("x-timestamp", "Basic"), "Basic");
    }
}
