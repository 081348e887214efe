//! The cost of checking a request against the service model's rules, beside reading it: GetUser
//! (Amplify's most frequent call: a ~900-character token against its pattern) and SignUp (several
//! members, a list of attributes, a map).
#![allow(clippy::unwrap_used)]

use cognate_http::validation;
use cognate_proto::users::{AccessTokenRequest, SignUpRequest};
use cognate_proto::Action;
use criterion::{criterion_group, criterion_main, Criterion};
use serde::Deserialize;
use serde_json::Value;

fn bodies() -> [(&'static str, Action, Vec<u8>); 2] {
    let token = format!("eyJraWQiOiJ{}.{}.{}", "a".repeat(40), "b".repeat(600), "c".repeat(342));
    let get_user = serde_json::to_vec(&serde_json::json!({ "AccessToken": token })).unwrap();
    let sign_up = serde_json::to_vec(&serde_json::json!({
        "ClientId": "cruddurwebclient0000000001", "Username": "andrew@example.com", "Password": "Correct-Horse-1",
        "UserAttributes": [{"Name": "email", "Value": "andrew@example.com"}, {"Name": "name", "Value": "Andrew"},
                           {"Name": "preferred_username", "Value": "andrewbrown"}],
        "ClientMetadata": {"source": "web"}}))
    .unwrap();
    [("get_user", Action::GetUser, get_user), ("sign_up", Action::SignUp, sign_up)]
}

fn read<T: for<'de> Deserialize<'de>>(c: &mut Criterion, name: &str, action: Action, body: &[u8]) {
    let mut group = c.benchmark_group(name);
    // What the API did before: the body straight into its request type.
    group.bench_function("typed_only", |b| b.iter(|| serde_json::from_slice::<T>(body).unwrap()));
    // What it does now: the body as JSON, the rules checked, then the request type.
    group.bench_function("json_checked_typed", |b| {
        b.iter(|| {
            let value: Value = serde_json::from_slice(body).unwrap();
            validation::check(action, &value).unwrap();
            T::deserialize(&value).unwrap()
        })
    });
    group.bench_function("check_only", |b| {
        let value: Value = serde_json::from_slice(body).unwrap();
        b.iter(|| validation::check(action, &value).unwrap())
    });
    group.finish();
}

fn requests(c: &mut Criterion) {
    let [(get_user, get_user_action, get_user_body), (sign_up, sign_up_action, sign_up_body)] = bodies();
    read::<AccessTokenRequest>(c, get_user, get_user_action, &get_user_body);
    read::<SignUpRequest>(c, sign_up, sign_up_action, &sign_up_body);
}

criterion_group!(benches, requests);
criterion_main!(benches);
