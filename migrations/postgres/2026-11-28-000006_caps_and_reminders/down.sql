DROP TABLE usage_alerts;
ALTER TABLE invitations DROP COLUMN reminders_sent;
ALTER TABLE memberships DROP COLUMN recipient_cap;
ALTER TABLE memberships DROP COLUMN credit_cap;
