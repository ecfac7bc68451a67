//! Hearing the profile index change on disk: the command line (or another window) added a
//! profile or saved a secret. Each secret written bumps its profile's `revision` in the index
//! ([`super::ProfileMeta::secret_written`]), so the index file changing is the one signal.
//!
//! On notify (inotify on Linux): nothing is polled, so an idle window stays at 0 CPU. The
//! folder is watched, not the file: the index is replaced by a rename, which a watch on the
//! file itself would not survive.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use notify::{RecursiveMode, Watcher as _};

use super::INDEX_FILE;

/// A watch on the profile index; dropping it ends the watch.
pub struct IndexWatch {
    _watcher: notify::RecommendedWatcher,
    changed: Arc<AtomicBool>,
}

impl IndexWatch {
    /// Watches the index in `dir`; `on_change` is called (on the watcher's thread) each time
    /// it changes. `None` where the folder cannot be watched (then profiles changed elsewhere
    /// show only after a restart, as before).
    pub fn start(dir: &Path, on_change: impl Fn() + Send + 'static) -> Option<Self> {
        let changed = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&changed);
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let Ok(event) = event else {
                    return;
                };
                let index = event
                    .paths
                    .iter()
                    .any(|path| path.file_name().is_some_and(|name| name == INDEX_FILE));
                if index && !event.kind.is_access() {
                    flag.store(true, Ordering::SeqCst);
                    on_change();
                }
            })
            .ok()?;
        std::fs::create_dir_all(dir).ok()?;
        watcher.watch(dir, RecursiveMode::NonRecursive).ok()?;
        Some(Self {
            _watcher: watcher,
            changed,
        })
    }

    /// Whether the index changed since the last call.
    pub fn take_change(&self) -> bool {
        self.changed.swap(false, Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_of_the_index_is_heard_and_other_files_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let watch = IndexWatch::start(dir.path(), move || {
            let _ = tx.send(());
        })
        .unwrap();
        std::fs::write(dir.path().join("other.json"), b"{}").unwrap();
        // Replaced by a rename, as the index is written.
        let temp = dir.path().join(format!(".{INDEX_FILE}.tmp"));
        std::fs::write(&temp, b"{}").unwrap();
        std::fs::rename(&temp, dir.path().join(INDEX_FILE)).unwrap();
        rx.recv_timeout(std::time::Duration::from_secs(20))
            .expect("the index's change is heard");
        assert!(watch.take_change());
        assert!(!watch.take_change(), "once");
    }
}
