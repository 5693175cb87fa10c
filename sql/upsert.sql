-- INSERT ... ON CONFLICT into distributed hypertables.  A conflict is found
-- by a unique index, which lives on the data node that holds the row (unique
-- indexes include the partitioning columns, so both rows of a conflict fall
-- in one chunk).  The rows therefore go to their nodes as
-- INSERT ... ON CONFLICT statements, and every replica of the chunk applies
-- the same statement.  The command tag counts each inserted or updated row
-- once, however many replicas it has.  Rows are checked on the data nodes
-- themselves (other databases of this instance).
\set VERBOSITY default
SET client_min_messages = notice;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
CREATE EXTENSION timeshard;
SELECT node_name FROM add_data_node('up_1', host => '127.0.0.1', database => 'up_db1');
SELECT node_name FROM add_data_node('up_2', host => '127.0.0.1', database => 'up_db2');
SELECT node_name FROM add_data_node('up_3', host => '127.0.0.1', database => 'up_db3');

-- up_rf1: time only, one replica, one chunk a day (round-robin over the
-- nodes), a primary key.
CREATE TABLE up_rf1 (
    time   timestamptz NOT NULL,
    device integer NOT NULL,
    value  float8,
    note   text,
    PRIMARY KEY (time, device)
);
SELECT * FROM create_distributed_hypertable('up_rf1', 'time', chunk_time_interval => interval '1 day');
-- up_rf2: three space partitions of device, two replicas of every chunk,
-- one chunk a day per partition, a unique constraint.
CREATE TABLE up_rf2 (
    time   timestamptz NOT NULL,
    device integer NOT NULL,
    value  float8,
    note   text,
    UNIQUE (time, device)
);
SELECT * FROM create_distributed_hypertable('up_rf2', 'time', 'device', replication_factor => 2,
                                            chunk_time_interval => interval '1 day');

CREATE VIEW up_chunks AS
SELECT c.hypertable_name AS hypertable, c.chunk_name AS chunk, to_char(c.range_start, 'MM-DD') AS day,
       k.space_remainder AS partition, c.data_nodes
  FROM timeshard_information.chunks c
  JOIN timeshard_catalog.chunk k ON k.schema_name = c.chunk_schema AND k.table_name = c.chunk_name
 ORDER BY k.id;

-- What a data node holds, queried after \c to the node (whose session has
-- its own TimeZone: times are shown in UTC).
\set rf1_rows 'SELECT to_char(time AT TIME ZONE ''UTC'', ''MM-DD HH24:MI'') AS time, device, value, note FROM up_rf1'
\set rf2_rows 'SELECT to_char(time AT TIME ZONE ''UTC'', ''MM-DD HH24:MI'') AS time, device, value, note FROM up_rf2'

INSERT INTO up_rf1 VALUES ('2024-01-01', 1, 1, 'base'), ('2024-01-02', 1, 2, 'base');
INSERT INTO up_rf2 VALUES ('2024-01-01', 1, 1, 'base'), ('2024-01-01', 2, 2, 'base'),
                          ('2024-01-01', 3, 3, 'base');
-- The space partition of each device decides its nodes: partition 0 is on
-- up_1 and up_2, partition 1 on up_2 and up_3, partition 2 on up_3 and up_1.
SELECT d AS device, timeshard_internal.get_partition_hash(d, 3) AS partition
  FROM generate_series(1, 9) d;
SELECT * FROM up_chunks;

---------------------------------------------------------------------------
-- ON CONFLICT DO NOTHING, without a conflict target: a row that conflicts
-- with any unique index of its chunk is skipped.  The tag counts the rows
-- inserted: one for up_rf2 too, though each of its rows went to two nodes.
---------------------------------------------------------------------------
\set QUIET off
INSERT INTO up_rf1 VALUES ('2024-01-01', 1, 10, 'skipped'), ('2024-01-01', 2, 20, 'nothing')
ON CONFLICT DO NOTHING;
INSERT INTO up_rf2 VALUES ('2024-01-01', 1, 10, 'skipped'), ('2024-01-01', 4, 40, 'nothing')
ON CONFLICT DO NOTHING;
-- Every row conflicts.
INSERT INTO up_rf2 VALUES ('2024-01-01', 2, 20, 'skipped'), ('2024-01-01', 3, 30, 'skipped')
ON CONFLICT DO NOTHING;
-- Two rows with the same key in one statement: the first one wins.  This
-- one also makes a new chunk (January 2, partition 2).
INSERT INTO up_rf2 VALUES ('2024-01-02', 5, 1, 'first'), ('2024-01-02', 5, 2, 'second')
ON CONFLICT DO NOTHING;
\set QUIET on
SELECT * FROM up_rf2 ORDER BY time, device;
SELECT * FROM up_chunks WHERE hypertable = 'up_rf2';
-- Each row of up_rf2 is on the two nodes of its partition, once per node;
-- up_rf1's rows are on the node of their day.
\c up_db1
:rf1_rows ORDER BY 1, 2;
:rf2_rows ORDER BY 1, 2;
\c up_db2
:rf1_rows ORDER BY 1, 2;
:rf2_rows ORDER BY 1, 2;
\c up_db3
:rf1_rows ORDER BY 1, 2;
:rf2_rows ORDER BY 1, 2;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- ON CONFLICT (columns) DO NOTHING and ON CONFLICT ON CONSTRAINT.
-- RETURNING returns the rows inserted, not the ones skipped.
---------------------------------------------------------------------------
\set QUIET off
INSERT INTO up_rf2 VALUES ('2024-01-01', 1, 100, 'skipped'), ('2024-01-01', 6, 6, 'target')
ON CONFLICT (time, device) DO NOTHING RETURNING *;
INSERT INTO up_rf2 VALUES ('2024-01-01', 6, 60, 'skipped')
ON CONFLICT (device, time) DO NOTHING RETURNING *;
INSERT INTO up_rf1 VALUES ('2024-01-02', 1, 100, 'skipped'), ('2024-01-02', 2, 2, 'constraint')
ON CONFLICT ON CONSTRAINT up_rf1_pkey DO NOTHING RETURNING device, note;
\set QUIET on
\c up_db1
:rf1_rows WHERE time = '2024-01-02 00:00+00' ORDER BY 1, 2;
:rf2_rows WHERE device = 6 ORDER BY 1, 2;
\c up_db2
:rf1_rows WHERE time = '2024-01-02 00:00+00' ORDER BY 1, 2;
:rf2_rows WHERE device = 6 ORDER BY 1, 2;
\c up_db3
:rf1_rows WHERE time = '2024-01-02 00:00+00' ORDER BY 1, 2;
:rf2_rows WHERE device = 6 ORDER BY 1, 2;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- ON CONFLICT (columns) DO UPDATE.  The node that holds the row updates it,
-- on every replica.  The tag counts the rows inserted and updated.
---------------------------------------------------------------------------
\set QUIET off
-- With EXCLUDED: device 1 is updated, device 7 inserted.
INSERT INTO up_rf2 VALUES ('2024-01-01', 1, 11, 'excluded'), ('2024-01-01', 7, 7, 'new')
ON CONFLICT (time, device) DO UPDATE SET value = EXCLUDED.value, note = EXCLUDED.note;
-- With the target table's columns (by its name or by an alias), and
-- EXCLUDED: the values add up.
INSERT INTO up_rf2 VALUES ('2024-01-01', 2, 20, 'sum'), ('2024-01-01', 3, 30, 'sum')
ON CONFLICT (time, device) DO UPDATE
SET value = up_rf2.value + EXCLUDED.value, note = up_rf2.note || '+' || EXCLUDED.note;
INSERT INTO up_rf2 AS t VALUES ('2024-01-01', 4, 400, 'alias')
ON CONFLICT (time, device) DO UPDATE SET value = t.value + EXCLUDED.value, note = EXCLUDED.note;
-- With a WHERE: only the rows it accepts are updated and counted.  Device 1
-- has value 11, device 7 value 7: only device 7 is updated.
INSERT INTO up_rf2 VALUES ('2024-01-01', 1, -1, 'where'), ('2024-01-01', 7, -1, 'where')
ON CONFLICT (time, device) DO UPDATE SET value = EXCLUDED.value, note = EXCLUDED.note
WHERE up_rf2.value < 10;
-- Nothing accepted.
INSERT INTO up_rf2 VALUES ('2024-01-01', 1, -1, 'where')
ON CONFLICT (time, device) DO UPDATE SET note = 'never' WHERE EXCLUDED.value > up_rf2.value;
-- up_rf1, one replica: DO UPDATE on a primary key.
INSERT INTO up_rf1 VALUES ('2024-01-01', 1, 5, 'pk'), ('2024-01-03', 1, 3, 'new day')
ON CONFLICT ON CONSTRAINT up_rf1_pkey DO UPDATE SET value = up_rf1.value * 100 + EXCLUDED.value;
\set QUIET on
SELECT * FROM up_rf2 ORDER BY time, device;
SELECT * FROM up_rf1 ORDER BY time, device;
\c up_db1
:rf1_rows ORDER BY 1, 2;
:rf2_rows WHERE time = '2024-01-01 00:00+00' ORDER BY 1, 2;
\c up_db2
:rf1_rows ORDER BY 1, 2;
:rf2_rows WHERE time = '2024-01-01 00:00+00' ORDER BY 1, 2;
\c up_db3
:rf1_rows ORDER BY 1, 2;
:rf2_rows WHERE time = '2024-01-01 00:00+00' ORDER BY 1, 2;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- RETURNING with DO UPDATE: the row as the node stored it (inserted or
-- updated), columns and expressions of it, once per row.  (Rows of one chunk
-- come back in the order of the statement; the writable CTE orders the
-- others.)
---------------------------------------------------------------------------
\set QUIET off
INSERT INTO up_rf2 VALUES ('2024-01-01', 3, 3, 'returning'), ('2024-01-01', 4, 4, 'returning')
ON CONFLICT (time, device) DO UPDATE SET value = up_rf2.value + EXCLUDED.value, note = EXCLUDED.note
RETURNING *;
INSERT INTO up_rf2 VALUES ('2024-01-02', 5, 5, 'returning'), ('2024-01-02', 8, 8, 'returning')
ON CONFLICT (time, device) DO UPDATE SET value = up_rf2.value * 10
RETURNING device, value * 2 AS doubled, upper(note) AS loud, time + interval '1 hour' AS later;
\set QUIET on
WITH u AS (
    INSERT INTO up_rf2 VALUES ('2024-01-01', 1, 1, 'cte'), ('2024-01-01', 2, 2, 'cte'),
                              ('2024-01-01', 9, 9, 'cte')
    ON CONFLICT (time, device) DO UPDATE SET value = EXCLUDED.value, note = EXCLUDED.note
    RETURNING device, value, note
)
SELECT * FROM u ORDER BY device;

---------------------------------------------------------------------------
-- Writable CTEs: every row reaches the nodes, whether the main query reads
-- all of the CTE's rows, some, or none.
---------------------------------------------------------------------------
WITH u AS (
    INSERT INTO up_rf2 VALUES ('2024-01-03', 1, 1, 'cte unread'), ('2024-01-03', 2, 2, 'cte unread')
    ON CONFLICT (time, device) DO UPDATE SET note = EXCLUDED.note
    RETURNING *
)
SELECT 'not reading u' AS main_query;
WITH u AS (
    INSERT INTO up_rf2 VALUES ('2024-01-03', 1, 10, 'cte partly read'), ('2024-01-03', 3, 3, 'cte partly read')
    ON CONFLICT (time, device) DO UPDATE SET value = EXCLUDED.value, note = EXCLUDED.note
    RETURNING *
)
SELECT count(*) AS read FROM (SELECT * FROM u LIMIT 1) one;
-- DO NOTHING in a CTE, beside another statement.
WITH u AS (
    INSERT INTO up_rf2 VALUES ('2024-01-03', 1, -1, 'skipped'), ('2024-01-03', 4, 4, 'cte nothing')
    ON CONFLICT DO NOTHING
    RETURNING device
), d AS (
    INSERT INTO up_rf1 VALUES ('2024-01-03', 2, 2, 'cte beside')
    ON CONFLICT DO NOTHING
    RETURNING device
)
SELECT (SELECT array_agg(device) FROM u) AS upserted, (SELECT array_agg(device) FROM d) AS beside;
SELECT * FROM up_rf2 WHERE time = '2024-01-03' ORDER BY device;
\c up_db1
:rf1_rows WHERE time = '2024-01-03 00:00+00' ORDER BY 1, 2;
:rf2_rows ORDER BY 1, 2;
\c up_db2
:rf1_rows WHERE time = '2024-01-03 00:00+00' ORDER BY 1, 2;
:rf2_rows ORDER BY 1, 2;
\c up_db3
:rf1_rows WHERE time = '2024-01-03 00:00+00' ORDER BY 1, 2;
:rf2_rows ORDER BY 1, 2;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- Prepared statements: parameters in VALUES, in DO UPDATE SET and in its
-- WHERE.  Their values are sent as constants, the same to every replica.
-- First with custom plans, then with the generic plan, which keeps the
-- parameters in the plan.
---------------------------------------------------------------------------
PREPARE up_prep(timestamptz, integer, float8, text) AS
INSERT INTO up_rf2 VALUES ($1, $2, $3, $4)
ON CONFLICT (time, device) DO UPDATE SET value = up_rf2.value + $3, note = $4 || '/' || up_rf2.note
WHERE up_rf2.value < $3 * 10
RETURNING device, value, note;
\set QUIET off
SET plan_cache_mode = force_custom_plan;
EXECUTE up_prep('2024-01-04', 1, 1, 'custom');
EXECUTE up_prep('2024-01-04', 1, 1, 'custom');
SET plan_cache_mode = force_generic_plan;
EXECUTE up_prep('2024-01-04', 1, 1, 'generic');
EXECUTE up_prep('2024-01-04', 2, 2, 'generic');
EXECUTE up_prep('2024-01-04', 2, 2, 'generic');
-- The WHERE refuses: value 4 is not below 0.1 * 10.
EXECUTE up_prep('2024-01-04', 2, 0.1, 'generic');
RESET plan_cache_mode;
-- The default: custom plans first, the generic plan from the sixth
-- execution on.
EXECUTE up_prep('2024-01-04', 3, 1, 'auto');
EXECUTE up_prep('2024-01-04', 3, 1, 'auto');
EXECUTE up_prep('2024-01-04', 3, 1, 'auto');
EXECUTE up_prep('2024-01-04', 3, 1, 'auto');
EXECUTE up_prep('2024-01-04', 3, 1, 'auto');
EXECUTE up_prep('2024-01-04', 3, 1, 'auto');
EXECUTE up_prep('2024-01-04', 3, 1, 'auto');
\set QUIET on
SELECT name, generic_plans > 0 AS generic_used, custom_plans > 0 AS custom_used
  FROM pg_prepared_statements WHERE name = 'up_prep';
DEALLOCATE up_prep;
-- A prepared DO NOTHING.
PREPARE up_nothing(timestamptz, integer) AS
INSERT INTO up_rf1 VALUES ($1, $2, 0, 'prepared nothing') ON CONFLICT DO NOTHING;
\set QUIET off
EXECUTE up_nothing('2024-01-04', 1);
EXECUTE up_nothing('2024-01-04', 1);
\set QUIET on
DEALLOCATE up_nothing;
\c up_db1
:rf1_rows WHERE time = '2024-01-04 00:00+00' ORDER BY 1, 2;
:rf2_rows WHERE time = '2024-01-04 00:00+00' ORDER BY 1, 2;
\c up_db2
:rf1_rows WHERE time = '2024-01-04 00:00+00' ORDER BY 1, 2;
:rf2_rows WHERE time = '2024-01-04 00:00+00' ORDER BY 1, 2;
\c up_db3
:rf1_rows WHERE time = '2024-01-04 00:00+00' ORDER BY 1, 2;
:rf2_rows WHERE time = '2024-01-04 00:00+00' ORDER BY 1, 2;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- Many rows: they go in batches (at most 1000 rows a statement).  2,000
-- rows, half of them already there: every row counted once.
---------------------------------------------------------------------------
INSERT INTO up_rf2 (time, device, value, note)
SELECT '2024-02-01'::timestamptz + i * interval '1 minute', i % 6, i, 'bulk'
  FROM generate_series(1, 2000, 2) i;
\set QUIET off
INSERT INTO up_rf2 (time, device, value, note)
SELECT '2024-02-01'::timestamptz + i * interval '1 minute', i % 6, i, 'bulk'
  FROM generate_series(1, 2000) i
ON CONFLICT (time, device) DO UPDATE SET value = -EXCLUDED.value, note = 'bulk updated';
\set QUIET on
SELECT note, count(*), sum(value) FROM up_rf2 WHERE time >= '2024-02-01' GROUP BY note ORDER BY note;
-- Each row is on two nodes: on the three nodes together, 2,000 rows of
-- each note, and twice the sums.
\set bulk_on_node 'SELECT note, count(*), sum(value) FROM up_rf2 WHERE time >= ''2024-02-01 00:00+00'' GROUP BY note ORDER BY note'
\c up_db1
:bulk_on_node;
\c up_db2
:bulk_on_node;
\c up_db3
:bulk_on_node;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- Upserts belong to the distributed transaction: rolled back everywhere.
---------------------------------------------------------------------------
BEGIN;
INSERT INTO up_rf2 VALUES ('2024-01-01', 1, 1000, 'rolled back'), ('2024-01-05', 1, 1000, 'rolled back')
ON CONFLICT (time, device) DO UPDATE SET value = EXCLUDED.value, note = EXCLUDED.note;
SELECT count(*) FROM up_rf2 WHERE note = 'rolled back';
ROLLBACK;
SELECT count(*) FROM up_rf2 WHERE note = 'rolled back';
\c up_db1
SELECT count(*) FROM up_rf2 WHERE note = 'rolled back';
\c up_db3
SELECT count(*) FROM up_rf2 WHERE note = 'rolled back';
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- Stable functions of DO UPDATE (now(), current_setting(), ...) are
-- computed once on the access node, and the nodes get the value: all
-- replicas store the same.  Here the access node's TimeZone is not the
-- nodes'.
---------------------------------------------------------------------------
SET timezone = 'Europe/Paris';
INSERT INTO up_rf2 VALUES ('2024-01-01 00:00+00', 1, 0, 'tz')
ON CONFLICT (time, device) DO UPDATE SET note = current_setting('TimeZone')
RETURNING device, note;
-- Values do not depend on the session's settings either: a new chunk made
-- with TimeZone Europe/Paris covers the same UTC day on the access node and
-- on the nodes (its last hour included) ...
INSERT INTO up_rf2 VALUES ('2024-01-06 00:30+00', 1, 1, 'paris'), ('2024-01-06 23:30+00', 1, 2, 'paris')
ON CONFLICT (time, device) DO UPDATE SET note = EXCLUDED.note;
SET timezone = 'UTC';
SELECT * FROM up_rf2 WHERE note = 'paris' ORDER BY time;
SELECT hypertable, day, partition, data_nodes FROM up_chunks WHERE day = '01-06';
-- ... another DateStyle does not change the dates: 01/02/2024 is
-- February 1 with DMY (it has no row yet, January 2 is left alone) ...
INSERT INTO up_rf2 VALUES ('2024-01-02', 1, 1, 'january 2');
SET datestyle = 'SQL, DMY';
INSERT INTO up_rf2 VALUES ('01/02/2024', 1, 1, 'february 1')
ON CONFLICT (time, device) DO UPDATE SET note = 'updated by february 1';
SET datestyle = 'ISO, YMD';
SELECT * FROM up_rf2 WHERE device = 1 AND time IN ('2024-01-02', '2024-02-01') ORDER BY time;
-- ... and extra_float_digits does not round the values.
SET extra_float_digits = 0;
INSERT INTO up_rf2 VALUES ('2024-01-01', 2, 0.1::float8 + 0.2::float8, 'digits')
ON CONFLICT (time, device) DO UPDATE SET value = EXCLUDED.value, note = EXCLUDED.note;
RESET extra_float_digits;
SELECT device, value, value = 0.1::float8 + 0.2::float8 AS exact FROM up_rf2 WHERE note = 'digits';
-- The SQL text sent to the nodes does not change what the statement says:
-- a string that looks like a parameter stays a string.
INSERT INTO up_rf2 VALUES ('2024-01-01', 2, 0, 'x')
ON CONFLICT (time, device) DO UPDATE SET note = 'costs $100002' RETURNING device, note;
PREPARE up_text(text) AS
INSERT INTO up_rf2 VALUES ('2024-01-01', 2, 0, 'x') ON CONFLICT (time, device) DO UPDATE SET note = $1
RETURNING device, note;
EXECUTE up_text('costs $100003');
DEALLOCATE up_text;

---------------------------------------------------------------------------
-- Columns dropped and added: the statement lists the current columns, and
-- RETURNING * maps the nodes' answer back to them.
---------------------------------------------------------------------------
ALTER TABLE up_rf1 DROP COLUMN value;
ALTER TABLE up_rf1 ADD COLUMN added integer DEFAULT 42;
\set QUIET off
INSERT INTO up_rf1 VALUES ('2024-01-01', 1, 'after ddl'), ('2024-01-01', 3, 'after ddl')
ON CONFLICT (time, device) DO UPDATE SET note = EXCLUDED.note, added = up_rf1.added + 1
RETURNING *;
\set QUIET on

---------------------------------------------------------------------------
-- What is refused.
---------------------------------------------------------------------------
-- A conflict target that a partial unique index answers: the index's WHERE
-- would have to be sent too.
CREATE UNIQUE INDEX up_rf2_partial ON up_rf2 (time, device, note) WHERE note IS NOT NULL;
INSERT INTO up_rf2 VALUES ('2024-01-01', 1, 1, 'partial')
ON CONFLICT (time, device, note) WHERE note IS NOT NULL DO NOTHING;
DROP INDEX up_rf2_partial;
-- DO UPDATE with what only the access node has: a user-defined function,
-- in SET or in WHERE.
CREATE FUNCTION up_plus_one(float8) RETURNS float8 LANGUAGE plpgsql IMMUTABLE
AS $$ BEGIN RETURN $1 + 1; END $$;
INSERT INTO up_rf2 VALUES ('2024-01-01', 1, 1, 'udf')
ON CONFLICT (time, device) DO UPDATE SET value = up_plus_one(EXCLUDED.value);
INSERT INTO up_rf2 VALUES ('2024-01-01', 1, 1, 'udf')
ON CONFLICT (time, device) DO UPDATE SET note = 'udf' WHERE up_plus_one(up_rf2.value) > 0;
-- A volatile function: each replica would compute its own value.
INSERT INTO up_rf2 VALUES ('2024-01-01', 1, 1, 'volatile')
ON CONFLICT (time, device) DO UPDATE SET value = random();
-- A subquery runs on the access node only.
INSERT INTO up_rf2 VALUES ('2024-01-01', 1, 1, 'subquery')
ON CONFLICT (time, device) DO UPDATE SET value = (SELECT max(r.device) FROM up_rf1 r);
-- PostgreSQL's own checks still apply: no index for the target ...
INSERT INTO up_rf2 VALUES ('2024-01-01', 1, 1, 'no index') ON CONFLICT (value) DO NOTHING;
-- ... and a row may be updated only once per statement (a node's error
-- names the node; nothing is stored anywhere).
INSERT INTO up_rf2 VALUES ('2024-01-01', 1, 1, 'twice'), ('2024-01-01', 1, 2, 'twice')
ON CONFLICT (time, device) DO UPDATE SET note = EXCLUDED.note;
-- Moving a row to another chunk is refused by the node (the chunk is a
-- partition of the node's hypertable).
INSERT INTO up_rf2 VALUES ('2024-01-01', 1, 1, 'move')
ON CONFLICT (time, device) DO UPDATE SET time = EXCLUDED.time + interval '1 day';
SELECT count(*) FROM up_rf2 WHERE note IN ('udf', 'volatile', 'subquery', 'twice', 'move');
-- ON CONFLICT on a local hypertable (one whose chunks are tables here) is
-- not supported.
CREATE TABLE up_local (time timestamptz NOT NULL, value integer, UNIQUE (time));
SELECT * FROM create_hypertable('up_local', 'time', distributed => false);
INSERT INTO up_local VALUES ('2024-01-01', 1) ON CONFLICT DO NOTHING;
INSERT INTO up_local VALUES ('2024-01-01', 1) ON CONFLICT (time) DO UPDATE SET value = 2;
SELECT count(*) FROM up_local;

---------------------------------------------------------------------------
-- EXPLAIN: the statement each data node gets (one row stands for a batch).
-- Without ANALYZE nothing is sent and no chunk is made.
---------------------------------------------------------------------------
EXPLAIN (COSTS OFF, VERBOSE)
INSERT INTO up_rf2 VALUES ('2024-03-01', 1, 1, 'explained')
ON CONFLICT (time, device) DO UPDATE SET note = EXCLUDED.note || ' $1', value = up_rf2.value + EXCLUDED.value
WHERE up_rf2.note <> 'x' AND EXCLUDED.value > 0
RETURNING device;
EXPLAIN (COSTS OFF) INSERT INTO up_rf2 VALUES ('2024-03-01', 1, 1, 'explained') ON CONFLICT DO NOTHING;
SELECT count(*) AS chunks FROM timeshard_information.chunks
 WHERE hypertable_name = 'up_rf2' AND range_start >= '2024-03-01';
-- A local hypertable's insert is not distributed.
EXPLAIN (COSTS OFF) INSERT INTO up_local VALUES ('2024-01-02', 1);
-- The condition of DO UPDATE may have several parts.
\set QUIET off
INSERT INTO up_rf2 VALUES ('2024-01-01', 1, 5, 'two conditions'), ('2024-01-01', 2, 5, 'two conditions')
ON CONFLICT (time, device) DO UPDATE SET note = EXCLUDED.note
WHERE up_rf2.device = 1 AND EXCLUDED.value > 0
RETURNING device, note;
\set QUIET on
-- The whole EXCLUDED row is not sent.
INSERT INTO up_rf2 VALUES ('2024-01-01', 1, 1, 'whole row')
ON CONFLICT (time, device) DO UPDATE SET note = EXCLUDED::text;

-- Clean up.
DROP TABLE up_local;
DROP FUNCTION up_plus_one(float8);
DROP VIEW up_chunks;
DROP TABLE up_rf1;
DROP TABLE up_rf2;
SELECT delete_data_node('up_1', drop_database => true);
SELECT delete_data_node('up_2', drop_database => true);
SELECT delete_data_node('up_3', drop_database => true);
DROP EXTENSION timeshard;
