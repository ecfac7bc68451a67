//! `sign`, `send` and `verify-callback`: Sinch REST requests signed with a profile's key and
//! secret, and the signed callbacks Sinch sends back. The signing and checking are the
//! core's ([`crate::sinch::signing`]); this file reads arguments and prints.

use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use clap::Args;

use super::args::{MaxAge, ProjectArgs, duration, max_age};
use super::project_keys;
use super::stdio::{read_body, read_body_file};
use super::{CredentialArgs, Failure, credentials, exit, stdio, warn};
use crate::net::client;
use crate::net::http1::parse_request;
use crate::net::oauth;
use crate::net::target::{self, parse_url};
use crate::sinch::api::{self, Bearer};
use crate::sinch::oauth::ApiAuth;
use crate::sinch::received::{Secrets, scheme_to_check, verify_received};
use crate::sinch::signing::{
    self, CallbackKeys, CurlBody, RequestVerdict, SignRequest, Signed, check_content_type,
    check_method, curl_command, header_lines, sign_request,
};
use crate::sinch::webhook::{Scheme, WebhookSecrets};

/// The largest body read from a file or standard input.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// The request to sign or send.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// The HTTP method: GET, POST, PUT, PATCH, DELETE.
    #[arg(value_name = "METHOD")]
    method: String,
    /// The full URL, e.g. https://calling.api.sinch.com/calling/v1/callouts; its path and
    /// query are signed exactly as written.
    #[arg(value_name = "URL")]
    url: String,
    /// The body, sent and signed byte for byte.
    #[arg(long, value_name = "TEXT", conflicts_with = "data_file")]
    data: Option<String>,
    /// Read the body from FILE ('-' for standard input), byte for byte.
    #[arg(long, value_name = "FILE|-")]
    data_file: Option<PathBuf>,
    /// The Content-Type, signed exactly as written (a body without one is sent as
    /// application/json).
    #[arg(long, value_name = "TYPE")]
    content_type: Option<String>,
}

/// How a request is authorized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthArg {
    /// Sinch's application signing with the application key and secret (Voice,
    /// Verification).
    Application,
    /// HTTP Basic with the application key and secret (quick tests only).
    Basic,
    /// An OAuth2 bearer token from the profile's project access key (SMS, Conversation,
    /// Numbers).
    Oauth,
    /// The SMS service plan's API token as the bearer.
    ServicePlan,
}

impl From<AuthArg> for ApiAuth {
    fn from(auth: AuthArg) -> Self {
        match auth {
            AuthArg::Application => ApiAuth::Application,
            AuthArg::Basic => ApiAuth::Basic,
            AuthArg::Oauth => ApiAuth::OAuth,
            AuthArg::ServicePlan => ApiAuth::ServicePlan,
        }
    }
}

/// The authorization a request takes: `--auth`, or the one its host takes (the SMS,
/// Conversation and Numbers hosts: OAuth), or the application's.
fn choose_auth(given: Option<AuthArg>, url: &str) -> ApiAuth {
    given.map_or_else(|| target::auth_for_url(url), ApiAuth::from)
}

/// Arguments of `sinch-ticket sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    #[command(flatten)]
    request: RequestArgs,
    /// How to authorize it: application (signed), basic, oauth (a bearer token from the
    /// project access key), service-plan; by default, what the host takes.
    #[arg(long, value_enum, value_name = "HOW")]
    auth: Option<AuthArg>,
    #[command(flatten)]
    project: ProjectArgs,
    /// The x-timestamp to sign (RFC 3339, used verbatim); defaults to now, whole seconds.
    #[arg(long, value_name = "RFC3339")]
    timestamp: Option<String>,
    /// Print the headers and what was signed as JSON.
    #[arg(long, conflicts_with = "curl")]
    json: bool,
    /// Print a ready curl command that sends the exact body.
    #[arg(long)]
    curl: bool,
    #[command(flatten)]
    credentials: CredentialArgs,
}

/// Arguments of `sinch-ticket send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    #[command(flatten)]
    request: RequestArgs,
    /// How to authorize it: application (signed), basic, oauth (a bearer token from the
    /// project access key, renewed once when the API says it expired), service-plan; by
    /// default, what the host takes.
    #[arg(long, value_enum, value_name = "HOW")]
    auth: Option<AuthArg>,
    #[command(flatten)]
    project: ProjectArgs,
    /// Another header to send, as 'Name: value' (not signed; repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// How long the whole exchange may take (connecting takes at most 10 s of it).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = duration)]
    timeout: u64,
    #[command(flatten)]
    credentials: CredentialArgs,
}

/// Arguments of `sinch-ticket verify-callback`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The raw HTTP request (request line, headers, empty line, body); '-' or nothing reads
    /// it from standard input.
    #[arg(value_name = "FILE|-")]
    file: Option<PathBuf>,
    /// How far the x-timestamp may be from now (a duration such as 15m, or 'none'); older
    /// requests may be replays.
    #[arg(long, value_name = "DURATION|none", default_value = "15m", value_parser = max_age)]
    max_age: MaxAge,
    /// Print the verdict as JSON.
    #[arg(long)]
    json: bool,
    /// Which signature to check: found from the request (auto), or forced.
    #[arg(long, value_enum, value_name = "SCHEME", default_value = "auto")]
    scheme: SchemeArg,
    /// Read the webhook secret (Conversation, SMS, Numbers, Mailgun) from standard input,
    /// instead of the profile's (--profile) or SINCH_WEBHOOK_SECRET.
    #[arg(long)]
    webhook_secret_stdin: bool,
    #[command(flatten)]
    credentials: CredentialArgs,
}

/// The signature schemes `verify-callback` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemeArg {
    /// Whichever the request carries.
    Auto,
    /// Sinch's application signing (Voice, Verification) or HTTP Basic: the application key
    /// and secret.
    Application,
    /// Voice API v2 (preview) webhooks (Authorization: service ID:SIGNATURE): the service ID
    /// as --key, the service's secret as the application secret.
    Service,
    /// Conversation API webhooks (x-sinch-webhook-signature): the webhook secret.
    Conversation,
    /// SMS callbacks with HMAC switched on: the same scheme as Conversation.
    Sms,
    /// Numbers API callbacks (X-Sinch-Signature): the project's callback secret.
    Numbers,
    /// Mailgun webhooks: the HTTP webhook signing key.
    Mailgun,
}

/// The body and Content-Type to send, read and checked.
fn body(args: &RequestArgs) -> Result<(Vec<u8>, Option<String>), Failure> {
    let body = match (&args.data, &args.data_file) {
        (Some(text), _) => text.as_bytes().to_vec(),
        (None, Some(path)) => read_body_file(path, MAX_BODY_BYTES)?,
        (None, None) => Vec::new(),
    };
    let content_type = match &args.content_type {
        Some(ct) => {
            check_content_type(ct)
                .map_err(|why| Failure::usage(format!("--content-type: {why}")))?;
            Some(ct.clone())
        }
        None if !body.is_empty() => {
            warn("no --content-type given: the body is sent and signed as application/json");
            Some("application/json".to_owned())
        }
        None => None,
    };
    if content_type
        .as_deref()
        .is_some_and(|ct| ct.to_ascii_lowercase().contains("json"))
        && !body.is_empty()
        && serde_json::from_slice::<serde_json::Value>(&body).is_err()
    {
        warn("the body is not valid JSON, though its Content-Type says JSON: it is sent as given");
    }
    Ok((body, content_type))
}

fn stdin_for(args: &RequestArgs) -> Option<&'static str> {
    args.data_file
        .as_ref()
        .is_some_and(|p| p.as_os_str() == "-")
        .then_some("--data-file -")
}

/// Reads the credentials and the body `request` describes, and signs them at `stamp`: what
/// `sign` prints and `send` sends. The secret is dropped here, once it has signed.
fn prepare(
    request: &RequestArgs,
    credentials: &CredentialArgs,
    stamp: &str,
) -> Result<(Signed, Vec<u8>), Failure> {
    let target = parse_url(&request.url)?;
    check_method(&request.method).map_err(|err| Failure::usage(err.to_string()))?;
    let crate::sinch::Application { key, secret } =
        credentials::for_signing(credentials, stdin_for(request))?;
    let (body, content_type) = body(request)?;
    let signed = sign_request(
        &key,
        &secret,
        &SignRequest {
            method: &request.method,
            resource: target.resource,
            content_type: content_type.as_deref(),
            body: &body,
            timestamp: stamp,
        },
    );
    Ok((signed, body))
}

/// `sinch-ticket sign`.
pub fn sign(args: &SignArgs) -> Result<u8, Failure> {
    let stamp = match &args.timestamp {
        Some(text) => {
            chrono::DateTime::parse_from_rfc3339(text).map_err(|_| {
                Failure::usage(format!(
                    "--timestamp '{text}' is not an RFC 3339 time: write it like 2014-06-04T13:41:58Z"
                ))
            })?;
            text.clone()
        }
        None => signing::timestamp(Utc::now()),
    };
    let auth = choose_auth(args.auth, &args.request.url);
    if auth != ApiAuth::Application {
        let authorized = authorize(&args.request, &args.credentials, &args.project, auth, 30)?;
        if args.json {
            let report = serde_json::json!({
                "url": authorized.url,
                "auth": format!("{auth:?}").to_ascii_lowercase(),
                "headers": authorized.headers.iter().map(|(n, v)| format!("{n}: {v}")).collect::<Vec<_>>(),
            });
            return stdio::line(&format!("{report:#}")).map(|()| exit::OK);
        }
        if args.curl {
            let body = match &args.request.data_file {
                Some(path) if path.as_os_str() != "-" => CurlBody::File(path),
                _ => CurlBody::Bytes(&authorized.body),
            };
            let command = signing::curl_with_headers(
                &args.request.method,
                &authorized.url,
                &authorized.headers,
                body,
            );
            return stdio::line(&command).map(|()| exit::OK);
        }
        let lines: Vec<String> = authorized
            .headers
            .iter()
            .map(|(n, v)| format!("{n}: {v}"))
            .collect();
        return stdio::human(&lines.join("\n")).map(|()| exit::OK);
    }
    let (signed, body) = prepare(&args.request, &args.credentials, &stamp)?;
    if args.json {
        let report = serde_json::to_value(&signed)
            .map_err(|err| Failure::system(format!("could not write JSON: {err}")))?;
        return stdio::line(&format!("{report:#}")).map(|()| exit::OK);
    }
    if args.curl {
        return stdio::line(&curl(&args.request, &signed, &body)).map(|()| exit::OK);
    }
    stdio::human(&header_lines(&signed)).map(|()| exit::OK)
}

/// The curl command for what was signed, reading the body from where the arguments said.
fn curl(args: &RequestArgs, signed: &Signed, body: &[u8]) -> String {
    let body = match &args.data_file {
        Some(path) if path.as_os_str() != "-" => CurlBody::File(path),
        _ => CurlBody::Bytes(body),
    };
    curl_command(&args.method, &args.url, signed, body)
}

/// Headers `-H` may not set: they frame the request (the client writes them from the body
/// and the URL) or they are what was signed (`--content-type` sets the Content-Type).
const NOT_EXTRA: [(&str, &str); 6] = [
    ("content-length", "the client writes it from the body"),
    (
        "transfer-encoding",
        "the client writes the body with a Content-Length",
    ),
    ("host", "the client writes it from the URL"),
    ("authorization", "it is the signature this command makes"),
    (
        "x-timestamp",
        "it is signed: give --timestamp to `sign` instead",
    ),
    ("content-type", "it is signed: give --content-type instead"),
];

/// One `-H 'Name: value'`, checked as HTTP defines a header.
fn extra_header(header: &str) -> Result<(String, String), Failure> {
    let Some((name, value)) = header.split_once(':') else {
        return Err(Failure::usage(format!(
            "-H '{}' is not 'Name: value'",
            crate::sinch::text::terminal_safe(header)
        )));
    };
    let (name, value) = (name.trim(), value.trim());
    if let Some((_, why)) = NOT_EXTRA.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
        return Err(Failure::usage(format!("-H cannot set {name}: {why}")));
    }
    if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
        return Err(Failure::usage(format!(
            "-H: '{}' is not a header name (letters, digits and - only, no spaces)",
            crate::sinch::text::terminal_safe(name)
        )));
    }
    if http::HeaderValue::from_str(value).is_err() {
        return Err(Failure::usage(format!(
            "-H {name}: the value holds a line break or another character a header cannot carry"
        )));
    }
    Ok((name.to_owned(), value.to_owned()))
}

/// A request authorized another way than the application's signing: the URL with its
/// placeholders filled, the headers to send (Authorization first) and the body; for OAuth,
/// what renews the token when the API says it expired.
struct Authorized {
    url: String,
    /// Authorization first, then the Content-Type.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    oauth: Option<OAuthCall>,
}

/// What an OAuth call needs to renew its token once.
struct OAuthCall {
    key: crate::sinch::oauth::AccessKey,
    cache: Box<dyn oauth::TokenCache>,
    token: crate::sinch::oauth::AccessToken,
}

/// Authorizes `request` with `auth` (not the application's signing), within `timeout`
/// seconds for a token.
fn authorize(
    request: &RequestArgs,
    credentials: &CredentialArgs,
    project_args: &ProjectArgs,
    auth: ApiAuth,
    timeout: u64,
) -> Result<Authorized, Failure> {
    check_method(&request.method).map_err(|err| Failure::usage(err.to_string()))?;
    let (body, content_type) = body(request)?;
    let mut headers = Vec::new();
    let (url, oauth) = match auth {
        // (The application's signing is `prepare`'s; HTTP Basic carries the same key and
        // secret.)
        ApiAuth::Application | ApiAuth::Basic => {
            let crate::sinch::Application { key, secret } =
                credentials::for_signing(credentials, stdin_for(request))?;
            let authorized = api::authorize(
                &request.url,
                Bearer::Basic {
                    key: &key,
                    secret: &secret,
                },
            );
            headers.push((
                "Authorization".to_owned(),
                authorized.authorization.to_string(),
            ));
            (authorized.url, None)
        }
        ApiAuth::OAuth => {
            let (profile, key) =
                project_keys::access_key(credentials.profile.as_deref(), project_args)?;
            let cache = project_keys::cache_for(profile, &key, project_args)?;
            let (token, _) = oauth::token(
                &key,
                project_args.fetch(Duration::from_secs(timeout)),
                &*cache,
            )?;
            let authorized = api::authorize(
                &request.url,
                Bearer::OAuth {
                    project_id: &key.project_id,
                    token: token.token.as_str(),
                },
            );
            headers.push((
                "Authorization".to_owned(),
                authorized.authorization.to_string(),
            ));
            (authorized.url, Some(OAuthCall { key, cache, token }))
        }
        ApiAuth::ServicePlan => {
            let profiles = credentials::user_profiles()?;
            let name = match &credentials.profile {
                Some(name) => name.clone(),
                None => profiles.default_name()?.ok_or_else(|| {
                    Failure::usage("no profile: save a service plan with `sinch-ticket profile add NAME --service-plan-id ID`")
                })?,
            };
            let (plan, token) = profiles.service_plan(&name)?;
            let authorized = api::authorize(
                &request.url,
                Bearer::ServicePlan {
                    plan_id: &plan,
                    token: token.expose(),
                },
            );
            headers.push((
                "Authorization".to_owned(),
                authorized.authorization.to_string(),
            ));
            (authorized.url, None)
        }
    };
    if let Some(content_type) = content_type {
        headers.push(("Content-Type".to_owned(), content_type));
    }
    parse_url(&url)?;
    Ok(Authorized {
        url,
        headers,
        body,
        oauth,
    })
}

/// `send` with a bearer or Basic: the token is renewed once when the API says it expired.
fn send_authorized(
    args: &SendArgs,
    auth: ApiAuth,
    extra: Vec<(String, String)>,
) -> Result<u8, Failure> {
    let authorized = authorize(
        &args.request,
        &args.credentials,
        &args.project,
        auth,
        args.timeout,
    )?;
    let url = target::sendable(&authorized.url)?;
    let timeout = Duration::from_secs(args.timeout);
    let mut headers = authorized.headers;
    headers.extend(extra);
    let answer = match authorized.oauth {
        Some(OAuthCall { key, cache, token }) => {
            // The bearer goes in on each attempt, fresh when renewed.
            headers.retain(|(name, _)| name != "Authorization");
            let outgoing = client::Outgoing {
                method: &args.request.method,
                url: &authorized.url,
                headers,
                body: authorized.body,
                timeout,
            };
            let fetch = args.project.fetch(timeout);
            let (answer, _, renewed) = oauth::send_with_bearer(&url, &outgoing, token, || {
                oauth::renew(&key, fetch, &*cache)
            })
            .map_err(|err| match err {
                oauth::BearerError::Send(err) => Failure::from(err),
                oauth::BearerError::Fetch(err) => Failure::from(err),
            })?;
            if renewed {
                warn(
                    "the API said the token had expired: a new one was fetched and the call sent once more",
                );
            }
            answer
        }
        None => client::send(
            &url,
            client::Outgoing {
                method: &args.request.method,
                url: &authorized.url,
                headers,
                body: authorized.body,
                timeout,
            },
        )?,
    };
    print_answer(&answer)
}

/// Prints an answer and gives the exit status: 0 for 2xx, 1 otherwise.
fn print_answer(answer: &client::Answer) -> Result<u8, Failure> {
    stdio::human(&answer.status_line())?;
    if !answer.body.is_empty() {
        stdio::human(&answer.pretty_body())?;
    }
    Ok(if answer.is_success() {
        exit::OK
    } else {
        exit::REJECTED
    })
}

/// `sinch-ticket send`.
pub fn send(args: &SendArgs) -> Result<u8, Failure> {
    let mut extra = Vec::new();
    for header in &args.headers {
        extra.push(extra_header(header)?);
    }
    let auth = choose_auth(args.auth, &args.request.url);
    if auth != ApiAuth::Application {
        return send_authorized(args, auth, extra);
    }
    let url = target::sendable(&args.request.url)?;
    let stamp = signing::timestamp(Utc::now());
    let (signed, body) = prepare(&args.request, &args.credentials, &stamp)?;
    let mut headers = signed.headers();
    headers.extend(extra);
    let answer = client::send(
        &url,
        client::Outgoing {
            method: &args.request.method,
            url: &args.request.url,
            headers,
            body,
            timeout: Duration::from_secs(args.timeout),
        },
    )?;
    print_answer(&answer)
}

/// `sinch-ticket verify-callback`.
pub fn verify_callback(args: &VerifyArgs) -> Result<u8, Failure> {
    let from_stdin = args.file.as_ref().is_none_or(|f| f.as_os_str() == "-");
    let stdin_taken = from_stdin.then_some("reading the request from it");
    let raw = match &args.file {
        Some(path) if path.as_os_str() != "-" => {
            let file = std::fs::File::open(path)
                .map_err(|err| Failure::io(&format!("opening {}", path.display()), &err))?;
            read_body(file, &path.display().to_string(), MAX_BODY_BYTES)?
        }
        _ => read_body(
            std::io::stdin().lock(),
            "the request on standard input",
            MAX_BODY_BYTES,
        )?,
    };
    let parsed = parse_request(&raw).map_err(|err| {
        let advice = if err.is_incomplete_paste() {
            ": give the whole request, from its request line to its body (a file, or on standard input)"
        } else {
            ""
        };
        Failure::usage(format!("{err}{advice}"))
    })?;
    let forced = match args.scheme {
        SchemeArg::Auto => None,
        SchemeArg::Application | SchemeArg::Service => Some(None),
        SchemeArg::Conversation | SchemeArg::Sms => Some(Some(Scheme::Conversation)),
        SchemeArg::Numbers => Some(Some(Scheme::Numbers)),
        SchemeArg::Mailgun => Some(Some(Scheme::Mailgun)),
    };
    // The decision is `listen`'s and the Verify part's (`verify_received`); only the secret
    // of the kind it needs is fetched first.
    let scheme = scheme_to_check(&parsed, forced);
    let mut webhooks = WebhookSecrets::default();
    let mut application = None;
    match scheme {
        Some(scheme) => webhooks.insert(
            scheme,
            credentials::webhook_secret_for(
                &args.credentials,
                args.webhook_secret_stdin,
                stdin_taken,
                scheme,
            )?,
        ),
        None => {
            let credentials = credentials::for_verifying(&args.credentials, stdin_taken)?;
            let Some(credentials) = credentials else {
                return Err(Failure::usage(format!(
                    "no secret to verify with: use --profile NAME, or --key KEY with {} or --secret-stdin",
                    super::SECRET_ENV
                )));
            };
            if credentials.key.is_none() {
                warn("no --key given: the key the request names is taken as it is");
            }
            application = Some(credentials);
        }
    }
    let (verdict, _) = verify_received(
        &parsed,
        Secrets {
            application: application.as_ref().map(|c| CallbackKeys {
                key: c.key.as_deref(),
                secret: &c.secret,
            }),
            webhooks: &webhooks,
        },
        Some(scheme),
        Utc::now(),
        args.max_age.0,
    );
    drop(webhooks);
    drop(application);
    report_verdict(args.json, &parsed, &verdict)
}

/// Prints a verdict (its JSON, or sentences) and gives the exit status.
fn report_verdict(
    json: bool,
    parsed: &crate::sinch::signing::RawRequest,
    verdict: &RequestVerdict,
) -> Result<u8, Failure> {
    if json {
        let report = serde_json::to_string_pretty(&verdict)
            .map_err(|err| Failure::system(format!("could not write JSON: {err}")))?;
        stdio::line(&report)?;
    } else {
        let mut text = if verdict.verified {
            format!(
                "Verified: {} {} signed with the {} scheme.",
                parsed.method,
                parsed.target,
                verdict
                    .scheme
                    .as_ref()
                    .map_or("?", crate::sinch::signing::SignedWith::name)
            )
        } else {
            format!(
                "NOT VERIFIED: {}{}",
                verdict.reason.as_deref().unwrap_or("unknown"),
                if verdict.too_old {
                    "; allow it with --max-age"
                } else {
                    ""
                }
            )
        };
        for warning in &verdict.warnings {
            text.push_str(&format!("\nwarning: {warning}"));
        }
        if !verdict.verified
            && let Some(string_to_sign) = &verdict.string_to_sign
        {
            text.push_str("\nString to sign (between the lines):\n---\n");
            text.push_str(string_to_sign);
            text.push_str("\n---");
        }
        stdio::human(&text)?;
    }
    Ok(if verdict.verified {
        exit::OK
    } else {
        exit::REJECTED
    })
}
