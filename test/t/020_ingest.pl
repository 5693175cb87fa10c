# 020_ingest.pl — ingest through the access node at scale, on separate
# instances: a million rows by COPY and by multi-row INSERT arrive exactly
# once (times the replication factor) on the data nodes; a five-million-row
# COPY keeps the access node's backend small; concurrent inserters that
# create the same chunks get one chunk each, no deadlock and no lost row.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use TimeshardTest;

my $an  = TimeshardTest::new_node('an');
my $dn1 = TimeshardTest::new_node('dn1');
my $dn2 = TimeshardTest::new_node('dn2');
my $db  = 'ts';
TimeshardTest::create_ts_db($an, $db);
TimeshardTest::add_data_nodes($an, $db, $dn1, $dn2);

my $tmp = PostgreSQL::Test::Utils::tempdir();

# The rows a data node holds in a (member) hypertable.
my $node_count = sub {
	my ($node, $table) = @_;
	return $node->safe_psql($db, "SELECT count(*) FROM $table");
};

$an->safe_psql($db, q{
	CREATE TABLE cpu (time timestamptz NOT NULL, hostname text, usage_user float8, usage_system float8);
	SELECT create_distributed_hypertable('cpu', 'time', 'hostname', chunk_time_interval => interval '12 hours');
	CREATE TABLE cpu_rf2 (time timestamptz NOT NULL, hostname text, usage_user float8, usage_system float8);
	SELECT create_distributed_hypertable('cpu_rf2', 'time', chunk_time_interval => interval '12 hours',
	                                     replication_factor => 2);
});

# One million rows: 100 hosts, one row per host every 10 seconds.
my $file1m = "$tmp/cpu_1m.tsv";
$an->safe_psql($db, qq{
	COPY (SELECT '2020-01-01'::timestamptz + (i / 100) * interval '10 s', 'host_' || (i % 100),
	             (i % 1000) / 10.0, (i % 777) / 7.0
	        FROM generate_series(0, 999999) i) TO '$file1m'});

# PostgreSQL::Test::Cluster runs psql with -q; \set QUIET off shows command tags.
my ($rc, $out, $err) = $an->psql($db, "\\set QUIET off\nCOPY cpu FROM '$file1m'");
is($rc, 0, 'COPY of 1M rows succeeds') or diag($err);
like($out, qr/^COPY 1000000$/m, 'command tag is COPY 1000000');
is($an->safe_psql($db, 'SELECT count(*) FROM cpu'), '1000000', 'access node counts 1M rows');
my $on_nodes = $node_count->($dn1, 'cpu') + $node_count->($dn2, 'cpu');
is($on_nodes, 1000000, 'the data nodes hold 1M rows between them (replication factor 1)');
cmp_ok($node_count->($dn1, 'cpu'), '>', 0, 'dn1 holds rows');
cmp_ok($node_count->($dn2, 'cpu'), '>', 0, 'dn2 holds rows');

# One million rows by multi-row INSERT, 1000 rows per statement, into a
# hypertable with replication factor 2.
my $sql = "\\set QUIET off\n";
for my $stmt (0 .. 999)
{
	my @rows;
	for my $r (0 .. 999)
	{
		my $i = $stmt * 1000 + $r;
		my $secs = int($i / 100) * 10;
		push @rows, sprintf("('2020-01-01'::timestamptz + interval '%d s', 'host_%d', %d, %d)",
			$secs, $i % 100, $i % 1000, $i % 777);
	}
	$sql .= 'INSERT INTO cpu_rf2 VALUES ' . join(',', @rows) . ";\n";
}
my $sqlfile = "$tmp/insert_1m.sql";
PostgreSQL::Test::Utils::append_to_file($sqlfile, $sql);
($rc, $out, $err) = $an->psql($db, undef, extra_params => ['-f', $sqlfile, '-v', 'ON_ERROR_STOP=1']);
is($rc, 0, '1000 multi-row INSERTs of 1000 rows succeed') or diag($err);
is(scalar(() = $out =~ /^INSERT 0 1000$/mg), 1000, 'every INSERT reports INSERT 0 1000');
is($an->safe_psql($db, 'SELECT count(*) FROM cpu_rf2'), '1000000', 'access node counts 1M rows');
is($node_count->($dn1, 'cpu_rf2'), '1000000', 'dn1 holds every row (replication factor 2)');
is($node_count->($dn2, 'cpu_rf2'), '1000000', 'dn2 holds every row (replication factor 2)');
is($an->safe_psql($db, q{
	SELECT count(*) FROM timeshard_information.chunks
	 WHERE hypertable_name = 'cpu_rf2' AND data_nodes <> '{dn1,dn2}'}), '0',
	'every chunk of cpu_rf2 has both replicas');

# Five million rows by COPY: the access node's backend stays small.
my $file5m = "$tmp/cpu_5m.tsv";
$an->safe_psql($db, qq{
	COPY (SELECT '2021-01-01'::timestamptz + (i / 100) * interval '10 s', 'host_' || (i % 100),
	             (i % 1000) / 10.0, (i % 777) / 7.0
	        FROM generate_series(0, 4999999) i) TO '$file5m'});
($rc, $out, $err) = $an->psql($db, qq{\\set QUIET off
	COPY cpu FROM '$file5m';
	SELECT substring(pg_read_file('/proc/' || pg_backend_pid() || '/status')
	                 FROM 'VmHWM:\\s*(\\d+) kB')},
	);
is($rc, 0, 'COPY of 5M rows succeeds') or diag($err);
like($out, qr/^COPY 5000000$/m, 'command tag is COPY 5000000');
my ($hwm_kb) = $out =~ /^(\d+)$/m;
ok(defined $hwm_kb, "peak memory of the backend read from /proc (VmHWM)");
diag(sprintf('access node backend VmHWM after a 5M-row COPY: %.1f MB', $hwm_kb / 1024))
  if defined $hwm_kb;
cmp_ok($hwm_kb // 1e9, '<', 200 * 1024, 'the backend stayed under 200 MB');
is($an->safe_psql($db, 'SELECT count(*) FROM cpu'), '6000000', 'access node counts 6M rows');
is($node_count->($dn1, 'cpu') + $node_count->($dn2, 'cpu'), 6000000, 'the data nodes hold 6M rows');

# Concurrent inserters that need the same new chunks: four sessions, each
# inserting rows spread over the same ten days (ten new chunks per space
# partition) in its own order, twenty times.
$an->safe_psql($db, q{
	CREATE TABLE race (time timestamptz NOT NULL, device int, session int, n int);
	SELECT create_distributed_hypertable('race', 'time', 'device', chunk_time_interval => interval '1 day',
	                                     replication_factor => 2);
});
my @sessions;
for my $s (1 .. 4)
{
	my $script = '';
	for my $round (1 .. 20)
	{
		$script .= "INSERT INTO race SELECT '2022-01-01'::timestamptz"
		  . " + ((d * 7 + $s * 3 + $round) % 10) * interval '1 day' + n * interval '1 s',"
		  . " n % 4, $s, $round * 1000 + d * 50 + n FROM generate_series(0, 49) n, generate_series(0, 9) d;\n";
	}
	my ($stdout, $stderr) = ('', '');
	my $h = IPC::Run::start(
		[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $an->connstr($db) ],
		'<', \$script, '>', \$stdout, '2>', \$stderr,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	push @sessions, [ $h, \$stdout, \$stderr ];
}
my $all_ok = 1;
for my $s (@sessions)
{
	my ($h, $stdout, $stderr) = @$s;
	$h->finish;
	if ($h->result != 0)
	{
		$all_ok = 0;
		diag("session failed: $$stderr");
	}
}
ok($all_ok, 'four concurrent inserters creating the same chunks all succeed (no deadlock)');
is($an->safe_psql($db, 'SELECT count(*) FROM race'), 4 * 20 * 500, 'no row lost');
is($an->safe_psql($db, 'SELECT count(DISTINCT (session, n)) FROM race'), 4 * 20 * 500, 'no row twice');
is($an->safe_psql($db, q{
	SELECT count(*) FROM timeshard_information.chunks WHERE hypertable_name = 'race'}),
	$an->safe_psql($db, q{
	SELECT count(DISTINCT (time_bucket, part)) FROM (
	  SELECT date_trunc('day', time) AS time_bucket,
	         timeshard_internal.get_partition_hash(device, 2) AS part FROM race) s}),
	'exactly one chunk per time slice and space partition');
is($an->safe_psql($db, q{
	SELECT count(*) FROM (SELECT 1 FROM timeshard_catalog.chunk c JOIN timeshard_catalog.hypertable h
	   ON h.id = c.hypertable_id WHERE h.table_name = 'race'
	 GROUP BY time_start, space_remainder HAVING count(*) > 1) d}), '0', 'no duplicate chunk in the catalog');
is($node_count->($dn1, 'race'), 4 * 20 * 500, 'dn1 has every row (replication factor 2)');
is($node_count->($dn2, 'race'), 4 * 20 * 500, 'dn2 has every row (replication factor 2)');

$_->stop for ($an, $dn1, $dn2);
done_testing();
