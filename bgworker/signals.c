/*-------------------------------------------------------------------------
 * signals.c — signal handling shared by the launcher and the workers.
 *
 * SIGTERM (fast shutdown, pg_terminate_backend, the launcher stopping a
 * worker) interrupts whatever runs, like any backend's; when it arrives while
 * the process sleeps in its loop, the process exits quietly with the code the
 * caller chose: 0 for workers (the launcher decides about restarts), 1 for
 * the launcher (so that the postmaster restarts a terminated launcher).
 * SIGHUP reloads the configuration at the top of the next loop.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <signal.h>

#include "miscadmin.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"

#include "signals.h"

static void
handle_sigterm(SIGNAL_ARGS)
{
	ShutdownRequestPending = true;
	die(postgres_signal_arg);
}

void
ts_bgw_setup_signals(void)
{
	pqsignal(SIGTERM, handle_sigterm);
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	BackgroundWorkerUnblockSignals();
}

/*
 * Call at the top of the loop, outside any transaction: exit on a shutdown
 * request, reload the configuration on SIGHUP, then serve other interrupts.
 */
void
ts_bgw_process_signals(int shutdown_exit_code)
{
	if (ShutdownRequestPending)
		proc_exit(shutdown_exit_code);
	if (ConfigReloadPending)
	{
		ConfigReloadPending = false;
		ProcessConfigFile(PGC_SIGHUP);
	}
	CHECK_FOR_INTERRUPTS();
}
