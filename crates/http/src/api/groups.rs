//! Group handlers.

use cognate_domain::model::Group;
use cognate_domain::{Cognate, DomainError, GroupInput};
use cognate_proto::lifecycle::*;
use cognate_proto::pools::Empty;

use crate::convert::user_out;

type Result<T> = std::result::Result<T, DomainError>;

fn group_out(g: Group) -> GroupType {
    GroupType {
        group_name: g.name,
        user_pool_id: g.pool_id,
        description: g.description,
        role_arn: g.role_arn,
        precedence: g.precedence,
        last_modified_date: g.modified,
        creation_date: g.created,
    }
}

fn input(r: &GroupRequest) -> GroupInput {
    GroupInput { description: r.description.clone(), precedence: r.precedence, role_arn: r.role_arn.clone() }
}

pub async fn create_group(c: &Cognate, r: GroupRequest) -> Result<GroupResponse> {
    Ok(GroupResponse { group: group_out(c.create_group(&r.user_pool_id, &r.group_name, input(&r)).await?) })
}

pub async fn get_group(c: &Cognate, r: GroupNameRequest) -> Result<GroupResponse> {
    Ok(GroupResponse { group: group_out(c.get_group(&r.user_pool_id, &r.group_name).await?) })
}

pub async fn update_group(c: &Cognate, r: GroupRequest) -> Result<GroupResponse> {
    Ok(GroupResponse { group: group_out(c.update_group(&r.user_pool_id, &r.group_name, input(&r)).await?) })
}

pub async fn delete_group(c: &Cognate, r: GroupNameRequest) -> Result<Empty> {
    c.delete_group(&r.user_pool_id, &r.group_name).await?;
    Ok(Empty {})
}

pub async fn list_groups(c: &Cognate, r: ListGroupsRequest) -> Result<GroupsResponse> {
    let (groups, next_token) = c.list_groups(&r.user_pool_id, r.limit, r.next_token.as_deref()).await?;
    Ok(GroupsResponse { groups: groups.into_iter().map(group_out).collect(), next_token })
}

pub async fn admin_add_user_to_group(c: &Cognate, r: GroupMembershipRequest) -> Result<Empty> {
    c.admin_add_user_to_group(&r.user_pool_id, &r.username, &r.group_name).await?;
    Ok(Empty {})
}

pub async fn admin_remove_user_from_group(c: &Cognate, r: GroupMembershipRequest) -> Result<Empty> {
    c.admin_remove_user_from_group(&r.user_pool_id, &r.username, &r.group_name).await?;
    Ok(Empty {})
}

pub async fn admin_list_groups_for_user(c: &Cognate, r: AdminListGroupsForUserRequest) -> Result<GroupsResponse> {
    let (groups, next_token) =
        c.admin_list_groups_for_user(&r.user_pool_id, &r.username, r.limit, r.next_token.as_deref()).await?;
    Ok(GroupsResponse { groups: groups.into_iter().map(group_out).collect(), next_token })
}

pub async fn list_users_in_group(c: &Cognate, r: ListUsersInGroupRequest) -> Result<ListUsersInGroupResponse> {
    let (users, next_token) =
        c.list_users_in_group(&r.user_pool_id, &r.group_name, r.limit, r.next_token.as_deref()).await?;
    Ok(ListUsersInGroupResponse { users: users.iter().map(user_out).collect(), next_token })
}
