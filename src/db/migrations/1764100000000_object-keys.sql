-- Up Migration
-- Each uploaded photo or receipt gets its own object key; the row names the one that is live. A
-- replacement is written beside the old object and the row switched only once it is complete, so an
-- interrupted upload never touches what was there (docs/api-notes.md, "Uploads"). Existing objects keep
-- the single key they were written under.
ALTER TABLE vehicles ADD COLUMN photo_object_key text;
ALTER TABLE maintenance_records ADD COLUMN receipt_object_key text;
UPDATE vehicles SET photo_object_key = 'vehicles/' || id || '/photo' WHERE photo_content_type IS NOT NULL;
UPDATE maintenance_records SET receipt_object_key = 'maintenance/' || id || '/receipt' WHERE receipt_content_type IS NOT NULL;
ALTER TABLE vehicles ADD CONSTRAINT vehicles_photo_key_with_type CHECK ((photo_object_key IS NULL) = (photo_content_type IS NULL));
ALTER TABLE maintenance_records ADD CONSTRAINT maintenance_records_receipt_key_with_type CHECK ((receipt_object_key IS NULL) = (receipt_content_type IS NULL));
-- The orphan sweep looks keys up one by one.
CREATE INDEX vehicles_photo_object_key_idx ON vehicles (photo_object_key) WHERE photo_object_key IS NOT NULL;
CREATE INDEX maintenance_records_receipt_object_key_idx ON maintenance_records (receipt_object_key) WHERE receipt_object_key IS NOT NULL;

-- Down Migration
DROP INDEX maintenance_records_receipt_object_key_idx;
DROP INDEX vehicles_photo_object_key_idx;
ALTER TABLE maintenance_records DROP CONSTRAINT maintenance_records_receipt_key_with_type;
ALTER TABLE vehicles DROP CONSTRAINT vehicles_photo_key_with_type;
ALTER TABLE maintenance_records DROP COLUMN receipt_object_key;
ALTER TABLE vehicles DROP COLUMN photo_object_key;
