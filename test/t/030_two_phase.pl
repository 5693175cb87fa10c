# 030_two_phase.pl — distributed transactions are all or nothing, whatever
# fails at whatever step of the commit protocol.
#
# An access node (an) and two data nodes (dn1, dn2), separate instances.
# Every transaction writes rows with its own tag to both data nodes (a
# distributed hypertable with two space partitions, one per node).
#
#   1. Every fault point of docs/transactions.md (read from its table, so
#      that a new point cannot go untested) x five failures:
#        error        the step fails (timeshard.debug_fault '<point>:error');
#        kill_remote  the data node's backend of the step is terminated;
#        dn1_stop,    a data node (each in turn) is stopped with -m
#        dn2_stop     immediate while the step waits ('<point>:sleep:<ms>'),
#                     then started again;
#        an_exit      the access node's backend dies at the step (the
#                     postmaster restarts the server).
#      At the point during_abort the transaction is made to abort after one
#      node prepared: a deferred constraint trigger on dn2 refuses its rows
#      at PREPARE TRANSACTION.
#   2. The access node with synchronous_commit = off (and a lazy WAL
#      writer), its backend killed right after the local commit: the
#      commit survives.
#   3. Load: 8 clients write small distributed transactions for 30 s while a
#      data node is stopped (immediate) and started again, twice.
#
# After each failure, once what was stopped runs again and the resolver had
# at most two timeshard.txn_resolve_interval (plus slack for one round), the
# invariants are:
#   - every tag is on both nodes (all its rows) or on none;
#   - a transaction whose COMMIT returned success is on both nodes;
#   - no prepared transaction of ours (gid 'ts1:%') is left on a node;
#   - no commit record is left in timeshard_catalog.remote_txn;
#   - the access node sees through the hypertable what the nodes hold.
# Where docs/transactions.md says how a failure ends (committed or aborted),
# that is checked too.
use strict;
use warnings;
use File::Basename qw(dirname);
use File::Spec;
use IPC::Run;
use POSIX ();
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);
use TimeshardTest;

my $t_start = time;

###########################################################################
# The fault points, from the table under "## Fault injection"
###########################################################################

my $srcdir = File::Spec->catdir(dirname(File::Spec->rel2abs(__FILE__)), '..', '..');
my $docs   = File::Spec->catfile($srcdir, 'docs', 'transactions.md');
my @points;
{
	my $in_section = 0;
	for my $line (split /\n/, slurp_file($docs))
	{
		if ($line =~ /^##\s+(.*)/)
		{
			$in_section = $1 =~ /^Fault injection/;
			next;
		}
		push @points, $1 if $in_section && $line =~ /^\|\s*`([a-z0-9_]+)`\s*\|/;
	}
}
note('fault points from docs/transactions.md: ' . join(', ', @points));
cmp_ok(scalar(@points), '>=', 8, 'docs/transactions.md lists at least 8 fault points')
  or BAIL_OUT("cannot read the fault points from $docs");

# The other way round: every point the code knows is in the table.
my ($known) = slurp_file(File::Spec->catfile($srcdir, 'fdw', 'fault.c'))
  =~ /fault_points\[\]\s*=\s*\{(.*?)\}/s;
is(join(', ', sort(($known // '') =~ /"([a-z0-9_]+)"/g)), join(', ', sort @points),
	'the table lists every fault point of fdw/fault.c');

# Where each known point is in the protocol; a point not listed here is
# still tested, against the invariants only.
my %phase = (
	before_prepare              => 'before_prepare',
	after_prepare_first         => 'preparing',
	after_prepare               => 'prepared',
	after_commit_record         => 'prepared',
	after_local_commit          => 'committed',
	after_commit_prepared_first => 'committed',
	after_commit_prepared       => 'committed',
	during_abort                => 'abort');

###########################################################################
# Instances
###########################################################################

my $resolve_ms = 1000;
my $db         = 'ts';
# PostgreSQL::Test::Cluster turns restart_after_crash off; the access node
# must come back by itself when its backend dies.  The worker's health
# checks are off: they write to the catalog every round, at times of their
# own, and the resolver must not depend on them (nor on failover, which
# 040_failover.pl tests).
my $an = TimeshardTest::new_node('an',
	conf => join("\n",
		"timeshard.txn_resolve_interval = '${resolve_ms}ms'",
		'timeshard.health_check_interval = -1',
		'restart_after_crash = on'));
my $dn1 = TimeshardTest::new_node('dn1');
my $dn2 = TimeshardTest::new_node('dn2');
my %dn  = (dn1 => $dn1, dn2 => $dn2);
TimeshardTest::create_ts_db($an, $db);
TimeshardTest::add_data_nodes($an, $db, $dn1, $dn2);

# How long the resolver may take once everything runs: two intervals, and
# a round of its own (connections, commands) on a busy two-core machine.
my $resolve_deadline = 2 * $resolve_ms / 1000 + 2;

$an->safe_psql($db, q{
	CREATE TABLE t (time timestamptz NOT NULL, dev int NOT NULL, tag text NOT NULL, v int);
	SELECT create_distributed_hypertable('t', 'time', 'dev', number_partitions => 2,
	                                     chunk_time_interval => interval '1 day');
});

# Rows of every device, so that the chunks exist (no transaction below
# creates one) and we learn which device lands on which node.
$an->safe_psql($db, q{
	INSERT INTO t SELECT '2024-01-01 00:00:00+00', d, 'setup', 0 FROM generate_series(1, 16) d});
my %dev_on;
for my $name (qw(dn1 dn2))
{
	$dev_on{$name} = $dn{$name}->safe_psql($db, q{SELECT min(dev) FROM t WHERE tag = 'setup'});
	ok($dev_on{$name} ne '', "$name holds some devices (device $dev_on{$name} is used below)");
}

# Rows of one transaction per node (different numbers, so that a mix-up
# shows).
my %rows_per_node = (dn1 => 2, dn2 => 3);

# The INSERT statement of a transaction with tag $tag.
sub insert_sql
{
	my ($tag) = @_;
	my @values;
	for my $name (qw(dn1 dn2))
	{
		for my $i (1 .. $rows_per_node{$name})
		{
			push @values, sprintf("('2024-01-01 00:00:00+00'::timestamptz + interval '%d s', %d, '%s', %d)",
				$i, $dev_on{$name}, $tag, $i);
		}
	}
	return 'INSERT INTO t VALUES ' . join(', ', @values) . ';';
}

# At the point during_abort, the transaction must abort after a node has
# prepared: dn2 refuses rows tagged "doomed..." when it prepares.  (A
# trigger on the node only, so made there, past timeshard's guard.)
$dn2->safe_psql($db, q{
	SET timeshard.enable_client_ddl_on_data_nodes = on;
	CREATE FUNCTION refuse_doomed() RETURNS trigger LANGUAGE plpgsql AS
	  $$BEGIN RAISE EXCEPTION 'row % refused at commit', NEW.tag; END$$;
	CREATE CONSTRAINT TRIGGER refuse_doomed AFTER INSERT ON t DEFERRABLE INITIALLY DEFERRED
	  FOR EACH ROW WHEN (NEW.tag LIKE 'doomed%') EXECUTE FUNCTION refuse_doomed();
});

# The transactions of the whole test: tag => what is known of it.
my %tags;

###########################################################################
# Helpers
###########################################################################

# Rows with a tag on a data node.
sub tag_count
{
	my ($node, $tag) = @_;
	return $node->safe_psql($db, "SELECT count(*) FROM t WHERE tag = '$tag'");
}

# Everything the resolver must have cleaned, as one line (for polling).
my $leftovers_sql = {
	dn => q{SELECT count(*) FROM pg_prepared_xacts WHERE gid LIKE 'ts1:%'},
	an => q{SELECT count(*) FROM timeshard_catalog.remote_txn},
};

sub leftovers
{
	my ($out, $err, @counts);
	for my $node ($dn1, $dn2)
	{
		$node->psql('postgres', $leftovers_sql->{dn}, stdout => \$out, stderr => \$err);
		push @counts, $out;
	}
	$an->psql($db, $leftovers_sql->{an}, stdout => \$out, stderr => \$err);
	push @counts, $out;
	return join(',', map { $_ // '?' } @counts);
}

# Poll until nothing is left to resolve, for at most $timeout seconds.
# Returns the seconds it took (undef when it timed out).
sub wait_resolved
{
	my ($timeout) = @_;
	my $t0 = time;
	while (time - $t0 < $timeout)
	{
		return time - $t0 if leftovers() eq '0,0,0';
		usleep(50_000);
	}
	return undef;
}

# Assert the cleanliness checks one by one (clear messages).
sub check_clean
{
	my ($label) = @_;
	for my $name (qw(dn1 dn2))
	{
		is($dn{$name}->safe_psql('postgres', $leftovers_sql->{dn}), '0',
			"$label: no prepared transaction of ours on $name");
	}
	is($an->safe_psql($db, $leftovers_sql->{an}), '0', "$label: no commit record left");
}

# The state of a tag on the nodes: 'all', 'none' or a description of the
# mess.
sub tag_state
{
	my ($tag, $rows) = @_;
	$rows //= \%rows_per_node;
	my %n = map { $_ => tag_count($dn{$_}, $tag) } qw(dn1 dn2);
	return 'all' if $n{dn1} == $rows->{dn1} && $n{dn2} == $rows->{dn2};
	return 'none' if $n{dn1} == 0 && $n{dn2} == 0;
	return "dn1 has $n{dn1} of $rows->{dn1} rows, dn2 has $n{dn2} of $rows->{dn2}";
}

# The access node's server is back after a crash of one of its backends:
# the crash was seen, the server accepts connections and the timeshard
# worker of the database runs again.
sub wait_an_restarted
{
	my ($log_offset) = @_;
	my $t0 = time;
	$an->wait_for_log(
		qr/terminated by signal 9.*all server processes terminated; reinitializing.*database system is ready to accept connections/s,
		$log_offset);
	$an->poll_query_until('postgres', q{
		SELECT count(*) = 1 FROM pg_stat_activity
		 WHERE backend_type = 'timeshard worker' AND datname = 'ts'})
	  or die 'the timeshard worker did not come back after the crash';
	return time - $t0;
}

# Run $script on the access node with psql in the background; returns the
# harness and refs to its stdout and stderr.
sub start_psql
{
	my ($script) = @_;
	my $file = $PostgreSQL::Test::Utils::tmp_check . '/script_' . int(rand(1e9)) . '.sql';
	PostgreSQL::Test::Utils::append_to_file($file, $script);
	my ($out, $err) = ('', '');
	my $h = IPC::Run::start(
		[ 'psql', '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', $an->connstr($db), '-f', $file ],
		'<', '/dev/null', '>', \$out, '2>', \$err,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	return ($h, \$out, \$err);
}

# Wait until the access node's log, from $offset, matches $re, or the
# harness ended, or $timeout seconds passed.  True if the log matched.
sub wait_log_or_end
{
	my ($re, $offset, $h, $timeout) = @_;
	my $t0 = time;
	while (time - $t0 < $timeout)
	{
		return 1 if slurp_file($an->logfile, $offset) =~ $re;
		$h->pump_nb if $h->pumpable;
		last unless $h->pumpable;
		usleep(20_000);
	}
	# The server logs before it answers: once psql is done, the log has it.
	return slurp_file($an->logfile, $offset) =~ $re ? 1 : 0;
}

# What the client saw, from psql's exit code (ON_ERROR_STOP): 'committed'
# (COMMIT returned success), 'failed' (an error, the session still there)
# or 'lost' (the session to the access node broke).
sub client_outcome
{
	my ($rc, $out) = @_;
	return 'committed' if $rc == 0 && $out =~ /^COMMIT$/m;
	return 'lost' if $rc == 2;
	return 'failed' if $rc == 3;
	return "psql exit code $rc";
}

###########################################################################
# 1. Every fault point x every failure
###########################################################################

my @actions = qw(error kill_remote dn1_stop dn2_stop an_exit);
my $sleep_ms = 3000;
my %timings;

# What docs/transactions.md says of a failure: the outcome on the nodes
# ('all', 'none', or undef when it does not say) and what the client sees
# (undef when it does not say).
sub expected
{
	my ($point, $action) = @_;
	my $ph = $phase{$point} // '';
	my $client = $action eq 'an_exit' ? 'lost' : undef;

	return ('none', $client // 'failed') if $ph eq 'abort';
	return ('all', $client // 'committed') if $ph eq 'committed';
	# Before the local commit the access node's crash aborts, and so does
	# an error at any step.
	return ('none', $client) if $ph ne '' && $action eq 'an_exit';
	return ('none', 'failed') if $ph ne '' && $action eq 'error';
	# A data node that fails before its PREPARE aborts everything.
	return ('none', 'failed') if $ph eq 'before_prepare';
	return (undef, $client);
}

# One scenario: returns nothing, records the tag.
sub run_scenario
{
	my (%s) = @_;
	my ($point, $action) = @s{qw(point action)};
	my $label = $s{label} // "$point/$action";
	my $doomed = ($phase{$point} // '') eq 'abort';
	my $tag = ($doomed ? 'doomed_' : '') . ($s{tag_prefix} // 'f') . "_${point}_$action";
	my $fault = $action eq 'error' ? 'error'
	  : $action eq 'kill_remote'   ? 'kill_remote'
	  : $action eq 'an_exit'       ? 'exit'
	  :                              "sleep:$sleep_ms";
	my $stopped = $action =~ /^(dn\d+)_stop$/ ? $1 : undef;
	my $t0 = time;

	my $script = "\\set QUIET off\n" . ($s{session_setup} // '')
	  . "SET timeshard.debug_fault = '$point:$fault';\n"
	  . "BEGIN;\n" . insert_sql($tag) . "\nCOMMIT;\n";
	my $log_offset = -s $an->logfile;
	my ($h, $out, $err) = start_psql($script);
	my $fired = wait_log_or_end(qr/timeshard fault injected at \Q$point\E:/, $log_offset, $h, 60);
	ok($fired, "$label: the fault was injected");
	if ($stopped && $fired)
	{
		my $t_stop = time;
		$dn{$stopped}->stop('immediate');
		my $took = time - $t_stop;
		cmp_ok($took, '<', $sleep_ms / 1000 - 0.5,
			sprintf('%s: %s is down (in %.2f s) before the step goes on', $label, $stopped, $took));
	}
	$h->finish;
	$dn{$stopped}->start if $stopped && $fired;
	my $restart = 0;
	$restart = wait_an_restarted($log_offset) if $action eq 'an_exit' && $fired;

	my $client = client_outcome($h->result, $$out);
	my $resolved_in = wait_resolved($resolve_deadline);
	ok(defined $resolved_in,
		sprintf('%s: resolved within %.1f s of the restart', $label, $resolve_deadline))
	  or diag("left over (prepared dn1, prepared dn2, commit records): " . leftovers());
	check_clean($label);

	# After a crash of the access node, a new distributed transaction works
	# (its transaction identifiers must not collide with those the crashed
	# one left prepared).
	if ($action eq 'an_exit')
	{
		my $probe = "probe_${point}";
		$probe .= "_$s{tag_prefix}" if $s{tag_prefix};
		my ($rc, $pout, $perr) = $an->psql($db,
			"\\set QUIET off\nBEGIN;\n" . insert_sql($probe) . "\nCOMMIT;\n",
			on_error_stop => 1);
		ok($rc == 0 && $pout =~ /^COMMIT$/m,
			"$label: after the restart, a new distributed transaction commits")
		  or diag("stderr: $perr");
		$tags{$probe} = { state => tag_state($probe), client => $rc == 0 ? 'committed' : 'failed' };
		is($tags{$probe}{state}, $rc == 0 ? 'all' : 'none', "$label: ... all or nothing");
		# Whatever failed above, later scenarios start from a clean state.
		if (!defined $resolved_in)
		{
			my $late = wait_resolved(30);
			diag(defined $late ? sprintf('%s: resolved %.1f s later', $label, $late)
				: "$label: still not resolved 30 s later");
		}
	}

	my $state = tag_state($tag);
	ok($state eq 'all' || $state eq 'none', "$label: all or nothing ($state)");
	ok($state eq 'all', "$label: COMMIT returned success, so the rows are on both nodes")
	  if $client eq 'committed';
	is($an->safe_psql($db, "SELECT count(*) FROM t WHERE tag = '$tag'"),
		$state eq 'all' ? $rows_per_node{dn1} + $rows_per_node{dn2} : 0,
		"$label: the access node reads what the nodes hold");

	my ($want_state, $want_client) = expected($point, $action);
	is($client, $want_client, "$label: the client sees: $want_client")
	  or diag("stdout:\n$$out\nstderr:\n$$err")
	  if defined $want_client;
	like($$err, qr/ERROR:  .*fault injected at \Q$point\E/, "$label: the error names the fault")
	  if $action eq 'error' && defined $want_client && $want_client eq 'failed' && !$doomed;
	is($state, $want_state, "$label: " . ($want_state eq 'all' ? 'committed' : 'aborted'))
	  if defined $want_state;
	# Before PREPARE no node holds a prepared transaction: none may be
	# reported as left to the resolver.
	unlike($$err, qr/could not roll back prepared transaction/,
		"$label: nothing prepared, so nothing is left to the resolver")
	  if ($phase{$point} // '') eq 'before_prepare' && $action ne 'an_exit';

	$tags{$tag} = { state => $state, client => $client };
	my $secs = time - $t0;
	$timings{$action} += $secs;
	note(sprintf('%s: client %s, rows %s, restart %.1f s, resolved in %s s, %.1f s in all',
		$label, $client, $state, $restart,
		defined $resolved_in ? sprintf('%.1f', $resolved_in) : 'never', $secs));
	return;
}

for my $point (@points)
{
	for my $action (@actions)
	{
		run_scenario(point => $point, action => $action);
	}
}
diag(sprintf('fault matrix (%d points x %d failures): %s', scalar(@points), scalar(@actions),
	join(', ', map { sprintf('%s %.0f s', $_, $timings{$_}) } @actions)));

###########################################################################
# 2. synchronous_commit = off: the decision is flushed anyway
###########################################################################

# A WAL writer that sleeps 10 s leaves an asynchronous commit in memory
# long enough for the crash to lose it, unless timeshard flushes it.
$an->safe_psql('postgres', q{
	ALTER SYSTEM SET synchronous_commit = off;
	ALTER SYSTEM SET wal_writer_delay = '10s';
});
$an->reload;
ok(TimeshardTest::poll_until($an, $db, 'SHOW synchronous_commit', 'off', 30),
	'synchronous_commit is off on the access node');
my $t_async = time;
for my $point (grep { ($phase{$_} // '') eq 'committed' } @points)
{
	run_scenario(point => $point, action => 'an_exit', tag_prefix => 'async',
		label => "synchronous_commit = off, $point/an_exit",
		session_setup => "SET synchronous_commit = off;\n");
}
$an->safe_psql('postgres', q{
	ALTER SYSTEM RESET synchronous_commit;
	ALTER SYSTEM RESET wal_writer_delay;
});
$an->reload;
diag(sprintf('synchronous_commit = off scenarios: %.0f s', time - $t_async));

###########################################################################
# 3. Load: 8 clients for 30 s, a data node stopped and started twice
###########################################################################

my $clients      = 8;
my $load_secs    = 30;
my $victim       = 'dn2';
my $tmp          = PostgreSQL::Test::Utils::tempdir();
my $t_load_start = time;

# One client: a psql session on the access node, fed one transaction at a
# time (tag "load_<client>_<n>", 1 to 3 rows per node), until the time is
# up.  Each line of its result file: tag, rows, outcome, seconds since the
# load started.  Outcomes: acked (COMMIT returned success), failed (an
# error; with two-phase commit, an error before COMMIT returns means the
# transaction did not commit), doubt (the session to the access node broke
# while COMMIT ran: its outcome is unknown to the client; the access node
# is never stopped here, so none are expected).
sub load_client
{
	my ($id, $t_begin) = @_;
	my @result;
	my ($in, $out, $err) = ('', '', '');
	my $h;
	my $start = sub {
		($in, $out, $err) = ('', '', '');
		$h = IPC::Run::start(
			[ 'psql', '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=0', '-d', $an->connstr($db) ],
			'<', \$in, '>', \$out, '2>', \$err, IPC::Run::timeout(120));
	};
	$start->();
	my $n = 0;
	while (time - $t_begin < $load_secs)
	{
		$n++;
		my $tag = "load_${id}_$n";
		my %rows = (dn1 => 1 + $n % 3, dn2 => 1 + ($n + $id) % 3);
		my @values;
		for my $name (qw(dn1 dn2))
		{
			push @values, sprintf("('2024-01-01 00:00:00+00'::timestamptz + interval '%d s', %d, '%s', %d)",
				$_, $dev_on{$name}, $tag, $_)
			  for 1 .. $rows{$name};
		}
		my $marker = "\@\@end $tag";
		my $from = length($out);
		$in .= "BEGIN;\nINSERT INTO t VALUES " . join(', ', @values) . ";\nCOMMIT;\n\\echo $marker\n";
		my $outcome;
		eval {
			$h->pump while $h->pumpable && index($out, $marker, $from) < 0;
			1;
		} or do { $outcome = 'doubt'; };
		my $segment = substr($out, $from);
		if (!defined $outcome)
		{
			$outcome = $segment =~ /^COMMIT$/m ? 'acked'
			  : index($segment, $marker) >= 0 ? 'failed'
			  : $segment =~ /^INSERT 0 \d+$/m ? 'doubt'
			  : 'failed';
		}
		push @result, join(' ', $tag, $rows{dn1}, $rows{dn2}, $outcome,
			sprintf('%.2f', time - $t_begin));
		if (!$h->pumpable || index($segment, $marker) < 0)
		{
			eval { $h->kill_kill; };
			$start->();
		}
		# psql's output is only needed up to here.
		if (length($out) > 1_000_000)
		{
			$in = '';
			$out = '';
		}
	}
	$in .= "\\q\n";
	eval { $h->finish; };
	return @result;
}

my $load_log_offset = -s $an->logfile;
my $t_begin = time;
my @pids;
for my $id (1 .. $clients)
{
	my $pid = fork();
	die "fork: $!" unless defined $pid;
	if ($pid == 0)
	{
		my @result = eval { load_client($id, $t_begin) };
		push @result, "error $@" if $@;
		open my $fh, '>', "$tmp/client_$id" or POSIX::_exit(1);
		print $fh "$_\n" for @result;
		close $fh;
		# Not exit(): the parent's END blocks (which stop the instances)
		# must not run in a child.
		POSIX::_exit(0);
	}
	push @pids, $pid;
}

# The data node goes down twice, for about 3 s each time, while the
# clients write.
my @restarted_at;
for my $round (1 .. 2)
{
	my $down_at = $round == 1 ? 6 : 17;
	usleep(1_000_000 * ($down_at - (time - $t_begin))) if time - $t_begin < $down_at;
	$dn{$victim}->stop('immediate');
	note(sprintf('load: %s stopped at %.1f s', $victim, time - $t_begin));
	usleep(3_000_000);
	$dn{$victim}->start;
	push @restarted_at, time - $t_begin;
	note(sprintf('load: %s started again at %.1f s', $victim, time - $t_begin));
}
waitpid($_, 0) for @pids;
my $load_time = time - $t_begin;

my (%load, @client_errors);
my %per_client_after;
for my $id (1 .. $clients)
{
	my @lines = split /\n/, slurp_file("$tmp/client_$id");
	for my $line (@lines)
	{
		if ($line =~ /^error (.*)/s)
		{
			push @client_errors, "client $id: $1";
			next;
		}
		my ($tag, $r1, $r2, $outcome, $at) = split / /, $line;
		$load{$tag} = { rows => { dn1 => $r1, dn2 => $r2 }, outcome => $outcome, at => $at };
		$per_client_after{$id}++ if $outcome eq 'acked' && $at > $restarted_at[-1];
	}
}
is(scalar(@client_errors), 0, 'load: every client ran to its end')
  or diag(join("\n", @client_errors));

my %by_outcome;
$by_outcome{ $_->{outcome} }++ for values %load;
diag(sprintf('load: %d transactions in %.1f s by %d clients: %d acknowledged, %d failed, %d in doubt',
	scalar(keys %load), $load_time, $clients, $by_outcome{acked} // 0, $by_outcome{failed} // 0,
	$by_outcome{doubt} // 0));
cmp_ok($by_outcome{acked} // 0, '>', 0, 'load: transactions were acknowledged');
cmp_ok($by_outcome{failed} // 0, '>', 0, 'load: transactions failed while the data node was down');
is(scalar(grep { ($per_client_after{$_} // 0) > 0 } 1 .. $clients), $clients,
	'load: every client commits again after the data node is back');
is($by_outcome{doubt} // 0, 0, 'load: no client lost its session to the access node');

my $t_resolve = time;
my $load_resolved = wait_resolved($resolve_deadline);
ok(defined $load_resolved, sprintf('load: resolved within %.1f s', $resolve_deadline))
  or diag("left over (prepared dn1, prepared dn2, commit records): " . leftovers());
check_clean('load');
{
	my $log = slurp_file($an->logfile, $load_log_offset);
	diag(sprintf('load: the resolver committed %d and rolled back %d prepared transactions; '
		  . 'clients were warned %d times that a node gets its part later',
		scalar(() = $log =~ /timeshard resolver: committed/g),
		scalar(() = $log =~ /timeshard resolver: rolled back/g),
		scalar(() = $log =~ /WARNING:  could not commit prepared transaction/g)));
}

# Rows per tag on each node, in one query per node.
my %found;
for my $name (qw(dn1 dn2))
{
	my $rows = $dn{$name}->safe_psql($db,
		q{SELECT tag, count(*) FROM t WHERE tag LIKE 'load\_%' GROUP BY tag ORDER BY tag});
	for (split /\n/, $rows)
	{
		my ($tag, $n) = split /\|/;
		$found{$tag}{$name} = $n;
	}
}
my (@partial, @acked_missing, @failed_present, @unknown);
my ($acked_rows, $found_rows, $doubt_found_rows) = (0, 0, 0);
for my $tag (sort keys %load)
{
	my $l = $load{$tag};
	my %n = map { $_ => $found{$tag}{$_} // 0 } qw(dn1 dn2);
	my $all = $n{dn1} == $l->{rows}{dn1} && $n{dn2} == $l->{rows}{dn2};
	my $none = $n{dn1} == 0 && $n{dn2} == 0;
	push @partial, "$tag: dn1 $n{dn1}/$l->{rows}{dn1}, dn2 $n{dn2}/$l->{rows}{dn2}"
	  unless $all || $none;
	push @acked_missing, $tag if $l->{outcome} eq 'acked' && !$all;
	push @failed_present, $tag if $l->{outcome} eq 'failed' && !$none;
	$acked_rows += $l->{rows}{dn1} + $l->{rows}{dn2} if $l->{outcome} eq 'acked';
	$doubt_found_rows += $n{dn1} + $n{dn2} if $l->{outcome} eq 'doubt';
}
for my $tag (sort keys %found)
{
	push @unknown, $tag unless $load{$tag};
	$found_rows += ($found{$tag}{dn1} // 0) + ($found{$tag}{dn2} // 0);
}
is(scalar(@partial), 0, 'load: every transaction is on both nodes or on none')
  or diag(join("\n", @partial[0 .. ($#partial < 20 ? $#partial : 19)]));
is(scalar(@acked_missing), 0, 'load: every acknowledged transaction is on both nodes')
  or diag(join(', ', @acked_missing[0 .. ($#acked_missing < 20 ? $#acked_missing : 19)]));
is(scalar(@failed_present), 0, 'load: no transaction whose client saw an error is on a node')
  or diag(join(', ', @failed_present[0 .. ($#failed_present < 20 ? $#failed_present : 19)]));
is(scalar(@unknown), 0, 'load: no rows of a transaction no client sent');
# Transactions in doubt (none expected) may have committed or not.
is($found_rows, $acked_rows + $doubt_found_rows,
	"load: rows found on the nodes = rows acknowledged to the clients ($acked_rows)");
is($an->safe_psql($db, q{SELECT count(*) FROM t WHERE tag LIKE 'load\_%'}), $found_rows,
	'load: the access node reads every row the nodes hold');
diag(sprintf('load test: %.0f s (resolution after it %.1f s)', time - $t_load_start,
	time - $t_resolve));

###########################################################################
# At the end: nothing changed for the transactions of parts 1 and 2
###########################################################################

my @changed = grep { tag_state($_) ne $tags{$_}{state} } sort keys %tags;
is(scalar(@changed), 0, 'the outcome of every earlier transaction is unchanged at the end')
  or diag(join(', ', @changed));
check_clean('at the end');

diag(sprintf('030_two_phase: %.0f s in all', time - $t_start));
$_->stop for ($an, $dn1, $dn2);
done_testing();
