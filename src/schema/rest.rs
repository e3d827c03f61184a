//! Serialization back to the REST JSON form; the choices made are listed on
//! [`Field::to_rest_json`].

use serde_json::{Map, Value};

use super::parse::KNOWN_KEYS;
use super::{Field, FieldType, TableSchema};

impl TableSchema {
    /// The REST TableSchema form `{"fields": [...]}`, each field written by
    /// [`Field::to_rest_json`].
    ///
    /// For a valid schema `s`, `TableSchema::from_value(&s.to_rest_json())`
    /// returns a schema equal to `s`.
    ///
    /// ```
    /// use bqcodec::{Field, FieldType, TableSchema};
    /// let mut name = Field::new("name", FieldType::String);
    /// name.max_length = Some(10);
    /// let s = TableSchema::new(vec![name]);
    /// assert_eq!(
    ///     s.to_rest_json(),
    ///     serde_json::json!({"fields": [
    ///         {"name": "name", "type": "STRING", "mode": "NULLABLE", "maxLength": "10"}
    ///     ]})
    /// );
    /// assert_eq!(TableSchema::from_value(&s.to_rest_json()).unwrap(), s);
    /// ```
    pub fn to_rest_json(&self) -> serde_json::Value {
        let mut m = Map::new();
        m.insert("fields".to_owned(), fields_json(&self.fields));
        Value::Object(m)
    }

    /// The bare array of fields, the form `bq show --schema` prints and
    /// `bq load`/`bq mk` read from a schema file.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::{Field, FieldType, Mode, TableSchema};
    ///
    /// let schema = TableSchema::new(vec![Field::new("id", FieldType::Int64).with_mode(Mode::Required)]);
    /// assert_eq!(schema.to_field_array_json(),
    ///     serde_json::json!([{"name": "id", "type": "INTEGER", "mode": "REQUIRED"}]));
    /// ```
    pub fn to_field_array_json(&self) -> serde_json::Value {
        fields_json(&self.fields)
    }

    /// [`TableSchema::to_rest_json`] as indented JSON text.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::{Field, FieldType, TableSchema};
    ///
    /// let schema = TableSchema::new(vec![Field::new("ok", FieldType::Bool)]);
    /// assert_eq!(schema.to_json_string_pretty(),
    ///     "{\n  \"fields\": [\n    {\n      \"mode\": \"NULLABLE\",\n      \"name\": \"ok\",\n      \"type\": \"BOOLEAN\"\n    }\n  ]\n}");
    /// ```
    pub fn to_json_string_pretty(&self) -> String {
        format!("{:#}", self.to_rest_json())
    }
}

impl Field {
    /// The REST `TableFieldSchema` of this field (and its sub-fields): what
    /// the REST API sends in `tables.get`, and what `bq show --schema` prints,
    /// so that [`TableSchema::from_value`] reads it back to an equal field.
    ///
    /// # Choices
    ///
    /// - Type names are the REST names ([`FieldType::rest_name`]: `INTEGER`,
    ///   `FLOAT`, `BOOLEAN`, `RECORD`, …), whatever alias was parsed.
    /// - `mode` is always written, `NULLABLE` included.
    /// - `fields` is written only when the field has sub-fields.
    /// - Every other attribute is written only when set.
    /// - `maxLength`, `precision`, `scale` and `timestampPrecision` are written as
    ///   decimal strings (`"10"`), as the REST API sends them: the discovery
    ///   document types them as int64 (`timestampPrecision` as Int64Value), and
    ///   Google's JSON mapping writes 64-bit integers as strings.
    /// - `rangeElementType` is written in the REST object form `{"type": "DATE"}`.
    /// - `policyTags` is written as `{"names": [...]}`, also when the list is
    ///   empty (an explicitly empty list is kept as such).
    /// - Keys of [`Field::extra`] are written back unchanged, except one that
    ///   repeats a modelled key (`name`, `type`, …; validation rejects those),
    ///   which is skipped so the modelled value wins.
    /// - Object keys come out in the order of `serde_json::Map` (sorted, unless a
    ///   crate in the build turns on serde_json's `preserve_order`).
    /// - The writer recurses once per nesting level; a schema that passed
    ///   validation has at most 15.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::schema::RangeElementType;
    /// use bqcodec::{Field, FieldType};
    ///
    /// let mut f = Field::new("during", FieldType::Range(RangeElementType::Date));
    /// f.default_value_expression = Some("RANGE(CURRENT_DATE(), NULL)".into());
    /// assert_eq!(f.to_rest_json(), serde_json::json!({
    ///     "name": "during", "type": "RANGE", "mode": "NULLABLE",
    ///     "rangeElementType": {"type": "DATE"}, "defaultValueExpression": "RANGE(CURRENT_DATE(), NULL)"}));
    /// ```
    pub fn to_rest_json(&self) -> serde_json::Value {
        let mut m = Map::new();
        for (key, value) in &self.extra {
            if !KNOWN_KEYS.contains(&key.as_str()) {
                m.insert(key.clone(), value.clone());
            }
        }
        let mut put = |key: &str, value: Value| {
            m.insert(key.to_owned(), value);
        };
        put("name", Value::String(self.name.clone()));
        put(
            "type",
            Value::String(self.field_type.rest_name().to_owned()),
        );
        put("mode", Value::String(self.mode.as_str().to_owned()));
        if !self.fields.is_empty() {
            put("fields", fields_json(&self.fields));
        }
        if let Some(d) = &self.description {
            put("description", Value::String(d.clone()));
        }
        if let Some(n) = self.max_length {
            put("maxLength", Value::String(n.to_string()));
        }
        if let Some(p) = self.precision {
            put("precision", Value::String(p.to_string()));
        }
        if let Some(s) = self.scale {
            put("scale", Value::String(s.to_string()));
        }
        if let Some(r) = self.rounding_mode {
            put("roundingMode", Value::String(r.as_str().to_owned()));
        }
        if let Some(c) = &self.collation {
            put("collation", Value::String(c.clone()));
        }
        if let Some(e) = &self.default_value_expression {
            put("defaultValueExpression", Value::String(e.clone()));
        }
        if let Some(tags) = &self.policy_tags {
            let names = tags.iter().cloned().map(Value::String).collect();
            let mut t = Map::new();
            t.insert("names".to_owned(), Value::Array(names));
            put("policyTags", Value::Object(t));
        }
        if let Some(p) = self.timestamp_precision {
            put("timestampPrecision", Value::String(p.to_string()));
        }
        if let FieldType::Range(e) = self.field_type {
            let mut t = Map::new();
            t.insert(
                "type".to_owned(),
                Value::String(e.field_type().rest_name().to_owned()),
            );
            put("rangeElementType", Value::Object(t));
        }
        Value::Object(m)
    }
}

fn fields_json(fields: &[Field]) -> Value {
    Value::Array(fields.iter().map(Field::to_rest_json).collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)] // tests fail loudly by design
mod tests {
    use super::*;
    use crate::schema::{Mode, RangeElementType, RoundingMode};
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn minimal_field() {
        let s = TableSchema {
            fields: vec![Field::new("a", FieldType::Int64)],
        };
        assert_eq!(
            s.to_rest_json(),
            json!({"fields": [{"name": "a", "type": "INTEGER", "mode": "NULLABLE"}]})
        );
        assert_eq!(
            s.to_field_array_json(),
            json!([{"name": "a", "type": "INTEGER", "mode": "NULLABLE"}])
        );
    }

    #[test]
    fn every_attribute() {
        let mut price = Field::new("price", FieldType::Numeric).with_mode(Mode::Required);
        price.description = Some("in EUR".into());
        price.precision = Some(10);
        price.scale = Some(2);
        price.rounding_mode = Some(RoundingMode::RoundHalfEven);
        price.default_value_expression = Some("0".into());
        let mut name = Field::new("name", FieldType::String);
        name.max_length = Some(50);
        name.collation = Some("und:ci".into());
        name.policy_tags = Some(vec![
            "projects/p/locations/us/taxonomies/1/policyTags/2".into(),
        ]);
        let mut at = Field::new("at", FieldType::Timestamp);
        at.timestamp_precision = Some(12);
        let mut span = Field::new("span", FieldType::Range(RangeElementType::DateTime));
        span.extra
            .insert("dataPolicies".into(), json!([{"name": "d"}]));
        let rec =
            Field::record("rec", vec![Field::new("x", FieldType::Bool)]).with_mode(Mode::Repeated);
        let s = TableSchema {
            fields: vec![price, name, at, span, rec],
        };
        assert_eq!(
            s.to_rest_json(),
            json!({"fields": [
                {"name": "price", "type": "NUMERIC", "mode": "REQUIRED", "description": "in EUR",
                 "precision": "10", "scale": "2", "roundingMode": "ROUND_HALF_EVEN",
                 "defaultValueExpression": "0"},
                {"name": "name", "type": "STRING", "mode": "NULLABLE", "maxLength": "50",
                 "collation": "und:ci",
                 "policyTags": {"names": ["projects/p/locations/us/taxonomies/1/policyTags/2"]}},
                {"name": "at", "type": "TIMESTAMP", "mode": "NULLABLE", "timestampPrecision": "12"},
                {"name": "span", "type": "RANGE", "mode": "NULLABLE",
                 "rangeElementType": {"type": "DATETIME"}, "dataPolicies": [{"name": "d"}]},
                {"name": "rec", "type": "RECORD", "mode": "REPEATED", "fields": [
                    {"name": "x", "type": "BOOLEAN", "mode": "NULLABLE"}
                ]}
            ]})
        );
        assert_eq!(TableSchema::from_value(&s.to_rest_json()), Ok(s.clone()));
        assert_eq!(
            TableSchema::from_value(&s.to_field_array_json()),
            Ok(s.clone())
        );
        assert_eq!(
            TableSchema::from_json(&s.to_json_string_pretty()),
            Ok(s.clone())
        );
        assert!(s.to_json_string_pretty().contains("\n  \"fields\": ["));
    }

    /// Aliases and lower-case names come back as the REST names.
    #[test]
    fn rest_names_for_aliases() {
        let s = TableSchema::from_json(
            r#"[{"name": "a", "type": "int64"}, {"name": "b", "type": "FLOAT64"},
                {"name": "c", "type": "bool"}, {"name": "d", "type": "DECIMAL"},
                {"name": "e", "type": "BIGDECIMAL"},
                {"name": "f", "type": "STRUCT", "fields": [{"name": "g", "type": "date"}]}]"#,
        )
        .unwrap();
        let types: Vec<Value> = s.to_rest_json()["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["type"].clone())
            .collect();
        assert_eq!(
            types,
            [
                json!("INTEGER"),
                json!("FLOAT"),
                json!("BOOLEAN"),
                json!("NUMERIC"),
                json!("BIGNUMERIC"),
                json!("RECORD")
            ]
        );
        assert_eq!(
            s.to_rest_json()["fields"][5]["fields"][0]["type"],
            json!("DATE")
        );
    }

    #[test]
    fn colliding_extra_keys_are_skipped() {
        let mut f = Field::new("a", FieldType::String);
        f.extra.insert("type".into(), json!("BYTES"));
        f.extra.insert("maxLength".into(), json!("3"));
        f.extra.insert("other".into(), json!(1));
        assert_eq!(
            f.to_rest_json(),
            json!({"name": "a", "type": "STRING", "mode": "NULLABLE", "other": 1})
        );
    }

    // ---- round trip over generated valid schemas ----

    /// Names built from every allowed character class, never with a reserved
    /// prefix (they start with a letter) and at most 300 characters.
    fn arb_name() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[a-zA-Z0-9_]{1,8}",
            "[\\p{L}\\p{N}]{1,4}",
            Just("e\u{301}".to_owned()),
            prop::sample::select(vec![
                "-", "–", " ", "\u{3000}", "&", "%", "=", "+", ":", "'", "<", ">", "#", "|", "‿"
            ])
            .prop_map(str::to_owned),
        ];
        ("[a-zA-Z]", prop::collection::vec(piece, 0..5)).prop_map(|(head, rest)| {
            let mut s = head;
            s.extend(rest);
            s
        })
    }

    fn arb_leaf() -> impl Strategy<Value = Field> {
        let element = prop::sample::select(vec![
            RangeElementType::Date,
            RangeElementType::DateTime,
            RangeElementType::Timestamp,
        ]);
        let plain = prop::sample::select(vec![
            FieldType::Int64,
            FieldType::Float64,
            FieldType::Bool,
            FieldType::Date,
            FieldType::Time,
            FieldType::DateTime,
            FieldType::Geography,
            FieldType::Json,
            FieldType::Interval,
        ])
        .prop_map(|t| Field::new("x", t));
        let string = (
            prop::option::of(1..=9_223_372_036_854_775_807u64),
            prop::option::of(prop::sample::select(vec!["und:ci", ""])),
        )
            .prop_map(|(n, c)| {
                let mut f = Field::new("x", FieldType::String);
                f.max_length = n;
                f.collation = c.map(str::to_owned);
                f
            });
        let bytes = prop::option::of(1..=9_223_372_036_854_775_807u64).prop_map(|n| {
            let mut f = Field::new("x", FieldType::Bytes);
            f.max_length = n;
            f
        });
        let rounding = prop::option::of(prop::sample::select(vec![
            RoundingMode::Unspecified,
            RoundingMode::RoundHalfAwayFromZero,
            RoundingMode::RoundHalfEven,
        ]));
        let decimal = (any::<bool>(), 0u32..=38, 0u32..=38, any::<bool>(), rounding).prop_map(
            |(big, s, extra, with_scale, r)| {
                let (ty, max_int, max_scale) = if big {
                    (FieldType::BigNumeric, 38, 38)
                } else {
                    (FieldType::Numeric, 29, 9)
                };
                let mut f = Field::new("x", ty);
                let s = if with_scale { s % (max_scale + 1) } else { 0 };
                // max(1, S) ≤ P ≤ S + max_int
                let lo = s.max(1);
                let hi = s + max_int;
                f.precision = Some(lo + extra % (hi - lo + 1));
                f.scale = with_scale.then_some(s);
                f.rounding_mode = r;
                f
            },
        );
        let timestamp = prop::option::of(prop::sample::select(vec![6u8, 12])).prop_map(|p| {
            let mut f = Field::new("x", FieldType::Timestamp);
            f.timestamp_precision = p;
            f
        });
        let range = element.prop_map(|e| Field::new("x", FieldType::Range(e)));
        prop_oneof![plain, string, bytes, decimal, timestamp, range]
    }

    /// Name, mode, description, policy tags and extra keys of a field.
    type Common = (
        String,
        Mode,
        Option<String>,
        Option<Vec<String>>,
        Vec<(String, Value)>,
    );

    fn arb_common() -> impl Strategy<Value = Common> {
        let mode = prop::sample::select(vec![Mode::Nullable, Mode::Required, Mode::Repeated]);
        let extra_value = prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(Value::from),
            ".{0,8}".prop_map(Value::String),
            prop::collection::vec(".{0,4}".prop_map(Value::String), 0..3).prop_map(Value::Array),
        ];
        (
            arb_name(),
            mode,
            prop::option::of(".{0,30}"),
            prop::option::of(prop::collection::vec("projects/[a-z0-9/]{1,20}", 0..=1)),
            prop::collection::vec(("[a-z]{1,6}[A-Z][a-z]{0,6}", extra_value), 0..3),
        )
    }

    fn arb_field() -> impl Strategy<Value = Field> {
        let leaf = (arb_leaf(), arb_common()).prop_map(|(f, c)| apply(f, c));
        leaf.prop_recursive(5, 40, 4, |inner| {
            (prop::collection::vec(inner, 1..4), arb_common())
                .prop_map(|(fields, c)| apply(Field::record("x", fields), c))
        })
    }

    fn apply(mut f: Field, (name, mode, description, tags, extra): Common) -> Field {
        f.name = name;
        f.mode = mode;
        f.description = description;
        f.policy_tags = tags;
        for (k, v) in extra {
            if !KNOWN_KEYS.contains(&k.as_str()) {
                f.extra.insert(k, v);
            }
        }
        f
    }

    /// Makes sibling names unique (case-insensitively) by suffixing the index,
    /// and keeps defaults on top-level columns only.
    fn normalize(fields: &mut [Field], top: bool, default: &Option<String>) {
        for (i, f) in fields.iter_mut().enumerate() {
            f.name = format!("{}_{i}", f.name);
            f.default_value_expression = if top { default.clone() } else { None };
            normalize(&mut f.fields, false, &None);
        }
    }

    fn arb_schema() -> impl Strategy<Value = TableSchema> {
        (
            prop::collection::vec(arb_field(), 0..6),
            prop::option::of(
                prop::sample::select(vec!["'x'", "CURRENT_TIMESTAMP()", "1"])
                    .prop_map(str::to_owned),
            ),
        )
            .prop_map(|(mut fields, default)| {
                normalize(&mut fields, true, &default);
                TableSchema { fields }
            })
    }

    proptest! {
        #[test]
        fn rest_round_trip(s in arb_schema()) {
            prop_assert_eq!(s.validate(), Ok(()));
            prop_assert_eq!(TableSchema::from_value(&s.to_rest_json()), Ok(s.clone()));
            prop_assert_eq!(TableSchema::from_value(&s.to_field_array_json()), Ok(s.clone()));
            prop_assert_eq!(TableSchema::from_json(&s.to_json_string_pretty()), Ok(s.clone()));
            // Text → value → text is stable.
            let text = s.to_json_string_pretty();
            let again = TableSchema::from_json(&text).map(|t| t.to_json_string_pretty());
            prop_assert_eq!(again, Ok(text));
        }
    }
}
