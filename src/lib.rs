//! zclab: a lab that measures, on the machine in front of you, why Kafka's
//! zero copy (`sendfile(2)`) beats the classic `read(2)` + `write(2)` loop.
//!
//! Data flows one way: the CLI (`cli`) is turned into typed options, a
//! method (`methods`) runs under the loopback harness (`harness`) while
//! `counters` snapshot `/proc`, the results become plain values
//! (`measure`), the copy model (`model`) says which hops are measured and
//! which are modelled, and `report` renders tables or JSON. Rendering never
//! measures; measuring never prints.
//!
//! A second witness stands beside zclab's own counts: `tracer` counts the
//! system calls of any command with ptrace (`zclab count`), and `verify`
//! re-runs compare's methods under it (`compare --verify`). The `walk` is
//! something else: one method run one system call at a time (`zclab trace`).

pub mod cache;
pub mod cleanup;
pub mod cli;
pub mod commands;
pub mod counters;
pub mod cpus;
pub mod ctx;
pub mod demo;
pub mod error;
pub mod harness;
pub mod input;
pub mod kafka;
pub mod lang;
pub mod lesson;
pub mod loopback;
pub mod measure;
pub mod methods;
pub mod model;
pub mod report;
pub mod sample;
pub mod size;
pub mod style;
pub mod sweep;
pub mod terminal;
pub mod text;
pub mod tracer;
pub mod verify;
pub mod view;
pub mod walk;
