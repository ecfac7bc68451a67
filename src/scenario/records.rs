//! Where a step's `replay = ID` finds its record: the history, opened only when a step asks
//! (checking a file makes no history), the same for `scenario run` and the window.

use std::path::PathBuf;

use crate::history::History;

/// The history's records, looked up by number for [`super::Plan::new`].
pub struct Records {
    path: Option<PathBuf>,
    /// `None` until a step asks; then `Some(None)` when there is no history file.
    opened: Option<Option<History>>,
}

impl Records {
    /// The records of the history at `path` (`None`: there is no data folder for one).
    pub fn new(path: Option<PathBuf>) -> Self {
        Self { path, opened: None }
    }

    /// The body of record `id` as it was received, `Ok(None)` when there is no such record,
    /// or why it cannot be sent (a body cut when it was kept, a history that cannot be read).
    pub fn body(&mut self, id: i64) -> Result<Option<Vec<u8>>, String> {
        if self.opened.is_none() {
            let path = self
                .path
                .as_deref()
                .ok_or("there is no data folder for the history")?;
            self.opened = Some(
                History::open_existing(path)
                    .map_err(|e| e.to_string())?
                    .map(|opened| opened.history),
            );
        }
        let Some(Some(history)) = &self.opened else {
            return Ok(None);
        };
        match history.get(id).map_err(|e| e.to_string())? {
            Some(entry) if entry.body_cut() => Err(format!(
                "{} when it was kept: it cannot be sent whole",
                entry.cut_note().unwrap_or_default()
            )),
            found => Ok(found.map(|e| e.body)),
        }
    }
}
