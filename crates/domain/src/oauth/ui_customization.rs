//! SetUICustomization and GetUICustomization: the classic hosted UI's branding for a pool (`ALL`)
//! or one of its clients — CSS limited to Cognito's customizable classes, and a PNG or JPEG
//! logo — and which one a page of a client shows.

use base64::Engine;

use crate::error::{DomainError, Result};
use crate::model::{AppClient, Pool, UiCustomization};
use crate::{Cognate, UnixTime};

/// The classes Cognito's classic hosted UI lets CSS style, with their states.
const CLASSES: &[&str] = &[
    "background-customizable",
    "banner-customizable",
    "errorMessage-customizable",
    "idpButton-customizable",
    "idpButton-customizable:hover",
    "idpDescription-customizable",
    "inputField-customizable",
    "inputField-customizable:focus",
    "label-customizable",
    "legalText-customizable",
    "logo-customizable",
    "passwordCheck-notValid-customizable",
    "passwordCheck-valid-customizable",
    "redirect-customizable",
    "socialButton-customizable",
    "submitButton-customizable",
    "submitButton-customizable:hover",
    "textDescription-customizable",
];

/// The largest logo Cognito takes: 100 KB.
const MAX_IMAGE_BYTES: usize = 100 * 1024;
/// The service model's bound on `CSS`.
const MAX_CSS_CHARS: usize = 131_072;

/// Whose branding a request names: the pool's default (`ALL`) or one client's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UiTarget {
    All,
    Client(String),
}

impl UiTarget {
    /// `ClientId` as the API gives it: absent or `ALL` is the pool's default.
    pub fn from_client_id(client_id: Option<&str>) -> Self {
        match client_id {
            None | Some("ALL") => Self::All,
            Some(id) => Self::Client(id.to_owned()),
        }
    }

    /// The `ClientId` the API answers with.
    pub fn client_id(&self) -> &str {
        match self {
            Self::All => "ALL",
            Self::Client(id) => id,
        }
    }
}

/// A branding as GetUICustomization shows it.
#[derive(Debug, Clone)]
pub struct UiCustomizationView {
    pub pool_id: String,
    pub target: UiTarget,
    /// `None` when nothing is set for the target (nor, for a client, for `ALL`).
    pub customization: Option<UiCustomization>,
}

impl UiCustomizationView {
    /// Where the logo is served; the version makes each upload a new URL, so it may be cached.
    pub fn image_url(&self, public_url: &str) -> Option<String> {
        let c = self.customization.as_ref()?;
        c.image.as_ref()?;
        Some(logo_path(public_url, &self.pool_id, &self.target, c.modified))
    }
}

/// `<public URL>/ui-assets/<pool>/<ALL or client>/<version>/logo`.
pub fn logo_path(public_url: &str, pool_id: &str, target: &UiTarget, version: UnixTime) -> String {
    format!("{public_url}/ui-assets/{pool_id}/{}/{version}/logo", target.client_id())
}

/// The branding a client's pages show: its own, else the pool's `ALL`, and the target it came from.
pub fn branding_of<'a>(pool: &'a Pool, client: &'a AppClient) -> Option<(UiTarget, &'a UiCustomization)> {
    match (&client.ui_customization, &pool.ui_customization) {
        (Some(own), _) => Some((UiTarget::Client(client.id.clone()), own)),
        (None, Some(all)) => Some((UiTarget::All, all)),
        (None, None) => None,
    }
}

impl Cognate {
    /// SetUICustomization: replaces the target's CSS and logo together (either may be absent;
    /// both absent clears it). The pool needs a domain, as on Cognito.
    pub async fn set_ui_customization(
        &self,
        pool_id: &str,
        target: UiTarget,
        css: Option<String>,
        image_base64: Option<String>,
    ) -> Result<UiCustomizationView> {
        let mut pool = self.pool(pool_id).await?;
        if pool.domain.is_none() && pool.custom_domain.is_none() {
            return Err(DomainError::invalid(
                "The user pool has no domain: create one with CreateUserPoolDomain before customizing its hosted UI.",
            ));
        }
        if let Some(css) = &css {
            check_css(css)?;
        }
        let image_type = image_base64.as_deref().map(image_type_of).transpose()?;
        let now = self.clock.now();
        let replace = |previous: Option<&UiCustomization>| {
            (css.is_some() || image_base64.is_some()).then(|| UiCustomization {
                css: css.clone().filter(|c| !c.trim().is_empty()),
                image: image_base64.clone().map(Into::into),
                image_type: image_type.clone(),
                created: previous.map_or(now, |p| p.created),
                modified: now,
            })
        };
        let customization = match &target {
            UiTarget::All => {
                pool.ui_customization = replace(pool.ui_customization.as_ref());
                self.save_pool(&mut pool).await?;
                pool.ui_customization
            }
            UiTarget::Client(client_id) => {
                let (_, mut client) = self.client_in_pool(pool_id, client_id).await?;
                client.ui_customization = replace(client.ui_customization.as_ref());
                self.store.update_client(&client).await?;
                client.ui_customization
            }
        };
        Ok(UiCustomizationView { pool_id: pool.id, target, customization })
    }

    /// GetUICustomization: the client's own branding, else the pool's `ALL` one.
    pub async fn get_ui_customization(&self, pool_id: &str, target: UiTarget) -> Result<UiCustomizationView> {
        let pool = self.pool(pool_id).await?;
        let view = match &target {
            UiTarget::All => {
                UiCustomizationView { pool_id: pool.id.clone(), target, customization: pool.ui_customization.clone() }
            }
            UiTarget::Client(client_id) => {
                let (pool, client) = self.client_in_pool(pool_id, client_id).await?;
                match branding_of(&pool, &client) {
                    Some((from, c)) => {
                        UiCustomizationView { pool_id: pool.id.clone(), target: from, customization: Some(c.clone()) }
                    }
                    None => UiCustomizationView { pool_id: pool.id.clone(), target, customization: None },
                }
            }
        };
        Ok(view)
    }

    /// The logo at `ui-assets/<pool>/<target>/<version>/logo`: its type and bytes, while that
    /// version is the current one.
    pub async fn ui_logo(
        &self,
        pool_id: &str,
        target: UiTarget,
        version: UnixTime,
    ) -> Result<Option<(String, Vec<u8>)>> {
        let view = self.get_ui_customization(pool_id, target.clone()).await?;
        let Some(c) = view.customization.filter(|c| c.modified == version && view.target == target) else {
            return Ok(None);
        };
        let (Some(image), Some(kind)) = (c.image, c.image_type) else { return Ok(None) };
        let bytes =
            base64::engine::general_purpose::STANDARD.decode(image.as_bytes()).map_err(DomainError::internal)?;
        Ok(Some((kind, bytes)))
    }
}

/// The logo's type, from its first bytes: PNG or JPEG, at most 100 KB.
fn image_type_of(base64_image: &str) -> Result<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(base64_image.trim().as_bytes())
        .map_err(|_| DomainError::invalid("ImageFile must be a base64-encoded PNG or JPEG file."))?;
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(DomainError::invalid("The logo image must be no larger than 100 KB."));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok("image/png".into())
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok("image/jpeg".into())
    } else {
        Err(DomainError::invalid("ImageFile must be a PNG or JPEG image."))
    }
}

/// Cognito's rules for the CSS: rules for its customizable classes only, declarations without
/// HTML, at-rules, URLs or script. The messages are ours (Cognito's are not documented).
pub fn check_css(css: &str) -> Result<()> {
    let refuse = |why: String| Err(DomainError::invalid(format!("Invalid CSS: {why}")));
    if css.chars().count() > MAX_CSS_CHARS {
        return refuse(format!("it is longer than {MAX_CSS_CHARS} characters"));
    }
    let text = strip_comments(css)?;
    for banned in ["<", ">", "@", "\\", "url(", "expression(", "javascript:", "behavior", "-moz-binding"] {
        if text.to_ascii_lowercase().contains(banned) {
            return refuse(format!("'{banned}' is not allowed"));
        }
    }
    let mut rest = text.as_str();
    while let Some(open) = rest.find('{') {
        let selectors = &rest[..open];
        let close = rest[open..]
            .find('}')
            .map(|c| c + open)
            .ok_or_else(|| DomainError::invalid("Invalid CSS: a rule is not closed"))?;
        let body = &rest[open + 1..close];
        if body.contains('{') {
            return refuse("rules cannot nest".into());
        }
        for selector in selectors.split(',') {
            let class = selector.trim().strip_prefix('.').unwrap_or("");
            if !CLASSES.contains(&class) {
                return refuse(format!("'{}' is not one of the customizable classes", selector.trim()));
            }
        }
        for declaration in body.split(';').map(str::trim).filter(|d| !d.is_empty()) {
            let Some((property, value)) = declaration.split_once(':') else {
                return refuse(format!("'{declaration}' is not a declaration"));
            };
            let property = property.trim();
            if property.is_empty()
                || !property.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                || value.trim().is_empty()
            {
                return refuse(format!("'{declaration}' is not a declaration"));
            }
        }
        rest = &rest[close + 1..];
    }
    if !rest.trim().is_empty() {
        return refuse(format!("'{}' is outside a rule", rest.trim()));
    }
    Ok(())
}

fn strip_comments(css: &str) -> Result<String> {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        let end =
            rest[start + 2..].find("*/").ok_or_else(|| DomainError::invalid("Invalid CSS: a comment is not closed"))?;
        rest = &rest[start + 2 + end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_customizable_classes_and_plain_declarations_pass() {
        let good = "/* Cruddur */ .submitButton-customizable { background-color: #6b21a8; }\n\
                    .label-customizable, .textDescription-customizable { font-weight: 600; color: rgb(20, 20, 20) }";
        assert!(check_css(good).is_ok());
        assert!(check_css("").is_ok());
        for bad in [
            "body { color: red }",
            ".submitButton-customizable { background: url(https://evil.test/x.png) }",
            "@import 'x.css';",
            ".label-customizable { color: red } </style><script>alert(1)</script>",
            ".label-customizable { color: red",
            ".label-customizable { color }",
            ".label-customizable { color: red } stray",
            ".label-customizable { color: expression(alert(1)) }",
            "/* open",
        ] {
            assert!(check_css(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn logos_are_png_or_jpeg_of_at_most_100_kb() {
        let encode = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        assert_eq!(image_type_of(&encode(b"\x89PNG\r\n\x1a\nrest")).ok().as_deref(), Some("image/png"));
        assert_eq!(image_type_of(&encode(&[0xFF, 0xD8, 0xFF, 0xE0])).ok().as_deref(), Some("image/jpeg"));
        assert!(image_type_of(&encode(b"GIF89a")).is_err());
        assert!(image_type_of("not base64!").is_err());
        let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
        big.resize(MAX_IMAGE_BYTES + 1, 0);
        assert!(image_type_of(&encode(&big)).is_err());
    }
}
