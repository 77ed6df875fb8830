//! Prospects: lists, prospects and the member picker (`lists`), a list's page searched,
//! sorted and paginated (`browse`), CSV import in three steps
//! (`csv_import` parses and shows the mapping, `import_mapping` checks it, `import_run`
//! writes the rows; `import_errors` words their errors: the line, what was wrong, the
//! value), export (`export`), CSV cells safe for spreadsheets (`csv_cells`) and email
//! verification (`verification` checks addresses, `verification_run` verifies a prospect
//! at once or a list in the background, a batch at a time), the team's do-not-email list
//! (`do_not_email`) with its CSV download and import (`do_not_email_csv`), and forgetting
//! a prospect across the team (`forget`).

mod browse;
pub mod csv_cells;
pub mod csv_import;
pub mod do_not_email;
pub mod do_not_email_csv;
pub mod export;
pub mod forget;
mod import_errors;
mod import_mapping;
pub mod import_run;
mod lists;
pub mod verification;
pub mod verification_run;

pub use browse::{ListPage, ListQuery, PAGE_SIZE, ProspectRow, SortColumn, list_page};
pub use lists::{
    ListName, ListsPage, PickerEntry, Profile, Viewer, add_prospect, create_list, delete_list,
    delete_prospect, list_to_delete, lists_page, parse_prospect, picker, profile, rename_list,
    update_prospect,
};
