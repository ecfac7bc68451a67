//! Request targets: a URL taken apart into what the signature covers and what the transport
//! needs, and the rule of where a signed request may go.

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

impl RequestUrl<'_> {
    /// Whether a signed request may be sent to this URL: over https anywhere, over plain
    /// http only to this machine (a signed request in clear text can be read and replayed).
    pub fn check_transport(&self) -> Result<(), String> {
        let loopback = self.host.eq_ignore_ascii_case("localhost")
            || self
                .host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if self.scheme == "http" && !loopback {
            return Err(format!(
                "plain http:// is only for loopback test servers: a signed request sent in \
                 clear text to {} could be read and replayed; use https://",
                self.host
            ));
        }
        Ok(())
    }
}

/// Takes a URL apart, or says why it is not one this tool can sign.
pub fn parse_url(url: &str) -> Result<RequestUrl<'_>, String> {
    let bad = || {
        format!(
            "'{url}' is not a URL: write it like https://calling.api.sinch.com/calling/v1/callouts"
        )
    };
    let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
    if !matches!(scheme, "http" | "https") {
        return Err(format!(
            "'{scheme}' is not http or https: Sinch's APIs are called over https"
        ));
    }
    let rest = rest.split('#').next().unwrap_or(rest);
    let (authority, resource) = match rest.find(['/', '?']) {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    if resource.starts_with('?') {
        return Err(format!(
            "'{url}' has a query but no path: write the path before the '?'"
        ));
    }
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => host.split(':').next().unwrap_or(host),
    };
    if host.is_empty() {
        return Err(bad());
    }
    Ok(RequestUrl {
        scheme,
        host,
        resource,
    })
}
