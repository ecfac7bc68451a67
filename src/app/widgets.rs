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

/// An item of a drop-down list: picked with the pointer or with Enter, and the list closes
/// either way (egui closes it on a pointer's click only).
pub fn list_item<V: PartialEq>(
    ui: &mut Ui,
    current: &mut V,
    value: V,
    text: impl Into<egui::WidgetText>,
) -> egui::Response {
    let response = ui.selectable_value(current, value, text);
    if response.clicked() {
        ui.close();
    }
    response
}

/// A label and the widget it names, linked so the label is the widget's accessible name.
pub fn labelled<R>(ui: &mut Ui, label: &str, add: impl FnOnce(&mut Ui, egui::Id) -> R) -> R {
    let label = ui.label(label);
    add(ui, label.id)
}

/// Text to read and select but not edit (headers, a body, a string to sign), monospace,
/// under a label that is its accessible name, at least `rows` high. JSON is coloured by
/// token: keys, strings, numbers, `true`/`false`/`null`, punctuation.
pub fn read_only_block(ui: &mut Ui, label: &str, text: &str, rows: usize) -> egui::Response {
    // A long text is shown in part: egui lays out and paints a text field whole each frame
    // (a body of 25,000 lines took 47 ms a frame), and what is kept or copied stays whole.
    let whole = text.len();
    let text = shown_part(text);
    let json = looks_like_json(text);
    // Laid out once per text, width and theme, and kept: a body posted at the listener is
    // not coloured again every frame it is shown.
    let kept = egui::Id::unique(("json layout", label));
    let mut layouter = |ui: &Ui, text: &dyn egui::TextBuffer, wrap_width: f32| {
        use std::hash::{Hash as _, Hasher as _};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        let size = egui::TextStyle::Monospace.resolve(ui.style()).size;
        (
            text.as_str(),
            wrap_width.to_bits(),
            size.to_bits(),
            ui.visuals().dark_mode,
        )
            .hash(&mut hasher);
        let key = hasher.finish();
        if let Some((had, galley)) =
            ui.data(|d| d.get_temp::<(u64, std::sync::Arc<egui::Galley>)>(kept))
            && had == key
        {
            return galley;
        }
        let mut job = json_job(ui, text.as_str());
        job.wrap.max_width = wrap_width;
        let galley = ui.fonts_mut(|fonts| fonts.layout_job(job));
        ui.data_mut(|d| d.insert_temp(kept, (key, galley.clone())));
        galley
    };
    let mut text = text;
    labelled(ui, label, |ui, label| {
        let edit = egui::TextEdit::multiline(&mut text)
            .font(egui::TextStyle::Monospace)
            .desired_rows(rows)
            .desired_width(f32::INFINITY);
        let edit = if json {
            edit.layouter(&mut layouter)
        } else {
            edit
        };
        let response = ui.add(edit).labelled_by(label);
        if text.len() < whole {
            ui.weak(format!(
                "The first {} KiB of {} KiB are shown; a copy or an export carries it whole.",
                text.len() / 1024,
                whole.div_ceil(1024)
            ));
        }
        response
    })
}

/// The most of a text a read-only block shows: what the listener keeps of a body for
/// display (64 KiB) and the line that says how much more there was.
const MAX_SHOWN: usize = 66 * 1024;

/// `text`, or its first [`MAX_SHOWN`] bytes, cut after a line where there is one.
fn shown_part(text: &str) -> &str {
    if text.len() <= MAX_SHOWN {
        return text;
    }
    let mut end = MAX_SHOWN;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let part = &text[..end];
    match part.rfind('\n') {
        Some(line) if line > MAX_SHOWN / 2 => &part[..line],
        _ => part,
    }
}

/// The most text coloured as JSON: past it, a body is shown plain (colouring is redone
/// each frame the block is drawn).
const MAX_COLOURED: usize = MAX_SHOWN;

/// Whether `text` opens as a JSON object or array, and is small enough to colour.
fn looks_like_json(text: &str) -> bool {
    text.len() <= MAX_COLOURED && matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'['))
}

/// The kinds of JSON token coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JsonToken {
    /// An object's key.
    Key,
    /// A string value.
    Str,
    /// A number.
    Number,
    /// `true`, `false`, `null`.
    Literal,
    /// Brackets, commas, colons.
    Punctuation,
    /// Spaces, or what is not JSON.
    Other,
}

/// `text` cut into tokens, in order, covering it whole (invalid JSON is cut as far as it
/// goes, the rest `Other`: a body is shown as it came).
pub(crate) fn json_tokens(text: &str) -> Vec<(JsonToken, std::ops::Range<usize>)> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let kind = match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                // A key is a string followed by a colon.
                let rest = &bytes[i..];
                let after = rest.iter().position(|b| !b.is_ascii_whitespace());
                if after.is_some_and(|at| rest[at] == b':') {
                    JsonToken::Key
                } else {
                    JsonToken::Str
                }
            }
            b'{' | b'}' | b'[' | b']' | b',' | b':' => {
                i += 1;
                JsonToken::Punctuation
            }
            b'-' | b'0'..=b'9' => {
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                JsonToken::Number
            }
            b't' | b'f' | b'n' => {
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                if matches!(&text[start..i], "true" | "false" | "null") {
                    JsonToken::Literal
                } else {
                    JsonToken::Other
                }
            }
            _ => {
                // Up to the next character that starts a token (UTF-8 stays whole: every
                // byte looked for is ASCII).
                i += 1;
                while i < bytes.len()
                    && !matches!(
                        bytes[i],
                        b'"' | b'{' | b'}' | b'[' | b']' | b',' | b':' | b'-' | b'0'
                            ..=b'9' | b't' | b'f' | b'n'
                    )
                {
                    i += 1;
                }
                JsonToken::Other
            }
        };
        // A cut inside a multi-byte character cannot happen: tokens end after ASCII bytes or
        // at the end, except an escape's second byte, which is moved to the boundary.
        while i < bytes.len() && !text.is_char_boundary(i) {
            i += 1;
        }
        tokens.push((kind, start..i));
    }
    tokens
}

/// `text` laid out in the monospace font, coloured by JSON token.
fn json_job(ui: &Ui, text: &str) -> egui::text::LayoutJob {
    let visuals = ui.visuals();
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let colour = |kind| match kind {
        JsonToken::Key => visuals.hyperlink_color,
        JsonToken::Str => OK_GREEN,
        JsonToken::Number => visuals.warn_fg_color,
        JsonToken::Literal => Color32::from_rgb(0xa3, 0x71, 0xf7),
        JsonToken::Punctuation => visuals.weak_text_color(),
        JsonToken::Other => visuals.text_color(),
    };
    let mut job = egui::text::LayoutJob::default();
    for (kind, range) in json_tokens(text) {
        job.append(
            &text[range],
            0.0,
            egui::TextFormat::simple(font.clone(), colour(kind)),
        );
    }
    job
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
/// for whoever reads it; any other scheme, or none, may carry a secret as it is) or a
/// `Proxy-Authorization` is never shown. An application signature is: it is good for one
/// request only.
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
    } else if scheme.eq_ignore_ascii_case("application") || value.trim().is_empty() {
        // A signature (key:HMAC): what a reader compares, and no secret.
        value.into()
    } else if rest.is_empty() {
        // One word: no scheme, the credential itself.
        format!(
            "[hidden: a credential of {} characters]",
            scheme.chars().count()
        )
        .into()
    } else {
        // Any other scheme ("Token …", "Key …") may carry a secret as it is.
        format!(
            "{scheme} [hidden: a credential of {} characters]",
            rest.chars().count()
        )
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::{JsonToken, json_tokens, shown_value};

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
        assert_eq!(
            shown_value("Authorization", "Token s3cr3t-value"),
            "Token [hidden: a credential of 12 characters]"
        );
        assert_eq!(
            shown_value("Authorization", "s3cr3t-without-a-scheme"),
            "[hidden: a credential of 23 characters]"
        );
    }

    #[test]
    fn json_is_cut_into_keys_strings_numbers_literals_and_punctuation_and_nothing_is_lost() {
        let text =
            "{\n  \"event\": \"ice\",\n  \"a\\\"b\" : [1.5e3, -2, true, null],\n  \"ü\": \"é\"\n}";
        let tokens = json_tokens(text);
        let rebuilt: String = tokens.iter().map(|(_, r)| &text[r.clone()]).collect();
        assert_eq!(rebuilt, text, "every byte shown once, in order");
        let kinds: Vec<(JsonToken, &str)> = tokens
            .iter()
            .filter(|(k, _)| *k != JsonToken::Other)
            .map(|(k, r)| (*k, &text[r.clone()]))
            .collect();
        use JsonToken::*;
        assert_eq!(
            kinds,
            [
                (Punctuation, "{"),
                (Key, "\"event\""),
                (Punctuation, ":"),
                (Str, "\"ice\""),
                (Punctuation, ","),
                (Key, "\"a\\\"b\""),
                (Punctuation, ":"),
                (Punctuation, "["),
                (Number, "1.5e3"),
                (Punctuation, ","),
                (Number, "-2"),
                (Punctuation, ","),
                (Literal, "true"),
                (Punctuation, ","),
                (Literal, "null"),
                (Punctuation, "]"),
                (Punctuation, ","),
                (Key, "\"ü\""),
                (Punctuation, ":"),
                (Str, "\"é\""),
                (Punctuation, "}"),
            ]
        );
    }

    #[test]
    fn a_long_text_is_shown_in_part_cut_after_a_line_and_never_inside_a_character() {
        use super::{MAX_SHOWN, shown_part};
        assert_eq!(shown_part("short"), "short");
        let lines = "line of text\n".repeat(MAX_SHOWN / 10);
        let part = shown_part(&lines);
        assert!(part.len() <= MAX_SHOWN && part.len() > MAX_SHOWN - 20);
        assert!(part.ends_with("line of text"));
        let wide = "é".repeat(MAX_SHOWN);
        let part = shown_part(&wide);
        assert!(part.len() <= MAX_SHOWN && part.chars().all(|c| c == 'é'));
    }

    #[test]
    fn broken_json_and_any_text_are_shown_whole() {
        for text in [
            "{\"unterminated",
            "{\"a\\",
            "naïve ☃ text",
            "{\"x\": nope}",
            "\u{0}{[\\\"] 😀",
        ] {
            let rebuilt: String = json_tokens(text)
                .iter()
                .map(|(_, r)| &text[r.clone()])
                .collect();
            assert_eq!(rebuilt, text);
        }
    }
}
