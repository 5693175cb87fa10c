# 040_failover.pl — a data node dies or freezes: nothing waits for it,
# nothing is lost, and it comes back with its replicas up to date.
#
# An access node (an) and three data nodes (dn1, dn2, dn3), separate
# instances.  Hypertable "metrics" has replication factor 2 (six chunks of
# one day, each on two of the three nodes); hypertable "r1" has
# replication factor 1 (three chunks, one per node).  The access node
# checks its nodes every 500 ms, gives a node 2 s to answer, and marks it
# unavailable after 3 failed checks; re-replication is off except in
# phases 5 and 8.
#
#   1. dn2 is stopped (-m immediate).  Until it is marked unavailable and
#      after, reads of metrics return every row and inserts succeed (into
#      chunks that have a replica on dn2, and into new chunks), in fresh
#      sessions and in a session whose connections to dn2 were open before
#      (a "warm" session); no statement takes longer than node_timeout
#      (+1.5 s for process overhead); data_node_health() and the views never
#      fail; reads of r1 that need dn2 fail fast naming dn2, reads pruned to
#      the other nodes succeed.  The node is marked unavailable within
#      failover_threshold x health_check_interval + node_timeout (from the
#      LOG line's time stamp).  With dn2 unavailable, DDL and DELETE are
#      refused naming it.  dn2 comes back: it is marked available, its
#      stale replicas were refreshed first, every chunk has 2 up-to-date
#      replicas whose row counts agree (counted on each data node), and
#      the events down / unavailable / up / available are in
#      timeshard_information.data_node_events and in the log at LOG level,
#      with their reasons.
#   2. The same with dn3 frozen (SIGSTOP on its postmaster and every
#      backend), then thawed (SIGCONT).
#   3. dn1 marked unavailable by hand (alter_data_node): the worker leaves
#      it so; writes mark its replicas stale; marked available by hand, its
#      stale replicas are refreshed by the worker.
#   4. Every data node down at once: data_node_health() and the views
#      answer, within node_timeout; everything comes back.
#   5. Re-replication: with timeshard.rereplicate_after = 3s, dn1 stays down:
#      every chunk that had a replica on dn1 is copied to the node that
#      lacked it (not before 3 s), and has 2 replicas again; when dn1 is
#      back it keeps only what the catalog gives it, and the access node
#      still reads every row exactly once.
#   6. copy_chunk() and move_chunk() by hand, and their errors.
#   7. Replacing a node: dn4 is added and attached, dn3's chunks are moved
#      to it, dn3 is detached and deleted.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);
use TimeshardTest;

my $t_start = time;

###########################################################################
# Settings and instances
###########################################################################

my $interval_ms     = 500;
my $node_timeout_ms = 2000;
my $threshold       = 3;
my $resolve_ms      = 1000;
my $rereplicate_ms  = 3000;

# A statement may wait node_timeout for a node that does not answer, plus
# the work of two processes (psql, backend) on a busy two-core machine.
my $overhead   = 1.5;
my $hang_limit = $node_timeout_ms / 1000 + $overhead;
# The issue's bound for a failed node to be marked unavailable.
my $failover_bound = $threshold * $interval_ms / 1000 + $node_timeout_ms / 1000;

my $db = 'ts';
my $an = TimeshardTest::new_node('an', conf => join("\n",
	"timeshard.health_check_interval = '${interval_ms}ms'",
	"timeshard.node_timeout = '${node_timeout_ms}ms'",
	"timeshard.failover_threshold = $threshold",
	"timeshard.txn_resolve_interval = '${resolve_ms}ms'",
	"timeshard.rereplicate_after = -1"));
my %dn = map { $_ => TimeshardTest::new_node($_) } qw(dn1 dn2 dn3);
TimeshardTest::create_ts_db($an, $db);
TimeshardTest::add_data_nodes($an, $db, map { $dn{$_} } qw(dn1 dn2 dn3));

# Processes stopped with SIGSTOP: continued whatever happens, or the
# instances could not be stopped at the end.
my @frozen;
END { kill 'CONT', @frozen if @frozen; }

###########################################################################
# Data
###########################################################################

$an->safe_psql($db, q{
	CREATE TABLE metrics (time timestamptz NOT NULL, dev int NOT NULL, v double precision);
	SELECT create_distributed_hypertable('metrics', 'time', replication_factor => 2,
	                                     chunk_time_interval => interval '1 day');
	INSERT INTO metrics
	SELECT t, d, d * 1000 + extract(minute FROM t)
	  FROM generate_series('2024-01-01 00:00+00'::timestamptz, '2024-01-06 23:59+00', interval '1 min') t,
	       generate_series(1, 3) d;
	CREATE TABLE r1 (time timestamptz NOT NULL, dev int NOT NULL, v double precision);
	SELECT create_distributed_hypertable('r1', 'time', replication_factor => 1,
	                                     chunk_time_interval => interval '1 day');
	INSERT INTO r1 SELECT t, 1, 1
	  FROM generate_series('2024-01-01 00:00+00'::timestamptz, '2024-01-03 23:00+00', interval '1 hour') t;
});

# The rows the access node must read, kept up to date by every insert.
my %expected = (metrics => 6 * 1440 * 3, r1 => 72);

# The chunks of a hypertable, in time order: schema, name, up-to-date
# replicas, stale replicas, primary (the foreign table's server), start
# (epoch seconds).
sub chunks_of
{
	my ($table) = @_;
	my $out = $an->safe_psql($db, qq{
		SELECT c.chunk_schema, c.chunk_name, array_to_string(c.data_nodes, ','),
		       COALESCE(array_to_string(c.stale_data_nodes, ','), ''), s.srvname,
		       extract(epoch FROM c.range_start)::bigint
		  FROM timeshard_information.chunks c
		  JOIN pg_foreign_table ft ON ft.ftrelid = format('%I.%I', c.chunk_schema, c.chunk_name)::regclass
		  JOIN pg_foreign_server s ON s.oid = ft.ftserver
		 WHERE c.hypertable_name = '$table'
		 ORDER BY c.range_start});
	my @chunks;
	for my $line (split /\n/, $out)
	{
		my ($schema, $name, $nodes, $stale, $primary, $start) = split /\|/, $line;
		push @chunks, {
			schema  => $schema,
			name    => $name,
			qname   => qq{"$schema"."$name"},
			nodes   => [ split /,/, $nodes ],
			stale   => [ split /,/, $stale ],
			primary => $primary,
			start   => $start,
		};
	}
	return @chunks;
}

my @metrics_chunks = chunks_of('metrics');
is(scalar(@metrics_chunks), 6, 'metrics has six chunks');
is(scalar(grep { @{ $_->{nodes} } == 2 } @metrics_chunks), 6, 'each chunk of metrics has two replicas');
for my $name (qw(dn1 dn2 dn3))
{
	ok(scalar(grep { $_->{primary} eq $name } @metrics_chunks) > 0,
		"$name is the primary of some chunk of metrics");
}
my @r1_chunks = chunks_of('r1');
is(join(',', sort map { @{ $_->{nodes} } } @r1_chunks), 'dn1,dn2,dn3',
	'r1 has one chunk on each data node');

###########################################################################
# Helpers
###########################################################################

# Per chunk of the hypertable: do the row counts of its up-to-date replicas
# agree (counted on each data node but those in $opt{down}), does the access
# node read the sum, does every chunk have the replicas it should and no
# stale one?  $opt{exact}: exactly the replication factor, else at least.
sub check_replicas
{
	my ($label, $table, %opt) = @_;
	my @chunks = chunks_of($table);
	my %down = map { $_ => 1 } @{ $opt{down} // [] };
	my %sql;
	for my $c (@chunks)
	{
		for my $node (grep { !$down{$_} } @{ $c->{nodes} })
		{
			push @{ $sql{$node} }, "SELECT '$c->{name}', count(*) FROM $c->{qname}";
		}
	}
	my %count;
	for my $node (sort keys %sql)
	{
		my $out = $dn{$node}->safe_psql($db, join(' UNION ALL ', @{ $sql{$node} }));
		for my $line (split /\n/, $out)
		{
			my ($name, $n) = split /\|/, $line;
			$count{$name}{$node} = $n;
		}
	}
	my (@disagree, $sum);
	for my $c (@chunks)
	{
		my %n = %{ $count{ $c->{name} } // {} };
		my %distinct = map { $_ => 1 } values %n;
		push @disagree, "$c->{name}: " . join(', ', map { "$_ $n{$_}" } sort keys %n)
		  if keys(%distinct) != 1;
		$sum += (values %n)[0] // 0;
	}
	is(join('; ', @disagree), '', "$label: $table: the replicas of each chunk hold the same rows");
	is($sum, $expected{$table}, "$label: $table: the chunks hold $expected{$table} rows");
	is($an->safe_psql($db, "SELECT count(*) FROM $table"), $expected{$table},
		"$label: $table: the access node reads $expected{$table} rows");
	is($an->safe_psql($db, qq{
		SELECT string_agg(chunk_name || ' on ' || array_to_string(stale_data_nodes, ','), '; ')
		  FROM timeshard_information.chunks
		 WHERE hypertable_name = '$table' AND stale_data_nodes IS NOT NULL}), '',
		"$label: $table: no stale replica");
	my $cmp = $opt{exact} ? '<>' : '<';
	is($an->safe_psql($db, qq{
		SELECT string_agg(chunk_name || ' has ' || num_replicas, '; ')
		  FROM timeshard_information.chunk_replication_status
		 WHERE hypertable_name = '$table' AND num_replicas $cmp desired_num_replicas}), '',
		"$label: $table: every chunk has " . ($opt{exact} ? '' : 'at least ')
		  . 'its replication factor of up-to-date replicas');
	return;
}

# Run $sql on $node every 0.1 s until its output is $want, for at most
# $timeout seconds; true if it was (TimeshardTest::poll_until without its
# dependence on diag being imported).
sub poll_until
{
	my ($node, $dbname, $sql, $want, $timeout) = @_;
	my $deadline = time + $timeout;
	my ($out, $err) = ('', '');
	while (time < $deadline)
	{
		$node->psql($dbname, $sql, stdout => \$out, stderr => \$err);
		return 1 if $out eq $want;
		usleep(100_000);
	}
	diag("after $timeout s, $sql\nreturns: $out\nexpected: $want\nstderr: $err");
	return 0;
}

# Is the node marked available ('t'/'f')?
sub available
{
	my ($name) = @_;
	return $an->safe_psql($db,
		"SELECT available FROM timeshard_information.data_nodes WHERE node_name = '$name'");
}

sub wait_available
{
	my ($name, $want, $timeout) = @_;
	return poll_until($an, $db,
		"SELECT available FROM timeshard_information.data_nodes WHERE node_name = '$name'",
		$want ? 't' : 'f', $timeout);
}

# The time (epoch seconds, fractional) of the first line of the access
# node's log after $offset that matches $re, or undef.
sub log_time
{
	my ($re, $offset) = @_;
	my $log = slurp_file($an->logfile, $offset);
	for my $line (split /\n/, $log)
	{
		next unless $line =~ $re;
		# log_line_prefix of PostgreSQL::Test::Cluster: '%m [%p] ...'
		my ($stamp) = $line =~ /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+)/ or return undef;
		return $an->safe_psql($db, "SELECT extract(epoch FROM '$stamp'::timestamptz)");
	}
	return undef;
}

# The events of a node since $since (epoch seconds), in order: [event,
# detail (white space collapsed), whether it has a time], from the view.
sub events_since
{
	my ($name, $since) = @_;
	my $out = $an->safe_psql($db, qq{
		SELECT event || '|' || regexp_replace(COALESCE(detail, ''), '[[:space:]]+', ' ', 'g') || '|'
		       || (time IS NOT NULL)
		  FROM timeshard_information.data_node_events
		 WHERE node_name = '$name' AND time >= to_timestamp($since)
		 ORDER BY time});
	return map { [ split /\|/, $_, 3 ] } split /\n/, $out;
}

# A statement in a fresh session: (rc, stdout, stderr, seconds).
sub fresh
{
	my ($sql) = @_;
	return TimeshardTest::psql_timed($an, $db, $sql);
}

# A session of its own kept open, whose connections to every data node are
# open and idle (as in a connection pool).
sub warm_session
{
	my $s = $an->background_psql($db, on_error_stop => 0);
	$s->set_query_timer_restart;
	$s->query_safe('SELECT count(*) FROM metrics');
	$s->query_safe('SELECT count(*) FROM r1');
	return $s;
}

# A statement in that session: (rc, stdout, stderr, seconds); rc 3 when it
# failed.
sub warm
{
	my ($s, $sql) = @_;
	$s->{stderr} = '';
	my $t0 = time;
	my $out = $s->query($sql);
	my $secs = time - $t0;
	my $err = $s->{stderr};
	$s->{stderr} = '';
	return ($err =~ /^psql:<stdin>:\d+: (ERROR|FATAL):/m ? 3 : 0, $out, $err, $secs);
}

# The postmaster of an instance and its children.
sub family
{
	my ($node) = @_;
	my $pm = $node->{_pid};
	my @kids;
	opendir(my $dir, '/proc') or die "cannot read /proc: $!";
	for my $pid (grep { /^\d+$/ } readdir $dir)
	{
		open my $fh, '<', "/proc/$pid/stat" or next;
		my $stat = <$fh> // '';
		close $fh;
		push @kids, $pid if $stat =~ /\)\s+\S+\s+(\d+)/ && $1 == $pm;
	}
	closedir $dir;
	return ($pm, @kids);
}

sub freeze
{
	my ($node) = @_;
	my ($pm) = family($node);
	kill 'STOP', $pm;
	push @frozen, $pm;
	# Children listed after the postmaster stopped: no new one can come.
	my (undef, @kids) = family($node);
	kill 'STOP', @kids;
	push @frozen, @kids;
	note("froze " . $node->name . ": postmaster $pm and " . scalar(@kids) . ' children');
	return;
}

sub thaw
{
	kill 'CONT', reverse @frozen;
	@frozen = ();
	return;
}

# The day (epoch) of the next new chunk an insert creates.
my $next_day = 1717200000;    # 2024-06-01 00:00 UTC
my $row_seq  = 0;

###########################################################################
# Traffic during an outage
###########################################################################

# Runs every kind of statement again and again while $victim is out (it
# went at $t_out), until it has been marked unavailable and one more round
# after that; asserts that each behaved and none took too long.  Returns
# the time it was seen unavailable.
sub outage_traffic
{
	my ($label, $victim, $t_out, $session) = @_;
	my @chunks = chunks_of('metrics');
	# A chunk read from the victim (else one it holds a replica of).
	my ($with_victim) = (grep({ $_->{primary} eq $victim } @chunks),
		grep({ my $c = $_; grep { $_ eq $victim } @{ $c->{nodes} } } @chunks));
	die "no chunk of metrics on $victim" unless $with_victim;
	my @r1_others = grep { $_->{nodes}[0] ne $victim } chunks_of('r1');
	my $r1_others_rows = 24 * scalar(@r1_others);
	my (@failed, @slow, %ran);
	my $seen_unavailable;
	my $rounds_after = 0;

	my $check = sub {
		my ($what, $rc, $out, $err, $secs, %want) = @_;
		$ran{$what}++;
		push @slow, sprintf('%s %.2f s', $what, $secs) if $secs > $hang_limit;
		if ($want{fail})
		{
			push @failed, "$what did not fail: $out" if $rc == 0;
			push @failed, "$what: the error does not name $victim: $err"
			  if $rc != 0 && $err !~ /\b\Q$victim\E\b/;
		}
		elsif ($rc != 0)
		{
			push @failed, "$what: $err";
		}
		elsif (defined $want{out} && $out ne $want{out})
		{
			push @failed, "$what returned $out instead of $want{out}";
		}
		return $rc == 0;
	};

	while (time - $t_out < 90)
	{
		# Reads of the replicated hypertable: every row.
		$check->('read (fresh session)', fresh('SELECT count(*) FROM metrics'),
			out => $expected{metrics});
		$check->('read (warm session)', warm($session, 'SELECT count(*) FROM metrics'),
			out => $expected{metrics});

		# Inserts into a chunk whose primary is the victim, and into a new chunk.
		for my $how ('fresh', 'warm')
		{
			my $t = $with_victim->{start} + 3600 + (++$row_seq);
			my @r = $how eq 'fresh'
			  ? fresh("INSERT INTO metrics VALUES (to_timestamp($t), 9, $row_seq)")
			  : warm($session, "INSERT INTO metrics VALUES (to_timestamp($t), 9, $row_seq)");
			$expected{metrics}++ if $check->("insert into an existing chunk ($how session)", @r);
			$next_day += 86400;
			@r = $how eq 'fresh'
			  ? fresh("INSERT INTO metrics VALUES (to_timestamp($next_day), 9, 0)")
			  : warm($session, "INSERT INTO metrics VALUES (to_timestamp($next_day), 9, 0)");
			$expected{metrics}++ if $check->("insert into a new chunk ($how session)", @r);
		}

		# Replication factor 1: what needs the victim fails fast, naming it;
		# what is pruned to the other nodes works.
		$check->('read of r1 that needs the node (fresh session)',
			fresh('SELECT count(*) FROM r1'), fail => 1);
		$check->('read of r1 that needs the node (warm session)',
			warm($session, 'SELECT count(*) FROM r1'), fail => 1);
		my $where = join(' OR ',
			map { sprintf("(time >= to_timestamp(%d) AND time < to_timestamp(%d))", $_->{start},
					$_->{start} + 86400) } @r1_others);
		$check->('read of r1 pruned to other nodes (fresh session)',
			fresh("SELECT count(*) FROM r1 WHERE $where"), out => $r1_others_rows);
		$check->('read of r1 pruned to other nodes (warm session)',
			warm($session, "SELECT count(*) FROM r1 WHERE $where"), out => $r1_others_rows);

		# Monitoring never fails.
		$check->('data_node_health()', fresh(qq{
			SELECT count(*), bool_and(healthy OR error IS NOT NULL) FROM data_node_health()}),
			out => '3|t');
		$check->('the views', fresh(q{
			SELECT (SELECT count(*) FROM timeshard_information.data_nodes),
			       (SELECT count(*) >= 0 FROM timeshard_information.data_node_events),
			       (SELECT count(*) > 0 FROM timeshard_information.chunks),
			       (SELECT count(*) > 0 FROM timeshard_information.chunk_replication_status)}),
			out => '3|t|t|t');

		if (available($victim) eq 'f')
		{
			$seen_unavailable //= time;
			last if ++$rounds_after >= 2;
		}
	}

	ok(defined $seen_unavailable, "$label: $victim was marked unavailable");
	is(join("\n", @failed), '', "$label: every statement behaved during the outage");
	is(join("\n", @slow), '',
		sprintf('%s: no statement took longer than node_timeout + %.1f s (%.1f s)', $label,
			$overhead, $hang_limit));
	note("$label: statements run: " . join(', ', map { "$_ x$ran{$_}" } sort keys %ran));
	return $seen_unavailable;
}

# The node is out since $t_out: it must be marked unavailable within the
# bound (the LOG line's time), with an event.
sub check_failover
{
	my ($label, $victim, $t_out, $log_offset) = @_;
	my $when = log_time(qr/LOG:  data node "\Q$victim\E": unavailable: \d+ consecutive failed health checks/,
		$log_offset);
	ok(defined $when, "$label: the log says at LOG level why $victim is unavailable");
	if (defined $when)
	{
		my $took = $when - $t_out;
		cmp_ok($took, '<=', $failover_bound,
			sprintf('%s: %s marked unavailable %.1f s after it went (bound: %d x %.1f s + %.1f s = %.1f s)',
				$label, $victim, $took, $threshold, $interval_ms / 1000, $node_timeout_ms / 1000,
				$failover_bound));
	}
	return;
}

# The node, out since $since, is back (started or thawed): it becomes
# available, its $stale_before stale replicas refreshed first; the events
# and the log tell it all.
sub check_back
{
	my ($label, $victim, $log_offset, $since, $stale_before) = @_;
	ok(wait_available($victim, 1, 60), "$label: $victim is available again");
	my @events = events_since($victim, $since);
	my @names = map { $_->[0] } @events;
	is(join(',', @names), 'down,unavailable,up,available',
		"$label: events of $victim: down, unavailable, up, available");
	is(scalar(grep { $_->[2] ne 'true' } @events), 0,
		"$label: each event has a time");
	my %detail = map { $_->[0] => $_->[1] } @events;
	like($detail{down} // '', qr/\S/, "$label: the down event says why: " . ($detail{down} // ''));
	like($detail{unavailable} // '', qr/^\d+ consecutive failed health checks \(.+\)$/,
		"$label: the unavailable event says why");
	like($detail{up} // '', qr/^answers in [0-9.]+ ms$/, "$label: the up event says how fast");
	like($detail{available} // '',
		qr/^answers health checks again; $stale_before stale chunk replicas refreshed, \d+ given-up ones dropped$/,
		"$label: the available event counts the $stale_before refreshed replicas");

	my $log = slurp_file($an->logfile, $log_offset);
	for my $ev (@names)
	{
		# The detail as logged: its white space may be new lines and tabs.
		my $re = join('\s+', map { quotemeta } split / /, $detail{$ev});
		like($log, qr/LOG:  data node "\Q$victim\E": \Q$ev\E: $re/,
			"$label: LOG line for the $ev event");
	}
	my $copies = () = $log =~ /LOG:  chunk "[^"]+" copied from data node "dn\d" to "\Q$victim\E" \(\d+ rows\)/g;
	is($copies, $stale_before, "$label: the log shows $stale_before chunks copied to $victim");
	# The replicas were refreshed before the node served again.
	my $t_avail = log_time(qr/LOG:  data node "\Q$victim\E": available:/, $log_offset);
	my $t_copy  = log_time(qr/LOG:  chunk "[^"]+" copied from data node "dn\d" to "\Q$victim\E"/, $log_offset);
	ok(!defined $t_copy || (defined $t_avail && $t_copy <= $t_avail),
		"$label: the replicas were refreshed before $victim was marked available");
	return;
}

sub stale_count
{
	my ($name) = @_;
	return $an->safe_psql($db, qq{
		SELECT count(*) FROM timeshard_information.chunks WHERE '$name' = ANY (stale_data_nodes)});
}

check_replicas('before any failure', 'metrics', exact => 1);
check_replicas('before any failure', 'r1', exact => 1);

###########################################################################
# 1. A data node stopped (-m immediate)
###########################################################################

{
	my $label   = 'dn2 stopped';
	my $session = warm_session();
	my $offset  = -s $an->logfile;
	my $t_out   = time;
	$dn{dn2}->stop('immediate');
	outage_traffic($label, 'dn2', $t_out, $session);
	check_failover($label, 'dn2', $t_out, $offset);

	# Unavailable: reads go elsewhere, DDL and DELETE are refused.
	my ($rc, $out, $err) = fresh('ALTER TABLE metrics ADD COLUMN note text');
	like($err, qr/ERROR:  some data nodes are not available for DDL commands\nDETAIL:  Data node "dn2" of hypertable "metrics" is not available\./,
		"$label: DDL on the hypertable is refused, naming dn2");
	($rc, $out, $err) = fresh(q{DELETE FROM metrics WHERE time < '2024-01-01 00:05+00'});
	like($err, qr/ERROR:  data node "dn2" is not available/, "$label: DELETE is refused, naming dn2");
	my $stale = stale_count('dn2');
	cmp_ok($stale, '>', 0, "$label: $stale replicas on dn2 are stale");
	is($an->safe_psql($db, q{
		SELECT count(*) FROM timeshard_information.chunks c
		  JOIN pg_foreign_table ft ON ft.ftrelid = format('%I.%I', c.chunk_schema, c.chunk_name)::regclass
		  JOIN pg_foreign_server s ON s.oid = ft.ftserver
		 WHERE s.srvname = 'dn2' AND 'dn2' = ANY (c.stale_data_nodes)}), '0',
		"$label: no chunk reads from a stale replica on dn2 by default");

	$dn{dn2}->start;
	check_back($label, 'dn2', $offset, $t_out, $stale);
	check_replicas($label, 'metrics', exact => 1);
	check_replicas($label, 'r1', exact => 1);
	my ($rc2, $out2, $err2) = warm($session, 'SELECT count(*) FROM r1');
	is($out2, $expected{r1}, "$label: the warm session reads r1 again") or diag($err2);
	$session->quit;
}

###########################################################################
# 2. A data node frozen (SIGSTOP)
###########################################################################

{
	my $label   = 'dn3 frozen';
	my $session = warm_session();
	my $offset  = -s $an->logfile;
	my $t_out   = time;
	freeze($dn{dn3});
	outage_traffic($label, 'dn3', $t_out, $session);
	check_failover($label, 'dn3', $t_out, $offset);
	my $stale = stale_count('dn3');
	cmp_ok($stale, '>', 0, "$label: $stale replicas on dn3 are stale");

	thaw();
	check_back($label, 'dn3', $offset, $t_out, $stale);
	check_replicas($label, 'metrics', exact => 1);
	check_replicas($label, 'r1', exact => 1);
	$session->quit;
}

###########################################################################
# 3. A data node marked unavailable by hand
###########################################################################

{
	my $label  = 'dn1 unavailable by hand';
	my $offset = -s $an->logfile;
	my $ev     = time;
	is($an->safe_psql($db, q{SELECT available FROM alter_data_node('dn1', available => false)}), 'f',
		"$label: alter_data_node(available => false)");
	# Several health rounds later it is still unavailable, though healthy.
	my $checked = $an->safe_psql($db,
		q{SELECT last_check FROM timeshard_information.data_nodes WHERE node_name = 'dn1'});
	ok(poll_until($an, $db, qq{
		SELECT last_check > '$checked'::timestamptz + interval '${\($interval_ms * 4)} ms'
		  FROM timeshard_information.data_nodes WHERE node_name = 'dn1'}, 't', 30),
		"$label: four health rounds went by");
	is(available('dn1'), 'f', "$label: the worker leaves dn1 unavailable");
	is($an->safe_psql($db,
		q{SELECT status FROM timeshard_information.data_nodes WHERE node_name = 'dn1'}), 'up',
		"$label: the view says dn1 is up");

	my ($c) = grep { grep { $_ eq 'dn1' } @{ $_->{nodes} } } chunks_of('metrics');
	my $t = $c->{start} + 7200;
	my ($rc, $out, $err) = fresh("INSERT INTO metrics VALUES (to_timestamp($t), 8, 0)");
	is($rc, 0, "$label: an insert into a chunk with a replica on dn1 succeeds") or diag($err);
	$expected{metrics}++ if $rc == 0;
	like($err, qr/NOTICE:  replica of chunk "\Q$c->{name}\E" on data node "dn1" is stale/,
		"$label: the insert says the replica on dn1 is stale");
	is($an->safe_psql($db, 'SELECT count(*) FROM metrics'), $expected{metrics},
		"$label: reads return every row");

	is($an->safe_psql($db, q{SELECT available FROM alter_data_node('dn1', available => true)}), 't',
		"$label: alter_data_node(available => true)");
	ok(poll_until($an, $db, q{
		SELECT count(*) FROM timeshard_information.chunks WHERE 'dn1' = ANY (stale_data_nodes)}, '0', 30),
		"$label: the worker refreshed the stale replica on dn1");
	my @events = events_since('dn1', $ev);
	is(join(',', map { "$_->[0]: $_->[1]" } @events),
		'unavailable: alter_data_node(),available: alter_data_node()',
		"$label: the events say who did it");
	like(slurp_file($an->logfile, $offset), qr/LOG:  data node "dn1": unavailable: alter_data_node\(\)/,
		"$label: LOG line with the reason");
	check_replicas($label, 'metrics', exact => 1);
}

###########################################################################
# 4. Every data node down
###########################################################################

{
	my $label = 'every data node down';
	$dn{$_}->stop('immediate') for qw(dn1 dn2 dn3);
	for my $round (1 .. 2)
	{
		my ($rc, $out, $err, $secs) = fresh(q{
			SELECT string_agg(node_name || ':' || healthy || ':' || (error IS NOT NULL), ',' ORDER BY node_name)
			  FROM data_node_health()});
		is($out, 'dn1:false:true,dn2:false:true,dn3:false:true',
			"$label (round $round): data_node_health() reports each node with its error") or diag($err);
		cmp_ok($secs, '<=', $hang_limit, "$label (round $round): data_node_health() answers in time");
		for my $view (qw(data_nodes data_node_events chunks chunk_replication_status hypertables))
		{
			($rc, $out, $err) = fresh("SELECT count(*) FROM timeshard_information.$view");
			is($rc, 0, "$label (round $round): timeshard_information.$view answers") or diag($err);
		}
		($rc, $out, $err, $secs) = fresh('SELECT count(*) FROM metrics');
		like($err, qr/ERROR: .*dn\d/s, "$label (round $round): a read fails, naming a node");
		cmp_ok($secs, '<=', $hang_limit, "$label (round $round): and fails fast");
		ok(poll_until($an, $db,
			q{SELECT bool_or(available) FROM timeshard_information.data_nodes}, 'f', 30),
			"$label: every node is marked unavailable") if $round == 1;
	}
	$dn{$_}->start for qw(dn1 dn2 dn3);
	ok(poll_until($an, $db,
		q{SELECT bool_and(available) FROM timeshard_information.data_nodes}, 't', 60),
		"$label: every node is available again");
	check_replicas($label, 'metrics', exact => 1);
	check_replicas($label, 'r1', exact => 1);
}

###########################################################################
# 5. Re-replication
###########################################################################

{
	my $label = 're-replication';
	$an->safe_psql('postgres', "ALTER SYSTEM SET timeshard.rereplicate_after = '${rereplicate_ms}ms'");
	$an->reload;
	ok(poll_until($an, $db, 'SHOW timeshard.rereplicate_after', ($rereplicate_ms / 1000) . 's', 10),
		"$label: timeshard.rereplicate_after is " . ($rereplicate_ms / 1000) . 's');

	my @before  = chunks_of('metrics');
	my @lacking = grep { my $c = $_; (grep { $_ eq 'dn1' } @{ $c->{nodes} }) && @{ $c->{nodes} } == 2 } @before;
	my $offset  = -s $an->logfile;
	my $t_out   = time;
	$dn{dn1}->stop('immediate');
	ok(wait_available('dn1', 0, 30), "$label: dn1 is marked unavailable");
	# Writes to some of its chunks make its replicas stale as well.
	for my $c (@lacking[ 0 .. 1 ])
	{
		my $t = $c->{start} + 10800 + (++$row_seq);
		my ($rc, $out, $err) = fresh("INSERT INTO metrics VALUES (to_timestamp($t), 7, 0)");
		is($rc, 0, "$label: insert into $c->{name} while dn1 is down") or diag($err);
		$expected{metrics}++ if $rc == 0;
	}
	ok(poll_until($an, $db, q{
		SELECT count(*) FROM timeshard_information.chunk_replication_status
		 WHERE hypertable_name = 'metrics' AND num_replicas < desired_num_replicas}, '0', 60),
		"$label: every chunk of metrics has 2 available replicas again");
	my $log = slurp_file($an->logfile, $offset);
	my $copies = () = $log =~ /LOG:  chunk "[^"]+" copied from data node "dn[23]" to "dn[23]" \(\d+ rows\)/g;
	is($copies, scalar(@lacking), "$label: the log shows the " . scalar(@lacking) . ' chunks copied');
	# A chunk lacks a replica since its node's last successful health check
	# (or since its replica went stale): no copy comes earlier than
	# rereplicate_after after that.
	my $last_success = $an->safe_psql($db, q{
		SELECT extract(epoch FROM last_success) FROM timeshard_information.data_nodes
		 WHERE node_name = 'dn1'});
	my $t_first = log_time(qr/LOG:  chunk "[^"]+" copied from data node/, $offset);
	ok(defined $t_first && $t_first - $last_success >= $rereplicate_ms / 1000,
		sprintf('%s: the first copy came %.1f s after dn1 last answered, %.1f s after it went (rereplicate_after %.1f s)',
			$label, ($t_first // 0) - $last_success, ($t_first // 0) - $t_out, $rereplicate_ms / 1000));
	is($an->safe_psql($db, q{
		SELECT count(*) FROM timeshard_information.chunks
		 WHERE hypertable_name = 'metrics'
		   AND ('dn1' = ANY (data_nodes) OR 'dn1' = ANY (COALESCE(stale_data_nodes, '{}')))}),
		scalar(grep { @{ $_->{nodes} } > 2 && grep { $_ eq 'dn1' } @{ $_->{nodes} } } @before),
		"$label: the replicas given up on dn1 left the catalog");
	check_replicas("$label, dn1 down", 'metrics', down => ['dn1']);

	$dn{dn1}->start;
	ok(wait_available('dn1', 1, 60), "$label: dn1 is available again");
	# What dn1 still holds of metrics is what the catalog says it holds.
	my %on_dn1 = map { $_->{name} => 1 } grep { grep { $_ eq 'dn1' } @{ $_->{nodes} } } chunks_of('metrics');
	my $partitions = $dn{dn1}->safe_psql($db, q{
		SELECT string_agg(c.relname, ',' ORDER BY c.relname)
		  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		 WHERE i.inhparent = 'public.metrics'::regclass});
	is($partitions, join(',', sort keys %on_dn1),
		"$label: dn1 keeps only the chunks the catalog gives it");
	# A new chunk whose primary is dn1 (the ring gives it the same nodes as
	# the first chunk that had dn1 first): it is all dn1 holds of metrics,
	# so dn1 reads "the hypertable itself" for it.  Every row still once.
	my ($dn1_day) = map { $_->{start} } grep { $_->{primary} eq 'dn1' } @metrics_chunks;
	my $cycle = 3 * 86400;
	$next_day = $dn1_day + $cycle * (int(($next_day + 86400 - $dn1_day) / $cycle) + 1);
	$an->safe_psql($db, "INSERT INTO metrics VALUES (to_timestamp($next_day), 9, 0)");
	$expected{metrics}++;
	is(join(',', map { "$_->{name}:$_->{primary}" } grep { grep { $_ eq 'dn1' } @{ $_->{nodes} } } chunks_of('metrics')),
		join(',', map { "$_->{name}:dn1" } grep { $_->{start} == $next_day } chunks_of('metrics')),
		"$label: dn1 holds one chunk of metrics, the new one, read from dn1");
	check_replicas("$label, dn1 back", 'metrics');
	check_replicas("$label, dn1 back", 'r1', exact => 1);
	$an->safe_psql('postgres', 'ALTER SYSTEM SET timeshard.rereplicate_after = -1');
	$an->reload;
}

###########################################################################
# 6. copy_chunk() and move_chunk()
###########################################################################

{
	my $label  = 'copy_chunk/move_chunk';
	my @chunks = chunks_of('metrics');
	my %all    = map { $_ => 1 } qw(dn1 dn2 dn3);
	my $third  = sub { my ($c) = @_; my %h = %all; delete @h{ @{ $c->{nodes} } }; (keys %h)[0] };

	# Errors first, nothing changes.
	my $c = $chunks[0];
	my ($a, $b) = @{ $c->{nodes} };
	my $x = $third->($c);
	my @errors = (
		[ "copy_chunk('$c->{qname}', '$a', '$a')", qr/ERROR:  source and destination data node match/ ],
		[ "copy_chunk('$c->{qname}', '$x', '$a')",
			qr/ERROR:  chunk "\Q$c->{name}\E" does not exist on source data node "$x"/ ],
		[ "copy_chunk('$c->{qname}', '$a', '$b')",
			qr/ERROR:  chunk "\Q$c->{name}\E" already exists on destination data node "$b"/ ],
		[ "copy_chunk('$c->{qname}', '$a', 'nope')", qr/ERROR:  data node "nope" does not exist/ ],
		[ "copy_chunk('metrics', '$a', '$x')", qr/ERROR:  "metrics" is not a valid remote chunk/ ],
		[ "copy_chunk(NULL, '$a', '$x')", qr/ERROR:  invalid source or destination node/ ],
		[ "move_chunk('$c->{qname}', '$a', NULL)", qr/ERROR:  invalid source or destination node/ ],
		[ "move_chunk('$c->{qname}', '$x', '$a')",
			qr/ERROR:  chunk "\Q$c->{name}\E" does not exist on source data node "$x"/ ],
	);
	for my $e (@errors)
	{
		my ($rc, $out, $err) = fresh("SELECT $e->[0]");
		like($err, $e->[1], "$label: $e->[0] is refused");
	}
	$an->safe_psql($db, "SELECT alter_data_node('$x', available => false)");
	my ($rc, $out, $err) = fresh("SELECT copy_chunk('$c->{qname}', '$a', '$x')");
	like($err, qr/ERROR:  data node "$x" is not available/,
		"$label: copy to an unavailable node is refused");
	$an->safe_psql($db, "SELECT alter_data_node('$x', available => true)");
	$an->safe_psql($db, q{
		CREATE ROLE alice LOGIN;
		GRANT USAGE ON FOREIGN SERVER dn1, dn2, dn3 TO alice;});
	($rc, $out, $err) = TimeshardTest::psql_timed($an, $db,
		"SELECT copy_chunk('$c->{qname}'::regclass::oid::regclass, '$a', '$x')",
		extra_params => [ '-U', 'alice' ]);
	like($err, qr/ERROR:  must be superuser, replication role, or hypertable owner to copy\/move chunk to data node/,
		"$label: a role that does not own the hypertable may not copy");
	is(join(',', @{ (chunks_of('metrics'))[0]->{nodes} }), "$a,$b", "$label: the refusals changed nothing");

	# copy_chunk: a third replica.
	my $offset = -s $an->logfile;
	($rc, $out, $err) = fresh("SELECT copy_chunk('$c->{qname}', '$a', '$x')");
	is($rc, 0, "$label: copy_chunk($c->{name}, $a, $x)") or diag($err);
	is(join(',', @{ (chunks_of('metrics'))[0]->{nodes} }), join(',', sort $a, $b, $x),
		"$label: the chunk has a replica on $x too");
	like(slurp_file($an->logfile, $offset),
		qr/LOG:  chunk "[^"]*\Q$c->{name}\E" copied from data node "$a" to "$x" \(\d+ rows\)/,
		"$label: the copy is logged");
	is($an->safe_psql($db, qq{
		SELECT num_replicas || ':' || array_to_string(replica_nodes, ',')
		  FROM timeshard_information.chunk_replication_status WHERE chunk_name = '$c->{name}'}),
		'3:' . join(',', sort $a, $b, $x), "$label: chunk_replication_status counts 3 replicas");

	# move_chunk from the primary of another chunk: the foreign table
	# follows.
	my $m = $chunks[1];
	my $src = $m->{primary};
	my ($keep) = grep { $_ ne $src } @{ $m->{nodes} };
	my $dst = $third->($m);
	($rc, $out, $err) = fresh("SELECT move_chunk('$m->{qname}', '$src', '$dst')");
	is($rc, 0, "$label: move_chunk($m->{name}, $src, $dst)") or diag($err);
	my ($moved) = grep { $_->{name} eq $m->{name} } chunks_of('metrics');
	is(join(',', @{ $moved->{nodes} }), join(',', sort $keep, $dst), "$label: the chunk left $src for $dst");
	isnt($moved->{primary}, $src, "$label: the foreign table reads from a remaining replica ($moved->{primary})");
	is($dn{$src}->safe_psql($db, "SELECT to_regclass('$m->{qname}') IS NULL"), 't',
		"$label: the chunk's table is gone from $src");
	is($an->safe_psql($db, sprintf(q{SELECT count(*) FROM metrics WHERE time >= to_timestamp(%d) AND time < to_timestamp(%d)},
		$m->{start}, $m->{start} + 86400)),
		$dn{$dst}->safe_psql($db, "SELECT count(*) FROM $m->{qname}"),
		"$label: a read of the moved chunk's day returns its rows");

	# A replication-factor-1 chunk moves too.
	my $r = (chunks_of('r1'))[0];
	my $r_src = $r->{nodes}[0];
	my $r_dst = $r_src eq 'dn1' ? 'dn2' : 'dn1';
	($rc, $out, $err) = fresh("SELECT move_chunk('$r->{qname}', '$r_src', '$r_dst')");
	is($rc, 0, "$label: move_chunk of an r1 chunk from $r_src to $r_dst") or diag($err);
	is(join(',', @{ (chunks_of('r1'))[0]->{nodes} }), $r_dst, "$label: the r1 chunk is on $r_dst");

	check_replicas($label, 'metrics');
	check_replicas($label, 'r1', exact => 1);
}

###########################################################################
# 7. Replacing a data node
###########################################################################

{
	my $label = 'dn3 replaced by dn4';
	$dn{dn4} = TimeshardTest::new_node('dn4');
	TimeshardTest::add_data_node($an, $db, $dn{dn4});
	$an->safe_psql($db, q{
		SELECT attach_data_node('dn4', 'metrics');
		SELECT attach_data_node('dn4', 'r1');});
	for my $table (qw(metrics r1))
	{
		for my $c (grep { grep { $_ eq 'dn3' } @{ $_->{nodes} } } chunks_of($table))
		{
			my ($rc, $out, $err) = fresh("SELECT move_chunk('$c->{qname}', 'dn3', 'dn4')");
			is($rc, 0, "$label: move_chunk($c->{name}, dn3, dn4)") or diag($err);
		}
	}
	my ($rc, $out, $err) = fresh(q{SELECT detach_data_node('dn3')});
	is($out, '2', "$label: dn3 is detached from both hypertables without force") or diag($err);
	($rc, $out, $err) = fresh(q{SELECT delete_data_node('dn3')});
	is($out, 't', "$label: dn3 is deleted") or diag($err);
	is($an->safe_psql($db,
		q{SELECT string_agg(node_name, ',' ORDER BY node_name) FROM timeshard_information.data_nodes}),
		'dn1,dn2,dn4', "$label: the data nodes are dn1, dn2, dn4");
	is($dn{dn3}->safe_psql($db, 'SELECT count(*) FROM metrics'), '0', "$label: dn3 holds no rows of metrics");
	check_replicas($label, 'metrics');
	check_replicas($label, 'r1', exact => 1);
	$dn{dn3}->stop('immediate');
	my ($rc2, $out2, $err2) = fresh('SELECT count(*) FROM metrics');
	is($out2, $expected{metrics}, "$label: with dn3 gone, reads return every row") or diag($err2);
}

###########################################################################
# 8. A chunk made with fewer replicas than the replication factor
###########################################################################

{
	my $label = 'under-replicated new chunk';
	$an->safe_psql('postgres', "ALTER SYSTEM SET timeshard.rereplicate_after = '${rereplicate_ms}ms'");
	$an->reload;
	$an->safe_psql($db, q{
		SELECT alter_data_node('dn2', available => false);
		SELECT alter_data_node('dn4', available => false);});
	$next_day += 86400;
	my ($rc, $out, $err) = fresh("INSERT INTO metrics VALUES (to_timestamp($next_day), 9, 0)");
	is($rc, 0, "$label: an insert with one data node available succeeds") or diag($err);
	$expected{metrics}++ if $rc == 0;
	like($err, qr/WARNING:  insufficient number of data nodes/, "$label: it warns that the chunk lacks replicas");
	my ($c) = grep { $_->{start} == $next_day } chunks_of('metrics');
	is(join(',', @{ $c->{nodes} }), 'dn1', "$label: the new chunk is on dn1 only");
	$an->safe_psql($db, q{
		SELECT alter_data_node('dn2', available => true);
		SELECT alter_data_node('dn4', available => true);});
	ok(poll_until($an, $db, qq{
		SELECT num_replicas FROM timeshard_information.chunk_replication_status
		 WHERE chunk_name = '$c->{name}'}, '2', $rereplicate_ms / 1000 + 10),
		"$label: once nodes are back, the chunk gets its second replica within rereplicate_after");
	check_replicas($label, 'metrics');
}

# No process crashed on the access node.
unlike(slurp_file($an->logfile), qr/terminated by signal|server process .* exited with exit code [^0]/,
	'no process of the access node crashed');

diag(sprintf('040_failover ran in %.0f s', time - $t_start));
done_testing();
