-- The shape of distributed queries: a read of a distributed hypertable is
-- one Custom Scan (DataNodeScan) that sends one query to each data node,
-- with conditions, ORDER BY ... LIMIT, DISTINCT and aggregates in that
-- query; the nodes work at the same time.  dist_query checks the results;
-- this suite shows the plans, counts the queries each node receives (on the
-- node itself, with pg_stat_statements) and times nodes that are made slow.
\set VERBOSITY default
SET client_min_messages = notice;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
CREATE EXTENSION timeshard;
-- test/regress.conf preloads pg_stat_statements with compute_query_id off
-- (no query identifiers in the EXPLAIN output of other suites); the data
-- nodes' databases turn it on, before any connection to them.
CREATE EXTENSION pg_stat_statements;
CREATE DATABASE dqs_db1;
ALTER DATABASE dqs_db1 SET compute_query_id = on;
CREATE DATABASE dqs_db2;
ALTER DATABASE dqs_db2 SET compute_query_id = on;
SELECT node_name, database_created FROM add_data_node('dqs_1', host => '127.0.0.1', database => 'dqs_db1');
SELECT node_name, database_created FROM add_data_node('dqs_2', host => '127.0.0.1', database => 'dqs_db2');

-- dqs_m: two space partitions of device, one per node, a chunk a day: three
-- days, six chunks.  A row every 30 minutes for each of four devices.
CREATE TABLE dqs_m (time timestamptz NOT NULL, device integer, v float8, note text);
CREATE INDEX ON dqs_m (device, time DESC);
SELECT table_name FROM create_distributed_hypertable('dqs_m', 'time', 'device',
                                                     chunk_time_interval => interval '1 day');
INSERT INTO dqs_m
SELECT t, d, d * 10 + extract(hour FROM t), 'note ' || d
  FROM generate_series('2024-01-01'::timestamptz, '2024-01-03 23:30', interval '30 minutes') t,
       generate_series(1, 4) d;
SELECT chunk_name, to_char(range_start, 'MM-DD') AS day, data_nodes
  FROM timeshard_information.chunks WHERE hypertable_name = 'dqs_m' ORDER BY chunk_name;
CREATE TABLE dqs_devices (device integer PRIMARY KEY, name text);
INSERT INTO dqs_devices VALUES (1, 'one'), (2, 'two'), (3, 'three');

---------------------------------------------------------------------------
-- EXPLAIN VERBOSE: per data node, its chunks and the SQL it is sent.
---------------------------------------------------------------------------
-- Conditions go to the nodes; chunks of other days and of the other space
-- partition are excluded: one node, one chunk.
EXPLAIN (VERBOSE, COSTS OFF)
SELECT time, v FROM dqs_m WHERE device = 1 AND time >= '2024-01-03' AND v > 15;
-- ORDER BY ... LIMIT: each node sorts and limits, the access node merges.
EXPLAIN (VERBOSE, COSTS OFF)
SELECT time, device, v FROM dqs_m ORDER BY time DESC, device LIMIT 5;
SELECT time, device, v FROM dqs_m ORDER BY time DESC, device LIMIT 5;
-- OFFSET: the nodes return LIMIT + OFFSET rows.
EXPLAIN (VERBOSE, COSTS OFF)
SELECT time, v FROM dqs_m WHERE note = 'note 2' ORDER BY v DESC, time LIMIT 3 OFFSET 2;
-- Grouped by the space column, every group is on one node: the nodes
-- aggregate, HAVING included, and return final groups.
EXPLAIN (VERBOSE, COSTS OFF)
SELECT device, count(*), avg(v) FROM dqs_m GROUP BY device HAVING count(*) > 10 ORDER BY device;
SELECT device, count(*), avg(v) FROM dqs_m GROUP BY device HAVING count(*) > 10 ORDER BY device;
-- ... and ORDER BY an aggregate with a LIMIT too.
EXPLAIN (VERBOSE, COSTS OFF)
SELECT device, max(v) FROM dqs_m GROUP BY device ORDER BY max(v) DESC LIMIT 2;
-- Grouped by time: every node has rows of every bucket, so the nodes
-- return partial aggregates (partialize_agg) that the access node
-- combines (Finalize).
EXPLAIN (VERBOSE, COSTS OFF)
SELECT time_bucket('12 hours', time) AS bucket, count(*), avg(v) FROM dqs_m GROUP BY 1 ORDER BY 1;
SELECT time_bucket('12 hours', time) AS bucket, count(*), avg(v) FROM dqs_m GROUP BY 1 ORDER BY 1;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*), sum(v), min(time), max(time) FROM dqs_m WHERE v < 40;
SELECT count(*), sum(v), min(time), max(time) FROM dqs_m WHERE v < 40;
-- DISTINCT: each node removes its duplicates, sorted; DISTINCT ON (device)
-- walks the (device, time DESC) index on each node.
EXPLAIN (VERBOSE, COSTS OFF)
SELECT DISTINCT note FROM dqs_m;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT DISTINCT ON (device) device, time, v FROM dqs_m ORDER BY device, time DESC;
SELECT DISTINCT ON (device) device, time, v FROM dqs_m ORDER BY device, time DESC;
-- A stable expression that reads no column is computed once here and sent
-- as a constant; the chunks it excludes are left out when the query runs.
EXPLAIN (VERBOSE, COSTS OFF)
SELECT time, v FROM dqs_m WHERE time >= '2024-01-03 22:00'::timestamp::timestamptz AND device = 2 ORDER BY time;
SELECT time, v FROM dqs_m WHERE time >= '2024-01-03 22:00'::timestamp::timestamptz AND device = 2 ORDER BY time;
-- Prepared with a generic plan: the parameters' values go to the nodes,
-- and exclude chunks, when the statement runs.
SET plan_cache_mode = force_generic_plan;
PREPARE dqs_p (timestamptz, integer) AS SELECT time, v FROM dqs_m WHERE time >= $1 AND device = $2 ORDER BY time LIMIT 3;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE dqs_p('2024-01-03 12:00', 3);
EXECUTE dqs_p('2024-01-03 12:00', 3);
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE dqs_p('2024-01-01 12:00', 4);
EXECUTE dqs_p('2024-01-01 12:00', 4);
DEALLOCATE dqs_p;
RESET plan_cache_mode;
-- A condition the nodes cannot evaluate (a function of this database only)
-- is checked here, and the LIMIT stays here too.
CREATE FUNCTION dqs_local_only(float8) RETURNS boolean LANGUAGE plpgsql IMMUTABLE
    AS $$ BEGIN RETURN $1 > 30; END $$;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT time, v FROM dqs_m WHERE dqs_local_only(v) AND device = 3 LIMIT 2;
-- A join with a local table: the hypertable is read with one query per
-- node, joined here.
EXPLAIN (VERBOSE, COSTS OFF)
SELECT d.name, count(*) FROM dqs_m m JOIN dqs_devices d ON d.device = m.device WHERE m.time < '2024-01-02' GROUP BY d.name;
-- EXPLAIN ANALYZE: what each node sent, in how many batches.
SET timeshard.fetch_size = 50;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT time, device, v FROM dqs_m WHERE time < '2024-01-02';
RESET timeshard.fetch_size;
-- timeshard.enable_per_data_node_queries = off: the old plan, one foreign
-- scan per chunk, nothing pushed down but the columns.
SET timeshard.enable_per_data_node_queries = off;
EXPLAIN (COSTS OFF)
SELECT count(*) FROM dqs_m WHERE time >= '2024-01-02';
SELECT count(*) FROM dqs_m WHERE time >= '2024-01-02';
RESET timeshard.enable_per_data_node_queries;

---------------------------------------------------------------------------
-- One query per data node, however many chunks it reads: each node counts
-- the cursors it was asked to open (DECLARE statements in its
-- pg_stat_statements; each cursor has its own name, so its own entry).
---------------------------------------------------------------------------
-- dqs_many: time only, a chunk an hour for a day: 12 chunks on each node.
CREATE TABLE dqs_many (time timestamptz NOT NULL, device integer, v float8);
SELECT table_name FROM create_distributed_hypertable('dqs_many', 'time',
                                                     chunk_time_interval => interval '1 hour');
INSERT INTO dqs_many
SELECT '2024-01-01'::timestamptz + i * interval '1 minute', i % 5, i FROM generate_series(0, 1439) i;
SELECT data_nodes, count(*) AS chunks FROM timeshard_information.chunks
 WHERE hypertable_name = 'dqs_many' GROUP BY 1 ORDER BY 1;

-- Runs the query, then returns the queries each node received for it.
CREATE FUNCTION dqs_queries_per_node(query text)
RETURNS TABLE (data_node text, queries bigint, executions bigint)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_stat_statements_reset();
    EXECUTE query;
    RETURN QUERY
    SELECT n.node, count(s.query), coalesce(sum(s.calls), 0)::bigint
      FROM (VALUES ('dqs_1', 'dqs_db1'), ('dqs_2', 'dqs_db2')) AS n (node, db)
      JOIN pg_database d ON d.datname = n.db
      LEFT JOIN pg_stat_statements s ON s.dbid = d.oid AND s.query LIKE 'DECLARE %'
     GROUP BY n.node ORDER BY n.node;
END
$$;
-- Every row.
SELECT * FROM dqs_queries_per_node('SELECT * FROM dqs_many');
-- Some chunks of each node.
SELECT * FROM dqs_queries_per_node($$SELECT * FROM dqs_many WHERE time >= '2024-01-01 06:00' AND time < '2024-01-01 18:00'$$);
-- Aggregates, whole-table and grouped.
SELECT * FROM dqs_queries_per_node('SELECT count(*), avg(v) FROM dqs_many');
SELECT * FROM dqs_queries_per_node('SELECT device, count(*), avg(v) FROM dqs_many GROUP BY device');
SELECT * FROM dqs_queries_per_node($$SELECT time_bucket('2 hours', time), sum(v) FROM dqs_many GROUP BY 1 ORDER BY 1$$);
-- Sorted and limited, DISTINCT, the last row of every device.
SELECT * FROM dqs_queries_per_node('SELECT * FROM dqs_many ORDER BY v DESC LIMIT 10');
SELECT * FROM dqs_queries_per_node('SELECT DISTINCT device FROM dqs_many');
SELECT * FROM dqs_queries_per_node('SELECT DISTINCT ON (device) * FROM dqs_many ORDER BY device, time DESC');
-- The same reads with timeshard.enable_per_data_node_queries = off: one
-- query per chunk.
SET timeshard.enable_per_data_node_queries = off;
SELECT * FROM dqs_queries_per_node('SELECT * FROM dqs_many');
SELECT * FROM dqs_queries_per_node('SELECT count(*), avg(v) FROM dqs_many');
RESET timeshard.enable_per_data_node_queries;

---------------------------------------------------------------------------
-- The nodes run at the same time: each node is made to take one second
-- (a function that sleeps, called for the node's only row), and the query
-- takes about one second, not two.
---------------------------------------------------------------------------
-- dqs_slow: one row on each node.
CREATE TABLE dqs_slow (time timestamptz NOT NULL, device integer);
SELECT table_name FROM create_distributed_hypertable('dqs_slow', 'time',
                                                     chunk_time_interval => interval '1 day');
INSERT INTO dqs_slow VALUES ('2024-01-01 12:00', 1), ('2024-01-02 12:00', 2);
SELECT chunk_name, data_nodes FROM timeshard_information.chunks
 WHERE hypertable_name = 'dqs_slow' ORDER BY chunk_name;
-- The function sleeps one second each time it is called.  Functions of the
-- timeshard extension may run on the data nodes: it is made a member of
-- the extension here and on the nodes (where it is created too).
CREATE FUNCTION dqs_sleepy(integer) RETURNS boolean LANGUAGE sql IMMUTABLE
    AS $$ SELECT pg_sleep(1) IS NOT NULL $$;
ALTER EXTENSION timeshard ADD FUNCTION dqs_sleepy(integer);
CALL distributed_exec($$CREATE FUNCTION public.dqs_sleepy(integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT pg_catalog.pg_sleep(1) IS NOT NULL'$$);
CALL distributed_exec($$ALTER EXTENSION timeshard ADD FUNCTION public.dqs_sleepy(integer)$$);
-- The nodes call it, each for its row.
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM dqs_slow WHERE dqs_sleepy(device);
CREATE FUNCTION dqs_elapsed(query text) RETURNS interval LANGUAGE plpgsql AS $$
DECLARE
    started timestamptz := clock_timestamp();
BEGIN
    EXECUTE query;
    RETURN clock_timestamp() - started;
END
$$;
-- Connections to both nodes are open already.
SELECT count(*) FROM dqs_slow;
SELECT elapsed >= interval '1 second' AS a_node_slept,
       elapsed < interval '1.6 seconds' AS nodes_in_parallel
  FROM dqs_elapsed('SELECT * FROM dqs_slow WHERE dqs_sleepy(device)') AS elapsed;
SELECT elapsed >= interval '1 second' AS a_node_slept,
       elapsed < interval '1.6 seconds' AS nodes_in_parallel
  FROM dqs_elapsed('SELECT count(*) FROM dqs_slow WHERE dqs_sleepy(device)') AS elapsed;
CALL distributed_exec($$ALTER EXTENSION timeshard DROP FUNCTION public.dqs_sleepy(integer)$$);
CALL distributed_exec($$DROP FUNCTION public.dqs_sleepy(integer)$$);
ALTER EXTENSION timeshard DROP FUNCTION dqs_sleepy(integer);
DROP FUNCTION dqs_sleepy(integer);

---------------------------------------------------------------------------
-- Clean up.
---------------------------------------------------------------------------
DROP TABLE dqs_m, dqs_many, dqs_slow, dqs_devices;
DROP FUNCTION dqs_local_only(float8);
DROP FUNCTION dqs_queries_per_node(text);
DROP FUNCTION dqs_elapsed(text);
SELECT delete_data_node('dqs_1', drop_database => true);
SELECT delete_data_node('dqs_2', drop_database => true);
DROP EXTENSION pg_stat_statements;
DROP EXTENSION timeshard;
