//! Verifying: one prospect at once, or a whole list in the background a batch at a time.
//!
//! Asking to verify a list only queues a run (`queue_list`), after policy and a check that
//! the credits and the member's cap cover the whole list; nothing is spent then. The job
//! (`jobs::verifications`) runs it: each batch's addresses are checked (DNS outside any
//! transaction), then one transaction holding the payer's lock spends one credit per
//! address, stores the verdicts and moves the run's `last_prospect_id` past the batch, only
//! if no other round moved it first. So a crash or restart loses at most the batch being
//! checked (nothing of it stored, nothing spent) and the next round resumes after
//! `last_prospect_id`: every prospect of the run is verified and paid for once. A run that
//! can no longer spend (credits gone meanwhile, cap, locked team) or whose list is no longer
//! the user's to verify (policy, asked again every batch) stops, keeping what it verified.

use chrono::NaiveDateTime;

use super::Viewer;
use super::verification::{MxResolver, Verdict, verify_addresses};
use crate::db::ids::UserId;
use crate::db::models::{User, VerificationRun};
use crate::db::values::VerificationStatus;
use crate::db::{AnyConnection, DbError, Pool, accounts, prospects as db, verifications as runs};
use crate::domain::policy::RecordAction;
use crate::domain::{DomainError, DomainResult, billing, invalid};
use crate::text::{count, number};

/// Addresses checked and stored per batch unless `VERIFY_BATCH` says otherwise.
pub const DEFAULT_BATCH: usize = 200;

/// A list's verification as its page shows it: the latest run and the verdict counts.
pub struct Progress {
    pub run: Option<VerificationRun>,
    /// Prospects per verdict, in `Verdict::ALL` order, verdicts with none left out.
    pub counts: Vec<(Verdict, i64)>,
    /// Prospects never verified.
    pub unverified: i64,
}

impl Progress {
    /// The run still to finish (queued or running), if any.
    pub fn active(&self) -> Option<&VerificationRun> {
        self.run.as_ref().filter(|r| is_unfinished(r))
    }

    /// "3 valid, 1 risky, 2 invalid" (empty when nothing was verified).
    pub fn summary(&self) -> String {
        let parts: Vec<String> = self
            .counts
            .iter()
            .map(|(v, n)| format!("{} {v}", number(*n)))
            .collect();
        parts.join(", ")
    }
}

fn is_unfinished(run: &VerificationRun) -> bool {
    matches!(
        run.status,
        VerificationStatus::Queued | VerificationStatus::Running
    )
}

/// The verification figures of list `list_id` (the caller has checked the viewer may see it).
pub fn progress(conn: &mut AnyConnection, list_id: i64) -> DomainResult<Progress> {
    let run = runs::latest_of_list(conn, list_id)?;
    let stored = runs::verdict_counts(conn, list_id)?;
    let counts = Verdict::ALL
        .iter()
        .map(|v| {
            let n = stored.iter().filter(|(s, _)| *s == Some(*v)).map(|c| c.1);
            (*v, n.sum())
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    let unverified = stored
        .iter()
        .filter(|(s, _)| s.is_none())
        .map(|c| c.1)
        .sum();
    Ok(Progress {
        run,
        counts,
        unverified,
    })
}

/// Today's words for a pool that cannot cover `needed` credits.
fn shortfall(
    conn: &mut AnyConnection,
    user_id: UserId,
    needed: i64,
    err: DomainError,
    now: NaiveDateTime,
) -> DomainError {
    let DomainError::PoolExhausted { renews_at, .. } = err else {
        return err;
    };
    let left = match billing::pool_for(conn, user_id, now) {
        Ok(pool) => pool.credits_left(),
        Err(e) => return e,
    };
    DomainError::Invalid(format!(
        "Verifying needs {}, but only {} {} left this billing period. Nothing was verified. Credits renew on {}.",
        count(needed, "credit", "credits"),
        number(left),
        if left == 1 { "is" } else { "are" },
        renews_at.format("%Y-%m-%d")
    ))
}

/// Queues the verification of list `list_id` for `user`, to be run by the background job.
/// Refusals: policy's (`NotFound`, `Forbidden` for a list not theirs), an empty list, a run
/// of the list not yet finished, and credits or the member's cap not covering every
/// prospect (`Invalid` with the figures, `CapReached`, `TeamLocked`). Spends nothing.
pub fn queue_list(
    conn: &mut AnyConnection,
    user: &User,
    list_id: i64,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let viewer = Viewer::load(conn, user, now)?;
    let list = db::list_by_id(conn, list_id)?.ok_or(DomainError::NotFound)?;
    viewer.may(list.owner_id, RecordAction::Verify)?;
    // One owner's runs are queued one at a time, so a list never has two.
    crate::db::locked_transaction(conn, list.owner_id, |conn| {
        if let Some(run) = runs::latest_of_list(conn, list.id)?.filter(is_unfinished) {
            return invalid(format!(
                "This list is already being verified ({} of {} done). Wait for it to finish.",
                number(run.verified),
                number(run.total)
            ));
        }
        let (total, up_to) = runs::list_extent(conn, list.id)?;
        if total == 0 {
            return invalid("This list has no prospects to verify.");
        }
        if let Err(e) = billing::check_credits(conn, user.id, total, now) {
            return Err(shortfall(conn, user.id, total, e, now));
        }
        runs::insert(conn, list.id, user.id, (total as i32, up_to), now)?;
        Ok(format!(
            "Verifying {}: the list shows the progress. One credit is spent per address as its result is stored.",
            count(total, "address", "addresses")
        ))
    })
}

/// Verifies one prospect now for `user_id`: policy first, then DNS, then one credit spent
/// in the transaction that stores the result. Refusals as `queue_list`'s.
pub async fn verify_prospect(
    pool: &Pool,
    resolver: &dyn MxResolver,
    user_id: UserId,
    prospect_id: i64,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let email = blocking(pool, move |conn| {
        let user = accounts::user_by_id(conn, user_id)?;
        let viewer = Viewer::load(conn, &user, now)?;
        let prospect = db::prospect_by_id(conn, prospect_id)?.ok_or(DomainError::NotFound)?;
        viewer.may(prospect.owner_id, RecordAction::Verify)?;
        if let Err(e) = billing::check_credits(conn, user_id, 1, now) {
            return Err(shortfall(conn, user_id, 1, e, now));
        }
        Ok(prospect.email)
    })
    .await?;
    let (verdict, detail) = verify_addresses(resolver, &[email]).await.remove(0);
    let summary = format!("Verified: {verdict} ({detail}).");
    blocking(pool, move |conn| {
        billing::spend_credits_with(conn, user_id, 1, now, |conn| {
            Ok(db::set_verification(
                conn,
                prospect_id,
                verdict,
                &detail,
                now,
            )?)
        })
        .map_err(|e| shortfall(conn, user_id, 1, e, now))
    })
    .await?;
    Ok(summary)
}

async fn blocking<T: Send + 'static>(
    pool: &Pool,
    work: impl FnOnce(&mut AnyConnection) -> DomainResult<T> + Send + 'static,
) -> DomainResult<T> {
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || work(&mut *pool.get().map_err(DbError::from)?))
        .await
        .map_err(|e| DomainError::Internal(format!("verification task: {e}")))?
}

/// Ids of the runs still to finish (queued, or running when a restart cut them short).
pub fn unfinished(conn: &mut AnyConnection) -> DomainResult<Vec<i64>> {
    Ok(runs::unfinished(conn)?)
}

/// What a batch is to do: the run as read, and its next prospects (id, email).
enum Next {
    Batch(VerificationRun, Vec<(i64, String)>),
    Ended,
}

/// Ends the run as stopped, keeping what it verified: "Stopped after 1,200 of 5,000: why".
fn stop(
    conn: &mut AnyConnection,
    run: &VerificationRun,
    why: &str,
    now: NaiveDateTime,
) -> DomainResult<Next> {
    let report = format!(
        "Stopped after {} of {}: {why}",
        number(run.verified),
        count(run.total, "address", "addresses")
    );
    runs::finish(conn, run.id, VerificationStatus::Stopped, &report, now)?;
    Ok(Next::Ended)
}

/// Reads the run's next batch, asking policy again; ends the run when none is left.
fn next_batch(
    conn: &mut AnyConnection,
    run_id: i64,
    size: usize,
    now: NaiveDateTime,
) -> DomainResult<Next> {
    let Some(run) = runs::by_id(conn, run_id)?.filter(is_unfinished) else {
        return Ok(Next::Ended);
    };
    let user = accounts::user_by_id(conn, run.user_id)?;
    let viewer = Viewer::load(conn, &user, now)?;
    let Some(list) = db::list_by_id(conn, run.list_id)? else {
        return stop(conn, &run, "the list was deleted.", now);
    };
    match viewer.may(list.owner_id, RecordAction::Verify) {
        Ok(()) => {}
        Err(DomainError::Forbidden(why)) => return stop(conn, &run, &why, now),
        Err(DomainError::NotFound) => {
            return stop(conn, &run, "the list is no longer yours to verify.", now);
        }
        Err(e) => return Err(e),
    }
    let batch = runs::next_batch(conn, &run, size as i64)?;
    if batch.is_empty() {
        runs::finish(conn, run.id, VerificationStatus::Done, "", now)?;
        return Ok(Next::Ended);
    }
    Ok(Next::Batch(run, batch))
}

/// Stores one checked batch and its credits in one transaction, if the run is still where
/// it was read; stops the run when the credits can no longer be spent.
fn store_batch(
    conn: &mut AnyConnection,
    run: &VerificationRun,
    results: &[(i64, Verdict, String)],
    now: NaiveDateTime,
) -> DomainResult<()> {
    let last = results.last().map_or(run.last_prospect_id, |r| r.0);
    let n = results.len();
    let stored = billing::spend_credits_with(conn, run.user_id, n as i64, now, |conn| {
        if !runs::advance(conn, run.id, (run.last_prospect_id, last), n as i32, now)? {
            // Another round stored this batch first: undo this spend.
            return Err(DomainError::AlreadyUsed(
                "batch stored by another round".into(),
            ));
        }
        for (id, verdict, detail) in results {
            db::set_verification(conn, *id, *verdict, detail, now)?;
        }
        Ok(())
    });
    match stored {
        Ok(()) | Err(DomainError::AlreadyUsed(_)) => Ok(()),
        Err(
            e @ (DomainError::PoolExhausted { .. }
            | DomainError::CapReached { .. }
            | DomainError::TeamLocked),
        ) => {
            let why = format!("{}", shortfall(conn, run.user_id, n as i64, e, now));
            let why = why.replace(" Nothing was verified.", "");
            stop(conn, run, &why, now).map(|_| ())
        }
        Err(e) => Err(e),
    }
}

/// Runs one batch of run `run_id`: up to `size` addresses checked, stored and paid for.
/// Returns whether the run has more to do. An error leaves the run where it was (resumed
/// by the next round).
pub async fn run_batch(
    pool: &Pool,
    resolver: &dyn MxResolver,
    run_id: i64,
    size: usize,
    now: impl Fn() -> NaiveDateTime,
) -> DomainResult<bool> {
    let at = now();
    let next = blocking(pool, move |conn| next_batch(conn, run_id, size.max(1), at)).await?;
    let Next::Batch(run, batch) = next else {
        return Ok(false);
    };
    let emails: Vec<String> = batch.iter().map(|(_, e)| e.clone()).collect();
    let verdicts = verify_addresses(resolver, &emails).await;
    let results: Vec<(i64, Verdict, String)> = batch
        .into_iter()
        .zip(verdicts)
        .map(|((id, _), (verdict, detail))| (id, verdict, detail))
        .collect();
    let at = now();
    blocking(pool, move |conn| store_batch(conn, &run, &results, at)).await?;
    Ok(true)
}
