# 060_authentication.pl — node-to-node authentication, one access node and
# two data nodes per method, all over TCP on 127.0.0.1, the data nodes'
# pg_hba.conf written here:
#   1. trust (an_t, dn_t1, dn_t2): a distributed hypertable created, loaded
#      and queried; roles created on every node at once with
#      distributed_exec; who may do what (add/alter/delete data nodes,
#      create_distributed_hypertable, attach/detach, set_*), GRANT reaching
#      the nodes; a non-superuser without a password is refused on the scan
#      path, also when it maps itself to the superuser; a superuser's
#      waiver (password_required = false) cannot be pointed at another role;
#   2. password (an_p; dn_p1 scram-sha-256, dn_p2 md5 with md5-stored
#      passwords): bootstrap through the passfile and through
#      add_data_node(password => ...); a role loads and queries through its
#      user mappings, another through the passfile (and through the GRANT
#      that reached the nodes); a wrong password; a non-superuser who maps
#      itself to the superuser must not pick up the superuser's passfile
#      line; a refused login is not taken for a node that is down (a
#      query reports it); nobody else sees a user mapping's password;
#   3. certificate (an_c, dn_c1, dn_c2; a test CA made here with openssl,
#      hostssl ... cert on the data nodes, verify-full): add_data_node and
#      CREATE SERVER, a distributed hypertable loaded and queried by the
#      superuser and by a role with their own certificates from
#      $PGDATA/timeshard/certs/<md5 of the name>.crt/.key; a missing
#      certificate or key, a key readable by others, a non-superuser
#      mapping itself to the superuser; the server certificate checked
#      against the host name (verify-full) with ssl_ca_file and with
#      timeshard.ssl_root_cert, not checked without a CA (require);
#   4. no password in any view, read by a superuser or another role;
#   5. a refused login during a write to a replicated chunk: an error, no
#      replica marked stale, and the access node survives the background
#      worker's next round;
#   6. no password in any server log (every instance runs with
#      log_statement = all and log_min_messages = debug1), or in any error
#      or notice a session received.
use strict;
use warnings;
use Digest::MD5 qw(md5_hex);
use File::Copy qw(copy);
use File::Path qw(make_path remove_tree);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);
use TimeshardTest;

# Every instance logs every statement and debug messages, and its
# connections with the authentication method used.
my $log_conf = join("\n",
	'log_statement = all',
	'log_min_messages = debug1',
	'log_connections = on');

# Statements that carry a password (ALTER ROLE, user mappings,
# add_data_node(password => ...)) are run with statement logging off in
# their session: log_statement = all would log them verbatim, which is
# PostgreSQL's doing, not timeshard's (docs/authentication.md says how to
# keep them out of the log).  Messages timeshard itself logs are still
# logged at debug1.
my $quiet = "SET log_statement = none;\nSET log_min_error_statement = panic;\n";

my %pw = (
	su    => 'Su-60-s3cret-pw',
	alice => 'Al1ce-60-s3cret-pw',
	bob   => 'B0b-60-s3cret-pw',
	wrong => 'Wr0ng-60-s3cret-pw');

# What every session of the test received on stderr (errors, notices).
my @client_messages;

sub run_sql
{
	my ($node, $db, $sql, @opts) = @_;
	my ($rc, $out, $err) = TimeshardTest::psql_timed($node, $db, $sql, @opts);
	push @client_messages, $err;
	return ($rc, $out, $err);
}

sub as_role { return (extra_params => [ '-U', $_[0] ]); }

# A SQL string literal.
sub sql_literal
{
	my ($s) = @_;
	$s =~ s/'/''/g;
	return "'$s'";
}

# Run a statement that should fail; return its stderr.
sub refused
{
	my ($node, $sql, $role, $label) = @_;
	my ($rc, $out, $err) = run_sql($node, 'ts', $sql, $role ? as_role($role) : ());
	isnt($rc, 0, $label) or diag($out);
	return $err;
}

# Create, load and query a distributed hypertable over both data nodes as
# $role (the superuser when undef).  96 rows over 4 days and 4 devices, two
# space partitions: each node gets rows.
sub load_and_query
{
	my ($an, $dns, $table, $role, $label) = @_;
	my @opts = $role ? as_role($role) : ();
	my ($rc, $out, $err) = run_sql($an, 'ts', qq{
		CREATE TABLE $table (time timestamptz NOT NULL, device int NOT NULL, value float8);
		SELECT table_name FROM create_distributed_hypertable('$table', 'time', 'device',
			number_partitions => 2, chunk_time_interval => interval '1 day');
		INSERT INTO $table
		SELECT timestamptz '2024-01-01 00:00+00' + i * interval '1 hour', i % 4, i
		  FROM generate_series(0, 95) i;
		SELECT count(*), sum(value) FROM $table;
		SELECT device, count(*) FROM $table GROUP BY device ORDER BY device;
	}, @opts);
	is($rc, 0, "$label: distributed hypertable created, loaded and queried") or diag($err);
	is($out, "$table\n96|4560\n0|24\n1|24\n2|24\n3|24", "$label: the query sees every row");
	my @counts = map { $_->safe_psql('ts', "SELECT count(*) FROM $table") } @$dns;
	my $sum = 0;
	$sum += $_ for @counts;
	ok((grep { $_ > 0 } @counts) == @$dns && $sum == 96,
		"$label: the rows are on the data nodes (" . join('+', @counts) . ')');
	my $owner = $role // $an->safe_psql('ts', 'SELECT current_user');
	is(join(',', map { $_->safe_psql('ts', "SELECT tableowner FROM pg_tables WHERE tablename = '$table'") } @$dns),
		join(',', ($owner) x @$dns), "$label: the tables on the nodes belong to $owner");
	return;
}

# How many log lines of a node match a pattern.
sub log_count
{
	my ($node, $re) = @_;
	return scalar(grep { /$re/ } split /\n/, slurp_file($node->logfile));
}

my @all_nodes;

###########################################################################
# 1. Trust
###########################################################################

my $an_t = TimeshardTest::new_node('an_t', conf => $log_conf);
my $dn_t1 = TimeshardTest::new_node('dn_t1', conf => $log_conf);
my $dn_t2 = TimeshardTest::new_node('dn_t2', conf => $log_conf);
push @all_nodes, $an_t, $dn_t1, $dn_t2;
my $su = $an_t->safe_psql('postgres', 'SELECT current_user');

TimeshardTest::create_ts_db($an_t, 'ts');
TimeshardTest::add_data_nodes($an_t, 'ts', $dn_t1, $dn_t2);
load_and_query($an_t, [ $dn_t1, $dn_t2 ], 'trust_metrics', undef, 'trust, superuser');

# Roles on every node at once: distributed_exec runs the statements on each
# data node; the access node gets its own.
$an_t->safe_psql('ts', q{
	CREATE ROLE carol LOGIN;
	CREATE ROLE dave LOGIN;
	GRANT CREATE ON SCHEMA public TO carol;
	CALL distributed_exec('CREATE ROLE carol LOGIN; CREATE ROLE dave LOGIN;
	                       GRANT CREATE ON SCHEMA public TO carol');
});
for my $dn ($dn_t1, $dn_t2)
{
	is( $dn->safe_psql('ts', q{
			SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles
			 WHERE rolname IN ('carol', 'dave') AND rolcanlogin}),
		'carol,dave', $dn->name . ': distributed_exec created the roles');
}

# --- Managing data nodes: superusers, and the server's owner ---------------
my $err = refused($an_t, sprintf(q{SELECT * FROM add_data_node('dn_x', host => '127.0.0.1', port => %d)},
		$dn_t1->port), 'carol', 'a non-superuser cannot add a data node');
like($err, qr/ERROR:  permission denied to add data nodes/, '... permission denied');
like($err, qr/HINT:  Ask a superuser to add the data node, then to grant you USAGE on it/,
	'... with a hint');
$err = refused($an_t, sprintf(q{CREATE SERVER dn_x FOREIGN DATA WRAPPER timeshard_fdw
		OPTIONS (host '127.0.0.1', port '%d', dbname 'ts')}, $dn_t1->port),
	'carol', 'a non-superuser cannot CREATE SERVER a data node');
like($err, qr/ERROR:  permission denied to create data nodes/, '... permission denied');
for my $call (q{SELECT * FROM alter_data_node('dn_t1')},
	q{SELECT * FROM alter_data_node('dn_t1', port => 1)},
	q{SELECT delete_data_node('dn_t1')})
{
	$err = refused($an_t, $call, 'carol', "not the server's owner: $call refused");
	like($err, qr/ERROR:  must be owner of foreign server dn_t1/, '... must be owner of the server');
}

# --- Distributed hypertables: owner of the table, USAGE on the servers ----
$an_t->safe_psql('ts', q{
	CREATE TABLE carol_metrics (time timestamptz NOT NULL, device int NOT NULL, value float8);
	ALTER TABLE carol_metrics OWNER TO carol;
	CREATE TABLE carol_other (time timestamptz NOT NULL, device int);
	ALTER TABLE carol_other OWNER TO carol;
});
$err = refused($an_t, q{SELECT * FROM create_distributed_hypertable('carol_metrics', 'time', 'device',
		data_nodes => '{dn_t1}')}, 'carol',
	'create_distributed_hypertable on a data node without USAGE is refused');
like($err, qr/ERROR:  permission denied for foreign server dn_t1/, '... permission denied for the server');
like($err, qr/HINT:  GRANT USAGE ON FOREIGN SERVER dn_t1 TO carol;/, '... with the GRANT to run');
$err = refused($an_t, q{SELECT * FROM create_distributed_hypertable('carol_metrics', 'time', 'device')},
	'carol', 'create_distributed_hypertable with USAGE on no data node is refused');
like($err, qr/ERROR:  no data nodes can be assigned to the hypertable/, '... no data node can be used');
like($err, qr/DETAIL:  Data nodes exist, but none have USAGE privilege/, '... because of USAGE');
like($err, qr/HINT:  Grant USAGE on data nodes/, '... with a hint');

# USAGE on dn_t1 only.  carol may connect without a password on these
# trust nodes because a superuser waived the rule for her mappings.
$an_t->safe_psql('ts', q{
	GRANT USAGE ON FOREIGN SERVER dn_t1 TO carol;
	CREATE USER MAPPING FOR carol SERVER dn_t1 OPTIONS (password_required 'false');
	CREATE USER MAPPING FOR carol SERVER dn_t2 OPTIONS (password_required 'false');
});
my ($rc, $out);
($rc, $out, $err) = run_sql($an_t, 'ts', q{
	SELECT table_name FROM create_distributed_hypertable('carol_metrics', 'time', 'device',
		chunk_time_interval => interval '1 day');
	INSERT INTO carol_metrics SELECT timestamptz '2024-01-01 00:00+00' + i * interval '1 hour', i % 4, i
	  FROM generate_series(0, 47) i;}, as_role('carol'));
is($rc, 0, 'the table owner with USAGE on one data node distributes the table') or diag($err);
like($err, qr/NOTICE:  1 of 2 data nodes not used by this hypertable due to lack of permissions/,
	'... on that node only, with a notice');
is($dn_t1->safe_psql('ts', 'SELECT count(*) FROM carol_metrics'), '48', '... where the rows are');

$err = refused($an_t, q{SELECT * FROM attach_data_node('dn_t2', 'carol_metrics')}, 'carol',
	'attach_data_node without USAGE on the data node is refused');
like($err, qr/ERROR:  permission denied for foreign server dn_t2/, '... permission denied for the server');
like($err, qr/HINT:  GRANT USAGE ON FOREIGN SERVER dn_t2 TO carol;/, '... with the GRANT to run');
$an_t->safe_psql('ts', 'GRANT USAGE ON FOREIGN SERVER dn_t2 TO carol');
($rc, $out, $err) = run_sql($an_t, 'ts',
	q{SELECT node_name FROM attach_data_node('dn_t2', 'carol_metrics')}, as_role('carol'));
is($out, 'dn_t2', 'with USAGE, the owner attaches the data node') or diag($err);
is($dn_t2->safe_psql('ts', q{SELECT tableowner FROM pg_tables WHERE tablename = 'carol_metrics'}),
	'carol', '... and the table on the node belongs to her');

# Another role with USAGE on both servers, but not the owner.
$an_t->safe_psql('ts', 'GRANT USAGE ON FOREIGN SERVER dn_t1, dn_t2 TO dave');
my @no_hint;
for my $call (
	q{SELECT * FROM create_distributed_hypertable('carol_other', 'time')},
	q{SELECT * FROM attach_data_node('dn_t1', 'carol_metrics', if_not_attached => true)},
	q{SELECT detach_data_node('dn_t2', 'carol_metrics')},
	q{SELECT set_number_partitions('carol_metrics', 3)},
	q{SELECT set_replication_factor('carol_metrics', 2)},
	q{SELECT set_chunk_time_interval('carol_metrics', interval '2 days')})
{
	my ($table) = $call =~ /'(carol_\w+)'/;
	$err = refused($an_t, $call, 'dave', "not the table's owner: $call refused");
	like($err, qr/ERROR:  must be owner of table $table/, '... must be owner of the table');
	push @no_hint, $call unless $err =~ /HINT:  /;
}
is(join("\n", @no_hint), '', 'each refusal for lack of ownership says how to get it (HINT)');
($rc, $out, $err) = run_sql($an_t, 'ts', q{SELECT detach_data_node('dn_t2')}, as_role('dave'));
is($out, '0', 'detach_data_node from all hypertables detaches none of the others\'')
  or diag($err);
like($err, qr/NOTICE:  skipping hypertable "trust_metrics" due to missing permissions/,
	'... with a notice for each');

# The server's owner may alter and delete its data node, but not detach it
# from hypertables of others.
$an_t->safe_psql('ts', qq{
	GRANT USAGE ON FOREIGN DATA WRAPPER timeshard_fdw TO dave;
	ALTER SERVER dn_t2 OWNER TO dave;});
($rc, $out, $err) = run_sql($an_t, 'ts', q{SELECT node_name, available FROM alter_data_node('dn_t2')},
	as_role('dave'));
is($out, 'dn_t2|t', 'the server\'s owner may use alter_data_node') or diag($err);
$err = refused($an_t, q{SELECT delete_data_node('dn_t2')}, 'dave',
	'the server\'s owner cannot delete a node that holds hypertables of others');
like($err, qr/ERROR:  permission denied for hypertable "(carol_metrics|trust_metrics)"/,
	'... permission denied for the hypertable');
like($err, qr/DETAIL:  The data node is attached to hypertables that the current user lacks permissions for/,
	'... with the reason');
# (Handing the server back also takes back the USAGE dave had as owner.)
$an_t->safe_psql('ts', qq{
	ALTER SERVER dn_t2 OWNER TO "$su";
	REVOKE USAGE ON FOREIGN DATA WRAPPER timeshard_fdw FROM dave;
	GRANT USAGE ON FOREIGN SERVER dn_t2 TO dave;});

# GRANT and REVOKE on a distributed hypertable reach the nodes (an owner's
# GRANT: alice's in part 2).
my $privs = sub {
	my ($role, $table) = @_;
	return join(',', map {
		$_->safe_psql('ts', qq{SELECT CASE WHEN to_regclass('public.$table') IS NULL THEN 'no table'
			ELSE has_table_privilege('$role', 'public.$table', 'SELECT')::text END})
	} $dn_t1, $dn_t2);
};
is($privs->('dave', 'trust_metrics'), 'false,false', 'dave cannot read trust_metrics on the nodes');
$an_t->safe_psql('ts', 'GRANT SELECT ON trust_metrics TO dave');
is($privs->('dave', 'trust_metrics'), 'true,true', 'GRANT SELECT reaches both nodes');
$an_t->safe_psql('ts', 'REVOKE SELECT ON trust_metrics FROM dave');
is($privs->('dave', 'trust_metrics'), 'false,false', 'REVOKE reaches both nodes');
$an_t->safe_psql('ts', 'GRANT SELECT ON carol_metrics TO dave', as_role('carol'));

# --- A non-superuser without a password on trust nodes ---------------------
# dave may read the table, but his connections to the nodes send no password.
$err = refused($an_t, 'SELECT count(*) FROM carol_metrics', 'dave',
	'a non-superuser reading a distributed hypertable through trust nodes is refused');
like($err, qr/ERROR:  \[dn_t[12]\]: password is required/, '... "password is required", naming the node');
like($err, qr/DETAIL:  Non-superuser cannot connect if the server does not request a password/,
	'... with the reason');

# dave maps himself to the superuser: still no password, still refused.
$an_t->safe_psql('ts', qq{
	CREATE USER MAPPING FOR dave SERVER dn_t1 OPTIONS (user '$su');
	CREATE USER MAPPING FOR dave SERVER dn_t2 OPTIONS (user '$su');}, as_role('dave'));
$err = refused($an_t, 'SELECT count(*) FROM carol_metrics', 'dave',
	'a non-superuser mapped to the superuser is refused by trust nodes');
like($err, qr/ERROR:  \[dn_t[12]\]: password is required/, '... "password is required"');
$err = refused($an_t, q{CALL distributed_exec('CREATE TABLE dave_as_su (a int)')}, 'dave',
	'... also for distributed_exec');
is( $dn_t1->safe_psql('ts', q{SELECT to_regclass('dave_as_su') IS NULL})
	  . $dn_t2->safe_psql('ts', q{SELECT to_regclass('dave_as_su') IS NULL}),
	'tt', '... and nothing was created on the nodes');
$err = refused($an_t, qq{DROP USER MAPPING FOR dave SERVER dn_t1;
	CREATE USER MAPPING FOR dave SERVER dn_t1 OPTIONS (user '$su', password_required 'false');},
	'dave', 'a non-superuser cannot waive the password rule in a mapping it creates');
like($err, qr/ERROR:  permission denied to set option "password_required"/, '... permission denied');
like($err, qr/HINT:  Only a superuser can set this option/, '... with a hint');

# carol's waiver (password_required = false, set by a superuser) lets carol
# be carol without a password.  It does not let her be the superuser: she
# cannot change the "user" of a mapping that carries the waiver.
($rc, $out, $err) = run_sql($an_t, 'ts', 'SELECT count(*) FROM carol_metrics', as_role('carol'));
is($out, '48', 'with the waiver, carol reads her table through the trust nodes') or diag($err);
$err = refused($an_t, qq{ALTER USER MAPPING FOR carol SERVER dn_t1 OPTIONS (ADD user '$su')},
	'carol', 'a non-superuser cannot point a waived mapping at another role');
like($err, qr/ERROR:  permission denied to set option "password_required"/,
	'... because the waiver is a superuser\'s option');

###########################################################################
# 2. Passwords: scram-sha-256 (dn_p1) and md5 (dn_p2)
###########################################################################

my $an_p = TimeshardTest::new_node('an_p', conf => $log_conf);
my $dn_p1 = TimeshardTest::new_node('dn_p1', auth => 'scram-sha-256', conf => $log_conf);
my $dn_p2 = TimeshardTest::new_node('dn_p2', auth => 'md5', conf => $log_conf);
push @all_nodes, $an_p, $dn_p1, $dn_p2;
TimeshardTest::create_ts_db($an_p, 'ts');
for my $dn ($dn_p1, $dn_p2)
{
	$dn->safe_psql('postgres', $quiet . qq{ALTER ROLE "$su" PASSWORD '$pw{su}'});
}
is( $dn_p1->safe_psql('postgres', qq{SELECT left(rolpassword, 14) FROM pg_authid WHERE rolname = '$su'})
	  . ' ' . $dn_p2->safe_psql('postgres', qq{SELECT left(rolpassword, 3) FROM pg_authid WHERE rolname = '$su'}),
	'SCRAM-SHA-256$ md5', 'dn_p1 stores a scram verifier, dn_p2 an md5 hash');

# Bootstrap: dn_p1 through the passfile, dn_p2 with add_data_node(password
# => ...) (the passfile has no line for it yet).
my $passfile = $an_p->data_dir . '/passfile';
TimeshardTest::write_passfile($passfile, sprintf('127.0.0.1:%d:*:%s:%s', $dn_p1->port, $su, $pw{su}));
($rc, $out, $err) = run_sql($an_p, 'ts', sprintf(
		q{SELECT * FROM add_data_node('dn_p1', host => '127.0.0.1', port => %d)}, $dn_p1->port));
like($out, qr/^dn_p1\|127\.0\.0\.1\|\d+\|ts\|t\|t\|t$/,
	'add_data_node bootstraps a scram-sha-256 node with the password from the passfile')
  or diag($err);
($rc, $out, $err) = run_sql($an_p, 'ts', $quiet . sprintf(
		q{SELECT * FROM add_data_node('dn_p2', host => '127.0.0.1', port => %d, password => '%s');},
		$dn_p2->port, $pw{su}));
like($out, qr/^dn_p2\|127\.0\.0\.1\|\d+\|ts\|t\|t\|t$/,
	'add_data_node bootstraps an md5 node with its password argument')
  or diag($err);
# From now on the superuser's password comes from the passfile, for both
# nodes; bob's too.
TimeshardTest::write_passfile($passfile,
	"127.0.0.1:*:*:$su:$pw{su}", "127.0.0.1:*:*:bob:$pw{bob}");
is($an_p->safe_psql('ts', 'SELECT count(*) FROM pg_user_mappings'), '0',
	'the bootstrap password is not kept in a user mapping');
load_and_query($an_p, [ $dn_p1, $dn_p2 ], 'su_metrics', undef, 'password (passfile), superuser');

# Roles on every node with distributed_exec, without sending a password: the
# roles get their passwords on the access node, and dn_p1 gets the scram
# verifiers, which are not the passwords (docs/authentication.md).  dn_p2
# stores md5 hashes, which are as good as the password for md5
# authentication: they are set on that node directly.
$an_p->safe_psql('ts', $quiet . qq{
	CREATE ROLE alice LOGIN PASSWORD '$pw{alice}';
	CREATE ROLE bob LOGIN PASSWORD '$pw{bob}';});
my %verifier = map { split /\|/ } split /\n/, $an_p->safe_psql('ts',
	q{SELECT rolname, rolpassword FROM pg_authid WHERE rolname IN ('alice', 'bob')});
like($verifier{alice}, qr/^SCRAM-SHA-256\$/, 'the access node stores a scram verifier for alice');
$an_p->safe_psql('ts', sprintf(q{
	CREATE ROLE dave LOGIN;
	GRANT CREATE ON SCHEMA public TO alice;
	GRANT USAGE ON FOREIGN SERVER dn_p1, dn_p2 TO alice, bob, dave;
	CALL distributed_exec(%s, node_list => '{dn_p1}');},
	sql_literal(sprintf(q{CREATE ROLE alice LOGIN PASSWORD %s;
		CREATE ROLE bob LOGIN PASSWORD %s; CREATE ROLE dave LOGIN;},
		sql_literal($verifier{alice}), sql_literal($verifier{bob})))));
$dn_p2->safe_psql('postgres', $quiet . qq{
	CREATE ROLE alice LOGIN PASSWORD '$pw{alice}';
	CREATE ROLE bob LOGIN PASSWORD '$pw{bob}';
	CREATE ROLE dave LOGIN;});
$an_p->safe_psql('ts', q{CALL distributed_exec('GRANT CREATE ON SCHEMA public TO alice')});
is( $dn_p1->safe_psql('postgres', q{SELECT left(rolpassword, 14) FROM pg_authid WHERE rolname = 'alice'})
	  . ' ' . $dn_p2->safe_psql('postgres', q{SELECT left(rolpassword, 3) FROM pg_authid WHERE rolname = 'alice'}),
	'SCRAM-SHA-256$ md5', 'alice exists on both nodes: scram verifier on dn_p1, md5 hash on dn_p2');

# alice: her user mappings (made by the superuser: only a superuser can turn
# statement logging off for the statement that carries the password).
$an_p->safe_psql('ts', $quiet . qq{
	CREATE USER MAPPING FOR alice SERVER dn_p1 OPTIONS (user 'alice', password '$pw{alice}');
	CREATE USER MAPPING FOR alice SERVER dn_p2 OPTIONS (user 'alice', password '$pw{alice}');});
load_and_query($an_p, [ $dn_p1, $dn_p2 ], 'pw_metrics', 'alice', 'password (user mapping), alice');
cmp_ok(log_count($dn_p1, qr/connection authenticated: identity="alice" method=scram-sha-256/), '>', 0,
	'dn_p1 authenticated alice with scram-sha-256');
cmp_ok(log_count($dn_p2, qr/connection authenticated: identity="alice" method=md5/), '>', 0,
	'dn_p2 authenticated alice with md5');

# bob: no user mapping, his password from the passfile; he may write and read
# alice's table because her GRANT reached the nodes.
$an_p->safe_psql('ts', 'GRANT SELECT, INSERT ON pw_metrics TO bob', as_role('alice'));
is( join(',', map { $_->safe_psql('ts', q{SELECT has_table_privilege('bob', 'pw_metrics', 'INSERT')
		AND has_table_privilege('bob', 'pw_metrics', 'SELECT')}) } $dn_p1, $dn_p2),
	't,t', 'alice\'s GRANT reached both nodes');
($rc, $out, $err) = run_sql($an_p, 'ts', q{
	INSERT INTO pw_metrics SELECT timestamptz '2024-01-05 00:00+00' + i * interval '1 hour', i % 4, 1
	  FROM generate_series(0, 23) i;
	SELECT count(*) FROM pw_metrics;}, as_role('bob'));
is($out, '120', 'bob writes and reads through the passfile') or diag($err);
cmp_ok(log_count($dn_p1, qr/connection authenticated: identity="bob" method=scram-sha-256/)
	  * log_count($dn_p2, qr/connection authenticated: identity="bob" method=md5/), '>', 0,
	'... authenticated by both nodes with his password');

# A wrong password in a user mapping.
$an_p->safe_psql('ts', $quiet . qq{
	ALTER USER MAPPING FOR alice SERVER dn_p2 OPTIONS (SET password '$pw{wrong}');});
$err = refused($an_p, q{CALL distributed_exec('SELECT 1', node_list => '{dn_p2}')}, 'alice',
	'a wrong password in the user mapping is refused');
like($err, qr/ERROR:  could not connect to "dn_p2"/, '... naming the node');
like($err, qr/password authentication failed for user "alice"/, '... saying why');
# A query says the same: a node that refuses the role is not a node that is
# down (whose chunks would be read from other replicas).
$err = refused($an_p, 'SELECT count(*) FROM pw_metrics', 'alice',
	'a query with a wrong password in the user mapping is refused');
like($err, qr/ERROR:  could not connect to "dn_p2".*\n.*password authentication failed for user "alice"/,
	'... with the authentication error, not as an unavailable node');
# (A write with a wrong password: part 5.)
$an_p->safe_psql('ts', $quiet . qq{
	ALTER USER MAPPING FOR alice SERVER dn_p2 OPTIONS (SET password '$pw{alice}');});
($rc, $out, $err) = run_sql($an_p, 'ts', 'SELECT count(*) FROM pw_metrics', as_role('alice'));
is($out, '120', '... and works again with the right one') or diag($err);

# A user mapping's password is for the mapped role (and superusers) only.
($rc, $out, $err) = run_sql($an_p, 'ts', q{
	SELECT usename, srvname, umoptions IS NULL FROM pg_user_mappings
	 WHERE usename = 'alice' ORDER BY srvname}, as_role('dave'));
is($out, "alice|dn_p1|t\nalice|dn_p2|t", 'another role does not see alice\'s mapping options')
  or diag($err);
$err = refused($an_p, 'SELECT umoptions FROM pg_user_mapping', 'dave',
	'... nor can it read the catalog');
like($err, qr/permission denied for table pg_user_mapping/, '... permission denied');

# dave maps himself to the superuser without a password.  libpq would find
# the superuser's line in the access node's passfile: a non-superuser must
# not authenticate with a password that is not his own.
$an_p->safe_psql('ts', qq{CREATE USER MAPPING FOR dave SERVER dn_p1 OPTIONS (user '$su')},
	as_role('dave'));
$err = refused($an_p,
	q{CALL distributed_exec('CREATE TABLE dave_as_su AS SELECT current_user AS who', node_list => '{dn_p1}')},
	'dave', 'a non-superuser mapped to the superuser does not get the superuser\'s passfile password');
like($err, qr/ERROR:  .*dn_p1/, '... with an error naming the node');
is($dn_p1->safe_psql('ts', q{SELECT coalesce((SELECT tableowner FROM pg_tables WHERE tablename = 'dave_as_su'), 'none')}),
	'none', '... and nothing ran on the node as the superuser');
$an_p->safe_psql('ts', 'DROP USER MAPPING FOR dave SERVER dn_p1', as_role('dave'));

###########################################################################
# 3. Certificates
###########################################################################

my $ssl = PostgreSQL::Test::Utils::tempdir('ssl');
my @ec = ('-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes');
my $serial = 1;

# A key pair and a certificate for CN=$cn signed by the test CA.
sub make_cert
{
	my ($name, $cn, @ext) = @_;
	run_log([ 'openssl', 'req', '-new', @ec, '-subj', "/CN=$cn", @ext,
			'-keyout', "$ssl/$name.key", '-out', "$ssl/$name.csr" ])
	  or die "openssl req $name failed";
	run_log([ 'openssl', 'x509', '-req', '-in', "$ssl/$name.csr", '-CA', "$ssl/ca.crt",
			'-CAkey', "$ssl/ca.key", '-set_serial', ++$serial, '-days', '2',
			'-copy_extensions', 'copy', '-out', "$ssl/$name.crt" ])
	  or die "openssl x509 $name failed";
	chmod 0600, "$ssl/$name.key";
	return;
}
run_log([ 'openssl', 'req', '-new', '-x509', @ec, '-days', '2', '-subj', '/CN=timeshard test CA',
		'-addext', 'basicConstraints=critical,CA:TRUE',
		'-addext', 'keyUsage=critical,keyCertSign,cRLSign',
		'-keyout', "$ssl/ca.key", '-out', "$ssl/ca.crt" ])
  or die 'openssl: cannot make the CA';
# The data nodes are reached at 127.0.0.1: their certificate names it.
make_cert('server', '127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1');
# Client certificates: CN = the role name on the data node.
make_cert("client_$_", $_) for ($su, 'alice');

my $ssl_conf = join("\n", 'ssl = on', "ssl_cert_file = '$ssl/server.crt'",
	"ssl_key_file = '$ssl/server.key'", "ssl_ca_file = '$ssl/ca.crt'");
my ($dn_c1, $dn_c2) = map {
	my $dn = TimeshardTest::new_node($_, conf => "$log_conf\n$ssl_conf", start => 0);
	# TCP only with SSL and a client certificate whose CN is the role.
	open my $fh, '>', $dn->data_dir . '/pg_hba.conf' or die $!;
	print $fh "local all all trust\nhostssl all all 127.0.0.1/32 cert\n";
	close $fh;
	$dn->start;
	$dn
} qw(dn_c1 dn_c2);
# The access node runs with ssl = on (its own server certificate) and
# ssl_ca_file: connections to data nodes use verify-full, and the
# certificates in $PGDATA/timeshard/certs.
my $an_c = TimeshardTest::new_node('an_c', conf => "$log_conf\n$ssl_conf", start => 0);
push @all_nodes, $an_c, $dn_c1, $dn_c2;
my $certs = $an_c->data_dir . '/timeshard/certs';
make_path($certs);
sub install_cert
{
	my ($dir, $role) = @_;
	my $base = "$dir/" . md5_hex($role);
	copy("$ssl/client_$role.crt", "$base.crt") or die "copy: $!";
	copy("$ssl/client_$role.key", "$base.key") or die "copy: $!";
	chmod 0600, "$base.key";
	return $base;
}
install_cert($certs, $_) for ($su, 'alice');
my $alice_base = "$certs/" . md5_hex('alice');
$an_c->start;
TimeshardTest::create_ts_db($an_c, 'ts');

# add_data_node bootstraps dn_c1, which accepts nothing but certificates.
($rc, $out, $err) = run_sql($an_c, 'ts', sprintf(
		q{SELECT * FROM add_data_node('dn_c1', host => '127.0.0.1', port => %d)}, $dn_c1->port));
like($out, qr/^dn_c1\|127\.0\.0\.1\|\d+\|ts\|t\|t\|t$/,
	'add_data_node bootstraps a node that accepts certificates only') or diag($err);
if ($rc != 0)
{
	# Go on with the rest: the database made by hand, the server with CREATE
	# SERVER.
	TimeshardTest::create_ts_db($dn_c1, 'ts');
	$an_c->safe_psql('ts', sprintf(q{CREATE SERVER dn_c1 FOREIGN DATA WRAPPER timeshard_fdw
		OPTIONS (host '127.0.0.1', port '%d', dbname 'ts')}, $dn_c1->port));
}
# CREATE SERVER adds dn_c2 (database and extension made on the node).
TimeshardTest::create_ts_db($dn_c2, 'ts');
($rc, $out, $err) = run_sql($an_c, 'ts', sprintf(q{CREATE SERVER dn_c2 FOREIGN DATA WRAPPER timeshard_fdw
		OPTIONS (host '127.0.0.1', port '%d', dbname 'ts')}, $dn_c2->port));
is($rc, 0, 'CREATE SERVER adds a node that accepts certificates only') or diag($err);
cmp_ok(log_count($dn_c2, qr/connection authenticated: identity="CN=\Q$su\E" method=cert/), '>', 0,
	'... the superuser authenticated with its certificate');
cmp_ok(log_count($dn_c2, qr/connection authorized: user=\Q$su\E database=ts .*SSL enabled/), '>', 0,
	'... over SSL');
load_and_query($an_c, [ $dn_c1, $dn_c2 ], 'su_cert_metrics', undef, 'certificate, superuser');

# alice: a role with no password anywhere, her certificate only.
$an_c->safe_psql('ts', q{
	CREATE ROLE alice LOGIN;
	GRANT CREATE ON SCHEMA public TO alice;
	GRANT USAGE ON FOREIGN SERVER dn_c1, dn_c2 TO alice;
	CALL distributed_exec('CREATE ROLE alice LOGIN; GRANT CREATE ON SCHEMA public TO alice');});
load_and_query($an_c, [ $dn_c1, $dn_c2 ], 'cert_metrics', 'alice', 'certificate, alice');
cmp_ok(log_count($dn_c1, qr/connection authenticated: identity="CN=alice" method=cert/), '>', 0,
	'dn_c1 authenticated alice by her certificate');

# A missing certificate: refused, the error names the file looked for.
rename("$alice_base.crt", "$alice_base.crt.away") or die $!;
$err = refused($an_c, q{CALL distributed_exec('SELECT 1', node_list => '{dn_c1}')}, 'alice',
	'without her certificate alice is refused');
like($err, qr/ERROR:  could not connect to "dn_c1"/, '... naming the node');
like($err, qr/connection requires a valid client certificate/, '... saying why');
like($err, qr/HINT:  .*\Q$alice_base.crt\E/, '... and the certificate file that was looked for');
$err = refused($an_c, 'SELECT count(*) FROM cert_metrics', 'alice',
	'a query without her certificate is refused');
like($err, qr/ERROR:  could not connect to "dn_c[12]".*\n.*valid client certificate/,
	'... with the authentication error, not as an unavailable node');
rename("$alice_base.crt.away", "$alice_base.crt") or die $!;

# A missing key: the error names the key file.
rename("$alice_base.key", "$alice_base.key.away") or die $!;
$err = refused($an_c, q{CALL distributed_exec('SELECT 1', node_list => '{dn_c1}')}, 'alice',
	'without her key alice is refused');
like($err, qr/\Q$alice_base.key\E/, '... and the error names the key file that was looked for');
rename("$alice_base.key.away", "$alice_base.key") or die $!;

# A key readable by others is refused, as libpq does.
chmod 0644, "$alice_base.key";
$err = refused($an_c, 'SELECT count(*) FROM cert_metrics', 'alice',
	'a key readable by others is refused');
like($err, qr/ERROR:  private key file "\Q$alice_base.key\E" has group or world access/,
	'... "has group or world access", naming the file');
like($err, qr/HINT:  Run: chmod 0600 \Q$alice_base.key\E/, '... with the command that fixes it');
chmod 0600, "$alice_base.key";
($rc, $out, $err) = run_sql($an_c, 'ts', 'SELECT count(*) FROM cert_metrics', as_role('alice'));
is($out, '96', 'with mode 0600 it works again') or diag($err);

# alice maps herself to the superuser: the superuser's certificate is not
# offered for her.
$an_c->safe_psql('ts', qq{CREATE USER MAPPING FOR alice SERVER dn_c1 OPTIONS (user '$su')},
	as_role('alice'));
$err = refused($an_c,
	q{CALL distributed_exec('CREATE TABLE alice_as_su (a int)', node_list => '{dn_c1}')}, 'alice',
	'a non-superuser mapped to the superuser does not get the superuser\'s certificate');
like($err, qr/ERROR:  .*dn_c1/, '... naming the node');
like($err, qr/certificate/, '... saying that a certificate was missing');
unlike($err, qr/No client certificate for user "\Q$su\E" was found/,
	'... without claiming that the superuser\'s certificate file is missing (it is there)');
is($dn_c1->safe_psql('ts', q{SELECT to_regclass('alice_as_su') IS NULL}), 't',
	'... and nothing was created on the node');
$an_c->safe_psql('ts', 'DROP USER MAPPING FOR alice SERVER dn_c1', as_role('alice'));

# verify-full: the node's certificate names 127.0.0.1, not localhost.
$err = refused($an_c, q{SELECT * FROM alter_data_node('dn_c1', host => 'localhost')}, undef,
	'verify-full with ssl_ca_file: a host name the certificate does not name is refused');
like($err, qr/server certificate for "127\.0\.0\.1" (\(and \d+ other names?\) )?does not match host name "localhost"/,
	'... because the certificate does not match');

# timeshard.ssl_dir and timeshard.ssl_root_cert, with ssl = off on the
# access node.  The certificates move to the new directory.
my $certs2 = "$ssl/an_certs";
make_path($certs2);
install_cert($certs2, $_) for ($su, 'alice');
$an_c->append_conf('postgresql.conf', join("\n", 'ssl = off', "ssl_ca_file = ''",
		"timeshard.ssl_dir = '$certs2'", "timeshard.ssl_root_cert = '$ssl/ca.crt'"));
$an_c->reload;
ok(TimeshardTest::poll_until($an_c, 'ts', 'SHOW timeshard.ssl_dir', $certs2, 30),
	'timeshard.ssl_dir set');
remove_tree($certs);
($rc, $out, $err) = run_sql($an_c, 'ts', 'SELECT count(*) FROM cert_metrics', as_role('alice'));
is($out, '96', 'with timeshard.ssl_dir (and ssl = off), alice\'s certificate is found there')
  or diag($err);
$err = refused($an_c, q{SELECT * FROM alter_data_node('dn_c1', host => 'localhost')}, undef,
	'verify-full with timeshard.ssl_root_cert: a host name the certificate does not name is refused');
like($err, qr/does not match host name "localhost"/, '... because the certificate does not match');

# Without a CA: sslmode require, the server certificate is not checked.
$an_c->append_conf('postgresql.conf', "timeshard.ssl_root_cert = ''");
$an_c->reload;
ok(TimeshardTest::poll_until($an_c, 'ts', 'SHOW timeshard.ssl_root_cert', '', 30),
	'timeshard.ssl_root_cert unset');
($rc, $out, $err) = run_sql($an_c, 'ts',
	q{SELECT host FROM alter_data_node('dn_c1', host => 'localhost')});
is($out, 'localhost', 'without a CA (sslmode require), the host name is not checked') or diag($err);
($rc, $out, $err) = run_sql($an_c, 'ts', 'SELECT count(*) FROM cert_metrics', as_role('alice'));
is($out, '96', '... and the client certificate is still used') or diag($err);
$an_c->safe_psql('ts', q{SELECT host FROM alter_data_node('dn_c1', host => '127.0.0.1')});

###########################################################################
# 4. No password in any view
###########################################################################

# As the superuser and as another role.
my @views = split /\n/, $an_p->safe_psql('ts', q{
	SELECT format('%I.%I', schemaname, viewname) FROM pg_views
	 WHERE schemaname = 'timeshard_information' ORDER BY 1});
cmp_ok(scalar(@views), '>=', 3, 'timeshard_information has views: ' . join(', ', @views));
for my $role ($su, 'dave')
{
	my $text = join("\n", map {
		my ($vrc, $vout, $verr) = run_sql($an_p, 'ts', "SELECT v::text FROM $_ v", as_role($role));
		"$vout\n$verr"
	} @views);
	my @leaks = grep { index($text, $pw{$_}) >= 0 } sort keys %pw;
	is("@leaks", '', "no password in any timeshard_information view, read as $role");
}

###########################################################################
# 5. A refused login during a write to a replicated chunk
###########################################################################

# Last but one, because what it finds can take the access node down.  A
# write must not take a replica for lost because its node refused the
# role: the write fails, and both replicas stay up to date.
$an_p->safe_psql('ts', q{
	CREATE TABLE pw_replicated (time timestamptz NOT NULL, value int);
	SELECT table_name FROM create_distributed_hypertable('pw_replicated', 'time', replication_factor => 2);
	INSERT INTO pw_replicated VALUES ('2024-01-01 00:00+00', 1);}, as_role('alice'));
my $replicas = q{SELECT string_agg(num_replicas::text, ',')
	FROM timeshard_information.chunk_replication_status WHERE hypertable_name = 'pw_replicated'};
is($an_p->safe_psql('ts', $replicas), '2', 'a chunk with two replicas');
$an_p->safe_psql('ts', $quiet . qq{
	ALTER USER MAPPING FOR alice SERVER dn_p2 OPTIONS (SET password '$pw{wrong}');});
$err = refused($an_p, q{INSERT INTO pw_replicated VALUES ('2024-01-01 01:00+00', 2)}, 'alice',
	'a write with a wrong password for one replica\'s node is refused');
like($err, qr/could not connect to "dn_p2".*\n.*password authentication failed for user "alice"/,
	'... with the authentication error');
is($an_p->safe_psql('ts', $replicas), '2', '... and no replica is marked stale');
$an_p->safe_psql('ts', $quiet . qq{
	ALTER USER MAPPING FOR alice SERVER dn_p2 OPTIONS (SET password '$pw{alice}');});

# Whatever happened, the access node survives the background worker's next
# health round, which refreshes stale replicas: wait until the chunk has two
# up-to-date replicas again, or the server is gone.
my $deadline = time() + 30;
my ($alive, $replicated) = (1, 0);
while (time() < $deadline)
{
	my ($prc, $pout, $perr) = TimeshardTest::psql_timed($an_p, 'ts', $replicas);
	if ($prc != 0 && $perr =~ /could not connect to server|connection to server .* failed/)
	{
		$alive = 0;
		last;
	}
	$replicated = 1, last if $prc == 0 && $pout eq '2';
	usleep(200_000);
}
ok($alive && $replicated, 'the access node survives the worker\'s round, both replicas up to date');
# A crashed instance would make the final teardown bail out before it
# stops the other instances.
$an_p->stop('immediate', fail_ok => 1) unless $alive;

###########################################################################
# 6. No password in errors, notices or logs
###########################################################################

# What the sessions received.
my @leaked = grep { my $m = $_; grep { index($m, $pw{$_}) >= 0 } keys %pw } @client_messages;
is(scalar(@leaked), 0, 'no password in any error or notice a session received')
  or diag(join("\n----\n", @leaked));

# Every server log.  Check first that the passwords were really in use
# while the logs were written.
cmp_ok(log_count($an_p, qr/statement: .*pw_metrics/), '>', 0,
	'the access node logged the statements (log_statement = all)');
cmp_ok(log_count($an_p, qr/DEBUG:  /), '>', 0, '... and debug messages (log_min_messages = debug1)');
for my $node (@all_nodes)
{
	my @lines = split /\n/, slurp_file($node->logfile);
	my @leaks;
	for my $who (sort keys %pw)
	{
		push @leaks, grep { index($_, $pw{$who}) >= 0 } @lines;
	}
	is(scalar(@leaks), 0, $node->name . ': no password in the server log ('
		  . scalar(@lines) . ' lines)')
	  or diag(join("\n", @leaks));
}

done_testing();
