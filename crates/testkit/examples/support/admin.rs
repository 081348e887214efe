//! The bench's admin client: the AWS SDK signing its calls with the key `bench/serve.sh` gives
//! the server.

use aws_credential_types::Credentials;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Region};
use aws_sdk_cognitoidentityprovider::Client;

/// An SDK client for the server at `url`, signed with the bench's key.
pub fn admin(url: &str) -> Client {
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(Credentials::new("AKIABENCHCOGNATE0001", "bench-secret", None, None, "bench"))
        .build();
    Client::from_conf(config)
}
