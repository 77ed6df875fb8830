//! The team: My Team for a leader and for a member (`my_team`), changing a membership
//! (`membership`), invitations as the leader sends them (`invitations`) and as the invited
//! person answers them (`invitation_answers`), reminders to invited people (`reminders`),
//! removing a member with the transfer of their records (`removal`), and Team activity:
//! its log, filters and CSV, and `record_activity` for every change that belongs in it (`activity`).

mod activity;
pub mod invitation_answers;
pub mod invitations;
mod membership;
mod my_team;
pub mod reminders;
mod removal;

pub use activity::{
    ActivityCsv, ActivityItem, ActivityLog, ActivityQuery, ActorChoice, CSV_HEADER,
    activity_csv_batch, activity_log, plan_activity_csv, record_activity,
};
pub use membership::{leave, managed_member, set_launch_approval, set_permissions, team_seat};
pub use my_team::{
    LeaderView, LockNotice, MemberRow, MemberStatus, MemberView, MyTeam, RecordsScope, lock_notice,
    my_team,
};
pub use removal::{RecordsGo, RemovalPreview, removal_preview, remove_member};
