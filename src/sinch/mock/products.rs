//! Each operation's answer, in the shape Sinch's SDKs parse, the state it keeps, and the
//! callbacks Sinch would send after it.

use std::time::Duration;

use chrono::{DateTime, Months, Utc};
use serde_json::{Value, json};

use super::fields::{Fields, is_phone_number};
use super::reply::{Failure, Reply};
use super::route::Route;
use super::{
    Books, Delivered, Desk, Follow, Ids, Outcome, Planned, time_text, ulid_text, uuid_text,
};
use crate::sinch::callback::{Event, check_answer};

/// What an operation is answered from.
pub struct Asked<'a> {
    pub desk: &'a Desk,
    pub account: usize,
    pub request: &'a crate::sinch::signing::RawRequest,
    pub now: DateTime<Utc>,
    pub ids: &'a mut dyn Ids,
    pub callbacks: Vec<Planned>,
}

type Answer = Result<Reply, (Failure, String)>;

fn bad(message: impl Into<String>) -> (Failure, String) {
    (Failure::BadRequest, message.into())
}

fn missing(what: &str, id: &str) -> (Failure, String) {
    (
        Failure::NotFound,
        format!(
            "no {what} {} (the mock keeps what was made while it runs)",
            crate::sinch::text::one_line(id)
        ),
    )
}

impl Asked<'_> {
    fn fields(&self, empty_ok: bool) -> Result<Fields, (Failure, String)> {
        Fields::of(&self.request.body, empty_ok).map_err(bad)
    }

    fn query(&self, name: &str) -> Option<String> {
        super::route::query_value(super::route::split_target(&self.request.target).1, name)
    }

    fn plan(
        &mut self,
        event: Event,
        url: Option<String>,
        body: Value,
        after: Duration,
        follow: Follow,
    ) {
        self.callbacks.push(Planned {
            event,
            kind: super::body_kind(&body),
            account: self.account,
            url,
            body: serde_json::to_vec(&body).unwrap_or_default(),
            after,
            follow,
        });
    }

    fn application_key(&self) -> String {
        self.desk.accounts()[self.account]
            .application
            .as_ref()
            .map(|a| a.key.clone())
            .unwrap_or_default()
    }
}

/// Answers `route`.
pub fn answer(state: &mut Books, route: &Route, asked: &mut Asked<'_>) -> Answer {
    use Route as R;
    match route {
        R::Token => Err(bad("the token endpoint is answered before the state")),
        R::SmsSend { .. } => sms_send(state, asked),
        R::SmsList { .. } => Ok(sms_list(state, asked)),
        R::SmsGet { batch, .. } => state
            .batches
            .get(batch)
            .map(|b| Reply::json(200, &b.shown()))
            .ok_or_else(|| missing("batch", batch)),
        R::SmsCancel { batch, .. } => {
            let now = asked.now;
            let b = state
                .batches
                .get_mut(batch)
                .ok_or_else(|| missing("batch", batch))?;
            b.value["canceled"] = json!(true);
            b.value["modified_at"] = json!(time_text(now));
            Ok(Reply::json(200, &b.shown()))
        }
        R::SmsReport { batch, .. } => {
            let b = state
                .batches
                .get(batch)
                .ok_or_else(|| missing("batch", batch))?;
            let full = asked.query("type").is_some_and(|t| t == "full");
            Ok(Reply::json(200, &b.summary(full)))
        }
        R::SmsRecipientReport {
            batch, recipient, ..
        } => {
            let b = state
                .batches
                .get(batch)
                .ok_or_else(|| missing("batch", batch))?;
            b.recipient_report(recipient, asked.now)
                .map(|v| Reply::json(200, &v))
                .ok_or_else(|| missing("recipient in this batch:", recipient))
        }
        R::ConversationSend { project } => conversation_send(state, project, asked),
        R::ConversationGet { id, .. } => state
            .messages
            .get(id)
            .map(|m| Reply::json(200, &m.value))
            .ok_or_else(|| missing("message", id)),
        R::ConversationList { .. } => {
            let messages: Vec<&Value> = state
                .messages
                .newest_first()
                .map(|m| &m.value)
                .take(page_size(asked, 10))
                .collect();
            Ok(Reply::json(
                200,
                &json!({"messages": messages, "next_page_token": "", "total_size": state.messages.len()}),
            ))
        }
        R::NumbersAvailable { .. } => numbers_available(state, asked),
        R::NumbersRent { project, number } => numbers_rent(state, project, number, asked),
        R::NumbersActive { .. } => {
            let region = asked.query("regionCode");
            let kind = asked.query("type");
            let list: Vec<&Value> = state
                .numbers
                .newest_first()
                .map(|n| &n.value)
                .filter(|v| region.as_deref().is_none_or(|r| v["regionCode"] == r))
                .filter(|v| kind.as_deref().is_none_or(|t| v["type"] == t))
                .take(page_size(asked, 1000))
                .collect();
            Ok(Reply::json(
                200,
                &json!({"activeNumbers": list, "nextPageToken": "", "totalSize": list.len()}),
            ))
        }
        R::NumbersActiveGet { number, .. } => state
            .numbers
            .get(&normal_number(number))
            .map(|n| Reply::json(200, &n.value))
            .ok_or_else(|| missing("active number", number)),
        R::Callout => callout(state, asked),
        R::CallGet { id } => state
            .calls
            .get(id)
            .map(|c| Reply::json(200, &c.value))
            .ok_or_else(|| missing("call", id)),
        R::CallUpdate { id } => call_update(state, id, asked),
        R::ConferenceGet { id } => {
            let calls = state
                .conferences
                .get(id)
                .ok_or_else(|| missing("conference", id))?;
            let participants: Vec<Value> = calls
                .iter()
                .filter_map(|c| state.calls.get(c))
                .map(|c| json!({"cli": c.value["from"]["endpoint"], "id": c.value["callId"], "duration": 0, "muted": c.muted, "onhold": c.on_hold}))
                .collect();
            Ok(Reply::json(200, &json!({"participants": participants})))
        }
        R::ConferenceKick { id } => {
            let calls = state
                .conferences
                .get_mut(id)
                .ok_or_else(|| missing("conference", id))?;
            calls.clear();
            Ok(Reply::empty(204))
        }
        R::ConferenceParticipantUpdate { id, call } => {
            let fields = asked.fields(false)?;
            let command = fields
                .one_of("command", &["mute", "unmute", "onhold", "resume"], None)
                .map_err(bad)?;
            let calls = state
                .conferences
                .get(id)
                .ok_or_else(|| missing("conference", id))?;
            if !calls.contains(call) {
                return Err(missing("participant in this conference:", call));
            }
            if let Some(c) = state.calls.get_mut(call) {
                match command {
                    "mute" => c.muted = true,
                    "unmute" => c.muted = false,
                    "onhold" => c.on_hold = true,
                    _ => c.on_hold = false,
                }
            }
            Ok(Reply::empty(204))
        }
        R::ConferenceParticipantKick { id, call } => {
            let calls = state
                .conferences
                .get_mut(id)
                .ok_or_else(|| missing("conference", id))?;
            let before = calls.len();
            calls.retain(|c| c != call);
            if calls.len() == before {
                return Err(missing("participant in this conference:", call));
            }
            Ok(Reply::empty(204))
        }
        R::VerificationStart => verification_start(state, asked),
        R::VerificationReport { id } => verification_report(state, id.clone(), asked),
        R::VerificationReportByIdentity { endpoint } => {
            let id = state
                .verifications
                .newest_first()
                .find(|v| v.endpoint == normal_number(endpoint) && v.status == "PENDING")
                .map(|v| v.id.clone())
                .ok_or_else(|| missing("pending verification of", endpoint))?;
            verification_report(state, id, asked)
        }
        R::VerificationGet { id } => state
            .verifications
            .get(id)
            .map(|v| Reply::json(200, &v.shown()))
            .ok_or_else(|| missing("verification", id)),
        R::VerificationGetByIdentity { method, endpoint } => state
            .verifications
            .newest_first()
            .find(|v| {
                v.endpoint == normal_number(endpoint) && v.method.eq_ignore_ascii_case(method)
            })
            .map(|v| Reply::json(200, &v.shown()))
            .ok_or_else(|| missing("verification of", endpoint)),
    }
}

fn page_size(asked: &Asked<'_>, default: usize) -> usize {
    asked
        .query("page_size")
        .or_else(|| asked.query("pageSize"))
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(default)
        .clamp(1, 1000)
}

/// A number as the mock keys it: `+` and digits.
fn normal_number(number: &str) -> String {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    format!("+{digits}")
}

// ---- SMS ----

/// An SMS batch: its answer, and the status of each recipient.
#[derive(Debug)]
pub struct Batch {
    pub value: Value,
    pub recipients: Vec<(String, Outcome)>,
}

fn sms_status(outcome: Outcome) -> (u16, &'static str) {
    match outcome {
        Outcome::Succeeds => (0, "Delivered"),
        Outcome::Fails => (402, "Failed"),
        Outcome::Pending => (401, "Dispatched"),
    }
}

impl Batch {
    fn shown(&self) -> Value {
        self.value.clone()
    }

    fn summary(&self, full: bool) -> Value {
        let mut statuses: Vec<Value> = Vec::new();
        for outcome in [Outcome::Succeeds, Outcome::Fails, Outcome::Pending] {
            let recipients: Vec<&str> = self
                .recipients
                .iter()
                .filter(|(_, o)| *o == outcome)
                .map(|(r, _)| r.as_str())
                .collect();
            if recipients.is_empty() {
                continue;
            }
            let (code, status) = sms_status(outcome);
            let mut entry = json!({"code": code, "status": status, "count": recipients.len()});
            if full {
                entry["recipients"] = json!(recipients);
            }
            statuses.push(entry);
        }
        let mut report = json!({
            "type": "delivery_report_sms",
            "batch_id": self.value["id"],
            "total_message_count": self.recipients.len(),
            "statuses": statuses,
        });
        if let Some(reference) = self.value.get("client_reference") {
            report["client_reference"] = reference.clone();
        }
        report
    }

    fn recipient_report(&self, recipient: &str, now: DateTime<Utc>) -> Option<Value> {
        let wanted = normal_number(recipient);
        let (number, outcome) = self
            .recipients
            .iter()
            .find(|(r, _)| normal_number(r) == wanted)?;
        let (code, status) = sms_status(*outcome);
        let mut report = json!({
            "type": "recipient_delivery_report_sms",
            "batch_id": self.value["id"],
            "recipient": number,
            "code": code,
            "status": status,
            "at": time_text(now),
            "operator_status_at": time_text(now),
        });
        if let Some(reference) = self.value.get("client_reference") {
            report["client_reference"] = reference.clone();
        }
        Some(report)
    }
}

fn sms_send(state: &mut Books, asked: &mut Asked<'_>) -> Answer {
    let fields = asked.fields(false)?;
    let kind = fields
        .one_of("type", &["mt_text"], Some("mt_text"))
        .map_err(|e| bad(format!("{e} (the mock sends text batches only)")))?;
    let to: Vec<String> = match fields.at("to") {
        Some(Value::Array(list)) if !list.is_empty() && list.len() <= 1000 => list
            .iter()
            .map(|v| v.as_str().filter(|s| is_phone_number(s)).map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or_else(|| {
                bad("the field \"to\" must list phone numbers (E.164, e.g. +46700000000)")
            })?,
        Some(Value::Array(list)) if list.is_empty() => {
            return Err(bad("the field \"to\" is empty"));
        }
        Some(Value::Array(_)) => {
            return Err(bad("the field \"to\" lists more than 1,000 recipients"));
        }
        Some(_) => return Err(bad("the field \"to\" must be a list of phone numbers")),
        None => return Err(bad("the field \"to\" is required")),
    };
    let text = fields.text("body").map_err(bad)?;
    let from = fields.optional_text("from").map_err(bad)?;
    let report = fields
        .one_of(
            "delivery_report",
            &[
                "none",
                "summary",
                "full",
                "per_recipient",
                "per_recipient_final",
            ],
            Some("none"),
        )
        .map_err(bad)?;
    let callback_url = fields.callback_url("callback_url").map_err(bad)?;
    let reference = fields.optional_text("client_reference").map_err(bad)?;
    let now = asked.now;
    let id = ulid_text(asked.ids.next());
    let mut value = json!({
        "id": id,
        "to": to,
        "from": from.clone().unwrap_or_default(),
        "canceled": false,
        "body": text,
        "type": kind,
        "created_at": time_text(now),
        "modified_at": time_text(now),
        "delivery_report": report,
        "send_at": time_text(now),
        "expire_at": time_text(now + chrono::Duration::days(3)),
        "flash_message": false,
        "feedback_enabled": false,
    });
    if let Some(url) = &callback_url {
        value["callback_url"] = json!(url);
    }
    if let Some(reference) = &reference {
        value["client_reference"] = json!(reference);
    }
    let batch = Batch {
        recipients: to.iter().map(|r| (r.clone(), Outcome::of(r))).collect(),
        value,
    };
    match report {
        "per_recipient" | "per_recipient_final" => {
            for (recipient, outcome) in &batch.recipients {
                if report == "per_recipient_final" && *outcome == Outcome::Pending {
                    continue;
                }
                if let Some(body) = batch.recipient_report(recipient, now) {
                    asked.plan(
                        Event::SmsDeliveryReport,
                        callback_url.clone(),
                        body,
                        Duration::from_secs(1),
                        Follow::Nothing,
                    );
                }
            }
        }
        "summary" | "full" => {
            let body = batch.summary(report == "full");
            asked.plan(
                Event::SmsDeliveryReport,
                callback_url.clone(),
                body,
                Duration::from_secs(1),
                Follow::Nothing,
            );
        }
        _ => {}
    }
    let shown = batch.shown();
    let weight = super::weight_of(&batch.value) + batch.recipients.len() * 64;
    state.batches.insert(id, batch, weight);
    Ok(Reply::json(201, &shown))
}

fn sms_list(state: &Books, asked: &Asked<'_>) -> Reply {
    let size = page_size(asked, 30).min(100);
    let page = asked
        .query("page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(0);
    let batches: Vec<Value> = state
        .batches
        .newest_first()
        .skip(page.saturating_mul(size))
        .take(size)
        .map(Batch::shown)
        .collect();
    Reply::json(
        200,
        &json!({"count": state.batches.len(), "page": page, "page_size": batches.len(), "batches": batches}),
    )
}

// ---- Conversation ----

/// A Conversation message sent.
#[derive(Debug)]
pub struct Message {
    pub value: Value,
}

fn conversation_send(state: &mut Books, project: &str, asked: &mut Asked<'_>) -> Answer {
    let fields = asked.fields(false)?;
    let app_id = fields.text("app_id").map_err(bad)?;
    fields.object("recipient").map_err(bad)?;
    let (channel, identity, contact) = if let Some(contact) =
        fields.optional_text("recipient.contact_id").map_err(bad)?
    {
        ("SMS".to_owned(), contact.clone(), contact)
    } else {
        let list = match fields.at("recipient.identified_by.channel_identities") {
            Some(Value::Array(list)) if !list.is_empty() => list,
            _ => {
                return Err(bad(
                    "the field \"recipient\" needs \"contact_id\" or \"identified_by.channel_identities\" (a non-empty list)",
                ));
            }
        };
        let first = &list[0];
        let channel = first["channel"].as_str().unwrap_or_default();
        let identity = first["identity"].as_str().unwrap_or_default();
        if channel.is_empty() || identity.is_empty() {
            return Err(bad(
                "each of \"recipient.identified_by.channel_identities\" needs \"channel\" and \"identity\"",
            ));
        }
        (channel.to_owned(), identity.to_owned(), String::new())
    };
    let message = fields.object("message").map_err(bad)?;
    if message.is_empty() {
        return Err(bad(
            "the field \"message\" is empty: give e.g. {\"text_message\": {\"text\": \"Hi\"}}",
        ));
    }
    let callback_url = fields.callback_url("callback_url").map_err(bad)?;
    let now = asked.now;
    let id = ulid_text(asked.ids.next());
    let conversation = ulid_text(asked.ids.next());
    let contact = if contact.is_empty() {
        ulid_text(asked.ids.next())
    } else {
        contact
    };
    let channel_identity = json!({"channel": channel, "identity": identity, "app_id": app_id});
    let value = json!({
        "id": id,
        "direction": "TO_CONTACT",
        "app_message": message,
        "channel_identity": channel_identity,
        "conversation_id": conversation,
        "contact_id": contact,
        "metadata": "",
        "accept_time": time_text(now),
        "sender_id": "",
        "processing_mode": "CONVERSATION",
        "injected": false,
    });
    let weight = super::weight_of(&value);
    state.messages.insert(id.clone(), Message { value }, weight);
    let statuses: &[&str] = match Outcome::of(&identity) {
        Outcome::Succeeds => &["QUEUED_ON_CHANNEL", "DELIVERED"],
        Outcome::Fails => &["FAILED"],
        Outcome::Pending => &["QUEUED_ON_CHANNEL"],
    };
    for (n, status) in statuses.iter().enumerate() {
        let mut report = json!({
            "message_id": id,
            "conversation_id": conversation,
            "status": status,
            "channel_identity": channel_identity,
            "contact_id": contact,
            "metadata": "",
            "processing_mode": "CONVERSATION",
        });
        if *status == "FAILED" {
            report["reason"] = json!({"code": "RECIPIENT_NOT_REACHABLE", "description": "The recipient is not reachable (sinch-ticket mock: numbers ending 0001 fail)", "sub_code": "UNSPECIFIED_SUB_CODE"});
        }
        let body = json!({
            "app_id": app_id,
            "accepted_time": time_text(now),
            "event_time": time_text(now),
            "project_id": project,
            "message_delivery_report": report,
            "message_metadata": "",
            "correlation_id": "",
        });
        asked.plan(
            Event::ConversationMessageDelivery,
            callback_url.clone(),
            body,
            Duration::from_millis(500 * (n as u64 + 1)),
            Follow::Nothing,
        );
    }
    Ok(Reply::json(
        200,
        &json!({"message_id": id, "accepted_time": time_text(now)}),
    ))
}

// ---- Numbers ----

/// A number rented.
#[derive(Debug)]
pub struct Rented {
    pub value: Value,
}

/// The regions the mock has numbers in, with the numbers' first digits.
const REGIONS: &[(&str, &str)] = &[
    ("US", "+1202555"),
    ("CA", "+1416555"),
    ("GB", "+4477009"),
    ("SE", "+4670174"),
    ("DE", "+4915112"),
];

/// The last digits of the numbers each region offers: two of them pick an outcome.
const SUFFIXES: &[&str] = &["0100", "0101", "0102", "0001", "0002"];

fn available_number(region: &str, kind: &str, number: &str) -> Value {
    json!({
        "phoneNumber": number,
        "regionCode": region,
        "type": kind,
        "capability": ["SMS", "VOICE"],
        "setupPrice": {"currencyCode": "USD", "amount": "0.00"},
        "monthlyPrice": {"currencyCode": "USD", "amount": "2.00"},
        "paymentIntervalMonths": 1,
        "supportingDocumentationRequired": false,
    })
}

fn numbers_available(state: &Books, asked: &Asked<'_>) -> Answer {
    let region = asked
        .query("regionCode")
        .ok_or_else(|| bad("the parameter \"regionCode\" is required (e.g. regionCode=US)"))?
        .to_ascii_uppercase();
    let kind = asked
        .query("type")
        .ok_or_else(|| bad("the parameter \"type\" is required (LOCAL, MOBILE or TOLL_FREE)"))?
        .to_ascii_uppercase();
    if !["LOCAL", "MOBILE", "TOLL_FREE"].contains(&kind.as_str()) {
        return Err(bad(
            "the parameter \"type\" must be LOCAL, MOBILE or TOLL_FREE",
        ));
    }
    let Some((_, prefix)) = REGIONS.iter().find(|(r, _)| *r == region) else {
        return Err(bad(format!(
            "the parameter \"regionCode\" is {}: the mock has numbers in {}",
            crate::sinch::text::one_line(&region),
            REGIONS
                .iter()
                .map(|(r, _)| *r)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    let size = asked
        .query("size")
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(SUFFIXES.len());
    let numbers: Vec<Value> = SUFFIXES
        .iter()
        .map(|s| format!("{prefix}{s}"))
        .filter(|n| !state.numbers.contains(n))
        .take(size)
        .map(|n| available_number(&region, &kind, &n))
        .collect();
    Ok(Reply::json(200, &json!({"availableNumbers": numbers})))
}

fn numbers_rent(state: &mut Books, project: &str, number: &str, asked: &mut Asked<'_>) -> Answer {
    let number = normal_number(number);
    let region = REGIONS
        .iter()
        .find(|(_, prefix)| {
            number.starts_with(prefix) && SUFFIXES.iter().any(|s| number == format!("{prefix}{s}"))
        })
        .map(|(r, _)| *r)
        .ok_or_else(|| missing("available number", &number))?;
    if state.numbers.contains(&number) {
        return Err((Failure::Conflict, format!("{number} is rented already")));
    }
    let fields = asked.fields(true)?;
    let sms = fields.at("smsConfiguration").cloned();
    let voice = fields.at("voiceConfiguration").cloned();
    let callback_url = fields.callback_url("callbackUrl").map_err(bad)?;
    if voice.as_ref().is_some_and(|v| !v.is_object()) {
        return Err(bad("the field \"voiceConfiguration\" must be an object"));
    }
    if let Some(sms) = &sms
        && (!sms.is_object() || sms["servicePlanId"].as_str().is_none_or(str::is_empty))
    {
        return Err(bad(
            "the field \"smsConfiguration.servicePlanId\" is required",
        ));
    }
    let now = asked.now;
    let next = now.checked_add_months(Months::new(1)).unwrap_or(now);
    let outcome = Outcome::of(&number);
    let provisioned = |requested: Option<&Value>, key: &str| {
        requested.map(|r| {
            let mut c = r.clone();
            if key == "sms" {
                c["scheduledProvisioning"] = if outcome == Outcome::Succeeds { Value::Null } else { json!({"servicePlanId": r["servicePlanId"], "status": if outcome == Outcome::Fails {"FAILED"} else {"IN_PROGRESS"}, "lastUpdatedTime": time_text(now), "errorCodes": []}) };
            } else {
                c["scheduledVoiceProvisioning"] = Value::Null;
                if c.get("type").is_none() { c["type"] = json!("RTC"); }
            }
            c
        })
    };
    let mut value = json!({
        "phoneNumber": number,
        "projectId": project,
        "displayName": "",
        "regionCode": region,
        "type": asked.query("type").unwrap_or_else(|| "LOCAL".into()),
        "capability": ["SMS", "VOICE"],
        "money": {"currencyCode": "USD", "amount": "2.00"},
        "paymentIntervalMonths": 1,
        "nextChargeDate": time_text(next),
        "expireAt": time_text(next),
        "callbackUrl": callback_url.clone().unwrap_or_default(),
    });
    if let Some(c) = provisioned(sms.as_ref(), "sms") {
        value["smsConfiguration"] = c;
    }
    if let Some(c) = provisioned(voice.as_ref(), "voice") {
        value["voiceConfiguration"] = c;
    }
    let status = match outcome {
        Outcome::Succeeds => "SUCCEEDED",
        Outcome::Fails => "FAILED",
        Outcome::Pending => "IN_PROGRESS",
    };
    for (given, event) in [
        (&sms, "PROVISIONING_TO_SMS_PLATFORM"),
        (&voice, "PROVISIONING_TO_VOICE_PLATFORM"),
    ] {
        if given.is_none() {
            continue;
        }
        let body = json!({
            "eventId": ulid_text(asked.ids.next()).to_ascii_lowercase(),
            "timestamp": now.format("%Y-%m-%dT%H:%M:%S%.9f").to_string(),
            "projectId": project,
            "resourceId": number,
            "resourceType": "ACTIVE_NUMBER",
            "eventType": event,
            "status": status,
            "failureCode": if outcome == Outcome::Fails { json!("PROVISIONING_FAILED") } else { Value::Null },
        });
        asked.plan(
            Event::NumbersProvisioning,
            callback_url.clone(),
            body,
            Duration::from_secs(1),
            Follow::Nothing,
        );
    }
    let shown = value.clone();
    let weight = super::weight_of(&value);
    state.numbers.insert(number, Rented { value }, weight);
    Ok(Reply::json(200, &shown))
}

// ---- Voice ----

/// A call the mock placed.
#[derive(Debug)]
pub struct Call {
    pub value: Value,
    pub muted: bool,
    pub on_hold: bool,
}

fn callout(state: &mut Books, asked: &mut Asked<'_>) -> Answer {
    let fields = asked.fields(false)?;
    let method = fields
        .one_of(
            "method",
            &["ttsCallout", "conferenceCallout", "customCallout"],
            None,
        )
        .map_err(bad)?;
    fields.object(method).map_err(bad)?;
    let endpoint = fields
        .text(&format!("{method}.destination.endpoint"))
        .map_err(bad)?;
    let destination = fields
        .at(&format!("{method}.destination"))
        .cloned()
        .unwrap_or_default();
    let conference = if method == "conferenceCallout" {
        let conference = fields.text("conferenceCallout.conferenceId").map_err(bad)?;
        if state
            .conferences
            .get(&conference)
            .is_some_and(|calls| calls.len() >= super::MAX_PARTICIPANTS)
        {
            return Err((
                Failure::Conflict,
                format!(
                    "the conference is full: the mock keeps {} participants",
                    super::MAX_PARTICIPANTS
                ),
            ));
        }
        Some(conference)
    } else {
        None
    };
    let cli = fields
        .optional_text(&format!("{method}.cli"))
        .map_err(bad)?
        .unwrap_or_else(|| "+46000000000".into());
    let custom = fields
        .at(&format!("{method}.custom"))
        .cloned()
        .unwrap_or(json!(""));
    let now = asked.now;
    let id = uuid_text(asked.ids.next());
    let mut value = json!({
        "from": {"type": "number", "endpoint": cli},
        "to": destination,
        "domain": "pstn",
        "callId": id,
        "duration": 0,
        "status": "ONGOING",
        "result": "N/A",
        "reason": "N/A",
        "timestamp": time_text(now),
        "custom": custom,
        "userRate": {"currencyId": "USD", "amount": 0.0},
        "debit": {"currencyId": "USD", "amount": 0.0},
    });
    let key = asked.application_key();
    match Outcome::of(&endpoint) {
        Outcome::Succeeds => {
            let body = json!({
                "event": "ace",
                "callid": id,
                "timestamp": time_text(now),
                "version": 1,
                "custom": custom,
                "applicationKey": key,
            });
            asked.plan(
                Event::Ace,
                None,
                body,
                Duration::from_secs(1),
                Follow::Ace {
                    call: id.clone(),
                    placed: Box::new(value.clone()),
                },
            );
        }
        Outcome::Fails => {
            value["status"] = json!("FINAL");
            value["result"] = json!("NOANSWER");
            value["reason"] = json!("NOANSWERTIMEOUT");
            let body = dice(&value, &key, now);
            asked.plan(
                Event::Dice,
                None,
                body,
                Duration::from_secs(1),
                Follow::Nothing,
            );
        }
        Outcome::Pending => {}
    }
    if let Some(conference) = conference {
        match state.conferences.get_mut(&conference) {
            Some(calls) => calls.push(id.clone()),
            None => {
                // Weighed full from the start: it grows as callouts join it.
                let weight = super::MAX_PARTICIPANTS * 48 + conference.len();
                state
                    .conferences
                    .insert(conference, vec![id.clone()], weight);
            }
        }
    }
    let weight = super::weight_of(&value);
    state.calls.insert(
        id.clone(),
        Call {
            value,
            muted: false,
            on_hold: false,
        },
        weight,
    );
    Ok(Reply::json(200, &json!({"callId": id})))
}

fn dice(call: &Value, key: &str, now: DateTime<Utc>) -> Value {
    json!({
        "event": "dice",
        "callid": call["callId"],
        "timestamp": time_text(now),
        "reason": call["reason"],
        "result": call["result"],
        "version": 1,
        "custom": call["custom"],
        "debit": call["debit"],
        "userRate": call["userRate"],
        "to": call["to"],
        "applicationKey": key,
        "duration": call["duration"],
        "from": call["from"]["endpoint"],
        "callHeaders": [],
    })
}

fn call_update(state: &mut Books, id: &str, asked: &mut Asked<'_>) -> Answer {
    let call = state.calls.get(id).ok_or_else(|| missing("call", id))?;
    if call.value["status"] == "FINAL" {
        return Err((Failure::Conflict, "the call has ended".into()));
    }
    let fields = asked.fields(false)?;
    let action = fields.text("action.name").map_err(bad)?;
    if !["hangup", "continue"].contains(&action.to_ascii_lowercase().as_str()) {
        return Err(bad(format!(
            "the field \"action.name\" is \"{}\": a call in progress takes hangup or continue",
            crate::sinch::text::one_line(&action)
        )));
    }
    if action.eq_ignore_ascii_case("hangup") {
        let key = asked.application_key();
        let now = asked.now;
        if let Some(call) = state.calls.get_mut(id) {
            end_call(&mut call.value, "ANSWERED", "MANAGERHANGUP");
            let body = dice(&call.value, &key, now);
            asked.plan(Event::Dice, None, body, Duration::ZERO, Follow::Nothing);
        }
    }
    Ok(Reply::empty(204))
}

fn end_call(call: &mut Value, result: &str, reason: &str) {
    call["status"] = json!("FINAL");
    call["result"] = json!(result);
    call["reason"] = json!(reason);
}

// ---- Verification ----

/// A verification started.
#[derive(Debug)]
pub struct Verification {
    pub id: String,
    pub method: String,
    pub endpoint: String,
    pub status: String,
    pub reason: Option<String>,
    pub reference: Option<String>,
    pub custom: Option<String>,
    pub started: DateTime<Utc>,
}

/// The code every verification the mock starts expects (documented in the README).
pub const VERIFICATION_CODE: &str = "1234";

impl Verification {
    fn shown(&self) -> Value {
        let mut value = json!({
            "id": self.id,
            "method": self.method,
            "status": self.status,
            "identity": {"type": "number", "endpoint": self.endpoint},
            "countryId": "",
            "verificationTimestamp": time_text(self.started),
        });
        if let Some(reason) = &self.reason {
            value["reason"] = json!(reason);
        }
        if let Some(reference) = &self.reference {
            value["reference"] = json!(reference);
        }
        if let Some(custom) = &self.custom {
            value["custom"] = json!(custom);
        }
        value
    }

    fn event(&self, event: &str) -> Value {
        let mut value = json!({
            "id": self.id,
            "event": event,
            "method": self.method,
            "identity": {"type": "number", "endpoint": self.endpoint},
        });
        if event == "VerificationResultEvent" {
            value["status"] = json!(self.status);
            if let Some(reason) = &self.reason {
                value["reason"] = json!(reason);
            }
            value["source"] = json!("manual");
        }
        if let Some(reference) = &self.reference {
            value["reference"] = json!(reference);
        }
        if let Some(custom) = &self.custom {
            value["custom"] = json!(custom);
        }
        value
    }
}

fn verification_start(state: &mut Books, asked: &mut Asked<'_>) -> Answer {
    let fields = asked.fields(false)?;
    fields
        .one_of("identity.type", &["number"], None)
        .map_err(bad)?;
    let endpoint = fields.text("identity.endpoint").map_err(bad)?;
    if !is_phone_number(&endpoint) {
        return Err(bad(
            "the field \"identity.endpoint\" must be a phone number (E.164)",
        ));
    }
    let method = fields
        .one_of("method", &["sms", "flashCall", "callout", "seamless"], None)
        .map_err(bad)?;
    let reference = fields.optional_text("reference").map_err(bad)?;
    let custom = fields.optional_text("custom").map_err(bad)?;
    let id = uuid_text(asked.ids.next()).replace('-', "");
    let verification = Verification {
        id: id.clone(),
        method: method.to_ascii_lowercase(),
        endpoint: normal_number(&endpoint),
        status: "PENDING".into(),
        reason: None,
        reference,
        custom,
        started: asked.now,
    };
    let href = format!("/verification/v1/verifications/id/{id}");
    let mut answer = json!({
        "id": id,
        "method": verification.method,
        "_links": [
            {"rel": "status", "href": href, "method": "GET"},
            {"rel": "report", "href": href, "method": "PUT"},
        ],
    });
    match method {
        "sms" => {
            answer["sms"] = json!({"template": "Your verification code is {{CODE}}", "interceptionTimeout": 298})
        }
        "flashCall" => {
            answer["flashCall"] = json!({"cliFilter": "(.*)0000(.*)", "interceptionTimeout": 45, "reportTimeout": 75, "denyCallAfter": 0})
        }
        "seamless" => {
            answer["seamless"] = json!({"targetUri": format!("https://verification.api.sinch.com/verification/v1/seamless/{id}")})
        }
        _ => {}
    }
    let body = verification.event("VerificationRequestEvent");
    asked.plan(
        Event::VerificationRequest,
        None,
        body,
        Duration::ZERO,
        Follow::VerificationRequest { id: id.clone() },
    );
    let weight = asked.request.body.len() * 2 + 512;
    state.verifications.insert(id, verification, weight);
    Ok(Reply::json(200, &answer))
}

fn verification_report(state: &mut Books, id: String, asked: &mut Asked<'_>) -> Answer {
    let fields = asked.fields(false)?;
    let verification = state
        .verifications
        .get_mut(&id)
        .ok_or_else(|| missing("verification", &id))?;
    let method = fields
        .one_of("method", &["sms", "flashCall", "callout"], None)
        .map_err(bad)?;
    if !method.eq_ignore_ascii_case(&verification.method) {
        return Err(bad(format!(
            "the field \"method\" is {method}, but the verification was started with {}",
            verification.method
        )));
    }
    let given = match method {
        "flashCall" => fields.text("flashCall.cli").map_err(bad)?,
        other => fields.text(&format!("{other}.code")).map_err(bad)?,
    };
    if verification.status == "PENDING" {
        match Outcome::of(&verification.endpoint) {
            Outcome::Pending => {}
            Outcome::Fails => {
                verification.status = "FAIL".into();
                verification.reason = Some("Invalid code".into());
            }
            Outcome::Succeeds if method == "flashCall" || given.trim() == VERIFICATION_CODE => {
                verification.status = "SUCCESSFUL".into();
            }
            Outcome::Succeeds => {
                verification.status = "FAIL".into();
                verification.reason = Some("Invalid code".into());
            }
        }
        if verification.status != "PENDING" {
            let body = verification.event("VerificationResultEvent");
            asked.plan(
                Event::VerificationResult,
                None,
                body,
                Duration::ZERO,
                Follow::Nothing,
            );
        }
    }
    let mut answer = json!({"id": verification.id, "method": verification.method, "status": verification.status});
    if let Some(reason) = &verification.reason {
        answer["reason"] = json!(reason);
    }
    if let Some(reference) = &verification.reference {
        answer["reference"] = json!(reference);
    }
    Ok(Reply::json(200, &answer))
}

// ---- What follows an answer ----

pub fn followed(
    desk: &Desk,
    state: &mut Books,
    planned: &Planned,
    delivered: Delivered<'_>,
    now: DateTime<Utc>,
) -> Vec<Planned> {
    match &planned.follow {
        Follow::Nothing => Vec::new(),
        Follow::Ace { call, placed } => {
            // The call as the state keeps it, or as it was placed when the state has
            // forgotten it since (a mock under load keeps the newest only): its DiCE goes out
            // either way, as Sinch's would.
            let mut forgotten = (**placed).clone();
            let entry = match state.calls.get_mut(call) {
                Some(kept) => &mut kept.value,
                None => &mut forgotten,
            };
            if entry["status"] == "FINAL" {
                return Vec::new();
            }
            let sent: Value = serde_json::from_slice(&planned.body).unwrap_or_default();
            let (reason, after) = match delivered {
                Delivered::Answered { status, body } => {
                    let check = check_answer(Event::Ace, &sent, status, body);
                    let action = serde_json::from_slice::<Value>(body)
                        .ok()
                        .and_then(|v| v["action"]["name"].as_str().map(str::to_ascii_lowercase));
                    if !check.ok() || action.as_deref() == Some("hangup") {
                        // Sinch ends a call whose ACE answer says so, or that it cannot use.
                        ("MANAGERHANGUP", Duration::ZERO)
                    } else {
                        ("CALLERHANGUP", Duration::from_secs(2))
                    }
                }
                Delivered::NotDelivered => ("MANAGERHANGUP", Duration::ZERO),
            };
            end_call(entry, "ANSWERED", reason);
            if reason == "CALLERHANGUP" {
                entry["duration"] = json!(2);
            }
            let key = desk.accounts()[planned.account]
                .application
                .as_ref()
                .map(|a| a.key.clone())
                .unwrap_or_default();
            let body = dice(entry, &key, now);
            vec![Planned {
                event: Event::Dice,
                kind: "dice".into(),
                account: planned.account,
                url: None,
                body: serde_json::to_vec(&body).unwrap_or_default(),
                after,
                follow: Follow::Nothing,
            }]
        }
        Follow::VerificationRequest { id } => {
            let Some(verification) = state.verifications.get_mut(id) else {
                return Vec::new();
            };
            let sent: Value = serde_json::from_slice(&planned.body).unwrap_or_default();
            let denied = match delivered {
                Delivered::Answered { status, body } => {
                    let check = check_answer(Event::VerificationRequest, &sent, status, body);
                    let action = serde_json::from_slice::<Value>(body)
                        .ok()
                        .and_then(|v| v["action"].as_str().map(str::to_ascii_lowercase));
                    !check.ok() || action.as_deref() != Some("allow")
                }
                // No callback URL, or no answer: Sinch goes on as if allowed.
                Delivered::NotDelivered => false,
            };
            if denied && verification.status == "PENDING" {
                verification.status = "DENIED".into();
                verification.reason = Some("Denied by callback".into());
                let body = verification.event("VerificationResultEvent");
                return vec![Planned {
                    event: Event::VerificationResult,
                    kind: "VerificationResultEvent".into(),
                    account: planned.account,
                    url: None,
                    body: serde_json::to_vec(&body).unwrap_or_default(),
                    after: Duration::ZERO,
                    follow: Follow::Nothing,
                }];
            }
            Vec::new()
        }
    }
}
