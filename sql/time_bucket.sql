-- time_bucket: TimescaleDB's bucketing function in all its forms.  Sub-month
-- widths are aligned on 2000-01-03 (a Monday) unless an origin is given;
-- month widths on January 2000 (or the origin's month); timestamptz without
-- a timezone argument is bucketed in UTC.
\set VERBOSITY terse
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';
CREATE EXTENSION timeshard;

-- Every overload is immutable and parallel safe; all but the timezone form
-- are strict.
SELECT pg_get_function_identity_arguments(p.oid) AS arguments,
       pg_get_function_result(p.oid) AS result, p.provolatile, p.proisstrict, p.proparallel
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE p.proname = 'time_bucket' AND n.nspname = 'public'
 ORDER BY 1;

---------------------------------------------------------------------------
-- Integers: floor((ts - offset) / width) * width + offset
---------------------------------------------------------------------------
SELECT ts, time_bucket(10, ts) AS b10, time_bucket(10, ts, 5) AS b10_off5,
       time_bucket(10, ts, -3) AS b10_off_minus3, time_bucket(10, ts, 27) AS b10_off27
  FROM unnest(ARRAY[-11, -10, -3, 0, 4, 5, 9, 10, 27]) AS ts ORDER BY ts;
SELECT time_bucket(7::smallint, 20::smallint) AS int2, time_bucket(7::smallint, -20::smallint, 2::smallint) AS int2_off,
       time_bucket(1000000000000::bigint, 2500000000001::bigint) AS int8,
       time_bucket(10::bigint, -25::bigint, 1::bigint) AS int8_off;
-- The extremes of each type.
SELECT time_bucket(10::smallint, 32767::smallint) AS int2_max, time_bucket(10, 2147483647) AS int4_max,
       time_bucket(10::bigint, 9223372036854775807) AS int8_max,
       time_bucket(10::bigint, -9223372036854775805, 5) AS int8_near_min,
       time_bucket(1::bigint, -9223372036854775808) AS int8_min;
-- Buckets that would start below the type's minimum.
SELECT time_bucket(10::smallint, -32768::smallint);
SELECT time_bucket(10, -2147483648);
SELECT time_bucket(10::bigint, -9223372036854775808);
SELECT time_bucket(10::bigint, -9223372036854775807, 5);
-- The width must be positive.
SELECT time_bucket(0, 5);
SELECT time_bucket(-10::smallint, 5::smallint);
SELECT time_bucket(-1::bigint, 5::bigint, 1::bigint);
-- NULL in, NULL out.
SELECT time_bucket(10, NULL::integer) IS NULL AS null_ts, time_bucket(NULL::bigint, 5::bigint) IS NULL AS null_width,
       time_bucket(10::smallint, 5::smallint, NULL) IS NULL AS null_offset;

---------------------------------------------------------------------------
-- timestamp
---------------------------------------------------------------------------
-- 2024-01-10 is a Wednesday: its week starts on Monday 2024-01-08.
SELECT w AS bucket_width, time_bucket(w, '2024-01-10 10:37:12.345678'::timestamp)
  FROM unnest(ARRAY['1 microsecond', '1 second', '15 minutes', '90 minutes', '1 hour', '5 hours',
                    '1 day', '2 days', '1 week', '2 weeks', '1 day 12 hours', '1 day -1 hour']::interval[]) AS w;
-- Before the origin as after it.
SELECT time_bucket('1 week', '1999-12-31 23:59'::timestamp) AS friday_before_2000,
       time_bucket('1 day', '1969-07-20 20:17'::timestamp) AS moon_landing_day,
       time_bucket('1 hour', '0044-03-15 12:30 BC'::timestamp) AS ides_of_march_hour;
SELECT time_bucket('90 minutes', t) AS bucket, count(*) AS n
  FROM generate_series('2024-01-10 00:00'::timestamp, '2024-01-10 05:59', '15 minutes') AS t
 GROUP BY 1 ORDER BY 1;
-- Without months, time_bucket with an origin is date_bin.
SELECT count(*) AS cases, count(*) FILTER (WHERE time_bucket(w, ts, o) = date_bin(w, ts, o)) AS same_as_date_bin,
       count(*) FILTER (WHERE time_bucket(w, ts) = date_bin(w, ts, '2000-01-03')) AS same_with_default_origin
  FROM unnest(ARRAY['1 second', '7 minutes', '1 hour', '5 hours', '1 day', '3 days', '1 week']::interval[]) AS w,
       generate_series('1999-12-20'::timestamp, '2000-01-10', '7 hours 13 minutes 1 second') AS ts,
       unnest(ARRAY['2000-01-03', '1970-01-01 00:00:30', '2031-05-05 05:05']::timestamp[]) AS o;
-- Months: whole calendar months counted from January 2000.
SELECT w AS bucket_width, time_bucket(w, '2024-05-17 10:37'::timestamp)
  FROM unnest(ARRAY['1 month', '2 months', '3 months', '5 months', '7 months', '6 months',
                    '1 year', '10 years', '1 year 6 months']::interval[]) AS w;
SELECT time_bucket('3 months', '1999-11-15'::timestamp) AS quarter_1999,
       time_bucket('1 year', '1999-12-31 23:59:59'::timestamp) AS year_1999,
       time_bucket('1 month', '2024-02-29 23:59:59.999999'::timestamp) AS leap_day;
-- origin: buckets start at the origin and every width before and after it.
SELECT time_bucket('1 week', '2024-01-10'::timestamp, '2024-01-07'::timestamp) AS sunday_weeks,
       time_bucket('1 day', '2024-01-10 03:00'::timestamp, '2000-01-01 06:00'::timestamp) AS days_at_6,
       time_bucket('1 day', '2024-01-10 03:00'::timestamp, '2031-07-04 06:00'::timestamp) AS later_origin,
       time_bucket('1 hour', '2024-01-10 10:37'::timestamp, '1900-01-01 00:15'::timestamp) AS quarter_past,
       time_bucket('10 days', '2024-01-10 10:37'::timestamp, '2024-01-10 10:37'::timestamp) AS at_origin;
-- With months only the origin's month counts, not its day or time.
SELECT time_bucket('3 months', '2024-05-17'::timestamp, '2000-02-15 12:00'::timestamp) AS from_february,
       time_bucket('3 months', '2024-05-17'::timestamp, '2000-03-31'::timestamp) AS from_march,
       time_bucket('1 year', '2024-05-17'::timestamp, '2010-07-01'::timestamp) AS fiscal_year,
       time_bucket('1 year', '2024-06-30'::timestamp, '2010-07-01'::timestamp) AS fiscal_year_end;
-- "offset": the bucket of ts - offset, plus offset.
SELECT time_bucket('1 day', '2024-01-10 03:00'::timestamp, '6 hours'::interval) AS day_from_6,
       time_bucket('1 day', '2024-01-10 07:00'::timestamp, '6 hours'::interval) AS day_from_6_b,
       time_bucket('1 week', '2024-01-10'::timestamp, '-1 day'::interval) AS sunday_weeks,
       time_bucket('15 minutes', '2024-01-10 10:37'::timestamp, '5 minutes'::interval) AS quarters_from_5,
       time_bucket('1 month', '2024-05-10'::timestamp, '14 days'::interval) AS months_from_15th,
       time_bucket('1 month', '2024-05-20'::timestamp, '14 days'::interval) AS months_from_15th_b,
       time_bucket('1 year', '2024-05-20'::timestamp, '6 months'::interval) AS years_from_july;
-- An untyped third argument could be an origin or an offset: name it.
SELECT time_bucket('1 day', '2024-01-10 03:00'::timestamp, '2024-01-01 06:00');
SELECT time_bucket('1 day', '2024-01-10 03:00'::timestamp, origin => '2024-01-01 06:00') AS by_origin,
       time_bucket('1 day', '2024-01-10 03:00'::timestamp, "offset" => '6 hours') AS by_offset,
       time_bucket('1 week', '2024-01-10'::date, origin => '2024-01-07') AS date_by_origin,
       time_bucket(bucket_width => 10, ts => 27, "offset" => 5) AS all_named;
-- Infinities pass through; the width is still checked.
SELECT time_bucket('1 hour', 'infinity'::timestamp) AS inf, time_bucket('1 month', '-infinity'::timestamp) AS minus_inf,
       time_bucket('1 day', 'infinity'::timestamp, '2024-01-01'::timestamp) AS inf_origin,
       time_bucket('1 day', '-infinity'::timestamp, '1 hour'::interval) AS minus_inf_offset;
SELECT time_bucket('0 hours', 'infinity'::timestamp);
-- Errors.
SELECT time_bucket('1 month 1 day', '2024-05-17'::timestamp);
SELECT time_bucket('1 year 2 hours', '2024-05-17'::timestamp);
SELECT time_bucket('0 days', '2024-05-17'::timestamp);
SELECT time_bucket('-1 hour', '2024-05-17'::timestamp);
SELECT time_bucket('1 hour -1 day', '2024-05-17'::timestamp);
SELECT time_bucket('-3 months', '2024-05-17'::timestamp);
SELECT time_bucket('100000000 days', '2024-05-17'::timestamp);
SELECT time_bucket('2000000000 days', '2024-05-17'::timestamp);
SELECT time_bucket('1 day', '2024-05-17'::timestamp, 'infinity'::timestamp);
SELECT time_bucket('1 day', '4714-11-24 01:00 BC'::timestamp, '2000-01-01 12:00'::timestamp);
SELECT time_bucket('1 month', '4714-11-24 01:00 BC'::timestamp);
SELECT time_bucket('1 day', '294276-12-31 23:00'::timestamp, '-1 day'::interval);
-- The first and last days of timestamp's range.
SELECT time_bucket('1 day', '4714-11-24 01:00 BC'::timestamp) AS first_day,
       time_bucket('1 hour', '294276-12-31 23:59:59.999999'::timestamp) AS last_hour;
-- NULL in, NULL out.
SELECT time_bucket('1 day', NULL::timestamp) IS NULL AS null_ts,
       time_bucket(NULL, '2024-05-17'::timestamp) IS NULL AS null_width,
       time_bucket('1 day', '2024-05-17'::timestamp, NULL::timestamp) IS NULL AS null_origin,
       time_bucket('1 day', '2024-05-17'::timestamp, NULL::interval) IS NULL AS null_offset;

---------------------------------------------------------------------------
-- timestamptz: on the UTC timeline, whatever the session's TimeZone
---------------------------------------------------------------------------
SELECT time_bucket('1 day', '2024-03-10 23:00-05'::timestamptz) AS day,
       time_bucket('1 week', '2024-01-10 10:00+00'::timestamptz) AS week,
       time_bucket('1 hour', '2024-01-10 10:37+05:30'::timestamptz) AS hour,
       time_bucket('1 month', '2024-05-01 02:00+04'::timestamptz) AS month,
       time_bucket('3 months', '2024-05-17 12:00+00'::timestamptz) AS quarter;
SELECT time_bucket('1 day', '2024-01-10 03:00+00'::timestamptz, '2024-01-01 05:00+00'::timestamptz) AS days_at_5,
       time_bucket('3 months', '2024-05-17 12:00+00'::timestamptz, '2023-03-31 23:00-05'::timestamptz) AS origin_month_in_utc,
       time_bucket('1 day', '2024-01-10 03:00+00'::timestamptz, '6 hours'::interval) AS day_from_6,
       time_bucket('1 week', '2024-03-13 12:00+00'::timestamptz, '1 day'::interval) AS tuesday_weeks,
       time_bucket('1 month', '2024-05-10 12:00+00'::timestamptz, '14 days'::interval) AS months_from_15th;
-- The same instants in other session time zones give the same instants.
CREATE TEMP TABLE tstz_cases AS
SELECT w, ts, o, time_bucket(w, ts) AS plain, time_bucket(w, ts, o) AS with_origin,
       time_bucket(w, ts, '3 hours 30 minutes'::interval) AS with_offset,
       time_bucket(w, ts, '1 day'::interval) AS with_day_offset
  FROM unnest(ARRAY['1 hour', '1 day', '1 week', '1 month', '1 year']::interval[]) AS w,
       unnest(ARRAY['2024-03-10 06:59+00', '2024-03-10 07:01+00', '2024-03-31 00:30+00',
                    '2024-11-03 05:30+00', '1999-12-31 23:59:59+00']::timestamptz[]) AS ts,
       (VALUES ('2023-06-15 04:20+00'::timestamptz)) AS origin(o);
SET timezone = 'America/New_York';
SELECT count(*) AS cases, count(*) FILTER (WHERE plain = time_bucket(w, ts) AND with_origin = time_bucket(w, ts, o)
         AND with_offset = time_bucket(w, ts, '3 hours 30 minutes'::interval)
         AND with_day_offset = time_bucket(w, ts, '1 day'::interval)) AS same
  FROM tstz_cases;
SET timezone = 'Asia/Kolkata';
SELECT count(*) AS cases, count(*) FILTER (WHERE plain = time_bucket(w, ts) AND with_origin = time_bucket(w, ts, o)
         AND with_offset = time_bucket(w, ts, '3 hours 30 minutes'::interval)
         AND with_day_offset = time_bucket(w, ts, '1 day'::interval)) AS same
  FROM tstz_cases;
SET timezone = 'UTC';
SELECT w AS bucket_width, ts, plain, with_origin, with_offset, with_day_offset
  FROM tstz_cases WHERE w IN ('1 day', '1 month') ORDER BY w, ts;
SELECT time_bucket('1 hour', 'infinity'::timestamptz) AS inf,
       time_bucket('1 month', '-infinity'::timestamptz, '2000-01-01 00:00+00'::timestamptz) AS minus_inf_origin,
       time_bucket('1 day', 'infinity'::timestamptz, '1 hour'::interval) AS inf_offset;
SELECT time_bucket('2 months 1 second', now());
SELECT time_bucket('1 day', '2024-05-17 00:00+00'::timestamptz, '-infinity'::timestamptz);
SELECT time_bucket('1 day', NULL::timestamptz) IS NULL AS null_ts,
       time_bucket('1 day', '2024-05-17 00:00+00'::timestamptz, NULL::timestamptz) IS NULL AS null_origin,
       time_bucket('1 day', '2024-05-17 00:00+00'::timestamptz, NULL::interval) IS NULL AS null_offset;

---------------------------------------------------------------------------
-- timestamptz with a timezone: buckets of local time in that zone
---------------------------------------------------------------------------
SET timezone = 'UTC';
SELECT time_bucket('1 day', '2024-01-10 02:00+00'::timestamptz, 'America/New_York') AS ny_day,
       time_bucket('1 day', '2024-03-10 23:00-05'::timestamptz, 'America/New_York') AS ny_day_after_dst,
       time_bucket('1 day', '2024-03-10 12:00+00'::timestamptz, 'America/New_York') AS ny_dst_day,
       time_bucket('1 hour', '2024-03-10 07:30+00'::timestamptz, 'America/New_York') AS ny_hour_after_dst;
SELECT time_bucket('1 week', '2024-01-08 03:00+00'::timestamptz, 'Asia/Tokyo') AS tokyo_week,
       time_bucket('1 month', '2024-05-01 02:00+00'::timestamptz, 'Europe/Berlin') AS berlin_month,
       time_bucket('1 month', '2024-05-01 02:00+00'::timestamptz, 'UTC') AS utc_month,
       time_bucket('1 day', '2024-01-10 02:00+00'::timestamptz, 'Asia/Kolkata') AS kolkata_day;
-- The session's TimeZone only changes how the result is displayed.
SET timezone = 'America/New_York';
SELECT time_bucket('1 day', '2024-03-10 23:00-05'::timestamptz, 'America/New_York') AS ny_day_after_dst,
       time_bucket('1 day', '2024-03-10 23:00-05'::timestamptz) AS utc_day;
SET timezone = 'UTC';
-- origin (converted to local time in the zone) and "offset", by name or position.
SELECT time_bucket('1 day', '2024-01-10 02:00+00'::timestamptz, 'America/New_York',
                   origin => '2024-01-01 11:00+00') AS ny_days_at_6,
       time_bucket('1 day', '2024-01-10 02:00+00'::timestamptz, 'America/New_York',
                   "offset" => '2 hours') AS ny_days_at_2,
       time_bucket('1 week', '2024-01-10 02:00+00'::timestamptz, 'America/New_York',
                   '2024-01-07 05:00+00', '1 hour') AS ny_sunday_weeks_origin_and_offset,
       time_bucket('1 month', '2024-05-17 12:00+00'::timestamptz, 'Europe/Berlin',
                   "offset" => '14 days') AS berlin_months_from_15th;
-- NULL origin or offset mean the default; NULL width, ts or timezone give NULL.
SELECT time_bucket('1 day', '2024-01-10 02:00+00'::timestamptz, 'America/New_York', NULL, NULL) AS defaults,
       time_bucket('1 day', '2024-01-10 02:00+00'::timestamptz, 'America/New_York', NULL, '2 hours') AS null_origin,
       time_bucket('1 day', '2024-01-10 02:00+00'::timestamptz, 'America/New_York', '2024-01-01 11:00+00', NULL) AS null_offset,
       time_bucket('1 day', '2024-01-10 02:00+00'::timestamptz, NULL::text) IS NULL AS null_zone,
       time_bucket('1 day', NULL::timestamptz, 'UTC') IS NULL AS null_ts,
       time_bucket(NULL, '2024-01-10 02:00+00'::timestamptz, 'UTC') IS NULL AS null_width;
SELECT time_bucket('1 day', 'infinity'::timestamptz, 'Europe/Berlin') AS inf,
       time_bucket('1 month', '-infinity'::timestamptz, 'Europe/Berlin', "offset" => '1 day') AS minus_inf;
SELECT time_bucket('1 day', '2024-01-10 02:00+00'::timestamptz, 'Mars/Olympus_Mons');
SELECT time_bucket('1 month 2 days', '2024-01-10 02:00+00'::timestamptz, 'UTC');
SELECT time_bucket('1 day', '2024-01-10 02:00+00'::timestamptz, 'UTC', 'infinity');

---------------------------------------------------------------------------
-- date: bucketed as the timestamp at midnight
---------------------------------------------------------------------------
SELECT w AS bucket_width, time_bucket(w, '2024-01-10'::date)
  FROM unnest(ARRAY['1 day', '2 days', '1 week', '2 weeks', '30 days', '48 hours',
                    '1 month', '3 months', '1 year']::interval[]) AS w;
SELECT time_bucket('1 week', '1999-12-31'::date) AS friday_before_2000,
       time_bucket('3 months', '2024-05-17'::date) AS quarter,
       time_bucket('1 week', '2024-01-10'::date, '2024-01-07'::date) AS sunday_weeks,
       time_bucket('3 months', '2024-05-17'::date, '2000-02-29'::date) AS quarters_from_february,
       time_bucket('10 days', '2024-01-10'::date, '2024-01-15'::date) AS later_origin;
-- "offset": the date of ts - offset is bucketed and the date of the bucket
-- plus offset returned, so a part of a day moves a date to the day before.
SELECT time_bucket('1 week', '2024-01-10'::date, '-1 day'::interval) AS sunday_weeks,
       time_bucket('1 month', '2024-05-10'::date, '14 days'::interval) AS months_from_15th,
       time_bucket('1 day', '2024-01-10'::date, '12 hours'::interval) AS half_day_offset,
       time_bucket('2 days', '2024-01-10'::date, '1 day'::interval) AS odd_days;
SELECT time_bucket('1 day', 'infinity'::date) AS inf, time_bucket('1 month', '-infinity'::date) AS minus_inf,
       time_bucket('1 week', 'infinity'::date, '2024-01-07'::date) AS inf_origin,
       time_bucket('1 week', '-infinity'::date, '1 day'::interval) AS minus_inf_offset;
SELECT time_bucket('12 hours', '2024-01-10'::date);
SELECT time_bucket('36 hours', '2024-01-10'::date);
SELECT time_bucket('1 month 1 day', '2024-01-10'::date);
SELECT time_bucket('-7 days', '2024-01-10'::date);
SELECT time_bucket('1 day', '2024-01-10'::date, 'infinity'::date);
SELECT time_bucket('1 month', '4714-11-24 BC'::date);
SELECT time_bucket('1 day', NULL::date) IS NULL AS null_ts,
       time_bucket('1 day', '2024-01-10'::date, NULL::date) IS NULL AS null_origin,
       time_bucket('1 day', '2024-01-10'::date, NULL::interval) IS NULL AS null_offset;

-- Immutable: folded to a constant at plan time.
EXPLAIN (COSTS OFF, VERBOSE)
SELECT time_bucket('1 day', '2024-01-10 02:00+00'::timestamptz, 'America/New_York');

DROP EXTENSION timeshard;
