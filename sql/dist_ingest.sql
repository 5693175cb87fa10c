-- Ingest through the access node: INSERT (VALUES, SELECT, prepared,
-- RETURNING, writable CTEs) and COPY FROM (text, csv, binary) into
-- distributed hypertables.  Every row goes to the data nodes of its chunk
-- (all replicas); the access node's table stays empty.  Results are checked
-- on the data nodes themselves (other databases of this instance).
\set VERBOSITY default
SET client_min_messages = notice;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
CREATE EXTENSION timeshard;
SELECT node_name FROM add_data_node('di_1', host => '127.0.0.1', database => 'di_db1');
SELECT node_name FROM add_data_node('di_2', host => '127.0.0.1', database => 'di_db2');
SELECT node_name FROM add_data_node('di_3', host => '127.0.0.1', database => 'di_db3');

-- di_rf1: time only, one replica, one chunk a day.  Chunks go round-robin
-- over the three nodes.
CREATE TABLE di_rf1 (
    time   timestamptz NOT NULL,
    device integer,
    value  float8 DEFAULT 0.5 CHECK (value >= 0),
    note   text DEFAULT 'default note'
);
SELECT * FROM create_distributed_hypertable('di_rf1', 'time', chunk_time_interval => interval '1 day');
-- di_rf2: space partitioned by device (three partitions, the number of data
-- nodes), two replicas of every chunk, one chunk a week per partition.
CREATE TABLE di_rf2 (
    time   timestamptz NOT NULL,
    device integer,
    value  float8,
    UNIQUE (time, device)
);
SELECT * FROM create_distributed_hypertable('di_rf2', 'time', 'device', replication_factor => 2);

-- Chunks, with their data nodes and the node the access node reads each
-- one from.
CREATE VIEW di_chunks AS
SELECT c.hypertable_name AS hypertable, c.chunk_name AS chunk,
       to_char(c.range_start, 'MM-DD HH24:MI') || ' .. ' || to_char(c.range_end, 'MM-DD HH24:MI') AS range,
       k.space_remainder AS partition, c.data_nodes,
       (SELECT s.srvname FROM pg_foreign_table f JOIN pg_foreign_server s ON s.oid = f.ftserver
         WHERE f.ftrelid = format('%I.%I', c.chunk_schema, c.chunk_name)::regclass) AS read_from
  FROM timeshard_information.chunks c
  JOIN timeshard_catalog.chunk k ON k.schema_name = c.chunk_schema AND k.table_name = c.chunk_name
 ORDER BY k.id;

---------------------------------------------------------------------------
-- INSERT ... VALUES, one row and many.  The command tag counts the rows.
---------------------------------------------------------------------------
\set QUIET off
INSERT INTO di_rf1 VALUES ('2024-01-01 00:00', 1, 1.0, 'one row');
INSERT INTO di_rf1 VALUES
    ('2024-01-01 06:00', 1, 2.0, 'many rows'),
    ('2024-01-02 06:00', 2, 3.0, 'many rows'),
    ('2024-01-03 06:00', 3, 4.0, 'many rows'),
    ('2024-01-01 12:00', 1, DEFAULT, DEFAULT);
-- Columns left out get their defaults.
INSERT INTO di_rf1 (time, device) VALUES ('2024-01-02 12:00', 2);
\set QUIET on
SELECT * FROM di_rf1 ORDER BY time;
-- Nothing is stored in the access node's own table.
SELECT count(*) AS rows_on_access_node FROM ONLY di_rf1;
-- Three chunks, one per day, round-robin over the nodes.
SELECT * FROM di_chunks WHERE hypertable = 'di_rf1';
-- The chunk is a foreign table inheriting from the hypertable, on its node,
-- with its time range as a CHECK constraint.
\d timeshard_internal._dist_hyper_1_1_chunk

---------------------------------------------------------------------------
-- INSERT ... SELECT, with enough rows to be sent in several pieces.
---------------------------------------------------------------------------
\set QUIET off
INSERT INTO di_rf1 (time, device, value, note)
SELECT t, d, d * 0.25, 'series'
  FROM generate_series('2024-01-01 00:30'::timestamptz, '2024-01-06 23:30', interval '1 hour') t,
       generate_series(1, 2) d;
INSERT INTO di_rf1 (time, device, value, note)
SELECT '2024-01-04'::timestamptz + i * interval '1 second', 100 + i % 7, i, repeat('x', 50)
  FROM generate_series(1, 20000) i;
\set QUIET on
SELECT count(*), count(DISTINCT (time, device)) AS distinct_rows,
       min(time), max(time), sum(value) FROM di_rf1;

---------------------------------------------------------------------------
-- RETURNING: columns, defaults filled in, expressions.
---------------------------------------------------------------------------
\set QUIET off
INSERT INTO di_rf1 (time, device) VALUES ('2024-01-05 01:00', 5), ('2024-01-06 01:00', 6)
RETURNING *;
INSERT INTO di_rf1 VALUES ('2024-01-05 02:00', 5, 10)
RETURNING device * 100 AS hundredfold, upper(note) AS loud, time + interval '1 hour' AS later;
\set QUIET on

---------------------------------------------------------------------------
-- INSERT in a writable CTE: its rows go to the nodes whether or not the
-- main query reads them all.
---------------------------------------------------------------------------
WITH ins AS (
    INSERT INTO di_rf1 (time, device, value, note)
    VALUES ('2024-01-05 03:00', 7, 1, 'cte'), ('2024-01-05 04:00', 7, 2, 'cte'),
           ('2024-01-06 03:00', 7, 3, 'cte')
    RETURNING device, value
)
SELECT device, count(*), sum(value) FROM ins GROUP BY device;
WITH ins AS (
    INSERT INTO di_rf1 (time, device, value, note)
    VALUES ('2024-01-05 05:00', 8, 1, 'cte unread'), ('2024-01-06 05:00', 8, 2, 'cte unread')
    RETURNING *
)
SELECT 'not reading ins' AS main_query;
WITH ins AS (
    INSERT INTO di_rf1 (time, device, value, note)
    VALUES ('2024-01-05 06:00', 9, 1, 'cte partly read'), ('2024-01-06 06:00', 9, 2, 'cte partly read')
    RETURNING *
)
SELECT device FROM ins LIMIT 1;
SELECT note, count(*) FROM di_rf1 WHERE note LIKE 'cte%' GROUP BY note ORDER BY note;

---------------------------------------------------------------------------
-- Prepared INSERTs: after five executions the generic plan is used; chunks
-- made after the statement was planned are found.
---------------------------------------------------------------------------
PREPARE di_ins (timestamptz, integer, float8) AS
    INSERT INTO di_rf1 (time, device, value, note) VALUES ($1, $2, $3, 'prepared');
EXPLAIN (COSTS OFF) EXECUTE di_ins('2024-01-05', 1, 1);
\set QUIET off
EXECUTE di_ins('2024-01-05 07:00', 1, 1);
EXECUTE di_ins('2024-01-05 07:00', 2, 2);
EXECUTE di_ins('2024-01-05 07:00', 3, 3);
EXECUTE di_ins('2024-01-05 07:00', 4, 4);
EXECUTE di_ins('2024-01-05 07:00', 5, 5);
EXECUTE di_ins('2024-01-07 07:00', 6, 6);
EXECUTE di_ins('2024-01-08 07:00', 7, 7);
EXECUTE di_ins('2024-01-06 07:00', 8, 8);
\set QUIET on
SELECT name, generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'di_ins';
PREPARE di_ins_ret (timestamptz, integer) AS
    INSERT INTO di_rf1 (time, device, note) VALUES ($1, $2, 'prepared returning')
    RETURNING device, value, note;
EXECUTE di_ins_ret('2024-01-05 08:00', 1);
EXECUTE di_ins_ret('2024-01-05 08:00', 2);
EXECUTE di_ins_ret('2024-01-05 08:00', 3);
EXECUTE di_ins_ret('2024-01-05 08:00', 4);
EXECUTE di_ins_ret('2024-01-05 08:00', 5);
EXECUTE di_ins_ret('2024-01-09 08:00', 6);
SELECT name, generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'di_ins_ret';
SELECT time, device, value, note FROM di_rf1 WHERE note LIKE 'prepared%' ORDER BY time, device;
DEALLOCATE di_ins;
DEALLOCATE di_ins_ret;

---------------------------------------------------------------------------
-- COPY FROM STDIN: text, csv; with a column list, the other columns get
-- their defaults.  The command tag counts the rows.
---------------------------------------------------------------------------
\set QUIET off
COPY di_rf1 FROM STDIN;
2024-01-02 01:00:00+00	11	1.5	copy text
2024-01-03 01:00:00+00	11	2.5	copy text, tab\there
2024-01-04 01:00:00+00	11	\N	\N
\.
COPY di_rf1 (time, device, value, note) FROM STDIN (FORMAT csv, HEADER);
time,device,value,note
2024-01-02 02:00:00+00,12,1.5,"copy csv, with comma"
2024-01-03 02:00:00+00,12,,"copy csv ""quoted"""
\.
COPY di_rf1 (device, time) FROM STDIN;
13	2024-01-02 03:00:00+00
13	2024-01-03 03:00:00+00
\.
\set QUIET on
SELECT * FROM di_rf1 WHERE device IN (11, 12, 13) ORDER BY device, time;

-- COPY binary, through a file (written by the server).
\set binfile '/tmp/timeshard_dist_ingest_' :PORT '.bin'
\set QUIET off
COPY (SELECT t, 14, 14.5::float8, 'copy binary'::text
        FROM generate_series('2024-01-02 04:00'::timestamptz, '2024-01-06 04:00', interval '1 day') t)
  TO :'binfile' (FORMAT binary);
COPY di_rf1 FROM :'binfile' (FORMAT binary);
\set QUIET on
SELECT * FROM di_rf1 WHERE device = 14 ORDER BY time;
-- COPY FROM ... WHERE is not supported.
COPY di_rf1 FROM STDIN WHERE device > 0;
\.

---------------------------------------------------------------------------
-- INSERT ... SELECT from another distributed hypertable.
---------------------------------------------------------------------------
\set QUIET off
INSERT INTO di_rf2 (time, device, value)
SELECT t, d, d * 1.5
  FROM generate_series('2024-01-01'::timestamptz, '2024-01-14', interval '1 day') t,
       generate_series(1, 6) d;
-- A NULL partitioning value goes to partition 0, as in PostgreSQL's hash partitioning.
INSERT INTO di_rf2 VALUES ('2024-01-01 12:00', NULL, 0);
INSERT INTO di_rf1 (time, device, value, note)
SELECT time + interval '30 minutes', device, value, 'from di_rf2' FROM di_rf2 WHERE device = 3;
\set QUIET on
SELECT time, device, value, note FROM di_rf1 WHERE note = 'from di_rf2' ORDER BY time;

---------------------------------------------------------------------------
-- Space partitioning and replication: each row goes to the two nodes of
-- its hash partition.
---------------------------------------------------------------------------
SELECT p.remainder AS partition, p.data_nodes
  FROM timeshard_catalog.dimension_partition p
  JOIN timeshard_catalog.dimension d ON d.id = p.dimension_id
 WHERE d.column_name = 'device' ORDER BY 1;
SELECT device, timeshard_internal.get_partition_hash(device, 3) AS partition
  FROM (SELECT DISTINCT device FROM di_rf2) d ORDER BY device;
-- Nine chunks: three weeks times three partitions.  Each chunk is read from
-- its first node (the partition's primary).
SELECT * FROM di_chunks WHERE hypertable = 'di_rf2';
-- Reading gives each row once, although every row is stored twice.
SELECT count(*), count(DISTINCT (time, device)) AS distinct_rows, sum(value) FROM di_rf2;
SELECT tableoid::regclass AS chunk, count(*) AS rows, array_agg(DISTINCT device) AS devices
  FROM di_rf2 GROUP BY 1 ORDER BY 1;
SELECT * FROM di_rf2 WHERE time < '2024-01-02' ORDER BY time, device;
-- Chunks per node.
SELECT n.node_name, count(*) AS chunks
  FROM timeshard_catalog.chunk_data_node n JOIN timeshard_catalog.chunk c ON c.id = n.chunk_id
  JOIN timeshard_catalog.hypertable h ON h.id = c.hypertable_id
 WHERE h.table_name = 'di_rf2' GROUP BY 1 ORDER BY 1;

---------------------------------------------------------------------------
-- Bad rows fail the statement, and no row of it is stored on any node.
---------------------------------------------------------------------------
CREATE TABLE di_before AS
SELECT tableoid::regclass::text AS chunk, count(*) AS rows FROM di_rf1 GROUP BY 1
UNION ALL
SELECT tableoid::regclass::text, count(*) FROM di_rf2 GROUP BY 1;
-- NULL time: the time decides the chunk.
INSERT INTO di_rf1 VALUES (NULL, 1, 1);
INSERT INTO di_rf1 VALUES ('2024-01-01 20:00', 1, 1, 'good'), (NULL, 1, 1, 'bad'), ('2024-01-02 20:00', 1, 1, 'good');
INSERT INTO di_rf1 (device, value) VALUES (1, 1);
-- A value of the wrong type.
COPY di_rf1 FROM STDIN;
2024-01-01 21:00:00+00	1	1	good
2024-01-02 21:00:00+00	1	one	bad
\.
COPY di_rf2 FROM STDIN (FORMAT csv);
2024-01-01 21:00:00+00,1,1
not a time,1,1
\.
-- A CHECK constraint of the hypertable: checked on the access node.
INSERT INTO di_rf1 VALUES ('2024-01-01 22:00', 1, 1, 'good'), ('2024-01-02 22:00', 1, -1, 'bad');
-- A constraint that only one data node has: the node rejects the row, the
-- error names the node, and the good rows (for the other nodes too) are not
-- stored either.
CALL distributed_exec($$ALTER TABLE di_rf1 ADD CONSTRAINT di_rf1_node_check CHECK (device < 1000)$$,
                      node_list => '{di_3}');
SELECT chunk, data_nodes FROM di_chunks WHERE hypertable = 'di_rf1' AND range LIKE '01-02%';
INSERT INTO di_rf1 VALUES ('2024-01-01 23:00', 1, 1, 'good'), ('2024-01-02 23:00', 1000, 1, 'bad'),
                          ('2024-01-03 23:00', 1, 1, 'good');
COPY di_rf1 FROM STDIN;
2024-01-01 23:00:00+00	1	1	good
2024-01-03 23:00:00+00	1	1	good
2024-01-02 23:00:00+00	1000	1	bad
\.
INSERT INTO di_rf1 (time, device, value, note)
SELECT t, 1000, 1, 'bad' FROM generate_series('2024-01-01 23:30'::timestamptz, '2024-01-03 23:30', interval '1 day') t;
CALL distributed_exec('ALTER TABLE di_rf1 DROP CONSTRAINT di_rf1_node_check', node_list => '{di_3}');
-- A unique constraint, checked by the nodes (both replicas have the row).
INSERT INTO di_rf2 VALUES ('2024-01-20', 1, 1), ('2024-01-01', 1, 1);
-- Rolled back: nothing either.
BEGIN;
INSERT INTO di_rf1 VALUES ('2024-01-01 23:45', 1, 1, 'rolled back');
SELECT count(*) AS seen_in_transaction FROM di_rf1 WHERE note = 'rolled back';
ROLLBACK;
-- Nothing changed, and no chunk was left behind by the failed statements.
SELECT b.chunk, b.rows AS before, a.rows AS after
  FROM di_before b
  FULL JOIN (SELECT tableoid::regclass::text AS chunk, count(*) AS rows FROM di_rf1 GROUP BY 1
             UNION ALL
             SELECT tableoid::regclass::text, count(*) FROM di_rf2 GROUP BY 1) a USING (chunk)
 WHERE a.rows IS DISTINCT FROM b.rows;
SELECT count(*) AS chunks FROM timeshard_catalog.chunk;
-- The session goes on working.
\set QUIET off
INSERT INTO di_rf1 VALUES ('2024-01-02 23:00', 999, 1, 'after errors');
\set QUIET on

---------------------------------------------------------------------------
-- What the data nodes have: each node holds the rows of the chunks placed
-- on it, and each di_rf2 chunk is on two nodes with the same rows.
---------------------------------------------------------------------------
SELECT hypertable, chunk, data_nodes, rows
  FROM di_chunks
  JOIN (SELECT tableoid::regclass::text AS chunk_name, count(*) AS rows FROM di_rf1 GROUP BY 1
        UNION ALL
        SELECT tableoid::regclass::text, count(*) FROM di_rf2 GROUP BY 1) r
    ON r.chunk_name = 'timeshard_internal.' || chunk
 ORDER BY hypertable, length(chunk), chunk;
SELECT node, sum(rows) AS rows, count(*) AS chunks
  FROM (SELECT unnest(data_nodes) AS node, hypertable, rows
          FROM di_chunks
          JOIN (SELECT tableoid::regclass::text AS chunk_name, count(*) AS rows FROM di_rf1 GROUP BY 1
                UNION ALL
                SELECT tableoid::regclass::text, count(*) FROM di_rf2 GROUP BY 1) r
            ON r.chunk_name = 'timeshard_internal.' || chunk) n
 GROUP BY node ORDER BY node;
SELECT 'di_rf1' AS hypertable, count(*) FROM di_rf1 UNION ALL SELECT 'di_rf2', count(*) FROM di_rf2;
\c di_db1
SELECT * FROM (
    SELECT 'di_rf1' AS hypertable, tableoid::regclass::text AS chunk, count(*) AS rows FROM di_rf1 GROUP BY 2
    UNION ALL
    SELECT 'di_rf2', tableoid::regclass::text, count(*) FROM di_rf2 GROUP BY 2) c
 ORDER BY 1, length(chunk), chunk;
SELECT count(*) AS bad_rows FROM di_rf1 WHERE note IN ('bad', 'good', 'rolled back');
SELECT count(*) AS rows FROM di_rf2 WHERE device IS NULL;
SELECT device, timeshard_internal.get_partition_hash(device, 3) AS partition, count(*)
  FROM di_rf2 GROUP BY 1 ORDER BY 1;
\c di_db2
SELECT * FROM (
    SELECT 'di_rf1' AS hypertable, tableoid::regclass::text AS chunk, count(*) AS rows FROM di_rf1 GROUP BY 2
    UNION ALL
    SELECT 'di_rf2', tableoid::regclass::text, count(*) FROM di_rf2 GROUP BY 2) c
 ORDER BY 1, length(chunk), chunk;
SELECT count(*) AS bad_rows FROM di_rf1 WHERE note IN ('bad', 'good', 'rolled back');
SELECT device, timeshard_internal.get_partition_hash(device, 3) AS partition, count(*)
  FROM di_rf2 GROUP BY 1 ORDER BY 1;
\c di_db3
SELECT * FROM (
    SELECT 'di_rf1' AS hypertable, tableoid::regclass::text AS chunk, count(*) AS rows FROM di_rf1 GROUP BY 2
    UNION ALL
    SELECT 'di_rf2', tableoid::regclass::text, count(*) FROM di_rf2 GROUP BY 2) c
 ORDER BY 1, length(chunk), chunk;
SELECT count(*) AS bad_rows FROM di_rf1 WHERE note IN ('bad', 'good', 'rolled back');
SELECT device, timeshard_internal.get_partition_hash(device, 3) AS partition, count(*)
  FROM di_rf2 GROUP BY 1 ORDER BY 1;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- Column types.  Built-in types travel in binary form; a table with a
-- user-defined type (here an enum, in a schema the nodes have too) travels
-- as text.  Both give back exactly what went in, NULLs included.
---------------------------------------------------------------------------
CREATE SCHEMA di_udt;
CREATE TYPE di_udt.mood AS ENUM ('sad', 'ok', 'happy');
CALL distributed_exec($$CREATE SCHEMA di_udt; CREATE TYPE di_udt.mood AS ENUM ('sad', 'ok', 'happy')$$);
CREATE TABLE di_types_src (
    time  timestamptz NOT NULL,
    id    integer,
    t     text,
    n     numeric,
    f     float8,
    j     jsonb,
    a     integer[],
    ta    text[],
    b     bytea,
    m     di_udt.mood,
    ma    di_udt.mood[]
);
INSERT INTO di_types_src VALUES
    ('2024-01-01 00:00:00.123456', 1, E'tab\there, newline\nand backslash \\ end', 123456789012345678901234567890.123456789,
     1.5e300, '{"a": [1, 2, {"b": null}], "ü": "€"}', '{1,NULL,3}', '{"x y","",NULL,"q\"uote"}',
     '\xdeadbeef00', 'happy', '{sad,ok}'),
    ('2024-01-02', 2, '', 'NaN', 'NaN', 'null', '{}', '{}', '\x', 'sad', '{}'),
    ('2024-01-03', 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    ('2024-01-04', 4, '\N', -0.000001, '-Infinity', '[]', '{{1,2},{3,4}}', '{NULL}', '\x5c4e', 'ok', '{NULL,happy}');
CREATE TABLE di_types (LIKE di_types_src);
SELECT * FROM create_distributed_hypertable('di_types', 'time');
CREATE TABLE di_builtin (LIKE di_types_src);
ALTER TABLE di_builtin DROP COLUMN m, DROP COLUMN ma;
SELECT * FROM create_distributed_hypertable('di_builtin', 'time');
\set QUIET off
INSERT INTO di_types SELECT * FROM di_types_src;
INSERT INTO di_builtin SELECT time, id, t, n, f, j, a, ta, b FROM di_types_src;
\set QUIET on
SELECT * FROM di_types ORDER BY id;
-- The same rows, both ways.
SELECT * FROM di_types EXCEPT ALL SELECT * FROM di_types_src;
SELECT * FROM di_types_src EXCEPT ALL SELECT * FROM di_types;
SELECT * FROM di_builtin EXCEPT ALL SELECT time, id, t, n, f, j, a, ta, b FROM di_types_src;
SELECT time, id, t, n, f, j, a, ta, b FROM di_types_src EXCEPT ALL SELECT * FROM di_builtin;
-- COPY in every format gives the same rows too (binary input included,
-- for both transfer forms).
\set typesfile '/tmp/timeshard_dist_ingest_types_' :PORT '.bin'
COPY di_types_src TO :'typesfile' (FORMAT binary);
TRUNCATE di_types_src;
\set QUIET off
COPY di_types_src FROM :'typesfile' (FORMAT binary);
\set QUIET on
CREATE TABLE di_types_copy (LIKE di_types_src);
SELECT * FROM create_distributed_hypertable('di_types_copy', 'time', data_nodes => '{di_1,di_2}');
CREATE TABLE di_builtin_copy (LIKE di_builtin);
SELECT * FROM create_distributed_hypertable('di_builtin_copy', 'time', data_nodes => '{di_2,di_3}');
\set QUIET off
COPY di_types_copy FROM :'typesfile' (FORMAT binary);
COPY (SELECT time, id, t, n, f, j, a, ta, b FROM di_types_src) TO :'typesfile' (FORMAT binary);
COPY di_builtin_copy FROM :'typesfile' (FORMAT binary);
\set QUIET on
SELECT * FROM di_types_copy EXCEPT ALL SELECT * FROM di_types_src;
SELECT * FROM di_types_src EXCEPT ALL SELECT * FROM di_types_copy;
SELECT * FROM di_builtin_copy EXCEPT ALL SELECT * FROM di_builtin;
SELECT * FROM di_builtin EXCEPT ALL SELECT * FROM di_builtin_copy;
SELECT count(*) AS types_copy, (SELECT count(*) FROM di_builtin_copy) AS builtin_copy FROM di_types_copy;
-- ... and in text and csv.
CREATE TABLE di_types_text (LIKE di_types_src);
SELECT * FROM create_distributed_hypertable('di_types_text', 'time');
CREATE TABLE di_types_csv (LIKE di_types_src);
SELECT * FROM create_distributed_hypertable('di_types_csv', 'time');
\set QUIET off
COPY di_types_text FROM STDIN;
2024-01-01 00:00:00.123456+00	1	tab\there, newline\nand backslash \\ end	123456789012345678901234567890.123456789	1.5e+300	{"a": [1, 2, {"b": null}], "ü": "€"}	{1,NULL,3}	{"x y","",NULL,"q\\"uote"}	\\xdeadbeef00	happy	{sad,ok}
2024-01-02 00:00:00+00	2		NaN	NaN	null	{}	{}	\\x	sad	{}
2024-01-03 00:00:00+00	3	\N	\N	\N	\N	\N	\N	\N	\N	\N
2024-01-04 00:00:00+00	4	\\N	-0.000001	-Infinity	[]	{{1,2},{3,4}}	{NULL}	\\x5c4e	ok	{NULL,happy}
\.
\set QUIET on
SELECT * FROM di_types_text EXCEPT ALL SELECT * FROM di_types_src;
SELECT * FROM di_types_src EXCEPT ALL SELECT * FROM di_types_text;
\set QUIET off
COPY di_types_csv FROM STDIN (FORMAT csv);
2024-01-01 00:00:00.123456+00,1,"tab	here, newline
and backslash \ end",123456789012345678901234567890.123456789,1.5e+300,"{""a"": [1, 2, {""b"": null}], ""ü"": ""€""}","{1,NULL,3}","{""x y"","""",NULL,""q\""uote""}",\xdeadbeef00,happy,"{sad,ok}"
2024-01-02 00:00:00+00,2,"",NaN,NaN,null,{},{},\x,sad,{}
2024-01-03 00:00:00+00,3,,,,,,,,,
2024-01-04 00:00:00+00,4,\N,-0.000001,-Infinity,[],"{{1,2},{3,4}}",{NULL},\x5c4e,ok,"{NULL,happy}"
\.
\set QUIET on
SELECT * FROM di_types_csv EXCEPT ALL SELECT * FROM di_types_src;
SELECT * FROM di_types_src EXCEPT ALL SELECT * FROM di_types_csv;
-- On the node of the chunk, the enum values are the node's own.
SELECT chunk, data_nodes FROM di_chunks WHERE hypertable = 'di_types';
\c di_db2
SELECT id, m, ma, pg_typeof(m) FROM di_types ORDER BY id;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- Defaults from a sequence are filled on the access node; generated
-- columns are computed on the data nodes.
---------------------------------------------------------------------------
CREATE TABLE di_gen (
    time   timestamptz NOT NULL,
    id     serial,
    v      integer,
    v2     integer GENERATED ALWAYS AS (v * 2) STORED
);
SELECT * FROM create_distributed_hypertable('di_gen', 'time');
\set QUIET off
INSERT INTO di_gen (time, v) VALUES ('2024-01-01', 1), ('2024-01-02', 2) RETURNING *;
COPY di_gen (time, v) FROM STDIN;
2024-01-01 01:00:00+00	3
2024-01-02 01:00:00+00	4
\.
\set QUIET on
SELECT * FROM di_gen ORDER BY id;

---------------------------------------------------------------------------
-- COPY TO of a hypertable reads every chunk.  INSERT ... SELECT from the
-- hypertable itself reads only the rows that were there when it began.
---------------------------------------------------------------------------
CREATE TABLE di_small (time timestamptz NOT NULL, v integer);
SELECT * FROM create_distributed_hypertable('di_small', 'time', chunk_time_interval => interval '1 day');
INSERT INTO di_small VALUES ('2024-01-01 01:00', 1), ('2024-01-01 02:00', 2), ('2024-01-02 01:00', 3),
                            ('2024-01-03 01:00', 4);
COPY di_small TO STDOUT;
COPY di_small (v) TO STDOUT (FORMAT csv, HEADER);
\set QUIET off
INSERT INTO di_small SELECT time + interval '1 day', v * 10 FROM di_small;
\set QUIET on
SELECT * FROM di_small ORDER BY time, v;

---------------------------------------------------------------------------
-- Clean up.
---------------------------------------------------------------------------
\set rmcmd 'rm -f ' :'binfile' ' ' :'typesfile'
COPY (SELECT WHERE false) TO PROGRAM :'rmcmd';
-- COPY checks each row on the access node as INSERT does: a NULL time or
-- a failed CHECK stops the COPY, names the line, and leaves nothing behind.
SELECT count(*) AS before FROM di_rf1;
COPY di_rf1 (time, device, value) FROM STDIN;
2024-01-03 00:00:00+00	1	1
\N	1	1
\.
COPY di_rf1 (time, device, value) FROM STDIN;
2024-01-03 00:00:00+00	1	1
2024-01-03 00:00:00+00	1	-1
\.
SELECT count(*) AS after FROM di_rf1;

DROP VIEW di_chunks;
DROP TABLE di_rf1, di_rf2, di_types, di_builtin, di_types_copy, di_builtin_copy, di_types_text, di_types_csv,
           di_gen, di_small;
DROP TABLE di_before, di_types_src;
SELECT delete_data_node('di_1', drop_database => true);
SELECT delete_data_node('di_2', drop_database => true);
SELECT delete_data_node('di_3', drop_database => true);
DROP TYPE di_udt.mood;
DROP SCHEMA di_udt;
DROP EXTENSION timeshard;
