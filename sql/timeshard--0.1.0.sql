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
-- Chunks and internal functions live here; each keeps its own privileges.
GRANT USAGE ON SCHEMA timeshard_internal TO PUBLIC;

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

---------------------------------------------------------------------------
-- Hypertables and chunks
---------------------------------------------------------------------------
-- On the access node: one row per distributed hypertable (replication_factor
-- > 0), its dimensions, its data nodes and its chunks with their replicas.
-- On a data node: one row per member hypertable (replication_factor = -1)
-- and its dimensions; its chunks are the partitions of the table.
-- Time values are kept as bigint "internal time": microseconds since
-- 2000-01-01 for timestamp types, days * 86400000000 for date, the value
-- itself for integer types.  Nothing here is granted to PUBLIC.

CREATE TABLE timeshard_catalog.hypertable (
    id                      serial PRIMARY KEY,
    schema_name             name NOT NULL,
    table_name              name NOT NULL,
    associated_schema_name  name NOT NULL,
    associated_table_prefix name NOT NULL,
    replication_factor      smallint NULL
        CHECK (replication_factor > 0 OR replication_factor = -1),
    UNIQUE (schema_name, table_name)
);

CREATE TABLE timeshard_catalog.dimension (
    id               serial PRIMARY KEY,
    hypertable_id    integer NOT NULL
        REFERENCES timeshard_catalog.hypertable (id) ON DELETE CASCADE,
    column_name      name NOT NULL,
    column_type      regtype NOT NULL,
    num_slices       smallint NULL CHECK (num_slices > 0),
    interval_length  bigint NULL CHECK (interval_length > 0),
    UNIQUE (hypertable_id, column_name),
    CHECK ((num_slices IS NULL) <> (interval_length IS NULL))
);

CREATE TABLE timeshard_catalog.hypertable_data_node (
    hypertable_id integer NOT NULL
        REFERENCES timeshard_catalog.hypertable (id) ON DELETE CASCADE,
    node_name     name NOT NULL,
    block_chunks  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (hypertable_id, node_name)
);

-- Space partitions of a hypertable's space dimension (hash modulus =
-- dimension.num_slices) and the ordered data nodes of each: the first is
-- the primary, the others hold the replicas.  Drives placement of new chunks.
CREATE TABLE timeshard_catalog.dimension_partition (
    dimension_id integer NOT NULL
        REFERENCES timeshard_catalog.dimension (id) ON DELETE CASCADE,
    remainder    integer NOT NULL CHECK (remainder >= 0),
    data_nodes   name[] NOT NULL,
    PRIMARY KEY (dimension_id, remainder)
);

-- A chunk covers [time_start, time_end) of the time dimension and, with a
-- space dimension, the rows whose hash partition (PostgreSQL's hash
-- partitioning, modulus space_modulus) is space_remainder.
CREATE TABLE timeshard_catalog.chunk (
    id              serial PRIMARY KEY,
    hypertable_id   integer NOT NULL
        REFERENCES timeshard_catalog.hypertable (id) ON DELETE CASCADE,
    schema_name     name NOT NULL,
    table_name      name NOT NULL,
    time_start      bigint NOT NULL,
    time_end        bigint NOT NULL,
    space_modulus   integer NULL,
    space_remainder integer NULL,
    creation_time   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (schema_name, table_name),
    UNIQUE NULLS NOT DISTINCT (hypertable_id, time_start, space_remainder),
    CHECK (time_start < time_end)
);

-- A replica is stale when a write to its chunk went on without it (its
-- node was unavailable): not read until it is refreshed.
CREATE TABLE timeshard_catalog.chunk_data_node (
    chunk_id  integer NOT NULL
        REFERENCES timeshard_catalog.chunk (id) ON DELETE CASCADE,
    node_name name NOT NULL,
    stale boolean NOT NULL DEFAULT false,
    stale_since timestamptz,
    PRIMARY KEY (chunk_id, node_name)
);
CREATE INDEX chunk_data_node_node_name_idx ON timeshard_catalog.chunk_data_node (node_name);

SELECT pg_catalog.pg_extension_config_dump('timeshard_catalog.hypertable', '');
SELECT pg_catalog.pg_extension_config_dump('timeshard_catalog.hypertable_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('timeshard_catalog.dimension', '');
SELECT pg_catalog.pg_extension_config_dump('timeshard_catalog.dimension_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('timeshard_catalog.hypertable_data_node', '');
SELECT pg_catalog.pg_extension_config_dump('timeshard_catalog.dimension_partition', '');
SELECT pg_catalog.pg_extension_config_dump('timeshard_catalog.chunk', '');
SELECT pg_catalog.pg_extension_config_dump('timeshard_catalog.chunk_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('timeshard_catalog.chunk_data_node', '');

-- Internal time <-> SQL values.
CREATE FUNCTION timeshard_internal.internal_to_timestamptz(bigint) RETURNS timestamptz
    AS 'MODULE_PATHNAME', 'internal_to_timestamptz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION timeshard_internal.get_partition_hash(value anyelement, modulus integer) RETURNS integer
    AS 'MODULE_PATHNAME', 'get_partition_hash' LANGUAGE C IMMUTABLE PARALLEL SAFE;

---------------------------------------------------------------------------
-- Data node side of distributed hypertables
---------------------------------------------------------------------------

-- Record that a table of this (data node) database is the member of a
-- distributed hypertable.  The caller must own the table.
CREATE FUNCTION timeshard_internal.register_member_hypertable(
    hypertable regclass, time_column name, space_column name, space_modulus integer,
    associated_schema name, associated_prefix name)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    ht_id integer;
    rel record;
BEGIN
    SELECT c.relowner, n.nspname, c.relname, c.relkind INTO rel
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = hypertable;
    IF NOT pg_has_role(session_user, rel.relowner, 'USAGE') THEN
        RAISE EXCEPTION 'must be owner of table %', hypertable USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF rel.relkind <> 'p' THEN
        RAISE EXCEPTION 'table % is not partitioned', hypertable USING ERRCODE = 'wrong_object_type';
    END IF;
    -- Chunks are created in the associated schema with this function's
    -- rights: the caller must be allowed to create there (timeshard's own
    -- schema is where chunks go by default).
    IF associated_schema <> 'timeshard_internal'
       AND NOT has_schema_privilege(session_user, associated_schema, 'CREATE')
       AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
        RAISE EXCEPTION 'permission denied for schema %', associated_schema
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO timeshard_catalog.hypertable
        (schema_name, table_name, associated_schema_name, associated_table_prefix, replication_factor)
        VALUES (rel.nspname, rel.relname, associated_schema, associated_prefix, -1)
        RETURNING id INTO ht_id;
    INSERT INTO timeshard_catalog.dimension (hypertable_id, column_name, column_type, interval_length)
        SELECT ht_id, time_column, a.atttypid, 1 FROM pg_attribute a
         WHERE a.attrelid = hypertable AND a.attname = time_column;
    IF space_column IS NOT NULL THEN
        INSERT INTO timeshard_catalog.dimension (hypertable_id, column_name, column_type, num_slices)
            SELECT ht_id, space_column, a.atttypid, space_modulus FROM pg_attribute a
             WHERE a.attrelid = hypertable AND a.attname = space_column;
    END IF;
    RETURN ht_id;
END
$$;

-- Give a table the owner and the privileges of another, exactly (an entry's
-- grantor included) and with the dependencies PostgreSQL records for them:
-- the partitions of a member hypertable (time slices and chunks) carry the
-- hypertable's.  For the SECURITY DEFINER functions below only.
CREATE FUNCTION timeshard_internal.copy_table_privileges(source regclass, target regclass)
RETURNS void
    AS 'MODULE_PATHNAME', 'copy_table_privileges' LANGUAGE C STRICT VOLATILE;
REVOKE ALL ON FUNCTION timeshard_internal.copy_table_privileges(regclass, regclass) FROM PUBLIC;

-- Create a chunk of a member hypertable: a table attached as a partition of
-- the hypertable ([time_start, time_end): SQL literals of the time type, NULL
-- for unbounded), below a per-time-slice partition hashed on the space
-- column when the hypertable has one.  Runs with the extension owner's
-- rights (attaching needs ownership of the hypertable) after checking that
-- the caller may insert into the hypertable.  Returns false when the chunk
-- exists already.
CREATE FUNCTION timeshard_internal.create_chunk(
    hypertable regclass, chunk_schema name, chunk_name name,
    time_start text, time_end text,
    slice_name name, space_modulus integer, space_remainder integer)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    ht record;
    space_col name;
    chunk regclass;
    parent text;
    bounds text;
BEGIN
    SELECT h.*, c.relowner INTO ht
      FROM timeshard_catalog.hypertable h
      JOIN pg_namespace n ON n.nspname = h.schema_name
      JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = h.table_name
     WHERE c.oid = hypertable AND h.replication_factor = -1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'table % is not a member of a distributed hypertable', hypertable
            USING ERRCODE = 'wrong_object_type';
    END IF;
    IF NOT has_table_privilege(session_user, hypertable, 'INSERT') THEN
        RAISE EXCEPTION 'permission denied for table %', hypertable
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Creating chunks needs INSERT on the hypertable.';
    END IF;
    IF chunk_schema IS DISTINCT FROM ht.associated_schema_name THEN
        RAISE EXCEPTION 'chunk schema % does not belong to hypertable %', chunk_schema, hypertable
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF to_regclass(format('%I.%I', chunk_schema, chunk_name)) IS NOT NULL THEN
        RETURN false;
    END IF;
    bounds := format('FROM (%s) TO (%s)',
                     COALESCE(quote_literal(time_start), 'MINVALUE'),
                     COALESCE(quote_literal(time_end), 'MAXVALUE'));
    parent := hypertable::text;

    IF space_modulus IS NOT NULL THEN
        SELECT d.column_name INTO space_col FROM timeshard_catalog.dimension d
         WHERE d.hypertable_id = ht.id AND d.num_slices IS NOT NULL;
        parent := format('%I.%I', chunk_schema, slice_name);
        IF to_regclass(parent) IS NULL THEN
            EXECUTE format('CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS '
                           'INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING GENERATED) PARTITION BY HASH (%I)',
                           parent, hypertable, space_col);
            PERFORM timeshard_internal.copy_table_privileges(hypertable, parent::regclass);
            EXECUTE format('ALTER TABLE %s ATTACH PARTITION %s FOR VALUES %s', hypertable, parent, bounds);
        END IF;
        bounds := format('WITH (MODULUS %s, REMAINDER %s)', space_modulus, space_remainder);
    END IF;

    EXECUTE format('CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS '
                   'INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING GENERATED)', chunk_schema, chunk_name, hypertable);
    chunk := format('%I.%I', chunk_schema, chunk_name)::regclass;
    -- The hypertable's owner and privileges, grant options included.
    PERFORM timeshard_internal.copy_table_privileges(hypertable, chunk);
    EXECUTE format('ALTER TABLE %s ATTACH PARTITION %s FOR VALUES %s', parent, chunk, bounds);
    RETURN true;
END
$$;

-- Drop a chunk of a member hypertable (and its time slice once empty).
CREATE FUNCTION timeshard_internal.drop_chunk(chunk_schema name, chunk_name name)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    chunk regclass := to_regclass(format('%I.%I', chunk_schema, chunk_name));
    parent regclass;
    root regclass;
BEGIN
    IF chunk IS NULL THEN
        RETURN false;
    END IF;
    SELECT inhparent INTO parent FROM pg_inherits WHERE inhrelid = chunk;
    root := (SELECT relid FROM pg_partition_root(chunk) relid);
    IF root IS NULL OR NOT EXISTS (
        SELECT 1 FROM timeshard_catalog.hypertable h
          JOIN pg_class c ON c.relname = h.table_name
          JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = h.schema_name
         WHERE c.oid = root AND h.replication_factor = -1) THEN
        RAISE EXCEPTION '% is not a chunk of a distributed hypertable', chunk
            USING ERRCODE = 'wrong_object_type';
    END IF;
    IF NOT pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = root), 'USAGE')
       AND NOT has_table_privilege(session_user, root, 'DELETE') THEN
        RAISE EXCEPTION 'must be owner of table %', root USING ERRCODE = 'insufficient_privilege';
    END IF;
    EXECUTE format('DROP TABLE %s', chunk);
    IF parent IS DISTINCT FROM root
       AND NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhparent = parent) THEN
        EXECUTE format('DROP TABLE %s', parent);
    END IF;
    RETURN true;
END
$$;

-- Catalog rows of tables that are dropped go with them (on every node).
CREATE FUNCTION timeshard_internal.on_sql_drop() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM timeshard_catalog.hypertable h
     USING pg_event_trigger_dropped_objects() d
     WHERE d.object_type IN ('table', 'foreign table')
       AND d.schema_name = h.schema_name AND d.object_name = h.table_name;
    DELETE FROM timeshard_catalog.chunk c
     USING pg_event_trigger_dropped_objects() d
     WHERE d.object_type IN ('table', 'foreign table')
       AND d.schema_name = c.schema_name AND d.object_name = c.table_name;
END
$$;
CREATE EVENT TRIGGER timeshard_sql_drop ON sql_drop
    EXECUTE FUNCTION timeshard_internal.on_sql_drop();

---------------------------------------------------------------------------
-- Distributed hypertables
---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.create_distributed_hypertable(
    relation regclass, time_column_name name, partitioning_column name = NULL,
    number_partitions integer = NULL, associated_schema_name name = NULL,
    associated_table_prefix name = NULL, chunk_time_interval anyelement = NULL::bigint,
    create_default_indexes boolean = true, if_not_exists boolean = false,
    partitioning_func regproc = NULL, migrate_data boolean = false,
    chunk_target_size text = NULL, chunk_sizing_func regproc = NULL,
    time_partitioning_func regproc = NULL, replication_factor integer = NULL,
    data_nodes name[] = NULL)
RETURNS TABLE(hypertable_id integer, schema_name name, table_name name, created boolean)
AS 'MODULE_PATHNAME', 'create_distributed_hypertable' LANGUAGE C VOLATILE;

CREATE FUNCTION @extschema@.create_hypertable(
    relation regclass, time_column_name name, partitioning_column name = NULL,
    number_partitions integer = NULL, associated_schema_name name = NULL,
    associated_table_prefix name = NULL, chunk_time_interval anyelement = NULL::bigint,
    create_default_indexes boolean = true, if_not_exists boolean = false,
    partitioning_func regproc = NULL, migrate_data boolean = false,
    chunk_target_size text = NULL, chunk_sizing_func regproc = NULL,
    time_partitioning_func regproc = NULL, replication_factor integer = NULL,
    data_nodes name[] = NULL, distributed boolean = NULL)
RETURNS TABLE(hypertable_id integer, schema_name name, table_name name, created boolean)
AS 'MODULE_PATHNAME', 'create_hypertable' LANGUAGE C VOLATILE;

CREATE FUNCTION @extschema@.show_chunks(
    relation regclass, older_than "any" = NULL, newer_than "any" = NULL,
    created_before "any" = NULL, created_after "any" = NULL)
RETURNS SETOF regclass
AS 'MODULE_PATHNAME', 'show_chunks' LANGUAGE C STABLE;

CREATE FUNCTION @extschema@.drop_chunks(
    relation regclass, older_than "any" = NULL, newer_than "any" = NULL,
    "verbose" boolean = false, created_before "any" = NULL, created_after "any" = NULL)
RETURNS SETOF text
AS 'MODULE_PATHNAME', 'drop_chunks' LANGUAGE C VOLATILE;

-- Hypertables of this database: distributed ones on an access node, member
-- hypertables (replication_factor -1) on a data node.
CREATE VIEW timeshard_information.hypertables AS
SELECT h.schema_name AS hypertable_schema,
       h.table_name AS hypertable_name,
       pg_catalog.pg_get_userbyid(c.relowner) AS owner,
       (SELECT count(*) FROM timeshard_catalog.dimension d
         WHERE d.hypertable_id = h.id)::smallint AS num_dimensions,
       (SELECT count(*) FROM timeshard_catalog.chunk ch
         WHERE ch.hypertable_id = h.id) AS num_chunks,
       false AS compression_enabled,
       COALESCE(h.replication_factor > 0, false) AS is_distributed,
       h.replication_factor,
       (SELECT pg_catalog.array_agg(n.node_name ORDER BY n.node_name)
          FROM timeshard_catalog.hypertable_data_node n
         WHERE n.hypertable_id = h.id) AS data_nodes,
       NULL::name[] AS tablespaces
  FROM timeshard_catalog.hypertable h
  JOIN pg_catalog.pg_namespace ns ON ns.nspname = h.schema_name
  JOIN pg_catalog.pg_class c ON c.relnamespace = ns.oid AND c.relname = h.table_name;

-- Chunks, with their time range and the data nodes that hold them.
CREATE VIEW timeshard_information.chunks AS
SELECT h.schema_name AS hypertable_schema,
       h.table_name AS hypertable_name,
       ch.schema_name AS chunk_schema,
       ch.table_name AS chunk_name,
       d.column_name AS primary_dimension,
       d.column_type AS primary_dimension_type,
       CASE WHEN d.column_type IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype)
            THEN timeshard_internal.internal_to_timestamptz(ch.time_start) END AS range_start,
       CASE WHEN d.column_type IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype)
            THEN timeshard_internal.internal_to_timestamptz(ch.time_end) END AS range_end,
       CASE WHEN d.column_type IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype)
            THEN ch.time_start END AS range_start_integer,
       CASE WHEN d.column_type IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype)
            THEN ch.time_end END AS range_end_integer,
       false AS is_compressed,
       NULL::name AS chunk_tablespace,
       (SELECT pg_catalog.array_agg(cdn.node_name ORDER BY cdn.node_name)
          FROM timeshard_catalog.chunk_data_node cdn
         WHERE cdn.chunk_id = ch.id AND NOT cdn.stale) AS data_nodes,
       ch.creation_time AS chunk_creation_time,
       (SELECT pg_catalog.array_agg(cdn.node_name ORDER BY cdn.node_name)
          FROM timeshard_catalog.chunk_data_node cdn
         WHERE cdn.chunk_id = ch.id AND cdn.stale) AS stale_data_nodes
  FROM timeshard_catalog.chunk ch
  JOIN timeshard_catalog.hypertable h ON h.id = ch.hypertable_id
  JOIN timeshard_catalog.dimension d ON d.hypertable_id = h.id AND d.interval_length IS NOT NULL;

GRANT SELECT ON timeshard_information.hypertables, timeshard_information.chunks TO PUBLIC;

---------------------------------------------------------------------------
-- DDL on member hypertables (data node side)
---------------------------------------------------------------------------

-- Sessions of the access node announce themselves: DDL on member
-- hypertables is then allowed in the session.
CREATE FUNCTION timeshard_internal.set_peer_dist_id(dist_id uuid) RETURNS boolean
    AS 'MODULE_PATHNAME', 'set_peer_dist_id' LANGUAGE C VOLATILE;

-- Give every partition of a member hypertable (time slices and chunks) the
-- hypertable's owner and privileges, after GRANT/REVOKE or a new owner.
CREATE FUNCTION timeshard_internal.sync_chunk_privileges(hypertable regclass) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    part record;
    n integer := 0;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM timeshard_catalog.hypertable h
                     JOIN pg_class c ON c.relname = h.table_name
                     JOIN pg_namespace s ON s.oid = c.relnamespace AND s.nspname = h.schema_name
                    WHERE c.oid = hypertable AND h.replication_factor = -1) THEN
        RAISE EXCEPTION 'table % is not a member of a distributed hypertable', hypertable
            USING ERRCODE = 'wrong_object_type';
    END IF;
    IF NOT pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = hypertable), 'USAGE') THEN
        RAISE EXCEPTION 'must be owner of table %', hypertable USING ERRCODE = 'insufficient_privilege';
    END IF;
    FOR part IN SELECT t.relid FROM pg_partition_tree(hypertable) t WHERE t.relid <> hypertable LOOP
        PERFORM timeshard_internal.copy_table_privileges(hypertable, part.relid);
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;

---------------------------------------------------------------------------
-- Data nodes of distributed hypertables
---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.attach_data_node(
    node_name name, hypertable regclass, if_not_attached boolean = false,
    repartition boolean = true)
RETURNS TABLE(hypertable_id integer, node_hypertable_id integer, node_name name)
AS 'MODULE_PATHNAME', 'attach_data_node' LANGUAGE C VOLATILE;

CREATE FUNCTION @extschema@.detach_data_node(
    node_name name, hypertable regclass = NULL, if_attached boolean = false,
    force boolean = false, repartition boolean = true, drop_remote_data boolean = false)
RETURNS integer
AS 'MODULE_PATHNAME', 'detach_data_node' LANGUAGE C VOLATILE;

CREATE FUNCTION @extschema@.set_number_partitions(
    hypertable regclass, number_partitions integer, dimension_name name = NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'set_number_partitions' LANGUAGE C VOLATILE;

CREATE FUNCTION @extschema@.set_replication_factor(
    hypertable regclass, replication_factor integer)
RETURNS void
AS 'MODULE_PATHNAME', 'set_replication_factor' LANGUAGE C VOLATILE;

CREATE FUNCTION @extschema@.set_chunk_time_interval(
    hypertable regclass, chunk_time_interval anyelement, dimension_name name = NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'set_chunk_time_interval' LANGUAGE C VOLATILE;

---------------------------------------------------------------------------
-- Sizes
---------------------------------------------------------------------------

-- On a data node: the sizes of a member hypertable (all its partitions).
CREATE FUNCTION timeshard_internal.member_size(hypertable regclass,
    OUT table_bytes bigint, OUT index_bytes bigint, OUT toast_bytes bigint, OUT total_bytes bigint)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT COALESCE(sum(pg_relation_size(t.relid)), 0)::bigint,
           COALESCE(sum(pg_indexes_size(t.relid)), 0)::bigint,
           COALESCE(sum(CASE WHEN c.reltoastrelid <> 0
                             THEN pg_total_relation_size(c.reltoastrelid) END), 0)::bigint,
           COALESCE(sum(pg_total_relation_size(t.relid)), 0)::bigint
      FROM pg_partition_tree(hypertable) t
      JOIN pg_class c ON c.oid = t.relid
     WHERE t.isleaf OR t.relid = hypertable
$$;

-- On a data node: the sizes of each chunk of a member hypertable.
CREATE FUNCTION timeshard_internal.member_chunk_sizes(hypertable regclass)
RETURNS TABLE(chunk_schema name, chunk_name name, table_bytes bigint, index_bytes bigint,
              toast_bytes bigint, total_bytes bigint)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT n.nspname, c.relname,
           pg_relation_size(t.relid), pg_indexes_size(t.relid),
           CASE WHEN c.reltoastrelid <> 0 THEN pg_total_relation_size(c.reltoastrelid) ELSE 0 END,
           pg_total_relation_size(t.relid)
      FROM pg_partition_tree(hypertable) t
      JOIN pg_class c ON c.oid = t.relid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE t.isleaf
     ORDER BY 1, 2
$$;

-- On a data node: the rows its statistics know in each chunk.
CREATE FUNCTION timeshard_internal.member_row_estimate(hypertable regclass)
RETURNS TABLE(chunk_schema name, chunk_name name, estimate bigint)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT n.nspname, c.relname, GREATEST(c.reltuples, 0)::bigint
      FROM pg_partition_tree(hypertable) t
      JOIN pg_class c ON c.oid = t.relid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE t.isleaf
$$;

CREATE FUNCTION @extschema@.hypertable_detailed_size(hypertable regclass)
RETURNS TABLE(table_bytes bigint, index_bytes bigint, toast_bytes bigint, total_bytes bigint,
              node_name name)
AS 'MODULE_PATHNAME', 'hypertable_detailed_size' LANGUAGE C STABLE;

CREATE FUNCTION @extschema@.hypertable_size(hypertable regclass) RETURNS bigint
AS 'MODULE_PATHNAME', 'hypertable_size' LANGUAGE C STABLE;

CREATE FUNCTION @extschema@.chunks_detailed_size(hypertable regclass)
RETURNS TABLE(chunk_schema name, chunk_name name, table_bytes bigint, index_bytes bigint,
              toast_bytes bigint, total_bytes bigint, node_name name)
AS 'MODULE_PATHNAME', 'chunks_detailed_size' LANGUAGE C STABLE;

CREATE FUNCTION @extschema@.approximate_row_count(relation regclass) RETURNS bigint
AS 'MODULE_PATHNAME', 'approximate_row_count' LANGUAGE C STABLE;

---------------------------------------------------------------------------
-- Queries: partial aggregation on data nodes
---------------------------------------------------------------------------

-- Wraps an aggregate in a query the access node sends to a data node: the
-- node's planner returns the aggregate's partial state instead (bytea).
-- IMMUTABLE so that the planner computes it in the Agg node itself (volatile
-- expressions may be moved above a Sort), where partialize.c finds it.
CREATE FUNCTION timeshard_internal.partialize_agg(anyelement) RETURNS bytea
    AS 'MODULE_PATHNAME', 'partialize_agg' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION timeshard_internal.state_to_bytea(anyelement) RETURNS bytea
    AS 'MODULE_PATHNAME', 'state_to_bytea' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

---------------------------------------------------------------------------
-- time_bucket (fdw/time_bucket.c)
---------------------------------------------------------------------------
-- TimescaleDB's overloads, with its parameter names.  All are IMMUTABLE:
-- timestamptz without a timezone argument is bucketed on the UTC timeline,
-- whatever the session's TimeZone, so data nodes compute what the access
-- node would.  The timezone form is not STRICT: a NULL origin or "offset"
-- means the default (it returns NULL for a NULL width, ts or timezone).

CREATE FUNCTION @extschema@.time_bucket(bucket_width smallint, ts smallint)
RETURNS smallint
AS 'MODULE_PATHNAME', 'time_bucket_int16' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.time_bucket(bucket_width smallint, ts smallint, "offset" smallint)
RETURNS smallint
AS 'MODULE_PATHNAME', 'time_bucket_int16' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.time_bucket(bucket_width integer, ts integer)
RETURNS integer
AS 'MODULE_PATHNAME', 'time_bucket_int32' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.time_bucket(bucket_width integer, ts integer, "offset" integer)
RETURNS integer
AS 'MODULE_PATHNAME', 'time_bucket_int32' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.time_bucket(bucket_width bigint, ts bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'time_bucket_int64' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.time_bucket(bucket_width bigint, ts bigint, "offset" bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'time_bucket_int64' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.time_bucket(bucket_width interval, ts timestamp)
RETURNS timestamp
AS 'MODULE_PATHNAME', 'time_bucket_timestamp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.time_bucket(bucket_width interval, ts timestamp, origin timestamp)
RETURNS timestamp
AS 'MODULE_PATHNAME', 'time_bucket_timestamp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.time_bucket(bucket_width interval, ts timestamp, "offset" interval)
RETURNS timestamp
AS 'MODULE_PATHNAME', 'time_bucket_timestamp_offset' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.time_bucket(bucket_width interval, ts timestamptz)
RETURNS timestamptz
AS 'MODULE_PATHNAME', 'time_bucket_timestamptz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.time_bucket(bucket_width interval, ts timestamptz, origin timestamptz)
RETURNS timestamptz
AS 'MODULE_PATHNAME', 'time_bucket_timestamptz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.time_bucket(bucket_width interval, ts timestamptz, "offset" interval)
RETURNS timestamptz
AS 'MODULE_PATHNAME', 'time_bucket_timestamptz_offset' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.time_bucket(
    bucket_width interval, ts timestamptz, timezone text,
    origin timestamptz DEFAULT NULL, "offset" interval DEFAULT NULL)
RETURNS timestamptz
AS 'MODULE_PATHNAME', 'time_bucket_timestamptz_timezone' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.time_bucket(bucket_width interval, ts date)
RETURNS date
AS 'MODULE_PATHNAME', 'time_bucket_date' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.time_bucket(bucket_width interval, ts date, origin date)
RETURNS date
AS 'MODULE_PATHNAME', 'time_bucket_date' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.time_bucket(bucket_width interval, ts date, "offset" interval)
RETURNS date
AS 'MODULE_PATHNAME', 'time_bucket_date_offset' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

---------------------------------------------------------------------------
-- Distributed transactions: commit records, resolution, restore points
---------------------------------------------------------------------------

-- One row per transaction prepared on a data node by a transaction of this
-- access node, written in that transaction: visible means committed (the
-- resolver's rule, presumed abort).  Deleted once the node has finished the
-- transaction.  Not dumped: it describes this server's running state.
CREATE TABLE timeshard_catalog.remote_txn (
    gid text PRIMARY KEY,
    node_name name NOT NULL,
    created timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE INDEX remote_txn_node_name_idx ON timeshard_catalog.remote_txn (node_name);
REVOKE ALL ON timeshard_catalog.remote_txn FROM PUBLIC;

CREATE FUNCTION @extschema@.remote_txn_heal_data_node(node_name name) RETURNS integer
AS 'MODULE_PATHNAME', 'remote_txn_heal_data_node' LANGUAGE C VOLATILE STRICT;

CREATE FUNCTION @extschema@.create_distributed_restore_point(name text)
RETURNS TABLE(node_name name, node_type text, restore_point pg_lsn)
AS 'MODULE_PATHNAME', 'create_distributed_restore_point' LANGUAGE C VOLATILE STRICT;

---------------------------------------------------------------------------
-- Health of data nodes, failover, replication
---------------------------------------------------------------------------

-- The worker's last health check of each data node (fdw/failover.c).
CREATE TABLE timeshard_catalog.data_node_status (
    node_name name PRIMARY KEY,
    status text NOT NULL CHECK (status IN ('up', 'down', 'unknown')),
    last_check timestamptz,
    last_success timestamptz,
    latency_ms double precision,
    consecutive_failures integer NOT NULL DEFAULT 0,
    last_error text,
    failed_over boolean NOT NULL DEFAULT false
);
REVOKE ALL ON timeshard_catalog.data_node_status FROM PUBLIC;

-- Every change of a data node's state, with its reason.
CREATE TABLE timeshard_catalog.data_node_event (
    id bigserial PRIMARY KEY,
    time timestamptz NOT NULL DEFAULT pg_catalog.now(),
    node_name name NOT NULL,
    event text NOT NULL,
    detail text
);
REVOKE ALL ON timeshard_catalog.data_node_event FROM PUBLIC;

CREATE VIEW timeshard_information.data_node_events AS
SELECT time, node_name, event, detail
  FROM timeshard_catalog.data_node_event
 ORDER BY id;
GRANT SELECT ON timeshard_information.data_node_events TO PUBLIC;

-- The data nodes view with their health (replaces the first definition).
CREATE OR REPLACE VIEW timeshard_information.data_nodes AS
SELECT s.srvname AS node_name,
       pg_catalog.pg_get_userbyid(s.srvowner) AS owner,
       o.host,
       o.port::integer AS port,
       o.dbname::name AS database,
       COALESCE(o.available::boolean, true) AS available,
       COALESCE(st.status, 'unknown') AS status,
       st.last_check,
       st.last_success,
       st.latency_ms,
       COALESCE(st.consecutive_failures, 0) AS consecutive_failures,
       st.last_error
  FROM pg_catalog.pg_foreign_server s
  JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw
 CROSS JOIN LATERAL (
       SELECT max(option_value) FILTER (WHERE option_name = 'host') AS host,
              max(option_value) FILTER (WHERE option_name = 'port') AS port,
              max(option_value) FILTER (WHERE option_name = 'dbname') AS dbname,
              max(option_value) FILTER (WHERE option_name = 'available') AS available
         FROM pg_catalog.pg_options_to_table(s.srvoptions)) o
  LEFT JOIN timeshard_catalog.data_node_status st ON st.node_name = s.srvname
 WHERE w.fdwname = 'timeshard_fdw';

-- Each chunk's desired and actual (up-to-date, available) replicas.
CREATE VIEW timeshard_information.chunk_replication_status AS
SELECT h.schema_name AS hypertable_schema,
       h.table_name AS hypertable_name,
       ch.schema_name AS chunk_schema,
       ch.table_name AS chunk_name,
       h.replication_factor AS desired_num_replicas,
       (SELECT count(*) FROM timeshard_catalog.chunk_data_node d
          JOIN timeshard_information.data_nodes n ON n.node_name = d.node_name
         WHERE d.chunk_id = ch.id AND NOT d.stale AND n.available)::integer AS num_replicas,
       (SELECT pg_catalog.array_agg(d.node_name ORDER BY d.node_name)
          FROM timeshard_catalog.chunk_data_node d
          JOIN timeshard_information.data_nodes n ON n.node_name = d.node_name
         WHERE d.chunk_id = ch.id AND NOT d.stale AND n.available) AS replica_nodes,
       (SELECT pg_catalog.array_agg(hn.node_name ORDER BY hn.node_name)
          FROM timeshard_catalog.hypertable_data_node hn
         WHERE hn.hypertable_id = h.id
           AND NOT EXISTS (SELECT 1 FROM timeshard_catalog.chunk_data_node d
                            JOIN timeshard_information.data_nodes n ON n.node_name = d.node_name
                           WHERE d.chunk_id = ch.id AND d.node_name = hn.node_name
                             AND NOT d.stale AND n.available)) AS non_replica_nodes
  FROM timeshard_catalog.chunk ch
  JOIN timeshard_catalog.hypertable h ON h.id = ch.hypertable_id
 WHERE h.replication_factor > 0;
GRANT SELECT ON timeshard_information.chunk_replication_status TO PUBLIC;

CREATE FUNCTION @extschema@.data_node_health()
RETURNS TABLE(node_name name, healthy boolean, in_recovery boolean, latency_ms double precision,
              error text)
AS 'MODULE_PATHNAME', 'data_node_health' LANGUAGE C VOLATILE;

CREATE FUNCTION @extschema@.copy_chunk(chunk regclass, source_node name, destination_node name)
RETURNS void AS 'MODULE_PATHNAME', 'ts_copy_chunk' LANGUAGE C VOLATILE;

CREATE FUNCTION @extschema@.move_chunk(chunk regclass, source_node name, destination_node name)
RETURNS void AS 'MODULE_PATHNAME', 'ts_move_chunk' LANGUAGE C VOLATILE;

-- On a data node: the catalog id of the member hypertable schema.table, or
-- NULL (the catalog itself is closed to PUBLIC; the owner of a hypertable
-- who attaches a node may ask this).
CREATE FUNCTION timeshard_internal.member_hypertable_id(schema_name name, table_name name)
RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT h.id FROM timeshard_catalog.hypertable h
     WHERE h.schema_name = $1 AND h.table_name = $2 AND h.replication_factor = -1
$$;

---------------------------------------------------------------------------
-- The distributed_exec job queue (fdw/jobs/, bgworker/job_runner.c)
---------------------------------------------------------------------------
-- A job is a command for some data nodes, run by the worker as the role that
-- submitted it; one job_node row per target node tracks it there.  Nobody but
-- timeshard's own code reads or writes these tables: a row would run as the
-- role it names.

CREATE TABLE timeshard_catalog.job (
    id bigserial PRIMARY KEY,
    command text NOT NULL,
    node_list name[] NOT NULL,
    submitted_by oid NOT NULL,
    search_path text NOT NULL,
    transactional boolean NOT NULL DEFAULT true,
    submitted_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    cancelled_at timestamptz
);
REVOKE ALL ON timeshard_catalog.job FROM PUBLIC;
REVOKE ALL ON SEQUENCE timeshard_catalog.job_id_seq FROM PUBLIC;

CREATE TABLE timeshard_catalog.job_node (
    job_id bigint NOT NULL REFERENCES timeshard_catalog.job (id) ON DELETE CASCADE,
    node_name name NOT NULL,
    status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    next_attempt_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    started_at timestamptz,
    finished_at timestamptz,
    PRIMARY KEY (job_id, node_name)
);
REVOKE ALL ON timeshard_catalog.job_node FROM PUBLIC;
-- The worker's question: each node's next job.
CREATE INDEX job_node_open ON timeshard_catalog.job_node (node_name, job_id)
 WHERE status IN ('pending', 'running');

-- Each job's overall status, and when it reached it (one place for the
-- views, wait_for_distributed_exec_job and the purge).
CREATE VIEW timeshard_catalog.job_state AS
SELECT j.id AS job_id,
       CASE WHEN j.cancelled_at IS NOT NULL THEN 'cancelled'
            WHEN n.failed > 0 THEN 'failed'
            WHEN n.succeeded = n.total THEN 'succeeded'
            WHEN n.running > 0 THEN 'running'
            ELSE 'pending' END AS status,
       CASE WHEN j.cancelled_at IS NOT NULL THEN j.cancelled_at
            WHEN n.failed > 0 OR n.succeeded = n.total THEN n.last_finished END AS finished_at
  FROM timeshard_catalog.job j
 CROSS JOIN LATERAL (
       SELECT pg_catalog.count(*) AS total,
              pg_catalog.count(*) FILTER (WHERE jn.status = 'succeeded') AS succeeded,
              pg_catalog.count(*) FILTER (WHERE jn.status = 'failed') AS failed,
              pg_catalog.count(*) FILTER (WHERE jn.status = 'running') AS running,
              pg_catalog.max(jn.finished_at) AS last_finished
         FROM timeshard_catalog.job_node jn WHERE jn.job_id = j.id) n;
REVOKE ALL ON timeshard_catalog.job_state FROM PUBLIC;

-- The jobs the current role may see: its own; a superuser sees all.
CREATE VIEW timeshard_catalog.job_visible AS
SELECT j.id AS job_id, r.rolname AS submitted_by
  FROM timeshard_catalog.job j
  LEFT JOIN pg_catalog.pg_roles r ON r.oid = j.submitted_by
 WHERE r.rolname = CURRENT_USER
    OR (SELECT u.rolsuper FROM pg_catalog.pg_roles u WHERE u.rolname = CURRENT_USER);
REVOKE ALL ON timeshard_catalog.job_visible FROM PUBLIC;

CREATE VIEW timeshard_information.jobs WITH (security_barrier) AS
SELECT j.id AS job_id,
       j.command,
       j.node_list,
       COALESCE(v.submitted_by, j.submitted_by::text::name) AS submitted_by,
       j.submitted_at,
       s.status,
       s.finished_at
  FROM timeshard_catalog.job j
  JOIN timeshard_catalog.job_visible v ON v.job_id = j.id
  JOIN timeshard_catalog.job_state s ON s.job_id = j.id
 ORDER BY j.id;

CREATE VIEW timeshard_information.job_nodes WITH (security_barrier) AS
SELECT n.job_id,
       n.node_name,
       n.status,
       n.attempts,
       n.last_error,
       n.started_at,
       n.finished_at
  FROM timeshard_catalog.job_node n
  JOIN timeshard_catalog.job_visible v ON v.job_id = n.job_id
 ORDER BY n.job_id, n.node_name;
GRANT SELECT ON timeshard_information.jobs, timeshard_information.job_nodes TO PUBLIC;

CREATE FUNCTION @extschema@.distributed_exec_async(query text, node_list name[] = NULL)
RETURNS bigint AS 'MODULE_PATHNAME', 'distributed_exec_async' LANGUAGE C VOLATILE;

CREATE FUNCTION @extschema@.cancel_distributed_exec_job(job_id bigint)
RETURNS boolean AS 'MODULE_PATHNAME', 'cancel_distributed_exec_job' LANGUAGE C VOLATILE STRICT;

CREATE FUNCTION @extschema@.wait_for_distributed_exec_job(job_id bigint, timeout interval = NULL)
RETURNS text AS 'MODULE_PATHNAME', 'wait_for_distributed_exec_job' LANGUAGE C VOLATILE;
