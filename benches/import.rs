//! Import of 1,000 credentials: parse (format detection + mapping) and store
//! (one encrypted transaction per credential, as `backpack import` does).
//! Run: cargo bench --bench import

use backpack::import::{self, ImportOptions};
use backpack::store::{Store, StoreKey};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

fn bench(c: &mut Criterion) {
    let files = backpack::sample::credentials(Some(1000));
    let opts = ImportOptions::default();
    let mut g = c.benchmark_group("import-1000");
    g.sample_size(10).throughput(Throughput::Elements(files.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| {
            for (name, bytes) in &files {
                std::hint::black_box(import::parse_bytes(name, bytes, &opts).unwrap());
            }
        })
    });
    g.bench_function("parse+store", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let store = Store::open(dir.path(), &StoreKey::Raw([7; 32])).unwrap();
                (dir, store)
            },
            |(dir, mut store)| {
                for (name, bytes) in &files {
                    let bundle = import::parse_bytes(name, bytes, &opts).unwrap();
                    store.import_bundle(&bundle).unwrap();
                }
                assert_eq!(store.count().unwrap(), files.len());
                drop(store);
                drop(dir);
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
