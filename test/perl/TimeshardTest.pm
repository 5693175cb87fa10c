# test/perl/TimeshardTest.pm — helpers shared by timeshard's TAP tests.

=pod

=head1 NAME

TimeshardTest - helpers for timeshard's TAP tests (separate instances)

=head1 SYNOPSIS

  use TimeshardTest;

  my $an  = TimeshardTest::new_node('an');
  my $dn1 = TimeshardTest::new_node('dn1');
  my $dn2 = TimeshardTest::new_node('dn2', auth => 'scram-sha-256');
  TimeshardTest::create_ts_db($an, 'ts');
  TimeshardTest::add_data_nodes($an, 'ts', $dn1, $dn2);

  my ($rc, $out, $err, $secs) = TimeshardTest::psql_timed($an, 'ts', 'SELECT 1');
  TimeshardTest::poll_until($dn1, 'ts', 'SELECT count(*) FROM t', '3', 10)
    or fail('...');

=head1 DESCRIPTION

Every instance gets test/tap.conf through TEMP_CONFIG (timeshard preloaded,
prepared transactions enabled).  PostgreSQL::Test::Cluster makes instances
that listen on a Unix socket only; an access node reaches its data nodes over
TCP, so new_node() also listens on 127.0.0.1 and writes the pg_hba.conf rule
for it.  The test's own psql sessions keep using the Unix socket, which
trusts every role.

=cut

package TimeshardTest;

use strict;
use warnings;

use Carp;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Time::HiRes qw(time usleep);

=pod

=head1 FUNCTIONS

=over

=item new_node($name, %opts)

Create, init and start a PostgreSQL::Test::Cluster named $name that listens
on 127.0.0.1.  pg_hba.conf is replaced by two lines: C<local all all trust>
and C<host all all 127.0.0.1/32 METHOD>.  Options:

=over

=item auth => 'trust' (default), 'scram-sha-256', 'md5' or 'password'

the METHOD of TCP connections; scram-sha-256 and md5 also set
C<password_encryption> so that passwords set later are stored that way.

=item conf => 'text'

appended to postgresql.conf after everything else (wins over test/tap.conf
and over what PostgreSQL::Test::Cluster writes), e.g.
C<"max_prepared_transactions = 0">.

=item start => 0

leave the instance stopped.

=back

=cut

sub new_node
{
	my ($name, %opts) = @_;
	my $auth = $opts{auth} // 'trust';
	my $node = PostgreSQL::Test::Cluster->new($name);

	$node->init;
	$node->append_conf('postgresql.conf', "listen_addresses = '127.0.0.1'");
	$node->append_conf('postgresql.conf', "password_encryption = '$auth'")
	  if $auth eq 'scram-sha-256' || $auth eq 'md5';
	$node->append_conf('postgresql.conf', $opts{conf}) if defined $opts{conf};

	# The first matching line wins, so initdb's "trust" lines must go.
	my $hba = $node->data_dir . '/pg_hba.conf';
	open my $fh, '>', $hba or croak "cannot write $hba: $!";
	print $fh "local all all trust\n";
	print $fh "host all all 127.0.0.1/32 $auth\n";
	close $fh;

	$node->start unless defined $opts{start} && !$opts{start};
	return $node;
}

=pod

=item create_ts_db($node, $db)

CREATE DATABASE $db and CREATE EXTENSION timeshard in it.  Returns the uuid of
the new installation (timeshard_catalog.metadata, key "uuid").

=cut

sub create_ts_db
{
	my ($node, $db) = @_;

	$node->safe_psql('postgres', qq{CREATE DATABASE "$db"});
	$node->safe_psql($db, 'CREATE EXTENSION timeshard');
	return uuid_of($node, $db);
}

=pod

=item uuid_of($node, $db)

The uuid of timeshard in that database.

=cut

sub uuid_of
{
	my ($node, $db) = @_;

	return $node->safe_psql($db,
		q{SELECT value FROM timeshard_catalog.metadata WHERE key = 'uuid'});
}

=pod

=item add_data_node($an, $db, $dn, %args)

From database $db of the access node, add_data_node() named after $dn (its
name() unless C<node_name> is given) at 127.0.0.1 and $dn's port; the node's
database defaults to $db.  Other %args (database, password, bootstrap,
if_not_exists) are passed as named arguments.  Dies on error; returns the
result row as psql prints it (node_name|host|port|database|node_created|
database_created|extension_created).

=cut

sub add_data_node
{
	my ($an, $db, $dn, %args) = @_;
	my $name = delete $args{node_name} // $dn->name;
	my $sql = sprintf("SELECT * FROM add_data_node(%s, host => '127.0.0.1', port => %d",
		_literal($name), $dn->port);
	$args{database} //= $db;
	for my $k (sort keys %args)
	{
		# A quoted literal is of unknown type: it fits any parameter.
		$sql .= ", $k => " . _literal($args{$k});
	}
	return $an->safe_psql($db, "$sql)");
}

=pod

=item add_data_nodes($an, $db, @dns)

add_data_node() for each node, with the defaults above.  Returns the result
rows.

=cut

sub add_data_nodes
{
	my ($an, $db, @dns) = @_;
	return map { add_data_node($an, $db, $_) } @dns;
}

=pod

=item psql_timed($node, $db, $sql, %params)

Run $sql with $node->psql (which does not die on error; %params are passed on,
e.g. C<extra_params => ['-U', 'alice']>) and return
($exit_code, $stdout, $stderr, $elapsed_seconds).

=cut

sub psql_timed
{
	my ($node, $db, $sql, %params) = @_;
	my ($out, $err);
	my $t0 = time;
	my $rc = $node->psql($db, $sql, stdout => \$out, stderr => \$err, %params);
	return ($rc, $out, $err, time - $t0);
}

=pod

=item poll_until($node, $db, $sql, $expected, $timeout)

Run $sql every 0.1 s until its output equals $expected, for at most
$timeout seconds (default: PostgreSQL::Test::Utils's timeout_default).
Returns true when it matched, false when time ran out (the last output is
reported with diag).

=cut

sub poll_until
{
	my ($node, $db, $sql, $expected, $timeout) = @_;
	$timeout //= $PostgreSQL::Test::Utils::timeout_default;
	my $deadline = time + $timeout;
	my ($out, $err) = ('', '');

	while (time < $deadline)
	{
		$out = '';
		$node->psql($db, $sql, stdout => \$out, stderr => \$err);
		return 1 if $out eq $expected;
		usleep(100_000);
	}
	diag("poll_until timed out after $timeout s: $sql\n"
		  . "expected: $expected\ngot: $out\nstderr: $err");
	return 0;
}

=pod

=item write_passfile($path, @lines)

Write a libpq password file (host:port:database:user:password per line)
with mode 0600, as libpq requires.

=cut

sub write_passfile
{
	my ($path, @lines) = @_;
	open my $fh, '>', $path or croak "cannot write $path: $!";
	print $fh "$_\n" for @lines;
	close $fh;
	chmod 0600, $path or croak "cannot chmod $path: $!";
	return;
}

# A SQL string literal.
sub _literal
{
	my ($s) = @_;
	$s =~ s/'/''/g;
	return "'$s'";
}

=pod

=back

=cut

1;
