//! Prospects: lists, prospects and the member picker (`lists`), CSV import in three steps
//! (`csv_import` parses and shows the mapping, `import_mapping` checks it, `import_run`
//! writes the rows; `import_errors` words their errors: the line, what was wrong, the
//! value), export (`export`), CSV cells safe for spreadsheets (`csv_cells`) and email
//! verification (`verification`).

pub mod csv_cells;
pub mod csv_import;
pub mod export;
mod import_errors;
mod import_mapping;
pub mod import_run;
mod lists;
pub mod verification;

pub use lists::{
    ListName, ListPage, ListsPage, PAGE_SIZE, PickerEntry, Profile, Viewer, add_prospect,
    create_list, delete_list, delete_prospect, list_page, list_to_delete, lists_page,
    parse_prospect, picker, profile, rename_list, update_prospect,
};
