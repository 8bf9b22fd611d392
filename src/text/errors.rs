//! Texts of errors.

use crate::texts;

texts! {}
