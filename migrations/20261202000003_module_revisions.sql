-- Revision history of module files edited in the browser. Each row holds the
-- full text of one version of content/<level>/<file>.md, so any version can
-- be viewed or restored; the file itself stays the source of truth (and stays
-- in git). Times are Unix seconds (INTEGER); portable to PostgreSQL (BIGINT,
-- TEXT).

CREATE TABLE module_revisions (
    id        INTEGER PRIMARY KEY,
    -- Relative to the content directory: foundation/01-imaging-landscape.md.
    path      TEXT    NOT NULL,
    -- SHA-256 of the text's UTF-8 bytes, lowercase hex.
    revision  TEXT    NOT NULL CHECK (length(revision) = 64),
    body      TEXT    NOT NULL,
    -- NULL for the file as found on disk, or once the author's account is deleted.
    author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    saved_at  INTEGER NOT NULL,
    -- base: the file as found on disk; created: a new module; saved: written
    -- from the editor; conflict: a draft refused because the file had changed
    -- (kept so that it is not lost); restored: an earlier revision written back.
    kind      TEXT    NOT NULL CHECK (kind IN ('base', 'created', 'saved', 'conflict', 'restored'))
);
CREATE INDEX module_revisions_path ON module_revisions(path, saved_at, id);
-- A text found on disk is recorded once per module.
CREATE UNIQUE INDEX module_revisions_one_base ON module_revisions(path, revision)
    WHERE kind = 'base';
