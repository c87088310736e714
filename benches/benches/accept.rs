//! `Accept::for_key` beside its floor, SHA-1's compression function alone on the two
//! blocks the 60-byte message makes, and beside the generic way: `sha1`'s hasher over
//! the same 60 bytes and the `base64` crate's encode of the digest into a stack buffer.

// criterion's macros generate undocumented public functions.
#![allow(missing_docs)]

use std::hint::black_box;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use criterion::{Criterion, criterion_group, criterion_main};
use sha1::{Digest as _, Sha1};
use wshake_accept::{Accept, GUID, Key};
use wshake_benches::RFC_KEY;

/// SHA-1's initial state (FIPS 180-4 §5.3.1).
const INITIAL: [u32; 5] = [
    0x6745_2301,
    0xEFCD_AB89,
    0x98BA_DCFE,
    0x1032_5476,
    0xC3D2_E1F0,
];

fn accept(c: &mut Criterion) {
    let key = Key::parse(RFC_KEY).expect("the RFC key is valid");
    let mut input = [0u8; 60];
    input[..24].copy_from_slice(RFC_KEY);
    input[24..].copy_from_slice(GUID.as_bytes());

    // The two blocks: the message, its padding's 1 bit, and its length in bits.
    let mut blocks = [[0u8; 64]; 2];
    blocks[0][..60].copy_from_slice(&input);
    blocks[0][60] = 0x80;
    blocks[1][56..].copy_from_slice(&(60u64 * 8).to_be_bytes());

    // The floor computes the same digest as the accept value holds.
    let mut state = INITIAL;
    sha1::block_api::compress(&mut state, &blocks);
    let digest: Vec<u8> = state.iter().flat_map(|word| word.to_be_bytes()).collect();
    assert_eq!(STANDARD.encode(digest), Accept::for_key(&key).as_str());

    let mut group = c.benchmark_group("accept");
    group.bench_function("floor: SHA-1 compression of the two blocks", |b| {
        b.iter(|| {
            let mut state = INITIAL;
            sha1::block_api::compress(&mut state, black_box(&blocks));
            black_box(state)
        });
    });
    group.bench_function("generic: sha1 hasher (60 B) + base64 crate (20 B)", |b| {
        b.iter(|| {
            let digest: [u8; 20] = Sha1::digest(black_box(&input)).into();
            let mut out = [0u8; 28];
            let written = STANDARD.encode_slice(digest, &mut out).unwrap_or(0);
            black_box((out, written))
        });
    });
    group.bench_function("wshake Accept::for_key", |b| {
        b.iter(|| Accept::for_key(black_box(&key)));
    });
    group.bench_function("wshake Key::parse + Accept::for_key", |b| {
        b.iter(|| Accept::for_key(&Key::parse(black_box(RFC_KEY)).unwrap_or(key)));
    });
    group.finish();
}

criterion_group!(benches, accept);
criterion_main!(benches);
