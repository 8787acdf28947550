//! Settings > Integrations: list, add, edit, regenerate, delete custom
//! applications, and switch on improved security.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::error::ConsoleError;
use super::forms::FormFields;
use super::pages::{
    self, ApplicationFormPage, ApplicationRow, ConfirmPage, GridCell, GridRowView,
    IntegrationsPage, MessagePage, SecretDialogPage,
};
use super::session::AdminSession;
use crate::clock::console_timestamp;
use crate::db;
use crate::domain::applications::{
    self, ApplicationError, Credentials, Draft, FormProblems, MAX_PER_TENANT, NameProblem,
    PrivilegeProblem,
};
use crate::domain::ids;
use crate::domain::privileges::{GRID, Level, PrivilegeSet, Resource};
use crate::domain::tenants;
use crate::i18n::Texts;
use crate::state::AppState;

fn resource_label(t: &'static Texts, resource: Resource) -> &'static str {
    match resource {
        Resource::Users => t.resource_users,
        Resource::Devices => t.resource_devices,
        Resource::GlobalLists => t.resource_globallists,
        Resource::Policies => t.resource_policies,
        Resource::Zones => t.resource_zones,
        Resource::Threats => t.resource_threats,
        Resource::MemoryProtection => t.resource_memoryprotection,
    }
}

fn level_label(t: &'static Texts, level: Level) -> &'static str {
    match level {
        Level::Read => t.level_read,
        Level::Write => t.level_write,
        Level::Modify => t.level_modify,
        Level::Delete => t.level_delete,
    }
}

/// "Users: Read, Write · Devices: Read" in the page's language.
fn privileges_summary(t: &'static Texts, privileges: &PrivilegeSet) -> String {
    GRID.iter()
        .filter_map(|row| {
            let levels: Vec<&str> = Level::ALL
                .into_iter()
                .filter(|level| {
                    privileges
                        .iter()
                        .any(|p| p.resource == row.resource && p.level == *level)
                })
                .map(|level| level_label(t, level))
                .collect();
            (!levels.is_empty())
                .then(|| format!("{}: {}", resource_label(t, row.resource), levels.join(", ")))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The privilege grid with the cells in `checked` ticked. Values the grid
/// does not know are dropped: the form cannot show them.
fn grid(t: &'static Texts, checked: &[String]) -> Vec<GridRowView> {
    GRID.iter()
        .map(|row| GridRowView {
            label: resource_label(t, row.resource),
            cells: Level::ALL
                .into_iter()
                .map(|level| {
                    row.offers(level).then(|| {
                        let value = format!("{}:{}", row.form_name, level.as_str());
                        GridCell {
                            id: format!("priv-{}-{}", row.form_name, level.as_str()),
                            label: level_label(t, level),
                            checked: checked.iter().any(|c| c.eq_ignore_ascii_case(&value)),
                            value,
                        }
                    })
                })
                .collect(),
        })
        .collect()
}

fn name_message(t: &'static Texts, problem: NameProblem) -> &'static str {
    match problem {
        NameProblem::Empty => t.name_empty,
        NameProblem::TooLong => t.name_too_long,
        NameProblem::NotPrintable => t.name_not_printable,
        NameProblem::Taken => t.name_taken,
    }
}

fn privileges_message(t: &'static Texts, problem: PrivilegeProblem) -> &'static str {
    match problem {
        PrivilegeProblem::NoneSelected => t.privileges_none,
        PrivilegeProblem::Unknown => t.privileges_unknown,
    }
}

/// What the user typed and ticked, to show again with the problems found.
struct Submitted {
    name: String,
    privileges: Vec<String>,
    form_id: Option<String>,
}

fn form_page(
    admin: &AdminSession,
    editing: Option<&str>,
    submitted: Submitted,
    problems: FormProblems,
    form_error: Option<&'static str>,
) -> ApplicationFormPage {
    let frame = admin.frame();
    let t = frame.t;
    let (title, action) = match editing {
        Some(id) => (
            t.edit_application_title,
            format!("/settings/integrations/{id}/edit"),
        ),
        None => (t.new_application_title, "/settings/integrations".to_owned()),
    };
    ApplicationFormPage {
        t,
        nav: frame.nav,
        current_path: frame.current_path,
        title,
        action,
        csrf_token: admin.signed_in.csrf_token.clone(),
        form_id: submitted.form_id,
        grid: grid(t, &submitted.privileges),
        name: submitted.name,
        name_error: problems.name.map(|p| name_message(t, p)),
        privileges_error: problems.privileges.map(|p| privileges_message(t, p)),
        form_error,
    }
}

fn dialog(
    admin: &AdminSession,
    title: &'static str,
    name: String,
    credentials: Credentials,
) -> Result<HttpResponse, ConsoleError> {
    let frame = admin.frame();
    // The POST's own response carries the secret: never a redirect, a
    // session value or a cookie, and `no-store` keeps it out of caches.
    pages::ok(&SecretDialogPage {
        t: frame.t,
        nav: frame.nav,
        current_path: frame.current_path,
        title,
        name,
        application_id: credentials.application_id,
        secret: credentials.secret.expose().to_owned(),
    })
}

fn notice_text(t: &'static Texts, req: &HttpRequest) -> Option<&'static str> {
    let query = req.query_string();
    match query.strip_prefix("notice=")? {
        "deleted" => Some(t.notice_deleted),
        "saved" => Some(t.notice_saved),
        "improved-security" => Some(t.notice_improved),
        _ => None,
    }
}

pub async fn list(
    req: HttpRequest,
    admin: AdminSession,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    let tenant_id = admin.tenant_id().to_owned();
    let kek = state.kek.clone();
    let lang = admin.lang();
    let t = lang.texts();
    let (tenant, rows) = db::run(&state.pool, move |conn| {
        let tenant = tenants::find(conn, &tenant_id)?;
        let rows = applications::list(conn, &tenant_id)?
            .into_iter()
            .map(|app| ApplicationRow {
                secret: app.viewable_secret(&kek).map(|s| s.expose().to_owned()),
                privileges: privileges_summary(t, &app.privileges),
                created: console_timestamp(app.created_at),
                created_by: app.created_by_email.clone(),
                last_used: app.last_token_at.map(console_timestamp),
                last_address: app.last_token_address.clone(),
                id: app.id,
                name: app.name,
            })
            .collect::<Vec<_>>();
        Ok::<_, ConsoleError>((tenant, rows))
    })
    .await?;
    let tenant = tenant.ok_or(ConsoleError::NotFound(lang))?;
    let frame = admin.frame();
    let count = rows.len() as i64;
    pages::ok(&IntegrationsPage {
        t,
        nav: frame.nav,
        current_path: frame.current_path,
        tenant_id: tenant.id,
        api_url: state.config.public_url.clone(),
        count,
        max: MAX_PER_TENANT,
        at_limit: count >= MAX_PER_TENANT,
        improved_security: tenant.improved_security,
        rows,
        notice: notice_text(t, &req),
    })
}

pub async fn new_form(admin: AdminSession) -> Result<HttpResponse, ConsoleError> {
    let submitted = Submitted {
        name: String::new(),
        privileges: Vec::new(),
        form_id: Some(ids::new_id()),
    };
    pages::ok(&form_page(
        &admin,
        None,
        submitted,
        FormProblems::default(),
        None,
    ))
}

pub async fn create(
    admin: AdminSession,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    let form = FormFields::parse(&body);
    admin.signed_in.check_csrf(form.get("csrf_token"))?;
    let t = admin.lang().texts();
    // A missing or malformed form id gets a fresh one: the form still works,
    // it just cannot be recognised if submitted twice.
    let form_id = ids::parse_guid(form.get("form_id")).unwrap_or_else(ids::new_id);
    let submitted = Submitted {
        name: form.get("name").to_owned(),
        privileges: form.all("privileges"),
        form_id: Some(form_id.clone()),
    };
    let draft = match Draft::parse(&submitted.name, &submitted.privileges) {
        Ok(draft) => draft,
        Err(problems) => {
            let page = form_page(&admin, None, submitted, problems, None);
            return pages::render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let kek = state.kek.clone();
    let actor = admin.admin.clone();
    let stored_draft = draft.clone();
    let created = db::run(&state.pool, move |conn| {
        applications::create(conn, &kek, &actor, &form_id, &stored_draft)
    })
    .await;
    match created {
        Ok(credentials) => {
            tracing::info!(
                tenant_id = %admin.tenant_id(),
                application_id = %credentials.application_id,
                "custom application created"
            );
            dialog(
                &admin,
                t.created_title,
                draft.name().to_owned(),
                credentials,
            )
        }
        Err(ApplicationError::AlreadySubmitted { .. }) => {
            let frame = admin.frame();
            pages::render(
                StatusCode::CONFLICT,
                &MessagePage {
                    t,
                    nav: frame.nav,
                    current_path: frame.current_path,
                    title: t.already_submitted_title,
                    body: t.already_submitted_body,
                    link: Some(("/settings/integrations", t.back_to_integrations)),
                },
            )
        }
        Err(ApplicationError::LimitReached) => {
            let page = form_page(
                &admin,
                None,
                submitted,
                FormProblems::default(),
                Some(t.limit_reached),
            );
            pages::render(StatusCode::CONFLICT, &page)
        }
        Err(ApplicationError::Invalid(problems)) => {
            let page = form_page(&admin, None, submitted, problems, None);
            pages::render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(storage_error(other, admin.lang())),
    }
}

fn storage_error(err: ApplicationError, lang: crate::i18n::Lang) -> ConsoleError {
    match err {
        ApplicationError::Storage(err) => ConsoleError::Storage(err),
        _ => ConsoleError::NotFound(lang),
    }
}

/// Loads one application of the administrator's tenant, or 404.
async fn load(
    admin: &AdminSession,
    state: &AppState,
    id: &str,
) -> Result<applications::Application, ConsoleError> {
    let tenant_id = admin.tenant_id().to_owned();
    let id = id.to_owned();
    db::run(&state.pool, move |conn| {
        applications::find(conn, &tenant_id, &id)
    })
    .await?
    .ok_or(ConsoleError::NotFound(admin.lang()))
}

pub async fn edit_form(
    admin: AdminSession,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    let application = load(&admin, &state, &path).await?;
    let submitted = Submitted {
        name: application.name.clone(),
        privileges: application
            .privileges
            .iter()
            .map(|p| p.form_value())
            .collect(),
        form_id: None,
    };
    pages::ok(&form_page(
        &admin,
        Some(&application.id),
        submitted,
        FormProblems::default(),
        None,
    ))
}

pub async fn update(
    admin: AdminSession,
    path: web::Path<String>,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    let form = FormFields::parse(&body);
    admin.signed_in.check_csrf(form.get("csrf_token"))?;
    let application = load(&admin, &state, &path).await?;
    let submitted = Submitted {
        name: form.get("name").to_owned(),
        privileges: form.all("privileges"),
        form_id: None,
    };
    let draft = match Draft::parse(&submitted.name, &submitted.privileges) {
        Ok(draft) => draft,
        Err(problems) => {
            let page = form_page(&admin, Some(&application.id), submitted, problems, None);
            return pages::render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let actor = admin.admin.clone();
    let id = application.id.clone();
    let updated = db::run(&state.pool, move |conn| {
        applications::update(conn, &actor, &id, &draft)
    })
    .await;
    match updated {
        Ok(()) => Ok(pages::see_other("/settings/integrations?notice=saved")),
        Err(ApplicationError::Invalid(problems)) => {
            let page = form_page(&admin, Some(&application.id), submitted, problems, None);
            pages::render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(storage_error(other, admin.lang())),
    }
}

fn confirm_page(
    admin: &AdminSession,
    title: &'static str,
    subject: Option<String>,
    body: &'static str,
    action: String,
    button: &'static str,
) -> ConfirmPage {
    let frame = admin.frame();
    ConfirmPage {
        t: frame.t,
        nav: frame.nav,
        current_path: frame.current_path,
        title,
        subject,
        body,
        action,
        button,
        csrf_token: admin.signed_in.csrf_token.clone(),
    }
}

pub async fn confirm_regenerate(
    admin: AdminSession,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    let application = load(&admin, &state, &path).await?;
    let t = admin.lang().texts();
    pages::ok(&confirm_page(
        &admin,
        t.regenerate_title,
        Some(application.name),
        t.regenerate_body,
        format!("/settings/integrations/{}/regenerate", application.id),
        t.regenerate,
    ))
}

pub async fn regenerate(
    admin: AdminSession,
    path: web::Path<String>,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    admin
        .signed_in
        .check_csrf(FormFields::parse(&body).get("csrf_token"))?;
    let application = load(&admin, &state, &path).await?;
    let kek = state.kek.clone();
    let actor = admin.admin.clone();
    let id = application.id.clone();
    let credentials = db::run(&state.pool, move |conn| {
        let credentials = applications::regenerate_secret(conn, &kek, &actor, &id)?;
        db::flush_deleted_rows(conn);
        Ok(credentials)
    })
    .await
    .map_err(|err| storage_error(err, admin.lang()))?;
    tracing::info!(
        tenant_id = %admin.tenant_id(),
        application_id = %credentials.application_id,
        "application secret regenerated"
    );
    dialog(
        &admin,
        admin.lang().texts().regenerated_title,
        application.name,
        credentials,
    )
}

pub async fn confirm_delete(
    admin: AdminSession,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    let application = load(&admin, &state, &path).await?;
    let t = admin.lang().texts();
    pages::ok(&confirm_page(
        &admin,
        t.delete_title,
        Some(application.name),
        t.delete_body,
        format!("/settings/integrations/{}/delete", application.id),
        t.delete,
    ))
}

pub async fn delete(
    admin: AdminSession,
    path: web::Path<String>,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    admin
        .signed_in
        .check_csrf(FormFields::parse(&body).get("csrf_token"))?;
    let application = load(&admin, &state, &path).await?;
    let actor = admin.admin.clone();
    let id = application.id.clone();
    db::run(&state.pool, move |conn| {
        applications::delete(conn, &actor, &id)
    })
    .await
    .map_err(|err| storage_error(err, admin.lang()))?;
    tracing::info!(tenant_id = %admin.tenant_id(), application_id = %application.id, "custom application deleted");
    Ok(pages::see_other("/settings/integrations?notice=deleted"))
}

pub async fn confirm_improved_security(admin: AdminSession) -> Result<HttpResponse, ConsoleError> {
    let t = admin.lang().texts();
    pages::ok(&confirm_page(
        &admin,
        t.remove_secret_title,
        Some(t.remove_secret_body.to_owned()),
        t.improved_warning,
        "/settings/integrations/improved-security".into(),
        t.remove_secret,
    ))
}

pub async fn enable_improved_security(
    admin: AdminSession,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    admin
        .signed_in
        .check_csrf(FormFields::parse(&body).get("csrf_token"))?;
    let actor = admin.admin.actor().clone();
    let changed = db::run(&state.pool, move |conn| {
        let changed = tenants::enable_improved_security(conn, &actor, crate::clock::now())?;
        db::flush_deleted_rows(conn);
        Ok::<_, ConsoleError>(changed)
    })
    .await?;
    if changed {
        tracing::info!(tenant_id = %admin.tenant_id(), "improved security enabled");
    }
    Ok(pages::see_other(
        "/settings/integrations?notice=improved-security",
    ))
}
