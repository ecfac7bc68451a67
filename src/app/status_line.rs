//! The status line at the bottom: keyring work under way, how the last copy stands (with
//! *Clear now*), and the last piece of news or error.

use std::time::Duration;

use eframe::egui::Ui;

use super::action::{Action, Notice, PanelContext, Tone, Topic};
use super::clipboard::CopyStatus;
use super::widgets::capitalize;

/// The most notices shown at once; older ones leave.
const SHOWN: usize = 4;

/// The status line's state.
#[derive(Default)]
pub struct StatusLine {
    /// The news and errors, oldest first, at most one per topic.
    pub notices: Vec<Notice>,
    /// Set while a keyring call has waited longer than the worker's patience: for how long.
    pub keyring_slow: Option<Duration>,
}

impl StatusLine {
    /// Adds `notice`, in place of the one about the same topic.
    pub fn push(&mut self, notice: Notice) {
        self.notices.retain(|n| n.topic != notice.topic);
        self.notices.push(notice);
        if self.notices.len() > SHOWN {
            self.notices.remove(0);
        }
    }

    /// Something about `topic` succeeded: its error (or news) is no longer true.
    pub fn resolved(&mut self, topic: Topic) {
        self.notices.retain(|n| n.topic != topic);
    }

    /// Whether a notice with this text is shown (for tests and the screen reader alike).
    pub fn shows(&self, text: &str) -> bool {
        self.notices.iter().any(|n| n.text.contains(text))
    }

    /// Draws the line.
    pub fn ui(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        let mut actions = Vec::new();
        ui.horizontal_wrapped(|ui| {
            // As tall empty as with a button in it: the panes do not move when news comes.
            ui.set_min_height(ui.spacing().interact_size.y);
            if cx.busy {
                ui.spinner();
            }
            if let Some(after) = self.keyring_slow {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!(
                        "The keyring has not answered for {} s: it may be waiting for you to \
                         unlock it. The change is made as soon as it answers.",
                        after.as_secs()
                    ),
                );
            }
            match cx.copy_status {
                CopyStatus::Idle => {}
                CopyStatus::Copied { what, clears_in } => {
                    ui.label(match clears_in {
                        Some(secs) => format!("Copied {what}, clears in {secs} s"),
                        None => format!("Copied {what} (not cleared automatically)"),
                    });
                    if ui
                        .button("Clear now")
                        .on_hover_text("Remove our copy from the clipboard now")
                        .clicked()
                    {
                        actions.push(Action::ClearClipboard);
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
        });
        let mut dismissed = None;
        for (i, notice) in self.notices.iter().enumerate() {
            ui.horizontal_wrapped(|ui| {
                let color = match notice.tone {
                    Tone::Error => ui.visuals().error_fg_color,
                    Tone::Info => ui.visuals().text_color(),
                };
                ui.add(
                    eframe::egui::Label::new(
                        eframe::egui::RichText::new(capitalize(&notice.text)).color(color),
                    )
                    .wrap(),
                );
                if ui
                    .small_button("Dismiss")
                    .on_hover_text("Remove this message")
                    .clicked()
                {
                    dismissed = Some(i);
                }
            });
        }
        if let Some(i) = dismissed {
            self.notices.remove(i);
        }
        actions
    }
}
