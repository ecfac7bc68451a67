//! Sinch's REST API hosts and how each authorizes a request: one table for the window's
//! Request tab and `send`, and one builder of the `Authorization` that is not the
//! application's signing (that is [`crate::sinch::signing::sign_request`]).
//!
//! Hosts as Sinch's API references and SDKs name them: Voice's global and regional calling
//! hosts and its configuration host, Verification, Conversation by region, SMS with OAuth2
//! (`zt.` hosts, US and EU only) and with a service plan (every region), Numbers.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use super::AppSecret;
use super::oauth::{ApiAuth, fill_path};

/// One of Sinch's API hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiHost {
    /// Its name in a list ("Voice, Europe").
    pub label: &'static str,
    /// Its base URL.
    pub url: &'static str,
    /// How it authorizes a request; `None` for this machine (a test server takes any).
    pub auth: Option<ApiAuth>,
}

const fn host(label: &'static str, url: &'static str, auth: ApiAuth) -> ApiHost {
    ApiHost {
        label,
        url,
        auth: Some(auth),
    }
}

/// Sinch's API hosts, and this machine for a local test server.
pub const HOSTS: &[ApiHost] = &[
    host(
        "Voice, global",
        "https://calling.api.sinch.com",
        ApiAuth::Application,
    ),
    host(
        "Voice, North America",
        "https://calling-use1.api.sinch.com",
        ApiAuth::Application,
    ),
    host(
        "Voice, Europe",
        "https://calling-euc1.api.sinch.com",
        ApiAuth::Application,
    ),
    host(
        "Voice, Southeast Asia 1",
        "https://calling-apse1.api.sinch.com",
        ApiAuth::Application,
    ),
    host(
        "Voice, Southeast Asia 2",
        "https://calling-apse2.api.sinch.com",
        ApiAuth::Application,
    ),
    host(
        "Voice, South America",
        "https://calling-sae1.api.sinch.com",
        ApiAuth::Application,
    ),
    host(
        "Voice configuration",
        "https://callingapi.sinch.com",
        ApiAuth::Application,
    ),
    host(
        "Verification",
        "https://verification.api.sinch.com",
        ApiAuth::Application,
    ),
    host(
        "Conversation, US",
        "https://us.conversation.api.sinch.com",
        ApiAuth::OAuth,
    ),
    host(
        "Conversation, Europe",
        "https://eu.conversation.api.sinch.com",
        ApiAuth::OAuth,
    ),
    host(
        "Conversation, Brazil",
        "https://br.conversation.api.sinch.com",
        ApiAuth::OAuth,
    ),
    host(
        "SMS with OAuth2, US",
        "https://zt.us.sms.api.sinch.com",
        ApiAuth::OAuth,
    ),
    host(
        "SMS with OAuth2, Europe",
        "https://zt.eu.sms.api.sinch.com",
        ApiAuth::OAuth,
    ),
    host(
        "SMS service plan, US",
        "https://us.sms.api.sinch.com",
        ApiAuth::ServicePlan,
    ),
    host(
        "SMS service plan, Europe",
        "https://eu.sms.api.sinch.com",
        ApiAuth::ServicePlan,
    ),
    host(
        "SMS service plan, Brazil",
        "https://br.sms.api.sinch.com",
        ApiAuth::ServicePlan,
    ),
    host(
        "SMS service plan, Canada",
        "https://ca.sms.api.sinch.com",
        ApiAuth::ServicePlan,
    ),
    host(
        "SMS service plan, Australia",
        "https://au.sms.api.sinch.com",
        ApiAuth::ServicePlan,
    ),
    host("Numbers", "https://numbers.api.sinch.com", ApiAuth::OAuth),
    ApiHost {
        label: "This machine (a test server)",
        url: "http://127.0.0.1:8080",
        auth: None,
    },
];

/// The credential an authorization other than the application's signing carries.
#[derive(Clone, Copy)]
pub enum Bearer<'a> {
    /// HTTP Basic with the application key and secret (Voice, Verification; tests only).
    Basic {
        /// The application key.
        key: &'a str,
        /// Its secret.
        secret: &'a AppSecret,
    },
    /// An OAuth2 access token; `{project}` in the path is the project's id.
    OAuth {
        /// The project the token's access key belongs to.
        project_id: &'a str,
        /// The token.
        token: &'a str,
    },
    /// An SMS service plan's API token; `{service_plan_id}` in the path is the plan's id.
    ServicePlan {
        /// The service plan's id.
        plan_id: &'a str,
        /// Its API token.
        token: &'a str,
    },
}

impl Bearer<'_> {
    /// The authorization it is.
    pub fn auth(&self) -> ApiAuth {
        match self {
            Bearer::Basic { .. } => ApiAuth::Basic,
            Bearer::OAuth { .. } => ApiAuth::OAuth,
            Bearer::ServicePlan { .. } => ApiAuth::ServicePlan,
        }
    }
}

/// A request's URL with its placeholders filled, and the value of its `Authorization`.
pub struct Authorized {
    /// The URL, `{project}` or `{service_plan_id}` filled in.
    pub url: String,
    /// The `Authorization` header's value (wiped when dropped: it is a credential).
    pub authorization: Zeroizing<String>,
}

/// `url` authorized with `bearer`: for both faces, so that `send` and the Request tab send
/// the same thing.
pub fn authorize(url: &str, bearer: Bearer<'_>) -> Authorized {
    match bearer {
        Bearer::Basic { key, secret } => {
            let pair = Zeroizing::new(format!("{key}:{}", &*secret.to_base64()));
            Authorized {
                url: url.to_owned(),
                authorization: Zeroizing::new(format!(
                    "Basic {}",
                    STANDARD.encode(pair.as_bytes())
                )),
            }
        }
        Bearer::OAuth { project_id, token } => Authorized {
            url: fill_path(url, Some(project_id), None),
            authorization: Zeroizing::new(format!("Bearer {token}")),
        },
        Bearer::ServicePlan { plan_id, token } => Authorized {
            url: fill_path(url, None, Some(plan_id)),
            authorization: Zeroizing::new(format!("Bearer {token}")),
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_host_in_the_table_is_what_its_host_name_says() {
        for host in HOSTS {
            let name = host.url.split("://").nth(1).unwrap();
            assert_eq!(ApiAuth::for_host(name), host.auth, "{}", host.label);
        }
    }

    #[test]
    fn each_bearer_fills_its_own_placeholder() {
        let secret = AppSecret::from_base64("oYdgGRXoxEuJhGDY2KQ/HQ==").unwrap();
        let basic = authorize(
            "https://x/{project}",
            Bearer::Basic {
                key: "k",
                secret: &secret,
            },
        );
        assert_eq!(basic.url, "https://x/{project}");
        assert_eq!(
            basic.authorization.as_str(),
            format!("Basic {}", STANDARD.encode("k:oYdgGRXoxEuJhGDY2KQ/HQ=="))
        );
        let oauth = authorize(
            "https://x/v1/projects/{project}/messages:send",
            Bearer::OAuth {
                project_id: "p-1",
                token: "t",
            },
        );
        assert_eq!(oauth.url, "https://x/v1/projects/p-1/messages:send");
        assert_eq!(oauth.authorization.as_str(), "Bearer t");
        let plan = authorize(
            "https://x/xms/v1/{service_plan_id}/batches",
            Bearer::ServicePlan {
                plan_id: "sp",
                token: "api",
            },
        );
        assert_eq!(plan.url, "https://x/xms/v1/sp/batches");
        assert_eq!(plan.authorization.as_str(), "Bearer api");
    }
}
