-- DDL on a distributed hypertable reaches every data node of the hypertable,
-- inside the distributed transaction: the statement runs on the access node,
-- then on each node, and either everything succeeds or nothing changes
-- anywhere.  DDL that the nodes could not apply the same way is refused with
-- an error.  On a data node, DDL on a member hypertable is refused unless it
-- comes from the access node.  Every change is checked on the node databases
-- themselves (other databases of this instance).
\set VERBOSITY default
SET client_min_messages = notice;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
CREATE EXTENSION timeshard;
SELECT node_name FROM add_data_node('dd_1', host => '127.0.0.1', database => 'dd_db1');
SELECT node_name FROM add_data_node('dd_2', host => '127.0.0.1', database => 'dd_db2');

-- dd_describe(table) lists a table's columns, constraints, indexes and
-- triggers; dd_acl(table) its owner and privileges with those of its
-- children (chunks).  They are made here and on the nodes, to compare.
\set describe_fn 'CREATE FUNCTION public.dd_describe(t regclass) RETURNS TABLE (kind text, name text, definition text) LANGUAGE sql AS $$ SELECT kind, name, definition FROM (SELECT ''column'' AS kind, a.attnum AS ord, a.attname::text AS name, format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN '' not null'' ELSE '''' END || COALESCE('' default '' || pg_get_expr(d.adbin, d.adrelid), '''') AS definition FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = t AND a.attnum > 0 AND NOT a.attisdropped UNION ALL SELECT ''constraint'', 0, conname::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = t UNION ALL SELECT ''index'', 0, c.relname::text, CASE WHEN i.indisunique THEN ''unique '' ELSE '''' END || ''('' || (SELECT string_agg(pg_get_indexdef(i.indexrelid, k, true), '', '' ORDER BY k) FROM generate_series(1, i.indnatts) k) || '')'' FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = t UNION ALL SELECT ''trigger'', 0, tgname::text, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = t AND NOT tgisinternal) x ORDER BY kind, ord, name $$'
\set acl_fn 'CREATE FUNCTION public.dd_acl(t regclass) RETURNS TABLE (relation text, owner regrole, acl aclitem[]) LANGUAGE sql AS $$ WITH RECURSIVE tree(oid) AS (SELECT t::oid UNION ALL SELECT i.inhrelid FROM pg_inherits i JOIN tree ON i.inhparent = tree.oid) SELECT c.relname::text, c.relowner::regrole, c.relacl FROM tree JOIN pg_class c ON c.oid = tree.oid ORDER BY c.oid <> t, c.relname $$'
:describe_fn;
:acl_fn;
CALL distributed_exec(:'describe_fn');
CALL distributed_exec(:'acl_fn');

CREATE TABLE dd_t (time timestamptz NOT NULL, device integer NOT NULL, value float8, note text);
SELECT * FROM create_distributed_hypertable('dd_t', 'time', 'device', chunk_time_interval => interval '1 day');
INSERT INTO dd_t SELECT t, d, d, 'original'
  FROM generate_series('2024-01-01'::timestamptz, '2024-01-02', interval '1 day') t, generate_series(1, 4) d;
SELECT chunk_name, data_nodes FROM timeshard_information.chunks ORDER BY chunk_name;
SELECT * FROM dd_describe('dd_t');

---------------------------------------------------------------------------
-- ALTER TABLE on columns: add (with a default, NOT NULL), rename, change
-- the type, set and drop the default, set and drop NOT NULL, drop.
---------------------------------------------------------------------------
ALTER TABLE dd_t ADD COLUMN added integer DEFAULT 7;
ALTER TABLE dd_t ADD COLUMN required text NOT NULL DEFAULT 'req';
ALTER TABLE dd_t RENAME COLUMN added TO renamed;
ALTER TABLE dd_t ALTER COLUMN renamed TYPE bigint;
ALTER TABLE dd_t ALTER COLUMN value TYPE numeric(10,2) USING round(value::numeric, 2);
ALTER TABLE dd_t ALTER COLUMN note TYPE varchar(20);
ALTER TABLE dd_t ALTER COLUMN renamed SET DEFAULT 8, ALTER COLUMN note SET DEFAULT 'noted';
ALTER TABLE dd_t ALTER COLUMN required DROP DEFAULT;
ALTER TABLE dd_t ALTER COLUMN value SET NOT NULL;
ALTER TABLE dd_t ALTER COLUMN required DROP NOT NULL;
ALTER TABLE dd_t ADD COLUMN dropped integer;
ALTER TABLE dd_t DROP COLUMN dropped;
SELECT * FROM dd_describe('dd_t');
\c dd_db1
SELECT * FROM dd_describe('dd_t');
-- The chunks follow, being partitions of the member hypertable.
SELECT * FROM dd_describe('timeshard_internal._dist_hyper_1_1_chunk') WHERE kind = 'column';
\c dd_db2
SELECT * FROM dd_describe('dd_t');
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
-- Rows use the new columns, their defaults and their types.
INSERT INTO dd_t (time, device, value) VALUES ('2024-01-01 12:00', 1, 1.234);
SELECT * FROM dd_t ORDER BY time, device;
-- NOT NULL holds (checked here first, for a row with no value).
INSERT INTO dd_t (time, device, value) VALUES ('2024-01-01 12:00', 2, NULL);

-- DDL belongs to the distributed transaction.
BEGIN;
ALTER TABLE dd_t ADD COLUMN rolled_back integer;
ROLLBACK;
\c dd_db1
SELECT count(*) AS rolled_back_columns FROM pg_attribute WHERE attrelid = 'dd_t'::regclass AND attname = 'rolled_back';
\c dd_db2
SELECT count(*) AS rolled_back_columns FROM pg_attribute WHERE attrelid = 'dd_t'::regclass AND attname = 'rolled_back';
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- Constraints: CHECK, UNIQUE (with the partitioning columns), renamed,
-- dropped.  A constraint that rows on a node violate fails on that node, and
-- nowhere is it added.
---------------------------------------------------------------------------
ALTER TABLE dd_t ADD CONSTRAINT dd_positive CHECK (value > 0);
ALTER TABLE dd_t ADD CONSTRAINT dd_small CHECK (value < 3);
ALTER TABLE dd_t ADD CONSTRAINT dd_unique UNIQUE (time, device);
ALTER TABLE dd_t ADD CONSTRAINT dd_to_drop CHECK (device < 100);
ALTER TABLE dd_t RENAME CONSTRAINT dd_positive TO dd_value_positive;
ALTER TABLE dd_t DROP CONSTRAINT dd_to_drop;
SELECT * FROM dd_describe('dd_t') WHERE kind IN ('constraint', 'index');
\c dd_db1
SELECT * FROM dd_describe('dd_t') WHERE kind IN ('constraint', 'index');
\c dd_db2
SELECT * FROM dd_describe('dd_t') WHERE kind IN ('constraint', 'index');
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
-- The constraints hold: CHECK on the access node, UNIQUE on the node.
INSERT INTO dd_t (time, device, value) VALUES ('2024-01-02 12:00', 3, -1);
INSERT INTO dd_t (time, device, value) VALUES ('2024-01-01', 1, 5);
-- A UNIQUE constraint must contain the partitioning columns.
ALTER TABLE dd_t ADD CONSTRAINT dd_no_time UNIQUE (device, value);

---------------------------------------------------------------------------
-- Indexes: created, renamed, dropped.
---------------------------------------------------------------------------
CREATE INDEX dd_value_idx ON dd_t (value);
CREATE UNIQUE INDEX dd_note_idx ON dd_t (note, device, time);
CREATE INDEX ON dd_t (device, value DESC);
ALTER INDEX dd_note_idx RENAME TO dd_note_unique_idx;
SELECT * FROM dd_describe('dd_t') WHERE kind = 'index';
\c dd_db1
SELECT * FROM dd_describe('dd_t') WHERE kind = 'index';
\c dd_db2
SELECT * FROM dd_describe('dd_t') WHERE kind = 'index';
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
DROP INDEX dd_value_idx;
DROP INDEX dd_note_unique_idx, dd_t_device_value_idx;
\c dd_db1
SELECT * FROM dd_describe('dd_t') WHERE kind = 'index';
\c dd_db2
SELECT * FROM dd_describe('dd_t') WHERE kind = 'index';
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- GRANT and REVOKE: on the member hypertable of every node and on its
-- chunks there (timeshard_internal.sync_chunk_privileges), also on chunks
-- made later.  (Roles are not created on the nodes by timeshard; here the
-- nodes share this instance's roles.)
---------------------------------------------------------------------------
CREATE ROLE dd_reader;
CREATE ROLE dd_owner;
GRANT SELECT, INSERT, UPDATE ON dd_t TO dd_reader;
REVOKE UPDATE ON dd_t FROM dd_reader;
GRANT DELETE ON dd_t TO dd_reader WITH GRANT OPTION;
GRANT UPDATE (note) ON dd_t TO dd_reader;
INSERT INTO dd_t (time, device, value) VALUES ('2024-01-03', 1, 1);
SELECT relation, acl FROM dd_acl('dd_t') WHERE relation = 'dd_t';
SELECT attname, attacl FROM pg_attribute WHERE attrelid = 'dd_t'::regclass AND attacl IS NOT NULL;
\c dd_db1
SELECT * FROM dd_acl('dd_t');
SELECT attname, attacl FROM pg_attribute WHERE attrelid = 'dd_t'::regclass AND attacl IS NOT NULL;
\c dd_db2
SELECT * FROM dd_acl('dd_t');
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
REVOKE ALL ON dd_t FROM dd_reader;
\c dd_db1
SELECT * FROM dd_acl('dd_t');
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- A new owner: the table, and its chunks here and on the nodes.
---------------------------------------------------------------------------
ALTER TABLE dd_t OWNER TO dd_owner;
SELECT relation, owner FROM dd_acl('dd_t');
\c dd_db1
SELECT relation, owner FROM dd_acl('dd_t');
\c dd_db2
SELECT relation, owner FROM dd_acl('dd_t');
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
ALTER TABLE dd_t OWNER TO CURRENT_USER;

---------------------------------------------------------------------------
-- Triggers: CREATE TRIGGER makes the trigger function on the nodes first
-- (CREATE OR REPLACE FUNCTION), then the trigger.  Row triggers fire on the
-- nodes, where the rows are stored.  DROP TRIGGER leaves the function.
---------------------------------------------------------------------------
CREATE FUNCTION dd_hundredfold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.value := NEW.value * 100;
    RETURN NEW;
END
$$;
CREATE TRIGGER dd_hundredfold BEFORE INSERT ON dd_t FOR EACH ROW EXECUTE FUNCTION dd_hundredfold();
SELECT * FROM dd_describe('dd_t') WHERE kind = 'trigger';
\c dd_db1
SELECT * FROM dd_describe('dd_t') WHERE kind = 'trigger';
SELECT proname, prosrc FROM pg_proc WHERE proname = 'dd_hundredfold';
\c dd_db2
SELECT * FROM dd_describe('dd_t') WHERE kind = 'trigger';
SELECT proname, prosrc FROM pg_proc WHERE proname = 'dd_hundredfold';
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
INSERT INTO dd_t (time, device, value) VALUES ('2024-01-01 06:00', 1, 0.02), ('2024-01-01 06:00', 2, 0.02);
SELECT time, device, value FROM dd_t WHERE time = '2024-01-01 06:00' ORDER BY device;
DROP TRIGGER dd_hundredfold ON dd_t;
\c dd_db1
SELECT * FROM dd_describe('dd_t') WHERE kind = 'trigger';
SELECT proname FROM pg_proc WHERE proname = 'dd_hundredfold';
\c dd_db2
SELECT * FROM dd_describe('dd_t') WHERE kind = 'trigger';
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
INSERT INTO dd_t (time, device, value) VALUES ('2024-01-01 07:00', 1, 0.02);
SELECT time, device, value FROM dd_t WHERE time = '2024-01-01 07:00' ORDER BY device;

---------------------------------------------------------------------------
-- TRUNCATE: every chunk goes, here and on the nodes.  The table still takes
-- rows.
---------------------------------------------------------------------------
CREATE TABLE dd_other (a integer);
TRUNCATE dd_t, dd_other;
TRUNCATE dd_t;
SELECT count(*) AS rows FROM dd_t;
SELECT count(*) AS chunks FROM show_chunks('dd_t');
SELECT count(*) AS chunk_tables FROM pg_inherits WHERE inhparent = 'dd_t'::regclass;
\c dd_db1
SELECT count(*) AS rows FROM dd_t;
SELECT count(*) AS partitions FROM pg_partition_tree('dd_t') WHERE relid <> 'dd_t'::regclass;
\c dd_db2
SELECT count(*) AS rows FROM dd_t;
SELECT count(*) AS partitions FROM pg_partition_tree('dd_t') WHERE relid <> 'dd_t'::regclass;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
INSERT INTO dd_t (time, device, value)
SELECT '2024-01-05'::timestamptz + i * interval '1 minute', i % 4, i % 2 + 1
  FROM generate_series(1, 1000) i;
SELECT count(*) FROM dd_t;

---------------------------------------------------------------------------
-- VACUUM and ANALYZE run on the nodes.  ANALYZE brings back each chunk's
-- row count and size into its foreign table here, for the planner.
---------------------------------------------------------------------------
-- What the access node knows of each chunk, and what it holds.
\set an_stats 'SELECT c.relname AS chunk, c.reltuples, (SELECT count(*) FROM dd_t t WHERE t.tableoid = c.oid) AS rows FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = ''dd_t''::regclass ORDER BY 1'
\set dn_stats 'SELECT c.relname AS chunk, c.reltuples, (SELECT count(*) FROM dd_t t WHERE t.tableoid = c.oid) AS rows FROM pg_partition_tree(''dd_t'') p JOIN pg_class c ON c.oid = p.relid WHERE p.isleaf ORDER BY 1'
:an_stats;
VACUUM dd_t;
-- VACUUM counted the rows on the nodes ...
\c dd_db1
:dn_stats;
\c dd_db2
:dn_stats;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
-- ... but only ANALYZE tells the access node.
:an_stats;
ANALYZE dd_t;
:an_stats;
-- More rows; VACUUM ANALYZE vacuums and analyzes, on the nodes and here.
INSERT INTO dd_t (time, device, value)
SELECT '2024-01-05 20:00'::timestamptz + i * interval '1 second', i % 4, 1
  FROM generate_series(1, 500) i;
VACUUM ANALYZE dd_t;
:an_stats;
INSERT INTO dd_t (time, device, value)
SELECT '2024-01-05 21:00'::timestamptz + i * interval '1 second', i % 4, 1
  FROM generate_series(1, 100) i;
VACUUM (ANALYZE, VERBOSE false) dd_t;
:an_stats;
-- The options reach the nodes: VACUUM FULL rewrites the chunks there.
\set dn_rewritten 'SELECT count(*) AS rewritten FROM pg_partition_tree(''dd_t'') p JOIN pg_class c ON c.oid = p.relid WHERE p.isleaf AND c.relfilenode <> c.oid'
\c dd_db1
:dn_rewritten;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
VACUUM (FULL, FREEZE) dd_t;
\c dd_db1
:dn_rewritten;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
-- Together with other tables; VACUUM not in a transaction block.
ANALYZE dd_t, dd_other;
VACUUM dd_other, dd_t;
BEGIN;
VACUUM dd_t;
ROLLBACK;

---------------------------------------------------------------------------
-- Refused: what the nodes could not do the same way.
---------------------------------------------------------------------------
ALTER TABLE dd_t SET TABLESPACE pg_default;
CREATE TABLE dd_parent (a integer);
ALTER TABLE dd_t INHERIT dd_parent;
ALTER TABLE dd_t DROP COLUMN time;
ALTER TABLE dd_t DROP COLUMN device;
ALTER TABLE dd_t ALTER COLUMN time TYPE timestamp;
ALTER TABLE dd_t ALTER COLUMN device TYPE bigint;
CREATE INDEX CONCURRENTLY dd_concurrent_idx ON dd_t (value);
CREATE TABLE dd_devices (device integer PRIMARY KEY);
ALTER TABLE dd_t ADD CONSTRAINT dd_fk FOREIGN KEY (device) REFERENCES dd_devices (device);
ALTER TABLE dd_t ADD COLUMN other_device integer REFERENCES dd_devices (device);
ALTER TABLE dd_t ADD CONSTRAINT dd_excl EXCLUDE USING btree (device WITH =);
-- The chunks here take a new type without USING, which needs an assignment
-- cast from the old type.
ALTER TABLE dd_t ALTER COLUMN note TYPE integer USING length(note);
-- Nothing of these reached the nodes.
\c dd_db1
SELECT * FROM dd_describe('dd_t');
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- Renaming columns, the time column among them: the catalogs follow, here
-- and on the nodes.
---------------------------------------------------------------------------
ALTER TABLE dd_t RENAME COLUMN note TO remark;
ALTER TABLE dd_t RENAME COLUMN time TO ts;
SELECT column_name FROM timeshard_catalog.dimension ORDER BY id;
\c dd_db1
SELECT column_name FROM timeshard_catalog.dimension ORDER BY id;
SELECT * FROM dd_describe('dd_t') WHERE kind = 'column';
\c dd_db2
SELECT column_name FROM timeshard_catalog.dimension ORDER BY id;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
INSERT INTO dd_t (ts, device, value, remark) VALUES ('2024-01-06', 1, 1, 'renamed columns');
SELECT ts, device, value, remark FROM dd_t WHERE ts >= '2024-01-06';

---------------------------------------------------------------------------
-- Renaming the table and moving it to another schema (which must exist on
-- the nodes too).  The nodes' catalogs follow, and the hypertable keeps
-- working under its new name: new chunks, reading, dropping chunks.
---------------------------------------------------------------------------
ALTER TABLE dd_t RENAME TO dd_renamed;
\c dd_db1
SELECT hypertable_schema, hypertable_name FROM timeshard_information.hypertables;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
CREATE SCHEMA dd_schema;
CALL distributed_exec('CREATE SCHEMA dd_schema');
ALTER TABLE dd_renamed SET SCHEMA dd_schema;
SELECT hypertable_schema, hypertable_name, num_chunks FROM timeshard_information.hypertables;
\c dd_db1
SELECT hypertable_schema, hypertable_name FROM timeshard_information.hypertables;
SELECT to_regclass('dd_schema.dd_renamed') AS moved;
\c dd_db2
SELECT hypertable_schema, hypertable_name FROM timeshard_information.hypertables;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
INSERT INTO dd_schema.dd_renamed (ts, device, value, remark) VALUES ('2024-01-07', 1, 1, 'renamed table');
SELECT ts, device, value, remark FROM dd_schema.dd_renamed WHERE ts >= '2024-01-06' ORDER BY ts;
SELECT count(*) FROM drop_chunks('dd_schema.dd_renamed', older_than => '2024-01-06');
SELECT count(*) FROM dd_schema.dd_renamed;
ALTER TABLE dd_schema.dd_renamed SET SCHEMA public;
ALTER TABLE dd_renamed RENAME TO dd_t;
\c dd_db2
SELECT hypertable_schema, hypertable_name FROM timeshard_information.hypertables;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- Renaming the space column.
---------------------------------------------------------------------------
ALTER TABLE dd_t RENAME COLUMN device TO dev;
SELECT column_name FROM timeshard_catalog.dimension ORDER BY id;
\c dd_db1
SELECT column_name FROM timeshard_catalog.dimension ORDER BY id;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
INSERT INTO dd_t (ts, dev, value, remark) VALUES ('2024-01-08', 1, 1, 'renamed space');
SELECT ts, dev, value, remark FROM dd_t WHERE ts >= '2024-01-08';

---------------------------------------------------------------------------
-- On a data node, DDL on a member hypertable from a client of the node is
-- refused: it would make the node differ from the others.
---------------------------------------------------------------------------
\c dd_db1
ALTER TABLE dd_t ADD COLUMN local_column integer;
ALTER TABLE dd_t RENAME COLUMN value TO v;
ALTER TABLE dd_t ALTER COLUMN value DROP NOT NULL;
ALTER TABLE dd_t RENAME TO dd_local_name;
CREATE INDEX dd_local_idx ON dd_t (value);
ALTER INDEX dd_t_time_idx RENAME TO dd_local_idx_name;
DROP INDEX dd_t_time_idx;
CREATE TRIGGER dd_local_trigger AFTER DELETE ON dd_t FOR EACH STATEMENT EXECUTE FUNCTION dd_hundredfold();
GRANT SELECT ON dd_t TO dd_reader;
TRUNCATE dd_t;
DROP TABLE dd_t;
-- Nor on what belongs to it (its chunks, their indexes, its triggers), nor
-- when the statement names it after another table.
SELECT p.relid::regclass AS dd_chunk FROM pg_partition_tree('dd_t') p WHERE p.isleaf ORDER BY 1 LIMIT 1 \gset
ALTER TABLE :dd_chunk ADD COLUMN local_column integer;
CREATE INDEX dd_local_chunk_idx ON :dd_chunk (value);
SELECT indexrelid::regclass AS dd_chunk_index FROM pg_index WHERE indrelid = :'dd_chunk'::regclass ORDER BY 1 LIMIT 1 \gset
ALTER INDEX :dd_chunk_index RENAME TO dd_local_idx_name;
TRUNCATE :dd_chunk;
DROP TABLE :dd_chunk;
DROP TRIGGER IF EXISTS dd_no_trigger ON dd_t;
CREATE TABLE dd_node_other (a integer);
TRUNCATE dd_node_other, dd_t;
DROP TABLE dd_node_other;
-- Other tables of the node are not concerned.
CREATE TABLE dd_node_local (a integer);
ALTER TABLE dd_node_local ADD COLUMN b integer;
DROP TABLE dd_node_local;
-- With timeshard.enable_client_ddl_on_data_nodes, the node's user may.
SET timeshard.enable_client_ddl_on_data_nodes = on;
CREATE INDEX dd_local_idx ON dd_t (value);
DROP INDEX dd_local_idx;
RESET timeshard.enable_client_ddl_on_data_nodes;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- Clean up.
DROP TABLE dd_t;
DROP TABLE dd_other, dd_parent, dd_devices;
DROP SCHEMA dd_schema;
DROP FUNCTION dd_hundredfold();
DROP FUNCTION dd_describe(regclass);
DROP FUNCTION dd_acl(regclass);
SELECT delete_data_node('dd_1', drop_database => true);
SELECT delete_data_node('dd_2', drop_database => true);
DROP ROLE dd_reader;
DROP ROLE dd_owner;
DROP EXTENSION timeshard;
