/*-------------------------------------------------------------------------
 * ssl_params.c — certificate authentication to data nodes.
 *
 * When the access node runs with ssl = on, or timeshard.ssl_dir is set,
 * connections to data nodes use SSL: sslmode verify-full when a CA is
 * configured (timeshard.ssl_root_cert, else the server's ssl_ca_file),
 * otherwise require.  The client certificate of the remote user is
 *
 *	<timeshard.ssl_dir or $PGDATA/timeshard/certs>/<md5 hex of user>.crt
 *
 * with its key next to it as .key: an access node holds the certificates
 * of the roles it connects as, one file per role, named so that role names
 * need no escaping.  A key readable by group or others is refused (as
 * libpq does).  When no certificate is there, the connection goes on
 * without one (password authentication over SSL), and if the node refuses
 * it, the error names the file that was looked for.
 *
 * A non-superuser never uses another role's certificate: when its user
 * mapping names another remote user, no certificate is offered.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "miscadmin.h"
#include "postmaster/postmaster.h"
#include "utils/guc.h"

#include "guc.h"
#include "remote/ssl_params.h"

/* The md5 digest of the name in hex, computed with OpenSSL. */
static char *
md5_hex(const char *name)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char	   *hex;

	if (!EVP_Digest(name, strlen(name), digest, &len, EVP_md5(), NULL))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not compute the md5 digest of a user name"),
				 errhint("The certificate files of data-node users are named by it; "
						 "check that OpenSSL allows md5.")));
	hex = palloc(len * 2 + 1);
	for (unsigned int i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", digest[i]);
	return hex;
}

static const char *
certs_dir(void)
{
	if (ts_guc_ssl_dir != NULL && ts_guc_ssl_dir[0] != '\0')
		return ts_guc_ssl_dir;
	return psprintf("%s/timeshard/certs", DataDir);
}

bool
ts_ssl_enabled(void)
{
	return EnableSSL || (ts_guc_ssl_dir != NULL && ts_guc_ssl_dir[0] != '\0');
}

/* The expected certificate path of the remote user. */
char *
ts_ssl_cert_path(const char *user)
{
	return psprintf("%s/%s.crt", certs_dir(), md5_hex(user));
}

/* The first of the user's certificate and key that is not there. */
char *
ts_ssl_missing_file(const char *user)
{
	char	   *crt = ts_ssl_cert_path(user);

	if (access(crt, R_OK) != 0)
		return crt;
	return psprintf("%s/%s.key", certs_dir(), md5_hex(user));
}

/*
 * Add the SSL parameters for a connection as the remote user.  offer_cert:
 * whether the user's certificate may be offered.
 */
void
ts_ssl_add_params(TsConnParams *params, const char *user, bool offer_cert)
{
	const char *ca = NULL;
	const char *ssl_ca_file = GetConfigOption("ssl_ca_file", true, false);
	char	   *crt;
	char	   *key;
	struct stat st;

	if (!ts_ssl_enabled())
		return;
	if (ts_guc_ssl_root_cert != NULL && ts_guc_ssl_root_cert[0] != '\0')
		ca = ts_guc_ssl_root_cert;
	else if (ssl_ca_file != NULL && ssl_ca_file[0] != '\0')
		ca = is_absolute_path(ssl_ca_file) ? ssl_ca_file
			: psprintf("%s/%s", DataDir, ssl_ca_file);
	ts_conn_params_add(params, "sslmode", ca ? "verify-full" : "require");
	if (ca != NULL)
		ts_conn_params_add(params, "sslrootcert", ca);
	if (!offer_cert)
		return;

	crt = ts_ssl_cert_path(user);
	key = psprintf("%s/%s.key", certs_dir(), md5_hex(user));
	if (access(crt, R_OK) != 0 || stat(key, &st) != 0)
		return;
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("private key file \"%s\" has group or world access", key),
				 errdetail("The key of data-node user \"%s\" must be readable by its owner only.", user),
				 errhint("Run: chmod 0600 %s", key)));
	ts_conn_params_add(params, "sslcert", crt);
	ts_conn_params_add(params, "sslkey", key);
}
