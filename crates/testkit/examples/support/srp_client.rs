//! The client's half of an SRP sign-in (USER_SRP_AUTH, then PASSWORD_VERIFIER) over the JSON
//! API, with Cognate's own SRP arithmetic (the arithmetic Amplify does), for the load drivers.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use cognate_crypto::srp::{claim_signature, timestamp, ClientSession};
use serde_json::{json, Value};

/// One action of the public API over `http`; an error answer fails the run.
pub async fn call(http: &reqwest::Client, url: &str, action: &str, body: Value) -> Value {
    let answer: Value = http
        .post(url)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("AWSCognitoIdentityProviderService.{action}"))
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(answer.get("__type").is_none(), "{action} failed: {answer}");
    answer
}

fn unhex(h: &str) -> Vec<u8> {
    hex::decode(if h.len() % 2 == 1 { format!("0{h}") } else { h.to_owned() }).unwrap()
}

/// One SRP sign-in; panics unless it ends with tokens.
pub async fn sign_in(
    http: &reqwest::Client,
    url: &str,
    pool_id: &str,
    client_id: &str,
    username: &str,
    password: &str,
) {
    let client = tokio::task::block_in_place(|| {
        ClientSession::start(cognate_crypto::random::key_bytes().repeat(4).try_into().unwrap())
    });
    let start = call(
        http,
        url,
        "InitiateAuth",
        json!({"ClientId": client_id, "AuthFlow": "USER_SRP_AUTH",
        "AuthParameters": {"USERNAME": username, "SRP_A": hex::encode(&client.public_a)}}),
    )
    .await;
    let p = &start["ChallengeParameters"];
    let pool_name = pool_id.split_once('_').unwrap().1;
    let user_id = p["USER_ID_FOR_SRP"].as_str().unwrap();
    let key = tokio::task::block_in_place(|| {
        client
            .key(
                &unhex(p["SRP_B"].as_str().unwrap()),
                &unhex(p["SALT"].as_str().unwrap()),
                pool_name,
                user_id,
                password,
            )
            .unwrap()
    });
    let now = timestamp(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64);
    let block = p["SECRET_BLOCK"].as_str().unwrap();
    let signature = B64.encode(claim_signature(&key, pool_name, user_id, &B64.decode(block).unwrap(), &now));
    let done = call(
        http,
        url,
        "RespondToAuthChallenge",
        json!({"ClientId": client_id, "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeResponses": {"USERNAME": p["USERNAME"], "PASSWORD_CLAIM_SECRET_BLOCK": block,
            "PASSWORD_CLAIM_SIGNATURE": signature, "TIMESTAMP": now}}),
    )
    .await;
    assert!(done["AuthenticationResult"]["AccessToken"].is_string(), "sign-in failed: {done}");
}
