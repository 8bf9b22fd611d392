//! Kafka itself, small: genuine v2 record batches and log segments
//! (`batch`, `segment`), the wire protocol for the versions zclab serves
//! (`wire`), a log directory laid out as Kafka's (`log`), a broker that
//! real clients (kcat, kafka-python) produce to and consume from, serving
//! every fetch with `sendfile(2)` or `read(2)` + `write(2)` and counting it
//! (`broker`), and a built-in producer and consumer for the demo
//! (`client`).

pub mod batch;
pub mod broker;
pub mod client;
pub mod demo;
pub mod log;
pub mod segment;
pub mod view;
pub mod wire;
