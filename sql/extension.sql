-- The extension installs its schemas, its foreign data wrapper, its catalog
-- and its views; DROP EXTENSION removes every one of them.
CREATE EXTENSION timeshard;

SELECT nspname FROM pg_namespace WHERE nspname LIKE 'timeshard%' ORDER BY 1;

SELECT fdwname, fdwhandler::regproc AS handler, fdwvalidator::regproc AS validator
  FROM pg_foreign_data_wrapper WHERE fdwname = 'timeshard_fdw';

-- This installation's identity.
SELECT key, value ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' AS is_uuid
  FROM timeshard_catalog.metadata ORDER BY key;

-- Catalog tables are dumped by pg_dump.
SELECT unnest(extconfig)::regclass::text AS dumped_table
  FROM pg_extension WHERE extname = 'timeshard' ORDER BY 1;

-- No data nodes yet.
SELECT * FROM timeshard_information.data_nodes;

-- Parameters live under a reserved prefix.
SHOW timeshard.worker_naptime;
SET timeshard.no_such_parameter = 1;

-- The validator knows which option goes where.
CREATE SERVER s1 FOREIGN DATA WRAPPER timeshard_fdw OPTIONS (host 'localhost', nonsense 'x');
CREATE SERVER s1 FOREIGN DATA WRAPPER timeshard_fdw OPTIONS (host 'localhost', port '0');
CREATE SERVER s1 FOREIGN DATA WRAPPER timeshard_fdw OPTIONS (host 'localhost', port '65536');
CREATE SERVER s1 FOREIGN DATA WRAPPER timeshard_fdw OPTIONS (host 'localhost', fetch_size '-1');
CREATE SERVER s1 FOREIGN DATA WRAPPER timeshard_fdw OPTIONS (host 'localhost', fdw_tuple_cost 'x');
CREATE SERVER s1 FOREIGN DATA WRAPPER timeshard_fdw OPTIONS (host 'localhost', available 'maybe');
CREATE SERVER s1 FOREIGN DATA WRAPPER timeshard_fdw OPTIONS (host '');

-- Every object belongs to the extension, so DROP EXTENSION leaves nothing.
DROP EXTENSION timeshard;
SELECT nspname FROM pg_namespace WHERE nspname LIKE 'timeshard%' ORDER BY 1;
SELECT count(*) AS wrappers FROM pg_foreign_data_wrapper WHERE fdwname = 'timeshard_fdw';
SELECT count(*) AS functions FROM pg_proc WHERE proname LIKE 'timeshard%';

-- The install script never adopts an object somebody created beforehand.
CREATE SCHEMA timeshard_catalog;
CREATE EXTENSION timeshard;
DROP SCHEMA timeshard_catalog;
CREATE EXTENSION timeshard;
DROP EXTENSION timeshard;
