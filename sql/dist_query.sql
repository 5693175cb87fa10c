-- Reads of distributed hypertables give exactly the rows PostgreSQL gives
-- for the same data in a plain table.  The same generated rows (every
-- column type of time-series tables, NULLs in most columns) are loaded into
-- a local table, dq_local, and into three distributed hypertables over three
-- data nodes:
--   dq_rf1    space-partitioned by device (3 partitions), 2-day chunks,
--             replication factor 1;
--   dq_rf2    space-partitioned by host (4 partitions), 3-day chunks,
--             replication factor 2;
--   dq_tonly  time only, 1-day chunks, replication factor 1.
-- dq_check(query) runs the query, with @T standing for the table, on
-- dq_local and on each hypertable, and counts the rows that differ in
-- either direction (EXCEPT ALL both ways; with ordered => true the row
-- positions count too): every *_diff must be 0.  A few results are printed
-- as well.  The session runs in a time zone that is not UTC, with a fetch
-- size small enough that every node sends many batches.
-- The expected output is plain PostgreSQL's answer: it is the output of this
-- file run with the three \set lines below naming dq_local, those three
-- lines put back as they are.
\set VERBOSITY default
SET client_min_messages = notice;
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';
-- Newfoundland: 3:30 behind UTC, 2:30 once daylight saving time starts on
-- 2024-03-10, in the middle of the data.
SET timezone = 'America/St_Johns';
CREATE EXTENSION timeshard;
SELECT node_name FROM add_data_node('dq_1', host => '127.0.0.1', database => 'dq_db1');
SELECT node_name FROM add_data_node('dq_2', host => '127.0.0.1', database => 'dq_db2');
SELECT node_name FROM add_data_node('dq_3', host => '127.0.0.1', database => 'dq_db3');
SET timeshard.fetch_size = 97;

-- The tables the queries below read.
\set rf1 dq_rf1
\set rf2 dq_rf2
\set tonly dq_tonly

---------------------------------------------------------------------------
-- The data: 12 days (2024-03-04 .. 03-15 UTC), seven devices reporting
-- every 10 minutes, 12096 rows.
---------------------------------------------------------------------------
CREATE TABLE dq_local (
    time   timestamptz NOT NULL,
    device integer,          -- NULL in 1 row of 97
    host   text,             -- NULL in 1 row of 211
    seq    bigint,
    small  smallint,
    v      float8,           -- NULL in 1 row of 13; multiples of 0.25, so sums are exact
    n      numeric(10,3),    -- NULL in 1 row of 17
    ok     boolean,          -- NULL in 1 row of 11
    day    date,
    ts     timestamp,
    note   text,             -- NULL in 1 row of 5
    js     jsonb
);
INSERT INTO dq_local
SELECT '2024-03-04 00:00:00+00'::timestamptz + (i / 7) * interval '10 min',
       CASE WHEN i % 97 = 0 THEN NULL ELSE i % 7 + 1 END,
       CASE WHEN i % 211 = 0 THEN NULL ELSE 'host_' || (i % 5) END,
       i::bigint * 1000003,
       (i % 301 - 150)::smallint,
       CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 37 % 401) * 0.25 - 50 END,
       CASE WHEN i % 17 = 0 THEN NULL ELSE (i * 7919 % 100000) / 1000.0 END,
       CASE WHEN i % 11 = 0 THEN NULL ELSE i % 3 <> 0 END,
       date '2024-03-04' + i / 1008,
       timestamp '2024-03-04 00:00:30' + (i / 7) * interval '10 min',
       CASE WHEN i % 5 = 0 THEN NULL ELSE 'n' || (i % 23) END,
       jsonb_build_object('k', i % 4, 'tag', 'x' || (i % 3))
  FROM generate_series(0, 12095) i;

-- The hypertables have the same columns.  Indexes made before
-- create_distributed_hypertable are made on the data nodes too;
-- (device, time DESC) serves the "last point of every device" query.
CREATE TABLE dq_rf1 (LIKE dq_local);
CREATE INDEX ON dq_rf1 (device, time DESC);
SELECT table_name FROM create_distributed_hypertable('dq_rf1', 'time', 'device', number_partitions => 3,
                                                     chunk_time_interval => interval '2 days');
CREATE TABLE dq_rf2 (LIKE dq_local);
CREATE INDEX ON dq_rf2 (host, time DESC);
CREATE INDEX ON dq_rf2 (device, time DESC);
SELECT table_name FROM create_distributed_hypertable('dq_rf2', 'time', 'host', number_partitions => 4,
                                                     chunk_time_interval => interval '3 days',
                                                     replication_factor => 2);
CREATE TABLE dq_tonly (LIKE dq_local);
CREATE INDEX ON dq_tonly (device, time DESC);
SELECT table_name FROM create_distributed_hypertable('dq_tonly', 'time',
                                                     chunk_time_interval => interval '1 day');
INSERT INTO dq_rf1 SELECT * FROM dq_local;
INSERT INTO dq_rf2 SELECT * FROM dq_local;
INSERT INTO dq_tonly SELECT * FROM dq_local;
-- Chunks per hypertable and replica set: every node holds several.
SELECT hypertable_name, data_nodes, count(*) AS chunks
  FROM timeshard_information.chunks GROUP BY 1, 2 ORDER BY 1, 2;

-- A small local table to join with: devices 1..6 (7 has no row here, 8
-- has no readings) and where they are.
CREATE TABLE dq_devices (device integer PRIMARY KEY, name text, site text);
INSERT INTO dq_devices VALUES (1, 'alpha', 'north'), (2, 'bravo', 'north'), (3, 'charlie', 'south'),
                              (4, 'delta', 'south'), (5, 'echo', 'east'), (6, 'foxtrot', 'east'),
                              (8, 'hotel', 'west');

---------------------------------------------------------------------------
-- The checker.
---------------------------------------------------------------------------
CREATE TABLE dq_targets (pos integer, name text);
INSERT INTO dq_targets VALUES (1, :'rf1'), (2, :'rf2'), (3, :'tonly');

CREATE FUNCTION dq_check(query text, ordered boolean DEFAULT false,
                         OUT local_rows bigint, OUT rf1_diff bigint, OUT rf2_diff bigint,
                         OUT tonly_diff bigint)
LANGUAGE plpgsql AS $$
DECLARE
    reference text := replace(query, '@T', 'dq_local');
    numbered text := CASE WHEN ordered THEN 'row_number() OVER () AS dq_position, ' ELSE '' END;
    diffs bigint[] := '{}';
    target record;
    diff bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM (%s) q', reference) INTO local_rows;
    FOR target IN SELECT name FROM dq_targets ORDER BY pos LOOP
        EXECUTE format($q$
            WITH l AS MATERIALIZED (SELECT %1$s q.* FROM (%2$s) q),
                 d AS MATERIALIZED (SELECT %1$s q.* FROM (%3$s) q)
            SELECT count(*) FROM ((TABLE l EXCEPT ALL TABLE d) UNION ALL (TABLE d EXCEPT ALL TABLE l)) x$q$,
            numbered, reference, replace(query, '@T', target.name))
          INTO diff;
        diffs := diffs || diff;
    END LOOP;
    rf1_diff := diffs[1];
    rf2_diff := diffs[2];
    tonly_diff := diffs[3];
END
$$;

-- Prepared statements: dq_check_prepared(name, args) executes name_local,
-- name_rf1, name_rf2 and name_tonly with the same arguments and compares
-- their rows, in order.
CREATE FUNCTION dq_check_prepared(stmt text, args text,
                                  OUT local_rows bigint, OUT rf1_diff bigint, OUT rf2_diff bigint,
                                  OUT tonly_diff bigint)
LANGUAGE plpgsql AS $$
DECLARE
    diffs bigint[] := '{}';
    suffix text;
    diff bigint;
BEGIN
    EXECUTE format('CREATE TEMP TABLE dq_res_local AS EXECUTE %I(%s)', stmt || '_local', args);
    SELECT count(*) INTO local_rows FROM dq_res_local;
    FOREACH suffix IN ARRAY ARRAY['_rf1', '_rf2', '_tonly'] LOOP
        EXECUTE format('CREATE TEMP TABLE dq_res_dist AS EXECUTE %I(%s)', stmt || suffix, args);
        WITH l AS (SELECT row_number() OVER (ORDER BY ctid) AS pos, r.* FROM dq_res_local r),
             d AS (SELECT row_number() OVER (ORDER BY ctid) AS pos, r.* FROM dq_res_dist r)
        SELECT count(*) INTO diff
          FROM ((TABLE l EXCEPT ALL TABLE d) UNION ALL (TABLE d EXCEPT ALL TABLE l)) x;
        diffs := diffs || diff;
        DROP TABLE dq_res_dist;
    END LOOP;
    DROP TABLE dq_res_local;
    rf1_diff := diffs[1];
    rf2_diff := diffs[2];
    tonly_diff := diffs[3];
END
$$;

---------------------------------------------------------------------------
-- Rows: WHERE, ORDER BY, LIMIT, OFFSET.
---------------------------------------------------------------------------
-- 1. Every row, every column.
SELECT * FROM dq_check($$ SELECT * FROM @T $$);
-- 2. Conditions on several columns, with NULLs.
SELECT * FROM dq_check($$ SELECT time, device, v, n FROM @T WHERE v > 10 AND device IN (1, 3) AND n IS NOT NULL $$);
SELECT * FROM dq_check($$ SELECT time, device, host, ok, note FROM @T WHERE ok IS NULL OR note IS NULL OR host IS NULL $$);
SELECT * FROM dq_check($$ SELECT time, device FROM @T WHERE device IS NULL $$);
-- 3. Text, jsonb, smallint, bigint, date and timestamp columns.
SELECT * FROM dq_check($$ SELECT time, note, js FROM @T WHERE note LIKE 'n1%' AND js->>'tag' = 'x1' AND (js->'k')::int > 1 $$);
SELECT * FROM dq_check($$ SELECT time, small, seq FROM @T WHERE small BETWEEN -10 AND 10 AND seq % 3 = 0 $$);
SELECT * FROM dq_check($$ SELECT time, day, ts FROM @T WHERE day = date '2024-03-10' AND ts < timestamp '2024-03-10 06:00' $$);
-- 4. A time range in local time, across the switch to daylight saving time
-- (excludes chunks).
SELECT * FROM dq_check($$ SELECT * FROM @T WHERE time >= '2024-03-09 22:00' AND time < '2024-03-10 06:00' $$);
-- 5. One device, one host: chunks of other space partitions are excluded.
SELECT * FROM dq_check($$ SELECT * FROM @T WHERE device = 3 $$);
SELECT * FROM dq_check($$ SELECT * FROM @T WHERE host = 'host_2' AND time < '2024-03-06' $$);
SELECT * FROM dq_check($$ SELECT time, device FROM @T WHERE device = ANY ('{2,4,9}') AND time > '2024-03-14' $$);
-- 6. Stable functions of a column, which depend on the time zone.
SELECT * FROM dq_check($$ SELECT time, device FROM @T WHERE date_trunc('day', time) = '2024-03-10' $$);
SELECT * FROM dq_check($$ SELECT time, day FROM @T WHERE time::date <> day $$);
SELECT * FROM dq_check($$ SELECT time, device FROM @T WHERE extract(hour FROM time) = 2 AND device = 5 $$);
SELECT * FROM dq_check($$ SELECT time, ts FROM @T WHERE ts::timestamptz < '2024-03-10 03:00' AND ts::timestamptz > '2024-03-09 23:00' $$);
-- 7. Relative to now(): every row is in the past, none in the future.
SELECT * FROM dq_check($$ SELECT time, device FROM @T WHERE time > now() - interval '100 years' AND time <= now() $$);
SELECT * FROM dq_check($$ SELECT time, device FROM @T WHERE time > now() $$);
SELECT * FROM dq_check($$ SELECT time, device FROM @T WHERE day < CURRENT_DATE AND ts < LOCALTIMESTAMP AND device = 4 $$);
-- 8. CASE, COALESCE, NULLIF, IS DISTINCT FROM.
SELECT * FROM dq_check($$ SELECT time, device, v FROM @T WHERE CASE device WHEN 1 THEN v > 40 WHEN 2 THEN v < -45 ELSE false END $$);
SELECT * FROM dq_check($$ SELECT time, device, v FROM @T WHERE CASE WHEN v > 45 THEN 'high' WHEN v < -45 THEN 'low' END = 'high' $$);
SELECT * FROM dq_check($$ SELECT time, device FROM @T WHERE coalesce(note, 'none') = 'none' AND nullif(device, 7) IS DISTINCT FROM device $$);
-- 8a. Booleans, patterns, jsonb containment, arrays.
SELECT * FROM dq_check($$ SELECT time, device FROM @T WHERE ok AND NOT (device = 1 OR device = 2) $$);
SELECT * FROM dq_check($$ SELECT time, note FROM @T WHERE note ~ '^n1[0-9]$' AND note NOT ILIKE 'N15' $$);
SELECT * FROM dq_check($$ SELECT time, js FROM @T WHERE js @> '{"k": 1, "tag": "x2"}' $$);
SELECT * FROM dq_check($$ SELECT time, small FROM @T WHERE small = ANY (ARRAY[1, 2, 3, -150]) $$);
-- 8b. A condition only the access node can evaluate (a user's function):
-- the nodes send every row, the limit applies after the condition.
CREATE FUNCTION dq_is_even(integer) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN $1 % 2 = 0; END $$;
SELECT * FROM dq_check($$ SELECT time, device, small FROM @T WHERE dq_is_even(small) AND device = 6 ORDER BY time, device LIMIT 20 $$, ordered => true);
SELECT * FROM dq_check($$ SELECT count(*) AS rows, sum(v) AS sum_v FROM @T WHERE dq_is_even(small) $$);
-- 8c. The latest rows, found with a subquery (its value is known only when
-- the query runs).
SELECT * FROM dq_check($$ SELECT time, device, v FROM @T WHERE time = (SELECT max(time) FROM @T) $$);
SELECT * FROM dq_check($$ SELECT time, device FROM @T WHERE time > (SELECT max(time) - interval '25 minutes' FROM @T) AND device = (SELECT min(device) FROM dq_devices) $$);
-- 8d. Whole rows.
SELECT * FROM dq_check($$ SELECT to_jsonb(t) AS doc FROM @T t WHERE t.time < '2024-03-04 00:30' $$);
-- 9. ORDER BY ... LIMIT, merged from the nodes' sorted rows.
SELECT * FROM dq_check($$ SELECT time, device, v FROM @T ORDER BY time DESC, device LIMIT 10 $$, ordered => true);
SELECT time, device, v FROM :rf1 ORDER BY time DESC, device LIMIT 10;
SELECT * FROM dq_check($$ SELECT time, device, v FROM @T ORDER BY v DESC NULLS LAST, time, device LIMIT 25 OFFSET 40 $$, ordered => true);
SELECT * FROM dq_check($$ SELECT time, device, n FROM @T ORDER BY n NULLS FIRST, time, device LIMIT 30 $$, ordered => true);
SELECT * FROM dq_check($$ SELECT time, device, note FROM @T WHERE device = 2 ORDER BY note DESC, time DESC LIMIT 15 OFFSET 5 $$, ordered => true);
SELECT * FROM dq_check($$ SELECT time, device, note FROM @T ORDER BY note COLLATE "C", time, device LIMIT 12 $$, ordered => true);
SELECT * FROM dq_check($$ SELECT time, device, v FROM @T ORDER BY abs(v) DESC NULLS LAST, time, device LIMIT 8 $$, ordered => true);
SELECT * FROM dq_check($$ SELECT time FROM @T WHERE device = 7 ORDER BY n, time LIMIT 9 $$, ordered => true);
SELECT * FROM dq_check($$ SELECT time, device FROM @T ORDER BY time LIMIT 0 $$, ordered => true);
-- 10. Every row, sorted (many batches from every node merged).
SELECT * FROM dq_check($$ SELECT time, device, seq FROM @T ORDER BY time, device $$, ordered => true);
-- 11. LIMIT without ORDER BY: any rows, but exactly that many.
SELECT * FROM dq_check($$ SELECT count(*) FROM (SELECT * FROM @T LIMIT 37) s $$);
SELECT * FROM dq_check($$ SELECT count(*) FROM (SELECT * FROM @T WHERE device = 1 OFFSET 1700) s $$);

---------------------------------------------------------------------------
-- Aggregates over the whole table: fully on the nodes when they are
-- capable of partial aggregation, combined here.
---------------------------------------------------------------------------
-- 12. count, sum, avg, min, max of every type.
SELECT * FROM dq_check($$
SELECT count(*) AS rows, count(device) AS devices, count(v) AS v, count(n) AS n, count(ok) AS ok,
       sum(v) AS sum_v, sum(n) AS sum_n, sum(seq) AS sum_seq, sum(small) AS sum_small, sum(device) AS sum_device,
       avg(v) AS avg_v, avg(n) AS avg_n, avg(seq) AS avg_seq, avg(small) AS avg_small, avg(device) AS avg_device,
       min(time) AS min_time, max(time) AS max_time, min(ts) AS min_ts, max(day) AS max_day,
       min(v) AS min_v, max(n) AS max_n, min(note) AS min_note, max(host) AS max_host, max(seq) AS max_seq
  FROM @T $$);
SELECT count(*) AS rows, count(device) AS devices, count(v) AS v, count(n) AS n, count(ok) AS ok,
       sum(v) AS sum_v, sum(n) AS sum_n, sum(seq) AS sum_seq, avg(v) AS avg_v, avg(n) AS avg_n,
       min(time) AS min_time, max(time) AS max_time, min(note) AS min_note, max(host) AS max_host
  FROM :rf2;
-- 13. Statistics: exact for numeric and integers; float8 results are
-- rounded (the nodes add their rows in another order, which changes the
-- last bits of a float8 variance).
SELECT * FROM dq_check($$
SELECT stddev(n) AS stddev_n, variance(n) AS variance_n, var_pop(seq) AS var_pop_seq,
       stddev_pop(small) AS stddev_pop_small, var_samp(device) AS var_samp_device,
       round(stddev(v)::numeric, 9) AS stddev_v, round(variance(v)::numeric, 9) AS variance_v,
       round(corr(v, small)::numeric, 9) AS corr, round(regr_slope(v, small)::numeric, 9) AS slope,
       round(covar_pop(v, small)::numeric, 6) AS covar
  FROM @T $$);
SELECT stddev(n) AS stddev_n, variance(n) AS variance_n, round(stddev(v)::numeric, 9) AS stddev_v,
       round(corr(v, small)::numeric, 9) AS corr
  FROM :rf1;
-- 14. Booleans and bits.
SELECT * FROM dq_check($$
SELECT bool_and(ok) AS all_ok, bool_or(ok) AS any_ok, every(v IS NOT NULL) AS every_v,
       bool_or(note = 'n7') AS any_n7, bit_and(small) AS bit_and, bit_or(seq) AS bit_or
  FROM @T $$);
SELECT * FROM dq_check($$ SELECT bool_and(ok) AS all_ok, bool_or(ok) AS any_ok FROM @T WHERE device = 3 AND ok $$);
-- 14a. Only min and max: PostgreSQL answers these from an index when it
-- can.
SELECT * FROM dq_check($$ SELECT max(time) AS last FROM @T $$);
SELECT max(time) AS last FROM :rf1;
SELECT * FROM dq_check($$ SELECT min(time) AS first, max(time) AS last, max(device) AS max_device FROM @T WHERE v > 0 $$);
SELECT * FROM dq_check($$ SELECT max(time) AS last FROM @T WHERE device = 5 $$);
-- 15. FILTER and aggregates of expressions.
SELECT * FROM dq_check($$
SELECT count(*) FILTER (WHERE ok) AS ok_rows, sum(v) FILTER (WHERE device = 1) AS sum_v_1,
       sum(v * small) AS weighted, avg(n / 2) AS half_n, max(length(note)) AS longest,
       min(time - ts::timestamptz) AS min_lag, avg(ts - timestamp '2024-03-01') AS avg_age
  FROM @T $$);
-- 16. No row matches: one row all the same, count 0 and NULL sums.
SELECT * FROM dq_check($$ SELECT count(*) AS rows, sum(v) AS sum_v, max(time) AS last FROM @T WHERE time < '2000-01-01' $$);
SELECT count(*) AS rows, sum(v) AS sum_v, max(time) AS last FROM :rf1 WHERE time < '2000-01-01';
SELECT * FROM dq_check($$ SELECT count(*) AS rows, avg(n) AS avg_n FROM @T WHERE device = 1 AND time > '2030-01-01' $$);
SELECT count(*) AS rows, avg(n) AS avg_n FROM :rf1 WHERE device = 1 AND time > '2030-01-01';
SELECT * FROM dq_check($$ SELECT count(*) AS rows FROM @T WHERE time > now() $$);
SELECT * FROM dq_check($$ SELECT device, count(*) AS rows FROM @T WHERE time < '2000-01-01' GROUP BY device $$);

---------------------------------------------------------------------------
-- GROUP BY: by the space column of dq_rf1 (device) or dq_rf2 (host), every
-- group lives on one node and the nodes return final groups; otherwise the
-- nodes return partial states.
---------------------------------------------------------------------------
-- 17. Per device.
SELECT * FROM dq_check($$
SELECT device, count(*) AS rows, sum(v) AS sum_v, avg(n) AS avg_n, min(time) AS first, max(time) AS last,
       stddev(n) AS stddev_n, bool_or(ok) AS any_ok, sum(seq) AS sum_seq, max(note) AS max_note
  FROM @T GROUP BY device $$);
SELECT device, count(*) AS rows, sum(v) AS sum_v, avg(n) AS avg_n, min(time) AS first, max(time) AS last
  FROM :rf1 GROUP BY device ORDER BY device;
-- 18. Per host.
SELECT * FROM dq_check($$
SELECT host, count(*) AS rows, sum(v) AS sum_v, avg(small) AS avg_small, variance(seq) AS variance_seq
  FROM @T GROUP BY host $$);
SELECT host, count(*) AS rows, sum(v) AS sum_v, avg(small) AS avg_small FROM :rf2 GROUP BY host ORDER BY host;
-- 19. Per device and day, sorted.
SELECT * FROM dq_check($$ SELECT device, day, count(*) AS rows, sum(v) AS sum_v FROM @T GROUP BY device, day ORDER BY device, day $$, ordered => true);
-- 20. By columns that are not the space column: bool and text with NULLs, jsonb.
SELECT * FROM dq_check($$ SELECT ok, count(*) AS rows, sum(n) AS sum_n FROM @T GROUP BY ok $$);
SELECT ok, count(*) AS rows, sum(n) AS sum_n FROM :rf1 GROUP BY ok ORDER BY ok;
SELECT * FROM dq_check($$ SELECT note, count(*) AS rows, avg(v) AS avg_v FROM @T GROUP BY note ORDER BY note $$, ordered => true);
SELECT * FROM dq_check($$ SELECT js->>'tag' AS tag, (js->'k')::int AS k, count(*) AS rows FROM @T GROUP BY 1, 2 $$);
-- 21. By a CASE expression.
SELECT * FROM dq_check($$ SELECT CASE device WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'other' END AS kind, count(*) AS rows FROM @T GROUP BY 1 $$);
SELECT CASE device WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'other' END AS kind, count(*) AS rows
  FROM :rf1 GROUP BY 1 ORDER BY 1;
-- 22. HAVING.
SELECT * FROM dq_check($$ SELECT device, count(*) AS rows, avg(v) AS avg_v FROM @T GROUP BY device HAVING avg(v) > -0.5 AND count(*) > 1000 $$);
SELECT device, count(*) AS rows, avg(v) AS avg_v FROM :rf1 GROUP BY device HAVING avg(v) > -0.5 AND count(*) > 1000 ORDER BY device;
SELECT * FROM dq_check($$ SELECT day, sum(n) AS sum_n FROM @T GROUP BY day HAVING sum(n) > 50000 $$);
SELECT * FROM dq_check($$ SELECT host, max(v) AS max_v FROM @T GROUP BY host HAVING bool_or(note = 'n3') AND min(small) < -140 $$);
SELECT * FROM dq_check($$ SELECT day FROM @T GROUP BY day HAVING count(*) > 1000 AND max(v) = 50 $$);
SELECT * FROM dq_check($$ SELECT device FROM @T GROUP BY device ORDER BY max(n), device $$, ordered => true);
SELECT * FROM dq_check($$ SELECT device * 10 AS tens, device % 2 = 0 AS even, count(*) AS rows FROM @T GROUP BY device $$);
SELECT * FROM dq_check($$ SELECT device % 3 AS class, count(*) AS rows, sum(n) AS sum_n FROM @T GROUP BY device % 3 $$);
-- 23. ORDER BY an aggregate, LIMIT.
SELECT * FROM dq_check($$ SELECT device, sum(v) AS sum_v FROM @T GROUP BY device ORDER BY sum(v) DESC, device LIMIT 3 $$, ordered => true);
SELECT device, sum(v) AS sum_v FROM :rf1 GROUP BY device ORDER BY sum(v) DESC, device LIMIT 3;
SELECT * FROM dq_check($$ SELECT host, count(*) AS rows FROM @T GROUP BY host ORDER BY count(*), host LIMIT 2 $$, ordered => true);
SELECT * FROM dq_check($$ SELECT note, max(time) AS last FROM @T GROUP BY note ORDER BY max(time) DESC, note LIMIT 4 OFFSET 2 $$, ordered => true);
-- 24. ORDER BY the group keys, LIMIT.
SELECT * FROM dq_check($$ SELECT device, day, count(*) AS rows FROM @T GROUP BY device, day ORDER BY device DESC, day DESC LIMIT 5 $$, ordered => true);
SELECT * FROM dq_check($$ SELECT small, count(*) AS rows FROM @T GROUP BY small ORDER BY small LIMIT 7 OFFSET 3 $$, ordered => true);
-- 25. Aggregates that have no partial form (DISTINCT, ORDER BY inside,
-- ordered-set): computed here from the rows, unless each group is on one
-- node.
SELECT * FROM dq_check($$ SELECT day, count(DISTINCT device) AS devices, count(DISTINCT note) AS notes FROM @T GROUP BY day $$);
SELECT * FROM dq_check($$ SELECT count(DISTINCT host) AS hosts, count(DISTINCT (device, ok)) AS pairs FROM @T $$);
SELECT * FROM dq_check($$ SELECT device, string_agg(DISTINCT note, ',' ORDER BY note) AS notes FROM @T GROUP BY device $$);
SELECT device, string_agg(DISTINCT note, ',' ORDER BY note) AS notes FROM :rf2 WHERE device < 3 GROUP BY device ORDER BY device;
SELECT * FROM dq_check($$ SELECT host, array_agg(small ORDER BY time, device) AS smalls FROM @T WHERE time < '2024-03-04 02:00' GROUP BY host $$);
SELECT * FROM dq_check($$ SELECT device, jsonb_agg(js ORDER BY time) AS docs FROM @T WHERE time < '2024-03-04 01:00' GROUP BY device $$);
SELECT * FROM dq_check($$
SELECT device, percentile_cont(0.5) WITHIN GROUP (ORDER BY v) AS median_v,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY n) AS p90_n, mode() WITHIN GROUP (ORDER BY note) AS common_note
  FROM @T GROUP BY device $$);
SELECT device, percentile_cont(0.5) WITHIN GROUP (ORDER BY v) AS median_v,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY n) AS p90_n, mode() WITHIN GROUP (ORDER BY note) AS common_note
  FROM :tonly GROUP BY device ORDER BY device;
SELECT * FROM dq_check($$ SELECT percentile_cont(ARRAY[0.25, 0.75]) WITHIN GROUP (ORDER BY small) AS quartiles FROM @T $$);
-- 25a. Grouping sets: computed here.
SELECT * FROM dq_check($$ SELECT device, ok, count(*) AS rows, sum(v) AS sum_v FROM @T GROUP BY ROLLUP (device, ok) $$);

---------------------------------------------------------------------------
-- time_bucket in all its forms, and date_trunc.
---------------------------------------------------------------------------
-- 26. Hourly, sorted; and per device.
SELECT * FROM dq_check($$ SELECT time_bucket('1 hour', time) AS bucket, count(*) AS rows, avg(v) AS avg_v, max(n) AS max_n FROM @T GROUP BY 1 ORDER BY 1 $$, ordered => true);
SELECT time_bucket('1 hour', time) AS bucket, count(*) AS rows, avg(v) AS avg_v, max(n) AS max_n
  FROM :rf2 WHERE time >= '2024-03-09 22:00' AND time < '2024-03-10 01:30' GROUP BY 1 ORDER BY 1;
SELECT * FROM dq_check($$ SELECT time_bucket('6 hours', time) AS bucket, device, sum(v) AS sum_v, bool_and(ok) AS all_ok FROM @T GROUP BY 1, 2 $$);
-- 27. Last five buckets (ORDER BY ... DESC LIMIT).
SELECT * FROM dq_check($$ SELECT time_bucket('15 minutes', time) AS bucket, count(*) AS rows FROM @T GROUP BY 1 ORDER BY 1 DESC LIMIT 5 $$, ordered => true);
SELECT time_bucket('15 minutes', time) AS bucket, count(*) AS rows FROM :tonly GROUP BY 1 ORDER BY 1 DESC LIMIT 5;
-- 28. Origin, offset and time zone forms; month widths.
SELECT * FROM dq_check($$ SELECT time_bucket('1 day', time, '2024-03-01 06:00'::timestamptz) AS bucket, count(*) AS rows FROM @T GROUP BY 1 $$);
SELECT * FROM dq_check($$ SELECT time_bucket('1 day', time, "offset" => interval '90 minutes') AS bucket, sum(n) AS sum_n FROM @T GROUP BY 1 $$);
SELECT * FROM dq_check($$ SELECT time_bucket('1 day', time, 'America/St_Johns') AS bucket, count(*) AS rows FROM @T GROUP BY 1 $$);
SELECT time_bucket('1 day', time, 'America/St_Johns') AS bucket, count(*) AS rows
  FROM :rf1 WHERE time >= '2024-03-08' AND time < '2024-03-12' GROUP BY 1 ORDER BY 1;
SELECT * FROM dq_check($$ SELECT time_bucket('1 day', time, 'Asia/Kathmandu', origin => '2024-03-01 00:00+05:45', "offset" => interval '1 hour') AS bucket, count(*) AS rows FROM @T GROUP BY 1 $$);
SELECT * FROM dq_check($$ SELECT time_bucket('1 month', time) AS bucket, count(*) AS rows FROM @T GROUP BY 1 $$);
-- 29. timestamp, date and integer columns.
SELECT * FROM dq_check($$ SELECT time_bucket('8 hours', ts) AS bucket, min(v) AS min_v FROM @T GROUP BY 1 $$);
SELECT * FROM dq_check($$ SELECT time_bucket('2 days', day) AS bucket, count(*) AS rows FROM @T GROUP BY 1 $$);
SELECT * FROM dq_check($$ SELECT time_bucket('1 week', day, date '2024-03-06') AS bucket, count(*) AS rows FROM @T GROUP BY 1 $$);
SELECT * FROM dq_check($$ SELECT time_bucket(50, small) AS bucket, count(*) AS rows FROM @T GROUP BY 1 $$);
SELECT * FROM dq_check($$ SELECT time_bucket(1000000000::bigint, seq, 7::bigint) AS bucket, count(*) AS rows FROM @T GROUP BY 1 $$);
-- 30. date_trunc in this session's time zone (a day of 23 hours on 03-10).
SELECT * FROM dq_check($$ SELECT date_trunc('day', time) AS day, count(*) AS rows, sum(v) AS sum_v FROM @T GROUP BY 1 ORDER BY 1 $$, ordered => true);
SELECT date_trunc('day', time) AS day, count(*) AS rows, sum(v) AS sum_v FROM :rf1 GROUP BY 1 ORDER BY 1;
-- 31. One device: every chunk on one node of dq_rf1.
SELECT * FROM dq_check($$ SELECT time_bucket('1 day', time) AS bucket, count(*) AS rows, avg(v) AS avg_v FROM @T WHERE device = 4 GROUP BY 1 ORDER BY 1 $$, ordered => true);

---------------------------------------------------------------------------
-- DISTINCT and DISTINCT ON.
---------------------------------------------------------------------------
-- 32. DISTINCT.
SELECT * FROM dq_check($$ SELECT DISTINCT device FROM @T $$);
SELECT * FROM dq_check($$ SELECT DISTINCT host, ok FROM @T $$);
SELECT * FROM dq_check($$ SELECT DISTINCT note FROM @T ORDER BY note LIMIT 6 $$, ordered => true);
SELECT DISTINCT note FROM :rf2 ORDER BY note LIMIT 6;
SELECT * FROM dq_check($$ SELECT DISTINCT time_bucket('1 day', time) AS bucket, device FROM @T WHERE v > 49 $$);
SELECT * FROM dq_check($$ SELECT DISTINCT device % 3 AS class, ok FROM @T $$);
SELECT * FROM dq_check($$ SELECT DISTINCT (device, ok) AS pair FROM @T $$);
SELECT * FROM dq_check($$ SELECT count(*) AS hosts FROM (SELECT DISTINCT host FROM @T WHERE time > '2024-03-15') s $$);
-- 33. The last point of every device (the NULL device too).
SELECT * FROM dq_check($$ SELECT DISTINCT ON (device) device, time, v, n, note FROM @T ORDER BY device, time DESC $$, ordered => true);
SELECT DISTINCT ON (device) device, time, v, n, note FROM :rf1 ORDER BY device, time DESC;
SELECT * FROM dq_check($$ SELECT DISTINCT ON (device) * FROM @T ORDER BY device, time DESC $$, ordered => true);
-- 34. ... before a time, with a condition, in reverse, limited.
SELECT * FROM dq_check($$ SELECT DISTINCT ON (device) device, time, v FROM @T WHERE time < '2024-03-08' AND v > 0 ORDER BY device, time DESC $$, ordered => true);
SELECT * FROM dq_check($$ SELECT DISTINCT ON (device) device, time, small FROM @T ORDER BY device DESC, time LIMIT 3 $$, ordered => true);
SELECT * FROM dq_check($$ SELECT DISTINCT ON (host) host, time, device FROM @T ORDER BY host, time DESC, device LIMIT 4 $$, ordered => true);
SELECT DISTINCT ON (host) host, time, device FROM :rf2 ORDER BY host, time DESC, device LIMIT 4;
SELECT * FROM dq_check($$ SELECT DISTINCT ON (device, ok) device, ok, time FROM @T ORDER BY device, ok, time DESC $$, ordered => true);
SELECT * FROM dq_check($$ SELECT DISTINCT ON (device) device, time FROM @T WHERE time > '2030-01-01' ORDER BY device, time DESC $$, ordered => true);

---------------------------------------------------------------------------
-- Joins, subqueries, window functions, set operations.
---------------------------------------------------------------------------
-- 35. Joined with the local table of devices.
SELECT * FROM dq_check($$ SELECT d.name, d.site, count(*) AS rows, avg(t.v) AS avg_v FROM @T t JOIN dq_devices d USING (device) GROUP BY d.name, d.site $$);
SELECT d.name, d.site, count(*) AS rows, avg(t.v) AS avg_v
  FROM :rf1 t JOIN dq_devices d USING (device) GROUP BY d.name, d.site ORDER BY d.name;
SELECT * FROM dq_check($$ SELECT d.site, t.time, t.v FROM @T t JOIN dq_devices d ON d.device = t.device WHERE d.site = 'east' AND t.time < '2024-03-04 03:00' $$);
SELECT * FROM dq_check($$ SELECT d.device, d.name, s.rows FROM dq_devices d LEFT JOIN (SELECT device, count(*) AS rows FROM @T GROUP BY device) s ON s.device = d.device $$);
-- 36. Correlated subqueries: the node's query is sent again for every
-- outer row, with that row's value.
SELECT * FROM dq_check($$ SELECT d.device, (SELECT max(t.time) FROM @T t WHERE t.device = d.device) AS last, (SELECT count(*) FROM @T t WHERE t.device = d.device AND t.v > 49) AS high FROM dq_devices d $$);
SELECT d.device, (SELECT max(t.time) FROM :rf1 t WHERE t.device = d.device) AS last,
       (SELECT count(*) FROM :rf1 t WHERE t.device = d.device AND t.v > 49) AS high
  FROM dq_devices d ORDER BY d.device;
SELECT * FROM dq_check($$ SELECT d.name FROM dq_devices d WHERE EXISTS (SELECT 1 FROM @T t WHERE t.device = d.device AND t.n > 99.99) $$);
SELECT * FROM dq_check($$ SELECT d.name, l.time, l.v FROM dq_devices d CROSS JOIN LATERAL (SELECT time, v FROM @T t WHERE t.device = d.device ORDER BY time DESC LIMIT 2) l $$);
-- 37. Uncorrelated subqueries and IN.
SELECT * FROM dq_check($$ SELECT time, device, v FROM @T WHERE v > (SELECT avg(v) + 2 * stddev(v) FROM @T) $$);
SELECT * FROM dq_check($$ SELECT time, device FROM @T WHERE device IN (SELECT device FROM dq_devices WHERE site = 'north') AND time < '2024-03-05' $$);
SELECT * FROM dq_check($$ SELECT max(total) AS busiest FROM (SELECT day, count(*) AS total FROM @T GROUP BY day) s $$);
-- 38. Window functions over an aggregated result.
SELECT * FROM dq_check($$
SELECT device, day, sum(v) AS sum_v,
       sum(sum(v)) OVER (PARTITION BY device ORDER BY day) AS running,
       rank() OVER (PARTITION BY day ORDER BY sum(v) DESC NULLS LAST, device) AS rank_in_day,
       lag(count(*)) OVER (PARTITION BY device ORDER BY day) AS rows_day_before
  FROM @T GROUP BY device, day $$);
SELECT device, day, sum(v) AS sum_v,
       sum(sum(v)) OVER (PARTITION BY device ORDER BY day) AS running,
       rank() OVER (PARTITION BY day ORDER BY sum(v) DESC NULLS LAST, device) AS rank_in_day
  FROM :rf2 WHERE device IN (1, 2) AND day <= '2024-03-06' GROUP BY device, day ORDER BY device, day;
-- 39. Window functions over rows.
SELECT * FROM dq_check($$
SELECT time, device, v, v - lag(v) OVER w AS change, row_number() OVER w AS nth
  FROM @T WHERE time < '2024-03-04 12:00' WINDOW w AS (PARTITION BY device ORDER BY time) $$);
-- 40. CTEs, UNION ALL, a self-join.
SELECT * FROM dq_check($$
WITH hourly AS (SELECT time_bucket('1 hour', time) AS hour, device, avg(v) AS avg_v FROM @T GROUP BY 1, 2)
SELECT device, max(avg_v) AS best_hour, min(avg_v) AS worst_hour FROM hourly GROUP BY device $$);
SELECT * FROM dq_check($$ SELECT 'low' AS part, count(*) AS rows FROM @T WHERE v < 0 UNION ALL SELECT 'high', count(*) FROM @T WHERE v >= 0 $$);
SELECT * FROM dq_check($$ SELECT a.device, count(*) AS pairs, sum(b.v - a.v) AS diff FROM @T a JOIN @T b ON b.time = a.time AND b.device = a.device + 1 WHERE a.time < '2024-03-05' GROUP BY a.device $$);

---------------------------------------------------------------------------
-- Prepared statements with generic plans: chunks are excluded when the
-- statement runs, from its parameters.
---------------------------------------------------------------------------
SET plan_cache_mode = force_generic_plan;
PREPARE dq_p1_local (timestamptz, timestamptz) AS SELECT device, count(*) AS rows, sum(v) AS sum_v, min(time) AS first, max(time) AS last FROM dq_local WHERE time >= $1 AND time < $2 GROUP BY device ORDER BY device;
PREPARE dq_p1_rf1 (timestamptz, timestamptz) AS SELECT device, count(*) AS rows, sum(v) AS sum_v, min(time) AS first, max(time) AS last FROM :rf1 WHERE time >= $1 AND time < $2 GROUP BY device ORDER BY device;
PREPARE dq_p1_rf2 (timestamptz, timestamptz) AS SELECT device, count(*) AS rows, sum(v) AS sum_v, min(time) AS first, max(time) AS last FROM :rf2 WHERE time >= $1 AND time < $2 GROUP BY device ORDER BY device;
PREPARE dq_p1_tonly (timestamptz, timestamptz) AS SELECT device, count(*) AS rows, sum(v) AS sum_v, min(time) AS first, max(time) AS last FROM :tonly WHERE time >= $1 AND time < $2 GROUP BY device ORDER BY device;
-- 41. Several ranges: one chunk, several, across DST, none.
SELECT * FROM dq_check_prepared('dq_p1', $$'2024-03-05 01:00', '2024-03-05 02:00'$$);
SELECT * FROM dq_check_prepared('dq_p1', $$'2024-03-07 20:00', '2024-03-11 03:00'$$);
SELECT * FROM dq_check_prepared('dq_p1', $$'2024-03-04', '2024-03-20'$$);
SELECT * FROM dq_check_prepared('dq_p1', $$'2023-01-01', '2023-02-01'$$);
EXECUTE dq_p1_rf1('2024-03-10 01:00', '2024-03-10 04:00');
-- 42. Rows of one device in a range, newest first, a limit from a parameter.
PREPARE dq_p2_local (integer, timestamptz, bigint) AS SELECT time, v, n, note FROM dq_local WHERE device = $1 AND time < $2 ORDER BY time DESC LIMIT $3;
PREPARE dq_p2_rf1 (integer, timestamptz, bigint) AS SELECT time, v, n, note FROM :rf1 WHERE device = $1 AND time < $2 ORDER BY time DESC LIMIT $3;
PREPARE dq_p2_rf2 (integer, timestamptz, bigint) AS SELECT time, v, n, note FROM :rf2 WHERE device = $1 AND time < $2 ORDER BY time DESC LIMIT $3;
PREPARE dq_p2_tonly (integer, timestamptz, bigint) AS SELECT time, v, n, note FROM :tonly WHERE device = $1 AND time < $2 ORDER BY time DESC LIMIT $3;
SELECT * FROM dq_check_prepared('dq_p2', $$1, '2024-03-09', 20$$);
SELECT * FROM dq_check_prepared('dq_p2', $$6, '2024-03-16', 500$$);
SELECT * FROM dq_check_prepared('dq_p2', $$NULL, '2024-03-16', 5$$);
EXECUTE dq_p2_rf2(3, '2024-03-12', 4);
-- 43. Aggregates of one device before a time: no row, still one answer.
PREPARE dq_p3_local (timestamptz) AS SELECT count(*) AS rows, sum(v) AS sum_v FROM dq_local WHERE device = 2 AND time < $1;
PREPARE dq_p3_rf1 (timestamptz) AS SELECT count(*) AS rows, sum(v) AS sum_v FROM :rf1 WHERE device = 2 AND time < $1;
PREPARE dq_p3_rf2 (timestamptz) AS SELECT count(*) AS rows, sum(v) AS sum_v FROM :rf2 WHERE device = 2 AND time < $1;
PREPARE dq_p3_tonly (timestamptz) AS SELECT count(*) AS rows, sum(v) AS sum_v FROM :tonly WHERE device = 2 AND time < $1;
SELECT * FROM dq_check_prepared('dq_p3', $$'2024-03-06'$$);
SELECT * FROM dq_check_prepared('dq_p3', $$'2020-01-01'$$);
EXECUTE dq_p3_rf1('2020-01-01');
-- 44. Per host and hour in a range, and the statements' plans were generic.
PREPARE dq_p4_local (timestamptz, interval) AS SELECT host, time_bucket('1 hour', time) AS hour, count(*) AS rows, avg(n) AS avg_n FROM dq_local WHERE time >= $1 AND time < $1 + $2 GROUP BY 1, 2 ORDER BY 1, 2;
PREPARE dq_p4_rf1 (timestamptz, interval) AS SELECT host, time_bucket('1 hour', time) AS hour, count(*) AS rows, avg(n) AS avg_n FROM :rf1 WHERE time >= $1 AND time < $1 + $2 GROUP BY 1, 2 ORDER BY 1, 2;
PREPARE dq_p4_rf2 (timestamptz, interval) AS SELECT host, time_bucket('1 hour', time) AS hour, count(*) AS rows, avg(n) AS avg_n FROM :rf2 WHERE time >= $1 AND time < $1 + $2 GROUP BY 1, 2 ORDER BY 1, 2;
PREPARE dq_p4_tonly (timestamptz, interval) AS SELECT host, time_bucket('1 hour', time) AS hour, count(*) AS rows, avg(n) AS avg_n FROM :tonly WHERE time >= $1 AND time < $1 + $2 GROUP BY 1, 2 ORDER BY 1, 2;
SELECT * FROM dq_check_prepared('dq_p4', $$'2024-03-06 12:00', '5 hours'$$);
SELECT * FROM dq_check_prepared('dq_p4', $$'2024-03-09 12:00', '2 days'$$);
SELECT count(*) AS statements, bool_and(generic_plans > 0) AS all_generic, sum(custom_plans) AS custom_plans
  FROM pg_prepared_statements WHERE name LIKE 'dq_p%';
DEALLOCATE ALL;
RESET plan_cache_mode;

---------------------------------------------------------------------------
-- Session settings that change what an expression means.
---------------------------------------------------------------------------
-- 45. Another time zone, changed in the middle of the session (Nepal:
-- 5:45 ahead of UTC).
SET timezone = 'Asia/Kathmandu';
SELECT * FROM dq_check($$ SELECT date_trunc('day', time) AS day, count(*) AS rows FROM @T GROUP BY 1 $$);
SELECT * FROM dq_check($$ SELECT time::date AS day, device, sum(v) AS sum_v FROM @T GROUP BY 1, 2 $$);
SELECT * FROM dq_check($$ SELECT time, device FROM @T WHERE extract(hour FROM time) = 5 AND extract(minute FROM time) = 45 $$);
SELECT * FROM dq_check($$ SELECT to_char(time, 'YYYY-MM-DD HH24:MI TZ') AS local_time, count(*) AS rows FROM @T WHERE time < '2024-03-04 08:00' GROUP BY 1 $$);
SELECT date_trunc('day', time) AS day, count(*) AS rows FROM :tonly GROUP BY 1 ORDER BY 1 LIMIT 3;
SET timezone = 'America/St_Johns';
-- 46. Dates and intervals written as text in other styles.
SET datestyle = 'SQL, DMY';
SELECT * FROM dq_check($$ SELECT time, device FROM @T WHERE time::text LIKE '10/03/2024 01:%' $$);
SELECT * FROM dq_check($$ SELECT day::text AS day, count(*) AS rows FROM @T GROUP BY 1 $$);
SELECT count(*) AS rows FROM :rf1 WHERE time::text LIKE '10/03/2024 01:%';
-- (Literals are read here, in this style, and sent in ISO style.)
SELECT * FROM dq_check($$ SELECT time, device FROM @T WHERE time >= '10/03/2024 01:00' AND time < '10/03/2024 04:00' AND day = '10/03/2024' $$);
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'sql_standard';
SELECT * FROM dq_check($$ SELECT (ts - timestamp '2024-03-04')::text AS age, count(*) AS rows FROM @T WHERE ts < '2024-03-04 01:00' GROUP BY 1 $$);
SET intervalstyle = 'postgres';
-- 47. Floats written as text with fewer digits.
SET extra_float_digits = 0;
SELECT * FROM dq_check($$ SELECT (v / 3)::text AS third, count(*) AS rows FROM @T WHERE device = 1 GROUP BY 1 $$);
RESET extra_float_digits;
-- 48. The default fetch size (one batch per node).
RESET timeshard.fetch_size;
SELECT * FROM dq_check($$ SELECT * FROM @T WHERE device <> 5 ORDER BY time, device $$, ordered => true);
SELECT * FROM dq_check($$ SELECT host, day, count(*) AS rows, sum(n) AS sum_n FROM @T GROUP BY host, day $$);

---------------------------------------------------------------------------
-- With a node unavailable, dq_rf2 is read from the other replica of each
-- of that node's chunks.
---------------------------------------------------------------------------
SELECT node_name, available FROM alter_data_node('dq_3', available => false);
SELECT count(*) AS differing_rows
  FROM ((SELECT * FROM :rf2 EXCEPT ALL SELECT * FROM dq_local) UNION ALL
        (SELECT * FROM dq_local EXCEPT ALL SELECT * FROM :rf2)) x;
SELECT host, count(*) AS rows, sum(n) AS sum_n, max(time) AS last FROM :rf2 GROUP BY host ORDER BY host;
SELECT host, count(*) AS rows, sum(n) AS sum_n, max(time) AS last FROM dq_local GROUP BY host ORDER BY host;
SELECT node_name, available FROM alter_data_node('dq_3', available => true);

---------------------------------------------------------------------------
-- Clean up.
---------------------------------------------------------------------------
DROP TABLE dq_rf1, dq_rf2, dq_tonly, dq_local, dq_devices, dq_targets;
DROP FUNCTION dq_check(text, boolean);
DROP FUNCTION dq_check_prepared(text, text);
DROP FUNCTION dq_is_even(integer);
SELECT delete_data_node('dq_1', drop_database => true);
SELECT delete_data_node('dq_2', drop_database => true);
SELECT delete_data_node('dq_3', drop_database => true);
DROP EXTENSION timeshard;
