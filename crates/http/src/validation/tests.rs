//! The validator against the model, and against messages real Cognito answers were seen to give.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;

use super::*;

fn message(action: Action, body: Value) -> String {
    check(action, &body).expect_err("the body breaks a rule")
}

#[test]
fn every_pattern_compiles() {
    for (i, pattern) in model::PATTERNS.iter().enumerate() {
        assert!(
            Regex::new(pattern.rust).is_ok(),
            "pattern {i} ({}) does not compile as {}",
            pattern.java,
            pattern.rust
        );
    }
}

#[test]
fn the_tables_agree_with_the_regular_expressions() {
    let samples: Vec<String> = (0u32..0x250)
        .chain([0x85, 0x2028, 0x4e2d, 0x1F600])
        .filter_map(char::from_u32)
        .flat_map(|c| [c.to_string(), format!("a{c}"), c.to_string().repeat(3)])
        .chain([String::new()])
        .collect();
    for (i, pattern) in model::PATTERNS.iter().enumerate() {
        let Some(table) = &pattern.table else { continue };
        let re = Regex::new(pattern.rust).unwrap();
        for sample in &samples {
            assert_eq!(table.matches(sample), re.is_match(sample), "pattern {i} ({}) on {sample:?}", pattern.java);
        }
    }
}

#[test]
fn every_action_of_the_model_has_its_input() {
    for action in Action::ALL {
        assert!(model::input(*action).is_some(), "{} has no input shape", action.name());
    }
}

#[test]
fn a_valid_body_passes() {
    let body = json!({"ClientId": "abc123", "Username": "alice", "Password": "Passw0rd!",
        "UserAttributes": [{"Name": "email", "Value": "a@example.com"}], "ClientMetadata": {"k": "v"}});
    assert_eq!(check(Action::SignUp, &body), Ok(()));
}

#[test]
fn sign_up_with_empty_strings_reads_as_cognitos_answer() {
    // Cognito's answer as clients reported it (amazon-cognito-identity-js#388), whose password
    // rules were then min 6; the model now has no minimum, so only the pattern is broken.
    let text = message(Action::SignUp, json!({"ClientId": "abc", "Username": "", "Password": ""}));
    assert_eq!(
        text,
        "3 validation errors detected: \
         Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+; \
         Value at 'username' failed to satisfy constraint: Member must have length greater than or equal to 1; \
         Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+"
    );
}

#[test]
fn a_missing_member_is_null() {
    let text = message(Action::AdminGetUser, json!({"Username": "alice"}));
    assert_eq!(
        text,
        "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn an_enum_list_reads_as_the_reported_message() {
    // aws-amplify/amplify-cli#1264.
    let text = message(
        Action::UpdateUserPoolClient,
        json!({"UserPoolId": "us-east-1_abc", "ClientId": "abc", "AllowedOAuthFlows": ["token"]}),
    );
    assert_eq!(
        text,
        "1 validation error detected: Value '[token]' at 'allowedOAuthFlows' failed to satisfy constraint: \
         Member must satisfy constraint: [Member must satisfy enum value set: [implicit, client_credentials, code]]"
    );
}

#[test]
fn list_members_are_numbered_from_one() {
    let text = message(
        Action::AddCustomAttributes,
        json!({"UserPoolId": "us-east-1_abc", "CustomAttributes": [
            {"Name": "ok", "AttributeDataType": "String"},
            {"Name": "phone_number_verified", "AttributeDataType": "Text"}]}),
    );
    assert_eq!(
        text,
        "2 validation errors detected: \
         Value 'Text' at 'customAttributes.2.member.attributeDataType' failed to satisfy constraint: Member must satisfy enum value set: [String, Number, DateTime, Boolean]; \
         Value 'phone_number_verified' at 'customAttributes.2.member.name' failed to satisfy constraint: Member must have length less than or equal to 20"
    );
}

#[test]
fn numbers_are_quoted_and_ranges_named() {
    // aws/aws-sdk-js-v3#2335.
    let text = message(Action::ListUserPools, json!({"MaxResults": 0}));
    assert_eq!(
        text,
        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"
    );
}

#[test]
fn map_values_are_reported_at_the_map() {
    let long = "x".repeat(200);
    let text = message(
        Action::CreateIdentityProvider,
        json!({"UserPoolId": "us-east-1_abc", "ProviderName": "P", "ProviderType": "OIDC",
               "ProviderDetails": {}, "AttributeMapping": {long.clone(): "email"}}),
    );
    assert!(
        text.contains(&format!("Value '{{{long}=email}}' at 'attributeMapping' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 32, Member must have length greater than or equal to 1]")),
        "{text}"
    );
}

#[test]
fn sensitive_values_are_not_repeated() {
    let text = message(Action::InitiateAuth, json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "secret id!"}));
    assert_eq!(
        text,
        "1 validation error detected: Value at 'clientId' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: [\\w+]+"
    );
}

#[test]
fn lengths_count_utf16_units_as_java_does() {
    // 20 characters outside the Basic Multilingual Plane are 40 UTF-16 units: over 32.
    let name = "\u{1F600}".repeat(20);
    let text = message(
        Action::AdminDeleteUserAttributes,
        json!({"UserPoolId": "us-east-1_abc", "Username": "u", "UserAttributeNames": [name]}),
    );
    assert!(text.contains("Member must have length less than or equal to 32"), "{text}");
}

#[test]
fn java_classes_keep_their_ascii_meaning() {
    // `\w` in the model is Java's ASCII word class: a non-ASCII letter in a pool id is refused.
    let text = message(Action::DescribeUserPool, json!({"UserPoolId": "us-east-1_ab\u{e9}"}));
    assert!(text.contains("regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"), "{text}");
    assert_eq!(check(Action::DescribeUserPool, &json!({"UserPoolId": "us-east-1_abc"})), Ok(()));
}

#[test]
fn the_wrong_json_type_is_left_to_deserialisation() {
    assert_eq!(check(Action::ListUserPools, &json!({"MaxResults": "ten"})), Ok(()));
}

#[test]
fn blob_lengths_are_decoded_lengths() {
    assert_eq!(base64_len(""), 0);
    assert_eq!(base64_len("YQ=="), 1);
    assert_eq!(base64_len("YWI="), 2);
    assert_eq!(base64_len("YWJj"), 3);
    assert_eq!(base64_len("YQ"), 1);
}
