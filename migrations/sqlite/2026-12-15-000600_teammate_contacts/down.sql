DROP INDEX campaign_messages_recipient_sent;
DROP INDEX campaign_recipients_email;
DROP TABLE conversations;
ALTER TABLE imports DROP COLUMN teammates_contacting;
ALTER TABLE teams DROP COLUMN never_contact_teammates;
