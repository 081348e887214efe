//! CustomEmailSender and CustomSMSSender: the function gets the code encrypted as an AWS
//! Encryption SDK message, through the delivery queue (after the request has answered), and the
//! AWS SDK for Rust's KMS client opens its data key with Cognate's KMS `Decrypt`.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use aws_lc_rs::hkdf::{KeyType, Salt, HKDF_SHA512};
use aws_sdk_cognitoidentityprovider::types::{
    CustomEmailLambdaVersionConfigType, CustomEmailSenderLambdaVersionType, CustomSmsLambdaVersionConfigType,
    CustomSmsSenderLambdaVersionType, DeliveryMediumType, LambdaConfigType,
};
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_kms::primitives::Blob;
use base64::Engine as _;
use serde_json::Value;

use crate::common::*;
use crate::triggers::{arn, pool_with, Functions, Reply, SECRET};
use cognate_testkit::{ACCESS_KEY_ID, SECRET_ACCESS_KEY};

const KEY_ARN: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn kms(server: &TestServer, key_id: &str, secret: &str) -> aws_sdk_kms::Client {
    let config = aws_sdk_kms::Config::builder()
        .behavior_version(aws_sdk_kms::config::BehaviorVersion::latest())
        .region(aws_sdk_kms::config::Region::new("us-east-1"))
        .endpoint_url(&server.url)
        .credentials_provider(aws_credential_types::Credentials::new(key_id, secret, None, None, "test"))
        .retry_config(aws_sdk_kms::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_kms::Client::from_conf(config)
}

/// The parts of an AWS Encryption SDK message (format version 2, one data key, one final frame)
/// that a reader needs, read as the format reference lays them out.
struct EsdkMessage {
    algorithm: u16,
    message_id: Vec<u8>,
    context: BTreeMap<String, String>,
    provider_id: String,
    key_arn: String,
    encrypted_data_key: Vec<u8>,
    /// IV, content and tag of the final frame.
    frame: (Vec<u8>, Vec<u8>, Vec<u8>),
}

fn read_message(bytes: &[u8]) -> EsdkMessage {
    let mut at = 0;
    let mut take = |n: usize| {
        at += n;
        bytes[at - n..at].to_vec()
    };
    let short = |b: Vec<u8>| u16::from_be_bytes([b[0], b[1]]) as usize;
    assert_eq!(take(1), [2], "message format version 2");
    let algorithm = short(take(2)) as u16;
    let message_id = take(32);
    let context_len = short(take(2));
    let context_bytes = take(context_len);
    let mut context = BTreeMap::new();
    if !context_bytes.is_empty() {
        let mut c = 2;
        for _ in 0..u16::from_be_bytes([context_bytes[0], context_bytes[1]]) {
            let mut field = || {
                let len = u16::from_be_bytes([context_bytes[c], context_bytes[c + 1]]) as usize;
                c += 2 + len;
                String::from_utf8(context_bytes[c - len..c].to_vec()).unwrap()
            };
            let (key, value) = (field(), field());
            context.insert(key, value);
        }
    }
    assert_eq!(short(take(2)), 1, "one encrypted data key");
    let len = short(take(2));
    let provider_id = String::from_utf8(take(len)).unwrap();
    let len = short(take(2));
    let key_arn = String::from_utf8(take(len)).unwrap();
    let len = short(take(2));
    let encrypted_data_key = take(len);
    assert_eq!(take(1), [2], "framed content");
    take(4 + 32 + 16); // frame length, commitment key, header tag (checked by the SDKs in e2e)
    assert_eq!(take(4), [0xFF; 4], "a single final frame");
    assert_eq!(take(4), [0, 0, 0, 1]);
    let iv = take(12);
    let len = u32::from_be_bytes(take(4).try_into().unwrap()) as usize;
    let content = take(len);
    let tag = take(16);
    EsdkMessage { algorithm, message_id, context, provider_id, key_arn, encrypted_data_key, frame: (iv, content, tag) }
}

struct Len32;
impl KeyType for Len32 {
    fn len(&self) -> usize {
        32
    }
}

/// The plaintext of a message, given its data key.
fn open_frame(message: &EsdkMessage, data_key: &[u8]) -> String {
    let mut key = [0u8; 32];
    let info: [&[u8]; 2] = [&message.algorithm.to_be_bytes(), b"DERIVEKEY"];
    Salt::new(HKDF_SHA512, &message.message_id).extract(data_key).expand(&info, Len32).unwrap().fill(&mut key).unwrap();
    let (iv, content, tag) = &message.frame;
    let mut aad = message.message_id.clone();
    aad.extend_from_slice(b"AWSKMSEncryptionClient Final Frame");
    aad.extend_from_slice(&[0, 0, 0, 1]);
    aad.extend_from_slice(&(content.len() as u64).to_be_bytes());
    let mut sealed = [content.as_slice(), tag].concat();
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &key).unwrap());
    let nonce = Nonce::try_assume_unique_for_key(iv).unwrap();
    String::from_utf8(key.open_in_place(nonce, Aad::from(aad), &mut sealed).unwrap().to_vec()).unwrap()
}

/// The code a sender's event carries, its data key opened by KMS `Decrypt` through the SDK.
async fn decrypted_code(server: &TestServer, event: &Value) -> (String, EsdkMessage) {
    let code = event["request"]["code"].as_str().unwrap();
    let message = read_message(&base64::engine::general_purpose::STANDARD.decode(code).unwrap());
    let opened = kms(server, ACCESS_KEY_ID, SECRET_ACCESS_KEY)
        .decrypt()
        .ciphertext_blob(Blob::new(message.encrypted_data_key.clone()))
        .set_encryption_context(Some(message.context.clone().into_iter().collect()))
        .key_id(&message.key_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(opened.key_id(), Some(KEY_ARN), "KMS names the pool's key");
    let data_key = opened.plaintext().unwrap().as_ref().to_vec();
    (open_frame(&message, &data_key), message)
}

fn email_sender() -> CustomEmailLambdaVersionConfigType {
    CustomEmailLambdaVersionConfigType::builder()
        .lambda_version(CustomEmailSenderLambdaVersionType::V10)
        .lambda_arn(arn("emailSender"))
        .build()
        .unwrap()
}

fn sms_sender() -> CustomSmsLambdaVersionConfigType {
    CustomSmsLambdaVersionConfigType::builder()
        .lambda_version(CustomSmsSenderLambdaVersionType::V10)
        .lambda_arn(arn("smsSender"))
        .build()
        .unwrap()
}

async fn sender_pool(sdk: &Client) -> (String, String) {
    let config = LambdaConfigType::builder()
        .custom_email_sender(email_sender())
        .custom_sms_sender(sms_sender())
        .custom_message(arn("customMessage"))
        .kms_key_id(KEY_ARN)
        .build();
    pool_with(sdk, config).await
}

#[tokio::test]
async fn the_email_sender_gets_the_sign_up_code_encrypted_after_the_request_answered() {
    let functions = Functions::start(Arc::new(|_, _| Reply::Event)).await;
    let server = TestServer::start_with_triggers(&functions.url, SECRET).await;
    let sdk = server.sdk();
    let (pool_id, client_id) = sender_pool(&sdk).await;
    let shown = sdk.describe_user_pool().user_pool_id(&pool_id).send().await.unwrap();
    let shown = shown.user_pool().unwrap().lambda_config().unwrap();
    assert_eq!(shown.kms_key_id(), Some(KEY_ARN));
    assert_eq!(shown.custom_email_sender().map(|s| s.lambda_arn()), Some(arn("emailSender").as_str()));

    let signed_up = sdk
        .sign_up()
        .client_id(&client_id)
        .username("ana@example.com")
        .password(PASSWORD)
        .user_attributes(attr("email", "ana@example.com"))
        .client_metadata("campaign", "winter")
        .send()
        .await
        .unwrap();
    let delivery = signed_up.code_delivery_details().unwrap();
    assert_eq!(delivery.delivery_medium(), Some(&DeliveryMediumType::Email));
    assert!(functions.events("emailSender").is_empty(), "the sender is called after the request answered");
    assert_eq!(server.cognate.deliver_due().await.unwrap(), 1, "its call waits in the delivery queue");
    assert!(server.messages().is_empty(), "Cognate sends nothing itself");
    assert!(functions.events("customMessage").is_empty(), "CustomMessage is not asked when a sender delivers");

    let event = functions.events("emailSender").pop().unwrap();
    assert_eq!(event["triggerSource"], "CustomEmailSender_SignUp");
    assert_eq!(event["version"], "1");
    assert_eq!(event["userPoolId"], pool_id.as_str());
    assert_eq!(event["callerContext"]["clientId"], client_id.as_str());
    assert_eq!(event["request"]["type"], "customEmailSenderRequestV1");
    assert_eq!(event["request"]["userAttributes"]["email"], "ana@example.com");
    assert_eq!(event["request"]["clientMetadata"]["campaign"], "winter");

    let (code, message) = decrypted_code(&server, &event).await;
    assert_eq!(message.algorithm, 0x0478, "a committing suite, which every commitment policy decrypts");
    assert_eq!((message.provider_id.as_str(), message.key_arn.as_str()), ("aws-kms", KEY_ARN));
    assert_eq!(message.context.get("userpool-id"), Some(&pool_id), "bound to the pool as Cognito binds it");
    assert_eq!(code.len(), 6);
    sdk.confirm_sign_up()
        .client_id(&client_id)
        .username("ana@example.com")
        .confirmation_code(&code)
        .send()
        .await
        .expect("the decrypted code confirms the user");

    // KMS refuses what it should: another pool's context, another key, strangers, other actions.
    let kms_admin = kms(&server, ACCESS_KEY_ID, SECRET_ACCESS_KEY);
    let blob = || Blob::new(message.encrypted_data_key.clone());
    let other_pool =
        kms_admin.decrypt().ciphertext_blob(blob()).encryption_context("userpool-id", "us-east-1_other").send().await;
    assert_eq!(code_of(other_pool), "InvalidCiphertextException");
    let other_key = kms_admin
        .decrypt()
        .ciphertext_blob(blob())
        .set_encryption_context(Some(message.context.clone().into_iter().collect()))
        .key_id("arn:aws:kms:us-east-1:123456789012:key/another")
        .send()
        .await;
    assert_eq!(code_of(other_key), "IncorrectKeyException");
    let stranger = kms(&server, "AKIASTRANGER00000000", "guess").decrypt().ciphertext_blob(blob()).send().await;
    assert_eq!(code_of(stranger), "UnrecognizedClientException");
    let encrypt = kms_admin.encrypt().key_id(KEY_ARN).plaintext(Blob::new(b"x".to_vec())).send().await;
    assert_eq!(code_of(encrypt), "UnsupportedOperationException");
}

fn code_of<T, E: aws_sdk_kms::error::ProvideErrorMetadata>(result: Result<T, E>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.code().unwrap_or_default().to_owned(),
    }
}

#[tokio::test]
async fn the_sms_sender_gets_an_invitation_password_html_escaped_and_a_failing_sender_fails_nothing() {
    let functions = Functions::start(Arc::new(|function, event| {
        let throws = function == "emailSender" && event["request"]["userAttributes"]["email"] == "bob@example.com";
        if throws {
            Reply::Throw("SES is down")
        } else {
            Reply::Event
        }
    }))
    .await;
    let server = TestServer::start_with_triggers(&functions.url, SECRET).await;
    let sdk = server.sdk();
    let (pool_id, client_id) = sender_pool(&sdk).await;

    sdk.admin_create_user()
        .user_pool_id(&pool_id)
        .username("cy@example.com")
        .temporary_password("Temp<&>Pass-1")
        .user_attributes(attr("email", "cy@example.com"))
        .user_attributes(attr("phone_number", "+15555550100"))
        .desired_delivery_mediums(DeliveryMediumType::Sms)
        .send()
        .await
        .unwrap();
    server.cognate.deliver_due().await.unwrap();
    let event = functions.events("smsSender").pop().expect("the SMS sender delivers the invitation");
    assert_eq!(event["triggerSource"], "CustomSMSSender_AdminCreateUser");
    assert_eq!(event["request"]["type"], "customSMSSenderRequestV1");
    assert_eq!(event["callerContext"]["clientId"], "CLIENT_ID_NOT_APPLICABLE");
    let (password, _) = decrypted_code(&server, &event).await;
    assert_eq!(password, "Temp&lt;&amp;&gt;Pass-1", "temporary passwords arrive HTML-escaped, as from Cognito");

    // A sender that throws: the sign-up has answered already; the call is not repeated.
    sdk.sign_up()
        .client_id(&client_id)
        .username("bob@example.com")
        .password(PASSWORD)
        .user_attributes(attr("email", "bob@example.com"))
        .send()
        .await
        .expect("the request does not wait for the sender");
    assert_eq!(server.cognate.deliver_due().await.unwrap(), 1);
    server.clock.advance(3600);
    assert_eq!(server.cognate.deliver_due().await.unwrap(), 0, "a function that failed is not called again");
    assert_eq!(functions.events("emailSender").len(), 1);
}

#[tokio::test]
async fn a_sender_needs_a_kms_key_named_by_its_arn() {
    let functions = Functions::start(Arc::new(|_, _| Reply::Event)).await;
    let server = TestServer::start_with_triggers(&functions.url, SECRET).await;
    let sdk = server.sdk();
    let without_key = LambdaConfigType::builder().custom_email_sender(email_sender()).build();
    let (kind, message) = error(sdk.create_user_pool().pool_name("x").lambda_config(without_key).send().await);
    assert_eq!(kind, "InvalidParameterException");
    assert!(message.contains("KMSKeyID"), "{message}");
    let alias = LambdaConfigType::builder()
        .custom_sms_sender(sms_sender())
        .kms_key_id("arn:aws:kms:us-east-1:123456789012:alias/codes")
        .build();
    let (kind, message) = error(sdk.create_user_pool().pool_name("x").lambda_config(alias).send().await);
    assert_eq!(kind, "InvalidParameterException");
    assert!(message.contains("key/"), "{message}");
}
