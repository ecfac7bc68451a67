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
//! - the project products' webhooks (Conversation, SMS, Numbers, Mailgun), signed with a
//!   webhook secret ([`crate::sinch::webhook`]): Conversation's callback reference
//!   <https://developers.sinch.com/docs/conversation/callbacks> and `@sinch/conversation`'s
//!   `mod-callback-events`; SMS's <https://developers.sinch.com/docs/sms/api-reference/sms/tag/Webhooks>
//!   and `@sinch/sms`'s `DeliveryReport`/`MOText`; Numbers' callback page and the body of
//!   `@sinch/numbers`' own test; Mailgun's "Webhooks" user manual (`signature` and
//!   `event-data`).
//!
//! Like the rest of the core, everything here is a pure function: ids and the clock come in.
//!
//! - this file: the events ([`Event`]) and what Sinch reads in each answer;
//! - [`body`]: realistic default bodies and `--set` paths;
//! - [`forgery`]: signing a callback as Sinch does, or forging it on purpose;
//! - [`answer`]: the check of a server's answer, and the verdict on a trigger.

mod answer;
mod body;
mod forgery;
mod webhook_body;

pub use answer::{
    AnswerCheck, TriggerVerdict, check_answer, judge_replay, judge_trigger, stand_in_answer,
};
pub use body::{BodyInputs, SetPathError, default_body, set_path};
pub use forgery::{
    CONTENT_TYPE, CallbackRequest, DEFAULT_STALE_SECS, Forgery, ForgeryError, ForgeryOutcome,
    Headers, MIN_STALE_SECS, WebhookRequest, WebhookSignError, sign_callback, sign_webhook,
};

use serde_json::Value;

use super::webhook::Scheme;

/// The Sinch product a callback comes from: what signs it, and how it reads the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Product {
    /// The Voice API (calls), signed with the application key and secret.
    Voice,
    /// The Verification API, signed with the application key and secret.
    Verification,
    /// The Conversation API, signed with the webhook's secret.
    Conversation,
    /// The SMS API, signed like Conversation once HMAC is switched on.
    Sms,
    /// The Numbers API, signed with the project's callback secret.
    Numbers,
    /// Mailgun, signed with the domain's HTTP webhook signing key.
    Mailgun,
}

impl Product {
    /// Every product, in the order the faces group events.
    pub const ALL: [Product; 6] = [
        Product::Voice,
        Product::Verification,
        Product::Conversation,
        Product::Sms,
        Product::Numbers,
        Product::Mailgun,
    ];

    /// Its name, for group headings.
    pub fn title(self) -> &'static str {
        match self {
            Product::Voice => "Voice",
            Product::Verification => "Verification",
            Product::Conversation => "Conversation",
            Product::Sms => "SMS",
            Product::Numbers => "Numbers",
            Product::Mailgun => "Mailgun",
        }
    }

    /// The webhook scheme it signs with; `None`: the application scheme (key and secret).
    pub fn scheme(self) -> Option<Scheme> {
        match self {
            Product::Voice | Product::Verification => None,
            Product::Conversation | Product::Sms => Some(Scheme::Conversation),
            Product::Numbers => Some(Scheme::Numbers),
            Product::Mailgun => Some(Scheme::Mailgun),
        }
    }

    /// Its events, in [`Event::ALL`]'s order.
    pub fn events(self) -> impl Iterator<Item = Event> {
        Event::ALL.into_iter().filter(move |e| e.product() == self)
    }

    /// How long Sinch waits before sending a callback again that got a 5xx, a 429 or no
    /// answer, one wait per retry, before it gives up. SMS documents 5 s, then doubling;
    /// Mailgun retries at 10, 10 and 15 minutes, shortened here to seconds so that a run stays
    /// short (scale them with `--time-scale`); the others are taken to retry as SMS does.
    pub fn retry_waits(self) -> &'static [std::time::Duration] {
        use std::time::Duration;
        const SMS: [Duration; 3] = [
            Duration::from_secs(5),
            Duration::from_secs(10),
            Duration::from_secs(20),
        ];
        const MAILGUN: [Duration; 3] = [
            Duration::from_secs(10),
            Duration::from_secs(10),
            Duration::from_secs(15),
        ];
        match self {
            Product::Mailgun => &MAILGUN,
            _ => &SMS,
        }
    }
}

/// What callbacks are signed with: the application's key and secret (Voice, Verification)
/// and the webhook secrets by scheme. One choice of secret per event, for every way an
/// event is sent (trigger, replay, scenario, the window).
#[derive(Default)]
pub struct CallbackSecrets {
    /// The application key and its secret, when at hand.
    pub application: Option<super::Application>,
    /// The webhook secrets at hand.
    pub webhooks: super::webhook::WebhookSecrets,
}

/// The secret one event is signed with.
#[derive(Debug, Clone, Copy)]
pub enum SecretFor<'a> {
    /// The application key and its secret.
    Application {
        /// The application key.
        key: &'a str,
        /// Its secret.
        secret: &'a super::AppSecret,
    },
    /// A webhook secret, for the event's product's scheme.
    Webhook(&'a super::webhook::WebhookSecret),
}

impl CallbackSecrets {
    /// The application key (empty when there is none), for an event's default body.
    pub fn application_key(&self) -> &str {
        self.application.as_ref().map_or("", |app| &app.key)
    }

    /// The secret `event` is signed with, when it is at hand.
    pub fn for_event(&self, event: Event) -> Option<SecretFor<'_>> {
        match event.product().scheme() {
            None => self.application.as_ref().map(|app| SecretFor::Application {
                key: &app.key,
                secret: &app.secret,
            }),
            Some(scheme) => self.webhooks.get(scheme).map(SecretFor::Webhook),
        }
    }
}

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
    /// Conversation MESSAGE_INBOUND: a contact sent the app a message; any 2xx.
    ConversationMessageInbound,
    /// Conversation MESSAGE_DELIVERY: a message the app sent was delivered; any 2xx.
    ConversationMessageDelivery,
    /// Conversation EVENT_INBOUND: a contact is typing, and the like; any 2xx.
    ConversationEventInbound,
    /// Conversation CONTACT_CREATE: a contact was created; any 2xx.
    ConversationContactCreate,
    /// SMS delivery report of a batch; any 2xx.
    SmsDeliveryReport,
    /// SMS inbound text message (`mo_text`); any 2xx.
    SmsInbound,
    /// Numbers: a number was provisioned to a platform; any 2xx.
    NumbersProvisioning,
    /// Mailgun `delivered`: 200 is done, 406 refuses it for good, anything else is retried.
    MailgunDelivered,
    /// Mailgun `failed`: answered as `delivered`.
    MailgunFailed,
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
    /// Mailgun's rule: 200 is done, 406 refuses it without retry, anything else (another
    /// 2xx too) is retried for up to 8 hours.
    Mailgun,
}

impl Event {
    /// Every event, in the order the faces list them.
    pub const ALL: [Event; 16] = [
        Event::Ice,
        Event::Ace,
        Event::Dice,
        Event::Pie,
        Event::Notify,
        Event::VerificationRequest,
        Event::VerificationResult,
        Event::ConversationMessageInbound,
        Event::ConversationMessageDelivery,
        Event::ConversationEventInbound,
        Event::ConversationContactCreate,
        Event::SmsDeliveryReport,
        Event::SmsInbound,
        Event::NumbersProvisioning,
        Event::MailgunDelivered,
        Event::MailgunFailed,
    ];

    /// The product that sends it.
    pub fn product(self) -> Product {
        match self {
            Event::Ice | Event::Ace | Event::Dice | Event::Pie | Event::Notify => Product::Voice,
            Event::VerificationRequest | Event::VerificationResult => Product::Verification,
            Event::ConversationMessageInbound
            | Event::ConversationMessageDelivery
            | Event::ConversationEventInbound
            | Event::ConversationContactCreate => Product::Conversation,
            Event::SmsDeliveryReport | Event::SmsInbound => Product::Sms,
            Event::NumbersProvisioning => Product::Numbers,
            Event::MailgunDelivered | Event::MailgunFailed => Product::Mailgun,
        }
    }

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
            Event::ConversationMessageInbound => "conversation-message-inbound",
            Event::ConversationMessageDelivery => "conversation-message-delivery",
            Event::ConversationEventInbound => "conversation-event-inbound",
            Event::ConversationContactCreate => "conversation-contact-create",
            Event::SmsDeliveryReport => "sms-delivery-report",
            Event::SmsInbound => "sms-inbound",
            Event::NumbersProvisioning => "numbers-provisioning",
            Event::MailgunDelivered => "mailgun-delivered",
            Event::MailgunFailed => "mailgun-failed",
        }
    }

    /// What the body calls it, as Sinch sends it: the `event` field (Voice, Verification,
    /// Mailgun's `event-data.event`), the trigger (Conversation, told by a top-level key),
    /// `type` (SMS), `eventType` (Numbers).
    pub fn wire_name(self) -> &'static str {
        match self {
            Event::VerificationRequest => "VerificationRequestEvent",
            Event::VerificationResult => "VerificationResultEvent",
            Event::ConversationMessageInbound => "MESSAGE_INBOUND",
            Event::ConversationMessageDelivery => "MESSAGE_DELIVERY",
            Event::ConversationEventInbound => "EVENT_INBOUND",
            Event::ConversationContactCreate => "CONTACT_CREATE",
            Event::SmsDeliveryReport => "delivery_report_sms",
            Event::SmsInbound => "mo_text",
            Event::NumbersProvisioning => "PROVISIONING_TO_SMS_PLATFORM",
            Event::MailgunDelivered => "delivered",
            Event::MailgunFailed => "failed",
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
            Event::ConversationMessageInbound => "Message Inbound (Conversation)",
            Event::ConversationMessageDelivery => "Message Delivery Report (Conversation)",
            Event::ConversationEventInbound => "Event Inbound (Conversation)",
            Event::ConversationContactCreate => "Contact Create (Conversation)",
            Event::SmsDeliveryReport => "Delivery Report (SMS)",
            Event::SmsInbound => "Inbound Message (SMS)",
            Event::NumbersProvisioning => "Number Provisioning (Numbers)",
            Event::MailgunDelivered => "Delivered (Mailgun)",
            Event::MailgunFailed => "Failed (Mailgun)",
        }
    }

    /// What Sinch reads in the answer.
    pub fn expects(self) -> Expects {
        match self {
            Event::Ice | Event::Ace | Event::Pie => Expects::Svaml,
            Event::VerificationRequest => Expects::AllowOrDeny,
            Event::MailgunDelivered | Event::MailgunFailed => Expects::Mailgun,
            _ => Expects::AnyBody,
        }
    }

    /// The event a command-line name, or a body's `event` value, names.
    pub fn from_name(name: &str) -> Option<Event> {
        let name = name.trim();
        Event::ALL
            .into_iter()
            .find(|e| e.name().eq_ignore_ascii_case(name) || e.wire_name() == name)
    }

    /// The event a received body says it is, whichever product sent it.
    pub fn of_body(body: &[u8]) -> Option<Event> {
        let value: Value = serde_json::from_slice(body).ok()?;
        let text = |key: &str| value.get(key).and_then(Value::as_str);
        // Voice and Verification name themselves in a text `event` field (a Conversation
        // EVENT_INBOUND has an object there).
        if let Some(event) = text("event").and_then(Event::from_name) {
            return event.product().scheme().is_none().then_some(event);
        }
        if let Some(event) = value.get("event-data").and_then(|d| d.get("event")) {
            return match event.as_str()? {
                "delivered" => Some(Event::MailgunDelivered),
                "failed" => Some(Event::MailgunFailed),
                _ => None,
            };
        }
        if let Some(kind) = text("type") {
            return match kind {
                "delivery_report_sms" | "recipient_delivery_report_sms" => {
                    Some(Event::SmsDeliveryReport)
                }
                "mo_text" => Some(Event::SmsInbound),
                _ => None,
            };
        }
        if let Some(kind) = text("eventType") {
            return kind
                .contains("PROVISIONING")
                .then_some(Event::NumbersProvisioning);
        }
        if value.get("app_id").is_some() && value.get("project_id").is_some() {
            let by_key = [
                ("message", Event::ConversationMessageInbound),
                (
                    "message_delivery_report",
                    Event::ConversationMessageDelivery,
                ),
                ("event", Event::ConversationEventInbound),
                (
                    "contact_create_notification",
                    Event::ConversationContactCreate,
                ),
            ];
            return by_key
                .into_iter()
                .find(|(key, _)| value.get(key).is_some_and(Value::is_object))
                .map(|(_, event)| event);
        }
        None
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

#[cfg(test)]
mod tests;
