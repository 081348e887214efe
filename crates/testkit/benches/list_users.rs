//! ListUsers with a prefix filter, at 1,000 and at 100,000 users in one pool: the filter is one
//! index range, so the time per page should not grow with the pool.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::Arc;

use cognate_domain::model::{PoolSettings, User, UserStatus};
use cognate_domain::{Cognate, LogDelivery, NewPool, ServiceConfig, SystemClock};
use criterion::{criterion_group, criterion_main, Criterion};

fn setup(runtime: &tokio::runtime::Runtime, users: usize) -> (Cognate, String, tempfile::TempDir) {
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let store = cognate_store::open(&format!("sqlite://{}", dir.path().join("b.db").display())).await.unwrap();
        let config = ServiceConfig {
            public_url: "http://127.0.0.1".into(),
            region: "us-east-1".into(),
            account_id: "000000000000".into(),
            code_key: [1; 32],
            max_code_attempts: 5,
            aws_issuer: false,
        };
        let hasher =
            cognate_crypto::password::PasswordHasher::new(cognate_crypto::password::HashCost::DEVELOPMENT).unwrap();
        let cognate = Cognate::new(store.clone(), Arc::new(SystemClock), Arc::new(LogDelivery), hasher, config);
        let pool = cognate
            .create_user_pool(NewPool {
                name: "bench".into(),
                settings: PoolSettings { mfa_configuration: "OFF".into(), ..Default::default() },
                ..Default::default()
            })
            .await
            .unwrap();
        for i in 0..users {
            let user = User {
                pool_id: pool.id.clone(),
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
            };
            store.insert_user(&user, std::slice::from_ref(&user.username), None).await.unwrap();
        }
        (cognate, pool.id, dir)
    })
}

fn list_users(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut group = c.benchmark_group("list_users_prefix_page_of_60");
    for users in [1_000usize, 100_000] {
        let (cognate, pool_id, _dir) = setup(&runtime, users);
        // The prefix matches 100 users in either pool.
        let filter = if users == 1_000 { r#"email ^= "user00000""# } else { r#"email ^= "user00999""# };
        group.bench_function(format!("{users}_users"), |b| {
            b.iter(|| runtime.block_on(cognate.list_users(&pool_id, Some(filter), Some(60), None)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, list_users);
criterion_main!(benches);
