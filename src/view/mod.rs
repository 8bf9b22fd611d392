//! View models: what a report says, as plain, language-free values.
//!
//! The pattern every output of zclab follows (hyperfine's exporters are the
//! model):
//!
//! 1. measuring code returns plain values (`measure::Comparison`,
//!    `tracer::TraceOutcome`, `verify::Verification`, …);
//! 2. a view is built from them **once**: every derived number and every
//!    verdict is computed here (mode switches = 2 × calls, ratios, whether
//!    `/proc` agrees, "too short to compare", "stopped early", which notes
//!    apply), and nothing else computes them again;
//! 3. `--json` serialises the view as it is (so JSON users get the same
//!    verdicts as readers of the table);
//! 4. a renderer in `report/` lays the view out: a pure function of the view
//!    and a [`crate::ctx::Ctx`] (language, colour, width), taking every
//!    word from the catalogue ([`crate::text`]); it never measures, derives
//!    or asks the terminal;
//! 5. snapshot tests build views by hand and render them at 80 and 120
//!    columns in both languages.
//!
//! A new output (a method, the sweep, the Kafka demo) adds a view here, its
//! texts to the catalogue, and a renderer; [`compare::CompareView`] with
//! `report::compare` is the worked example.

pub mod compare;
pub mod count;
pub mod verify;
