//! A signed request rendered for other tools: a curl command that sends exactly what was
//! signed, or the signed headers as lines to paste.

use super::Signed;

/// Where a curl command takes the body from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurlBody<'a> {
    /// No body.
    None,
    /// The body's bytes, when they are text a shell word can carry.
    Bytes(&'a [u8]),
    /// A file that holds the body.
    File(&'a std::path::Path),
}

/// `text` as one POSIX shell word, whatever it holds.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A ready curl command that sends exactly what was signed: every value shell-quoted, the
/// path as written (`--path-as-is`: curl would otherwise remove `/../` and `/./` segments,
/// which the signature covers), the body with `--data-binary` so that curl sends its bytes
/// unchanged. The secret is never in it (only the signature is).
pub fn curl_command(method: &str, url: &str, signed: &Signed, body: CurlBody<'_>) -> String {
    curl_with_headers(method, url, &signed.headers(), body)
}

/// A curl command that sends `method` to `url` with `headers` (in order) and `body`: every
/// value shell-quoted, the path as written (`--path-as-is`). For a signed request, and for
/// one with a bearer token.
pub fn curl_with_headers(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: CurlBody<'_>,
) -> String {
    // A method is a word of letters; anything else (a received request's, say, with a
    // quote in it) is quoted like every other value, so it can never end the command's quoting.
    let method = method.to_ascii_uppercase();
    let method = if !method.is_empty() && method.bytes().all(|b| b.is_ascii_uppercase()) {
        method
    } else {
        shell_quote(&method)
    };
    let mut parts = vec![
        "curl".to_owned(),
        "--path-as-is".to_owned(),
        "-X".to_owned(),
        method,
        shell_quote(url),
    ];
    for (name, value) in headers {
        parts.push("-H".to_owned());
        parts.push(shell_quote(&format!("{name}: {value}")));
    }
    match body {
        CurlBody::None => {}
        CurlBody::Bytes([]) => {}
        CurlBody::File(path) => {
            parts.push("--data-binary".to_owned());
            parts.push(shell_quote(&format!("@{}", path.display())));
        }
        CurlBody::Bytes(bytes) => {
            parts.push("--data-binary".to_owned());
            match std::str::from_utf8(bytes) {
                Ok(text) if !text.contains('\0') => parts.push(shell_quote(text)),
                // Bytes a shell word cannot carry: curl reads them from standard input.
                _ => parts.push("@-".to_owned()),
            }
        }
    }
    parts.join(" ")
}

/// The signed headers as lines to paste into another tool.
pub fn header_lines(signed: &Signed) -> String {
    let mut text = format!(
        "x-timestamp: {}\nAuthorization: {}",
        signed.x_timestamp, signed.authorization
    );
    if let Some(ct) = &signed.content_type {
        text.push_str(&format!("\nContent-Type: {ct}"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::{CurlBody, curl_with_headers};

    #[test]
    fn a_method_that_is_not_a_word_is_quoted_and_cannot_end_the_commands_quoting() {
        let plain = curl_with_headers("post", "http://h/p", &[], CurlBody::None);
        assert_eq!(plain, "curl --path-as-is -X POST 'http://h/p'");
        let odd = curl_with_headers(
            "X'",
            "http://h/p",
            &[],
            CurlBody::Bytes(b";touch /tmp/pwned #"),
        );
        // (tests/command_line/rest.rs has a shell read it.)
        assert_eq!(
            odd,
            r#"curl --path-as-is -X 'X'\''' 'http://h/p' --data-binary ';touch /tmp/pwned #'"#
        );
    }
}
