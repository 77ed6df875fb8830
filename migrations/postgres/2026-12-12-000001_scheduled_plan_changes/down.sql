ALTER TABLE users DROP COLUMN scheduled_plan_at;
ALTER TABLE users DROP COLUMN scheduled_plan;
