-- A downgrade waits for the end of the paid period: the lower plan (or Free) chosen and the
-- instant it takes over (the paid-until date when it was chosen). Both NULL: none scheduled.
-- Read lazily: from scheduled_plan_at on, the scheduled plan is the plan in force, so no job
-- has to apply it.
ALTER TABLE users ADD COLUMN scheduled_plan TEXT;
ALTER TABLE users ADD COLUMN scheduled_plan_at TIMESTAMP;
