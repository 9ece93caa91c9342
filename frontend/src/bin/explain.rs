//! The violator's token page (`/explain/{token}`): a separate, small bundle with nothing of the
//! analyst app and no API beyond the public one.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(socdesk_web::explain::ExplainPage);
}
