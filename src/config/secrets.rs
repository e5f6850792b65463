//! Keeping secrets out of diagnostics: the text shown in error snippets has every value that could
//! be a key or password masked, byte for byte (so spans still line up).
//!
//! Owns two rules. By key name, before parsing (a broken file must not leak either): the value of
//! any mapping key whose name says secret (`private_key`, `privateKey`, `password`,
//! `globalLoginPassword`, `api_token`, …) is masked, in block style, in flow style
//! (`{ private_key: x }`), and when it continues on the following, more indented lines (block
//! scalars, multi-line plain scalars). By value, after parsing: every occurrence of a literal key
//! the configuration holds is masked wherever it stands, which covers anchors and aliases. A valid
//! `${env:NAME}` reference is not a secret and stays visible; a malformed one is masked.

/// Whether a mapping key names a secret.
fn is_secret_key(key: &str) -> bool {
    let k: String = key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    ["key", "password", "passwd", "secret", "token"]
        .iter()
        .any(|word| k.ends_with(word) || k.contains(&format!("{word}s")) || k == *word)
        || k.contains("password")
        || k.contains("secret")
}

fn mask_range(bytes: &mut [u8], text: &str, start: usize, end: usize) {
    for (offset, ch) in text[start..end].char_indices() {
        if !ch.is_whitespace() {
            let at = start + offset;
            bytes[at..at + ch.len_utf8()].fill(b'*');
        }
    }
}

fn is_env_reference(value: &str) -> bool {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    super::credentials::env_reference(v).is_some()
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// Mask secret values found by key name.
pub(crate) fn mask_by_key(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |start, line| {
            let here = *start;
            *start += line.len();
            Some((here, line))
        })
        .collect();
    // Anchors whose alias stands under a secret key: their values are secrets too.
    let mut aliases: Vec<String> = Vec::new();
    for (index, &(line_start, line)) in lines.iter().enumerate() {
        for (colon, _) in line.match_indices(':') {
            let after = &line[colon + 1..];
            if !(after.is_empty() || after.starts_with([' ', '\t', '\n', '\r'])) {
                continue;
            }
            let before = &line[..colon];
            let key_start = before
                .rfind(['{', ',', '[', '-', ' ', '\t'])
                .map_or(0, |i| i + 1);
            let key = before[key_start..].trim_matches(|c| c == '"' || c == '\'');
            if key.is_empty() || !is_secret_key(key) {
                continue;
            }
            let in_flow = before[..key_start].contains('{');
            let value_start = colon + 1;
            let value_end = if in_flow {
                after
                    .find([',', '}', ']'])
                    .map_or(line.len(), |i| value_start + i)
            } else {
                line.len()
            };
            let value = &line[value_start..value_end];
            if let Some(alias) = value.trim().strip_prefix('*') {
                aliases.push(alias.trim().to_owned());
            }
            let continues =
                value.trim().is_empty() || value.trim_start().starts_with(['|', '>', '#']);
            if !is_env_reference(value) {
                mask_range(
                    &mut bytes,
                    text,
                    line_start + value_start,
                    line_start + value_end,
                );
            }
            if continues && !in_flow {
                // The value goes on in the lines indented deeper than its key.
                let key_indent = indentation(line);
                for &(next_start, next) in &lines[index + 1..] {
                    if !next.trim().is_empty() && indentation(next) <= key_indent {
                        break;
                    }
                    if !is_env_reference(next) {
                        mask_range(&mut bytes, text, next_start, next_start + next.len());
                    }
                }
            }
        }
    }
    for alias in aliases.iter().filter(|a| !a.is_empty()) {
        let anchor = format!("&{alias}");
        for (at, _) in text.match_indices(&anchor) {
            let start = at + anchor.len();
            let end = text[start..]
                .find(['\n', ',', '}', ']'])
                .map_or(text.len(), |i| start + i);
            mask_range(&mut bytes, text, start, end);
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| "*".repeat(text.len()))
}

/// Mask every occurrence of each literal secret.
pub(crate) fn mask_values(text: &str, secrets: &[&str]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for secret in secrets.iter().map(|s| s.trim()).filter(|s| s.len() >= 3) {
        for (at, _) in text.match_indices(secret) {
            mask_range(&mut bytes, text, at, at + secret.len());
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| "*".repeat(text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hidden(text: &str, secret: &str) {
        let masked = mask_by_key(text);
        assert_eq!(
            masked.len(),
            text.len(),
            "lengths must match so spans line up"
        );
        assert!(!masked.contains(secret), "leaked `{secret}` in:\n{masked}");
    }

    #[test]
    fn block_flow_multiline_and_camel_case_values_are_masked() {
        hidden("connection:\n  private_key: s3cret-ü\n", "s3cret");
        hidden(
            "connection: { public_key: PUBx1, private_key: PRIVx2 }\n",
            "PRIVx2",
        );
        hidden(
            "connection: { public_key: PUBx1, private_key: PRIVx2 }\n",
            "PUBx1",
        );
        hidden(
            "connection:\n  private_key: |\n    MULTIline\n  site: x\n",
            "MULTIline",
        );
        hidden("connection:\n  private_key:\n    NEXTline\n", "NEXTline");
        hidden("connection:\n  privateKey: CAMELval\n", "CAMELval");
        hidden(
            "setup:\n  x:\n    - globalLoginPassword: \"QUOTEDpw\"\n",
            "QUOTEDpw",
        );
        hidden("connection:\n  private_key: ${env:1BAD}\n", "1BAD");
    }

    #[test]
    fn env_references_and_ordinary_values_stay_visible() {
        let text = "connection:\n  private_key: ${env:CW_PRIVATE_KEY}\n  site: api-na.myconnectwise.net\nproducts:\n  - sku: MXS10C01SUNR\n    description: Exchange mailbox\n";
        assert_eq!(mask_by_key(text), text);
    }

    #[test]
    fn literal_values_are_masked_wherever_they_stand() {
        let text = "x: &k ANCHORED\nconnection:\n  private_key: *k\n";
        let masked = mask_values(text, &["ANCHORED"]);
        assert!(!masked.contains("ANCHORED"));
        assert_eq!(masked.len(), text.len());
    }
}
