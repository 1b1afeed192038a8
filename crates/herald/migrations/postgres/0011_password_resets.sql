-- Password resets (People, third round): a single-use link e-mailed to a known address,
-- valid for an hour. The database keeps only the SHA-256 of the link's secret; using it
-- sets the password and ends every session of the person in one transaction.
CREATE TABLE password_resets (
    token_hash TEXT COLLATE "C" PRIMARY KEY,
    user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);

CREATE INDEX password_resets_by_user ON password_resets (user_id);
