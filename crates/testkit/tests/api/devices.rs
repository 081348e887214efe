//! Remembered devices through the AWS SDK for Rust: NewDeviceMetadata, ConfirmDevice with a
//! verifier made here as Amplify makes it, DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER, a
//! remembered device standing in for the TOTP code, the list, status and forget actions and
//! their Admin twins — and the attacks: a wrong device secret, another user's device, a
//! forgotten device, a key the token was not issued for.
use crate::common::*;
use crate::mfa::{answer, code_now, set_up_totp};
use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, AuthenticationResultType, ChallengeNameType, DeviceConfigurationType, DeviceRememberedStatusType,
    DeviceSecretVerifierConfigType, SoftwareTokenMfaConfigType, UserPoolMfaType,
};
use aws_sdk_cognitoidentityprovider::Client;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use cognate_crypto::srp::{claim_signature, timestamp, verifier, ClientSession};

/// What a client keeps about its device after ConfirmDevice.
struct DeviceSecret {
    key: String,
    group_key: String,
    password: String,
}

/// A pool where a remembered device replaces the TOTP code, devices remembered on request, and
/// MFA optional with software tokens.
async fn device_pool(sdk: &Client, on_prompt: bool) -> (String, String) {
    let (pool_id, client_id) = email_pool(sdk).await;
    let pool = sdk.describe_user_pool().user_pool_id(&pool_id).send().await.unwrap();
    assert!(pool.user_pool().unwrap().device_configuration().is_none(), "no tracking until configured");
    sdk.update_user_pool()
        .user_pool_id(&pool_id)
        .auto_verified_attributes(aws_sdk_cognitoidentityprovider::types::VerifiedAttributeType::Email)
        .device_configuration(
            DeviceConfigurationType::builder()
                .challenge_required_on_new_device(true)
                .device_only_remembered_on_user_prompt(on_prompt)
                .build(),
        )
        .send()
        .await
        .unwrap();
    sdk.set_user_pool_mfa_config()
        .user_pool_id(&pool_id)
        .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
        .mfa_configuration(UserPoolMfaType::Optional)
        .send()
        .await
        .unwrap();
    (pool_id, client_id)
}

/// ConfirmDevice as Amplify does it: a random password, a verifier with the group key as the
/// pool name and the device key as the username.
async fn confirm(sdk: &Client, result: &AuthenticationResultType, password: &str) -> (DeviceSecret, bool) {
    let metadata = result.new_device_metadata().expect("a new device is named");
    let key = metadata.device_key().unwrap().to_owned();
    let group_key = metadata.device_group_key().unwrap().to_owned();
    let salt = [7u8; 16];
    let v = verifier(&group_key, &key, password, &salt);
    let confirmed = sdk
        .confirm_device()
        .access_token(result.access_token().unwrap())
        .device_key(&key)
        .device_name("Chromium on Linux")
        .device_secret_verifier_config(
            DeviceSecretVerifierConfigType::builder().password_verifier(B64.encode(&v)).salt(B64.encode(salt)).build(),
        )
        .send()
        .await
        .unwrap();
    (DeviceSecret { key, group_key, password: password.to_owned() }, confirmed.user_confirmation_necessary())
}

/// DEVICE_SRP_AUTH then DEVICE_PASSWORD_VERIFIER with the device's secret (or a wrong one).
async fn prove_device(
    server: &TestServer,
    sdk: &Client,
    client_id: &str,
    session: &str,
    username: &str,
    device: &DeviceSecret,
    password: &str,
) -> Result<RespondToAuthChallengeOutput, (String, String)> {
    let client = ClientSession::start([0x24; 128]);
    let srp_a = hex::encode(&client.public_a);
    let challenge = answer(
        sdk,
        client_id,
        ChallengeNameType::DeviceSrpAuth,
        session,
        &[("USERNAME", username), ("DEVICE_KEY", &device.key), ("SRP_A", &srp_a)],
    )
    .await
    .map_err(|e| error::<(), _>(Err(e)))?;
    assert_eq!(challenge.challenge_name(), Some(&ChallengeNameType::DevicePasswordVerifier));
    let p = challenge.challenge_parameters().unwrap();
    assert_eq!(p["DEVICE_KEY"], device.key);
    let decode = |h: &str| hex::decode(if h.len() % 2 == 1 { format!("0{h}") } else { h.to_owned() }).unwrap();
    let key = client.key(&decode(&p["SRP_B"]), &decode(&p["SALT"]), &device.group_key, &device.key, password).unwrap();
    let now = timestamp(server.clock.now_seconds());
    let block = B64.decode(&p["SECRET_BLOCK"]).unwrap();
    let signature = B64.encode(claim_signature(&key, &device.group_key, &device.key, &block, &now));
    answer(
        sdk,
        client_id,
        ChallengeNameType::DevicePasswordVerifier,
        challenge.session().unwrap(),
        &[
            ("USERNAME", &p["USERNAME"]),
            ("DEVICE_KEY", &device.key),
            ("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"]),
            ("TIMESTAMP", &now),
            ("PASSWORD_CLAIM_SIGNATURE", &signature),
        ],
    )
    .await
    .map_err(|e| error::<(), _>(Err(e)))
}

#[tokio::test]
async fn a_remembered_device_stands_in_for_the_totp_code() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = device_pool(&sdk, true).await;
    let described = sdk.describe_user_pool().user_pool_id(&pool_id).send().await.unwrap();
    let tracking = described.user_pool().unwrap().device_configuration().unwrap();
    assert!(tracking.challenge_required_on_new_device());
    assert!(tracking.device_only_remembered_on_user_prompt());
    let email = "devices@example.com";
    confirmed_user(&server, &sdk, &client_id, email).await;
    let secret = set_up_totp(&server, &sdk, &client_id, email).await;

    // A new device: the TOTP code, then tokens that name a new device.
    let first = sign_in(&sdk, &client_id, email, PASSWORD).await.unwrap();
    assert_eq!(first.challenge_name(), Some(&ChallengeNameType::SoftwareTokenMfa));
    let username = first.challenge_parameters().unwrap()["USER_ID_FOR_SRP"].clone();
    let totp = code_now(&server, &secret);
    let done = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SoftwareTokenMfa,
        first.session().unwrap(),
        &[("USERNAME", &username), ("SOFTWARE_TOKEN_MFA_CODE", &totp)],
    )
    .await
    .unwrap();
    let result = done.authentication_result().unwrap();
    let access = jwt_claims(result.access_token().unwrap());
    let metadata = result.new_device_metadata().unwrap();
    assert_eq!(access["device_key"], metadata.device_key().unwrap());
    assert!(metadata.device_key().unwrap().starts_with("us-east-1_"), "{metadata:?}");
    assert!(metadata.device_group_key().unwrap().starts_with('-'));

    // Only the device the token was issued for can be confirmed with it.
    let other = sdk
        .confirm_device()
        .access_token(result.access_token().unwrap())
        .device_key("us-east-1_00000000-0000-0000-0000-000000000000")
        .device_secret_verifier_config(
            DeviceSecretVerifierConfigType::builder().password_verifier(B64.encode([5u8; 384])).salt("AA==").build(),
        )
        .send()
        .await;
    assert_eq!(code(other), "InvalidParameterException");
    let (device, necessary) = confirm(&sdk, result, "device-password-1").await;
    assert!(necessary, "remembered only when the user says so");
    let again = sdk
        .confirm_device()
        .access_token(result.access_token().unwrap())
        .device_key(&device.key)
        .device_secret_verifier_config(
            DeviceSecretVerifierConfigType::builder()
                .password_verifier(B64.encode(verifier(&device.group_key, &device.key, "x", &[1])))
                .salt("AQ==")
                .build(),
        )
        .send()
        .await;
    assert_eq!(code(again), "DeviceKeyExistsException");
    let listed = sdk.list_devices().access_token(result.access_token().unwrap()).send().await.unwrap();
    assert_eq!(listed.devices().len(), 1);
    let attributes: Vec<(&str, &str)> =
        listed.devices()[0].device_attributes().iter().map(|a| (a.name(), a.value().unwrap_or(""))).collect();
    assert!(attributes.contains(&("device_name", "Chromium on Linux")), "{attributes:?}");
    assert!(attributes.contains(&("dev:device_remembered_status", "not_remembered")), "{attributes:?}");

    // Tracked, not remembered: the code is still asked for, then the device proves itself.
    server.clock.advance(30);
    let tracked = sign_in_with(&sdk, &client_id, email, PASSWORD, &[("DEVICE_KEY", &device.key)]).await.unwrap();
    assert_eq!(tracked.challenge_name(), Some(&ChallengeNameType::SoftwareTokenMfa));
    let totp = code_now(&server, &secret);
    let device_step = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SoftwareTokenMfa,
        tracked.session().unwrap(),
        &[("USERNAME", &username), ("SOFTWARE_TOKEN_MFA_CODE", &totp), ("DEVICE_KEY", &device.key)],
    )
    .await
    .unwrap();
    assert_eq!(device_step.challenge_name(), Some(&ChallengeNameType::DeviceSrpAuth));
    let proven =
        prove_device(&server, &sdk, &client_id, device_step.session().unwrap(), &username, &device, &device.password)
            .await
            .unwrap();
    let result = proven.authentication_result().unwrap();
    assert!(result.new_device_metadata().is_none(), "a known device is not new");
    assert_eq!(jwt_claims(result.access_token().unwrap())["device_key"], device.key.as_str());

    // Remembered: no code at all; the device's proof is the second factor.
    sdk.update_device_status()
        .access_token(result.access_token().unwrap())
        .device_key(&device.key)
        .device_remembered_status(DeviceRememberedStatusType::Remembered)
        .send()
        .await
        .unwrap();
    let remembered = sign_in_with(&sdk, &client_id, email, PASSWORD, &[("DEVICE_KEY", &device.key)]).await.unwrap();
    assert_eq!(remembered.challenge_name(), Some(&ChallengeNameType::DeviceSrpAuth));
    let wrong =
        prove_device(&server, &sdk, &client_id, remembered.session().unwrap(), &username, &device, "not-the-secret")
            .await;
    assert_eq!(wrong.unwrap_err(), ("NotAuthorizedException".to_owned(), "Incorrect username or password.".to_owned()));
    let remembered = sign_in_with(&sdk, &client_id, email, PASSWORD, &[("DEVICE_KEY", &device.key)]).await.unwrap();
    let session = remembered.session().unwrap().to_owned();
    let proven = prove_device(&server, &sdk, &client_id, &session, &username, &device, &device.password).await.unwrap();
    let result = proven.authentication_result().unwrap();
    assert_eq!(jwt_claims(result.access_token().unwrap())["device_key"], device.key.as_str());
    let replay = prove_device(&server, &sdk, &client_id, &session, &username, &device, &device.password).await;
    assert_eq!(replay.unwrap_err().0, "NotAuthorizedException", "a device session works once");

    // A refresh keeps naming the device.
    let refreshed = sdk
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", result.refresh_token().unwrap())
        .auth_parameters("DEVICE_KEY", &device.key)
        .send()
        .await
        .unwrap();
    let access = refreshed.authentication_result().unwrap().access_token().unwrap();
    assert_eq!(jwt_claims(access)["device_key"], device.key.as_str());

    // The admin side sees it, and forgetting it makes the key unknown to sign-in.
    let admin = sdk.admin_list_devices().user_pool_id(&pool_id).username(email).send().await.unwrap();
    assert_eq!(admin.devices()[0].device_key(), Some(device.key.as_str()));
    let shown =
        sdk.admin_get_device().user_pool_id(&pool_id).username(email).device_key(&device.key).send().await.unwrap();
    assert!(shown.device().unwrap().device_attributes().iter().any(|a| a.value() == Some("remembered")));
    sdk.admin_forget_device().user_pool_id(&pool_id).username(email).device_key(&device.key).send().await.unwrap();
    assert_eq!(
        error(sign_in_with(&sdk, &client_id, email, PASSWORD, &[("DEVICE_KEY", &device.key)]).await),
        ("ResourceNotFoundException".to_owned(), "Device does not exist.".to_owned()),
        "Amplify forgets the device and signs in again when it reads this"
    );
    let forgotten = sdk.get_device().access_token(access).device_key(&device.key).send().await;
    assert_eq!(code(forgotten), "ResourceNotFoundException");
}

#[tokio::test]
async fn a_device_names_its_owner_only() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = device_pool(&sdk, false).await;
    confirmed_user(&server, &sdk, &client_id, "owner@example.com").await;
    confirmed_user(&server, &sdk, &client_id, "other@example.com").await;

    // Without MFA, a new device is remembered at once (DeviceOnlyRememberedOnUserPrompt false).
    let signed_in = sign_in(&sdk, &client_id, "owner@example.com", PASSWORD).await.unwrap();
    let (device, necessary) = confirm(&sdk, signed_in.authentication_result().unwrap(), "owner-device").await;
    assert!(!necessary);
    let next =
        sign_in_with(&sdk, &client_id, "owner@example.com", PASSWORD, &[("DEVICE_KEY", &device.key)]).await.unwrap();
    assert_eq!(next.challenge_name(), Some(&ChallengeNameType::DeviceSrpAuth), "a known device always proves itself");

    // Another user cannot sign in with it, see it or forget it.
    assert_eq!(
        error(sign_in_with(&sdk, &client_id, "other@example.com", PASSWORD, &[("DEVICE_KEY", &device.key)]).await),
        ("ResourceNotFoundException".to_owned(), "Device does not exist.".to_owned())
    );
    let other = sign_in(&sdk, &client_id, "other@example.com", PASSWORD).await.unwrap();
    let other_access = other.authentication_result().unwrap().access_token().unwrap();
    let seen = sdk.get_device().access_token(other_access).device_key(&device.key).send().await;
    assert_eq!(code(seen), "ResourceNotFoundException");
    let forgot = sdk.forget_device().access_token(other_access).device_key(&device.key).send().await;
    assert_eq!(code(forgot), "ResourceNotFoundException");
    let listed = sdk.list_devices().access_token(other_access).send().await.unwrap();
    assert!(listed.devices().is_empty());
    let admin_seen = sdk
        .admin_get_device()
        .user_pool_id(&pool_id)
        .username("other@example.com")
        .device_key(&device.key)
        .send()
        .await;
    assert_eq!(code(admin_seen), "ResourceNotFoundException");

    // A bad status is AWS's validation error; a verifier of 0 or 1 is refused.
    let owner_access = signed_in.authentication_result().unwrap().access_token().unwrap();
    let bad = sdk
        .update_device_status()
        .access_token(owner_access)
        .device_key(&device.key)
        .device_remembered_status(DeviceRememberedStatusType::from("forever"))
        .send()
        .await;
    assert_eq!(code(bad), "InvalidParameterException");
    let fresh = sign_in(&sdk, &client_id, "other@example.com", PASSWORD).await.unwrap();
    let result = fresh.authentication_result().unwrap();
    let trivial = sdk
        .confirm_device()
        .access_token(result.access_token().unwrap())
        .device_key(result.new_device_metadata().unwrap().device_key().unwrap())
        .device_secret_verifier_config(
            DeviceSecretVerifierConfigType::builder().password_verifier(B64.encode([1u8])).salt("AQ==").build(),
        )
        .send()
        .await;
    assert_eq!(code(trivial), "InvalidParameterException");

    // The admin flows do not track devices (as Cognito's).
    let admin = sdk
        .admin_initiate_auth()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "owner@example.com")
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("DEVICE_KEY", &device.key)
        .send()
        .await
        .unwrap();
    assert!(admin.authentication_result().unwrap().new_device_metadata().is_none());

    // Paging: one device a page, every device once.
    for _ in 0..2 {
        let again = sign_in(&sdk, &client_id, "owner@example.com", PASSWORD).await.unwrap();
        confirm(&sdk, again.authentication_result().unwrap(), "more").await;
    }
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = sdk
            .admin_list_devices()
            .user_pool_id(&pool_id)
            .username("owner@example.com")
            .limit(1)
            .set_pagination_token(token)
            .send()
            .await
            .unwrap();
        seen.extend(page.devices().iter().map(|d| d.device_key().unwrap().to_owned()));
        token = page.pagination_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 3);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
}
