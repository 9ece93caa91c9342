//! The Settings area (`/settings/...`): a bundle of its own, so the analyst app carries none of
//! the administrators' pages.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(socdesk_web::app::AdminApp);
}
