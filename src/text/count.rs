//! Texts of count.

use crate::texts;

texts! {}
