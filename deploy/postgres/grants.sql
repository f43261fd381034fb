-- Privileges of Accord's application role on PostgreSQL.
--
-- Run as the role that owns Accord's tables (the one `manage.py migrate` runs as), after every
-- migrate:
--
--     psql "$OWNER_DATABASE_URL" -v app_role=accord_app -f deploy/postgres/grants.sql
--
-- The application role may read and write every table except the audit record, which it may
-- only read and append to: no UPDATE, DELETE or TRUNCATE on audit_auditentry. The owner is
-- stopped too, by the trigger of migration audit.0006, so rewriting the record takes a
-- superuser who deliberately disables that trigger.

\if :{?app_role}
\else
\set app_role accord_app
\endif

GRANT CONNECT ON DATABASE :"DBNAME" TO :"app_role";
GRANT USAGE ON SCHEMA public TO :"app_role";

-- Everything else Accord keeps, including the tables later migrations create.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";

-- The audit record: read and append only.
REVOKE ALL ON audit_auditentry FROM :"app_role";
GRANT SELECT, INSERT ON audit_auditentry TO :"app_role";
GRANT USAGE ON SEQUENCE audit_auditentry_id_seq TO :"app_role";
