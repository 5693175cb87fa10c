/*-------------------------------------------------------------------------
 * job_runner.h — the worker runs distributed_exec jobs (job_runner.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_JOB_RUNNER_H
#define TIMESHARD_JOB_RUNNER_H

extern void ts_job_runner_round(long *next_ms);
extern bool ts_job_runner_deliver(const char *node_name);
extern void ts_job_runner_purge(void);

#endif							/* TIMESHARD_JOB_RUNNER_H */
