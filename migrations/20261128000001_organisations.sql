-- Organisations (NHS trusts and other employers). Learners belong to one;
-- trainers follow the learners of the organisations they are assigned to.
CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    -- ODS code of the trust, where it has one (e.g. RXX).
    ods_code    TEXT    UNIQUE,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
