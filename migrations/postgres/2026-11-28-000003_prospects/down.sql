DROP TABLE imports;
DROP TABLE prospect_field_values;
DROP TABLE custom_fields;
DROP TABLE prospects;
DROP TABLE prospect_lists;
