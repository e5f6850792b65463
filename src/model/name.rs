//! How names are compared: the way ConnectWise compares them.

/// The key under which ConnectWise considers two names the same: trimmed, case-insensitive.
///
/// ConnectWise's SQL Server collation is case-insensitive; we fold with Unicode lowercase, which
/// agrees with it for every name a setup table is likely to hold.
pub fn fold_name(name: &str) -> String {
    name.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::fold_name;

    #[test]
    fn case_and_outer_spaces_do_not_matter() {
        assert_eq!(fold_name(" Intermedia "), fold_name("INTERMEDIA"));
        assert_ne!(fold_name("Inter media"), fold_name("Intermedia"));
    }
}
