/*-------------------------------------------------------------------------
 * health.c — probing data nodes: can they be reached, do they answer, how
 * fast.
 *
 * Every node is probed at once: a new connection (not the session's cached
 * ones) and "SELECT pg_is_in_recovery()", all driven by one wait on every
 * socket, each bounded by timeshard.node_timeout — so a node that accepts
 * TCP but does not answer (a stopped process) counts as down after that
 * time and delays nobody else.  A probe never throws: an unreachable node is
 * a result with an error message.
 *
 * data_node_health() shows the probes; the worker (bgworker/worker.c) runs
 * them every timeshard.health_check_interval and acts on them
 * (failover.c).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "guc.h"
#include "health.h"
#include "remote/cache.h"

typedef enum ProbeState
{
	PROBE_CONNECTING,
	PROBE_QUERYING,
	PROBE_DONE
} ProbeState;

typedef struct Probe
{
	TsNodeProbe *result;
	PGconn	   *pg;
	ProbeState	state;
	PostgresPollingStatusType poll;
	TimestampTz start;
} Probe;

static void
probe_fail(Probe *p, const char *what)
{
	char	   *msg = p->pg != NULL ? pstrdup(PQerrorMessage(p->pg)) : pstrdup("");
	int			len = strlen(msg);

	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		msg[--len] = '\0';
	p->result->healthy = false;
	p->result->error = len > 0 ? psprintf("%s: %s", what, msg) : pstrdup(what);
	p->state = PROBE_DONE;
	if (p->pg != NULL)
	{
		PQfinish(p->pg);
		p->pg = NULL;
	}
}

static void
probe_start(Probe *p, TsDataNode *node)
{
	TsConnParams params;
	int			n;
	const char **keywords;
	const char **values;
	int			i = 0;
	ListCell   *k;
	ListCell   *v;

	p->start = GetCurrentTimestamp();
	PG_TRY();
	{
		params = ts_conn_params_for(node->serverid, GetUserId());
	}
	PG_CATCH();
	{
		ErrorData  *edata = CopyErrorData();

		FlushErrorState();
		p->pg = NULL;
		p->result->healthy = false;
		p->result->error = edata->message;
		p->state = PROBE_DONE;
		return;
	}
	PG_END_TRY();
	n = list_length(params.keywords);
	keywords = palloc0(sizeof(char *) * (n + 1));
	values = palloc0(sizeof(char *) * (n + 1));
	forboth(k, params.keywords, v, params.values)
	{
		keywords[i] = lfirst(k);
		values[i] = lfirst(v);
		i++;
	}
	p->pg = PQconnectStartParams(keywords, values, false);
	if (p->pg == NULL || PQstatus(p->pg) == CONNECTION_BAD)
	{
		probe_fail(p, "could not connect");
		return;
	}
	p->state = PROBE_CONNECTING;
	p->poll = PGRES_POLLING_WRITING;
}

/* Move the probe on as far as its socket allows. */
static void
probe_advance(Probe *p)
{
	if (p->state == PROBE_CONNECTING)
	{
		p->poll = PQconnectPoll(p->pg);
		if (p->poll == PGRES_POLLING_FAILED)
			probe_fail(p, "could not connect");
		else if (p->poll == PGRES_POLLING_OK)
		{
			if (PQsetnonblocking(p->pg, 1) != 0 ||
				!PQsendQuery(p->pg, "SELECT pg_catalog.pg_is_in_recovery()"))
				probe_fail(p, "could not send the health query");
			else
				p->state = PROBE_QUERYING;
		}
	}
	if (p->state == PROBE_QUERYING)
	{
		if (PQflush(p->pg) < 0 || !PQconsumeInput(p->pg))
		{
			probe_fail(p, "connection lost");
			return;
		}
		if (!PQisBusy(p->pg))
		{
			PGresult   *res = PQgetResult(p->pg);

			if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
			{
				if (res != NULL)
					PQclear(res);
				probe_fail(p, "the health query failed");
				return;
			}
			p->result->in_recovery = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
			p->result->healthy = !p->result->in_recovery;
			if (p->result->in_recovery)
				p->result->error = pstrdup("the data node is in recovery");
			p->result->latency_ms =
				(double) (GetCurrentTimestamp() - p->start) / 1000.0;
			PQclear(res);
			PQfinish(p->pg);
			p->pg = NULL;
			p->state = PROBE_DONE;
		}
	}
}

/*
 * Probe the nodes, all at once, each within timeout_ms.  Returns a list of
 * TsNodeProbe in the order of nodes.
 */
List *
ts_health_probe(List *nodes, int timeout_ms)
{
	int			n = list_length(nodes);
	Probe	   *probes = palloc0(sizeof(Probe) * Max(n, 1));
	List	   *results = NIL;
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), timeout_ms);
	ListCell   *lc;

	foreach(lc, nodes)
	{
		Probe	   *p = &probes[foreach_current_index(lc)];

		p->result = palloc0(sizeof(TsNodeProbe));
		p->result->node = (TsDataNode *) lfirst(lc);
		probe_start(p, p->result->node);
		results = lappend(results, p->result);
	}

	for (;;)
	{
		WaitEventSet *set;
		WaitEvent	events[8];
		int			pending = 0;
		long		remaining;

		for (int i = 0; i < n; i++)
			if (probes[i].state != PROBE_DONE)
				probe_advance(&probes[i]);
		for (int i = 0; i < n; i++)
			pending += probes[i].state != PROBE_DONE;
		remaining = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), deadline);
		if (pending == 0 || remaining <= 0)
			break;

		set = CreateWaitEventSet(CurrentMemoryContext, n + 2);
		AddWaitEventToSet(set, WL_LATCH_SET, PGINVALID_SOCKET, MyLatch, NULL);
		AddWaitEventToSet(set, WL_EXIT_ON_PM_DEATH, PGINVALID_SOCKET, NULL, NULL);
		for (int i = 0; i < n; i++)
		{
			Probe	   *p = &probes[i];
			int			ev;

			if (p->state == PROBE_DONE || PQsocket(p->pg) < 0)
				continue;
			if (p->state == PROBE_CONNECTING)
				ev = p->poll == PGRES_POLLING_READING ? WL_SOCKET_READABLE : WL_SOCKET_WRITEABLE;
			else
				ev = WL_SOCKET_READABLE;
			AddWaitEventToSet(set, ev, PQsocket(p->pg), NULL, NULL);
		}
		(void) WaitEventSetWait(set, remaining, events, lengthof(events), PG_WAIT_EXTENSION);
		FreeWaitEventSet(set);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}

	for (int i = 0; i < n; i++)
	{
		if (probes[i].state != PROBE_DONE)
		{
			probes[i].result->healthy = false;
			probes[i].result->error = psprintf("no answer within %d ms", timeout_ms);
			if (probes[i].pg != NULL)
				PQfinish(probes[i].pg);
			probes[i].pg = NULL;
		}
	}
	return results;
}

/* Probe the named data node alone; NULL when there is no such node. */
TsNodeProbe *
ts_health_probe_node(const char *node_name, int timeout_ms)
{
	TsDataNode *node = ts_data_node_get(node_name, true);

	if (node == NULL)
		return NULL;
	return (TsNodeProbe *) linitial(ts_health_probe(list_make1(node), timeout_ms));
}

/* For the connection layer: a node we wait on for long, is it alive? */
static bool
node_is_alive(const char *node_name)
{
	TsNodeProbe *probe = ts_health_probe_node(node_name, Max(ts_guc_node_timeout / 2, 1));

	if (probe == NULL)
		return true;
	if (!probe->healthy)
		ereport(LOG,
				(errmsg("data node \"%s\" does not answer: %s", node_name, probe->error)));
	return probe->healthy;
}

void
ts_health_init(void)
{
	ts_conn_liveness_check = node_is_alive;
}

PG_FUNCTION_INFO_V1(data_node_health);

/*
 * data_node_health() RETURNS TABLE(node_name, healthy, in_recovery,
 * latency_ms, error): one row per data node, never an error for a node.
 */
Datum
data_node_health(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	foreach(lc, ts_health_probe(ts_data_node_list(), ts_guc_node_timeout))
	{
		TsNodeProbe *probe = (TsNodeProbe *) lfirst(lc);
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		values[0] = DirectFunctionCall1(namein, CStringGetDatum(probe->node->name));
		values[1] = BoolGetDatum(probe->healthy);
		values[2] = BoolGetDatum(probe->in_recovery);
		nulls[2] = probe->error != NULL && !probe->in_recovery;
		values[3] = Float8GetDatum(probe->latency_ms);
		nulls[3] = probe->latency_ms <= 0 && !probe->healthy;
		values[4] = probe->error ? CStringGetTextDatum(probe->error) : (Datum) 0;
		nulls[4] = probe->error == NULL;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
