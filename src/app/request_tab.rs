//! The Request tab: a call to Sinch's REST APIs with the selected profile: signed with its
//! application key and secret (Voice, Verification), or authorized with an OAuth2 token
//! from its project access key (SMS, Conversation, Numbers; fetched on a worker thread,
//! renewed once when the API says it expired), HTTP Basic, or its SMS service plan. Its
//! headers are copied as curl or as headers (with the clipboard rules of a ticket: a
//! signed request can be replayed until its timestamp ages, a token until it expires), or
//! sent from a worker thread with the response shown.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use eframe::egui::{self, Button, ComboBox, Grid, RichText, TextEdit, Ui};

use super::action::{Action, PanelContext, ProfileState, RequestDo, TabPanel};
use super::job::Slot;
use super::panes::{Pane, two_panes};
use super::widgets::{
    OK_GREEN, capitalize, error_text, field_width, labelled, list_item, read_only_block,
    shown_value, warning_text,
};
use crate::net::client::SendError;
use crate::net::client::{self, Answer};
use crate::net::oauth::{self as net_oauth, Fetch, NoCache, TokenCache};
use crate::net::target::{self, parse_url};
use crate::profiles::{KeptTokens, Profile, Profiles, SecretStore};
use crate::sinch::api::{self, Bearer};
use crate::sinch::oauth::{AUTH_URL, AccessToken, ApiAuth};
use crate::sinch::signing::{
    self, CurlBody, SignRequest, Signed, check_content_type, check_method, curl_command,
    curl_with_headers, header_lines, sign_request,
};
use crate::sinch::time::describe_expiry;

/// How the request is authorized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthChoice {
    /// What the host takes: OAuth for the SMS, Conversation and Numbers hosts, the
    /// application's signing otherwise.
    #[default]
    ByHost,
    /// One of them, whatever the host.
    Chosen(ApiAuth),
}

const AUTHS: [(AuthChoice, &str, &str); 5] = [
    (
        AuthChoice::ByHost,
        "By host",
        "What the host takes: the application's signing for Voice and Verification, OAuth2 for Conversation, Numbers and SMS's zt. hosts, the service plan's token for SMS's other hosts",
    ),
    (
        AuthChoice::Chosen(ApiAuth::Application),
        "Signed",
        "Signed with the application key and secret (Voice, Verification)",
    ),
    (
        AuthChoice::Chosen(ApiAuth::OAuth),
        "OAuth2",
        "A bearer token from the profile's project access key (SMS, Conversation, Numbers)",
    ),
    (
        AuthChoice::Chosen(ApiAuth::ServicePlan),
        "Service plan",
        "The profile's SMS service plan API token as the bearer",
    ),
    (
        AuthChoice::Chosen(ApiAuth::Basic),
        "Basic",
        "HTTP Basic with the application key and secret (quick tests only)",
    ),
];

/// How the request went out: signed, or with an Authorization of another kind.
pub enum Authorization {
    /// Signed with the application key and secret.
    Signed(Signed),
    /// Headers to send as they are (Authorization first).
    Headers(Vec<(String, String)>),
}

impl Authorization {
    /// The headers sent.
    pub fn headers(&self) -> Vec<(String, String)> {
        match self {
            Authorization::Signed(signed) => signed.headers(),
            Authorization::Headers(headers) => headers.clone(),
        }
    }
}

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// An answer, and the token a send renewed on the way (the API said the old one expired).
pub struct Sent {
    /// The API's answer.
    pub answer: Answer,
    /// The new token, when one was fetched.
    pub renewed: Option<AccessToken>,
}

/// Headers as lines to paste into another tool.
fn header_text(headers: &[(String, String)]) -> String {
    headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What was last signed, exactly as it goes out.
pub struct SignedRequest {
    /// The method.
    pub method: String,
    /// The whole URL.
    pub url: String,
    /// The headers and, when signed, the string to sign.
    pub auth: Authorization,
    /// How it was authorized.
    pub how: ApiAuth,
    /// The body bytes.
    pub body: Vec<u8>,
    /// The form it was made from ([`RequestTab::form_print`]): once the form differs, it is
    /// said to be from an earlier form.
    pub form: u64,
}

/// The Request tab's state.
pub struct RequestTab {
    /// The method.
    pub method: String,
    /// The scheme and host, e.g. `https://calling.api.sinch.com`.
    pub host: String,
    /// The path and query, signed as written.
    pub path: String,
    /// The Content-Type, signed as written (empty: none).
    pub content_type: String,
    /// The body, sent byte for byte.
    pub body: String,
    /// The last request signed.
    pub signed: Option<SignedRequest>,
    /// The send under way, and the last answer (or why there was none).
    pub answer: Slot<Result<Sent, net_oauth::BearerError>>,
    /// The form the last send was made from: once the form differs, its answer is said to be
    /// an earlier form's.
    sent_from: Option<u64>,
    /// Focus the path field when next drawn.
    focus_path: bool,
    /// Why the last Sign, Copy or Send did not happen, with the form it was about: shown
    /// beside the buttons until the form changes or the next one succeeds.
    pub problem: Option<(String, u64)>,
    /// How to authorize it.
    pub auth: AuthChoice,
    /// The OAuth2 token endpoint.
    pub auth_url: String,
    /// The last token, with the Key ID it was fetched for: kept while the window is open.
    pub token: Option<(String, AccessToken)>,
    /// A token on its way, and what to do once it is here.
    pub fetching: Slot<Result<AccessToken, net_oauth::FetchError>>,
    pending: Option<RequestDo>,
    /// The Key ID the token on its way is for.
    fetching_for: Option<String>,
    /// Where tokens are kept between runs: the profiles' keyring (none in tests that want
    /// none, or without a config folder).
    pub tokens: Option<Profiles<Arc<dyn SecretStore>>>,
}

impl RequestTab {
    /// The tab, keeping OAuth2 tokens in `tokens` between runs.
    pub fn with_tokens(tokens: Option<Profiles<Arc<dyn SecretStore>>>) -> Self {
        Self {
            tokens,
            ..Self::default()
        }
    }

    /// The token cache for `profile` with this auth URL: its keyring entry, or none.
    fn cache_for(&self, profile: &Profile, key_id: &str) -> Box<dyn TokenCache + Send> {
        // A Key Secret fetched from a secret manager: its tokens are not kept in the keyring
        // either (as on the command line), the manager stays the one place that grants access.
        let referred = profile
            .sources
            .contains_key(&crate::profiles::SecretSlot::Credential(
                crate::profiles::CredentialKind::AccessKey,
            ));
        match &self.tokens {
            Some(_) if referred => Box::new(NoCache),
            Some(profiles) => Box::new(KeptTokens {
                profiles: profiles.clone(),
                name: profile.name.clone(),
                key_id: key_id.to_owned(),
                auth_url: self.auth_url.trim().to_owned(),
                // Not kept: it is fetched again next time.
                on_failure: |_| {},
            }),
            None => Box::new(NoCache),
        }
    }
}

impl Default for RequestTab {
    fn default() -> Self {
        Self {
            method: "POST".into(),
            host: api::HOSTS[0].url.into(),
            path: "/calling/v1/callouts".into(),
            content_type: "application/json".into(),
            body: r#"{"method":"ttsCallout","ttsCallout":{"cli":"+46700000000","destination":{"type":"number","endpoint":"+46700000001"},"locale":"en-US","text":"Hello from sinch-ticket"}}"#.into(),
            signed: None,
            answer: Slot::default(),
            sent_from: None,
            focus_path: false,
            problem: None,
            auth: AuthChoice::ByHost,
            auth_url: AUTH_URL.into(),
            token: None,
            fetching: Slot::default(),
            pending: None,
            fetching_for: None,
            tokens: None,
        }
    }
}

impl RequestTab {
    /// The whole URL: the host, then the path, which always starts a path of its own (a
    /// path typed without its `/` cannot change the host: `evil.example/x` stays a path).
    pub fn url(&self) -> String {
        let host = self.host.trim().trim_end_matches('/');
        let path = self.path.trim_start();
        if path.starts_with('/') {
            format!("{host}{path}")
        } else {
            format!("{host}/{path}")
        }
    }

    /// A fingerprint of the form: a problem is about the form it was found in.
    fn form_print(&self) -> u64 {
        use std::hash::{Hash as _, Hasher as _};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (
            &self.method,
            &self.host,
            &self.path,
            &self.content_type,
            &self.body,
            format!("{:?}", self.auth),
        )
            .hash(&mut hasher);
        hasher.finish()
    }

    /// Does what a button (or Ctrl+Enter) asked, with the selected profile, at `now`: the
    /// action's result stays on this tab. What is to be copied is returned.
    pub fn perform(
        &mut self,
        what: RequestDo,
        ctx: &egui::Context,
        profile: ProfileState<'_>,
        now: DateTime<Utc>,
    ) -> Option<Action> {
        // An OAuth2 request without a fresh token fetches one first, then does it.
        if let Some(ready) = profile.ready()
            && self.effective_auth() == ApiAuth::OAuth
            && !self.has_fresh_token(ready, now)
        {
            match self.fetch_token(ctx, ready) {
                Ok(()) => {
                    self.pending = Some(what);
                    self.problem = None;
                }
                Err(why) => self.problem = Some((why, self.form_print())),
            }
            return None;
        }
        let outcome = self.sign(profile, now).and_then(|()| {
            let Some(signed) = &self.signed else {
                return Err("sign the request first".to_owned());
            };
            Ok(match what {
                RequestDo::Sign => None,
                RequestDo::CopyCurl => Some(Action::CopyText {
                    text: match &signed.auth {
                        Authorization::Signed(s) => curl_command(
                            &signed.method,
                            &signed.url,
                            s,
                            CurlBody::Bytes(&signed.body),
                        ),
                        Authorization::Headers(headers) => curl_with_headers(
                            &signed.method,
                            &signed.url,
                            headers,
                            CurlBody::Bytes(&signed.body),
                        ),
                    },
                    what: "curl command",
                }),
                RequestDo::CopyHeaders => Some(Action::CopyText {
                    text: match &signed.auth {
                        Authorization::Signed(s) => header_lines(s),
                        Authorization::Headers(headers) => header_text(headers),
                    },
                    what: "headers",
                }),
                RequestDo::CopyToken => Some(Action::CopyText {
                    text: self
                        .token
                        .as_ref()
                        .map(|(_, t)| t.token.as_str().to_owned())
                        .unwrap_or_default(),
                    what: "token",
                }),
                RequestDo::Send => {
                    let Some(ready) = profile.ready() else {
                        return Err("select a profile".to_owned());
                    };
                    self.send(ctx, ready)?;
                    None
                }
            })
        });
        match outcome {
            Ok(copy) => {
                self.problem = None;
                copy
            }
            Err(why) => {
                self.problem = Some((why, self.form_print()));
                None
            }
        }
    }

    /// Collects a finished send or token (also while the window is hidden); what was
    /// waiting for the token is returned, to be done now.
    pub fn poll(&mut self) -> Option<RequestDo> {
        self.answer.poll();
        if let Some(Ok(sent)) = &mut self.answer.last
            && let Some(renewed) = sent.renewed.take()
            && let Some((key_id, _)) = self.token.take()
        {
            self.token = Some((key_id, renewed));
        }
        if !self.fetching.poll() {
            return None;
        }
        match self.fetching.last.take() {
            Some(Ok(token)) => {
                self.token = self.fetching_for.take().map(|key_id| (key_id, token));
                self.pending.take()
            }
            Some(Err(why)) => {
                self.pending = None;
                self.problem = Some((why.to_string(), self.form_print()));
                None
            }
            None => None,
        }
    }

    /// The authorization this request takes now.
    pub fn effective_auth(&self) -> ApiAuth {
        match self.auth {
            AuthChoice::Chosen(auth) => auth,
            AuthChoice::ByHost => target::auth_for_url(&self.url()),
        }
    }

    /// Whether the token kept is for `profile`'s access key and more than a minute from
    /// expiring.
    fn has_fresh_token(&self, profile: &Profile, now: DateTime<Utc>) -> bool {
        let Some(key) = &profile.access_key else {
            return false;
        };
        self.token
            .as_ref()
            .is_some_and(|(key_id, token)| *key_id == key.key_id && token.is_fresh(now))
    }

    /// Fetches a token for `profile`'s access key on a worker thread.
    fn fetch_token(&mut self, ctx: &egui::Context, profile: &Profile) -> Result<(), String> {
        let Some(key) = profile.access_key.clone() else {
            return Err(format!(
                "profile \"{}\" has no project access key: add one in the profile editor (Edit…, Project credentials)",
                profile.name
            ));
        };
        if self.fetching.busy() {
            return Ok(());
        }
        let auth_url = self.auth_url.trim().to_owned();
        target::sendable(&auth_url).map_err(|e| format!("the auth URL: {e}"))?;
        self.fetching_for = Some(key.key_id.clone());
        let cache = self.cache_for(profile, &key.key_id);
        self.fetching.start("token", ctx, move || {
            let fetch = Fetch {
                auth_url: &auth_url,
                timeout: client::DEFAULT_TIMEOUT,
                backoff_base: std::time::Duration::from_secs(1),
            };
            net_oauth::token(&key, fetch, &*cache).map(|(token, _)| token)
        })
    }

    /// Whether a token is on its way.
    pub fn fetching_token(&self) -> bool {
        self.fetching.busy()
    }

    /// Whether a token's countdown is on screen (so the window repaints each second).
    pub fn counting_down(&self, now: DateTime<Utc>) -> bool {
        self.token.as_ref().is_some_and(|(_, t)| t.expires_at > now)
    }

    /// Signs the request as it stands, with the selected profile, at `now`.
    pub fn sign(&mut self, profile: ProfileState<'_>, now: DateTime<Utc>) -> Result<(), String> {
        let Some(profile) = profile.ready() else {
            return Err(profile
                .blocker()
                .unwrap_or_else(|| "select a profile to sign with".into()));
        };
        check_method(&self.method).map_err(|err| err.to_string())?;
        let how = self.effective_auth();
        if how != ApiAuth::Application {
            return self.authorize(profile, how, now);
        }
        let url = self.url();
        let resource = parse_url(&url)
            .map_err(|e| e.to_string())?
            .resource
            .to_owned();
        let content_type = Some(self.content_type.trim()).filter(|ct| !ct.is_empty());
        if let Some(content_type) = content_type {
            check_content_type(content_type).map_err(|err| err.to_string())?;
        }
        let body = self.body.as_bytes().to_vec();
        let signed = sign_request(
            &profile.key,
            &profile.secret,
            &SignRequest {
                method: &self.method,
                resource: &resource,
                content_type,
                body: &body,
                timestamp: &signing::timestamp(now),
            },
        );
        self.signed = Some(SignedRequest {
            method: self.method.to_ascii_uppercase(),
            url,
            auth: Authorization::Signed(signed),
            how,
            body,
            form: self.form_print(),
        });
        Ok(())
    }

    /// Authorizes the request with `how` (not the application's signing).
    fn authorize(
        &mut self,
        profile: &Profile,
        how: ApiAuth,
        now: DateTime<Utc>,
    ) -> Result<(), String> {
        let url = self.url();
        let authorized = match how {
            ApiAuth::OAuth => {
                let key = profile.access_key.as_ref().ok_or_else(|| {
                    format!("profile \"{}\" has no project access key: add one in the profile editor (Edit…, Project credentials)", profile.name)
                })?;
                if !self.has_fresh_token(profile, now) {
                    return Err("the token expired: press Sign again for a new one".into());
                }
                let token = self
                    .token
                    .as_ref()
                    .map(|(_, t)| t.token.as_str())
                    .unwrap_or_default();
                api::authorize(
                    &url,
                    Bearer::OAuth {
                        project_id: &key.project_id,
                        token,
                    },
                )
            }
            ApiAuth::ServicePlan => {
                let (plan, token) = profile.service_plan.as_ref().ok_or_else(|| {
                    format!("profile \"{}\" has no SMS service plan: add one in the profile editor (Edit…, Project credentials)", profile.name)
                })?;
                api::authorize(
                    &url,
                    Bearer::ServicePlan {
                        plan_id: plan,
                        token: token.expose(),
                    },
                )
            }
            ApiAuth::Basic | ApiAuth::Application => api::authorize(
                &url,
                Bearer::Basic {
                    key: &profile.key,
                    secret: &profile.secret,
                },
            ),
        };
        let (url, authorization) = (authorized.url, authorized.authorization.to_string());
        parse_url(&url).map_err(|e| e.to_string())?;
        let mut headers = vec![("Authorization".to_owned(), authorization)];
        if let Some(content_type) = Some(self.content_type.trim()).filter(|ct| !ct.is_empty()) {
            check_content_type(content_type).map_err(|err| err.to_string())?;
            headers.push(("Content-Type".to_owned(), content_type.to_owned()));
        }
        self.signed = Some(SignedRequest {
            method: self.method.to_ascii_uppercase(),
            url,
            auth: Authorization::Headers(headers),
            how,
            body: self.body.as_bytes().to_vec(),
            form: self.form_print(),
        });
        Ok(())
    }

    /// Sends what was just signed on a worker thread; the window repaints when it answers.
    /// With OAuth2, a token the API says expired is renewed and the call sent once more.
    fn send(&mut self, ctx: &egui::Context, profile: &Profile) -> Result<(), String> {
        let Some(signed) = &self.signed else {
            return Err("sign the request first".into());
        };
        target::sendable(&signed.url).map_err(|e| e.to_string())?;
        let (method, url, mut headers, body) = (
            signed.method.clone(),
            signed.url.clone(),
            signed.auth.headers(),
            signed.body.clone(),
        );
        let oauth = (signed.how == ApiAuth::OAuth)
            .then(|| {
                let key = profile.access_key.clone()?;
                let token = self.token.as_ref().map(|(_, t)| t.clone())?;
                let cache = self.cache_for(profile, &key.key_id);
                Some((key, token, self.auth_url.trim().to_owned(), cache))
            })
            .flatten();
        if oauth.is_some() {
            headers.retain(|(name, _)| name != "Authorization");
        }
        self.sent_from = Some(signed.form);
        self.answer.start("send", ctx, move || {
            let target = target::sendable(&url).map_err(SendError::from)?;
            let outgoing = client::Outgoing {
                method: &method,
                url: &url,
                headers,
                body,
                timeout: client::DEFAULT_TIMEOUT,
            };
            match oauth {
                Some((key, token, auth_url, cache)) => {
                    let fetch = Fetch {
                        auth_url: &auth_url,
                        timeout: client::DEFAULT_TIMEOUT,
                        backoff_base: std::time::Duration::from_secs(1),
                    };
                    net_oauth::send_with_bearer(&target, &outgoing, token, || {
                        net_oauth::renew(&key, fetch, &*cache)
                    })
                    .map(|(answer, token, renewed)| Sent {
                        answer,
                        renewed: renewed.then_some(token),
                    })
                }
                None => client::send(&target, outgoing)
                    .map(|answer| Sent {
                        answer,
                        renewed: None,
                    })
                    .map_err(net_oauth::BearerError::from),
            }
        })
    }

    /// Whether a request is on its way.
    pub fn sending(&self) -> bool {
        self.answer.busy()
    }

    /// Draws the request (the form, its buttons, what was signed) in one pane and the answer
    /// in the other, always in view.
    pub fn draw(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        let mut actions = Vec::new();
        two_panes(
            ui,
            "request",
            ["Request pane", "Answer pane"],
            |ui, pane| match pane {
                Pane::Give => self.request_pane(ui, cx, &mut actions),
                Pane::Get => self.answer_section(ui),
            },
        );
        actions
    }

    fn request_pane(&mut self, ui: &mut Ui, cx: &PanelContext<'_>, actions: &mut Vec<Action>) {
        self.form(ui);
        // A problem is about the form it was found in: once that changes, it is gone.
        if self
            .problem
            .as_ref()
            .is_some_and(|(_, print)| *print != self.form_print())
        {
            self.problem = None;
        }
        ui.add_space(6.0);
        let blocker = cx.profile.blocker();
        ui.horizontal_wrapped(|ui| {
            let enabled = blocker.is_none();
            let mut button = |ui: &mut Ui, label: &str, tip: &str, on: bool, what| {
                let button = ui
                    .add_enabled(enabled && on, Button::new(label))
                    .on_hover_text(tip);
                let button = match &blocker {
                    Some(reason) => button.on_disabled_hover_text(capitalize(reason)),
                    None => button,
                };
                if button.clicked() {
                    actions.push(Action::Request(what));
                }
            };
            button(
                ui,
                "Sign",
                "Sign the request now (Ctrl+Enter)",
                true,
                RequestDo::Sign,
            );
            button(
                ui,
                "Copy as curl",
                "Sign now and copy a curl command that sends it",
                true,
                RequestDo::CopyCurl,
            );
            button(
                ui,
                "Copy headers",
                "Sign now and copy the headers to add",
                true,
                RequestDo::CopyHeaders,
            );
            button(
                ui,
                "Send",
                "Sign now and send it; the answer is shown beside the request",
                !self.sending(),
                RequestDo::Send,
            );
            if self.sending() {
                ui.spinner();
                ui.label("Sending…");
            }
        });
        if let Some(reason) = &blocker {
            ui.add(egui::Label::new(RichText::new(capitalize(reason)).weak()).wrap());
        }
        if let Some((problem, _)) = &self.problem {
            error_text(ui, problem);
        }
        self.token_section(ui, cx, actions);
        self.signed_section(ui);
    }

    fn form(&mut self, ui: &mut Ui) {
        Grid::new("request")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                labelled(ui, "Method", |ui, label| {
                    ComboBox::from_id_salt("method")
                        .selected_text(&self.method)
                        .show_ui(ui, |ui| {
                            for method in METHODS {
                                list_item(ui, &mut self.method, method.to_owned(), method);
                            }
                        })
                        .response
                        .labelled_by(label);
                });
                ui.end_row();
                labelled(ui, "Host", |ui, label| {
                    ui.horizontal(|ui| {
                        ui.add(
                            TextEdit::singleline(&mut self.host)
                                .desired_width(field_width(ui, 300.0) - 110.0),
                        )
                        .labelled_by(label)
                        .on_hover_text("Scheme and host; plain http only to this machine");
                        ComboBox::from_id_salt("host-preset")
                            .selected_text("Sinch hosts")
                            .show_ui(ui, |ui| {
                                for api::ApiHost { label: name, url: host, .. } in api::HOSTS {
                                    list_item(ui, &mut self.host, (*host).to_owned(), *name)
                                        .on_hover_text(*host);
                                }
                            })
                            .response
                            .on_hover_text("Sinch's API hosts; Authorization \"By host\" authorizes as the chosen one takes")
                            .widget_info(|| {
                                egui::WidgetInfo::labeled(
                                    egui::Role::ComboBox,
                                    true,
                                    "Sinch hosts",
                                )
                            });
                    });
                });
                ui.end_row();
                labelled(ui, "Authorization", |ui, label| {
                    let shown = AUTHS
                        .iter()
                        .find(|(choice, _, _)| *choice == self.auth)
                        .map_or("By host", |(_, name, _)| *name);
                    ComboBox::from_id_salt("auth")
                        .selected_text(shown)
                        .show_ui(ui, |ui| {
                            for (choice, name, tip) in AUTHS {
                                list_item(ui, &mut self.auth, choice, name).on_hover_text(tip);
                            }
                        })
                        .response
                        .labelled_by(label)
                        .on_hover_text("How the request is authorized; by default what its host takes");
                });
                ui.end_row();
                labelled(ui, "Path", |ui, label| {
                    let response = ui.add(
                        TextEdit::singleline(&mut self.path).desired_width(field_width(ui, 420.0)),
                    )
                    .labelled_by(label)
                    .on_hover_text("The path and query, signed exactly as written; {project} and {service_plan_id} are filled from the profile");
                    if std::mem::take(&mut self.focus_path) {
                        response.request_focus();
                    }
                });
                ui.end_row();
                labelled(ui, "Content type", |ui, label| {
                    ui.add(
                        TextEdit::singleline(&mut self.content_type)
                            .desired_width(field_width(ui, 300.0)),
                    )
                    .labelled_by(label)
                    .on_hover_text("Signed exactly as written; empty for none");
                });
                ui.end_row();
            });
        labelled(ui, "Body", |ui, label| {
            ui.add(
                TextEdit::multiline(&mut self.body)
                    .font(egui::TextStyle::Monospace)
                    .desired_rows(5)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label)
            .on_hover_text("Sent and signed byte for byte");
        });
        ui.horizontal_wrapped(|ui| {
            if self.body.trim().is_empty() {
                ui.weak("No body.");
                return;
            }
            match serde_json::from_str::<serde_json::Value>(&self.body) {
                Ok(json) => {
                    ui.weak("Valid JSON.");
                    if ui
                        .button("Format")
                        .on_hover_text("Indent the JSON (the signature covers the new bytes)")
                        .clicked()
                    {
                        self.body = format!("{json:#}");
                    }
                }
                Err(err) => warning_text(ui, &format!("not JSON ({err}): it is sent as typed")),
            }
        });
    }

    fn signed_section(&self, ui: &mut Ui) {
        if self.signed.is_none() {
            return;
        }
        ui.separator();
        egui::CollapsingHeader::new("What was signed")
            .default_open(true)
            .show(ui, |ui| self.signed_details(ui));
    }

    /// The signed headers and the string to sign, or the credential headers.
    fn signed_details(&self, ui: &mut Ui) {
        let Some(signed) = &self.signed else {
            return;
        };
        if signed.form != self.form_print() {
            warning_text(
                ui,
                "Made from an earlier form: the method, host, path, body or authorization changed since. Sign again for this one.",
            );
        }
        let signed_request = match &signed.auth {
            Authorization::Signed(signed_request) => signed_request,
            Authorization::Headers(headers) => {
                ui.strong(format!("Authorized {} {}", signed.method, signed.url));
                Grid::new("authorized")
                    .num_columns(2)
                    .spacing([12.0, 4.0])
                    .show(ui, |ui| {
                        for (name, value) in headers {
                            ui.weak(name);
                            ui.add(
                                egui::Label::new(
                                    RichText::new(shown_value(name, value)).monospace(),
                                )
                                .wrap(),
                            );
                            ui.end_row();
                        }
                    });
                ui.weak(
                    "A bearer token or Basic credentials work for anyone who has them: copies \
                     are cleared from the clipboard like tickets.",
                );
                return;
            }
        };
        ui.strong(format!("Signed {} {}", signed.method, signed.url));
        Grid::new("signed")
            .num_columns(2)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                ui.weak("x-timestamp");
                ui.monospace(&signed_request.x_timestamp);
                ui.end_row();
                ui.weak("Authorization");
                ui.add(
                    egui::Label::new(RichText::new(&signed_request.authorization).monospace())
                        .wrap(),
                );
                ui.end_row();
                if let Some(ct) = &signed_request.content_type {
                    ui.weak("Content-Type");
                    ui.monospace(ct);
                    ui.end_row();
                }
                ui.weak("Content-MD5");
                ui.monospace(&signed_request.content_md5);
                ui.end_row();
            });
        labelled(ui, "String to sign", |ui, label| {
            ui.add(
                TextEdit::multiline(&mut signed_request.string_to_sign.as_str())
                    .font(egui::TextStyle::Monospace)
                    .desired_rows(5)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label);
        });
        ui.weak(
            "A signed request can be replayed until its timestamp ages (about 15 minutes): \
             copies are cleared from the clipboard like tickets.",
        );
    }

    /// The OAuth2 token line: its expiry counting down, Copy token, and the auth server.
    fn token_section(&mut self, ui: &mut Ui, cx: &PanelContext<'_>, actions: &mut Vec<Action>) {
        if self.effective_auth() != ApiAuth::OAuth {
            return;
        }
        labelled(ui, "Auth server", |ui, label| {
            ui.add(TextEdit::singleline(&mut self.auth_url).desired_width(field_width(ui, 360.0)))
                .labelled_by(label)
                .on_hover_text(
                    "Where tokens come from: Sinch's auth server, or a stand-in on this machine",
                );
        });
        ui.horizontal_wrapped(|ui| {
            match &self.token {
                Some((key_id, token)) if token.expires_at > cx.now => {
                    // One countdown format in the window, the inspector's.
                    ui.label(format!(
                        "Token for Key ID {key_id}: {}",
                        describe_expiry(token.expires_at, cx.now)
                    ));
                }
                Some(_) => {
                    ui.label("The token expired: the next Sign, Copy or Send gets a new one.");
                }
                None => {
                    ui.weak("No token yet: Sign, Copy or Send gets one with the profile's access key.");
                }
            }
            if self.fetching_token() {
                ui.spinner();
                ui.label("Getting a token…");
            }
            if ui
                .add_enabled(cx.profile.ready().is_some() && !self.fetching_token(), Button::new("Copy token"))
                .on_hover_text("Copy the bearer token (fetched first when there is none); cleared like a ticket")
                .clicked()
            {
                actions.push(Action::Request(RequestDo::CopyToken));
            }
        });
    }

    fn answer_section(&self, ui: &mut Ui) {
        ui.strong("Answer");
        if self.sending() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Sending…");
            });
            return;
        }
        match &self.answer.last {
            None => {
                ui.weak("Press Send: your server's or Sinch's answer appears here.");
            }
            Some(Err(err)) => error_text(ui, &format!("not sent: {err}")),
            Some(Ok(Sent { answer, .. })) => {
                if self.sent_from != Some(self.form_print()) {
                    warning_text(
                        ui,
                        "The answer to an earlier form: the request changed since. Send again for this one's.",
                    );
                }
                let line = RichText::new(answer.status_line()).strong();
                let colour = if answer.is_success() {
                    OK_GREEN
                } else {
                    ui.visuals().error_fg_color
                };
                ui.add(egui::Label::new(line.color(colour)).wrap());
                let headers = [
                    ("Content-Type", &answer.content_type),
                    ("Location", &answer.location),
                    ("WWW-Authenticate", &answer.www_authenticate),
                ];
                Grid::new("answer headers")
                    .num_columns(2)
                    .spacing([12.0, 4.0])
                    .show(ui, |ui| {
                        for (name, value) in headers {
                            if let Some(value) = value {
                                ui.weak(name);
                                ui.add(egui::Label::new(RichText::new(value).monospace()).wrap());
                                ui.end_row();
                            }
                        }
                    });
                if answer.body.is_empty() {
                    ui.weak("No body.");
                } else {
                    read_only_block(ui, "Answer body", &answer.pretty_body(), 8);
                }
            }
        }
    }
}

impl TabPanel for RequestTab {
    fn title(&self) -> &'static str {
        "Request"
    }

    fn tooltip(&self) -> &'static str {
        "Sign a call to Sinch's REST APIs; copy it as curl or send it (Ctrl+3)"
    }

    fn ui(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        self.draw(ui, cx)
    }

    fn primary_action(&self) -> Option<Action> {
        Some(Action::Request(RequestDo::Sign))
    }

    fn focus_main(&mut self) {
        self.focus_path = true;
    }
}
