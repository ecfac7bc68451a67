//! Reading one field of a KV version 2 secret from HashiCorp Vault or OpenBao (the same HTTP
//! API): `GET {addr}/v1/{mount}/data/{path}` with the token in `X-Vault-Token`. TLS is
//! verified, against the system's roots or a CA file given for a private CA; plain http only
//! to this machine (a dev server), since the token would cross the network in clear. No
//! redirect is followed (the token would go with it), every answer is bounded in size and
//! time, and the value is wiped from everything that held it.

use std::time::Duration;

use zeroize::{Zeroize as _, Zeroizing};

use crate::net::target::{TargetError, parse_url};

/// The largest answer read: a KV secret is a few fields.
pub const MAX_ANSWER_BYTES: u64 = 1 << 20;

/// Where and how to read.
pub struct KvRead<'a> {
    /// The server's address, `https://vault.example:8200` (`VAULT_ADDR`).
    pub addr: &'a str,
    /// The token (`VAULT_TOKEN`, or the token helper's file).
    pub token: &'a str,
    /// The namespace (`VAULT_NAMESPACE`), for Vault Enterprise and OpenBao namespaces.
    pub namespace: Option<&'a str>,
    /// A PEM file's bytes with the CA certificates to trust instead of the system's.
    pub ca_pem: Option<&'a [u8]>,
    /// The engine's mount.
    pub mount: &'a str,
    /// The secret's path under it.
    pub path: &'a str,
    /// The field to read.
    pub field: &'a str,
    /// How long the whole exchange may take.
    pub timeout: Duration,
}

/// Why the field could not be read. Nothing here holds the token or the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KvError {
    /// The address is not one to send a token to.
    #[error("the address {addr} cannot be used: {why}")]
    Address {
        /// The address.
        addr: String,
        /// Why.
        why: String,
    },
    /// The CA file holds no certificate.
    #[error("the CA file holds no PEM certificate")]
    CaFile,
    /// The token holds a line break or another control character (a header cannot carry it).
    #[error("the token holds a line break or another control character")]
    BadToken,
    /// The namespace holds a line break or another control character.
    #[error("the namespace holds a line break or another control character")]
    BadNamespace,
    /// Nobody answered (refused, DNS, reset).
    #[error("the server could not be reached ({0})")]
    Unreachable(String),
    /// No answer in time.
    #[error("the server did not answer within {} s", .0.as_secs())]
    Timeout(Duration),
    /// The TLS handshake failed (an unknown CA, a wrong host name).
    #[error("the TLS handshake failed ({0})")]
    Tls(String),
    /// 401/403: the token is wrong, expired, or may not read that path.
    #[error("the server refused the token (HTTP {0}: permission denied)")]
    Denied(u16),
    /// 404: no secret at that path (or no KV version 2 engine at that mount).
    #[error("there is no secret at that path (HTTP 404)")]
    NotFound,
    /// 503: the server is sealed or standing by.
    #[error("the server is sealed or not ready (HTTP 503)")]
    Sealed,
    /// The secret has no such field.
    #[error("the secret has no field \"{0}\"")]
    NoField(String),
    /// The field is there, but not text.
    #[error("the field \"{0}\" is not text")]
    NotText(String),
    /// Any other answer: a redirect (not followed), an error, or not KV version 2's shape.
    #[error("the server answered {0}")]
    Unexpected(String),
}

/// Reads `request.field` of the secret, as text in a buffer wiped when dropped.
pub fn read_field(request: &KvRead<'_>) -> Result<Zeroizing<String>, KvError> {
    let addr = request.addr.trim_end_matches('/');
    let address_error = |why: String| KvError::Address {
        addr: crate::sinch::text::terminal_safe(addr).into_owned(),
        why,
    };
    let parsed = parse_url(addr).map_err(|err| address_error(err.to_string()))?;
    parsed.check_transport().map_err(|err| match err {
        TargetError::PlainHttp(_) => address_error(
            "plain http is only for a dev server on this machine: the token would cross the \
             network in clear; use https://"
                .into(),
        ),
        other => address_error(other.to_string()),
    })?;
    if request.token.chars().any(char::is_control) {
        return Err(KvError::BadToken);
    }
    if request
        .namespace
        .is_some_and(|n| n.chars().any(char::is_control))
    {
        return Err(KvError::BadNamespace);
    }
    let url = format!(
        "{addr}/v1/{}/data/{}",
        encode_path(request.mount),
        encode_path(request.path)
    );
    let mut tls = ureq::tls::TlsConfig::builder();
    if let Some(pem) = request.ca_pem {
        let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(pem)
            .filter_map(|item| match item {
                Ok(ureq::tls::PemItem::Certificate(cert)) => Some(cert),
                _ => None,
            })
            .collect();
        if certs.is_empty() {
            return Err(KvError::CaFile);
        }
        tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&certs));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .proxy(crate::net::client::proxy_for(parsed.host))
        .timeout_connect(Some(request.timeout))
        .timeout_global(Some(request.timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .tls_config(tls.build())
        .build()
        .into();
    let mut get = agent
        .get(&url)
        .header("X-Vault-Token", request.token)
        .header("Accept", "application/json");
    if let Some(namespace) = request.namespace.filter(|n| !n.is_empty()) {
        get = get.header("X-Vault-Namespace", namespace);
    }
    let response = get.call().map_err(|err| failure(err, request.timeout))?;
    let status = response.status().as_u16();
    let body = Zeroizing::new(
        response
            .into_body()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_to_vec()
            .map_err(|err| failure(err, request.timeout))?,
    );
    match status {
        200 => {}
        401 | 403 => return Err(KvError::Denied(status)),
        404 => return Err(KvError::NotFound),
        503 => return Err(KvError::Sealed),
        other => {
            return Err(KvError::Unexpected(format!(
                "HTTP {other}{}",
                errors_of(&body)
            )));
        }
    }
    let mut answer: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|_| KvError::Unexpected("HTTP 200 with a body that is not JSON".into()))?;
    let value = match answer.pointer("/data/data") {
        Some(serde_json::Value::Object(fields)) => match fields.get(request.field) {
            Some(serde_json::Value::String(text)) => Ok(Zeroizing::new(text.clone())),
            Some(_) => Err(KvError::NotText(request.field.to_owned())),
            None => Err(KvError::NoField(request.field.to_owned())),
        },
        _ => Err(KvError::Unexpected(
            "HTTP 200 without data.data: is the mount a KV version 2 engine?".into(),
        )),
    };
    wipe(&mut answer);
    value
}

/// Each `/`-separated part of a path, percent-encoded where it is not a plain character.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char);
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// The `errors` an error answer lists (`: permission denied`), short and safe to print.
fn errors_of(body: &[u8]) -> String {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) else {
        return String::new();
    };
    let errors: Vec<String> = json
        .get("errors")
        .and_then(|e| e.as_array())
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e.as_str())
                .take(3)
                .map(|e| {
                    crate::sinch::text::terminal_safe(&e.chars().take(200).collect::<String>())
                        .into_owned()
                })
                .collect()
        })
        .unwrap_or_default();
    if errors.is_empty() {
        String::new()
    } else {
        format!(": {}", errors.join("; "))
    }
}

/// Overwrites every string in `value` (serde_json's own strings are not wiped when dropped).
fn wipe(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) => text.zeroize(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(wipe),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(wipe),
        _ => {}
    }
}

fn failure(err: ureq::Error, timeout: Duration) -> KvError {
    use ureq::Error as E;
    match err {
        E::Timeout(_) => KvError::Timeout(timeout),
        E::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => KvError::Timeout(timeout),
        E::HostNotFound => KvError::Unreachable("the host name did not resolve".into()),
        E::ConnectionFailed => KvError::Unreachable("the connection was refused".into()),
        E::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            KvError::Unreachable("the connection was refused".into())
        }
        // rustls reports a certificate it does not trust as invalid data on the stream.
        E::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => KvError::Tls(io.to_string()),
        E::Io(io) => KvError::Unreachable(io.to_string()),
        E::Tls(_) | E::Rustls(_) => KvError::Tls(err.to_string()),
        E::BodyExceedsLimit(_) => {
            KvError::Unexpected(format!("with more than {} KiB", MAX_ANSWER_BYTES >> 10))
        }
        other => KvError::Unexpected(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parts_are_percent_encoded_and_slashes_kept() {
        assert_eq!(encode_path("sinch/dev app/ü"), "sinch/dev%20app/%C3%BC");
        assert_eq!(encode_path("a?b#c"), "a%3Fb%23c");
    }

    #[test]
    fn a_token_is_never_sent_in_clear_off_this_machine() {
        let request = KvRead {
            addr: "http://vault.example:8200",
            token: "hvs.token",
            namespace: None,
            ca_pem: None,
            mount: "secret",
            path: "sinch",
            field: "f",
            timeout: Duration::from_secs(1),
        };
        let err = read_field(&request).unwrap_err();
        assert!(matches!(err, KvError::Address { .. }), "{err}");
        assert!(err.to_string().contains("use https://"), "{err}");
        assert!(!err.to_string().contains("hvs.token"));
    }

    #[test]
    fn every_string_of_an_answer_is_wiped() {
        let mut answer = serde_json::json!({"data": {"data": {"k": "secret-value", "n": ["x"]}}});
        wipe(&mut answer);
        assert!(!answer.to_string().contains("secret-value"));
    }
}
