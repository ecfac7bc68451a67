//! The non-secret profile index: names, keys, the default, and what was last used with each.
//!
//! It is a small JSON file in the config folder. Every change takes an exclusive lock on a
//! lock file beside it, reads the index, changes it, writes a temporary file and renames it
//! over the old one: the window and the command line can write at once without losing a
//! profile, and a crash never leaves a half-written index.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The index file's name inside the config folder.
pub const INDEX_FILE: &str = "profiles.json";
const LOCK_FILE: &str = "profiles.lock";

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
}

/// The whole index as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Index {
    /// The profile used when none is named.
    pub default: Option<String>,
    /// Every profile, by name.
    pub profiles: BTreeMap<String, ProfileMeta>,
}

/// Why the index could not be read or written.
#[derive(Debug)]
pub struct IndexError(pub String);

impl std::fmt::Display for IndexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An index as read, with a warning when a damaged file had to be set aside.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// What was read (empty when there was no file, or it was damaged).
    pub index: Index,
    /// Set when the file was damaged and renamed: says where it went and how to recover.
    pub warning: Option<String>,
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

    /// Reads the index under the lock. A damaged file is set aside (see [`Loaded::warning`]).
    pub fn load(&self) -> Result<Loaded, IndexError> {
        if !self.path().exists() {
            // Nothing saved yet: create nothing just to read nothing.
            return Ok(Loaded::default());
        }
        let _lock = self.lock()?;
        self.read_unlocked()
    }

    /// Changes the index under the lock and writes it atomically; returns what `change`
    /// returned, and the warning of a damaged file set aside on the way.
    pub fn update<T>(
        &self,
        change: impl FnOnce(&mut Index) -> T,
    ) -> Result<(T, Option<String>), IndexError> {
        let _lock = self.lock()?;
        let Loaded { mut index, warning } = self.read_unlocked()?;
        let result = change(&mut index);
        self.write_unlocked(&index)?;
        Ok((result, warning))
    }

    fn lock(&self) -> Result<File, IndexError> {
        if !self.dir.exists() {
            fs::create_dir_all(&self.dir).map_err(|err| {
                IndexError(format!(
                    "could not create the settings folder {}: {err}",
                    self.dir.display()
                ))
            })?;
        }
        let path = self.dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|err| IndexError(format!("could not open {}: {err}", path.display())))?;
        file.lock()
            .map_err(|err| IndexError(format!("could not lock {}: {err}", path.display())))?;
        Ok(file)
    }

    fn read_unlocked(&self) -> Result<Loaded, IndexError> {
        let path = self.path();
        let text = match fs::read(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Loaded::default()),
            Err(err) => {
                return Err(IndexError(format!(
                    "could not read the profile index {}: {err}; check its permissions",
                    path.display()
                )));
            }
        };
        match serde_json::from_slice::<Index>(&text) {
            Ok(index) => Ok(Loaded {
                index,
                warning: None,
            }),
            Err(err) => {
                let aside = set_aside_path(&path);
                fs::rename(&path, &aside).map_err(|rename_err| {
                    IndexError(format!(
                        "the profile index {} is damaged ({err}) and could not be set aside \
                         ({rename_err}): move it away by hand",
                        path.display()
                    ))
                })?;
                Ok(Loaded {
                    index: Index::default(),
                    warning: Some(format!(
                        "the profile index was damaged ({err}); it was kept as {} and a new \
                         one started. Profiles are still in the keyring: bring each back with \
                         `sinch-ticket profile attach NAME`",
                        aside.display()
                    )),
                })
            }
        }
    }

    fn write_unlocked(&self, index: &Index) -> Result<(), IndexError> {
        let path = self.path();
        let temp = self
            .dir
            .join(format!(".{INDEX_FILE}.{}.tmp", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut file = File::create(&temp)?;
            serde_json::to_writer_pretty(&mut file, index)?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            fs::rename(&temp, &path)
        };
        write().map_err(|err| {
            let _ = fs::remove_file(&temp);
            IndexError(format!(
                "could not save the profile index {}: {err}; check that the folder is writable",
                path.display()
            ))
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
        // Files from a later version with more fields still load.
        fs::write(
            file.path(),
            r#"{"default":null,"profiles":{},"theme":"dark"}"#,
        )
        .unwrap();
        assert!(file.load().unwrap().warning.is_none());
    }

    #[test]
    fn a_damaged_index_is_set_aside_not_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let file = IndexFile::new(dir.path().to_owned());
        fs::write(file.path(), b"{ this is not json").unwrap();
        let loaded = file.load().unwrap();
        let warning = loaded.warning.unwrap();
        assert!(warning.contains("profile attach"), "{warning}");
        let kept: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".damaged-"))
            .collect();
        assert_eq!(kept.len(), 1);
        assert_eq!(fs::read(kept[0].path()).unwrap(), b"{ this is not json");
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
