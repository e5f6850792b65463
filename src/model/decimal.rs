//! Exact decimal amounts: [`Money`] and [`Quantity`].
//!
//! Floats are refused as a representation: ConnectWise sends JSON numbers, YAML has plain scalars,
//! and both are turned into [`rust_decimal::Decimal`] through their shortest decimal text, so `7.25`
//! stays `7.25`. Comparison is numeric (`7.5 == 7.50`); rendering drops trailing zeros.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr as _;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Deserialize an exact decimal from a YAML/JSON number or a numeric string.
fn deserialize_decimal<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
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
                return Err(E::custom("expected a finite decimal number such as 7.25"));
            }
            // `Display` for f64 prints the shortest text that reads back as the same float, which is
            // the text the author wrote for any amount with up to 15 significant digits.
            parse_decimal(&v.to_string()).map_err(E::custom)
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Decimal, E> {
            parse_decimal(v).map_err(E::custom)
        }
    }

    deserializer.deserialize_any(DecimalVisitor)
}

fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let trimmed = text.trim();
    Decimal::from_str(trimmed)
        .or_else(|_| Decimal::from_scientific(trimmed))
        .map_err(|_| format!("expected a decimal number such as 7.25, found `{text}`"))
}

/// Render without trailing zeros: `7.50` → `7.5`, `10.00` → `10`, `0.0` → `0`.
fn render(value: Decimal) -> String {
    value.normalize().to_string()
}

macro_rules! decimal_newtype {
    ($(#[$doc:meta])* $name:ident, $schema_description:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Decimal);

        impl $name {
            /// Wrap an exact decimal.
            pub fn new(value: Decimal) -> Self {
                $name(value.normalize())
            }

            /// The exact value.
            pub fn value(self) -> Decimal {
                self.0
            }

            /// Digits after the decimal point once trailing zeros are dropped.
            pub fn decimals(self) -> u32 {
                self.0.normalize().scale()
            }

            /// Whether the value is below zero.
            pub fn is_negative(self) -> bool {
                self.0.is_sign_negative() && !self.0.is_zero()
            }

            /// Parse from text such as `7.25`.
            pub fn parse(text: &str) -> Result<Self, String> {
                parse_decimal(text).map(Self::new)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&render(self.0))
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserialize_decimal(deserializer).map(Self::new)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                // JSON and YAML carry amounts as numbers; a float is exact for every amount with
                // two decimals that fits a ConnectWise money field.
                // Whole amounts as integers (`42`, not `42.0`): what a person would write.
                if self.0.fract().is_zero()
                    && let Some(whole) = rust_decimal::prelude::ToPrimitive::to_i64(&self.0)
                {
                    return serializer.serialize_i64(whole);
                }
                let float = rust_decimal::prelude::ToPrimitive::to_f64(&self.0).unwrap_or(f64::NAN);
                serializer.serialize_f64(float)
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
            fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "number",
                    "minimum": 0,
                    "maximum": 1_000_000,
                    "description": $schema_description,
                })
            }
        }
    };
}

decimal_newtype!(
    /// An amount of money in the tenant's currency, exact to the cent.
    Money,
    "An amount of money, 0 to 1000000, at most 2 decimals once trailing zeros are dropped (7.25, 12, 0.5)."
);

decimal_newtype!(
    /// A count of billable units; usually whole, but ConnectWise stores it as a decimal.
    Quantity,
    "A quantity of units, 0 to 1000000, at most 2 decimals."
);

impl Money {
    /// The unit-cost text used in catalog identifiers: `7.25`, `7.5`, `0`.
    pub fn render_cost(self) -> String {
        render(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_zeros_do_not_change_value_or_rendering() {
        let a = Money::parse("7.50").unwrap();
        let b = Money::parse("7.5").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.render_cost(), "7.5");
        assert_eq!(Money::parse("10.00").unwrap().render_cost(), "10");
        assert_eq!(Money::parse("0.0").unwrap().render_cost(), "0");
    }

    #[test]
    fn decimals_count_after_normalising() {
        assert_eq!(Money::parse("7.250").unwrap().decimals(), 2);
        assert_eq!(Money::parse("7.255").unwrap().decimals(), 3);
    }

    #[test]
    fn floats_keep_their_written_digits() {
        let m: Money = serde_json::from_str("0.1").unwrap();
        assert_eq!(m.to_string(), "0.1");
        let m: Money = serde_json::from_str("12345.67").unwrap();
        assert_eq!(m.to_string(), "12345.67");
    }

    #[test]
    fn negative_is_detected_but_negative_zero_is_not() {
        assert!(Money::parse("-1").unwrap().is_negative());
        assert!(!Money::parse("-0").unwrap().is_negative());
    }

    #[test]
    fn garbage_is_refused_with_an_example() {
        let err = Money::parse("seven").unwrap_err();
        assert!(err.contains("such as 7.25"), "{err}");
    }
}

/// Reading amounts from configuration exactly as written.
///
/// A YAML parser would turn `7.2500000000000001` into the float 7.25 and `1e-29` into 0; the
/// configuration's amounts are read as their text instead, and only plain decimal notation is
/// accepted, so what the checks see is what the author wrote.
pub mod exact {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer};

    use super::{Money, Quantity};
    use crate::config::Spanned;

    /// A decimal read from its written text.
    struct Written(Decimal);

    impl<'de> Deserialize<'de> for Written {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let text = String::deserialize(deserializer)?;
            parse_plain(&text)
                .map(Written)
                .map_err(serde::de::Error::custom)
        }
    }

    /// Plain decimal notation only: an optional sign, digits, an optional point and digits.
    pub fn parse_plain(text: &str) -> Result<Decimal, String> {
        let t = text.trim();
        let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
        let plain = !whole.is_empty()
            && !fraction.is_empty()
            && whole.chars().all(|c| c.is_ascii_digit())
            && fraction.chars().all(|c| c.is_ascii_digit());
        if !plain {
            return Err(format!(
                "expected a decimal number such as 7.25 (digits and an optional decimal point; no exponent or separators), found `{text}`"
            ));
        }
        t.parse::<Decimal>()
            .map_err(|_| format!("`{text}` is too large or too precise for an amount"))
    }

    /// `Spanned<Money>` from its written text.
    pub fn money<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Spanned<Money>, D::Error> {
        let written = Spanned::<Written>::deserialize(deserializer)?;
        Ok(Spanned::new(Money::new(written.value.0), written.span))
    }

    /// `Option<Spanned<Money>>` from its written text.
    pub fn money_opt<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Spanned<Money>>, D::Error> {
        let written = Option::<Spanned<Written>>::deserialize(deserializer)?;
        Ok(written.map(|w| Spanned::new(Money::new(w.value.0), w.span)))
    }

    /// `Option<Box<Spanned<Money>>>` from its written text: for a field most values leave out.
    pub fn money_opt_boxed<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Box<Spanned<Money>>>, D::Error> {
        Ok(money_opt(deserializer)?.map(Box::new))
    }

    /// `Spanned<Quantity>` from its written text.
    pub fn quantity<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Spanned<Quantity>, D::Error> {
        let written = Spanned::<Written>::deserialize(deserializer)?;
        Ok(Spanned::new(Quantity::new(written.value.0), written.span))
    }

    #[cfg(test)]
    mod tests {
        use super::parse_plain;

        #[test]
        fn only_plain_notation_is_accepted_and_kept_exact() {
            assert_eq!(
                parse_plain("7.2500000000000001").unwrap().to_string(),
                "7.2500000000000001"
            );
            assert_eq!(parse_plain("-3").unwrap().to_string(), "-3");
            for bad in ["1e-29", "1_000", ".5", "5.", "0x10", "seven", ""] {
                assert!(parse_plain(bad).is_err(), "{bad}");
            }
        }
    }
}
