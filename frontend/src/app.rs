//! The app: the session context and the routes.

use leptos::prelude::*;
use leptos_router::{
    components::{ParentRoute, Redirect, Route, Router, Routes},
    path,
};

use crate::{
    components::shell::Shell,
    pages::{
        explanation_review::ExplanationReviewPage, explanations::ExplanationsPage, home::HomePage,
        login::LoginPage, not_found::NotFoundPage, tickets::TicketsPage,
    },
    session::Session,
};

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    provide_context(Session::restore());
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
