//! What `zclab kafka`, `zclab kafka serve` and `zclab sample --dump` show:
//! plain measured values → a language-free view value → a pure render
//! function taking the render context. Every sentence and label comes from the
//! text catalogue (`text::kafka`), in both languages.
//!
//! One module per output: `serve` (a line per fetch), `dump` (`sample
//! --dump`) and `demo` (`zclab kafka`).

mod demo;
mod dump;
mod serve;

pub use demo::{DemoColumn, DemoView, demo_view, render_demo};
pub use dump::{DumpView, dump_view, render_dump};
pub use serve::{FetchLine, fetch_line, render_fetch_line};
