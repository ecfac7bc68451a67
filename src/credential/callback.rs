//! Sinch's callbacks, as a developer's server receives them: realistic event bodies to send
//! at it (`trigger`), the forgeries a careful server refuses, and the check of its answer as
//! Sinch reads it (SVAML for the Voice events that control a call, `allow`/`deny` for a
//! Verification request).
//!
//! The bodies and the rules follow Sinch's current reference:
//! - Voice callbacks: <https://developers.sinch.com/docs/voice/api-reference/voice/callbacks>
//!   (pages `ice`, `ace`, `dice`, `pie` and `notify`) and the same types in Sinch's Node SDK
//!   (`@sinch/voice`, `models/v1/mod-callbacks`);
//! - SVAML: <https://developers.sinch.com/docs/voice/api-reference/svaml> (which action and
//!   instruction each event takes), its `actions` and `instructions` pages (required fields);
//! - Verification callbacks:
//!   <https://developers.sinch.com/docs/verification/api-reference/verification/callbacks>
//!   and `@sinch/verification`'s `VerificationRequestEvent` and `VerificationResultEvent`.
//!
//! Like the rest of the core, everything here is a pure function: ids and the clock come in.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::AppSecret;
use super::request::{self, SignRequest, sign_request};

/// A callback event Sinch sends to an application's server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Event {
    /// Incoming Call Event: a call reaches Sinch; the answer (SVAML) says what to do.
    #[default]
    Ice,
    /// Answered Call Event: the callee answered; the answer (SVAML) says what happens next.
    Ace,
    /// Disconnected Call Event: the call ended; any 2xx.
    Dice,
    /// Prompt Input Event: the caller answered a menu; the answer (SVAML) goes on.
    Pie,
    /// Notify Event: a recording is ready, an error happened; any 2xx.
    Notify,
    /// Verification Request Event: the answer allows or denies the verification.
    VerificationRequest,
    /// Verification Result Event: how a verification ended; any 2xx.
    VerificationResult,
}

/// What Sinch reads in the server's answer to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expects {
    /// A SVAML object: exactly one action, and instructions, that this event takes.
    Svaml,
    /// `{"action": "allow"}` or `{"action": "deny"}`.
    AllowOrDeny,
    /// Any 2xx; the body is not read.
    AnyBody,
}

impl Event {
    /// Every event, in the order the faces list them.
    pub const ALL: [Event; 7] = [
        Event::Ice,
        Event::Ace,
        Event::Dice,
        Event::Pie,
        Event::Notify,
        Event::VerificationRequest,
        Event::VerificationResult,
    ];

    /// The name on the command line: `ice`, …, `verification-request`.
    pub fn name(self) -> &'static str {
        match self {
            Event::Ice => "ice",
            Event::Ace => "ace",
            Event::Dice => "dice",
            Event::Pie => "pie",
            Event::Notify => "notify",
            Event::VerificationRequest => "verification-request",
            Event::VerificationResult => "verification-result",
        }
    }

    /// The value of the body's `event` field, as Sinch sends it.
    pub fn wire_name(self) -> &'static str {
        match self {
            Event::VerificationRequest => "VerificationRequestEvent",
            Event::VerificationResult => "VerificationResultEvent",
            other => other.name(),
        }
    }

    /// What Sinch calls it.
    pub fn title(self) -> &'static str {
        match self {
            Event::Ice => "Incoming Call Event (Voice)",
            Event::Ace => "Answered Call Event (Voice)",
            Event::Dice => "Disconnected Call Event (Voice)",
            Event::Pie => "Prompt Input Event (Voice)",
            Event::Notify => "Notify Event (Voice)",
            Event::VerificationRequest => "Verification Request Event",
            Event::VerificationResult => "Verification Result Event",
        }
    }

    /// What Sinch reads in the answer.
    pub fn expects(self) -> Expects {
        match self {
            Event::Ice | Event::Ace | Event::Pie => Expects::Svaml,
            Event::VerificationRequest => Expects::AllowOrDeny,
            Event::Dice | Event::Notify | Event::VerificationResult => Expects::AnyBody,
        }
    }

    /// The event a command-line name, or a body's `event` value, names.
    pub fn from_name(name: &str) -> Option<Event> {
        let name = name.trim();
        Event::ALL
            .into_iter()
            .find(|e| e.name().eq_ignore_ascii_case(name) || e.wire_name() == name)
    }

    /// The event a received body says it is.
    pub fn of_body(body: &[u8]) -> Option<Event> {
        let value: Value = serde_json::from_slice(body).ok()?;
        Event::from_name(value.get("event")?.as_str()?)
    }

    /// The SVAML actions this event's answer may hold (empty: the answer is not SVAML).
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            Event::Ice => &[
                "hangup",
                "connectPstn",
                "connectMxp",
                "connectConf",
                "connectSip",
                "connectStream",
                "runMenu",
                "park",
            ],
            Event::Ace => &["hangup", "continue", "connectConf", "runMenu"],
            Event::Pie => &[
                "hangup",
                "continue",
                "connectPstn",
                "connectConf",
                "connectSip",
                "runMenu",
            ],
            _ => &[],
        }
    }

    /// The SVAML instructions this event's answer may hold.
    pub fn instructions(self) -> &'static [&'static str] {
        match self {
            Event::Ice => &[
                "playFiles",
                "say",
                "sendDtmf",
                "setCookie",
                "startRecording",
                "answer",
            ],
            Event::Ace => &["playFiles", "say", "setCookie", "startRecording"],
            Event::Pie => &[
                "playFiles",
                "say",
                "sendDtmf",
                "setCookie",
                "startRecording",
                "stopRecording",
            ],
            _ => &[],
        }
    }
}

impl std::fmt::Display for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

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
/// +46700000000 to +46700000001 (Sinch's own example numbers), or an SMS verification of
/// +46700000000.
pub fn default_body(event: Event, inputs: BodyInputs<'_>) -> Value {
    let BodyInputs {
        application_key: key,
        id,
        now,
    } = inputs;
    let timestamp = request::timestamp(now);
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
    }
}

/// Sets the field at `path` (dots between names, numbers for array items: `to.endpoint`,
/// `callHeaders.0.key`) to `value`, creating objects on the way.
///
/// The value keeps the type of the field it replaces: text for a text field (so that a phone
/// number stays text), JSON for a number, a boolean, an object or an array. A new field is
/// JSON when `value` is JSON (`3`, `true`, `{"a":1}`, `"quoted"`), text otherwise.
pub fn set_path(body: &mut Value, path: &str, value: &str) -> Result<(), String> {
    let names: Vec<&str> = path.split('.').collect();
    if names.iter().any(|n| n.trim().is_empty()) {
        return Err(format!(
            "'{path}' is not a field path: write names with dots between them, e.g. to.endpoint"
        ));
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
                let index: usize = name.parse().map_err(|_| {
                    format!("{place} is a list: name an item by its number, e.g. {walked}.0")
                })?;
                let len = items.len();
                let Some(item) = items.get_mut(index) else {
                    return Err(format!(
                        "{place} has {len} item(s): there is no item {index} to set"
                    ));
                };
                if last {
                    *item = typed_like(Some(item), value, path)?;
                    return Ok(());
                }
                item
            }
            other => {
                return Err(format!(
                    "{place} is {}, not an object: '{path}' cannot be set inside it",
                    kind_of(other)
                ));
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

fn typed_like(old: Option<&Value>, text: &str, path: &str) -> Result<Value, String> {
    match old {
        Some(Value::String(_)) => Ok(Value::String(text.to_owned())),
        Some(old) => serde_json::from_str(text).map_err(|_| {
            format!(
                "'{path}' is {} in the body, and '{text}' is not valid JSON for it",
                kind_of(old)
            )
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

/// How a triggered callback is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Signature {
    /// As Sinch signs it.
    #[default]
    Valid,
    /// A wrong signature of the right shape: a server must refuse it.
    Bad,
    /// No `Authorization` header at all: a server must refuse it.
    Missing,
}

/// A callback to send: what is signed and how.
#[derive(Debug, Clone, Copy)]
pub struct CallbackRequest<'a> {
    /// The path and query of the target URL, signed as written.
    pub resource: &'a str,
    /// The body bytes.
    pub body: &'a [u8],
    /// The `x-timestamp` to send.
    pub timestamp: &'a str,
    /// How to sign it.
    pub signature: Signature,
}

/// The Content-Type Sinch sends its callbacks with.
pub const CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// The headers of a callback as Sinch sends it (`POST`, JSON, `x-timestamp`, the
/// `Application` scheme), or forged as `request.signature` says.
pub fn sign_callback(
    key: &str,
    secret: &AppSecret,
    request: &CallbackRequest<'_>,
) -> Vec<(String, String)> {
    let mut signed = sign_request(
        key,
        secret,
        &SignRequest {
            method: "POST",
            resource: request.resource,
            content_type: Some(CONTENT_TYPE),
            body: request.body,
            timestamp: request.timestamp,
        },
    );
    if request.signature == Signature::Bad {
        signed.authorization = spoiled(&signed.authorization);
    }
    let mut headers = signed.headers();
    if request.signature == Signature::Missing {
        headers.retain(|(name, _)| !name.eq_ignore_ascii_case("authorization"));
    }
    headers
}

/// The same `Application KEY:SIGNATURE` with the signature's first byte changed: the right
/// shape and length, the wrong MAC.
fn spoiled(authorization: &str) -> String {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    let Some((head, signature)) = authorization.rsplit_once(':') else {
        return format!("{authorization}x");
    };
    let mut bytes = STANDARD.decode(signature).unwrap_or_default();
    match bytes.first_mut() {
        Some(first) => *first ^= 0x01,
        None => bytes.push(0),
    }
    format!("{head}:{}", STANDARD.encode(bytes))
}

/// What a server did with a forged callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForgeryOutcome {
    /// A 4xx: refused, as it should.
    Rejected,
    /// A 2xx: it acted on a callback anyone could have sent.
    Accepted,
    /// Something else (3xx, 5xx): neither a refusal nor an acceptance.
    Unclear,
}

impl ForgeryOutcome {
    /// Judges the status a server answered a forged callback with.
    pub fn of_status(status: u16) -> Self {
        match status {
            400..=499 => ForgeryOutcome::Rejected,
            200..=299 => ForgeryOutcome::Accepted,
            _ => ForgeryOutcome::Unclear,
        }
    }

    /// One sentence for the user.
    pub fn sentence(self, status: u16) -> String {
        match self {
            ForgeryOutcome::Rejected => {
                format!("your server rejected the forged callback (HTTP {status}), as it should")
            }
            ForgeryOutcome::Accepted => format!(
                "your server accepted a forged callback (HTTP {status}): verify the signature and \
                 the x-timestamp, and answer 401 when they do not hold"
            ),
            ForgeryOutcome::Unclear => format!(
                "your server answered HTTP {status} to a forged callback: refuse it with a 4xx \
                 (401 or 403) instead"
            ),
        }
    }
}

/// The check of a server's answer to an event, as Sinch would read it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct AnswerCheck {
    /// What Sinch could not use, one sentence each; empty: the answer is good.
    pub problems: Vec<String>,
    /// What is worth knowing but works.
    pub notes: Vec<String>,
}

impl AnswerCheck {
    /// Whether Sinch can use the answer.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks the answer `status` and `body` a server gave to `event`, whose body was `sent`.
pub fn check_answer(event: Event, sent: &Value, status: u16, body: &[u8]) -> AnswerCheck {
    let mut check = AnswerCheck::default();
    if !(200..300).contains(&status) {
        check.problems.push(format!(
            "the server answered HTTP {status}: Sinch needs a 2xx{}",
            match event.expects() {
                Expects::Svaml => " with SVAML, or the call fails",
                _ => "",
            }
        ));
        return check;
    }
    match event.expects() {
        Expects::AnyBody => {}
        Expects::AllowOrDeny => check_allow_or_deny(body, &mut check),
        Expects::Svaml => check_svaml(event, sent, body, &mut check),
    }
    check
}

fn check_allow_or_deny(body: &[u8], check: &mut AnswerCheck) {
    let Ok(answer) = serde_json::from_slice::<Value>(body) else {
        check.problems.push(
            "the answer is not JSON: Sinch reads {\"action\": \"allow\"} or {\"action\": \"deny\"}"
                .into(),
        );
        return;
    };
    match answer.get("action").and_then(Value::as_str) {
        Some(action) if action.eq_ignore_ascii_case("allow") => {}
        Some(action) if action.eq_ignore_ascii_case("deny") => check
            .notes
            .push("the server denies this verification".into()),
        Some(other) => check.problems.push(format!(
            "the action is \"{other}\": a verification request takes \"allow\" or \"deny\""
        )),
        None => check
            .problems
            .push("the answer has no \"action\": Sinch reads \"allow\" or \"deny\" from it".into()),
    }
}

fn check_svaml(event: Event, sent: &Value, body: &[u8], check: &mut AnswerCheck) {
    let svaml: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(_) if body.iter().all(u8::is_ascii_whitespace) => {
            check.problems.push(format!(
                "the answer is empty: an {} needs SVAML, e.g. {{\"action\":{{\"name\":\"hangup\"}}}}",
                event.name().to_ascii_uppercase()
            ));
            return;
        }
        Err(err) => {
            check.problems.push(format!(
                "the answer is not valid JSON ({err}): Sinch reads SVAML"
            ));
            return;
        }
    };
    let Some(svaml) = svaml.as_object() else {
        check
            .problems
            .push("the answer is JSON but not an object: SVAML is {\"action\": …}".into());
        return;
    };
    let upper = event.name().to_ascii_uppercase();
    match svaml.get("action") {
        None => check.problems.push(format!(
            "the SVAML has no \"action\": each answer to an {upper} holds exactly one"
        )),
        Some(Value::Object(action)) => check_action(event, sent, action, check),
        Some(_) => check
            .problems
            .push("\"action\" is not an object: write {\"name\": \"hangup\"} and the like".into()),
    }
    match svaml.get("instructions") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                match item.as_object() {
                    Some(instruction) => check_instruction(event, i, instruction, check),
                    None => check
                        .problems
                        .push(format!("instruction {} is not an object", i + 1)),
                }
            }
        }
        Some(_) => check
            .problems
            .push("\"instructions\" is not a list: write [{\"name\": \"say\", …}]".into()),
    }
    for name in svaml.keys() {
        if name != "action" && name != "instructions" {
            check
                .notes
                .push(format!("\"{name}\" is not part of SVAML: Sinch ignores it"));
        }
    }
}

fn name_of(object: &Map<String, Value>) -> Option<&str> {
    object.get("name").and_then(Value::as_str)
}

fn text_field(object: &Map<String, Value>, field: &str) -> bool {
    object
        .get(field)
        .and_then(Value::as_str)
        .is_some_and(|s| !s.trim().is_empty())
}

fn check_action(event: Event, sent: &Value, action: &Map<String, Value>, check: &mut AnswerCheck) {
    let upper = event.name().to_ascii_uppercase();
    let Some(name) = name_of(action) else {
        check
            .problems
            .push("the action has no \"name\": e.g. {\"name\": \"hangup\"}".into());
        return;
    };
    if !event.actions().contains(&name) {
        let known = Event::ALL
            .iter()
            .any(|e| e.actions().iter().any(|a| a.eq_ignore_ascii_case(name)));
        check.problems.push(if known {
            format!(
                "the action \"{name}\" cannot answer an {upper} (names are case-sensitive): use one of {}",
                event.actions().join(", ")
            )
        } else {
            format!(
                "\"{name}\" is not a SVAML action: an {upper} takes {}",
                event.actions().join(", ")
            )
        });
        return;
    }
    let mut need = |ok: bool, what: &str| {
        if !ok {
            check.problems.push(format!("{name} needs {what}"));
        }
    };
    match name {
        "connectPstn" => {
            // Sinch's types make `number` optional; as we read it, the call then goes to the
            // number that was dialled, which only an ICE of a call to a phone number has.
            let dialled_number = event == Event::Ice
                && sent
                    .pointer("/to/type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.eq_ignore_ascii_case("number"));
            if !text_field(action, "number") && !dialled_number {
                need(false, "a \"number\" to call (E.164, e.g. +46700000001)");
            }
        }
        "connectConf" => need(
            text_field(action, "conferenceId"),
            "a \"conferenceId\" (the conference to join)",
        ),
        "connectSip" | "connectStream" => need(
            action
                .get("destination")
                .and_then(Value::as_object)
                .is_some_and(|d| text_field(d, "endpoint")),
            "a \"destination\" with an \"endpoint\"",
        ),
        "runMenu" => check_menus(action, check),
        _ => {}
    }
}

fn check_menus(action: &Map<String, Value>, check: &mut AnswerCheck) {
    let Some(menus) = action.get("menus").and_then(Value::as_array) else {
        check
            .problems
            .push("runMenu needs \"menus\": a list of menus, each with an \"id\"".into());
        return;
    };
    let ids: Vec<&str> = menus
        .iter()
        .filter_map(|m| m.get("id").and_then(Value::as_str))
        .collect();
    if ids.len() != menus.len() {
        check
            .problems
            .push("runMenu: every menu needs an \"id\"".into());
    }
    let main = action
        .get("mainMenu")
        .and_then(Value::as_str)
        .unwrap_or("main");
    if !ids.contains(&main) {
        check.problems.push(format!(
            "runMenu starts with the menu \"{main}\", but no menu has that id"
        ));
    }
    for menu in menus {
        let id = menu.get("id").and_then(Value::as_str).unwrap_or("?");
        for option in menu
            .get("options")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let dtmf = option.get("dtmf").and_then(Value::as_str);
            let target = option.get("action").and_then(Value::as_str);
            match (dtmf, target) {
                (Some(_), Some(target)) => {
                    if let Some(next) = target
                        .strip_prefix("menu(")
                        .and_then(|t| t.strip_suffix(')'))
                        && !ids.contains(&next)
                    {
                        check.problems.push(format!(
                            "runMenu: an option of menu \"{id}\" goes to menu \"{next}\", which does not exist"
                        ));
                    } else if !target.starts_with("menu(") && !target.starts_with("return") {
                        check.problems.push(format!(
                            "runMenu: the option action \"{target}\" of menu \"{id}\" is neither menu(ID) nor return(VALUE)"
                        ));
                    }
                }
                _ => check.problems.push(format!(
                    "runMenu: an option of menu \"{id}\" needs \"dtmf\" and \"action\""
                )),
            }
        }
    }
}

fn check_instruction(
    event: Event,
    index: usize,
    instruction: &Map<String, Value>,
    check: &mut AnswerCheck,
) {
    let n = index + 1;
    let Some(name) = name_of(instruction) else {
        check
            .problems
            .push(format!("instruction {n} has no \"name\""));
        return;
    };
    if !event.instructions().contains(&name) {
        check.problems.push(format!(
            "instruction {n}, \"{name}\", cannot answer an {}: it takes {}",
            event.name().to_ascii_uppercase(),
            event.instructions().join(", ")
        ));
        return;
    }
    let missing = match name {
        "playFiles" => (!instruction
            .get("ids")
            .and_then(Value::as_array)
            .is_some_and(|ids| !ids.is_empty() && ids.iter().all(Value::is_string)))
        .then_some("\"ids\": a list of files, #tts[…] or #ssml[…] texts"),
        "say" => (!text_field(instruction, "text")).then_some("a \"text\" to speak"),
        "sendDtmf" => (!text_field(instruction, "value")).then_some("a \"value\" (the tones)"),
        "setCookie" => (!(text_field(instruction, "key") && instruction.contains_key("value")))
            .then_some("a \"key\" and a \"value\""),
        "startRecording" => instruction
            .get("options")
            .is_some_and(|o| {
                !(o.get("destinationUrl").is_some_and(Value::is_string)
                    && o.get("credentials").is_some_and(Value::is_string))
            })
            .then_some("\"options\" with \"destinationUrl\" and \"credentials\""),
        _ => None,
    };
    if let Some(what) = missing {
        check
            .problems
            .push(format!("instruction {n}, {name}, needs {what}"));
    }
}

/// The verdict on a triggered callback: did the server answer as Sinch needs (or, for a
/// forgery, refuse it)?
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TriggerVerdict {
    /// Whether the server did what it should.
    pub passed: bool,
    /// One sentence for the user.
    pub summary: String,
    /// What Sinch could not use in the answer.
    pub problems: Vec<String>,
    /// What is worth knowing.
    pub notes: Vec<String>,
}

/// Judges the answer (`status`, `body`) to a triggered `event` whose body was `sent`. A
/// `forged` callback (a bad or missing signature, a stale timestamp) passes when the server
/// refuses it; a genuine one when Sinch could use the answer.
pub fn judge_trigger(
    event: Event,
    sent: &Value,
    forged: bool,
    status: u16,
    body: &[u8],
) -> TriggerVerdict {
    if forged {
        let outcome = ForgeryOutcome::of_status(status);
        return TriggerVerdict {
            passed: outcome == ForgeryOutcome::Rejected,
            summary: outcome.sentence(status),
            problems: Vec::new(),
            notes: Vec::new(),
        };
    }
    let check = check_answer(event, sent, status, body);
    TriggerVerdict {
        passed: check.ok(),
        summary: if check.ok() {
            format!("Sinch can use this answer to the {}.", event.title())
        } else {
            format!("Sinch could not use this answer to the {}:", event.title())
        },
        problems: check.problems,
        notes: check.notes,
    }
}

/// What `listen` answers a callback it verified when there is no app to forward to: the
/// least Sinch accepts (hang up an incoming call, let an answered one go on, deny a
/// verification), so that a real call through the listener ends cleanly.
pub fn stand_in_answer(event: Option<Event>) -> &'static str {
    match event {
        Some(Event::Ice) => r#"{"action":{"name":"hangup"}}"#,
        Some(Event::Ace | Event::Pie) => r#"{"action":{"name":"continue"}}"#,
        Some(Event::VerificationRequest) => r#"{"action":"deny"}"#,
        _ => "",
    }
}

#[cfg(test)]
mod tests;
