//! The one piece of JSON writing the generators need: a string literal, escaped exactly as
//! a standard encoder (serde_json, Ruby's `JSON.generate`) escapes it.
//!
//! Written by hand because it runs once per ticket in batch mode and must not allocate or
//! fail; a property test checks it against serde_json.

/// Appends `s` to `out` as a JSON string literal, quotes included: `"` `\` and control
/// characters escaped, `/` and non-ASCII kept as they are.
pub(crate) fn push_string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn escaped(s: &str) -> String {
        let mut out = Vec::new();
        push_string(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_like_a_standard_encoder() {
        assert_eq!(escaped(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(escaped("a/b"), r#""a/b""#);
        assert_eq!(escaped("Åsa 山田"), "\"Åsa 山田\"");
        assert_eq!(escaped("\u{1}\n\u{1f}"), r#""\u0001\n\u001f""#);
    }

    proptest! {
        #[test]
        fn matches_serde_json_for_any_string(s in any::<String>()) {
            prop_assert_eq!(escaped(&s), serde_json::to_string(&s).unwrap());
        }
    }
}
