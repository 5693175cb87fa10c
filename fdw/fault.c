/*-------------------------------------------------------------------------
 * fault.c — fault injection at the steps of the commit protocol.
 *
 * timeshard.debug_fault = '<point>:<action>' (superuser only, empty by
 * default) makes the step named <point> fail in the way <action> says, the
 * every time it is reached:
 *
 *	error		the step fails with an ERROR (after the local commit, where an
 *				ERROR is impossible, the step is skipped with a WARNING)
 *	kill_remote	the data node's backend of the step is terminated
 *	exit		the access node's backend dies at once (as in a crash)
 *	sleep:<ms>	the step waits, so that a test can stop a node meanwhile
 *
 * The points are listed in docs/transactions.md; a point name that is not
 * known is refused when the setting is made.  When the setting is empty,
 * a fault check costs one comparison.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <signal.h>
#include <unistd.h>

#include "miscadmin.h"
#include "utils/guc.h"

#include "fault.h"

char	   *ts_guc_debug_fault = NULL;

/* Every point of the commit protocol (keep docs/transactions.md in step). */
static const char *const fault_points[] = {
	"before_prepare",
	"after_commit_record",
	"after_prepare_first",
	"after_prepare",
	"after_local_commit",
	"after_commit_prepared_first",
	"after_commit_prepared",
	"during_abort",
	NULL
};

typedef struct FaultSetting
{
	char		point[64];
	TsFaultAction action;
	int			sleep_ms;
} FaultSetting;

static FaultSetting *current = NULL;

static bool
parse(const char *value, FaultSetting *out)
{
	const char *colon = strchr(value, ':');
	const char *action;
	bool		known = false;

	if (colon == NULL || colon - value >= (int) sizeof(out->point))
		return false;
	memset(out, 0, sizeof(*out));
	memcpy(out->point, value, colon - value);
	for (int i = 0; fault_points[i] != NULL; i++)
		known |= strcmp(fault_points[i], out->point) == 0;
	if (!known)
		return false;
	action = colon + 1;
	if (strcmp(action, "error") == 0)
		out->action = TS_FAULT_ERROR;
	else if (strcmp(action, "kill_remote") == 0)
		out->action = TS_FAULT_KILL_REMOTE;
	else if (strcmp(action, "exit") == 0)
		out->action = TS_FAULT_EXIT;
	else if (strncmp(action, "sleep:", 6) == 0 && atoi(action + 6) > 0)
	{
		out->action = TS_FAULT_SLEEP;
		out->sleep_ms = atoi(action + 6);
	}
	else
		return false;
	return true;
}

bool
ts_fault_check_hook(char **newval, void **extra, GucSource source)
{
	FaultSetting setting;
	FaultSetting *copy;

	if (*newval == NULL || (*newval)[0] == '\0')
	{
		*extra = NULL;
		return true;
	}
	if (!parse(*newval, &setting))
	{
		GUC_check_errdetail("Expected \"<point>:<action>\" with a point of docs/transactions.md "
							"and an action among error, kill_remote, exit, sleep:<ms>.");
		return false;
	}
	copy = malloc(sizeof(FaultSetting));
	if (copy == NULL)
		return false;
	*copy = setting;
	*extra = copy;
	return true;
}

void
ts_fault_assign_hook(const char *newval, void *extra)
{
	current = (FaultSetting *) extra;
}

/*
 * Is a fault set at this point?  Performs what can be done here (exit,
 * sleep, killing the node's backend on conn) and returns the action, so
 * that the caller fails the step for TS_FAULT_ERROR.
 */
TsFaultAction
ts_fault_at(const char *point, TsConnection *conn)
{
	if (current == NULL || strcmp(current->point, point) != 0)
		return TS_FAULT_NONE;
	ereport(LOG,
			(errmsg("timeshard fault injected at %s: %s", point, ts_guc_debug_fault)));
	switch (current->action)
	{
		case TS_FAULT_EXIT:
			/* As a crash: no cleanup, the postmaster restarts everything. */
			(void) kill(getpid(), SIGKILL);
			pg_usleep(1000000L);
			break;
		case TS_FAULT_SLEEP:
			pg_usleep((long) current->sleep_ms * 1000L);
			break;
		case TS_FAULT_KILL_REMOTE:
			if (conn != NULL && conn->pg != NULL)
			{
				TsRemoteError err;

				(void) ts_conn_exec_ok(conn, "SELECT pg_catalog.pg_terminate_backend(pg_catalog.pg_backend_pid())",
									   ts_deadline_after_ms(5000), &err);
			}
			break;
		default:
			break;
	}
	return current->action;
}
