//! Calendar dates as ConnectWise agreements use them (`YYYY-MM-DD`, no time of day).

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date, written `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(time::Date);

const FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

impl Date {
    /// Parse `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Date, String> {
        time::Date::parse(text.trim(), FORMAT)
            .map(Date)
            .map_err(|_| {
                format!("expected a date written YYYY-MM-DD, such as 2026-01-01, found `{text}`")
            })
    }

    /// The underlying date.
    pub fn get(self) -> time::Date {
        self.0
    }

    /// Wrap a date.
    pub fn from_date(date: time::Date) -> Date {
        Date(date)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.format(FORMAT).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl schemars::JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("Date")
    }
    fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "description": "A calendar date, YYYY-MM-DD.",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn round_trips_and_refuses_other_shapes() {
        assert_eq!(Date::parse("2026-01-31").unwrap().to_string(), "2026-01-31");
        assert!(Date::parse("2026-02-30").is_err());
        assert!(
            Date::parse("01/02/2026")
                .unwrap_err()
                .contains("YYYY-MM-DD")
        );
    }
}
