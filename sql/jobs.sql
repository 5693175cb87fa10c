-- distributed_exec_async: a queue of commands for the data nodes, run by the
-- background worker of this database as the role that submitted them, in
-- submission order per node; the views jobs and job_nodes, cancel, wait.
-- test/regress.conf sets timeshard.job_retry_interval = 100ms and
-- timeshard.job_max_attempts = 3.  Job ids are kept in psql variables.
SET client_min_messages = notice;
-- A wait that never ends fails the suite instead of hanging it.
SET statement_timeout = '60s';
CREATE EXTENSION timeshard;
SELECT node_name FROM add_data_node('jb_1', host => '127.0.0.1', database => 'jb_db1');
SELECT node_name FROM add_data_node('jb_2', host => '127.0.0.1', database => 'jb_db2');
SHOW timeshard.job_retry_interval;
SHOW timeshard.job_max_attempts;

-- Until a node answers again and is available (the worker delivers its
-- pending jobs first), for at most 30 s.
CREATE FUNCTION jb_wait_available(node name) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  deadline timestamptz := clock_timestamp() + interval '30 s';
BEGIN
  LOOP
    IF (SELECT available FROM timeshard_information.data_nodes WHERE node_name = node) THEN
      RETURN true;
    END IF;
    IF clock_timestamp() > deadline THEN
      RETURN false;
    END IF;
    PERFORM pg_sleep(0.05);
  END LOOP;
END $$;

-- Bad arguments: refused at submission, nothing queued.
SELECT distributed_exec_async(NULL);
SELECT distributed_exec_async('');
SELECT distributed_exec_async('  ;  ');
SELECT distributed_exec_async('BEGIN');
SELECT distributed_exec_async('CREATE TABLE jb_never (a int); COMMIT');
SELECT distributed_exec_async('SELECT 1', node_list => '{}');
SELECT distributed_exec_async('SELECT 1', node_list => '{jb_1,NULL}');
SELECT distributed_exec_async('SELECT 1', node_list => '{jb_nope}');
SELECT wait_for_distributed_exec_job(12345);
SELECT cancel_distributed_exec_job(12345);
SELECT wait_for_distributed_exec_job(NULL);
SELECT cancel_distributed_exec_job(NULL) IS NULL AS cancel_null;
SELECT count(*) AS jobs FROM timeshard_information.jobs;

-- A job for every node: it succeeds on each, once, and the views say so.
SELECT distributed_exec_async('CREATE TABLE jb_everywhere (a int); INSERT INTO jb_everywhere VALUES (1)') AS job \gset
SELECT wait_for_distributed_exec_job(:job);
SELECT job_id = :job AS is_job, command, node_list, submitted_by, status,
       finished_at >= submitted_at AS finished
  FROM timeshard_information.jobs WHERE job_id = :job;
SELECT node_name, status, attempts, last_error,
       started_at >= (SELECT submitted_at FROM timeshard_information.jobs WHERE job_id = :job) AS started,
       finished_at >= started_at AS finished
  FROM timeshard_information.job_nodes WHERE job_id = :job ORDER BY node_name;
-- A finished job is waited for at once, and cannot be cancelled.
SELECT wait_for_distributed_exec_job(:job, interval '0');
SELECT cancel_distributed_exec_job(:job);
SELECT status FROM timeshard_information.jobs WHERE job_id = :job;
\c jb_db1
SELECT * FROM jb_everywhere;
\c jb_db2
SELECT * FROM jb_everywhere;
\c contrib_regression
SET statement_timeout = '60s';

-- A job submitted in a transaction that rolls back never runs: no trace of
-- it once a later job (behind it on every node) has run.
BEGIN;
SELECT distributed_exec_async('CREATE TABLE jb_rolled_back (a int)') AS rolled_back_job \gset
-- Waiting for it inside its own transaction could only wait forever.
SELECT wait_for_distributed_exec_job(:rolled_back_job);
ROLLBACK;
SELECT distributed_exec_async('SELECT 1') AS job \gset
SELECT wait_for_distributed_exec_job(:job);
SELECT :rolled_back_job < :job AS submitted_before;
SELECT count(*) AS jobs FROM timeshard_information.jobs WHERE job_id = :rolled_back_job;
SELECT count(*) AS job_nodes FROM timeshard_information.job_nodes WHERE job_id = :rolled_back_job;
SELECT wait_for_distributed_exec_job(:rolled_back_job);
SELECT cancel_distributed_exec_job(:rolled_back_job);
\c jb_db1
SELECT to_regclass('jb_rolled_back') AS jb_rolled_back;
\c jb_db2
SELECT to_regclass('jb_rolled_back') AS jb_rolled_back;
\c contrib_regression
SET statement_timeout = '60s';

-- Wait: a negative timeout is refused; a REPEATABLE READ or SERIALIZABLE
-- transaction could never see a job progress.
SELECT wait_for_distributed_exec_job(:job, interval '-1 s');
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT wait_for_distributed_exec_job(:job);
ROLLBACK;
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT wait_for_distributed_exec_job(:job, interval '1 s');
ROLLBACK;

-- Jobs for a node run in submission order: 100 jobs, each committed on its
-- own (the worker may start on the first ones while the next arrive), each
-- adding its number to a table whose identity column counts the inserts.
CALL distributed_exec('CREATE TABLE jb_order (seq int GENERATED ALWAYS AS IDENTITY, n int)');
SELECT max(job_id) AS before_order FROM timeshard_information.jobs \gset
DO $$
BEGIN
  FOR i IN 1..100 LOOP
    PERFORM distributed_exec_async(format('INSERT INTO jb_order (n) VALUES (%s)', i));
    COMMIT;
  END LOOP;
END $$;
SELECT max(job_id) AS last_order FROM timeshard_information.jobs \gset
SELECT :last_order - :before_order AS jobs_submitted;
SELECT wait_for_distributed_exec_job(:last_order);
SELECT status, count(*) FROM timeshard_information.jobs
 WHERE job_id > :before_order GROUP BY status ORDER BY status;
SELECT node_name, status, attempts, count(*) FROM timeshard_information.job_nodes
 WHERE job_id > :before_order GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
\c jb_db1
SELECT count(*) AS rows, count(*) FILTER (WHERE seq <> n) AS out_of_order,
       count(DISTINCT n) AS distinct_n FROM jb_order;
\c jb_db2
SELECT count(*) AS rows, count(*) FILTER (WHERE seq <> n) AS out_of_order,
       count(DISTINCT n) AS distinct_n FROM jb_order;
\c contrib_regression
SET statement_timeout = '60s';

-- A statement that fails on a reachable node is retried, then the node's
-- part fails with its error kept (jb_dup exists on jb_1 only); the job
-- failed, though it succeeded on jb_2.
CALL distributed_exec('CREATE TABLE jb_dup (a int)', node_list => '{jb_1}');
SELECT distributed_exec_async('CREATE TABLE jb_dup (a int)') AS failing_job \gset
SELECT wait_for_distributed_exec_job(:failing_job);
-- A failed job holds nothing back: later jobs run on both nodes (and, run
-- after it on each node, they show that its part has ended everywhere).
SELECT distributed_exec_async('SELECT 1') AS job \gset
SELECT wait_for_distributed_exec_job(:job);
SELECT status, finished_at IS NOT NULL AS finished FROM timeshard_information.jobs WHERE job_id = :failing_job;
SELECT node_name, status, attempts, last_error, finished_at IS NOT NULL AS finished
  FROM timeshard_information.job_nodes WHERE job_id = :failing_job ORDER BY node_name;
SELECT cancel_distributed_exec_job(:failing_job);
\c jb_db2
SELECT to_regclass('jb_dup') AS jb_dup;
\c contrib_regression
SET statement_timeout = '60s';

-- Cancel.  jb_2 is unavailable: its part of held_job waits, and the jobs
-- after it on jb_2 wait behind it.  A wait with a timeout returns the
-- current status.
SELECT node_name, available FROM alter_data_node('jb_2', available => false);
SELECT distributed_exec_async('CREATE TABLE jb_held (a int)', node_list => '{jb_2}') AS held_job \gset
SELECT distributed_exec_async('CREATE TABLE jb_cancelled (a int)') AS cancel_job \gset
SELECT wait_for_distributed_exec_job(:held_job, interval '200 ms');
SELECT wait_for_distributed_exec_job(:cancel_job, interval '200 ms');
-- (a later job for jb_1 has run: cancel_job's part on jb_1 is done)
SELECT distributed_exec_async('SELECT 1', node_list => '{jb_1}') AS job \gset
SELECT wait_for_distributed_exec_job(:job);
SELECT CASE job_id WHEN :held_job THEN 'held_job' ELSE 'cancel_job' END AS job,
       node_name, status, attempts
  FROM timeshard_information.job_nodes
 WHERE job_id IN (:held_job, :cancel_job) ORDER BY job_id, node_name;
SELECT cancel_distributed_exec_job(:cancel_job);
SELECT cancel_distributed_exec_job(:cancel_job);
SELECT wait_for_distributed_exec_job(:cancel_job);
SELECT status, finished_at IS NOT NULL AS finished FROM timeshard_information.jobs WHERE job_id = :cancel_job;
-- What had succeeded stays so; the rest is cancelled.
SELECT node_name, status, attempts FROM timeshard_information.job_nodes
 WHERE job_id = :cancel_job ORDER BY node_name;
SELECT status FROM timeshard_information.jobs WHERE job_id = :held_job;
-- jb_2 made available by hand: it has a pending job, so it stays
-- unavailable until the worker has delivered it.
SELECT node_name, available FROM alter_data_node('jb_2', available => true);
SELECT wait_for_distributed_exec_job(:held_job);
SELECT jb_wait_available('jb_2');
SELECT CASE job_id WHEN :held_job THEN 'held_job' ELSE 'cancel_job' END AS job,
       node_name, status, attempts
  FROM timeshard_information.job_nodes
 WHERE job_id IN (:held_job, :cancel_job) ORDER BY job_id, node_name;
\c jb_db1
SELECT relname FROM pg_class WHERE relname IN ('jb_held', 'jb_cancelled') ORDER BY 1;
\c jb_db2
SELECT relname FROM pg_class WHERE relname IN ('jb_held', 'jb_cancelled') ORDER BY 1;
\c contrib_regression
SET statement_timeout = '60s';

-- A job runs on the nodes as the role that submitted it (a login of that
-- role, with its user mapping), with its search_path.  (The nodes share
-- this instance's roles.)
CREATE ROLE jb_user LOGIN;
CREATE ROLE jb_other LOGIN;
CALL distributed_exec('GRANT CREATE ON SCHEMA public TO jb_user; CREATE SCHEMA jb_schema AUTHORIZATION jb_user');
GRANT USAGE ON FOREIGN SERVER jb_1, jb_2 TO jb_user;
CREATE USER MAPPING FOR jb_user SERVER jb_1 OPTIONS (password_required 'false');
CREATE USER MAPPING FOR jb_user SERVER jb_2 OPTIONS (password_required 'false');
SET ROLE jb_user;
SET search_path = jb_schema, public;
SELECT distributed_exec_async('CREATE TABLE jb_owned (cur name DEFAULT current_user, ses name DEFAULT session_user); INSERT INTO jb_owned DEFAULT VALUES') AS user_job \gset
RESET search_path;
SELECT wait_for_distributed_exec_job(:user_job);
-- A role sees its own jobs only.
SELECT job_id = :user_job AS is_user_job, submitted_by, status FROM timeshard_information.jobs;
SELECT job_id = :user_job AS is_user_job, node_name, status, attempts FROM timeshard_information.job_nodes ORDER BY node_name;
-- ... and cannot wait for or cancel another role's.
SELECT wait_for_distributed_exec_job(:held_job);
SELECT cancel_distributed_exec_job(:held_job);
RESET ROLE;
SELECT submitted_by, status FROM timeshard_information.jobs WHERE job_id = :user_job;
\c jb_db1
SELECT schemaname, tableowner FROM pg_tables WHERE tablename = 'jb_owned';
SELECT cur, ses FROM jb_schema.jb_owned;
\c jb_db2
SELECT schemaname, tableowner FROM pg_tables WHERE tablename = 'jb_owned';
SELECT cur, ses FROM jb_schema.jb_owned;
\c contrib_regression
SET statement_timeout = '60s';

-- A job of jb_user still pending (jb_2 unavailable) is neither seen,
-- waited for nor cancelled by jb_other; jb_user cancels it.
SELECT node_name, available FROM alter_data_node('jb_2', available => false);
SET ROLE jb_user;
SELECT distributed_exec_async('CREATE TABLE jb_user_pending (a int)', node_list => '{jb_2}') AS user_pending \gset
RESET ROLE;
SET ROLE jb_other;
SELECT count(*) AS jobs FROM timeshard_information.jobs;
SELECT count(*) AS job_nodes FROM timeshard_information.job_nodes;
SELECT wait_for_distributed_exec_job(:user_pending, interval '100 ms');
SELECT cancel_distributed_exec_job(:user_pending);
SELECT cancel_distributed_exec_job(:user_job);
-- Nor can it write to (or read) the queue, where a row would run as the
-- role it names.
INSERT INTO timeshard_catalog.job (command, node_list, submitted_by, search_path)
VALUES ('CREATE ROLE jb_evil SUPERUSER', '{jb_1}', 10, 'public');
UPDATE timeshard_catalog.job_node SET status = 'pending';
SELECT count(*) FROM timeshard_catalog.job;
SELECT count(*) FROM timeshard_catalog.job_node;
RESET ROLE;
-- The tables themselves grant nothing: with USAGE on their schema (granted
-- here for the test only), still no row, no change, no trigger.
CREATE FUNCTION jb_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
GRANT USAGE ON SCHEMA timeshard_catalog TO jb_other;
SET ROLE jb_other;
INSERT INTO timeshard_catalog.job (command, node_list, submitted_by, search_path)
VALUES ('CREATE ROLE jb_evil SUPERUSER', '{jb_1}', 10, 'public');
INSERT INTO timeshard_catalog.job_node (job_id, node_name) VALUES (:user_job, 'jb_1');
UPDATE timeshard_catalog.job SET command = 'CREATE ROLE jb_evil SUPERUSER';
UPDATE timeshard_catalog.job_node SET status = 'pending';
DELETE FROM timeshard_catalog.job_node;
SELECT count(*) FROM timeshard_catalog.job;
SELECT count(*) FROM timeshard_catalog.job_node;
SELECT nextval('timeshard_catalog.job_id_seq');
CREATE TRIGGER jb_evil BEFORE INSERT ON timeshard_catalog.job
  FOR EACH ROW EXECUTE FUNCTION jb_trigger();
RESET ROLE;
REVOKE USAGE ON SCHEMA timeshard_catalog FROM jb_other;
DROP FUNCTION jb_trigger();
SELECT p.privilege, t.tbl,
       has_table_privilege('jb_other', t.tbl, p.privilege) AS jb_other,
       has_table_privilege('jb_user', t.tbl, p.privilege) AS jb_user
  FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p(privilege),
       unnest(ARRAY['timeshard_catalog.job', 'timeshard_catalog.job_node']) t(tbl)
 WHERE has_table_privilege('jb_other', t.tbl, p.privilege)
    OR has_table_privilege('jb_user', t.tbl, p.privilege);
SELECT has_sequence_privilege('jb_other', 'timeshard_catalog.job_id_seq', 'USAGE') AS seq_usage,
       has_sequence_privilege('jb_other', 'timeshard_catalog.job_id_seq', 'UPDATE') AS seq_update;
-- Submitting needs USAGE on each node's foreign server.
SET ROLE jb_other;
SELECT distributed_exec_async('SELECT 1');
RESET ROLE;
SELECT status FROM timeshard_information.jobs WHERE job_id = :user_pending;
SET ROLE jb_user;
SELECT cancel_distributed_exec_job(:user_pending);
SELECT wait_for_distributed_exec_job(:user_pending);
RESET ROLE;
SELECT node_name, available FROM alter_data_node('jb_2', available => true);
SELECT jb_wait_available('jb_2');
\c jb_db2
SELECT to_regclass('jb_user_pending') AS jb_user_pending;
\c contrib_regression

-- Cancel while a job runs: the worker holds its node's row, the cancel
-- skips it; the statement runs to its end and is rolled back on the node.
CREATE FUNCTION jb_wait_running(job bigint) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  deadline timestamptz := clock_timestamp() + interval '30 s';
BEGIN
  WHILE clock_timestamp() < deadline LOOP
    IF EXISTS (SELECT 1 FROM timeshard_information.job_nodes
                WHERE job_id = job AND status = 'running') THEN
      RETURN true;
    END IF;
    PERFORM pg_sleep(0.01);
  END LOOP;
  RETURN false;
END $$;
SELECT distributed_exec_async('CREATE TABLE jb_cancel_running (a int); SELECT pg_sleep(1)',
                              node_list => '{jb_1}') AS running_job \gset
SELECT jb_wait_running(:running_job);
SELECT cancel_distributed_exec_job(:running_job);
SELECT wait_for_distributed_exec_job(:running_job);
-- A later job on jb_1 shows the attempt over; the row is cancelled, not
-- left running.
SELECT distributed_exec_async('SELECT 1', node_list => '{jb_1}') AS job \gset
SELECT wait_for_distributed_exec_job(:job);
SELECT node_name, status, finished_at IS NOT NULL AS finished
  FROM timeshard_information.job_nodes WHERE job_id = :running_job;
\c jb_db1
SELECT to_regclass('jb_cancel_running') AS jb_cancel_running;
\c contrib_regression
SET statement_timeout = '60s';
-- The same while the statement fails and would be retried: cancelled, and
-- later jobs on the node are not held back.
SELECT distributed_exec_async('SELECT pg_sleep(1); SELECT 1/0', node_list => '{jb_1}') AS failing_running \gset
SELECT jb_wait_running(:failing_running);
SELECT cancel_distributed_exec_job(:failing_running);
SELECT distributed_exec_async('SELECT 1', node_list => '{jb_1}') AS job \gset
SELECT wait_for_distributed_exec_job(:job);
SELECT node_name, status, attempts FROM timeshard_information.job_nodes WHERE job_id = :failing_running;
DROP FUNCTION jb_wait_running(bigint);

-- Deferred distributed_exec: by default an unavailable node fails the call;
-- with timeshard.defer_ddl_to_unavailable_nodes the available nodes run it
-- now and the unavailable one's part is a job, in the same transaction.
SELECT node_name, available FROM alter_data_node('jb_2', available => false);
CALL distributed_exec('CREATE TABLE jb_deferred (a int)');
-- (job ids in the NOTICEs below: from 1001 on)
SELECT setval('timeshard_catalog.job_id_seq', 1000);
SET timeshard.defer_ddl_to_unavailable_nodes = on;
BEGIN;
CALL distributed_exec('CREATE TABLE jb_deferred_rolled_back (a int)');
ROLLBACK;
CALL distributed_exec('CREATE TABLE jb_deferred (a int)');
RESET timeshard.defer_ddl_to_unavailable_nodes;
SELECT command, node_list, status FROM timeshard_information.jobs
 WHERE command LIKE 'CREATE TABLE jb_deferred%' ORDER BY job_id;
\c jb_db1
SELECT to_regclass('jb_deferred') AS jb_deferred;
\c contrib_regression
SET statement_timeout = '60s';
SELECT node_name, available FROM alter_data_node('jb_2', available => true);
SELECT jb_wait_available('jb_2');
SELECT command, status FROM timeshard_information.jobs
 WHERE command LIKE 'CREATE TABLE jb_deferred%' ORDER BY job_id;
\c jb_db2
SELECT to_regclass('jb_deferred') AS jb_deferred,
       to_regclass('jb_deferred_rolled_back') AS jb_deferred_rolled_back;
\c contrib_regression
SET statement_timeout = '60s';

-- Clean up.
CALL distributed_exec('DROP SCHEMA jb_schema CASCADE; REVOKE CREATE ON SCHEMA public FROM jb_user');
DROP USER MAPPING FOR jb_user SERVER jb_1;
DROP USER MAPPING FOR jb_user SERVER jb_2;
REVOKE USAGE ON FOREIGN SERVER jb_1, jb_2 FROM jb_user;
DROP ROLE jb_user;
DROP ROLE jb_other;
DROP FUNCTION jb_wait_available(name);
-- A deleted data node ends its open jobs (failed there).
SELECT node_name, available FROM alter_data_node('jb_2', available => false);
SELECT distributed_exec_async('SELECT 1', node_list => '{jb_2}') AS orphan_job \gset
SELECT delete_data_node('jb_2', drop_database => true);
SELECT wait_for_distributed_exec_job(:orphan_job);
SELECT node_name, status, last_error FROM timeshard_information.job_nodes WHERE job_id = :orphan_job;
SELECT delete_data_node('jb_1', drop_database => true);
DROP EXTENSION timeshard;
