//! The read-only `_info` map every record and reference carries.
//!
//! Owns reading it tolerantly: the model says `object<string,string>`, but a value that is a number or
//! a boolean (catalog references carry `_info.typeId`) is kept as its JSON text rather than failing the
//! whole record. It is never sent back.

use std::collections::BTreeMap;

use serde::{Deserialize as _, Deserializer};

/// `_info`: `lastUpdated`, `updatedBy`, `dateEntered`, `enteredBy` and `<relation>_href` links.
pub type Info = BTreeMap<String, String>;

/// Read `_info`, turning non-string values into their JSON text; `null` is `None`.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Info>, D::Error> {
    let raw = Option::<BTreeMap<String, serde_json::Value>>::deserialize(deserializer)?;
    Ok(raw.map(|map| {
        map.into_iter()
            .map(|(key, value)| {
                let text = match value {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                (key, text)
            })
            .collect()
    }))
}

#[cfg(test)]
mod tests {
    use crate::connectwise::types::Reference;

    #[test]
    fn info_is_read_tolerantly_and_never_sent() {
        let r: Reference = serde_json::from_str(
            r#"{"id":1,"name":"Active","_info":{"status_href":"https://h/x","typeId":7}}"#,
        )
        .unwrap();
        let info = r.info.as_ref().unwrap();
        assert_eq!(info["typeId"], "7");
        assert_eq!(info["status_href"], "https://h/x");
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"id":1,"name":"Active"}"#
        );
    }
}
