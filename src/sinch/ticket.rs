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

// Whole groups of three bytes: its base64 is the same in every ticket (see `TicketBatch`).
const _: () = assert!(JSON_BEFORE_USER.len().is_multiple_of(3));

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

    /// One ticket for `username`, valid for `expires_in` seconds from `created`.
    pub fn ticket(&self, username: &str, expires_in: u64, created: DateTime<Utc>) -> String {
        let mut out = String::new();
        self.batch(expires_in, created)
            .push_ticket(username, &mut out);
        out
    }

    /// A batch of tickets sharing one expiry and one `created` stamp, as `--users-from`
    /// makes them: everything after the username is laid out once.
    pub fn batch(&self, expires_in: u64, created: DateTime<Utc>) -> TicketBatch<'_> {
        let mut json_after_user = Vec::with_capacity(128);
        json_after_user.extend_from_slice(br#"},"expiresIn":"#);
        json_after_user.extend_from_slice(expires_in.to_string().as_bytes());
        json_after_user.extend_from_slice(br#","applicationKey":"#);
        json::push_string_as(&mut json_after_user, &self.application_key, self.non_ascii);
        json_after_user.extend_from_slice(br#","created":"#);
        json::push_string(&mut json_after_user, &time::ticket_timestamp(created));
        json_after_user.push(b'}');
        let after_b64 = [0, 1, 2].map(|skip| STANDARD.encode(&json_after_user[skip..]));
        TicketBatch {
            signer: self,
            before_b64: STANDARD.encode(JSON_BEFORE_USER),
            after_b64,
            json_after_user,
            json: Vec::with_capacity(256),
        }
    }
}

/// Tickets that differ only in their username. Reuses its buffers from one ticket to the next.
///
/// Base64 turns each group of three bytes into four characters on its own, so the JSON's
/// base64 is laid out from pieces: the part before the username (whole groups) once, the
/// groups that hold the username encoded per ticket, and the rest after them once for each
/// of the three ways the username's length can end a group. Only the username's few groups
/// are encoded per ticket; the bytes are those of encoding the whole JSON.
pub struct TicketBatch<'a> {
    signer: &'a TicketSigner,
    /// The base64 of [`JSON_BEFORE_USER`].
    before_b64: String,
    /// `after_b64[k]`: the base64 of `json_after_user[k..]`, for when the username's groups
    /// take the first `k` bytes after it.
    after_b64: [String; 3],
    json_after_user: Vec<u8>,
    json: Vec<u8>,
}

impl TicketBatch<'_> {
    /// Appends the ticket for `username` to `out` (no line break).
    pub fn push_ticket(&mut self, username: &str, out: &mut String) {
        self.json.clear();
        self.json.extend_from_slice(JSON_BEFORE_USER);
        json::push_string_as(&mut self.json, username, self.signer.non_ascii);
        self.json.extend_from_slice(&self.json_after_user);

        let user_end = self.json.len() - self.json_after_user.len();
        let taken_after = (3 - (user_end - JSON_BEFORE_USER.len()) % 3) % 3;
        out.push_str(&self.before_b64);
        STANDARD.encode_string(
            &self.json[JSON_BEFORE_USER.len()..user_end + taken_after],
            out,
        );
        out.push_str(&self.after_b64[taken_after]);
        out.push(':');
        let tag = self.signer.mac.clone().chain_update(&self.json).finalize();
        STANDARD.encode_string(tag.into_bytes(), out);
    }

    /// The JSON of the last ticket pushed: what its first half encodes.
    pub fn last_json(&self) -> &[u8] {
        &self.json
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

    /// The ticket laid out from pieces is the whole JSON encoded and signed, for every way a
    /// username's length ends a base64 group.
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
                    let json = batch.last_json().to_vec();
                    let mut mac = keyed_mac(secret.bytes());
                    mac.update(&json);
                    let expected = format!(
                        "{}:{}",
                        STANDARD.encode(&json),
                        STANDARD.encode(mac.finalize().into_bytes())
                    );
                    assert_eq!(out, expected, "{user:?}, {non_ascii:?}, {expires_in}");
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
