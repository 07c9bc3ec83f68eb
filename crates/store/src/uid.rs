//! Global identities: the UUID that stays with an annotation, link, entity or event through
//! export, import and merge, where its row id is only local to one project file.

/// A new identity: a version 7 UUID (time-ordered, so rows made together sit together in the
/// identity index), written in its usual hyphenated lower-case form.
pub(crate) fn new() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The identity a change or record carries, or a new one when it came from before identities
/// existed (events logged by schema version 3 and earlier carry none).
pub(crate) fn or_new(uid: &str) -> String {
    if uid.is_empty() {
        new()
    } else {
        uid.to_string()
    }
}
