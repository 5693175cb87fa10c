-- TSBS cpu-only queries (TimescaleDB flavour, hostname in the table), with
-- fixed parameters for 1,000,000 rows from 2016-01-01 00:00:00+00 to 2016-01-02 03:46:30+00.
-- Buckets are date_bin() (PostgreSQL's, IMMUTABLE) so that the same SQL runs
-- on all three setups.

-- name: single-groupby-1-1-1
-- order: total
SELECT date_bin('1 minute', time, '2016-01-01 00:00:00+00') AS minute, max(usage_user) AS max_usage_user
  FROM cpu
 WHERE (hostname = 'host_42') AND time >= '2016-01-01 16:19:00+00' AND time < '2016-01-01 17:19:00+00'
 GROUP BY minute ORDER BY minute

-- name: single-groupby-1-1-12
-- order: total
SELECT date_bin('1 minute', time, '2016-01-01 00:00:00+00') AS minute, max(usage_user) AS max_usage_user
  FROM cpu
 WHERE (hostname = 'host_17') AND time >= '2016-01-01 03:37:00+00' AND time < '2016-01-01 15:37:00+00'
 GROUP BY minute ORDER BY minute

-- name: single-groupby-5-8-1
-- order: total
SELECT date_bin('1 minute', time, '2016-01-01 00:00:00+00') AS minute, max(usage_user) AS max_usage_user, max(usage_system) AS max_usage_system, max(usage_idle) AS max_usage_idle, max(usage_nice) AS max_usage_nice, max(usage_iowait) AS max_usage_iowait
  FROM cpu
 WHERE (hostname = 'host_3' OR hostname = 'host_17' OR hostname = 'host_29' OR hostname = 'host_42' OR hostname = 'host_56' OR hostname = 'host_64' OR hostname = 'host_78' OR hostname = 'host_91') AND time >= '2016-01-01 12:35:00+00' AND time < '2016-01-01 13:35:00+00'
 GROUP BY minute ORDER BY minute

-- name: cpu-max-all-1
-- order: total
SELECT date_bin('1 hour', time, '2016-01-01 00:00:00+00') AS hour, max(usage_user) AS max_usage_user, max(usage_system) AS max_usage_system, max(usage_idle) AS max_usage_idle, max(usage_nice) AS max_usage_nice, max(usage_iowait) AS max_usage_iowait, max(usage_irq) AS max_usage_irq, max(usage_softirq) AS max_usage_softirq, max(usage_steal) AS max_usage_steal, max(usage_guest) AS max_usage_guest, max(usage_guest_nice) AS max_usage_guest_nice
  FROM cpu
 WHERE (hostname = 'host_64') AND time >= '2016-01-01 14:02:00+00' AND time < '2016-01-01 22:02:00+00'
 GROUP BY hour ORDER BY hour

-- name: double-groupby-1
-- order: total
WITH cpu_avg AS (
  SELECT date_bin('1 hour', time, '2016-01-01 00:00:00+00') AS hour, hostname, avg(usage_user) AS mean_usage_user
    FROM cpu
   WHERE time >= '2016-01-01 05:31:00+00' AND time < '2016-01-01 17:31:00+00'
   GROUP BY hour, hostname
)
SELECT hour, hostname, mean_usage_user FROM cpu_avg ORDER BY hour, hostname

-- name: double-groupby-all
-- order: total
WITH cpu_avg AS (
  SELECT date_bin('1 hour', time, '2016-01-01 00:00:00+00') AS hour, hostname, avg(usage_user) AS mean_usage_user, avg(usage_system) AS mean_usage_system, avg(usage_idle) AS mean_usage_idle, avg(usage_nice) AS mean_usage_nice, avg(usage_iowait) AS mean_usage_iowait, avg(usage_irq) AS mean_usage_irq, avg(usage_softirq) AS mean_usage_softirq, avg(usage_steal) AS mean_usage_steal, avg(usage_guest) AS mean_usage_guest, avg(usage_guest_nice) AS mean_usage_guest_nice
    FROM cpu
   WHERE time >= '2016-01-01 13:05:00+00' AND time < '2016-01-02 01:05:00+00'
   GROUP BY hour, hostname
)
SELECT hour, hostname, mean_usage_user, mean_usage_system, mean_usage_idle, mean_usage_nice, mean_usage_iowait, mean_usage_irq, mean_usage_softirq, mean_usage_steal, mean_usage_guest, mean_usage_guest_nice FROM cpu_avg ORDER BY hour, hostname

-- name: high-cpu-1
-- order: none
SELECT * FROM cpu
 WHERE usage_user > 90.0 AND time >= '2016-01-01 08:12:00+00' AND time < '2016-01-01 20:12:00+00' AND (hostname = 'host_29')

-- name: high-cpu-all
-- order: none
SELECT * FROM cpu
 WHERE usage_user > 90.0 AND time >= '2016-01-01 02:59:00+00' AND time < '2016-01-01 14:59:00+00'

-- name: lastpoint
-- order: total
SELECT DISTINCT ON (hostname) * FROM cpu ORDER BY hostname, time DESC

-- name: groupby-orderby-limit
-- order: total
SELECT date_bin('1 minute', time, '2016-01-01 00:00:00+00') AS minute, max(usage_user)
  FROM cpu
 WHERE time < '2016-01-02 01:05:00+00'
 GROUP BY minute ORDER BY minute DESC LIMIT 5
