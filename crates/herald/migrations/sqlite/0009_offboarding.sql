-- Access follows the person (SQLite): who issued each token, as an actor (`user:<id>`,
-- `token:<id>` or `admin`), so that removing a member or revoking a token can revoke
-- the tokens it issued and withdraw its open invitations. Tokens made before this know
-- only their creating user, if any.
ALTER TABLE tokens ADD COLUMN issued_by TEXT;
UPDATE tokens SET issued_by = 'user:' || created_by WHERE created_by IS NOT NULL;

CREATE INDEX tokens_by_issuer ON tokens (workspace_id, issued_by);
CREATE INDEX invitations_by_issuer ON invitations (workspace_id, invited_by);
