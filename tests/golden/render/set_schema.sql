ALTER TABLE loose SET SCHEMA billing;
