//! Two panes for a tab, as Postman and jwt.io show them: what you give on one side, what
//! comes back on the other, both always in view. Side by side when the tab is wide, one above
//! the other when it is narrow; a splitter between them (egui's resizable [`egui::Panel`]),
//! and each pane scrolls on its own.

use eframe::egui::{self, Ui};

/// Which of the two panes is being drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// Left, or top: the form, the token, the request.
    Give,
    /// Right, or bottom: the credential, the verdict, the answer.
    Get,
}

/// Below this width the panes are stacked: two columns narrower than about 380 px each would
/// wrap every label and field.
pub const SIDE_BY_SIDE_FROM: f32 = 760.0;

/// The least a pane is given, across or down, so that a splitter dragged to the edge never
/// hides one.
const LEAST_ACROSS: f32 = 300.0;
const LEAST_DOWN: f32 = 90.0;

/// Draws the two panes of the tab `id` in the space left in `ui`, calling `draw` once for
/// each (the giving pane first, so that its keyboard order comes first). `names` are the
/// panes' names for screen readers, giving pane first.
pub fn two_panes(ui: &mut Ui, id: &str, names: [&str; 2], mut draw: impl FnMut(&mut Ui, Pane)) {
    let room = ui.available_size();
    let side_by_side = room.x >= SIDE_BY_SIDE_FROM;
    let frame = egui::Frame::NONE.inner_margin(egui::Margin {
        left: 0,
        right: 6,
        top: 0,
        bottom: 6,
    });
    let give = |ui: &mut Ui, draw: &mut dyn FnMut(&mut Ui, Pane)| {
        scrolled(ui, (id, "give"), names[0], |ui| draw(ui, Pane::Give));
    };
    if side_by_side {
        let most = (room.x - LEAST_ACROSS).max(LEAST_ACROSS);
        egui::Panel::left((id, "across"))
            .resizable(true)
            .frame(frame)
            .default_size((room.x * 0.45).clamp(LEAST_ACROSS, most))
            .size_range(LEAST_ACROSS..=most)
            .show(ui, |ui| give(ui, &mut draw));
    } else {
        let most = (room.y - LEAST_DOWN).max(LEAST_DOWN);
        egui::Panel::top((id, "down"))
            .resizable(true)
            .frame(frame)
            .default_size((room.y * 0.5).clamp(LEAST_DOWN, most))
            .size_range(LEAST_DOWN..=most)
            .show(ui, |ui| give(ui, &mut draw));
    }
    let inset = if side_by_side {
        egui::Margin {
            left: 6,
            ..egui::Margin::ZERO
        }
    } else {
        egui::Margin {
            top: 4,
            ..egui::Margin::ZERO
        }
    };
    egui::CentralPanel::no_frame().show(ui, |ui| {
        egui::Frame::NONE.inner_margin(inset).show(ui, |ui| {
            scrolled(ui, (id, "get"), names[1], |ui| draw(ui, Pane::Get))
        });
    });
}

/// A pane's own scroll, filling the pane, under the pane's accessible name (its bounds are
/// the pane's); what is in it wraps to the pane's width.
fn scrolled(ui: &mut Ui, salt: (&str, &str), name: &str, add: impl FnOnce(&mut Ui)) {
    let pane = ui.scope_builder(egui::UiBuilder::new().accessibility_label(name), |ui| {
        egui::ScrollArea::vertical()
            .id_salt(salt)
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.set_max_width(ui.available_width());
                add(ui);
            });
    });
    // egui gives a Ui's node no place on screen; a screen reader's pointer (and the tests)
    // need the pane's.
    let rect = pane.response.rect;
    ui.ctx().accesskit_node_builder(pane.response.id, |node| {
        node.set_bounds(egui::accesskit::Rect {
            x0: rect.min.x.into(),
            y0: rect.min.y.into(),
            x1: rect.max.x.into(),
            y1: rect.max.y.into(),
        });
    });
}
