-- Content filtering (docs/safety.md): a deployment's policy, and each account's policies, blocklists and items.
-- Same dialect rules as V1. Names sort by code point on both engines (${binary_collation}), as lists are by name.

ALTER TABLE deployments ADD COLUMN rai_policy_name TEXT; -- null: Microsoft.Default

CREATE TABLE rai_policies (
    account           TEXT ${binary_collation} NOT NULL,
    name              TEXT ${binary_collation} NOT NULL,
    mode              TEXT   NOT NULL,
    base_policy_name  TEXT,
    content_filters   TEXT   NOT NULL, -- JSON list of RaiPolicy.Filter
    custom_blocklists TEXT   NOT NULL, -- JSON list of RaiPolicy.BlocklistRef
    classifiers       TEXT   NOT NULL, -- JSON RaiPolicy.Classifiers
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    etag              TEXT   NOT NULL,
    PRIMARY KEY (account, name)
);

CREATE TABLE rai_blocklists (
    account     TEXT ${binary_collation} NOT NULL,
    name        TEXT ${binary_collation} NOT NULL,
    description TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    etag        TEXT   NOT NULL, -- changes with every item change: compiled blocklists are keyed by it
    PRIMARY KEY (account, name)
);

CREATE TABLE rai_blocklist_items (
    account    TEXT ${binary_collation} NOT NULL,
    blocklist  TEXT ${binary_collation} NOT NULL,
    name       TEXT ${binary_collation} NOT NULL,
    pattern    TEXT    NOT NULL,
    is_regex   BOOLEAN NOT NULL,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    etag       TEXT    NOT NULL,
    PRIMARY KEY (account, blocklist, name)
);
