//! Request targets: a URL taken apart (with `http::Uri`) into what the signature covers and
//! what the transport needs, the rule of where a signed request may go, and where the
//! listener forwards a request.

use std::fmt::Write as _;
use std::net::IpAddr;
use std::str::FromStr as _;

/// A request URL taken apart: what the signature and the transport need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestUrl<'a> {
    /// `http` or `https`.
    pub scheme: &'a str,
    /// The host, without port (an IPv6 address without its brackets).
    pub host: &'a str,
    /// The path and query, exactly as written: what the signature covers.
    pub resource: &'a str,
}

/// Why a URL cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// Not a URL at all.
    #[error("'{0}' is not a URL: write it whole, from its scheme (https://) to its path")]
    NotAUrl(String),
    /// A scheme other than http or https.
    #[error("'{0}' is not http or https: Sinch's APIs are called over https")]
    Scheme(String),
    /// A query without a path before it.
    #[error("'{0}' has a query but no path: write the path before the '?'")]
    QueryWithoutPath(String),
    /// A user name or password in the URL.
    #[error(
        "the URL holds a user name or password before its host: credentials in a URL can be read by every program on this machine; leave them out"
    )]
    Credentials,
    /// A character a request line cannot carry as it is.
    #[error(
        "the URL holds {shown}, which a request line cannot carry as it is: write it percent-encoded ({encoded}), as it will be sent and signed"
    )]
    NeedsEncoding {
        /// The character, quoted or as a code point.
        shown: String,
        /// Its percent-encoded UTF-8.
        encoded: String,
    },
    /// Plain http to a host that is not this machine.
    #[error(
        "plain http:// is only for loopback test servers: a signed request sent in clear text to {0} could be read and replayed; use https://"
    )]
    PlainHttp(String),
}

impl RequestUrl<'_> {
    /// Whether a signed request may be sent to this URL: over https anywhere, over plain
    /// http only to this machine (a signed request in clear text can be read and replayed).
    pub fn check_transport(&self) -> Result<(), TargetError> {
        if self.scheme == "http" && !is_loopback_host(self.host) {
            return Err(TargetError::PlainHttp(self.host.to_owned()));
        }
        Ok(())
    }
}

/// Whether `host` names this machine: `localhost` or a loopback address.
pub fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Takes a URL apart, or says why it is not one this tool can sign and send. The resource is
/// the URL's own text from its path to its query, byte for byte: no dot segment is removed
/// and nothing is re-encoded, since the signature covers what the request line carries.
pub fn parse_url(url: &str) -> Result<RequestUrl<'_>, TargetError> {
    if let Some(odd) = url.chars().find(|c| !c.is_ascii_graphic()) {
        return Err(needs_encoding(odd));
    }
    let uri = http::Uri::from_str(url).map_err(|_| TargetError::NotAUrl(url.to_owned()))?;
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return Err(TargetError::NotAUrl(url.to_owned()));
    };
    if !matches!(scheme, "http" | "https") {
        return Err(TargetError::Scheme(scheme.to_owned()));
    }
    if authority.as_str().contains('@') {
        return Err(TargetError::Credentials);
    }
    let host = authority.host();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if host.is_empty() {
        return Err(TargetError::NotAUrl(url.to_owned()));
    }
    // The URL's own text after the authority, without its fragment.
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    let rest = &url[after_scheme..];
    let resource = match rest.find(['/', '?', '#']) {
        Some(at) => &rest[at..],
        None => "",
    };
    let resource = resource.split('#').next().unwrap_or_default();
    if resource.starts_with('?') {
        return Err(TargetError::QueryWithoutPath(url.to_owned()));
    }
    Ok(RequestUrl {
        scheme: uri_scheme(scheme),
        // The host as written: the authority's start (after a `[` for IPv6).
        host: &rest[usize::from(rest.starts_with('['))..][..host.len()],
        resource: if resource.is_empty() { "/" } else { resource },
    })
}

/// The scheme as a static word (the URL's own text may differ in case only).
fn uri_scheme(scheme: &str) -> &'static str {
    if scheme.eq_ignore_ascii_case("https") {
        "https"
    } else {
        "http"
    }
}

fn needs_encoding(c: char) -> TargetError {
    let mut encoded = String::new();
    let mut buf = [0u8; 4];
    for byte in c.encode_utf8(&mut buf).bytes() {
        let _ = write!(encoded, "%{byte:02X}");
    }
    let shown = if c.is_control() || c.is_whitespace() {
        format!("{} ({})", crate::sinch::text::code_point(c), describe(c))
    } else {
        format!("'{c}'")
    };
    TargetError::NeedsEncoding { shown, encoded }
}

fn describe(c: char) -> &'static str {
    match c {
        ' ' => "a space",
        '\t' => "a tab",
        '\r' | '\n' => "a line break",
        _ => "an invisible character",
    }
}

/// A URL that may be signed and sent: [`parse_url`] and [`RequestUrl::check_transport`].
pub fn sendable(url: &str) -> Result<RequestUrl<'_>, TargetError> {
    let parsed = parse_url(url)?;
    parsed.check_transport()?;
    Ok(parsed)
}

/// The authorization a Sinch API URL takes by its host (the SMS, Conversation and Numbers
/// hosts: OAuth2), the application's signing otherwise. A path with `{project}` or
/// `{service_plan_id}` still to fill is no URL yet: its host decides all the same.
pub fn auth_for_url(url: &str) -> crate::sinch::oauth::ApiAuth {
    use crate::sinch::oauth::{ApiAuth, fill_path};
    let filled = fill_path(url, Some("p"), Some("p"));
    parse_url(&filled)
        .ok()
        .and_then(|target| ApiAuth::for_host(target.host))
        .unwrap_or(ApiAuth::Application)
}

/// Where the listener sends a request for `path`: to `target` with the request's own path
/// and query when `target` names no path (the signature covers the path, so it stays), to
/// `target` as written otherwise.
pub fn forward_url(target: &str, path: &str) -> String {
    let after_scheme = target.split_once("://").map_or(target, |(_, rest)| rest);
    if after_scheme.trim_end_matches('/').contains('/') {
        target.to_owned()
    } else {
        format!("{}{path}", target.trim_end_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_give_their_path_and_query_as_written() {
        let u = parse_url("https://calling.api.sinch.com/calling/v1/callouts?x=%20y#frag").unwrap();
        assert_eq!(
            (u.scheme, u.host, u.resource),
            (
                "https",
                "calling.api.sinch.com",
                "/calling/v1/callouts?x=%20y"
            )
        );
        let u = parse_url("http://127.0.0.1:8080").unwrap();
        assert_eq!((u.host, u.resource), ("127.0.0.1", "/"));
        assert!(u.check_transport().is_ok());
        let u = parse_url("http://[::1]:9/cb").unwrap();
        assert_eq!((u.host, u.resource), ("::1", "/cb"));
        assert!(u.check_transport().is_ok());
        let u = parse_url("http://localhost:9/a/../b/./c").unwrap();
        assert_eq!(
            u.resource, "/a/../b/./c",
            "dot segments stay: they are signed"
        );
        assert_eq!(
            parse_url("http://10.0.0.1/x").unwrap().check_transport(),
            Err(TargetError::PlainHttp("10.0.0.1".into()))
        );
        assert!(sendable("https://10.0.0.1/x").is_ok());
        assert!(matches!(
            parse_url("calling.api.sinch.com/x"),
            Err(TargetError::NotAUrl(_))
        ));
        assert_eq!(
            parse_url("ftp://x/y"),
            Err(TargetError::Scheme("ftp".into()))
        );
        assert!(matches!(
            parse_url("http://127.0.0.1?x=1"),
            Err(TargetError::QueryWithoutPath(_))
        ));
    }

    #[test]
    fn what_a_request_line_cannot_carry_is_refused_with_its_encoding() {
        let err = parse_url("https://calling.api.sinch.com/users/Åsa").unwrap_err();
        assert_eq!(
            err,
            TargetError::NeedsEncoding {
                shown: "'Å'".into(),
                encoded: "%C3%85".into()
            }
        );
        assert!(err.to_string().contains("%C3%85"), "{err}");
        let err = parse_url("https://x.example/a b").unwrap_err();
        assert!(err.to_string().contains("a space"), "{err}");
        assert_eq!(
            parse_url("https://key:secret@x.example/"),
            Err(TargetError::Credentials)
        );
    }

    #[test]
    fn forwarding_keeps_the_signed_path_unless_the_target_names_one() {
        assert_eq!(
            forward_url("http://127.0.0.1:3000", "/sinch/ice?x=1"),
            "http://127.0.0.1:3000/sinch/ice?x=1"
        );
        assert_eq!(
            forward_url("http://127.0.0.1:3000/", "/sinch/ice"),
            "http://127.0.0.1:3000/sinch/ice"
        );
        assert_eq!(
            forward_url("http://127.0.0.1:3000/hooks/voice", "/sinch/ice"),
            "http://127.0.0.1:3000/hooks/voice"
        );
    }
}
