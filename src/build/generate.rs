//! [`Builder`]: read a folder of schema files, check them all, write the
//! outputs and the Rust module.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::codegen::{profile_path, schema_fn, str_lit};
use super::naming::{schema_name, static_ident};
use crate::error::{SchemaError, SchemaProblem};
use crate::plan::{Plan, WalkOptions};
use crate::proto::{DescriptorOptions, Profile, ProtoSchema};
use crate::schema::TableSchema;

/// The generated module's file name when [`Builder::module_file`] is not called.
const DEFAULT_MODULE_FILE: &str = "bqcodec_schemas.rs";

/// Configures and runs the schema generator of a build script.
///
/// # Examples
///
/// ```no_run
/// // build.rs
/// use bqcodec::proto::Profile;
/// fn main() -> Result<(), bqcodec::build::BuildError> {
///     bqcodec::build::Builder::new("schemas")
///         .profile(Profile::Text)
///         .include("orders.schema.json")
///         .compile()?;
///     Ok(())
/// }
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Builder {
    dir: PathBuf,
    profile: Profile,
    cdc: bool,
    out_dir: Option<PathBuf>,
    include: Vec<String>,
    module_file: String,
    #[cfg(feature = "arrow")]
    arrow: crate::arrow::SchemaOptions,
}

impl Builder {
    /// A builder for the schema files directly in `dir` (relative paths are
    /// relative to the current directory, which cargo sets to the package
    /// root when it runs `build.rs`). Defaults: [`Profile::Exact`], no CDC,
    /// every `*.json` file, output in `OUT_DIR`, module `bqcodec_schemas.rs`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::build::Builder;
    ///
    /// # let root = std::env::temp_dir().join(format!("bqcodec-doc-{}-new", std::process::id()));
    /// let schemas = root.join("schemas");
    /// std::fs::create_dir_all(&schemas)?;
    /// std::fs::write(schemas.join("lineItems.json"), r#"[{"name": "sku", "type": "STRING"}]"#)?;
    /// std::fs::write(schemas.join("2024-events.schema.json"), r#"[{"name": "at", "type": "TIMESTAMP"}]"#)?;
    /// let report = Builder::new(&schemas).generate(&root.join("out"))?;
    /// let names: Vec<(&str, &str)> = report.schemas.iter().map(|s| (s.name.as_str(), s.ident.as_str())).collect();
    /// assert_eq!(names, [("2024-events", "SCHEMA_2024_EVENTS"), ("lineItems", "LINE_ITEMS")]);
    /// # std::fs::remove_dir_all(&root)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Builder {
            dir: dir.into(),
            profile: Profile::Exact,
            cdc: false,
            out_dir: None,
            include: Vec::new(),
            module_file: DEFAULT_MODULE_FILE.to_owned(),
            #[cfg(feature = "arrow")]
            arrow: crate::arrow::SchemaOptions::new(),
        }
    }

    /// The descriptor profile (default [`Profile::Exact`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::build::Builder;
    /// use bqcodec::proto::Profile;
    ///
    /// # let root = std::env::temp_dir().join(format!("bqcodec-doc-{}-profile", std::process::id()));
    /// # std::fs::create_dir_all(root.join("schemas"))?;
    /// std::fs::write(root.join("schemas/t.json"), r#"[{"name": "p", "type": "NUMERIC"}]"#)?;
    /// Builder::new(root.join("schemas")).profile(Profile::Text).generate(&root.join("out"))?;
    /// let proto = std::fs::read_to_string(root.join("out/bqcodec_schemas/t.proto"))?;
    /// assert!(proto.contains("optional string p = 1;")); // Exact writes NUMERIC as BigDecimal bytes
    /// # std::fs::remove_dir_all(&root)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn profile(mut self, profile: Profile) -> Self {
        self.profile = profile;
        self
    }

    /// Adds the CDC pseudo-columns `_CHANGE_TYPE` and `_CHANGE_SEQUENCE_NUMBER`
    /// to every descriptor and plan (default: no). A schema with a column of
    /// either name is then a problem.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::build::{BuildError, Builder};
    ///
    /// # let root = std::env::temp_dir().join(format!("bqcodec-doc-{}-cdc", std::process::id()));
    /// # std::fs::create_dir_all(root.join("schemas"))?;
    /// std::fs::write(root.join("schemas/t.json"), r#"[{"name": "id", "type": "INT64"}]"#)?;
    /// Builder::new(root.join("schemas")).cdc(true).generate(&root.join("out"))?;
    /// let proto = std::fs::read_to_string(root.join("out/bqcodec_schemas/t.proto"))?;
    /// assert!(proto.contains("optional string _CHANGE_TYPE = 2;"));
    /// std::fs::write(root.join("schemas/u.json"), r#"[{"name": "_CHANGE_TYPE", "type": "STRING"}]"#)?;
    /// let err = Builder::new(root.join("schemas")).cdc(true).generate(&root.join("out"));
    /// assert!(matches!(err, Err(BuildError::Invalid { .. }))); // the pseudo-column's name is taken
    /// # std::fs::remove_dir_all(&root)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cdc(mut self, cdc: bool) -> Self {
        self.cdc = cdc;
        self
    }

    /// Writes to `dir` instead of `OUT_DIR` (for [`Builder::compile`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::build::Builder;
    ///
    /// # let root = std::env::temp_dir().join(format!("bqcodec-doc-{}-outdir", std::process::id()));
    /// # std::fs::create_dir_all(root.join("schemas"))?;
    /// std::fs::write(root.join("schemas/t.json"), r#"[{"name": "id", "type": "INT64"}]"#)?;
    /// // compile() outside a build script needs an output folder (it still prints cargo: lines).
    /// let report = Builder::new(root.join("schemas")).out_dir(root.join("out")).compile()?;
    /// assert_eq!(report.module_file, root.join("out/bqcodec_schemas.rs"));
    /// # std::fs::remove_dir_all(&root)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Reads only the listed files (file names in the folder, e.g.
    /// `"orders.schema.json"`); call once per file. Without any call, every
    /// `*.json` file is read. A listed file that is not in the folder is a problem.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::build::{BuildError, Builder};
    ///
    /// # let root = std::env::temp_dir().join(format!("bqcodec-doc-{}-include", std::process::id()));
    /// # std::fs::create_dir_all(root.join("schemas"))?;
    /// std::fs::write(root.join("schemas/a.json"), r#"[{"name": "id", "type": "INT64"}]"#)?;
    /// std::fs::write(root.join("schemas/b.json"), "not a schema")?;
    /// let report = Builder::new(root.join("schemas")).include("a.json").generate(&root.join("out"))?;
    /// assert_eq!(report.schemas.len(), 1); // b.json was not read
    /// let missing = Builder::new(root.join("schemas")).include("c.json").generate(&root.join("out"));
    /// assert!(matches!(missing, Err(BuildError::Invalid { .. })));
    /// # std::fs::remove_dir_all(&root)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn include(mut self, file_name: impl Into<String>) -> Self {
        self.include.push(file_name.into());
        self
    }

    /// The generated module's file name in the output folder (default
    /// `bqcodec_schemas.rs`); its data files go in a folder of the same name
    /// without `.rs`. Use a different one for each `Builder` of a build script.
    /// A name with a path separator is rejected by [`Builder::generate`]. Each
    /// module defines `all()`: include each into its own Rust module.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::build::Builder;
    ///
    /// # let root = std::env::temp_dir().join(format!("bqcodec-doc-{}-module", std::process::id()));
    /// # std::fs::create_dir_all(root.join("schemas"))?;
    /// std::fs::write(root.join("schemas/t.json"), r#"[{"name": "id", "type": "INT64"}]"#)?;
    /// let report = Builder::new(root.join("schemas")).module_file("tables.rs").generate(&root.join("out"))?;
    /// assert_eq!(report.module_file, root.join("out/tables.rs"));
    /// assert_eq!(report.schemas[0].proto, root.join("out/tables/t.proto"));
    /// assert!(Builder::new(root.join("schemas")).module_file("a/b.rs").generate(&root.join("out")).is_err());
    /// # std::fs::remove_dir_all(&root)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn module_file(mut self, file_name: impl Into<String>) -> Self {
        self.module_file = file_name.into();
        self
    }

    /// The Arrow mapping options (default [`crate::arrow::SchemaOptions::new`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::{PicosMapping, SchemaOptions};
    /// use bqcodec::build::Builder;
    ///
    /// # let root = std::env::temp_dir().join(format!("bqcodec-doc-{}-arrow", std::process::id()));
    /// # std::fs::create_dir_all(root.join("schemas"))?;
    /// let picos = r#"[{"name": "ts", "type": "TIMESTAMP", "timestampPrecision": "12"}]"#;
    /// std::fs::write(root.join("schemas/t.json"), picos)?;
    /// let report = Builder::new(root.join("schemas")).generate(&root.join("out"))?;
    /// assert!(report.schemas[0].arrow_schema.is_none()); // no Arrow form by default: a warning
    /// assert_eq!(report.warnings.len(), 1);
    /// let text = SchemaOptions::new().with_picos(PicosMapping::Text);
    /// let report = Builder::new(root.join("schemas")).arrow_options(text).generate(&root.join("out"))?;
    /// assert!(report.schemas[0].arrow_schema.is_some());
    /// # std::fs::remove_dir_all(&root)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "arrow")]
    pub fn arrow_options(mut self, options: crate::arrow::SchemaOptions) -> Self {
        self.arrow = options;
        self
    }

    /// Runs the generator in a build script: [`Builder::generate`] into the
    /// [`Builder::out_dir`] or `OUT_DIR`, then prints `cargo:rerun-if-changed`
    /// for the folder and each schema file read, and a `cargo:warning` line
    /// for each warning and, on failure, for each problem
    /// (`<file>: <field.path>: <message>`).
    ///
    /// Fails with [`BuildError::NoOutDir`] outside a build script without
    /// [`Builder::out_dir`], and as [`Builder::generate`] does. Return the error
    /// from `main` to fail the build: its `Debug` form is its message.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::build::{BuildError, Builder};
    ///
    /// # if std::env::var_os("OUT_DIR").is_none() {
    /// // Outside build.rs (no OUT_DIR) and without out_dir(), there is nowhere to write:
    /// assert!(matches!(Builder::new("schemas").compile(), Err(BuildError::NoOutDir)));
    /// # }
    /// ```
    pub fn compile(&self) -> Result<Report, BuildError> {
        let out_dir = match &self.out_dir {
            Some(d) => d.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(BuildError::NoOutDir)?,
        };
        let (watched, result) = self.run(&out_dir);
        for path in &watched {
            println!("cargo:rerun-if-changed={}", path.display());
        }
        match &result {
            Ok(report) => {
                for w in &report.warnings {
                    println!("cargo:warning={}", one_line(&w.to_string()));
                }
            }
            Err(BuildError::Invalid { problems }) => {
                for p in problems {
                    println!("cargo:warning={}", one_line(&p.to_string()));
                }
            }
            Err(e) => println!("cargo:warning={}", one_line(&e.to_string())),
        }
        result
    }

    /// Reads, checks and generates into `out_dir` without reading the
    /// environment or printing anything (the core of [`Builder::compile`],
    /// for tests and tools).
    ///
    /// Fails with [`BuildError::Invalid`], listing every problem of every file
    /// (nothing is written then): a schema [`TableSchema::from_json`] rejects,
    /// one [`ProtoSchema::build`] rejects with the chosen options, a file name
    /// that gives no Rust name or is not UTF-8, two files giving the same Rust
    /// name, an included file that is not there, a bad module file name. Fails
    /// with [`BuildError::Io`] when the folder cannot be read or an output
    /// cannot be written. Files whose content is unchanged are not rewritten,
    /// so their times do not trigger rebuilds.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::build::{BuildError, Builder};
    ///
    /// # let root = std::env::temp_dir().join(format!("bqcodec-doc-{}-generate", std::process::id()));
    /// # std::fs::create_dir_all(root.join("schemas"))?;
    /// std::fs::write(root.join("schemas/a-b.json"), r#"[{"name": "id", "type": "INT64"}]"#)?;
    /// std::fs::write(root.join("schemas/a_b.json"), r#"[{"name": "id", "type": "INT64"}]"#)?;
    /// let Err(BuildError::Invalid { problems }) = Builder::new(root.join("schemas")).generate(&root.join("out")) else {
    ///     panic!("two files giving the static A_B must fail");
    /// };
    /// assert_eq!(problems.len(), 1);
    /// assert!(!root.join("out").exists()); // nothing is written then
    /// # std::fs::remove_dir_all(&root)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn generate(&self, out_dir: &Path) -> Result<Report, BuildError> {
        self.run(out_dir).1
    }

    /// The files to watch, and the outcome.
    fn run(&self, out_dir: &Path) -> (Vec<PathBuf>, Result<Report, BuildError>) {
        let mut watched = vec![self.dir.clone()];
        let result = self.run_inner(out_dir, &mut watched);
        (watched, result)
    }

    fn run_inner(&self, out_dir: &Path, watched: &mut Vec<PathBuf>) -> Result<Report, BuildError> {
        let mut problems = Vec::new();
        let mut warnings = Vec::new();
        let module_stem = match self.module_file.strip_suffix(".rs") {
            Some(stem) if is_plain_file_name(stem) => stem.to_owned(),
            _ => {
                problems.push(FileProblem::whole(
                    &self.dir,
                    format!(
                        "module file name {} must be a file name ending in .rs, without a path",
                        str_lit(&self.module_file)
                    ),
                ));
                String::new()
            }
        };
        let files = self.list(&mut problems)?;
        if files.is_empty() && problems.is_empty() {
            warnings.push(FileProblem::whole(
                &self.dir,
                "no schema files (*.json) found",
            ));
        }
        // Static name → file name, to find collisions.
        let mut idents: BTreeMap<String, String> = BTreeMap::new();
        let mut checked = Vec::new();
        for file_name in files {
            let path = self.dir.join(&file_name);
            watched.push(path.clone());
            let name = schema_name(&file_name).unwrap_or_default().to_owned();
            let Some(ident) = static_ident(&name) else {
                problems.push(FileProblem::whole(
                    &path,
                    "the file name has no ASCII letter or digit to name a Rust static: rename the file",
                ));
                continue;
            };
            if let Some(other) = idents.get(&ident) {
                problems.push(FileProblem::whole(
                    &path,
                    format!(
                        "{other} and {file_name} would both be named {ident} in Rust: rename one of them"
                    ),
                ));
                continue;
            }
            idents.insert(ident.clone(), file_name.clone());
            let bytes = fs::read(&path).map_err(|source| BuildError::Io {
                path: path.clone(),
                source,
            })?;
            // Content, not I/O: a file that is not UTF-8 is a problem of that
            // file, reported with the others.
            let text = match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    problems.push(FileProblem::whole(
                        &path,
                        format!(
                            "the file is not UTF-8 text (invalid byte at offset {})",
                            e.utf8_error().valid_up_to()
                        ),
                    ));
                    continue;
                }
            };
            match self.check(&text) {
                Ok(mut out) => {
                    if let Some(w) = out.arrow_warning.take() {
                        warnings.extend(w.problems.into_iter().map(|problem| FileProblem {
                            file: path.clone(),
                            problem: SchemaProblem {
                                path: problem.path,
                                message: format!("no Arrow schema: {}", problem.message),
                            },
                        }));
                    }
                    checked.push((file_name, path, name, ident, out));
                }
                Err(e) => problems.extend(e.problems.into_iter().map(|problem| FileProblem {
                    file: path.clone(),
                    problem,
                })),
            }
        }
        if !problems.is_empty() {
            return Err(BuildError::Invalid { problems });
        }

        let out_dir = std::path::absolute(out_dir).map_err(|source| BuildError::Io {
            path: out_dir.to_owned(),
            source,
        })?;
        let data_dir = out_dir.join(&module_stem);
        fs::create_dir_all(&data_dir).map_err(|source| BuildError::Io {
            path: data_dir.clone(),
            source,
        })?;
        let mut module = format!(
            "// @generated by bqcodec::build from {}. Do not edit.\n",
            self.dir.display()
        );
        let mut statics = Vec::new();
        let mut fns = String::new();
        let mut schemas = Vec::new();
        for (file_name, source, name, ident, out) in checked {
            let lower = ident.to_ascii_lowercase();
            let descriptor_set = data_dir.join(format!("{lower}.pb"));
            let proto = data_dir.join(format!("{lower}.proto"));
            let schema_json = data_dir.join(format!("{lower}.schema.json"));
            write_if_changed(&descriptor_set, out.proto.file_descriptor_set_bytes())?;
            write_if_changed(&proto, out.proto.to_proto_text().as_bytes())?;
            write_if_changed(&schema_json, out.schema.to_json_string_pretty().as_bytes())?;
            let arrow_schema = match &out.arrow {
                Some(bytes) => {
                    let p = data_dir.join(format!("{lower}.arrow"));
                    write_if_changed(&p, bytes)?;
                    Some(p)
                }
                None => None,
            };
            let arrow_expr = match &arrow_schema {
                Some(p) => format!(
                    "::std::option::Option::Some(::std::include_bytes!({}))",
                    path_lit(p)?
                ),
                None => "::std::option::Option::None".to_owned(),
            };
            module.push_str(&format!(
                "\n/// The schema `{name}` from `{file_name}`, checked by bqcodec at build time.\n\
                 pub static {ident}: ::bqcodec::build::EmbeddedSchema =\n    \
                 ::bqcodec::build::EmbeddedSchema::new(::bqcodec::build::EmbeddedParts {{\n        \
                 name: {},\n        \
                 file: {},\n        \
                 descriptor_set: ::std::include_bytes!({}),\n        \
                 proto_text: ::std::include_str!({}),\n        \
                 schema_json: ::std::include_str!({}),\n        \
                 arrow_schema: {arrow_expr},\n        \
                 profile: {},\n        \
                 cdc: {},\n        \
                 table_schema: build_{lower},\n    \
                 }});\n",
                str_lit(&name),
                str_lit(&file_name),
                path_lit(&descriptor_set)?,
                path_lit(&proto)?,
                path_lit(&schema_json)?,
                profile_path(self.profile),
                self.cdc,
                name = doc_text(&name),
                file_name = doc_text(&file_name),
            ));
            fns.push('\n');
            fns.push_str(&schema_fn(&format!("build_{lower}"), &out.schema));
            statics.push(format!("&{ident}"));
            schemas.push(GeneratedSchema {
                name,
                ident,
                source,
                descriptor_set,
                proto,
                schema_json,
                arrow_schema,
            });
        }
        module.push_str(&format!(
            "\n/// Every schema of the folder, in file-name order.\n\
             pub fn all() -> [&'static ::bqcodec::build::EmbeddedSchema; {}] {{\n    [{}]\n}}\n",
            statics.len(),
            statics.join(", ")
        ));
        module.push_str(&fns);
        let module_file = out_dir.join(&self.module_file);
        write_if_changed(&module_file, module.as_bytes())?;
        Ok(Report {
            schemas,
            warnings,
            module_file,
        })
    }

    /// The schema file names to read, sorted.
    fn list(&self, problems: &mut Vec<FileProblem>) -> Result<Vec<String>, BuildError> {
        let io_error = |source| BuildError::Io {
            path: self.dir.clone(),
            source,
        };
        let mut names = Vec::new();
        for entry in fs::read_dir(&self.dir).map_err(io_error)? {
            let entry = entry.map_err(io_error)?;
            let path = entry.path();
            if !path.is_file() {
                continue;
            }
            match entry.file_name().into_string() {
                Ok(name) if schema_name(&name).is_some() => names.push(name),
                Ok(_) => {}
                Err(raw) => {
                    if raw
                        .to_string_lossy()
                        .to_ascii_lowercase()
                        .ends_with(".json")
                    {
                        problems.push(FileProblem::whole(&path, "the file name is not UTF-8"));
                    }
                }
            }
        }
        names.sort();
        if self.include.is_empty() {
            return Ok(names);
        }
        for wanted in &self.include {
            if !names.contains(wanted) {
                problems.push(FileProblem::whole(
                    &self.dir.join(wanted),
                    "listed by Builder::include but not a *.json file directly in the folder",
                ));
            }
        }
        names.retain(|n| self.include.contains(n));
        Ok(names)
    }

    /// Parses, validates and compiles one schema text.
    fn check(&self, text: &str) -> Result<Checked, SchemaError> {
        let schema = TableSchema::from_json(text)?;
        let options = DescriptorOptions::default()
            .with_profile(self.profile)
            .with_cdc(self.cdc);
        let proto = ProtoSchema::build(&schema, &options)?;
        let plan = Plan::compile(&schema, WalkOptions::new().with_cdc(self.cdc))?;
        let (arrow, arrow_warning) = self.arrow_schema(&plan);
        Ok(Checked {
            schema,
            proto,
            arrow,
            arrow_warning,
        })
    }

    #[cfg(feature = "arrow")]
    fn arrow_schema(&self, plan: &Plan) -> (Option<Vec<u8>>, Option<SchemaError>) {
        match crate::arrow::to_arrow_schema(plan, &self.arrow) {
            Ok(schema) => match crate::arrow::ipc::serialize_schema(&schema) {
                Ok(bytes) => (Some(bytes), None),
                Err(e) => (None, Some(SchemaError::single("", e.to_string()))),
            },
            Err(e) => (None, Some(e)),
        }
    }

    #[cfg(not(feature = "arrow"))]
    fn arrow_schema(&self, _plan: &Plan) -> (Option<Vec<u8>>, Option<SchemaError>) {
        (None, None)
    }
}

/// One schema, checked and compiled.
struct Checked {
    schema: TableSchema,
    proto: ProtoSchema,
    arrow: Option<Vec<u8>>,
    arrow_warning: Option<SchemaError>,
}

fn is_plain_file_name(stem: &str) -> bool {
    !stem.is_empty()
        && stem != "."
        && stem != ".."
        && !stem.contains(['/', '\\'])
        && !Path::new(stem).is_absolute()
}

/// Text for a `///` comment of generated code: no line breaks, no backticks.
fn doc_text(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() || c == '`' { '_' } else { c })
        .collect()
}

/// A problem message on one line, for `cargo:warning`.
fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

/// A path as a Rust string literal, for `include_bytes!`.
fn path_lit(path: &Path) -> Result<String, BuildError> {
    match path.to_str() {
        Some(s) => Ok(str_lit(s)),
        None => Err(BuildError::Io {
            path: path.to_owned(),
            source: io::Error::new(
                io::ErrorKind::InvalidInput,
                "the output path is not UTF-8, so generated code cannot name it",
            ),
        }),
    }
}

fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), BuildError> {
    if fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    fs::write(path, bytes).map_err(|source| BuildError::Io {
        path: path.to_owned(),
        source,
    })
}

/// What [`Builder::generate`] wrote.
///
/// # Examples
///
/// ```
/// use bqcodec::build::Builder;
///
/// # let root = std::env::temp_dir().join(format!("bqcodec-doc-{}-report", std::process::id()));
/// # std::fs::create_dir_all(root.join("schemas"))?;
/// std::fs::write(root.join("schemas/orders.schema.json"), r#"{"fields": [{"name": "id", "type": "INT64"}]}"#)?;
/// let report = Builder::new(root.join("schemas")).generate(&root.join("out"))?;
/// let orders = &report.schemas[0];
/// assert_eq!((orders.name.as_str(), orders.ident.as_str()), ("orders", "ORDERS"));
/// assert_eq!(orders.descriptor_set, root.join("out/bqcodec_schemas/orders.pb"));
/// assert_eq!(orders.schema_json, root.join("out/bqcodec_schemas/orders.schema.json"));
/// assert!(report.warnings.is_empty());
/// let module = std::fs::read_to_string(&report.module_file)?;
/// assert!(module.contains("pub static ORDERS: ::bqcodec::build::EmbeddedSchema"));
/// # std::fs::remove_dir_all(&root)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Report {
    /// The schemas, in file-name order.
    pub schemas: Vec<GeneratedSchema>,
    /// Warnings (a schema without an Arrow form, an empty folder).
    pub warnings: Vec<FileProblem>,
    /// The generated Rust module (absolute).
    pub module_file: PathBuf,
}

/// One generated schema: its names and the files written for it (absolute paths).
///
/// # Examples
///
/// ```
/// use bqcodec::build::Builder;
///
/// # let root = std::env::temp_dir().join(format!("bqcodec-doc-{}-generated", std::process::id()));
/// # std::fs::create_dir_all(root.join("schemas"))?;
/// std::fs::write(root.join("schemas/line-items.json"), r#"[{"name": "sku", "type": "STRING"}]"#)?;
/// let report = Builder::new(root.join("schemas")).generate(&root.join("out"))?;
/// let items = &report.schemas[0];
/// assert_eq!((items.name.as_str(), items.ident.as_str()), ("line-items", "LINE_ITEMS"));
/// assert_eq!(items.source, root.join("schemas/line-items.json"));
/// assert_eq!(items.proto, root.join("out/bqcodec_schemas/line_items.proto")); // named by the static
/// assert_eq!(items.arrow_schema.is_some(), items.arrow_schema.as_ref().is_some_and(|p| p.exists()));
/// # std::fs::remove_dir_all(&root)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GeneratedSchema {
    /// The schema name (`orders` for `orders.schema.json`).
    pub name: String,
    /// The Rust static's name (`ORDERS`).
    pub ident: String,
    /// The schema file read.
    pub source: PathBuf,
    /// The `FileDescriptorSet` bytes.
    pub descriptor_set: PathBuf,
    /// The `.proto` text.
    pub proto: PathBuf,
    /// The schema as REST JSON.
    pub schema_json: PathBuf,
    /// The Arrow IPC schema message, when written.
    pub arrow_schema: Option<PathBuf>,
}

/// A problem (or warning) of one file: the file and the schema problem, whose
/// path is empty for the file as a whole.
///
/// # Examples
///
/// ```
/// use bqcodec::build::{BuildError, Builder};
///
/// # let root = std::env::temp_dir().join(format!("bqcodec-doc-{}-problem", std::process::id()));
/// # std::fs::create_dir_all(root.join("schemas"))?;
/// std::fs::write(root.join("schemas/t.json"), r#"[{"name": "id", "type": "NUMBER"}]"#)?;
/// let Err(BuildError::Invalid { problems }) = Builder::new(root.join("schemas")).generate(&root.join("out")) else {
///     panic!("an unknown type must fail");
/// };
/// assert_eq!(problems[0].file, root.join("schemas/t.json"));
/// assert_eq!(problems[0].problem.path, "id");
/// assert!(problems[0].to_string().starts_with(&format!("{}: id: ", root.join("schemas/t.json").display())));
/// # std::fs::remove_dir_all(&root)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FileProblem {
    /// The schema file (or the folder).
    pub file: PathBuf,
    /// The field path and the message.
    pub problem: SchemaProblem,
}

impl FileProblem {
    fn whole(file: &Path, message: impl Into<String>) -> Self {
        FileProblem {
            file: file.to_owned(),
            problem: SchemaProblem {
                path: String::new(),
                message: message.into(),
            },
        }
    }
}

impl fmt::Display for FileProblem {
    /// `<file>: <field.path>: <message>`, or `<file>: <message>` for the file
    /// as a whole (as `bqcodec schema check` prints).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.problem.path.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.problem.message)
        } else {
            write!(
                f,
                "{}: {}: {}",
                self.file.display(),
                self.problem.path,
                self.problem.message
            )
        }
    }
}

/// Why the generator failed. Its `Debug` form is its message, so that
/// `fn main() -> Result<(), BuildError>` in `build.rs` prints every problem.
///
/// # Examples
///
/// ```
/// use bqcodec::build::{BuildError, Builder};
///
/// let missing = std::env::temp_dir().join(format!("bqcodec-doc-{}-no-such-folder", std::process::id()));
/// let err = Builder::new(&missing).generate(&missing.join("out")).unwrap_err();
/// assert!(matches!(err, BuildError::Io { .. }));
/// // Debug prints the message, so `fn main() -> Result<(), BuildError>` shows it as is:
/// assert_eq!(format!("{err:?}"), err.to_string());
/// assert!(err.to_string().starts_with(&missing.display().to_string()));
/// ```
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// One or more schema files have problems; every one is listed, one per line.
    #[error("{}", problem_lines(.problems))]
    Invalid {
        /// The problems, by file in file-name order, then in field order.
        problems: Vec<FileProblem>,
    },
    /// The folder could not be read or an output could not be written.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// [`Builder::compile`] ran outside a build script and no
    /// [`Builder::out_dir`] was given.
    #[error("OUT_DIR is not set: run Builder::compile from build.rs, or set Builder::out_dir")]
    NoOutDir,
}

fn problem_lines(problems: &[FileProblem]) -> String {
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let noun = if problems.len() == 1 {
        "problem"
    } else {
        "problems"
    };
    format!("{} schema {noun}:\n{}", problems.len(), lines.join("\n"))
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder under target/ for one test.
    fn scratch(name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target")
            .join("build-tests")
            .join(name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn schemas_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas")
    }

    #[test]
    fn generates_every_output_for_the_example_schemas() {
        let out = scratch("examples");
        let report = Builder::new(schemas_dir()).generate(&out).unwrap();
        let names: Vec<_> = report.schemas.iter().map(|s| s.ident.as_str()).collect();
        assert_eq!(names, ["ALL_TYPES", "BENCH10", "ORDERS"]);
        let orders = &report.schemas[2];
        assert_eq!(orders.name, "orders");
        assert_eq!(orders.descriptor_set, out.join("bqcodec_schemas/orders.pb"));

        // The outputs are the library's own, byte for byte.
        let text = fs::read_to_string(schemas_dir().join("orders.schema.json")).unwrap();
        let schema = TableSchema::from_json(&text).unwrap();
        let proto = ProtoSchema::build(&schema, &DescriptorOptions::default()).unwrap();
        assert_eq!(
            fs::read(&orders.descriptor_set).unwrap(),
            proto.file_descriptor_set_bytes()
        );
        assert_eq!(
            fs::read_to_string(&orders.proto).unwrap(),
            proto.to_proto_text()
        );
        let json = fs::read_to_string(&orders.schema_json).unwrap();
        assert_eq!(TableSchema::from_json(&json).unwrap(), schema);
        #[cfg(feature = "arrow")]
        {
            let bytes = fs::read(orders.arrow_schema.as_ref().unwrap()).unwrap();
            let plan = Plan::compile(&schema, WalkOptions::new()).unwrap();
            let arrow =
                crate::arrow::to_arrow_schema(&plan, &crate::arrow::SchemaOptions::new()).unwrap();
            assert_eq!(crate::arrow::ipc::read_schema(&bytes).unwrap(), arrow);
        }

        let module = fs::read_to_string(&report.module_file).unwrap();
        assert!(module.contains("pub static ORDERS: ::bqcodec::build::EmbeddedSchema ="));
        assert!(module.contains(
            "pub fn all() -> [&'static ::bqcodec::build::EmbeddedSchema; 3] {\n    [&ALL_TYPES, &BENCH10, &ORDERS]\n}"
        ));
        assert!(module.contains("fn build_orders() -> ::bqcodec::TableSchema {"));
        assert!(module.contains(&format!(
            "descriptor_set: ::std::include_bytes!({}),",
            str_lit(out.join("bqcodec_schemas/orders.pb").to_str().unwrap())
        )));
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    }

    #[test]
    fn watches_the_folder_and_each_file_read_even_on_failure() {
        let out = scratch("watch");
        let b = Builder::new(schemas_dir()).include("orders.schema.json");
        let (watched, result) = b.run(&out);
        assert!(result.is_ok());
        assert_eq!(
            watched,
            [schemas_dir(), schemas_dir().join("orders.schema.json")]
        );
        let invalid = schemas_dir().join("invalid");
        let (watched, result) = Builder::new(&invalid).run(&out);
        assert!(result.is_err());
        assert_eq!(
            watched,
            [invalid.clone(), invalid.join("problems.schema.json")]
        );
    }

    #[test]
    fn include_profile_cdc_and_module_file() {
        let out = scratch("options");
        let report = Builder::new(schemas_dir())
            .include("orders.schema.json")
            .profile(Profile::Text)
            .cdc(true)
            .module_file("tables.rs")
            .generate(&out)
            .unwrap();
        assert_eq!(report.schemas.len(), 1);
        assert_eq!(report.module_file, out.join("tables.rs"));
        let proto = fs::read_to_string(out.join("tables/orders.proto")).unwrap();
        assert!(proto.contains("optional string _CHANGE_TYPE"), "{proto}");
        let module = fs::read_to_string(out.join("tables.rs")).unwrap();
        assert!(module.contains("profile: ::bqcodec::proto::Profile::Text,"));
        assert!(module.contains("cdc: true,"));
    }

    #[test]
    fn an_invalid_schema_fails_with_file_and_field_path() {
        let out = scratch("invalid-out");
        let err = Builder::new(schemas_dir().join("invalid"))
            .generate(&out)
            .unwrap_err();
        let BuildError::Invalid { problems } = &err else {
            panic!("{err}")
        };
        let file = schemas_dir().join("invalid/problems.schema.json");
        assert!(problems.iter().all(|p| p.file == file), "{err}");
        assert!(problems.len() > 1, "every problem is reported: {err}");
        let text = err.to_string();
        assert!(text.starts_with(&format!("{} schema problems:\n", problems.len())));
        // Each line names the file and the field path.
        for (line, p) in text.lines().skip(1).zip(problems) {
            assert_eq!(
                line,
                format!(
                    "{}: {}: {}",
                    file.display(),
                    p.problem.path,
                    p.problem.message
                )
            );
        }
        assert_eq!(format!("{err:?}"), text);
        // Nothing is written when there is a problem.
        assert!(!out.join(DEFAULT_MODULE_FILE).exists());
    }

    #[test]
    fn a_file_that_is_not_utf8_is_a_problem_of_that_file() {
        // Fuzz finding (build_api target): this was a BuildError::Io.
        let dir = scratch("not-utf8");
        fs::write(dir.join("bad.schema.json"), b"[{\"name\": \"\xc3\x28\"}]").unwrap();
        fs::write(
            dir.join("good.schema.json"),
            br#"[{"name": "a", "type": "STRING"}]"#,
        )
        .unwrap();
        let err = Builder::new(&dir).generate(&dir.join("out")).unwrap_err();
        let BuildError::Invalid { problems } = &err else {
            panic!("{err}")
        };
        assert_eq!(problems.len(), 1, "{err}");
        assert_eq!(problems[0].file, dir.join("bad.schema.json"));
        assert_eq!(
            problems[0].problem.message,
            "the file is not UTF-8 text (invalid byte at offset 11)"
        );
    }

    #[test]
    fn names_from_awkward_file_names_and_collisions() {
        let dir = scratch("names");
        let schema = r#"[{"name": "a", "type": "STRING"}]"#;
        for f in [
            "2024 events-log.json",
            "lineItems.schema.json",
            "notes.txt",
            "x.ndjson",
        ] {
            fs::write(dir.join(f), schema).unwrap();
        }
        fs::create_dir(dir.join("sub.json")).unwrap();
        let out = scratch("names-out");
        let report = Builder::new(&dir).generate(&out).unwrap();
        let idents: Vec<_> = report.schemas.iter().map(|s| s.ident.as_str()).collect();
        assert_eq!(idents, ["SCHEMA_2024_EVENTS_LOG", "LINE_ITEMS"]);
        assert_eq!(report.schemas[0].name, "2024 events-log");
        assert!(
            out.join("bqcodec_schemas/schema_2024_events_log.pb")
                .is_file()
        );

        fs::write(dir.join("line_items.json"), schema).unwrap();
        fs::write(dir.join("---.json"), schema).unwrap();
        let err = Builder::new(&dir).generate(&out).unwrap_err();
        let lines: Vec<String> = match &err {
            BuildError::Invalid { problems } => problems.iter().map(ToString::to_string).collect(),
            other => panic!("{other}"),
        };
        assert_eq!(
            lines,
            [
                format!(
                    "{}: the file name has no ASCII letter or digit to name a Rust static: rename the file",
                    dir.join("---.json").display()
                ),
                format!(
                    "{}: lineItems.schema.json and line_items.json would both be named LINE_ITEMS in Rust: rename one of them",
                    dir.join("line_items.json").display()
                ),
            ]
        );
    }

    #[test]
    fn missing_includes_bad_module_names_and_missing_folders() {
        let out = scratch("misc-out");
        let err = Builder::new(schemas_dir())
            .include("nope.json")
            .module_file("../x.rs")
            .generate(&out)
            .unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("2 schema problems:\n"), "{text}");
        assert!(text.contains("module file name \"../x.rs\" must be a file name ending in .rs"));
        assert!(text.contains("nope.json: listed by Builder::include but not a *.json file"));

        let err = Builder::new(schemas_dir().join("no-such-dir"))
            .generate(&out)
            .unwrap_err();
        assert!(matches!(err, BuildError::Io { .. }), "{err}");
        assert!(err.to_string().contains("no-such-dir"));
    }

    #[test]
    fn cdc_collisions_are_problems_of_the_build() {
        let dir = scratch("cdc");
        fs::write(
            dir.join("t.json"),
            r#"[{"name": "_change_type", "type": "STRING"}]"#,
        )
        .unwrap();
        let err = Builder::new(&dir)
            .cdc(true)
            .generate(&scratch("cdc-out"))
            .unwrap_err();
        let BuildError::Invalid { problems } = err else {
            panic!()
        };
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].problem.path, "_change_type");
    }

    #[test]
    fn an_empty_folder_is_a_warning_and_an_empty_module() {
        let dir = scratch("empty");
        let out = scratch("empty-out");
        let report = Builder::new(&dir).generate(&out).unwrap();
        assert_eq!(report.warnings.len(), 1);
        assert_eq!(
            report.warnings[0].to_string(),
            format!("{}: no schema files (*.json) found", dir.display())
        );
        let module = fs::read_to_string(&report.module_file).unwrap();
        assert!(module.contains(
            "pub fn all() -> [&'static ::bqcodec::build::EmbeddedSchema; 0] {\n    []\n}"
        ));
    }

    #[cfg(feature = "arrow")]
    #[test]
    fn a_schema_without_an_arrow_form_is_a_warning() {
        let dir = scratch("picos");
        fs::write(
            dir.join("p.json"),
            r#"[{"name": "t", "type": "TIMESTAMP", "timestampPrecision": 12}]"#,
        )
        .unwrap();
        let report = Builder::new(&dir).generate(&scratch("picos-out")).unwrap();
        assert_eq!(report.schemas[0].arrow_schema, None);
        assert_eq!(report.warnings.len(), 1);
        assert_eq!(report.warnings[0].problem.path, "t");
        assert!(
            report.warnings[0]
                .problem
                .message
                .starts_with("no Arrow schema: ")
        );
        let module = fs::read_to_string(&report.module_file).unwrap();
        assert!(module.contains("arrow_schema: ::std::option::Option::None,"));
    }

    #[test]
    fn compile_without_out_dir_is_a_typed_error() {
        if std::env::var_os("OUT_DIR").is_none() {
            assert!(matches!(
                Builder::new(schemas_dir()).compile(),
                Err(BuildError::NoOutDir)
            ));
        }
    }

    #[test]
    fn unchanged_outputs_are_not_rewritten() {
        let out = scratch("rewrite");
        let b = Builder::new(schemas_dir()).include("orders.schema.json");
        let first = b.generate(&out).unwrap();
        let t0 = fs::metadata(&first.module_file)
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let second = b.generate(&out).unwrap();
        let t1 = fs::metadata(&second.module_file)
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(t0, t1);
    }
}
