//! Remembered devices: the pool's DeviceConfiguration in effect, the device a sign-in names
//! (new, or one that proves itself), ConfirmDevice and the actions that list, show, remember and
//! forget a user's devices (public with an access token, and their Admin twins).

mod signin;

use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD as B64URL};
use base64::Engine;
use cognate_crypto::{mac, random, seal, srp};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Result, StoreError};
use crate::model::{Device, Pool, User};
use crate::Cognate;

/// ListDevices' largest page (the service model's `Limit` range is 0..=60).
pub const MAX_PAGE: i64 = 60;

/// What a sign-in does about devices, decided when the password is proven.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DeviceIntent {
    /// No device named, in a pool that tracks them: the tokens name a new one
    /// (NewDeviceMetadata), for the client to confirm.
    New,
    /// A confirmed device named by DEVICE_KEY: it proves itself (DEVICE_SRP_AUTH) last.
    Known { key: String, sub: String, remembered: bool },
}

impl DeviceIntent {
    /// A device key names a device of its owner only; anyone else's is "not found".
    pub(crate) fn check_owner(&self, user: &User) -> Result<()> {
        match self {
            Self::Known { sub, .. } if sub != &user.sub => Err(device_not_found()),
            _ => Ok(()),
        }
    }

    /// Whether this device stands in for an SMS or TOTP code: remembered, in a pool whose
    /// ChallengeRequiredOnNewDevice is on.
    pub(crate) fn replaces_mfa(&self, pool: &Pool) -> bool {
        let skips = pool.settings.devices.is_some_and(|d| d.remembered_skips_mfa);
        matches!(self, Self::Known { remembered: true, .. }) && skips
    }
}

/// The device that a sign-in's tokens name.
pub(crate) enum TokenDevice {
    /// Named for the first time: its metadata goes with the tokens.
    New(NewDevice),
    /// A device that just proved itself.
    Proven(String),
}

impl TokenDevice {
    pub(crate) fn key(&self) -> &str {
        match self {
            Self::New(new) => &new.key,
            Self::Proven(key) => key,
        }
    }
}

/// `NewDeviceMetadata`: the key and group key of a device the client should confirm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDevice {
    pub key: String,
    pub group_key: String,
}

/// A device as the API shows it.
#[derive(Debug, Clone)]
pub struct DeviceView {
    pub key: String,
    /// `device_status`, `device_name`, `dev:device_remembered_status`, as Cognito names them.
    pub attributes: Vec<(String, String)>,
    pub created: i64,
    pub modified: i64,
    pub last_authenticated: i64,
}

impl DeviceView {
    fn of(device: Device) -> Self {
        let mut attributes = vec![("device_status".to_owned(), "valid".to_owned())];
        if let Some(name) = device.name {
            attributes.push(("device_name".into(), name));
        }
        let remembered = if device.remembered { "remembered" } else { "not_remembered" };
        attributes.push(("dev:device_remembered_status".into(), remembered.into()));
        Self {
            key: device.key,
            attributes,
            created: device.created,
            modified: device.modified,
            last_authenticated: device.last_authenticated,
        }
    }
}

/// A page of ListDevices / AdminListDevices.
#[derive(Debug, Clone)]
pub struct DevicePage {
    pub devices: Vec<DeviceView>,
    pub next: Option<String>,
}

/// ConfirmDevice's input: the device's SRP verifier and salt (base64) and its name.
#[derive(Debug, Clone)]
pub struct DeviceConfirmation {
    pub key: String,
    pub verifier: Option<String>,
    pub salt: Option<String>,
    pub name: Option<String>,
}

pub(crate) fn device_not_found() -> DomainError {
    // amazon-cognito-identity-js and Amplify match on this text to forget the device and retry.
    DomainError::ResourceNotFound("Device does not exist.".into())
}

fn remembered_status(value: &str) -> Result<bool> {
    match value {
        "remembered" => Ok(true),
        "not_remembered" => Ok(false),
        other => Err(DomainError::invalid(format!(
            "1 validation error detected: Value '{other}' at 'deviceRememberedStatus' failed to satisfy constraint: Member must satisfy enum value set: [remembered, not_remembered]"
        ))),
    }
}

/// The device key of a ListDevices page's last device, as the next page's token.
fn page_token(key: &str) -> String {
    B64URL.encode(key)
}

fn page_after(token: Option<&str>) -> Result<Option<String>> {
    let invalid = || DomainError::invalid("Invalid pagination token.");
    token
        .map(|t| {
            let bytes = B64URL.decode(t).map_err(|_| invalid())?;
            String::from_utf8(bytes).map_err(|_| invalid())
        })
        .transpose()
}

impl Cognate {
    /// What a sign-in whose password step names `key` (DEVICE_KEY) does about devices: nothing
    /// in a pool that does not track them, or on the admin flows (which Cognito does not track);
    /// a new device when none is named; the named device, which must exist.
    pub(crate) async fn device_intent(
        &self,
        pool: &Pool,
        admin: bool,
        key: Option<&str>,
    ) -> Result<Option<DeviceIntent>> {
        if pool.settings.devices.is_none() || admin {
            return Ok(None);
        }
        let Some(key) = key.filter(|k| !k.is_empty()) else { return Ok(Some(DeviceIntent::New)) };
        if key.len() > 55 {
            return Err(device_not_found());
        }
        let device = self.store.get_device(&pool.id, key).await?.ok_or_else(device_not_found)?;
        Ok(Some(DeviceIntent::Known { key: device.key, sub: device.sub, remembered: device.remembered }))
    }

    /// A new device key for `user` (`<region>_<uuid>`, as Cognito's) and the user's group key.
    pub(crate) fn new_device_key(&self, pool: &Pool, user: &User) -> TokenDevice {
        let region = pool.id.split_once('_').map_or(self.config.region.as_str(), |(region, _)| region);
        TokenDevice::New(NewDevice { key: format!("{region}_{}", random::uuid()), group_key: self.group_key(user) })
    }

    /// The user's device group key (the "pool name" of their devices' SRP): derived, so that
    /// nothing is stored until a device is confirmed.
    fn group_key(&self, user: &User) -> String {
        let digest =
            mac::hmac_sha256(&self.config.code_key, &[b"device-group", user.pool_id.as_bytes(), user.sub.as_bytes()]);
        format!("-{}", &B64URL.encode(digest)[..8])
    }

    fn device_seal_key(&self) -> [u8; 32] {
        mac::hmac_sha256(&self.config.code_key, &[b"device-verifier-seal"])
    }

    fn device_seal_context(device: &Device) -> String {
        format!("{}/{}/{}", device.pool_id, device.sub, device.key)
    }

    /// The device's verifier, opened.
    pub(crate) fn device_verifier(&self, device: &Device) -> Result<Vec<u8>> {
        seal::open(&self.device_seal_key(), Self::device_seal_context(device).as_bytes(), &device.verifier)
            .ok_or_else(|| DomainError::internal("a device verifier does not open with this server's key"))
    }

    /// ConfirmDevice: the device the bearer's sign-in named, confirmed with its SRP verifier.
    /// Returns whether the user must still choose to remember it (UserConfirmationNecessary).
    pub async fn confirm_device(&self, access_token: &str, input: DeviceConfirmation) -> Result<bool> {
        let (context, user) = self.token_user(access_token).await?;
        let pool = self.pool(&context.pool_id).await?;
        let Some(tracking) = pool.settings.devices else {
            return Err(DomainError::invalid("Device tracking is not enabled for this user pool."));
        };
        if context.device_key.as_deref() != Some(input.key.as_str()) {
            return Err(DomainError::invalid("The device key is not the one this access token was issued for."));
        }
        let decode = |value: Option<&str>, what: &str| -> Result<Vec<u8>> {
            let bad = || DomainError::invalid(format!("DeviceSecretVerifierConfig.{what} is not valid base64."));
            let value =
                value.ok_or_else(|| DomainError::invalid(format!("Missing DeviceSecretVerifierConfig.{what}")))?;
            B64.decode(value).map_err(|_| bad())
        };
        let verifier = decode(input.verifier.as_deref(), "PasswordVerifier")?;
        let salt = decode(input.salt.as_deref(), "Salt")?;
        if !srp::usable_verifier(&verifier) {
            return Err(DomainError::invalid(
                "DeviceSecretVerifierConfig.PasswordVerifier is not a usable SRP verifier.",
            ));
        }
        if salt.is_empty() || salt.len() > 64 {
            return Err(DomainError::invalid("DeviceSecretVerifierConfig.Salt must be 1 to 64 bytes."));
        }
        if input.name.as_ref().is_some_and(|n| n.is_empty() || n.chars().count() > 1024) {
            return Err(DomainError::invalid(
                "1 validation error detected: Value at 'deviceName' failed to satisfy constraint: Member must have length between 1 and 1024",
            ));
        }
        let now = self.clock.now();
        let mut device = Device {
            pool_id: pool.id.clone(),
            sub: user.sub.clone(),
            key: input.key,
            group_key: self.group_key(&user),
            name: input.name,
            salt,
            verifier: Vec::new(),
            remembered: !tracking.remember_on_prompt,
            created: now,
            modified: now,
            last_authenticated: now,
        };
        device.verifier = seal::seal(&self.device_seal_key(), Self::device_seal_context(&device).as_bytes(), &verifier)
            .ok_or_else(|| DomainError::internal("cannot seal a device verifier"))?;
        self.store.insert_device(&device).await.map_err(|e| match e {
            StoreError::Conflict(_) => DomainError::DeviceKeyExists("Device key already exists.".into()),
            other => other.into(),
        })?;
        Ok(tracking.remember_on_prompt)
    }

    /// The user an admin action names, in its pool.
    async fn device_owner(&self, pool_id: &str, username: &str) -> Result<User> {
        let pool = self.pool(pool_id).await?;
        self.existing_user(&pool, username).await
    }

    async fn owned_device(&self, user: &User, key: &str) -> Result<Device> {
        match self.store.get_device(&user.pool_id, key).await? {
            Some(device) if device.sub == user.sub => Ok(device),
            _ => Err(device_not_found()),
        }
    }

    /// GetDevice.
    pub async fn get_device(&self, access_token: &str, key: &str) -> Result<DeviceView> {
        let (_, user) = self.token_user(access_token).await?;
        Ok(DeviceView::of(self.owned_device(&user, key).await?))
    }

    /// AdminGetDevice.
    pub async fn admin_get_device(&self, pool_id: &str, username: &str, key: &str) -> Result<DeviceView> {
        let user = self.device_owner(pool_id, username).await?;
        Ok(DeviceView::of(self.owned_device(&user, key).await?))
    }

    /// ListDevices.
    pub async fn list_devices(
        &self,
        access_token: &str,
        limit: Option<i64>,
        token: Option<&str>,
    ) -> Result<DevicePage> {
        let (_, user) = self.token_user(access_token).await?;
        self.device_page(&user, limit, token).await
    }

    /// AdminListDevices.
    pub async fn admin_list_devices(
        &self,
        pool_id: &str,
        username: &str,
        limit: Option<i64>,
        token: Option<&str>,
    ) -> Result<DevicePage> {
        let user = self.device_owner(pool_id, username).await?;
        self.device_page(&user, limit, token).await
    }

    async fn device_page(&self, user: &User, limit: Option<i64>, token: Option<&str>) -> Result<DevicePage> {
        let limit = match limit {
            None | Some(0) => MAX_PAGE,
            Some(n) if (1..=MAX_PAGE).contains(&n) => n,
            Some(n) => {
                return Err(DomainError::invalid(format!(
                    "1 validation error detected: Value '{n}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to {MAX_PAGE}"
                )))
            }
        };
        let after = page_after(token)?;
        // One more than the page, to know whether another follows.
        let mut devices = self.store.list_devices(&user.pool_id, &user.sub, after.as_deref(), limit as u32 + 1).await?;
        let next = (devices.len() as i64 > limit).then(|| {
            devices.truncate(limit as usize);
            devices.last().map(|d| page_token(&d.key))
        });
        Ok(DevicePage { devices: devices.into_iter().map(DeviceView::of).collect(), next: next.flatten() })
    }

    /// UpdateDeviceStatus: remembers the device or stops remembering it (it stays tracked).
    pub async fn update_device_status(&self, access_token: &str, key: &str, status: Option<&str>) -> Result<()> {
        let (_, user) = self.token_user(access_token).await?;
        self.set_device_status(&user, key, status).await
    }

    /// AdminUpdateDeviceStatus.
    pub async fn admin_update_device_status(
        &self,
        pool_id: &str,
        username: &str,
        key: &str,
        status: Option<&str>,
    ) -> Result<()> {
        let user = self.device_owner(pool_id, username).await?;
        self.set_device_status(&user, key, status).await
    }

    async fn set_device_status(&self, user: &User, key: &str, status: Option<&str>) -> Result<()> {
        let remembered = status.map(remembered_status).transpose()?;
        let device = self.owned_device(user, key).await?;
        let remembered = remembered.unwrap_or(device.remembered);
        if !self.store.set_device_remembered(&user.pool_id, &user.sub, key, remembered, self.clock.now()).await? {
            return Err(device_not_found());
        }
        Ok(())
    }

    /// ForgetDevice: the device is no longer tracked; a sign-in naming it is told it does not exist.
    pub async fn forget_device(&self, access_token: &str, key: &str) -> Result<()> {
        let (_, user) = self.token_user(access_token).await?;
        self.forget(&user, key).await
    }

    /// AdminForgetDevice.
    pub async fn admin_forget_device(&self, pool_id: &str, username: &str, key: &str) -> Result<()> {
        let user = self.device_owner(pool_id, username).await?;
        self.forget(&user, key).await
    }

    async fn forget(&self, user: &User, key: &str) -> Result<()> {
        if !self.store.delete_device(&user.pool_id, &user.sub, key).await? {
            return Err(device_not_found());
        }
        Ok(())
    }
}
