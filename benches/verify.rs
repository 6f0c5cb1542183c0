//! Verification speed, one thread: OB 3.0 credentials with realistic content
//! (ECTS, an EQF alignment, outcome alignments, a small embedded image),
//! signed with eddsa-rdfc-2022 and eddsa-jcs-2022 by a did:key, verified
//! offline. `proof` is the Data Integrity check alone; `report` is the whole
//! report (schema, proof, binding, dates, status) as `backpack verify` makes it.
//! Run: cargo bench --bench verify

use backpack::import::{self, ImportOptions};
use backpack::sample::{signed_credentials, SampleIssuer};
use backpack::verify::dataintegrity::{verify_proofs, ProofStatus, StaticResolver};
use backpack::verify::{verify_parsed, Verdict, VerifyOptions};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::Value;

fn corpus(suite: &str, n: usize) -> Vec<Value> {
    let issuer = SampleIssuer::generate();
    signed_credentials(Some(n * 4), Some(&issuer))
        .into_iter()
        .map(|(_, b)| serde_json::from_slice::<Value>(&b).unwrap())
        .filter(|v| v["proof"]["cryptosuite"] == suite)
        .take(n)
        .collect()
}

fn bench(c: &mut Criterion) {
    let resolver = StaticResolver::new();
    for suite in ["eddsa-rdfc-2022", "eddsa-jcs-2022"] {
        let docs = corpus(suite, 100);
        assert_eq!(docs.len(), 100);
        let mut g = c.benchmark_group(format!("verify-{suite}"));
        g.sample_size(10).throughput(Throughput::Elements(docs.len() as u64));
        g.bench_function("proof", |b| {
            b.iter(|| {
                for d in &docs {
                    let out = verify_proofs(d, &resolver);
                    assert_eq!(out[0].status, ProofStatus::Valid);
                }
            })
        });
        let parsed: Vec<_> = docs
            .iter()
            .map(|d| import::parse_bytes("b", d.to_string().as_bytes(), &ImportOptions::default()).unwrap().items.remove(0))
            .collect();
        let opts = VerifyOptions::default();
        g.bench_function("report", |b| {
            b.iter(|| {
                for p in &parsed {
                    assert_eq!(verify_parsed(p, &opts).verdict, Verdict::Valid);
                }
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
