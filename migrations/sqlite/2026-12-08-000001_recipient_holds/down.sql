DELETE FROM usage_ledger WHERE hold_message_id IS NOT NULL;
DROP INDEX usage_ledger_recipient_once;
CREATE UNIQUE INDEX usage_ledger_recipient_once ON usage_ledger (payer_id, period_start, recipient_email) WHERE kind = 'recipient';
DROP INDEX usage_ledger_one_hold;
ALTER TABLE usage_ledger DROP COLUMN hold_message_id;
