//! The team: My Team for a leader and for a member (`my_team`), changing a membership
//! (`membership`), invitations as the leader sends them (`invitations`) and as the invited
//! person answers them (`invitation_answers`), reminders to invited people (`reminders`),
//! and removing a member with the transfer of their records (`removal`).

pub mod invitation_answers;
pub mod invitations;
mod membership;
mod my_team;
pub mod reminders;
mod removal;

pub use membership::{leave, managed_member, set_permissions, team_seat};
pub use my_team::{
    ActivityItem, LeaderView, LockNotice, MemberRow, MemberStatus, MemberView, MyTeam,
    RecordsScope, lock_notice, my_team,
};
pub use removal::{RecordsGo, RemovalPreview, removal_preview, remove_member};
