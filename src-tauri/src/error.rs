//! What a refused or failed command answers: `{ "code": "...", "message": "..." }`.
//!
//! To refuse, build an [`ErrorDto`] with a [`Code`]: `ErrorDto::new(Code::BadFile, "cannot
//! read …")`. An error of the store converts with `?`; one of the other crates, which name
//! their codes as strings, goes through [`Code::from_crate`]. [`Code`] lists every code the
//! app sends, its own and the crates'; `ui/src/lib/errors.ts` mirrors it as `ErrorCode`, and
//! a test below keeps the two lists and the crates' codes in step.

use serde::{Serialize, Serializer};

use claimdesk_store::StoreError;

/// Declares [`Code`] from two lists of `Variant => "wire_name"`: the refusals, then the rest.
macro_rules! codes {
    (
        refusals { $($refusal:ident => $refusal_name:literal,)* }
        failures { $($failure:ident => $failure_name:literal,)* }
    ) => {
        /// Why a command did not do what was asked, as the webview switches on it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code {
            $($refusal,)*
            $($failure,)*
        }

        impl Code {
            /// Every code the app sends.
            pub const ALL: &'static [Code] = &[$(Code::$refusal,)* $(Code::$failure,)*];

            /// The codes of a request refused for what it asked: malformed input is refused
            /// with one of these, before the database, the file system or the app's own state
            /// could fail it.
            #[cfg_attr(not(test), allow(dead_code))]
            pub const REFUSALS: &'static [Code] = &[$(Code::$refusal,)*];

            /// The code as the webview receives it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$refusal => $refusal_name,)*
                    $(Code::$failure => $failure_name,)*
                }
            }
        }
    };
}

codes! {
    refusals {
        BadRequest => "bad_request",
        TooLarge => "too_large",
        UnknownDocument => "unknown_document",
        UnknownLabel => "unknown_label",
        UnknownAnnotation => "unknown_annotation",
        NoSuchBackup => "no_such_backup",
        EmptySpan => "empty_span",
        OffsetOutOfRange => "offset_out_of_range",
        OffsetInsideCharacter => "offset_inside_character",
        OffsetReversed => "offset_reversed",
        BadSearch => "bad_search",
        UnknownAnnotator => "unknown_annotator",
        BadEdit => "bad_edit",
        UnknownEntity => "unknown_entity",
        BadRelation => "bad_relation",
        UnknownRelation => "unknown_relation",
        BadEntity => "bad_entity",
        EmptyAnnotatorName => "empty_annotator_name",
        BadSchema => "bad_schema",
        UnknownRelationType => "unknown_relation_type",
        CoderUnknown => "coder_unknown",
        BadSample => "bad_sample",
        UnknownSample => "unknown_sample",
        UnknownCoder => "unknown_coder",
        BadCoder => "bad_coder",
        BadMerge => "bad_merge",
        BadSuggestion => "bad_suggestion",
        UnknownSuggestion => "unknown_suggestion",
        BadFile => "bad_file",
        Malformed => "malformed",
        BadDestination => "bad_destination",
        WriteFailed => "write_failed",
        // Blind mode: another coder's work stays closed until everyone assigned is done.
        Blinded => "blinded",
        // A team project's command on a project that is not one.
        NotATeamProject => "not_a_team_project",
    }
    failures {
        // The app's state: something else is running, or the app itself failed.
        Busy => "busy",
        ImportRunning => "import_running",
        ExportRunning => "export_running",
        SuggestRunning => "suggest_running",
        Internal => "internal",
        IoError => "io_error",
        SettingsUnwritable => "settings_unwritable",
        SettingsFailed => "settings_failed",
        // The project file (store).
        NoSuchProject => "no_such_project",
        NotAProject => "not_a_project",
        SchemaTooNew => "schema_too_new",
        ProjectInUse => "project_in_use",
        ProjectDamaged => "project_damaged",
        ProjectCorrupt => "project_corrupt",
        DatabaseError => "database_error",
        BadBackup => "bad_backup",
        ImportInvalid => "import_invalid",
        Overtaken => "overtaken",
        // A file read (formats, import).
        Unreadable => "unreadable",
        NotText => "not_text",
        Encrypted => "encrypted",
        NoTextLayer => "no_text_layer",
        Empty => "empty",
        BadOptions => "bad_options",
        // An export (formats, export).
        ExportSelfCheck => "export_self_check",
        ExportInvalid => "export_invalid",
        Cancelled => "cancelled",
        // A team project's server (team).
        BadTeamUrl => "bad_team_url",
        TeamUnreachable => "team_unreachable",
        TeamRefused => "team_refused",
        TeamServerFailed => "team_server_failed",
        TeamPublished => "team_published",
        TeamNotPublished => "team_not_published",
        TeamSchemaTooNew => "team_schema_too_new",
        ProjectExists => "project_exists",
        BadTeamRole => "bad_team_role",
    }
}

impl Code {
    /// The code another crate named (`StoreError::code`, `FormatError::code`, the import and
    /// export runs' failures). A test lists every name those crates use; one it missed would
    /// arrive as `internal`, the message still saying what happened.
    pub fn from_crate(name: &str) -> Code {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str() == name)
            .unwrap_or(Code::Internal)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Every command failure: the UI switches on `code`, shows `message`.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorDto {
    pub code: Code,
    pub message: String,
}

impl ErrorDto {
    pub fn new(code: Code, message: impl Into<String>) -> ErrorDto {
        ErrorDto {
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ErrorDto {
        ErrorDto::new(Code::BadRequest, message)
    }

    /// An argument over one of the limits in `dto.rs`.
    pub fn too_large(what: &str, limit: usize, unit: &str) -> ErrorDto {
        ErrorDto::new(
            Code::TooLarge,
            format!("{what} is too large: at most {limit} {unit}"),
        )
    }

    /// A failure of another crate, under the code it names.
    pub fn from_crate(code: &str, message: impl Into<String>) -> ErrorDto {
        ErrorDto::new(Code::from_crate(code), message)
    }
}

impl From<StoreError> for ErrorDto {
    fn from(e: StoreError) -> ErrorDto {
        ErrorDto::from_crate(e.code(), e.to_string())
    }
}

impl From<claimdesk_team::TeamError> for ErrorDto {
    fn from(e: claimdesk_team::TeamError) -> ErrorDto {
        ErrorDto::from_crate(e.code(), e.to_string())
    }
}

impl From<claimdesk_core::OffsetError> for ErrorDto {
    fn from(e: claimdesk_core::OffsetError) -> ErrorDto {
        StoreError::from(e).into()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The codes each crate names, by the source file that names them: in its `code`
    /// functions, and (import) in the failed outcomes it builds.
    const CRATE_CODES: &[(&str, &str, &[&str])] = &[
        (
            "crates/store/src/error.rs",
            include_str!("../../crates/store/src/error.rs"),
            &[
                "no_such_project",
                "not_a_project",
                "schema_too_new",
                "project_in_use",
                "project_damaged",
                "unknown_document",
                "unknown_label",
                "unknown_annotation",
                "no_such_backup",
                "bad_backup",
                "bad_schema",
                "unknown_relation_type",
                "bad_entity",
                "unknown_entity",
                "bad_edit",
                "unknown_relation",
                "bad_relation",
                "empty_annotator_name",
                "empty_span",
                "offset_out_of_range",
                "offset_inside_character",
                "offset_reversed",
                "import_invalid",
                "bad_search",
                "bad_sample",
                "unknown_sample",
                "unknown_coder",
                "bad_coder",
                "bad_merge",
                "bad_suggestion",
                "unknown_suggestion",
                "project_corrupt",
                "overtaken",
                "database_error",
                "io_error",
            ],
        ),
        (
            "crates/formats/src/error.rs",
            include_str!("../../crates/formats/src/error.rs"),
            &[
                "not_text",
                "encrypted",
                "no_text_layer",
                "empty",
                "malformed",
                "bad_options",
            ],
        ),
        (
            "crates/formats/src/write/mod.rs",
            include_str!("../../crates/formats/src/write/mod.rs"),
            &["export_self_check", "export_invalid", "io_error"],
        ),
        (
            "crates/export/src/lib.rs",
            include_str!("../../crates/export/src/lib.rs"),
            &[
                "bad_destination",
                "write_failed",
                "cancelled",
                "unknown_label",
                "unknown_annotator",
            ],
        ),
        (
            "crates/team/src/lib.rs",
            include_str!("../../crates/team/src/lib.rs"),
            &[
                "bad_team_url",
                "team_unreachable",
                "team_refused",
                "team_server_failed",
                "team_published",
                "team_not_published",
                "team_schema_too_new",
                "project_exists",
                "bad_team_role",
                "not_a_team_project",
            ],
        ),
        (
            "crates/import/src/lib.rs",
            include_str!("../../crates/import/src/lib.rs"),
            &["unreadable", "too_large"],
        ),
    ];

    /// The string literals of a source in the places codes are named: the bodies of
    /// `fn code(&self) -> &'static str`, and `failed("…"` and `code: "…"`.
    fn named_codes(source: &str) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        let mut literals = |text: &str| {
            for (i, piece) in text.split('"').enumerate() {
                if i % 2 == 1 {
                    found.insert(piece.to_string());
                }
            }
        };
        let mut rest = source;
        while let Some(at) = rest.find("fn code(&self) -> &'static str {") {
            let body = &rest[at..];
            let end = body.find("\n    }\n").expect("a code function ends");
            literals(&body[..end]);
            rest = &body[end..];
        }
        for opening in ["failed(\"", "code: \""] {
            for (at, _) in source.match_indices(opening) {
                let start = at + opening.len() - 1;
                let end = start + 1 + source[start + 1..].find('"').expect("a closing quote");
                literals(&source[start..=end]);
            }
        }
        found
    }

    #[test]
    fn every_code_the_crates_name_is_listed_here() {
        for (path, source, listed) in CRATE_CODES {
            let listed: BTreeSet<String> = listed.iter().map(|c| c.to_string()).collect();
            let named = named_codes(source);
            let unlisted: Vec<_> = named.difference(&listed).collect();
            let gone: Vec<_> = listed.difference(&named).collect();
            assert!(
                unlisted.is_empty() && gone.is_empty(),
                "{path} names {unlisted:?}, not listed here, and no longer names {gone:?}"
            );
        }
    }

    #[test]
    fn every_code_of_the_crates_maps_to_a_code_and_back() {
        for (path, _, listed) in CRATE_CODES {
            for &name in *listed {
                let code = Code::from_crate(name);
                assert_eq!(code.as_str(), name, "{name} of {path}");
            }
        }
    }

    #[test]
    fn codes_are_distinct_snake_case_and_serialise_as_strings() {
        let names: BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), Code::ALL.len());
        for code in Code::ALL {
            let name = code.as_str();
            assert!(
                !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{name}"
            );
            assert_eq!(serde_json::to_value(code).unwrap(), name);
            assert_eq!(Code::from_crate(name), *code);
        }
        assert!(Code::REFUSALS.iter().all(|c| Code::ALL.contains(c)));
    }

    #[test]
    fn an_error_is_an_object_of_code_and_message() {
        let error = ErrorDto::new(Code::ImportRunning, "an import is already running");
        assert_eq!(
            serde_json::to_value(error).unwrap(),
            serde_json::json!({ "code": "import_running", "message": "an import is already running" })
        );
    }

    #[test]
    fn the_webview_knows_the_same_codes() {
        let source = include_str!("../../ui/src/lib/errors.ts");
        let start = source
            .find("export type ErrorCode =")
            .expect("errors.ts declares ErrorCode");
        let union = &source[start..];
        let union = &union[..union.find(';').expect("the union ends with ;")];
        let in_ui: BTreeSet<&str> = union
            .lines()
            .map(|line| line.split("//").next().unwrap_or_default())
            .flat_map(|line| line.split('\'').skip(1).step_by(2))
            .collect();
        let in_app: BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let missing: Vec<_> = in_app.difference(&in_ui).collect();
        let extra: Vec<_> = in_ui.difference(&in_app).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "ErrorCode in ui/src/lib/errors.ts lacks {missing:?} and has {extra:?}, unlike Code"
        );
    }
}
