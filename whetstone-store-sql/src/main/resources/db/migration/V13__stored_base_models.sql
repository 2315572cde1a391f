-- Base models registered in the object store (whetstone models add --to-store, docs/models.md): every machine of a
-- cluster lists them from here and reads the folder under store_key through its own cache. Models-directory
-- folders are not recorded (each machine scans its own).

CREATE TABLE base_models (
    id           TEXT PRIMARY KEY,
    store_key    TEXT NOT NULL,
    architecture TEXT NOT NULL,
    chat         BOOLEAN NOT NULL,
    vision       BOOLEAN NOT NULL,
    created_at   BIGINT NOT NULL
);
