//! Realistic bodies of the project products' webhooks, shaped as Sinch's references and SDK
//! types show them (see the list in `mod.rs`): Conversation callbacks carry `app_id`,
//! `accepted_time`, `event_time`, `project_id`, one key that names the trigger,
//! `message_metadata` and `correlation_id`; SMS callbacks a `type`; Numbers callbacks an
//! `eventType`; Mailgun webhooks a `signature` object (filled in when signed) and
//! `event-data`.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::Event;

/// Example identifiers, in the shapes Sinch gives them (ULIDs, UUIDs), so that a body reads
/// as a real one; the event's own id is fresh each time.
const APP_ID: &str = "01EB37HMH1M6SV18ASNS3G135H";
const PROJECT_ID: &str = "e2df3a34-a71b-4448-9db5-a8d2baad28e4";
const CONVERSATION_ID: &str = "01EPYATA64TMNZ1FV02JKF12JF";
const CONTACT_ID: &str = "01EKA07N79THJ20ZSN6AS30TMW";
/// Sinch's example numbers, as each product writes them (Conversation and SMS without `+`).
const CONTACT_NUMBER: &str = "46700000000";
const APP_NUMBER: &str = "46700000001";

fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The identity of a contact on a channel, as Conversation writes it.
fn channel_identity() -> Value {
    json!({"channel": "WHATSAPP", "identity": CONTACT_NUMBER, "app_id": APP_ID})
}

/// A Conversation callback: the common fields around `key`'s object.
fn conversation(key: &str, item: Value, now: DateTime<Utc>) -> Value {
    let mut body = json!({
        "app_id": APP_ID,
        "accepted_time": iso(now),
        "event_time": iso(now),
        "project_id": PROJECT_ID,
    });
    if let Value::Object(map) = &mut body {
        map.insert(key.to_owned(), item);
        map.insert("message_metadata".into(), json!(""));
        map.insert("correlation_id".into(), json!(""));
    }
    body
}

/// A body for one of the webhook events (`None` for the application scheme's events).
/// `id` is the event's own id (message, batch, event); a Mailgun body's `signature` is
/// left empty for signing to fill in.
pub(super) fn webhook_body(event: Event, id: &str, now: DateTime<Utc>) -> Option<Value> {
    let id = id.to_ascii_uppercase().replace('-', "");
    let body = match event {
        Event::ConversationMessageInbound => conversation(
            "message",
            json!({
                "id": id,
                "direction": "TO_APP",
                "contact_message": {"text_message": {"text": "Hello from the contact"}},
                "channel_identity": channel_identity(),
                "conversation_id": CONVERSATION_ID,
                "contact_id": CONTACT_ID,
                "metadata": "",
                "accept_time": iso(now),
                "sender_id": "",
                "processing_mode": "CONVERSATION",
                "injected": false,
            }),
            now,
        ),
        Event::ConversationMessageDelivery => conversation(
            "message_delivery_report",
            json!({
                "message_id": id,
                "conversation_id": CONVERSATION_ID,
                "status": "DELIVERED",
                "channel_identity": channel_identity(),
                "contact_id": CONTACT_ID,
                "metadata": "",
                "processing_mode": "CONVERSATION",
            }),
            now,
        ),
        Event::ConversationEventInbound => conversation(
            "event",
            json!({
                "id": id,
                "direction": "TO_APP",
                "contact_event": {"composing_event": {}},
                "channel_identity": channel_identity(),
                "contact_id": CONTACT_ID,
                "conversation_id": CONVERSATION_ID,
                "accept_time": iso(now),
                "processing_mode": "CONVERSATION",
            }),
            now,
        ),
        Event::ConversationContactCreate => conversation(
            "contact_create_notification",
            json!({
                "contact": {
                    "id": id,
                    "channel_identities": [
                        {"channel": "SMS", "identity": CONTACT_NUMBER, "app_id": ""}
                    ],
                    "display_name": "New Test Contact",
                    "email": "new.contact@example.com",
                    "external_id": "",
                    "metadata": "",
                    "language": "EN_US",
                }
            }),
            now,
        ),
        Event::SmsDeliveryReport => json!({
            "type": "delivery_report_sms",
            "batch_id": id,
            "total_message_count": 1,
            "statuses": [
                {"code": 0, "status": "Delivered", "count": 1, "recipients": [CONTACT_NUMBER]}
            ],
            "client_reference": "order-0001",
        }),
        Event::SmsInbound => json!({
            "type": "mo_text",
            "id": id,
            "from": CONTACT_NUMBER,
            "to": APP_NUMBER,
            "body": "Hello from the phone",
            "operator_id": "24001",
            "sent_at": iso(now),
            "received_at": iso(now),
        }),
        Event::NumbersProvisioning => json!({
            "eventId": id.to_ascii_lowercase(),
            // Numbers writes its timestamp without a zone, to the nanosecond.
            "timestamp": now.format("%Y-%m-%dT%H:%M:%S%.9f").to_string(),
            "projectId": PROJECT_ID,
            "resourceId": format!("+{APP_NUMBER}"),
            "resourceType": "ACTIVE_NUMBER",
            "eventType": "PROVISIONING_TO_SMS_PLATFORM",
            "status": "SUCCEEDED",
            "failureCode": null,
        }),
        Event::MailgunDelivered | Event::MailgunFailed => mailgun(event, &id, now),
        _ => return None,
    };
    Some(body)
}

fn mailgun(event: Event, id: &str, now: DateTime<Utc>) -> Value {
    let failed = event == Event::MailgunFailed;
    // Mailgun's event timestamp is Unix seconds with a fraction.
    let stamp = now.timestamp() as f64 + f64::from(now.timestamp_subsec_micros()) / 1e6;
    let status = if failed {
        json!({
            "code": 550,
            "attempt-no": 1,
            "message": "5.1.1 The email account that you tried to reach does not exist.",
            "description": "",
            "mx-host": "mx.example.com",
            "session-seconds": 0.52,
            "tls": true,
            "certificate-verified": true,
            "utf8": true,
        })
    } else {
        json!({
            "code": 250,
            "attempt-no": 1,
            "message": "OK",
            "description": "",
            "mx-host": "mx.example.com",
            "session-seconds": 0.43,
            "tls": true,
            "certificate-verified": true,
            "utf8": true,
        })
    };
    let mut data = json!({
        "id": id,
        "timestamp": stamp,
        "log-level": if failed { "error" } else { "info" },
        "event": event.wire_name(),
    });
    if let Value::Object(map) = &mut data {
        if failed {
            map.insert("severity".into(), json!("permanent"));
            map.insert("reason".into(), json!("bounce"));
        }
        map.insert("delivery-status".into(), status);
        map.insert(
            "envelope".into(),
            json!({
                "transport": "smtp",
                "sender": "bob@sandbox.mailgun.org",
                "sending-ip": "209.61.154.250",
                "targets": "alice@example.com",
            }),
        );
        map.insert(
            "message".into(),
            json!({
                "headers": {
                    "to": "Alice <alice@example.com>",
                    "message-id": format!("{id}@sandbox.mailgun.org"),
                    "from": "Bob <bob@sandbox.mailgun.org>",
                    "subject": "Test webhook",
                },
                "attachments": [],
                "size": 111,
            }),
        );
        map.insert("recipient".into(), json!("alice@example.com"));
        map.insert("recipient-domain".into(), json!("example.com"));
        map.insert("tags".into(), json!([]));
        map.insert("user-variables".into(), json!({}));
    }
    json!({
        "signature": {"timestamp": "", "token": "", "signature": ""},
        "event-data": data,
    })
}
