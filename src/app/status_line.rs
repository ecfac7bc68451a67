//! The status line at the bottom: keyring work under way, how the last copy stands (with
//! *Clear now*), and the last piece of news or error.

use std::time::Duration;

use chrono::{DateTime, Utc};
use eframe::egui::Ui;

use super::action::{Action, Notice, PanelContext, Tab, Tone, Topic};
use super::clipboard::CopyStatus;
use super::widgets::capitalize;

/// The most notices shown at once; older ones leave.
const SHOWN: usize = 4;

/// How long news stays (errors stay until their cause is fixed, or they are dismissed).
pub const NEWS_FADES_AFTER: chrono::TimeDelta = chrono::TimeDelta::seconds(5);

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

    /// Notes when each new notice was first shown, and lets news older than
    /// [`NEWS_FADES_AFTER`] go.
    pub fn expire(&mut self, now: DateTime<Utc>) {
        for notice in &mut self.notices {
            notice.shown_at.get_or_insert(now);
        }
        self.notices.retain(|n| {
            n.tone == Tone::Error || n.shown_at.is_none_or(|at| now < at + NEWS_FADES_AFTER)
        });
    }

    /// When the next piece of news fades, if any is shown.
    pub fn next_fade(&self) -> Option<DateTime<Utc>> {
        self.notices
            .iter()
            .filter(|n| n.tone == Tone::Info)
            .filter_map(|n| n.shown_at)
            .map(|at| at + NEWS_FADES_AFTER)
            .min()
    }

    /// Whether a notice with this text is shown (for tests and the screen reader alike).
    pub fn shows(&self, text: &str) -> bool {
        self.notices.iter().any(|n| n.text.contains(text))
    }

    /// Draws the line.
    pub fn ui(&mut self, ui: &mut Ui, cx: &PanelContext<'_>, tab: Tab) -> Vec<Action> {
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
        // A notice about a tab's work is shown on that tab only (and kept meanwhile).
        let here = |notice: &Notice| notice.topic.tab().is_none_or(|of| of == tab);
        for (i, notice) in self.notices.iter().enumerate().filter(|(_, n)| here(n)) {
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
