//! Handlers of the OAuth side of a pool: user pool domains, resource servers and the hosted UI's
//! branding.

use cognate_domain::model::{PoolDomain, ResourceServer};
use cognate_domain::oauth::{DomainInput, ResourceServerInput, UiCustomizationView, UiTarget};
use cognate_domain::{Cognate, DomainError};
use cognate_proto::oauth::*;
use cognate_proto::pools::Empty;

type Result<T> = std::result::Result<T, DomainError>;

/// Where a custom domain's DNS should point: this server's own host (Cognito names a CloudFront
/// distribution there).
fn serving_host(c: &Cognate) -> String {
    let url = &c.config().public_url;
    let rest = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
    rest.split(['/', ':']).next().unwrap_or(rest).to_owned()
}

fn domain_answer(c: &Cognate, domain: &PoolDomain) -> UserPoolDomainResponse {
    UserPoolDomainResponse {
        managed_login_version: Some(domain.managed_login_version),
        cloud_front_domain: domain.is_custom().then(|| serving_host(c)),
    }
}

fn domain_input(
    domain: String,
    pool_id: String,
    managed_login_version: Option<i64>,
    custom: Option<CustomDomainConfigType>,
) -> DomainInput {
    let (certificate_arn, security_policy) = match custom {
        Some(config) => (Some(config.certificate_arn), config.security_policy),
        None => (None, None),
    };
    DomainInput { domain, pool_id, managed_login_version, certificate_arn, security_policy }
}

pub async fn create_user_pool_domain(c: &Cognate, r: CreateUserPoolDomainRequest) -> Result<UserPoolDomainResponse> {
    let input = domain_input(r.domain, r.user_pool_id, r.managed_login_version, r.custom_domain_config);
    let domain = c.create_user_pool_domain(input).await?;
    Ok(domain_answer(c, &domain))
}

pub async fn update_user_pool_domain(c: &Cognate, r: CreateUserPoolDomainRequest) -> Result<UserPoolDomainResponse> {
    let input = domain_input(r.domain, r.user_pool_id, r.managed_login_version, r.custom_domain_config);
    let domain = c.update_user_pool_domain(input).await?;
    Ok(domain_answer(c, &domain))
}

pub async fn describe_user_pool_domain(
    c: &Cognate,
    r: DescribeUserPoolDomainRequest,
) -> Result<DescribeUserPoolDomainResponse> {
    let Some(domain) = c.describe_user_pool_domain(&r.domain).await? else {
        return Ok(DescribeUserPoolDomainResponse::default());
    };
    Ok(DescribeUserPoolDomainResponse {
        domain_description: DomainDescriptionType {
            user_pool_id: Some(domain.pool_id.clone()),
            aws_account_id: Some(c.config().account_id.clone()),
            cloud_front_distribution: Some(serving_host(c)),
            status: Some("ACTIVE".into()),
            custom_domain_config: domain.certificate_arn.clone().map(|certificate_arn| CustomDomainConfigType {
                certificate_arn,
                security_policy: domain.security_policy.clone(),
            }),
            managed_login_version: Some(domain.managed_login_version),
            domain: Some(domain.domain),
            version: None,
        },
    })
}

pub async fn delete_user_pool_domain(c: &Cognate, r: DeleteUserPoolDomainRequest) -> Result<Empty> {
    c.delete_user_pool_domain(&r.user_pool_id, &r.domain).await?;
    Ok(Empty {})
}

fn server_input(r: ResourceServerRequest) -> ResourceServerInput {
    ResourceServerInput {
        pool_id: r.user_pool_id,
        identifier: r.identifier,
        name: r.name,
        scopes: r.scopes.unwrap_or_default().into_iter().map(|s| (s.scope_name, s.scope_description)).collect(),
    }
}

fn server_out(server: ResourceServer) -> ResourceServerType {
    ResourceServerType {
        user_pool_id: server.pool_id,
        identifier: server.identifier,
        name: server.name,
        scopes: server
            .scopes
            .into_iter()
            .map(|s| ResourceServerScopeType { scope_name: s.name, scope_description: s.description })
            .collect(),
    }
}

pub async fn create_resource_server(c: &Cognate, r: ResourceServerRequest) -> Result<ResourceServerResponse> {
    let server = c.create_resource_server(server_input(r)).await?;
    Ok(ResourceServerResponse { resource_server: server_out(server) })
}

pub async fn update_resource_server(c: &Cognate, r: ResourceServerRequest) -> Result<ResourceServerResponse> {
    let server = c.update_resource_server(server_input(r)).await?;
    Ok(ResourceServerResponse { resource_server: server_out(server) })
}

pub async fn describe_resource_server(c: &Cognate, r: ResourceServerIdRequest) -> Result<ResourceServerResponse> {
    let server = c.describe_resource_server(&r.user_pool_id, &r.identifier).await?;
    Ok(ResourceServerResponse { resource_server: server_out(server) })
}

pub async fn list_resource_servers(c: &Cognate, r: ListResourceServersRequest) -> Result<ListResourceServersResponse> {
    let (servers, next_token) =
        c.list_resource_servers(&r.user_pool_id, r.max_results, r.next_token.as_deref()).await?;
    Ok(ListResourceServersResponse { resource_servers: servers.into_iter().map(server_out).collect(), next_token })
}

pub async fn delete_resource_server(c: &Cognate, r: ResourceServerIdRequest) -> Result<Empty> {
    c.delete_resource_server(&r.user_pool_id, &r.identifier).await?;
    Ok(Empty {})
}

fn ui_answer(c: &Cognate, view: &UiCustomizationView) -> UICustomizationResponse {
    let found = view.customization.as_ref();
    UICustomizationResponse {
        ui_customization: UICustomizationType {
            user_pool_id: Some(view.pool_id.clone()),
            client_id: Some(view.target.client_id().to_owned()),
            image_url: view.image_url(&c.config().public_url),
            css: found.and_then(|f| f.css.clone()),
            css_version: found.map(|f| f.modified.to_string()),
            last_modified_date: found.map(|f| f.modified),
            creation_date: found.map(|f| f.created),
        },
    }
}

pub async fn set_ui_customization(c: &Cognate, r: SetUICustomizationRequest) -> Result<UICustomizationResponse> {
    let target = UiTarget::from_client_id(r.client_id.as_deref());
    let view = c.set_ui_customization(&r.user_pool_id, target, r.css, r.image_file).await?;
    Ok(ui_answer(c, &view))
}

pub async fn get_ui_customization(c: &Cognate, r: GetUICustomizationRequest) -> Result<UICustomizationResponse> {
    let view = c.get_ui_customization(&r.user_pool_id, UiTarget::from_client_id(r.client_id.as_deref())).await?;
    Ok(ui_answer(c, &view))
}
