//! The answers that come from memory: Metadata (one broker, partition 0
//! of each topic), ListOffsets (earliest, latest, or by time) and Produce
//! (batches appended to the segment with `write(2)`, offsets assigned).

use anyhow::Result;

use super::Event;
use super::connection::{Connection, ProducedPart};
use crate::kafka::wire::{self, Writer};

impl Connection {
    pub(super) fn metadata(&mut self, v: i16, m: wire::MetadataRequest) -> Result<Vec<u8>> {
        let mut log = self.shared.lock();
        let names: Vec<(String, i16)> = match m.topics {
            None => log.topics.keys().map(|k| (k.clone(), wire::NONE)).collect(),
            Some(list) => {
                let mut out = Vec::new();
                for name in list {
                    let err = if !crate::kafka::log::valid_topic(&name) {
                        wire::INVALID_TOPIC_EXCEPTION
                    } else if log.topic(&name, m.allow_auto_topic_creation)?.is_some() {
                        wire::NONE
                    } else {
                        wire::UNKNOWN_TOPIC_OR_PARTITION
                    };
                    out.push((name, err));
                }
                out
            }
        };
        drop(log);
        let mut w = Writer::default();
        if v >= 3 {
            w.i32(0); // throttle_time_ms
        }
        w.array_len(1)
            .i32(0)
            .string("127.0.0.1")
            .i32(self.shared.addr.port() as i32);
        if v >= 1 {
            w.nullable_string(None); // rack
        }
        if v >= 2 {
            w.nullable_string(Some("zclab"));
        }
        if v >= 1 {
            w.i32(0); // controller_id
        }
        w.array_len(names.len());
        for (name, err) in &names {
            w.i16(*err).string(name);
            if v >= 1 {
                w.bool(false); // is_internal
            }
            if *err == wire::NONE {
                w.array_len(1).i16(wire::NONE).i32(0).i32(0);
                if v >= 7 {
                    w.i32(0); // leader_epoch
                }
                w.array_len(1).i32(0); // replicas
                w.array_len(1).i32(0); // isr
                if v >= 5 {
                    w.array_len(0); // offline replicas
                }
            } else {
                w.array_len(0);
            }
            if v >= 8 {
                w.i32(i32::MIN); // topic_authorized_operations
            }
        }
        if v >= 8 {
            w.i32(i32::MIN); // cluster_authorized_operations
        }
        Ok(w.buf)
    }

    pub(super) fn list_offsets(&mut self, v: i16, topics: Vec<wire::ListOffsetsTopic>) -> Vec<u8> {
        let mut log = self.shared.lock();
        let mut w = Writer::default();
        if v >= 2 {
            w.i32(0);
        }
        w.array_len(topics.len());
        for t in &topics {
            w.string(&t.name).array_len(t.partitions.len());
            let part = log.topic(&t.name, false).ok().flatten();
            let answer = |p: &wire::ListOffsetsPartition| -> (i16, i64, i64) {
                match (&part, p.partition) {
                    (Some(part), 0) => match p.timestamp {
                        -2 => (wire::NONE, -1, 0),
                        -1 => (wire::NONE, -1, part.next_offset),
                        ts => match part.offset_for_time(ts) {
                            Some((off, t)) => (wire::NONE, t, off),
                            None => (wire::NONE, -1, -1),
                        },
                    },
                    _ => (wire::UNKNOWN_TOPIC_OR_PARTITION, -1, -1),
                }
            };
            for p in &t.partitions {
                let (err, ts, off) = answer(p);
                w.i32(p.partition).i16(err).i64(ts).i64(off);
                if v >= 4 {
                    w.i32(0); // leader_epoch
                }
            }
        }
        w.buf
    }

    pub(super) fn produce(
        &mut self,
        v: i16,
        frame: &mut [u8],
        parts: Vec<ProducedPart>,
    ) -> Vec<u8> {
        let mut results: Vec<(String, i32, i16, i64)> = Vec::new();
        {
            let mut log = self.shared.lock();
            for (topic, index, range) in &parts {
                let (err, base) = match (log.topic(topic, true), index, range) {
                    (Ok(Some(p)), 0, Some((at, len))) => {
                        let bytes = &mut frame[*at..*at + *len];
                        match p.append(bytes) {
                            Ok(base) => {
                                let records = p.next_offset - base;
                                self.shared.emit(Event::Produce {
                                    client: self.client(),
                                    topic: topic.clone(),
                                    bytes: *len as u64,
                                    base_offset: base,
                                    records: records as u64,
                                });
                                (wire::NONE, base)
                            }
                            Err(e) => {
                                self.refuse(
                                    crate::error::Localized::around(
                                        crate::text::kafka::PRODUCE_FAILED,
                                        "reason",
                                        &e.localized(),
                                        &[("topic", &topic)],
                                    ),
                                    false,
                                );
                                (wire::CORRUPT_MESSAGE, -1)
                            }
                        }
                    }
                    (Ok(Some(_)), 0, None) => (wire::CORRUPT_MESSAGE, -1),
                    (Ok(None), _, _) => (wire::INVALID_TOPIC_EXCEPTION, -1),
                    _ => (wire::UNKNOWN_TOPIC_OR_PARTITION, -1),
                };
                results.push((topic.clone(), *index, err, base));
            }
        }
        self.shared.arrived.notify_all();
        // Group by topic, in request order.
        let mut order: Vec<String> = Vec::new();
        for (t, _, _, _) in &results {
            if !order.contains(t) {
                order.push(t.clone());
            }
        }
        let mut w = Writer::default();
        w.array_len(order.len());
        for t in &order {
            let ps: Vec<_> = results.iter().filter(|r| &r.0 == t).collect();
            w.string(t).array_len(ps.len());
            for (_, index, err, base) in ps {
                w.i32(*index).i16(*err).i64(*base).i64(-1);
                if v >= 5 {
                    w.i64(0); // log_start_offset
                }
                if v >= 8 {
                    w.array_len(0).nullable_string(None);
                }
            }
        }
        w.i32(0); // throttle_time_ms
        w.buf
    }
}
