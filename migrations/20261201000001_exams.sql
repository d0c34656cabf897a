-- Timed exams: attempts (the drawn paper and the outcome), the candidate's
-- answers (one row per item, upserted as they go), and extra-time
-- adjustments granted by trainers. Times are Unix seconds (INTEGER);
-- JSON is stored as TEXT. Portable to PostgreSQL (BIGINT, TEXT).

CREATE TABLE exam_attempts (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    level            TEXT    NOT NULL CHECK (level IN ('foundation', 'intermediate')),
    -- The draw seed (u64 bits stored as a signed 64-bit integer).
    seed             INTEGER NOT NULL,
    -- The drawn paper as JSON (crate::exam::Paper): question ids and option orders.
    paper            TEXT    NOT NULL,
    started_at       INTEGER NOT NULL,
    -- started_at + minutes * 60 + extra_seconds.
    deadline         INTEGER NOT NULL,
    grace_seconds    INTEGER NOT NULL CHECK (grace_seconds >= 0),
    extra_seconds    INTEGER NOT NULL DEFAULT 0 CHECK (extra_seconds >= 0),
    submitted_at     INTEGER,
    submitted_by     TEXT    CHECK (submitted_by IN ('candidate', 'expiry')),
    -- Filled in when the closed attempt is marked.
    marks            INTEGER,
    total            INTEGER,
    percent          INTEGER,
    passed           INTEGER CHECK (passed IN (0, 1)),
    -- The marked paper as JSON (crate::exam::Score).
    score            TEXT,
    certificate_code TEXT    UNIQUE,
    CHECK ((submitted_at IS NULL) = (submitted_by IS NULL)),
    CHECK (score IS NULL OR submitted_at IS NOT NULL)
);
-- At most one open attempt per candidate per exam.
CREATE UNIQUE INDEX exam_attempts_one_open ON exam_attempts(user_id, level)
    WHERE submitted_at IS NULL;
CREATE INDEX exam_attempts_user ON exam_attempts(user_id, level, started_at);
-- For the expiry task: open attempts by deadline.
CREATE INDEX exam_attempts_open_deadline ON exam_attempts(deadline)
    WHERE submitted_at IS NULL;

CREATE TABLE exam_answers (
    attempt_id INTEGER NOT NULL REFERENCES exam_attempts(id) ON DELETE CASCADE,
    -- Position on the paper, from 0.
    item       INTEGER NOT NULL CHECK (item >= 0),
    -- Displayed option positions, ascending, comma-separated ("0,2"); "" for none.
    choice     TEXT    NOT NULL,
    flagged    INTEGER NOT NULL CHECK (flagged IN (0, 1)),
    saved_at   INTEGER NOT NULL,
    PRIMARY KEY (attempt_id, item)
);

-- Extra time as an accessibility adjustment, per candidate and exam.
CREATE TABLE exam_adjustments (
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    level         TEXT    NOT NULL CHECK (level IN ('foundation', 'intermediate')),
    extra_minutes INTEGER NOT NULL CHECK (extra_minutes >= 0),
    granted_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    granted_at    INTEGER NOT NULL,
    PRIMARY KEY (user_id, level)
);
