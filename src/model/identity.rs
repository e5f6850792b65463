//! Identity parts: [`AccountId`], the vendor account. (Names and identifiers are compared folded,
//! as [`fold_name`](super::fold_name) folds them, the rule [`Key`](super::Key) uses for its names.)
//!
//! Owns the one normalisation and the one equality rule of each, so that validation, matching,
//! keys and rendering cannot disagree: before these types, validation and matching compared
//! accounts case-sensitively while keys folded case, so `ab12` and `AB12` passed validation and
//! then overwrote each other (issue 13).
//!
//! - An account is read in one form: invisible characters dropped, Unicode NFKC, trimmed
//!   ([`AccountId::new`]). [`AccountId::parse`] is the strict reading a configuration must pass:
//!   it refuses what `new` would silently repair, and yields the same account when it succeeds.
//! - Accounts, like names, compare case-insensitively (ConnectWise's collation is, and vendors treat
//!   account ids as case-insensitive ids in practice). The spelling is kept for display.
//!
//! Refuses nothing on its own beyond [`AccountId::parse`]: each reader says where a value was.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::input::{self, AccountError};
use super::name::fold_name;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A vendor account id (the company's Manage ID in ConnectWise): normalised once, compared
/// case-insensitively, displayed as written. Cloning shares the text: every key of a company
/// holds its account.
///
/// The folded form (what compares) is made once, when the account is read: accounts are compared
/// on every key comparison, and folding them there each time was most of a plan's CPU (issue 13).
#[derive(Clone)]
pub struct AccountId(Arc<Text>);

/// An account's text: as written (normalised), and folded when that differs.
struct Text {
    shown: Box<str>,
    /// `fold_name(shown)`, when it is not `shown` itself (an account is usually digits).
    folded: Option<Box<str>>,
}

impl AccountId {
    /// The account `raw` reads as, never refusing: invisible characters dropped, then NFKC and
    /// trimmed. What a tenant or a file holds is read as well as it can be; a caller that must
    /// refuse a malformed account uses [`AccountId::parse`].
    pub fn new(raw: &str) -> AccountId {
        let shown: String = raw.chars().filter(|c| !input::is_hidden(*c)).collect();
        let normal = input::nfkc(&shown);
        AccountId::from_normal(normal.trim())
    }

    /// The account a configuration declares: as [`AccountId::new`] reads it, and refused unless it
    /// is 1 to [`input::MAX_ACCOUNT_CHARS`] characters of [`input::ACCOUNT_CHARSET`] with no
    /// invisible character.
    pub fn parse(raw: &str) -> Result<AccountId, AccountError> {
        input::normalize_account(raw).map(|normal| AccountId::from_normal(&normal))
    }

    fn from_normal(shown: &str) -> AccountId {
        let folded = fold_name(shown);
        AccountId(Arc::new(Text {
            folded: (folded != shown).then(|| folded.into()),
            shown: shown.into(),
        }))
    }

    /// The account as written (normalised).
    pub fn as_str(&self) -> &str {
        &self.0.shown
    }

    /// What compares: the account folded as [`fold_name`](super::fold_name) folds names.
    fn folded(&self) -> &str {
        self.0.folded.as_deref().unwrap_or(&self.0.shown)
    }

    /// Whether `raw` reads as this account.
    pub fn is(&self, raw: &str) -> bool {
        *self == AccountId::new(raw)
    }
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AccountId").field(&self.as_str()).finish()
    }
}

impl PartialEq for AccountId {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.folded() == other.folded()
    }
}

impl Eq for AccountId {}

impl PartialOrd for AccountId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for AccountId {
    /// Case-insensitive, the order keys have always had (the folded order of
    /// [`fold_name`](super::fold_name), as `name::fold_cmp` gives it).
    fn cmp(&self, other: &Self) -> Ordering {
        if Arc::ptr_eq(&self.0, &other.0) {
            return Ordering::Equal;
        }
        self.folded().cmp(other.folded())
    }
}

impl Hash for AccountId {
    /// What compares, so that equal values hash equally.
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write(self.folded().as_bytes());
        state.write_u8(0xff);
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AsRef<str> for AccountId {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Serialize for AccountId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AccountId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Ok(AccountId::new(&raw))
    }
}

/// Which of the configuration's integrations (vendors) an object belongs to: its position in the
/// configuration's list of integrations. A small index rather than the vendor's name, since every
/// owned object carries one; the name is the configuration's to give.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct IntegrationId(u8);

impl IntegrationId {
    /// The most integrations a configuration may declare (a bound on input, and what fits the index).
    pub const MAX: usize = 32;

    /// The integration at `index` in the configuration's list; `None` beyond [`IntegrationId::MAX`].
    pub fn new(index: usize) -> Option<IntegrationId> {
        (index < Self::MAX)
            .then(|| u8::try_from(index).ok())
            .flatten()
            .map(IntegrationId)
    }

    /// Its position in the configuration's list.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn an_account_has_one_normal_form() {
        assert_eq!(AccountId::new(" \u{ff11}0\u{200b}2 ").as_str(), "102");
        assert_eq!(AccountId::parse(" \u{ff11}002 ").unwrap().as_str(), "1002");
        assert!(matches!(
            AccountId::parse("1\u{200b}2"),
            Err(AccountError::Hidden(_))
        ));
        assert_eq!(
            AccountId::parse("a b").unwrap_err(),
            AccountError::Charset(' ')
        );
        // What parse accepts, new reads the same way.
        for raw in ["AB-1_2.3", " 1002 ", "\u{ff21}\u{ff42}1"] {
            assert_eq!(
                AccountId::parse(raw).unwrap().as_str(),
                AccountId::new(raw).as_str()
            );
        }
    }

    #[test]
    fn accounts_compare_and_hash_case_insensitively_and_keep_their_spelling() {
        let upper = AccountId::new("AB12");
        let lower = AccountId::new("ab12");
        assert_eq!(upper, lower);
        assert_eq!(upper.cmp(&lower), Ordering::Equal);
        assert_eq!(upper.to_string(), "AB12");
        assert!(upper.is(" ａｂ12"));
        let set: HashSet<AccountId> = [upper, lower, AccountId::new("AB13")].into();
        assert_eq!(set.len(), 2);
        assert!(AccountId::new("ab12") < AccountId::new("AB13"));
        assert!(AccountId::new("Z") > AccountId::new("a"));
    }

    #[test]
    fn accounts_order_as_their_folded_text() {
        let raw = [
            "AB12",
            "ab12",
            "ab13",
            "Z",
            "a",
            "Straße",
            "STRASSE",
            "École",
            "ÉCOLE",
            "ΟΔΟΣ",
            "οδος",
            "1002",
            "１００２",
            "a-b",
            "A_B",
            "a.b",
        ];
        for a in raw {
            for b in raw {
                let (x, y) = (AccountId::new(a), AccountId::new(b));
                let folded =
                    crate::model::fold_name(x.as_str()).cmp(&crate::model::fold_name(y.as_str()));
                assert_eq!(x.cmp(&y), folded, "{a} vs {b}");
                assert_eq!(x == y, folded.is_eq(), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn accounts_serialise_as_their_text() {
        let id = AccountId::new("Ab12");
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"Ab12\"");
        let back: AccountId = serde_json::from_str(&json).unwrap();
        assert_eq!(back.as_str(), "Ab12");
    }
}
