//! Settings > Users: the tenant's console users, and the pending invitation
//! and password-reset links that administrators pass on to them.

use actix_web::{HttpResponse, web};

use super::error::ConsoleError;
use super::pages::{self, LinkRow, UserRow, UsersPage};
use super::session::AdminSession;
use crate::clock::{self, console_timestamp};
use crate::db;
use crate::domain::invitations::{self, LinkKind, PendingLink};
use crate::domain::users::{self, Role, User};
use crate::i18n::Texts;
use crate::state::AppState;

fn role_label(t: &'static Texts, role: Role) -> &'static str {
    match role {
        Role::Administrator => t.role_administrator,
        Role::ZoneManager => t.role_zone_manager,
        Role::User => t.role_user,
        Role::ReadOnly => t.role_read_only,
    }
}

fn kind_label(t: &'static Texts, kind: LinkKind) -> &'static str {
    match kind {
        LinkKind::Invitation => t.kind_invitation,
        LinkKind::PasswordReset => t.kind_password_reset,
    }
}

fn user_row(t: &'static Texts, user: User, links: &[PendingLink]) -> UserRow {
    let status = if user.password_hash.is_some() {
        t.status_active
    } else if links.iter().any(|link| link.user_id == user.id) {
        t.status_invited
    } else {
        t.status_no_password
    };
    UserRow {
        name: format!("{} {}", user.first_name, user.last_name)
            .trim()
            .to_owned(),
        role: role_label(t, user.role()),
        status,
        last_sign_in: user.last_login_at.map(console_timestamp),
        email: user.email,
        id: user.id,
    }
}

/// Builds the link a user opens: the console's public URL (ending in `/`),
/// then `invitations/` and the token.
fn link_url(public_url: &str, link: &PendingLink) -> Option<String> {
    let token = link.token.as_ref()?;
    Some(format!("{public_url}invitations/{}", token.expose()))
}

pub async fn list(
    admin: AdminSession,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    let tenant_id = admin.tenant_id().to_owned();
    let kek = state.kek.clone();
    let (users, links) = db::run(&state.pool, move |conn| {
        let users = users::list_all(conn, &tenant_id)?;
        let links = invitations::pending_for_tenant(conn, &kek, &tenant_id, clock::now())?;
        Ok::<_, ConsoleError>((users, links))
    })
    .await?;
    if links.iter().any(|link| link.token.is_none()) {
        tracing::warn!(
            tenant_id = %admin.tenant_id(),
            "a pending user link could not be opened with the current key-encryption key"
        );
    }
    let frame = admin.frame();
    let t = frame.t;
    let public_url = &state.config.public_url;
    let link_rows = links
        .iter()
        .map(|link| LinkRow {
            user_id: link.user_id.clone(),
            email: link.email.clone(),
            kind: kind_label(t, link.kind),
            url: link_url(public_url, link),
            expires: console_timestamp(link.expires_at),
        })
        .collect();
    let user_rows = users
        .into_iter()
        .map(|user| user_row(t, user, &links))
        .collect();
    pages::ok(&UsersPage {
        t,
        nav: frame.nav,
        current_path: frame.current_path,
        users: user_rows,
        links: link_rows,
    })
}
