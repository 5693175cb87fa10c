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
