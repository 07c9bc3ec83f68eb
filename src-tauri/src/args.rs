//! What every command does with its arguments before anything else: takes them whatever the
//! webview sent ([`Arg`], [`Object`]), bounds them (the `MAX_*` limits) and checks paths
//! ([`checked_path`], [`import_paths`]). A refusal here is an [`ErrorDto`] like any other, and
//! comes before anything is changed.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use crate::error::ErrorDto;

// What a command accepts at most, so that no argument makes the app work without bound.
/// Bytes in a path (Linux's PATH_MAX).
pub const MAX_PATH_BYTES: usize = 4096;
/// Paths in one `import_paths` call (a folder counts as one).
pub const MAX_IMPORT_PATHS: usize = 10_000;
/// Bytes in a name: a backup, a label, an export format.
pub const MAX_NAME_BYTES: usize = 256;
/// Bytes in an export's full-text search.
pub const MAX_SEARCH_BYTES: usize = 2048;
/// Documents named in an export's scope.
pub const MAX_SCOPE_DOCUMENTS: usize = 100_000;
/// Labels named in an export's scope.
pub const MAX_SCOPE_LABELS: usize = 1_000;
/// The most bytes a note or an annotation's attributes may take.
pub const MAX_NOTE_BYTES: usize = 400_000;
/// A value from the webview for an error message: quoted, and cut short, so that a refusal
/// never echoes megabytes back.
pub fn shown(value: &str) -> String {
    const KEEP: usize = 60;
    match value.char_indices().nth(KEEP) {
        None => format!("{value:?}"),
        Some((cut, _)) => format!("{:?}… ({} bytes)", &value[..cut], value.len()),
    }
}

/// A command argument, taken whatever the webview sent. Tauri answers an argument it cannot
/// deserialize (missing, or of the wrong type) with a bare string; through `Arg`, the command
/// answers it like any other refusal, an [`ErrorDto`] with the code `bad_request`.
pub struct Arg<T>(Result<T, String>);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Arg<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Arg<T>, D::Error> {
        // Through `Option`, a missing key arrives as `None` instead of failing inside Tauri.
        let parsed = match Option::<serde_json::Value>::deserialize(deserializer) {
            Ok(value) => {
                let missing = value.is_none();
                T::deserialize(value.unwrap_or_default()).map_err(|e| {
                    if missing {
                        "it is missing or null".to_string()
                    } else {
                        e.to_string()
                    }
                })
            }
            Err(e) => Err(e.to_string()),
        };
        Ok(Arg(parsed))
    }
}

impl<T> Arg<T> {
    /// The value, or a refusal naming the argument (as the webview spells it).
    pub fn get(self, name: &str) -> Result<T, ErrorDto> {
        self.0.map_err(|reason| {
            const KEEP: usize = 200;
            let reason = match reason.char_indices().nth(KEEP) {
                None => reason,
                Some((cut, _)) => format!("{}…", &reason[..cut]),
            };
            ErrorDto::bad_request(format!("the argument {name} is not valid: {reason}"))
        })
    }
}

/// A request object, and only an object: serde would also read a struct from an array of its
/// field values, taken in declaration order.
pub struct Object<T>(pub T);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Object<T>, D::Error> {
        use serde::de::Error;
        match serde_json::Value::deserialize(deserializer)? {
            value @ serde_json::Value::Object(_) => {
                T::deserialize(value).map(Object).map_err(D::Error::custom)
            }
            _ => Err(D::Error::custom("expected an object")),
        }
    }
}

/// A path from the webview, which only ever sends full paths (from dialogs and drops).
pub fn checked_path(path: &str, what: &str) -> Result<PathBuf, ErrorDto> {
    if path.len() > MAX_PATH_BYTES {
        return Err(ErrorDto::too_large(what, MAX_PATH_BYTES, "bytes"));
    }
    if path.is_empty() {
        return Err(ErrorDto::bad_request(format!("{what} is empty")));
    }
    if path.contains('\0') {
        return Err(ErrorDto::bad_request(format!(
            "{what} {} contains a NUL byte",
            shown(path)
        )));
    }
    let path = PathBuf::from(path);
    if !path.is_absolute() {
        return Err(ErrorDto::bad_request(format!(
            "{what} must be a full path, not {}",
            shown(&path.to_string_lossy())
        )));
    }
    Ok(path)
}

/// The coder an import's coding is stored under (`import --as`): a trimmed, non-empty name of
/// bounded length, or none.
pub fn coder_name(name: Option<String>) -> Result<Option<String>, ErrorDto> {
    let Some(name) = name else {
        return Ok(None);
    };
    let name = name.trim();
    if name.is_empty() {
        return Err(ErrorDto::bad_request("say which coder the work is from"));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(ErrorDto::too_large(
            "the coder's name",
            MAX_NAME_BYTES,
            "bytes",
        ));
    }
    Ok(Some(name.to_string()))
}

/// The paths of an `import_paths` call, checked.
pub fn import_paths(paths: Vec<String>) -> Result<Vec<PathBuf>, ErrorDto> {
    if paths.len() > MAX_IMPORT_PATHS {
        return Err(ErrorDto::too_large(
            "the list of paths to import",
            MAX_IMPORT_PATHS,
            "paths (import their folder instead)",
        ));
    }
    paths
        .iter()
        .map(|path| checked_path(path, "a path to import"))
        .collect()
}

/// A range of days as a dialog sends it: each end empty (none) or YYYY-MM-DD, the first not
/// after the second.
pub fn date_range(
    from: Option<String>,
    to: Option<String>,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), ErrorDto> {
    let date = |value: Option<String>, what: &str| -> Result<Option<NaiveDate>, ErrorDto> {
        match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => iso_date(v).map(Some).ok_or_else(|| {
                ErrorDto::bad_request(format!("the {what} date {} is not YYYY-MM-DD", shown(v)))
            }),
        }
    };
    let (from, to) = (date(from, "from")?, date(to, "to")?);
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            return Err(ErrorDto::bad_request(format!(
                "the from date {from} is after the to date {to}"
            )));
        }
    }
    Ok((from, to))
}

/// A date written YYYY-MM-DD exactly (`%Y` alone would read "25-01-01" as the year 25).
pub fn iso_date(value: &str) -> Option<NaiveDate> {
    let shape = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shape
        .then(|| NaiveDate::parse_from_str(value, "%Y-%m-%d").ok())
        .flatten()
}

/// Writes a file whole: beside `path` first, moved into place when complete, so a failure
/// leaves no half-written file behind.
pub fn write_whole(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    std::fs::write(&partial, bytes)
        .and_then(|()| std::fs::rename(&partial, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&partial);
        })
}
