-- Hostile input: every public function of timeshard is fed NULLs, empty
-- strings and arrays, negative, zero and huge numbers, 10 kB names, names
-- with quotes, semicolons, backslashes, newlines and non-ASCII characters,
-- nonexistent nodes, tables and columns, objects of the wrong kind and
-- values of the wrong type.  Each call must fail with a clear error (no
-- crash, no internal error) and change nothing anywhere.
--
-- After every call, hi_check.same() compares a fingerprint of the access
-- node (timeshard's catalog, foreign servers and user mappings, every
-- relation with its columns, constraints and indexes, schemas, functions,
-- roles, databases, prepared transactions and the rows of every
-- hypertable) with the one taken before: "unchanged" or the parts that
-- changed.  After every section the same is checked on both data nodes
-- (their catalog, relations and the rows of their member hypertables).
-- The data nodes are other databases of this instance.
\set VERBOSITY terse
SET client_min_messages = notice;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
CREATE EXTENSION timeshard;
SELECT node_name FROM add_data_node('hi_1', host => '127.0.0.1', database => 'hi_db1');
SELECT node_name FROM add_data_node('hi_2', host => '127.0.0.1', database => 'hi_db2');

-- A distributed hypertable with a space dimension and two replicas of
-- every chunk, and one with integer time and one replica.
CREATE TABLE hi_metrics (time timestamptz NOT NULL, device integer, v float8);
SELECT * FROM create_distributed_hypertable('hi_metrics', 'time', 'device', number_partitions => 2,
                                            chunk_time_interval => interval '1 day',
                                            replication_factor => 2);
INSERT INTO hi_metrics
SELECT t, d, d FROM generate_series('2024-01-01 06:00'::timestamptz, '2024-01-03 06:00', interval '1 day') t,
                    generate_series(1, 4) d;
CREATE TABLE hi_ints (t integer NOT NULL, v integer);
SELECT * FROM create_distributed_hypertable('hi_ints', 't', chunk_time_interval => 10);
INSERT INTO hi_ints SELECT i, i FROM generate_series(0, 29) i;
-- A local (not distributed) hypertable.
CREATE TABLE hi_local (time timestamptz NOT NULL, v integer);
SELECT * FROM create_hypertable('hi_local', 'time', distributed => false);
INSERT INTO hi_local VALUES ('2024-01-01', 1);
-- Objects of every other kind, for the arguments that want a hypertable.
CREATE TABLE hi_args (time timestamptz, device integer, label text, reading float8,
                      ival integer, sval smallint, day date, pt point);
CREATE TABLE hi_plain (time timestamptz NOT NULL, v integer);
CREATE VIEW hi_view AS SELECT * FROM hi_plain;
CREATE MATERIALIZED VIEW hi_mview AS SELECT 1 AS a;
CREATE INDEX hi_index ON hi_plain (v);
CREATE SEQUENCE hi_seq;
CREATE TYPE hi_type AS (a integer);
CREATE TABLE hi_parted (time timestamptz NOT NULL) PARTITION BY RANGE (time);
CREATE FOREIGN DATA WRAPPER hi_other_fdw;
CREATE SERVER hi_not_ours FOREIGN DATA WRAPPER hi_other_fdw;
CREATE FOREIGN TABLE hi_foreign (a integer) SERVER hi_not_ours;
-- An unprivileged role.
CREATE ROLE hi_user LOGIN;
GRANT USAGE ON FOREIGN SERVER hi_1, hi_2 TO hi_user;
CREATE USER MAPPING FOR hi_user SERVER hi_1 OPTIONS (password_required 'false');
CREATE USER MAPPING FOR hi_user SERVER hi_2 OPTIONS (password_required 'false');
GRANT SELECT, INSERT, UPDATE, DELETE ON hi_metrics TO hi_user;
SELECT chunk_name, data_nodes FROM timeshard_information.chunks ORDER BY 1;

---------------------------------------------------------------------------
-- The fingerprint.
---------------------------------------------------------------------------
CREATE SCHEMA hi_check;
GRANT USAGE ON SCHEMA hi_check TO PUBLIC;
CREATE TABLE hi_check.baseline (part text PRIMARY KEY, digest text);
-- One digest per part of the state of this database (and, on the access
-- node, of the instance).  SECURITY DEFINER: unprivileged callers check too.
CREATE FUNCTION hi_check.parts() RETURNS TABLE (part text, digest text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET timezone = 'UTC'
SET datestyle = 'ISO, YMD' SET intervalstyle = 'postgres' SET extra_float_digits = 0 AS $fn$
DECLARE
    an boolean := EXISTS (SELECT 1 FROM timeshard_catalog.metadata
                           WHERE key = 'role' AND value = 'access_node');
    h record;
    rows text := '';
    r text;
BEGIN
    part := 'metadata';
    digest := md5(COALESCE((SELECT string_agg(format('%s=%s', m.key, m.value), ',' ORDER BY m.key)
                              FROM timeshard_catalog.metadata m), ''));
    RETURN NEXT;
    part := 'hypertable';
    digest := md5(COALESCE((SELECT string_agg(t::text, ',' ORDER BY t.id)
                              FROM timeshard_catalog.hypertable t), ''));
    RETURN NEXT;
    part := 'dimension';
    digest := md5(COALESCE((SELECT string_agg(t::text, ',' ORDER BY t.id)
                              FROM timeshard_catalog.dimension t), ''));
    RETURN NEXT;
    part := 'hypertable_data_node';
    digest := md5(COALESCE((SELECT string_agg(t::text, ',' ORDER BY t.hypertable_id, t.node_name)
                              FROM timeshard_catalog.hypertable_data_node t), ''));
    RETURN NEXT;
    part := 'dimension_partition';
    digest := md5(COALESCE((SELECT string_agg(t::text, ',' ORDER BY t.dimension_id, t.remainder)
                              FROM timeshard_catalog.dimension_partition t), ''));
    RETURN NEXT;
    part := 'chunk';
    digest := md5(COALESCE((SELECT string_agg(t::text, ',' ORDER BY t.id)
                              FROM timeshard_catalog.chunk t), ''));
    RETURN NEXT;
    part := 'chunk_data_node';
    digest := md5(COALESCE((SELECT string_agg(t::text, ',' ORDER BY t.chunk_id, t.node_name)
                              FROM timeshard_catalog.chunk_data_node t), ''));
    RETURN NEXT;
    part := 'servers';
    digest := md5(COALESCE((SELECT string_agg(format('%s %s %s %s %s', s.srvname, w.fdwname,
                                                     s.srvowner::regrole, s.srvoptions, s.srvacl),
                                              ',' ORDER BY s.srvname)
                              FROM pg_foreign_server s
                              JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw), ''));
    RETURN NEXT;
    part := 'user_mappings';
    digest := md5(COALESCE((SELECT string_agg(format('%s %s %s', s.srvname, u.umuser, u.umoptions),
                                              ',' ORDER BY s.srvname, u.umuser)
                              FROM pg_user_mapping u
                              JOIN pg_foreign_server s ON s.oid = u.umserver), ''));
    RETURN NEXT;
    part := 'relations';
    digest := md5(COALESCE((
        SELECT string_agg(format('%s.%s %s %s %s [%s] [%s] [%s] [%s] %s', n.nspname, c.relname,
                                 c.relkind, c.relowner::regrole, c.relacl,
                                 (SELECT string_agg(format('%s %s %s', a.attname,
                                                           format_type(a.atttypid, a.atttypmod),
                                                           a.attnotnull), ',' ORDER BY a.attnum)
                                    FROM pg_attribute a
                                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
                                 (SELECT string_agg(format('%s %s', k.conname, pg_get_constraintdef(k.oid)),
                                                    ',' ORDER BY k.conname)
                                    FROM pg_constraint k WHERE k.conrelid = c.oid),
                                 (SELECT string_agg(g.tgname, ',' ORDER BY g.tgname)
                                    FROM pg_trigger g WHERE g.tgrelid = c.oid),
                                 (SELECT s.srvname FROM pg_foreign_table f
                                    JOIN pg_foreign_server s ON s.oid = f.ftserver
                                   WHERE f.ftrelid = c.oid),
                                 CASE WHEN c.relkind IN ('i', 'I') THEN pg_get_indexdef(c.oid) END),
                          ';' ORDER BY n.nspname, c.relname)
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'hi_check')
           AND n.nspname NOT LIKE 'pg\_temp\_%' AND n.nspname NOT LIKE 'pg\_toast\_temp\_%'), ''));
    RETURN NEXT;
    part := 'schemas';
    digest := md5(COALESCE((SELECT string_agg(format('%s %s', n.nspname, n.nspowner::regrole),
                                              ',' ORDER BY n.nspname)
                              FROM pg_namespace n
                             WHERE n.nspname NOT LIKE 'pg\_temp\_%'
                               AND n.nspname NOT LIKE 'pg\_toast\_temp\_%'), ''));
    RETURN NEXT;
    part := 'functions';
    digest := md5(COALESCE((SELECT string_agg(p.oid::regprocedure::text || ' ' || p.prosecdef
                                              || ' ' || COALESCE(p.proconfig::text, ''),
                                              ',' ORDER BY p.oid::regprocedure::text)
                              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'hi_check')), ''));
    RETURN NEXT;
    part := 'extensions';
    digest := md5(COALESCE((SELECT string_agg(format('%s %s', e.extname, e.extversion), ','
                                              ORDER BY e.extname)
                              FROM pg_extension e), ''));
    RETURN NEXT;
    -- The rows of every hypertable of this database.
    FOR h IN SELECT t.schema_name, t.table_name FROM timeshard_catalog.hypertable t ORDER BY t.id LOOP
        EXECUTE format('SELECT count(*) || '':'' || COALESCE(sum(hashtext(t::text)::bigint), 0) FROM %I.%I t',
                       h.schema_name, h.table_name) INTO r;
        rows := rows || format('%s.%s=%s;', h.schema_name, h.table_name, r);
    END LOOP;
    part := 'rows';
    digest := md5(rows);
    RETURN NEXT;
    IF an THEN
        -- The instance: databases (the data nodes' too), roles, prepared
        -- transactions.
        part := 'databases';
        digest := md5(COALESCE((SELECT string_agg(d.datname, ',' ORDER BY d.datname)
                                  FROM pg_database d), ''));
        RETURN NEXT;
        part := 'roles';
        digest := md5(COALESCE((SELECT string_agg(format('%s %s', a.rolname, a.rolsuper), ','
                                                  ORDER BY a.rolname)
                                  FROM pg_roles a), ''));
        RETURN NEXT;
        part := 'prepared_xacts';
        digest := md5(COALESCE((SELECT string_agg(format('%s %s', x.gid, x.database), ','
                                                  ORDER BY x.gid)
                                  FROM pg_prepared_xacts x), ''));
        RETURN NEXT;
    END IF;
END
$fn$;
-- "unchanged", or the parts that differ from the baseline.
CREATE FUNCTION hi_check.same() RETURNS text
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
    SELECT COALESCE('changed: ' || string_agg(COALESCE(p.part, b.part), ', '
                                              ORDER BY COALESCE(p.part, b.part)),
                    'unchanged')
      FROM hi_check.parts() p
      FULL JOIN hi_check.baseline b ON b.part = p.part
     WHERE p.digest IS DISTINCT FROM b.digest
$fn$;
CREATE FUNCTION hi_check.rebaseline() RETURNS text
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $fn$
    DELETE FROM hi_check.baseline;
    INSERT INTO hi_check.baseline SELECT * FROM hi_check.parts();
    SELECT 'baseline of ' || count(*) || ' parts' FROM hi_check.baseline
$fn$;
-- The same functions on the data nodes.
SELECT pg_get_functiondef('hi_check.parts'::regproc) AS fp_parts,
       pg_get_functiondef('hi_check.same'::regproc) AS fp_same,
       pg_get_functiondef('hi_check.rebaseline'::regproc) AS fp_rebaseline \gset
\c hi_db1
CREATE SCHEMA hi_check;
GRANT USAGE ON SCHEMA hi_check TO PUBLIC;
CREATE TABLE hi_check.baseline (part text PRIMARY KEY, digest text);
:fp_parts ;
:fp_same ;
:fp_rebaseline ;
SELECT hi_check.rebaseline();
\c hi_db2
CREATE SCHEMA hi_check;
GRANT USAGE ON SCHEMA hi_check TO PUBLIC;
CREATE TABLE hi_check.baseline (part text PRIMARY KEY, digest text);
:fp_parts ;
:fp_same ;
:fp_rebaseline ;
SELECT hi_check.rebaseline();
\c contrib_regression
SELECT hi_check.rebaseline();
SELECT hi_check.same();

-- From here on, hostile calls print their error, then the result of the
-- check, without table headers.
\pset tuples_only on
\pset format unaligned
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- add_data_node
---------------------------------------------------------------------------
-- Arguments are checked before anything happens; names that point nowhere
-- are tried with bootstrap => false, so that no database is made on the way.
SELECT * FROM add_data_node(NULL, host => '127.0.0.1');
SELECT hi_check.same();
SELECT * FROM add_data_node('', host => '127.0.0.1');
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x', host => NULL);
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x', host => '');
SELECT hi_check.same();
SELECT * FROM add_data_node(NULL, NULL, NULL, NULL, NULL, NULL, NULL);
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x', host => '127.0.0.1', port => 0);
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x', host => '127.0.0.1', port => -1);
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x', host => '127.0.0.1', port => 65536);
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x', host => '127.0.0.1', port => 2147483647);
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x', host => '127.0.0.1', port => -2147483648);
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x', host => '127.0.0.1', port => 9999999999);
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x', host => '127.0.0.1', port => '5432; DROP TABLE hi_metrics');
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x', host => '127.0.0.1', database => '');
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x', host => '127.0.0.1', if_not_exists => 'maybe');
SELECT hi_check.same();
SELECT * FROM add_data_node(repeat('x', 10000), host => '127.0.0.1', database => 'hi_nodb', bootstrap => false);
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x"; DROP TABLE hi_metrics; --', host => '127.0.0.1', database => 'hi_nodb', bootstrap => false);
SELECT hi_check.same();
SELECT * FROM add_data_node(E'hi_x\\'';\nDROP TABLE hi_metrics', host => '127.0.0.1', database => 'hi_nodb', bootstrap => false);
SELECT hi_check.same();
SELECT * FROM add_data_node('nødé_☃', host => '127.0.0.1', database => 'hi_nodb', bootstrap => false);
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x', host => '127.0.0.1', database => repeat('d', 10000), bootstrap => false);
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x', host => '127.0.0.1', database => 'hi_db1"; DROP DATABASE hi_db2; --', bootstrap => false);
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x', host => '127.0.0.1', database => E'hi_db1\n', bootstrap => false);
SELECT hi_check.same();
-- A database name is a name, never a connection string.
SELECT * FROM add_data_node('hi_x', host => '127.0.0.1', database => 'dbname=hi_db1', bootstrap => false);
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x', host => '127.0.0.1', database => 'postgresql://127.0.0.1/hi_db1', bootstrap => false);
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x', host => '127.0.0.1', database => 'template0', bootstrap => false);
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x', host => '127.0.0.1', database => 'hi_nodb', bootstrap => false,
                            password => $$x' host=/tmp dbname=hi_db1 '$$);
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x', host => '/nonexistent/directory', database => 'hi_nodb');
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_x', host => '127.0.0.1', port => 1, database => 'hi_nodb');
SELECT hi_check.same();
-- Names and databases already taken.
SELECT * FROM add_data_node('hi_1', host => '127.0.0.1', database => 'hi_db1');
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_not_ours', host => '127.0.0.1', database => 'hi_db1');
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_self', host => '127.0.0.1', database => 'contrib_regression', bootstrap => false);
SELECT hi_check.same();
-- A database that is already a data node of this access node, under
-- another name: two servers for one database would hold each chunk twice
-- over, and deleting either one would end the other's membership.
SELECT * FROM add_data_node('hi_dup', host => '127.0.0.1', database => 'hi_db1', bootstrap => false);
SELECT hi_check.same();
SELECT * FROM add_data_node('hi_dup', host => '127.0.0.1', database => 'hi_db2', bootstrap => false);
SELECT hi_check.same();
-- (Should those have worked, remove the duplicate and give the node its
-- membership back, silently, so that the rest of this test can go on.)
SET client_min_messages = error;
SELECT value AS hi_an_uuid FROM timeshard_catalog.metadata WHERE key = 'uuid' \gset
SELECT count(*) >= 0 FROM (SELECT delete_data_node('hi_dup', if_exists => true)) d;
\c hi_db1
SELECT timeshard_internal.set_dist_id(:'hi_an_uuid') IS NOT NULL;
\c hi_db2
SELECT timeshard_internal.set_dist_id(:'hi_an_uuid') IS NOT NULL;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SELECT hi_check.same();
BEGIN;
SELECT * FROM add_data_node('hi_x', host => '127.0.0.1', database => 'hi_newdb');
ROLLBACK;
SELECT hi_check.same();
-- The data nodes are unchanged too.
\c hi_db1
SELECT 'hi_db1: ' || hi_check.same();
\c hi_db2
SELECT 'hi_db2: ' || hi_check.same();
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- alter_data_node
---------------------------------------------------------------------------
SELECT * FROM alter_data_node(NULL);
SELECT hi_check.same();
SELECT * FROM alter_data_node('');
SELECT hi_check.same();
SELECT * FROM alter_data_node('hi_nope');
SELECT hi_check.same();
SELECT * FROM alter_data_node(repeat('n', 10000));
SELECT hi_check.same();
SELECT * FROM alter_data_node('hi_1"; DROP TABLE hi_metrics; --', available => false);
SELECT hi_check.same();
SELECT * FROM alter_data_node('hi_not_ours', available => false);
SELECT hi_check.same();
SELECT * FROM alter_data_node('hi_1', host => '');
SELECT hi_check.same();
SELECT * FROM alter_data_node('hi_1', port => 0);
SELECT hi_check.same();
SELECT * FROM alter_data_node('hi_1', port => -1);
SELECT hi_check.same();
SELECT * FROM alter_data_node('hi_1', port => 65536);
SELECT hi_check.same();
SELECT * FROM alter_data_node('hi_1', port => -2147483648);
SELECT hi_check.same();
SELECT * FROM alter_data_node('hi_1', database => '');
SELECT hi_check.same();
SELECT * FROM alter_data_node('hi_1', database => 'hi_nodb');
SELECT hi_check.same();
SELECT * FROM alter_data_node('hi_1', database => repeat('d', 10000));
SELECT hi_check.same();
SELECT * FROM alter_data_node('hi_1', database => E'hi_db1\'; DROP DATABASE hi_db2; --');
SELECT hi_check.same();
SELECT * FROM alter_data_node('hi_1', database => 'dbname=hi_db2');
SELECT hi_check.same();
SELECT * FROM alter_data_node('hi_1', database => 'postgres');
SELECT hi_check.same();
SELECT * FROM alter_data_node('hi_1', host => '/nonexistent/directory');
SELECT hi_check.same();
SELECT * FROM alter_data_node('hi_1', host => '127.0.0.1', port => 1);
SELECT hi_check.same();
SELECT * FROM alter_data_node('hi_1', available => 'maybe');
SELECT hi_check.same();
-- The data nodes are unchanged too.
\c hi_db1
SELECT 'hi_db1: ' || hi_check.same();
\c hi_db2
SELECT 'hi_db2: ' || hi_check.same();
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- delete_data_node
---------------------------------------------------------------------------
SELECT delete_data_node(NULL);
SELECT hi_check.same();
SELECT delete_data_node('');
SELECT hi_check.same();
SELECT delete_data_node('hi_nope');
SELECT hi_check.same();
SELECT delete_data_node(repeat('n', 10000));
SELECT hi_check.same();
SELECT delete_data_node(E'hi_1\'; DROP TABLE hi_metrics; --');
SELECT hi_check.same();
SELECT delete_data_node('hi_not_ours');
SELECT hi_check.same();
-- A node that holds data stays, force or not, and never loses the last copy of a chunk.
SELECT delete_data_node('hi_1');
SELECT hi_check.same();
SELECT delete_data_node('hi_1', if_exists => NULL, force => NULL, repartition => NULL, drop_database => NULL);
SELECT hi_check.same();
SELECT delete_data_node('hi_1', force => true);
SELECT hi_check.same();
SELECT delete_data_node('hi_2', drop_database => true);
SELECT hi_check.same();
BEGIN;
SELECT delete_data_node('hi_2', force => true, drop_database => true);
ROLLBACK;
SELECT hi_check.same();
-- The data nodes are unchanged too.
\c hi_db1
SELECT 'hi_db1: ' || hi_check.same();
\c hi_db2
SELECT 'hi_db2: ' || hi_check.same();
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- attach_data_node
---------------------------------------------------------------------------
SELECT * FROM attach_data_node(NULL, 'hi_metrics');
SELECT hi_check.same();
SELECT * FROM attach_data_node('hi_1', NULL);
SELECT hi_check.same();
SELECT * FROM attach_data_node('', 'hi_metrics');
SELECT hi_check.same();
SELECT * FROM attach_data_node('hi_nope', 'hi_metrics');
SELECT hi_check.same();
SELECT * FROM attach_data_node(repeat('n', 10000), 'hi_metrics');
SELECT hi_check.same();
SELECT * FROM attach_data_node('hi_not_ours', 'hi_metrics');
SELECT hi_check.same();
SELECT * FROM attach_data_node('hi_1', 'hi_metrics');
SELECT hi_check.same();
SELECT * FROM attach_data_node('hi_1', 'hi_metrics', if_not_attached => NULL, repartition => NULL);
SELECT hi_check.same();
SELECT * FROM attach_data_node('hi_1', 'hi_plain');
SELECT hi_check.same();
SELECT * FROM attach_data_node('hi_1', 'hi_view');
SELECT hi_check.same();
SELECT * FROM attach_data_node('hi_1', 'hi_index');
SELECT hi_check.same();
SELECT * FROM attach_data_node('hi_1', 'hi_local');
SELECT hi_check.same();
SELECT * FROM attach_data_node('hi_1', 'hi_nope');
SELECT hi_check.same();
SELECT * FROM attach_data_node('hi_1', 0);
SELECT hi_check.same();
SELECT * FROM attach_data_node('hi_1', 'hi_metrics"; DROP TABLE hi_ints; --');
SELECT hi_check.same();
SELECT * FROM attach_data_node('hi_1', 'pg_catalog.pg_class');
SELECT hi_check.same();
-- The data nodes are unchanged too.
\c hi_db1
SELECT 'hi_db1: ' || hi_check.same();
\c hi_db2
SELECT 'hi_db2: ' || hi_check.same();
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- detach_data_node
---------------------------------------------------------------------------
SELECT detach_data_node(NULL);
SELECT hi_check.same();
SELECT detach_data_node('');
SELECT hi_check.same();
SELECT detach_data_node('hi_nope');
SELECT hi_check.same();
SELECT detach_data_node(repeat('n', 10000), 'hi_metrics');
SELECT hi_check.same();
SELECT detach_data_node('hi_not_ours');
SELECT hi_check.same();
SELECT detach_data_node('hi_1', 'hi_plain');
SELECT hi_check.same();
SELECT detach_data_node('hi_1', 'hi_view');
SELECT hi_check.same();
SELECT detach_data_node('hi_1', 'hi_local');
SELECT hi_check.same();
SELECT detach_data_node('hi_1', 0);
SELECT hi_check.same();
SELECT detach_data_node('hi_1', 'hi_metrics');
SELECT hi_check.same();
SELECT detach_data_node('hi_1', 'hi_ints', force => true);
SELECT hi_check.same();
SELECT detach_data_node('hi_1');
SELECT hi_check.same();
SELECT detach_data_node('hi_1', if_attached => NULL, force => NULL, repartition => NULL, drop_remote_data => NULL);
SELECT hi_check.same();
-- The data nodes are unchanged too.
\c hi_db1
SELECT 'hi_db1: ' || hi_check.same();
\c hi_db2
SELECT 'hi_db2: ' || hi_check.same();
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- distributed_exec
---------------------------------------------------------------------------
-- The node list is looked up, never pasted into SQL; the statement runs
-- inside the distributed transaction, so it may not end or prepare it.
CALL distributed_exec(NULL);
SELECT hi_check.same();
CALL distributed_exec('');
SELECT hi_check.same();
CALL distributed_exec(E' \n\t;; ');
SELECT hi_check.same();
CALL distributed_exec(repeat(' ', 10000));
SELECT hi_check.same();
CALL distributed_exec('SELECT 1', node_list => '{}');
SELECT hi_check.same();
CALL distributed_exec('SELECT 1', node_list => '{NULL}');
SELECT hi_check.same();
CALL distributed_exec('SELECT 1', node_list => '{hi_1,NULL}');
SELECT hi_check.same();
CALL distributed_exec('SELECT 1', node_list => '{{hi_1},{hi_2}}');
SELECT hi_check.same();
CALL distributed_exec('SELECT 1', node_list => '{""}');
SELECT hi_check.same();
CALL distributed_exec('SELECT 1', node_list => '{hi_nope}');
SELECT hi_check.same();
CALL distributed_exec('SELECT 1', node_list => ARRAY[repeat('n', 10000)]::name[]);
SELECT hi_check.same();
CALL distributed_exec('SELECT 1', node_list => ARRAY['hi_1; DROP TABLE hi_metrics; --']::name[]);
SELECT hi_check.same();
CALL distributed_exec('SELECT 1', node_list => ARRAY[E'hi_1\'', 'hi_2\"']::name[]);
SELECT hi_check.same();
CALL distributed_exec('SELECT 1', node_list => ARRAY[E'hi_1\n']::name[]);
SELECT hi_check.same();
CALL distributed_exec('SELECT 1', node_list => '{hi_not_ours}');
SELECT hi_check.same();
CALL distributed_exec('SELECT 1', node_list => 'hi_1');
SELECT hi_check.same();
CALL distributed_exec('SELECT 1', node_list => '{hi_1}', transactional => 'maybe');
SELECT hi_check.same();
CALL distributed_exec('SELECT 1/0');
SELECT hi_check.same();
CALL distributed_exec($$SELECT 1; SELECT 'unterminated$$);
SELECT hi_check.same();
BEGIN;
CALL distributed_exec('SELECT 1', transactional => false);
ROLLBACK;
SELECT hi_check.same();
-- Transaction control would take the remote transaction out of the distributed one.
CALL distributed_exec('COMMIT');
SELECT hi_check.same();
CALL distributed_exec('ROLLBACK');
SELECT hi_check.same();
CALL distributed_exec('BEGIN');
SELECT hi_check.same();
CALL distributed_exec('PREPARE TRANSACTION ''hi_gid''', node_list => '{hi_1}');
SELECT hi_check.same();
-- (Should that have worked, end the prepared transaction it left.)
\c hi_db1
SELECT format('ROLLBACK PREPARED %L', gid) FROM pg_prepared_xacts WHERE gid = 'hi_gid' \gexec
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SELECT hi_check.same();
-- What the statement did before its ROLLBACK is rolled back with the local transaction.
BEGIN;
CALL distributed_exec('ROLLBACK; CREATE TABLE public.hi_leak (a integer)', node_list => '{hi_1}');
ROLLBACK;
\c hi_db1
SELECT 'hi_db1: ' || hi_check.same();
SET client_min_messages = error;
DROP TABLE IF EXISTS public.hi_leak;
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
-- Non-transactional: a BEGIN must not leave the node's session inside a
-- transaction (VACUUM, which cannot run in one, shows it).
CALL distributed_exec('BEGIN', node_list => '{hi_1}', transactional => false);
CALL distributed_exec('VACUUM hi_check.baseline', node_list => '{hi_1}', transactional => false);
SELECT hi_check.same();
-- COPY to or from the client has no client on the data node.
CALL distributed_exec('COPY hi_check.baseline TO STDOUT', node_list => '{hi_1}');
SELECT hi_check.same();
CALL distributed_exec('COPY hi_check.baseline FROM STDIN', node_list => '{hi_1}');
SELECT hi_check.same();
CALL distributed_exec('SELECT 1', node_list => '{hi_1}');
SELECT hi_check.same();
-- The data nodes are unchanged too.
\c hi_db1
SELECT 'hi_db1: ' || hi_check.same();
\c hi_db2
SELECT 'hi_db2: ' || hi_check.same();
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- create_distributed_hypertable and create_hypertable
---------------------------------------------------------------------------
-- hi_args is a plain table that never becomes a hypertable.
SELECT * FROM create_distributed_hypertable(NULL, 'time');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', NULL);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable(NULL, NULL);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_nope', 'time');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args"; DROP TABLE hi_metrics; --', 'time');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable(repeat('t', 10000), 'time');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable(0, 'time');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable(12345678, 'time');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_view', 'time');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_mview', 'a');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_index', 'v');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_seq', 'last_value');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_type', 'a');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_parted', 'time');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_foreign', 'a');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_metrics', 'time');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_local', 'time');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('pg_catalog.pg_class', 'relname');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('timeshard_catalog.remote_txn', 'created');
SELECT hi_check.same();
-- The time column.
SELECT * FROM create_distributed_hypertable('hi_args', '');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'nope');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', repeat('c', 10000));
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time"; DROP TABLE hi_metrics; --');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', E'ti\nme');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'tíme');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'label');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'pt');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'ctid');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'tableoid');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'ival');
SELECT hi_check.same();
-- The interval.
SELECT * FROM create_distributed_hypertable('hi_args', 'time', chunk_time_interval => interval '0');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', chunk_time_interval => interval '-1 day');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', chunk_time_interval => 0);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', chunk_time_interval => -9223372036854775808);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'ival', chunk_time_interval => 9223372036854775807);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'sval', chunk_time_interval => 32768);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'day', chunk_time_interval => interval '1 hour');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', chunk_time_interval => 'one week'::text);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', chunk_time_interval => true);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', chunk_time_interval => 1.5);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', chunk_time_interval => ARRAY[interval '1 day']);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', chunk_time_interval => now());
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', chunk_time_interval => interval '1000000000 years');
SELECT hi_check.same();
-- Space partitioning.
SELECT * FROM create_distributed_hypertable('hi_args', 'time', 'nope');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', '');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', 'time');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', 'pt');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', 'device; DROP TABLE hi_metrics');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', number_partitions => 2);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', 'device', number_partitions => 0);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', 'device', number_partitions => -1);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', 'device', number_partitions => 32768);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', 'device', number_partitions => 2147483647);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', 'device', number_partitions => -2147483648);
SELECT hi_check.same();
-- Replication and data nodes.
SELECT * FROM create_distributed_hypertable('hi_args', 'time', replication_factor => 0);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', replication_factor => -1);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', replication_factor => 3);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', replication_factor => 2147483647);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', replication_factor => -2147483648);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', data_nodes => '{}');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', data_nodes => '{NULL}');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', data_nodes => '{{hi_1},{hi_2}}');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', data_nodes => '{hi_1,hi_nope}');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', data_nodes => '{""}');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', data_nodes => ARRAY[repeat('n', 10000)]::name[]);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', data_nodes => ARRAY['hi_1"}; DROP TABLE hi_metrics; --']::name[]);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', data_nodes => '{hi_not_ours}');
SELECT hi_check.same();
-- Chunk names: empty, or too long to leave room for the chunk number.
SELECT * FROM create_distributed_hypertable('hi_args', 'time', associated_schema_name => '');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', associated_table_prefix => '');
SELECT hi_check.same();
-- (In a transaction that is rolled back, should they succeed.)
BEGIN;
SELECT * FROM create_distributed_hypertable('hi_args', 'time', associated_table_prefix => repeat('p', 10000));
ROLLBACK;
SELECT hi_check.same();
BEGIN;
SELECT * FROM create_distributed_hypertable('hi_args', 'time', associated_table_prefix => repeat('p', 50));
ROLLBACK;
SELECT hi_check.same();
-- TimescaleDB features timeshard does not have.
SELECT * FROM create_distributed_hypertable('hi_args', 'time', partitioning_func => 'pg_catalog.hashtext');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', partitioning_func => 'hi_nope');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', time_partitioning_func => 'pg_catalog.now');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', chunk_target_size => '1MB');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', chunk_sizing_func => 'pg_catalog.now');
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time', migrate_data => true);
SELECT hi_check.same();
-- create_hypertable.
SELECT * FROM create_hypertable(NULL, 'time');
SELECT hi_check.same();
SELECT * FROM create_hypertable('hi_view', 'time', distributed => false);
SELECT hi_check.same();
SELECT * FROM create_hypertable('hi_args', 'time', data_nodes => '{hi_1}', distributed => false);
SELECT hi_check.same();
SELECT * FROM create_hypertable('hi_args', 'time', replication_factor => 1, distributed => false);
SELECT hi_check.same();
SELECT * FROM create_hypertable('hi_args', 'time', replication_factor => 0, distributed => true);
SELECT hi_check.same();
SELECT * FROM create_hypertable('hi_args', 'nope', distributed => false);
SELECT hi_check.same();
SELECT * FROM create_hypertable('hi_args', 'ival', chunk_time_interval => -1, distributed => false);
SELECT hi_check.same();
BEGIN;
SELECT * FROM create_hypertable('hi_args', 'time', associated_table_prefix => repeat('p', 63), distributed => false);
ROLLBACK;
SELECT hi_check.same();
-- The data nodes are unchanged too.
\c hi_db1
SELECT 'hi_db1: ' || hi_check.same();
\c hi_db2
SELECT 'hi_db2: ' || hi_check.same();
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- set_number_partitions, set_replication_factor, set_chunk_time_interval
---------------------------------------------------------------------------
SELECT set_number_partitions(NULL, 2);
SELECT hi_check.same();
SELECT set_number_partitions('hi_metrics', NULL);
SELECT hi_check.same();
SELECT set_number_partitions('hi_metrics', 0);
SELECT hi_check.same();
SELECT set_number_partitions('hi_metrics', -1);
SELECT hi_check.same();
SELECT set_number_partitions('hi_metrics', 32768);
SELECT hi_check.same();
SELECT set_number_partitions('hi_metrics', 2147483647);
SELECT hi_check.same();
SELECT set_number_partitions('hi_metrics', 2, '');
SELECT hi_check.same();
SELECT set_number_partitions('hi_metrics', 2, 'nope');
SELECT hi_check.same();
SELECT set_number_partitions('hi_metrics', 2, 'time');
SELECT hi_check.same();
SELECT set_number_partitions('hi_metrics', 2, repeat('d', 10000));
SELECT hi_check.same();
SELECT set_number_partitions('hi_ints', 2);
SELECT hi_check.same();
SELECT set_number_partitions('hi_plain', 2);
SELECT hi_check.same();
SELECT set_number_partitions('hi_view', 2);
SELECT hi_check.same();
SELECT set_number_partitions(0, 2);
SELECT hi_check.same();
SELECT set_replication_factor(NULL, 1);
SELECT hi_check.same();
SELECT set_replication_factor('hi_metrics', NULL);
SELECT hi_check.same();
SELECT set_replication_factor('hi_metrics', 0);
SELECT hi_check.same();
SELECT set_replication_factor('hi_metrics', -1);
SELECT hi_check.same();
SELECT set_replication_factor('hi_metrics', 3);
SELECT hi_check.same();
SELECT set_replication_factor('hi_metrics', 32768);
SELECT hi_check.same();
SELECT set_replication_factor('hi_metrics', -2147483648);
SELECT hi_check.same();
SELECT set_replication_factor('hi_metrics', 'two');
SELECT hi_check.same();
SELECT set_replication_factor('hi_local', 1);
SELECT hi_check.same();
SELECT set_replication_factor('hi_index', 1);
SELECT hi_check.same();
SELECT set_chunk_time_interval(NULL, interval '1 day');
SELECT hi_check.same();
SELECT set_chunk_time_interval('hi_metrics', NULL::interval);
SELECT hi_check.same();
SELECT set_chunk_time_interval('hi_metrics', interval '0');
SELECT hi_check.same();
SELECT set_chunk_time_interval('hi_metrics', interval '-1 day');
SELECT hi_check.same();
SELECT set_chunk_time_interval('hi_metrics', 0);
SELECT hi_check.same();
SELECT set_chunk_time_interval('hi_metrics', -9223372036854775808);
SELECT hi_check.same();
SELECT set_chunk_time_interval('hi_metrics', 'one day'::text);
SELECT hi_check.same();
SELECT set_chunk_time_interval('hi_metrics', true);
SELECT hi_check.same();
SELECT set_chunk_time_interval('hi_metrics', ARRAY[interval '1 day']);
SELECT hi_check.same();
SELECT set_chunk_time_interval('hi_metrics', interval '1 day', 'nope');
SELECT hi_check.same();
SELECT set_chunk_time_interval('hi_metrics', interval '1 day', 'device');
SELECT hi_check.same();
SELECT set_chunk_time_interval('hi_metrics', interval '1 day', E'time\'; DROP TABLE hi_metrics; --');
SELECT hi_check.same();
SELECT set_chunk_time_interval('hi_ints', interval '1 day');
SELECT hi_check.same();
SELECT set_chunk_time_interval('hi_ints', 9223372036854775807);
SELECT hi_check.same();
SELECT set_chunk_time_interval('hi_plain', interval '1 day');
SELECT hi_check.same();
SELECT set_chunk_time_interval('hi_seq', interval '1 day');
SELECT hi_check.same();
-- The data nodes are unchanged too.
\c hi_db1
SELECT 'hi_db1: ' || hi_check.same();
\c hi_db2
SELECT 'hi_db2: ' || hi_check.same();
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- show_chunks and drop_chunks
---------------------------------------------------------------------------
SELECT show_chunks(NULL);
SELECT hi_check.same();
SELECT show_chunks('hi_plain');
SELECT hi_check.same();
SELECT show_chunks('hi_view');
SELECT hi_check.same();
SELECT show_chunks('hi_index');
SELECT hi_check.same();
SELECT show_chunks(0);
SELECT hi_check.same();
SELECT show_chunks('hi_nope');
SELECT hi_check.same();
SELECT show_chunks('hi_metrics', older_than => 'garbage');
SELECT hi_check.same();
SELECT show_chunks('hi_metrics', older_than => E'2024-01-02\'; DROP TABLE hi_metrics; --');
SELECT hi_check.same();
SELECT show_chunks('hi_metrics', older_than => repeat('9', 10000));
SELECT hi_check.same();
SELECT show_chunks('hi_metrics', older_than => true);
SELECT hi_check.same();
SELECT show_chunks('hi_metrics', older_than => 1);
SELECT hi_check.same();
SELECT show_chunks('hi_metrics', older_than => ARRAY[now()]);
SELECT hi_check.same();
SELECT show_chunks('hi_metrics', older_than => ROW(1, 2));
SELECT hi_check.same();
SELECT show_chunks('hi_metrics', older_than => interval '-300000 years');
SELECT hi_check.same();
SELECT show_chunks('hi_ints', older_than => interval '1 day');
SELECT hi_check.same();
SELECT show_chunks('hi_ints', older_than => now());
SELECT hi_check.same();
SELECT show_chunks('hi_ints', older_than => 'ten');
SELECT hi_check.same();
SELECT show_chunks('hi_metrics', older_than => now(), created_before => now());
SELECT hi_check.same();
SELECT show_chunks('hi_metrics', created_before => 'garbage');
SELECT hi_check.same();
SELECT show_chunks('hi_metrics', created_before => 1);
SELECT hi_check.same();
SELECT show_chunks('hi_metrics', created_after => true);
SELECT hi_check.same();
SELECT drop_chunks(NULL, older_than => now());
SELECT hi_check.same();
SELECT drop_chunks('hi_metrics');
SELECT hi_check.same();
SELECT drop_chunks('hi_metrics', older_than => NULL);
SELECT hi_check.same();
SELECT drop_chunks('hi_plain', older_than => now());
SELECT hi_check.same();
SELECT drop_chunks('hi_view', older_than => now());
SELECT hi_check.same();
SELECT drop_chunks(0, older_than => now());
SELECT hi_check.same();
SELECT drop_chunks('hi_metrics', older_than => 'garbage');
SELECT hi_check.same();
SELECT drop_chunks('hi_metrics', older_than => E'2024-01-02\'; DROP TABLE hi_metrics; --');
SELECT hi_check.same();
SELECT drop_chunks('hi_metrics', older_than => true);
SELECT hi_check.same();
SELECT drop_chunks('hi_metrics', newer_than => 1);
SELECT hi_check.same();
SELECT drop_chunks('hi_ints', older_than => interval '1 day');
SELECT hi_check.same();
SELECT drop_chunks('hi_ints', older_than => now());
SELECT hi_check.same();
SELECT drop_chunks('hi_metrics', older_than => now(), created_after => now());
SELECT hi_check.same();
SELECT drop_chunks('hi_metrics', created_before => 1);
SELECT hi_check.same();
-- Bounds that select nothing drop nothing.
SELECT drop_chunks('hi_metrics', older_than => '2000-01-01'::timestamptz, verbose => NULL);
SELECT hi_check.same();
SELECT drop_chunks('hi_metrics', newer_than => 'infinity'::timestamptz);
SELECT hi_check.same();
SELECT drop_chunks('hi_ints', older_than => -2147483648);
SELECT hi_check.same();
-- The data nodes are unchanged too.
\c hi_db1
SELECT 'hi_db1: ' || hi_check.same();
\c hi_db2
SELECT 'hi_db2: ' || hi_check.same();
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- Sizes
---------------------------------------------------------------------------
SELECT hypertable_size(NULL);
SELECT hi_check.same();
SELECT hypertable_size('hi_plain');
SELECT hi_check.same();
SELECT hypertable_size('hi_view');
SELECT hi_check.same();
SELECT hypertable_size('hi_index');
SELECT hi_check.same();
SELECT hypertable_size(0);
SELECT hi_check.same();
SELECT hypertable_size('hi_nope');
SELECT hi_check.same();
SELECT hypertable_size(E'hi_metrics\'; DROP TABLE hi_ints; --');
SELECT hi_check.same();
SELECT * FROM hypertable_detailed_size(NULL);
SELECT hi_check.same();
SELECT * FROM hypertable_detailed_size('hi_seq');
SELECT hi_check.same();
SELECT * FROM hypertable_detailed_size('hi_foreign');
SELECT hi_check.same();
SELECT * FROM chunks_detailed_size(NULL);
SELECT hi_check.same();
SELECT * FROM chunks_detailed_size('hi_mview');
SELECT hi_check.same();
SELECT * FROM chunks_detailed_size('hi_type');
SELECT hi_check.same();
SELECT approximate_row_count(NULL);
SELECT hi_check.same();
SELECT approximate_row_count('hi_nope');
SELECT hi_check.same();
SELECT approximate_row_count('hi_view');
SELECT hi_check.same();
-- The data nodes are unchanged too.
\c hi_db1
SELECT 'hi_db1: ' || hi_check.same();
\c hi_db2
SELECT 'hi_db2: ' || hi_check.same();
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- time_bucket
---------------------------------------------------------------------------
-- Widths that are not positive, intervals that mix months with days,
-- values out of range and time zones that do not exist; nothing a query
-- pushes down to a data node can escape its literal.
SELECT time_bucket(0, 5);
SELECT hi_check.same();
SELECT time_bucket(-1, 5);
SELECT hi_check.same();
SELECT time_bucket(0::smallint, 5::smallint);
SELECT hi_check.same();
SELECT time_bucket(-9223372036854775808, 5::bigint);
SELECT hi_check.same();
SELECT time_bucket(NULL::integer, 5);
SELECT hi_check.same();
SELECT time_bucket(9223372036854775807, -9223372036854775808);
SELECT hi_check.same();
SELECT time_bucket(3::smallint, (-32768)::smallint);
SELECT hi_check.same();
SELECT time_bucket(10, -2147483648);
SELECT hi_check.same();
SELECT time_bucket(10, 5, -2147483648);
SELECT hi_check.same();
SELECT time_bucket(interval '0', now());
SELECT hi_check.same();
SELECT time_bucket(interval '-1 day', now());
SELECT hi_check.same();
SELECT time_bucket(interval '-1 month', now());
SELECT hi_check.same();
SELECT time_bucket(interval '1 month 1 day', now());
SELECT hi_check.same();
SELECT time_bucket(interval '1 hour', '2024-01-01'::date);
SELECT hi_check.same();
SELECT time_bucket(interval '36 hours', '2024-01-01'::date);
SELECT hi_check.same();
SELECT time_bucket(interval '1 day', now(), 'infinity'::timestamptz);
SELECT hi_check.same();
SELECT time_bucket(interval '1 day', '2024-01-01'::date, '-infinity'::date);
SELECT hi_check.same();
SELECT time_bucket(interval '1 day', '4714-11-24 00:00:00+00 BC'::timestamptz, "offset" => interval '1 hour');
SELECT hi_check.same();
SELECT time_bucket(interval '1 day', '294276-12-31 00:00:00+00'::timestamptz, "offset" => interval '-2 days');
SELECT hi_check.same();
SELECT time_bucket(interval '1 day', now(), 'Mars/Olympus_Mons');
SELECT hi_check.same();
SELECT time_bucket(interval '1 day', now(), E'UTC\'; DROP TABLE hi_metrics; --');
SELECT hi_check.same();
SELECT time_bucket(interval '1 day', now(), '');
SELECT hi_check.same();
SELECT time_bucket(interval '1 day', now(), repeat('x', 10000)) IS NULL;
SELECT hi_check.same();
SELECT time_bucket('one day', now());
SELECT hi_check.same();
SELECT time_bucket(interval '1 day', 'yesterday; DROP TABLE hi_metrics'::text);
SELECT hi_check.same();
-- Pushed down: the data nodes see the values as literals (which node answers first does not matter).
DO $$
BEGIN
    PERFORM time_bucket(interval '1 day', time, E'UTC\'; DROP TABLE hi_metrics; --'), count(*)
       FROM hi_metrics GROUP BY 1;
EXCEPTION WHEN invalid_parameter_value THEN
    RAISE NOTICE 'caught %: %', SQLSTATE, regexp_replace(SQLERRM, '^\[hi_[12]\]: ', '');
END $$;
SELECT hi_check.same();
SELECT count(*) FROM hi_metrics WHERE time_bucket(interval '1 day', time)::text = E'2024-01-01\'; DROP TABLE hi_metrics; --';
SELECT hi_check.same();
SELECT count(*) FROM hi_metrics WHERE v::text = E'1\\' OR device::text = E'\'; DROP TABLE hi_metrics; --';
SELECT hi_check.same();
-- The data nodes are unchanged too.
\c hi_db1
SELECT 'hi_db1: ' || hi_check.same();
\c hi_db2
SELECT 'hi_db2: ' || hi_check.same();
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- remote_txn_heal_data_node, create_distributed_restore_point, data_node_health
---------------------------------------------------------------------------
SELECT remote_txn_heal_data_node(NULL);
SELECT hi_check.same();
SELECT remote_txn_heal_data_node('');
SELECT hi_check.same();
SELECT remote_txn_heal_data_node('hi_nope');
SELECT hi_check.same();
SELECT remote_txn_heal_data_node(repeat('n', 10000));
SELECT hi_check.same();
SELECT remote_txn_heal_data_node(E'hi_1\'; DROP TABLE hi_metrics; --');
SELECT hi_check.same();
SELECT remote_txn_heal_data_node('hi_not_ours');
SELECT hi_check.same();
BEGIN;
SELECT remote_txn_heal_data_node('hi_1');
ROLLBACK;
SELECT hi_check.same();
SELECT * FROM create_distributed_restore_point(NULL);
SELECT hi_check.same();
SELECT * FROM create_distributed_restore_point(repeat('r', 10000));
SELECT hi_check.same();
SELECT * FROM create_distributed_restore_point(repeat('r', 64));
SELECT hi_check.same();
-- Odd but valid names make restore points on the access node and each data node.
SELECT node_type, count(*) FROM create_distributed_restore_point(E'hi\'; DROP TABLE hi_metrics; --') GROUP BY 1 ORDER BY 1;
SELECT hi_check.same();
SELECT node_type, count(*) FROM create_distributed_restore_point(E'nødé\n\\') GROUP BY 1 ORDER BY 1;
SELECT hi_check.same();
SELECT * FROM data_node_health('hi_1');
SELECT hi_check.same();
SELECT node_name, healthy, error FROM data_node_health() ORDER BY 1;
SELECT hi_check.same();
-- The data nodes are unchanged too.
\c hi_db1
SELECT 'hi_db1: ' || hi_check.same();
\c hi_db2
SELECT 'hi_db2: ' || hi_check.same();
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- Without privileges
---------------------------------------------------------------------------
-- hi_user may use both data nodes and write to hi_metrics, and owns nothing.
SET ROLE hi_user;
SELECT * FROM add_data_node('hi_x', host => '127.0.0.1', database => 'hi_nodb');
SELECT hi_check.same();
SELECT * FROM alter_data_node('hi_1', available => false);
SELECT hi_check.same();
SELECT delete_data_node('hi_1');
SELECT hi_check.same();
SELECT delete_data_node('hi_1', if_exists => true, force => true);
SELECT hi_check.same();
SELECT * FROM attach_data_node('hi_1', 'hi_metrics', if_not_attached => true);
SELECT hi_check.same();
SELECT detach_data_node('hi_1', 'hi_metrics', force => true);
SELECT hi_check.same();
SELECT set_number_partitions('hi_metrics', 3);
SELECT hi_check.same();
SELECT set_replication_factor('hi_metrics', 1);
SELECT hi_check.same();
SELECT set_chunk_time_interval('hi_metrics', interval '2 days');
SELECT hi_check.same();
SELECT drop_chunks('hi_metrics', older_than => 'infinity'::timestamptz);
SELECT hi_check.same();
SELECT * FROM create_distributed_hypertable('hi_args', 'time');
SELECT hi_check.same();
SELECT * FROM create_distributed_restore_point('hi_user_point');
SELECT hi_check.same();
SELECT remote_txn_heal_data_node('hi_1');
SELECT hi_check.same();
CALL distributed_exec('CREATE ROLE hi_evil SUPERUSER');
SELECT hi_check.same();
CALL distributed_exec('ALTER ROLE hi_user SUPERUSER');
SELECT hi_check.same();
CALL distributed_exec('SET SESSION AUTHORIZATION postgres');
SELECT hi_check.same();
CALL distributed_exec('DROP TABLE public.hi_metrics');
SELECT hi_check.same();
RESET ROLE;
-- Chunks in schemas the owner of the table may not create in.  hi_user
-- owns schema hi_own here and on the data nodes, and its table hi_owned.
-- (In transactions that are rolled back, should they succeed.)
CREATE SCHEMA hi_own AUTHORIZATION hi_user;
CALL distributed_exec('CREATE SCHEMA hi_own AUTHORIZATION hi_user');
CREATE TABLE hi_own.hi_owned (time timestamptz NOT NULL, v integer);
ALTER TABLE hi_own.hi_owned OWNER TO hi_user;
SELECT hi_check.rebaseline();
SET ROLE hi_user;
BEGIN;
SELECT * FROM create_distributed_hypertable('hi_own.hi_owned', 'time', associated_schema_name => 'timeshard_catalog');
ROLLBACK;
SELECT hi_check.same();
BEGIN;
SELECT * FROM create_distributed_hypertable('hi_own.hi_owned', 'time', associated_schema_name => 'pg_catalog');
ROLLBACK;
SELECT hi_check.same();
BEGIN;
SELECT * FROM create_distributed_hypertable('hi_own.hi_owned', 'time', associated_schema_name => 'hi_check');
ROLLBACK;
SELECT hi_check.same();
RESET ROLE;
DROP SCHEMA hi_own CASCADE;
CALL distributed_exec('DROP SCHEMA hi_own');
SELECT hi_check.rebaseline();
-- The data nodes are unchanged too.
\c hi_db1
SELECT 'hi_db1: ' || hi_check.same();
\c hi_db2
SELECT 'hi_db2: ' || hi_check.same();
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- A search_path set to hijack timeshard's own queries
---------------------------------------------------------------------------
-- timeshard reads and writes its catalog with elevated rights; with
-- search_path = hi_evil, pg_catalog, hi_user's operators "=" come before
-- PostgreSQL's.  They must never run as anybody but hi_user (they log the
-- user they run as when it is someone else).
CREATE SCHEMA hi_evil AUTHORIZATION hi_user;
SET ROLE hi_user;
CREATE TABLE hi_evil.t (a integer);
CREATE FUNCTION hi_evil.name_eq(name, name) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF current_user <> 'hi_user' THEN
        PERFORM set_config('hi_evil.ran_as', current_user || ' (name = name)', false);
    END IF;
    RETURN $1::text OPERATOR(pg_catalog.=) $2::text;
END $$;
CREATE FUNCTION hi_evil.int_eq(integer, integer) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF current_user <> 'hi_user' THEN
        PERFORM set_config('hi_evil.ran_as', current_user || ' (integer = integer)', false);
    END IF;
    RETURN $1 OPERATOR(pg_catalog.=) $2;
END $$;
CREATE OPERATOR hi_evil.= (LEFTARG = name, RIGHTARG = name, FUNCTION = hi_evil.name_eq);
CREATE OPERATOR hi_evil.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = hi_evil.int_eq);
RESET ROLE;
SELECT hi_check.rebaseline();
SET ROLE hi_user;
SET search_path = hi_evil, pg_catalog;
SET hi_evil.ran_as = '';
INSERT INTO hi_evil.t VALUES (1);
SELECT 'ran as: ' || COALESCE(NULLIF(current_setting('hi_evil.ran_as', true), ''), 'nobody else');
SET hi_evil.ran_as = '';
SELECT count(*) FROM public.hi_metrics;
SELECT 'ran as: ' || COALESCE(NULLIF(current_setting('hi_evil.ran_as', true), ''), 'nobody else');
SET hi_evil.ran_as = '';
SELECT count(*) FROM public.show_chunks('public.hi_metrics');
SELECT 'ran as: ' || COALESCE(NULLIF(current_setting('hi_evil.ran_as', true), ''), 'nobody else');
SET hi_evil.ran_as = '';
CALL public.distributed_exec('SELECT 1', node_list => '{hi_1}');
SELECT 'ran as: ' || COALESCE(NULLIF(current_setting('hi_evil.ran_as', true), ''), 'nobody else');
SET hi_evil.ran_as = '';
SELECT public.hypertable_size('public.hi_metrics') > 0;
SELECT 'ran as: ' || COALESCE(NULLIF(current_setting('hi_evil.ran_as', true), ''), 'nobody else');
RESET search_path;
RESET ROLE;
SELECT rolname, rolsuper FROM pg_roles WHERE rolname = 'hi_user';
SELECT hi_check.same();
DROP SCHEMA hi_evil CASCADE;
SELECT hi_check.rebaseline();
-- The data nodes are unchanged too.
\c hi_db1
SELECT 'hi_db1: ' || hi_check.same();
\c hi_db2
SELECT 'hi_db2: ' || hi_check.same();
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- timeshard's internal functions on a data node, called by hand
---------------------------------------------------------------------------
-- hi_user, who may create tables in hi_db1, calls the functions the access
-- node calls there: nothing may land outside the schemas hi_user may use,
-- and the functions only the access node may call are closed to it.
\c hi_db1
GRANT CREATE ON SCHEMA public TO hi_user;
CREATE TABLE public.hi_user_parted (time timestamptz NOT NULL, v integer) PARTITION BY RANGE (time);
ALTER TABLE public.hi_user_parted OWNER TO hi_user;
SELECT 'hi_db1: ' || hi_check.rebaseline();
-- (a login of hi_user: SET ROLE in a superuser's session is still that session)
\c hi_db1 hi_user
BEGIN;
SELECT timeshard_internal.register_member_hypertable('public.hi_user_parted', 'time', NULL, NULL, 'timeshard_catalog', 'x');
ROLLBACK;
SELECT 'hi_db1: ' || hi_check.same();
BEGIN;
SELECT timeshard_internal.register_member_hypertable('public.hi_user_parted', 'time', NULL, NULL, 'pg_catalog', 'x');
ROLLBACK;
SELECT 'hi_db1: ' || hi_check.same();
BEGIN;
SELECT timeshard_internal.register_member_hypertable('public.hi_user_parted', 'time', NULL, NULL, 'hi_check', 'x');
ROLLBACK;
SELECT 'hi_db1: ' || hi_check.same();
BEGIN;
SELECT timeshard_internal.create_chunk('public.hi_user_parted', 'timeshard_catalog', 'hi_planted', NULL, NULL, NULL, NULL, NULL);
ROLLBACK;
SELECT 'hi_db1: ' || hi_check.same();
BEGIN;
SELECT timeshard_internal.drop_chunk('timeshard_catalog', 'metadata');
ROLLBACK;
SELECT 'hi_db1: ' || hi_check.same();
BEGIN;
SELECT timeshard_internal.sync_chunk_privileges('timeshard_catalog.metadata');
ROLLBACK;
SELECT 'hi_db1: ' || hi_check.same();
BEGIN;
SELECT timeshard_internal.set_dist_id(NULL);
ROLLBACK;
SELECT 'hi_db1: ' || hi_check.same();
BEGIN;
SELECT timeshard_internal.unset_dist_id(NULL);
ROLLBACK;
SELECT 'hi_db1: ' || hi_check.same();
BEGIN;
SELECT timeshard_internal.copy_table_privileges('public.hi_user_parted', 'public.hi_user_parted');
ROLLBACK;
SELECT 'hi_db1: ' || hi_check.same();
\c hi_db1 postgres
DELETE FROM timeshard_catalog.hypertable WHERE table_name = 'hi_user_parted';
DROP TABLE public.hi_user_parted;
REVOKE CREATE ON SCHEMA public FROM hi_user;
SELECT 'hi_db1: ' || hi_check.rebaseline();
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SELECT hi_check.same();

---------------------------------------------------------------------------
-- Valid names that need quoting work
---------------------------------------------------------------------------
-- A data node and its database, a table, its columns, its chunks' schema
-- and prefix, all with quotes, semicolons, backslashes, spaces and non-ASCII
-- characters: everything works, and afterwards everything is as before.
\pset tuples_only off
\pset format aligned
-- A third data node, named like an injection, on a database named like one.
SELECT node_name, database, database_created
  FROM add_data_node(E'hi "3"; DROP TABLE hi_metrics; --\\', host => '127.0.0.1',
                     database => E'hi db"3\'; DROP DATABASE hi_db1; --');
SELECT datname FROM pg_database WHERE datname LIKE 'hi%' ORDER BY 1;
-- Space partitions map to the three nodes by their names.
CREATE TABLE hi_spread (time timestamptz NOT NULL, device integer);
SELECT table_name, created
  FROM create_distributed_hypertable('hi_spread', 'time', 'device', number_partitions => 3,
                                     replication_factor => 2);
SELECT p.remainder, p.data_nodes
  FROM timeshard_catalog.dimension_partition p
  JOIN timeshard_catalog.dimension d ON d.id = p.dimension_id
  JOIN timeshard_catalog.hypertable h ON h.id = d.hypertable_id
 WHERE h.table_name = 'hi_spread' ORDER BY 1;
INSERT INTO hi_spread SELECT '2024-01-01', d FROM generate_series(1, 30) d;
SELECT count(*) FROM hi_spread;
SELECT count(*) AS chunks, count(*) FILTER (WHERE E'hi "3"; DROP TABLE hi_metrics; --\\' = ANY (data_nodes)) AS on_node_3
  FROM timeshard_information.chunks WHERE hypertable_name = 'hi_spread';
DROP TABLE hi_spread;
-- Chunks whose schema and names need quoting (on hi_1 and hi_2): written,
-- updated, deleted, listed and dropped.
CREATE TABLE "hi Odd""Table;" ("tíme" timestamptz NOT NULL, "dev""ice" integer, "v;al" text);
SELECT table_name, created
  FROM create_distributed_hypertable('"hi Odd""Table;"', 'tíme', 'dev"ice', number_partitions => 2,
                                     chunk_time_interval => interval '1 day',
                                     associated_schema_name => E'hi S"ch;ema\\',
                                     associated_table_prefix => E'p"x\\y;z',
                                     replication_factor => 2, data_nodes => '{hi_1,hi_2}');
INSERT INTO "hi Odd""Table;"
SELECT t, d, E'it''s; a "value"\\' FROM generate_series('2024-01-01'::timestamptz, '2024-01-03', '1 day') t,
                                         generate_series(1, 6) d;
SELECT count(*), count(DISTINCT "dev""ice") FROM "hi Odd""Table;";
SELECT count(*) AS chunks, count(DISTINCT chunk_schema) AS schemas,
       bool_and(chunk_name LIKE E'p"x\\\\y;z\\_%\\_chunk') AS named_after_prefix
  FROM timeshard_information.chunks WHERE hypertable_name = 'hi Odd"Table;';
UPDATE "hi Odd""Table;" SET "v;al" = 'updated' WHERE "dev""ice" = 1;
DELETE FROM "hi Odd""Table;" WHERE "dev""ice" = 2;
SELECT "v;al", count(*) FROM "hi Odd""Table;" GROUP BY 1 ORDER BY 1;
SELECT count(*) FROM show_chunks('"hi Odd""Table;"');
SELECT count(*) FROM drop_chunks('"hi Odd""Table;"', older_than => '2024-01-02'::timestamptz);
SELECT count(*) FROM "hi Odd""Table;";
DROP TABLE "hi Odd""Table;";
CALL distributed_exec(E'DROP SCHEMA "hi S""ch;ema\\"', node_list => '{hi_1,hi_2}');
DROP SCHEMA "hi S""ch;ema\";
-- A schema whose name holds the dollar-quote tag of the DDL sent to the nodes.
CREATE SCHEMA "hi$ts$; SELECT 1; --";
CREATE TABLE "hi$ts$; SELECT 1; --".hi_tagged (time timestamptz NOT NULL, v integer);
SELECT table_name, created
  FROM create_distributed_hypertable('"hi$ts$; SELECT 1; --".hi_tagged', 'time', data_nodes => '{hi_1,hi_2}');
INSERT INTO "hi$ts$; SELECT 1; --".hi_tagged VALUES ('2024-01-01', 1), ('2024-02-01', 2);
SELECT count(*) FROM "hi$ts$; SELECT 1; --".hi_tagged;
DROP SCHEMA "hi$ts$; SELECT 1; --" CASCADE;
CALL distributed_exec('DROP SCHEMA IF EXISTS "hi$ts$; SELECT 1; --"', node_list => '{hi_1,hi_2}');
SELECT delete_data_node(E'hi "3"; DROP TABLE hi_metrics; --\\', drop_database => true);
SELECT datname FROM pg_database WHERE datname LIKE 'hi%' ORDER BY 1;
SELECT hi_check.same();
-- The data nodes are unchanged too.
\c hi_db1
SELECT 'hi_db1: ' || hi_check.same();
\c hi_db2
SELECT 'hi_db2: ' || hi_check.same();
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- Extreme but valid time values are stored
---------------------------------------------------------------------------
-- The largest interval, and values at both ends of the column's type.
BEGIN;
CREATE TABLE hi_huge (time timestamptz NOT NULL, v integer);
SELECT table_name FROM create_distributed_hypertable('hi_huge', 'time', chunk_time_interval => 9223372036854775807);
INSERT INTO hi_huge VALUES ('4713-01-01 00:00:00+00 BC', 1), ('2024-01-01', 2), ('294276-12-31 23:59:59+00', 3);
SELECT count(*) FROM hi_huge;
ROLLBACK;
BEGIN;
CREATE TABLE hi_huge_int (t bigint NOT NULL);
SELECT table_name FROM create_distributed_hypertable('hi_huge_int', 't', chunk_time_interval => 9223372036854775807);
INSERT INTO hi_huge_int VALUES (-9223372036854775808), (0), (9223372036854775807);
SELECT count(*) FROM hi_huge_int;
ROLLBACK;
BEGIN;
CREATE TABLE hi_edge_int (t bigint NOT NULL);
SELECT table_name FROM create_distributed_hypertable('hi_edge_int', 't', chunk_time_interval => 1000);
INSERT INTO hi_edge_int VALUES (-9223372036854775808), (9223372036854775807);
SELECT t FROM hi_edge_int ORDER BY t;
ROLLBACK;
SELECT hi_check.same();
\pset tuples_only on
\pset format unaligned
-- The data nodes are unchanged too.
\c hi_db1
SELECT 'hi_db1: ' || hi_check.same();
\c hi_db2
SELECT 'hi_db2: ' || hi_check.same();
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- copy_chunk and move_chunk
---------------------------------------------------------------------------
-- c1 is a chunk of hi_metrics (on both nodes), c2 a chunk of hi_ints on
-- hi_1 only.
SELECT format('%I.%I', chunk_schema, chunk_name) AS c1 FROM timeshard_information.chunks
 WHERE hypertable_name = 'hi_metrics' ORDER BY chunk_name LIMIT 1 \gset
SELECT format('%I.%I', chunk_schema, chunk_name) AS c2 FROM timeshard_information.chunks
 WHERE hypertable_name = 'hi_ints' AND data_nodes = '{hi_1}' ORDER BY chunk_name LIMIT 1 \gset
SELECT copy_chunk(NULL, 'hi_1', 'hi_2');
SELECT hi_check.same();
SELECT copy_chunk(:'c2', NULL, 'hi_2');
SELECT hi_check.same();
SELECT move_chunk(:'c2', 'hi_1', NULL);
SELECT hi_check.same();
SELECT copy_chunk('hi_view', 'hi_1', 'hi_2');
SELECT hi_check.same();
SELECT copy_chunk('hi_plain', 'hi_1', 'hi_2');
SELECT hi_check.same();
SELECT copy_chunk('hi_metrics', 'hi_1', 'hi_2');
SELECT hi_check.same();
SELECT copy_chunk(0, 'hi_1', 'hi_2');
SELECT hi_check.same();
SELECT copy_chunk(:'c2', 'hi_1', 'hi_1');
SELECT hi_check.same();
SELECT copy_chunk(:'c2', 'hi_nope', 'hi_2');
SELECT hi_check.same();
SELECT copy_chunk(:'c2', 'hi_1', '');
SELECT hi_check.same();
SELECT copy_chunk(:'c2', 'hi_1', repeat('n', 10000));
SELECT hi_check.same();
SELECT copy_chunk(:'c2', 'hi_1', 'hi_not_ours');
SELECT hi_check.same();
SELECT copy_chunk(:'c1', 'hi_1', 'hi_2');
SELECT hi_check.same();
SELECT move_chunk(:'c2', 'hi_2', 'hi_1');
SELECT hi_check.same();
SELECT move_chunk(:'c2', E'hi_1\'; DROP TABLE hi_metrics; --', 'hi_2');
SELECT hi_check.same();
SET ROLE hi_user;
SELECT move_chunk(:'c2', 'hi_1', 'hi_2');
SELECT hi_check.same();
RESET ROLE;
-- The data nodes are unchanged too.
\c hi_db1
SELECT 'hi_db1: ' || hi_check.same();
\c hi_db2
SELECT 'hi_db2: ' || hi_check.same();
\c contrib_regression
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

---------------------------------------------------------------------------
-- Clean up
---------------------------------------------------------------------------
\pset tuples_only off
\pset format aligned
DROP SCHEMA hi_check CASCADE;
DROP VIEW hi_view;
DROP MATERIALIZED VIEW hi_mview;
DROP TABLE hi_metrics, hi_ints, hi_local, hi_args, hi_plain, hi_parted;
DROP SEQUENCE hi_seq;
DROP TYPE hi_type;
DROP FOREIGN TABLE hi_foreign;
DROP SERVER hi_not_ours;
DROP FOREIGN DATA WRAPPER hi_other_fdw;
SELECT delete_data_node('hi_1', drop_database => true);
SELECT delete_data_node('hi_2', drop_database => true);
DROP ROLE hi_user;
DROP EXTENSION timeshard;
