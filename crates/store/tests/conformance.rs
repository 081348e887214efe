//! The storage contract, checked against every backend: SQLite always; PostgreSQL joins when
//! its store exists and COGNATE_TEST_POSTGRES_URL is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::Arc;

use cognate_domain::model::*;
use cognate_domain::{Store, StoreError};

fn pool(id: &str) -> Pool {
    Pool {
        id: id.into(),
        name: "p".into(),
        created: 1,
        modified: 1,
        username_attributes: vec![],
        alias_attributes: vec![],
        case_sensitive: true,
        schema: vec![],
        settings: PoolSettings::default(),
    }
}

fn client(id: &str, pool_id: &str) -> AppClient {
    let minutes = Validity { value: 60, unit: TimeUnit::Minutes };
    AppClient {
        id: id.into(),
        pool_id: pool_id.into(),
        secret: None,
        created: 1,
        modified: 1,
        settings: ClientSettings {
            name: "c".into(),
            access_token_validity: minutes,
            id_token_validity: minutes,
            refresh_token_validity: Validity { value: 30, unit: TimeUnit::Days },
            read_attributes: vec![],
            write_attributes: vec![],
            explicit_auth_flows: vec![],
            supported_identity_providers: vec![],
            callback_urls: vec![],
            logout_urls: vec![],
            default_redirect_uri: None,
            allowed_oauth_flows: vec![],
            allowed_oauth_scopes: vec![],
            allowed_oauth_flows_user_pool_client: false,
            prevent_user_existence_errors: false,
            enable_token_revocation: true,
            auth_session_validity_minutes: 3,
        },
    }
}

fn user(pool_id: &str, sub: &str, username: &str) -> User {
    User {
        pool_id: pool_id.into(),
        sub: sub.into(),
        username: username.into(),
        status: UserStatus::Unconfirmed,
        enabled: true,
        password_hash: Some("hash".into()),
        attributes: BTreeMap::from([("email".to_owned(), format!("{username}@example.com"))]),
        created: 10,
        modified: 10,
        temporary_password_expires: None,
        failed_sign_ins: 0,
        locked_until: None,
        pending: BTreeMap::new(),
    }
}

fn code(u: &User, digest: &str, expires: i64) -> StoredCode {
    StoredCode {
        pool_id: u.pool_id.clone(),
        sub: u.sub.clone(),
        purpose: CodePurpose::SignUp,
        target: None,
        digest: digest.into(),
        expires,
    }
}

async fn conformance(store: Arc<dyn Store>) {
    store.ping().await.unwrap();
    let key = StoredKey {
        pool_id: "r_p1".into(),
        kid: "kid1".into(),
        purpose: KeyPurpose::Id,
        pkcs8: vec![1, 2, 3],
        created: 1,
    };
    store.insert_pool(&pool("r_p1"), std::slice::from_ref(&key)).await.unwrap();
    store.insert_pool(&pool("r_p2"), &[]).await.unwrap();
    assert!(matches!(store.insert_pool(&pool("r_p1"), &[]).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.get_pool("r_p1").await.unwrap().unwrap().name, "p");
    assert_eq!(store.list_pools(Some("r_p1"), 10).await.unwrap().len(), 1);
    assert_eq!(store.key_by_kid("kid1").await.unwrap().unwrap().pkcs8, vec![1, 2, 3]);
    assert_eq!(store.pool_keys("r_p1").await.unwrap().len(), 1);

    store.insert_client(&client("c1", "r_p1")).await.unwrap();
    assert!(matches!(store.insert_client(&client("c1", "r_p1")).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.list_clients("r_p1", None, 10).await.unwrap().len(), 1);

    // Sign-in names are unique per pool, not across pools.
    let alice = user("r_p1", "s1", "alice");
    store
        .insert_user(&alice, &["alice".into(), "alice@example.com".into()], Some(&code(&alice, "d1", 100)))
        .await
        .unwrap();
    let clash = user("r_p1", "s2", "alice2");
    assert!(matches!(
        store.insert_user(&clash, &["alice@example.com".into()], None).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(store.get_user("r_p1", "s2").await.unwrap().is_none(), "a refused insert leaves nothing behind");
    store.insert_user(&user("r_p2", "s1", "alice"), &["alice".into()], None).await.unwrap();
    assert_eq!(store.find_user_by_login("r_p1", "alice@example.com").await.unwrap().unwrap().sub, "s1");
    assert_eq!(store.count_users("r_p1").await.unwrap(), 1);

    // Reads see every committed change (some backends cache rows).
    assert_eq!(store.get_user("r_p1", "s1").await.unwrap().unwrap().status, UserStatus::Unconfirmed);

    // Codes: a mismatch counts, an expired code fails, the right one is redeemed once with its update.
    let mut confirmed = alice.clone();
    confirmed.status = UserStatus::Confirmed;
    assert_eq!(
        store.redeem_code(&code(&alice, "wrong", 0), 50, 5, &confirmed, None).await.unwrap(),
        CodeOutcome::Mismatch
    );
    assert_eq!(
        store.redeem_code(&code(&alice, "d1", 0), 100, 5, &confirmed, None).await.unwrap(),
        CodeOutcome::Expired
    );
    assert!(store.put_code(&code(&alice, "d2", 200), 60, 0, 5).await.unwrap());
    let logins = vec!["alice".to_owned(), "alice@example.com".to_owned(), "al".to_owned()];
    assert_eq!(
        store.redeem_code(&code(&alice, "d2", 0), 150, 5, &confirmed, Some(&logins)).await.unwrap(),
        CodeOutcome::Redeemed
    );
    assert_eq!(
        store.redeem_code(&code(&alice, "d2", 0), 150, 5, &confirmed, None).await.unwrap(),
        CodeOutcome::Missing
    );
    assert_eq!(store.get_user("r_p1", "s1").await.unwrap().unwrap().status, UserStatus::Confirmed);
    assert_eq!(store.find_user_by_login("r_p1", "al").await.unwrap().unwrap().sub, "s1");
    assert!(store.put_code(&code(&alice, "d3", 500), 60, 0, 5).await.unwrap());
    for _ in 0..2 {
        assert_eq!(
            store.redeem_code(&code(&alice, "x", 0), 150, 2, &confirmed, None).await.unwrap(),
            CodeOutcome::Mismatch
        );
    }
    assert_eq!(
        store.redeem_code(&code(&alice, "d3", 0), 150, 2, &confirmed, None).await.unwrap(),
        CodeOutcome::TooManyAttempts
    );

    // Refresh tokens and single-use sessions.
    let record = RefreshTokenRecord {
        digest: "rt1".into(),
        pool_id: "r_p1".into(),
        client_id: "c1".into(),
        sub: "s1".into(),
        origin_jti: "o1".into(),
        auth_time: 5,
        expires: 1000,
        revoked: false,
    };
    store.insert_refresh_token(&record).await.unwrap();
    assert_eq!(store.find_refresh_token("rt1").await.unwrap().unwrap().origin_jti, "o1");
    let session = AuthSession {
        digest: "sess".into(),
        pool_id: "r_p1".into(),
        client_id: "c1".into(),
        sub: "s1".into(),
        challenge: "NEW_PASSWORD_REQUIRED".into(),
        expires: 300,
    };
    store.insert_session(&session).await.unwrap();
    assert!(store.take_session("sess").await.unwrap().is_some());
    assert!(store.take_session("sess").await.unwrap().is_none());

    // Deleting a user removes what hangs off it; deleting a pool removes the rest.
    assert!(store.delete_user("r_p1", "s1").await.unwrap());
    assert!(store.find_user_by_login("r_p1", "alice").await.unwrap().is_none());
    assert!(store.get_user("r_p1", "s1").await.unwrap().is_none());
    assert!(store.find_refresh_token("rt1").await.unwrap().is_none());
    assert!(store.get_user("r_p2", "s1").await.unwrap().is_some());
    let mut renamed = pool("r_p1");
    renamed.name = "renamed".into();
    assert!(store.update_pool(&renamed).await.unwrap());
    assert_eq!(store.get_pool("r_p1").await.unwrap().unwrap().name, "renamed");
    assert!(store.get_client("c1").await.unwrap().is_some());
    assert!(store.delete_client("r_p1", "c1").await.unwrap());
    assert!(store.get_client("c1").await.unwrap().is_none());
    assert!(store.delete_pool("r_p2").await.unwrap());
    assert!(store.get_user("r_p2", "s1").await.unwrap().is_none());
    assert!(!store.delete_pool("r_p2").await.unwrap());
}

#[tokio::test]
async fn sqlite_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("c.db").display());
    conformance(cognate_store::open(&url).await.unwrap()).await;
}

#[tokio::test]
async fn sqlite_keeps_data_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("c.db").display());
    cognate_store::open(&url).await.unwrap().insert_pool(&pool("r_keep"), &[]).await.unwrap();
    let reopened = cognate_store::open(&url).await.unwrap();
    assert!(reopened.get_pool("r_keep").await.unwrap().is_some());
}
