//! Any address the app does not know.

use leptos::prelude::*;
use leptos_router::components::A;

/// Says the page does not exist and links home.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <main class="main">
            <section class="card">
                <h1 class="page-title">"Page not found"</h1>
                <p class="muted">"There is nothing at this address."</p>
                <A href="/">"Go to the start page"</A>
            </section>
        </main>
    }
}
