-- Vision training data (docs/vision.md): how many image parts a validated file holds and its first line with one,
-- so that job creation can refuse images for a base model that cannot see them without reading the file again.
-- stats_image_parts stays null for files validated before this migration: their images were not counted.

ALTER TABLE files ADD COLUMN stats_image_parts BIGINT;
ALTER TABLE files ADD COLUMN stats_first_image_line BIGINT;
