-- Install safety: CREATE EXTENSION timeshard never adopts an object that a
-- user created beforehand (it fails, and leaves nothing behind), is not
-- fooled by a search_path that puts a user's schema before pg_catalog, and
-- installs no SECURITY DEFINER, SQL or PL/pgSQL function without a pinned
-- search_path.
\set VERBOSITY terse
SET client_min_messages = notice;

-- What is left of the extension after each attempt.
CREATE VIEW is_leftovers AS
SELECT (SELECT count(*) FROM pg_extension WHERE extname = 'timeshard') AS extension,
       (SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'timeshard%') AS schemas,
       (SELECT count(*) FROM pg_foreign_data_wrapper WHERE fdwname = 'timeshard_fdw') AS wrappers,
       (SELECT count(*) FROM pg_event_trigger WHERE evtname = 'timeshard_sql_drop') AS event_triggers,
       (SELECT count(*) FROM pg_proc WHERE proname IN ('add_data_node', 'time_bucket', 'distributed_exec',
                                                       'create_distributed_restore_point')) AS functions;

---------------------------------------------------------------------------
-- Each of these objects, made beforehand, makes CREATE EXTENSION fail.
---------------------------------------------------------------------------
-- The extension's schemas.
CREATE SCHEMA timeshard_catalog;
CREATE TABLE timeshard_catalog.metadata (key name PRIMARY KEY, value text NOT NULL);
CREATE EXTENSION timeshard;
DROP SCHEMA timeshard_catalog CASCADE;
CREATE SCHEMA timeshard_internal;
CREATE EXTENSION timeshard;
DROP SCHEMA timeshard_internal;
CREATE SCHEMA timeshard_information;
CREATE EXTENSION timeshard;
DROP SCHEMA timeshard_information;
SELECT * FROM is_leftovers;

-- Functions and procedures of the API, with the same arguments, in the
-- schema the extension goes to.
CREATE FUNCTION public.time_bucket(bucket_width interval, ts timestamptz) RETURNS timestamptz
    LANGUAGE sql AS $$ SELECT ts $$;
CREATE EXTENSION timeshard;
DROP FUNCTION public.time_bucket(interval, timestamptz);
CREATE FUNCTION public.add_data_node(name, text, name, integer, boolean, boolean, text) RETURNS void
    LANGUAGE sql AS $$ SELECT $$;
CREATE EXTENSION timeshard;
DROP FUNCTION public.add_data_node(name, text, name, integer, boolean, boolean, text);
CREATE PROCEDURE public.distributed_exec(text, name[], boolean) LANGUAGE sql AS $$ SELECT 1 $$;
CREATE EXTENSION timeshard;
DROP PROCEDURE public.distributed_exec(text, name[], boolean);
SELECT * FROM is_leftovers;

-- The same in another target schema.
CREATE SCHEMA is_target;
CREATE FUNCTION is_target.create_distributed_restore_point(name text)
    RETURNS TABLE (node_name name, node_type text, restore_point pg_lsn)
    LANGUAGE sql AS $$ SELECT NULL::name, NULL::text, NULL::pg_lsn $$;
CREATE EXTENSION timeshard SCHEMA is_target;
DROP SCHEMA is_target CASCADE;

-- The foreign data wrapper and the event trigger.
CREATE FOREIGN DATA WRAPPER timeshard_fdw;
CREATE EXTENSION timeshard;
DROP FOREIGN DATA WRAPPER timeshard_fdw;
CREATE FUNCTION public.is_noop() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE EVENT TRIGGER timeshard_sql_drop ON sql_drop EXECUTE FUNCTION public.is_noop();
CREATE EXTENSION timeshard;
DROP EVENT TRIGGER timeshard_sql_drop;
DROP FUNCTION public.is_noop();

-- Nothing was left by any of the failed attempts.
SELECT * FROM is_leftovers;

---------------------------------------------------------------------------
-- A hostile search_path during CREATE EXTENSION.
---------------------------------------------------------------------------
-- Functions and an operator that shadow PostgreSQL's for whoever puts
-- is_evil before pg_catalog; none of them may end up in the extension.
CREATE SCHEMA is_evil;
CREATE FUNCTION is_evil.gen_random_uuid() RETURNS uuid
    LANGUAGE sql AS $$ SELECT '00000000-0000-0000-0000-000000000000'::uuid $$;
CREATE FUNCTION is_evil.now() RETURNS timestamptz
    LANGUAGE sql AS $$ SELECT '2000-01-01'::timestamptz $$;
CREATE FUNCTION is_evil.text_eq(text, text) RETURNS boolean
    LANGUAGE sql AS $$ SELECT true $$;
CREATE OPERATOR is_evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = is_evil.text_eq);
SET search_path = is_evil, pg_catalog;
CREATE EXTENSION timeshard SCHEMA public;
RESET search_path;
SELECT value <> '00000000-0000-0000-0000-000000000000' AS own_uuid
  FROM timeshard_catalog.metadata WHERE key = 'uuid';
-- No object of the extension depends on anything in is_evil.
SELECT count(*) AS depends_on_is_evil
  FROM pg_depend d
  JOIN pg_depend e ON e.classid = d.classid AND e.objid = d.objid AND e.deptype = 'e'
                  AND e.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'timeshard')
 WHERE d.refclassid = 'pg_proc'::regclass
   AND d.refobjid IN (SELECT p.oid FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                       WHERE n.nspname = 'is_evil')
    OR d.refclassid = 'pg_operator'::regclass
   AND d.refobjid IN (SELECT o.oid FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
                       WHERE n.nspname = 'is_evil');
SELECT count(*) AS defaults_naming_is_evil
  FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname LIKE 'timeshard%' AND pg_get_expr(d.adbin, d.adrelid) LIKE '%is_evil%';

---------------------------------------------------------------------------
-- The extension's functions.
---------------------------------------------------------------------------
CREATE VIEW is_functions AS
SELECT p.oid::regprocedure AS function, l.lanname AS language, p.prosecdef AS security_definer,
       (SELECT c FROM unnest(p.proconfig) c WHERE c LIKE 'search\_path=%') AS search_path,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_may_execute
  FROM pg_proc p
  JOIN pg_language l ON l.oid = p.prolang
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'timeshard');
-- No SECURITY DEFINER function, and no SQL or PL/pgSQL function, runs with
-- the caller's search_path.
SELECT function, language, security_definer
  FROM is_functions
 WHERE (security_definer OR language IN ('sql', 'plpgsql')) AND search_path IS NULL
 ORDER BY function::text;
-- Each of them pins it to pg_catalog and pg_temp, in that order.
SELECT count(*) > 0 AS some_security_definer,
       bool_and(search_path = 'search_path=pg_catalog, pg_temp') AS all_pinned
  FROM is_functions WHERE security_definer;
SELECT count(*) > 0 AS some_sql_or_plpgsql,
       bool_and(search_path = 'search_path=pg_catalog, pg_temp') AS all_pinned
  FROM is_functions WHERE language IN ('sql', 'plpgsql');

-- Clean up.
DROP EXTENSION timeshard;
DROP SCHEMA is_evil CASCADE;
DROP VIEW is_functions;
SELECT * FROM is_leftovers;
DROP VIEW is_leftovers;
