-- Which data nodes a distributed hypertable uses, and how its new chunks are
-- shaped: attach_data_node, detach_data_node, set_number_partitions,
-- set_replication_factor, set_chunk_time_interval, delete_data_node; and how
-- big it is: hypertable_size, hypertable_detailed_size, chunks_detailed_size,
-- approximate_row_count.  Every change applies to new chunks only: existing
-- chunks stay where they are, and the last copy of a chunk is never given
-- up.
\set VERBOSITY default
SET client_min_messages = notice;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
CREATE EXTENSION timeshard;
SELECT node_name FROM add_data_node('mb_1', host => '127.0.0.1', database => 'mb_db1');
SELECT node_name FROM add_data_node('mb_2', host => '127.0.0.1', database => 'mb_db2');
SELECT node_name FROM add_data_node('mb_3', host => '127.0.0.1', database => 'mb_db3');
SELECT node_name FROM add_data_node('mb_4', host => '127.0.0.1', database => 'mb_db4');

-- Chunks: their day (or range), space partition (of how many) and replicas.
CREATE VIEW mb_chunks AS
SELECT c.hypertable_name AS hypertable, c.chunk_name AS chunk,
       to_char(c.range_start, 'MM-DD') || '..' || to_char(c.range_end, 'MM-DD') AS range,
       k.space_remainder || '/' || k.space_modulus AS partition, c.data_nodes
  FROM timeshard_information.chunks c
  JOIN timeshard_catalog.chunk k ON k.schema_name = c.chunk_schema AND k.table_name = c.chunk_name
 ORDER BY k.id;
-- A hypertable's data nodes and number of space partitions.
CREATE VIEW mb_hypertables AS
SELECT h.hypertable_name AS hypertable, h.replication_factor, h.data_nodes,
       (SELECT d.num_slices FROM timeshard_catalog.dimension d JOIN timeshard_catalog.hypertable t ON t.id = d.hypertable_id
         WHERE t.table_name = h.hypertable_name AND d.num_slices IS NOT NULL) AS partitions
  FROM timeshard_information.hypertables h
 ORDER BY 1;

---------------------------------------------------------------------------
-- attach_data_node: the node gets the member hypertable, and new chunks go
-- to it.  Old chunks stay where they are.
---------------------------------------------------------------------------
-- mb_t: two nodes (so two space partitions), one replica, a chunk a day.
CREATE ROLE mb_user;
CREATE TABLE mb_t (time timestamptz NOT NULL, device integer NOT NULL, value float8);
SELECT * FROM create_distributed_hypertable('mb_t', 'time', 'device', chunk_time_interval => interval '1 day',
                                            data_nodes => '{mb_1,mb_2}');
GRANT SELECT ON mb_t TO mb_user;
INSERT INTO mb_t SELECT '2024-01-01', d, d FROM generate_series(1, 6) d;
SELECT * FROM mb_chunks;
-- With three nodes, two partitions would leave one node without new
-- chunks: the number of partitions grows to three.
SELECT hypertable_id, node_name FROM attach_data_node('mb_3', 'mb_t');
SELECT * FROM mb_hypertables;
INSERT INTO mb_t SELECT '2024-01-02', d, d FROM generate_series(1, 6) d;
SELECT * FROM mb_chunks;
SELECT time::date AS day, count(*) FROM mb_t GROUP BY 1 ORDER BY 1;
-- On mb_3, the member hypertable, with its indexes and grants, and only the
-- chunks of the second day.
\c mb_db3
SELECT hypertable_name, replication_factor FROM timeshard_information.hypertables;
SELECT relowner::regrole AS owner, relacl FROM pg_class WHERE oid = 'mb_t'::regclass;
SELECT to_char(time AT TIME ZONE 'UTC', 'MM-DD HH24:MI') AS time, device, value FROM mb_t ORDER BY time, device;
SELECT indexrelid::regclass AS index FROM pg_index WHERE indrelid = 'mb_t'::regclass ORDER BY 1;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
-- Attached already.
SELECT hypertable_id, node_name FROM attach_data_node('mb_3', 'mb_t');
SELECT hypertable_id, node_name FROM attach_data_node('mb_3', 'mb_t', if_not_attached => true);
-- Bad arguments.
SELECT * FROM attach_data_node('mb_4', NULL);
SELECT * FROM attach_data_node(NULL, 'mb_t');
SELECT * FROM attach_data_node('mb_nope', 'mb_t');
CREATE TABLE mb_plain (time timestamptz NOT NULL);
SELECT * FROM attach_data_node('mb_4', 'mb_plain');
CREATE TABLE mb_local (time timestamptz NOT NULL, device integer);
SELECT * FROM create_hypertable('mb_local', 'time', distributed => false);
SELECT * FROM attach_data_node('mb_4', 'mb_local');
-- A node marked unavailable is not attached.
SELECT node_name, available FROM alter_data_node('mb_4', available => false);
SELECT * FROM attach_data_node('mb_4', 'mb_t');
SELECT node_name, available FROM alter_data_node('mb_4', available => true);
-- Only the owner of the table, with USAGE on the node's server.
GRANT USAGE ON FOREIGN SERVER mb_4 TO mb_user;
SET ROLE mb_user;
SELECT * FROM attach_data_node('mb_4', 'mb_t');
RESET ROLE;
ALTER TABLE mb_t OWNER TO mb_user;
REVOKE USAGE ON FOREIGN SERVER mb_4 FROM mb_user;
SET ROLE mb_user;
SELECT * FROM attach_data_node('mb_4', 'mb_t');
RESET ROLE;
ALTER TABLE mb_t OWNER TO CURRENT_USER;

-- Without repartition, the number of partitions stays, with a warning.
CREATE TABLE mb_narrow (time timestamptz NOT NULL, device integer NOT NULL);
SELECT * FROM create_distributed_hypertable('mb_narrow', 'time', 'device', data_nodes => '{mb_1}');
SELECT hypertable_id, node_name FROM attach_data_node('mb_2', 'mb_narrow', repartition => false);
-- Enough partitions already: no change, no notice.
CREATE TABLE mb_wide (time timestamptz NOT NULL, device integer NOT NULL);
SELECT * FROM create_distributed_hypertable('mb_wide', 'time', 'device', number_partitions => 4,
                                            data_nodes => '{mb_1}');
SELECT hypertable_id, node_name FROM attach_data_node('mb_2', 'mb_wide');
-- Without a space column, time slices go round-robin over all the nodes,
-- the new one included.
CREATE TABLE mb_time (time timestamptz NOT NULL, value float8);
SELECT * FROM create_distributed_hypertable('mb_time', 'time', chunk_time_interval => interval '1 day',
                                            data_nodes => '{mb_1,mb_2}');
INSERT INTO mb_time SELECT t, 1 FROM generate_series('2024-01-01'::timestamptz, '2024-01-03', interval '1 day') t;
SELECT hypertable_id, node_name FROM attach_data_node('mb_3', 'mb_time');
INSERT INTO mb_time SELECT t, 1 FROM generate_series('2024-01-04'::timestamptz, '2024-01-06', interval '1 day') t;
SELECT * FROM mb_chunks WHERE hypertable = 'mb_time';
SELECT * FROM mb_hypertables;

---------------------------------------------------------------------------
-- detach_data_node: never the last copy of a chunk; a node that holds
-- replicas, or that the replication factor needs, only with force.
---------------------------------------------------------------------------
-- mb_3 holds chunks of mb_t that exist nowhere else: refused, even with
-- force.
SELECT detach_data_node('mb_3', 'mb_t');
SELECT detach_data_node('mb_3', 'mb_t', force => true);
-- mb_rf2: three nodes, two replicas of each chunk.
CREATE TABLE mb_rf2 (time timestamptz NOT NULL, device integer NOT NULL, value float8);
SELECT * FROM create_distributed_hypertable('mb_rf2', 'time', 'device', replication_factor => 2,
                                            chunk_time_interval => interval '1 day',
                                            data_nodes => '{mb_1,mb_2,mb_3}');
INSERT INTO mb_rf2 SELECT '2024-01-01', d, d FROM generate_series(1, 6) d;
SELECT * FROM mb_chunks WHERE hypertable = 'mb_rf2';
-- The node a chunk is read from (its foreign table's server).
CREATE VIEW mb_read_from AS
SELECT c.relname AS chunk, s.srvname AS read_from
  FROM pg_foreign_table f JOIN pg_class c ON c.oid = f.ftrelid JOIN pg_foreign_server s ON s.oid = f.ftserver
  JOIN pg_inherits i ON i.inhrelid = c.oid
 WHERE i.inhparent = 'mb_rf2'::regclass
 ORDER BY 1;
SELECT * FROM mb_read_from;
-- mb_3 holds replicas: only with force, which warns.
SELECT detach_data_node('mb_3', 'mb_rf2');
SELECT detach_data_node('mb_3', 'mb_rf2', force => true);
-- The chunks keep their other replica, and those read from mb_3 are now
-- read from it; the partitions shrink to the two nodes left.
SELECT * FROM mb_chunks WHERE hypertable = 'mb_rf2';
SELECT * FROM mb_read_from;
SELECT count(*), sum(value) FROM mb_rf2;
SELECT * FROM mb_hypertables WHERE hypertable = 'mb_rf2';
-- New chunks use the two nodes left.
INSERT INTO mb_rf2 SELECT '2024-01-02', d, d FROM generate_series(1, 6) d;
SELECT * FROM mb_chunks WHERE hypertable = 'mb_rf2' AND range LIKE '01-02%';
-- mb_2 now holds the only copy of a chunk whose other replica was on mb_3:
-- refused.
SELECT detach_data_node('mb_2', 'mb_rf2');
-- The check for too few nodes, on a hypertable without chunks.
CREATE TABLE mb_empty (time timestamptz NOT NULL, device integer NOT NULL);
SELECT * FROM create_distributed_hypertable('mb_empty', 'time', 'device', replication_factor => 2,
                                            data_nodes => '{mb_1,mb_2}');
SELECT detach_data_node('mb_2', 'mb_empty');
SELECT detach_data_node('mb_2', 'mb_empty', force => true);
-- Not attached.
SELECT detach_data_node('mb_4', 'mb_empty');
SELECT detach_data_node('mb_4', 'mb_empty', if_attached => true);
-- Bad arguments.
SELECT detach_data_node(NULL, 'mb_empty');
SELECT detach_data_node('mb_nope', 'mb_empty');
SELECT detach_data_node('mb_1', 'mb_local');
-- repartition => false keeps the number of partitions.
SELECT hypertable_id, node_name FROM attach_data_node('mb_4', 'mb_wide');
SELECT * FROM mb_hypertables WHERE hypertable = 'mb_wide';
SELECT detach_data_node('mb_4', 'mb_wide', repartition => false);
SELECT * FROM mb_hypertables WHERE hypertable = 'mb_wide';
-- drop_remote_data drops the member hypertable on the node.
SELECT hypertable_id, node_name FROM attach_data_node('mb_4', 'mb_narrow');
\c mb_db4
SELECT to_regclass('mb_narrow') AS member;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SELECT detach_data_node('mb_4', 'mb_narrow', drop_remote_data => true);
\c mb_db4
SELECT to_regclass('mb_narrow') AS member;
SELECT hypertable_name FROM timeshard_information.hypertables;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
-- Without a hypertable: every hypertable of the node that the caller owns,
-- with the same checks; other owners' hypertables are skipped.
SELECT hypertable_id, node_name FROM attach_data_node('mb_4', 'mb_narrow');
SELECT hypertable_id, node_name FROM attach_data_node('mb_4', 'mb_empty');
SELECT hypertable_id, node_name FROM attach_data_node('mb_4', 'mb_time');
ALTER TABLE mb_narrow OWNER TO mb_user;
ALTER TABLE mb_empty OWNER TO mb_user;
-- (A node attached now gets the member hypertable with the table's owner.)
SELECT hypertable_id, node_name FROM attach_data_node('mb_3', 'mb_narrow');
\c mb_db3
SELECT relowner::regrole AS owner FROM pg_class WHERE oid = 'mb_narrow'::regclass;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
GRANT USAGE ON FOREIGN SERVER mb_4 TO mb_user;
SET ROLE mb_user;
SELECT detach_data_node('mb_4');
SELECT detach_data_node('mb_4', force => true);
RESET ROLE;
SELECT hypertable, data_nodes FROM mb_hypertables WHERE data_nodes IS NOT NULL;
SELECT detach_data_node('mb_4');
SELECT detach_data_node('mb_4');
ALTER TABLE mb_narrow OWNER TO CURRENT_USER;
ALTER TABLE mb_empty OWNER TO CURRENT_USER;
REVOKE USAGE ON FOREIGN SERVER mb_4 FROM mb_user;

---------------------------------------------------------------------------
-- set_number_partitions: new time slices get the new number of space
-- partitions; existing slices keep theirs, and rows still find their
-- chunks in them.
---------------------------------------------------------------------------
SELECT set_number_partitions('mb_t', 4);
INSERT INTO mb_t SELECT '2024-01-03', d, d FROM generate_series(1, 6) d;
-- Devices 7 and 8 in the first day: the slice has two partitions.
INSERT INTO mb_t VALUES ('2024-01-01 12:00', 7, 7), ('2024-01-01 12:00', 8, 8);
SELECT * FROM mb_chunks WHERE hypertable = 'mb_t';
SELECT time::date AS day, count(*), sum(value) FROM mb_t GROUP BY 1 ORDER BY 1;
-- On each node, the slices are hash partitioned by their own number of
-- partitions.
\c mb_db1
SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
  FROM pg_partition_tree('mb_t') t JOIN pg_class c ON c.oid = t.relid WHERE t.level = 2 ORDER BY 1;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
-- Fewer partitions than nodes: a warning.
SELECT set_number_partitions('mb_t', 2);
SELECT set_number_partitions('mb_t', 3, 'device');
SELECT * FROM mb_hypertables WHERE hypertable = 'mb_t';
-- Refused.
SELECT set_number_partitions('mb_t', 0);
SELECT set_number_partitions('mb_t', 32768);
SELECT set_number_partitions('mb_t', NULL);
SELECT set_number_partitions(NULL, 2);
SELECT set_number_partitions('mb_t', 2, 'value');
SELECT set_number_partitions('mb_time', 2);
SELECT set_number_partitions('mb_plain', 2);
SET ROLE mb_user;
SELECT set_number_partitions('mb_t', 2);
RESET ROLE;

---------------------------------------------------------------------------
-- set_replication_factor: new chunks get the new number of replicas;
-- existing chunks keep theirs, with a warning.
---------------------------------------------------------------------------
SELECT set_replication_factor('mb_t', 2);
INSERT INTO mb_t SELECT '2024-01-04', d, d FROM generate_series(1, 6) d;
SELECT * FROM mb_chunks WHERE hypertable = 'mb_t' AND range LIKE '01-04%';
SELECT set_replication_factor('mb_t', 1);
SELECT set_replication_factor('mb_t', 3);
SELECT * FROM mb_hypertables WHERE hypertable = 'mb_t';
-- Refused.
SELECT set_replication_factor('mb_t', 0);
SELECT set_replication_factor('mb_t', 4);
SELECT set_replication_factor('mb_t', NULL);
SELECT set_replication_factor(NULL, 2);
SELECT set_replication_factor('mb_local', 2);
SELECT set_replication_factor('mb_plain', 2);
SELECT set_replication_factor('mb_t', 1);

---------------------------------------------------------------------------
-- set_chunk_time_interval: new chunks get the new interval, aligned on its
-- multiples; existing chunks keep theirs.
---------------------------------------------------------------------------
SELECT set_chunk_time_interval('mb_time', interval '2 days');
INSERT INTO mb_time VALUES ('2024-01-08', 1), ('2024-01-09 23:00', 1);
-- An integer counts microseconds.
SELECT set_chunk_time_interval('mb_time', 3 * 86400000000::bigint, 'time');
INSERT INTO mb_time VALUES ('2024-01-12', 1);
SELECT hypertable, range FROM mb_chunks WHERE hypertable = 'mb_time';
SELECT d.interval_length / 86400000000 AS days
  FROM timeshard_catalog.dimension d JOIN timeshard_catalog.hypertable h ON h.id = d.hypertable_id
 WHERE h.table_name = 'mb_time';
-- Refused.
SELECT set_chunk_time_interval('mb_time', NULL::interval);
SELECT set_chunk_time_interval('mb_time', interval '1 day', 'value');
SELECT set_chunk_time_interval('mb_time', interval '-1 day');
SELECT set_chunk_time_interval('mb_time', 1.5);
SELECT set_chunk_time_interval(NULL, interval '1 day');
SELECT set_chunk_time_interval('mb_plain', interval '1 day');

---------------------------------------------------------------------------
-- delete_data_node detaches the node from its hypertables first, with the
-- same checks.
---------------------------------------------------------------------------
-- mb_3 holds the only copy of chunks of mb_t and mb_time: refused, even
-- with force, and nothing changes.
SELECT delete_data_node('mb_3');
SELECT delete_data_node('mb_3', force => true);
SELECT node_name FROM timeshard_information.data_nodes ORDER BY 1;
-- mb_2 holds the only copy of chunks of mb_t too.
SELECT delete_data_node('mb_2', force => true);
-- mb_rep, a new node that only holds replicas, is deleted with force, and
-- the chunks keep their other replica.
SELECT node_name FROM add_data_node('mb_rep', host => '127.0.0.1', database => 'mb_db_rep');
CREATE TABLE mb_rep_t (time timestamptz NOT NULL, device integer NOT NULL, value float8);
SELECT * FROM create_distributed_hypertable('mb_rep_t', 'time', 'device', replication_factor => 2,
                                            chunk_time_interval => interval '1 day',
                                            data_nodes => '{mb_1,mb_rep,mb_4}');
INSERT INTO mb_rep_t SELECT '2024-01-01', d, d FROM generate_series(1, 6) d;
SELECT * FROM mb_chunks WHERE hypertable = 'mb_rep_t';
SELECT delete_data_node('mb_rep');
SELECT delete_data_node('mb_rep', force => true, drop_database => true);
SELECT * FROM mb_chunks WHERE hypertable = 'mb_rep_t';
SELECT * FROM mb_hypertables WHERE hypertable = 'mb_rep_t';
SELECT count(*), sum(value) FROM mb_rep_t;

---------------------------------------------------------------------------
-- Sizes.  A distributed hypertable's rows are on its nodes: each node
-- reports the size of its member hypertable, and of each chunk it holds
-- (once per replica).  Byte counts vary; the checks compare them.
---------------------------------------------------------------------------
CREATE TABLE mb_sz (time timestamptz NOT NULL, device integer NOT NULL, value float8, note text);
SELECT * FROM create_distributed_hypertable('mb_sz', 'time', 'device', replication_factor => 2,
                                            chunk_time_interval => interval '1 day',
                                            data_nodes => '{mb_1,mb_2,mb_4}');
INSERT INTO mb_sz SELECT '2024-01-01'::timestamptz + i * interval '1 minute', i % 6, i, repeat('x', i % 100)
  FROM generate_series(1, 3000) i;
-- One row for the access node (node_name NULL: its own table, empty), one
-- per data node.
SELECT node_name, table_bytes > 0 AS has_table, index_bytes > 0 AS has_indexes,
       total_bytes >= table_bytes + index_bytes AS total_adds_up
  FROM hypertable_detailed_size('mb_sz') ORDER BY node_name NULLS FIRST;
SELECT hypertable_size('mb_sz') = (SELECT sum(total_bytes) FROM hypertable_detailed_size('mb_sz')) AS size_is_the_sum,
       hypertable_size('mb_sz') > 0 AS size_positive;
-- One row per replica of each chunk, on the nodes the catalog names.
SELECT (SELECT count(*) FROM chunks_detailed_size('mb_sz')) AS replica_rows,
       (SELECT sum(cardinality(data_nodes)) FROM timeshard_information.chunks WHERE hypertable_name = 'mb_sz') AS replicas;
SELECT s.chunk_name, array_agg(s.node_name ORDER BY s.node_name) = c.data_nodes AS on_its_nodes,
       bool_and(s.total_bytes > 0) AS sized
  FROM chunks_detailed_size('mb_sz') s
  JOIN timeshard_information.chunks c ON c.chunk_name = s.chunk_name
 GROUP BY s.chunk_name, c.data_nodes ORDER BY 1;
-- Each node's total is the sum of its chunks and of its (empty) member
-- hypertable and time slices.
SELECT d.node_name, d.total_bytes >= s.chunks AS covers_its_chunks
  FROM hypertable_detailed_size('mb_sz') d
  JOIN (SELECT node_name, sum(total_bytes) AS chunks FROM chunks_detailed_size('mb_sz') GROUP BY 1) s
    ON s.node_name = d.node_name
 ORDER BY 1;
-- approximate_row_count reads the statistics: nothing before ANALYZE, the
-- rows (each chunk counted once) after.
SELECT approximate_row_count('mb_sz');
ANALYZE mb_sz;
SELECT approximate_row_count('mb_sz'), (SELECT count(*) FROM mb_sz) AS rows;
-- A hypertable of the access node, and a plain table.
INSERT INTO mb_local SELECT '2024-01-01'::timestamptz + i * interval '1 hour', i FROM generate_series(1, 100) i;
ANALYZE mb_local;
SELECT approximate_row_count('mb_local');
INSERT INTO mb_plain SELECT '2024-01-01'::timestamptz + i * interval '1 hour' FROM generate_series(1, 10) i;
ANALYZE mb_plain;
SELECT approximate_row_count('mb_plain');
SELECT hypertable_size('mb_local') > 0 AS local_size;
SELECT count(*) AS rows FROM hypertable_detailed_size('mb_local');
SELECT count(*) AS rows FROM chunks_detailed_size('mb_local');
-- Arguments.
SELECT hypertable_size(NULL);
SELECT approximate_row_count(NULL);
SELECT hypertable_size('mb_plain');
SELECT * FROM hypertable_detailed_size('mb_plain');
SELECT * FROM chunks_detailed_size('mb_plain');

---------------------------------------------------------------------------
-- Re-attaching a data node that was detached without drop_remote_data: its
-- member hypertable is still there.  One without chunks is made again from
-- the table as it is now; one that still holds chunks (which the hypertable
-- no longer lists), or another table of the same name, is refused.
---------------------------------------------------------------------------
-- mb_4 was detached from mb_wide, which has no rows.
\c mb_db4
SELECT id, table_name FROM timeshard_catalog.hypertable WHERE table_name = 'mb_wide';
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
ALTER TABLE mb_wide ADD COLUMN note text;
SELECT hypertable_id, node_hypertable_id, node_name FROM attach_data_node('mb_4', 'mb_wide');
\c mb_db4
SELECT id, table_name FROM timeshard_catalog.hypertable WHERE table_name = 'mb_wide';
SELECT attname FROM pg_attribute WHERE attrelid = 'mb_wide'::regclass AND attnum > 0 ORDER BY attnum;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
INSERT INTO mb_wide SELECT '2024-01-01', d, 'n' || d FROM generate_series(1, 8) d;
SELECT count(*) AS chunks_on_mb_4 FROM timeshard_information.chunks
 WHERE hypertable_name = 'mb_wide' AND 'mb_4' = ANY (data_nodes);
SELECT count(*), count(note) FROM mb_wide;
-- Attached already: the node's id of its member hypertable too.
SELECT hypertable_id, node_hypertable_id, node_name
  FROM attach_data_node('mb_4', 'mb_wide', if_not_attached => true);
-- mb_3 was detached from mb_rf2 with force: it still holds its replicas.
SELECT * FROM attach_data_node('mb_3', 'mb_rf2');
-- As the hint says.
CALL distributed_exec('DROP TABLE public.mb_rf2', node_list => '{mb_3}');
SELECT hypertable_id, node_hypertable_id IS NOT NULL AS has_node_id, node_name
  FROM attach_data_node('mb_3', 'mb_rf2');
SELECT count(*), sum(value) FROM mb_rf2;
-- Another table of the same name.
CREATE TABLE mb_clash (time timestamptz NOT NULL);
SELECT hypertable_id FROM create_distributed_hypertable('mb_clash', 'time', data_nodes => '{mb_1}');
CALL distributed_exec('CREATE TABLE public.mb_clash (a integer)', node_list => '{mb_2}');
SELECT * FROM attach_data_node('mb_2', 'mb_clash');

-- Clean up.
DROP VIEW mb_read_from;
DROP VIEW mb_chunks;
DROP VIEW mb_hypertables;
DROP TABLE mb_t, mb_rf2, mb_empty, mb_narrow, mb_wide, mb_time, mb_rep_t, mb_sz, mb_clash;
DROP TABLE mb_local, mb_plain;
SELECT delete_data_node('mb_1', drop_database => true);
SELECT delete_data_node('mb_2', drop_database => true);
SELECT delete_data_node('mb_3', drop_database => true);
SELECT delete_data_node('mb_4', drop_database => true);
DROP ROLE mb_user;
DROP EXTENSION timeshard;
