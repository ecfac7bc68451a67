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

/// The least a pane is given across, so that the splitter dragged to the edge never hides one.
const LEAST_ACROSS: f32 = 300.0;
/// Stacked: the least the giving pane is given, and what it always leaves the other.
const LEAST_DOWN: f32 = 90.0;
const LEAST_GET_DOWN: f32 = 130.0;

/// Draws the two panes of the tab `id` in the space left in `ui`, calling `draw` once for
/// each (the giving pane first, so that its keyboard order comes first). `names` are the
/// panes' names for screen readers, giving pane first.
pub fn two_panes(ui: &mut Ui, id: &str, names: [&str; 2], mut draw: impl FnMut(&mut Ui, Pane)) {
    let room = ui.available_size();
    let side_by_side = room.x >= SIDE_BY_SIDE_FROM;
    // Stacked, each pane's content height as last drawn.
    let measured = Measured::new(ui.scope_id().with((id, "give height")));
    let measured_get = Measured::new(ui.scope_id().with((id, "get height")));
    let frame = egui::Frame::NONE.inner_margin(egui::Margin {
        left: 0,
        right: 6,
        top: 0,
        bottom: 6,
    });
    if side_by_side {
        // One splitter for every tab: dragged on one, it is where it was on the others.
        let most = (room.x - LEAST_ACROSS).max(LEAST_ACROSS);
        egui::Panel::left("panes across")
            .resizable(true)
            .frame(frame)
            .default_size((room.x * 0.45).clamp(LEAST_ACROSS, most))
            .size_range(LEAST_ACROSS..=most)
            .show(ui, |ui| {
                scrolled(ui, (id, "give"), names[0], |ui| draw(ui, Pane::Give));
            });
    } else {
        // Stacked, the giving pane is as tall as what is in it, leaving the other pane room
        // for at least a few lines of its result; it scrolls when it needs more.
        let wanted = measured.last(ui).unwrap_or(room.y * 0.5);
        // The other pane is left what its result takes, up to a few lines (a hint, before
        // there is a result, takes less).
        let result = measured_get.last(ui).unwrap_or(LEAST_GET_DOWN);
        let most = (room.y - result.clamp(40.0, LEAST_GET_DOWN)).max(LEAST_DOWN);
        egui::Panel::top((id, "down"))
            .frame(frame)
            .exact_size(wanted.clamp(LEAST_DOWN, most))
            .show(ui, |ui| {
                let content = scrolled(ui, (id, "give"), names[0], |ui| draw(ui, Pane::Give));
                let needed = content + frame.inner_margin.sum().y;
                measured.keep(ui, needed, |height| height.clamp(LEAST_DOWN, most));
            });
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
            let content = scrolled(ui, (id, "get"), names[1], |ui| draw(ui, Pane::Get));
            if !side_by_side {
                measured_get.keep(ui, content, |height| height.clamp(40.0, LEAST_GET_DOWN));
            }
        });
    });
}

/// A height as it was last drawn (the frame before), kept in egui's memory: what sizes a
/// pane to its content, one frame late.
#[derive(Debug, Clone, Copy)]
pub struct Measured(egui::Id);

impl Measured {
    /// The height kept under `id`.
    pub fn new(id: egui::Id) -> Self {
        Self(id)
    }

    /// The height as last drawn, if it was.
    pub fn last(self, ui: &Ui) -> Option<f32> {
        ui.data(|d| d.get_temp(self.0))
    }

    /// Keeps `height` as drawn now. When the size it leads to (`size`, whole pixels) differs
    /// from the one drawn, asks for one more frame to draw it at; once it settles (also when
    /// what is in the pane would take more than it may have), nothing more is asked.
    pub fn keep(self, ui: &Ui, height: f32, size: impl Fn(f32) -> f32) {
        let before = self.last(ui);
        ui.data_mut(|d| d.insert_temp(self.0, height));
        if before.is_none_or(|before| size(before).round() != size(height).round()) {
            ui.ctx().request_repaint();
        }
    }
}

/// A pane's own scroll, filling the pane, under the pane's accessible name (its bounds are
/// the pane's); what is in it wraps to the pane's width. The height of what is in it.
fn scrolled(ui: &mut Ui, salt: (&str, &str), name: &str, add: impl FnOnce(&mut Ui)) -> f32 {
    let pane = ui.scope_builder(egui::UiBuilder::new().accessibility_label(name), |ui| {
        egui::ScrollArea::vertical()
            .id_salt(salt)
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.set_max_width(ui.available_width());
                add(ui);
            })
            .content_size
            .y
    });
    // egui gives a Ui's node no place on screen; a screen reader's pointer (and the tests)
    // need the pane's.
    let rect = pane.response.rect;
    ui.ctx().accesskit_node_builder(pane.response.id, |node| {
        // A pane, as screen readers announce it (a generic container, egui's role for a
        // Ui, is left out of the tree platforms show).
        node.set_role(egui::accesskit::Role::Pane);
        node.set_bounds(egui::accesskit::Rect {
            x0: rect.min.x.into(),
            y0: rect.min.y.into(),
            x1: rect.max.x.into(),
            y1: rect.max.y.into(),
        });
    });
    pane.inner
}
