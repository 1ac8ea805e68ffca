-- twsec audit trail, PostgreSQL backend: one schema per deployment holding the append-only,
-- HMAC-chained table `audit_log`, and a NOLOGIN group role that may only INSERT and SELECT
-- (TPE-6.11 least privilege; KHH-12.2, TXG-24.2.10: nobody changes or deletes audit records).
--
-- Two placeholders, written as psql variables:
--   schema       the deployment's schema, e.g. twsec_audit
--   writer_role  the group role the application's login role is made a member of
-- Both must be plain lower-case identifiers (a-z, 0-9, _; not starting with pg_).
--
-- A DBA applies it with psql, as the role that is to own the table (not the application's role):
--
--   psql "$ADMIN_DATABASE_URL" -v ON_ERROR_STOP=1 \
--        -v schema=twsec_audit -v writer_role=twsec_audit_writer \
--        -f migrations/postgres/0001_audit_log.sql
--   psql "$ADMIN_DATABASE_URL" -c 'GRANT twsec_audit_writer TO app_login_role'
--
-- `twsec::audit::migrate_postgres` runs this same file with the placeholders substituted.
-- Running it again is harmless: every step is "if not exists" or replaces itself.
-- The database must use the UTF8 encoding: events are stored byte for byte as the chain hashed them.

BEGIN;

-- The role name, for the DO block below (psql does not substitute inside dollar quotes).
SELECT set_config('twsec.writer_role', :'writer_role', true);

CREATE SCHEMA IF NOT EXISTS :"schema";
REVOKE ALL ON SCHEMA :"schema" FROM PUBLIC;

-- seq: dense from 1, in chain order. chain: HMAC-SHA-256 (lower-case hex) over the previous
-- record's chain value, seq (8 bytes, big-endian) and the exact bytes of `event`. event: the
-- event's JSON as the chain hashed it; `text`, not `jsonb`, because jsonb would normalise it.
-- inserted_at: the server's clock at insert; the writer role cannot set it.
CREATE TABLE IF NOT EXISTS :"schema".audit_log (
    seq         bigint      PRIMARY KEY CHECK (seq >= 1),
    chain       text        NOT NULL CHECK (chain ~ '^[0-9a-f]{64}$'),
    event       text        NOT NULL,
    inserted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Append-only for everyone, the owner included: changing or removing a record takes disabling
-- these triggers first, a deliberate act the server's own log can show. The chain still
-- exposes what a superuser does behind them.
CREATE OR REPLACE FUNCTION :"schema".audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'twsec audit log %.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP;
END
$$;
DROP TRIGGER IF EXISTS audit_log_no_change ON :"schema".audit_log;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON :"schema".audit_log
    FOR EACH ROW EXECUTE FUNCTION :"schema".audit_log_append_only();
DROP TRIGGER IF EXISTS audit_log_no_truncate ON :"schema".audit_log;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON :"schema".audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION :"schema".audit_log_append_only();

-- The writer role: INSERT of the three chain columns and SELECT, nothing else. No UPDATE,
-- DELETE or TRUNCATE; appends serialise on an advisory lock, which needs no table privilege.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_setting('twsec.writer_role')) THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN', current_setting('twsec.writer_role'));
    END IF;
END
$$;
REVOKE ALL ON :"schema".audit_log FROM PUBLIC;
REVOKE ALL ON :"schema".audit_log FROM :"writer_role";
GRANT USAGE ON SCHEMA :"schema" TO :"writer_role";
GRANT SELECT ON :"schema".audit_log TO :"writer_role";
GRANT INSERT (seq, chain, event) ON :"schema".audit_log TO :"writer_role";

COMMIT;
