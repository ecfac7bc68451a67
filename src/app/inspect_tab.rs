//! The Inspect tab: paste any Sinch ticket or JWT, from any generator, and see it decoded and
//! verified with the selected profile. The verdict sentence comes from the core
//! ([`crate::sinch::Inspection::verdict_sentence`]), as on the command line.

use eframe::egui::text::LayoutJob;
use eframe::egui::{self, Color32, RichText, TextBuffer, TextEdit, TextFormat, Ui};

use super::action::{Action, PanelContext, TabPanel};
use super::panes::{Pane, two_panes};
use super::widgets::{OK_GREEN, error_text, inspection_grid, labelled};
use crate::sinch::{Verdict, VerifyWith, inspect};

/// The Inspect tab's state: what is pasted.
#[derive(Default)]
pub struct InspectTab {
    /// The pasted token.
    pub input: String,
    /// Focus the token field when next drawn.
    focus: bool,
}

impl InspectTab {
    /// Draws the token in one pane, coloured by part, and what it says in the other.
    /// Inspecting takes microseconds, so it runs every frame the tab is drawn, and always
    /// with the profile selected now.
    pub fn draw(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        two_panes(
            ui,
            "inspect",
            ["Token pane", "Decoded pane"],
            |ui, pane| match pane {
                Pane::Give => self.token_pane(ui),
                Pane::Get => self.decoded_pane(ui, cx),
            },
        );
        Vec::new()
    }

    fn token_pane(&mut self, ui: &mut Ui) {
        let mut layouter = |ui: &Ui, text: &dyn TextBuffer, wrap_width: f32| {
            let mut job = coloured_token(ui, text.as_str());
            job.wrap.max_width = wrap_width;
            ui.fonts_mut(|fonts| fonts.layout_job(job))
        };
        labelled(ui, "Token to inspect", |ui, label| {
            let response = ui
                .add(
                    TextEdit::multiline(&mut self.input)
                        .font(egui::TextStyle::Monospace)
                        .hint_text(
                            "Paste a legacy ticket (BASE64:BASE64) or a JWT (header.payload.signature)",
                        )
                        .desired_rows(10)
                        .desired_width(f32::INFINITY)
                        .layouter(&mut layouter),
                )
                .labelled_by(label)
                .on_hover_text("Any Sinch ticket or JWT, from any generator");
            if std::mem::take(&mut self.focus) {
                response.request_focus();
            }
        });
        if !self.input.trim().is_empty() {
            ui.horizontal_wrapped(|ui| {
                let dark = ui.visuals().dark_mode;
                let names: &[Part] = if self.input.contains('.') {
                    &[Part::Header, Part::Payload, Part::Signature]
                } else {
                    &[Part::Payload, Part::Signature]
                };
                for part in names {
                    ui.label(RichText::new(part.name()).color(part.colour(dark)));
                }
            });
        }
    }

    fn decoded_pane(&self, ui: &mut Ui, cx: &PanelContext<'_>) {
        // Nothing is said about verification until there is something to verify.
        if self.input.trim().is_empty() {
            ui.weak("Paste a token: what it says, and whether its signature holds, appears here as you type.");
            return;
        }
        let profile = cx.profile.ready();
        let verify = profile.map(|p| VerifyWith {
            secret: &p.secret,
            application_key: Some(&p.key),
        });
        let inspection = match inspect(&self.input, verify, cx.now) {
            Err(err) => return error_text(ui, &err.to_string()),
            Ok(inspection) => inspection,
        };
        // The verdict and its reason on top, in the colour of what it means.
        let sentence = RichText::new(inspection.verdict_sentence()).heading();
        let sentence = match &inspection.verdict {
            Verdict::Verified if inspection.accepted() => sentence.color(OK_GREEN),
            Verdict::Failed { .. } => sentence.color(ui.visuals().error_fg_color),
            _ => sentence,
        };
        ui.add(egui::Label::new(sentence).wrap());
        if let Verdict::Failed { reason } = &inspection.verdict {
            error_text(ui, reason);
        }
        if profile.is_none() {
            ui.weak("No profile loaded: the token is decoded but not verified.");
        }
        if let Some(expiry) = &inspection.expiry {
            ui.add(egui::Label::new(expiry.as_str()).wrap());
        }
        inspection_grid(
            ui,
            &inspection,
            "inspected",
            profile.map(|p| p.name.as_str()),
            true,
        );
        ui.add_space(6.0);
        let dark = ui.visuals().dark_mode;
        // For a JWT the JSON is the header, a line break, and the payload, as they were signed.
        let parts: Vec<(Part, &str)> = match inspection.json.split_once('\n') {
            Some((header, payload)) if self.input.contains('.') => {
                vec![(Part::Header, header), (Part::Payload, payload)]
            }
            _ => vec![(Part::Payload, inspection.json.as_str())],
        };
        for (part, json) in parts {
            // The part's name, in its colour, names the block for screen readers too.
            let label = ui.label(RichText::new(part.name()).color(part.colour(dark)).strong());
            ui.add(
                TextEdit::multiline(&mut pretty(json).as_str())
                    .font(egui::TextStyle::Monospace)
                    .desired_rows(1)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        }
    }
}

/// A part of a token, coloured alike in the token and in what it decodes to (as jwt.io does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Header,
    Payload,
    Signature,
}

impl Part {
    fn name(self) -> &'static str {
        match self {
            Self::Header => "Header",
            Self::Payload => "Payload",
            Self::Signature => "Signature",
        }
    }

    /// Readable on the light and the dark theme alike.
    fn colour(self, dark: bool) -> Color32 {
        match (self, dark) {
            (Self::Header, false) => Color32::from_rgb(0xc2, 0x18, 0x5b),
            (Self::Header, true) => Color32::from_rgb(0xff, 0x79, 0xa8),
            (Self::Payload, false) => Color32::from_rgb(0x7b, 0x1f, 0xa2),
            (Self::Payload, true) => Color32::from_rgb(0xd4, 0x9c, 0xff),
            (Self::Signature, false) => Color32::from_rgb(0x01, 0x6f, 0xa0),
            (Self::Signature, true) => Color32::from_rgb(0x5c, 0xcf, 0xff),
        }
    }
}

/// The token as typed, its parts coloured: a JWT's header, payload and signature between its
/// dots; a ticket's signed JSON and signature either side of its colon. Anything else is left
/// in the text colour.
fn coloured_token(ui: &Ui, text: &str) -> LayoutJob {
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let plain = ui.visuals().text_color();
    let dark = ui.visuals().dark_mode;
    let mut job = LayoutJob::default();
    let mut add = |piece: &str, colour: Color32| {
        job.append(piece, 0.0, TextFormat::simple(font.clone(), colour));
    };
    let (separator, parts): (char, &[Part]) = if text.contains('.') {
        ('.', &[Part::Header, Part::Payload, Part::Signature])
    } else if text.contains(':') {
        (':', &[Part::Payload, Part::Signature])
    } else {
        add(text, plain);
        return job;
    };
    for (i, piece) in text.split(separator).enumerate() {
        if i > 0 {
            add(&separator.to_string(), plain);
        }
        add(piece, parts.get(i).map_or(plain, |part| part.colour(dark)));
    }
    job
}

/// JSON indented for reading, or as it is when it does not parse.
fn pretty(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
        .unwrap_or_else(|| json.to_owned())
}

impl TabPanel for InspectTab {
    fn title(&self) -> &'static str {
        "Inspect"
    }

    fn tooltip(&self) -> &'static str {
        "Decode and verify any Sinch ticket or JWT (Ctrl+2)"
    }

    fn ui(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        self.draw(ui, cx)
    }

    fn primary_action(&self) -> Option<Action> {
        None
    }

    fn focus_main(&mut self) {
        self.focus = true;
    }
}
