-- Distributed hypertables: create_distributed_hypertable and create_hypertable.
-- The user's table stays on the access node (it never holds rows); every data
-- node of the hypertable gets a twin: the same table, natively partitioned by
-- range of time, registered in its catalog as a member hypertable.  The data
-- nodes are other databases of this instance, reached over TCP on 127.0.0.1.
\set VERBOSITY default
SET client_min_messages = notice;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
CREATE EXTENSION timeshard;

-- Without data nodes there is nowhere to put a distributed hypertable.
CREATE TABLE hx_early (time timestamptz NOT NULL, v float);
SELECT * FROM create_distributed_hypertable('hx_early', 'time');
SELECT * FROM create_hypertable('hx_early', 'time', distributed => true);
SELECT * FROM create_hypertable('hx_early', 'time', replication_factor => 1);
DROP TABLE hx_early;

SELECT node_name FROM add_data_node('hx_1', host => '127.0.0.1', database => 'hx_db1');
SELECT node_name FROM add_data_node('hx_2', host => '127.0.0.1', database => 'hx_db2');
SELECT node_name FROM add_data_node('hx_3', host => '127.0.0.1', database => 'hx_db3');

---------------------------------------------------------------------------
-- Arguments are checked before anything happens.
---------------------------------------------------------------------------
CREATE TABLE hx_args (time timestamptz, device int, label text, reading float8,
                      ival int, sval smallint, day date, pt point);
-- relation and time column are required.
SELECT * FROM create_distributed_hypertable(NULL, 'time');
SELECT * FROM create_distributed_hypertable('hx_args', NULL);
SELECT * FROM create_distributed_hypertable('hx_nope', 'time');
-- The time column must exist and be a time or integer type.
SELECT * FROM create_distributed_hypertable('hx_args', 'nope');
SELECT * FROM create_distributed_hypertable('hx_args', 'label');
SELECT * FROM create_distributed_hypertable('hx_args', 'reading');
SELECT * FROM create_distributed_hypertable('hx_args', 'pt');
-- An integer time column needs an explicit integer interval.
SELECT * FROM create_distributed_hypertable('hx_args', 'ival');
SELECT * FROM create_distributed_hypertable('hx_args', 'ival', chunk_time_interval => interval '1 day');
SELECT * FROM create_distributed_hypertable('hx_args', 'sval', chunk_time_interval => 100000);
-- The interval must be positive, and of a type that fits the column.
SELECT * FROM create_distributed_hypertable('hx_args', 'time', chunk_time_interval => 'one week'::text);
SELECT * FROM create_distributed_hypertable('hx_args', 'time', chunk_time_interval => 1.5);
SELECT * FROM create_distributed_hypertable('hx_args', 'time', chunk_time_interval => interval '-1 day');
SELECT * FROM create_distributed_hypertable('hx_args', 'time', chunk_time_interval => 0);
SELECT * FROM create_distributed_hypertable('hx_args', 'ival', chunk_time_interval => -10);
SELECT * FROM create_distributed_hypertable('hx_args', 'day', chunk_time_interval => interval '12 hours');
-- Space partitioning: an existing, hashable column other than the time
-- column, and between 1 and 32767 partitions.
SELECT * FROM create_distributed_hypertable('hx_args', 'time', 'nope');
SELECT * FROM create_distributed_hypertable('hx_args', 'time', 'time');
SELECT * FROM create_distributed_hypertable('hx_args', 'time', 'pt');
SELECT * FROM create_distributed_hypertable('hx_args', 'time', number_partitions => 2);
SELECT * FROM create_distributed_hypertable('hx_args', 'time', 'device', number_partitions => 0);
SELECT * FROM create_distributed_hypertable('hx_args', 'time', 'device', number_partitions => -1);
SELECT * FROM create_distributed_hypertable('hx_args', 'time', 'device', number_partitions => 32768);
-- The replication factor: between 1 and 32767, and no more than the nodes.
SELECT * FROM create_distributed_hypertable('hx_args', 'time', replication_factor => 0);
SELECT * FROM create_distributed_hypertable('hx_args', 'time', replication_factor => -1);
SELECT * FROM create_distributed_hypertable('hx_args', 'time', replication_factor => 32768);
SELECT * FROM create_distributed_hypertable('hx_args', 'time', replication_factor => 4);
SELECT * FROM create_distributed_hypertable('hx_args', 'time', replication_factor => 3,
                                            data_nodes => '{hx_1,hx_2}');
-- data_nodes: a non-empty list of known data nodes, without NULLs (a name
-- given twice counts once).
SELECT * FROM create_distributed_hypertable('hx_args', 'time', data_nodes => '{}');
SELECT * FROM create_distributed_hypertable('hx_args', 'time', data_nodes => '{hx_1,NULL}');
SELECT * FROM create_distributed_hypertable('hx_args', 'time', data_nodes => '{{hx_1},{hx_2}}');
SELECT * FROM create_distributed_hypertable('hx_args', 'time', data_nodes => '{hx_1,hx_nope}');
SELECT * FROM create_distributed_hypertable('hx_args', 'time', replication_factor => 2,
                                            data_nodes => '{hx_1,hx_1}');
CREATE FOREIGN DATA WRAPPER hx_other_fdw;
CREATE SERVER hx_not_ours FOREIGN DATA WRAPPER hx_other_fdw;
SELECT * FROM create_distributed_hypertable('hx_args', 'time', data_nodes => '{hx_not_ours}');
DROP SERVER hx_not_ours;
DROP FOREIGN DATA WRAPPER hx_other_fdw;
-- A node that is not available cannot take part.
SELECT node_name, available FROM alter_data_node('hx_3', available => false);
SELECT * FROM create_distributed_hypertable('hx_args', 'time', data_nodes => '{hx_1,hx_3}');
SELECT node_name, available FROM alter_data_node('hx_3', available => true);
-- Chunk names need a schema and a prefix that are not empty.
SELECT * FROM create_distributed_hypertable('hx_args', 'time', associated_schema_name => '');
SELECT * FROM create_distributed_hypertable('hx_args', 'time', associated_table_prefix => '');
-- What timeshard does not do (yet): migrating rows, custom partitioning
-- functions, adaptive chunking.
SELECT * FROM create_distributed_hypertable('hx_args', 'time', migrate_data => true);
SELECT * FROM create_distributed_hypertable('hx_args', 'time', 'device', partitioning_func => 'hashint4');
SELECT * FROM create_distributed_hypertable('hx_args', 'time', chunk_sizing_func => 'hashint4');
SELECT * FROM create_distributed_hypertable('hx_args', 'time', chunk_target_size => 'estimate');
SELECT * FROM create_distributed_hypertable('hx_args', 'time', time_partitioning_func => 'hashint4');
-- create_hypertable checks its arguments the same way.
SELECT * FROM create_hypertable('hx_args', 'nope', distributed => true);
SELECT * FROM create_hypertable('hx_args', 'time', replication_factor => 0);
-- None of this left anything behind, here or on the nodes.
SELECT count(*) AS hypertables FROM timeshard_catalog.hypertable;
SELECT attnotnull AS time_not_null FROM pg_attribute
 WHERE attrelid = 'hx_args'::regclass AND attname = 'time';
SELECT indexrelid::regclass FROM pg_index WHERE indrelid = 'hx_args'::regclass;
\c hx_db1
SELECT count(*) AS tables FROM pg_tables WHERE tablename = 'hx_args';
SELECT count(*) AS hypertables FROM timeshard_catalog.hypertable;
\c contrib_regression

---------------------------------------------------------------------------
-- Tables that cannot become distributed hypertables.
---------------------------------------------------------------------------
-- Not empty: the access node keeps no rows.
CREATE TABLE hx_full (time timestamptz, v int);
INSERT INTO hx_full VALUES ('2024-01-01', 1);
SELECT * FROM create_distributed_hypertable('hx_full', 'time');
-- Partitioned, or part of an inheritance tree (chunks inherit from the table).
CREATE TABLE hx_parted (time timestamptz, v int) PARTITION BY RANGE (time);
SELECT * FROM create_distributed_hypertable('hx_parted', 'time');
CREATE TABLE hx_parent (time timestamptz, v int);
CREATE TABLE hx_child () INHERITS (hx_parent);
SELECT * FROM create_distributed_hypertable('hx_parent', 'time');
SELECT * FROM create_distributed_hypertable('hx_child', 'time');
-- Not a table at all.
CREATE VIEW hx_a_view AS SELECT * FROM hx_full;
SELECT * FROM create_distributed_hypertable('hx_a_view', 'time');
CREATE SEQUENCE hx_seq;
SELECT * FROM create_distributed_hypertable('hx_seq', 'time');
-- A foreign key cannot be checked on the data nodes.
CREATE TABLE hx_devices (id int PRIMARY KEY);
CREATE TABLE hx_fk (time timestamptz, device int REFERENCES hx_devices (id));
SELECT * FROM create_distributed_hypertable('hx_fk', 'time');
-- A unique index or constraint must contain every partitioning column.
CREATE TABLE hx_uniq (time timestamptz, device int, serial_no int UNIQUE);
SELECT * FROM create_distributed_hypertable('hx_uniq', 'time');
CREATE TABLE hx_uniq2 (time timestamptz, device int, PRIMARY KEY (time));
SELECT * FROM create_distributed_hypertable('hx_uniq2', 'time', 'device');
-- ... an exclusion constraint cannot be checked across chunks.
CREATE TABLE hx_excl (time timestamptz, area circle, EXCLUDE USING gist (area WITH &&));
SELECT * FROM create_distributed_hypertable('hx_excl', 'time');
-- Only the owner may distribute a table.
CREATE ROLE hx_user LOGIN;
CREATE TABLE hx_not_mine (time timestamptz, v int);
GRANT ALL ON hx_not_mine TO hx_user;
SET ROLE hx_user;
SELECT * FROM create_distributed_hypertable('hx_not_mine', 'time');
SELECT * FROM create_hypertable('hx_not_mine', 'time', distributed => true);
RESET ROLE;
-- Data nodes do not make distributed hypertables of their own.
\c hx_db1
SET client_min_messages = notice;
CREATE TABLE hx_on_node (time timestamptz, v int);
SELECT * FROM create_distributed_hypertable('hx_on_node', 'time');
DROP TABLE hx_on_node;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
-- Nothing was made.
SELECT count(*) AS hypertables FROM timeshard_catalog.hypertable;

---------------------------------------------------------------------------
-- A distributed hypertable, and what the data nodes have.
---------------------------------------------------------------------------
CREATE ROLE hx_reader;
CREATE ROLE hx_writer;
CREATE TABLE hx_metrics (
    time        timestamptz,
    device      integer NOT NULL,
    location    text COLLATE "C" DEFAULT 'unknown',
    temperature numeric(5,2) CHECK (temperature > -273.15),
    humidity    float8 DEFAULT 0.5,
    status      varchar(10)[],
    location_len integer GENERATED ALWAYS AS (length(location)) STORED,
    CONSTRAINT hx_metrics_humidity_range CHECK (humidity BETWEEN 0 AND 1),
    CONSTRAINT hx_metrics_time_device_key UNIQUE (time, device)
);
CREATE INDEX hx_metrics_location_idx ON hx_metrics (location, time DESC);
GRANT SELECT ON hx_metrics TO hx_reader;
GRANT SELECT, INSERT ON hx_metrics TO hx_writer WITH GRANT OPTION;
SELECT * FROM create_distributed_hypertable('hx_metrics', 'time', 'device', replication_factor => 2);
-- On the access node: the table as it was, with the time column NOT NULL and
-- the default index (device, time DESC).  An index that starts with the time
-- column exists already (the unique constraint): no (time DESC) index.
\d hx_metrics
SELECT hypertable_schema, hypertable_name, owner, num_dimensions, num_chunks,
       compression_enabled, is_distributed, replication_factor, data_nodes, tablespaces
  FROM timeshard_information.hypertables ORDER BY hypertable_name;
SELECT h.table_name, h.associated_schema_name, h.associated_table_prefix, h.replication_factor,
       d.column_name, d.column_type, d.num_slices, d.interval_length,
       d.interval_length = 7 * 24 * 3600 * 1000000::bigint AS seven_days
  FROM timeshard_catalog.hypertable h JOIN timeshard_catalog.dimension d ON d.hypertable_id = h.id
 ORDER BY h.table_name, d.id;
SELECT node_name, block_chunks FROM timeshard_catalog.hypertable_data_node
 WHERE hypertable_id = (SELECT id FROM timeshard_catalog.hypertable WHERE table_name = 'hx_metrics')
 ORDER BY node_name;
-- Three space partitions (one per data node), each on two nodes: the next
-- ones in the ring.
SELECT p.remainder, p.data_nodes FROM timeshard_catalog.dimension_partition p
  JOIN timeshard_catalog.dimension d ON d.id = p.dimension_id
 WHERE d.column_name = 'device' ORDER BY p.remainder;

-- On every data node: the same table, partitioned by range of time, with the
-- same columns, defaults, constraints, indexes, owner and grants; and a
-- member hypertable in the node's catalog (replication_factor -1).
\c hx_db1
\d hx_metrics
SELECT relowner::regrole AS owner, relacl FROM pg_class WHERE oid = 'hx_metrics'::regclass;
SELECT schema_name, table_name, associated_schema_name, associated_table_prefix, replication_factor
  FROM timeshard_catalog.hypertable ORDER BY table_name;
SELECT d.column_name, d.column_type, d.num_slices
  FROM timeshard_catalog.dimension d JOIN timeshard_catalog.hypertable h ON h.id = d.hypertable_id
 WHERE h.table_name = 'hx_metrics' ORDER BY d.id;
SELECT hypertable_name, is_distributed, replication_factor, data_nodes
  FROM timeshard_information.hypertables ORDER BY 1;
\c hx_db2
\d hx_metrics
SELECT relowner::regrole AS owner, relacl FROM pg_class WHERE oid = 'hx_metrics'::regclass;
SELECT schema_name, table_name, replication_factor FROM timeshard_catalog.hypertable ORDER BY table_name;
\c hx_db3
\d hx_metrics
SELECT relowner::regrole AS owner, relacl FROM pg_class WHERE oid = 'hx_metrics'::regclass;
SELECT schema_name, table_name, replication_factor FROM timeshard_catalog.hypertable ORDER BY table_name;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- Already a hypertable: an error, or a notice with if_not_exists.
SELECT * FROM create_distributed_hypertable('hx_metrics', 'time');
SELECT * FROM create_distributed_hypertable('hx_metrics', 'time', if_not_exists => true);
SELECT * FROM create_hypertable('hx_metrics', 'time', distributed => true, if_not_exists => true);

---------------------------------------------------------------------------
-- Time column types, intervals, and the data nodes a hypertable uses.
---------------------------------------------------------------------------
-- timestamp (without time zone), a chunk interval in microseconds.
CREATE TABLE hx_ts (time timestamp, v int);
SELECT * FROM create_distributed_hypertable('hx_ts', 'time', chunk_time_interval => 3600000000);
-- date, an interval of whole days; one data node is enough, with a warning.
CREATE TABLE hx_date (day date, v int);
SELECT * FROM create_distributed_hypertable('hx_date', 'day', chunk_time_interval => interval '30 days',
                                            data_nodes => '{hx_2}');
-- integer types with integer intervals, on two of the nodes.
CREATE TABLE hx_int (t integer, v int);
SELECT * FROM create_distributed_hypertable('hx_int', 't', chunk_time_interval => 100,
                                            data_nodes => '{hx_3,hx_1}');
CREATE TABLE hx_bigint (t bigint, v int);
SELECT * FROM create_distributed_hypertable('hx_bigint', 't', chunk_time_interval => 1000000000000::bigint);
CREATE TABLE hx_smallint (t smallint, v int);
SELECT * FROM create_distributed_hypertable('hx_smallint', 't', chunk_time_interval => 1000::smallint,
                                            create_default_indexes => false);
-- The time dimension of each (intervals in microseconds for time types, in
-- the column's unit for integers), and its nodes.
SELECT h.table_name, d.column_name, d.column_type, d.interval_length, h.replication_factor,
       (SELECT array_agg(n.node_name ORDER BY n.node_name) FROM timeshard_catalog.hypertable_data_node n
         WHERE n.hypertable_id = h.id) AS data_nodes
  FROM timeshard_catalog.hypertable h
  JOIN timeshard_catalog.dimension d ON d.hypertable_id = h.id AND d.interval_length IS NOT NULL
 ORDER BY h.id;
-- Default indexes, unless create_default_indexes => false; the time column
-- becomes NOT NULL in every case.
SELECT c.relname AS table_name, a.attname, a.attnotnull,
       (SELECT array_agg(pg_get_indexdef(i.indexrelid) ORDER BY 1) FROM pg_index i
         WHERE i.indrelid = c.oid) AS indexes
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = 1
 WHERE c.relname IN ('hx_ts', 'hx_date', 'hx_int', 'hx_bigint', 'hx_smallint')
 ORDER BY c.relname;
-- The nodes have the hypertables they were given, partitioned by their time
-- column.
\c hx_db1
SELECT c.relname, pg_get_partkeydef(c.oid) AS partition_key, a.attnotnull AS time_not_null
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = 1
 WHERE c.relname LIKE 'hx\_%' AND c.relkind = 'p' ORDER BY 1;
SELECT h.table_name, d.column_name, d.column_type FROM timeshard_catalog.hypertable h
  JOIN timeshard_catalog.dimension d ON d.hypertable_id = h.id ORDER BY 1, 2;
\c hx_db2
SELECT c.relname, pg_get_partkeydef(c.oid) AS partition_key
  FROM pg_class c WHERE c.relname LIKE 'hx\_%' AND c.relkind = 'p' ORDER BY 1;
\c hx_db3
SELECT c.relname, pg_get_partkeydef(c.oid) AS partition_key
  FROM pg_class c WHERE c.relname LIKE 'hx\_%' AND c.relkind = 'p' ORDER BY 1;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
-- A row of each makes a chunk whose range is aligned on the interval (from
-- 2000-01-01 for time types, from 0 for integers); the data nodes make the
-- same range a partition of their hypertable.
INSERT INTO hx_ts VALUES ('2024-03-01 10:30', 1);
INSERT INTO hx_date VALUES ('2024-03-01', 1);
INSERT INTO hx_int VALUES (-5, 1), (250, 2);
INSERT INTO hx_bigint VALUES (1500000000000, 1);
INSERT INTO hx_smallint VALUES (32766, 1), (32767, 3), (-32768, 2);
-- The first and last chunks of a type are open-ended; infinite times have no
-- chunk.
INSERT INTO hx_ts VALUES ('infinity', 2);
INSERT INTO hx_date VALUES ('-infinity', 2);
SELECT hypertable_name, chunk_name, range_start, range_end, range_start_integer, range_end_integer
  FROM timeshard_information.chunks
 WHERE hypertable_name IN ('hx_ts', 'hx_date', 'hx_int', 'hx_bigint', 'hx_smallint')
 ORDER BY hypertable_name, chunk_name;
SELECT 'hx_ts' AS t, * FROM hx_ts UNION ALL SELECT 'hx_date', day::timestamp, v FROM hx_date ORDER BY 1;
SELECT * FROM hx_int ORDER BY t;
SELECT * FROM hx_smallint ORDER BY t;
\c hx_db2
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SELECT inhparent::regclass AS hypertable, inhrelid::regclass AS chunk,
       pg_get_expr(c.relpartbound, c.oid) AS bounds
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE inhparent::regclass::text LIKE 'hx\_%' AND c.relkind IN ('r', 'p') ORDER BY 1, 2;
\c hx_db1
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SELECT inhparent::regclass AS hypertable, inhrelid::regclass AS chunk,
       pg_get_expr(c.relpartbound, c.oid) AS bounds
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE inhparent::regclass::text LIKE 'hx\_%' AND c.relkind IN ('r', 'p') ORDER BY 1, 2;
\c hx_db3
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SELECT inhparent::regclass AS hypertable, inhrelid::regclass AS chunk,
       pg_get_expr(c.relpartbound, c.oid) AS bounds
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE inhparent::regclass::text LIKE 'hx\_%' AND c.relkind IN ('r', 'p') ORDER BY 1, 2;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- Names: quoted identifiers, an associated schema and prefix for chunks.
---------------------------------------------------------------------------
CREATE SCHEMA "hx Schema";
CREATE TABLE "hx Schema"."Hx Table" ("Time" timestamptz, "Dev ice" text, "v" int);
SELECT * FROM create_distributed_hypertable('"hx Schema"."Hx Table"', 'Time', 'Dev ice',
                                            number_partitions => 2,
                                            associated_schema_name => 'hx chunks',
                                            associated_table_prefix => 'hx pre');
INSERT INTO "hx Schema"."Hx Table" VALUES ('2024-01-01', 'a', 1);
SELECT chunk_schema, chunk_name, data_nodes FROM timeshard_information.chunks
 WHERE hypertable_name = 'Hx Table' ORDER BY chunk_name;
SELECT * FROM "hx Schema"."Hx Table";
\d "hx Schema"."Hx Table"
\c hx_db1
\d "hx Schema"."Hx Table"
SELECT schema_name, table_name, associated_schema_name, associated_table_prefix
  FROM timeshard_catalog.hypertable WHERE table_name = 'Hx Table';
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- Triggers go to the nodes with their functions, and fire there, once per
-- row.  User-defined types, and functions used in defaults and constraints,
-- must exist on the nodes (here they are made with distributed_exec).
---------------------------------------------------------------------------
CREATE FUNCTION hx_double_v() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.v := NEW.v * 2;
    RETURN NEW;
END $$;
CREATE TABLE hx_trig (time timestamptz, v int);
CREATE TRIGGER hx_trig_double BEFORE INSERT ON hx_trig FOR EACH ROW EXECUTE FUNCTION hx_double_v();
SELECT * FROM create_distributed_hypertable('hx_trig', 'time');
\c hx_db1
SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 'public.hx_trig'::regclass;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
INSERT INTO hx_trig VALUES ('2024-01-01', 21);
SELECT * FROM hx_trig;

CREATE TYPE hx_mood AS ENUM ('sad', 'ok', 'happy');
CALL distributed_exec($$CREATE TYPE hx_mood AS ENUM ('sad', 'ok', 'happy')$$);
CREATE FUNCTION hx_default_mood() RETURNS hx_mood LANGUAGE sql IMMUTABLE AS $$SELECT 'ok'::hx_mood$$;
CALL distributed_exec($$CREATE FUNCTION hx_default_mood() RETURNS hx_mood LANGUAGE sql IMMUTABLE AS 'SELECT ''ok''::hx_mood'$$);
CREATE TABLE hx_enum (time timestamptz, mood hx_mood DEFAULT hx_default_mood(),
                      CHECK (mood <> 'sad'));
SELECT * FROM create_distributed_hypertable('hx_enum', 'time');
\c hx_db2
\d hx_enum
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- A view of the table keeps working: it reads the chunks.
---------------------------------------------------------------------------
CREATE TABLE hx_viewed (time timestamptz, v int);
CREATE VIEW hx_viewed_v AS SELECT time, v * 10 AS v10 FROM hx_viewed;
SELECT * FROM create_distributed_hypertable('hx_viewed', 'time');
INSERT INTO hx_viewed VALUES ('2024-01-01', 1), ('2024-02-01', 2);
SELECT * FROM hx_viewed_v ORDER BY time;
SELECT count(*) AS rows_on_access_node FROM ONLY hx_viewed;

---------------------------------------------------------------------------
-- Existing indexes are kept and not duplicated.
---------------------------------------------------------------------------
CREATE TABLE hx_idx (time timestamptz, device int, v int);
CREATE INDEX hx_idx_time ON hx_idx (time);
CREATE UNIQUE INDEX hx_idx_device_time ON hx_idx (device, time);
SELECT * FROM create_distributed_hypertable('hx_idx', 'time', 'device');
SELECT indexrelid::regclass, pg_get_indexdef(indexrelid) FROM pg_index
 WHERE indrelid = 'hx_idx'::regclass ORDER BY 1;
\c hx_db3
SELECT indexrelid::regclass, pg_get_indexdef(indexrelid) FROM pg_index
 WHERE indrelid = 'hx_idx'::regclass ORDER BY 1;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- create_hypertable: distributed or not?
---------------------------------------------------------------------------
CREATE TABLE hx_ch (time timestamptz, v int);
CREATE VIEW hx_ch_info AS
SELECT hypertable_name, is_distributed, replication_factor, data_nodes
  FROM timeshard_information.hypertables WHERE hypertable_name = 'hx_ch';
-- Neither distributed nor replication_factor: a local hypertable (its
-- chunks are tables of this database; nothing on the data nodes).
BEGIN;
SELECT * FROM create_hypertable('hx_ch', 'time');
SELECT * FROM hx_ch_info;
ROLLBACK;
BEGIN;
SELECT * FROM create_hypertable('hx_ch', 'time', distributed => false);
SELECT * FROM hx_ch_info;
ROLLBACK;
-- distributed => false with a replication factor contradicts itself.
SELECT * FROM create_hypertable('hx_ch', 'time', distributed => false, replication_factor => 1);
-- distributed => true, or a replication factor: distributed.
BEGIN;
SELECT * FROM create_hypertable('hx_ch', 'time', distributed => true);
SELECT * FROM hx_ch_info;
ROLLBACK;
BEGIN;
SELECT * FROM create_hypertable('hx_ch', 'time', replication_factor => 2);
SELECT * FROM hx_ch_info;
ROLLBACK;
BEGIN;
SELECT * FROM create_hypertable('hx_ch', 'time', distributed => true, replication_factor => 3,
                                data_nodes => '{hx_1,hx_2,hx_3}');
SELECT * FROM hx_ch_info;
ROLLBACK;
-- timeshard.hypertable_distributed_default decides when neither is given.
SET timeshard.hypertable_distributed_default = 'distributed';
BEGIN;
SELECT * FROM create_hypertable('hx_ch', 'time');
SELECT * FROM hx_ch_info;
ROLLBACK;
BEGIN;
SELECT * FROM create_hypertable('hx_ch', 'time', distributed => false);
SELECT * FROM hx_ch_info;
ROLLBACK;
SET timeshard.hypertable_distributed_default = 'local';
BEGIN;
SELECT * FROM create_hypertable('hx_ch', 'time');
SELECT * FROM hx_ch_info;
ROLLBACK;
SELECT * FROM create_hypertable('hx_ch', 'time', replication_factor => 1);
BEGIN;
SELECT * FROM create_hypertable('hx_ch', 'time', distributed => true);
SELECT * FROM hx_ch_info;
ROLLBACK;
RESET timeshard.hypertable_distributed_default;
-- Rolled back: nothing is left on the access node or the data nodes.
SELECT count(*) AS hypertables FROM timeshard_catalog.hypertable WHERE table_name = 'hx_ch';
SELECT attnotnull AS time_not_null FROM pg_attribute
 WHERE attrelid = 'hx_ch'::regclass AND attname = 'time';
\c hx_db1
SELECT count(*) AS tables FROM pg_class WHERE relname = 'hx_ch';
\c hx_db3
SELECT count(*) AS tables FROM pg_class WHERE relname = 'hx_ch';
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- A node that fails (the table exists there already) fails the whole call:
-- nothing is left on the other nodes nor in the catalog.
CALL distributed_exec('CREATE TABLE public.hx_ch (x int)', node_list => '{hx_2}');
SELECT * FROM create_distributed_hypertable('hx_ch', 'time');
SELECT count(*) AS hypertables FROM timeshard_catalog.hypertable WHERE table_name = 'hx_ch';
\c hx_db1
SELECT count(*) AS tables FROM pg_class WHERE relname = 'hx_ch';
SELECT count(*) AS hypertables FROM timeshard_catalog.hypertable WHERE table_name = 'hx_ch';
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
CALL distributed_exec('DROP TABLE public.hx_ch', node_list => '{hx_2}');

---------------------------------------------------------------------------
-- A table owner that is not a superuser: the hypertable goes to the data
-- nodes the owner may use (USAGE on their servers).
---------------------------------------------------------------------------
CREATE ROLE hx_owner LOGIN;
GRANT CREATE ON SCHEMA public TO hx_owner;
CALL distributed_exec('GRANT CREATE ON SCHEMA public TO hx_owner');
CREATE USER MAPPING FOR hx_owner SERVER hx_1 OPTIONS (password_required 'false');
CREATE USER MAPPING FOR hx_owner SERVER hx_2 OPTIONS (password_required 'false');
SET ROLE hx_owner;
CREATE TABLE hx_owned (time timestamptz, v int);
-- No USAGE on any data node:
SELECT * FROM create_distributed_hypertable('hx_owned', 'time');
RESET ROLE;
GRANT USAGE ON FOREIGN SERVER hx_1, hx_2 TO hx_owner;
SET ROLE hx_owner;
-- Naming a node without USAGE:
SELECT * FROM create_distributed_hypertable('hx_owned', 'time', data_nodes => '{hx_1,hx_3}');
-- Left out with a notice when the nodes are not named:
SELECT * FROM create_distributed_hypertable('hx_owned', 'time');
RESET ROLE;
SELECT hypertable_name, owner, data_nodes FROM timeshard_information.hypertables
 WHERE hypertable_name = 'hx_owned';
\c hx_db1
SELECT tableowner FROM pg_tables WHERE tablename = 'hx_owned';
\c hx_db3
SELECT count(*) AS tables FROM pg_tables WHERE tablename = 'hx_owned';
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- Clean up.
---------------------------------------------------------------------------
DROP TABLE hx_owned;
DROP USER MAPPING FOR hx_owner SERVER hx_1;
DROP USER MAPPING FOR hx_owner SERVER hx_2;
REVOKE USAGE ON FOREIGN SERVER hx_1, hx_2 FROM hx_owner;
REVOKE CREATE ON SCHEMA public FROM hx_owner;
CALL distributed_exec('REVOKE CREATE ON SCHEMA public FROM hx_owner');
DROP TABLE hx_metrics, hx_ts, hx_date, hx_int, hx_bigint, hx_smallint, "hx Schema"."Hx Table",
           hx_trig, hx_enum, hx_idx;
DROP VIEW hx_viewed_v;
DROP TABLE hx_viewed;
SELECT count(*) AS hypertables FROM timeshard_catalog.hypertable;
SELECT count(*) AS chunks FROM timeshard_catalog.chunk;
SELECT delete_data_node('hx_1', drop_database => true);
SELECT delete_data_node('hx_2', drop_database => true);
SELECT delete_data_node('hx_3', drop_database => true);
DROP VIEW hx_ch_info;
DROP TABLE hx_args, hx_full, hx_parted, hx_child, hx_parent, hx_fk, hx_devices, hx_uniq, hx_uniq2,
           hx_excl, hx_not_mine, hx_ch CASCADE;
DROP SEQUENCE hx_seq;
DROP SCHEMA "hx Schema";
DROP SCHEMA IF EXISTS "hx chunks";
DROP FUNCTION hx_double_v();
DROP FUNCTION hx_default_mood();
DROP TYPE hx_mood;
DROP ROLE hx_user;
DROP ROLE hx_owner;
DROP ROLE hx_reader;
DROP ROLE hx_writer;
DROP EXTENSION timeshard;
