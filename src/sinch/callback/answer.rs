//! A server's answer to a callback, checked as Sinch reads it (SVAML, allow/deny, any 2xx),
//! and the verdict on a triggered callback.

use serde_json::{Map, Value};

use super::{Event, Expects, Forgery, ForgeryOutcome, Product};
use crate::sinch::webhook::Scheme;

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
    let redirect = if (300..400).contains(&status) {
        " (a redirect: Sinch does not follow it, the callback must be answered where it was sent)"
    } else {
        ""
    };
    if event.expects() == Expects::Mailgun {
        match status {
            200 => {}
            406 => check.problems.push(
                "the server answered HTTP 406: Mailgun takes that as a refusal and never sends \
                 this webhook again"
                    .into(),
            ),
            _ => check.problems.push(format!(
                "the server answered HTTP {status}{redirect}: Mailgun takes only 200 as done \
                 (and 406 as a refusal) and retries anything else for up to 8 hours"
            )),
        }
        return check;
    }
    if !(200..300).contains(&status) {
        let retried = match event.product() {
            Product::Sms if status == 429 || status >= 500 => {
                "; SMS retries it after 5 s, 10 s, 20 s, doubling each time"
            }
            Product::Sms => "; SMS does not retry a 4xx other than 429: the callback is lost",
            _ => "",
        };
        check.problems.push(format!(
            "the server answered HTTP {status}{redirect}: Sinch needs a 2xx{}{retried}",
            match event.expects() {
                Expects::Svaml => " with SVAML, or the call fails",
                _ => "",
            }
        ));
        return check;
    }
    match event.expects() {
        Expects::AnyBody | Expects::Mailgun => {}
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
                "the answer is empty: {} needs SVAML, e.g. {{\"action\":{{\"name\":\"hangup\"}}}}",
                with_article(&event.name().to_ascii_uppercase())
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
    match svaml.get("action") {
        None => check.problems.push(format!(
            "the SVAML has no \"action\": each answer to {} holds exactly one",
            with_article(&event.name().to_ascii_uppercase())
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
    let named = with_article(&event.name().to_ascii_uppercase());
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
                "the action \"{name}\" cannot answer {named} (names are case-sensitive): use one of {}",
                event.actions().join(", ")
            )
        } else {
            format!(
                "\"{name}\" is not a SVAML action: {named} takes {}",
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
            "instruction {n}, \"{name}\", cannot answer {}: it takes {}",
            with_article(&event.name().to_ascii_uppercase()),
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
/// forged callback (a bad or missing signature, a stale timestamp) passes when the server
/// refuses it; a genuine one when Sinch could use the answer.
pub fn judge_trigger(
    event: Event,
    sent: &Value,
    forgery: Forgery,
    status: u16,
    body: &[u8],
) -> TriggerVerdict {
    if forgery.is_forged() {
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

/// Judges a replay: the same `event` sent twice, answered `first` then `second`. It passes
/// when the server took the first and refused the second.
pub fn judge_replay(event: Event, first: u16, second: u16) -> TriggerVerdict {
    let what = if event.product().scheme() == Some(Scheme::Mailgun) {
        "token"
    } else {
        "nonce"
    };
    let took_first = if event.expects() == Expects::Mailgun {
        first == 200
    } else {
        (200..300).contains(&first)
    };
    let verdict = |passed: bool, summary: String| TriggerVerdict {
        passed,
        summary,
        problems: Vec::new(),
        notes: Vec::new(),
    };
    if !took_first {
        return verdict(
            false,
            format!(
                "your server did not take the first, genuine send (HTTP {first}), so the \
                 replay proves nothing: make it answer a genuine {} first",
                event.title()
            ),
        );
    }
    match ForgeryOutcome::of_status(second) {
        ForgeryOutcome::Rejected => verdict(
            true,
            format!(
                "your server took the callback once (HTTP {first}) and refused it sent again \
                 with the same {what} (HTTP {second}), as it should"
            ),
        ),
        ForgeryOutcome::Accepted => verdict(
            false,
            format!(
                "your server accepted the same callback twice (HTTP {first}, then {second}): \
                 remember each {what} for as long as its timestamp is accepted, and refuse \
                 one seen before"
            ),
        ),
        ForgeryOutcome::Unclear => verdict(
            false,
            format!(
                "your server answered HTTP {second} to the callback sent again with the same \
                 {what}: refuse it with a 4xx instead"
            ),
        ),
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

/// An event's name with its article as it is said: "an ICE", "an ACE", "a DICE", "a PIE".
fn with_article(name: &str) -> String {
    let vowel = name
        .chars()
        .next()
        .is_some_and(|c| "AEIOU".contains(c.to_ascii_uppercase()));
    format!("{} {name}", if vowel { "an" } else { "a" })
}
