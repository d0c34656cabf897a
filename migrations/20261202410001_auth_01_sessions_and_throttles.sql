-- Idle timeout for sessions, and atomic sign-in / sign-up throttles.
-- Times are Unix seconds (INTEGER), portable to PostgreSQL BIGINT.

-- When the session was last used; a session unused for longer than the idle
-- timeout is refused even before its absolute expiry. Existing sessions count
-- as used now, so nobody is signed out by the upgrade.
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = CAST(strftime('%s', 'now') AS INTEGER);

-- login_failures now holds every sign-in attempt that reached password
-- verification and did not succeed, including those still being verified
-- (a reservation is inserted before verifying and removed on success).
-- Throttling is keyed by (email, address); the address index serves the
-- per-address ceiling and the email index stays for clean-up by account.
CREATE INDEX login_failures_email_address ON login_failures(email, address, at);
CREATE INDEX login_failures_at ON login_failures(at);

-- Sign-ups that reached password hashing, for the per-address sign-up limit.
CREATE TABLE sign_up_attempts (
    id       INTEGER PRIMARY KEY,
    address  TEXT    NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX sign_up_attempts_address ON sign_up_attempts(address, at);
CREATE INDEX sign_up_attempts_at ON sign_up_attempts(at);
