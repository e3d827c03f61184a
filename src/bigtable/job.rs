//! The `jobs.insert` request body that starts a continuous query.
//!
//! What python-bigquery sends for bigframes' `to_bigtable`/`to_pubsub`
//! (recorded offline from `Client.query` with bigframes' job config):
//!
//! ```json
//! {"jobReference": {"jobId": "…", "projectId": "P"},
//!  "configuration": {"query": {"continuous": true,
//!                              "connectionProperties": [{"key": "service_account", "value": "EMAIL"}],
//!                              "useLegacySql": false, "query": "EXPORT DATA …"},
//!                    "labels": {"bigframes-api": "streaming_to_bigtable"}}}
//! ```
//!
//! [`ContinuousJob::to_json`] writes the same members in the same order
//! (compact; `connectionProperties` only with a service account, `labels`
//! only when there are some, `location` in `jobReference` only when set).
//! Without a service account the query runs as the user, which limits its
//! lifetime (bigframes' docs).
//!
//! Job IDs (REST `JobReference`): letters, digits, `_` and `-`, at most
//! 1,024 characters. Like python-bigquery, a prefix is followed by a random
//! UUID (`prefix + str(uuid4())`); the core has no randomness, so the caller
//! passes the 16 random bytes ([`JobId::with_prefix`]).

use crate::error::ValueError;
use crate::value::write_json_string;

/// The maximum length of a job ID.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::job::MAX_JOB_ID_CHARS;
/// use bqcodec::bigtable::JobId;
///
/// assert!(JobId::new(&"a".repeat(MAX_JOB_ID_CHARS)).is_ok());
/// assert!(JobId::new(&"a".repeat(MAX_JOB_ID_CHARS + 1)).is_err());
/// ```
pub const MAX_JOB_ID_CHARS: usize = 1024;

/// A validated job ID.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::JobId;
///
/// let id = JobId::new("bt_export-2024")?;
/// assert_eq!(id.as_str(), "bt_export-2024");
/// assert!(JobId::new("").is_err());
/// assert!(JobId::new("has space").is_err());
/// assert!(JobId::new("a.b").is_err()); // only A-Z a-z 0-9 _ -
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JobId(String);

impl JobId {
    /// A given ID. Rejects the empty string, characters other than
    /// `A-Z a-z 0-9 _ -`, and more than 1,024 characters.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::JobId;
    ///
    /// assert_eq!(JobId::new("job_1")?.as_str(), "job_1");
    /// assert!(JobId::new("job/1").is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn new(id: &str) -> Result<Self, ValueError> {
        if id.is_empty() || id.len() > MAX_JOB_ID_CHARS || !id.bytes().all(job_id_byte) {
            return Err(ValueError::invalid(
                "a job ID of 1-1024 letters, digits, _ or -",
                id,
            ));
        }
        Ok(JobId(id.to_owned()))
    }

    /// `prefix` followed by a version 4 UUID made from `random` (its version
    /// and variant bits are set as RFC 9562 says), as python-bigquery's
    /// `job_id_prefix` does. An empty prefix gives the UUID alone. Rejects a
    /// prefix with characters outside `A-Z a-z 0-9 _ -` or too long for the
    /// 36-character UUID to follow within 1,024 characters.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::JobId;
    /// let id = JobId::with_prefix("bt_export_", [0u8; 16])?;
    /// assert_eq!(id.as_str(), "bt_export_00000000-0000-4000-8000-000000000000");
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn with_prefix(prefix: &str, random: [u8; 16]) -> Result<Self, ValueError> {
        if prefix.len() + 36 > MAX_JOB_ID_CHARS || !prefix.bytes().all(job_id_byte) {
            return Err(ValueError::invalid(
                "a job ID prefix of letters, digits, _ or - (at most 988 characters)",
                prefix,
            ));
        }
        Ok(JobId(format!("{prefix}{}", uuid_v4(random))))
    }

    /// The ID.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn job_id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// The text of a version 4 UUID built from 16 random bytes (lowercase,
/// hyphenated, as Python's `str(uuid.uuid4())`).
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::uuid_v4;
///
/// // The version nibble becomes 4 and the variant bits 10, whatever the input.
/// assert_eq!(uuid_v4([0xff; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
/// assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
/// ```
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    s
}

/// A continuous query job: `jobs.insert` with `continuous: true`.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::{ContinuousJob, JobId};
///
/// let job = ContinuousJob::new("my-project", JobId::new("export_1")?, "EXPORT DATA …")?
///     .with_location("US")?
///     .with_label("team", "data")?;
/// assert_eq!(job.job_id().as_str(), "export_1");
/// assert_eq!(
///     job.to_json(),
///     r#"{"jobReference":{"jobId":"export_1","projectId":"my-project","location":"US"},"configuration":{"query":{"continuous":true,"useLegacySql":false,"query":"EXPORT DATA …"},"labels":{"team":"data"}}}"#,
/// );
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContinuousJob {
    project: String,
    job_id: JobId,
    location: Option<String>,
    sql: String,
    service_account: Option<String>,
    labels: Vec<(String, String)>,
}

impl ContinuousJob {
    /// A job in `project` with `job_id` running `sql` (GoogleSQL; legacy SQL
    /// off). The project is checked by [`super::sql::check_project`].
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::{ContinuousJob, JobId};
    ///
    /// let id = JobId::new("j1")?;
    /// assert!(ContinuousJob::new("my-project", id.clone(), "SELECT 1").is_ok());
    /// assert!(ContinuousJob::new("My_Project", id.clone(), "SELECT 1").is_err()); // not a project ID
    /// assert!(ContinuousJob::new("example.com:my-project", id, "SELECT 1").is_ok());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn new(project: &str, job_id: JobId, sql: &str) -> Result<Self, ValueError> {
        super::sql::check_project(project)?;
        Ok(ContinuousJob {
            project: project.to_owned(),
            job_id,
            location: None,
            sql: sql.to_owned(),
            service_account: None,
            labels: Vec::new(),
        })
    }

    /// Runs the query as `email` (`connectionProperties` `service_account`).
    /// Rejects text that is not `local@domain` of printable ASCII without
    /// spaces or quotes.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::{ContinuousJob, JobId};
    ///
    /// let job = ContinuousJob::new("my-project", JobId::new("j1")?, "SELECT 1")?;
    /// let job = job.with_service_account("sa@my-project.iam.gserviceaccount.com")?;
    /// assert!(job.to_json().contains(
    ///     r#""connectionProperties":[{"key":"service_account","value":"sa@my-project.iam.gserviceaccount.com"}]"#));
    /// assert!(job.clone().with_service_account("no-at-sign").is_err());
    /// assert!(job.with_service_account("a b@c.d").is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn with_service_account(mut self, email: &str) -> Result<Self, ValueError> {
        let ok = email.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && !d.is_empty() && !d.contains('@') && d.contains('.')
        }) && email
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'\\'));
        if !ok {
            return Err(ValueError::invalid("a service account email", email));
        }
        self.service_account = Some(email.to_owned());
        Ok(self)
    }

    /// Adds a label. Rejects (BigQuery's label rules) a key that is empty,
    /// longer than 63 characters, or does not start with a lowercase letter
    /// or an international character; a value longer than 63 characters;
    /// characters other than lowercase letters, digits, `_`, `-` and
    /// international characters (uppercase is rejected); a repeated key;
    /// more than 64 labels.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::{ContinuousJob, JobId};
    ///
    /// let job = ContinuousJob::new("my-project", JobId::new("j1")?, "SELECT 1")?;
    /// assert!(job.clone().with_label("bigframes-api", "streaming_to_bigtable").is_ok());
    /// assert!(job.clone().with_label("Team", "x").is_err()); // uppercase
    /// assert!(job.clone().with_label("1team", "x").is_err()); // must start with a letter
    /// assert!(job.clone().with_label("team", "x")?.with_label("team", "y").is_err()); // repeated
    /// assert!(job.with_label("team", &"v".repeat(64)).is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn with_label(mut self, key: &str, value: &str) -> Result<Self, ValueError> {
        let char_ok = |c: char| {
            c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || c == '_'
                || c == '-'
                || (!c.is_ascii() && c.is_alphanumeric() && !c.is_uppercase())
        };
        let key_ok = key.chars().count() <= 63
            && key.chars().next().is_some_and(|c| {
                c.is_ascii_lowercase() || (!c.is_ascii() && c.is_alphabetic() && !c.is_uppercase())
            })
            && key.chars().all(char_ok);
        if !key_ok {
            return Err(ValueError::invalid(
                "a label key (1-63 lowercase letters, digits, _ or -, starting with a letter)",
                key,
            ));
        }
        if value.chars().count() > 63 || !value.chars().all(char_ok) {
            return Err(ValueError::invalid(
                "a label value (0-63 lowercase letters, digits, _ or -)",
                value,
            ));
        }
        if self.labels.iter().any(|(k, _)| k == key) {
            return Err(ValueError::invalid("each label key once", key));
        }
        if self.labels.len() >= 64 {
            return Err(ValueError::out_of_range("at most 64 labels", key));
        }
        self.labels.push((key.to_owned(), value.to_owned()));
        Ok(self)
    }

    /// Sets the job's location (`jobReference.location`, e.g. `US`). Rejects
    /// anything but letters, digits and `-`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::{ContinuousJob, JobId};
    ///
    /// let job = ContinuousJob::new("my-project", JobId::new("j1")?, "SELECT 1")?;
    /// assert!(job.clone().with_location("europe-west1")?.to_json().contains(r#""location":"europe-west1""#));
    /// assert!(job.with_location("us central").is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn with_location(mut self, location: &str) -> Result<Self, ValueError> {
        if location.is_empty()
            || !location
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(ValueError::invalid(
                "a location such as US or us-central1",
                location,
            ));
        }
        self.location = Some(location.to_owned());
        Ok(self)
    }

    /// The job ID.
    pub fn job_id(&self) -> &JobId {
        &self.job_id
    }

    /// The `jobs.insert` body (see the module docs), compact JSON.
    pub fn to_json(&self) -> String {
        let mut s = String::from("{\"jobReference\":{\"jobId\":");
        write_json_string(self.job_id.as_str(), &mut s);
        s.push_str(",\"projectId\":");
        write_json_string(&self.project, &mut s);
        if let Some(l) = &self.location {
            s.push_str(",\"location\":");
            write_json_string(l, &mut s);
        }
        s.push_str("},\"configuration\":{\"query\":{\"continuous\":true,");
        if let Some(sa) = &self.service_account {
            s.push_str("\"connectionProperties\":[{\"key\":\"service_account\",\"value\":");
            write_json_string(sa, &mut s);
            s.push_str("}],");
        }
        s.push_str("\"useLegacySql\":false,\"query\":");
        write_json_string(&self.sql, &mut s);
        s.push('}');
        if !self.labels.is_empty() {
            s.push_str(",\"labels\":{");
            for (i, (k, v)) in self.labels.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                write_json_string(k, &mut s);
                s.push(':');
                write_json_string(v, &mut s);
            }
            s.push('}');
        }
        s.push_str("}}");
        s
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn body_matches_python_bigquery() {
        // The body python-bigquery 3.47 sends for bigframes' first example in
        // shared/peers/py/bigframes_export_sql.py (job id prefix + uuid).
        let job = ContinuousJob::new(
            "my-project",
            JobId::with_prefix("bt_export_", [0xab; 16]).unwrap(),
            "EXPORT DATA\n…",
        )
        .unwrap()
        .with_service_account("sa@my-project.iam.gserviceaccount.com")
        .unwrap()
        .with_label("bigframes-api", "streaming_to_bigtable")
        .unwrap();
        assert_eq!(
            job.to_json(),
            concat!(
                r#"{"jobReference":{"jobId":"bt_export_abababab-abab-4bab-abab-abababababab","projectId":"my-project"},"#,
                r#""configuration":{"query":{"continuous":true,"connectionProperties":[{"key":"service_account","#,
                r#""value":"sa@my-project.iam.gserviceaccount.com"}],"useLegacySql":false,"query":"EXPORT DATA\n…"},"#,
                r#""labels":{"bigframes-api":"streaming_to_bigtable"}}}"#
            )
        );
        let bare = ContinuousJob::new("my-project", JobId::new("fixed-job-id").unwrap(), "Q")
            .unwrap()
            .with_location("US")
            .unwrap();
        assert_eq!(
            bare.to_json(),
            r#"{"jobReference":{"jobId":"fixed-job-id","projectId":"my-project","location":"US"},"configuration":{"query":{"continuous":true,"useLegacySql":false,"query":"Q"}}}"#
        );
    }

    #[test]
    fn uuid_bits() {
        assert_eq!(uuid_v4([0xff; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(uuid_v4([0; 16]).len(), 36);
    }

    #[test]
    fn ids_and_labels_are_checked() {
        assert!(JobId::new("").is_err());
        assert!(JobId::new("a b").is_err());
        assert!(JobId::new(&"a".repeat(1025)).is_err());
        assert!(JobId::new(&"a".repeat(1024)).is_ok());
        assert!(JobId::with_prefix(&"a".repeat(988), [0; 16]).is_ok());
        assert!(JobId::with_prefix(&"a".repeat(989), [0; 16]).is_err());
        assert!(JobId::with_prefix("a.b", [0; 16]).is_err());
        let j = ContinuousJob::new("my-project", JobId::new("x").unwrap(), "Q").unwrap();
        assert!(j.clone().with_label("Env", "x").is_err());
        assert!(j.clone().with_label("1env", "x").is_err());
        assert!(j.clone().with_label("env", "X").is_err());
        assert!(j.clone().with_label("env", "").is_ok());
        assert!(j.clone().with_label("état", "ça").is_ok());
        assert!(
            j.clone()
                .with_label("env", "a")
                .unwrap()
                .with_label("env", "b")
                .is_err()
        );
        assert!(j.clone().with_service_account("no-at").is_err());
        assert!(j.clone().with_service_account("a@b").is_err());
        assert!(j.clone().with_service_account("a b@c.d").is_err());
        assert!(j.clone().with_location("us central").is_err());
        assert!(ContinuousJob::new("P", JobId::new("x").unwrap(), "Q").is_err());
    }
}
