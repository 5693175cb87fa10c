# 000_preload.pl — timeshard refuses to install where it is not preloaded, and
# says how to fix it.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('plain');
$node->init;
$node->append_conf('postgresql.conf', "shared_preload_libraries = ''");
$node->start;

my ($rc, $out, $err) = $node->psql('postgres', 'CREATE EXTENSION timeshard');
isnt($rc, 0, 'CREATE EXTENSION fails without shared_preload_libraries');
like($err, qr/ERROR:  timeshard must be loaded via shared_preload_libraries/, 'clear error');
like($err, qr/HINT:  Add timeshard to shared_preload_libraries in postgresql.conf/,
	'hint says what to add to postgresql.conf');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'timeshard%'}),
	'0', 'nothing is left behind');

# Once preloaded, the same statement works.
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'timeshard'");
$node->restart;
$node->safe_psql('postgres', 'CREATE EXTENSION timeshard');
is($node->safe_psql('postgres', q{SELECT extversion FROM pg_extension WHERE extname = 'timeshard'}),
	'0.1.0', 'installs once preloaded');

$node->stop;
done_testing();
