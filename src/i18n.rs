//! Console languages. Every page and message the console shows comes from a
//! [`Texts`] table; a string missing from one language is a compile error
//! because both tables fill the same struct.

use actix_web::HttpRequest;
use actix_web::http::header::ACCEPT_LANGUAGE;

/// Cookie holding the language the user picked.
pub const LANGUAGE_COOKIE: &str = "lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("fr") {
            Some(Lang::Fr)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The user's choice (cookie), else the best match of `Accept-Language`,
    /// else English.
    pub fn of_request(req: &HttpRequest) -> Lang {
        if let Some(lang) = req
            .cookie(LANGUAGE_COOKIE)
            .and_then(|cookie| Lang::parse(cookie.value()))
        {
            return lang;
        }
        req.headers()
            .get(ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .and_then(best_accepted)
            .unwrap_or(Lang::En)
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
        }
    }
}

/// Picks the supported language with the highest `q` in an Accept-Language value.
fn best_accepted(header: &str) -> Option<Lang> {
    let mut best: Option<(Lang, f32)> = None;
    for entry in header.split(',') {
        let mut parts = entry.split(';');
        let Some(lang) = parts.next().and_then(Lang::parse) else {
            continue;
        };
        let quality = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if quality > 0.0 && best.is_none_or(|(_, q)| quality > q) {
            best = Some((lang, quality));
        }
    }
    best.map(|(lang, _)| lang)
}

/// Every text of the console in one language.
pub struct Texts {
    pub lang: Lang,
    pub app_name: &'static str,
    pub nav_dashboard: &'static str,
    pub nav_settings: &'static str,
    pub sign_out: &'static str,
    pub signed_in_as: &'static str,
    pub language: &'static str,
    pub sign_in: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub sign_in_failed: &'static str,
    pub form_expired: &'static str,
    pub signed_out: &'static str,
    pub session_expired: &'static str,
    pub dashboard_title: &'static str,
    pub dashboard_intro: &'static str,
    pub settings: &'static str,
    pub settings_intro: &'static str,
    pub integrations: &'static str,
    pub integrations_intro: &'static str,
    pub tenant_id: &'static str,
    pub api_url: &'static str,
    pub add_application: &'static str,
    pub limit_reached: &'static str,
    pub no_applications: &'static str,
    pub col_name: &'static str,
    pub application_id: &'static str,
    pub application_secret: &'static str,
    pub col_privileges: &'static str,
    pub col_created: &'static str,
    pub col_last_used: &'static str,
    pub col_actions: &'static str,
    pub never: &'static str,
    pub by: &'static str,
    pub from: &'static str,
    pub edit: &'static str,
    pub regenerate: &'static str,
    pub delete: &'static str,
    pub reveal: &'static str,
    pub cancel: &'static str,
    pub back_to_integrations: &'static str,
    pub improved_available: &'static str,
    pub improved_explain: &'static str,
    pub improved_warning: &'static str,
    pub remove_secret: &'static str,
    pub remove_secret_title: &'static str,
    pub remove_secret_body: &'static str,
    pub improved_on: &'static str,
    pub new_application_title: &'static str,
    pub edit_application_title: &'static str,
    pub name_label: &'static str,
    pub name_hint: &'static str,
    pub privileges_label: &'static str,
    pub level_read: &'static str,
    pub level_write: &'static str,
    pub level_modify: &'static str,
    pub level_delete: &'static str,
    pub resource_users: &'static str,
    pub resource_devices: &'static str,
    pub resource_globallists: &'static str,
    pub resource_policies: &'static str,
    pub resource_zones: &'static str,
    pub resource_threats: &'static str,
    pub resource_memoryprotection: &'static str,
    pub save: &'static str,
    pub name_empty: &'static str,
    pub name_too_long: &'static str,
    pub name_not_printable: &'static str,
    pub name_taken: &'static str,
    pub privileges_none: &'static str,
    pub privileges_unknown: &'static str,
    pub created_title: &'static str,
    pub regenerated_title: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub secret_once_warning: &'static str,
    pub ok: &'static str,
    pub already_submitted_title: &'static str,
    pub already_submitted_body: &'static str,
    pub regenerate_title: &'static str,
    pub regenerate_body: &'static str,
    pub delete_title: &'static str,
    pub delete_body: &'static str,
    pub notice_deleted: &'static str,
    pub notice_saved: &'static str,
    pub notice_improved: &'static str,
    pub forbidden_title: &'static str,
    pub forbidden_body: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub error_title: &'static str,
    pub error_body: &'static str,
    pub bad_request_title: &'static str,
    pub users_title: &'static str,
    pub users_summary: &'static str,
    pub users_intro: &'static str,
    pub col_role: &'static str,
    pub col_status: &'static str,
    pub col_last_sign_in: &'static str,
    pub role_administrator: &'static str,
    pub role_zone_manager: &'static str,
    pub role_user: &'static str,
    pub role_read_only: &'static str,
    pub status_active: &'static str,
    pub status_invited: &'static str,
    pub status_no_password: &'static str,
    pub pending_links_title: &'static str,
    pub pending_links_intro: &'static str,
    pub col_kind: &'static str,
    pub col_link: &'static str,
    pub col_expires: &'static str,
    pub kind_invitation: &'static str,
    pub kind_password_reset: &'static str,
    pub no_pending_links: &'static str,
    pub link_unavailable: &'static str,
    pub set_password_title: &'static str,
    pub reset_password_title: &'static str,
    pub set_password_intro: &'static str,
    pub new_password: &'static str,
    pub confirm_password: &'static str,
    pub password_rule: &'static str,
    pub password_too_short: &'static str,
    pub passwords_differ: &'static str,
    pub set_password_button: &'static str,
    pub link_invalid_title: &'static str,
    pub link_invalid_body: &'static str,
    pub password_set: &'static str,
}

impl Texts {
    /// "N of 10 custom applications".
    pub fn application_count(&self, count: &i64, max: &i64) -> String {
        match self.lang {
            Lang::En => format!("{count} of {max} custom applications"),
            Lang::Fr => format!("{count} applications personnalisées sur {max}"),
        }
    }
}

pub static EN: Texts = Texts {
    lang: Lang::En,
    app_name: "Aurora Console",
    nav_dashboard: "Dashboard",
    nav_settings: "Settings",
    sign_out: "Sign out",
    signed_in_as: "Signed in as",
    language: "Language",
    sign_in: "Sign in",
    email: "E-mail address",
    password: "Password",
    sign_in_failed: "Invalid e-mail address or password.",
    form_expired: "This form has expired. Please try again.",
    signed_out: "You are signed out.",
    session_expired: "Your session has expired. Please sign in again.",
    dashboard_title: "Dashboard",
    dashboard_intro: "Manage your tenant's endpoint protection. Integrations with SIEM, SOAR and scripts are set up under Settings.",
    settings: "Settings",
    settings_intro: "Tenant-wide settings, for administrators.",
    integrations: "Integrations",
    integrations_intro: "Custom applications let third-party programs call the Endpoint Defense User API with an application ID and secret, limited to the privileges you grant.",
    tenant_id: "Tenant ID",
    api_url: "API URL",
    add_application: "Add Application",
    limit_reached: "This tenant has reached the limit of 10 custom applications. Delete one to add another.",
    no_applications: "No custom applications yet.",
    col_name: "Name",
    application_id: "Application ID",
    application_secret: "Application secret",
    col_privileges: "Privileges",
    col_created: "Created",
    col_last_used: "Last used",
    col_actions: "Actions",
    never: "Never",
    by: "by",
    from: "from",
    edit: "Edit",
    regenerate: "Regenerate secret",
    delete: "Delete",
    reveal: "Reveal",
    cancel: "Cancel",
    back_to_integrations: "Back to Integrations",
    improved_available: "Improved Security Available",
    improved_explain: "With improved security, an application's secret is shown only once, when it is created or regenerated, and is no longer kept in a form that can be displayed. Applications keep working with their current secrets.",
    improved_warning: "Before you continue, record the secret of every application you still need: once removed, secrets can never be displayed again, only regenerated. This change cannot be undone.",
    remove_secret: "Remove Secret",
    remove_secret_title: "Remove all viewable secrets?",
    remove_secret_body: "Every application secret of this tenant will stop being viewable in the console, permanently. Programs using the secrets keep working.",
    improved_on: "Improved security is on: an application's secret is shown only once, when it is created or regenerated.",
    new_application_title: "Add Application",
    edit_application_title: "Edit application",
    name_label: "Application name",
    name_hint: "1 to 64 characters, unique within the tenant.",
    privileges_label: "Privileges",
    level_read: "Read",
    level_write: "Write",
    level_modify: "Modify",
    level_delete: "Delete",
    resource_users: "Users",
    resource_devices: "Devices",
    resource_globallists: "Global Lists",
    resource_policies: "Policies",
    resource_zones: "Zones",
    resource_threats: "Threats",
    resource_memoryprotection: "Memory Protection",
    save: "Save",
    name_empty: "Enter a name.",
    name_too_long: "The name can have at most 64 characters.",
    name_not_printable: "The name cannot contain control characters such as line breaks or tabs.",
    name_taken: "Another application of this tenant already has this name.",
    privileges_none: "Select at least one privilege.",
    privileges_unknown: "One of the selected privileges does not exist. Reload the page and try again.",
    created_title: "Application created",
    regenerated_title: "New secret generated",
    copy: "Copy",
    copied: "Copied",
    secret_once_warning: "Copy the application secret now and store it safely: it will not be shown again. If you lose it, you can only regenerate a new one.",
    ok: "OK",
    already_submitted_title: "Application already created",
    already_submitted_body: "This form was already saved and the application exists. Its secret was shown only once; to get a new secret, regenerate it from the list.",
    regenerate_title: "Regenerate the secret?",
    regenerate_body: "The current secret stops working at once, and every access token obtained with it is revoked. Programs using this application need the new secret.",
    delete_title: "Delete this application?",
    delete_body: "Programs using this application lose access at once. This cannot be undone.",
    notice_deleted: "The application was deleted.",
    notice_saved: "Your changes were saved.",
    notice_improved: "Improved security is on. Viewable secrets were removed.",
    forbidden_title: "Access denied",
    forbidden_body: "Only administrators can open Settings.",
    not_found_title: "Page not found",
    not_found_body: "This page does not exist, or you do not have access to it.",
    error_title: "Something went wrong",
    error_body: "The request could not be completed. Try again; if it keeps failing, contact your administrator.",
    bad_request_title: "Invalid request",
    users_title: "Users",
    users_summary: "Console users of this tenant, and the invitation links to pass on to them.",
    users_intro: "The console users of this tenant. Users created through the User API have no password until they open their invitation link, listed below until it is used or expires.",
    col_role: "Role",
    col_status: "Status",
    col_last_sign_in: "Last sign-in",
    role_administrator: "Administrator",
    role_zone_manager: "Zone Manager",
    role_user: "User",
    role_read_only: "Read-Only",
    status_active: "Active",
    status_invited: "Invited",
    status_no_password: "No password yet",
    pending_links_title: "Pending invitation and password reset links",
    pending_links_intro: "These links were created through the User API. No e-mail is sent: give each link to its user. A link works once and expires after 7 days, and anyone who has it can set that user's password.",
    col_kind: "Type",
    col_link: "Link",
    col_expires: "Expires",
    kind_invitation: "Invitation",
    kind_password_reset: "Password reset",
    no_pending_links: "No pending links.",
    link_unavailable: "This link can no longer be shown because the key-encryption key has changed. Request a new one through the User API.",
    set_password_title: "Set your password",
    reset_password_title: "Choose a new password",
    set_password_intro: "Choose the password of this account:",
    new_password: "New password",
    confirm_password: "Confirm the password",
    password_rule: "At least 12 characters.",
    password_too_short: "The password must have at least 12 characters.",
    passwords_differ: "The two passwords do not match.",
    set_password_button: "Set password",
    link_invalid_title: "Link not valid",
    link_invalid_body: "This link is not valid: it was already used, it has expired, or a newer link replaced it. Ask an administrator for a new one.",
    password_set: "Your password is set. You can now sign in.",
};

pub static FR: Texts = Texts {
    lang: Lang::Fr,
    app_name: "Aurora Console",
    nav_dashboard: "Tableau de bord",
    nav_settings: "Paramètres",
    sign_out: "Déconnexion",
    signed_in_as: "Connecté en tant que",
    language: "Langue",
    sign_in: "Connexion",
    email: "Adresse e-mail",
    password: "Mot de passe",
    sign_in_failed: "Adresse e-mail ou mot de passe incorrect.",
    form_expired: "Ce formulaire a expiré. Veuillez réessayer.",
    signed_out: "Vous êtes déconnecté.",
    session_expired: "Votre session a expiré. Veuillez vous reconnecter.",
    dashboard_title: "Tableau de bord",
    dashboard_intro: "Gérez la protection des terminaux de votre locataire. Les intégrations avec les SIEM, SOAR et scripts se configurent dans Paramètres.",
    settings: "Paramètres",
    settings_intro: "Paramètres du locataire, réservés aux administrateurs.",
    integrations: "Intégrations",
    integrations_intro: "Les applications personnalisées permettent à des programmes tiers d'appeler l'API utilisateur Endpoint Defense avec un ID d'application et un secret, dans la limite des privilèges que vous accordez.",
    tenant_id: "ID du locataire",
    api_url: "URL de l'API",
    add_application: "Ajouter une application",
    limit_reached: "Ce locataire a atteint la limite de 10 applications personnalisées. Supprimez-en une pour en ajouter une autre.",
    no_applications: "Aucune application personnalisée pour l'instant.",
    col_name: "Nom",
    application_id: "ID d'application",
    application_secret: "Secret d'application",
    col_privileges: "Privilèges",
    col_created: "Créée",
    col_last_used: "Dernière utilisation",
    col_actions: "Actions",
    never: "Jamais",
    by: "par",
    from: "depuis",
    edit: "Modifier",
    regenerate: "Régénérer le secret",
    delete: "Supprimer",
    reveal: "Afficher",
    cancel: "Annuler",
    back_to_integrations: "Retour aux intégrations",
    improved_available: "Sécurité renforcée disponible",
    improved_explain: "Avec la sécurité renforcée, le secret d'une application n'est affiché qu'une fois, à sa création ou à sa régénération, et n'est plus conservé sous une forme affichable. Les applications continuent de fonctionner avec leurs secrets actuels.",
    improved_warning: "Avant de continuer, notez le secret de chaque application dont vous avez encore besoin : une fois supprimés, les secrets ne pourront plus jamais être affichés, seulement régénérés. Cette modification est irréversible.",
    remove_secret: "Supprimer les secrets",
    remove_secret_title: "Supprimer tous les secrets affichables ?",
    remove_secret_body: "Aucun secret d'application de ce locataire ne sera plus affichable dans la console, définitivement. Les programmes qui utilisent ces secrets continuent de fonctionner.",
    improved_on: "La sécurité renforcée est active : le secret d'une application n'est affiché qu'une fois, à sa création ou à sa régénération.",
    new_application_title: "Ajouter une application",
    edit_application_title: "Modifier l'application",
    name_label: "Nom de l'application",
    name_hint: "De 1 à 64 caractères, unique dans le locataire.",
    privileges_label: "Privilèges",
    level_read: "Lecture",
    level_write: "Écriture",
    level_modify: "Modification",
    level_delete: "Suppression",
    resource_users: "Utilisateurs",
    resource_devices: "Appareils",
    resource_globallists: "Listes globales",
    resource_policies: "Stratégies",
    resource_zones: "Zones",
    resource_threats: "Menaces",
    resource_memoryprotection: "Protection de la mémoire",
    save: "Enregistrer",
    name_empty: "Saisissez un nom.",
    name_too_long: "Le nom peut comporter au plus 64 caractères.",
    name_not_printable: "Le nom ne peut pas contenir de caractères de contrôle comme des sauts de ligne ou des tabulations.",
    name_taken: "Une autre application de ce locataire porte déjà ce nom.",
    privileges_none: "Sélectionnez au moins un privilège.",
    privileges_unknown: "L'un des privilèges sélectionnés n'existe pas. Rechargez la page et réessayez.",
    created_title: "Application créée",
    regenerated_title: "Nouveau secret généré",
    copy: "Copier",
    copied: "Copié",
    secret_once_warning: "Copiez le secret d'application maintenant et conservez-le en lieu sûr : il ne sera plus affiché. Si vous le perdez, vous pourrez seulement en régénérer un nouveau.",
    ok: "OK",
    already_submitted_title: "Application déjà créée",
    already_submitted_body: "Ce formulaire a déjà été enregistré et l'application existe. Son secret n'a été affiché qu'une fois ; pour obtenir un nouveau secret, régénérez-le depuis la liste.",
    regenerate_title: "Régénérer le secret ?",
    regenerate_body: "Le secret actuel cesse immédiatement de fonctionner et tous les jetons d'accès obtenus avec lui sont révoqués. Les programmes qui utilisent cette application auront besoin du nouveau secret.",
    delete_title: "Supprimer cette application ?",
    delete_body: "Les programmes qui utilisent cette application perdent immédiatement leur accès. Cette action est irréversible.",
    notice_deleted: "L'application a été supprimée.",
    notice_saved: "Vos modifications ont été enregistrées.",
    notice_improved: "La sécurité renforcée est active. Les secrets affichables ont été supprimés.",
    forbidden_title: "Accès refusé",
    forbidden_body: "Seuls les administrateurs peuvent ouvrir les Paramètres.",
    not_found_title: "Page introuvable",
    not_found_body: "Cette page n'existe pas, ou vous n'y avez pas accès.",
    error_title: "Une erreur est survenue",
    error_body: "La demande n'a pas pu aboutir. Réessayez ; si le problème persiste, contactez votre administrateur.",
    bad_request_title: "Demande invalide",
    users_title: "Utilisateurs",
    users_summary: "Les utilisateurs de la console de ce locataire et les liens d'invitation à leur transmettre.",
    users_intro: "Les utilisateurs de la console de ce locataire. Les utilisateurs créés par l'API utilisateur n'ont pas de mot de passe tant qu'ils n'ont pas ouvert leur lien d'invitation, affiché ci-dessous jusqu'à son utilisation ou son expiration.",
    col_role: "Rôle",
    col_status: "État",
    col_last_sign_in: "Dernière connexion",
    role_administrator: "Administrateur",
    role_zone_manager: "Gestionnaire de zone",
    role_user: "Utilisateur",
    role_read_only: "Lecture seule",
    status_active: "Actif",
    status_invited: "Invité",
    status_no_password: "Pas encore de mot de passe",
    pending_links_title: "Liens d'invitation et de réinitialisation en attente",
    pending_links_intro: "Ces liens ont été créés par l'API utilisateur. Aucun e-mail n'est envoyé : transmettez chaque lien à son utilisateur. Un lien ne sert qu'une fois et expire au bout de 7 jours, et quiconque le détient peut définir le mot de passe de cet utilisateur.",
    col_kind: "Type",
    col_link: "Lien",
    col_expires: "Expiration",
    kind_invitation: "Invitation",
    kind_password_reset: "Réinitialisation du mot de passe",
    no_pending_links: "Aucun lien en attente.",
    link_unavailable: "Ce lien ne peut plus être affiché, car la clé de chiffrement des clés a changé. Demandez-en un nouveau par l'API utilisateur.",
    set_password_title: "Définissez votre mot de passe",
    reset_password_title: "Choisissez un nouveau mot de passe",
    set_password_intro: "Choisissez le mot de passe de ce compte :",
    new_password: "Nouveau mot de passe",
    confirm_password: "Confirmez le mot de passe",
    password_rule: "Au moins 12 caractères.",
    password_too_short: "Le mot de passe doit comporter au moins 12 caractères.",
    passwords_differ: "Les deux mots de passe ne correspondent pas.",
    set_password_button: "Définir le mot de passe",
    link_invalid_title: "Lien non valide",
    link_invalid_body: "Ce lien n'est pas valide : il a déjà servi, il a expiré ou un lien plus récent l'a remplacé. Demandez-en un nouveau à un administrateur.",
    password_set: "Votre mot de passe est enregistré. Vous pouvez maintenant vous connecter.",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_highest_quality() {
        assert_eq!(best_accepted("fr-CA,fr;q=0.9,en;q=0.8"), Some(Lang::Fr));
        assert_eq!(best_accepted("de,en;q=0.5,fr;q=0.4"), Some(Lang::En));
        assert_eq!(best_accepted("de,es"), None);
        assert_eq!(best_accepted("fr;q=0"), None);
    }
}
