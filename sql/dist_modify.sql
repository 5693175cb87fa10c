-- UPDATE and DELETE on distributed hypertables.  When everything in the
-- statement can run on the data nodes, it is sent as it is, as one
-- statement per data node ("DistributedModify"): each node changes every
-- replica it holds, and the rows are counted once, on each chunk's primary
-- replica.  Otherwise (a join, a subquery, a function only the access node
-- has) PostgreSQL's ModifyTable changes the rows one by one through the
-- chunks' foreign tables, and every replica finds its copy of the row by
-- its old values.  Results are checked on the data nodes themselves (other
-- databases of this instance).
\set VERBOSITY default
SET client_min_messages = notice;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
CREATE EXTENSION timeshard;
SELECT node_name FROM add_data_node('dm_1', host => '127.0.0.1', database => 'dm_db1');
SELECT node_name FROM add_data_node('dm_2', host => '127.0.0.1', database => 'dm_db2');
SELECT node_name FROM add_data_node('dm_3', host => '127.0.0.1', database => 'dm_db3');

-- dm_rf2: three space partitions of device, two replicas of every chunk,
-- one chunk a day per partition.  dm_rf1: time only, one replica, one chunk
-- a day.
CREATE TABLE dm_rf2 (time timestamptz NOT NULL, device integer NOT NULL, value float8, note text);
SELECT * FROM create_distributed_hypertable('dm_rf2', 'time', 'device', replication_factor => 2,
                                            chunk_time_interval => interval '1 day');
CREATE TABLE dm_rf1 (time timestamptz NOT NULL, device integer NOT NULL, value float8, note text);
SELECT * FROM create_distributed_hypertable('dm_rf1', 'time', chunk_time_interval => interval '1 day');

-- Ten days, a row every six hours for each of six devices: 240 rows, 30
-- chunks of dm_rf2 and 10 of dm_rf1.
INSERT INTO dm_rf2
SELECT t, d, d, 'original'
  FROM generate_series('2024-01-01'::timestamptz, '2024-01-10 18:00', interval '6 hours') t,
       generate_series(1, 6) d;
INSERT INTO dm_rf1 SELECT * FROM dm_rf2;
SELECT hypertable_name, count(*) AS chunks FROM timeshard_information.chunks GROUP BY 1 ORDER BY 1;
-- Devices 2, 4 and 6 are in partition 0 (dm_1, dm_2), device 3 in partition
-- 1 (dm_2, dm_3), devices 1 and 5 in partition 2 (dm_3, dm_1).
SELECT d AS device, timeshard_internal.get_partition_hash(d, 3) AS partition
  FROM generate_series(1, 6) d;

-- What a data node holds, queried after \c to the node: rows, sum of the
-- values and notes of each device of dm_rf2, and the same for dm_rf1.
\set rf2_on_node 'SELECT device, count(*) AS rows, sum(value) AS sum, string_agg(DISTINCT note, '','') AS notes FROM dm_rf2 GROUP BY device ORDER BY device'
\set rf1_on_node 'SELECT count(*) AS rows, sum(value) AS sum, string_agg(DISTINCT note, '','') AS notes FROM dm_rf1'

---------------------------------------------------------------------------
-- Counting the statements each data node receives: on each node, statement
-- triggers on the member hypertable write one row into a counter table per
-- UPDATE or DELETE statement.  (DDL on a member hypertable from a client of
-- the node is allowed with timeshard.enable_client_ddl_on_data_nodes.)
---------------------------------------------------------------------------
\set make_counter 'CREATE TABLE dm_counter (op text, tbl text); CREATE FUNCTION dm_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO public.dm_counter VALUES (TG_OP, TG_TABLE_NAME); RETURN NULL; END $$; CREATE TRIGGER dm_count_update AFTER UPDATE ON dm_rf2 FOR EACH STATEMENT EXECUTE FUNCTION dm_count(); CREATE TRIGGER dm_count_delete AFTER DELETE ON dm_rf2 FOR EACH STATEMENT EXECUTE FUNCTION dm_count(); CREATE TRIGGER dm_count_update AFTER UPDATE ON dm_rf1 FOR EACH STATEMENT EXECUTE FUNCTION dm_count(); CREATE TRIGGER dm_count_delete AFTER DELETE ON dm_rf1 FOR EACH STATEMENT EXECUTE FUNCTION dm_count();'
\set counted 'SELECT tbl, op, count(*) AS statements FROM dm_counter GROUP BY 1, 2 ORDER BY 1, 2'
\c dm_db1
SET timeshard.enable_client_ddl_on_data_nodes = on;
:make_counter
\c dm_db2
SET timeshard.enable_client_ddl_on_data_nodes = on;
:make_counter
\c dm_db3
SET timeshard.enable_client_ddl_on_data_nodes = on;
:make_counter
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- A bulk DELETE over the first three days (nine chunks of dm_rf2 on all
-- three nodes, three chunks of dm_rf1), and a bulk UPDATE of everything
-- else.  The tags count each row once, although dm_rf2 has two copies.
\set QUIET off
DELETE FROM dm_rf2 WHERE time < '2024-01-04';
DELETE FROM dm_rf1 WHERE time < '2024-01-04';
UPDATE dm_rf2 SET note = 'bulk', value = value * 10;
UPDATE dm_rf1 SET note = 'bulk', value = value * 10;
\set QUIET on
SELECT count(*), sum(value), min(time), max(time) FROM dm_rf2;
SELECT count(*), sum(value), min(time), max(time) FROM dm_rf1;
-- Each node got one DELETE and one UPDATE statement per hypertable, and
-- changed all its replicas: every device's rows are on two nodes, with the
-- same sums.
\c dm_db1
:counted;
:rf2_on_node;
:rf1_on_node;
\c dm_db2
:counted;
:rf2_on_node;
:rf1_on_node;
\c dm_db3
:counted;
:rf2_on_node;
:rf1_on_node;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- EXPLAIN shows the statement sent to every node.  It only explains: the
-- rows stay as they are, and no node receives anything.
---------------------------------------------------------------------------
EXPLAIN (COSTS OFF, VERBOSE)
UPDATE dm_rf2 SET value = value + 1 WHERE time >= '2024-01-09' AND device = 2 AND note = 'bulk';
EXPLAIN (COSTS OFF)
DELETE FROM dm_rf2 WHERE time >= '2024-01-09';
EXPLAIN (COSTS OFF, VERBOSE)
DELETE FROM dm_rf1 WHERE time < now() - interval '1 year' RETURNING time, value * 2;
SELECT count(*), sum(value) FROM dm_rf2;
SELECT count(*), sum(value) FROM dm_rf1;
\c dm_db1
:counted;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- Conditions on the time column, on the space column, on other columns.
---------------------------------------------------------------------------
\set QUIET off
UPDATE dm_rf2 SET note = 'time' WHERE time >= '2024-01-09' AND time < '2024-01-10';
UPDATE dm_rf2 SET note = 'space' WHERE device IN (2, 3) AND note = 'bulk';
UPDATE dm_rf2 SET note = 'other', value = -value WHERE value > 50 AND note = 'bulk';
DELETE FROM dm_rf2 WHERE device = 6 AND time >= '2024-01-10';
DELETE FROM dm_rf2 WHERE note = 'space' AND time < '2024-01-05';
-- Nothing to change: no row, still one statement per node.
UPDATE dm_rf2 SET note = 'none' WHERE device = 42;
DELETE FROM dm_rf2 WHERE time >= '2025-01-01';
\set QUIET on
SELECT device, note, count(*), sum(value), min(time), max(time)
  FROM dm_rf2 GROUP BY device, note ORDER BY device, note;
\c dm_db1
:rf2_on_node;
\c dm_db2
:rf2_on_node;
\c dm_db3
:rf2_on_node;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- now() and other stable functions are computed once on the access node
-- when the statement runs; the nodes get the values.  (All the rows are
-- more than a year older than now(), none is in the future.)
---------------------------------------------------------------------------
\set QUIET off
DELETE FROM dm_rf1 WHERE time > now();
UPDATE dm_rf1 SET note = 'old' WHERE time < now() - interval '1 year' AND time < '2024-01-05';
SET timezone = 'Europe/Paris';
UPDATE dm_rf1 SET note = current_setting('TimeZone') WHERE time >= now() - interval '100 years' AND device = 1;
SET timezone = 'UTC';
\set QUIET on
SELECT note, count(*) FROM dm_rf1 GROUP BY note ORDER BY note;
\c dm_db1
SELECT note, count(*) FROM dm_rf1 GROUP BY note ORDER BY note;
\c dm_db2
SELECT note, count(*) FROM dm_rf1 GROUP BY note ORDER BY note;
\c dm_db3
SELECT note, count(*) FROM dm_rf1 GROUP BY note ORDER BY note;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- RETURNING: each row once, from the chunk's primary replica.
---------------------------------------------------------------------------
\set QUIET off
UPDATE dm_rf2 SET value = value + 0.5 WHERE device = 1 AND time >= '2024-01-10'
RETURNING time, device, value, value * 2 AS doubled, note || '!' AS loud;
DELETE FROM dm_rf2 WHERE device = 5 AND time >= '2024-01-10 12:00' RETURNING *;
UPDATE dm_rf2 SET note = 'returning' WHERE device = 42 RETURNING *;
\set QUIET on
\c dm_db1
SELECT device, count(*), sum(value) FROM dm_rf2 WHERE device IN (1, 5) GROUP BY device ORDER BY device;
\c dm_db3
SELECT device, count(*), sum(value) FROM dm_rf2 WHERE device IN (1, 5) GROUP BY device ORDER BY device;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- Prepared statements.  Parameters travel as constants, with custom plans
-- and with the generic plan (where the parameters stay in the plan).  A
-- chunk made after the statement was prepared is changed too.
---------------------------------------------------------------------------
PREPARE dm_upd(timestamptz, integer) AS
UPDATE dm_rf2 SET value = value + 1, note = 'prepared'
 WHERE time >= $1 AND time < $1 + interval '1 day' AND device = $2;
PREPARE dm_del(timestamptz) AS
DELETE FROM dm_rf2 WHERE time >= $1 AND time < $1 + interval '6 hours' RETURNING device, note;
\set QUIET off
EXECUTE dm_upd('2024-01-04', 1);
EXECUTE dm_upd('2024-01-04', 2);
EXECUTE dm_upd('2024-01-04', 3);
EXECUTE dm_upd('2024-01-04', 4);
EXECUTE dm_upd('2024-01-04', 5);
EXECUTE dm_upd('2024-01-04', 6);
EXECUTE dm_upd('2024-01-04', 1);
SET plan_cache_mode = force_generic_plan;
EXECUTE dm_upd('2024-01-04', 2);
INSERT INTO dm_rf2 VALUES ('2024-01-20', 1, 1, 'new chunk'), ('2024-01-20', 2, 2, 'new chunk');
EXECUTE dm_upd('2024-01-20', 1);
EXECUTE dm_upd('2024-01-20', 2);
EXECUTE dm_del('2024-01-05');
EXECUTE dm_del('2024-01-05');
EXECUTE dm_del('2024-01-06');
EXECUTE dm_del('2024-01-06 06:00');
EXECUTE dm_del('2024-01-06 12:00');
EXECUTE dm_del('2024-01-06 18:00');
RESET plan_cache_mode;
\set QUIET on
SELECT name, generic_plans > 0 AS generic_used FROM pg_prepared_statements ORDER BY name;
DEALLOCATE dm_upd;
DEALLOCATE dm_del;
SELECT device, note, count(*), sum(value) FROM dm_rf2
 WHERE time >= '2024-01-04' AND time < '2024-01-07' OR time >= '2024-01-20'
 GROUP BY device, note ORDER BY device, note;
\set prepared_on_node 'SELECT device, note, count(*), sum(value) FROM dm_rf2 WHERE time >= ''2024-01-04 00:00+00'' AND time < ''2024-01-07 00:00+00'' OR time >= ''2024-01-20 00:00+00'' GROUP BY device, note ORDER BY device, note'
\c dm_db1
:prepared_on_node;
\c dm_db2
:prepared_on_node;
\c dm_db3
:prepared_on_node;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- UPDATE and DELETE belong to the distributed transaction.
---------------------------------------------------------------------------
BEGIN;
DELETE FROM dm_rf2;
UPDATE dm_rf1 SET value = 0;
SELECT (SELECT count(*) FROM dm_rf2) AS rf2_rows, (SELECT sum(value) FROM dm_rf1) AS rf1_sum;
ROLLBACK;
SELECT (SELECT count(*) FROM dm_rf2) AS rf2_rows, (SELECT sum(value) FROM dm_rf1) AS rf1_sum;

---------------------------------------------------------------------------
-- The partitioning columns cannot be changed: the rows would have to move
-- to other chunks, on other nodes.
---------------------------------------------------------------------------
UPDATE dm_rf2 SET time = time + interval '1 hour';
UPDATE dm_rf2 SET device = 7 WHERE device = 1;
UPDATE dm_rf1 SET time = '2024-01-01' WHERE device = 1;
-- Also when the statement would run row by row.
CREATE TABLE dm_local (device integer PRIMARY KEY, label text);
INSERT INTO dm_local VALUES (1, 'one'), (2, 'two'), (3, 'three');
UPDATE dm_rf2 SET device = l.device + 10 FROM dm_local l WHERE l.device = dm_rf2.device;
-- Other columns may take any value.
\set QUIET off
UPDATE dm_rf1 SET value = NULL, note = NULL WHERE time >= '2024-01-10 18:00';
\set QUIET on
SELECT * FROM dm_rf1 WHERE time >= '2024-01-10 18:00' ORDER BY time, device;

---------------------------------------------------------------------------
-- Row by row.  A join with a local table, a subquery, a function only the
-- access node has, a volatile function: PostgreSQL plans a ModifyTable over
-- the chunks' foreign tables; each row is found on every replica by its old
-- values.  The results are the same on both replicas.
---------------------------------------------------------------------------
EXPLAIN (COSTS OFF)
UPDATE dm_rf2 SET note = l.label FROM dm_local l
 WHERE l.device = dm_rf2.device AND dm_rf2.time >= '2024-01-08' AND dm_rf2.time < '2024-01-09';
\set QUIET off
UPDATE dm_rf2 SET note = l.label, value = dm_rf2.value + 1000 FROM dm_local l
 WHERE l.device = dm_rf2.device AND dm_rf2.time >= '2024-01-08' AND dm_rf2.time < '2024-01-09';
\set QUIET on
EXPLAIN (COSTS OFF)
DELETE FROM dm_rf2 WHERE time >= '2024-01-08' AND time < '2024-01-09'
   AND device IN (SELECT device FROM dm_local WHERE label = 'two');
\set QUIET off
DELETE FROM dm_rf2 WHERE time >= '2024-01-08' AND time < '2024-01-09'
   AND device IN (SELECT device FROM dm_local WHERE label = 'two');
\set QUIET on
CREATE FUNCTION dm_plus_one(float8) RETURNS float8 LANGUAGE plpgsql IMMUTABLE
AS $$ BEGIN RETURN $1 + 1; END $$;
EXPLAIN (COSTS OFF)
UPDATE dm_rf2 SET value = dm_plus_one(value) WHERE time >= '2024-01-08' AND time < '2024-01-09';
\set QUIET off
UPDATE dm_rf2 SET value = dm_plus_one(value), note = 'udf' WHERE time >= '2024-01-08' AND time < '2024-01-09'
   AND device = 3;
DELETE FROM dm_rf2 WHERE dm_plus_one(value) < 0 AND time >= '2024-01-08' AND time < '2024-01-09';
-- random() is volatile: computed once per row on the access node, so both
-- replicas get the same value.
SELECT setseed(0.5);
UPDATE dm_rf2 SET value = round(random() * 1000), note = 'random'
 WHERE time >= '2024-01-08' AND time < '2024-01-09' AND device IN (1, 4);
-- A writable CTE runs row by row too, and RETURNING gives the rows
-- changed.
WITH d AS (
    DELETE FROM dm_rf2 WHERE time >= '2024-01-08 18:00' AND time < '2024-01-09' RETURNING *
)
SELECT * FROM d ORDER BY device;
WITH u AS (
    UPDATE dm_rf2 SET value = l.device * 100, note = 'cte ' || l.label FROM dm_local l
     WHERE l.device = dm_rf2.device AND time >= '2024-01-08 12:00' AND time < '2024-01-09'
    RETURNING dm_rf2.time, dm_rf2.device, dm_rf2.value, dm_rf2.note, l.label
)
SELECT * FROM u ORDER BY device;
\set QUIET on
SELECT time, device, value, note FROM dm_rf2
 WHERE time >= '2024-01-08' AND time < '2024-01-09' ORDER BY time, device;
\set day8_on_node 'SELECT to_char(time AT TIME ZONE ''UTC'', ''MM-DD HH24:MI'') AS time, device, value, note FROM dm_rf2 WHERE time >= ''2024-01-08 00:00+00'' AND time < ''2024-01-09 00:00+00'' ORDER BY 1, 2'
\c dm_db1
:day8_on_node;
\c dm_db2
:day8_on_node;
\c dm_db3
:day8_on_node;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- The values sent to the nodes do not depend on the session's settings:
-- with DateStyle DMY, 01/02/2024 is February 1 (there is no such row; the
-- row of January 2 stays) ...
---------------------------------------------------------------------------
INSERT INTO dm_rf1 VALUES ('2024-01-02', 1, 1, 'january 2'), ('2024-01-15', 1, 1, 'january 15');
SET datestyle = 'SQL, DMY';
\set QUIET off
DELETE FROM dm_rf1 WHERE time = '01/02/2024';
-- ... also row by row.
UPDATE dm_rf1 SET note = 'updated' FROM dm_local l WHERE l.device = dm_rf1.device AND dm_rf1.time = '15/01/2024';
\set QUIET on
SET datestyle = 'ISO, YMD';
SELECT * FROM dm_rf1 WHERE time IN ('2024-01-02', '2024-01-15', '2024-02-01') ORDER BY time;
-- extra_float_digits does not round the values ...
SET extra_float_digits = 0;
\set QUIET off
UPDATE dm_rf1 SET value = 0.1::float8 + 0.2::float8 WHERE time = '2024-01-02';
\set QUIET on
RESET extra_float_digits;
SELECT value, value = 0.1::float8 + 0.2::float8 AS exact FROM dm_rf1 WHERE time = '2024-01-02';
-- ... and a row whose value prints differently is still found row by row.
INSERT INTO dm_rf1 VALUES ('2024-01-03', 1, 0.1::float8 + 0.2::float8, 'digits');
SET extra_float_digits = 0;
\set QUIET off
UPDATE dm_rf1 SET note = 'found' FROM dm_local l WHERE l.device = dm_rf1.device AND dm_rf1.time = '2024-01-03';
\set QUIET on
RESET extra_float_digits;
SELECT value, note FROM dm_rf1 WHERE time = '2024-01-03';

---------------------------------------------------------------------------
-- A node marked unavailable: its rows cannot be changed.
---------------------------------------------------------------------------
SELECT node_name, available FROM alter_data_node('dm_3', available => false);
DELETE FROM dm_rf2 WHERE device = 1;
UPDATE dm_rf2 SET note = 'x' FROM dm_local l WHERE l.device = dm_rf2.device;
SELECT node_name, available FROM alter_data_node('dm_3', available => true);

-- Clean up.
DROP FUNCTION dm_plus_one(float8);
DROP TABLE dm_local;
DROP TABLE dm_rf1;
DROP TABLE dm_rf2;
SELECT delete_data_node('dm_1', drop_database => true);
SELECT delete_data_node('dm_2', drop_database => true);
SELECT delete_data_node('dm_3', drop_database => true);
DROP EXTENSION timeshard;
