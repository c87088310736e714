//! A no_std consumer of wshake-accept; see Cargo.toml for why it exists.
#![no_std]

use wshake_accept::{Accept, Key};

/// Computes an accept value so that the whole API is linked in.
#[unsafe(no_mangle)]
pub extern "C" fn wshake_nostd_accept(nonce: &[u8; 16], out: &mut [u8; 28]) -> bool {
    let key = Key::from_nonce(*nonce);
    let Ok(parsed) = Key::parse(key.as_bytes()) else {
        return false;
    };
    let accept = Accept::for_key(&parsed);
    out.copy_from_slice(accept.as_bytes());
    accept.matches(out)
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
