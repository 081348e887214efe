//! ListUsers with a prefix filter, and the user lookup every sign-in starts with, at 1,000 and at
//! 100,000 users in one pool: both are index ranges, so their time should not grow with the pool.
//!
//! COGNATE_BENCH_SIZES (e.g. `1000,1000000`) sets the pool sizes; COGNATE_BENCH_POSTGRES_URL runs
//! the same on PostgreSQL (in a fresh database) instead of SQLite.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use cognate_domain::model::{PoolSettings, User, UserStatus};
use cognate_domain::{Cognate, NewPool};
use criterion::{criterion_group, criterion_main, Criterion};

type Setup = (Cognate, String, tempfile::TempDir, Arc<dyn cognate_domain::Store>);

fn setup(runtime: &tokio::runtime::Runtime, users: usize) -> Setup {
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let url = match std::env::var("COGNATE_BENCH_POSTGRES_URL") {
            Ok(base) => cognate_store::testing::fresh_postgres_database(&base).await.unwrap(),
            Err(_) => format!("sqlite://{}", dir.path().join("b.db").display()),
        };
        let store = cognate_store::open(&url).await.unwrap();
        let cognate = support::in_process(store.clone(), "http://127.0.0.1");
        let pool = cognate
            .create_user_pool(NewPool {
                name: "bench".into(),
                settings: PoolSettings { mfa_configuration: "OFF".into(), ..Default::default() },
                ..Default::default()
            })
            .await
            .unwrap();
        // Eight writers at once (PostgreSQL takes them in parallel; SQLite queues them).
        let writers: Vec<_> = (0..8)
            .map(|w| {
                let (store, pool_id) = (store.clone(), pool.id.clone());
                tokio::spawn(async move {
                    for i in (w..users).step_by(8) {
                        insert(&store, &pool_id, i).await;
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.await.unwrap();
        }
        (cognate, pool.id, dir, store)
    })
}

async fn insert(store: &Arc<dyn cognate_domain::Store>, pool_id: &str, i: usize) {
    let user = User {
        pool_id: pool_id.to_owned(),
        sub: format!("{i:08}-sub"),
        username: format!("user{i:07}"),
        status: UserStatus::Confirmed,
        enabled: true,
        password_hash: None,
        attributes: BTreeMap::from([("email".to_owned(), format!("user{i:07}@example.com"))]),
        created: 1,
        modified: 1,
        temporary_password_expires: None,
        failed_sign_ins: 0,
        locked_until: None,
        pending: BTreeMap::new(),
        srp: None,
        mfa: Default::default(),
    };
    store.insert_user(&user, std::slice::from_ref(&user.username), None, &[]).await.unwrap();
}

fn list_users(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sizes: Vec<usize> = std::env::var("COGNATE_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,100000".into())
        .split(',')
        .map(|n| n.trim().parse().expect("COGNATE_BENCH_SIZES: numbers"))
        .collect();
    let mut group = c.benchmark_group("list_users_prefix_page_of_60");
    for users in sizes {
        let started = std::time::Instant::now();
        let (cognate, pool_id, _dir, store) = setup(&runtime, users);
        eprintln!("{users} users inserted in {:.1?}", started.elapsed());
        // The prefix matches 100 users whatever the size (the last hundred).
        let filter = format!("email ^= \"user{:05}\"", (users - 1) / 100);
        group.bench_function(format!("{users}_users"), |b| {
            b.iter(|| runtime.block_on(cognate.list_users(&pool_id, Some(&filter), Some(60), None)).unwrap())
        });
        // The lookup a sign-in starts with: the user by login name.
        let login = format!("user{:07}", users / 2);
        group.bench_function(format!("{users}_users_find_by_login"), |b| {
            b.iter(|| runtime.block_on(store.find_user_by_login(&pool_id, &login)).unwrap().unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, list_users);
criterion_main!(benches);
