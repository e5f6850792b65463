//! Text from a server, and URLs, made safe to show in an error or a log.
//!
//! A server's error message is not cwrecon's text: a proxy may echo the request's headers into it
//! (the Basic credential), a hostile or broken server may send megabytes or terminal escapes. Before
//! it is kept in an error, [`server_text`]:
//! 1. makes control and invisible characters visible ([`terminal::text`]);
//! 2. replaces the token after `Basic` or `Bearer` with `***`;
//! 3. replaces every form of the login it knows ([`Secrets`]): the raw
//!    `companyId+publicKey:privateKey`, its base64 in the standard and URL-safe alphabets, padded and
//!    unpadded, and each key on its own;
//! 4. cuts what is left to [`MAX_SERVER_TEXT`] characters, saying how much was cut.
//!
//! [`url()`] shows a URL (a `CW_SITE` that was refused) with its user info, query values and fragment
//! replaced by `***`, so the error that refuses credentials in a URL does not print them back.
//!
//! Last net: a client [`remember`]s its login's forms for the process, and the stream writers
//! ([`super::stream`]) replace them in everything printed, so a secret that reached a message by a
//! path not covered above (a decoding error quoting a response, a log line) is still not shown.
//!
//! Refuses to guess: text that merely looks random is left alone; only the forms above are redacted.

use std::fmt;

use base64::Engine as _;
use secrecy::{ExposeSecret as _, SecretString};

use super::terminal;

/// The most characters of a server's message kept in an error.
pub const MAX_SERVER_TEXT: usize = 300;

/// What replaces a secret.
const MASK: &str = "***";

/// The strings that must never be shown: the login in every form it is sent, and the keys.
#[derive(Clone, Default)]
pub struct Secrets {
    /// Longest first, so that the login is replaced whole before a key inside it.
    needles: Vec<SecretString>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} redacted)", self.needles.len())
    }
}

impl Secrets {
    /// The login `company_id+public_key:private_key` (as sent in the Basic header), its base64
    /// forms, and each key.
    pub fn for_login(company_id: &str, public_key: &str, private_key: &str) -> Secrets {
        let login = format!("{company_id}+{public_key}:{private_key}");
        let engines = [
            base64::engine::general_purpose::STANDARD,
            base64::engine::general_purpose::STANDARD_NO_PAD,
            base64::engine::general_purpose::URL_SAFE,
            base64::engine::general_purpose::URL_SAFE_NO_PAD,
        ];
        let mut needles: Vec<String> = engines.iter().map(|e| e.encode(&login)).collect();
        needles.extend([login, public_key.to_owned(), private_key.to_owned()]);
        needles.retain(|n| !n.is_empty());
        needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
        needles.dedup();
        Secrets {
            needles: needles.into_iter().map(SecretString::from).collect(),
        }
    }

    /// `text` with every known secret replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for needle in &self.needles {
            let needle = needle.expose_secret();
            if out.contains(needle) {
                out = out.replace(needle, MASK);
            }
        }
        out
    }
}

/// Every login this process connects with, for the stream writers' last net.
static REMEMBERED: std::sync::RwLock<Vec<Secrets>> = std::sync::RwLock::new(Vec::new());

/// Keep `secrets` for the process: the stream writers redact them from everything printed.
pub fn remember(secrets: &Secrets) {
    let mut all = REMEMBERED
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !all.iter().any(|known| known.same_as(secrets)) {
        all.push(secrets.clone());
    }
}

/// `text` with every remembered secret replaced by `***`.
pub fn remembered(text: &str) -> String {
    let all = REMEMBERED
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut out = text.to_owned();
    for secrets in all.iter() {
        out = secrets.redact(&out);
    }
    out
}

impl Secrets {
    fn same_as(&self, other: &Secrets) -> bool {
        self.needles.len() == other.needles.len()
            && self
                .needles
                .iter()
                .zip(&other.needles)
                .all(|(a, b)| a.expose_secret() == b.expose_secret())
    }
}

/// A server's message as it may be shown: visible, redacted, bounded.
pub fn server_text(text: &str, secrets: &Secrets) -> String {
    let visible = terminal::text(text);
    let redacted = secrets.redact(&redact_auth_tokens(&visible));
    truncate(&redacted, MAX_SERVER_TEXT)
}

/// `text` cut to `max` characters, with a note saying how many more there were.
pub fn truncate(text: &str, max: usize) -> String {
    let total = text.chars().count();
    if total <= max {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max).collect();
    format!("{kept}… ({} more characters not shown)", total - max)
}

/// The token after the words `Basic` or `Bearer` (any case) replaced by `***`.
fn redact_auth_tokens(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some((at, scheme_len)) = next_scheme(&lower, search) {
        let after_scheme = at + scheme_len;
        let spaces = text[after_scheme..]
            .bytes()
            .take_while(|b| *b == b' ' || *b == b'\t')
            .count();
        let token_start = after_scheme + spaces;
        let token_len = text[token_start..]
            .bytes()
            .take_while(|b| is_token_byte(*b))
            .count();
        if spaces > 0 && token_len > 0 {
            out.push_str(&text[copied..token_start]);
            out.push_str(MASK);
            copied = token_start + token_len;
        }
        search = token_start + token_len;
    }
    out.push_str(&text[copied..]);
    out
}

/// The next `basic` or `bearer` at or after `from` that starts a word, and its length.
fn next_scheme(lower: &str, from: usize) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for scheme in ["basic", "bearer"] {
        let mut start = from;
        while let Some(found) = lower.get(start..).and_then(|s| s.find(scheme)) {
            let at = start + found;
            let starts_word = at == 0 || !lower.as_bytes()[at - 1].is_ascii_alphanumeric();
            if starts_word {
                if best.is_none_or(|(b, _)| at < b) {
                    best = Some((at, scheme.len()));
                }
                break;
            }
            start = at + scheme.len();
        }
    }
    best
}

/// Characters of a token68 (RFC 7235) and of base64 in either alphabet.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_' | b'.' | b'~')
}

/// A URL as it may be shown: user info, query values and fragment replaced by `***`. Works on text
/// that does not parse as a URL too.
pub fn url(text: &str) -> String {
    let visible = terminal::text(text);
    // User info may itself hold `/`, `?` or `#` (`https://user:pa/ss@host`), which would end the
    // authority early for the rules below; with an `@` anywhere, show only the scheme, `***@`, the
    // host after the last `@`, and a mark for whatever followed it.
    if let Some((_, after)) = visible.rsplit_once('@') {
        let scheme = visible.find("://").map_or("", |i| &visible[..i + 3]);
        let host_end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let more = if host_end < after.len() { "/***" } else { "" };
        return format!("{scheme}{MASK}@{}{more}", &after[..host_end]);
    }
    let (rest, fragment) = match visible.split_once('#') {
        Some((rest, _)) => (rest, Some(MASK)),
        None => (visible.as_ref(), None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, Some(mask_query(query))),
        None => (rest, None),
    };
    let authority_start = rest.find("://").map_or(0, |i| i + 3);
    let authority_end = rest[authority_start..]
        .find('/')
        .map_or(rest.len(), |i| authority_start + i);
    let mut out = String::with_capacity(visible.len());
    out.push_str(&rest[..authority_start]);
    let authority = &rest[authority_start..authority_end];
    match authority.rsplit_once('@') {
        Some((_, host)) => {
            out.push_str(MASK);
            out.push('@');
            out.push_str(host);
        }
        None => out.push_str(authority),
    }
    out.push_str(&rest[authority_end..]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(&query);
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// `a=***&b=***`: names kept, values (and bare items, which may be tokens themselves) masked.
fn mask_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) => format!("{name}={MASK}"),
            None if pair.is_empty() => String::new(),
            None => MASK.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn secrets() -> Secrets {
        Secrets::for_login("acme", "PUBKEY0123456789", "priv+/KEY_abcdefgh")
    }

    #[test]
    fn every_form_of_the_login_is_redacted() {
        let login = "acme+PUBKEY0123456789:priv+/KEY_abcdefgh";
        let s = secrets();
        for form in [
            base64::engine::general_purpose::STANDARD.encode(login),
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(login),
            base64::engine::general_purpose::URL_SAFE.encode(login),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(login),
            login.to_owned(),
            "PUBKEY0123456789".to_owned(),
            "priv+/KEY_abcdefgh".to_owned(),
        ] {
            let shown = server_text(&format!("echo: {form}!"), &s);
            assert_eq!(shown, "echo: ***!", "{form}");
        }
    }

    #[test]
    fn remembered_secrets_are_redacted_everywhere() {
        remember(&Secrets::for_login("co", "rememberedPUB", "rememberedPRIV"));
        remember(&Secrets::for_login("co", "rememberedPUB", "rememberedPRIV"));
        assert_eq!(remembered("a rememberedPRIV b"), "a *** b");
        let these = Secrets::for_login("co", "rememberedPUB", "rememberedPRIV");
        let copies = REMEMBERED
            .read()
            .unwrap()
            .iter()
            .filter(|known| known.same_as(&these))
            .count();
        assert_eq!(copies, 1, "a login is remembered once");
    }

    #[test]
    fn basic_and_bearer_tokens_are_redacted() {
        let s = Secrets::default();
        assert_eq!(
            server_text("Authorization: Basic YWJjOmRlZg== was sent", &s),
            "Authorization: Basic *** was sent"
        );
        assert_eq!(
            server_text("BEARER abc.def-ghi and bearer  x", &s),
            "BEARER *** and bearer  ***"
        );
        assert_eq!(server_text("basically fine", &s), "basically fine");
        assert_eq!(server_text("Basic", &s), "Basic");
    }

    #[test]
    fn server_text_is_bounded_and_visible() {
        let shown = server_text(
            &format!("\u{1b}[2J{}", "x".repeat(1000)),
            &Secrets::default(),
        );
        assert!(shown.starts_with("\\u{1b}[2J"), "{shown}");
        assert!(
            shown.ends_with("… (709 more characters not shown)"),
            "{shown}"
        );
        assert!(!shown.contains('\u{1b}'));
    }

    #[test]
    fn a_url_is_shown_without_user_info_query_values_or_fragment() {
        assert_eq!(
            url("https://user:pass@host.example/x?token=abc&flag#frag"),
            "https://***@host.example/***"
        );
        assert_eq!(
            url("https://host.example/x?token=abc&flag#frag"),
            "https://host.example/x?token=***&***#***"
        );
        assert_eq!(url("user:pw@host.example"), "***@host.example");
        assert_eq!(url("https://host.example/a/b"), "https://host.example/a/b");
        // User info holding `/`, `?` or `#` still never shows.
        for (site, secret) in [
            ("https://user:pa/ss@host", "pa/ss"),
            ("https://u:p?x@host", "p?x"),
            ("user:se/cret@host", "se/cret"),
            ("https://a@b@host/x@y", "b@"),
        ] {
            let shown = url(site);
            assert!(!shown.contains(secret), "{site} → {shown}");
            assert!(shown.contains("***@"), "{site} → {shown}");
        }
    }

    proptest! {
        #[test]
        fn no_secret_survives(prefix in any::<String>(), suffix in any::<String>(), which in 0usize..7) {
            let s = secrets();
            let login = "acme+PUBKEY0123456789:priv+/KEY_abcdefgh";
            let forms = [
                base64::engine::general_purpose::STANDARD.encode(login),
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(login),
                login.to_owned(),
                "PUBKEY0123456789".to_owned(),
                "priv+/KEY_abcdefgh".to_owned(),
                format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(login)),
                format!("bearer {}", "priv+/KEY_abcdefgh"),
            ];
            let shown = s.redact(&redact_auth_tokens(&format!("{prefix}{}{suffix}", forms[which])));
            prop_assert!(!shown.contains("PUBKEY0123456789") && !shown.contains("priv+/KEY_abcdefgh"));
            prop_assert!(!shown.contains(&forms[0][..20]));
        }

        #[test]
        fn redaction_never_panics(text in any::<String>()) {
            let _ = server_text(&text, &secrets());
            let _ = url(&text);
        }
    }
}
