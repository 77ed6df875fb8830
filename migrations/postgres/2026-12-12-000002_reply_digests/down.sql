DROP INDEX campaign_messages_undigested_replies;
ALTER TABLE campaign_messages DROP COLUMN reply_digested_at;
DROP TABLE reply_digests;
