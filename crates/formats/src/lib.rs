//! Claimdesk's file formats: bytes in, documents (with any annotations they carry) out.
//!
//! Everything here is pure: no SQLite, no file system, no clock. The store persists what an
//! importer returns; the CLI and the app read files and walk folders.
//!
//! ```
//! use claimdesk_formats::{import_bytes, Format, ImportOptions};
//!
//! let docs = import_bytes(Format::Text, b" date 2025-02-18 Talks\n\nBody", "a.txt", &ImportOptions::default())?;
//! assert_eq!(docs[0].document.title, "Talks");
//! # Ok::<(), claimdesk_formats::FormatError>(())
//! ```
//!
//! Offsets of imported annotations are code points, end exclusive, like everywhere else.

pub mod read;
pub mod refi;
pub mod write;

mod error;

pub use claimdesk_core::imported::{ImportedAnnotation, ImportedDocument, ImportedRelation};
pub use error::FormatError;
pub use read::{import_bytes, Format, ImportOptions};
