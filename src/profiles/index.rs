//! The non-secret profile index: names, keys, the default, and what was last used with each.
//!
//! It is a small JSON file in the config folder. Every change takes an exclusive lock on a
//! lock file beside it, reads the index, changes it, writes a temporary file and renames it
//! over the old one: the window and the command line can write at once without losing a
//! profile, and a crash never leaves a half-written index. Because every write is such a
//! rename, reading needs no lock: a read-only config folder can still be listed.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// The index file's name inside the config folder.
pub const INDEX_FILE: &str = "profiles.json";
const LOCK_FILE: &str = "profiles.lock";

/// The largest index read, far beyond any real one (a profile takes about 200 bytes). A
/// larger file was not written by this program, and reading it could exhaust memory.
pub const MAX_INDEX_BYTES: u64 = 1 << 20;

/// How long a change waits for another process's change to finish before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(15);

/// What is remembered of one profile. Nothing here is secret.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfileMeta {
    /// The application key (also in the keyring entry, which wins if they differ).
    pub key: String,
    /// The username last used with this profile.
    pub last_user: Option<String>,
    /// The expiry last used with this profile, as typed (`1h`, `600`).
    pub last_expiry: Option<String>,
    /// The project its access key belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// The access key's Key ID (its secret is in the keyring).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// The SMS service plan's ID (its API token is in the keyring).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_plan_id: Option<String>,
    /// The credentials it holds besides the application's, by kind name (`conversation`):
    /// names, so that a kind this version does not know survives its rewrites.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub credentials: BTreeSet<String>,
    /// The secrets fetched from a secret manager when used instead of kept in the keyring:
    /// the slot's name (`application`, `conversation`, `access-key`, …) and the reference
    /// (`vault://secret/sinch#app_secret`). A reference is not a secret. Kept as JSON values,
    /// so that one a hand edit broke (a number, say) is one unreadable reference, named when it
    /// is used, not a whole index set aside.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub references: BTreeMap<String, serde_json::Value>,
    /// Bumped each time one of its secrets is written to the keyring: the index changes
    /// with it, so a window watching the index reads the profile again (a secret rotated on
    /// the command line changes nothing else here). Not a secret, and says nothing of one.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub revision: u64,
    /// Fields a later version wrote, kept as they were.
    #[serde(flatten)]
    pub later: BTreeMap<String, serde_json::Value>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl ProfileMeta {
    /// Notes that one of its secrets was written.
    pub fn secret_written(&mut self) {
        self.revision = self.revision.wrapping_add(1);
    }
}

/// The whole index as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Index {
    /// The profile used when none is named.
    pub default: Option<String>,
    /// Every profile, by name.
    pub profiles: BTreeMap<String, ProfileMeta>,
    /// Fields a later version wrote, kept as they were.
    #[serde(flatten)]
    pub later: BTreeMap<String, serde_json::Value>,
}

/// Why the index could not be read or written: a sentence that says what to do, and the
/// error underneath when there is one.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct IndexError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl IndexError {
    fn plain(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: None,
        }
    }

    fn caused(message: String, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self {
            message,
            source: Some(Box::new(source)),
        }
    }
}

/// Two index errors are the same when they say the same (for tests and for the window's
/// "has this changed" checks); their sources are only there to be inspected.
impl PartialEq for IndexError {
    fn eq(&self, other: &Self) -> bool {
        self.message == other.message
    }
}

impl Eq for IndexError {}

/// An index as read, with a warning when a damaged file had to be set aside.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// What was read (empty when there was no file, or it was damaged).
    pub index: Index,
    /// Set when the file was damaged and renamed: says where it went and how to recover.
    pub warning: Option<String>,
}

/// What reading the file found.
enum Read {
    Missing,
    Good(Index),
    Damaged(serde_json::Error),
}

/// The index file in one folder.
#[derive(Debug, Clone)]
pub struct IndexFile {
    dir: PathBuf,
}

impl IndexFile {
    /// The index in `dir` (created when first written).
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// The index's path.
    pub fn path(&self) -> PathBuf {
        self.dir.join(INDEX_FILE)
    }

    /// Reads the index, without a lock. A damaged file is set aside under the lock (see
    /// [`Loaded::warning`]); a missing one reads as empty and creates nothing.
    pub fn load(&self) -> Result<Loaded, IndexError> {
        match self.read()? {
            Read::Missing => Ok(Loaded::default()),
            Read::Good(index) => Ok(Loaded {
                index,
                warning: None,
            }),
            Read::Damaged(_) => {
                let _lock = self.lock()?;
                self.read_for_change()
            }
        }
    }

    /// Changes the index under the lock and writes it atomically; returns what `change`
    /// returned, and the warning of a damaged file set aside on the way.
    pub fn update<T>(
        &self,
        change: impl FnOnce(&mut Index) -> T,
    ) -> Result<(T, Option<String>), IndexError> {
        self.try_update(|index| Ok::<T, IndexError>(change(index)))
    }

    /// Like [`Self::update`], for a change that may fail: then nothing is written. The
    /// folder is known to be writable before `change` runs (its temporary file exists), so
    /// a change with effects elsewhere (a keyring entry written) is not left without its
    /// index. Nothing is written when `change` leaves the index as it was.
    pub fn try_update<T, E: From<IndexError>>(
        &self,
        change: impl FnOnce(&mut Index) -> Result<T, E>,
    ) -> Result<(T, Option<String>), E> {
        let _lock = self.lock()?;
        let Loaded { mut index, warning } = self.read_for_change()?;
        let target = self.write_target();
        let parent = target.parent().unwrap_or(&self.dir).to_owned();
        let mut temp = tempfile::Builder::new()
            .prefix(&format!(".{INDEX_FILE}."))
            .suffix(".tmp")
            .tempfile_in(&parent)
            .map_err(|err| {
                IndexError::caused(
                    format!(
                        "could not write in {} ({err}): check that the folder is writable",
                        parent.display()
                    ),
                    err,
                )
            })?;
        let before = index.clone();
        let result = change(&mut index)?;
        if index != before {
            let write = |file: &mut File| -> std::io::Result<()> {
                serde_json::to_writer_pretty(&mut *file, &index)?;
                file.write_all(b"\n")?;
                file.sync_all()
            };
            write(temp.as_file_mut())
                .and_then(|()| temp.persist(&target).map(drop).map_err(|err| err.error))
                .map_err(|err| {
                    IndexError::caused(format!(
                        "could not save the profile index {}: {err}; check that the folder is writable",
                        target.display()
                    ), err)
                })?;
        }
        Ok((result, warning))
    }

    /// Where a write goes: the index itself, or the file it links to (so that a user's
    /// symlinked `profiles.json` stays a link).
    fn write_target(&self) -> PathBuf {
        let path = self.path();
        let is_link = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        if is_link && let Ok(target) = fs::canonicalize(&path) {
            return target;
        }
        path
    }

    /// Takes the lock, waiting while another process holds it, up to [`LOCK_WAIT`].
    fn lock(&self) -> Result<File, IndexError> {
        if !self.dir.exists() {
            fs::create_dir_all(&self.dir).map_err(|err| {
                IndexError::caused(
                    format!(
                        "could not create the settings folder {}: {err}",
                        self.dir.display()
                    ),
                    err,
                )
            })?;
        }
        let path = self.dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|err| {
                IndexError::caused(
                    format!(
                        "could not open {}: {err}; check that the folder is writable",
                        path.display()
                    ),
                    err,
                )
            })?;
        let deadline = Instant::now() + LOCK_WAIT;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(file),
                Err(fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    // Another process is mid-change; changes take milliseconds unless its
                    // keyring is waiting to be unlocked.
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(IndexError::plain(format!(
                        "another sinch-ticket has been changing the profiles for {} s (it holds \
                         {}): its keyring may be waiting to be unlocked; unlock it, or close \
                         that program, and retry",
                        LOCK_WAIT.as_secs(),
                        path.display()
                    )));
                }
                Err(fs::TryLockError::Error(err)) => {
                    return Err(IndexError::caused(
                        format!("could not lock {}: {err}", path.display()),
                        err,
                    ));
                }
            }
        }
    }

    /// Reads the file, at most [`MAX_INDEX_BYTES`] of it.
    fn read(&self) -> Result<Read, IndexError> {
        let path = self.path();
        let cannot_read = |err: std::io::Error| {
            IndexError::caused(
                format!(
                    "could not read the profile index {}: {err}; check the permissions of it and \
                 its folder",
                    path.display()
                ),
                err,
            )
        };
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Read::Missing),
            Err(err) => return Err(cannot_read(err)),
        };
        let mut text = Vec::new();
        file.take(MAX_INDEX_BYTES + 1)
            .read_to_end(&mut text)
            .map_err(cannot_read)?;
        if text.len() as u64 > MAX_INDEX_BYTES {
            return Err(IndexError::plain(format!(
                "the profile index {} is larger than {} MiB, so sinch-ticket did not write it: \
                 move it away; the profiles are still in the keyring, and `sinch-ticket profile \
                 attach NAME` brings each back",
                path.display(),
                MAX_INDEX_BYTES >> 20
            )));
        }
        Ok(match serde_json::from_slice::<Index>(&text) {
            Ok(index) => Read::Good(index),
            Err(err) => Read::Damaged(err),
        })
    }

    /// Reads the index for a change, under the lock: a damaged file is set aside here.
    fn read_for_change(&self) -> Result<Loaded, IndexError> {
        let err = match self.read()? {
            Read::Missing => return Ok(Loaded::default()),
            Read::Good(index) => {
                return Ok(Loaded {
                    index,
                    warning: None,
                });
            }
            Read::Damaged(err) => err,
        };
        let path = self.path();
        let aside = set_aside_path(&path);
        fs::rename(&path, &aside).map_err(|rename_err| {
            IndexError::caused(
                format!(
                    "the profile index {} is damaged ({err}) and could not be set aside \
                 ({rename_err}): move it away by hand",
                    path.display()
                ),
                rename_err,
            )
        })?;
        Ok(Loaded {
            index: Index::default(),
            warning: Some(format!(
                "the profile index was damaged ({err}); it was kept as {} and a new \
                 one started. Its profiles are still in the keyring: bring each back by its \
                 name",
                aside.display()
            )),
        })
    }
}

/// `profiles.json` -> `profiles.json.damaged-20260102T030405`, never overwriting an earlier one.
fn set_aside_path(path: &Path) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
    let base = format!("{}.damaged-{stamp}", path.display());
    let mut candidate = PathBuf::from(&base);
    let mut n = 1;
    while candidate.exists() {
        candidate = PathBuf::from(format!("{base}-{n}"));
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_keeps_unknown_fields_out_of_the_way() {
        let dir = tempfile::tempdir().unwrap();
        let file = IndexFile::new(dir.path().join("nested"));
        assert_eq!(file.load().unwrap().index, Index::default());
        file.update(|index| {
            index.default = Some("sandbox".into());
            index.profiles.insert(
                "sandbox".into(),
                ProfileMeta {
                    key: "k".into(),
                    ..Default::default()
                },
            );
        })
        .unwrap();
        let loaded = file.load().unwrap();
        assert_eq!(loaded.index.default.as_deref(), Some("sandbox"));
        assert_eq!(loaded.index.profiles["sandbox"].key, "k");
        assert!(loaded.warning.is_none());
        // Files from a later version with more fields still load, and keep those fields
        // (and a credential kind this version does not know) through this version's writes.
        fs::write(
            file.path(),
            r#"{"default":null,"profiles":{"a":{"key":"k","credentials":["conversation","token"],"region":"eu"}},"theme":"dark"}"#,
        )
        .unwrap();
        assert!(file.load().unwrap().warning.is_none());
        file.update(|index| index.default = Some("a".into()))
            .unwrap();
        let written: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(file.path()).unwrap()).unwrap();
        assert_eq!(written["theme"], "dark");
        assert_eq!(written["profiles"]["a"]["region"], "eu");
        assert_eq!(
            written["profiles"]["a"]["credentials"],
            serde_json::json!(["conversation", "token"])
        );
    }

    #[test]
    fn a_damaged_index_is_set_aside_not_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let file = IndexFile::new(dir.path().to_owned());
        fs::write(file.path(), b"{ this is not json").unwrap();
        let loaded = file.load().unwrap();
        let warning = loaded.warning.unwrap();
        assert!(warning.contains("bring each back by its name"), "{warning}");
        assert!(
            !warning.contains("sinch-ticket"),
            "no face's advice: {warning}"
        );
        let kept: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".damaged-"))
            .collect();
        assert_eq!(kept.len(), 1);
        assert_eq!(fs::read(kept[0].path()).unwrap(), b"{ this is not json");
    }

    #[test]
    fn a_change_that_changes_nothing_writes_nothing_and_a_symlink_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles/profiles.json");
        fs::create_dir_all(real.parent().unwrap()).unwrap();
        fs::write(&real, r#"{"default":null,"profiles":{"a":{"key":"k"}}}"#).unwrap();
        let config = dir.path().join("config");
        fs::create_dir_all(&config).unwrap();
        std::os::unix::fs::symlink(&real, config.join(INDEX_FILE)).unwrap();
        let file = IndexFile::new(config.clone());

        let untouched = fs::metadata(&real).unwrap().modified().unwrap();
        let (found, _) = file
            .update(|index| index.profiles.contains_key("nobody"))
            .unwrap();
        assert!(!found);
        assert_eq!(
            fs::read_to_string(&real).unwrap(),
            r#"{"default":null,"profiles":{"a":{"key":"k"}}}"#
        );
        assert_eq!(fs::metadata(&real).unwrap().modified().unwrap(), untouched);

        file.update(|index| index.default = Some("a".into()))
            .unwrap();
        assert!(
            fs::symlink_metadata(config.join(INDEX_FILE))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(
            fs::read_to_string(&real)
                .unwrap()
                .contains(r#""default": "a""#)
        );
    }

    #[test]
    fn a_failed_change_writes_nothing_and_an_unwritable_folder_fails_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = IndexFile::new(dir.path().to_owned());
        let result: Result<((), _), IndexError> = file.try_update(|index| {
            index.default = Some("x".into());
            Err(IndexError::plain("no"))
        });
        assert!(result.is_err());
        assert!(!file.path().exists());

        // A file where the folder should be: the change itself never runs.
        let blocked = IndexFile::new(dir.path().join("profiles.json.d"));
        fs::write(dir.path().join("profiles.json.d"), b"").unwrap();
        let mut ran = false;
        let result = blocked.try_update(|_| {
            ran = true;
            Ok::<(), IndexError>(())
        });
        assert!(result.is_err());
        assert!(!ran);
    }

    #[test]
    fn an_endless_index_is_refused_with_a_bounded_read() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join(INDEX_FILE)).unwrap();
        let err = IndexFile::new(dir.path().to_owned()).load().unwrap_err();
        assert!(err.to_string().contains("larger than 1 MiB"), "{err}");
    }

    #[test]
    fn concurrent_writers_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let file = IndexFile::new(dir.path().to_owned());
                std::thread::spawn(move || {
                    for j in 0..10 {
                        file.update(|index| {
                            index
                                .profiles
                                .insert(format!("p{i}-{j}"), ProfileMeta::default());
                        })
                        .unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let index = IndexFile::new(dir.path().to_owned()).load().unwrap().index;
        assert_eq!(index.profiles.len(), 80);
    }
}
