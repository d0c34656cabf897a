-- Accounts, sessions, trainer assignments, learner progress.
-- Times are Unix seconds (INTEGER), portable to PostgreSQL BIGINT.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    email           TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    name            TEXT    NOT NULL,
    -- NULL only for administrators created from the command line.
    organisation_id INTEGER REFERENCES organisations(id),
    role            TEXT    NOT NULL DEFAULT 'learner' CHECK (role IN ('learner', 'trainer', 'admin')),
    password_hash   TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX users_organisation ON users(organisation_id);

-- The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash  TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

-- Which organisations a trainer follows.
CREATE TABLE trainer_organisations (
    trainer_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    PRIMARY KEY (trainer_id, organisation_id)
);

-- Failed sign-ins, for rate limiting by account and by address.
CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY,
    email    TEXT    NOT NULL COLLATE NOCASE,
    address  TEXT    NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX login_failures_email ON login_failures(email, at);
CREATE INDEX login_failures_address ON login_failures(address, at);

CREATE TABLE module_progress (
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    level        TEXT    NOT NULL CHECK (level IN ('foundation', 'intermediate')),
    slug         TEXT    NOT NULL,
    completed_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, level, slug)
);

CREATE TABLE exercise_attempts (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL,
    level         TEXT    NOT NULL CHECK (level IN ('foundation', 'intermediate')),
    topic         TEXT    NOT NULL,
    seed          INTEGER NOT NULL,
    answer        TEXT    NOT NULL,
    correct       INTEGER NOT NULL CHECK (correct IN (0, 1)),
    time_taken_ms INTEGER NOT NULL CHECK (time_taken_ms >= 0),
    created_at    INTEGER NOT NULL
);
CREATE INDEX exercise_attempts_user ON exercise_attempts(user_id, topic);
