-- A recipient is held while an email to it is claimed or waiting for a retry, and spent once
-- the SMTP server accepted it. A hold names the campaign email that placed it; a spend has none.
ALTER TABLE usage_ledger ADD COLUMN hold_message_id BIGINT;
CREATE UNIQUE INDEX usage_ledger_one_hold ON usage_ledger (hold_message_id) WHERE hold_message_id IS NOT NULL;
-- An address is spent once per period; holds for it may be several (one per email in flight).
DROP INDEX usage_ledger_recipient_once;
CREATE UNIQUE INDEX usage_ledger_recipient_once ON usage_ledger (payer_id, period_start, recipient_email) WHERE kind = 'recipient' AND hold_message_id IS NULL;
