//! The storage contract, checked against every backend: SQLite always; PostgreSQL when
//! COGNATE_TEST_POSTGRES_URL is set (each run in a database of its own).
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
        domain: None,
        custom_domain: None,
        ui_customization: None,
        risk_configurations: Default::default(),
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
        ui_customization: None,
        secret_created: None,
        second_secret: None,
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
            refresh_token_rotation: Default::default(),
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
        srp: Some(SrpVerifier { salt: vec![1, 2], sealed: vec![3, 4, 5] }),
        mfa: Default::default(),
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
    let secret = store.server_secret(&[1; 32]).await.unwrap();
    assert_eq!(secret, [1; 32]);
    assert_eq!(store.server_secret(&[2; 32]).await.unwrap(), [1; 32], "the first secret stays");
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
    let rotated = StoredKey { kid: "kid2".into(), created: 2, ..key.clone() };
    store.add_pool_keys(std::slice::from_ref(&rotated)).await.unwrap();
    let kids: Vec<String> = store.pool_keys("r_p1").await.unwrap().into_iter().map(|k| k.kid).collect();
    assert_eq!(kids, vec!["kid1", "kid2"], "oldest first");
    assert!(matches!(store.add_pool_keys(&[rotated]).await, Err(StoreError::Conflict(_))));

    store.insert_client(&client("c1", "r_p1")).await.unwrap();
    assert!(matches!(store.insert_client(&client("c1", "r_p1")).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.list_clients("r_p1", None, 10).await.unwrap().len(), 1);

    // Sign-in names are unique per pool, not across pools.
    let alice = user("r_p1", "s1", "alice");
    store
        .insert_user(&alice, &["alice".into(), "alice@example.com".into()], Some(&code(&alice, "d1", 100)), &[])
        .await
        .unwrap();
    let clash = user("r_p1", "s2", "alice2");
    assert!(matches!(
        store.insert_user(&clash, &["alice@example.com".into()], None, &[]).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(store.get_user("r_p1", "s2").await.unwrap().is_none(), "a refused insert leaves nothing behind");
    store.insert_user(&user("r_p2", "s1", "alice"), &["alice".into()], None, &[]).await.unwrap();
    assert_eq!(store.find_user_by_login("r_p1", "alice@example.com").await.unwrap().unwrap().sub, "s1");
    assert_eq!(store.count_users("r_p1").await.unwrap(), 1);

    assert_eq!(store.get_user("r_p1", "s1").await.unwrap().unwrap().srp.unwrap().sealed, vec![3, 4, 5]);
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
    assert!(store.put_code(&code(&alice, "d2", 200), 60, 0, 5, None).await.unwrap());
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
    assert!(store.put_code(&code(&alice, "d3", 500), 60, 0, 5, None).await.unwrap());
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
        scopes: Some("openid email".into()),
        rotated_until: None,
        device_key: Some("r_device-1".into()),
    };
    store.start_session(&record, None).await.unwrap();
    let (found, token_user) = store.find_refresh_token("rt1").await.unwrap().unwrap();
    assert_eq!((found.origin_jti.as_str(), found.scopes.as_deref()), ("o1", Some("openid email")));
    assert_eq!(found.device_key.as_deref(), Some("r_device-1"));
    assert_eq!(token_user.expect("the token's user comes with it").username, "alice");
    // Rotation: the replacement is stored, the replaced token gets its deadline once.
    let rotated = RefreshTokenRecord { digest: "rt1b".into(), ..record.clone() };
    store.rotate_refresh_token(&rotated, "rt1", 50).await.unwrap();
    let again = RefreshTokenRecord { digest: "rt1c".into(), ..record.clone() };
    store.rotate_refresh_token(&again, "rt1", 60).await.unwrap();
    assert_eq!(store.find_refresh_token("rt1").await.unwrap().unwrap().0.rotated_until, Some(50));
    let (replacement, _) = store.find_refresh_token("rt1b").await.unwrap().unwrap();
    assert_eq!((replacement.rotated_until, replacement.origin_jti.as_str()), (None, "o1"));
    let session = AuthSession {
        digest: "sess".into(),
        pool_id: "r_p1".into(),
        client_id: "c1".into(),
        sub: "s1".into(),
        challenge: "NEW_PASSWORD_REQUIRED".into(),
        expires: 300,
        data: r#"{"b":"01"}"#.into(),
    };
    let abandoned = AuthSession { digest: "old".into(), expires: 10, ..session.clone() };
    store.insert_session(&abandoned, None).await.unwrap();
    let orphan = AuthSession { digest: "orphan".into(), sub: "gone".into(), expires: 5000, ..session.clone() };
    store.insert_session(&orphan, None).await.unwrap();
    store.insert_session(&session, None).await.unwrap();
    let (taken, session_user) = store.take_session("sess").await.unwrap().unwrap();
    assert_eq!((taken.data.as_str(), taken.sub.as_str()), (r#"{"b":"01"}"#, "s1"));
    assert_eq!(session_user.expect("the session's user comes with it").username, "alice");
    assert!(store.take_session("sess").await.unwrap().is_none());
    let (taken, session_user) = store.take_session("orphan").await.unwrap().unwrap();
    assert_eq!((taken.sub.as_str(), session_user.is_none()), ("gone", true));
    // Inserting a session an hour past another's expiry swept it.
    assert!(store.take_session("old").await.unwrap().is_none(), "an abandoned session is swept");

    // Revocation: one token, then all of a user's; the check answers at once.
    assert!(!store.is_origin_revoked("o1").await.unwrap());
    assert_eq!(store.revoke_refresh_token("rt1", 20).await.unwrap().as_deref(), Some("o1"));
    assert!(store.is_origin_revoked("o1").await.unwrap());
    assert!(store.find_refresh_token("rt1").await.unwrap().unwrap().0.revoked);
    assert!(store.find_refresh_token("rt1b").await.unwrap().unwrap().0.revoked, "the rotated family goes with it");
    let second = RefreshTokenRecord { digest: "rt2".into(), origin_jti: "o2".into(), ..record.clone() };
    store.start_session(&second, None).await.unwrap();
    assert_eq!(store.revoke_user_tokens("r_p1", "s1", "GlobalSignOut", 30).await.unwrap(), vec!["o2".to_owned()]);
    assert!(store.is_origin_revoked("o2").await.unwrap());
    assert_eq!(store.revoke_refresh_token("nope", 30).await.unwrap(), None);
    // Revoking again changes nothing and adds no event.
    assert_eq!(store.revoke_refresh_token("rt1", 40).await.unwrap().as_deref(), Some("o1"));

    // The feed lists both revocations in order, from any cursor, within the retention.
    let feed = store.revocations_after("r_p1", 0, 0, 10).await.unwrap();
    let summary: Vec<(&str, Vec<String>, bool)> =
        feed.iter().map(|e| (e.reason.as_str(), e.origin_jtis.clone(), e.whole_user)).collect();
    assert_eq!(
        summary,
        vec![("RevokeToken", vec!["o1".to_owned()], false), ("GlobalSignOut", vec!["o2".to_owned()], true)]
    );
    assert!(feed[0].seq < feed[1].seq && feed[1].sub == "s1" && feed[1].at == 30);
    assert_eq!(store.revocations_after("r_p1", feed[0].seq, 0, 10).await.unwrap(), feed[1..].to_vec());
    assert_eq!(store.revocations_after("r_p1", 0, 0, 1).await.unwrap(), feed[..1].to_vec());
    assert!(store.revocations_after("r_p1", 0, 31, 10).await.unwrap().is_empty(), "older than retention");
    assert!(store.revocations_after("r_other", 0, 0, 10).await.unwrap().is_empty());

    // Lockout counting is atomic and resets.
    let lock = |n: u32| if n >= 2 { Some(60) } else { None };
    assert_eq!(store.record_sign_in_failure("r_p1", "s1", 100, &lock).await.unwrap(), None);
    assert_eq!(store.record_sign_in_failure("r_p1", "s1", 100, &lock).await.unwrap(), Some(160));
    let locked = store.get_user("r_p1", "s1").await.unwrap().unwrap();
    assert_eq!((locked.failed_sign_ins, locked.locked_until), (2, Some(160)));
    store.reset_sign_in_failures("r_p1", "s1").await.unwrap();
    assert_eq!(store.get_user("r_p1", "s1").await.unwrap().unwrap().failed_sign_ins, 0);

    // A user's factors round-trip; a TOTP step is claimed once, and never an older one after it.
    let mut with_mfa = store.get_user("r_p1", "s1").await.unwrap().unwrap();
    with_mfa.mfa.totp_secret = Some("sealed".into());
    with_mfa.mfa.totp_enabled = true;
    with_mfa.mfa.preferred = Some(cognate_domain::model::MfaFactor::SoftwareToken);
    assert!(store.update_user(&with_mfa, None).await.unwrap());
    assert_eq!(store.get_user("r_p1", "s1").await.unwrap().unwrap().mfa, with_mfa.mfa);
    assert!(store.claim_totp_step("r_p1", "s1", 1000).await.unwrap());
    assert!(!store.claim_totp_step("r_p1", "s1", 1000).await.unwrap(), "the same step twice");
    assert!(!store.claim_totp_step("r_p1", "s1", 999).await.unwrap(), "an older step after a newer one");
    assert!(store.claim_totp_step("r_p1", "s1", 1001).await.unwrap());
    assert!(!store.claim_totp_step("r_p1", "nobody", 5).await.unwrap());

    // The SMS spend cap: counted per pool and day and per number and hour; a refusal counts nothing.
    let limits = cognate_domain::SmsLimits { daily_per_pool: Some(3), hourly_per_destination: Some(2) };
    let day = 86_400 * 20_000;
    assert!(store.spend_sms("r_p1", "+1555", day, limits).await.unwrap());
    assert!(store.spend_sms("r_p1", "+1555", day + 1, limits).await.unwrap());
    assert!(!store.spend_sms("r_p1", "+1555", day + 2, limits).await.unwrap(), "the number's hour is used up");
    assert!(store.spend_sms("r_p1", "+1666", day + 3, limits).await.unwrap(), "the refusal counted nothing");
    assert!(!store.spend_sms("r_p1", "+1777", day + 4, limits).await.unwrap(), "the pool's day is used up");
    assert!(store.spend_sms("r_other", "+1777", day + 5, limits).await.unwrap(), "another pool's day is its own");
    assert!(store.spend_sms("r_p1", "+1555", day + 86_400, limits).await.unwrap(), "a new day, a new hour");
    let unlimited = cognate_domain::SmsLimits::default();
    assert!(store.spend_sms("r_p1", "+1555", day + 86_401, unlimited).await.unwrap());

    // Code caps: `cap` codes per slot and window.
    assert!(store.put_code(&code(&alice, "c1", 900), 100, 0, 2, None).await.unwrap());
    assert!(store.put_code(&code(&alice, "c2", 900), 101, 0, 2, None).await.unwrap());
    assert!(!store.put_code(&code(&alice, "c3", 900), 102, 0, 2, None).await.unwrap());
    assert!(store.put_code(&code(&alice, "c4", 900), 200, 150, 2, None).await.unwrap(), "a new window starts over");
    queue_conformance(store.as_ref(), &alice).await;
    device_conformance(store.as_ref(), &alice).await;
    passkey_conformance(store.as_ref(), &alice).await;

    // Groups, by precedence then name, unset last.
    for (name, precedence) in [("b", None), ("a", Some(5)), ("c", Some(1))] {
        let group = Group {
            pool_id: "r_p1".into(),
            name: name.into(),
            description: None,
            precedence,
            role_arn: None,
            created: 1,
            modified: 1,
        };
        store.insert_group(&group).await.unwrap();
        store.add_user_to_group("r_p1", name, "s1").await.unwrap();
    }
    store.add_user_to_group("r_p1", "a", "s1").await.unwrap();
    let names: Vec<String> = store.groups_for_user("r_p1", "s1").await.unwrap().into_iter().map(|g| g.name).collect();
    assert_eq!(names, ["c", "a", "b"]);

    // A sign-in's writes and the groups read, at once.
    store.insert_user(&user("r_p1", "s9", "session"), &["session".into()], None, &[]).await.unwrap();
    for name in ["a", "b", "c"] {
        store.add_user_to_group("r_p1", name, "s9").await.unwrap();
    }
    let session_token = RefreshTokenRecord {
        digest: "rt-session".into(),
        pool_id: "r_p1".into(),
        client_id: "c1".into(),
        sub: "s9".into(),
        origin_jti: "o-session".into(),
        auth_time: 60,
        expires: 1_000_000,
        revoked: false,
        scopes: None,
        rotated_until: None,
        device_key: None,
    };
    let sign_in = AuthEvent {
        event_id: "e-session".into(),
        event_type: "SignIn".into(),
        created: 0,
        response: "Pass".into(),
        challenges: vec![],
    };
    let groups = store.start_session(&session_token, Some(&sign_in)).await.unwrap();
    assert_eq!(groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), ["c", "a", "b"]);
    assert_eq!(store.find_refresh_token("rt-session").await.unwrap().unwrap().0.origin_jti, "o-session");
    let events = store.list_auth_events("r_p1", "s9", None, 10).await.unwrap();
    assert_eq!(events.iter().map(|(_, e)| e.event_id.as_str()).collect::<Vec<_>>(), ["e-session"]);
    let quiet = RefreshTokenRecord { digest: "rt-quiet".into(), ..session_token.clone() };
    assert_eq!(store.start_session(&quiet, None).await.unwrap().len(), 3);
    assert_eq!(store.list_auth_events("r_p1", "s9", None, 10).await.unwrap().len(), 1, "no event given, none stored");
    assert!(store.delete_user("r_p1", "s9", "AdminDeleteUser", 61).await.unwrap());
    assert_eq!(store.users_in_group("r_p1", "a", None, 10).await.unwrap().len(), 1);
    assert!(store.delete_group("r_p1", "a").await.unwrap());
    assert_eq!(store.groups_for_user("r_p1", "s1").await.unwrap().len(), 2);

    // ListUsers: filters are index ranges; cursors continue after the last row.
    let mut bob = user("r_p1", "s5", "bob");
    bob.status = UserStatus::Confirmed;
    store.insert_user(&bob, &["bob".into()], None, &[]).await.unwrap();
    let all = store.list_users("r_p1", None, None, 10).await.unwrap();
    assert_eq!(all.iter().map(|(_, u)| u.sub.as_str()).collect::<Vec<_>>(), ["s1", "s5"]);
    let by_prefix = UserFilter { attr: "email".into(), value: "bo".into(), prefix: true };
    let found = store.list_users("r_p1", Some(&by_prefix), None, 10).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "bob@example.com");
    let after = store.list_users("r_p1", Some(&by_prefix), Some(("bob@example.com", "s5")), 10).await.unwrap();
    assert!(after.is_empty());
    let confirmed = UserFilter { attr: "cognito:user_status".into(), value: "CONFIRMED".into(), prefix: false };
    assert_eq!(store.list_users("r_p1", Some(&confirmed), None, 10).await.unwrap().len(), 2);

    // Auth events, newest first, paged by cursor.
    for (i, kind) in ["SignIn", "SignOut", "SignIn"].iter().enumerate() {
        let event = AuthEvent {
            event_id: format!("e{i}"),
            event_type: (*kind).into(),
            created: 50,
            response: "Pass".into(),
            challenges: vec![],
        };
        store.record_auth_event("r_p1", "s1", &event).await.unwrap();
    }
    let page = store.list_auth_events("r_p1", "s1", None, 2).await.unwrap();
    assert_eq!(page.iter().map(|(_, e)| e.event_id.as_str()).collect::<Vec<_>>(), ["e2", "e1"]);
    let rest = store.list_auth_events("r_p1", "s1", Some((50, page[1].0)), 2).await.unwrap();
    assert_eq!(rest.iter().map(|(_, e)| e.event_id.as_str()).collect::<Vec<_>>(), ["e0"]);

    // A hosted sign-in: its single-sign-on session is read many times, its code taken once.
    let sso = AuthSession { digest: "sso".into(), challenge: "HOSTED_SESSION".into(), ..session.clone() };
    let grant = AuthSession { digest: "code".into(), challenge: "AUTHORIZATION_CODE".into(), ..session.clone() };
    let event = AuthEvent {
        event_id: "hosted-e1".into(),
        event_type: "SignIn".into(),
        created: 100,
        response: "Pass".into(),
        challenges: vec![("Password".into(), "Success".into())],
    };
    store.start_hosted_session(&sso, Some(&grant), Some(&event)).await.unwrap();
    let (found, found_user) = store.find_session("sso").await.unwrap().unwrap();
    assert_eq!((found.challenge.as_str(), found_user.unwrap().username.as_str()), ("HOSTED_SESSION", "alice"));
    assert_eq!(store.find_session("sso").await.unwrap().unwrap().0.sub, "s1", "finding does not take it");
    assert_eq!(store.take_session("code").await.unwrap().unwrap().0.challenge, "AUTHORIZATION_CODE");
    assert!(store.take_session("code").await.unwrap().is_none(), "a code is taken once");

    // A code exchange spends the code and stores the refresh token at once; a second finds it
    // spent and stores nothing; a replay revokes the first one's tokens by their origin.
    let code = AuthSession { digest: "code2".into(), challenge: AUTHORIZATION_CODE.into(), ..session.clone() };
    store.start_hosted_session(&AuthSession { digest: "sso2".into(), ..sso.clone() }, Some(&code), None).await.unwrap();
    let exchanged = RefreshTokenRecord { digest: "rt-code".into(), origin_jti: "o-code".into(), ..record.clone() };
    let groups = store.redeem_authorization_code("code2", &exchanged).await.unwrap().expect("the code is unspent");
    assert!(!groups.is_empty(), "the user's groups come back with the exchange");
    let second = RefreshTokenRecord { digest: "rt-code2".into(), origin_jti: "o-code".into(), ..record.clone() };
    assert!(store.redeem_authorization_code("code2", &second).await.unwrap().is_none(), "a code is spent once");
    assert!(store.find_refresh_token("rt-code2").await.unwrap().is_none(), "the losing exchange stores nothing");
    assert_eq!(store.find_session("code2").await.unwrap().unwrap().0.challenge, SPENT_AUTHORIZATION_CODE);
    assert!(store.redeem_authorization_code("absent", &second).await.unwrap().is_none());
    let feed_before = store.revocations_after("r_p1", 0, 0, 100).await.unwrap().len();
    assert!(store.revoke_origin("o-code", 40).await.unwrap());
    assert!(store.find_refresh_token("rt-code").await.unwrap().unwrap().0.revoked);
    assert!(store.is_origin_revoked("o-code").await.unwrap());
    assert!(!store.revoke_origin("o-code", 41).await.unwrap(), "a second revocation changes nothing");
    let feed = store.revocations_after("r_p1", 0, 0, 100).await.unwrap();
    assert_eq!(feed.len(), feed_before + 1, "one feed event per revocation");
    assert_eq!(feed[feed_before].origin_jtis, ["o-code"]);
    let events = store.list_auth_events("r_p1", "s1", None, 10).await.unwrap();
    assert!(events.iter().any(|(_, e)| e.event_id == "hosted-e1"), "the sign-in's event is stored with it");
    store.delete_session("sso").await.unwrap();
    assert!(store.find_session("sso").await.unwrap().is_none());
    store.delete_session("sso").await.unwrap();

    // Deleting a user removes what hangs off it; deleting a pool removes the rest.
    let before = store.revocations_after("r_p1", 0, 0, 100).await.unwrap().len();
    assert!(store.delete_user("r_p1", "s1", "AdminDeleteUser", 50).await.unwrap());
    assert!(store.get_device("r_p1", "r_dev-b").await.unwrap().is_none(), "a user's devices go with them");
    assert!(store.list_passkeys("r_p1", "s1", None, 10).await.unwrap().is_empty(), "and their passkeys");
    let feed = store.revocations_after("r_p1", 0, 0, 100).await.unwrap();
    assert_eq!(feed.len(), before + 1);
    assert_eq!((feed[before].reason.as_str(), feed[before].whole_user), ("AdminDeleteUser", true));
    assert!(store.find_user_by_login("r_p1", "alice").await.unwrap().is_none());
    assert!(store.get_user("r_p1", "s1").await.unwrap().is_none());
    assert!(store.find_refresh_token("rt1").await.unwrap().is_none());
    assert!(store.list_auth_events("r_p1", "s1", None, 10).await.unwrap().is_empty());
    assert!(store.get_user("r_p2", "s1").await.unwrap().is_some());
    let mut renamed = pool("r_p1");
    renamed.name = "renamed".into();
    assert!(store.update_pool(&renamed).await.unwrap());
    assert_eq!(store.get_pool("r_p1").await.unwrap().unwrap().name, "renamed");
    assert!(store.get_client("c1").await.unwrap().is_some());
    assert!(store.delete_client("r_p1", "c1").await.unwrap());
    assert!(store.get_client("c1").await.unwrap().is_none());
    oauth_conformance(store.as_ref()).await;
    assert!(store.delete_pool("r_p2").await.unwrap());
    assert!(store.get_user("r_p2", "s1").await.unwrap().is_none());
    assert!(!store.delete_pool("r_p2").await.unwrap());
    assert!(store.get_domain("p2-login").await.unwrap().is_none(), "a pool's domain goes with it");
    assert!(store.get_resource_server("r_p2", "api").await.unwrap().is_none());
}

/// Devices: confirmed once per key, listed by key in pages, remembered, touched, forgotten only
/// by their owner.
async fn device_conformance(store: &dyn Store, alice: &User) {
    let device = |key: &str| Device {
        pool_id: alice.pool_id.clone(),
        sub: alice.sub.clone(),
        key: key.into(),
        group_key: "-group".into(),
        name: Some("phone".into()),
        salt: vec![1, 2],
        verifier: vec![3, 4, 5],
        remembered: false,
        created: 10,
        modified: 10,
        last_authenticated: 10,
    };
    for key in ["r_dev-c", "r_dev-a", "r_dev-b"] {
        store.insert_device(&device(key)).await.unwrap();
    }
    assert!(matches!(store.insert_device(&device("r_dev-a")).await, Err(StoreError::Conflict(_))));
    let first = store.list_devices(&alice.pool_id, &alice.sub, None, 2).await.unwrap();
    let keys: Vec<&str> = first.iter().map(|d| d.key.as_str()).collect();
    assert_eq!(keys, ["r_dev-a", "r_dev-b"]);
    let rest = store.list_devices(&alice.pool_id, &alice.sub, Some("r_dev-b"), 2).await.unwrap();
    assert_eq!(rest.iter().map(|d| d.key.as_str()).collect::<Vec<_>>(), ["r_dev-c"]);
    assert!(store.list_devices(&alice.pool_id, "someone-else", None, 10).await.unwrap().is_empty());

    assert!(!store.set_device_remembered(&alice.pool_id, "someone-else", "r_dev-a", true, 20).await.unwrap());
    assert!(store.set_device_remembered(&alice.pool_id, &alice.sub, "r_dev-a", true, 20).await.unwrap());
    store.device_authenticated(&alice.pool_id, "r_dev-a", 30).await.unwrap();
    let a = store.get_device(&alice.pool_id, "r_dev-a").await.unwrap().unwrap();
    assert_eq!((a.remembered, a.modified, a.last_authenticated), (true, 20, 30));
    assert_eq!((a.salt, a.verifier, a.name.as_deref()), (vec![1, 2], vec![3, 4, 5], Some("phone")));

    assert!(!store.delete_device(&alice.pool_id, "someone-else", "r_dev-c").await.unwrap());
    assert!(store.delete_device(&alice.pool_id, &alice.sub, "r_dev-c").await.unwrap());
    assert!(store.get_device(&alice.pool_id, "r_dev-c").await.unwrap().is_none());
    assert!(!store.delete_device(&alice.pool_id, &alice.sub, "r_dev-c").await.unwrap());
}

/// Passkeys: capped per user, a credential id once per pool, listed by id in pages, the counter
/// only moving forward (or staying at 0 for authenticators without one), deleted by their owner.
async fn passkey_conformance(store: &dyn Store, alice: &User) {
    let passkey = |id: &str, sub: &str| Passkey {
        pool_id: alice.pool_id.clone(),
        sub: sub.into(),
        credential_id: id.into(),
        relying_party_id: "localhost".into(),
        name: "Platform passkey".into(),
        attachment: Some("platform".into()),
        transports: vec!["internal".into(), "hybrid".into()],
        credential: "{}".into(),
        sign_count: 3,
        created: 10,
        last_used: None,
    };
    for id in ["pk-c", "pk-a", "pk-b"] {
        assert!(store.insert_passkey(&passkey(id, &alice.sub), 3).await.unwrap());
    }
    assert!(!store.insert_passkey(&passkey("pk-d", &alice.sub), 3).await.unwrap(), "the cap");
    assert!(store.get_passkey(&alice.pool_id, &alice.sub, "pk-d").await.unwrap().is_none());
    assert!(matches!(store.insert_passkey(&passkey("pk-a", &alice.sub), 10).await, Err(StoreError::Conflict(_))));
    let first = store.list_passkeys(&alice.pool_id, &alice.sub, None, 2).await.unwrap();
    assert_eq!(first.iter().map(|p| p.credential_id.as_str()).collect::<Vec<_>>(), ["pk-a", "pk-b"]);
    let rest = store.list_passkeys(&alice.pool_id, &alice.sub, Some("pk-b"), 2).await.unwrap();
    assert_eq!(rest.iter().map(|p| p.credential_id.as_str()).collect::<Vec<_>>(), ["pk-c"]);
    assert_eq!(first[0], passkey("pk-a", &alice.sub));

    assert!(store.get_passkey(&alice.pool_id, "someone-else", "pk-a").await.unwrap().is_none());
    assert!(!store.passkey_used(&alice.pool_id, &alice.sub, "pk-a", 3, 20).await.unwrap(), "no advance");
    assert!(!store.passkey_used(&alice.pool_id, &alice.sub, "pk-a", 2, 20).await.unwrap(), "backwards");
    assert!(!store.passkey_used(&alice.pool_id, "someone-else", "pk-a", 9, 20).await.unwrap());
    assert!(store.passkey_used(&alice.pool_id, &alice.sub, "pk-a", 4, 20).await.unwrap());
    let a = store.get_passkey(&alice.pool_id, &alice.sub, "pk-a").await.unwrap().unwrap();
    assert_eq!((a.sign_count, a.last_used), (4, Some(20)));
    let mut zero = passkey("pk-z", &alice.sub);
    zero.sign_count = 0;
    assert!(store.delete_passkey(&alice.pool_id, &alice.sub, "pk-c").await.unwrap());
    assert!(store.insert_passkey(&zero, 3).await.unwrap());
    assert!(store.passkey_used(&alice.pool_id, &alice.sub, "pk-z", 0, 21).await.unwrap(), "no counter at all");

    assert!(!store.delete_passkey(&alice.pool_id, "someone-else", "pk-b").await.unwrap());
    assert!(!store.delete_passkey(&alice.pool_id, &alice.sub, "pk-c").await.unwrap());
}

fn queued(id: &str, due: i64) -> QueuedMessage {
    QueuedMessage { id: id.into(), pool_id: "r_p1".into(), created: due, due, attempts: 0, sealed: vec![1, 2, 3] }
}

/// The delivery queue: messages written with the code, the session or the user they announce
/// (and not when the code is refused), taken oldest due first under a lease, retried, finished.
async fn queue_conformance(store: &dyn Store, alice: &User) {
    let base = 5_000_000;
    assert_eq!(store.queue_depth().await.unwrap(), (0, None));
    let with_code = queued("m1", base);
    assert!(store.put_code(&code(alice, "q1", base + 900), base, 0, 100, Some(&with_code)).await.unwrap());
    let refused = queued("m-refused", base);
    assert!(!store.put_code(&code(alice, "q2", base + 900), base, 0, 0, Some(&refused)).await.unwrap());
    let session = AuthSession {
        digest: "queued-session".into(),
        pool_id: "r_p1".into(),
        client_id: "c1".into(),
        sub: "s1".into(),
        challenge: "EMAIL_OTP".into(),
        expires: base + 180,
        data: "{}".into(),
    };
    store.insert_session(&session, Some(&queued("m2", base + 1))).await.unwrap();
    let invited = user("r_p1", "s-invited", "invited");
    store
        .insert_user(&invited, &["invited".into()], None, &[queued("m3", base + 2), queued("m4", base + 2)])
        .await
        .unwrap();
    store.enqueue_messages(&[queued("m5", base + 50)]).await.unwrap();
    assert_eq!(store.queue_depth().await.unwrap(), (5, Some(base)), "the refused code queued nothing");

    let taken = store.claim_messages(base + 10, base + 130, 3).await.unwrap();
    let ids: Vec<&str> = taken.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["m1", "m2", "m3"], "oldest due first, up to the limit");
    assert!(taken.iter().all(|m| m.attempts == 1 && m.due == base + 130 && m.sealed == [1, 2, 3]));
    let rest = store.claim_messages(base + 10, base + 130, 10).await.unwrap();
    assert_eq!(rest.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["m4"], "leased ones and future ones wait");
    store.finish_messages(&["m1".into()]).await.unwrap();
    store.retry_message("m2", base + 20, "connection refused").await.unwrap();
    let again = store.claim_messages(base + 20, base + 140, 10).await.unwrap();
    assert_eq!(again.iter().map(|m| (m.id.as_str(), m.attempts)).collect::<Vec<_>>(), [("m2", 2)]);
    let lapsed = store.claim_messages(base + 131, base + 250, 10).await.unwrap();
    let lapsed: Vec<&str> = lapsed.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(lapsed, ["m3", "m4", "m5"], "a lease that ran out is due again (its worker died)");
    store.finish_messages(&[]).await.unwrap();
    store.finish_messages(&["m2".into(), "m3".into(), "m4".into(), "m5".into()]).await.unwrap();
    assert_eq!(store.queue_depth().await.unwrap(), (0, None));
    assert!(store.delete_user("r_p1", "s-invited", "test", base).await.unwrap());
}

/// Identity providers: by name and by identifier (each naming one provider of the pool),
/// listed by name, their identifiers replaced on update and gone with them on delete.
async fn federation_conformance(store: &dyn Store) {
    let provider = |name: &str, identifiers: &[&str]| IdentityProvider {
        pool_id: "r_p2".into(),
        name: name.into(),
        provider_type: "OIDC".into(),
        details: BTreeMap::from([("client_id".to_owned(), format!("{name}-client"))]),
        sealed_details: BTreeMap::new(),
        attribute_mapping: BTreeMap::new(),
        idp_identifiers: identifiers.iter().map(|i| (*i).to_owned()).collect(),
        created: 5,
        modified: 5,
    };
    store.insert_identity_provider(&provider("Beta", &["beta.example", "b"])).await.unwrap();
    store.insert_identity_provider(&provider("Alpha", &[])).await.unwrap();
    let twice = store.insert_identity_provider(&provider("Beta", &[])).await;
    assert!(matches!(&twice, Err(StoreError::Conflict(what)) if what == "name"), "{twice:?}");
    let taken = store.insert_identity_provider(&provider("Gamma", &["b"])).await;
    assert!(matches!(&taken, Err(StoreError::Conflict(what)) if what == "identifier"), "{taken:?}");
    assert!(store.get_identity_provider("r_p2", "Gamma").await.unwrap().is_none(), "nothing saved on a conflict");
    let found = store.identity_provider_by_identifier("r_p2", "b").await.unwrap().unwrap();
    assert_eq!(found, provider("Beta", &["beta.example", "b"]));
    assert!(store.identity_provider_by_identifier("r_p1", "b").await.unwrap().is_none(), "per pool");
    let names = |list: Vec<IdentityProvider>| list.into_iter().map(|p| p.name).collect::<Vec<_>>();
    assert_eq!(names(store.list_identity_providers("r_p2", None, 10).await.unwrap()), ["Alpha", "Beta"]);
    assert_eq!(names(store.list_identity_providers("r_p2", Some("Alpha"), 10).await.unwrap()), ["Beta"]);
    let mut changed = provider("Beta", &["beta.test"]);
    changed.modified = 9;
    assert!(store.update_identity_provider(&changed).await.unwrap());
    assert!(store.identity_provider_by_identifier("r_p2", "b").await.unwrap().is_none(), "identifiers replaced");
    assert_eq!(store.identity_provider_by_identifier("r_p2", "beta.test").await.unwrap().unwrap().modified, 9);
    let clash = store.update_identity_provider(&provider("Alpha", &["beta.test"])).await;
    assert!(matches!(&clash, Err(StoreError::Conflict(what)) if what == "identifier"), "{clash:?}");
    assert!(!store.update_identity_provider(&provider("Nobody", &[])).await.unwrap());
    assert!(store.delete_identity_provider("r_p2", "Beta").await.unwrap());
    assert!(!store.delete_identity_provider("r_p2", "Beta").await.unwrap());
    assert!(store.identity_provider_by_identifier("r_p2", "beta.test").await.unwrap().is_none());
    store.insert_identity_provider(&provider("Delta", &["beta.test"])).await.unwrap();
}

/// Domains (unique across pools, saved with the pool that names them) and resource servers.
async fn oauth_conformance(store: &dyn Store) {
    federation_conformance(store).await;
    let domain = |name: &str, pool_id: &str| PoolDomain {
        domain: name.into(),
        pool_id: pool_id.into(),
        certificate_arn: None,
        security_policy: None,
        managed_login_version: 1,
        created: 5,
    };
    let mut p2 = store.get_pool("r_p2").await.unwrap().unwrap();
    p2.domain = Some("p2-login".into());
    store.insert_domain(&domain("p2-login", "r_p2"), &p2).await.unwrap();
    assert_eq!(store.get_pool("r_p2").await.unwrap().unwrap().domain.as_deref(), Some("p2-login"));
    let mut p1 = store.get_pool("r_p1").await.unwrap().unwrap();
    p1.domain = Some("p2-login".into());
    let taken = store.insert_domain(&domain("p2-login", "r_p1"), &p1).await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    assert_eq!(store.get_pool("r_p1").await.unwrap().unwrap().domain, None, "nothing saved on a conflict");
    let mut custom = domain("auth.example.com", "r_p2");
    custom.certificate_arn = Some("arn:aws:acm:us-east-1:000000000000:certificate/x".into());
    p2.custom_domain = Some("auth.example.com".into());
    store.insert_domain(&custom, &p2).await.unwrap();
    custom.managed_login_version = 2;
    assert!(store.update_domain(&custom).await.unwrap());
    assert_eq!(store.get_domain("auth.example.com").await.unwrap(), Some(custom.clone()));
    p2.custom_domain = None;
    assert!(!store.delete_domain("auth.example.com", &pool("r_p1")).await.unwrap(), "another pool's domain");
    assert!(store.delete_domain("auth.example.com", &p2).await.unwrap());
    assert!(store.get_domain("auth.example.com").await.unwrap().is_none());
    assert_eq!(store.get_pool("r_p2").await.unwrap().unwrap().custom_domain, None);
    assert!(!store.delete_domain("auth.example.com", &p2).await.unwrap());

    let server = |id: &str| ResourceServer {
        pool_id: "r_p2".into(),
        identifier: id.into(),
        name: "API".into(),
        scopes: vec![ResourceScope { name: "read".into(), description: "Read".into() }],
    };
    for id in ["https://b.example.com", "api", "https://a.example.com"] {
        store.insert_resource_server(&server(id)).await.unwrap();
    }
    assert!(matches!(store.insert_resource_server(&server("api")).await, Err(StoreError::Conflict(_))));
    let listed = store.list_resource_servers("r_p2", None, 2).await.unwrap();
    assert_eq!(listed.iter().map(|s| s.identifier.as_str()).collect::<Vec<_>>(), ["api", "https://a.example.com"]);
    let rest = store.list_resource_servers("r_p2", Some("https://a.example.com"), 2).await.unwrap();
    assert_eq!(rest.iter().map(|s| s.identifier.as_str()).collect::<Vec<_>>(), ["https://b.example.com"]);
    assert!(store.list_resource_servers("r_p1", None, 10).await.unwrap().is_empty());
    assert_eq!(store.pool_resource_servers("r_p2").await.unwrap().len(), 3);
    let mut renamed = server("api");
    renamed.scopes.clear();
    assert!(store.update_resource_server(&renamed).await.unwrap());
    let cached = store.pool_resource_servers("r_p2").await.unwrap();
    assert!(cached.iter().any(|s| s.identifier == "api" && s.scopes.is_empty()), "a change is seen at once");
    assert_eq!(store.get_resource_server("r_p2", "api").await.unwrap(), Some(renamed));
    assert!(store.delete_resource_server("r_p2", "https://b.example.com").await.unwrap());
    assert!(!store.delete_resource_server("r_p2", "https://b.example.com").await.unwrap());
    assert_eq!(store.pool_resource_servers("r_p2").await.unwrap().len(), 2);
}

#[tokio::test]
async fn sqlite_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("c.db").display());
    conformance(cognate_store::open(&url).await.unwrap()).await;
}

/// A fresh PostgreSQL database, or `None` (and a note) when COGNATE_TEST_POSTGRES_URL is unset.
async fn postgres_url() -> Option<String> {
    let Ok(base) = std::env::var("COGNATE_TEST_POSTGRES_URL") else {
        eprintln!("COGNATE_TEST_POSTGRES_URL is not set: the PostgreSQL conformance run is skipped");
        return None;
    };
    Some(cognate_store::testing::fresh_postgres_database(&base).await.expect("a test database"))
}

#[tokio::test]
async fn postgres_conforms() {
    let Some(url) = postgres_url().await else { return };
    conformance(cognate_store::open(&url).await.unwrap()).await;
}

#[tokio::test]
async fn sqlite_redeems_a_code_once_under_contention() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("c.db").display());
    // One instance per SQLite file (its single writer serialises the attempts).
    one_redemption_wins(cognate_store::open(&url).await.unwrap(), None).await;
}

#[tokio::test]
async fn postgres_redeems_a_code_once_across_instances() {
    let Some(url) = postgres_url().await else { return };
    let (a, b) = (cognate_store::open(&url).await.unwrap(), cognate_store::open(&url).await.unwrap());
    one_redemption_wins(a, Some(b)).await;
}

#[tokio::test]
async fn postgres_workers_take_each_message_once() {
    let Some(url) = postgres_url().await else { return };
    let (a, b) = (cognate_store::open(&url).await.unwrap(), cognate_store::open(&url).await.unwrap());
    let messages: Vec<QueuedMessage> = (0..200).map(|i| queued(&format!("m{i:03}"), 10)).collect();
    a.enqueue_messages(&messages).await.unwrap();
    let takers: Vec<_> = (0..8)
        .map(|i| {
            let store = if i % 2 == 0 { a.clone() } else { b.clone() };
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let taken = store.claim_messages(100, 1000, 7).await.unwrap();
                    if taken.is_empty() {
                        return mine;
                    }
                    mine.extend(taken.into_iter().map(|m| m.id));
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for taker in takers {
        all.extend(taker.await.unwrap());
    }
    all.sort();
    let expected: Vec<String> = messages.iter().map(|m| m.id.clone()).collect();
    assert_eq!(all, expected, "every message taken, none by two workers");
}

/// Many redemptions of one code at once, spread over two stores on one database: one wins.
async fn one_redemption_wins(a: Arc<dyn Store>, b: Option<Arc<dyn Store>>) {
    a.insert_pool(&pool("r_race"), &[]).await.unwrap();
    let target = user("r_race", "s1", "racer");
    let code = code(&target, "d", 1000);
    a.insert_user(&target, &["racer".into()], Some(&code), &[]).await.unwrap();
    let stores: Vec<Arc<dyn Store>> = vec![a.clone(), b.unwrap_or(a)];
    let attempts: Vec<_> = (0..16)
        .map(|i| {
            let (store, code, target) = (stores[i % 2].clone(), code.clone(), target.clone());
            tokio::spawn(async move { store.redeem_code(&code, 10, 5, &target, None).await.unwrap() })
        })
        .collect();
    let mut redeemed = 0;
    for attempt in attempts {
        if attempt.await.unwrap() == CodeOutcome::Redeemed {
            redeemed += 1;
        }
    }
    assert_eq!(redeemed, 1, "exactly one of the concurrent redemptions succeeds");
}

#[tokio::test]
async fn sqlite_keeps_data_and_revocations_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("c.db").display());
    let store = cognate_store::open(&url).await.unwrap();
    store.insert_pool(&pool("r_keep"), &[]).await.unwrap();
    store.insert_client(&client("c1", "r_keep")).await.unwrap();
    store.insert_user(&user("r_keep", "s1", "u"), &["u".into()], None, &[]).await.unwrap();
    let record = RefreshTokenRecord {
        digest: "rt".into(),
        pool_id: "r_keep".into(),
        client_id: "c1".into(),
        sub: "s1".into(),
        origin_jti: "origin".into(),
        auth_time: 1,
        expires: i64::MAX,
        revoked: false,
        scopes: None,
        rotated_until: None,
        device_key: None,
    };
    store.start_session(&record, None).await.unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    store.revoke_refresh_token("rt", now).await.unwrap();
    drop(store);
    let reopened = cognate_store::open(&url).await.unwrap();
    assert!(reopened.get_pool("r_keep").await.unwrap().is_some());
    assert!(reopened.is_origin_revoked("origin").await.unwrap(), "revocations survive a restart");
}
