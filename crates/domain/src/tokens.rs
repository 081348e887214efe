//! Token issuing and checking: Cognito-shaped id and access token claims, opaque refresh tokens,
//! and the verification of access tokens presented to the API.

use serde::Deserialize;
use serde_json::{Map, Value};

use cognate_crypto::jwt::split_token;
use cognate_crypto::{mac, random};

use crate::clock::UnixTime;
use crate::devices::NewDevice;
use crate::error::{DomainError, Result};
use crate::model::{AppClient, AttributeDataType, AuthEvent, Group, KeyPurpose, Pool, RefreshTokenRecord, User};
use crate::triggers::{Claims, TokenSource, Trigger};
use crate::Cognate;

/// The scope Cognito puts in access tokens issued by its API (not by OAuth).
pub const USER_ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// Why a code exchange found its code spent by another exchange of the same code.
pub(crate) const CODE_SPENT: &str = "The code was used by another request.";

/// Tokens handed out after a successful authentication or refresh.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    pub access_token: String,
    /// Absent when an OAuth sign-in did not ask for `openid`.
    pub id_token: Option<String>,
    /// Present on sign-in, and on a rotating client's refresh.
    pub refresh_token: Option<String>,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// A device named for the first time (tracked pools), for the client to confirm.
    pub new_device: Option<NewDevice>,
}

/// What a valid access token says about its bearer.
#[derive(Debug, Clone)]
pub struct AccessContext {
    pub pool_id: String,
    pub sub: String,
    pub username: String,
    pub client_id: String,
    pub origin_jti: String,
    /// The device the sign-in was made on (`device_key`), in pools that track devices.
    pub device_key: Option<String>,
}

/// A refresh token rotated out: its digest, until when it still works, and the expiry its
/// replacement inherits (rotation does not stretch the sign-in's refresh-token validity).
pub(crate) struct Rotation {
    pub replaced: String,
    pub rotated_until: UnixTime,
    pub expires: UnixTime,
}

/// Which authentication the tokens stem from: its `origin_jti` and when it happened.
pub(crate) struct Origin {
    pub origin_jti: String,
    pub auth_time: UnixTime,
}

/// What a set of tokens grants: the sign-in it stems from, whether it starts a session (a new
/// refresh token), and for OAuth sign-ins the granted scopes and the client's `nonce`.
pub(crate) struct Grant {
    pub origin: Origin,
    pub mint_refresh_token: bool,
    /// A rotating client's refresh: the new refresh token replaces this one.
    pub rotates: Option<Rotation>,
    /// A code exchange: the digest of the authorization code that the new refresh token spends.
    pub spends_code: Option<String>,
    /// `None` for a sign-in through the API.
    pub scopes: Option<Vec<String>>,
    pub nonce: Option<String>,
    /// The device the tokens name (`device_key` in the access token).
    pub device_key: Option<String>,
    /// What led to the tokens, as the pre-token trigger is told.
    pub source: TokenSource,
}

impl Grant {
    /// A new sign-in through the API, at `now`.
    pub(crate) fn api_sign_in(now: UnixTime) -> Self {
        Self {
            origin: Origin { origin_jti: random::uuid(), auth_time: now },
            mint_refresh_token: true,
            rotates: None,
            spends_code: None,
            scopes: None,
            nonce: None,
            device_key: None,
            source: TokenSource::Authentication,
        }
    }

    /// The same grant, told to the pre-token trigger as coming from `source`.
    pub(crate) fn from(self, source: TokenSource) -> Self {
        Self { source, ..self }
    }

    /// The implicit flow's tokens for a sign-in on the hosted pages at `auth_time`: no refresh token.
    pub(crate) fn implicit(auth_time: UnixTime, scopes: Vec<String>, nonce: Option<String>) -> Self {
        Self {
            origin: Origin { origin_jti: random::uuid(), auth_time },
            mint_refresh_token: false,
            rotates: None,
            spends_code: None,
            scopes: Some(scopes),
            nonce,
            device_key: None,
            source: TokenSource::HostedAuth,
        }
    }

    /// A code exchange's tokens: the sign-in's `origin` was chosen when the code was issued (so that
    /// a replay of the code can revoke them), and storing the refresh token spends the code.
    pub(crate) fn code_exchange(
        origin: Origin,
        code_digest: String,
        scopes: Vec<String>,
        nonce: Option<String>,
    ) -> Self {
        Self {
            origin,
            mint_refresh_token: true,
            rotates: None,
            spends_code: Some(code_digest),
            scopes: Some(scopes),
            nonce,
            device_key: None,
            source: TokenSource::HostedAuth,
        }
    }

    /// New id and access tokens for a refresh token, with the scopes it was granted; with
    /// `rotates`, a new refresh token too.
    pub(crate) fn refresh(record: &RefreshTokenRecord, rotates: Option<Rotation>) -> Self {
        Self {
            origin: Origin { origin_jti: record.origin_jti.clone(), auth_time: record.auth_time },
            mint_refresh_token: rotates.is_some(),
            rotates,
            spends_code: None,
            scopes: record.scopes.as_deref().map(|s| s.split(' ').map(str::to_owned).collect()),
            nonce: None,
            device_key: record.device_key.clone(),
            source: TokenSource::RefreshTokens,
        }
    }
}

#[derive(Deserialize)]
struct AccessClaims {
    sub: String,
    iss: String,
    token_use: String,
    exp: i64,
    client_id: String,
    #[serde(default)]
    scope: String,
    /// Absent from client-credentials tokens, which have no user.
    username: Option<String>,
    origin_jti: Option<String>,
    device_key: Option<String>,
}

impl Cognate {
    /// The `iss` of a pool's tokens: `<public_url>/<poolId>`, or with AWS-shaped issuers
    /// `https://cognito-idp.<region>.amazonaws.com/<poolId>` (the region is the pool id's prefix).
    pub fn issuer(&self, pool_id: &str) -> String {
        if self.config.aws_issuer {
            let region = pool_id.split_once('_').map_or(self.config.region.as_str(), |(region, _)| region);
            format!("https://cognito-idp.{region}.amazonaws.com/{pool_id}")
        } else {
            format!("{}/{}", self.config.public_url, pool_id)
        }
    }

    /// Where this server publishes a pool's keys (whatever the issuer looks like).
    pub fn jwks_uri(&self, pool_id: &str) -> String {
        format!("{}/{}/.well-known/jwks.json", self.config.public_url, pool_id)
    }

    /// Signs the tokens of `grant` for `user`; when it mints a refresh token, stores it and the
    /// sign-in's `event` with the same store call that reads the user's groups. A code exchange
    /// whose code another exchange spent first stores nothing and fails with `ExpiredCode`.
    pub(crate) async fn issue_tokens(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        grant: Grant,
        event: Option<AuthEvent>,
    ) -> Result<IssuedTokens> {
        let now = self.clock.now();
        let Grant { origin, mint_refresh_token, rotates, spends_code, scopes, nonce, device_key, source } = grant;
        let keys = self.keys.for_pool(self.store.as_ref(), &pool.id, now).await?;
        let issuer = self.issuer(&pool.id);
        let event_id = random::uuid();
        let access_seconds = client.settings.access_token_validity.seconds();

        let mut access = Map::new();
        access.insert("sub".into(), user.sub.clone().into());
        access.insert("iss".into(), issuer.clone().into());
        access.insert("client_id".into(), client.id.clone().into());
        access.insert("origin_jti".into(), origin.origin_jti.clone().into());
        access.insert("event_id".into(), event_id.clone().into());
        access.insert("token_use".into(), "access".into());
        match &scopes {
            // Tokens from the OAuth endpoints carry the granted scopes and `version: 2`, as Cognito's do.
            Some(scopes) => {
                access.insert("scope".into(), scopes.join(" ").into());
                access.insert("version".into(), 2.into());
            }
            None => {
                access.insert("scope".into(), USER_ADMIN_SCOPE.into());
            }
        }
        access.insert("auth_time".into(), origin.auth_time.into());
        access.insert("exp".into(), (now + access_seconds).into());
        access.insert("iat".into(), now.into());
        access.insert("jti".into(), random::uuid().into());
        access.insert("username".into(), user.username.clone().into());
        if let Some(device_key) = &device_key {
            access.insert("device_key".into(), device_key.clone().into());
        }

        // Only `openid` gets an id token from the OAuth endpoints; the API always gives one.
        let wants_id_token = scopes.as_ref().is_none_or(|s| s.iter().any(|s| s == "openid"));
        let mut id = Map::new();
        id.insert("sub".into(), user.sub.clone().into());
        for (name, value) in readable_attributes(pool, client, user, scopes.as_deref()) {
            id.insert(name, value);
        }
        id.insert("iss".into(), issuer.into());
        id.insert("cognito:username".into(), user.username.clone().into());
        id.insert("origin_jti".into(), origin.origin_jti.clone().into());
        id.insert("aud".into(), client.id.clone().into());
        id.insert("event_id".into(), event_id.into());
        id.insert("token_use".into(), "id".into());
        id.insert("auth_time".into(), origin.auth_time.into());
        id.insert("exp".into(), (now + client.settings.id_token_validity.seconds()).into());
        id.insert("iat".into(), now.into());
        id.insert("jti".into(), random::uuid().into());
        if let Some(nonce) = nonce {
            id.insert("nonce".into(), nonce.into());
        }

        // The pre-token trigger runs before anything is stored, so that its refusal leaves no
        // session behind; it needs the groups first (one more read, only for such pools).
        let customized = pool.settings.triggers.function(Trigger::PreTokenGeneration).is_some();
        if customized {
            let groups = self.store.groups_for_user(&pool.id, &user.sub).await?;
            add_group_claims(&groups, &mut id, &mut access);
            let claims = Claims { id: &mut id, access: &mut access };
            self.pre_token_generation(pool, client, user, source, &groups, claims).await?;
        }

        let refresh_token = mint_refresh_token.then(random::opaque_token);
        let groups = match &refresh_token {
            Some(token) => {
                let record = RefreshTokenRecord {
                    digest: mac::token_digest(token),
                    pool_id: pool.id.clone(),
                    client_id: client.id.clone(),
                    sub: user.sub.clone(),
                    origin_jti: origin.origin_jti.clone(),
                    auth_time: origin.auth_time,
                    expires: rotates
                        .as_ref()
                        .map_or(now + client.settings.refresh_token_validity.seconds(), |r| r.expires),
                    revoked: false,
                    scopes: scopes.as_ref().map(|s| s.join(" ")),
                    rotated_until: None,
                    device_key: device_key.clone(),
                };
                match (&rotates, &spends_code) {
                    (Some(rotation), _) => {
                        self.store.rotate_refresh_token(&record, &rotation.replaced, rotation.rotated_until).await?
                    }
                    (None, Some(code)) => self
                        .store
                        .redeem_authorization_code(code, &record)
                        .await?
                        .ok_or_else(|| DomainError::ExpiredCode(CODE_SPENT.into()))?,
                    (None, None) => self.store.start_session(&record, event.as_ref()).await?,
                }
            }
            None => {
                if let Some(event) = &event {
                    self.store.record_auth_event(&pool.id, &user.sub, event).await?;
                }
                self.store.groups_for_user(&pool.id, &user.sub).await?
            }
        };
        if !customized {
            add_group_claims(&groups, &mut id, &mut access);
        }
        let access_token = keys.access_key.sign(&access).map_err(DomainError::internal)?;
        let id_token = if wants_id_token {
            if scopes.is_some() {
                id.insert("at_hash".into(), mac::at_hash(&access_token).into());
            }
            Some(keys.id_key.sign(&id).map_err(DomainError::internal)?)
        } else {
            None
        };
        Ok(IssuedTokens { access_token, id_token, refresh_token, expires_in: access_seconds, new_device: None })
    }

    /// Checks an access token presented to a public action: signature by a known pool key meant
    /// for access tokens, `token_use`, issuer, expiry, revocation, and the scope the
    /// self-service API needs.
    pub async fn authenticate_access_token(&self, token: &str) -> Result<AccessContext> {
        let (context, scope) = self.verify_user_access_token(token).await?;
        // An SDK sign-in always grants this scope; OAuth tokens have it only when it was asked
        // for, and client-credentials tokens never.
        if !scope.split(' ').any(|s| s == USER_ADMIN_SCOPE) {
            return Err(DomainError::not_authorized("Access Token does not have required scopes"));
        }
        Ok(context)
    }

    /// An access token of a user (not of a client alone), checked but for its scopes, which
    /// come back with what it says.
    pub(crate) async fn verify_user_access_token(&self, token: &str) -> Result<(AccessContext, String)> {
        let invalid = || DomainError::not_authorized("Invalid Access Token");
        let split = split_token(token).map_err(|_| invalid())?;
        let keys = self.keys.for_kid(self.store.as_ref(), &split.kid, self.clock.now()).await?.ok_or_else(invalid)?;
        let Some((KeyPurpose::Access, key)) = keys.all.get(&split.kid) else { return Err(invalid()) };
        key.verify(&split).map_err(|_| invalid())?;
        let claims: AccessClaims = serde_json::from_slice(&split.payload).map_err(|_| invalid())?;
        if claims.token_use != "access" || claims.iss != self.issuer(&keys.pool_id) {
            return Err(invalid());
        }
        if claims.exp <= self.clock.now() {
            return Err(DomainError::not_authorized("Access Token has expired"));
        }
        let (Some(username), Some(origin_jti)) = (claims.username, claims.origin_jti) else {
            // A client-credentials token has no user: it lacks the scope the API needs.
            return Err(DomainError::not_authorized("Access Token does not have required scopes"));
        };
        if self.store.is_origin_revoked(&origin_jti).await? {
            return Err(DomainError::not_authorized("Access Token has been revoked"));
        }
        let context = AccessContext {
            pool_id: keys.pool_id.clone(),
            sub: claims.sub,
            username,
            client_id: claims.client_id,
            origin_jti,
            device_key: claims.device_key,
        };
        Ok((context, claims.scope))
    }
}

/// `cognito:groups` in both tokens, ordered by precedence as Cognito orders them, and in the id
/// token the groups' roles, the preferred one being the role of the first group that has one.
fn add_group_claims(groups: &[Group], id: &mut Map<String, Value>, access: &mut Map<String, Value>) {
    if groups.is_empty() {
        return;
    }
    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    access.insert("cognito:groups".into(), names.clone().into());
    id.insert("cognito:groups".into(), names.into());
    let roles: Vec<&str> = groups.iter().filter_map(|g| g.role_arn.as_deref()).collect();
    if let Some(preferred) = roles.first() {
        id.insert("cognito:preferred_role".into(), (*preferred).into());
        id.insert("cognito:roles".into(), roles.clone().into());
    }
}

/// The user's attributes as id-token claims, limited to what the client may read and, for an
/// OAuth sign-in, to what its scopes release; booleans and numbers typed as Cognito types them.
fn readable_attributes(
    pool: &Pool,
    client: &AppClient,
    user: &User,
    scopes: Option<&[String]>,
) -> Vec<(String, Value)> {
    user.attributes
        .iter()
        .filter(|(name, _)| client_may_read(client, name))
        .filter(|(name, _)| {
            // A federated user's `identities` comes with every id token, as on Cognito.
            *name == "identities" || scopes.is_none_or(|scopes| crate::oauth::scopes::releases(scopes, name))
        })
        .map(|(name, value)| {
            if name == "identities" {
                return (name.clone(), identities_claim(value));
            }
            let data_type = pool.schema.iter().find(|a| a.name == *name).map(|a| a.data_type);
            let typed = match data_type {
                Some(AttributeDataType::Boolean) if !name.starts_with("custom:") => Value::Bool(value == "true"),
                Some(AttributeDataType::Number) if !name.starts_with("custom:") => {
                    value.parse::<i64>().map(Value::from).unwrap_or_else(|_| value.clone().into())
                }
                _ => value.clone().into(),
            };
            (name.clone(), typed)
        })
        .collect()
}

/// The `identities` claim of a federated user's id token, shaped as Cognito's: the attribute's
/// JSON array, with `primary` and `dateCreated` as strings.
fn identities_claim(attribute: &str) -> Value {
    let Ok(Value::Array(mut identities)) = serde_json::from_str::<Value>(attribute) else {
        return Value::String(attribute.to_owned());
    };
    for identity in &mut identities {
        if let Some(fields) = identity.as_object_mut() {
            for key in ["primary", "dateCreated"] {
                if let Some(value) = fields.get_mut(key) {
                    if !value.is_string() {
                        *value = Value::String(value.to_string());
                    }
                }
            }
        }
    }
    Value::Array(identities)
}

/// Whether the client's read attributes include `name` (an empty list means every attribute).
pub(crate) fn client_may_read(client: &AppClient, name: &str) -> bool {
    client.settings.read_attributes.is_empty() || client.settings.read_attributes.iter().any(|r| r == name)
}
