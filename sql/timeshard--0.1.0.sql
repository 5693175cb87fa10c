-- timeshard--0.1.0.sql — install script of timeshard 0.1.0.
--
-- Every object is schema-qualified and the script pins search_path, so that
-- nothing a user created beforehand can be picked up instead of ours.  Plain
-- CREATE (never CREATE OR REPLACE, never IF NOT EXISTS) makes the script fail
-- rather than adopt a pre-existing object.

\echo Use "CREATE EXTENSION timeshard" to load this file. \quit

SET LOCAL search_path = pg_catalog, pg_temp;

CREATE SCHEMA timeshard_catalog;
CREATE SCHEMA timeshard_internal;
CREATE SCHEMA timeshard_information;

COMMENT ON SCHEMA timeshard_catalog IS 'timeshard: internal catalog tables';
COMMENT ON SCHEMA timeshard_internal IS 'timeshard: internal functions and chunks';
COMMENT ON SCHEMA timeshard_information IS 'timeshard: information views';

GRANT USAGE ON SCHEMA timeshard_information TO PUBLIC;

-- Refuse to install unless the library is in shared_preload_libraries.
CREATE FUNCTION timeshard_internal.assert_preloaded() RETURNS void
    AS 'MODULE_PATHNAME', 'assert_preloaded' LANGUAGE C STRICT;
SELECT timeshard_internal.assert_preloaded();

---------------------------------------------------------------------------
-- Catalog
---------------------------------------------------------------------------

-- Facts about this installation: its uuid, its role in a distributed
-- database ("role": access_node or data_node) and the distributed database's
-- uuid ("dist_uuid").
CREATE TABLE timeshard_catalog.metadata (
    key   name PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO timeshard_catalog.metadata (key, value)
    VALUES ('uuid', pg_catalog.gen_random_uuid()::text);
-- A restored database gets a uuid of its own; its membership comes back.
SELECT pg_catalog.pg_extension_config_dump('timeshard_catalog.metadata',
                                           $$WHERE key <> 'uuid'$$);

---------------------------------------------------------------------------
-- The foreign data wrapper
---------------------------------------------------------------------------

CREATE FUNCTION timeshard_internal.timeshard_fdw_handler() RETURNS fdw_handler
    AS 'MODULE_PATHNAME', 'timeshard_fdw_handler' LANGUAGE C STRICT;
CREATE FUNCTION timeshard_internal.timeshard_fdw_validator(text[], oid) RETURNS void
    AS 'MODULE_PATHNAME', 'timeshard_fdw_validator' LANGUAGE C STRICT;

CREATE FOREIGN DATA WRAPPER timeshard_fdw
    HANDLER timeshard_internal.timeshard_fdw_handler
    VALIDATOR timeshard_internal.timeshard_fdw_validator;

---------------------------------------------------------------------------
-- Information views
---------------------------------------------------------------------------

-- One row per data node: a foreign server of timeshard_fdw.  Passwords live
-- in user mappings only and never appear here.
CREATE VIEW timeshard_information.data_nodes AS
SELECT s.srvname AS node_name,
       pg_catalog.pg_get_userbyid(s.srvowner) AS owner,
       o.host,
       o.port::integer AS port,
       o.dbname::name AS database,
       COALESCE(o.available::boolean, true) AS available
  FROM pg_catalog.pg_foreign_server s
  JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw
 CROSS JOIN LATERAL (
       SELECT max(option_value) FILTER (WHERE option_name = 'host') AS host,
              max(option_value) FILTER (WHERE option_name = 'port') AS port,
              max(option_value) FILTER (WHERE option_name = 'dbname') AS dbname,
              max(option_value) FILTER (WHERE option_name = 'available') AS available
         FROM pg_catalog.pg_options_to_table(s.srvoptions)) o
 WHERE w.fdwname = 'timeshard_fdw';

GRANT SELECT ON timeshard_information.data_nodes TO PUBLIC;

---------------------------------------------------------------------------
-- Membership in a distributed database (called on a data node by its
-- access node)
---------------------------------------------------------------------------

-- What a node tells an access node about itself.
CREATE FUNCTION timeshard_internal.node_info(
    OUT uuid uuid, OUT dist_uuid uuid, OUT role text, OUT version text,
    OUT max_prepared_transactions integer, OUT max_connections integer)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT (SELECT value::uuid FROM timeshard_catalog.metadata WHERE key = 'uuid'),
           (SELECT value::uuid FROM timeshard_catalog.metadata WHERE key = 'dist_uuid'),
           (SELECT value FROM timeshard_catalog.metadata WHERE key = 'role'),
           (SELECT extversion::text FROM pg_extension WHERE extname = 'timeshard'),
           current_setting('max_prepared_transactions')::integer,
           current_setting('max_connections')::integer
$$;

-- Join the distributed database of the access node whose uuid is given.
-- Returns false when the node was a member already.
CREATE FUNCTION timeshard_internal.set_dist_id(dist_id uuid) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    current text;
BEGIN
    IF dist_id IS NULL THEN
        RAISE EXCEPTION 'distributed database id cannot be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT value INTO current FROM timeshard_catalog.metadata WHERE key = 'dist_uuid' FOR UPDATE;
    IF current IS NOT NULL AND current <> dist_id::text THEN
        RAISE EXCEPTION 'database is already a member of a distributed database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('It belongs to the distributed database %s.', current),
                  HINT = 'Delete it from its access node first.';
    END IF;
    IF (SELECT value FROM timeshard_catalog.metadata WHERE key = 'role') = 'access_node' THEN
        RAISE EXCEPTION 'database is an access node'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'An access node cannot be the data node of another access node.';
    END IF;
    INSERT INTO timeshard_catalog.metadata (key, value) VALUES ('dist_uuid', dist_id::text)
        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
    INSERT INTO timeshard_catalog.metadata (key, value) VALUES ('role', 'data_node')
        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
    RETURN current IS NULL;
END
$$;

-- Leave the distributed database (dist_id NULL: whichever it is).  Returns
-- whether the node was a member of it.
CREATE FUNCTION timeshard_internal.unset_dist_id(dist_id uuid) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF (SELECT value FROM timeshard_catalog.metadata WHERE key = 'role') IS DISTINCT FROM 'data_node'
       OR (dist_id IS NOT NULL AND (SELECT value FROM timeshard_catalog.metadata WHERE key = 'dist_uuid')
                                   IS DISTINCT FROM dist_id::text) THEN
        RETURN false;
    END IF;
    DELETE FROM timeshard_catalog.metadata WHERE key IN ('dist_uuid', 'role');
    RETURN true;
END
$$;

REVOKE ALL ON FUNCTION timeshard_internal.set_dist_id(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION timeshard_internal.unset_dist_id(uuid) FROM PUBLIC;

---------------------------------------------------------------------------
-- Data nodes
---------------------------------------------------------------------------
-- C functions schema-qualify every name they use; they do not pin
-- search_path, because distributed_exec passes the caller's on.

CREATE FUNCTION @extschema@.add_data_node(
    node_name name, host text, database name = NULL, port integer = NULL,
    if_not_exists boolean = false, bootstrap boolean = true, password text = NULL)
RETURNS TABLE(node_name name, host text, port integer, database name,
              node_created boolean, database_created boolean, extension_created boolean)
AS 'MODULE_PATHNAME', 'add_data_node' LANGUAGE C VOLATILE;

CREATE FUNCTION @extschema@.delete_data_node(
    node_name name, if_exists boolean = false, force boolean = false,
    repartition boolean = true, drop_database boolean = false)
RETURNS boolean
AS 'MODULE_PATHNAME', 'delete_data_node' LANGUAGE C VOLATILE;

CREATE FUNCTION @extschema@.alter_data_node(
    node_name name, host text = NULL, database name = NULL, port integer = NULL,
    available boolean = NULL)
RETURNS TABLE(node_name name, host text, port integer, database name, available boolean)
AS 'MODULE_PATHNAME', 'alter_data_node' LANGUAGE C VOLATILE;

CREATE PROCEDURE @extschema@.distributed_exec(
    query text, node_list name[] = NULL, transactional boolean = true)
AS 'MODULE_PATHNAME', 'distributed_exec' LANGUAGE C;
