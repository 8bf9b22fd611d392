//! Rendering: tables for people, JSON for tools, progress bars for the
//! wait. Everything here takes a finished view (`crate::view`) and a render
//! context (`crate::ctx::Ctx`) and returns text; see `compare` for the
//! pattern.

pub mod attach;
pub mod compare;
pub mod count;
pub mod json;
pub mod layout;
pub mod progress;
pub mod verify;
mod wrap;

#[cfg(test)]
pub(crate) use wrap::assert_typeset;
pub use wrap::wrap;
pub(crate) use wrap::{is_number, longest_atom, unit_at};
