//! The continuous query: `EXPORT DATA OPTIONS (…) AS (<query>)` for
//! Bigtable and Pub/Sub, as BigQuery DataFrames' `to_bigtable` /
//! `to_pubsub` write it.
//!
//! # Byte for byte with bigframes
//!
//! bigframes 2.51 (`bigframes/streaming/dataframe.py`, `_to_bigtable`,
//! `_to_pubsub`) writes
//!
//! ```text
//! EXPORT DATA
//! OPTIONS (
//! format = 'CLOUD_BIGTABLE',
//! bigtable_options = """<json.dumps(options)>""",      (only with options)
//! truncate = False,
//! overwrite = False,
//! auto_create_column_families = False,
//! uri = "https://bigtable.googleapis.com/projects/P/instances/I/[appProfiles/A/]tables/T"
//! )
//! AS (
//! <query>);
//! ```
//!
//! (`True`/`False` are Python's `str(bool)`; GoogleSQL booleans are
//! case-insensitive), and for Pub/Sub `format = 'CLOUD_PUBSUB'` and
//! `uri = "https://pubsub.googleapis.com/projects/P/topics/T"` only.
//! [`BigtableExport::sql`] and [`PubSubExport::sql`] write the same bytes
//! for the same inputs (tested against bigframes' own functions run
//! offline), except where bigframes' text is broken:
//! - **A query ending in a line comment** (`-- …` or `# …`): bigframes'
//!   `);` lands inside the comment. Here a newline goes before `);`.
//! - **Backslashes in `bigtable_options`**: the JSON sits in a GoogleSQL
//!   string literal, which processes escapes, so `\"`, `\\`, `\n` or a
//!   `\ud83d` surrogate in the JSON would reach the service changed or
//!   rejected. Here every backslash is doubled, so the service reads back
//!   exactly the JSON. (Without backslashes the texts are equal.)
//! - **Identifiers** are validated (project, instance, table, app profile,
//!   topic — each by its documented pattern) instead of pasted into the URI
//!   unchecked; a query with an unterminated string or comment, unbalanced
//!   parentheses or a `;` is rejected rather than wrapped into broken SQL.
//! - **bigframes' `end_timestamp`** argument is accepted and silently
//!   ignored; here there is none (a continuous query has no end).
//!
//! # Building the query from a source table
//!
//! [`SourceQuery`] writes what bigframes compiles from a
//! `StreamingDataFrame` (selection, renames, filters) without a DataFrame
//! engine: `SELECT <cols> FROM APPENDS(TABLE `p.d.t`, <start>) [WHERE (…) AND (…)]`,
//! every identifier backtick-quoted. The start defaults to bigframes'
//! `CURRENT_TIMESTAMP() - (INTERVAL 7 DAY - INTERVAL 5 MINUTE)` (just inside
//! the 7-day window APPENDS allows) or is `TIMESTAMP('YYYY-MM-DD HH:MM:SS[.ffffff]+00:00')`
//! (pandas' text of a UTC timestamp, what bigframes writes for a given one).
//! `SELECT *` from APPENDS also returns its pseudo-columns `_CHANGE_TYPE`
//! and `_CHANGE_TIMESTAMP`; select columns to leave them out.

use super::lex::scan;
use super::options::BigtableOptions;
use crate::error::ValueError;
use crate::schema::{Field, FieldType, TableSchema};
use crate::value::timestamp::Timestamp;

/// bigframes' default APPENDS start.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::sql::DEFAULT_START;
/// use bqcodec::bigtable::SourceQuery;
///
/// let sql = SourceQuery::new("my-project.d.t")?.to_sql();
/// assert!(sql.ends_with(&format!("APPENDS(TABLE `my-project.d.t`, {DEFAULT_START})")));
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub const DEFAULT_START: &str = "CURRENT_TIMESTAMP() - (INTERVAL 7 DAY - INTERVAL 5 MINUTE)";

/// A validated Google Cloud project ID: 6–30 characters of lowercase
/// letters, digits and hyphens, starting with a letter, not ending with a
/// hyphen; optionally domain-scoped (`example.com:my-project`).
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::sql::check_project;
///
/// assert!(check_project("my-project").is_ok());
/// assert!(check_project("example.com:my-project").is_ok());
/// assert!(check_project("proj").is_err()); // 6–30 characters
/// assert!(check_project("My-Project").is_err()); // lowercase only
/// assert!(check_project("my-project-").is_err());
/// assert!(check_project("1project").is_err());
/// ```
pub fn check_project(project: &str) -> Result<(), ValueError> {
    const EXPECTED: &str = "a project ID (6-30 lowercase letters, digits or hyphens, starting with a letter, not ending with a hyphen; optionally domain:project)";
    let id = match project.rsplit_once(':') {
        Some((domain, id)) => {
            let ok = !domain.is_empty()
                && domain.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-'
                });
            if !ok {
                return Err(ValueError::invalid(EXPECTED, project));
            }
            id
        }
        None => project,
    };
    if !lower_id(id, 6, 30) {
        return Err(ValueError::invalid(EXPECTED, project));
    }
    Ok(())
}

/// `[a-z][a-z0-9-]*[a-z0-9]` of `min..=max` characters.
fn lower_id(id: &str, min: usize, max: usize) -> bool {
    let b = id.as_bytes();
    (min..=max).contains(&b.len())
        && b.first().is_some_and(u8::is_ascii_lowercase)
        && b.last()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// `[_a-zA-Z0-9][-_.a-zA-Z0-9]*` (Bigtable table and app profile IDs, the
/// Bigtable Admin API's pattern).
fn bigtable_id(id: &str) -> bool {
    let b = id.as_bytes();
    b.first()
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// A Bigtable destination and the export options of `EXPORT DATA`.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::{BigtableExport, BigtableOptions};
///
/// let export = BigtableExport::new("my-project", "my-instance", "orders")?
///     .with_app_profile("export-profile")?
///     .with_overwrite(true)
///     .with_auto_create_column_families(true)
///     .with_options(BigtableOptions::from_json(r#"{"columnFamilies": [{"familyId": "cf"}]}"#)?);
/// assert_eq!(export.project(), "my-project");
/// assert_eq!(
///     export.uri(),
///     "https://bigtable.googleapis.com/projects/my-project/instances/my-instance/appProfiles/export-profile/tables/orders",
/// );
/// assert!(export.options().is_some());
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BigtableExport {
    project: String,
    instance: String,
    table: String,
    app_profile: Option<String>,
    truncate: bool,
    overwrite: bool,
    auto_create_column_families: bool,
    options: Option<BigtableOptions>,
}

impl BigtableExport {
    /// The destination `projects/P/instances/I/tables/T`, every option
    /// false (bigframes' defaults).
    ///
    /// Rejects a project that is not a project ID ([`check_project`]), an
    /// instance ID that is not 6–33 lowercase letters, digits and hyphens
    /// (starting with a letter, not ending with a hyphen), and a table ID
    /// outside `[_a-zA-Z0-9][-_.a-zA-Z0-9]*` of at most 50 characters
    /// (Bigtable Admin API).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::BigtableExport;
    ///
    /// assert!(BigtableExport::new("my-project", "my-instance", "orders.v2").is_ok());
    /// assert!(BigtableExport::new("my-project", "inst", "orders").is_err()); // instance: 6–33 characters
    /// assert!(BigtableExport::new("my-project", "my-instance", "-orders").is_err());
    /// assert!(BigtableExport::new("my-project", "my-instance", &"t".repeat(51)).is_err());
    /// ```
    pub fn new(project: &str, instance: &str, table: &str) -> Result<Self, ValueError> {
        check_project(project)?;
        if !lower_id(instance, 6, 33) {
            return Err(ValueError::invalid(
                "a Bigtable instance ID (6-33 lowercase letters, digits or hyphens, starting with a letter, not ending with a hyphen)",
                instance,
            ));
        }
        if !bigtable_id(table) || table.len() > 50 {
            return Err(ValueError::invalid(
                "a Bigtable table ID ([_a-zA-Z0-9][-_.a-zA-Z0-9]*, at most 50 characters)",
                table,
            ));
        }
        Ok(BigtableExport {
            project: project.to_owned(),
            instance: instance.to_owned(),
            table: table.to_owned(),
            app_profile: None,
            truncate: false,
            overwrite: false,
            auto_create_column_families: false,
            options: None,
        })
    }

    /// Routes through app profile `profile` (`…/appProfiles/A/tables/T`).
    /// Rejects an ID outside `[_a-zA-Z0-9][-_.a-zA-Z0-9]*`. (The docs
    /// require single-cluster routing and low priority on the profile; that
    /// cannot be checked here.)
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::BigtableExport;
    ///
    /// let export = BigtableExport::new("my-project", "my-instance", "orders")?;
    /// assert!(export.clone().with_app_profile("low_priority").is_ok());
    /// assert!(export.with_app_profile("a/b").is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn with_app_profile(mut self, profile: &str) -> Result<Self, ValueError> {
        if !bigtable_id(profile) {
            return Err(ValueError::invalid(
                "a Bigtable app profile ID ([_a-zA-Z0-9][-_.a-zA-Z0-9]*)",
                profile,
            ));
        }
        self.app_profile = Some(profile.to_owned());
        Ok(self)
    }

    /// Sets `truncate` (default false).
    pub fn with_truncate(mut self, truncate: bool) -> Self {
        self.truncate = truncate;
        self
    }

    /// Sets `overwrite` (default false).
    pub fn with_overwrite(mut self, overwrite: bool) -> Self {
        self.overwrite = overwrite;
        self
    }

    /// Sets `auto_create_column_families` (default false; needs
    /// `bigtable.tables.update`).
    pub fn with_auto_create_column_families(mut self, auto: bool) -> Self {
        self.auto_create_column_families = auto;
        self
    }

    /// Sets `bigtable_options` (default: the option is left out).
    pub fn with_options(mut self, options: BigtableOptions) -> Self {
        self.options = Some(options);
        self
    }

    /// The options, if set.
    pub fn options(&self) -> Option<&BigtableOptions> {
        self.options.as_ref()
    }

    /// The project.
    pub fn project(&self) -> &str {
        &self.project
    }

    /// The `uri` option.
    pub fn uri(&self) -> String {
        let profile = self
            .app_profile
            .as_ref()
            .map(|p| format!("appProfiles/{p}/"))
            .unwrap_or_default();
        format!(
            "https://bigtable.googleapis.com/projects/{}/instances/{}/{profile}tables/{}",
            self.project, self.instance, self.table
        )
    }

    /// The `EXPORT DATA` statement for `query` (see the module docs).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::{BigtableExport, ExportQuery};
    /// let q = ExportQuery::given("SELECT `key` AS rowkey, STRUCT(v) AS cf FROM t -- last")?;
    /// let sql = BigtableExport::new("my-project", "my-instance", "my-table")?.with_truncate(true).sql(&q);
    /// assert_eq!(sql, "EXPORT DATA\nOPTIONS (\nformat = 'CLOUD_BIGTABLE',\ntruncate = True,\n\
    ///     overwrite = False,\nauto_create_column_families = False,\n\
    ///     uri = \"https://bigtable.googleapis.com/projects/my-project/instances/my-instance/tables/my-table\"\n)\n\
    ///     AS (\nSELECT `key` AS rowkey, STRUCT(v) AS cf FROM t -- last\n);");
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn sql(&self, query: &ExportQuery) -> String {
        let mut s = String::from("EXPORT DATA\nOPTIONS (\nformat = 'CLOUD_BIGTABLE',\n");
        if let Some(o) = &self.options {
            s.push_str("bigtable_options = \"\"\"");
            // Double every backslash: the literal processes escapes.
            s.push_str(&o.to_python_json().replace('\\', "\\\\"));
            s.push_str("\"\"\",\n");
        }
        let py = |b: bool| if b { "True" } else { "False" };
        s.push_str(&format!(
            "truncate = {},\noverwrite = {},\nauto_create_column_families = {},\nuri = \"{}\"\n)\n",
            py(self.truncate),
            py(self.overwrite),
            py(self.auto_create_column_families),
            self.uri()
        ));
        query.write_wrapped(&mut s);
        s
    }
}

/// A Pub/Sub topic destination.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::{ExportQuery, PubSubExport};
///
/// let export = PubSubExport::new("my-project", "orders-topic")?;
/// assert_eq!(export.project(), "my-project");
/// assert_eq!(export.uri(), "https://pubsub.googleapis.com/projects/my-project/topics/orders-topic");
/// let sql = export.sql(&ExportQuery::given("SELECT TO_JSON_STRING(t) AS message FROM t")?);
/// assert!(sql.starts_with("EXPORT DATA\nOPTIONS (\nformat = 'CLOUD_PUBSUB',\n"));
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PubSubExport {
    project: String,
    topic: String,
}

impl PubSubExport {
    /// The topic `projects/P/topics/T`. Rejects a project that is not a
    /// project ID and a topic name that is not 3–255 characters of letters,
    /// digits, `- _ . ~ + %`, starting with a letter and not with `goog`
    /// (Pub/Sub resource names).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::PubSubExport;
    ///
    /// assert!(PubSubExport::new("my-project", "orders").is_ok());
    /// assert!(PubSubExport::new("my-project", "goog-orders").is_err()); // reserved prefix
    /// assert!(PubSubExport::new("my-project", "ab").is_err()); // 3–255 characters
    /// assert!(PubSubExport::new("my-project", "1orders").is_err()); // starts with a letter
    /// ```
    pub fn new(project: &str, topic: &str) -> Result<Self, ValueError> {
        check_project(project)?;
        let b = topic.as_bytes();
        let ok = (3..=255).contains(&b.len())
            && b.first().is_some_and(u8::is_ascii_alphabetic)
            && !topic
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case("goog"))
            && b.iter().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~' | b'+' | b'%')
            });
        if !ok {
            return Err(ValueError::invalid(
                "a Pub/Sub topic name (3-255 letters, digits or - _ . ~ + %, starting with a letter, not with \"goog\")",
                topic,
            ));
        }
        Ok(PubSubExport {
            project: project.to_owned(),
            topic: topic.to_owned(),
        })
    }

    /// The project.
    pub fn project(&self) -> &str {
        &self.project
    }

    /// The `uri` option.
    pub fn uri(&self) -> String {
        format!(
            "https://pubsub.googleapis.com/projects/{}/topics/{}",
            self.project, self.topic
        )
    }

    /// The `EXPORT DATA` statement for `query`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::{ExportQuery, PubSubExport};
    ///
    /// let export = PubSubExport::new("my-project", "t1-topic")?;
    /// let query = ExportQuery::given("SELECT 'x' AS message")?;
    /// assert_eq!(
    ///     export.sql(&query),
    ///     "EXPORT DATA\nOPTIONS (\nformat = 'CLOUD_PUBSUB',\nuri = \"https://pubsub.googleapis.com/projects/my-project/topics/t1-topic\"\n)\nAS (\nSELECT 'x' AS message);",
    /// );
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn sql(&self, query: &ExportQuery) -> String {
        let mut s = format!(
            "EXPORT DATA\nOPTIONS (\nformat = 'CLOUD_PUBSUB',\nuri = \"{}\"\n)\n",
            self.uri()
        );
        query.write_wrapped(&mut s);
        s
    }
}

/// The query an export runs.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::{ExportQuery, SourceQuery};
///
/// let given = ExportQuery::given("SELECT 'a;b' AS rowkey -- done")?; // a ';' inside a string is fine
/// assert_eq!(given.text(), "SELECT 'a;b' AS rowkey -- done");
/// let built = ExportQuery::from_source(&SourceQuery::new("my-project.d.t")?);
/// assert!(built.text().starts_with("SELECT * FROM APPENDS(TABLE `my-project.d.t`"));
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportQuery {
    text: String,
    ends_in_line_comment: bool,
}

impl ExportQuery {
    /// A query used as given (bigframes passes the DataFrame's SQL, the
    /// source already wrapped in `APPENDS(TABLE …, start)`).
    ///
    /// Rejects text with no code, an unterminated string, quoted identifier
    /// or block comment, unbalanced parentheses, or a `;` (each would break
    /// the `AS (…)` around it).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::ExportQuery;
    ///
    /// assert!(ExportQuery::given("SELECT 1 AS rowkey").is_ok());
    /// assert!(ExportQuery::given("SELECT 1; DROP TABLE t").is_err()); // one statement only
    /// assert!(ExportQuery::given("SELECT (1").is_err()); // unbalanced
    /// assert!(ExportQuery::given("SELECT 'open").is_err());
    /// assert!(ExportQuery::given("  -- only a comment").is_err()); // no code
    /// ```
    pub fn given(text: &str) -> Result<Self, ValueError> {
        let s = scan(text, "a query")?;
        if !s.has_code {
            return Err(ValueError::invalid("a query", text));
        }
        Ok(ExportQuery {
            text: text.to_owned(),
            ends_in_line_comment: s.ends_in_line_comment,
        })
    }

    /// The query built from a source table.
    pub fn from_source(source: &SourceQuery) -> Self {
        let text = source.to_sql();
        // Built text ends in ')' or an identifier, never in a comment: each
        // filter is closed inside its own parentheses.
        ExportQuery {
            text,
            ends_in_line_comment: false,
        }
    }

    /// The query text.
    pub fn text(&self) -> &str {
        &self.text
    }

    fn write_wrapped(&self, out: &mut String) {
        out.push_str("AS (\n");
        out.push_str(&self.text);
        if self.ends_in_line_comment {
            out.push('\n');
        }
        out.push_str(");");
    }
}

/// Where the APPENDS window starts.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::{SourceQuery, StartTimestamp};
/// use bqcodec::value::timestamp::Timestamp;
///
/// let at = StartTimestamp::At(Timestamp::parse_text("2024-05-01T12:00:00Z")?);
/// let sql = SourceQuery::new("my-project.d.t")?.start(at).to_sql();
/// assert_eq!(sql, "SELECT * FROM APPENDS(TABLE `my-project.d.t`, TIMESTAMP('2024-05-01 12:00:00+00:00'))");
/// assert_eq!(StartTimestamp::default(), StartTimestamp::Default);
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum StartTimestamp {
    /// `CURRENT_TIMESTAMP() - (INTERVAL 7 DAY - INTERVAL 5 MINUTE)`, bigframes'
    /// default (the earliest start APPENDS allows, with a margin).
    #[default]
    Default,
    /// A given instant (APPENDS accepts at most 7 days back; the core has no
    /// clock to check that).
    At(Timestamp),
}

impl StartTimestamp {
    fn sql(&self) -> String {
        match self {
            StartTimestamp::Default => DEFAULT_START.to_owned(),
            StartTimestamp::At(t) => {
                let c = t.to_string();
                let c = c.strip_suffix('Z').unwrap_or(&c);
                format!("TIMESTAMP('{}+00:00')", c.replacen('T', " ", 1))
            }
        }
    }
}

/// A query over a source table's appended rows: column selection, renames,
/// filters, and the start of the APPENDS window (see the module docs).
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::SourceQuery;
/// let q = SourceQuery::new("my-project.birds.penguins")?
///     .select_list("species, island AS rowkey")?
///     .filter("body_mass_g < 4000")?;
/// assert_eq!(q.to_sql(), "SELECT `species`, `island` AS `rowkey` FROM APPENDS(TABLE `my-project.birds.penguins`, \
///     CURRENT_TIMESTAMP() - (INTERVAL 7 DAY - INTERVAL 5 MINUTE)) WHERE (body_mass_g < 4000)");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceQuery {
    table: String,
    columns: Vec<(String, Option<String>)>,
    filters: Vec<(String, bool)>,
    start: StartTimestamp,
}

impl SourceQuery {
    /// Reads `project.dataset.table`. Rejects a project that is not a
    /// project ID, a dataset that is not 1–1,024 letters, digits or `_`, and
    /// a table ID that is empty, longer than 1,024 characters, or has
    /// control characters, `` ` ``, `\`, `/`, `$` or `.`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::SourceQuery;
    ///
    /// assert!(SourceQuery::new("my-project.birds.penguins").is_ok());
    /// assert!(SourceQuery::new("birds.penguins").is_err()); // project.dataset.table
    /// assert!(SourceQuery::new("my-project.birds-eu.penguins").is_err()); // dataset: letters, digits, _
    /// assert!(SourceQuery::new("my-project.birds.pen`guins").is_err());
    /// ```
    pub fn new(table: &str) -> Result<Self, ValueError> {
        let bad = || ValueError::invalid("a source table as project.dataset.table", table);
        let mut parts = table.rsplitn(3, '.');
        let (Some(t), Some(d), Some(p)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        check_project(p)?;
        if d.is_empty()
            || d.len() > 1024
            || !d.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(ValueError::invalid(
                "a dataset ID of 1-1024 letters, digits or _",
                d,
            ));
        }
        if t.is_empty()
            || t.chars().count() > 1024
            || t.chars()
                .any(|c| c.is_control() || matches!(c, '`' | '\\' | '/' | '$'))
        {
            return Err(ValueError::invalid("a table ID", t));
        }
        Ok(SourceQuery {
            table: table.to_owned(),
            columns: Vec::new(),
            filters: Vec::new(),
            start: StartTimestamp::Default,
        })
    }

    /// Selects column `name` (renamed to `alias` when given). Rejects names
    /// that are not BigQuery column names (the schema rules, flexible names
    /// included).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::SourceQuery;
    ///
    /// let q = SourceQuery::new("my-project.d.t")?.select("id", Some("rowkey"))?.select("total", None)?;
    /// assert!(q.to_sql().starts_with("SELECT `id` AS `rowkey`, `total` FROM "));
    /// assert!(SourceQuery::new("my-project.d.t")?.select("a`b", None).is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn select(mut self, name: &str, alias: Option<&str>) -> Result<Self, ValueError> {
        check_column(name)?;
        if let Some(a) = alias {
            check_column(a)?;
        }
        self.columns
            .push((name.to_owned(), alias.map(str::to_owned)));
        Ok(self)
    }

    /// Selects a comma-separated list of `name` or `name AS alias` (`AS` in
    /// any case), as the CLI's `--select` takes it.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::SourceQuery;
    ///
    /// let q = SourceQuery::new("my-project.d.t")?.select_list("id as rowkey, total")?;
    /// assert!(q.to_sql().starts_with("SELECT `id` AS `rowkey`, `total` FROM "));
    /// assert!(SourceQuery::new("my-project.d.t")?.select_list("id rowkey").is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn select_list(mut self, list: &str) -> Result<Self, ValueError> {
        for item in list.split(',') {
            let words: Vec<&str> = item.split_whitespace().collect();
            self = match words.as_slice() {
                [name] => self.select(name, None)?,
                [name, kw, alias] if kw.eq_ignore_ascii_case("as") => {
                    self.select(name, Some(alias))?
                }
                _ => {
                    return Err(ValueError::invalid(
                        "a column list of `name` or `name AS alias`, separated by commas",
                        item.trim(),
                    ));
                }
            };
        }
        Ok(self)
    }

    /// Adds a filter (a GoogleSQL boolean expression); several are joined
    /// with `AND`, each in parentheses. Rejects what [`ExportQuery::given`]
    /// rejects.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::SourceQuery;
    ///
    /// let q = SourceQuery::new("my-project.d.t")?.filter("a > 1")?.filter("b = 'x' -- note")?;
    /// assert!(q.to_sql().ends_with("WHERE (a > 1) AND (b = 'x' -- note\n)"));
    /// assert!(SourceQuery::new("my-project.d.t")?.filter("a > 1; DELETE").is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn filter(mut self, expression: &str) -> Result<Self, ValueError> {
        let s = scan(expression, "a filter expression")?;
        if !s.has_code {
            return Err(ValueError::invalid("a filter expression", expression));
        }
        self.filters
            .push((expression.to_owned(), s.ends_in_line_comment));
        Ok(self)
    }

    /// Sets the start of the APPENDS window (default
    /// [`StartTimestamp::Default`]).
    pub fn start(mut self, start: StartTimestamp) -> Self {
        self.start = start;
        self
    }

    /// The query text.
    pub fn to_sql(&self) -> String {
        let mut s = String::from("SELECT ");
        if self.columns.is_empty() {
            s.push('*');
        }
        for (i, (name, alias)) in self.columns.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            quote_identifier(name, &mut s);
            if let Some(a) = alias {
                s.push_str(" AS ");
                quote_identifier(a, &mut s);
            }
        }
        s.push_str(" FROM APPENDS(TABLE ");
        quote_identifier(&self.table, &mut s);
        s.push_str(", ");
        s.push_str(&self.start.sql());
        s.push(')');
        for (i, (f, comment)) in self.filters.iter().enumerate() {
            s.push_str(if i == 0 { " WHERE (" } else { " AND (" });
            s.push_str(f);
            if *comment {
                s.push('\n');
            }
            s.push(')');
        }
        s
    }
}

fn check_column(name: &str) -> Result<(), ValueError> {
    let schema = TableSchema {
        fields: vec![Field::new(name, FieldType::String)],
    };
    schema.validate().map_err(|e| {
        let msg = e
            .problems
            .first()
            .map(|p| p.message.clone())
            .unwrap_or_default();
        ValueError::invalid(format!("a column name ({msg})"), name)
    })
}

/// Appends `` `name` ``, escaping `` ` `` and `\`.
fn quote_identifier(name: &str, out: &mut String) {
    out.push('`');
    for c in name.chars() {
        if matches!(c, '`' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('`');
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::bigtable::{ColumnOptions, FamilyOptions};

    const Q: &str = "SELECT `key`, STRUCT(`v` AS col) AS cf FROM APPENDS(TABLE `my-project.ds.src`, \
                     CURRENT_TIMESTAMP() - (INTERVAL 7 DAY - INTERVAL 5 MINUTE))";

    #[test]
    fn bigframes_texts() {
        // The first two are bigframes 2.51's output for the same inputs, as
        // printed by shared/peers/py/bigframes_export_sql.py.
        let o = BigtableOptions::from_json(
            r#"{"columnFamilies": [{"familyId": "cf", "encoding": "BINARY"}]}"#,
        )
        .unwrap();
        let e = BigtableExport::new("my-project", "my-instance", "my-table")
            .unwrap()
            .with_app_profile("my-profile")
            .unwrap()
            .with_truncate(true)
            .with_overwrite(true)
            .with_auto_create_column_families(true)
            .with_options(o);
        let q = ExportQuery::given(Q).unwrap();
        assert_eq!(
            e.sql(&q),
            format!(
                "EXPORT DATA\nOPTIONS (\nformat = 'CLOUD_BIGTABLE',\n\
                 bigtable_options = \"\"\"{{\"columnFamilies\": [{{\"familyId\": \"cf\", \"encoding\": \"BINARY\"}}]}}\"\"\",\n\
                 truncate = True,\noverwrite = True,\nauto_create_column_families = True,\n\
                 uri = \"https://bigtable.googleapis.com/projects/my-project/instances/my-instance/appProfiles/my-profile/tables/my-table\"\n\
                 )\nAS (\n{Q});"
            )
        );
        let e = BigtableExport::new("my-project", "my-instance", "my-table").unwrap();
        assert_eq!(
            e.sql(&q),
            format!(
                "EXPORT DATA\nOPTIONS (\nformat = 'CLOUD_BIGTABLE',\ntruncate = False,\noverwrite = False,\n\
                 auto_create_column_families = False,\n\
                 uri = \"https://bigtable.googleapis.com/projects/my-project/instances/my-instance/tables/my-table\"\n\
                 )\nAS (\n{Q});"
            )
        );
        let p = PubSubExport::new("my-project", "my-topic").unwrap();
        assert_eq!(
            p.sql(&q),
            format!(
                "EXPORT DATA\nOPTIONS (\nformat = 'CLOUD_PUBSUB',\n\
                 uri = \"https://pubsub.googleapis.com/projects/my-project/topics/my-topic\"\n)\nAS (\n{Q});"
            )
        );
    }

    #[test]
    fn backslashes_in_options_survive_the_literal() {
        let o = BigtableOptions::new()
            .with_family(
                FamilyOptions::new("cf")
                    .with_column(ColumnOptions::new("x").with_qualifier_string("a\"é😀")),
            )
            .unwrap();
        let sql = BigtableExport::new("my-project", "my-instance", "t")
            .unwrap()
            .with_options(o)
            .sql(&ExportQuery::given("SELECT 1").unwrap());
        assert!(
            sql.contains(r#"{"qualifierString": "a\\"\\u00e9\\ud83d\\ude00", "fieldName": "x"}"#),
            "{sql}"
        );
    }

    #[test]
    fn identifiers_are_checked() {
        assert!(BigtableExport::new("my-project", "my-instance", "t").is_ok());
        assert!(BigtableExport::new("example.com:my-project", "my-instance", "t.1-_x").is_ok());
        for (p, i, t) in [
            ("My-project", "my-instance", "t"),
            ("proj", "my-instance", "t"),
            ("my-project-", "my-instance", "t"),
            ("my-project", "inst", "t"),
            ("my-project", "my-instance-", "t"),
            ("my-project", "my-instance", "-t"),
            ("my-project", "my-instance", "t\"x"),
            ("my-project", "my-instance", &"t".repeat(51)),
            ("my-project", "my-instance", ""),
        ] {
            assert!(BigtableExport::new(p, i, t).is_err(), "{p} {i} {t}");
        }
        let e = BigtableExport::new("my-project", "my-instance", "t").unwrap();
        assert!(e.clone().with_app_profile("p/x").is_err());
        assert!(e.with_app_profile("default").is_ok());
        assert!(PubSubExport::new("my-project", "ab").is_err());
        assert!(PubSubExport::new("my-project", "goog-x").is_err());
        assert!(PubSubExport::new("my-project", "1abc").is_err());
        assert!(PubSubExport::new("my-project", "a\"bc").is_err());
        assert!(PubSubExport::new("my-project", "taxi-rides.v1~+%").is_ok());
    }

    #[test]
    fn queries_are_wrapped_safely() {
        let p = PubSubExport::new("my-project", "my-topic").unwrap();
        let sql = p.sql(&ExportQuery::given("SELECT 1 # done").unwrap());
        assert!(sql.ends_with("SELECT 1 # done\n);"), "{sql}");
        let sql = p.sql(&ExportQuery::given("SELECT 1 -- done\n").unwrap());
        assert!(sql.ends_with("SELECT 1 -- done\n);"), "{sql}");
        for bad in ["", "  -- nothing", "SELECT 1;", "SELECT (1", "SELECT 'x"] {
            assert!(ExportQuery::given(bad).is_err(), "{bad:?}");
        }
    }

    fn token() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "'", "\"", "'''", "`", "\\", "--", "#", "/*", "*/", "(", ")", "\n", "SELECT 1", " ",
        ])
    }

    proptest::proptest! {
        #[test]
        fn an_accepted_query_stays_inside_its_parentheses(
            parts in proptest::collection::vec(token(), 0..20)
        ) {
            let text: String = parts.concat();
            if let Ok(q) = ExportQuery::given(&text) {
                let sql = PubSubExport::new("my-project", "topic").unwrap().sql(&q);
                // Without its final ';' the statement scans clean: the
                // closing parenthesis is code, not inside a comment or string.
                let body = sql.strip_suffix(';').unwrap();
                let s = crate::bigtable::lex::scan(body, "x").unwrap();
                proptest::prop_assert!(!s.ends_in_line_comment);
                proptest::prop_assert!(body.ends_with(')'));
            }
        }
    }

    #[test]
    fn source_queries() {
        let q = SourceQuery::new("my-project.ds.src")
            .unwrap()
            .select("a b", None)
            .unwrap()
            .select("x", Some("rowkey"))
            .unwrap()
            .filter("a > 1 -- big")
            .unwrap()
            .filter("x IS NOT NULL")
            .unwrap()
            .start(StartTimestamp::At(
                Timestamp::parse_text("2024-01-02 03:04:05.5Z").unwrap(),
            ));
        assert_eq!(
            q.to_sql(),
            "SELECT `a b`, `x` AS `rowkey` FROM APPENDS(TABLE `my-project.ds.src`, \
             TIMESTAMP('2024-01-02 03:04:05.500000+00:00')) WHERE (a > 1 -- big\n) AND (x IS NOT NULL)"
        );
        let plain = SourceQuery::new("my-project.ds.src").unwrap();
        assert_eq!(
            plain
                .clone()
                .start(StartTimestamp::At(Timestamp::from_micros(0).unwrap()))
                .to_sql(),
            "SELECT * FROM APPENDS(TABLE `my-project.ds.src`, TIMESTAMP('1970-01-01 00:00:00+00:00'))"
        );
        assert!(plain.clone().select_list("a AS").is_err());
        assert!(plain.clone().select_list("a,,b").is_err());
        assert!(plain.clone().select("a`b", None).is_err());
        assert!(plain.clone().select("_PARTITIONTIME", None).is_err());
        assert!(plain.clone().filter("1); DROP").is_err());
        assert!(plain.filter("").is_err());
        for bad in [
            "my-project.ds",
            "my-project.d-s.t",
            "my-project.ds.t`",
            "p.ds.t",
            "my-project.ds.t$1",
        ] {
            assert!(SourceQuery::new(bad).is_err(), "{bad}");
        }
        let q = ExportQuery::from_source(&SourceQuery::new("my-project.ds.t").unwrap());
        assert_eq!(
            q.text(),
            format!("SELECT * FROM APPENDS(TABLE `my-project.ds.t`, {DEFAULT_START})")
        );
    }
}
