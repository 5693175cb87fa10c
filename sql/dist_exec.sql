-- distributed_exec: run statements on data nodes, transactionally or not,
-- as the calling role and with the caller's search_path.
SET client_min_messages = notice;
CREATE EXTENSION timeshard;
SELECT node_name FROM add_data_node('dx_1', host => '127.0.0.1', database => 'dx_db1');
SELECT node_name FROM add_data_node('dx_2', host => '127.0.0.1', database => 'dx_db2');

-- Bad arguments.
CALL distributed_exec(NULL);
CALL distributed_exec('');
CALL distributed_exec('  ;  ');
CALL distributed_exec('SELECT 1', node_list => '{}');
CALL distributed_exec('SELECT 1', node_list => '{dx_1,NULL}');
CALL distributed_exec('SELECT 1', node_list => '{{dx_1},{dx_2}}');
CALL distributed_exec('SELECT 1', node_list => '{dx_nope}');
CREATE FOREIGN DATA WRAPPER other_fdw;
CREATE SERVER not_ours FOREIGN DATA WRAPPER other_fdw;
CALL distributed_exec('SELECT 1', node_list => '{not_ours}');
BEGIN;
CALL distributed_exec('SELECT 1', transactional => false);
ROLLBACK;

-- On every node, or on the listed ones (duplicates count once).
CALL distributed_exec('CREATE TABLE everywhere (a int)');
CALL distributed_exec('CREATE TABLE only_one (a int)', node_list => '{dx_1,dx_1}');
\c dx_db1
SELECT relname FROM pg_class WHERE relname IN ('everywhere', 'only_one') ORDER BY 1;
\c dx_db2
SELECT relname FROM pg_class WHERE relname IN ('everywhere', 'only_one') ORDER BY 1;
\c contrib_regression

-- Transactional: rolled back with the local transaction...
BEGIN;
CALL distributed_exec('CREATE TABLE rolled_back (a int)');
ROLLBACK;
-- ... and everywhere when one node fails (only_one exists on dx_1 only).
CALL distributed_exec('CREATE TABLE both_or_none (a int); CREATE TABLE only_one (a int)');
-- ... savepoints follow the local ones.
BEGIN;
CALL distributed_exec('CREATE TABLE kept (a int)');
SAVEPOINT s;
CALL distributed_exec('CREATE TABLE undone (a int)');
ROLLBACK TO SAVEPOINT s;
CALL distributed_exec('INSERT INTO kept VALUES (1)');
COMMIT;
\c dx_db1
SELECT relname FROM pg_class WHERE relname IN ('rolled_back', 'both_or_none', 'kept', 'undone') ORDER BY 1;
SELECT * FROM kept;
\c dx_db2
SELECT relname FROM pg_class WHERE relname IN ('rolled_back', 'both_or_none', 'kept', 'undone') ORDER BY 1;
\c contrib_regression

-- A remote error keeps its SQLSTATE, and names the node.
DO $$
BEGIN
  CALL distributed_exec('SELECT 1/0', node_list => '{dx_2}');
EXCEPTION WHEN division_by_zero THEN
  RAISE NOTICE 'caught % (%): %', SQLSTATE, 'division_by_zero', SQLERRM;
END $$;
-- The session still works after errors.
CALL distributed_exec('SELECT 1');

-- Non-transactional: for commands that cannot run in a transaction.
CALL distributed_exec('CREATE DATABASE dx_made_by_exec', node_list => '{dx_1}', transactional => false);
SELECT datname FROM pg_database WHERE datname = 'dx_made_by_exec';
CALL distributed_exec('DROP DATABASE dx_made_by_exec', node_list => '{dx_2}', transactional => false);
SELECT datname FROM pg_database WHERE datname = 'dx_made_by_exec';

-- The caller's search_path goes along...
CALL distributed_exec('CREATE SCHEMA dx_schema');
SET search_path = dx_schema, public;
CALL distributed_exec('CREATE TABLE in_schema (a int)');
RESET search_path;
\c dx_db1
SELECT schemaname, tablename FROM pg_tables WHERE tablename = 'in_schema';
\c contrib_regression

-- ... and so does the calling role.  (Roles must exist on the nodes: on
-- separate servers, CALL distributed_exec('CREATE ROLE ...') makes them; here
-- the nodes share this instance's roles.)
CREATE ROLE dx_role LOGIN;
CALL distributed_exec('GRANT CREATE ON SCHEMA public TO dx_role');
GRANT USAGE ON FOREIGN SERVER dx_1, dx_2 TO dx_role;
SET ROLE dx_role;
-- Not allowed without a password: a trust rule must not let a non-superuser in.
CALL distributed_exec('CREATE TABLE owned (a int)');
RESET ROLE;
-- A superuser may waive that for a role's user mapping.
CREATE USER MAPPING FOR dx_role SERVER dx_1 OPTIONS (password_required 'false');
CREATE USER MAPPING FOR dx_role SERVER dx_2 OPTIONS (password_required 'false');
SET ROLE dx_role;
CALL distributed_exec('CREATE TABLE owned (a int)');
SELECT current_user;
RESET ROLE;
\c dx_db2
SELECT tableowner FROM pg_tables WHERE tablename = 'owned';
\c contrib_regression
-- Without USAGE on a node, no command runs there.
REVOKE USAGE ON FOREIGN SERVER dx_2 FROM dx_role;
SET ROLE dx_role;
CALL distributed_exec('SELECT 1');
-- password_required is for superusers to set.
CREATE USER MAPPING FOR dx_role SERVER not_ours OPTIONS (password 'x');
ALTER USER MAPPING FOR dx_role SERVER dx_1 OPTIONS (SET password_required 'false');
RESET ROLE;

-- An unavailable node is refused rather than waited for.
SELECT node_name, available FROM alter_data_node('dx_2', available => false);
CALL distributed_exec('SELECT 1');
CALL distributed_exec('SELECT 1', node_list => '{dx_1}');
SELECT node_name, available FROM alter_data_node('dx_2', available => true);

-- Clean up.
CALL distributed_exec('DROP TABLE owned; REVOKE CREATE ON SCHEMA public FROM dx_role');
DROP USER MAPPING FOR dx_role SERVER dx_1;
DROP USER MAPPING FOR dx_role SERVER dx_2;
REVOKE USAGE ON FOREIGN SERVER dx_1 FROM dx_role;
DROP ROLE dx_role;
DROP SERVER not_ours;
DROP FOREIGN DATA WRAPPER other_fdw;
SELECT delete_data_node('dx_1', drop_database => true);
SELECT delete_data_node('dx_2', drop_database => true);
DROP EXTENSION timeshard;
