/*-------------------------------------------------------------------------
 * string_list.h — Lists of C strings (string_list.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_STRING_LIST_H
#define TIMESHARD_STRING_LIST_H

#include "nodes/pg_list.h"

extern bool ts_string_list_member(List *list, const char *s);
extern List *ts_string_list_copy(List *list);

#endif							/* TIMESHARD_STRING_LIST_H */
