//! Realistic callback bodies, as Sinch's reference shows them, and `--set` edits of them.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::Event;
use crate::sinch::signing;

/// What a default body is made from.
#[derive(Debug, Clone, Copy)]
pub struct BodyInputs<'a> {
    /// The application key (the profile's): Sinch names it in every Voice event.
    pub application_key: &'a str,
    /// The call id, or the verification id (a fresh UUID for each trigger).
    pub id: &'a str,
    /// When the event happened.
    pub now: DateTime<Utc>,
}

/// A realistic body for `event`, as Sinch's reference shows one: a phone call from
/// +46700000000 to +46700000001 (Sinch's own example numbers), an SMS verification of
/// +46700000000, or a project product's webhook (`webhook_body.rs`).
pub fn default_body(event: Event, inputs: BodyInputs<'_>) -> Value {
    let BodyInputs {
        application_key: key,
        id,
        now,
    } = inputs;
    let timestamp = signing::timestamp(now);
    let caller = "+46700000000";
    let callee = json!({"type": "number", "endpoint": "+46700000001"});
    let rate = json!({"currencyId": "USD", "amount": 0.0144});
    match event {
        Event::Ice => json!({
            "event": "ice",
            "callid": id,
            "callResourceUrl": format!("https://calling-euc1.api.sinch.com/calling/v1/calls/id/{id}"),
            "timestamp": timestamp,
            "version": 1,
            "custom": "customData",
            "userRate": rate,
            "cli": caller,
            "to": callee,
            "domain": "pstn",
            "applicationKey": key,
            "originationType": "pstn",
            "rdnis": "",
            "callHeaders": [],
        }),
        Event::Ace => json!({
            "event": "ace",
            "callid": id,
            "timestamp": timestamp,
            "version": 1,
            "custom": "customData",
            "applicationKey": key,
        }),
        Event::Dice => json!({
            "event": "dice",
            "callid": id,
            "timestamp": timestamp,
            "reason": "CALLERHANGUP",
            "result": "ANSWERED",
            "version": 1,
            "custom": "customData",
            "debit": {"currencyId": "USD", "amount": 0.0288},
            "userRate": rate,
            "to": callee,
            "applicationKey": key,
            "duration": 120,
            "from": caller,
            "callHeaders": [],
        }),
        Event::Pie => json!({
            "event": "pie",
            "callid": id,
            "timestamp": timestamp,
            "menuResult": {"menuId": "main", "type": "return", "value": "1", "inputMethod": "dtmf"},
            "version": 1,
            "custom": "customData",
            "applicationKey": key,
        }),
        Event::Notify => json!({
            "event": "notify",
            "callid": id,
            "version": 1,
            "type": "recording_available",
            "custom": "customData",
            "destination": format!("https://example.com/recordings/{id}.mp3"),
        }),
        Event::VerificationRequest => json!({
            "id": id,
            "event": "VerificationRequestEvent",
            "method": "sms",
            "identity": {"type": "number", "endpoint": caller},
            "price": {"amount": 0.0453, "currencyId": "USD"},
            "rate": {"amount": 0.0, "currencyId": "USD"},
            "reference": "ref-0001",
            "custom": "customData",
            "acceptLanguage": ["en-US"],
        }),
        Event::VerificationResult => json!({
            "id": id,
            "event": "VerificationResultEvent",
            "method": "sms",
            "identity": {"type": "number", "endpoint": caller},
            "status": "SUCCESSFUL",
            "reference": "ref-0001",
            "source": "manual",
            "custom": "customData",
        }),
        webhook @ (Event::ConversationMessageInbound
        | Event::ConversationMessageDelivery
        | Event::ConversationEventInbound
        | Event::ConversationContactCreate
        | Event::SmsDeliveryReport
        | Event::SmsInbound
        | Event::NumbersProvisioning
        | Event::MailgunDelivered
        | Event::MailgunFailed) => {
            super::webhook_body::webhook_body(webhook, id, now).unwrap_or_default()
        }
    }
}

/// The most names a `--set` path may have: Sinch's bodies nest a few levels, and a body
/// nested thousands deep would overflow the stack of whatever reads it.
pub const MAX_PATH_DEPTH: usize = 32;

/// Why a field cannot be set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetPathError {
    /// More names than [`MAX_PATH_DEPTH`].
    #[error("a path of {0} names is deeper than any Sinch body: at most {MAX_PATH_DEPTH}")]
    TooDeep(usize),
    /// The path has an empty name.
    #[error("'{0}' is not a field path: write names with dots between them, e.g. to.endpoint")]
    NotAPath(String),
    /// A list named by something other than a number.
    #[error("{place} is a list: name an item by its number, e.g. {walked}.0")]
    ListIndex {
        /// Where, in words.
        place: String,
        /// The path up to the list.
        walked: String,
    },
    /// An item past the end of a list.
    #[error("{place} has {len} item(s): there is no item {index} to set")]
    NoItem {
        /// Where, in words.
        place: String,
        /// The list's length.
        len: usize,
        /// The item asked for.
        index: usize,
    },
    /// A path through something that is not an object.
    #[error("{place} is {kind}, not an object: '{path}' cannot be set inside it")]
    NotAnObject {
        /// Where, in words.
        place: String,
        /// What it is.
        kind: &'static str,
        /// The whole path.
        path: String,
    },
    /// A value that is not JSON for a field that is not text.
    #[error("'{path}' is {kind} in the body, and '{text}' is not valid JSON for it")]
    NotJson {
        /// The path.
        path: String,
        /// What the field is.
        kind: &'static str,
        /// The value given.
        text: String,
    },
}

/// Sets the field at `path` (dots between names, numbers for array items: `to.endpoint`,
/// `callHeaders.0.key`) to `value`, creating objects on the way.
///
/// The value keeps the type of the field it replaces: text for a text field (so that a phone
/// number stays text), JSON for a number, a boolean, an object or an array. A new field is
/// JSON when `value` is JSON (`3`, `true`, `{"a":1}`, `"quoted"`), text otherwise.
pub fn set_path(body: &mut Value, path: &str, value: &str) -> Result<(), SetPathError> {
    let names: Vec<&str> = path.split('.').collect();
    if names.iter().any(|n| n.trim().is_empty()) {
        return Err(SetPathError::NotAPath(path.to_owned()));
    }
    if names.len() > MAX_PATH_DEPTH {
        return Err(SetPathError::TooDeep(names.len()));
    }
    let mut here = body;
    let mut walked = String::new();
    for (i, name) in names.iter().enumerate() {
        let last = i + 1 == names.len();
        let place = if walked.is_empty() {
            "the body".to_owned()
        } else {
            format!("'{walked}'")
        };
        let slot = match here {
            Value::Object(map) => {
                if last {
                    let new = typed_like(map.get(*name), value, path)?;
                    map.insert((*name).to_owned(), new);
                    return Ok(());
                }
                map.entry((*name).to_owned())
                    .or_insert_with(|| Value::Object(Map::new()))
            }
            Value::Array(items) => {
                let index: usize = name.parse().map_err(|_| SetPathError::ListIndex {
                    place: place.clone(),
                    walked: walked.clone(),
                })?;
                let len = items.len();
                let Some(item) = items.get_mut(index) else {
                    return Err(SetPathError::NoItem { place, len, index });
                };
                if last {
                    *item = typed_like(Some(item), value, path)?;
                    return Ok(());
                }
                item
            }
            other => {
                return Err(SetPathError::NotAnObject {
                    place,
                    kind: kind_of(other),
                    path: path.to_owned(),
                });
            }
        };
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(name);
        here = slot;
    }
    Ok(())
}

fn typed_like(old: Option<&Value>, text: &str, path: &str) -> Result<Value, SetPathError> {
    match old {
        Some(Value::String(_)) => Ok(Value::String(text.to_owned())),
        Some(old) => serde_json::from_str(text).map_err(|_| SetPathError::NotJson {
            path: path.to_owned(),
            kind: kind_of(old),
            text: text.to_owned(),
        }),
        None => Ok(serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
