/*
 * tsbench.c — the measuring client of the benchmark (bench/run drives it).
 *
 * Three commands, each printing tab-separated result lines on stdout and
 * progress on stderr:
 *
 *   tsbench copy CONNINFO FILE [MAX_ROWS]
 *       COPY cpu FROM STDIN with the first MAX_ROWS lines of FILE (COPY text
 *       format, all lines by default) through one connection.  While it runs,
 *       samples the memory of the server backend serving that connection.
 *       Prints: copy ROWS SECONDS ROWS_PER_S PEAK_ANON_KB PEAK_RSS_KB HWM_KB
 *
 *   tsbench insert CONNINFO FILE BATCH CLIENTS [MAX_ROWS]
 *       Multi-row INSERT statements of BATCH rows each (autocommit), sent by
 *       CLIENTS concurrent connections (statement i by client i mod CLIENTS,
 *       like loaders that take batches from one queue).  The statements are
 *       built before the clock starts; the clock runs from the moment every
 *       client is connected until the last one is done.
 *       Prints: insert ROWS SECONDS ROWS_PER_S
 *
 *   tsbench queries QUERY_FILE RUNS WARMUPS OUT_DIR NAME=CONNINFO...
 *       For each query of QUERY_FILE, and each setup in turn: WARMUPS runs,
 *       the first of which gives the result that is compared across setups;
 *       then RUNS rounds, each running the query once on every setup
 *       (interleaved), timed from sending the query until the whole result is
 *       in.  Results are normalised (numbers with a fraction to 12
 *       significant digits; rows sorted unless the query's order is total)
 *       and written to OUT_DIR/QUERY.SETUP.out.
 *       Prints per query and setup:
 *         query NAME SETUP MEDIAN_MS MIN_MS MAX_MS ROWS CHECK
 *       where CHECK is "ref" for the first setup, then "ok" or "MISMATCH";
 *       and one line per timed run: run NAME SETUP ROUND MS
 *
 * QUERY_FILE holds blocks:
 *   -- name: single-groupby-1-1-1
 *   -- order: total            (or "none": compare the rows as a multiset)
 *   SELECT ...
 *
 * Exit status: 0 on success, 1 on a failed statement or a result mismatch
 * (after everything was measured), 2 on bad usage.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#define COPY_CHUNK_BYTES (1024 * 1024)
#define MEMORY_SAMPLE_INTERVAL_NS (10 * 1000 * 1000)	/* 10 ms */
#define MAX_SETUPS 8
#define MAX_QUERIES 64
#define NUMBER_DIGITS 12
#define PATH_MAX_LEN 16384
#define CPU_COLUMNS "time, hostname, usage_user, usage_system, usage_idle, usage_nice, " \
	"usage_iowait, usage_irq, usage_softirq, usage_steal, usage_guest, usage_guest_nice"

/* ------------------------------------------------------------------------
 * small helpers
 */

static void
die(const char *fmt, const char *arg)
{
	fprintf(stderr, "tsbench: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static PGconn *
connect_or_die(const char *conninfo)
{
	PGconn	   *conn = PQconnectdb(conninfo);

	if (PQstatus(conn) != CONNECTION_OK)
		die("connection failed: %s", PQerrorMessage(conn));
	return conn;
}

/* The whole file, mapped read-only; *len gets its size. */
static const char *
map_file(const char *path, size_t *len)
{
	int			fd = open(path, O_RDONLY);
	struct stat st;
	void	   *p;

	if (fd < 0 || fstat(fd, &st) != 0)
		die("cannot open %s", path);
	*len = (size_t) st.st_size;
	if (*len == 0)
	{
		close(fd);
		return "";
	}
	p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		die("cannot map %s", path);
	close(fd);
	/* touch every page now, so that reading the file is not timed */
	{
		volatile char sink = 0;

		for (size_t i = 0; i < *len; i += 4096)
			sink ^= ((const char *) p)[i];
		(void) sink;
	}
	return p;
}

/* Length of the first max_rows lines of buf (all of it if max_rows < 0). */
static size_t
prefix_of_rows(const char *buf, size_t len, long max_rows, long *rows)
{
	size_t		off = 0;
	long		n = 0;

	while (off < len && (max_rows < 0 || n < max_rows))
	{
		const char *nl = memchr(buf + off, '\n', len - off);

		off = nl ? (size_t) (nl - buf) + 1 : len;
		n++;
	}
	*rows = n;
	return off;
}

/* ------------------------------------------------------------------------
 * memory of a server backend, sampled from /proc while a COPY runs
 */

typedef struct MemorySampler
{
	int			pid;
	volatile bool stop;
	long		peak_anon_kb;	/* largest RssAnon seen */
	long		peak_rss_kb;	/* largest VmRSS seen */
	pthread_t	thread;
} MemorySampler;

/* Reads the "Name:   N kB" fields of /proc/PID/status we want; -1 if absent. */
static void
read_proc_status(int pid, long *anon_kb, long *rss_kb, long *hwm_kb)
{
	char		path[64],
				line[256];
	FILE	   *f;

	*anon_kb = *rss_kb = *hwm_kb = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f))
	{
		if (strncmp(line, "RssAnon:", 8) == 0)
			*anon_kb = atol(line + 8);
		else if (strncmp(line, "VmRSS:", 6) == 0)
			*rss_kb = atol(line + 6);
		else if (strncmp(line, "VmHWM:", 6) == 0)
			*hwm_kb = atol(line + 6);
	}
	fclose(f);
}

static void *
sampler_main(void *arg)
{
	MemorySampler *s = arg;
	struct timespec pause = {0, MEMORY_SAMPLE_INTERVAL_NS};

	while (!s->stop)
	{
		long		anon,
					rss,
					hwm;

		read_proc_status(s->pid, &anon, &rss, &hwm);
		if (anon > s->peak_anon_kb)
			s->peak_anon_kb = anon;
		if (rss > s->peak_rss_kb)
			s->peak_rss_kb = rss;
		nanosleep(&pause, NULL);
	}
	return NULL;
}

/* ------------------------------------------------------------------------
 * copy
 */

static int
cmd_copy(int argc, char **argv)
{
	const char *conninfo = argv[0];
	long		max_rows = argc > 2 ? atol(argv[2]) : -1;
	size_t		len,
				send_len;
	long		rows;
	const char *buf = map_file(argv[1], &len);
	PGconn	   *conn = connect_or_die(conninfo);
	PGresult   *res;
	MemorySampler sampler = {0};
	long		anon,
				rss,
				hwm;
	double		t0,
				t1;
	long		copied;

	send_len = prefix_of_rows(buf, len, max_rows, &rows);

	res = PQexec(conn, "SELECT pg_backend_pid()");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		die("pg_backend_pid() failed: %s", PQerrorMessage(conn));
	sampler.pid = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	sampler.peak_anon_kb = sampler.peak_rss_kb = -1;
	if (pthread_create(&sampler.thread, NULL, sampler_main, &sampler) != 0)
		die("cannot start the memory sampler%s", "");

	t0 = now_seconds();
	res = PQexec(conn, "COPY cpu FROM STDIN");
	if (PQresultStatus(res) != PGRES_COPY_IN)
		die("COPY failed to start: %s", PQerrorMessage(conn));
	PQclear(res);
	for (size_t off = 0; off < send_len; off += COPY_CHUNK_BYTES)
	{
		size_t		n = send_len - off < COPY_CHUNK_BYTES ? send_len - off : COPY_CHUNK_BYTES;

		if (PQputCopyData(conn, buf + off, (int) n) != 1)
			die("COPY failed: %s", PQerrorMessage(conn));
	}
	if (PQputCopyEnd(conn, NULL) != 1)
		die("COPY failed: %s", PQerrorMessage(conn));
	res = PQgetResult(conn);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		die("COPY failed: %s", PQerrorMessage(conn));
	copied = atol(PQcmdTuples(res));
	PQclear(res);
	while ((res = PQgetResult(conn)) != NULL)
		PQclear(res);
	t1 = now_seconds();

	sampler.stop = true;
	pthread_join(sampler.thread, NULL);
	read_proc_status(sampler.pid, &anon, &rss, &hwm);
	PQfinish(conn);

	if (copied != rows)
	{
		fprintf(stderr, "tsbench: COPY reported %ld rows, %ld were sent\n", copied, rows);
		return 1;
	}
	printf("copy\t%ld\t%.3f\t%.0f\t%ld\t%ld\t%ld\n", rows, t1 - t0, rows / (t1 - t0),
		   sampler.peak_anon_kb, sampler.peak_rss_kb, hwm);
	return 0;
}

/* ------------------------------------------------------------------------
 * insert
 */

/* A growable string. */
typedef struct Buf
{
	char	   *data;
	size_t		len,
				cap;
} Buf;

static void
buf_add(Buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap)
	{
		b->cap = (b->len + n + 1) * 2;
		b->data = realloc(b->data, b->cap);
		if (b->data == NULL)
			die("out of memory%s", "");
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Appends one COPY text field as an SQL literal: NULL, quoted, or as is. */
static void
add_literal(Buf *b, const char *f, size_t n, bool quote)
{
	if (n == 2 && f[0] == '\\' && f[1] == 'N')
	{
		buf_add(b, "NULL", 4);
		return;
	}
	if (!quote)
	{
		buf_add(b, f, n);
		return;
	}
	buf_add(b, "'", 1);
	for (size_t i = 0; i < n; i++)
	{
		buf_add(b, &f[i], 1);
		if (f[i] == '\'')
			buf_add(b, "'", 1);
	}
	buf_add(b, "'", 1);
}

/*
 * Builds the INSERT statements of BATCH rows each from COPY text lines (the
 * first two columns, time and hostname, are quoted; the metrics are numbers).
 */
static char **
build_inserts(const char *buf, size_t len, int batch, long *nstmts)
{
	char	  **stmts = NULL;
	long		n = 0,
				cap = 0;
	size_t		off = 0;

	while (off < len)
	{
		Buf			b = {0};

		buf_add(&b, "INSERT INTO cpu (" CPU_COLUMNS ") VALUES ", strlen("INSERT INTO cpu (" CPU_COLUMNS ") VALUES "));
		for (int r = 0; r < batch && off < len; r++)
		{
			const char *line = buf + off;
			const char *nl = memchr(line, '\n', len - off);
			size_t		line_len = nl ? (size_t) (nl - line) : len - off;
			size_t		pos = 0;
			int			col = 0;

			off += line_len + (nl ? 1 : 0);
			buf_add(&b, r == 0 ? "(" : ",(", r == 0 ? 1 : 2);
			while (pos <= line_len)
			{
				const char *f = line + pos;
				const char *tab = memchr(f, '\t', line_len - pos);
				size_t		flen = tab ? (size_t) (tab - f) : line_len - pos;

				if (col > 0)
					buf_add(&b, ",", 1);
				add_literal(&b, f, flen, col < 2);
				col++;
				pos += flen + 1;
			}
			buf_add(&b, ")", 1);
		}
		if (n == cap)
		{
			cap = cap ? cap * 2 : 1024;
			stmts = realloc(stmts, cap * sizeof(char *));
			if (stmts == NULL)
				die("out of memory%s", "");
		}
		stmts[n++] = b.data;
	}
	*nstmts = n;
	return stmts;
}

/* One client: connect, say ready, wait for the start, send its statements. */
static void
insert_client(const char *conninfo, char **stmts, long nstmts, int me, int clients,
			  int ready_fd, int go_fd, int report_fd)
{
	PGconn	   *conn = connect_or_die(conninfo);
	char		c = 'r',
				line[64];
	long		rows = 0;

	if (write(ready_fd, &c, 1) != 1)
		_exit(1);
	close(ready_fd);			/* the parent sees EOF once every client is ready or gone */
	if (read(go_fd, &c, 1) < 0)
		_exit(1);
	for (long i = me; i < nstmts; i += clients)
	{
		PGresult   *res = PQexec(conn, stmts[i]);

		if (PQresultStatus(res) != PGRES_COMMAND_OK)
		{
			fprintf(stderr, "tsbench: client %d: INSERT failed: %s", me, PQerrorMessage(conn));
			_exit(1);
		}
		rows += atol(PQcmdTuples(res));
		PQclear(res);
	}
	PQfinish(conn);
	snprintf(line, sizeof(line), "%ld\n", rows);
	if (write(report_fd, line, strlen(line)) < 0)
		_exit(1);
	_exit(0);
}

static int
cmd_insert(int argc, char **argv)
{
	const char *conninfo = argv[0];
	int			batch = atoi(argv[2]);
	int			clients = atoi(argv[3]);
	long		max_rows = argc > 4 ? atol(argv[4]) : -1;
	size_t		len;
	long		rows,
				nstmts,
				inserted = 0;
	const char *buf = map_file(argv[1], &len);
	char	  **stmts;
	int			ready[2],
				go[2],
				report[2];
	pid_t		pids[64];
	double		t0,
				t1;
	bool		failed = false;
	FILE	   *rf;
	char		line[64];

	if (batch < 1 || clients < 1 || clients > 64)
	{
		fprintf(stderr, "tsbench: insert: BATCH must be > 0 and CLIENTS 1..64\n");
		return 2;
	}
	len = prefix_of_rows(buf, len, max_rows, &rows);
	stmts = build_inserts(buf, len, batch, &nstmts);

	if (pipe(ready) != 0 || pipe(go) != 0 || pipe(report) != 0)
		die("pipe failed%s", "");
	fflush(stdout);
	fflush(stderr);
	for (int c = 0; c < clients; c++)
	{
		pids[c] = fork();
		if (pids[c] < 0)
			die("fork failed%s", "");
		if (pids[c] == 0)
		{
			close(ready[0]);
			close(go[1]);
			close(report[0]);
			insert_client(conninfo, stmts, nstmts, c, clients, ready[1], go[0], report[1]);
		}
	}
	close(ready[1]);
	close(go[0]);
	close(report[1]);
	for (int c = 0; c < clients; c++)
	{
		char		x;

		if (read(ready[0], &x, 1) != 1)
		{
			failed = true;
			break;
		}
	}
	t0 = now_seconds();
	close(go[1]);				/* every client's read returns: go */
	for (int c = 0; c < clients; c++)
	{
		int			status;

		if (waitpid(pids[c], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed = true;
	}
	t1 = now_seconds();
	rf = fdopen(report[0], "r");
	while (rf && fgets(line, sizeof(line), rf))
		inserted += atol(line);
	if (failed)
		return 1;
	if (inserted != rows)
	{
		fprintf(stderr, "tsbench: INSERT reported %ld rows, %ld were sent\n", inserted, rows);
		return 1;
	}
	printf("insert\t%ld\t%.3f\t%.0f\n", rows, t1 - t0, rows / (t1 - t0));
	return 0;
}

/* ------------------------------------------------------------------------
 * queries
 */

typedef struct Query
{
	char		name[128];
	bool		total_order;
	Buf			sql;
} Query;

typedef struct Setup
{
	char		name[64];
	PGconn	   *conn;
} Setup;

static int
read_queries(const char *path, Query *queries)
{
	FILE	   *f = fopen(path, "r");
	char		line[8192];
	int			n = 0;

	if (f == NULL)
		die("cannot open %s", path);
	while (fgets(line, sizeof(line), f))
	{
		if (strncmp(line, "-- name:", 8) == 0)
		{
			if (n == MAX_QUERIES)
				die("too many queries in %s", path);
			memset(&queries[n], 0, sizeof(Query));
			sscanf(line + 8, " %127s", queries[n].name);
			queries[n].total_order = true;
			n++;
		}
		else if (strncmp(line, "-- order:", 9) == 0 && n > 0)
			queries[n - 1].total_order = strstr(line, "none") == NULL;
		else if (n > 0 && strncmp(line, "--", 2) != 0)
			buf_add(&queries[n - 1].sql, line, strlen(line));
	}
	fclose(f);
	return n;
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Does the text look like a number with a fraction or an exponent? */
static bool
is_fractional_number(const char *s)
{
	bool		frac = false;

	if (*s == '-' || *s == '+')
		s++;
	if (!isdigit((unsigned char) *s) && *s != '.')
		return false;
	for (; *s; s++)
	{
		if (*s == '.' || *s == 'e' || *s == 'E')
			frac = true;
		else if (!isdigit((unsigned char) *s) && *s != '-' && *s != '+')
			return false;
	}
	return frac;
}

/*
 * The result as text, one line per row, fields separated by tabs, numbers
 * with a fraction rounded to NUMBER_DIGITS significant digits (partial
 * aggregation may add floats in another order); sorted unless the query's
 * ORDER BY makes the order total.
 */
static char *
normalise_result(PGresult *res, bool total_order)
{
	int			nrows = PQntuples(res),
				ncols = PQnfields(res);
	char	  **lines = malloc(sizeof(char *) * (nrows + 1));
	Buf			out = {0};

	buf_add(&out, "", 0);
	for (int r = 0; r < nrows; r++)
	{
		Buf			b = {0};

		buf_add(&b, "", 0);
		for (int c = 0; c < ncols; c++)
		{
			const char *v = PQgetvalue(res, r, c);
			char		num[64];

			if (c > 0)
				buf_add(&b, "\t", 1);
			if (PQgetisnull(res, r, c))
				v = "\\N";
			else if (is_fractional_number(v))
			{
				snprintf(num, sizeof(num), "%.*g", NUMBER_DIGITS, strtod(v, NULL));
				v = num;
			}
			buf_add(&b, v, strlen(v));
		}
		lines[r] = b.data;
	}
	if (!total_order)
		qsort(lines, nrows, sizeof(char *), compare_strings);
	for (int r = 0; r < nrows; r++)
	{
		buf_add(&out, lines[r], strlen(lines[r]));
		buf_add(&out, "\n", 1);
		free(lines[r]);
	}
	free(lines);
	return out.data;
}

static int
compare_doubles(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return x < y ? -1 : x > y;
}

/* Runs sql on conn, returns milliseconds; *res_out gets the result if asked. */
static double
timed_exec(Setup *s, const char *query_name, const char *sql, PGresult **res_out)
{
	double		t0 = now_seconds(),
				t1;
	PGresult   *res = PQexec(s->conn, sql);

	t1 = now_seconds();
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		fprintf(stderr, "tsbench: %s on %s failed: %s", query_name, s->name, PQerrorMessage(s->conn));
		exit(1);
	}
	if (res_out)
		*res_out = res;
	else
		PQclear(res);
	return (t1 - t0) * 1000.0;
}

static int
cmd_queries(int argc, char **argv)
{
	static Query queries[MAX_QUERIES];
	Setup		setups[MAX_SETUPS];
	int			nqueries = read_queries(argv[0], queries);
	int			runs = atoi(argv[1]),
				warmups = atoi(argv[2]);
	const char *outdir = argv[3];
	int			nsetups = argc - 4;
	bool		mismatch = false;

	if (runs < 1 || warmups < 1 || nsetups < 1 || nsetups > MAX_SETUPS)
	{
		fprintf(stderr, "tsbench: queries: RUNS and WARMUPS must be > 0, 1..%d setups\n", MAX_SETUPS);
		return 2;
	}
	for (int s = 0; s < nsetups; s++)
	{
		char	   *eq = strchr(argv[4 + s], '=');

		if (eq == NULL || eq - argv[4 + s] >= (long) sizeof(setups[s].name))
			die("setup must be NAME=CONNINFO: %s", argv[4 + s]);
		memcpy(setups[s].name, argv[4 + s], eq - argv[4 + s]);
		setups[s].name[eq - argv[4 + s]] = '\0';
		setups[s].conn = connect_or_die(eq + 1);
	}

	for (int q = 0; q < nqueries; q++)
	{
		Query	   *qu = &queries[q];
		char	   *results[MAX_SETUPS];
		int			nrows[MAX_SETUPS];
		double		times[MAX_SETUPS][64];

		if (runs > 64)
			runs = 64;
		fprintf(stderr, "  %-24s", qu->name);
		for (int s = 0; s < nsetups; s++)
		{
			PGresult   *res;
			char		path[PATH_MAX_LEN];
			FILE	   *f;

			timed_exec(&setups[s], qu->name, qu->sql.data, &res);
			nrows[s] = PQntuples(res);
			results[s] = normalise_result(res, qu->total_order);
			PQclear(res);
			for (int w = 1; w < warmups; w++)
				timed_exec(&setups[s], qu->name, qu->sql.data, NULL);
			snprintf(path, sizeof(path), "%s/%s.%s.out", outdir, qu->name, setups[s].name);
			f = fopen(path, "w");
			if (f)
			{
				fputs(results[s], f);
				fclose(f);
			}
		}
		for (int r = 0; r < runs; r++)
			for (int s = 0; s < nsetups; s++)
			{
				times[s][r] = timed_exec(&setups[s], qu->name, qu->sql.data, NULL);
				printf("run\t%s\t%s\t%d\t%.3f\n", qu->name, setups[s].name, r + 1, times[s][r]);
			}
		for (int s = 0; s < nsetups; s++)
		{
			double		sorted[64];
			double		median;
			const char *check = s == 0 ? "ref" : strcmp(results[s], results[0]) == 0 ? "ok" : "MISMATCH";

			memcpy(sorted, times[s], sizeof(double) * runs);
			qsort(sorted, runs, sizeof(double), compare_doubles);
			median = runs % 2 ? sorted[runs / 2] : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;
			if (strcmp(check, "MISMATCH") == 0)
				mismatch = true;
			printf("query\t%s\t%s\t%.3f\t%.3f\t%.3f\t%d\t%s\n", qu->name, setups[s].name,
				   median, sorted[0], sorted[runs - 1], nrows[s], check);
			fprintf(stderr, " %s %.1f ms%s", setups[s].name, median,
					strcmp(check, "MISMATCH") == 0 ? " (RESULT DIFFERS)" : "");
		}
		fputc('\n', stderr);
		fflush(stdout);
		for (int s = 0; s < nsetups; s++)
			free(results[s]);
	}
	for (int s = 0; s < nsetups; s++)
		PQfinish(setups[s].conn);
	return mismatch ? 1 : 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "copy") == 0)
		return cmd_copy(argc - 2, argv + 2);
	if (argc >= 6 && strcmp(argv[1], "insert") == 0)
		return cmd_insert(argc - 2, argv + 2);
	if (argc >= 7 && strcmp(argv[1], "queries") == 0)
		return cmd_queries(argc - 2, argv + 2);
	fprintf(stderr,
			"usage: tsbench copy CONNINFO FILE [MAX_ROWS]\n"
			"       tsbench insert CONNINFO FILE BATCH CLIENTS [MAX_ROWS]\n"
			"       tsbench queries QUERY_FILE RUNS WARMUPS OUT_DIR NAME=CONNINFO...\n");
	return 2;
}
