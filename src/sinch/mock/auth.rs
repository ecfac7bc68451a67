//! The mock's accounts and how a call's credentials are checked: the OAuth2 token endpoint
//! (tokens the mock issues, signed with a key of this run, so that a token of Sinch's or of
//! an earlier run is refused), bearers and HTTP Basic on the project APIs, an SMS service
//! plan's API token, and the application signature on Voice and Verification, verified by
//! the same code as `verify-callback` ([`crate::sinch::signing::verify_request`]).

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use hmac::Mac as _;
use serde_json::{Value, json};
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use super::reply::{Refused, Reply};
use super::route::{Api, Route};
use crate::sinch::Application;
use crate::sinch::oauth::{AccessKey, KeySecret};
use crate::sinch::signing::{
    CallbackKeys, DEFAULT_MAX_AGE_SECS, RawRequest, authorization_scheme, verify_request,
};
use crate::sinch::webhook::WebhookSecrets;

/// One account the mock knows (a profile's secrets): who may call it, and what its
/// callbacks are signed with.
#[derive(Clone)]
pub struct Account {
    /// The profile's name.
    pub name: String,
    /// Its application key and secret (Voice, Verification, and their callbacks).
    pub application: Option<Application>,
    /// Its project access key (OAuth2, the project APIs).
    pub access_key: Option<AccessKey>,
    /// Its SMS service plan: ID and API token.
    pub service_plan: Option<(String, KeySecret)>,
    /// Its webhook secrets (Conversation and SMS, Numbers callbacks).
    pub webhooks: WebhookSecrets,
}

/// The credentials that held, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The account, by its place among the mock's.
    pub account: usize,
    /// The scheme: `bearer`, `basic`, `application`, `service-plan`.
    pub scheme: &'static str,
    /// The string the application signature covered (Voice, Verification).
    pub string_to_sign: Option<String>,
}

/// Credentials refused: what the caller is told (`kind`) and, for the mock's own output
/// only, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// What the answer says.
    pub kind: Refused,
    /// The scheme the call used, when it named one.
    pub scheme: Option<String>,
    /// Why, in a sentence; never sent to the caller.
    pub reason: String,
    /// What the signature should have covered (Voice, Verification).
    pub string_to_sign: Option<String>,
}

fn refuse(kind: Refused, scheme: Option<&str>, reason: impl Into<String>) -> Refusal {
    Refusal {
        kind,
        scheme: scheme.map(str::to_ascii_lowercase),
        reason: reason.into(),
        string_to_sign: None,
    }
}

/// The accounts the mock knows and the key its tokens are signed with.
pub struct Desk {
    accounts: Vec<Account>,
    token_key: Zeroizing<Vec<u8>>,
    token_lifetime: i64,
}

/// What the token endpoint answers: a token, or why not.
pub struct Issued {
    /// The answer.
    pub reply: Reply,
    /// The account it is for.
    pub account: Option<usize>,
    /// Why not, for the mock's own output.
    pub refused: Option<String>,
}

/// The longest token lifetime the mock issues (a day).
pub const MAX_TOKEN_LIFETIME_SECS: i64 = 86_400;

impl Desk {
    /// The mock's desk: `accounts`, a random `token_key` of this run, and how long its tokens
    /// live (Sinch's: 3,600 s).
    pub fn new(accounts: Vec<Account>, token_key: &[u8], token_lifetime_secs: i64) -> Self {
        Self {
            accounts,
            token_key: Zeroizing::new(token_key.to_vec()),
            token_lifetime: token_lifetime_secs.clamp(1, MAX_TOKEN_LIFETIME_SECS),
        }
    }

    /// The accounts.
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    fn mac(&self) -> crate::sinch::HmacSha256 {
        crate::sinch::keyed_mac(&self.token_key)
    }

    /// Answers `POST /oauth2/token`: HTTP Basic (or `client_id`/`client_secret` in the form
    /// body) with a profile's access key, `grant_type=client_credentials`. `jti` names the
    /// token.
    pub fn issue_token(&self, request: &RawRequest, now: DateTime<Utc>, jti: &str) -> Issued {
        let form = String::from_utf8_lossy(&request.body).into_owned();
        let field = |name: &str| super::route::query_value(&form, name);
        let refused = |status: u16, error: &str, why: String| Issued {
            reply: Reply::json(
                status,
                &json!({"error": error, "error_description": match error {
                    "invalid_client" => "Client authentication failed",
                    "unsupported_grant_type" => "Only client_credentials is supported",
                    _ => "The request is missing a parameter",
                }}),
            ),
            account: None,
            refused: Some(why),
        };
        match field("grant_type").as_deref() {
            Some("client_credentials") => {}
            Some(other) => {
                return refused(
                    400,
                    "unsupported_grant_type",
                    format!(
                        "grant_type is \"{}\": Sinch's auth server takes client_credentials",
                        crate::sinch::text::one_line(other)
                    ),
                );
            }
            None => {
                return refused(
                    400,
                    "invalid_request",
                    "the form body has no grant_type=client_credentials".into(),
                );
            }
        }
        let pair = match request.header("authorization").map(authorization_scheme) {
            Some((Some(scheme), value)) if scheme.eq_ignore_ascii_case("basic") => {
                basic_pair(value)
            }
            Some(_) => None,
            None => match (field("client_id"), field("client_secret")) {
                (Some(id), Some(secret)) => Some((id, Zeroizing::new(secret))),
                _ => None,
            },
        };
        let Some((key_id, secret)) = pair else {
            let why = if request.header("authorization").is_some() {
                "the Authorization is not Basic base64(KEY_ID:KEY_SECRET) in UTF-8"
            } else {
                "no client credentials: HTTP Basic with the access key's Key ID and Key Secret, \
                 or client_id and client_secret in the form body"
            };
            let mut issued = refused(401, "invalid_client", why.into());
            issued.reply = issued
                .reply
                .with_header("WWW-Authenticate", "Basic realm=\"sinch\"");
            return issued;
        };
        let Some((account, key)) = self.account_with_key_id(&key_id, &secret) else {
            let why = if self.accounts.iter().any(|a| {
                a.access_key
                    .as_ref()
                    .is_some_and(|k| k.key_id.eq_ignore_ascii_case(&key_id))
            }) {
                format!(
                    "Key ID {} is known, but the Key Secret is not its own",
                    crate::sinch::text::one_line(&key_id)
                )
            } else {
                format!(
                    "no profile given to the mock has the access key {}",
                    crate::sinch::text::one_line(&key_id)
                )
            };
            let mut issued = refused(401, "invalid_client", why);
            issued.reply = issued
                .reply
                .with_header("WWW-Authenticate", "Basic realm=\"sinch\"");
            return issued;
        };
        let token = self.token(key, now, jti);
        Issued {
            reply: Reply::json(
                200,
                &json!({
                    "access_token": token,
                    "expires_in": self.token_lifetime,
                    "scope": "",
                    "token_type": "bearer",
                }),
            ),
            account: Some(account),
            refused: None,
        }
    }

    fn account_with_key_id(&self, key_id: &str, secret: &str) -> Option<(usize, &AccessKey)> {
        self.accounts.iter().enumerate().find_map(|(n, a)| {
            a.access_key
                .as_ref()
                .filter(|k| {
                    k.key_id.eq_ignore_ascii_case(key_id)
                        && same_secret(k.key_secret.expose(), secret)
                })
                .map(|k| (n, k))
        })
    }

    /// A token for `key`, JWT-shaped as Sinch's are (the SDKs read its `exp` to renew it a
    /// minute early), signed with this run's key.
    fn token(&self, key: &AccessKey, now: DateTime<Utc>, jti: &str) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let claims = json!({
            "iss": "sinch-ticket mock",
            "sub": key.key_id,
            "project_id": key.project_id,
            "iat": now.timestamp(),
            "exp": now.timestamp() + self.token_lifetime,
            "jti": jti,
        });
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signed = format!("{header}.{payload}");
        let mut mac = self.mac();
        mac.update(signed.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signed}.{signature}")
    }

    /// The claims of a token this run issued, when its signature is this run's.
    fn claims(&self, token: &str) -> Option<Value> {
        let (signed, signature) = token.rsplit_once('.')?;
        let (_, payload) = signed.split_once('.')?;
        let given = URL_SAFE_NO_PAD.decode(signature).ok()?;
        let mut mac = self.mac();
        mac.update(signed.as_bytes());
        mac.verify_slice(&given).ok()?;
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
    }

    /// Checks the credentials of a call to `route` (not the token endpoint).
    pub fn check(
        &self,
        route: &Route,
        request: &RawRequest,
        now: DateTime<Utc>,
    ) -> Result<Caller, Refusal> {
        match route.api() {
            Api::Voice | Api::Verification => self.check_application(request, now),
            Api::Sms | Api::Conversation | Api::Numbers => self.check_project(route, request, now),
            Api::Auth => Err(refuse(Refused::Invalid, None, "the token endpoint")),
        }
    }

    fn check_project(
        &self,
        route: &Route,
        request: &RawRequest,
        now: DateTime<Utc>,
    ) -> Result<Caller, Refusal> {
        let project = route.project().unwrap_or_default();
        let Some(authorization) = request.header("authorization") else {
            return Err(refuse(
                Refused::Missing,
                None,
                "there is no Authorization header: the project APIs take an OAuth2 bearer token",
            ));
        };
        let (scheme, value) = authorization_scheme(authorization);
        let caller = |account: usize, scheme: &'static str| Caller {
            account,
            scheme,
            string_to_sign: None,
        };
        match scheme.map(str::to_ascii_lowercase).as_deref() {
            Some("bearer") if value.matches('.').count() == 2 => {
                let Some(claims) = self.claims(value) else {
                    return Err(refuse(
                        Refused::Invalid,
                        scheme,
                        "the bearer token's signature is not this run's: it was changed, or it \
                         is a token of auth.sinch.com or of an earlier run of the mock (fetch one \
                         at /oauth2/token)",
                    ));
                };
                let exp = claims["exp"].as_i64().unwrap_or(0);
                if exp <= now.timestamp() {
                    return Err(refuse(
                        Refused::Expired,
                        scheme,
                        format!(
                            "the bearer token expired {} ago: answered 401 with \"expired\" in \
                             WWW-Authenticate, on which the SDKs fetch a new one",
                            crate::sinch::time::format_duration(
                                (now.timestamp() - exp).unsigned_abs()
                            )
                        ),
                    ));
                }
                let key_id = claims["sub"].as_str().unwrap_or_default();
                let token_project = claims["project_id"].as_str().unwrap_or_default();
                let account = self.accounts.iter().position(|a| {
                    a.access_key
                        .as_ref()
                        .is_some_and(|k| k.key_id == key_id && k.project_id == token_project)
                });
                let Some(account) = account else {
                    return Err(refuse(
                        Refused::Invalid,
                        scheme,
                        "the token's access key is no longer among the mock's profiles",
                    ));
                };
                if token_project != project {
                    return Err(refuse(
                        Refused::OtherProject,
                        scheme,
                        format!(
                            "the token is for project {token_project}, the path names {}",
                            crate::sinch::text::one_line(project)
                        ),
                    ));
                }
                Ok(caller(account, "bearer"))
            }
            Some("bearer") if route.api() == Api::Sms => {
                let plan = self.accounts.iter().position(|a| {
                    a.service_plan.as_ref().is_some_and(|(id, token)| {
                        id == project && same_secret(token.expose(), value)
                    })
                });
                match plan {
                    Some(account) => Ok(caller(account, "service-plan")),
                    None if self
                        .accounts
                        .iter()
                        .any(|a| a.service_plan.as_ref().is_some_and(|(id, _)| id == project)) =>
                    {
                        Err(refuse(
                            Refused::Invalid,
                            scheme,
                            "the bearer is not this service plan's API token",
                        ))
                    }
                    None => Err(refuse(
                        Refused::Invalid,
                        scheme,
                        format!(
                            "the bearer is neither a token of this mock nor the API token of a \
                             service plan it knows (the path names {})",
                            crate::sinch::text::one_line(project)
                        ),
                    )),
                }
            }
            Some("bearer") => Err(refuse(
                Refused::Invalid,
                scheme,
                "the bearer is not a token of this mock (fetch one at /oauth2/token)",
            )),
            Some("basic") => {
                let Some((key_id, secret)) = basic_pair(value) else {
                    return Err(refuse(
                        Refused::Invalid,
                        scheme,
                        "the Basic credentials are not base64 of KEY_ID:KEY_SECRET",
                    ));
                };
                match self.account_with_key_id(&key_id, &secret) {
                    Some((account, key)) if key.project_id == project => {
                        Ok(caller(account, "basic"))
                    }
                    Some(_) => Err(refuse(
                        Refused::OtherProject,
                        scheme,
                        "the access key belongs to another project than the path's",
                    )),
                    None => Err(refuse(
                        Refused::Invalid,
                        scheme,
                        "the Basic credentials are not an access key of the mock's profiles",
                    )),
                }
            }
            Some(other) => Err(refuse(
                Refused::Missing,
                scheme,
                format!(
                    "the Authorization scheme is \"{other}\": the project APIs take Bearer (or Basic with the access key)"
                ),
            )),
            None => Err(refuse(
                Refused::Missing,
                None,
                "the Authorization header has no scheme word",
            )),
        }
    }

    fn check_application(
        &self,
        request: &RawRequest,
        now: DateTime<Utc>,
    ) -> Result<Caller, Refusal> {
        let Some(authorization) = request.header("authorization") else {
            return Err(refuse(
                Refused::Missing,
                None,
                "there is no Authorization header: Voice and Verification take the application \
                 signature (Application KEY:SIGNATURE)",
            ));
        };
        let (scheme, value) = authorization_scheme(authorization);
        let word = scheme.map(str::to_ascii_lowercase);
        let key = match word.as_deref() {
            Some("application") => value.split_once(':').map(|(key, _)| key.to_owned()),
            Some("basic") => basic_pair(value).map(|(key, _)| key),
            Some(other) => {
                return Err(refuse(
                    Refused::Missing,
                    scheme,
                    format!(
                        "the Authorization scheme is \"{other}\": Voice and Verification take \
                         Application (or Basic with the application key and secret)"
                    ),
                ));
            }
            None => {
                return Err(refuse(
                    Refused::Missing,
                    None,
                    "the Authorization header has no scheme word",
                ));
            }
        };
        let Some(key) = key else {
            return Err(refuse(
                Refused::Missing,
                scheme,
                "the Authorization value is not KEY:SIGNATURE",
            ));
        };
        let found = self.accounts.iter().enumerate().find_map(|(n, a)| {
            a.application
                .as_ref()
                .filter(|app| app.key.eq_ignore_ascii_case(&key))
                .map(|app| (n, app))
        });
        let Some((account, app)) = found else {
            return Err(refuse(
                Refused::Invalid,
                scheme,
                format!(
                    "no profile given to the mock has the application key {}",
                    crate::sinch::text::one_line(&key)
                ),
            ));
        };
        let verdict = verify_request(
            request,
            CallbackKeys {
                key: Some(&app.key),
                secret: &app.secret,
            },
            now,
            Some(DEFAULT_MAX_AGE_SECS),
        );
        let scheme_name: &'static str = if word.as_deref() == Some("basic") {
            "basic"
        } else {
            "application"
        };
        if verdict.verified {
            return Ok(Caller {
                account,
                scheme: scheme_name,
                string_to_sign: verdict.string_to_sign,
            });
        }
        let kind = if verdict.too_old
            || (scheme_name == "application" && request.header("x-timestamp").is_none())
        {
            Refused::Timestamp
        } else {
            Refused::Invalid
        };
        Err(Refusal {
            kind,
            scheme: Some(scheme_name.to_owned()),
            reason: verdict.reason.unwrap_or_default(),
            string_to_sign: verdict.string_to_sign,
        })
    }
}

/// Whether two secrets are the same, in a time that tells nothing of either: their SHA-256
/// digests are compared in constant time (comparing the texts would end early when their
/// lengths differ, telling a secret's length).
fn same_secret(expected: &str, given: &str) -> bool {
    use sha2::Digest as _;
    let (expected, given) = (
        sha2::Sha256::digest(expected.as_bytes()),
        sha2::Sha256::digest(given.as_bytes()),
    );
    bool::from(expected.as_slice().ct_eq(given.as_slice()))
}

/// `KEY:SECRET` from the base64 of an HTTP Basic value (the secret wiped when dropped).
fn basic_pair(value: &str) -> Option<(String, Zeroizing<String>)> {
    let decoded = Zeroizing::new(String::from_utf8(STANDARD.decode(value.trim()).ok()?).ok()?);
    let (key, secret) = decoded.split_once(':')?;
    Some((key.to_owned(), Zeroizing::new(secret.to_owned())))
}
