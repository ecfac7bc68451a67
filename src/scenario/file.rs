//! A scenario file, as written: `to = URL` and `[[step]]` tables.

use std::io::Read as _;
use std::path::Path;

use serde::Deserialize;

/// The largest scenario file read: far more than any hand-written scenario, and a bound on
/// what `scenario run /dev/zero` holds.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// A scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// The server's URL, unless the command line gives one.
    pub to: Option<String>,
    /// The steps, in order.
    #[serde(default)]
    pub step: Vec<StepFile>,
}

/// One step (or a group of steps, with `steps`), as written.
#[derive(Debug, Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct StepFile {
    /// Its name in the report (default: "step N").
    pub name: Option<String>,
    /// The event to send (`ice`, `sms-inbound`, …).
    pub trigger: Option<String>,
    /// What to send again instead.
    pub replay: Option<ReplayOf>,
    /// Body fields to set, by dotted path.
    #[serde(default)]
    pub set: toml::Table,
    /// A signature forgery.
    pub signature: Option<Signature>,
    /// A stale timestamp forgery: how old (`20m`).
    pub timestamp_age: Option<String>,
    /// How many times it is sent (default once).
    pub repeat: Option<u32>,
    /// How long to wait before it (`200ms`, `5s`).
    pub delay: Option<String>,
    /// What the server should do with it (default: accept it).
    pub expect: Option<Expect>,
    /// Retry as Sinch does on a 5xx, a 429 or no answer.
    pub retry: Option<Retry>,
    /// The order of a group's steps.
    pub order: Option<Order>,
    /// A group's steps.
    #[serde(default)]
    pub steps: Vec<StepFile>,
}

/// `signature = …`.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Signature {
    /// Signed as Sinch signs it.
    Valid,
    /// A wrong signature of the right shape.
    Bad,
    /// No signature at all.
    None,
}

/// `expect = …`.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Expect {
    /// Answered as Sinch needs.
    #[default]
    Accepted,
    /// Refused with a 4xx.
    Refused,
}

/// `retry = …`.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Retry {
    /// As Sinch retries the event's product.
    Sinch,
}

/// `order = …`.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Order {
    /// As written.
    #[default]
    InOrder,
    /// Last first.
    Reverse,
}

/// `replay = "last"` or `replay = ID`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayOf {
    /// The previous step's request, byte for byte.
    Last,
    /// A history record, signed afresh.
    Record(i64),
}

impl<'de> Deserialize<'de> for ReplayOf {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = ReplayOf;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("\"last\" (the previous step's request) or a history record's number")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<ReplayOf, E> {
                if text == "last" {
                    Ok(ReplayOf::Last)
                } else {
                    Err(E::invalid_value(serde::de::Unexpected::Str(text), &self))
                }
            }
            fn visit_i64<E: serde::de::Error>(self, id: i64) -> Result<ReplayOf, E> {
                Ok(ReplayOf::Record(id))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Why a scenario file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// It cannot be opened or read.
    #[error("{path} cannot be read: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// It is a folder, a pipe or a device, not a file.
    #[error("{path} is not a regular file: name the scenario's .toml file")]
    NotAFile {
        /// The path.
        path: String,
    },
    /// It is larger than [`MAX_FILE_BYTES`].
    #[error("{path} is larger than {} KiB: is it a scenario?", MAX_FILE_BYTES / 1024)]
    TooLarge {
        /// The file.
        path: String,
    },
    /// It is not a scenario.
    #[error("{path} is not a scenario: {why}")]
    NotScenario {
        /// The file.
        path: String,
        /// What the TOML reader says.
        why: String,
    },
}

/// Reads the scenario at `path`, at most [`MAX_FILE_BYTES`] of it.
pub fn read(path: &Path) -> Result<ScenarioFile, FileError> {
    let shown = path.display().to_string();
    let io = |source| FileError::Io {
        path: shown.clone(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // A named pipe is opened without waiting for a writer, then refused as no file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options.open(path).map_err(io)?;
    if !file.metadata().map_err(io)?.is_file() {
        return Err(FileError::NotAFile { path: shown });
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FileError::TooLarge { path: shown });
    }
    parse(&bytes).map_err(|why| FileError::NotScenario { path: shown, why })
}

/// A scenario from its bytes, or what is wrong with them.
pub fn parse(bytes: &[u8]) -> Result<ScenarioFile, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_owned())?;
    toml::from_str(text).map_err(|err| err.to_string())
}
