//! API credentials: where they come from and how they are kept out of every output.
//!
//! Owns the rule that keys live only in the environment: the `connection` section may name
//! environment variables as `${env:NAME}`, and anything it leaves out falls back to `CW_SITE`,
//! `CW_COMPANY_ID`, `CW_PUBLIC_KEY`, `CW_PRIVATE_KEY` and `CW_CLIENT_ID`. Keys are held as
//! [`SecretString`]s, whose `Debug` prints a placeholder, so neither logs nor errors can show them.

use secrecy::SecretString;

use super::model::Connection;

/// The credentials cwrecon logs in with. `Debug` never shows the keys.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The API host or base URL.
    pub site: String,
    /// The ConnectWise company id (the login's first part).
    pub company_id: String,
    /// The integration's clientId header.
    pub client_id: String,
    /// The API member's public key.
    pub public_key: SecretString,
    /// The API member's private key.
    pub private_key: SecretString,
}

/// A credential that could not be resolved. Names the variable, never its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialsError {
    /// Neither the configuration nor the default environment variable gives a value.
    #[error("resolve credentials: {field} is not set; set the environment variable {variable}")]
    Missing {
        /// The credential (`private_key`).
        field: &'static str,
        /// The variable that was looked up.
        variable: String,
    },
}

/// The variable name in `${env:NAME}`, when the text is exactly such a reference.
pub(crate) fn env_reference(text: &str) -> Option<&str> {
    let name = text.trim().strip_prefix("${env:")?.strip_suffix('}')?;
    let mut chars = name.chars();
    let first = chars.next()?;
    let valid = (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then_some(name)
}

impl Credentials {
    /// Resolve the credentials from the configuration's references and the environment, given as
    /// a lookup function so tests need not change the process environment.
    pub fn resolve(
        connection: &Connection,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Credentials, CredentialsError> {
        let get = |field: &'static str, configured: Option<&str>, default_var: &str| {
            let variable = match configured {
                // A literal (site, company id, client id) is used as written; validation has
                // already refused literal keys.
                Some(text) => match env_reference(text) {
                    Some(name) => name.to_owned(),
                    None => return Ok(text.to_owned()),
                },
                None => default_var.to_owned(),
            };
            env(&variable)
                .filter(|v| !v.is_empty())
                .ok_or(CredentialsError::Missing { field, variable })
        };
        let value = |s: &Option<super::span::Spanned<String>>| s.as_ref().map(|v| v.value.clone());
        Ok(Credentials {
            site: get("site", value(&connection.site).as_deref(), "CW_SITE")?,
            company_id: get(
                "company_id",
                value(&connection.company_id).as_deref(),
                "CW_COMPANY_ID",
            )?,
            client_id: get(
                "client_id",
                value(&connection.client_id).as_deref(),
                "CW_CLIENT_ID",
            )?,
            public_key: get(
                "public_key",
                value(&connection.public_key).as_deref(),
                "CW_PUBLIC_KEY",
            )?
            .into(),
            private_key: get(
                "private_key",
                value(&connection.private_key).as_deref(),
                "CW_PRIVATE_KEY",
            )?
            .into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Spanned;

    fn env(name: &str) -> Option<String> {
        match name {
            "CW_SITE" => Some("api-na.myconnectwise.net".into()),
            "CW_COMPANY_ID" => Some("acme".into()),
            "CW_CLIENT_ID" => Some("00000000-0000-0000-0000-000000000000".into()),
            "CW_PUBLIC_KEY" => Some("pubKEY123".into()),
            "CW_PRIVATE_KEY" | "OTHER_PRIVATE" => Some("privSECRET456".into()),
            _ => None,
        }
    }

    #[test]
    fn defaults_come_from_cw_variables_and_debug_hides_keys() {
        let creds = Credentials::resolve(&Connection::default(), env).unwrap();
        assert_eq!(creds.company_id, "acme");
        let shown = format!("{creds:?}");
        assert!(!shown.contains("privSECRET456"), "{shown}");
        assert!(!shown.contains("pubKEY123"), "{shown}");
    }

    #[test]
    fn references_name_other_variables_and_missing_ones_are_named() {
        let connection = Connection {
            private_key: Some(Spanned::unwritten("${env:OTHER_PRIVATE}".into())),
            public_key: Some(Spanned::unwritten("${env:NOT_SET}".into())),
            ..Connection::default()
        };
        let err = Credentials::resolve(&connection, env).unwrap_err();
        assert_eq!(
            err,
            CredentialsError::Missing {
                field: "public_key",
                variable: "NOT_SET".into()
            }
        );
    }

    #[test]
    fn env_reference_syntax() {
        assert_eq!(
            env_reference("${env:CW_PRIVATE_KEY}"),
            Some("CW_PRIVATE_KEY")
        );
        assert_eq!(env_reference("${env:1X}"), None);
        assert_eq!(env_reference("${env:}"), None);
        assert_eq!(env_reference("$CW_PRIVATE_KEY"), None);
    }
}
