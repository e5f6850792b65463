//! Markdown (GitHub- and GitLab-flavoured) for pull-request comments and tickets.
//!
//! Three contexts, three rules; each first applies [`terminal::text`], so a
//! value stays on its line (`\n` shown, not a line break) and no control character reaches the page:
//! - [`text`] (and [`cell`]) for a value in markdown prose or a table cell: markdown specials are
//!   backslash-escaped and `<`, `>`, `&` become entities, so a value cannot start a comment (`<!--`),
//!   a tag, a link, an image, emphasis, a heading, a mention or math, nor end a table cell.
//! - [`html`] for a value inside an HTML block (`<summary>`), where markdown escapes do not apply:
//!   entities only.
//! - [`fence`] for code: the fence is one backtick longer than the longest run of backticks in the
//!   code (at least three), so nothing inside can close it.

use std::fmt::Write as _;

use super::terminal;

/// Characters escaped with a backslash: each may start markdown syntax (code, emphasis, links,
/// images, headings, tables, strikethrough, mentions, math) or is the escape itself.
const BACKSLASHED: &[char] = &[
    '\\', '`', '*', '_', '[', ']', '{', '}', '(', ')', '#', '|', '!', '~', '@', '$', '^',
];

/// A value in markdown prose.
pub fn text(value: &str) -> String {
    let visible = terminal::text(value);
    let chars: Vec<char> = visible.chars().collect();
    let mut out = String::with_capacity(visible.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // Between two letters or digits `_` can neither open nor close emphasis (CommonMark
            // §6.2), so `MXS10C01SUNR_7.25` stays as it is written.
            '_' if is_intraword(&chars, i) => out.push(c),
            c if BACKSLASHED.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn is_intraword(chars: &[char], i: usize) -> bool {
    i > 0 && chars[i - 1].is_alphanumeric() && chars.get(i + 1).is_some_and(|c| c.is_alphanumeric())
}

/// A value in a table cell: [`text`], which also escapes `|`.
pub fn cell(value: &str) -> String {
    text(value)
}

/// A value inside an HTML block (`<summary>…</summary>`): entities for HTML's specials.
pub fn html(value: &str) -> String {
    let visible = terminal::text(value);
    let mut out = String::with_capacity(visible.len() + 8);
    for c in visible.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The longest run of `mark` in `text`.
fn longest_run(text: &str, mark: char) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in text.chars() {
        run = if c == mark { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// A fenced code block around `code` (lines of cwrecon's own text whose values went through
/// [`terminal::text`]); `info` is the language (`diff`). The fence is longer than any backtick run
/// inside, so the code cannot close it.
pub fn fence(info: &str, code: &str) -> String {
    let fence = "`".repeat(longest_run(code, '`').max(2) + 1);
    let info: String = info.chars().filter(char::is_ascii_alphanumeric).collect();
    let mut out = String::with_capacity(code.len() + 2 * fence.len() + info.len() + 3);
    let _ = writeln!(out, "{fence}{info}");
    out.push_str(code);
    if !code.is_empty() && !code.ends_with('\n') {
        out.push('\n');
    }
    let _ = writeln!(out, "{fence}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn prose_cannot_open_a_comment_a_tag_or_code() {
        assert_eq!(
            text("a```\n<!-- x"),
            "a\\`\\`\\`\\\\n&lt;\\!-- x",
            "the newline is shown, the comment is text"
        );
        assert_eq!(text("[x](javascript:y)"), "\\[x\\]\\(javascript:y\\)");
        assert_eq!(
            text("**b** _i_ # h ~~s~~ @team $m$"),
            "\\*\\*b\\*\\* \\_i\\_ \\# h \\~\\~s\\~\\~ \\@team \\$m\\$"
        );
        assert_eq!(text("Acme Corp"), "Acme Corp");
        assert_eq!(text("MXS10C01SUNR_7.25 _x_"), "MXS10C01SUNR_7.25 \\_x\\_");
        assert_eq!(text("\u{1b}[2J"), "\\\\u\\{1b\\}\\[2J");
    }

    #[test]
    fn a_cell_cannot_end_early() {
        assert_eq!(cell("a|b\\|c"), "a\\|b\\\\\\|c");
    }

    #[test]
    fn html_gets_entities() {
        assert_eq!(
            html("<!--</summary>\"&'"),
            "&lt;!--&lt;/summary&gt;&quot;&amp;&#39;"
        );
    }

    #[test]
    fn a_fence_is_longer_than_any_backtick_run_inside() {
        assert_eq!(fence("diff", "+ a\n"), "```diff\n+ a\n```\n");
        assert_eq!(
            fence("diff", "x ````` y"),
            "``````diff\nx ````` y\n``````\n"
        );
    }

    /// Whether, reading `doc` as `CommonMark` fences do, the first fence closes only on its last line.
    fn fence_closes_at_end(doc: &str) -> bool {
        let mut lines = doc.lines();
        let open = lines.next().unwrap_or("");
        let n = open.chars().take_while(|c| *c == '`').count();
        let body: Vec<&str> = lines.collect();
        let closes: Vec<usize> = body
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                let t = l.trim_start_matches(' ');
                t.chars().take_while(|c| *c == '`').count() >= n
                    && t.trim_end().chars().all(|c| c == '`')
            })
            .map(|(i, _)| i)
            .collect();
        closes == vec![body.len() - 1]
    }

    proptest! {
        #[test]
        fn no_code_closes_its_fence(code in ".*(\n.*){0,4}") {
            let lines: Vec<String> = code.lines().map(|l| terminal::text(l).into_owned()).collect();
            let doc = fence("diff", &(lines.join("\n") + "\n"));
            prop_assert!(fence_closes_at_end(&doc), "{}", doc);
        }

        #[test]
        fn prose_has_no_raw_specials(value in any::<String>()) {
            let shown = text(&value);
            prop_assert!(!shown.contains('<') && !shown.contains('>') && !shown.contains('\n'));
            // Every special is preceded by a backslash that is not itself escaped.
            let chars: Vec<char> = shown.chars().collect();
            let mut i = 0;
            while i < chars.len() {
                if chars[i] == '\\' {
                    i += 2;
                    continue;
                }
                let intraword = chars[i] == '_' && is_intraword(&chars, i);
                prop_assert!(intraword || !BACKSLASHED.contains(&chars[i]), "{}", shown);
                i += 1;
            }
        }
    }
}
