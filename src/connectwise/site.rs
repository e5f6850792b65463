//! The API base URL, from the site the user gives (`CW_SITE`).
//!
//! Owns the rules of API-NOTES.md §1.1 and the forms a person copies:
//! - a bare host (`api-na.myconnectwise.net`), `https://host` or `https://host/` names no codebase;
//! - a full API URL (`https://host/v2025_1/apis/3.0`, any path ending in `/apis/3.0`) is taken as
//!   given, without its trailing slash;
//! - a URL copied from the browser (`https://na.myconnectwise.net/v2025_1/ConnectWise.aspx?locale=…`)
//!   gives its codebase (the first path segment shaped like `v2025_1` or `v4_6_release`); its query
//!   and fragment are a page's, and are dropped.
//!
//! ConnectWise's cloud serves its API only on the `api-` host (`na.myconnectwise.net` →
//! `api-na.myconnectwise.net`; a missing prefix answers "SSL is required"), so a cloud host without
//! it gets it. A site that names no codebase is resolved by asking the server
//! (`GET /login/companyinfo/{companyId}`, [`resolve`]); without an answer, `v4_6_release/`, the router
//! to the tenant's current version.
//!
//! Refuses plain `http` except to a loopback address (the simulator), since Basic credentials would
//! cross the network in clear text; refuses user info, and a query or fragment on anything but a
//! browser page. An error shows the site with its user info, query values and fragment replaced by
//! `***` ([`output::redact::url`](crate::output::redact::url)): the refusal must not print them back.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use url::{Host, Url};

use super::Error;

/// The codebase path a site that names none falls back to: ConnectWise's router to the tenant's
/// current version.
pub const DEFAULT_CODEBASE_PATH: &str = "/v4_6_release/apis/3.0";

/// The path below a codebase that holds the REST API.
const API_SUFFIX: &str = "apis/3.0";

/// A site as the user gave it, understood: where the server is, and the API base path when the site
/// says it.
#[derive(Clone, PartialEq, Eq)]
pub struct Site {
    /// Scheme, host and port, with no path.
    origin: Url,
    /// `/v2025_1/apis/3.0` (or a proxy's path ending in `/apis/3.0`); `None` when the site names no
    /// codebase.
    api_path: Option<String>,
}

impl Site {
    /// Understand a site string.
    ///
    /// # Errors
    /// [`Error::InvalidSite`] naming the site (masked) when it is empty, unparsable, not http(s),
    /// plain http to a non-loopback host, carries user info, or a query or fragment on an API URL.
    pub fn parse(site: &str) -> Result<Site, Error> {
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
            format!("https://{trimmed}")
        };
        let url = Url::parse(&text).map_err(|e| invalid(&format!("not a URL ({e})")))?;
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
        let Some(host) = url.host_str() else {
            return Err(invalid("it has no host"));
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "credentials do not belong in the URL; use the key variables",
            ));
        }
        let path = url.path().trim_end_matches('/');
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let api_path = if path.ends_with(&format!("/{API_SUFFIX}")) {
            Some(path.to_owned())
        } else {
            segments
                .iter()
                .find(|s| is_codebase(s))
                .map(|codebase| format!("/{codebase}/{API_SUFFIX}"))
        };
        // A browser page (a path that is not the API) may carry its own query and fragment; an API
        // URL or a bare origin has no use for one, and one there is more likely a pasted secret.
        let browser_page = !segments.is_empty() && !path.ends_with(&format!("/{API_SUFFIX}"));
        if (url.query().is_some() || url.fragment().is_some()) && !browser_page {
            return Err(invalid("a base URL has no query or fragment"));
        }
        let mut origin = url.clone();
        origin.set_path("");
        origin.set_query(None);
        origin.set_fragment(None);
        if let Some(api_host) = cloud_api_host(host) {
            origin
                .set_host(Some(&api_host))
                .map_err(|e| invalid(&format!("not a URL ({e})")))?;
        }
        Ok(Site { origin, api_path })
    }

    /// The base URL when the site names its codebase; `None` when it must be asked for.
    pub fn named_base(&self) -> Option<BaseUrl> {
        self.api_path.as_ref().map(|path| self.base_with(path))
    }

    /// The base URL under `codebase` (`v2025_1/`), or the fallback router when it is not one.
    pub fn base_for_codebase(&self, codebase: &str) -> BaseUrl {
        let codebase = codebase.trim().trim_end_matches('/');
        if is_codebase(codebase) {
            self.base_with(&format!("/{codebase}/{API_SUFFIX}"))
        } else {
            self.base_with(DEFAULT_CODEBASE_PATH)
        }
    }

    fn base_with(&self, path: &str) -> BaseUrl {
        let mut url = self.origin.clone();
        url.set_path(path);
        BaseUrl(url)
    }

    /// Where the server says a company's codebase: `/login/companyinfo/{companyId}` (no login).
    pub fn company_info_url(&self, company_id: &str) -> Url {
        let mut url = self.origin.clone();
        // `path_segments_mut` escapes the company id as one segment; an origin can always take it.
        if let Ok(mut segments) = url.path_segments_mut() {
            segments
                .clear()
                .extend(["login", "companyinfo", company_id]);
        }
        url
    }
}

impl fmt::Debug for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Site({}, {:?})", self.origin, self.api_path)
    }
}

/// A codebase path segment: `v4_6_release`, `v2025_1`, `v2017_3` (a `v`, digits and underscores,
/// optionally `_release`). A server's answer that is not one is not used.
fn is_codebase(segment: &str) -> bool {
    let core = segment.strip_suffix("_release").unwrap_or(segment);
    core.strip_prefix('v').is_some_and(|rest| {
        !rest.is_empty()
            && rest.starts_with(|c: char| c.is_ascii_digit())
            && rest.chars().all(|c| c.is_ascii_digit() || c == '_')
    })
}

/// ConnectWise's cloud serves the API on the `api-` host of the region a browser shows
/// (API-NOTES.md §1.1): `na.myconnectwise.net` → `api-na.myconnectwise.net`.
fn cloud_api_host(host: &str) -> Option<String> {
    let lower = host.to_ascii_lowercase();
    let cloud = [".myconnectwise.net", ".connectwisedev.com"]
        .iter()
        .any(|domain| lower.ends_with(domain) && lower.len() > domain.len());
    (cloud && !lower.starts_with("api-")).then(|| format!("api-{lower}"))
}

/// How long the codebase look-up may take before the fallback is used.
const COMPANY_INFO_TIMEOUT: Duration = Duration::from_secs(10);

/// The most of a `/login/companyinfo` answer read: it is a few hundred bytes.
const COMPANY_INFO_MAX_BYTES: usize = 64 * 1024;

/// The API base for a site: as named, else under the codebase the server gives for `company_id`
/// (`GET /login/companyinfo/{companyId}`, which needs no login, so none is sent), else the
/// `v4_6_release/` router. The answer is untrusted: read capped, and used only when its
/// `Codebase` is shaped like one.
pub async fn resolve(site: &Site, company_id: &str) -> BaseUrl {
    if let Some(base) = site.named_base() {
        return base;
    }
    if let Some(codebase) = ask_codebase(site, company_id).await {
        tracing::info!("the server names its codebase `{codebase}`");
        site.base_for_codebase(&codebase)
    } else {
        tracing::info!("the server named no codebase; using the router {DEFAULT_CODEBASE_PATH}");
        site.base_with(DEFAULT_CODEBASE_PATH)
    }
}

async fn ask_codebase(site: &Site, company_id: &str) -> Option<String> {
    let client = reqwest::Client::builder()
        .timeout(COMPANY_INFO_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .ok()?;
    let mut response = client
        .get(site.company_info_url(company_id))
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        return None;
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.ok()? {
        body.extend_from_slice(&chunk);
        if body.len() > COMPANY_INFO_MAX_BYTES {
            return None;
        }
    }
    let info: serde_json::Value = serde_json::from_slice(&body).ok()?;
    let codebase = info.get("Codebase")?.as_str()?.trim().trim_end_matches('/');
    is_codebase(codebase).then(|| format!("{codebase}/"))
}

/// A checked API base URL, with no trailing slash: `https://host/v4_6_release/apis/3.0`.
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl(Url);

impl BaseUrl {
    /// Resolve a site string into a base URL without asking the server: as named, else the
    /// `v4_6_release/` router ([`resolve`] asks for the tenant's codebase first).
    ///
    /// # Errors
    /// As [`Site::parse`].
    pub fn from_site(site: &str) -> Result<BaseUrl, Error> {
        let site = Site::parse(site)?;
        Ok(site
            .named_base()
            .unwrap_or_else(|| site.base_with(DEFAULT_CODEBASE_PATH)))
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
    fn every_form_a_user_copies_gives_the_api_base() {
        for (site, base) in [
            (
                "https://cw.example.com",
                "https://cw.example.com/v4_6_release/apis/3.0",
            ),
            (
                "https://cw.example.com/",
                "https://cw.example.com/v4_6_release/apis/3.0",
            ),
            (
                "https://cw.example.com/v2025_1/apis/3.0/",
                "https://cw.example.com/v2025_1/apis/3.0",
            ),
            (
                "https://cw.example.com/proxy/apis/3.0",
                "https://cw.example.com/proxy/apis/3.0",
            ),
            (
                "https://na.myconnectwise.net/v2025_1/ConnectWise.aspx?locale=en_US#startscreen",
                "https://api-na.myconnectwise.net/v2025_1/apis/3.0",
            ),
            (
                "na.myconnectwise.net",
                "https://api-na.myconnectwise.net/v4_6_release/apis/3.0",
            ),
            (
                "https://eu.myconnectwise.net/v4_6_release/services/system_io/router",
                "https://api-eu.myconnectwise.net/v4_6_release/apis/3.0",
            ),
            (
                "cw.example.com/v2025_1/apis/3.0",
                "https://cw.example.com/v2025_1/apis/3.0",
            ),
        ] {
            assert_eq!(ok(site), base, "{site}");
        }
    }

    #[test]
    fn a_site_without_a_codebase_is_asked_for_one() {
        let site = Site::parse("https://cw.example.com/").unwrap();
        assert_eq!(site.named_base(), None);
        assert_eq!(
            site.company_info_url("my co/x").as_str(),
            "https://cw.example.com/login/companyinfo/my%20co%2Fx"
        );
        assert_eq!(
            site.base_for_codebase("v2017_3/").to_string(),
            "https://cw.example.com/v2017_3/apis/3.0"
        );
        // An answer that is not a codebase is not used.
        assert_eq!(
            site.base_for_codebase("../../evil/").to_string(),
            "https://cw.example.com/v4_6_release/apis/3.0"
        );
        assert!(
            Site::parse("https://cw.example.com/v2025_1/apis/3.0")
                .unwrap()
                .named_base()
                .is_some()
        );
    }

    #[test]
    fn plain_http_only_to_loopback() {
        assert_eq!(
            ok("http://127.0.0.1:8080/"),
            "http://127.0.0.1:8080/v4_6_release/apis/3.0"
        );
        assert_eq!(ok("http://[::1]:9/apis/3.0"), "http://[::1]:9/apis/3.0");
        assert_eq!(
            ok("http://localhost:3000/v4_6_release/apis/3.0"),
            "http://localhost:3000/v4_6_release/apis/3.0"
        );
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
        assert!(err("https://x.example/v2025_1/apis/3.0?token=1").contains("query"));
        assert_eq!(
            err("https://user:pw@x.example/p?token=abc#f"),
            "use ConnectWise site `https://***@x.example/***`: credentials do not belong in the URL; use the key variables"
        );
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
            "http://127.0.0.1:9/v4_6_release/apis/3.0/system/info"
        );
    }
}
