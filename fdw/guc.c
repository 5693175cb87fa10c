/*-------------------------------------------------------------------------
 * guc.c — the configuration parameters of timeshard, all in one place.
 *
 * Every parameter lives under the reserved prefix "timeshard.".  Intervals
 * are integers in milliseconds (GUC_UNIT_MS) where -1 disables the activity.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "utils/guc.h"

#include "fault.h"
#include "guc.h"

int			ts_guc_worker_naptime = 10000;
int			ts_guc_connect_timeout = 10000;
char	   *ts_guc_passfile = NULL;
int			ts_guc_hypertable_distributed_default = TS_DISTRIBUTED_DEFAULT_AUTO;
bool		ts_guc_enable_client_ddl_on_data_nodes = false;
bool		ts_guc_enable_per_data_node_queries = true;
bool		ts_guc_enable_remote_explain = false;
int			ts_guc_fetch_size = 10000;
bool		ts_guc_enable_2pc = true;
int			ts_guc_health_check_interval = 5000;
int			ts_guc_node_timeout = 3000;
bool		ts_guc_auto_failover = true;
int			ts_guc_failover_threshold = 3;
int			ts_guc_rereplicate_after = 60000;
char	   *ts_guc_ssl_dir = NULL;
char	   *ts_guc_ssl_root_cert = NULL;
int			ts_guc_txn_resolve_interval = 10000;
int			ts_guc_job_retry_interval = 5000;
int			ts_guc_job_max_attempts = 10;
int			ts_guc_job_retention = 7 * 24 * 3600;
bool		ts_guc_deliver_before_available = true;
bool		ts_guc_defer_ddl_to_unavailable_nodes = false;

static const struct config_enum_entry distributed_default_options[] = {
	{"auto", TS_DISTRIBUTED_DEFAULT_AUTO, false},
	{"local", TS_DISTRIBUTED_DEFAULT_LOCAL, false},
	{"distributed", TS_DISTRIBUTED_DEFAULT_DISTRIBUTED, false},
	{NULL, 0, false}
};

/*
 * Define the parameters.  Called from _PG_init, in the postmaster when the
 * library is preloaded, or in a backend otherwise (then PGC_POSTMASTER and
 * PGC_SIGHUP parameters keep their configuration-file values).
 */
void
ts_guc_init(void)
{
	DefineCustomIntVariable("timeshard.worker_naptime",
							"Longest time a timeshard worker sleeps between two rounds of work.",
							"The worker also wakes up at once when a backend asks it to.",
							&ts_guc_worker_naptime,
							10000, 100, 3600 * 1000,
							PGC_SIGHUP,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("timeshard.connect_timeout",
							"Longest time to wait for a connection to a data node.",
							"Sessions wait at most timeshard.node_timeout even when this is "
							"longer; -1 means node_timeout.",
							&ts_guc_connect_timeout,
							10000, -1, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomStringVariable("timeshard.passfile",
							   "Password file used to connect to data nodes.",
							   "In the format of libpq's .pgpass; empty means $PGDATA/passfile.",
							   &ts_guc_passfile,
							   NULL,
							   PGC_SIGHUP,
							   0,
							   NULL, NULL, NULL);

	DefineCustomEnumVariable("timeshard.hypertable_distributed_default",
							 "What create_hypertable() makes when neither distributed nor "
							 "replication_factor is given.",
							 "auto and local: a local hypertable; distributed: a distributed one.",
							 &ts_guc_hypertable_distributed_default,
							 TS_DISTRIBUTED_DEFAULT_AUTO,
							 distributed_default_options,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("timeshard.enable_client_ddl_on_data_nodes",
							 "Allow DDL on member hypertables of a data node from any session.",
							 "By default only the access node may change them, so that the nodes do "
							 "not diverge.",
							 &ts_guc_enable_client_ddl_on_data_nodes,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("timeshard.enable_per_data_node_queries",
							 "Read distributed hypertables with one query per data node.",
							 "Off: one query per chunk, nothing pushed down but the rows' "
							 "columns (for comparison and troubleshooting).",
							 &ts_guc_enable_per_data_node_queries,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("timeshard.enable_remote_explain",
							 "Show the data nodes' own plans in EXPLAIN of a distributed query.",
							 "Each node is asked to EXPLAIN its remote query (costs one round trip "
							 "per node).",
							 &ts_guc_enable_remote_explain,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("timeshard.fetch_size",
							"Rows fetched from a data node at a time by a distributed query.",
							"The next batch is requested as soon as one arrives, so that the node "
							"works while the access node consumes.",
							&ts_guc_fetch_size,
							10000, 1, 1000000,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("timeshard.enable_2pc",
							 "Commit transactions that wrote on data nodes with two-phase commit.",
							 "Off: one-phase commit, which can leave a transaction committed on "
							 "some nodes and not others when one fails while committing.",
							 &ts_guc_enable_2pc,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("timeshard.txn_resolve_interval",
							"How often the worker resolves prepared transactions left on data nodes.",
							"-1 disables it (remote_txn_heal_data_node() still works).",
							&ts_guc_txn_resolve_interval,
							10000, -1, INT_MAX,
							PGC_SIGHUP,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("timeshard.health_check_interval",
							"How often the worker checks that every data node answers.",
							"-1 disables health checks (and automatic failover).",
							&ts_guc_health_check_interval,
							5000, -1, INT_MAX,
							PGC_SIGHUP,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("timeshard.node_timeout",
							"Longest wait for a data node's answer in a health check, and for a "
							"connection to a data node.",
							"A node that does not answer within it counts as down.",
							&ts_guc_node_timeout,
							3000, 1, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("timeshard.auto_failover",
							 "Mark a data node unavailable when it fails its health checks, and "
							 "available again when it is back.",
							 NULL,
							 &ts_guc_auto_failover,
							 true,
							 PGC_SIGHUP,
							 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("timeshard.failover_threshold",
							"Consecutive failed health checks after which a data node is marked "
							"unavailable.",
							NULL,
							&ts_guc_failover_threshold,
							3, 1, 1000,
							PGC_SIGHUP,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("timeshard.rereplicate_after",
							"How long a chunk may lack replicas before the worker copies it to "
							"another data node.",
							"-1 disables re-replication.",
							&ts_guc_rereplicate_after,
							60000, -1, INT_MAX,
							PGC_SIGHUP,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomStringVariable("timeshard.ssl_dir",
							   "Directory of the client certificates used to connect to data nodes.",
							   "Files <md5 of the user name>.crt and .key; empty means "
							   "$PGDATA/timeshard/certs.  Setting it turns SSL on for data nodes.",
							   &ts_guc_ssl_dir,
							   NULL,
							   PGC_SIGHUP,
							   0,
							   NULL, NULL, NULL);

	DefineCustomStringVariable("timeshard.ssl_root_cert",
							   "CA certificate that data nodes' server certificates must be signed by.",
							   "Empty: the server's ssl_ca_file; with a CA, sslmode is verify-full.",
							   &ts_guc_ssl_root_cert,
							   NULL,
							   PGC_SIGHUP,
							   0,
							   NULL, NULL, NULL);

	DefineCustomIntVariable("timeshard.job_retry_interval",
							"Wait before a distributed_exec job that failed on a data node is tried "
							"again there.",
							"Doubles with each failed attempt, up to 5 minutes.",
							&ts_guc_job_retry_interval,
							5000, 1, INT_MAX,
							PGC_SIGHUP,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("timeshard.job_max_attempts",
							"Failed attempts on a reachable data node after which a job fails "
							"there for good.",
							NULL,
							&ts_guc_job_max_attempts,
							10, 1, 1000000,
							PGC_SIGHUP,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("timeshard.job_retention",
							"How long finished distributed_exec jobs are kept.",
							"-1 keeps them forever.",
							&ts_guc_job_retention,
							7 * 24 * 3600, -1, INT_MAX,
							PGC_SIGHUP,
							GUC_UNIT_S,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("timeshard.deliver_before_available",
							 "Run a data node's pending jobs before it is made available again.",
							 "So a node never serves with a schema behind the others.",
							 &ts_guc_deliver_before_available,
							 true,
							 PGC_SIGHUP,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("timeshard.defer_ddl_to_unavailable_nodes",
							 "Apply distributed_exec and DDL on distributed hypertables to the "
							 "available data nodes and queue the unavailable nodes' part as a job.",
							 "Off: such commands fail, naming the unavailable node.",
							 &ts_guc_defer_ddl_to_unavailable_nodes,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomStringVariable("timeshard.debug_fault",
							   "Injects a fault in the commit protocol (tests only).",
							   "\"<point>:<action>\", points in docs/transactions.md; actions error, "
							   "kill_remote, exit, sleep:<ms>.",
							   &ts_guc_debug_fault,
							   "",
							   PGC_SUSET,
							   GUC_NOT_IN_SAMPLE,
							   ts_fault_check_hook, ts_fault_assign_hook, NULL);

	MarkGUCPrefixReserved("timeshard");
}
