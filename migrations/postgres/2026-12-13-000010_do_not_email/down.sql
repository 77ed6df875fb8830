DROP TABLE do_not_email;
