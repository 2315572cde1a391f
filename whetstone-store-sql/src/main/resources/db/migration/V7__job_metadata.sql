-- Job metadata and integrations (docs/fine-tuning-jobs.md). Same dialect rules as V1. Numbered 7, not 6, so that it
-- cannot collide with another change's migration prepared at the same time.

ALTER TABLE jobs ADD COLUMN metadata TEXT;     -- JSON object of string pairs, or null for none; filtered by the list
ALTER TABLE jobs ADD COLUMN integrations TEXT; -- JSON list of JobIntegration, or null for none
