//! Embeds the employer verifier page's production build (`ui/dist-verify/`,
//! made by `npx vite build -c vite.verify.config.ts`, or `scripts/page-build.sh`)
//! into the core, so `backpack shares location publish-page` and the app's
//! "Publish verifier page" can upload it without the source tree. Writes
//! `$OUT_DIR/verify_page.rs`: `PAGE_FILES`, every file as (path relative to the
//! folder with `/`, bytes), sorted by path.
//!
//! Only the production build is embedded: its `index.html` must carry
//! `<meta name="backpack-verifier" content="production">`, which the test
//! build (`BACKPACK_VERIFY_LOOPBACK=1`, `ui/dist-verify-loopback/`, whose CSP
//! also reads from 127.0.0.1) replaces; anything else fails the build.
//! `BACKPACK_VERIFY_DIST` names another folder.
//!
//! Without the folder the build still works, with no page (`PAGE_FILES` is
//! empty, and publishing says this build has none). Cargo is then told to
//! watch only this file (a missing path would re-run this script, and rebuild
//! the crate, on every build), so build the page before the binaries: the
//! scripts do; after building it by hand, `touch build.rs`.

use std::path::{Path, PathBuf};

const PRODUCTION_MARKER: &str = r#"<meta name="backpack-verifier" content="production""#;

fn files(dir: &Path, under: &str, out: &mut Vec<(String, PathBuf)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display())).map(|e| e.unwrap()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().into_string().unwrap_or_else(|n| panic!("{n:?} in {}: not UTF-8", dir.display()));
        let rel = if under.is_empty() { name.clone() } else { format!("{under}/{name}") };
        let t = e.file_type().unwrap();
        if t.is_dir() {
            files(&e.path(), &rel, out);
        } else if t.is_file() {
            out.push((rel, e.path()));
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=BACKPACK_VERIFY_DIST");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let dist = std::env::var_os("BACKPACK_VERIFY_DIST").map(PathBuf::from).unwrap_or_else(|| root.join("ui/dist-verify"));
    let mut list = Vec::new();
    if dist.join("index.html").is_file() {
        println!("cargo:rerun-if-changed={}", dist.display());
        let index = std::fs::read_to_string(dist.join("index.html")).unwrap();
        assert!(
            index.contains(PRODUCTION_MARKER),
            "{}/index.html is not the verifier page's production build (no {PRODUCTION_MARKER}>): build it with `npx vite build -c vite.verify.config.ts` (never embed ui/dist-verify-loopback)",
            dist.display()
        );
        files(&dist, "", &mut list);
    } else {
        println!(
            "cargo:warning={} is missing: this build has no verifier page to publish (build it with scripts/page-build.sh, then touch build.rs)",
            dist.display()
        );
    }
    let mut code = String::from("/// The verifier page's production build: (path, bytes), sorted by path; empty when it was not built.\npub static PAGE_FILES: &[(&str, &[u8])] = &[\n");
    for (rel, path) in &list {
        code.push_str(&format!("    ({rel:?}, include_bytes!({:?})),\n", path.display().to_string()));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("verify_page.rs");
    std::fs::write(out, code).unwrap();
}
