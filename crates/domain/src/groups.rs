//! Groups: management, membership, and the group claims of tokens.

use crate::error::{DomainError, Result};
use crate::model::{Group, User};
use crate::{Cognate, StoreError};

/// What CreateGroup and UpdateGroup set.
#[derive(Debug, Clone, Default)]
pub struct GroupInput {
    pub description: Option<String>,
    pub precedence: Option<i64>,
    pub role_arn: Option<String>,
}

fn page_size(limit: Option<i64>) -> Result<u32> {
    let limit = limit.unwrap_or(60);
    if !(1..=60).contains(&limit) {
        return Err(DomainError::invalid("Limit must be between 1 and 60."));
    }
    Ok(limit as u32)
}

fn check_input(input: &GroupInput) -> Result<()> {
    if input.precedence.is_some_and(|p| p < 0) {
        return Err(DomainError::invalid("Precedence must be a non-negative number."));
    }
    if input.description.as_ref().is_some_and(|d| d.chars().count() > 2048) {
        return Err(DomainError::invalid("Description must be at most 2048 characters."));
    }
    if input.role_arn.as_ref().is_some_and(|r| !r.starts_with("arn:")) {
        return Err(DomainError::invalid("RoleArn must be an ARN."));
    }
    Ok(())
}

impl Cognate {
    async fn group(&self, pool_id: &str, name: &str) -> Result<Group> {
        self.store
            .get_group(pool_id, name)
            .await?
            .ok_or_else(|| DomainError::ResourceNotFound("Group not found.".into()))
    }

    /// CreateGroup.
    pub async fn create_group(&self, pool_id: &str, name: &str, input: GroupInput) -> Result<Group> {
        self.pool(pool_id).await?;
        let len = name.chars().count();
        if len == 0 || len > 128 || name.chars().any(char::is_control) {
            return Err(DomainError::invalid("GroupName must be 1 to 128 printable characters."));
        }
        check_input(&input)?;
        let now = self.clock.now();
        let group = Group {
            pool_id: pool_id.to_owned(),
            name: name.to_owned(),
            description: input.description,
            precedence: input.precedence,
            role_arn: input.role_arn,
            created: now,
            modified: now,
        };
        self.store.insert_group(&group).await.map_err(|e| match e {
            StoreError::Conflict(_) => DomainError::GroupExists("A group with the name already exists.".into()),
            other => other.into(),
        })?;
        Ok(group)
    }

    /// GetGroup.
    pub async fn get_group(&self, pool_id: &str, name: &str) -> Result<Group> {
        self.pool(pool_id).await?;
        self.group(pool_id, name).await
    }

    /// UpdateGroup: sets the given fields, keeps the others.
    pub async fn update_group(&self, pool_id: &str, name: &str, input: GroupInput) -> Result<Group> {
        self.pool(pool_id).await?;
        check_input(&input)?;
        let mut group = self.group(pool_id, name).await?;
        group.description = input.description.or(group.description);
        group.precedence = input.precedence.or(group.precedence);
        group.role_arn = input.role_arn.or(group.role_arn);
        group.modified = self.clock.now();
        self.store.update_group(&group).await?;
        Ok(group)
    }

    /// DeleteGroup (memberships go with it).
    pub async fn delete_group(&self, pool_id: &str, name: &str) -> Result<()> {
        self.pool(pool_id).await?;
        if !self.store.delete_group(pool_id, name).await? {
            return Err(DomainError::ResourceNotFound("Group not found.".into()));
        }
        Ok(())
    }

    /// ListGroups, by name; the token is the last name of the previous page.
    pub async fn list_groups(
        &self,
        pool_id: &str,
        limit: Option<i64>,
        next: Option<&str>,
    ) -> Result<(Vec<Group>, Option<String>)> {
        self.pool(pool_id).await?;
        let limit = page_size(limit)?;
        let groups = self.store.list_groups(pool_id, next, limit + 1).await?;
        Ok(crate::listing::page(groups, limit as usize, |g| g.name.clone()))
    }

    /// AdminAddUserToGroup (adding twice is fine).
    pub async fn admin_add_user_to_group(&self, pool_id: &str, username: &str, group: &str) -> Result<()> {
        let pool = self.pool(pool_id).await?;
        let user = self.existing_user(&pool, username).await?;
        self.group(pool_id, group).await?;
        self.store.add_user_to_group(pool_id, group, &user.sub).await?;
        Ok(())
    }

    /// AdminRemoveUserFromGroup.
    pub async fn admin_remove_user_from_group(&self, pool_id: &str, username: &str, group: &str) -> Result<()> {
        let pool = self.pool(pool_id).await?;
        let user = self.existing_user(&pool, username).await?;
        self.group(pool_id, group).await?;
        self.store.remove_user_from_group(pool_id, group, &user.sub).await?;
        Ok(())
    }

    /// AdminListGroupsForUser: the user's groups by precedence, paginated by position.
    pub async fn admin_list_groups_for_user(
        &self,
        pool_id: &str,
        username: &str,
        limit: Option<i64>,
        next: Option<&str>,
    ) -> Result<(Vec<Group>, Option<String>)> {
        let pool = self.pool(pool_id).await?;
        let user = self.existing_user(&pool, username).await?;
        let limit = page_size(limit)? as usize;
        let start: usize = match next {
            Some(token) => token.parse().map_err(|_| DomainError::invalid("Invalid NextToken."))?,
            None => 0,
        };
        let all = self.store.groups_for_user(pool_id, &user.sub).await?;
        let page: Vec<Group> = all.iter().skip(start).take(limit).cloned().collect();
        let next = (start + limit < all.len()).then(|| (start + limit).to_string());
        Ok((page, next))
    }

    /// ListUsersInGroup, by sub; the token is the last sub of the previous page.
    pub async fn list_users_in_group(
        &self,
        pool_id: &str,
        group: &str,
        limit: Option<i64>,
        next: Option<&str>,
    ) -> Result<(Vec<User>, Option<String>)> {
        self.pool(pool_id).await?;
        self.group(pool_id, group).await?;
        let limit = page_size(limit)?;
        let users = self.store.users_in_group(pool_id, group, next, limit + 1).await?;
        Ok(crate::listing::page(users, limit as usize, |u| u.sub.clone()))
    }
}
