//! Source positions for configuration values: [`Spanned<T>`] and [`Span`].
//!
//! Owns the bridge from serde-saphyr's locations to byte ranges that miette can label. Values compare,
//! hash and serialize as the bare value: where a value was written never changes what it means, so two
//! configurations that say the same thing from different files are equal.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Where a value was written in its file: a byte range, plus the 1-based line and column it starts at.
///
/// The default span (offset 0, length 0, line 0) means "not written": a default value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// Byte offset of the first character.
    pub offset: usize,
    /// Length in bytes (0 for a point, such as the start of a mapping).
    pub len: usize,
    /// 1-based line, or 0 when the value was not written in any file.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
    /// Where the value was defined, when it was reached through a YAML alias (or a merge key)
    /// from elsewhere: the byte offset of its definition. An editor must not change a value that
    /// another place reads this way.
    pub alias_of: Option<usize>,
}

impl Span {
    /// Whether this value was written in a file (rather than defaulted).
    pub fn is_written(&self) -> bool {
        self.line > 0
    }

    fn from_location(location: serde_saphyr::Location) -> Span {
        let span = location.span();
        let to_usize = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        Span {
            offset: span.byte_offset().map_or(0, to_usize),
            len: span.byte_len().map_or(0, to_usize),
            line: location.line(),
            column: location.column(),
            alias_of: None,
        }
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        miette::SourceSpan::new(span.offset.into(), span.len)
    }
}

/// A configuration value together with where it was written.
#[derive(Clone, Default)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written; the default span when it was not.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// A value that was not written in any file (a default).
    pub fn unwritten(value: T) -> Self {
        Spanned {
            value,
            span: Span::default(),
        }
    }

    /// A value written at `span`.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl<T> Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Spanned<T> {}

impl<T: std::hash::Hash> std::hash::Hash for Spanned<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        Ok(Spanned {
            value: spanned.value,
            // The place the value is used (an alias site, not its anchor) is where the reader looks.
            span: Span {
                alias_of: (spanned.defined != spanned.referenced)
                    .then(|| Span::from_location(spanned.defined).offset),
                ..Span::from_location(spanned.referenced)
            },
        })
    }
}

impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}
