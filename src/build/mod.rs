//! Schemas checked at build time: a `build.rs` API in the style of
//! prost-build, and the type of the items it generates.
//!
//! In `build.rs`, point a [`Builder`] at a folder of schema JSON files. Every
//! `*.json` file in it (not in sub-folders) is parsed and validated, all the
//! problems of all the files at once, each as `<file>: <field.path>: <message>`;
//! any problem fails the build. For each schema it writes, under `OUT_DIR`:
//!
//! | file | what |
//! | --- | --- |
//! | `bqcodec_schemas/<name>.pb` | the `FileDescriptorSet` bytes ([`crate::proto::ProtoSchema::file_descriptor_set_bytes`]) |
//! | `bqcodec_schemas/<name>.proto` | the `.proto` text |
//! | `bqcodec_schemas/<name>.schema.json` | the schema in the REST `{"fields": [...]}` form |
//! | `bqcodec_schemas/<name>.arrow` | feature `arrow`: the Arrow schema as the IPC schema message that `ArrowSchema.serialized_schema` takes ([`crate::arrow::ipc::serialize_schema`]) |
//! | `bqcodec_schemas.rs` | one [`EmbeddedSchema`] static per schema, and `all()` |
//!
//! ```no_run
//! // build.rs ([build-dependencies] bqcodec = "0.1")
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     bqcodec::build::Builder::new("schemas").compile()?;
//!     Ok(())
//! }
//! ```
//!
//! ```ignore
//! // src/lib.rs ([dependencies] bqcodec = "0.1")
//! mod schemas {
//!     include!(concat!(env!("OUT_DIR"), "/bqcodec_schemas.rs"));
//! }
//! let writer = schemas::ORDERS.proto_writer()?; // no JSON parsed at run time
//! ```
//!
//! # Names
//!
//! A file's schema name is its file name without `.json` and then without a
//! trailing `.schema` (`orders.schema.json` → `orders`). The Rust static is
//! that name in SCREAMING_SNAKE_CASE: ASCII letters and digits kept (upper
//! case), a `_` inserted where a lower-case letter or digit meets an upper-case
//! one (`lineItems` → `LINE_ITEMS`), every run of other characters (`-`, `.`,
//! spaces, non-ASCII letters) one `_`, leading and trailing `_` dropped, and
//! `SCHEMA_` put in front of a name that starts with a digit (`2024-events` →
//! `SCHEMA_2024_EVENTS`). A file name with no ASCII letter or digit, one that
//! is not UTF-8, and two files that map to the same static (`a-b.json` and
//! `a_b.json`) are problems that fail the build: the names stay a function of
//! each file alone, never of which other files exist. The data files under
//! `OUT_DIR` are named by the static in lower case.
//!
//! # Choices
//!
//! - No cargo feature: the generator needs nothing the core does not (std's
//!   file system only); it does I/O only when [`Builder::generate`] or
//!   [`Builder::compile`] is called. The Arrow output needs the `arrow` feature
//!   on the *build* dependency; the generated code needs no feature at run time.
//! - A schema that cannot be mapped to Arrow with the chosen
//!   [`crate::arrow::SchemaOptions`] (a TIMESTAMP(12) column under the default
//!   `PicosMapping::Reject`) is a warning, not an error: its
//!   [`EmbeddedSchema::arrow_schema`] is `None`; the proto outputs are still written.
//! - The generated code builds the [`TableSchema`] from Rust expressions, so run
//!   time parses no JSON; [`EmbeddedSchema::plan`] and
//!   [`EmbeddedSchema::proto_writer`] compile it once, on first use (a
//!   [`OnceLock`]), with the profile and CDC choice of the build.

mod codegen;
mod generate;
mod naming;

pub use generate::{BuildError, Builder, FileProblem, GeneratedSchema, Report};

use std::sync::OnceLock;

use crate::error::SchemaError;
use crate::plan::{Plan, WalkOptions};
use crate::proto::{DescriptorOptions, Profile, ProtoWriter};
use crate::schema::TableSchema;

/// The parts of an [`EmbeddedSchema`], as the generated code fills them in.
///
/// Written by [`Builder`]; a hand-written value is accepted too, but nothing
/// checks that its parts agree with each other.
///
/// # Examples
///
/// ```
/// use bqcodec::build::{EmbeddedParts, EmbeddedSchema};
/// use bqcodec::proto::Profile;
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// fn orders() -> TableSchema {
///     TableSchema::new(vec![Field::new("id", FieldType::Int64)])
/// }
/// // What the generated module holds (the byte and text parts come from include_bytes!/include_str!):
/// static ORDERS: EmbeddedSchema = EmbeddedSchema::new(EmbeddedParts {
///     name: "orders", file: "orders.schema.json",
///     descriptor_set: &[], proto_text: "", schema_json: "", arrow_schema: None,
///     profile: Profile::Exact, cdc: false, table_schema: orders,
/// });
/// assert_eq!((ORDERS.name(), ORDERS.file()), ("orders", "orders.schema.json"));
/// assert_eq!(ORDERS.table_schema().fields[0].name, "id");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedParts {
    /// The schema name (the file name without `.json` and `.schema`).
    pub name: &'static str,
    /// The schema file's name, as found in the folder.
    pub file: &'static str,
    /// The `FileDescriptorSet` bytes.
    pub descriptor_set: &'static [u8],
    /// The `.proto` text.
    pub proto_text: &'static str,
    /// The schema as REST JSON (`{"fields": [...]}`, pretty-printed).
    pub schema_json: &'static str,
    /// The Arrow IPC schema message, when it was generated.
    pub arrow_schema: Option<&'static [u8]>,
    /// The descriptor profile the descriptor was built with.
    pub profile: Profile,
    /// Whether the descriptor (and the walk) carry the CDC pseudo-columns.
    pub cdc: bool,
    /// Builds the schema without parsing anything.
    pub table_schema: fn() -> TableSchema,
}

/// A schema checked and compiled at build time: its descriptor bytes and texts
/// as constants, its schema, plan and proto writer built on first use.
///
/// [`Builder`] generates one `static` of this type per schema file.
///
/// # Examples
///
/// ```
/// use bqcodec::build::{EmbeddedParts, EmbeddedSchema};
/// use bqcodec::proto::Profile;
/// use bqcodec::{Field, FieldType, Mode, TableSchema};
///
/// fn events() -> TableSchema {
///     TableSchema::new(vec![Field::new("id", FieldType::Int64).with_mode(Mode::Required)])
/// }
/// static EVENTS: EmbeddedSchema = EmbeddedSchema::new(EmbeddedParts {
///     name: "events", file: "events.json", descriptor_set: &[], proto_text: "", schema_json: "",
///     arrow_schema: None, profile: Profile::Exact, cdc: true, table_schema: events,
/// });
/// assert!(EVENTS.cdc() && EVENTS.walk_options().cdc);
/// assert_eq!(EVENTS.profile(), Profile::Exact);
/// let writer = EVENTS.proto_writer()?; // compiled once, on first use
/// let (rows, outcome) = writer.encode_ndjson(b"{\"id\": 1, \"_CHANGE_TYPE\": \"UPSERT\"}\n{}\n", 0);
/// assert_eq!((rows.len(), outcome.errors.len()), (1, 1)); // row 1 lacks the REQUIRED id
/// assert!(std::ptr::eq(writer, EVENTS.proto_writer()?));
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug)]
pub struct EmbeddedSchema {
    parts: EmbeddedParts,
    schema: OnceLock<TableSchema>,
    plan: OnceLock<Result<Plan, SchemaError>>,
    writer: OnceLock<Result<ProtoWriter, SchemaError>>,
}

impl EmbeddedSchema {
    /// A schema from its parts; nothing is computed until first use.
    pub const fn new(parts: EmbeddedParts) -> Self {
        EmbeddedSchema {
            parts,
            schema: OnceLock::new(),
            plan: OnceLock::new(),
            writer: OnceLock::new(),
        }
    }

    /// The schema name (`orders` for `orders.schema.json`).
    pub fn name(&self) -> &'static str {
        self.parts.name
    }

    /// The schema file's name, as found in the folder.
    pub fn file(&self) -> &'static str {
        self.parts.file
    }

    /// The `FileDescriptorSet` bytes (one file, proto2, package `bqcodec`,
    /// root message `Row`), as `bqcodec schema proto --descriptor-set` writes.
    pub fn descriptor_set(&self) -> &'static [u8] {
        self.parts.descriptor_set
    }

    /// The `.proto` text of the descriptor.
    pub fn proto_text(&self) -> &'static str {
        self.parts.proto_text
    }

    /// The schema as REST JSON `{"fields": [...]}` (pretty-printed), e.g. for
    /// `tables.insert`.
    pub fn schema_json(&self) -> &'static str {
        self.parts.schema_json
    }

    /// The Arrow schema as the IPC schema message `ArrowSchema.serialized_schema`
    /// takes; `None` when the build did not have the `arrow` feature, or the
    /// schema has no Arrow mapping under the build's options (a warning then).
    pub fn arrow_schema(&self) -> Option<&'static [u8]> {
        self.parts.arrow_schema
    }

    /// The descriptor profile of the build.
    pub fn profile(&self) -> Profile {
        self.parts.profile
    }

    /// Whether the build added the CDC pseudo-columns.
    pub fn cdc(&self) -> bool {
        self.parts.cdc
    }

    /// The schema, built from code on first use (no JSON is parsed).
    pub fn table_schema(&self) -> &TableSchema {
        self.schema.get_or_init(self.parts.table_schema)
    }

    /// The walk options the plan is compiled with: the defaults
    /// ([`WalkOptions::new`]) with the build's CDC choice. For other options,
    /// compile [`Self::table_schema`] yourself.
    pub fn walk_options(&self) -> WalkOptions {
        WalkOptions::new().with_cdc(self.parts.cdc)
    }

    /// The descriptor options of the build: the defaults with its profile and CDC choice.
    pub fn descriptor_options(&self) -> DescriptorOptions {
        DescriptorOptions::default()
            .with_profile(self.parts.profile)
            .with_cdc(self.parts.cdc)
    }

    /// The compiled plan, compiled on first use with [`Self::walk_options`].
    ///
    /// Fails only if the generated parts were altered (the build checked the
    /// same compilation); the error is then returned on every call.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::build::{EmbeddedParts, EmbeddedSchema};
    /// use bqcodec::proto::Profile;
    /// use bqcodec::{Field, FieldType, TableSchema};
    ///
    /// fn altered() -> TableSchema {
    ///     // Two columns of one name: the build would have refused this file.
    ///     TableSchema::new(vec![Field::new("a", FieldType::Int64), Field::new("A", FieldType::Int64)])
    /// }
    /// static BAD: EmbeddedSchema = EmbeddedSchema::new(EmbeddedParts {
    ///     name: "bad", file: "bad.json", descriptor_set: &[], proto_text: "", schema_json: "",
    ///     arrow_schema: None, profile: Profile::Exact, cdc: false, table_schema: altered,
    /// });
    /// assert!(BAD.plan().is_err());
    /// assert!(BAD.proto_writer().is_err()); // and on every later call
    /// ```
    pub fn plan(&self) -> Result<&Plan, SchemaError> {
        self.plan
            .get_or_init(|| Plan::compile(self.table_schema(), self.walk_options()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The proto writer (plan, descriptor, encoder), built on first use with
    /// [`Self::descriptor_options`] and [`Self::walk_options`]. Fails as
    /// [`Self::plan`] does.
    pub fn proto_writer(&self) -> Result<&ProtoWriter, SchemaError> {
        self.writer
            .get_or_init(|| {
                ProtoWriter::new(
                    self.table_schema(),
                    self.descriptor_options(),
                    self.walk_options(),
                )
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// What the generated code names; not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use serde_json;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Field, FieldType, Mode};

    fn schema() -> TableSchema {
        TableSchema {
            fields: vec![
                Field::new("id", FieldType::Int64).with_mode(Mode::Required),
                Field::new("price", FieldType::Numeric),
            ],
        }
    }

    const PARTS: EmbeddedParts = EmbeddedParts {
        name: "t",
        file: "t.json",
        descriptor_set: &[],
        proto_text: "",
        schema_json: "",
        arrow_schema: None,
        profile: Profile::Text,
        cdc: true,
        table_schema: schema,
    };
    static EMBEDDED: EmbeddedSchema = EmbeddedSchema::new(PARTS);

    #[test]
    fn lazily_compiles_with_the_build_options() {
        assert_eq!(EMBEDDED.table_schema(), &schema());
        let plan = EMBEDDED.plan().unwrap();
        // id, price and the two CDC pseudo-columns.
        assert_eq!(plan.field_count(), 4);
        let writer = EMBEDDED.proto_writer().unwrap();
        assert_eq!(writer.proto_schema().options().profile, Profile::Text);
        let row = writer
            .encode_json(
                br#"{"id": 7, "price": "1.50", "_CHANGE_TYPE": "UPSERT"}"#,
                0,
            )
            .unwrap();
        assert_eq!(
            writer.decode(&row).unwrap(),
            r#"{"id":"7","price":"1.5","_CHANGE_TYPE":"UPSERT","_CHANGE_SEQUENCE_NUMBER":null}"#
        );
        // The same objects on every call.
        assert!(std::ptr::eq(plan, EMBEDDED.plan().unwrap()));
    }

    static BROKEN: EmbeddedSchema = EmbeddedSchema::new(EmbeddedParts {
        table_schema: || TableSchema {
            fields: vec![Field::new("", FieldType::Int64)],
        },
        ..PARTS
    });

    #[test]
    fn an_altered_schema_is_an_error_not_a_panic() {
        let e = BROKEN.plan().unwrap_err();
        assert!(!e.problems.is_empty());
        assert!(BROKEN.proto_writer().is_err());
    }
}
