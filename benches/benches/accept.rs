//! `Accept::for_key` beside its floor: a bare SHA-1 of the same 60 bytes and a base64
//! encode of the 20-byte digest into a stack buffer.

// criterion's macros generate undocumented public functions.
#![allow(missing_docs)]

use std::hint::black_box;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use criterion::{Criterion, criterion_group, criterion_main};
use sha1::{Digest as _, Sha1};
use wshake_accept::{Accept, GUID, Key};
use wshake_benches::RFC_KEY;

fn accept(c: &mut Criterion) {
    let key = Key::parse(RFC_KEY).expect("the RFC key is valid");
    let mut input = [0u8; 60];
    input[..24].copy_from_slice(RFC_KEY);
    input[24..].copy_from_slice(GUID.as_bytes());

    let mut group = c.benchmark_group("accept");
    group.bench_function("floor: sha1(60 B) + base64(20 B)", |b| {
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
