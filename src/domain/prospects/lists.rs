//! Prospect lists and prospects: create, edit and delete your own; view team records
//! through the member picker when policy allows; export a list as CSV.

use crate::text::count;
use chrono::NaiveDateTime;

use crate::db::ids::UserId;
use crate::db::models::{Prospect, ProspectFields, ProspectList, User};
use crate::db::{AnyConnection, accounts, prospects as db};
use crate::domain::accounts::EmailAddress;
use crate::domain::campaigns::schedule;
use crate::domain::policy::{self, RecordAction, TeamSeat};
use crate::domain::team;
use crate::domain::{DomainError, DomainResult, invalid};
use crate::mail::header_text;

/// A list name: 1 to 100 characters.
pub struct ListName(String);

impl ListName {
    /// Parses a list name as typed (trimmed). Refusal: `Invalid` when empty or over 100
    /// characters.
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let name = raw.trim();
        if name.is_empty() {
            return invalid("Give the list a name.");
        }
        if name.chars().count() > 100 {
            return invalid("Keep the list name to 100 characters.");
        }
        Ok(Self(name.to_string()))
    }
}

const MAX_FIELD_CHARS: usize = 200;

/// What is wrong with a prospect's text field (first name, company, …), if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TextProblem {
    /// Over `max` characters once trimmed; it has `chars`.
    TooLong { max: usize, chars: usize },
    /// A line break or another control character (`header_text::check`).
    Control,
}

/// The one check of a prospect's text field, for the add-prospect form and for imports.
pub(super) fn text_problem(value: &str) -> Option<TextProblem> {
    let (max, chars) = (MAX_FIELD_CHARS, value.trim().chars().count());
    if chars > max {
        return Some(TextProblem::TooLong { max, chars });
    }
    header_text::check(value.trim(), "")
        .err()
        .map(|_| TextProblem::Control)
}

/// A prospect's time zone as typed: empty for none, else an IANA name checked against
/// chrono-tz (`schedule::parse_zone`), returned as the database spells it. Refuses
/// (`DomainError::Invalid`) any other name: "The time zone 'Mars/Olympus' is not an IANA
/// time zone name; …".
pub fn parse_zone(raw: &str) -> DomainResult<String> {
    match raw.trim() {
        "" => Ok(String::new()),
        name => match schedule::parse_zone(name) {
            Ok(zone) => Ok(zone.name().to_string()),
            Err(_) => invalid(zone_refusal(name)),
        },
    }
}

/// Why `name` is refused as a time zone, in the words of the profile form and the import.
pub(super) fn zone_refusal(name: &str) -> String {
    format!(
        "The time zone {} is not an IANA time zone name; give one such as Europe/Paris, America/New_York or UTC, or leave it empty.",
        super::import_errors::quoted(name.trim())
    )
}

/// A prospect's standard fields: a valid email, other fields trimmed and bounded, the time
/// zone empty or an IANA name (`parse_zone`). The text fields fill placeholders in campaign
/// subjects, so a value with a line break or another control character is refused
/// (`DomainError::Invalid` naming the field).
pub fn parse_prospect(
    email: &str,
    first_name: &str,
    last_name: &str,
    company: &str,
    position: &str,
    timezone: &str,
) -> DomainResult<ProspectFields> {
    let text = |label: &str, value: &str| -> DomainResult<String> {
        let value = value.trim();
        if let Some(TextProblem::TooLong { max, .. }) = text_problem(value) {
            return invalid(format!("{label} is longer than {max} characters."));
        }
        // Placeholders put these values into campaign subjects.
        header_text::check(value, label)?;
        Ok(value.to_string())
    };
    Ok(ProspectFields {
        email: EmailAddress::parse(email)?.as_str().to_string(),
        first_name: text("First name", first_name)?,
        last_name: text("Last name", last_name)?,
        company: text("Company", company)?,
        position: text("Position", position)?,
        timezone: parse_zone(timezone)?,
    })
}

/// Who is looking, with their team seat, loaded once per request.
pub struct Viewer {
    pub user: User,
    pub seat: Option<TeamSeat>,
}

impl Viewer {
    /// Loads the viewer's team seat (one query set per request). Refusal: `Db` only.
    pub fn load(conn: &mut AnyConnection, user: &User, now: NaiveDateTime) -> DomainResult<Self> {
        Ok(Viewer {
            seat: team::team_seat(conn, user, now)?,
            user: user.clone(),
        })
    }

    /// Policy's answer for `action` on a record of `owner_id`
    /// (`policy::may_access_record`): `NotFound` for people the viewer may not see,
    /// `Forbidden` with the reason for a seen record the action is not allowed on.
    pub fn may(&self, owner_id: UserId, action: RecordAction) -> DomainResult<()> {
        policy::may_access_record(self.user.id, self.seat.as_ref(), owner_id, action)
    }

    /// `may` as a yes or no, for what a page shows.
    pub fn allowed(&self, owner_id: UserId, action: RecordAction) -> bool {
        self.may(owner_id, action).is_ok()
    }
}

/// One entry of the member picker.
pub struct PickerEntry {
    pub user_id: UserId,
    pub name: String,
    pub selected: bool,
}

/// The people whose records the viewer may pick (themselves first), or none when the
/// viewer sees only their own records.
pub fn picker(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    selected: UserId,
) -> DomainResult<Vec<PickerEntry>> {
    let Some(seat) = viewer.seat.as_ref().filter(|s| s.sees_others()) else {
        return Ok(Vec::new());
    };
    let mut entries = vec![PickerEntry {
        user_id: viewer.user.id,
        name: "My records".into(),
        selected: selected == viewer.user.id,
    }];
    let others: Vec<UserId> = seat
        .people
        .iter()
        .copied()
        .filter(|id| *id != viewer.user.id)
        .collect();
    for (user_id, name) in accounts::names_of(conn, &others)? {
        let name = if user_id == seat.leader_id {
            format!("{name} (team leader)")
        } else {
            name
        };
        entries.push(PickerEntry {
            user_id,
            name,
            selected: selected == user_id,
        });
    }
    Ok(entries)
}

/// The Prospects page: whose lists, the member picker and the lists with their sizes.
pub struct ListsPage {
    pub owner_id: UserId,
    pub owner_name: String,
    /// Policy's answer: the viewer may change these records (their own); else read only.
    pub may_edit: bool,
    pub picker: Vec<PickerEntry>,
    pub lists: Vec<(ProspectList, i64)>,
}

/// The Prospects page: the lists of `member` (default: the viewer), if the viewer may see them.
pub fn lists_page(
    conn: &mut AnyConnection,
    user: &User,
    member: Option<UserId>,
    now: NaiveDateTime,
) -> DomainResult<ListsPage> {
    let viewer = Viewer::load(conn, user, now)?;
    let owner_id = member.unwrap_or(user.id);
    viewer.may(owner_id, RecordAction::View)?;
    let owner_name = accounts::user_by_id(conn, owner_id)?.name;
    Ok(ListsPage {
        owner_id,
        owner_name,
        may_edit: viewer.allowed(owner_id, RecordAction::Edit),
        picker: picker(conn, &viewer, owner_id)?,
        lists: db::lists_of(conn, owner_id)?,
    })
}

pub(super) fn list_for(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    list_id: i64,
    action: RecordAction,
) -> DomainResult<ProspectList> {
    let list = db::list_by_id(conn, list_id)?.ok_or(DomainError::NotFound)?;
    viewer.may(list.owner_id, action)?;
    Ok(list)
}

/// Creates an empty list of `user`; returns its id. Refusal: `Db` only (the name was parsed).
pub fn create_list(
    conn: &mut AnyConnection,
    user: &User,
    name: ListName,
    now: NaiveDateTime,
) -> DomainResult<i64> {
    Ok(db::insert_list(conn, user.id, &name.0, now)?)
}

/// Renames one of the user's lists; returns the flash message. Refusals: `NotFound` for a record
/// the viewer may not see (or none), `Forbidden` for a team record (read only).
pub fn rename_list(
    conn: &mut AnyConnection,
    user: &User,
    list_id: i64,
    name: ListName,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let viewer = Viewer::load(conn, user, now)?;
    let list = list_for(conn, &viewer, list_id, RecordAction::Edit)?;
    db::rename_list(conn, list.id, &name.0)?;
    Ok(format!("Renamed to “{}”.", name.0))
}

/// The list, for the deletion confirmation page.
pub fn list_to_delete(
    conn: &mut AnyConnection,
    user: &User,
    list_id: i64,
    now: NaiveDateTime,
) -> DomainResult<(ProspectList, i64)> {
    let viewer = Viewer::load(conn, user, now)?;
    let list = list_for(conn, &viewer, list_id, RecordAction::Edit)?;
    let count = db::count_in_list(conn, list.id)?;
    Ok((list, count))
}

/// Deletes a list with its prospects; returns the flash message. Refusals: `NotFound` for a record
/// the viewer may not see (or none), `Forbidden` for a team record (read only), `Invalid` while a
/// campaign uses the list.
pub fn delete_list(
    conn: &mut AnyConnection,
    user: &User,
    list_id: i64,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let (list, prospects) = list_to_delete(conn, user, list_id, now)?;
    let campaigns = crate::db::campaigns::count_using_list(conn, list.id)?;
    if campaigns > 0 {
        return invalid(format!(
            "This list is used by {}, which keep their recipients and history. It cannot be deleted.",
            count(campaigns, "campaign", "campaigns")
        ));
    }
    db::delete_list(conn, list.id)?;
    Ok(format!(
        "Deleted the list “{}” and its {}.",
        list.name,
        count(prospects, "prospect", "prospects")
    ))
}

/// Adds a prospect to one of the user's lists; returns the flash message, which says when a
/// teammate is already contacting the address (`campaigns::contacting`). Refusals: `NotFound` for
/// a record the viewer may not see (or none), `Forbidden` for a team record (read only), `Invalid`
/// for an address already in the list.
pub fn add_prospect(
    conn: &mut AnyConnection,
    user: &User,
    list_id: i64,
    fields: ProspectFields,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let viewer = Viewer::load(conn, user, now)?;
    let list = list_for(conn, &viewer, list_id, RecordAction::Edit)?;
    if db::emails_in_list(conn, list.id)?.contains(&fields.email) {
        return invalid(format!("{} is already in this list.", fields.email));
    }
    db::insert_prospect(conn, list.id, user.id, &fields, now)?;
    let email = [fields.email.clone()];
    let contacts = crate::domain::campaigns::contacting::Contacts::of(conn, user, &email, now)?;
    Ok(match contacts.describe(&fields.email) {
        Some(who) => format!(
            "Added {}. Already {who}: a launch skips them unless you include them.",
            fields.email
        ),
        None => format!("Added {}.", fields.email),
    })
}

/// A prospect's page: the prospect, its list, its owner and its custom values.
pub struct Profile {
    pub prospect: Prospect,
    pub list: ProspectList,
    pub owner_name: String,
    /// Policy's answer: the viewer may change these records (their own); else read only.
    pub may_edit: bool,
    /// Custom values with their field names: shown to anyone who may view the prospect.
    pub custom: Vec<(String, String)>,
    /// Policy's answer: the viewer may forget this prospect (`policy::may_forget_prospect`;
    /// its owner or the team leader), and it is not forgotten already.
    pub may_forget: bool,
}

fn prospect_for(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    prospect_id: i64,
    action: RecordAction,
) -> DomainResult<Prospect> {
    let prospect = db::prospect_by_id(conn, prospect_id)?.ok_or(DomainError::NotFound)?;
    viewer.may(prospect.owner_id, action)?;
    Ok(prospect)
}

/// The profile of prospect `prospect_id`. Refusal: `NotFound` for a prospect the viewer may
/// not see (or none).
pub fn profile(
    conn: &mut AnyConnection,
    user: &User,
    prospect_id: i64,
    now: NaiveDateTime,
) -> DomainResult<Profile> {
    let viewer = Viewer::load(conn, user, now)?;
    let prospect = prospect_for(conn, &viewer, prospect_id, RecordAction::View)?;
    let list = db::list_by_id(conn, prospect.list_id)?.ok_or(DomainError::NotFound)?;
    Ok(Profile {
        custom: db::values_of(conn, prospect.id)?,
        owner_name: accounts::user_by_id(conn, prospect.owner_id)?.name,
        may_edit: viewer.allowed(prospect.owner_id, RecordAction::Edit),
        may_forget: !super::forget::is_forgotten(&prospect.email)
            && policy::may_forget_prospect(user.id, viewer.seat.as_ref(), prospect.owner_id)
                .is_ok(),
        prospect,
        list,
    })
}

/// Saves a prospect as edited; returns the flash message. Refusals: `NotFound` for a record the
/// viewer may not see (or none), `Forbidden` for a team record (read only), `Invalid` for an
/// address another prospect of the list has.
pub fn update_prospect(
    conn: &mut AnyConnection,
    user: &User,
    prospect_id: i64,
    fields: ProspectFields,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let viewer = Viewer::load(conn, user, now)?;
    let prospect = prospect_for(conn, &viewer, prospect_id, RecordAction::Edit)?;
    if fields.email != prospect.email
        && db::emails_in_list(conn, prospect.list_id)?.contains(&fields.email)
    {
        return invalid(format!("{} is already in this list.", fields.email));
    }
    db::update_prospect(conn, prospect.id, &fields)?;
    Ok("Prospect saved.".into())
}

/// Deletes the prospect; returns the list it was in.
pub fn delete_prospect(
    conn: &mut AnyConnection,
    user: &User,
    prospect_id: i64,
    now: NaiveDateTime,
) -> DomainResult<(i64, String)> {
    let viewer = Viewer::load(conn, user, now)?;
    let prospect = prospect_for(conn, &viewer, prospect_id, RecordAction::Edit)?;
    crate::db::write_transaction(conn, |conn| db::delete_prospect(conn, prospect.id))?;
    Ok((prospect.list_id, format!("Deleted {}.", prospect.email)))
}
