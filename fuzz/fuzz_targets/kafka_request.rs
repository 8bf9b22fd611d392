//! The Kafka broker's request decoder and record-batch checks: whatever
//! bytes a client sends, the answer is a request or a refusal, never a
//! panic, and no length in the input makes it allocate more than the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = zclab::kafka::wire::decode(data);
    let _ = zclab::kafka::batch::split_batches(data);
    let _ = zclab::kafka::batch::decode_records(data);
});
