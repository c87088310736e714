//! The hot path never touches the heap, checked with a counting global allocator.

use wshake_accept::{Accept, Key};

#[test]
fn key_and_accept_never_allocate() {
    let mut sink = 0usize;
    let info = allocation_counter::measure(|| {
        for i in 0..1000u32 {
            let mut nonce = [0u8; 16];
            nonce[..4].copy_from_slice(&i.to_le_bytes());
            let key = Key::from_nonce(nonce);
            let parsed = Key::parse(key.as_bytes()).unwrap();
            let accept = Accept::for_key(&parsed);
            sink += usize::from(accept.matches(accept.as_bytes()));
            sink += usize::from(Accept::for_raw_key(key.as_bytes()) == accept);
        }
    });
    assert_eq!(sink, 2000);
    assert_eq!(info.count_total, 0, "{info:?}");
}

#[test]
fn the_counter_does_count() {
    // Guard against a counter that cannot fail: a real allocation is seen.
    let info = allocation_counter::measure(|| {
        std::hint::black_box(vec![1u8; 64]);
    });
    assert!(info.count_total >= 1);
}
