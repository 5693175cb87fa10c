-- create_distributed_restore_point: one named restore point on the access
-- node and on every data node, taken while no distributed commit is in
-- flight; its checks and errors.
SET client_min_messages = notice;
CREATE EXTENSION timeshard;

-- Not an access node yet.
SELECT * FROM create_distributed_restore_point('rp_none');

SELECT node_name FROM add_data_node('rp_1', host => '127.0.0.1', database => 'rp_db1');
SELECT node_name FROM add_data_node('rp_2', host => '127.0.0.1', database => 'rp_db2');

-- One row for the access node (no node name), one per data node, each
-- with a restore point LSN.
SELECT node_name, node_type, restore_point IS NOT NULL AS has_lsn
  FROM create_distributed_restore_point('rp_first') ORDER BY node_name NULLS FIRST;

-- The checks.
SELECT * FROM create_distributed_restore_point(NULL);
SELECT * FROM create_distributed_restore_point(repeat('x', 64));
SET timeshard.enable_2pc = off;
SELECT * FROM create_distributed_restore_point('rp_no_2pc');
RESET timeshard.enable_2pc;
CREATE ROLE rp_user;
SET ROLE rp_user;
SELECT * FROM create_distributed_restore_point('rp_not_superuser');
RESET ROLE;
SELECT alter_data_node('rp_2', available => false) IS NOT NULL AS altered;
SELECT * FROM create_distributed_restore_point('rp_unavailable');
SELECT alter_data_node('rp_2', available => true) IS NOT NULL AS altered;

-- Commits and restore points do not interleave: a transaction that wrote on
-- the nodes holds the commit-record table until it has committed there.
CREATE TABLE rp_t (time timestamptz NOT NULL, v int);
SELECT table_name FROM create_distributed_hypertable('rp_t', 'time', 'v', number_partitions => 2);
BEGIN;
INSERT INTO rp_t VALUES ('2024-01-01', 1), ('2024-01-01', 2);
SELECT count(*) FROM create_distributed_restore_point('rp_in_txn');
COMMIT;
SELECT count(*) FROM rp_t;

DROP TABLE rp_t;
DROP ROLE rp_user;
SELECT delete_data_node('rp_1', drop_database => true);
SELECT delete_data_node('rp_2', drop_database => true);
DROP EXTENSION timeshard;
