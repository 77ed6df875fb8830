//! Billing: plans and billing-period arithmetic (`plans`), the shared pool a plan gives a
//! team (`pool`, read only), the one place that spends it (`units`), the member caps a
//! leader sets (`caps`), usage alerts at 80% (`alerts`), plan changes (`plan_changes`) and
//! downgrades scheduled for the end of the paid period (`downgrades`).
//!
//! The arrows run one way: `units` → `alerts` → `pool` → `plans`.

mod alerts;
mod caps;
pub mod downgrades;
mod plan_changes;
mod plans;
mod pool;
mod units;

pub use alerts::notices;
pub use caps::{parse_cap, set_caps};
pub use downgrades::DowngradePreview;
pub use plan_changes::{BillingView, PlanChange, TeamPool, change_plan, renew, view};
pub use plans::{Period, Plan, period_containing};
pub use pool::{
    PlanTerms, PoolStatus, ScheduledPlan, Unit, current_period, effective_plan, plan_expired,
    plan_terms, pool_status,
};
pub use units::{
    check_credits, hold_recipient, pool_for, record_recipient, release_held_recipient,
    spend_credits, spend_credits_with, spend_held_recipient,
};
