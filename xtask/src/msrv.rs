//! The declared `rust-version` (1.85, the first with edition 2024) for the published
//! crates: clippy's `incompatible_msrv` (in the clippy step) refuses library items newer
//! than it; this step refuses the one language feature newer than it that the code would
//! otherwise reach for, `if let … && …` chains (Rust 1.88). No older toolchain can be
//! installed here, so these two checks stand in for building with 1.85.

use std::fs;
use std::path::Path;

use crate::run::root;

pub(crate) fn check() -> Result<(), String> {
    let mut found = Vec::new();
    for library in crate::deps::CRATES {
        scan(&root().join("crates").join(library).join("src"), &mut found)?;
    }
    if found.is_empty() {
        println!("msrv: no let chains in the published crates");
        Ok(())
    } else {
        Err(format!(
            "let chains need Rust 1.88, above the declared rust-version:\n{}",
            found.join("\n")
        ))
    }
}

fn scan(dir: &Path, found: &mut Vec<String>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            scan(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            for line in let_chains(&text) {
                found.push(format!("{}:{line}", path.display()));
            }
        }
    }
    Ok(())
}

/// The 1-based lines where an `if let`/`while let` condition goes on with `&&` or `||`,
/// on the line of the `let` or on the lines up to the `{` that opens its block, and
/// lines with `&& let` (a chain that starts with a plain condition). A heuristic over
/// text, which a `||` closure inside such a condition can fool into a false alarm.
fn let_chains(source: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let mut in_condition = false;
    for (index, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default().trim();
        let let_at = ["if let ", "while let "]
            .iter()
            .filter_map(|start| code.find(start))
            .min();
        let condition = match let_at {
            Some(at) => {
                in_condition = true;
                &code[at..]
            }
            None if in_condition => code,
            None => "",
        };
        let (condition, opens_block) = match condition.find('{') {
            Some(brace) => (&condition[..brace], true),
            None => (condition, false),
        };
        let chained = condition.contains("&&")
            || condition.contains("||")
            || code.contains("&& let ")
            || code.contains("|| let ");
        if chained {
            lines.push(index + 1);
        }
        if opens_block {
            in_condition = false;
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::let_chains;

    #[test]
    fn finds_let_chains_on_one_line_and_over_several() {
        let source = "if let Some(a) = b && c {\n}\nif let Some(a) = b\n    && c\n{\n}\nif let Some(a) = b {\n    x && y;\n}\nif a && let Some(b) = c {}\nwhile let Some(x) = it.next() {}\nlet v = if let Some(a) = b\n    && c { 1 } else { 2 };\n'a: while let Some(x) = y &&\n    z {}\n} else if let Some(a) = b && c {\nif let Some(a) = b { x } else { y }\n    && z;\n";
        assert_eq!(let_chains(source), [1, 4, 10, 13, 14, 16]);
    }
}
