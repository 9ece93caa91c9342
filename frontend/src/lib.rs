//! socdesk's web app: Leptos client-side apps talking to the REST API. Two entry points share
//! this library: the analyst app (`src/main.rs`) and the violator's token page
//! (`src/bin/explain.rs`), whose wasm holds only what the page uses (the linker drops the rest).

pub mod api;
pub mod app;
pub mod components;
pub mod download;
pub mod explain;
pub mod format;
pub mod labels;
pub mod live;
pub mod pages;
pub mod session;
