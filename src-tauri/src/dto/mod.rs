//! Transport objects: what crosses the IPC boundary, in camelCase, one module per area.
//!
//! This is the one place where offsets change unit. The webview counts UTF-16 code units; the
//! core counts code points. Annotations going out carry both; spans coming in are UTF-16 and are
//! converted (and refused if they split a character) by [`claimdesk_core::TextIndex`].
//! Checking the arguments themselves (presence, limits, paths) is [`crate::args`]'s.

mod analysis;
mod annotations;
mod codebook;
mod coders;
mod documents;
mod entities;
mod export;
mod import;
mod library;
mod project;
mod schema;
mod suggestions;
mod versions;

pub use analysis::*;
pub use annotations::*;
pub use codebook::*;
pub use coders::*;
pub use documents::*;
pub use entities::*;
pub use export::*;
pub use import::*;
pub use library::*;
pub use project::*;
pub use schema::*;
pub use suggestions::*;
pub use versions::*;
