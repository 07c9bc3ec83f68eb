//! Timestamps are stored as UTC RFC 3339 text with microseconds, which sorts as it reads.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::error::StoreError;

pub(crate) fn to_sql(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(crate) fn from_sql(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("bad timestamp {text:?}: {e}")))
}
