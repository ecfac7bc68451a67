//! Open and save dialogs: the desktop's own where it has one (the XDG file chooser portal,
//! or zenity, through rfd, on a thread of its own so the window keeps drawing), else one
//! drawn in the window. A panel asks with [`Action::Choose`](super::Action::Choose); the
//! path chosen comes back through [`Dialogs::take_answer`] to the field that asked, and what
//! that field's button does (save, export, open) is done with it.
//!
//! The dialog drawn in the window is ours, not a crate's: the egui file dialogs leave their
//! fields without accessible names (a screen reader, and the tests, could not find the file
//! name field), and draw glyphs the window's fonts do not have.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use eframe::egui::{self, Button, RichText, ScrollArea, TextEdit};

use super::job::Slot;
use super::widgets::{field_width, labelled, warning_text};

/// Who asked, so the answer goes back to its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The Generate tab's test page.
    TestPage,
    /// The Listen part's HAR export.
    Har,
    /// The Scenario part's JUnit report.
    Junit,
    /// The Scenario part's file.
    Scenario,
}

/// Open an existing file, or name one to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Pick an existing file.
    Open,
    /// Name a file to write.
    Save,
}

/// What a dialog is asked for.
#[derive(Debug, Clone)]
pub struct Ask {
    /// Who asked.
    pub purpose: Purpose,
    /// Open or save.
    pub kind: Kind,
    /// The dialog's title.
    pub title: &'static str,
    /// The field's path as typed: the dialog starts in its folder, with its name.
    pub current: PathBuf,
    /// The kind of file, and its extension ("HTML page", "html").
    pub filter: (&'static str, &'static str),
}

impl Ask {
    /// The folder to start in: the field's, when it is one, else the home folder.
    fn folder(&self) -> PathBuf {
        let typed = match self.current.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::new(),
        };
        if typed.is_dir() {
            typed
        } else {
            dirs::home_dir().unwrap_or_else(|| PathBuf::from("/"))
        }
    }

    /// The file name to start with.
    fn name(&self) -> String {
        self.current
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// What the desktop's dialog answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chosen {
    /// This file.
    Path(PathBuf),
    /// The user closed it.
    Cancelled,
    /// The desktop has no dialog to offer: the window draws its own.
    NoDesktop,
}

/// The desktop's dialogs: called on a thread of its own, and may take as long as the user.
pub trait Desktop: Send + Sync {
    /// Shows the dialog `ask` describes and returns what the user chose.
    fn choose(&self, ask: &Ask) -> Chosen;
}

/// The desktop's file chooser: the XDG portal when the session bus has one, else zenity when
/// it is installed (rfd tries both, in that order).
pub struct DesktopDialogs;

/// Whether the session bus has the desktop portal, or can start it.
fn portal_on_bus() -> bool {
    const PORTAL: &str = "org.freedesktop.portal.Desktop";
    let asked = || -> zbus::Result<bool> {
        let bus = zbus::blocking::Connection::session()?;
        let proxy = zbus::blocking::fdo::DBusProxy::new(&bus)?;
        let name = zbus::names::BusName::try_from(PORTAL)?;
        Ok(proxy.name_has_owner(name)?
            || proxy
                .list_activatable_names()?
                .iter()
                .any(|n| n.as_str() == PORTAL))
    };
    asked().unwrap_or(false)
}

/// Whether `zenity` is a program on the PATH.
fn zenity_installed() -> bool {
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|folder| folder.join("zenity").is_file())
    })
}

impl Desktop for DesktopDialogs {
    fn choose(&self, ask: &Ask) -> Chosen {
        // rfd asks the portal first, then zenity; without either it says "cancelled".
        let portal = portal_on_bus();
        if !portal && !zenity_installed() {
            return Chosen::NoDesktop;
        }
        let folder = ask.folder();
        let dialog = rfd::FileDialog::new()
            .set_title(ask.title)
            .set_directory(&folder)
            .add_filter(ask.filter.0, &[ask.filter.1]);
        // zenity is given no folder by rfd, only a file name: a whole path starts it there.
        let name = match (portal, ask.kind) {
            (true, Kind::Save) => Some(ask.name()),
            (true, Kind::Open) => None,
            (false, Kind::Save) => Some(folder.join(ask.name()).display().to_string()),
            (false, Kind::Open) => Some(format!("{}/", folder.display())),
        };
        let dialog = match name {
            Some(name) => dialog.set_file_name(name),
            None => dialog,
        };
        let chosen = match ask.kind {
            Kind::Open => dialog.pick_file(),
            Kind::Save => dialog.save_file(),
        };
        chosen.map_or(Chosen::Cancelled, Chosen::Path)
    }
}

/// No desktop dialog: the window always draws its own (tests; `SINCH_TICKET_FILE_DIALOG=window`).
pub struct NoDesktop;

impl Desktop for NoDesktop {
    fn choose(&self, _ask: &Ask) -> Chosen {
        Chosen::NoDesktop
    }
}

/// The desktop's dialogs unless `SINCH_TICKET_FILE_DIALOG=window` asks for the window's own.
pub fn from_env() -> Arc<dyn Desktop> {
    if std::env::var_os("SINCH_TICKET_FILE_DIALOG").is_some_and(|v| v == "window") {
        Arc::new(NoDesktop)
    } else {
        Arc::new(DesktopDialogs)
    }
}

/// The window's dialogs: at most one at a time.
pub struct Dialogs {
    desktop: Arc<dyn Desktop>,
    /// The desktop's dialog shown, and what it was asked.
    asking: Option<Ask>,
    answered: Slot<Chosen>,
    /// The window's own dialog, when the desktop has none.
    in_window: Option<InWindow>,
    /// A path chosen, for its field.
    answer: Option<(Purpose, PathBuf)>,
}

impl Dialogs {
    /// Dialogs shown by `desktop` where it can.
    pub fn new(desktop: Arc<dyn Desktop>) -> Self {
        Self {
            desktop,
            asking: None,
            answered: Slot::default(),
            in_window: None,
            answer: None,
        }
    }

    /// Whether a dialog is shown.
    pub fn open(&self) -> bool {
        self.asking.is_some() || self.in_window.is_some()
    }

    /// Shows a dialog for `ask`, unless one is shown already.
    pub fn ask(&mut self, ctx: &egui::Context, ask: Ask) {
        if self.open() {
            return;
        }
        let desktop = self.desktop.clone();
        let asked = ask.clone();
        match self
            .answered
            .start("file-dialog", ctx, move || desktop.choose(&asked))
        {
            Ok(()) => self.asking = Some(ask),
            // No thread for the desktop's dialog: the window's own needs none.
            Err(_) => self.in_window = Some(InWindow::new(ask)),
        }
    }

    /// Takes the desktop dialog's answer (also while the window is hidden).
    pub fn poll(&mut self) {
        if !self.answered.poll() {
            // A dialog whose thread died is forgotten.
            if !self.answered.busy() {
                self.asking = None;
            }
            return;
        }
        let Some(ask) = self.asking.take() else {
            return;
        };
        match self.answered.last.take() {
            Some(Chosen::Path(path)) => self.answer = Some((ask.purpose, path)),
            Some(Chosen::NoDesktop) => self.in_window = Some(InWindow::new(ask)),
            Some(Chosen::Cancelled) | None => {}
        }
    }

    /// The path chosen, and who asked for it, once.
    pub fn take_answer(&mut self) -> Option<(Purpose, PathBuf)> {
        self.answer.take()
    }

    /// Draws the window's own dialog, when it is shown.
    pub fn ui(&mut self, ctx: &egui::Context) {
        if self.asking.is_some() {
            // The desktop's dialog is a window of its own: say why this one waits, and let
            // the user give up on it (a portal that never answers would hold the window).
            let mut give_up = false;
            let modal =
                egui::Modal::new(egui::Id::unique("waiting for the file dialog")).show(ctx, |ui| {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Waiting for the desktop's file dialog…");
                    });
                    give_up = ui
                        .button("Cancel")
                        .on_hover_text(
                            "Stop waiting for it (Escape): its answer, if it comes, is ignored",
                        )
                        .clicked();
                });
            if give_up || modal.should_close() {
                self.answered.abandon();
                self.asking = None;
            }
            return;
        }
        let Some(dialog) = &mut self.in_window else {
            return;
        };
        match dialog.ui(ctx) {
            None => {}
            Some(None) => self.in_window = None,
            Some(Some(path)) => {
                self.answer = Some((dialog.ask.purpose, path));
                self.in_window = None;
                // Taken by the next tick, which this asks for.
                ctx.request_repaint();
            }
        }
    }
}

/// One entry of a folder.
struct Entry {
    name: String,
    folder: bool,
}

/// The most entries of a folder looked at: a dialog, not a file manager (a folder of a
/// million files is listed in part, on a thread of its own, and the window says so).
const MAX_ENTRIES: usize = 10_000;

/// A folder as listed: its subfolders and files of the kind asked, and whether there were
/// more entries than were looked at.
struct Listing {
    entries: Vec<Entry>,
    more: bool,
}

/// The window's own dialog: a folder, what is in it, a file name.
struct InWindow {
    ask: Ask,
    folder: String,
    name: String,
    /// The folder listed, and what it holds (or why it cannot be read).
    listed: Option<(String, Result<Listing, String>)>,
    /// The listing under way (off the UI thread: a folder may be huge, or on a slow mount).
    listing: Slot<(String, Result<Listing, String>)>,
    focus: bool,
    /// The existing file a Save would write over, once asked: Replace or Keep it.
    replacing: Option<PathBuf>,
    /// Put the keyboard on Replace when next drawn (the question was just asked).
    focus_replace: bool,
    /// The path named, and whether it is a file and whether a folder: asked of the disk
    /// when the name changes, not each frame.
    checked: Option<(PathBuf, bool, bool)>,
}

impl InWindow {
    fn new(ask: Ask) -> Self {
        Self {
            folder: ask.folder().display().to_string(),
            name: ask.name(),
            ask,
            listed: None,
            listing: Slot::default(),
            focus: true,
            replacing: None,
            focus_replace: false,
            checked: None,
        }
    }

    /// The folder's subfolders and its files of the asked kind, sorted, hidden ones left
    /// out: of its first [`MAX_ENTRIES`] entries.
    fn list(folder: &Path, extension: &str) -> Result<Listing, String> {
        Self::list_some(folder, extension, MAX_ENTRIES)
    }

    /// [`Self::list`], of the first `most` entries.
    fn list_some(folder: &Path, extension: &str, most: usize) -> Result<Listing, String> {
        let read = std::fs::read_dir(folder).map_err(|err| format!("it cannot be read: {err}"))?;
        let mut looked = 0;
        let mut entries = Vec::new();
        for entry in read.filter_map(Result::ok) {
            looked += 1;
            if looked > most {
                break;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            // The entry's type as the folder says it (no stat), a link followed only then.
            let folder = entry
                .file_type()
                .is_ok_and(|t| t.is_dir() || (t.is_symlink() && entry.path().is_dir()));
            let wanted = folder
                || Path::new(&name)
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case(extension));
            if wanted {
                entries.push(Entry { name, folder });
            }
        }
        entries.sort_by(|a, b| b.folder.cmp(&a.folder).then_with(|| a.name.cmp(&b.name)));
        Ok(Listing {
            entries,
            more: looked > most,
        })
    }

    /// The file the dialog names.
    fn path(&self) -> PathBuf {
        Path::new(self.folder.trim()).join(self.name.trim())
    }

    /// Draws it: `Some(None)` when cancelled, `Some(Some(path))` when a file was chosen.
    fn ui(&mut self, ctx: &egui::Context) -> Option<Option<PathBuf>> {
        if self.listing.poll() {
            self.listed = self.listing.last.take();
        }
        if self.listed.as_ref().is_none_or(|(f, _)| *f != self.folder) && !self.listing.busy() {
            let (folder, extension) = (self.folder.clone(), self.ask.filter.1);
            let _ = self.listing.start("file-dialog-list", ctx, move || {
                let listed = Self::list(Path::new(folder.trim()), extension);
                (folder, listed)
            });
        }

        let mut outcome = None;
        let modal = egui::Modal::new(egui::Id::unique("file dialog")).show(ctx, |ui| {
            ui.set_width(field_width(ui, 460.0).max(260.0));
            ui.heading(self.ask.title);
            let mut to_name = false;
            ui.horizontal(|ui| {
                labelled(ui, "Folder", |ui, label| {
                    let folder = ui
                        .add(
                            TextEdit::singleline(&mut self.folder)
                                .desired_width(field_width(ui, 300.0)),
                        )
                        .labelled_by(label);
                    // Enter lists the folder typed and goes on to the file name.
                    to_name = folder.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                });
                let parent = Path::new(self.folder.trim()).parent().map(Path::to_owned);
                if ui
                    .add_enabled(parent.is_some(), Button::new("Up"))
                    .on_hover_text("The folder this one is in")
                    .clicked()
                    && let Some(parent) = parent
                {
                    self.folder = parent.display().to_string();
                }
            });
            let mut enter = None;
            // As tall whatever the folder holds: the dialog does not move under the pointer.
            ScrollArea::vertical()
                .min_scrolled_height(200.0)
                .max_height(200.0)
                .auto_shrink([false, false])
                .show(ui, |ui| match self
                    .listed
                    .as_ref()
                    .filter(|(f, _)| *f == self.folder)
                    .map(|(_, listed)| listed)
                {
                    Some(Ok(listing)) if listing.entries.is_empty() => {
                        ui.weak(format!(
                            "No folder and no .{} file here.",
                            self.ask.filter.1
                        ));
                    }
                    Some(Ok(listing)) => {
                        if listing.more {
                            ui.weak(format!(
                                "Only the first {MAX_ENTRIES} entries of this folder are listed: type the file name."
                            ));
                        }
                        for entry in &listing.entries {
                            let text = if entry.folder {
                                format!("{}/", entry.name)
                            } else {
                                entry.name.clone()
                            };
                            let row =
                                ui.selectable_label(!entry.folder && entry.name == self.name, text);
                            if row.clicked() {
                                enter = Some((entry.folder, entry.name.clone(), false));
                            }
                            if row.double_clicked() {
                                enter = Some((entry.folder, entry.name.clone(), true));
                            }
                        }
                    }
                    Some(Err(why)) => warning_text(ui, &format!("This folder: {why}")),
                    None => {
                        ui.horizontal(|ui| {
                            ui.spinner();
                            ui.weak("Reading the folder…");
                        });
                    }
                });
            let mut confirm = false;
            match enter {
                Some((true, name, _)) => {
                    self.folder = Path::new(self.folder.trim())
                        .join(name)
                        .display()
                        .to_string();
                }
                Some((false, name, twice)) => {
                    self.name = name;
                    confirm = twice;
                }
                None => {}
            }
            let name = labelled(ui, "File name", |ui, label| {
                ui.add(TextEdit::singleline(&mut self.name).desired_width(f32::INFINITY))
                    .labelled_by(label)
            });
            if std::mem::take(&mut self.focus) || to_name {
                name.request_focus();
            }
            let path = self.path();
            if self.replacing.as_ref().is_some_and(|asked| *asked != path) {
                // Another name typed since: the question was about another file.
                self.replacing = None;
            }
            if self.checked.as_ref().is_none_or(|(p, _, _)| *p != path) {
                self.checked = Some((path.clone(), path.is_file(), path.is_dir()));
            }
            let (is_file, is_dir) = self
                .checked
                .as_ref()
                .map_or((false, false), |&(_, file, dir)| (file, dir));
            let named = !self.name.trim().is_empty();
            let exists = named && is_file;
            let (ready, verb) = match self.ask.kind {
                Kind::Open => (exists, "Open"),
                Kind::Save => (named && !is_dir, "Save"),
            };
            confirm |= ready && name.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            // A line kept for what is to be said, so the buttons stay where they are.
            ui.scope(|ui| {
                ui.set_min_height(36.0);
                if self.replacing.is_some() {
                    warning_text(
                        ui,
                        &format!(
                            "A file named {} exists already here. Replace it?",
                            self.name.trim()
                        ),
                    );
                } else if self.ask.kind == Kind::Open && named && !exists {
                    warning_text(ui, &format!("There is no file {} here.", self.name.trim()));
                }
            });
            ui.horizontal(|ui| {
                if self.replacing.is_some() {
                    let replace = ui
                        .button(RichText::new("Replace").strong())
                        .on_hover_text("Write over the file that is there");
                    if std::mem::take(&mut self.focus_replace) {
                        replace.request_focus();
                    }
                    if replace.clicked() {
                        outcome = Some(Some(path.clone()));
                    }
                    if ui
                        .button("Keep it")
                        .on_hover_text("Leave the file as it is and choose another name")
                        .clicked()
                    {
                        self.replacing = None;
                        self.focus = true;
                    }
                } else if ui
                    .add_enabled(ready, Button::new(RichText::new(verb).strong()))
                    .clicked()
                {
                    confirm = true;
                }
                if ui
                    .button("Cancel")
                    .on_hover_text("Close the dialog (Escape)")
                    .clicked()
                {
                    outcome = Some(None);
                }
            });
            if confirm && self.replacing.is_none() {
                if self.ask.kind == Kind::Save && exists {
                    // Asked first, as the desktop's dialogs ask.
                    self.replacing = Some(path);
                    self.focus_replace = true;
                } else {
                    outcome = Some(Some(path));
                }
            }
        });
        if modal.should_close() && outcome.is_none() {
            outcome = Some(None);
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::InWindow;

    #[test]
    fn a_folder_is_listed_folders_first_by_name_of_the_kind_asked_and_in_part_when_huge() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.toml", "a.toml", "c.txt", ".hidden.toml"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        std::fs::create_dir(dir.path().join("zz")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("zz"), dir.path().join("link")).unwrap();
        let listing = InWindow::list(dir.path(), "toml").unwrap();
        let names: Vec<_> = listing
            .entries
            .iter()
            .map(|e| (e.name.as_str(), e.folder))
            .collect();
        assert_eq!(
            names,
            [
                ("link", true),
                ("zz", true),
                ("a.toml", false),
                ("b.toml", false)
            ]
        );
        assert!(!listing.more);

        // More entries than are looked at: listed in part, and said.
        let huge = tempfile::tempdir().unwrap();
        for n in 0..=50 {
            std::fs::File::create(huge.path().join(format!("{n}.txt"))).unwrap();
        }
        let listing = InWindow::list_some(huge.path(), "toml", 50).unwrap();
        assert!(listing.more && listing.entries.is_empty());
        assert!(InWindow::list(&huge.path().join("missing"), "toml").is_err());
    }
}
