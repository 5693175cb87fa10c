# 050_jobs.pl — distributed_exec_async jobs for data nodes that are down,
# and DDL deferred to a data node that is unavailable.
#
# An access node (an) and two data nodes (dn1, dn2), separate instances.
# Hypertable "metrics" has replication factor 2 (every chunk on both
# nodes).  The access node checks its nodes every 300 ms, gives a node 1 s
# to answer, and marks it unavailable after 2 failed checks; a failing job
# is retried after 200 ms, at most 3 times.
#
#   1. dn2 stopped, automatic failover off (dn2 stays "available" but does
#      not answer): jobs for every node run on dn1 at once; on dn2 they stay
#      pending with 0 attempts for far longer than 3 retries would take, and
#      a wait with a timeout returns 'pending'.  dn2 started: the jobs run
#      there, in order, once each.
#   2. Deferred DDL, automatic failover on: dn2 stopped and marked
#      unavailable; ALTER TABLE metrics ADD COLUMN is refused naming dn2,
#      then, with timeshard.defer_ddl_to_unavailable_nodes = on, applied on
#      dn1 and queued for dn2 (a NOTICE names the job); rows using the new
#      column are inserted while dn2 is out.  dn2 started: it becomes
#      available; its part of the job finished before the 'available'
#      event; the column and the rows inserted meanwhile are on dn2; rows
#      inserted afterwards with the new column land on both nodes.
#   3. The worker stopped (SIGTERM) while a job runs: the job runs again
#      under the next worker, and its effect is on the node once.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);
use TimeshardTest;

my $t_start = time;

my $db = 'ts';
my $an = TimeshardTest::new_node('an', conf => join("\n",
	"timeshard.health_check_interval = '300ms'",
	"timeshard.node_timeout = '1000ms'",
	"timeshard.failover_threshold = 2",
	"timeshard.auto_failover = off",
	"timeshard.rereplicate_after = -1",
	"timeshard.job_retry_interval = '200ms'",
	"timeshard.job_max_attempts = 3"));
my %dn = map { $_ => TimeshardTest::new_node($_) } qw(dn1 dn2);
TimeshardTest::create_ts_db($an, $db);
TimeshardTest::add_data_nodes($an, $db, $dn{dn1}, $dn{dn2});

$an->safe_psql($db, q{
	CREATE TABLE metrics (time timestamptz NOT NULL, dev int NOT NULL, v double precision);
	SELECT create_distributed_hypertable('metrics', 'time', replication_factor => 2,
	                                     chunk_time_interval => interval '1 day');
	INSERT INTO metrics
	SELECT t, d, d FROM generate_series('2024-01-01 00:00+00'::timestamptz, '2024-01-02 23:00+00', interval '1 hour') t,
	                    generate_series(1, 2) d;
});
is($an->safe_psql($db, q{
	SELECT string_agg(array_to_string(data_nodes, ','), ';' ORDER BY chunk_name)
	  FROM timeshard_information.chunks WHERE hypertable_name = 'metrics'}),
	'dn1,dn2;dn1,dn2', 'metrics has two chunks, each on dn1 and dn2');

# A statement in a fresh session: (rc, stdout, stderr).
sub fresh
{
	my ($sql) = @_;
	my ($rc, $out, $err) = TimeshardTest::psql_timed($an, $db, $sql);
	return ($rc, $out, $err);
}

# "node:status:attempts" of a job's nodes, in node order.
sub job_nodes
{
	my ($job) = @_;
	return $an->safe_psql($db, qq{
		SELECT string_agg(node_name || ':' || status || ':' || attempts, ',' ORDER BY node_name)
		  FROM timeshard_information.job_nodes WHERE job_id = $job});
}

sub wait_available
{
	my ($name, $want, $timeout) = @_;
	return TimeshardTest::poll_until($an, $db,
		"SELECT available FROM timeshard_information.data_nodes WHERE node_name = '$name'",
		$want ? 't' : 'f', $timeout);
}

###########################################################################
# 1. Jobs for a data node that is down
###########################################################################

{
	my $label = 'dn2 down';
	$dn{dn2}->stop('immediate');
	my $j1 = $an->safe_psql($db,
		q{SELECT distributed_exec_async('CREATE TABLE while_down (seq int GENERATED ALWAYS AS IDENTITY, a int)')});
	my $j2 = $an->safe_psql($db,
		q{SELECT distributed_exec_async('INSERT INTO while_down (a) VALUES (1)')});
	my $j3 = $an->safe_psql($db,
		q{SELECT distributed_exec_async('INSERT INTO while_down (a) VALUES (2)', node_list => '{dn1}')});
	like("$j1 $j2 $j3", qr/^\d+ \d+ \d+$/, "$label: three jobs submitted");

	ok(TimeshardTest::poll_until($an, $db, qq{
		SELECT count(*) FROM timeshard_information.job_nodes
		 WHERE job_id IN ($j1, $j2, $j3) AND node_name = 'dn1' AND status = 'succeeded'}, '3', 30),
		"$label: the jobs ran on dn1");
	# 3 s: 15 retry intervals, far more than job_max_attempts attempts.
	my $t0 = time;
	is($an->safe_psql($db, "SELECT wait_for_distributed_exec_job($j1, interval '3 s')"), 'pending',
		"$label: a wait with a timeout returns 'pending'");
	cmp_ok(time - $t0, '>=', 2.9, "$label: the wait lasted its timeout");
	is(job_nodes($j1), 'dn1:succeeded:1,dn2:pending:0', "$label: job 1 is pending on dn2, with no attempt counted");
	is(job_nodes($j2), 'dn1:succeeded:1,dn2:pending:0', "$label: job 2 is pending on dn2, with no attempt counted");
	is(job_nodes($j3), 'dn1:succeeded:1', "$label: job 3 (dn1 only) succeeded");
	is($an->safe_psql($db, "SELECT status FROM timeshard_information.jobs WHERE job_id = $j1"), 'pending',
		"$label: job 1 is pending overall");
	is($an->safe_psql($db, q{SELECT available FROM timeshard_information.data_nodes WHERE node_name = 'dn2'}), 't',
		"$label: dn2 is still marked available (automatic failover is off)");

	$dn{dn2}->start;
	is($an->safe_psql($db, "SELECT wait_for_distributed_exec_job($j2, interval '30 s')"), 'succeeded',
		"$label: once dn2 is started, the jobs complete");
	is(job_nodes($j1), 'dn1:succeeded:1,dn2:succeeded:1', "$label: job 1 ran once on each node");
	is(job_nodes($j2), 'dn1:succeeded:1,dn2:succeeded:1', "$label: job 2 ran once on each node");
	is($an->safe_psql($db, "SELECT status FROM timeshard_information.jobs WHERE job_id = $j1"), 'succeeded',
		"$label: job 1 succeeded overall");
	is($dn{dn2}->safe_psql($db, q{SELECT string_agg(seq || ':' || a, ',' ORDER BY seq) FROM while_down}), '1:1',
		"$label: dn2 has what the jobs for it did");
	is($dn{dn1}->safe_psql($db, q{SELECT string_agg(seq || ':' || a, ',' ORDER BY seq) FROM while_down}), '1:1,2:2',
		"$label: dn1 has what the jobs for it did, in order");
}

###########################################################################
# 2. DDL deferred to an unavailable data node
###########################################################################

{
	my $label = 'deferred DDL';
	$an->safe_psql('postgres', 'ALTER SYSTEM SET timeshard.auto_failover = on');
	$an->reload;
	ok(TimeshardTest::poll_until($an, $db, 'SHOW timeshard.auto_failover', 'on', 10),
		"$label: automatic failover is on");

	$dn{dn2}->stop('immediate');
	ok(wait_available('dn2', 0, 30), "$label: dn2 is marked unavailable");

	my ($rc, $out, $err) = fresh('ALTER TABLE metrics ADD COLUMN note text');
	like($err, qr/ERROR:  some data nodes are not available for DDL commands/,
		"$label: by default, DDL is refused while dn2 is unavailable");

	($rc, $out, $err) = fresh(q{
		SET timeshard.defer_ddl_to_unavailable_nodes = on;
		ALTER TABLE metrics ADD COLUMN note text;});
	is($rc, 0, "$label: with defer_ddl_to_unavailable_nodes, ALTER TABLE ADD COLUMN succeeds") or diag($err);
	like($err, qr/NOTICE:  data node "dn2" is not available: job \d+ will run the command there when it is/,
		"$label: a NOTICE gives the job id");
	my ($job) = $err =~ /job (\d+) will run/;
	$job //= 0;
	is($an->safe_psql($db, "SELECT array_to_string(node_list, ',') || ':' || status FROM timeshard_information.jobs WHERE job_id = $job"),
		'dn2:pending', "$label: job $job is for dn2 and pending");
	like($an->safe_psql($db, "SELECT command FROM timeshard_information.jobs WHERE job_id = $job"),
		qr/ADD COLUMN note/i, "$label: the job's command is the ALTER TABLE");
	is(job_nodes($job), 'dn2:pending:0', "$label: job $job waits for dn2");
	is($dn{dn1}->safe_psql($db, q{
		SELECT count(*) FROM pg_attribute
		 WHERE attrelid = 'public.metrics'::regclass AND attname = 'note' AND NOT attisdropped}), '1',
		"$label: dn1 has the new column");

	($rc, $out, $err) = fresh(q{
		INSERT INTO metrics (time, dev, v, note)
		VALUES ('2024-01-01 10:30+00', 1, 0, 'during'), ('2024-01-02 10:30+00', 2, 0, 'during')});
	is($rc, 0, "$label: rows using the new column are inserted while dn2 is out") or diag($err);
	cmp_ok($an->safe_psql($db, q{
		SELECT count(*) FROM timeshard_information.chunks WHERE 'dn2' = ANY (stale_data_nodes)}), '>', 0,
		"$label: dn2's replicas are stale");

	$dn{dn2}->start;
	ok(wait_available('dn2', 1, 30), "$label: dn2 is available again");
	is(job_nodes($job), 'dn2:succeeded:1', "$label: job $job ran on dn2, once");
	is($an->safe_psql($db, "SELECT status FROM timeshard_information.jobs WHERE job_id = $job"), 'succeeded',
		"$label: job $job succeeded");
	my ($finished, $available) = split /\|/, $an->safe_psql($db, qq{
		SELECT jn.finished_at,
		       (SELECT min(e.time) FROM timeshard_information.data_node_events e
		         WHERE e.node_name = 'dn2' AND e.event = 'available'
		           AND e.time >= (SELECT submitted_at FROM timeshard_information.jobs WHERE job_id = $job))
		  FROM timeshard_information.job_nodes jn
		 WHERE jn.job_id = $job AND jn.node_name = 'dn2'});
	ok(defined $available && $available ne '', "$label: dn2 has an 'available' event after the job was submitted");
	is($an->safe_psql($db, "SELECT '$finished'::timestamptz <= '" . ($available // '') . "'::timestamptz"), 't',
		"$label: the job finished on dn2 ($finished) before dn2 was available ($available)");
	is($dn{dn2}->safe_psql($db, q{
		SELECT count(*) FROM pg_attribute
		 WHERE attrelid = 'public.metrics'::regclass AND attname = 'note' AND NOT attisdropped}), '1',
		"$label: dn2 has the new column");
	is($an->safe_psql($db, q{
		SELECT count(*) FROM timeshard_information.chunks WHERE stale_data_nodes IS NOT NULL}), '0',
		"$label: no stale replica is left");
	for my $name (qw(dn1 dn2))
	{
		is($dn{$name}->safe_psql($db, q{SELECT count(*) FROM metrics WHERE note = 'during'}), '2',
			"$label: $name holds the rows inserted while dn2 was out, with the new column");
	}

	($rc, $out, $err) = fresh(q{
		INSERT INTO metrics (time, dev, v, note)
		VALUES ('2024-01-01 11:30+00', 1, 0, 'after'), ('2024-01-05 00:00+00', 1, 0, 'after')});
	is($rc, 0, "$label: rows using the new column are inserted into an old and a new chunk") or diag($err);
	is($an->safe_psql($db, q{SELECT count(*) FROM metrics WHERE note = 'after'}), '2',
		"$label: the access node reads them");
	my $total = $an->safe_psql($db, 'SELECT count(*) FROM metrics');
	for my $name (qw(dn1 dn2))
	{
		is($dn{$name}->safe_psql($db, q{SELECT count(*) FROM metrics WHERE note = 'after'}), '2',
			"$label: the new rows landed on $name");
		is($dn{$name}->safe_psql($db, 'SELECT count(*) FROM metrics'), $total,
			"$label: $name holds every row ($total)");
	}
}

# 3. The worker stopped while a job runs on a node: the attempt is rolled
#    back there (its transaction never prepared), the node's row stays
#    'running' without a counted attempt, and the restarted worker runs the
#    job again: its row is on the node once.
{
	my $label = 'worker stopped mid-job';
	$an->safe_psql($db, q{CALL distributed_exec('CREATE TABLE job_once (n int)', node_list => '{dn1}')});
	my $job = $an->safe_psql($db, q{
		SELECT distributed_exec_async('INSERT INTO job_once VALUES (1); SELECT pg_sleep(1.5)',
		                              node_list => '{dn1}')});
	ok(TimeshardTest::poll_until($an, $db,
		"SELECT status FROM timeshard_information.job_nodes WHERE job_id = $job", 'running', 10),
		"$label: the job runs on dn1");
	my $pid = $an->safe_psql($db, q{
		SELECT pid FROM pg_stat_activity
		 WHERE backend_type = 'timeshard worker' AND datname = current_database()});
	ok($pid =~ /^\d+$/, "$label: the worker is found ($pid)");
	is($an->safe_psql($db, "SELECT pg_terminate_backend($pid)"), 't', "$label: the worker is stopped");
	is($an->safe_psql($db, "SELECT wait_for_distributed_exec_job($job, '60 s')"), 'succeeded',
		"$label: the job succeeds once a new worker runs");
	isnt($an->safe_psql($db, q{
		SELECT pid FROM pg_stat_activity
		 WHERE backend_type = 'timeshard worker' AND datname = current_database()}), $pid,
		"$label: by another worker process");
	is($dn{dn1}->safe_psql($db, 'SELECT count(*) FROM job_once'), '1',
		"$label: its row is on dn1 once");
	is(job_nodes($job), 'dn1:succeeded:1', "$label: one attempt counted, the one that succeeded");
	is($dn{dn1}->safe_psql($db, 'SELECT count(*) FROM pg_prepared_xacts'), '0',
		"$label: no prepared transaction is left on dn1");
}

# No process crashed on the access node.
unlike(slurp_file($an->logfile), qr/terminated by signal|server process .* exited with exit code [^0]/,
	'no process of the access node crashed');

diag(sprintf('050_jobs ran in %.0f s', time - $t_start));
done_testing();
