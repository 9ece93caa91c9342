//! The apps: the session context and the routes of the analyst app and of the Settings area.

use leptos::prelude::*;
use leptos_router::{
    components::{ParentRoute, Redirect, Route, Router, Routes},
    path,
};

use crate::{
    api::admin::Catalogue,
    components::shell::Shell,
    pages::{
        explanation_review::ExplanationReviewPage,
        explanations::ExplanationsPage,
        home::HomePage,
        login::LoginPage,
        not_found::NotFoundPage,
        settings::{
            SettingsLayout, accounts::AccountsPage, catalogue::CataloguePage, departments::DepartmentsPage,
            employees::EmployeesPage, log_tables::LogTablesPage, mail_templates::MailTemplatesPage,
            notification_providers::NotificationProvidersPage, options::OptionsPage, outbox::OutboxPage,
            playbooks::PlaybooksPage, reputation::ReputationPage, rules::RulesPage,
        },
        tickets::TicketsPage,
    },
    session::Session,
};

/// The analyst app and the Settings area are two bundles (analysts never download the admin
/// pages): a link into the other one is a full page load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// Tickets, Explanations, the review page, My account (`index.html`).
    Analyst,
    /// `/settings/...` (`settings.html`).
    Admin,
}

impl Bundle {
    /// The bundle that serves `path`.
    pub fn of(path: &str) -> Bundle {
        if path == "/settings" || path.starts_with("/settings/") { Bundle::Admin } else { Bundle::Analyst }
    }
}

/// The bundle this page runs in.
pub fn use_bundle() -> Bundle {
    use_context::<Bundle>().unwrap_or(Bundle::Analyst)
}

/// The analyst app.
#[component]
pub fn App() -> impl IntoView {
    provide_context(Session::restore());
    provide_context(Bundle::Analyst);
    view! {
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/login") view=LoginPage />
                // Every other page needs a session and sits in the shell.
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=|| view! { <Redirect path="/tickets" /> } />
                    <Route path=path!("tickets") view=TicketsPage />
                    <Route path=path!("explanations") view=ExplanationsPage />
                    <Route path=path!("explanations/:id/review") view=ExplanationReviewPage />
                    <Route path=path!("account") view=HomePage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The Settings area (`ADMIN`).
#[component]
pub fn AdminApp() -> impl IntoView {
    provide_context(Session::restore());
    provide_context(Bundle::Admin);
    view! {
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/login") view=LoginPage />
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=|| view! { <Redirect path="/settings" /> } />
                    <ParentRoute path=path!("settings") view=SettingsLayout>
                        <Route path=path!("") view=|| view! { <Redirect path="/settings/accounts" /> } />
                        <Route path=path!("accounts") view=AccountsPage />
                        <Route path=path!("sites") view=|| view! { <CataloguePage catalogue=Catalogue::Sites /> } />
                        <Route
                            path=path!("ticket-categories")
                            view=|| view! { <CataloguePage catalogue=Catalogue::TicketCategories /> }
                        />
                        <Route path=path!("tags") view=|| view! { <CataloguePage catalogue=Catalogue::Tags /> } />
                        <Route
                            path=path!("explanation-categories")
                            view=|| view! { <CataloguePage catalogue=Catalogue::ExplanationCategories /> }
                        />
                        <Route path=path!("employees") view=EmployeesPage />
                        <Route path=path!("departments") view=DepartmentsPage />
                        <Route path=path!("mail-templates") view=MailTemplatesPage />
                        <Route path=path!("options") view=OptionsPage />
                        <Route path=path!("notification-providers") view=NotificationProvidersPage />
                        <Route path=path!("reputation") view=ReputationPage />
                        <Route path=path!("log-tables") view=LogTablesPage />
                        <Route path=path!("rules") view=RulesPage />
                        <Route path=path!("playbooks") view=PlaybooksPage />
                        <Route path=path!("outbox") view=OutboxPage />
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
