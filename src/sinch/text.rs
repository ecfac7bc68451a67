//! Characters that hide: the one place that decides which characters of a name or a decoded
//! field a person cannot see, and how such text is made safe to print on a terminal.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Unicode's `Default_Ignorable_Code_Point` property (DerivedCoreProperties.txt, Unicode 15):
/// characters that render as nothing. A name holding one looks like another name.
const DEFAULT_IGNORABLE: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
];

/// Whether `c` is a default-ignorable code point: soft hyphen, zero-width space and joiners,
/// bidirectional marks and overrides, word joiner, variation selectors, the byte order mark,
/// Hangul fillers, tags.
pub fn is_default_ignorable(c: char) -> bool {
    let c = u32::from(c);
    // Below the first range (most text, every ASCII username): no search.
    if c < DEFAULT_IGNORABLE[0].0 {
        return false;
    }
    DEFAULT_IGNORABLE
        .binary_search_by(|&(first, last)| {
            if last < c {
                std::cmp::Ordering::Less
            } else if first > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// The first character of `text` that a person cannot see (a control character or a
/// default-ignorable one), for a message such as "holds U+200B".
pub fn first_invisible(text: &str) -> Option<char> {
    text.chars()
        .find(|&c| c.is_control() || is_default_ignorable(c))
}

/// `c` as people write code points: `U+200B`.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// Characters a terminal acts on or that reorder what follows: every control character but
/// the line break and the tab, and the bidirectional formatting characters.
fn acts_on_a_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` made safe to print for a person: each character that a terminal would act on
/// (an escape sequence's ESC, a carriage return, a bidirectional override) is written as a
/// visible `\u001b` escape instead. Text with none comes back borrowed, unchanged.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts_on_a_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if acts_on_a_terminal(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` for a field shown on one line: a line break, a tab or a Unicode line or paragraph
/// separator is written as a visible escape (`\n`, `\t`, `\u2028`), so that a crafted value
/// cannot print lines of its own ("Signature: valid") under another's label. Text with none
/// comes back borrowed.
pub fn one_line(text: &str) -> Cow<'_, str> {
    let breaks = |c: char| matches!(c, '\n' | '\r' | '\t' | '\u{85}' | '\u{2028}' | '\u{2029}');
    if !text.chars().any(breaks) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if breaks(c) => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_so_the_search_is_right() {
        assert!(DEFAULT_IGNORABLE.windows(2).all(|w| w[0].1 < w[1].0));
        assert!(DEFAULT_IGNORABLE.iter().all(|(a, b)| a <= b));
    }

    #[test]
    fn invisible_characters_are_found_and_letters_are_not() {
        for c in [
            '\u{00ad}',
            '\u{034f}',
            '\u{115f}',
            '\u{200b}',
            '\u{202e}',
            '\u{2060}',
            '\u{feff}',
            '\u{e0041}',
        ] {
            assert!(is_default_ignorable(c), "{}", code_point(c));
        }
        for c in ['a', 'é', 'Å', '-', ' ', '\u{2070}', '😀'] {
            assert!(!is_default_ignorable(c), "{}", code_point(c));
        }
        assert_eq!(first_invisible("ali\u{200b}ce"), Some('\u{200b}'));
        assert_eq!(first_invisible("al\u{7}"), Some('\u{7}'));
        assert_eq!(first_invisible("Åsa"), None);
        assert_eq!(code_point('\u{feff}'), "U+FEFF");
    }

    #[test]
    fn terminal_escapes_become_visible_and_plain_text_is_untouched() {
        assert!(matches!(terminal_safe("alice\tÅsa\n"), Cow::Borrowed(_)));
        assert_eq!(
            terminal_safe("\u{1b}]0;PWNED\u{7}x\r"),
            "\\u001b]0;PWNED\\u0007x\\u000d"
        );
        assert_eq!(terminal_safe("a\u{202e}b\u{9b}"), "a\\u202eb\\u009b");
    }

    #[test]
    fn a_one_line_field_keeps_to_its_line() {
        assert!(matches!(one_line("Åsa Smith"), Cow::Borrowed(_)));
        assert_eq!(
            one_line("alice\nSignature: valid\r\tx\u{2028}y"),
            "alice\\nSignature: valid\\r\\tx\\u2028y"
        );
    }
}
