//! The Claimdesk domain: documents, labels, annotations and the offsets that tie them to text.
//!
//! This crate does no I/O and knows nothing of SQLite, Tauri or JSON transport. Everything in it
//! is deterministic: time comes in as an argument.
//!
//! ```
//! use claimdesk_core::document::NewDocument;
//!
//! let text = " date 2025-02-18 Talks in Riyadh\n\nTammy Bruce said ...";
//! let doc = NewDocument::from_plain_text(text, "riyadh.txt");
//! assert_eq!(doc.title, "Talks in Riyadh");
//! assert_eq!(doc.date.unwrap().to_string(), "2025-02-18");
//! assert_eq!(doc.text, text); // The text is kept exactly as imported, header included.
//! ```

pub mod adjudication;
pub mod agreement;
pub mod analysis;
pub mod anchor;
pub mod annotation;
pub mod dataset;
pub mod document;
pub mod history;
pub mod imported;
pub mod label;
pub mod layout;
pub mod library;
pub mod network;
pub mod offsets;
pub mod sample;
pub mod statement;
pub mod suggestion;

pub use annotation::{Annotation, AnnotationEdit, Relation};
pub use document::{Document, DocumentSummary, NewDocument};
pub use history::{Change, Decision};
pub use label::{AttributeDef, AttributeKind, Label, RelationType};
pub use offsets::{OffsetError, Span, TextIndex, Unit};
