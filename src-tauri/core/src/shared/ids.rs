//! Record identities.

/// A new record identity: a UUID version 7 (a millisecond timestamp, then random bits; this
/// process's identities increase), as `catalyse_uid()` gives it.
pub fn new_uid() -> String {
    uuid::Uuid::now_v7().hyphenated().to_string()
}
