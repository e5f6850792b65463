//! The API base URL, from the site the user gives (`CW_SITE`).
//!
//! Owns the rules of API-NOTES.md §1.1: a bare host (`api-na.myconnectwise.net`) means
//! `https://HOST/v4_6_release/apis/3.0`; a full URL is taken as given, without its trailing slash.
//! Refuses plain `http` except to a loopback address (the simulator), since Basic credentials would
//! cross the network in clear text; refuses URLs with user info, a query or a fragment. An error
//! shows the site with its user info, query values and fragment replaced by `***`
//! ([`output::redact::url`](crate::output::redact::url)): the refusal must not print them back.

use std::fmt;
use std::net::IpAddr;

use url::{Host, Url};

use super::Error;

/// The codebase path a bare host gets: ConnectWise's router to the tenant's current version.
pub const DEFAULT_CODEBASE_PATH: &str = "/v4_6_release/apis/3.0";

/// A checked API base URL, with no trailing slash: `https://host/v4_6_release/apis/3.0`.
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl(Url);

impl BaseUrl {
    /// Resolve a site string into a base URL.
    ///
    /// # Errors
    /// [`Error::InvalidSite`] naming the site when it is empty, unparsable, not http(s), plain http to
    /// a non-loopback host, or carries user info, a query or a fragment.
    pub fn from_site(site: &str) -> Result<BaseUrl, Error> {
        let invalid = |reason: &str| Error::InvalidSite {
            site: crate::output::redact::url(site),
            reason: reason.to_owned(),
        };
        let trimmed = site.trim();
        if trimmed.is_empty() {
            return Err(invalid("it is empty"));
        }
        let text = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            if trimmed.contains('/') || trimmed.contains('?') || trimmed.contains('#') {
                return Err(invalid(
                    "give a bare host (api-na.myconnectwise.net) or a full URL with its scheme",
                ));
            }
            format!("https://{trimmed}{DEFAULT_CODEBASE_PATH}")
        };
        let mut url = Url::parse(&text).map_err(|e| invalid(&format!("not a URL ({e})")))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(invalid(
                    "plain http is only allowed to a loopback address; use https",
                ));
            }
            _ => return Err(invalid("the scheme must be https")),
        }
        if url.host().is_none() {
            return Err(invalid("it has no host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "credentials do not belong in the URL; use the key variables",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("a base URL has no query or fragment"));
        }
        let path = url.path().trim_end_matches('/').to_owned();
        url.set_path(&path);
        Ok(BaseUrl(url))
    }

    /// The base URL as a [`Url`].
    pub fn as_url(&self) -> &Url {
        &self.0
    }

    /// The full URL of an API path (`/company/companies`) with an already-encoded query.
    pub fn join(&self, path: &str, query: Option<&str>) -> Url {
        let mut url = self.0.clone();
        let full = format!("{}{}", self.0.path().trim_end_matches('/'), path);
        url.set_path(&full);
        url.set_query(query);
        url
    }

    /// The path of the base URL (`/v4_6_release/apis/3.0`), which `Link` headers repeat.
    pub fn path(&self) -> &str {
        self.0.path()
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str().trim_end_matches('/'))
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(site: &str) -> String {
        BaseUrl::from_site(site).unwrap().to_string()
    }

    fn err(site: &str) -> String {
        BaseUrl::from_site(site).unwrap_err().to_string()
    }

    #[test]
    fn bare_host_gets_https_and_codebase() {
        assert_eq!(
            ok("api-na.myconnectwise.net"),
            "https://api-na.myconnectwise.net/v4_6_release/apis/3.0"
        );
        assert_eq!(
            ok("  api-eu.myconnectwise.net "),
            "https://api-eu.myconnectwise.net/v4_6_release/apis/3.0"
        );
        assert_eq!(
            ok("cw.example.com:8443"),
            "https://cw.example.com:8443/v4_6_release/apis/3.0"
        );
    }

    #[test]
    fn full_url_is_taken_as_given_without_trailing_slash() {
        assert_eq!(
            ok("https://cw.example.com/v2025_1/apis/3.0/"),
            "https://cw.example.com/v2025_1/apis/3.0"
        );
        assert_eq!(ok("https://cw.example.com"), "https://cw.example.com");
    }

    #[test]
    fn plain_http_only_to_loopback() {
        assert_eq!(ok("http://127.0.0.1:8080/"), "http://127.0.0.1:8080");
        assert_eq!(ok("http://127.3.4.5:1"), "http://127.3.4.5:1");
        assert_eq!(ok("http://[::1]:9/apis/3.0"), "http://[::1]:9/apis/3.0");
        assert_eq!(ok("http://localhost:3000"), "http://localhost:3000");
        assert_eq!(
            err("http://cw.example.com"),
            "use ConnectWise site `http://cw.example.com`: plain http is only allowed to a loopback address; use https"
        );
        assert!(err("http://10.0.0.1").contains("plain http"));
        assert!(err("http://localhost.evil.com").contains("plain http"));
    }

    #[test]
    fn other_shapes_are_refused() {
        assert!(err("").contains("empty"));
        assert!(err("ftp://x.example").contains("scheme"));
        assert!(err("https://user:pw@x.example").contains("credentials"));
        assert!(err("https://x.example/?a=1").contains("query"));
        assert_eq!(
            err("https://user:pw@x.example/p?token=abc#f"),
            "use ConnectWise site `https://***@x.example/p?token=***#***`: credentials do not belong in the URL; use the key variables"
        );
        assert!(err("x.example/path").contains("bare host"));
        assert!(err("https://").contains("not a URL"));
    }

    #[test]
    fn join_appends_path_and_query() {
        let base = BaseUrl::from_site("https://h.example/v4_6_release/apis/3.0/").unwrap();
        assert_eq!(
            base.join("/company/companies", Some("page=2")).as_str(),
            "https://h.example/v4_6_release/apis/3.0/company/companies?page=2"
        );
        let root = BaseUrl::from_site("http://127.0.0.1:9").unwrap();
        assert_eq!(
            root.join("/system/info", None).as_str(),
            "http://127.0.0.1:9/system/info"
        );
    }
}
