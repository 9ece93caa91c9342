//! Hands bytes fetched with the access token to the browser as a file download (a plain link
//! cannot carry the `Authorization` header).

use wasm_bindgen::JsCast;

/// Saves `bytes` as `file_name` through a temporary object URL.
pub fn save_bytes(bytes: &[u8], file_name: &str, content_type: &str) -> Result<(), String> {
    let fail = |what: &str| format!("the download could not start ({what})");
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(content_type);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|_| fail("blob"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("object URL"))?;
    let document = leptos::prelude::document();
    let anchor = document
        .create_element("a")
        .map_err(|_| fail("link"))?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| fail("link"))?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    // Give the browser time to start reading the blob before the URL goes.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
    Ok(())
}
