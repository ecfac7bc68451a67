//! Which of Sinch's API operations a request names, from its method and path: one table, so
//! that the 404 and 405 answers list exactly what is served.

use percent_encoding::percent_decode_str;

/// The product an operation belongs to: how it authorizes, and the shape of its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// The OAuth2 token endpoint.
    Auth,
    /// SMS (`/xms/v1/…`): an OAuth2 bearer, or a service plan's API token.
    Sms,
    /// Conversation: an OAuth2 bearer.
    Conversation,
    /// Numbers: an OAuth2 bearer.
    Numbers,
    /// Voice (`/calling/v1/…`): the application signature.
    Voice,
    /// Verification: the application signature.
    Verification,
}

impl Api {
    /// Its name, for the mock's output and the history's events.
    pub fn name(self) -> &'static str {
        match self {
            Api::Auth => "oauth2",
            Api::Sms => "sms",
            Api::Conversation => "conversation",
            Api::Numbers => "numbers",
            Api::Voice => "voice",
            Api::Verification => "verification",
        }
    }
}

/// One operation of Sinch's APIs that the mock answers, with what its path names (each
/// field is the path segment of that name, percent-decoded).
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `POST /oauth2/token`.
    Token,
    /// `POST /xms/v1/{plan}/batches`.
    SmsSend { plan: String },
    /// `GET /xms/v1/{plan}/batches`.
    SmsList { plan: String },
    /// `GET /xms/v1/{plan}/batches/{batch}`.
    SmsGet { plan: String, batch: String },
    /// `DELETE /xms/v1/{plan}/batches/{batch}`.
    SmsCancel { plan: String, batch: String },
    /// `GET /xms/v1/{plan}/batches/{batch}/delivery_report`.
    SmsReport { plan: String, batch: String },
    /// `GET /xms/v1/{plan}/batches/{batch}/delivery_report/{recipient}`.
    SmsRecipientReport {
        plan: String,
        batch: String,
        recipient: String,
    },
    /// `POST /v1/projects/{project}/messages:send`.
    ConversationSend { project: String },
    /// `GET /v1/projects/{project}/messages/{id}`.
    ConversationGet { project: String, id: String },
    /// `GET /v1/projects/{project}/messages`.
    ConversationList { project: String },
    /// `GET /v1/projects/{project}/availableNumbers`.
    NumbersAvailable { project: String },
    /// `POST /v1/projects/{project}/availableNumbers/{number}:rent`.
    NumbersRent { project: String, number: String },
    /// `GET /v1/projects/{project}/activeNumbers`.
    NumbersActive { project: String },
    /// `GET /v1/projects/{project}/activeNumbers/{number}`.
    NumbersActiveGet { project: String, number: String },
    /// `POST /calling/v1/callouts`.
    Callout,
    /// `GET /calling/v1/calls/id/{id}`.
    CallGet { id: String },
    /// `PATCH /calling/v1/calls/id/{id}` (SVAML).
    CallUpdate { id: String },
    /// `GET /calling/v1/conferences/id/{id}`.
    ConferenceGet { id: String },
    /// `DELETE /calling/v1/conferences/id/{id}`.
    ConferenceKick { id: String },
    /// `PATCH /calling/v1/conferences/id/{id}/{call}`.
    ConferenceParticipantUpdate { id: String, call: String },
    /// `DELETE /calling/v1/conferences/id/{id}/{call}`.
    ConferenceParticipantKick { id: String, call: String },
    /// `POST /verification/v1/verifications`.
    VerificationStart,
    /// `PUT /verification/v1/verifications/id/{id}`.
    VerificationReport { id: String },
    /// `PUT /verification/v1/verifications/number/{endpoint}`.
    VerificationReportByIdentity { endpoint: String },
    /// `GET /verification/v1/verifications/id/{id}`.
    VerificationGet { id: String },
    /// `GET /verification/v1/verifications/{method}/number/{endpoint}`.
    VerificationGetByIdentity { method: String, endpoint: String },
}

/// Why a request names no operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoRoute {
    /// No operation has this path.
    NotFound,
    /// The path is served, with other methods (listed, for the `Allow` header).
    Method(&'static [&'static str]),
}

/// The paths the mock serves, for the 404 answer and `--help`.
pub const SERVED: &[&str] = &[
    "POST /oauth2/token",
    "POST|GET /xms/v1/{service_plan_id|project_id}/batches",
    "GET|DELETE /xms/v1/{service_plan_id|project_id}/batches/{batch_id}",
    "GET /xms/v1/{service_plan_id|project_id}/batches/{batch_id}/delivery_report[/{recipient}]",
    "POST /v1/projects/{project_id}/messages:send",
    "GET /v1/projects/{project_id}/messages[/{message_id}]",
    "GET /v1/projects/{project_id}/availableNumbers",
    "POST /v1/projects/{project_id}/availableNumbers/{phone_number}:rent",
    "GET /v1/projects/{project_id}/activeNumbers[/{phone_number}]",
    "POST /calling/v1/callouts",
    "GET|PATCH /calling/v1/calls/id/{call_id}",
    "GET|DELETE /calling/v1/conferences/id/{conference_id}",
    "PATCH|DELETE /calling/v1/conferences/id/{conference_id}/{call_id}",
    "POST /verification/v1/verifications",
    "GET|PUT /verification/v1/verifications/id/{id}",
    "PUT /verification/v1/verifications/number/{endpoint}",
    "GET /verification/v1/verifications/{method}/number/{endpoint}",
];

impl Route {
    /// The API it belongs to.
    pub fn api(&self) -> Api {
        use Route as R;
        match self {
            R::Token => Api::Auth,
            R::SmsSend { .. }
            | R::SmsList { .. }
            | R::SmsGet { .. }
            | R::SmsCancel { .. }
            | R::SmsReport { .. }
            | R::SmsRecipientReport { .. } => Api::Sms,
            R::ConversationSend { .. } | R::ConversationGet { .. } | R::ConversationList { .. } => {
                Api::Conversation
            }
            R::NumbersAvailable { .. }
            | R::NumbersRent { .. }
            | R::NumbersActive { .. }
            | R::NumbersActiveGet { .. } => Api::Numbers,
            R::Callout
            | R::CallGet { .. }
            | R::CallUpdate { .. }
            | R::ConferenceGet { .. }
            | R::ConferenceKick { .. }
            | R::ConferenceParticipantUpdate { .. }
            | R::ConferenceParticipantKick { .. } => Api::Voice,
            R::VerificationStart
            | R::VerificationReport { .. }
            | R::VerificationReportByIdentity { .. }
            | R::VerificationGet { .. }
            | R::VerificationGetByIdentity { .. } => Api::Verification,
        }
    }

    /// Its name, `product.operation`, as the mock's output and the history write it.
    pub fn name(&self) -> &'static str {
        use Route as R;
        match self {
            R::Token => "oauth2.token",
            R::SmsSend { .. } => "sms.send",
            R::SmsList { .. } => "sms.list",
            R::SmsGet { .. } => "sms.get",
            R::SmsCancel { .. } => "sms.cancel",
            R::SmsReport { .. } => "sms.delivery_report",
            R::SmsRecipientReport { .. } => "sms.recipient_report",
            R::ConversationSend { .. } => "conversation.send",
            R::ConversationGet { .. } => "conversation.get",
            R::ConversationList { .. } => "conversation.list",
            R::NumbersAvailable { .. } => "numbers.available",
            R::NumbersRent { .. } => "numbers.rent",
            R::NumbersActive { .. } => "numbers.active",
            R::NumbersActiveGet { .. } => "numbers.active_get",
            R::Callout => "voice.callout",
            R::CallGet { .. } => "voice.call_get",
            R::CallUpdate { .. } => "voice.call_update",
            R::ConferenceGet { .. } => "voice.conference_get",
            R::ConferenceKick { .. } => "voice.conference_kick",
            R::ConferenceParticipantUpdate { .. } => "voice.participant_update",
            R::ConferenceParticipantKick { .. } => "voice.participant_kick",
            R::VerificationStart => "verification.start",
            R::VerificationReport { .. } | R::VerificationReportByIdentity { .. } => {
                "verification.report"
            }
            R::VerificationGet { .. } | R::VerificationGetByIdentity { .. } => "verification.get",
        }
    }

    /// The project (or service plan) the path names, for the project APIs.
    pub fn project(&self) -> Option<&str> {
        use Route as R;
        match self {
            R::SmsSend { plan }
            | R::SmsList { plan }
            | R::SmsGet { plan, .. }
            | R::SmsCancel { plan, .. }
            | R::SmsReport { plan, .. }
            | R::SmsRecipientReport { plan, .. } => Some(plan),
            R::ConversationSend { project }
            | R::ConversationGet { project, .. }
            | R::ConversationList { project }
            | R::NumbersAvailable { project }
            | R::NumbersRent { project, .. }
            | R::NumbersActive { project }
            | R::NumbersActiveGet { project, .. } => Some(project),
            _ => None,
        }
    }
}

/// The path of a request target (before `?`), and its query.
pub fn split_target(target: &str) -> (&str, &str) {
    target.split_once('?').unwrap_or((target, ""))
}

/// The value of `name` in a query string (the first, percent-decoded, `+` as a space).
pub fn query_value(query: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

fn decoded(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

/// The operation `method` and `target` name.
pub fn route(method: &str, target: &str) -> Result<Route, NoRoute> {
    let (path, _) = split_target(target);
    let parts: Vec<String> = path
        .trim_end_matches('/')
        .split('/')
        .skip(1)
        .map(decoded)
        .collect();
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    let m = method.to_ascii_uppercase();
    let allow = |methods: &'static [&'static str], make: &dyn Fn(&str) -> Option<Route>| {
        if methods.contains(&m.as_str()) {
            make(&m).ok_or(NoRoute::Method(methods))
        } else {
            Err(NoRoute::Method(methods))
        }
    };
    let own = |s: &str| s.to_owned();
    match parts.as_slice() {
        ["oauth2", "token"] => allow(&["POST"], &|_| Some(Route::Token)),
        ["xms", "v1", plan, "batches"] => allow(&["POST", "GET"], &|m| {
            Some(if m == "POST" {
                Route::SmsSend { plan: own(plan) }
            } else {
                Route::SmsList { plan: own(plan) }
            })
        }),
        ["xms", "v1", plan, "batches", batch] => allow(&["GET", "DELETE"], &|m| {
            let (plan, batch) = (own(plan), own(batch));
            Some(if m == "GET" {
                Route::SmsGet { plan, batch }
            } else {
                Route::SmsCancel { plan, batch }
            })
        }),
        ["xms", "v1", plan, "batches", batch, "delivery_report"] => allow(&["GET"], &|_| {
            Some(Route::SmsReport {
                plan: own(plan),
                batch: own(batch),
            })
        }),
        [
            "xms",
            "v1",
            plan,
            "batches",
            batch,
            "delivery_report",
            recipient,
        ] => allow(&["GET"], &|_| {
            Some(Route::SmsRecipientReport {
                plan: own(plan),
                batch: own(batch),
                recipient: own(recipient),
            })
        }),
        ["v1", "projects", project, "messages:send"] => allow(&["POST"], &|_| {
            Some(Route::ConversationSend {
                project: own(project),
            })
        }),
        ["v1", "projects", project, "messages"] => allow(&["GET"], &|_| {
            Some(Route::ConversationList {
                project: own(project),
            })
        }),
        ["v1", "projects", project, "messages", id] => allow(&["GET"], &|_| {
            Some(Route::ConversationGet {
                project: own(project),
                id: own(id),
            })
        }),
        ["v1", "projects", project, "availableNumbers"] => allow(&["GET"], &|_| {
            Some(Route::NumbersAvailable {
                project: own(project),
            })
        }),
        ["v1", "projects", project, "availableNumbers", rent] if rent.ends_with(":rent") => {
            allow(&["POST"], &|_| {
                Some(Route::NumbersRent {
                    project: own(project),
                    number: rent.trim_end_matches(":rent").to_owned(),
                })
            })
        }
        ["v1", "projects", project, "activeNumbers"] => allow(&["GET"], &|_| {
            Some(Route::NumbersActive {
                project: own(project),
            })
        }),
        ["v1", "projects", project, "activeNumbers", number] => allow(&["GET"], &|_| {
            Some(Route::NumbersActiveGet {
                project: own(project),
                number: own(number),
            })
        }),
        ["calling", "v1", "callouts"] => allow(&["POST"], &|_| Some(Route::Callout)),
        ["calling", "v1", "calls", "id", id] => allow(&["GET", "PATCH"], &|m| {
            Some(if m == "GET" {
                Route::CallGet { id: own(id) }
            } else {
                Route::CallUpdate { id: own(id) }
            })
        }),
        ["calling", "v1", "conferences", "id", id] => allow(&["GET", "DELETE"], &|m| {
            Some(if m == "GET" {
                Route::ConferenceGet { id: own(id) }
            } else {
                Route::ConferenceKick { id: own(id) }
            })
        }),
        ["calling", "v1", "conferences", "id", id, call] => allow(&["PATCH", "DELETE"], &|m| {
            let (id, call) = (own(id), own(call));
            Some(if m == "PATCH" {
                Route::ConferenceParticipantUpdate { id, call }
            } else {
                Route::ConferenceParticipantKick { id, call }
            })
        }),
        ["verification", "v1", "verifications"] => {
            allow(&["POST"], &|_| Some(Route::VerificationStart))
        }
        ["verification", "v1", "verifications", "id", id] => allow(&["GET", "PUT"], &|m| {
            Some(if m == "GET" {
                Route::VerificationGet { id: own(id) }
            } else {
                Route::VerificationReport { id: own(id) }
            })
        }),
        ["verification", "v1", "verifications", "number", endpoint] => allow(&["PUT"], &|_| {
            Some(Route::VerificationReportByIdentity {
                endpoint: own(endpoint),
            })
        }),
        [
            "verification",
            "v1",
            "verifications",
            method,
            "number",
            endpoint,
        ] => allow(&["GET"], &|_| {
            Some(Route::VerificationGetByIdentity {
                method: own(method),
                endpoint: own(endpoint),
            })
        }),
        _ => Err(NoRoute::NotFound),
    }
}
