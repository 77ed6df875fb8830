-- Per-member caps on the shared pool, per billing period; empty means no cap.
ALTER TABLE memberships ADD COLUMN credit_cap INTEGER;
ALTER TABLE memberships ADD COLUMN recipient_cap INTEGER;

-- "You passed 80%" notices, told once per period: the unique index makes "once" hold
-- across processes.
CREATE TABLE usage_alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    payer_id BIGINT NOT NULL REFERENCES users(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    period_start TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX usage_alerts_once ON usage_alerts (payer_id, user_id, kind, period_start);

-- Invitation reminders sent so far (at 2 and 5 days).
ALTER TABLE invitations ADD COLUMN reminders_sent INTEGER NOT NULL DEFAULT 0;
