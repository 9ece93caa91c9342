//! Widgets shared by the pages.

pub mod shell;
