//! `cargo xtask examples`: every example a user reads first (each published library's
//! README and crate docs) compiled as a user would paste it, in a scratch crate that
//! depends on that crate alone (plus tokio for the async ones, hyper or axum for theirs:
//! no user of those is without them). An example that only builds inside this workspace,
//! with its dev-dependencies at hand, fails here.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use crate::run::{cargo, root, status};

/// The published libraries, whether their users run tokio, their features (all on:
/// an example may show any of them), and the stack their users already have (hyper's
/// users have hyper, axum's have axum).
const LIBRARIES: &[(&str, bool, &[&str], &[&str])] = &[
    ("wshake-accept", false, &["getrandom"], &[]),
    (
        "wshake-proto",
        false,
        &["std", "url", "getrandom", "http"],
        &["http = \"1\""],
    ),
    ("wshake-tokio", true, &["url", "getrandom"], &[]),
    (
        "wshake-hyper",
        true,
        &["url", "getrandom"],
        &[
            "hyper = { version = \"1\", features = [\"server\", \"client\", \"http1\"] }",
            "hyper-util = { version = \"0.1\", features = [\"tokio\"] }",
            "http = \"1\"",
        ],
    ),
    ("wshake-axum", true, &["getrandom"], &["axum = \"0.8\""]),
    (
        "wshake-client",
        true,
        &["webpki-roots", "native-roots"],
        &[],
    ),
];

pub(crate) fn run() -> Result<(), String> {
    let scratch = root().join("target/example-check");
    let _ = fs::remove_dir_all(&scratch);
    let mut members = Vec::new();
    let mut total = 0;
    for (library, uses_tokio, features, stack) in LIBRARIES {
        let crate_dir = root().join("crates").join(library);
        let mut examples = Vec::new();
        for (source, text) in [
            ("README.md", read(&crate_dir.join("README.md"))?),
            (
                "src/lib.rs",
                crate_docs(&read(&crate_dir.join("src/lib.rs"))?),
            ),
        ] {
            for (line, code) in rust_blocks(&text) {
                examples.push((format!("{library}/{source}:{line}"), code));
            }
        }
        if examples.is_empty() {
            return Err(format!(
                "{library} has no example in its README or crate docs"
            ));
        }
        let member = format!("check-{library}");
        let dir = scratch.join(&member);
        fs::create_dir_all(dir.join("examples")).map_err(|e| e.to_string())?;
        fs::write(dir.join("src.rs"), "").map_err(|e| e.to_string())?;
        let features = features
            .iter()
            .map(|f| format!("\"{f}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let mut manifest = format!(
            "[package]\nname = \"{member}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [lib]\npath = \"src.rs\"\n\n[dependencies]\n{library} = {{ path = \"{}\", features = [{features}] }}\n",
            crate_dir.display()
        );
        if *uses_tokio {
            manifest.push_str("tokio = { version = \"1\", features = [\"full\"] }\n");
        }
        for dependency in *stack {
            manifest.push_str(dependency);
            manifest.push('\n');
        }
        fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
        for (index, (origin, code)) in examples.iter().enumerate() {
            let program = format!("// {origin}\n#![allow(unused)]\n{}", as_program(code));
            fs::write(dir.join(format!("examples/example_{index}.rs")), program)
                .map_err(|e| e.to_string())?;
        }
        println!("{library}: {} examples", examples.len());
        total += examples.len();
        members.push(member);
    }
    let workspace = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members
            .iter()
            .map(|m| format!("\"{m}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    fs::write(scratch.join("Cargo.toml"), workspace).map_err(|e| e.to_string())?;
    // The workspace's lock file, so the scratch crates build the versions CI tested.
    fs::copy(root().join("Cargo.lock"), scratch.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let manifest = scratch.join("Cargo.toml");
    let target = root().join("target/example-check-target");
    status(
        cargo(&[
            "build",
            "--quiet",
            "--workspace",
            "--examples",
            "--manifest-path",
        ])
        .args([
            manifest.as_os_str(),
            "--target-dir".as_ref(),
            target.as_os_str(),
        ]),
    )?;
    println!("examples: all {total} build in crates that depend on their library alone");
    Ok(())
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The `//!` lines of a source file, as the Markdown they are.
fn crate_docs(source: &str) -> String {
    source
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("//!"))
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .fold(String::new(), |mut docs, line| {
            let _ = writeln!(docs, "{line}");
            docs
        })
}

/// The Rust code blocks of Markdown, with the line each starts on: fences tagged `rust`
/// or untagged (rustdoc's default), `no_run` included, `ignore` and other languages not.
fn rust_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (number, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    let rust = info
                        .split(|c: char| c == ',' || c.is_whitespace())
                        .all(|tag| {
                            matches!(tag, "" | "rust" | "no_run" | "should_panic")
                                || tag.starts_with("edition")
                        });
                    // A fence that is not Rust still opens a block to skip.
                    open = Some((number + 1, if rust { String::new() } else { "\0".into() }));
                }
            }
            Some((start, code)) => {
                if trimmed.starts_with("```") {
                    if !code.starts_with('\0') {
                        blocks.push((*start, std::mem::take(code)));
                    }
                    open = None;
                } else if !code.starts_with('\0') {
                    // Hidden lines (`# …`) are part of the program; `##` is a shown `#`.
                    let shown = match trimmed {
                        "#" => "",
                        other if other.starts_with("##") => &other[1..],
                        other => other.strip_prefix("# ").unwrap_or(line),
                    };
                    code.push_str(shown);
                    code.push('\n');
                }
            }
        }
    }
    blocks
}

/// Wraps a doc example as rustdoc does: as is when it has a `main`, else in one, with the
/// error type of a final `Ok::<(), E>(())` as the result of an inner function.
fn as_program(code: &str) -> String {
    let has_main = code
        .lines()
        .any(|line| line.trim_start().starts_with("fn main(") || line.contains(" fn main("));
    if has_main {
        return code.to_string();
    }
    let last = code.lines().rev().find(|line| !line.trim().is_empty());
    let error = last
        .and_then(|line| line.trim().strip_prefix("Ok::<(), "))
        .and_then(|rest| rest.strip_suffix(">(())"));
    match error {
        Some(error) => format!(
            "fn main() {{\n    fn _inner() -> Result<(), {error}> {{\n{code}    }}\n    _inner().unwrap()\n}}\n"
        ),
        None => format!("fn main() {{\n{code}}}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_with_spaces_and_editions_and_a_function_named_like_main() {
        let blocks = rust_blocks(
            "```rust no_run\nlet a = 1;\n```\n```rust,edition2021\n## not hidden\n```\n",
        );
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[1].1, "# not hidden\n");
        assert!(as_program("fn maintain() {}\nmaintain();").starts_with("fn main() {"));
    }

    #[test]
    fn blocks_hidden_lines_and_wrapping() {
        let markdown = "text\n```rust\nuse a::b;\n# let x = 1;\n#[derive(Debug)]\nstruct S;\n```\n```sh\nls\n```\n```text\nx\n```\n```\nlet y = 2;\n# Ok::<(), a::Error>(())\n```\n";
        let blocks = rust_blocks(markdown);
        assert_eq!(blocks.len(), 2);
        assert_eq!(
            blocks[0],
            (
                2,
                "use a::b;\nlet x = 1;\n#[derive(Debug)]\nstruct S;\n".into()
            )
        );
        let program = as_program(&blocks[1].1);
        assert!(
            program.contains("fn _inner() -> Result<(), a::Error> {"),
            "{program}"
        );
        assert!(as_program("fn main() {}").starts_with("fn main"));
        assert_eq!(crate_docs("//! a\n//!\n//!  b\nfn x() {}"), "a\n\n b\n");
    }
}
