//! How names are compared: the way ConnectWise compares them.

/// The key under which ConnectWise considers two names the same: trimmed, case-insensitive.
///
/// ConnectWise's SQL Server collation is case-insensitive; we fold with Unicode lowercase, which
/// agrees with it for every name a setup table is likely to hold.
pub fn fold_name(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The name of the Management IT solution row that holds cwrecon's apply lock (`crate::lock`).
/// Reserved: a configuration may not declare a solution of this name, and reads never treat the
/// row as a configured solution. It lives here, below both, so that `config` and `live` need not
/// import the lock.
pub const LOCK_ROW_NAME: &str = "cwrecon-lock";

/// Whether a Management IT solution's name is the lock row's, compared as ConnectWise compares names.
pub fn is_lock_row_name(name: &str) -> bool {
    fold_name(name) == LOCK_ROW_NAME
}

/// Whether two names are the same to ConnectWise: `fold_name(a) == fold_name(b)`, without
/// allocating for ASCII.
pub fn same_name(a: &str, b: &str) -> bool {
    fold_cmp(a, b).is_eq()
}

/// `fold_name(a).cmp(&fold_name(b))`: for ASCII, trimming and ASCII lowercasing byte by byte give
/// the same order without allocating (keys are compared on every map operation, and allocating two
/// folded copies each time cost most of a plan's CPU at 5,000 companies, issue 7); anything else
/// takes the allocating path.
pub(crate) fn fold_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        ascii_fold_cmp(a.trim(), b.trim())
    } else {
        fold_name(a).cmp(&fold_name(b))
    }
}

/// Whether `name` is its own trimmed form and ASCII: its folded form is its ASCII lowercase, so
/// [`ascii_fold_cmp`] alone compares it as [`fold_cmp`] does.
pub(crate) fn is_plain(name: &str) -> bool {
    name.is_ascii() && name.trim().len() == name.len()
}

/// The order of the ASCII-lowercased bytes of `a` and `b`: [`fold_cmp`] of two [`is_plain`] names.
pub(crate) fn ascii_fold_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    for (x, y) in a.bytes().zip(b.bytes()) {
        if x != y {
            let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
            if x != y {
                return x.cmp(&y);
            }
        }
    }
    a.len().cmp(&b.len())
}

#[cfg(test)]
mod tests {
    use super::{fold_name, same_name};

    #[test]
    fn case_and_outer_spaces_do_not_matter() {
        assert_eq!(fold_name(" Intermedia "), fold_name("INTERMEDIA"));
        assert_ne!(fold_name("Inter media"), fold_name("Intermedia"));
        for (a, b) in [
            (" Intermedia ", "INTERMEDIA"),
            ("Straße", "STRASSE"),
            ("École", "école"),
        ] {
            assert_eq!(same_name(a, b), fold_name(a) == fold_name(b), "{a} {b}");
        }
    }

    #[test]
    fn the_lock_row_is_known_by_its_name_in_any_case() {
        assert!(super::is_lock_row_name(" CWRECON-Lock "));
        assert!(!super::is_lock_row_name("cwrecon-lock2"));
    }
}
