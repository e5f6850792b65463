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
///
/// 24 bytes, where `usize`s took 48: a configuration holds one per value, about 9 MiB of them at
/// 5,000 companies (issue 13). `u32` is enough because the loader refuses a file beyond
/// [`MAX_SPANNED_BYTES`]; a position past it (none can be) would read as the last one, never wrap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    offset: u32,
    len: u32,
    line: u32,
    column: u32,
    alias_of: Option<u32>,
}

/// The largest text whose positions a [`Span`] holds: 4 GiB. The loader refuses a larger file
/// (its own cap, [`MAX_FILE_BYTES`](super::MAX_FILE_BYTES), is far below; this one holds for texts
/// given in memory too).
pub const MAX_SPANNED_BYTES: usize = u32::MAX as usize;

/// A position that fits a [`Span`]: every one does in a text the loader accepts.
fn narrow(value: impl TryInto<u32>) -> u32 {
    value.try_into().unwrap_or(u32::MAX)
}

impl Span {
    /// The span of `len` bytes at byte `offset`, starting at 1-based `line` and `column`.
    pub fn new(offset: usize, len: usize, line: u64, column: u64) -> Span {
        Span {
            offset: narrow(offset),
            len: narrow(len),
            line: narrow(line),
            column: narrow(column),
            alias_of: None,
        }
    }

    /// Byte offset of the first character.
    pub fn offset(&self) -> usize {
        self.offset as usize
    }

    /// Length in bytes (0 for a point, such as the start of a mapping).
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether the span is a point (no bytes).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Byte offset just past the last character.
    pub fn end(&self) -> usize {
        self.offset().saturating_add(self.len())
    }

    /// 1-based line, or 0 when the value was not written in any file.
    pub fn line(&self) -> u64 {
        u64::from(self.line)
    }

    /// 1-based column.
    pub fn column(&self) -> u64 {
        u64::from(self.column)
    }

    /// Where the value was defined, when it was reached through a YAML alias (or a merge key)
    /// from elsewhere: the byte offset of its definition. An editor must not change a value that
    /// another place reads this way.
    pub fn alias_of(&self) -> Option<usize> {
        self.alias_of.map(|offset| offset as usize)
    }

    /// The same place moved to `offset`, `len` bytes long (a part of the value).
    #[must_use]
    pub fn narrowed(self, offset: usize, len: usize) -> Span {
        Span {
            offset: narrow(offset),
            len: narrow(len),
            ..self
        }
    }

    /// Whether this value was written in a file (rather than defaulted).
    pub fn is_written(&self) -> bool {
        self.line > 0
    }

    /// Where serde-saphyr says a value is.
    pub(super) fn from_location(location: serde_saphyr::Location) -> Span {
        let span = location.span();
        Span {
            offset: span.byte_offset().map_or(0, narrow),
            len: span.byte_len().map_or(0, narrow),
            line: narrow(location.line()),
            column: narrow(location.column()),
            alias_of: None,
        }
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        miette::SourceSpan::new(span.offset().into(), span.len())
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

/// Ordered by the bare value, like equality: a `Spanned` key of a map (a profile's
/// `header_aliases`) keeps its place for diagnostics without changing the map's order.
impl<T: Ord> PartialOrd for Spanned<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<T: Ord> Ord for Spanned<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

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
