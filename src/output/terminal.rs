//! Terminal text: what a terminal would act on instead of showing is shown as an escape.
//!
//! A terminal interprets C0 controls (ESC starts a sequence that can move the cursor, clear the
//! screen, retitle the window or write the clipboard; CR returns to the start of the line and
//! overwrites it; BEL rings), DEL, and the C1 controls U+0080–U+009F (U+009B is a one-character
//! CSI). Format characters (Unicode category Cf: bidirectional overrides, zero-width spaces, the
//! byte-order mark, tag characters) and the line and paragraph separators are invisible or reorder
//! what is shown, so that a reviewer reads something other than what is there.
//!
//! Two rules:
//! - [`text`], for a single value placed in a line of cwrecon's own text: every such character,
//!   line breaks included, is shown as an escape (`\n`, `\r`, `\t`, `\u{1b}`), so a value can
//!   neither act on the terminal nor start a line of its own.
//! - [`block`], for a whole output: line breaks and tabs stay, everything else is escaped in a form
//!   that is also valid inside a JSON string (`\u001b`), and with `Style::Keep` well-formed colour
//!   sequences (SGR, `ESC [ digits ; m`) stay, for cwrecon's own colours.

use std::borrow::Cow;
use std::fmt::Write as _;

use unicode_general_category::{GeneralCategory, get_general_category};

/// Whether colour sequences may stay in a [`block`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Keep well-formed SGR (colour) sequences: the output is coloured by cwrecon itself, and every
    /// value in it went through [`text`] first.
    Keep,
    /// Escape every ESC.
    Escape,
}

/// Whether a terminal would act on `c` or a reader would not see it: controls, format characters,
/// line and paragraph separators, and the default-ignorable characters of other categories that
/// render as nothing (the Hangul fillers, the combining grapheme joiner, Khmer inherent vowels,
/// Mongolian variation selectors, reserved specials). Emoji variation selectors are left: they
/// only change how the character before them looks.
pub fn is_hidden(c: char) -> bool {
    matches!(
        get_general_category(c),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    ) || matches!(
        c,
        '\u{034F}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{3164}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
    )
}

/// One value for a line of text: every hidden character shown as an escape (`\n`, `\u{1b}`).
pub fn text(value: &str) -> Cow<'_, str> {
    if !value.chars().any(is_hidden) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_hidden(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A whole output: line breaks (`\n`, `\r\n`) and tabs stay; with [`Style::Keep`], SGR sequences
/// stay; every other hidden character becomes a JSON-valid `\uXXXX` escape.
pub fn block(output: &str, style: Style) -> Cow<'_, str> {
    let needs_work = output
        .char_indices()
        .any(|(i, c)| is_hidden(c) && !is_kept(output, i, c, style));
    if !needs_work {
        return Cow::Borrowed(output);
    }
    let mut out = String::with_capacity(output.len() + 16);
    let mut chars = output.char_indices();
    while let Some((i, c)) = chars.next() {
        if !is_hidden(c) {
            out.push(c);
        } else if c == '\u{1b}' && style == Style::Keep && sgr_len(&output[i..]).is_some() {
            let len = sgr_len(&output[i..]).unwrap_or(1);
            out.push_str(&output[i..i + len]);
            // The rest of the sequence is ASCII: skip its characters.
            for _ in 1..len {
                chars.next();
            }
        } else if is_kept(output, i, c, style) {
            out.push(c);
        } else {
            push_json_escape(&mut out, c);
        }
    }
    Cow::Owned(out)
}

/// Line breaks and tabs are layout; a CR only as part of CRLF.
fn is_kept(output: &str, i: usize, c: char, style: Style) -> bool {
    match c {
        '\n' | '\t' => true,
        '\r' => output[i + 1..].starts_with('\n'),
        '\u{1b}' => style == Style::Keep && sgr_len(&output[i..]).is_some(),
        _ => false,
    }
}

/// The length of a colour sequence `ESC [ (digits | ;)* m` at the start of `text`, if one is there.
fn sgr_len(text: &str) -> Option<usize> {
    let rest = text.strip_prefix("\u{1b}[")?;
    let params = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    // Bounded: a colour needs few parameters; a long run is not one of ours.
    (params <= 16 && rest.as_bytes().get(params) == Some(&b'm')).then_some(2 + params + 1)
}

/// `\u001b`, or a surrogate pair for a character beyond the BMP (tag characters), as JSON spells it.
fn push_json_escape(out: &mut String, c: char) {
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units) {
        let _ = write!(out, "\\u{unit:04x}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fillers_that_render_as_nothing_are_hidden_and_emoji_selectors_are_not() {
        for c in [
            '\u{3164}', '\u{034F}', '\u{115F}', '\u{FFA0}', '\u{180B}', '\u{200B}',
        ] {
            assert!(is_hidden(c), "U+{:04X}", u32::from(c));
        }
        assert!(!is_hidden('\u{FE0F}'));
        assert!(!is_hidden('é'));
    }

    #[test]
    fn controls_and_invisible_characters_are_shown_as_escapes() {
        assert_eq!(text("plain"), "plain");
        assert_eq!(
            text("a\u{1b}[2Jb\rc\u{7}d\u{7f}e\u{9b}31m"),
            "a\\u{1b}[2Jb\\rc\\u{7}d\\u{7f}e\\u{9b}31m"
        );
        assert_eq!(text("x\ny\tz"), "x\\ny\\tz");
        assert_eq!(
            text("\u{202e}evil\u{200b}\u{feff}\u{2028}\u{e0041}"),
            "\\u{202e}evil\\u{200b}\\u{feff}\\u{2028}\\u{e0041}"
        );
        assert_eq!(text("Zoë · 東京 · ✓"), "Zoë · 東京 · ✓");
    }

    #[test]
    fn a_block_keeps_its_lines_and_only_well_formed_colours() {
        assert_eq!(block("a\nb\r\n\tc", Style::Escape), "a\nb\r\n\tc");
        assert_eq!(block("a\rb", Style::Escape), "a\\u000db");
        assert_eq!(
            block("\u{1b}[31mred\u{1b}[0m", Style::Keep),
            "\u{1b}[31mred\u{1b}[0m"
        );
        assert_eq!(
            block("\u{1b}[31mred\u{1b}[0m", Style::Escape),
            "\\u001b[31mred\\u001b[0m"
        );
        assert_eq!(
            block("\u{1b}]0;title\u{7}\u{1b}[2J", Style::Keep),
            "\\u001b]0;title\\u0007\\u001b[2J"
        );
        assert_eq!(block("\u{e0041}", Style::Escape), "\\udb40\\udc41");
    }

    #[test]
    fn a_block_escape_stays_valid_json() {
        let value = "\u{9b}\u{202e}\u{e0041}\u{7f}";
        let json = serde_json::to_string(value).unwrap();
        let shown = block(&json, Style::Escape);
        assert!(!shown.chars().any(is_hidden), "{shown}");
        let back: String = serde_json::from_str(&shown).unwrap();
        assert_eq!(back, value);
    }

    proptest! {
        #[test]
        fn text_never_lets_a_hidden_character_through(value in any::<String>()) {
            let shown = text(&value);
            prop_assert!(!shown.chars().any(is_hidden));
        }

        #[test]
        fn block_lets_through_only_layout_and_colour(value in any::<String>()) {
            let shown = block(&value, Style::Escape);
            for (i, c) in shown.char_indices() {
                prop_assert!(!is_hidden(c) || c == '\n' || c == '\t' || (c == '\r' && shown[i + 1..].starts_with('\n')));
            }
            let kept = block(&value, Style::Keep);
            for (i, c) in kept.char_indices() {
                if c == '\u{1b}' {
                    prop_assert!(sgr_len(&kept[i..]).is_some());
                }
            }
        }
    }
}
