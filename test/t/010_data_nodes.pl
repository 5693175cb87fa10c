# 010_data_nodes.pl — data nodes on separate instances, reached over TCP.
#
# An access node (an) and data nodes that are PostgreSQL instances of their
# own:
#   1. two trust nodes (dn1, dn2) added with add_data_node(): the catalog
#      view, membership on each node, the remote session's settings,
#      distributed_exec on both, and a distributed transaction that commits
#      or rolls back on every node;
#   2. a node with scram-sha-256 authentication (dn_s): the bootstrap
#      password of add_data_node() is not kept; a role works through a user
#      mapping and through the passfile (default and timeshard.passfile);
#      a wrong password is a clear error naming the node; a changed user
#      mapping is used from the next transaction on; a non-superuser
#      without a password is refused on a trust node (also after SET ROLE
#      from a superuser with a cached connection) unless a superuser set
#      password_required = false; no password reaches a log;
#   3. an unreachable node fails within timeshard.connect_timeout (or
#      statement_timeout) with an error naming it;
#   4. a data node's backend killed in the middle of distributed_exec: a
#      clean error naming the node, the transaction rolled back everywhere,
#      and the next call in the same session works;
#   5. a failed add_data_node() (max_prepared_transactions = 0 on the node,
#      or a node that belongs to someone else) leaves nothing behind on the
#      access node or on the node.
use strict;
use warnings;
use IO::Socket::INET;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);
use TimeshardTest;

# The access node's server runs with libpq's PGTZ (exported by
# test/run-suites) and PGDATESTYLE in its environment, as a server started
# from a user's shell may: the remote sessions must still get the access
# node session's time zone and the pinned DateStyle.
my $an = TimeshardTest::new_node('an', start => 0);
{
	local $ENV{PGDATESTYLE} = 'Postgres, DMY';
	local $ENV{PGTZ} = 'UTC';
	$an->start;
}
my $dn1 = TimeshardTest::new_node('dn1');
my $dn2 = TimeshardTest::new_node('dn2');
my $dn_s = TimeshardTest::new_node('dn_s', auth => 'scram-sha-256');
my $dn_np = TimeshardTest::new_node('dn_np', conf => 'max_prepared_transactions = 0');

my $an_uuid = TimeshardTest::create_ts_db($an, 'ts');
my $su = $an->safe_psql('postgres', 'SELECT current_user');

# Does a relation exist in database ts of a node?
my $has_table = sub {
	my ($node, $table) = @_;
	return $node->safe_psql('ts', "SELECT to_regclass('public.$table') IS NOT NULL");
};

###########################################################################
# 1. Two data nodes over TCP
###########################################################################

my @rows = TimeshardTest::add_data_nodes($an, 'ts', $dn1, $dn2);
is($rows[0], "dn1|127.0.0.1|" . $dn1->port . "|ts|t|t|t",
	'add_data_node dn1: node, database and extension created');
is($rows[1], "dn2|127.0.0.1|" . $dn2->port . "|ts|t|t|t",
	'add_data_node dn2: node, database and extension created');

is( $an->safe_psql('ts', q{
		SELECT node_name, owner, host, port, database, available
		  FROM timeshard_information.data_nodes ORDER BY node_name}),
	join("\n",
		"dn1|$su|127.0.0.1|" . $dn1->port . "|ts|t",
		"dn2|$su|127.0.0.1|" . $dn2->port . "|ts|t"),
	'timeshard_information.data_nodes lists both nodes');
is( $an->safe_psql('ts', q{
		SELECT srvname, ARRAY(SELECT o FROM unnest(srvoptions) o WHERE o NOT LIKE 'node_uuid=%')
		  FROM pg_foreign_server ORDER BY 1}),
	join("\n",
		"dn1|{host=127.0.0.1,port=" . $dn1->port . ",dbname=ts}",
		"dn2|{host=127.0.0.1,port=" . $dn2->port . ",dbname=ts}"),
	'each node is a foreign server with host, port and dbname');
is( $an->safe_psql('ts', q{
		SELECT key, value FROM timeshard_catalog.metadata
		 WHERE key IN ('role', 'dist_uuid') ORDER BY key}),
	"dist_uuid|$an_uuid\nrole|access_node",
	'the access node records its role and the distributed database uuid');

for my $dn ($dn1, $dn2)
{
	is($dn->safe_psql('ts', 'SELECT role, dist_uuid FROM timeshard_internal.node_info()'),
		"data_node|$an_uuid",
		$dn->name . ': member of the access node\'s distributed database');
	isnt(TimeshardTest::uuid_of($dn, 'ts'), $an_uuid,
		$dn->name . ': has a uuid of its own');
}

# distributed_exec creates a table on both nodes.
$an->safe_psql('ts', q{CALL distributed_exec('CREATE TABLE t1 (a int)')});
is($has_table->($dn1, 't1') . $has_table->($dn2, 't1'), 'tt',
	'distributed_exec creates a table on both nodes');
is($an->safe_psql('ts', q{SELECT to_regclass('public.t1') IS NULL}), 't',
	'... and not on the access node');

# The remote session: caller's search_path, pinned settings, the access
# node's time zone, an application_name naming the access node, REPEATABLE
# READ.
$an->safe_psql('ts', q{
	SET timezone = 'Asia/Tokyo';
	CALL distributed_exec($$CREATE TABLE settings AS SELECT
		current_setting('search_path') AS search_path,
		current_setting('TimeZone') AS timezone,
		current_setting('DateStyle') AS datestyle,
		current_setting('IntervalStyle') AS intervalstyle,
		current_setting('extra_float_digits') AS extra_float_digits,
		current_setting('synchronous_commit') AS synchronous_commit,
		current_setting('application_name') AS application_name,
		current_setting('transaction_isolation') AS isolation$$,
		node_list => '{dn1}');
	SET timezone = 'America/New_York';
	CALL distributed_exec($$CREATE TABLE settings2 AS SELECT
		current_setting('TimeZone') AS timezone$$, node_list => '{dn1}');
});
my %expected_setting = (
	search_path        => '"$user", public',
	timezone           => 'Asia/Tokyo',
	datestyle          => 'ISO, MDY',
	intervalstyle      => 'postgres',
	extra_float_digits => '3',
	synchronous_commit => 'on',
	application_name   => 'timeshard access node ts:' . $an->port,
	isolation          => 'repeatable read');
my @setting_names = qw(search_path timezone datestyle intervalstyle extra_float_digits
  synchronous_commit application_name isolation);
my %got_setting;
@got_setting{@setting_names} = split /\|/, $dn1->safe_psql('ts', 'SELECT * FROM settings');
is($got_setting{$_}, $expected_setting{$_}, "remote session: $_") for @setting_names;
is($dn1->safe_psql('ts', 'SELECT * FROM settings2'), 'America/New_York',
	'a time zone changed later in the session follows to the node');
is($has_table->($dn2, 'settings'), 'f', 'node_list limits distributed_exec to the listed node');

# A distributed transaction commits on every node it used ...
$an->safe_psql('ts', q{
	BEGIN;
	CALL distributed_exec('INSERT INTO t1 VALUES (1)');
	CALL distributed_exec('INSERT INTO t1 VALUES (2)', node_list => '{dn2}');
	COMMIT;
});
is($dn1->safe_psql('ts', 'SELECT string_agg(a::text, \',\' ORDER BY a) FROM t1'), '1',
	'committed transaction: dn1 has its row');
is($dn2->safe_psql('ts', 'SELECT string_agg(a::text, \',\' ORDER BY a) FROM t1'), '1,2',
	'committed transaction: dn2 has both rows');

# ... and a ROLLBACK leaves nothing on any node.
$an->safe_psql('ts', q{
	BEGIN;
	CALL distributed_exec('CREATE TABLE t_rb (a int)');
	CALL distributed_exec('INSERT INTO t1 VALUES (3)');
	ROLLBACK;
});
is($has_table->($dn1, 't_rb') . $has_table->($dn2, 't_rb'), 'ff',
	'ROLLBACK after distributed_exec: the table exists on no node');
is($dn1->safe_psql('ts', 'SELECT count(*) FROM t1 WHERE a = 3')
	  . $dn2->safe_psql('ts', 'SELECT count(*) FROM t1 WHERE a = 3'),
	'00', 'ROLLBACK after distributed_exec: no row on any node');

# A statement that fails on one node is rolled back on the other, and the
# error names the node.
$dn2->safe_psql('ts', 'CREATE TABLE t_conflict (a int)');
my ($rc, $out, $err) = TimeshardTest::psql_timed($an, 'ts',
	q{CALL distributed_exec('CREATE TABLE t_conflict (a int)')});
isnt($rc, 0, 'distributed_exec failing on one node fails');
like($err, qr/ERROR:  \[dn2\]: relation "t_conflict" already exists/,
	'... with the node\'s error prefixed by its name');
is($has_table->($dn1, 't_conflict'), 'f', '... and is rolled back on the other node');

# Non-transactional: outside a transaction on the nodes, refused inside one.
$an->safe_psql('ts',
	q{CALL distributed_exec('CREATE DATABASE made_by_exec', transactional => false)});
is( $dn1->safe_psql('postgres', q{SELECT count(*) FROM pg_database WHERE datname = 'made_by_exec'})
	  . $dn2->safe_psql('postgres', q{SELECT count(*) FROM pg_database WHERE datname = 'made_by_exec'}),
	'11', 'distributed_exec(transactional => false) runs CREATE DATABASE on both nodes');
($rc, $out, $err) = TimeshardTest::psql_timed($an, 'ts', q{
	BEGIN;
	CALL distributed_exec('DROP DATABASE made_by_exec', transactional => false);
});
like($err, qr/distributed_exec\(\) cannot run inside a transaction block/,
	'... and is refused inside a transaction block');
$an->safe_psql('ts',
	q{CALL distributed_exec('DROP DATABASE made_by_exec', transactional => false)});

###########################################################################
# 2. Password authentication (scram-sha-256 on dn_s)
###########################################################################

# Statements that carry a password are run with statement logging off:
# log_statement = all (PostgreSQL::Test::Cluster's default) would log them
# verbatim, which is PostgreSQL's doing, not timeshard's.  With that done, no
# password may appear in any log: what timeshard reports (errors, notices,
# remote SQL, context) is logged at log_min_messages = info.
my $quiet = "SET log_statement = none;\nSET log_min_error_statement = panic;\n";
my %pw = (
	su    => 'Su-s3cret-pw',
	alice => 'Al1ce-s3cret-pw',
	wrong => 'Wr0ng-s3cret-pw',
	bob   => 'B0b-s3cret-pw');

$dn_s->safe_psql('postgres', $quiet . qq{
	ALTER ROLE "$su" PASSWORD '$pw{su}';
	CREATE ROLE alice LOGIN PASSWORD '$pw{alice}';
});
$an->safe_psql('ts', 'CREATE ROLE alice LOGIN');

# A wrong bootstrap password: a clear error naming the node, nothing added.
($rc, $out, $err) = TimeshardTest::psql_timed($an, 'ts', $quiet . sprintf(q{
	SELECT * FROM add_data_node('dn_s', host => '127.0.0.1', port => %d, password => '%s');},
	$dn_s->port, $pw{wrong}));
isnt($rc, 0, 'add_data_node with a wrong password fails');
like($err, qr/could not connect to "dn_s"/, '... naming the node');
like($err, qr/password authentication failed for user "$su"/, '... saying why');
unlike($err, qr/\Q$pw{wrong}\E/, '... without showing the password');
is($an->safe_psql('ts', q{SELECT count(*) FROM pg_foreign_server WHERE srvname = 'dn_s'}),
	'0', '... and no server is left');

# The right one bootstraps the node.
($rc, $out, $err) = TimeshardTest::psql_timed($an, 'ts', $quiet . sprintf(q{
	SELECT * FROM add_data_node('dn_s', host => '127.0.0.1', port => %d, password => '%s');},
	$dn_s->port, $pw{su}));
is($rc, 0, 'add_data_node with the password bootstraps a scram-sha-256 node')
  or diag($err);
like($out, qr/^dn_s\|127\.0\.0\.1\|\d+\|ts\|t\|t\|t$/m, '... creating the database and the extension');
is($dn_s->safe_psql('ts', 'SELECT role, dist_uuid FROM timeshard_internal.node_info()'),
	"data_node|$an_uuid", '... and recording the membership');

# The bootstrap password is not stored anywhere: without a user mapping or a
# passfile the superuser cannot reach the node.
unlike($an->safe_psql('ts', 'SELECT srvname, srvoptions FROM pg_foreign_server'),
	qr/\Q$pw{su}\E|password/, 'the bootstrap password is not in the server options');
is($an->safe_psql('ts', 'SELECT count(*) FROM pg_user_mappings'), '0',
	'... nor in a user mapping');
unlike($an->safe_psql('ts', 'SELECT * FROM timeshard_information.data_nodes'),
	qr/\Q$pw{su}\E/, '... nor in timeshard_information.data_nodes');
($rc, $out, $err) = TimeshardTest::psql_timed($an, 'ts',
	q{CALL distributed_exec('SELECT 1', node_list => '{dn_s}')});
isnt($rc, 0, 'without a user mapping or passfile the node refuses the superuser');
like($err, qr/could not connect to "dn_s"/, '... with an error naming the node');
like($err, qr/no password supplied/, '... saying that no password was supplied');

# The superuser's user mapping.
$an->safe_psql('ts', $quiet . qq{
	CREATE USER MAPPING FOR "$su" SERVER dn_s OPTIONS (user '$su', password '$pw{su}');});
$an->safe_psql('ts',
	q{CALL distributed_exec('GRANT CREATE ON SCHEMA public TO alice', node_list => '{dn_s}')});
is($dn_s->safe_psql('ts', q{SELECT has_schema_privilege('alice', 'public', 'CREATE')}), 't',
	'the superuser reaches the node through its user mapping');

# A connection is remade when its user mapping changes, but not in the middle
# of a remote transaction: in one session, a transaction keeps its
# connection across a change of password, the next one reconnects with the
# new (wrong) password and fails, and the right one works again.
($rc, $out, $err) = TimeshardTest::psql_timed($an, 'ts', $quiet . qq{
	BEGIN;
	CALL distributed_exec('CREATE TABLE t_inval1 (a int)', node_list => '{dn_s}');
	ALTER USER MAPPING FOR "$su" SERVER dn_s OPTIONS (SET password '$pw{wrong}');
	CALL distributed_exec('CREATE TABLE t_inval2 (a int)', node_list => '{dn_s}');
	COMMIT;
	CALL distributed_exec('CREATE TABLE t_inval3 (a int)', node_list => '{dn_s}');
	ALTER USER MAPPING FOR "$su" SERVER dn_s OPTIONS (SET password '$pw{su}');
	CALL distributed_exec('CREATE TABLE t_inval4 (a int)', node_list => '{dn_s}');
}, on_error_stop => 0);
my @inval_errors = ($err =~ /ERROR:  ([^\n]*)/g);
is(scalar(@inval_errors), 1, 'user mapping changed: one failure') or diag($err);
like($err, qr/could not connect to "dn_s".*\n.*password authentication failed/,
	'... the call after the change reconnects with the new password');
is( $dn_s->safe_psql('ts', q{
		SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables
		 WHERE tablename LIKE 't\_inval%'}),
	't_inval1,t_inval2,t_inval4',
	'... while the open transaction kept its connection, and the right password works again');

# A non-superuser with a user mapping: a wrong password first.
$an->safe_psql('ts', $quiet . qq{
	GRANT USAGE ON FOREIGN SERVER dn_s TO alice;
	CREATE USER MAPPING FOR alice SERVER dn_s OPTIONS (user 'alice', password '$pw{wrong}');});
my @as_alice = (extra_params => [ '-U', 'alice' ]);
($rc, $out, $err) = TimeshardTest::psql_timed($an, 'ts',
	q{CALL distributed_exec('CREATE TABLE t_role (a int)', node_list => '{dn_s}')}, @as_alice);
isnt($rc, 0, 'a user mapping with a wrong password fails');
like($err, qr/could not connect to "dn_s"/, '... naming the node');
like($err, qr/password authentication failed for user "alice"/, '... saying why');
unlike($err, qr/\Q$pw{wrong}\E/, '... without showing the password');

# The right password.
$an->safe_psql('ts', $quiet . qq{
	ALTER USER MAPPING FOR alice SERVER dn_s OPTIONS (SET password '$pw{alice}');});
($rc, $out, $err) = TimeshardTest::psql_timed($an, 'ts',
	q{CALL distributed_exec('CREATE TABLE t_role (a int)', node_list => '{dn_s}')}, @as_alice);
is($rc, 0, 'a non-superuser reaches a scram-sha-256 node through its user mapping')
  or diag($err);
is($dn_s->safe_psql('ts', q{SELECT tableowner FROM pg_tables WHERE tablename = 't_role'}),
	'alice', '... and the table is owned by that role on the node');

# The passfile: $PGDATA/passfile of the access node by default.
$an->safe_psql('ts', 'DROP USER MAPPING FOR alice SERVER dn_s');
my $passline = sprintf('127.0.0.1:%d:ts:alice:%s', $dn_s->port, $pw{alice});
TimeshardTest::write_passfile($an->data_dir . '/passfile', $passline);
($rc, $out, $err) = TimeshardTest::psql_timed($an, 'ts',
	q{CALL distributed_exec('CREATE TABLE t_passfile (a int)', node_list => '{dn_s}')}, @as_alice);
is($rc, 0, 'without a user mapping, the password comes from $PGDATA/passfile')
  or diag($err);
is($dn_s->safe_psql('ts', q{SELECT tableowner FROM pg_tables WHERE tablename = 't_passfile'}),
	'alice', '... and the table is owned by that role on the node');

# timeshard.passfile names another file.
my $other_passfile = $an->basedir . '/other.pgpass';
rename($an->data_dir . '/passfile', $other_passfile) or die "rename: $!";
($rc, $out, $err) = TimeshardTest::psql_timed($an, 'ts',
	q{CALL distributed_exec('CREATE TABLE t_guc_passfile (a int)', node_list => '{dn_s}')},
	@as_alice);
like($err, qr/could not connect to "dn_s".*\n.*no password supplied/,
	'without the passfile, no password: refused');
$an->append_conf('postgresql.conf', "timeshard.passfile = '$other_passfile'");
$an->reload;
ok(TimeshardTest::poll_until($an, 'ts', 'SHOW timeshard.passfile', $other_passfile, 30),
	'timeshard.passfile set');
($rc, $out, $err) = TimeshardTest::psql_timed($an, 'ts',
	q{CALL distributed_exec('CREATE TABLE t_guc_passfile (a int)', node_list => '{dn_s}')},
	@as_alice);
is($rc, 0, 'the password comes from the file named by timeshard.passfile') or diag($err);
is($dn_s->safe_psql('ts', q{SELECT tableowner FROM pg_tables WHERE tablename = 't_guc_passfile'}),
	'alice', '... and the table is owned by that role on the node');

# A non-superuser on a trust node: the node does not ask for a password, so
# the connection is refused (it must not ride on trust set up for the
# superuser), with or without a password in the user mapping.
$dn1->safe_psql('postgres', 'CREATE ROLE bob LOGIN');
$dn1->safe_psql('ts', 'GRANT CREATE ON SCHEMA public TO bob');
$an->safe_psql('ts', 'CREATE ROLE bob LOGIN; GRANT USAGE ON FOREIGN SERVER dn1 TO bob');
my @as_bob = (extra_params => [ '-U', 'bob' ]);
($rc, $out, $err) = TimeshardTest::psql_timed($an, 'ts',
	q{CALL distributed_exec('CREATE TABLE t_bob (a int)', node_list => '{dn1}')}, @as_bob);
isnt($rc, 0, 'a non-superuser without a password is refused by a trust node');
like($err, qr/ERROR:  \[dn1\]: password is required/, '... with "password is required" naming the node');
like($err, qr/DETAIL:  Non-superuser cannot connect if the server does not request a password/,
	'... and the detail');
like($err, qr/HINT:  .*password_required=false/, '... and the hint');
$an->safe_psql('ts', $quiet . qq{
	CREATE USER MAPPING FOR bob SERVER dn1 OPTIONS (user 'bob', password '$pw{bob}');});
($rc, $out, $err) = TimeshardTest::psql_timed($an, 'ts',
	q{CALL distributed_exec('CREATE TABLE t_bob (a int)', node_list => '{dn1}')}, @as_bob);
like($err, qr/ERROR:  \[dn1\]: password is required/,
	'a password in the user mapping does not help when the node does not ask for it');
is($has_table->($dn1, 't_bob'), 'f', '... and nothing was created on the node');
# password_required is a superuser's decision.
($rc, $out, $err) = TimeshardTest::psql_timed($an, 'ts',
	q{ALTER USER MAPPING FOR bob SERVER dn1 OPTIONS (ADD password_required 'false')}, @as_bob);
like($err, qr/permission denied|must be owner|only a superuser/i,
	'a non-superuser cannot set password_required = false');

# A role switch in a session never reuses another role's connection.
($rc, $out, $err) = TimeshardTest::psql_timed($an, 'ts', q{
	CALL distributed_exec('SELECT 1', node_list => '{dn1}');
	SET ROLE bob;
	CALL distributed_exec('CREATE TABLE t_bob (a int)', node_list => '{dn1}');
});
like($err, qr/ERROR:  \[dn1\]: password is required/,
	'after SET ROLE, the superuser\'s cached connection is not used');
is($has_table->($dn1, 't_bob'), 'f', '... and nothing was created on the node');

# A superuser may waive the rule for a user mapping, as with postgres_fdw.
$an->safe_psql('ts', q{ALTER USER MAPPING FOR bob SERVER dn1 OPTIONS (ADD password_required 'false')});
($rc, $out, $err) = TimeshardTest::psql_timed($an, 'ts',
	q{CALL distributed_exec('CREATE TABLE t_bob (a int)', node_list => '{dn1}')}, @as_bob);
is($rc, 0, 'with password_required = false, a non-superuser reaches a trust node') or diag($err);
is($dn1->safe_psql('ts', q{SELECT tableowner FROM pg_tables WHERE tablename = 't_bob'}),
	'bob', '... as itself');

###########################################################################
# 3. An unreachable node fails within connect_timeout
###########################################################################

# A listener that accepts TCP connections (the kernel completes the
# handshake) but never reads or answers: libpq's start-up packet waits
# forever.  Deterministic, unlike a non-routable address.
my $hole = IO::Socket::INET->new(
	LocalAddr => '127.0.0.1',
	LocalPort => 0,
	Proto     => 'tcp',
	Listen    => 16,
	ReuseAddr => 1) or die "cannot listen: $!";
my $hole_port = $hole->sockport;

my $elapsed;
($rc, $out, $err, $elapsed) = TimeshardTest::psql_timed($an, 'ts', qq{
	SET timeshard.connect_timeout = '1s';
	SELECT * FROM add_data_node('dn_hole', host => '127.0.0.1', port => $hole_port);});
isnt($rc, 0, 'add_data_node to a node that never answers fails');
cmp_ok($elapsed, '<', 3, sprintf('... within connect_timeout (%.2f s)', $elapsed));
cmp_ok($elapsed, '>=', 0.9, '... after waiting for connect_timeout');
like($err, qr/ERROR:  could not connect to "dn_hole"/, '... with an error naming the node');
like($err, qr/timed out/, '... saying that the connection attempt timed out');
is($an->safe_psql('ts', q{SELECT count(*) FROM pg_foreign_server WHERE srvname = 'dn_hole'}),
	'0', '... and no server is left');

($rc, $out, $err, $elapsed) = TimeshardTest::psql_timed($an, 'ts', qq{
	SET timeshard.connect_timeout = '1s';
	CREATE SERVER dn_hole FOREIGN DATA WRAPPER timeshard_fdw
		OPTIONS (host '127.0.0.1', port '$hole_port', dbname 'ts');});
isnt($rc, 0, 'CREATE SERVER for a node that never answers fails');
cmp_ok($elapsed, '<', 3, sprintf('... within connect_timeout (%.2f s)', $elapsed));
like($err, qr/could not connect to "dn_hole"/, '... with an error naming the node');
is($an->safe_psql('ts', q{SELECT count(*) FROM pg_foreign_server WHERE srvname = 'dn_hole'}),
	'0', '... and no server is left');

# Without a connect_timeout, statement_timeout still ends the attempt.
($rc, $out, $err, $elapsed) = TimeshardTest::psql_timed($an, 'ts', qq{
	SET timeshard.connect_timeout = -1;
	SET statement_timeout = '1s';
	SELECT * FROM add_data_node('dn_hole', host => '127.0.0.1', port => $hole_port);});
isnt($rc, 0, 'with connect_timeout = -1, statement_timeout cancels the connection attempt');
cmp_ok($elapsed, '<', 3, sprintf('... in time (%.2f s)', $elapsed));
like($err, qr/canceling statement due to statement timeout/, '... with the usual error');

# A non-routable address: depending on the network this times out or fails
# at once; either way within connect_timeout, naming the node.
($rc, $out, $err, $elapsed) = TimeshardTest::psql_timed($an, 'ts', q{
	SET timeshard.connect_timeout = '1s';
	SELECT * FROM add_data_node('dn_far', host => '10.255.255.1', port => 5432);});
isnt($rc, 0, 'add_data_node to a non-routable address fails');
cmp_ok($elapsed, '<', 3, sprintf('... within connect_timeout (%.2f s)', $elapsed));
like($err, qr/could not connect to "dn_far"/, '... with an error naming the node');
$hole->close;

###########################################################################
# 4. A data node's backend killed in the middle of distributed_exec
###########################################################################

# One access-node session runs, in order: a lone CALL that sleeps on dn1; a
# transaction that writes on dn2 and then sleeps on dn1; a CALL on both
# nodes.  The test kills dn1's backend during each sleep.
# psql reads the script from a file (IPC::Run would feed a scalar only
# while pumped).
my $script = $PostgreSQL::Test::Utils::tmp_check . '/kill.sql';
PostgreSQL::Test::Utils::append_to_file($script, q{
CALL distributed_exec('SELECT pg_sleep(61)', node_list => '{dn1}');
\echo after-first-kill
BEGIN;
CALL distributed_exec('CREATE TABLE before_kill (a int)', node_list => '{dn2}');
CALL distributed_exec('SELECT pg_sleep(62)', node_list => '{dn1}');
ROLLBACK;
\echo after-second-kill
CALL distributed_exec('CREATE TABLE after_kill (a int)');
\echo done
});
my ($bg_out, $bg_err) = ('', '');
my $bg = IPC::Run::start(
	[ $an->installed_command('psql'), '-XAtq', '-d', $an->connstr('ts'), '-f', $script ],
	'<', '/dev/null', '>', \$bg_out, '2>', \$bg_err,
	IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));

my $app = 'timeshard access node ts:' . $an->port;
for my $sleep (61, 62)
{
	my $find = qq{
		SELECT pid FROM pg_stat_activity
		 WHERE application_name = '$app' AND state = 'active'
		   AND query LIKE '%pg_sleep($sleep)%'};
	ok($dn1->poll_query_until('postgres', "SELECT EXISTS ($find)"),
		"the data node runs pg_sleep($sleep) for the access node, named by application_name")
	  or last;
	my $pid = $dn1->safe_psql('postgres', $find);
	my $t0 = time;
	$dn1->safe_psql('postgres', "SELECT pg_terminate_backend($pid)");
	# Wait for the call's error (stderr is not buffered).
	my $n = $sleep - 60;
	$bg->pump until (() = $bg_err =~ /ERROR:/g) >= $n || !$bg->pumpable;
	cmp_ok(time - $t0, '<', 10, "the access node's call ends soon after the kill ($sleep)");
}
$bg->finish;

my @errors = ($bg_err =~ /^(?:psql:[^\n]*)?ERROR:  ([^\n]*)/mg);
is(scalar(@errors), 2, 'two errors, one per kill') or diag($bg_err);
like($errors[0] // '', qr/^\[dn1\]: /, 'first kill: the error names the node');
like($errors[1] // '', qr/^\[dn1\]: /, 'second kill: the error names the node');
like($bg_err, qr/terminating connection due to administrator command|connection/,
	'... and says what happened');
unlike($bg_err, qr/PANIC|connection to server was lost/,
	'the access node session survives');
like($bg_out, qr/after-first-kill\nafter-second-kill\ndone/, 'the session ran to its end');
is($has_table->($dn2, 'before_kill'), 'f',
	'the transaction that lost dn1 is rolled back on dn2');
is($has_table->($dn1, 'after_kill') . $has_table->($dn2, 'after_kill'), 'tt',
	'the next distributed_exec in the same session works on both nodes');
like($an->safe_psql('ts', 'SELECT 1'), qr/^1$/, 'the access node still serves');

###########################################################################
# 5. A failed add_data_node leaves nothing on either side
###########################################################################

# From a database of the access node with no data nodes yet, so that "no
# trace" includes the access-node role in its metadata.
TimeshardTest::create_ts_db($an, 'fresh');
my $nothing_on_an = sub {
	my ($what) = @_;
	is($an->safe_psql('fresh', 'SELECT count(*) FROM pg_foreign_server'), '0',
		"$what: no foreign server on the access node");
	is($an->safe_psql('fresh', 'SELECT string_agg(key, \',\' ORDER BY key) FROM timeshard_catalog.metadata'),
		'uuid', "$what: no role or dist_uuid in the access node's metadata");
};
my $add_np = sub {
	my ($db) = @_;
	return TimeshardTest::psql_timed($an, 'fresh', sprintf(q{
		SELECT * FROM add_data_node('dn_np', host => '127.0.0.1', port => %d, database => '%s');},
		$dn_np->port, $db));
};

# a) The database does not exist: add_data_node creates it, then fails.
($rc, $out, $err) = $add_np->('np_new');
isnt($rc, 0, 'add_data_node to a node without prepared transactions fails');
like($err, qr/cannot add "dn_np" as a data node/, '... naming the node');
like($err, qr/DETAIL:  prepared transactions need to be enabled/, '... saying why');
like($err, qr/HINT:  .*max_prepared_transactions/, '... with a hint');
unlike($err, qr/WARNING/, '... and no warning about leftovers');
$nothing_on_an->('database created by the call');
is($dn_np->safe_psql('postgres', q{SELECT count(*) FROM pg_database WHERE datname = 'np_new'}),
	'0', 'database created by the call: dropped again on the node');

# b) The database exists, without the extension.
$dn_np->safe_psql('postgres', 'CREATE DATABASE np_plain');
($rc, $out, $err) = $add_np->('np_plain');
like($err, qr/prepared transactions need to be enabled/, 'existing database: add_data_node fails');
$nothing_on_an->('existing database');
is($dn_np->safe_psql('postgres', q{SELECT count(*) FROM pg_database WHERE datname = 'np_plain'}),
	'1', 'existing database: still there');
is($dn_np->safe_psql('np_plain', q{SELECT count(*) FROM pg_extension WHERE extname = 'timeshard'}),
	'0', 'existing database: the extension the call created is gone');

# c) The database exists with the extension: it stays, without membership.
TimeshardTest::create_ts_db($dn_np, 'np_ext');
($rc, $out, $err) = $add_np->('np_ext');
like($err, qr/prepared transactions need to be enabled/,
	'existing database with the extension: add_data_node fails');
$nothing_on_an->('existing database with the extension');
is($dn_np->safe_psql('np_ext', q{SELECT count(*) FROM pg_extension WHERE extname = 'timeshard'}),
	'1', 'existing database with the extension: the extension stays');
is($dn_np->safe_psql('np_ext', 'SELECT role, dist_uuid FROM timeshard_internal.node_info()'),
	'|', 'existing database with the extension: no membership recorded');

# d) A node that belongs to another distributed database is refused and
# keeps its membership.
($rc, $out, $err) = TimeshardTest::psql_timed($an, 'fresh', sprintf(q{
	SELECT * FROM add_data_node('dn1', host => '127.0.0.1', port => %d, database => 'ts');},
	$dn1->port));
like($err, qr/already a data node of another distributed database/,
	'a member of another distributed database is refused');
$nothing_on_an->('member of another distributed database');
is($dn1->safe_psql('ts', 'SELECT role, dist_uuid FROM timeshard_internal.node_info()'),
	"data_node|$an_uuid", '... and keeps its membership');

###########################################################################
# No password in any log
###########################################################################

for my $node ($an, $dn1, $dn2, $dn_s, $dn_np)
{
	my @lines = split /\n/, slurp_file($node->logfile);
	for my $who (sort keys %pw)
	{
		my @leaks = grep { index($_, $pw{$who}) >= 0 } @lines;
		is(scalar(@leaks), 0, $node->name . ": the $who password appears in no log line")
		  or diag(join("\n", @leaks));
	}
}
# The password statements really were run (so the check above means something).
like(slurp_file($an->logfile), qr/password authentication failed|no password supplied/,
	'the access node logged the authentication failures');

done_testing();
