//! Widgets the screens share: tickets and explanations use the same panel, dialogs, chart,
//! column settings, refresh control, editors and pickers.

pub mod account_picker;
pub mod auto_refresh;
pub mod badges;
pub mod bulk_results;
pub mod column_settings;
pub mod confirm;
pub mod data_list;
pub mod dialog;
pub mod download_dialog;
pub mod employee_picker;
pub mod files;
pub mod filter_inputs;
pub mod form;
pub mod markdown_editor;
pub mod menu_button;
pub mod multi_select;
pub mod records;
pub mod side_panel;
pub mod tag_picker;
pub mod trend_chart;
