//! The mock's answers, in the shape each of Sinch's APIs gives them: its errors above all,
//! since an SDK reads them to decide what a failure was.

use serde_json::{Value, json};

use super::route::Api;

/// An HTTP answer: status, headers and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The status.
    pub status: u16,
    /// Headers beside Content-Length.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, value: &Value) -> Self {
        Self {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    /// An answer with no body.
    pub fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// The same answer with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The body as JSON, when it is.
    pub fn json_body(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// Why a call is answered with an error: the kind decides the status and each API's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// 400: the body or a parameter is wrong.
    BadRequest,
    /// 404: nothing of that id.
    NotFound,
    /// 409/400: it cannot be done in the state it is in.
    Conflict,
}

/// An error answer of `api`, in its shape, saying `message` (which names the field). Voice
/// and Verification write `{"errorCode", "message"}`; SMS `{"code", "text"}`; Conversation
/// and Numbers Google's `{"error": {"code", "message", "status"}}`; the auth server
/// `{"error", "error_description"}`.
pub fn error(api: Api, failure: Failure, message: &str) -> Reply {
    let status = match failure {
        Failure::BadRequest => 400,
        Failure::NotFound => 404,
        Failure::Conflict => match api {
            Api::Sms | Api::Voice | Api::Verification | Api::Auth => 400,
            Api::Conversation | Api::Numbers => 409,
        },
    };
    let body = match api {
        Api::Voice | Api::Verification => {
            let code = match failure {
                Failure::BadRequest | Failure::Conflict => 40001,
                Failure::NotFound => 40400,
            };
            json!({"errorCode": code, "message": message})
        }
        Api::Sms => {
            let code = match failure {
                Failure::BadRequest => "syntax_constraint_violation",
                Failure::NotFound => "not_found",
                Failure::Conflict => "invalid_state",
            };
            json!({"code": code, "text": message})
        }
        Api::Conversation | Api::Numbers => {
            let word = match failure {
                Failure::BadRequest => "INVALID_ARGUMENT",
                Failure::NotFound => "NOT_FOUND",
                Failure::Conflict => "FAILED_PRECONDITION",
            };
            json!({"error": {"code": status, "message": message, "status": word, "details": []}})
        }
        Api::Auth => json!({"error": "invalid_request", "error_description": message}),
    };
    Reply::json(status, &body)
}

/// The refusal of a call whose credentials do not hold, as `api` words it. What is wrong is
/// never told to the caller beyond the kind: the reason stays in the mock's own output.
pub fn unauthorized(api: Api, kind: Refused) -> Reply {
    match api {
        Api::Voice | Api::Verification => {
            let (code, message) = match kind {
                Refused::Missing => (40100, "Missing or invalid Authorization header"),
                Refused::Timestamp => (40101, "Invalid or missing x-timestamp"),
                _ => (40102, "Invalid Signature"),
            };
            Reply::json(401, &json!({"errorCode": code, "message": message}))
        }
        Api::Auth => Reply::json(
            401,
            &json!({"error": "invalid_client", "error_description": "Client authentication failed"}),
        )
        .with_header("WWW-Authenticate", "Basic realm=\"sinch\""),
        Api::Sms | Api::Conversation | Api::Numbers => {
            let (status, challenge, message) = match kind {
                Refused::Expired => (
                    401,
                    "Bearer error=\"invalid_token\", error_description=\"Jwt expired\"",
                    "The access token expired",
                ),
                Refused::OtherProject => (
                    403,
                    "Bearer error=\"insufficient_scope\"",
                    "The credentials are not for this project",
                ),
                Refused::Missing => (401, "Bearer realm=\"sinch\"", "Missing Authorization"),
                _ => (
                    401,
                    "Bearer error=\"invalid_token\"",
                    "The access token is not valid",
                ),
            };
            let body = match api {
                Api::Sms => json!({"code": "unauthorized", "text": message}),
                _ => json!({"error": {"code": status, "message": message,
                    "status": if status == 403 { "PERMISSION_DENIED" } else { "UNAUTHENTICATED" }}}),
            };
            Reply::json(status, &body).with_header("WWW-Authenticate", challenge)
        }
    }
}

/// Why credentials were refused, as far as the caller is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// No Authorization, or one of no scheme the API takes.
    Missing,
    /// The x-timestamp is missing or too far from now (Voice, Verification).
    Timestamp,
    /// The signature, secret, key or token does not hold.
    Invalid,
    /// A token the mock issued, expired.
    Expired,
    /// Good credentials of another project.
    OtherProject,
}

/// The 404 of a path no operation has: it names those the mock serves.
pub fn not_served(method: &str, path: &str) -> Reply {
    Reply::json(
        404,
        &json!({
            "error": format!("sinch-ticket mock serves no {method} {path}"),
            "served": super::route::SERVED,
        }),
    )
}

/// The 405 of a served path with another method.
pub fn wrong_method(method: &str, allowed: &[&str]) -> Reply {
    Reply::json(
        405,
        &json!({"error": format!("this path takes {}, not {method}", allowed.join(", "))}),
    )
    .with_header("Allow", &allowed.join(", "))
}
