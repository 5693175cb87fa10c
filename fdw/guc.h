/*-------------------------------------------------------------------------
 * guc.h — every configuration parameter of timeshard (defined in guc.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_GUC_H
#define TIMESHARD_GUC_H

/* Interval parameters are in milliseconds; -1 disables the activity. */
extern PGDLLIMPORT int ts_guc_worker_naptime;
extern PGDLLIMPORT int ts_guc_connect_timeout;
extern PGDLLIMPORT char *ts_guc_passfile;

typedef enum TsDistributedDefault
{
	TS_DISTRIBUTED_DEFAULT_AUTO,
	TS_DISTRIBUTED_DEFAULT_LOCAL,
	TS_DISTRIBUTED_DEFAULT_DISTRIBUTED
} TsDistributedDefault;

extern PGDLLIMPORT int ts_guc_hypertable_distributed_default;
extern PGDLLIMPORT bool ts_guc_enable_client_ddl_on_data_nodes;
extern PGDLLIMPORT bool ts_guc_enable_per_data_node_queries;
extern PGDLLIMPORT bool ts_guc_enable_remote_explain;
extern PGDLLIMPORT int ts_guc_fetch_size;
extern PGDLLIMPORT bool ts_guc_enable_2pc;
extern PGDLLIMPORT int ts_guc_txn_resolve_interval;
extern PGDLLIMPORT int ts_guc_health_check_interval;
extern PGDLLIMPORT int ts_guc_node_timeout;
extern PGDLLIMPORT bool ts_guc_auto_failover;
extern PGDLLIMPORT int ts_guc_failover_threshold;
extern PGDLLIMPORT int ts_guc_rereplicate_after;
extern PGDLLIMPORT char *ts_guc_ssl_dir;
extern PGDLLIMPORT char *ts_guc_ssl_root_cert;
extern PGDLLIMPORT int ts_guc_job_retry_interval;
extern PGDLLIMPORT int ts_guc_job_max_attempts;
extern PGDLLIMPORT int ts_guc_job_retention;
extern PGDLLIMPORT bool ts_guc_deliver_before_available;
extern PGDLLIMPORT bool ts_guc_defer_ddl_to_unavailable_nodes;

extern void ts_guc_init(void);

#endif							/* TIMESHARD_GUC_H */
