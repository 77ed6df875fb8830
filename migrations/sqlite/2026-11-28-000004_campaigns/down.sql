DROP TABLE message_links;
DROP TABLE campaign_messages;
DROP TABLE campaign_recipients;
DROP TABLE campaign_steps;
DROP TABLE campaigns;
DROP TABLE sender_accounts;
