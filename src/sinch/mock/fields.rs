//! Reading a call's JSON body field by field, so that a malformed body gets a 400 that names
//! the field, as Sinch's APIs do.

use serde_json::{Map, Value};

/// A request body read as a JSON object.
pub struct Fields(pub Map<String, Value>);

/// What is wrong with a body, in a sentence naming the field.
pub type Wrong = String;

impl Fields {
    /// The body as an object; an empty body is an empty object when `empty_ok`.
    pub fn of(body: &[u8], empty_ok: bool) -> Result<Self, Wrong> {
        if empty_ok && body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(Map::new()));
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            Ok(_) => Err("the body is JSON, but not an object".into()),
            Err(err) => Err(format!(
                "the body is not JSON: {} at line {}, column {}",
                match err.classify() {
                    serde_json::error::Category::Eof => "it ends too early",
                    _ => "unexpected text",
                },
                err.line(),
                err.column()
            )),
        }
    }

    /// The value at a dotted `path` (`identity.endpoint`).
    pub fn at(&self, path: &str) -> Option<&Value> {
        let mut parts = path.split('.');
        let mut value = self.0.get(parts.next()?)?;
        for part in parts {
            value = value.get(part)?;
        }
        Some(value).filter(|v| !v.is_null())
    }

    /// A text field that must be there and not empty.
    pub fn text(&self, path: &str) -> Result<String, Wrong> {
        match self.at(path) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
            Some(Value::String(_)) => Err(format!("the field \"{path}\" is empty")),
            Some(_) => Err(format!("the field \"{path}\" must be a string")),
            None => Err(format!("the field \"{path}\" is required")),
        }
    }

    /// A text field that may be missing (but is text when there).
    pub fn optional_text(&self, path: &str) -> Result<Option<String>, Wrong> {
        match self.at(path) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("the field \"{path}\" must be a string")),
        }
    }

    /// A field that must be one of `allowed` (when there; `default` when not).
    pub fn one_of(
        &self,
        path: &str,
        allowed: &[&'static str],
        default: Option<&'static str>,
    ) -> Result<&'static str, Wrong> {
        let given = match (self.optional_text(path)?, default) {
            (Some(given), _) => given,
            (None, Some(default)) => return Ok(default),
            (None, None) => return Err(format!("the field \"{path}\" is required")),
        };
        allowed
            .iter()
            .find(|a| a.eq_ignore_ascii_case(&given))
            .copied()
            .ok_or_else(|| {
                format!(
                    "the field \"{path}\" is \"{}\": it must be one of {}",
                    crate::sinch::text::one_line(&given),
                    allowed.join(", ")
                )
            })
    }

    /// An object field that must be there.
    pub fn object(&self, path: &str) -> Result<&Map<String, Value>, Wrong> {
        match self.at(path) {
            Some(Value::Object(map)) => Ok(map),
            Some(_) => Err(format!("the field \"{path}\" must be an object")),
            None => Err(format!("the field \"{path}\" is required")),
        }
    }
}

/// The longest callback URL taken (Sinch's SMS API takes 2,048 characters).
pub const MAX_CALLBACK_URL: usize = 2048;

impl Fields {
    /// A callback URL field, when there: http or https, at most [`MAX_CALLBACK_URL`]
    /// characters, no white space or control character. Where it may point (plain http only
    /// to this machine) is checked when the callback is sent.
    pub fn callback_url(&self, path: &str) -> Result<Option<String>, Wrong> {
        let Some(url) = self.optional_text(path)? else {
            return Ok(None);
        };
        if url.len() > MAX_CALLBACK_URL {
            return Err(format!(
                "the field \"{path}\" is longer than {MAX_CALLBACK_URL} characters"
            ));
        }
        let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        if !matches!(scheme.as_deref(), Some("http" | "https"))
            || url.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(format!("the field \"{path}\" is not an http or https URL"));
        }
        Ok(Some(url))
    }
}

/// Whether `number` looks like an E.164 phone number (`+` optional, 5 to 15 digits).
pub fn is_phone_number(number: &str) -> bool {
    let digits = number.strip_prefix('+').unwrap_or(number);
    (5..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}
