/*-------------------------------------------------------------------------
 * ssl_params.h — SSL and client certificates for data-node connections
 * (ssl_params.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_REMOTE_SSL_PARAMS_H
#define TIMESHARD_REMOTE_SSL_PARAMS_H

#include "remote/connection.h"

extern bool ts_ssl_enabled(void);
extern char *ts_ssl_cert_path(const char *user);
extern char *ts_ssl_missing_file(const char *user);
extern void ts_ssl_add_params(TsConnParams *params, const char *user, bool offer_cert);

#endif							/* TIMESHARD_REMOTE_SSL_PARAMS_H */
