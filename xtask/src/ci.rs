//! `cargo xtask ci`: what CI runs, in order, failing fast.

use std::time::Instant;

use crate::run::{TestTally, cargo, root, status, step};

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    if let Some(unknown) = args.first() {
        return Err(format!("`ci` takes no arguments, got `{unknown}`"));
    }
    let started = Instant::now();
    step("fmt", || status(&mut cargo(&["fmt", "--all", "--check"])))?;
    step("clippy", || {
        status(&mut cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    step(
        "msrv (rust-version 1.85: no let chains)",
        crate::msrv::check,
    )?;
    step("peers for tests (tinyproxy)", || {
        crate::peers::ensure_apt(&[("tinyproxy", "tinyproxy")])
    })?;
    let mut tally = TestTally::default();
    step("test", || {
        tally.run(&mut cargo(&["test", "--workspace", "--all-features"]))
    })?;
    step(
        "instructions per handshake against benches/instructions-baseline.txt (3%)",
        || crate::instructions::run(&["--check".to_string()]),
    )?;
    step("doc", || {
        status(
            cargo(&["doc", "--workspace", "--no-deps", "--all-features"])
                .env("RUSTDOCFLAGS", "-D warnings"),
        )
    })?;
    step(
        "examples (each README and crate doc, in a crate that depends on that crate alone)",
        crate::examples::run,
    )?;
    step("no_std", || {
        let manifest = root().join("xtask/nostd-check/Cargo.toml");
        let target_dir = root().join("target/nostd-check");
        // Locked: a stale lock file fails here instead of being rewritten in the tree.
        status(
            cargo(&["build", "--release", "--locked", "--manifest-path"]).args([
                manifest.as_os_str(),
                "--target-dir".as_ref(),
                target_dir.as_os_str(),
            ]),
        )
    })?;
    step("dependency footprint", crate::deps::check)?;
    step("cargo package (every published crate)", || {
        forget_stale_package_sources()?;
        let mut args = vec!["package", "--allow-dirty", "-q"];
        for package in crate::deps::CRATES {
            args.extend(["-p", package]);
        }
        status(&mut cargo(&args))
    })?;
    step("cargo deny (licenses, bans, sources)", deny)?;
    crate::fuzz::run(&["--smoke".to_string()])?;
    crate::interop::run(&[])?;
    println!(
        "==> ci: all steps passed in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    println!("tests: {} passed, {} failed", tally.passed, tally.failed);
    Ok(())
}

/// `cargo package` of several crates puts them in a temporary local registry under the
/// target directory, and cargo unpacks each into `$CARGO_HOME/registry/src/<path hash>/`,
/// never again once unpacked, and builds them under `target/package/`. A later run from
/// a checkout at the same path would verify against the sources and builds of the earlier
/// one: remove this workspace's own crates from every registry but crates.io, and the
/// package directory, first.
fn forget_stale_package_sources() -> Result<(), String> {
    // The verification builds under target/package/ are keyed by crate name and version,
    // as registry crates are immutable: an earlier run's build of our own crates would be
    // reused for changed sources. Start that directory afresh.
    let package_dir = crate::run::root().join("target/package");
    if package_dir.exists() {
        std::fs::remove_dir_all(&package_dir)
            .map_err(|e| format!("cannot remove {}: {e}", package_dir.display()))?;
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|home| std::path::Path::new(&home).join(".cargo"))
        });
    let Some(cargo_home) = cargo_home else {
        return Ok(());
    };
    for kind in ["src", "cache"] {
        let Ok(registries) = std::fs::read_dir(cargo_home.join("registry").join(kind)) else {
            continue;
        };
        for registry in registries.flatten() {
            if registry
                .file_name()
                .to_string_lossy()
                .starts_with("index.crates.io")
            {
                continue;
            }
            let Ok(entries) = std::fs::read_dir(registry.path()) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if !crate::deps::CRATES
                    .iter()
                    .any(|c| name.starts_with(&format!("{c}-")))
                {
                    continue;
                }
                let path = entry.path();
                let removed = if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
                removed.map_err(|e| format!("cannot remove stale {}: {e}", path.display()))?;
            }
        }
    }
    Ok(())
}

/// Licenses, banned crates (OpenSSL) and sources, with cargo-deny installed from crates.io
/// if missing. Advisories are left out: their database lives on GitHub, which this machine
/// cannot reach.
fn deny() -> Result<(), String> {
    let installed = cargo(&["deny", "--version"])
        .output()
        .is_ok_and(|output| output.status.success());
    if !installed {
        status(&mut cargo(&["install", "cargo-deny", "--locked"]))?;
    }
    status(&mut cargo(&[
        "deny", "check", "licenses", "bans", "sources",
    ]))
}
