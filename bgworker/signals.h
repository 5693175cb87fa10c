/*-------------------------------------------------------------------------
 * signals.h — signal handling shared by the launcher and the workers
 * (signals.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_SIGNALS_H
#define TIMESHARD_SIGNALS_H

extern void ts_bgw_setup_signals(void);
extern void ts_bgw_process_signals(int shutdown_exit_code);

#endif							/* TIMESHARD_SIGNALS_H */
