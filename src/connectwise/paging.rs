//! Following ConnectWise's `Link` header (RFC 5988, API-NOTES.md §1.5).
//!
//! Owns reading the `rel="next"` page number out of a `Link` header. Refuses to follow the URL it
//! carries: the client rebuilds the next request itself from the page number, so a proxy's host in
//! the header can never receive the credentials, and the filters cannot drift between pages.

/// What a `Link` header says about the next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextPage {
    /// There is a next page with this number.
    Page(u32),
    /// The header is there and has no `next`: this was the last page.
    None,
    /// There was no `Link` header (or no page number could be read from `next`).
    Unknown,
}

/// Read the next page from a `Link` header value.
pub fn next_page(link: Option<&str>) -> NextPage {
    let Some(link) = link else {
        return NextPage::Unknown;
    };
    for part in split_links(link) {
        let Some((target, params)) = part.split_once(';') else {
            continue;
        };
        let is_next = params.split(';').any(|param| {
            let Some((name, value)) = param.split_once('=') else {
                return false;
            };
            name.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_matches('"')
                    .split_whitespace()
                    .any(|rel| rel.eq_ignore_ascii_case("next"))
        });
        if is_next {
            let url = target.trim().trim_start_matches('<').trim_end_matches('>');
            return page_param(url).map_or(NextPage::Unknown, NextPage::Page);
        }
    }
    NextPage::None
}

/// Split a `Link` value at the commas between links, not the commas inside `<…>`.
fn split_links(link: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0u32;
    let mut start = 0;
    for (i, c) in link.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&link[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&link[start..]);
    parts
}

fn page_param(url: &str) -> Option<u32> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        name.eq_ignore_ascii_case("page")
            .then(|| value.parse().ok())?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_next_from_connectwise_links() {
        let link = r#"<https://h/v4_6_release/apis/3.0/company/companies?pageSize=50&page=2>; rel="next", <https://h/v4_6_release/apis/3.0/company/companies?pageSize=50&page=4>; rel="last""#;
        assert_eq!(next_page(Some(link)), NextPage::Page(2));
        let link = r#"<https://h/x?page=1&pageSize=2>; rel="first", <https://h/x?page=3&pageSize=2>; rel="prev""#;
        assert_eq!(next_page(Some(link)), NextPage::None);
        assert_eq!(next_page(None), NextPage::Unknown);
        assert_eq!(next_page(Some("")), NextPage::None);
    }

    #[test]
    fn tolerates_spacing_case_commas_and_odd_urls() {
        let link = r"<https://h/x?conditions=a%20in%20(1,2)&page=7>;REL=next";
        assert_eq!(next_page(Some(link)), NextPage::Page(7));
        let link = r#"<https://h/x?pageSize=5&page=9> ; rel = "prev next""#;
        assert_eq!(next_page(Some(link)), NextPage::Page(9));
        assert_eq!(
            next_page(Some(r#"<https://h/x?pageId=55>; rel="next""#)),
            NextPage::Unknown
        );
    }
}
