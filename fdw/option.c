/*-------------------------------------------------------------------------
 * option.c — the validator of timeshard_fdw: which options each kind of
 * object accepts, and their values.
 *
 * Servers (data nodes) take host, port and dbname, plus "available" (managed
 * by alter_data_node) and the scan tuning knobs; user mappings take the
 * credentials a role uses on the data node.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/reloptions.h"
#include "catalog/pg_foreign_data_wrapper.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_foreign_table.h"
#include "catalog/pg_user_mapping.h"
#include "commands/defrem.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/guc.h"

#include "option.h"

bool		ts_option_creating_chunk = false;

typedef enum OptionKind
{
	OPT_STRING,
	OPT_PORT,					/* integer 1..65535 */
	OPT_BOOL,
	OPT_POSITIVE_INT,			/* integer > 0 */
	OPT_NONNEG_REAL				/* real >= 0 */
} OptionKind;

typedef struct TsOption
{
	const char *name;
	Oid			context;		/* catalog of the object that takes it */
	OptionKind	kind;
	bool		superuser_only;
} TsOption;

static const TsOption ts_options[] = {
	{"host", ForeignServerRelationId, OPT_STRING, false},
	{"port", ForeignServerRelationId, OPT_PORT, false},
	{"dbname", ForeignServerRelationId, OPT_STRING, false},
	{"available", ForeignServerRelationId, OPT_BOOL, false},
	{"node_uuid", ForeignServerRelationId, OPT_STRING, true},
	{"fetch_size", ForeignServerRelationId, OPT_POSITIVE_INT, false},
	{"fdw_startup_cost", ForeignServerRelationId, OPT_NONNEG_REAL, false},
	{"fdw_tuple_cost", ForeignServerRelationId, OPT_NONNEG_REAL, false},
	{"fetch_size", ForeignDataWrapperRelationId, OPT_POSITIVE_INT, false},
	{"user", UserMappingRelationId, OPT_STRING, false},
	{"password", UserMappingRelationId, OPT_STRING, false},
	{"password_required", UserMappingRelationId, OPT_BOOL, true},
	{NULL, InvalidOid, OPT_STRING, false}
};

static void
report_invalid_option(const char *name, Oid context)
{
	StringInfoData valid;

	initStringInfo(&valid);
	for (const TsOption *opt = ts_options; opt->name != NULL; opt++)
	{
		if (opt->context == context)
			appendStringInfo(&valid, "%s%s", valid.len > 0 ? ", " : "", opt->name);
	}
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
			 errmsg("invalid option \"%s\"", name),
			 valid.len > 0
			 ? errhint("Valid options in this context are: %s.", valid.data)
			 : errhint("There are no valid options in this context.")));
}

static void
check_value(const TsOption *opt, DefElem *def)
{
	char	   *value = defGetString(def);

	switch (opt->kind)
	{
		case OPT_STRING:
			if (value[0] == '\0')
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
						 errmsg("option \"%s\" cannot be empty", opt->name)));
			break;
		case OPT_PORT:
			{
				int			port = pg_strtoint32(value);

				if (port < 1 || port > 65535)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("invalid port number %d", port),
							 errhint("The port number must be between 1 and 65535.")));
			}
			break;
		case OPT_BOOL:
			(void) defGetBoolean(def);
			break;
		case OPT_POSITIVE_INT:
			{
				int			n;

				if (!parse_int(value, &n, 0, NULL) || n <= 0)
					ereport(ERROR,
							(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
							 errmsg("%s requires a non-zero and positive integer value",
									opt->name)));
			}
			break;
		case OPT_NONNEG_REAL:
			{
				double		d;

				if (!parse_real(value, &d, 0, NULL) || d < 0)
					ereport(ERROR,
							(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
							 errmsg("%s requires a non-negative numeric value",
									opt->name)));
			}
			break;
	}
}

PG_FUNCTION_INFO_V1(timeshard_fdw_validator);

/*
 * Validate the options given to CREATE/ALTER of a timeshard_fdw wrapper,
 * server, user mapping or foreign table.
 */
Datum
timeshard_fdw_validator(PG_FUNCTION_ARGS)
{
	List	   *options = untransformRelOptions(PG_GETARG_DATUM(0));
	Oid			context = PG_GETARG_OID(1);
	ListCell   *lc;

	if (context == ForeignTableRelationId && !ts_option_creating_chunk)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("operation not supported"),
				 errdetail("Foreign tables of timeshard_fdw are the chunks of distributed hypertables and are made by timeshard."),
				 errhint("Use create_distributed_hypertable() to distribute a table over data nodes.")));

	foreach(lc, options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);
		const TsOption *found = NULL;

		for (const TsOption *opt = ts_options; opt->name != NULL; opt++)
		{
			if (opt->context == context && strcmp(opt->name, def->defname) == 0)
			{
				found = opt;
				break;
			}
		}
		if (found == NULL)
			report_invalid_option(def->defname, context);
		/* Only superusers may waive a protection (postgres_fdw's rule). */
		if (found->superuser_only && !superuser() &&
			!(found->kind == OPT_BOOL && defGetBoolean(def)))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to set option \"%s\"", found->name),
					 errhint("Only a superuser can set this option.")));
		check_value(found, def);
	}
	PG_RETURN_VOID();
}
