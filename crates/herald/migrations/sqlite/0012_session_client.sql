-- Where each session signed in from (operations, third round): the client address, the
-- forwarded one behind a trusted proxy (HERALD_TRUSTED_PROXIES). Older sessions have none.
ALTER TABLE sessions ADD COLUMN client_ip TEXT;
