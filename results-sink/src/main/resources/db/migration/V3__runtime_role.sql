-- The service's queries run as the runtime role (quarkus.datasource.username); these migrations run as the
-- owner (quarkus.flyway.username), which owns schema public and every table in it. The runtime role may read
-- and write rows, nothing more: no CREATE on the schema, no ownership, so no DDL and no DROP.
GRANT USAGE ON SCHEMA public TO "${runtime_role}";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "${runtime_role}";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "${runtime_role}";
-- Flyway's own history is the owner's alone.
REVOKE ALL ON "${flyway:table}" FROM "${runtime_role}";
-- Tables and sequences later migrations create (as the owner) are granted the same way.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "${runtime_role}";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO "${runtime_role}";
