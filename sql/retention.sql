-- Retention and removal: show_chunks, drop_chunks, and DROP TABLE of a
-- distributed hypertable.  What is removed goes from the access node and
-- from every replica on the data nodes (other databases of this instance).
\set VERBOSITY default
SET client_min_messages = notice;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
CREATE EXTENSION timeshard;
SELECT node_name FROM add_data_node('rx_1', host => '127.0.0.1', database => 'rx_db1');
SELECT node_name FROM add_data_node('rx_2', host => '127.0.0.1', database => 'rx_db2');

-- rx_tstz: one chunk a day per space partition (two partitions), each
-- chunk on both nodes.  Six days of data make twelve chunks.
CREATE TABLE rx_tstz (time timestamptz NOT NULL, device integer, value float8);
SELECT * FROM create_distributed_hypertable('rx_tstz', 'time', 'device', number_partitions => 2,
                                            chunk_time_interval => interval '1 day',
                                            replication_factor => 2);
INSERT INTO rx_tstz
SELECT t, d, d FROM generate_series('2024-01-01 06:00'::timestamptz, '2024-01-06 06:00', interval '1 day') t,
                    generate_series(1, 4) d;
-- rx_int: integer time, chunks of 10, one replica.
CREATE TABLE rx_int (t integer NOT NULL, v integer);
SELECT * FROM create_distributed_hypertable('rx_int', 't', chunk_time_interval => 10);
INSERT INTO rx_int SELECT i, i FROM generate_series(0, 59) i;
-- rx_date: date time column, chunks of a week.
CREATE TABLE rx_date (day date NOT NULL, v integer);
SELECT * FROM create_distributed_hypertable('rx_date', 'day', chunk_time_interval => interval '7 days');
INSERT INTO rx_date SELECT d::date, 1 FROM generate_series('2024-01-01'::date, '2024-01-31', interval '1 day') d;
-- A plain table, for the errors.
CREATE TABLE rx_plain (time timestamptz, v integer);

CREATE VIEW rx_chunks AS
SELECT c.hypertable_name AS hypertable, format('%I.%I', c.chunk_schema, c.chunk_name) AS chunk,
       COALESCE(to_char(c.range_start, 'YYYY-MM-DD'), c.range_start_integer::text) AS range_start,
       COALESCE(to_char(c.range_end, 'YYYY-MM-DD'), c.range_end_integer::text) AS range_end,
       c.data_nodes
  FROM timeshard_information.chunks c
  JOIN timeshard_catalog.chunk k ON k.schema_name = c.chunk_schema AND k.table_name = c.chunk_name
 ORDER BY k.id;
SELECT * FROM rx_chunks;

---------------------------------------------------------------------------
-- show_chunks
---------------------------------------------------------------------------
-- All chunks, by time.
SELECT show_chunks('rx_tstz');
-- older_than: chunks whose every row is older (the chunk ends at or before
-- the value); newer_than: chunks whose every row is at least that new (the
-- chunk starts at or after it).  The value may be of the column's type or
-- of another time type.
SELECT show_chunks('rx_tstz', older_than => '2024-01-03 00:00'::timestamptz);
SELECT show_chunks('rx_tstz', older_than => '2024-01-03 12:00'::timestamptz);
SELECT show_chunks('rx_tstz', older_than => '2024-01-03'::date);
SELECT show_chunks('rx_tstz', older_than => '2024-01-03'::timestamp);
SELECT show_chunks('rx_tstz', older_than => '2024-01-03');
SELECT show_chunks('rx_tstz', newer_than => '2024-01-05'::timestamptz);
SELECT show_chunks('rx_tstz', newer_than => '2024-01-04 12:00'::timestamptz);
SELECT show_chunks('rx_tstz', newer_than => '2024-01-02'::date, older_than => '2024-01-04'::date);
SELECT show_chunks('rx_tstz', newer_than => '2024-01-04'::date, older_than => '2024-01-02'::date);
SELECT show_chunks('rx_tstz', older_than => '2000-01-01'::timestamptz);
-- Integer time: integers of any width.
SELECT show_chunks('rx_int');
SELECT show_chunks('rx_int', older_than => 20);
SELECT show_chunks('rx_int', older_than => 25::smallint);
SELECT show_chunks('rx_int', newer_than => 40::bigint);
SELECT show_chunks('rx_int', newer_than => 10, older_than => 30);
SELECT show_chunks('rx_int', older_than => '30');
-- date.
SELECT show_chunks('rx_date', older_than => '2024-01-13'::date);
SELECT show_chunks('rx_date', newer_than => '2024-01-20 00:00'::timestamptz);
-- An interval is "now() minus the interval".  Here the rows are placed
-- relative to the start of today, in one transaction (now() does not move).
CREATE TABLE rx_recent (time timestamptz NOT NULL, v integer);
SELECT * FROM create_distributed_hypertable('rx_recent', 'time', chunk_time_interval => interval '1 day');
BEGIN;
INSERT INTO rx_recent SELECT date_trunc('day', now()) - i * interval '1 day' + interval '1 hour', i
  FROM generate_series(0, 9) i;
SELECT count(*) AS chunks FROM show_chunks('rx_recent');
-- The chunks of 4 to 9 days ago end before now() - 3 days.
SELECT s::text AS chunk, current_date - min(r.time)::date AS days_ago
  FROM show_chunks('rx_recent', older_than => interval '3 days') s
  JOIN rx_recent r ON r.tableoid = s GROUP BY s ORDER BY 2;
SELECT s::text AS chunk, current_date - min(r.time)::date AS days_ago
  FROM show_chunks('rx_recent', newer_than => interval '2 days') s
  JOIN rx_recent r ON r.tableoid = s GROUP BY s ORDER BY 2;
SELECT s::text AS chunk, current_date - min(r.time)::date AS days_ago
  FROM show_chunks('rx_recent', newer_than => interval '6 days', older_than => interval '3 days') s
  JOIN rx_recent r ON r.tableoid = s GROUP BY s ORDER BY 2;
COMMIT;
-- created_before / created_after select by the time the chunk was made.
-- rx_later's chunks are made after t_mid, rx_tstz's before.
SELECT pg_sleep(0.01) AS slept \gset
SELECT now() AS t_mid, pg_sleep(0.01) AS slept \gset
CREATE TABLE rx_later (time timestamptz NOT NULL, v integer);
SELECT * FROM create_distributed_hypertable('rx_later', 'time', chunk_time_interval => interval '1 day');
INSERT INTO rx_later VALUES ('2024-01-01', 1);
INSERT INTO rx_later VALUES ('2024-01-02', 1);
SELECT count(*) AS before_t_mid FROM show_chunks('rx_tstz', created_before => :'t_mid'::timestamptz);
SELECT count(*) AS after_t_mid FROM show_chunks('rx_tstz', created_after => :'t_mid'::timestamptz);
SELECT show_chunks('rx_later', created_after => :'t_mid'::timestamptz);
SELECT show_chunks('rx_later', created_before => :'t_mid'::timestamptz);
SELECT show_chunks('rx_later', created_after => :'t_mid');
SELECT count(*) FROM show_chunks('rx_later', created_before => now());
SELECT count(*) FROM show_chunks('rx_later', created_after => interval '1 hour');
SELECT count(*) FROM show_chunks('rx_later', created_before => interval '1 hour');
SELECT count(*) FROM show_chunks('rx_later', created_after => '2000-01-01'::date);
SELECT count(*) FROM show_chunks('rx_later', created_before => '2000-01-01'::timestamp);
SELECT count(*) FROM show_chunks('rx_later', created_after => :'t_mid'::timestamptz, created_before => now());
-- Anyone may look.
CREATE ROLE rx_user;
SET ROLE rx_user;
SELECT count(*) FROM show_chunks('rx_tstz');
RESET ROLE;

-- Errors.
SELECT show_chunks(NULL);
SELECT show_chunks('rx_plain');
SELECT show_chunks('rx_nope');
SELECT show_chunks('rx_tstz', older_than => 10);
SELECT show_chunks('rx_tstz', older_than => true);
SELECT show_chunks('rx_tstz', older_than => 'yesterday at noon'::text);
SELECT show_chunks('rx_int', older_than => interval '1 day');
SELECT show_chunks('rx_int', older_than => '2024-01-01'::timestamptz);
SELECT show_chunks('rx_tstz', older_than => '2024-01-03'::timestamptz, created_before => now());
SELECT show_chunks('rx_tstz', newer_than => '2024-01-03'::timestamptz, created_after => now());
SELECT show_chunks('rx_tstz', created_before => 5);
SELECT show_chunks('rx_tstz', created_after => 'x'::text);

---------------------------------------------------------------------------
-- drop_chunks
---------------------------------------------------------------------------
-- Errors: a time range is required; the same argument rules as show_chunks;
-- only the owner may drop.
SELECT drop_chunks('rx_tstz');
SELECT drop_chunks(NULL, older_than => '2024-01-03'::timestamptz);
SELECT drop_chunks('rx_plain', older_than => '2024-01-03'::timestamptz);
SELECT drop_chunks('rx_tstz', older_than => 10);
SELECT drop_chunks('rx_int', older_than => interval '1 day');
SELECT drop_chunks('rx_tstz', older_than => '2024-01-03'::timestamptz, created_before => now());
SELECT drop_chunks('rx_tstz', created_after => 5);
SET ROLE rx_user;
SELECT drop_chunks('rx_tstz', older_than => '2024-01-03'::timestamptz);
RESET ROLE;
-- A data node that is not available: nothing is dropped anywhere.
SELECT node_name, available FROM alter_data_node('rx_2', available => false);
SELECT drop_chunks('rx_tstz', older_than => '2024-01-03'::timestamptz);
SELECT node_name, available FROM alter_data_node('rx_2', available => true);
SELECT count(*) AS chunks FROM show_chunks('rx_tstz');
-- Rolled back: nothing is dropped anywhere.
BEGIN;
SELECT drop_chunks('rx_tstz', older_than => '2024-01-03'::timestamptz);
SELECT count(*) AS chunks FROM show_chunks('rx_tstz');
ROLLBACK;
SELECT count(*) AS chunks, (SELECT count(*) FROM rx_tstz) AS rows FROM show_chunks('rx_tstz');

-- The data nodes before dropping: each has both chunks of every day, under
-- a partition of that day.
\c rx_db1
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SELECT level, relid::text, parentrelid::text, pg_get_expr(c.relpartbound, c.oid) AS bounds
  FROM pg_partition_tree('rx_tstz') t JOIN pg_class c ON c.oid = t.relid
 ORDER BY level, length(relid::text), relid::text;
SELECT count(*), min(time), max(time) FROM rx_tstz;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- older_than, verbose: the names of the dropped chunks, and an INFO for each.
SELECT drop_chunks('rx_tstz', older_than => '2024-01-03'::timestamptz, verbose => true);
SELECT * FROM rx_chunks WHERE hypertable = 'rx_tstz';
SELECT count(*), min(time), max(time) FROM rx_tstz;
-- Gone from the access node: the foreign tables and the catalog rows.
SELECT count(*) AS foreign_tables FROM pg_class
 WHERE relname IN ('_dist_hyper_1_1_chunk', '_dist_hyper_1_2_chunk', '_dist_hyper_1_7_chunk', '_dist_hyper_1_8_chunk');
SELECT count(*) AS chunk_rows FROM timeshard_catalog.chunk
 WHERE table_name IN ('_dist_hyper_1_1_chunk', '_dist_hyper_1_2_chunk', '_dist_hyper_1_7_chunk', '_dist_hyper_1_8_chunk');
SELECT count(*) AS replica_rows FROM timeshard_catalog.chunk_data_node WHERE chunk_id IN (1, 2, 7, 8);
-- newer_than.
SELECT drop_chunks('rx_tstz', newer_than => '2024-01-06'::timestamptz);
-- Both: the chunks in between.
SELECT drop_chunks('rx_tstz', newer_than => '2024-01-04'::date, older_than => '2024-01-05'::date);
-- Nothing matches: nothing is dropped.
SELECT drop_chunks('rx_tstz', older_than => '2024-01-02'::timestamptz);
SELECT * FROM rx_chunks WHERE hypertable = 'rx_tstz';
SELECT date_trunc('day', time) AS day, count(*) FROM rx_tstz GROUP BY 1 ORDER BY 1;
-- On both data nodes: the chunks are gone from every replica, and the
-- partition of a day goes with its last chunk.
\c rx_db1
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SELECT level, relid::text, parentrelid::text, pg_get_expr(c.relpartbound, c.oid) AS bounds
  FROM pg_partition_tree('rx_tstz') t JOIN pg_class c ON c.oid = t.relid
 ORDER BY level, length(relid::text), relid::text;
SELECT date_trunc('day', time) AS day, count(*) FROM rx_tstz GROUP BY 1 ORDER BY 1;
SELECT count(*) AS dropped_tables_left FROM pg_class WHERE relname ~ '^_dist_hyper_1_(1|2|4|6|7|8|10|12)_chunk$';
\c rx_db2
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SELECT level, relid::text, parentrelid::text, pg_get_expr(c.relpartbound, c.oid) AS bounds
  FROM pg_partition_tree('rx_tstz') t JOIN pg_class c ON c.oid = t.relid
 ORDER BY level, length(relid::text), relid::text;
SELECT date_trunc('day', time) AS day, count(*) FROM rx_tstz GROUP BY 1 ORDER BY 1;
SELECT count(*) AS dropped_tables_left FROM pg_class WHERE relname ~ '^_dist_hyper_1_(1|2|4|6|7|8|10|12)_chunk$';
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
-- New rows for a dropped range make a new chunk.
INSERT INTO rx_tstz VALUES ('2024-01-01 07:00', 1, 100);
SELECT * FROM rx_chunks WHERE hypertable = 'rx_tstz' AND range_start = '2024-01-01';
SELECT * FROM rx_tstz WHERE time < '2024-01-02' ORDER BY time;

-- Integer and date hypertables.
SELECT drop_chunks('rx_int', older_than => 20);
SELECT drop_chunks('rx_int', newer_than => 50::smallint);
SELECT * FROM rx_chunks WHERE hypertable = 'rx_int';
SELECT count(*), min(t), max(t) FROM rx_int;
SELECT drop_chunks('rx_date', older_than => '2024-01-13'::date);
SELECT * FROM rx_chunks WHERE hypertable = 'rx_date';
SELECT count(*), min(day), max(day) FROM rx_date;
\c rx_db1
SELECT 'rx_int' AS hypertable, count(*) AS rows, (SELECT count(*) FROM pg_partition_tree('rx_int') WHERE isleaf) AS chunks FROM rx_int
UNION ALL
SELECT 'rx_date', count(*), (SELECT count(*) FROM pg_partition_tree('rx_date') WHERE isleaf) FROM rx_date;
\c rx_db2
SELECT 'rx_int' AS hypertable, count(*) AS rows, (SELECT count(*) FROM pg_partition_tree('rx_int') WHERE isleaf) AS chunks FROM rx_int
UNION ALL
SELECT 'rx_date', count(*), (SELECT count(*) FROM pg_partition_tree('rx_date') WHERE isleaf) FROM rx_date;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- An interval (in one transaction with the rows, as above).
BEGIN;
SELECT count(*) FROM drop_chunks('rx_recent', older_than => interval '3 days');
SELECT current_date - min(time)::date AS oldest_days_ago, count(*) AS rows FROM rx_recent;
ROLLBACK;
SELECT count(*) FROM rx_recent;
-- By creation time.
SELECT drop_chunks('rx_later', created_before => :'t_mid'::timestamptz);
SELECT count(*) FROM drop_chunks('rx_later', created_after => :'t_mid'::timestamptz);
SELECT * FROM rx_chunks WHERE hypertable = 'rx_later';
SELECT count(*) FROM rx_later;

---------------------------------------------------------------------------
-- DROP TABLE of a distributed hypertable
---------------------------------------------------------------------------
-- What is there now, here and on the nodes.
SELECT hypertable_name, num_chunks, data_nodes FROM timeshard_information.hypertables ORDER BY 1;
\c rx_db1
SELECT relname, relkind FROM pg_class WHERE relname LIKE 'rx\_%' AND relkind IN ('r', 'p') ORDER BY 1;
SELECT table_name, replication_factor FROM timeshard_catalog.hypertable ORDER BY 1;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- A view depends on rx_int: DROP TABLE refuses, and nothing is dropped
-- anywhere.
CREATE VIEW rx_int_view AS SELECT t FROM rx_int;
DROP TABLE rx_int;
SELECT count(*) FROM rx_int;
-- Only the owner may drop.
SET ROLE rx_user;
DROP TABLE rx_int;
RESET ROLE;
-- Rolled back: everything is back.
BEGIN;
DROP TABLE rx_int CASCADE;
ROLLBACK;
SELECT count(*) FROM rx_int_view;
\c rx_db2
SELECT count(*) AS rx_int_rows FROM rx_int;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- DROP TABLE with CASCADE, and several tables (a distributed hypertable and a
-- plain table) in one statement.
DROP TABLE rx_int CASCADE;
DROP TABLE rx_tstz, rx_plain;
-- A plain table that is not a hypertable is dropped as always.
CREATE TABLE rx_plain2 (a int);
DROP TABLE rx_plain2;
DROP TABLE IF EXISTS rx_nope;
SELECT hypertable_name FROM timeshard_information.hypertables ORDER BY 1;
SELECT hypertable_name, count(*) FROM timeshard_information.chunks GROUP BY 1 ORDER BY 1;
SELECT h.table_name,
       (SELECT count(*) FROM timeshard_catalog.dimension d WHERE d.hypertable_id = h.id) AS dimensions,
       (SELECT count(*) FROM timeshard_catalog.hypertable_data_node n WHERE n.hypertable_id = h.id) AS nodes
  FROM timeshard_catalog.hypertable h ORDER BY 1;
SELECT count(*) AS chunk_rows FROM timeshard_catalog.chunk c
 WHERE NOT EXISTS (SELECT 1 FROM timeshard_catalog.hypertable h WHERE h.id = c.hypertable_id);
SELECT count(*) AS replica_rows FROM timeshard_catalog.chunk_data_node n
 WHERE NOT EXISTS (SELECT 1 FROM timeshard_catalog.chunk c WHERE c.id = n.chunk_id);
SELECT count(*) AS partitions FROM timeshard_catalog.dimension_partition;
SELECT relname FROM pg_class WHERE relname LIKE '\_dist\_hyper\_%' ORDER BY 1;
-- Gone on every node, with their chunks and catalog rows.
\c rx_db1
SELECT relname, relkind FROM pg_class WHERE relname LIKE 'rx\_%' AND relkind IN ('r', 'p') ORDER BY 1;
SELECT count(*) AS chunk_tables FROM pg_class WHERE relname ~ '^_dist_hyper_[12]_' OR relname ~ '^_ts_s[12]_';
SELECT table_name FROM timeshard_catalog.hypertable ORDER BY 1;
SELECT count(*) AS dimensions FROM timeshard_catalog.dimension;
\c rx_db2
SELECT relname, relkind FROM pg_class WHERE relname LIKE 'rx\_%' AND relkind IN ('r', 'p') ORDER BY 1;
SELECT count(*) AS chunk_tables FROM pg_class WHERE relname ~ '^_dist_hyper_[12]_' OR relname ~ '^_ts_s[12]_';
SELECT table_name FROM timeshard_catalog.hypertable ORDER BY 1;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- DROP SCHEMA ... CASCADE drops the hypertables in it, on the nodes too.
CREATE SCHEMA rx_schema;
CREATE TABLE rx_schema.rx_in_schema (time timestamptz NOT NULL, v integer);
SELECT * FROM create_distributed_hypertable('rx_schema.rx_in_schema', 'time');
INSERT INTO rx_schema.rx_in_schema VALUES ('2024-01-01', 1), ('2024-02-01', 2);
DROP SCHEMA rx_schema CASCADE;
SELECT hypertable_name FROM timeshard_information.hypertables ORDER BY 1;
\c rx_db1
SELECT count(*) AS tables FROM pg_class WHERE relname = 'rx_in_schema';
SELECT table_name FROM timeshard_catalog.hypertable ORDER BY 1;
\c rx_db2
SELECT count(*) AS tables FROM pg_class WHERE relname = 'rx_in_schema';
SELECT table_name FROM timeshard_catalog.hypertable ORDER BY 1;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- Clean up.
---------------------------------------------------------------------------
DROP VIEW rx_chunks;
DROP TABLE rx_date, rx_recent, rx_later;
SELECT count(*) AS hypertables FROM timeshard_catalog.hypertable;
SELECT count(*) AS chunks FROM timeshard_catalog.chunk;
SELECT delete_data_node('rx_1', drop_database => true);
SELECT delete_data_node('rx_2', drop_database => true);
DROP ROLE rx_user;
DROP EXTENSION timeshard;
