//! Rendering: tables for people, JSON for tools, progress bars for the
//! wait. Everything here takes finished plain values and returns text.

pub mod count;
pub mod json;
pub mod progress;
pub mod table;
