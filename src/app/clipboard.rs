//! Copying credentials: a clipboard held for the app's lifetime, and a guard that clears our
//! copy after a while, but only if the clipboard still holds what we put there.

use chrono::{DateTime, TimeDelta, Utc};
use zeroize::Zeroizing;

/// Why the clipboard could not be used, in words that say what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClipboardError {
    /// There is no clipboard to use (no display, say).
    #[error("the clipboard is not available ({0}); select the text and copy it by hand")]
    Unavailable(String),
    /// Putting text there failed.
    #[error("copying failed ({0}); select the text and copy it by hand")]
    CopyFailed(String),
    /// Reading it back failed.
    #[error("the clipboard could not be read ({0})")]
    ReadFailed(String),
    /// Emptying it failed.
    #[error("clearing the clipboard failed ({0})")]
    ClearFailed(String),
}

/// The system clipboard, or a stand-in for tests.
pub trait Clipboard {
    /// Puts `text` on the clipboard.
    fn set(&mut self, text: &str) -> Result<(), ClipboardError>;
    /// What the clipboard holds now.
    fn get(&mut self) -> Result<String, ClipboardError>;
    /// Empties the clipboard.
    fn clear(&mut self) -> Result<(), ClipboardError>;
}

impl Clipboard for Box<dyn Clipboard> {
    fn set(&mut self, text: &str) -> Result<(), ClipboardError> {
        (**self).set(text)
    }
    fn get(&mut self) -> Result<String, ClipboardError> {
        (**self).get()
    }
    fn clear(&mut self) -> Result<(), ClipboardError> {
        (**self).clear()
    }
}

/// The system clipboard through arboard. On X11 the copying process serves every paste, so
/// this must live as long as the app; our copies are marked to be kept out of clipboard
/// history where the platform allows.
pub struct SystemClipboard {
    inner: Result<arboard::Clipboard, ClipboardError>,
}

impl Default for SystemClipboard {
    fn default() -> Self {
        Self {
            inner: arboard::Clipboard::new()
                .map_err(|err| ClipboardError::Unavailable(err.to_string())),
        }
    }
}

impl SystemClipboard {
    fn inner(&mut self) -> Result<&mut arboard::Clipboard, ClipboardError> {
        self.inner.as_mut().map_err(|err| err.clone())
    }
}

impl Clipboard for SystemClipboard {
    fn set(&mut self, text: &str) -> Result<(), ClipboardError> {
        let set = self.inner()?.set();
        #[cfg(target_os = "linux")]
        let set = arboard::SetExtLinux::exclude_from_history(set);
        set.text(text)
            .map_err(|err| ClipboardError::CopyFailed(err.to_string()))
    }

    fn get(&mut self) -> Result<String, ClipboardError> {
        self.inner()?
            .get_text()
            .map_err(|err| ClipboardError::ReadFailed(err.to_string()))
    }

    fn clear(&mut self) -> Result<(), ClipboardError> {
        self.inner()?
            .clear()
            .map_err(|err| ClipboardError::ClearFailed(err.to_string()))
    }
}

/// A clipboard that only remembers, for UI tests. Clones share one clipboard, so a test can
/// keep a handle and change it "from another program".
#[derive(Clone, Default)]
pub struct RecordingClipboard {
    content: std::sync::Arc<std::sync::Mutex<Option<String>>>,
    /// When set, every call fails with this (an unavailable clipboard).
    pub failure: Option<ClipboardError>,
}

impl RecordingClipboard {
    /// What the clipboard holds now.
    pub fn content(&self) -> Option<String> {
        self.content.lock().ok().and_then(|c| c.clone())
    }

    /// Puts text there as another program would.
    pub fn replace(&self, text: &str) {
        if let Ok(mut content) = self.content.lock() {
            *content = Some(text.to_owned());
        }
    }
}

impl Clipboard for RecordingClipboard {
    fn set(&mut self, text: &str) -> Result<(), ClipboardError> {
        if let Some(failure) = &self.failure {
            return Err(failure.clone());
        }
        self.replace(text);
        Ok(())
    }

    fn get(&mut self) -> Result<String, ClipboardError> {
        if let Some(failure) = &self.failure {
            return Err(failure.clone());
        }
        Ok(self.content().unwrap_or_default())
    }

    fn clear(&mut self) -> Result<(), ClipboardError> {
        if let Some(failure) = &self.failure {
            return Err(failure.clone());
        }
        if let Ok(mut content) = self.content.lock() {
            *content = None;
        }
        Ok(())
    }
}

/// What we last copied and when it is due to be cleared.
struct OurCopy {
    text: Zeroizing<String>,
    what: &'static str,
    clear_at: Option<DateTime<Utc>>,
}

/// How the last copy stands, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyStatus {
    /// Nothing of ours is on the clipboard.
    Idle,
    /// Our copy is there and will be cleared in this many seconds (`None`: never).
    Copied {
        /// What was copied ("ticket", "JS snippet").
        what: &'static str,
        /// Seconds until it is cleared, or `None` for "never".
        clears_in: Option<i64>,
    },
    /// Something went wrong; the error says what to do.
    Failed(ClipboardError),
    /// Our copy was cleared (after its time, or by "Clear now").
    Cleared,
    /// The clipboard changed meanwhile, so it was left alone.
    LeftAlone,
}

/// Copies text and clears it again after a while, only if it is still ours.
pub struct ClipboardGuard<C> {
    clipboard: C,
    copy: Option<OurCopy>,
    status: CopyStatus,
}

impl<C: Clipboard> ClipboardGuard<C> {
    /// A guard over `clipboard`.
    pub fn new(clipboard: C) -> Self {
        Self {
            clipboard,
            copy: None,
            status: CopyStatus::Idle,
        }
    }

    /// Copies `text`, to be cleared `clear_after` seconds from `now` (`None`: never).
    /// Returns whether the copy happened; the status says why not.
    pub fn copy(
        &mut self,
        text: &str,
        what: &'static str,
        clear_after: Option<u64>,
        now: DateTime<Utc>,
    ) -> bool {
        match self.clipboard.set(text) {
            Ok(()) => {
                let clear_at = clear_after
                    .and_then(|secs| i64::try_from(secs).ok())
                    .and_then(TimeDelta::try_seconds)
                    .and_then(|delta| now.checked_add_signed(delta));
                self.copy = Some(OurCopy {
                    text: Zeroizing::new(text.to_owned()),
                    what,
                    clear_at,
                });
                self.refresh(now);
                true
            }
            Err(err) => {
                self.copy = None;
                self.status = CopyStatus::Failed(err);
                false
            }
        }
    }

    /// Clears our copy now, if the clipboard still holds it.
    pub fn clear_now(&mut self) {
        let Some(copy) = self.copy.take() else {
            return;
        };
        self.status = match self.clipboard.get() {
            Ok(current) if current == *copy.text => match self.clipboard.clear() {
                Ok(()) => CopyStatus::Cleared,
                Err(err) => CopyStatus::Failed(err),
            },
            // Someone copied something else, or the clipboard cannot be read: leave it.
            _ => CopyStatus::LeftAlone,
        };
    }

    /// Clears our copy when its time has come, and updates the status line's countdown.
    pub fn tick(&mut self, now: DateTime<Utc>) {
        if let Some(clear_at) = self.copy.as_ref().and_then(|c| c.clear_at)
            && now >= clear_at
        {
            self.clear_now();
            return;
        }
        self.refresh(now);
    }

    fn refresh(&mut self, now: DateTime<Utc>) {
        if let Some(copy) = &self.copy {
            self.status = CopyStatus::Copied {
                what: copy.what,
                clears_in: copy.clear_at.map(|at| (at - now).num_seconds().max(0)),
            };
        }
    }

    /// How the last copy stands.
    pub fn status(&self) -> &CopyStatus {
        &self.status
    }

    /// Whether a timed clear is pending (the window then repaints once a second).
    pub fn counting_down(&self) -> bool {
        self.copy.as_ref().is_some_and(|c| c.clear_at.is_some())
    }
}

/// How long a copy stays on the clipboard, as the window offers it (`None`: until replaced).
pub const CLEAR_AFTER_CHOICES: [(Option<u64>, &str); 5] = [
    (Some(30), "30 s"),
    (Some(60), "60 s"),
    (Some(120), "2 min"),
    (Some(300), "5 min"),
    (None, "never"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn clears_our_copy_when_its_time_comes() {
        let clipboard = RecordingClipboard::default();
        let mut guard = ClipboardGuard::new(clipboard.clone());
        assert!(guard.copy("ticket-text", "ticket", Some(60), at(0)));
        assert_eq!(clipboard.content().as_deref(), Some("ticket-text"));
        guard.tick(at(18));
        assert_eq!(
            guard.status(),
            &CopyStatus::Copied {
                what: "ticket",
                clears_in: Some(42)
            }
        );
        guard.tick(at(60));
        assert_eq!(clipboard.content(), None);
        assert_eq!(guard.status(), &CopyStatus::Cleared);
        assert!(!guard.counting_down());
    }

    #[test]
    fn leaves_a_clipboard_that_changed_meanwhile() {
        let clipboard = RecordingClipboard::default();
        let mut guard = ClipboardGuard::new(clipboard.clone());
        guard.copy("ticket-text", "ticket", Some(60), at(0));
        clipboard.replace("something the user copied later");
        guard.tick(at(61));
        assert_eq!(
            clipboard.content().as_deref(),
            Some("something the user copied later")
        );
        assert_eq!(guard.status(), &CopyStatus::LeftAlone);
    }

    #[test]
    fn never_means_never_and_clear_now_still_works() {
        let clipboard = RecordingClipboard::default();
        let mut guard = ClipboardGuard::new(clipboard.clone());
        guard.copy("snippet", "JS snippet", None, at(0));
        guard.tick(at(100_000));
        assert_eq!(
            guard.status(),
            &CopyStatus::Copied {
                what: "JS snippet",
                clears_in: None
            }
        );
        guard.clear_now();
        assert_eq!(clipboard.content(), None);
    }

    #[test]
    fn a_failed_copy_is_reported_not_claimed() {
        let clipboard = RecordingClipboard {
            failure: Some(ClipboardError::Unavailable("no display".into())),
            ..Default::default()
        };
        let mut guard = ClipboardGuard::new(clipboard);
        assert!(!guard.copy("x", "ticket", Some(60), at(0)));
        assert!(
            matches!(guard.status(), CopyStatus::Failed(err) if err.to_string().contains("not available"))
        );
        assert!(!guard.counting_down());
    }
}
