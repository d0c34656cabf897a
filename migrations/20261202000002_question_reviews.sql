-- Review status of bank questions, set by trainers from the item analysis:
-- flagged for review, retired (never drawn again; papers that hold it still
-- mark and review), or active again after a restore. One row per question,
-- replaced on each change, with who changed it and when. Question ids are
-- unique across the bank (both levels). Times are Unix seconds (INTEGER);
-- portable to PostgreSQL (TEXT, BIGINT).

CREATE TABLE question_reviews (
    question_id TEXT    PRIMARY KEY,
    status      TEXT    NOT NULL CHECK (status IN ('active', 'flagged', 'retired')),
    -- Why, in the trainer's words (at most 500 characters, checked by the server).
    note        TEXT,
    set_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    set_at      INTEGER NOT NULL
);
CREATE INDEX question_reviews_status ON question_reviews(status);
