//! The app shell: routes, and the signed-in account shared through context.

use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::pages::{home::HomePage, login::LoginPage};

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=|| view! { <main class="main"><p>"Page not found."</p></main> }>
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/") view=HomePage />
            </Routes>
        </Router>
    }
}
