//! Serde for [`Decimal`] fields as JSON numbers, exactly.
//!
//! ConnectWise sends and expects money and quantities as JSON numbers (`7.25`), while `rust_decimal`'s
//! own serde writes strings. Owns the conversion both ways. Reading goes through the float's shortest
//! round-trip text (`7.25` → `"7.25"` → `Decimal`), which is the text the server wrote for any amount with
//! up to 15 significant digits; writing goes the other way, so `Decimal 7.25` is sent as `7.25`.
//! Refuses non-finite numbers and strings that are not decimals.

use std::fmt;
use std::str::FromStr as _;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;
use serde::{Deserializer, Serializer};

struct DecimalVisitor;

impl serde::de::Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number such as 7.25")
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Decimal, E> {
        if !v.is_finite() {
            return Err(E::custom("expected a finite number"));
        }
        // `Display` for f64 prints the shortest text that reads back as the same float, never in
        // exponent form.
        Decimal::from_str(&v.to_string()).map_err(E::custom)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Decimal, E> {
        Decimal::from_str(v.trim()).map_err(E::custom)
    }
}

/// Read a decimal from a JSON number (or a numeric string).
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    deserializer.deserialize_any(DecimalVisitor)
}

/// Write a decimal as a JSON number: an integer when it has no fraction, else the nearest float,
/// whose shortest text is the decimal's own for up to 15 significant digits.
pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    let normalized = value.normalize();
    if normalized.scale() == 0
        && let Some(int) = normalized.to_i64()
    {
        return serializer.serialize_i64(int);
    }
    match normalized.to_f64() {
        Some(float) => serializer.serialize_f64(float),
        None => Err(serde::ser::Error::custom(format!(
            "{value} cannot be written as a JSON number"
        ))),
    }
}

/// The same for `Option<Decimal>` fields (`#[serde(with = "decimal::option", default)]`).
pub mod option {
    use rust_decimal::Decimal;
    use serde::{Deserialize as _, Deserializer, Serializer};

    /// Read an optional decimal; `null` is `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Decimal>, D::Error> {
        #[derive(serde::Deserialize)]
        struct Wrapper(#[serde(deserialize_with = "super::deserialize")] Decimal);
        Ok(Option::<Wrapper>::deserialize(deserializer)?.map(|Wrapper(d)| d))
    }

    /// Write an optional decimal; callers skip `None` with `skip_serializing_if`.
    pub fn serialize<S: Serializer>(
        value: &Option<Decimal>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(d) => super::serialize(d, serializer),
            None => serializer.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr as _;

    use rust_decimal::Decimal;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Row {
        #[serde(
            with = "super::option",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        price: Option<Decimal>,
    }

    fn read(json: &str) -> Option<Decimal> {
        serde_json::from_str::<Row>(json).unwrap().price
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn json_numbers_read_exactly() {
        for (json, text) in [
            ("7.25", "7.25"),
            ("7.5", "7.5"),
            ("0.1", "0.1"),
            ("12.00", "12"),
            ("12", "12"),
            ("-3.3", "-3.3"),
            ("1234567.89", "1234567.89"),
            ("0.0", "0"),
            ("99999999.9999", "99999999.9999"),
            ("\"4.10\"", "4.10"),
        ] {
            let got = read(&format!(r#"{{"price":{json}}}"#)).unwrap();
            assert_eq!(got, dec(text), "{json}");
            assert_eq!(
                got.normalize().to_string(),
                dec(text).normalize().to_string()
            );
        }
    }

    #[test]
    fn missing_and_null_are_none() {
        assert_eq!(read("{}"), None);
        assert_eq!(read(r#"{"price":null}"#), None);
    }

    #[test]
    fn decimals_are_written_as_json_numbers() {
        for (text, json) in [
            ("7.25", "7.25"),
            ("7.50", "7.5"),
            ("12.00", "12"),
            ("0", "0"),
            ("-0.01", "-0.01"),
            ("1234567.89", "1234567.89"),
        ] {
            let row = Row {
                price: Some(dec(text)),
            };
            assert_eq!(
                serde_json::to_string(&row).unwrap(),
                format!(r#"{{"price":{json}}}"#)
            );
        }
        assert_eq!(serde_json::to_string(&Row { price: None }).unwrap(), "{}");
    }

    #[test]
    fn round_trip_is_exact() {
        for text in ["7.25", "0.1", "0.3", "19.99", "1000000.01", "0.0001"] {
            let row = Row {
                price: Some(dec(text)),
            };
            let back: Row = serde_json::from_str(&serde_json::to_string(&row).unwrap()).unwrap();
            assert_eq!(back, row, "{text}");
        }
    }

    #[test]
    fn garbage_is_refused() {
        assert!(serde_json::from_str::<Row>(r#"{"price":"abc"}"#).is_err());
        assert!(serde_json::from_str::<Row>(r#"{"price":true}"#).is_err());
    }
}
