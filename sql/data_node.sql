-- Data nodes: add_data_node, alter_data_node, delete_data_node, and the same
-- through plain CREATE/ALTER/DROP SERVER.  The data nodes are other databases
-- of this instance, reached over TCP on 127.0.0.1.
\set VERBOSITY default
SET client_min_messages = notice;
CREATE EXTENSION timeshard;

---------------------------------------------------------------------------
-- Arguments are checked before anything happens.
---------------------------------------------------------------------------
SELECT * FROM add_data_node(NULL, host => '127.0.0.1');
SELECT * FROM add_data_node('', host => '127.0.0.1');
SELECT * FROM add_data_node('dn_x', host => NULL);
SELECT * FROM add_data_node('dn_x', host => '');
SELECT * FROM add_data_node('dn_x', host => '127.0.0.1', port => 0);
SELECT * FROM add_data_node('dn_x', host => '127.0.0.1', port => 65536);
SELECT * FROM add_data_node('dn_x', host => '127.0.0.1', port => -1);
SELECT * FROM add_data_node('dn_x', host => '127.0.0.1', database => '');
BEGIN;
SELECT * FROM add_data_node('dn_x', host => '127.0.0.1', database => 'dn_x');
ROLLBACK;
-- The access node cannot be its own data node.
SELECT * FROM add_data_node('dn_self', host => '127.0.0.1');
-- Only superusers add data nodes.
CREATE ROLE dn_user LOGIN;
SET ROLE dn_user;
SELECT * FROM add_data_node('dn_x', host => '127.0.0.1', database => 'dn_x');
RESET ROLE;
-- Nothing was left behind by any of these.
SELECT count(*) AS servers FROM pg_foreign_server;
SELECT datname FROM pg_database WHERE datname LIKE 'dn\_%' ORDER BY 1;
SELECT key FROM timeshard_catalog.metadata ORDER BY key;

---------------------------------------------------------------------------
-- Adding nodes: the database and the extension are made on the node.
---------------------------------------------------------------------------
SELECT node_name, host, database, node_created, database_created, extension_created
  FROM add_data_node('dn_1', host => '127.0.0.1', database => 'dn_db1');
SELECT node_name, host, database, node_created, database_created, extension_created
  FROM add_data_node('dn_2', host => '127.0.0.1', database => 'dn_db2');
-- Already there: an error, or a notice with if_not_exists.
SELECT * FROM add_data_node('dn_1', host => '127.0.0.1', database => 'dn_db1');
SELECT node_name, node_created, database_created, extension_created
  FROM add_data_node('dn_1', host => '127.0.0.1', database => 'dn_db1', if_not_exists => true);
SELECT node_name, owner, host, port = current_setting('port')::int AS same_port, database, available
  FROM timeshard_information.data_nodes ORDER BY 1;
SELECT srvname, ARRAY(SELECT o FROM unnest(srvoptions) o WHERE o NOT LIKE 'node_uuid=%')
                 = ARRAY['host=127.0.0.1', 'port=' || current_setting('port'),
                         'dbname=' || replace(srvname, 'dn_', 'dn_db')] AS options_ok
  FROM pg_foreign_server ORDER BY 1;
SELECT srvname, array_to_string(srvoptions, ',') ~ 'password' AS shows_password FROM pg_foreign_server ORDER BY 1;
-- This database is now an access node of a distributed database named by its uuid.
SELECT key, CASE key WHEN 'role' THEN value
                     ELSE (value = (SELECT value FROM timeshard_catalog.metadata WHERE key = 'uuid'))::text END
  FROM timeshard_catalog.metadata WHERE key <> 'uuid' ORDER BY key;

-- On the node: the extension, and the membership record.
\c dn_db1
SELECT extname FROM pg_extension WHERE extname = 'timeshard';
SELECT role, dist_uuid IS NOT NULL AS member FROM timeshard_internal.node_info();
-- A data node cannot have data nodes of its own.
SELECT * FROM add_data_node('dn_z', host => '127.0.0.1', database => 'dn_dbz');
CALL distributed_exec('SELECT 1');
\c contrib_regression

-- A database that already exists is checked and reused.
CREATE DATABASE dn_db3;
SELECT node_name, database, node_created, database_created, extension_created
  FROM add_data_node('dn_3', host => '127.0.0.1', database => 'dn_db3');
-- One with another encoding is refused, and nothing is left.
CREATE DATABASE dn_latin TEMPLATE template0 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C';
SELECT * FROM add_data_node('dn_latin', host => '127.0.0.1', database => 'dn_latin');
SELECT count(*) FROM pg_foreign_server WHERE srvname = 'dn_latin';
-- A member of another distributed database is refused by a second access node.
CREATE DATABASE dn_other_an;
\c dn_other_an
CREATE EXTENSION timeshard;
SELECT * FROM add_data_node('dn_1', host => '127.0.0.1', database => 'dn_db1');
-- ... and an access node cannot become a data node.
SELECT node_name, database_created FROM add_data_node('dn_x', host => '127.0.0.1', database => 'dn_dbx');
\c contrib_regression
SELECT * FROM add_data_node('dn_an', host => '127.0.0.1', database => 'dn_other_an');
SELECT count(*) AS servers FROM pg_foreign_server WHERE srvname = 'dn_an';
\c dn_other_an
SELECT * FROM delete_data_node('dn_x', drop_database => true);
\c contrib_regression
-- bootstrap => false needs the extension on the node already.
CREATE DATABASE dn_empty;
SELECT * FROM add_data_node('dn_empty', host => '127.0.0.1', database => 'dn_empty', bootstrap => false);
SELECT count(*) FROM pg_foreign_server WHERE srvname = 'dn_empty';
-- An unreachable node fails with an error that names it.
SELECT * FROM add_data_node('dn_nowhere', host => '127.0.0.1', port => 1, database => 'x');
SELECT count(*) FROM pg_foreign_server WHERE srvname = 'dn_nowhere';

---------------------------------------------------------------------------
-- alter_data_node
---------------------------------------------------------------------------
SELECT node_name, host, database, available FROM alter_data_node('dn_1');
SELECT node_name, host, database, available FROM alter_data_node('dn_1', available => false);
SELECT node_name, available FROM timeshard_information.data_nodes ORDER BY 1;
SELECT node_name, available FROM alter_data_node('dn_1', available => true);
SELECT * FROM alter_data_node(NULL);
SELECT * FROM alter_data_node('dn_nope');
SELECT * FROM alter_data_node('dn_1', port => 70000);
SELECT * FROM alter_data_node('dn_1', host => '');
-- A node moves only to a database that is a data node of ours.
SELECT * FROM alter_data_node('dn_1', database => 'dn_empty');
SELECT node_name, database FROM alter_data_node('dn_1', database => 'dn_db2');
SELECT node_name, database FROM alter_data_node('dn_1', database => 'dn_db1');
SELECT * FROM alter_data_node('dn_1', host => '127.0.0.1', port => 1);
-- The owner of the server may alter it; others may not.
SET ROLE dn_user;
SELECT * FROM alter_data_node('dn_1', available => false);
RESET ROLE;

---------------------------------------------------------------------------
-- The PostgreSQL way: CREATE / ALTER / DROP SERVER
---------------------------------------------------------------------------
-- No host, no extension on the node, a wrong option: refused, nothing left.
CREATE SERVER dn_4 FOREIGN DATA WRAPPER timeshard_fdw OPTIONS (dbname 'dn_db4');
CREATE SERVER dn_4 FOREIGN DATA WRAPPER timeshard_fdw OPTIONS (host '127.0.0.1', dbname 'dn_empty');
CREATE SERVER dn_4 FOREIGN DATA WRAPPER timeshard_fdw OPTIONS (host '127.0.0.1', dbname 'dn_empty', bogus 'x');
SELECT count(*) FROM pg_foreign_server WHERE srvname = 'dn_4';
-- With the extension there, the node joins like add_data_node(bootstrap => false).
\c dn_empty
CREATE EXTENSION timeshard;
\c contrib_regression
-- Rolled back: the server and the node's membership go together.
BEGIN;
CREATE SERVER dn_4 FOREIGN DATA WRAPPER timeshard_fdw OPTIONS (host '127.0.0.1', dbname 'dn_empty');
ROLLBACK;
SELECT count(*) FROM pg_foreign_server WHERE srvname = 'dn_4';
\c dn_empty
SELECT role, dist_uuid IS NOT NULL AS member FROM timeshard_internal.node_info();
\c contrib_regression
CREATE SERVER dn_4 FOREIGN DATA WRAPPER timeshard_fdw OPTIONS (host '127.0.0.1', dbname 'dn_empty');
SELECT node_name, host, port = current_setting('port')::int AS default_port, database
  FROM timeshard_information.data_nodes WHERE node_name = 'dn_4';
\c dn_empty
SELECT role, dist_uuid IS NOT NULL AS member FROM timeshard_internal.node_info();
\c contrib_regression
-- ALTER SERVER is checked like alter_data_node.
ALTER SERVER dn_4 OPTIONS (SET port '0');
ALTER SERVER dn_4 OPTIONS (SET dbname 'postgres');
ALTER SERVER dn_4 OPTIONS (ADD available 'false');
SELECT node_name, available FROM timeshard_information.data_nodes WHERE node_name = 'dn_4';
-- Users cannot create foreign tables on a data node by hand.
CREATE FOREIGN TABLE ft (a int) SERVER dn_4;
-- DROP SERVER removes the node and its membership.
DROP SERVER dn_4;
\c dn_empty
SELECT role, dist_uuid IS NOT NULL AS member FROM timeshard_internal.node_info();
\c contrib_regression

---------------------------------------------------------------------------
-- delete_data_node
---------------------------------------------------------------------------
SELECT * FROM delete_data_node(NULL);
SELECT * FROM delete_data_node('dn_nope');
SELECT * FROM delete_data_node('dn_nope', if_exists => true);
SET ROLE dn_user;
SELECT * FROM delete_data_node('dn_3');
RESET ROLE;
BEGIN;
SELECT * FROM delete_data_node('dn_3', drop_database => true);
ROLLBACK;
SELECT * FROM delete_data_node('dn_3', drop_database => true);
SELECT datname FROM pg_database WHERE datname = 'dn_db3';
SELECT * FROM delete_data_node('dn_2');
\c dn_db2
SELECT role, dist_uuid IS NOT NULL AS member FROM timeshard_internal.node_info();
\c contrib_regression
SELECT * FROM delete_data_node('dn_1');
-- With no data nodes left, this database is no longer an access node.
SELECT key FROM timeshard_catalog.metadata ORDER BY key;
SELECT * FROM timeshard_information.data_nodes;
-- A node that was ours can be added again.
SELECT node_name, database, node_created, database_created, extension_created
  FROM add_data_node('dn_1', host => '127.0.0.1', database => 'dn_db1');
SELECT * FROM delete_data_node('dn_1', drop_database => true);

DROP ROLE dn_user;
DROP DATABASE dn_db2;
DROP DATABASE dn_latin;
DROP DATABASE dn_empty;
DROP DATABASE dn_other_an;
DROP EXTENSION timeshard;
