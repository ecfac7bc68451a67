//! The legacy user ticket of the Sinch JavaScript SDK v1, byte for byte what the Ruby gem
//! `sinch_auth` makes, without the gem's two defects (it strips white space from usernames
//! and truncates about one MAC in twenty).
//!
//! ```text
//! ticket_json = {"identity":{"type":"username","endpoint":USER},"expiresIn":N,"applicationKey":KEY,"created":"YYYY-MM-DDTHH:MM:SSZ"}
//! ticket      = b64(ticket_json) ":" b64(HMAC-SHA256(b64decode(secret), ticket_json))
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use hmac::Mac as _;

use serde::{Deserialize, Serialize};

use super::{AppSecret, HmacSha256, json, keyed_mac, time};

mod batch;

pub use batch::TicketBatch;

/// How a ticket's JSON writes characters beyond ASCII.
///
/// The JS SDK v1 reads the ticket's JSON with `atob`, one character per byte, so raw UTF-8
/// reaches it as Latin-1: a ticket for `Åsa` makes it call itself `Ã\u0085sa`, while
/// Sinch's server (which reads UTF-8) knows the user as `Åsa`. Escaped JSON is plain ASCII,
/// which both read alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum NonAscii {
    /// `\u00c5` escapes (lower-case hex, surrogate pairs beyond U+FFFF): the JSON is ASCII
    /// and the SDK reads the user id right. The default.
    #[default]
    Escaped,
    /// Raw UTF-8 bytes, as the `sinch_auth` gem writes them, for comparing with a backend
    /// that uses the gem. For ASCII usernames both give the same bytes.
    RawUtf8,
}

const JSON_BEFORE_USER: &[u8] = br#"{"identity":{"type":"username","endpoint":"#;

/// Signs legacy tickets for one application. The HMAC key schedule is computed once here,
/// so signing many tickets re-derives nothing from the secret.
#[derive(Clone)]
pub struct TicketSigner {
    application_key: String,
    mac: HmacSha256,
    non_ascii: NonAscii,
}

impl std::fmt::Debug for TicketSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TicketSigner")
            .field("application_key", &self.application_key)
            .finish_non_exhaustive()
    }
}

impl TicketSigner {
    /// A signer for the application with this key and secret, writing non-ASCII characters
    /// as escapes (see [`NonAscii`]).
    pub fn new(application_key: &str, secret: &AppSecret) -> Self {
        Self {
            application_key: application_key.to_owned(),
            mac: keyed_mac(secret.bytes()),
            non_ascii: NonAscii::default(),
        }
    }

    /// The same signer, writing non-ASCII characters as `non_ascii` says.
    pub fn with_non_ascii(mut self, non_ascii: NonAscii) -> Self {
        self.non_ascii = non_ascii;
        self
    }

    /// One ticket for `username`, valid for `expires_in` seconds from `created`: its JSON
    /// encoded whole and signed.
    pub fn ticket(&self, username: &str, expires_in: u64, created: DateTime<Utc>) -> String {
        let json = self.json(username, expires_in, created);
        let tag = self.mac.clone().chain_update(&json).finalize();
        format!(
            "{}:{}",
            STANDARD.encode(&json),
            STANDARD.encode(tag.into_bytes())
        )
    }

    /// The ticket's JSON for `username`: the part before the username, the username as a
    /// JSON string, and [`Self::json_after_user`].
    pub fn json(&self, username: &str, expires_in: u64, created: DateTime<Utc>) -> Vec<u8> {
        let mut json = Vec::with_capacity(256);
        json.extend_from_slice(JSON_BEFORE_USER);
        json::push_string_as(&mut json, username, self.non_ascii);
        json.extend_from_slice(&self.json_after_user(expires_in, created));
        json
    }

    /// What follows the username in every ticket with this expiry and `created` stamp.
    fn json_after_user(&self, expires_in: u64, created: DateTime<Utc>) -> Vec<u8> {
        let mut after = Vec::with_capacity(128);
        after.extend_from_slice(br#"},"expiresIn":"#);
        after.extend_from_slice(expires_in.to_string().as_bytes());
        after.extend_from_slice(br#","applicationKey":"#);
        json::push_string_as(&mut after, &self.application_key, self.non_ascii);
        after.extend_from_slice(br#","created":"#);
        json::push_string(&mut after, &time::ticket_timestamp(created));
        after.push(b'}');
        after
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const SECRET: &str = "oYdgGRXoxEuJhGDY2KQ/HQ==";
    pub(crate) const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";

    fn created() -> DateTime<Utc> {
        time::parse_instant("2026-01-02T03:04:05Z").unwrap()
    }

    /// The batch's ticket, laid out from pieces, is the plain one (the whole JSON encoded
    /// and signed), for every way a username's length ends a base64 group.
    #[test]
    fn the_pieces_make_the_whole_json_and_its_mac_for_every_length() {
        let secret = AppSecret::from_base64(SECRET).unwrap();
        for non_ascii in [NonAscii::Escaped, NonAscii::RawUtf8] {
            let signer = TicketSigner::new(KEY, &secret).with_non_ascii(non_ascii);
            for expires_in in [60, 3600, 86_400] {
                let mut batch = signer.batch(expires_in, created());
                for user in [
                    "", "a", "ab", "abc", "abcd", "Å", "Åsa", "山田", "a\"b", "😀x", "12345",
                ] {
                    let mut out = String::new();
                    batch.push_ticket(user, &mut out);
                    assert_eq!(batch.last_json(), signer.json(user, expires_in, created()));
                    let json = batch.last_json().to_vec();
                    let mut mac = keyed_mac(secret.bytes());
                    mac.update(&json);
                    let expected = format!(
                        "{}:{}",
                        STANDARD.encode(&json),
                        STANDARD.encode(mac.finalize().into_bytes())
                    );
                    assert_eq!(out, expected, "{user:?}, {non_ascii:?}, {expires_in}");
                    assert_eq!(out, signer.ticket(user, expires_in, created()));
                }
            }
        }
    }

    #[test]
    fn matches_the_known_answer_vector() {
        let signer = TicketSigner::new(KEY, &AppSecret::from_base64(SECRET).unwrap());
        assert_eq!(
            signer.ticket("alice", 3600, created()),
            "eyJpZGVudGl0eSI6eyJ0eXBlIjoidXNlcm5hbWUiLCJlbmRwb2ludCI6ImFsaWNlIn0sImV4cGlyZXNJbiI6MzYwMCwiYXBwbGljYXRpb25LZXkiOiIxOTYwODdhMS1lODE1LTRiYzQtODk4NC02MGQ4ZDhhNDNmMWQiLCJjcmVhdGVkIjoiMjAyNi0wMS0wMlQwMzowNDowNVoifQ==:aOs0i+KiTP6mVdWD+kQYXgkYLtwm0qcGU6fIi5XqY9I="
        );
    }

    #[test]
    fn keeps_the_username_as_typed_and_escapes_it_like_a_json_encoder() {
        let signer = TicketSigner::new(KEY, &AppSecret::from_base64(SECRET).unwrap())
            .with_non_ascii(NonAscii::RawUtf8);
        let mut batch = signer.batch(60, created());
        let mut out = String::new();
        batch.push_ticket(" Åsa \"q\"/\\ ", &mut out);
        let json = std::str::from_utf8(batch.last_json()).unwrap();
        assert_eq!(
            json,
            r#"{"identity":{"type":"username","endpoint":" Åsa \"q\"/\\ "},"expiresIn":60,"applicationKey":"196087a1-e815-4bc4-8984-60d8d8a43f1d","created":"2026-01-02T03:04:05Z"}"#
        );
        let (encoded, _) = out.split_once(':').unwrap();
        assert_eq!(STANDARD.decode(encoded).unwrap(), json.as_bytes());
    }

    /// Known answers for the escaped form (the default), and the gem's raw bytes with
    /// `RawUtf8`; ASCII usernames give the same ticket both ways.
    #[test]
    fn non_ascii_is_escaped_by_default_and_raw_when_asked() {
        let secret = AppSecret::from_base64(SECRET).unwrap();
        let escaped = TicketSigner::new(KEY, &secret);
        let raw = TicketSigner::new(KEY, &secret).with_non_ascii(NonAscii::RawUtf8);
        let json_of = |ticket: &str| {
            String::from_utf8(STANDARD.decode(ticket.split_once(':').unwrap().0).unwrap()).unwrap()
        };
        let ticket = escaped.ticket("Åsa", 3600, created());
        assert_eq!(
            json_of(&ticket),
            r#"{"identity":{"type":"username","endpoint":"\u00c5sa"},"expiresIn":3600,"applicationKey":"196087a1-e815-4bc4-8984-60d8d8a43f1d","created":"2026-01-02T03:04:05Z"}"#
        );
        assert_eq!(
            ticket,
            "eyJpZGVudGl0eSI6eyJ0eXBlIjoidXNlcm5hbWUiLCJlbmRwb2ludCI6Ilx1MDBjNXNhIn0sImV4cGlyZXNJbiI6MzYwMCwiYXBwbGljYXRpb25LZXkiOiIxOTYwODdhMS1lODE1LTRiYzQtODk4NC02MGQ4ZDhhNDNmMWQiLCJjcmVhdGVkIjoiMjAyNi0wMS0wMlQwMzowNDowNVoifQ==:dqVhz/cLDpTBBHiwc5RyRhowtIL9NlC63PtNh+1yJls="
        );
        assert_eq!(
            json_of(&escaped.ticket("😀 山田", 3600, created())),
            r#"{"identity":{"type":"username","endpoint":"\ud83d\ude00 \u5c71\u7530"},"expiresIn":3600,"applicationKey":"196087a1-e815-4bc4-8984-60d8d8a43f1d","created":"2026-01-02T03:04:05Z"}"#
        );
        assert!(json_of(&raw.ticket("Åsa", 3600, created())).contains(r#""endpoint":"Åsa""#));
        assert_eq!(
            escaped.ticket("alice", 3600, created()),
            raw.ticket("alice", 3600, created())
        );
    }

    #[test]
    fn a_batch_gives_the_same_tickets_as_one_at_a_time() {
        let signer = TicketSigner::new(KEY, &AppSecret::from_base64(SECRET).unwrap());
        let mut batch = signer.batch(3600, created());
        for user in ["alice", "bob", "carol"] {
            let mut out = String::new();
            batch.push_ticket(user, &mut out);
            assert_eq!(out, signer.ticket(user, 3600, created()));
        }
    }
}
