//! Billing: plans and billing-period arithmetic (`plans`), the shared pool a plan gives a
//! team (`pool`, read only), the one place that spends it (`units`), the member caps a
//! leader sets (`caps`), usage alerts at 80% (`alerts`) and plan changes (`plan_changes`).
//!
//! The arrows run one way: `units` → `alerts` → `pool` → `plans`.

mod alerts;
mod caps;
mod plan_changes;
mod plans;
mod pool;
mod units;

pub use alerts::notices;
pub use caps::{parse_cap, set_caps};
pub use plan_changes::{BillingView, TeamPool, change_plan, renew, view};
pub use plans::{Period, Plan, period_containing};
pub use pool::{PoolStatus, Unit, current_period, effective_plan, plan_expired, pool_status};
pub use units::{
    hold_recipient, pool_for, record_recipient, release_held_recipient, spend_credits,
    spend_held_recipient,
};
