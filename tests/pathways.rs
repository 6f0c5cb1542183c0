//! Micro-credential checks and pathways through the command line, on a real
//! encrypted store: `check`, `pathway new/add/remove/show/list/export/import/suggest`.

use crate::common;

use common::*;
use serde_json::Value;

fn ids_by_format(cli: &Cli, format: &str) -> Vec<String> {
    let (_, list) = cli.json_lines(&["list", "--json"]);
    list.iter().filter(|l| l["format"] == format).map(|l| l["id"].as_str().unwrap().to_string()).collect()
}

#[test]
fn check_reports_rules_for_files_and_stored_credentials() {
    let cli = Cli::passphrase("rules");
    assert!(cli.run(&["sample", "--load"]).status.success());
    let id = ids_by_format(&cli, "ob2-signed")[0].clone();
    let (out, lines) = cli.json_lines(&["check", "--json", &id, fixture("ob3-eqf-variants.json").to_str().unwrap()]);
    assert_eq!(lines.len(), 2);
    // Exit 1 exactly when some rule FAILs (unknown is not a failure).
    let fails = lines.iter().any(|l| l["rules"].as_array().unwrap().iter().any(|r| r["outcome"] == "fail"));
    assert_eq!(out.status.code(), Some(i32::from(fails)), "{lines:?}");
    for one in ids_by_format(&cli, "ob2-signed") {
        let (out, lines) = cli.json_lines(&["check", "--json", &one]);
        let fails = lines[0]["rules"].as_array().unwrap().iter().any(|r| r["outcome"] == "fail");
        assert_eq!(out.status.code(), Some(i32::from(fails)), "{lines:?}");
        assert_eq!(fails, lines[0]["class"] != "micro-credential", "{lines:?}");
    }
    let keys: Vec<&String> = lines[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, vec!["source", "class", "ects", "hours", "eqf", "rules"]);
    let ids: Vec<&str> = lines[0]["rules"].as_array().unwrap().iter().map(|r| r["rule"].as_str().unwrap()).collect();
    assert_eq!(ids, vec!["ects-range", "eqf-level", "learning-outcomes", "eu-elements", "quality-mark"]);
    // The hours-only fixture: 84 h = 3 EC, in range; no quality mark stated.
    assert_eq!(lines[1]["class"], "unknown");
    assert_eq!(lines[1]["hours"], 84.0);
    assert_eq!(lines[1]["ects"], 3.0);
    assert_eq!(lines[1]["rules"][0]["outcome"], "pass");
    assert_eq!(lines[1]["rules"][4]["outcome"], "unknown");
    let out = cli.run(&["check", "nope-not-here"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn pathway_life_cycle_and_exact_progress() {
    let cli = Cli::passphrase("pathways");
    assert!(cli.run(&["sample", "--count", "8", "--load"]).status.success());
    // OB 3.0 samples are signed; verify them so they count.
    let ob3 = ids_by_format(&cli, "ob3-json-ld");
    assert_eq!(ob3.len(), 4);
    let mut args = vec!["verify", "--offline", "--json"];
    args.extend(ob3.iter().map(String::as_str));
    let (out, _) = cli.json_lines(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));

    let out = cli.run(&["pathway", "new", "Energy and data", "--ects", "40", "--min-eqf", "6", "--add", &ob3[0], "--add", &ob3[1]]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(pid.starts_with("energy-and-data-"), "{pid}");
    let ob2 = ids_by_format(&cli, "ob2-signed");
    assert!(cli.run(&["pathway", "add", "energy and data", &ob3[2], &ob2[0]]).status.success());

    let out = cli.run(&["pathway", "show", &pid, "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = &v["progress"];
    let (_, list) = cli.json_lines(&["list", "--json"]);
    let ects = |id: &str| list.iter().find(|l| l["id"] == id).unwrap()["ects"].as_f64().unwrap();
    // Import verified every sample offline and kept the report (the signed
    // OB 2.0 badge too), so all four count; nothing is counted apart.
    let (_, verdicts) = cli.json_lines(&["list", "--json"]);
    assert!(verdicts.iter().all(|l| l["verdict"] == "valid"), "{verdicts:?}");
    let counted = ects(&ob3[0]) + ects(&ob3[1]) + ects(&ob3[2]) + ects(&ob2[0]);
    assert_eq!(p["ects"].as_f64().unwrap(), counted, "{p}");
    assert_eq!(p["hours"].as_f64().unwrap(), counted * 28.0);
    assert_eq!(p["ects_apart"].as_f64().unwrap(), 0.0);
    let missing: Vec<&str> = p["missing"].as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert!(p["missing"].as_array().unwrap().iter().any(|m| m["kind"] == "ects" && m["target"] == 40.0), "{p}");
    assert!(missing.iter().any(|m| m.contains(&format!("ECTS more (have {counted} of 40)"))), "{missing:?}");
    assert_eq!(p["members"].as_array().unwrap().len(), 4);

    // Export, delete, import again: same goal and members.
    let file = cli.data.path().join("p.json");
    assert!(cli.run(&["pathway", "export", &pid, "-o", file.to_str().unwrap()]).status.success());
    let exported: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(exported["type"], "BackpackPathway");
    assert_eq!(exported["members"].as_array().unwrap().len(), 4);
    assert!(cli.run(&["pathway", "delete", &pid]).status.success());
    let out = cli.run(&["pathway", "import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pid2 = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let v2: Value = serde_json::from_slice(&cli.run(&["pathway", "show", &pid2, "--json"]).stdout).unwrap();
    assert_eq!(v2["goal"], v["goal"]);
    assert_eq!(v2["progress"]["ects"], p["ects"]);

    // Remove one; list shows the count.
    assert!(cli.run(&["pathway", "remove", &pid2, &ob2[0][..8]]).status.success());
    let (_, list) = cli.json_lines(&["pathway", "list", "--json"]);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["members"].as_array().unwrap().len(), 3);

    // Bad files and goals are refused with a reason.
    std::fs::write(&file, br#"{"type":"Something","version":1,"name":"x"}"#).unwrap();
    let out = cli.run(&["pathway", "import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not a pathway file"), "{}", stderr(&out));
    let out = cli.run(&["pathway", "new", "x", "--deadline", "next week"]);
    assert!(stderr(&out).contains("not a date"), "{}", stderr(&out));
    let out = cli.run(&["pathway", "show", "no-such-pathway"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn suggestions_group_stackable_credentials() {
    let cli = Cli::passphrase("suggest");
    assert!(cli.run(&["sample", "--count", "12", "--load"]).status.success());
    let (out, lines) = cli.json_lines(&["pathway", "suggest", "--json"]);
    assert!(out.status.success());
    assert!(!lines.is_empty());
    for s in &lines {
        assert!(s["members"].as_array().unwrap().len() >= 2, "{s}");
        assert!(!s["reason"].as_str().unwrap().is_empty());
    }
    assert!(lines.iter().any(|s| s["reason"].as_str().unwrap().contains("programme")), "{lines:?}");
    // No two suggestions with the same members.
    let mut sets: Vec<Vec<Value>> = lines.iter().map(|s| s["members"].as_array().unwrap().clone()).collect();
    let n = sets.len();
    sets.dedup();
    assert_eq!(sets.len(), n);
}
