/*-------------------------------------------------------------------------
 * string_list.c — Lists of C strings: node names, chunk names, GIDs.
 *
 * PostgreSQL's list_member compares Nodes; these lists hold plain char *.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "string_list.h"

/* Is a string equal to s in the list? */
bool
ts_string_list_member(List *list, const char *s)
{
	ListCell   *lc;

	foreach(lc, list)
	{
		if (strcmp((char *) lfirst(lc), s) == 0)
			return true;
	}
	return false;
}

/* A copy of the list and of its strings, in the current memory context. */
List *
ts_string_list_copy(List *list)
{
	List	   *copy = NIL;
	ListCell   *lc;

	foreach(lc, list)
		copy = lappend(copy, pstrdup((char *) lfirst(lc)));
	return copy;
}
