-- Rows 0012 adds: a session that records the address it signed in from.
INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, user_agent, client_ip)
VALUES ('up-session-hash-2', 'up-user-1', 1700000012000, 1700000012000, 1900000000000, 'curl', '198.51.100.7');
