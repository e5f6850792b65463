//! The one set of API credentials a simulator accepts, and the check of a request against them.
//!
//! Owns the ConnectWise auth rule (API-NOTES.md §1.1): HTTP Basic `companyId+publicKey:privateKey`
//! plus a `clientId` header. Keys are [`secrecy::SecretString`]s: they never reach a log, a `Debug`
//! string or a response.

use base64::Engine as _;
use secrecy::{ExposeSecret as _, SecretString};

/// Company id accepted when `CW_COMPANY_ID` is unset.
pub const DEFAULT_COMPANY_ID: &str = "cwrecon";
/// Public key accepted when `CW_PUBLIC_KEY` is unset.
pub const DEFAULT_PUBLIC_KEY: &str = "sim-public-key";
/// Private key accepted when `CW_PRIVATE_KEY` is unset.
pub const DEFAULT_PRIVATE_KEY: &str = "sim-private-key";
/// `clientId` accepted when `CW_CLIENT_ID` is unset.
pub const DEFAULT_CLIENT_ID: &str = "00000000-0000-4000-8000-00000000c1d0";

/// The credentials a simulator accepts.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The ConnectWise company id (the login "company"), compared case-insensitively.
    pub company_id: String,
    /// The API member's public key.
    pub public_key: SecretString,
    /// The API member's private key.
    pub private_key: SecretString,
    /// The integration's client id (a GUID), compared case-insensitively.
    pub client_id: String,
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthFailure {
    /// No or wrong Basic credentials: 401.
    BadCredentials,
    /// No or unknown `clientId`: 403.
    BadClientId,
}

impl Credentials {
    /// The credentials in `CW_COMPANY_ID`, `CW_PUBLIC_KEY`, `CW_PRIVATE_KEY` and `CW_CLIENT_ID`, each
    /// falling back to its documented default when unset or empty.
    pub fn from_env() -> Credentials {
        let var = |name: &str, default: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_owned())
        };
        Credentials {
            company_id: var("CW_COMPANY_ID", DEFAULT_COMPANY_ID),
            public_key: SecretString::from(var("CW_PUBLIC_KEY", DEFAULT_PUBLIC_KEY)),
            private_key: SecretString::from(var("CW_PRIVATE_KEY", DEFAULT_PRIVATE_KEY)),
            client_id: var("CW_CLIENT_ID", DEFAULT_CLIENT_ID),
        }
    }

    /// The documented defaults, ignoring the environment (for tests).
    pub fn defaults() -> Credentials {
        Credentials {
            company_id: DEFAULT_COMPANY_ID.to_owned(),
            public_key: SecretString::from(DEFAULT_PUBLIC_KEY),
            private_key: SecretString::from(DEFAULT_PRIVATE_KEY),
            client_id: DEFAULT_CLIENT_ID.to_owned(),
        }
    }

    /// The `Authorization` header value these credentials produce.
    pub fn authorization(&self) -> String {
        let raw = format!(
            "{}+{}:{}",
            self.company_id,
            self.public_key.expose_secret(),
            self.private_key.expose_secret()
        );
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }

    /// Check the `Authorization` and `clientId` header values of a request.
    pub(crate) fn check(
        &self,
        authorization: Option<&str>,
        client_id: Option<&str>,
    ) -> Result<(), AuthFailure> {
        if !authorization.is_some_and(|a| self.basic_matches(a)) {
            return Err(AuthFailure::BadCredentials);
        }
        // DATABRANCH reports 403 without clientId (API-NOTES.md §1.1, UNVERIFIED elsewhere): the
        // stricter choice, and an unknown clientId is refused the same way.
        match client_id {
            Some(id) if id.trim().eq_ignore_ascii_case(&self.client_id) => Ok(()),
            _ => Err(AuthFailure::BadClientId),
        }
    }

    fn basic_matches(&self, header: &str) -> bool {
        let Some(encoded) = header
            .strip_prefix("Basic ")
            .or_else(|| header.strip_prefix("basic "))
        else {
            return false;
        };
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
            return false;
        };
        let Ok(text) = String::from_utf8(decoded) else {
            return false;
        };
        let Some((user, private)) = text.split_once(':') else {
            return false;
        };
        let Some((company, public)) = user.split_once('+') else {
            return false;
        };
        company.eq_ignore_ascii_case(&self.company_id)
            && public == self.public_key.expose_secret()
            && private == self.private_key.expose_secret()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_exactly_its_own_credentials() {
        let c = Credentials::defaults();
        let good = c.authorization();
        assert_eq!(c.check(Some(&good), Some(DEFAULT_CLIENT_ID)), Ok(()));
        assert_eq!(c.check(Some(&good), None), Err(AuthFailure::BadClientId));
        assert_eq!(
            c.check(Some(&good), Some("other")),
            Err(AuthFailure::BadClientId)
        );
        assert_eq!(
            c.check(None, Some(DEFAULT_CLIENT_ID)),
            Err(AuthFailure::BadCredentials)
        );
        let mut wrong = Credentials::defaults();
        wrong.private_key = SecretString::from("nope");
        assert_eq!(
            c.check(Some(&wrong.authorization()), Some(DEFAULT_CLIENT_ID)),
            Err(AuthFailure::BadCredentials)
        );
    }

    #[test]
    fn debug_never_shows_keys() {
        let text = format!("{:?}", Credentials::defaults());
        assert!(
            !text.contains(DEFAULT_PUBLIC_KEY) && !text.contains(DEFAULT_PRIVATE_KEY),
            "{text}"
        );
    }
}
