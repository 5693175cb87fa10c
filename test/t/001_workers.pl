# 001_workers.pl — the launcher keeps exactly one timeshard worker in every
# database with the extension, on every node, and none elsewhere.
#
# Three separate instances (an access node and two data nodes, as far as the
# workers are concerned they are all the same): workers appear with CREATE
# EXTENSION, go with DROP EXTENSION and DROP DATABASE, come back when killed,
# and everything exits cleanly on a fast shutdown.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my @nodes = map { PostgreSQL::Test::Cluster->new($_) } qw(an dn1 dn2);
for my $node (@nodes)
{
	$node->init;
	$node->start;
	$node->safe_psql('postgres', 'CREATE DATABASE with_ts');
	$node->safe_psql('postgres', 'CREATE DATABASE without_ts');
	$node->safe_psql('with_ts', 'CREATE EXTENSION timeshard');
}

# The worker of a database, as pg_stat_activity shows it.
my $workers_of = sub {
	my ($node, $db) = @_;
	return $node->safe_psql('postgres', qq{
		SELECT count(*) FROM pg_stat_activity
		 WHERE backend_type = 'timeshard worker' AND datname = '$db'});
};
my $worker_pid = sub {
	my ($node, $db) = @_;
	return $node->safe_psql('postgres', qq{
		SELECT pid FROM pg_stat_activity
		 WHERE backend_type = 'timeshard worker' AND datname = '$db'});
};

for my $node (@nodes)
{
	my $name = $node->name;
	ok( $node->poll_query_until('postgres', q{
			SELECT count(*) = 1 FROM pg_stat_activity
			 WHERE backend_type = 'timeshard launcher'}),
		"$name: one launcher runs");
	ok( $node->poll_query_until('postgres', q{
			SELECT count(*) = 1 FROM pg_stat_activity
			 WHERE backend_type = 'timeshard worker' AND datname = 'with_ts'
			   AND application_name = 'timeshard worker with_ts'}),
		"$name: a worker runs for the database with the extension, named after it");
	ok( $node->poll_query_until('postgres', q{
			SELECT count(*) = 0 FROM pg_stat_activity
			 WHERE backend_type = 'timeshard worker' AND datname <> 'with_ts'}),
		"$name: no worker runs for databases without the extension");
}

my ($an, $dn1, $dn2) = @nodes;

# CREATE EXTENSION after start-up starts a worker within seconds.
$an->safe_psql('postgres', 'CREATE DATABASE later');
my $t0 = time;
$an->safe_psql('later', 'CREATE EXTENSION timeshard');
ok($an->poll_query_until('postgres', q{
		SELECT count(*) = 1 FROM pg_stat_activity
		 WHERE backend_type = 'timeshard worker' AND datname = 'later'}),
	'CREATE EXTENSION in a new database gets a worker');
my $elapsed = time - $t0;
cmp_ok($elapsed, '<', 5, sprintf('... within %.2f s', $elapsed));

# A rolled-back CREATE EXTENSION leaves no worker behind.
$an->safe_psql('without_ts', 'BEGIN; CREATE EXTENSION timeshard; ROLLBACK;');
$an->safe_psql('postgres', 'SELECT pg_sleep(0.5)');
is($workers_of->($an, 'without_ts'), '0', 'a rolled-back CREATE EXTENSION starts no worker');

# DROP EXTENSION ends the worker.
$an->safe_psql('later', 'DROP EXTENSION timeshard');
ok($an->poll_query_until('postgres', q{
		SELECT count(*) = 0 FROM pg_stat_activity
		 WHERE backend_type = 'timeshard worker' AND datname = 'later'}),
	'DROP EXTENSION ends the worker');

# DROP DATABASE is not blocked by the worker, and the worker does not return.
$an->safe_psql('later', 'CREATE EXTENSION timeshard');
ok($an->poll_query_until('postgres', q{
		SELECT count(*) = 1 FROM pg_stat_activity
		 WHERE backend_type = 'timeshard worker' AND datname = 'later'}),
	'worker back after CREATE EXTENSION');
$an->safe_psql('postgres', 'DROP DATABASE later');
pass('DROP DATABASE succeeds while the database has a worker');

# A database copied from one with timeshard gets a worker too, and the copy
# does not fail because of the template's worker.
$dn1->safe_psql('postgres', 'CREATE DATABASE copy TEMPLATE with_ts');
ok($dn1->poll_query_until('postgres', q{
		SELECT count(*) = 1 FROM pg_stat_activity
		 WHERE backend_type = 'timeshard worker' AND datname = 'copy'}),
	'CREATE DATABASE from a timeshard database gets a worker');
ok($dn1->poll_query_until('postgres', q{
		SELECT count(*) = 1 FROM pg_stat_activity
		 WHERE backend_type = 'timeshard worker' AND datname = 'with_ts'}),
	'the template database gets its worker back');

# Renaming a database with a worker works; the worker follows.
$dn2->safe_psql('postgres', 'ALTER DATABASE with_ts RENAME TO renamed');
ok($dn2->poll_query_until('postgres', q{
		SELECT count(*) = 1 FROM pg_stat_activity
		 WHERE backend_type = 'timeshard worker' AND datname = 'renamed'
		   AND application_name = 'timeshard worker renamed'}),
	'a renamed database keeps its worker');

# A killed worker comes back (a new process).
my $old_pid = $worker_pid->($an, 'with_ts');
$an->safe_psql('postgres', "SELECT pg_terminate_backend($old_pid)");
ok( $an->poll_query_until('postgres', qq{
		SELECT count(*) = 1 FROM pg_stat_activity
		 WHERE backend_type = 'timeshard worker' AND datname = 'with_ts'
		   AND pid <> $old_pid}),
	'a killed worker is restarted');

# Killing it again and again does not take the server down: restarts slow
# down (back-off) but keep coming.
for my $round (1 .. 3)
{
	my $pid = $worker_pid->($an, 'with_ts');
	$an->safe_psql('postgres', "SELECT pg_terminate_backend($pid)") if $pid;
	$an->poll_query_until('postgres', qq{
		SELECT count(*) = 1 FROM pg_stat_activity
		 WHERE backend_type = 'timeshard worker' AND datname = 'with_ts'
		   AND pid <> $pid});
}
is($an->safe_psql('with_ts', 'SELECT 1'), '1', 'server still serves after repeated worker kills');
is($workers_of->($an, 'with_ts'), '1', 'exactly one worker after repeated kills');

# A terminated launcher is restarted by the postmaster and takes over.
my $launcher = $an->safe_psql('postgres', q{
	SELECT pid FROM pg_stat_activity WHERE backend_type = 'timeshard launcher'});
$an->safe_psql('postgres', "SELECT pg_terminate_backend($launcher)");
ok( $an->poll_query_until('postgres', qq{
		SELECT count(*) = 1 FROM pg_stat_activity
		 WHERE backend_type = 'timeshard launcher' AND pid <> $launcher}),
	'a terminated launcher comes back');
ok( $an->poll_query_until('postgres', q{
		SELECT count(*) = 1 FROM pg_stat_activity
		 WHERE backend_type = 'timeshard worker' AND datname = 'with_ts'}),
	'... and one worker runs for the database after the takeover');

# Fast shutdown: the workers exit cleanly (exit code 0); the launcher exits
# with code 1, as PostgreSQL's own logical replication launcher does, because
# that is what makes the postmaster restart a terminated launcher.
for my $node (@nodes)
{
	my $log_offset = -s $node->logfile;
	$node->stop('fast');
	my $log = slurp_file($node->logfile, $log_offset);
	unlike($log, qr/"timeshard worker" \(PID \d+\) exited with exit code [1-9]/,
		$node->name . ': timeshard workers exit with code 0 on fast shutdown');
	unlike($log, qr/FATAL/, $node->name . ': no FATAL error during shutdown');
	unlike($log, qr/terminated by signal/, $node->name . ': nothing was killed by a signal');
	like($log, qr/database system is shut down/, $node->name . ': the server shut down');
}

done_testing();
