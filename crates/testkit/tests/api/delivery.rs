//! The durable delivery queue through the AWS SDK for Rust: with a transport configured, a
//! sign-up's code is queued (not sent in the request), a failed send is retried after its
//! backoff, a refused one is given up, and the codes that arrive work. The real SMTP server and
//! webhook receiver are in the e2e suite; here a scripted transport stands in for them.
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use cognate_domain::delivery::worker::retry_delay;
use cognate_domain::{Delivery, DeliveryError, Message, Transports};

use crate::common::*;

/// Records what it is given; fails the first `failures` calls the way it is told to.
#[derive(Default)]
struct Scripted {
    failures: Mutex<Vec<DeliveryError>>,
    sent: Mutex<Vec<Message>>,
}

#[async_trait]
impl Delivery for Scripted {
    async fn deliver(&self, message: &Message) -> Result<(), DeliveryError> {
        if let Some(failure) = self.failures.lock().unwrap().pop() {
            return Err(failure);
        }
        self.sent.lock().unwrap().push(message.clone());
        Ok(())
    }
}

async fn queued_server() -> (TestServer, Arc<Scripted>) {
    let email = Arc::new(Scripted::default());
    let transports = Transports { email: Some(email.clone()), sms: None };
    (TestServer::start_with(|_| {}, transports).await, email)
}

#[tokio::test]
async fn a_queued_code_is_sent_after_the_answer_retried_when_the_server_is_down_and_it_works() {
    let (server, email) = queued_server().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = email_pool(&sdk).await;
    sdk.update_user_pool()
        .user_pool_id(&pool_id)
        .auto_verified_attributes(aws_sdk_cognitoidentityprovider::types::VerifiedAttributeType::Email)
        .email_configuration(
            aws_sdk_cognitoidentityprovider::types::EmailConfigurationType::builder()
                .from("Cruddur <hello@cruddur.example>")
                .reply_to_email_address("help@cruddur.example")
                .build(),
        )
        .send()
        .await
        .unwrap();
    email.failures.lock().unwrap().push(DeliveryError::Transient("connection refused".into()));
    let signed_up = sdk
        .sign_up()
        .client_id(&client_id)
        .username("ana@example.com")
        .password(PASSWORD)
        .user_attributes(attr("email", "ana@example.com"))
        .user_attributes(attr("name", "Ana"))
        .send()
        .await
        .unwrap();
    let delivery = signed_up.code_delivery_details().unwrap();
    assert_eq!(delivery.destination(), Some("a***@e***"));
    assert!(server.last_code("ana@example.com").is_none(), "queued, not delivered locally");
    assert!(email.sent.lock().unwrap().is_empty(), "the request did not send it");
    assert_eq!(server.cognate.queue_depth().await.unwrap().0, 1);

    assert_eq!(server.cognate.deliver_due().await.unwrap(), 1, "the first try fails");
    assert_eq!(server.cognate.deliver_due().await.unwrap(), 0, "the retry waits for its backoff");
    server.clock.advance(retry_delay(1));
    assert_eq!(server.cognate.deliver_due().await.unwrap(), 1);
    assert_eq!(server.cognate.queue_depth().await.unwrap().0, 0, "sent, so gone from the queue");

    let sent = email.sent.lock().unwrap().pop().unwrap();
    assert_eq!(sent.destination, "ana@example.com");
    assert_eq!(sent.from.as_deref(), Some("Cruddur <hello@cruddur.example>"));
    assert_eq!(sent.reply_to.as_deref(), Some("help@cruddur.example"));
    assert!(sent.text.contains(&sent.code) && sent.subject.is_some());
    sdk.confirm_sign_up()
        .client_id(&client_id)
        .username("ana@example.com")
        .confirmation_code(&sent.code)
        .send()
        .await
        .unwrap();
    assert!(sign_in(&sdk, &client_id, "ana@example.com", PASSWORD).await.is_ok());
}

#[tokio::test]
async fn a_refused_message_is_given_up_and_the_code_can_be_sent_again() {
    let (server, email) = queued_server().await;
    let sdk = server.sdk();
    let (_pool_id, client_id) = email_pool(&sdk).await;
    email.failures.lock().unwrap().push(DeliveryError::Permanent("550 no such mailbox".into()));
    sdk.sign_up()
        .client_id(&client_id)
        .username("bo@example.com")
        .password(PASSWORD)
        .user_attributes(attr("email", "bo@example.com"))
        .user_attributes(attr("name", "Bo"))
        .send()
        .await
        .unwrap();
    assert_eq!(server.cognate.deliver_due().await.unwrap(), 1);
    assert_eq!(server.cognate.queue_depth().await.unwrap().0, 0, "a refusal is final");
    assert!(email.sent.lock().unwrap().is_empty());
    sdk.resend_confirmation_code().client_id(&client_id).username("bo@example.com").send().await.unwrap();
    assert_eq!(server.cognate.deliver_due().await.unwrap(), 1);
    assert_eq!(email.sent.lock().unwrap().len(), 1, "the resent code arrives");
}

#[tokio::test]
async fn the_pools_sender_must_be_an_address() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, _) = email_pool(&sdk).await;
    let bad = sdk
        .update_user_pool()
        .user_pool_id(&pool_id)
        .email_configuration(
            aws_sdk_cognitoidentityprovider::types::EmailConfigurationType::builder()
                .from("Cruddur\r\nBcc: victim@example.com <x@y.z>")
                .build(),
        )
        .send()
        .await;
    assert_eq!(code(bad), "InvalidParameterException");
    let described = sdk.describe_user_pool().user_pool_id(&pool_id).send().await.unwrap();
    let shown = described.user_pool().unwrap().email_configuration().unwrap();
    assert_eq!(shown.email_sending_account().map(|a| a.as_str()), Some("COGNITO_DEFAULT"));
}
