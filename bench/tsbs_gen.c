/*
 * tsbs_gen.c — writes the Time Series Benchmark Suite's cpu-only data set
 * (the "cpu" table) in COPY text format, deterministically.
 *
 * Shape, as in TSBS's cpu-only use case: HOSTS hosts named host_0 ..
 * host_<HOSTS-1>, one row per host every INTERVAL seconds from START, rows in
 * time order with the hosts in order within each timestamp; ten metrics
 * (usage_user .. usage_guest_nice), each a random walk with normally
 * distributed steps (mean 0, deviation 1) clamped to [0, 100], starting at a
 * uniformly drawn value, written as whole numbers.  The pseudo-random numbers
 * come from a fixed seed, so the same arguments always give the same bytes.
 *
 *   tsbs_gen ROWS [HOSTS [INTERVAL_S [START_EPOCH [SEED]]]] > cpu.tsv
 *
 * Columns: time (UTC, "YYYY-MM-DD HH:MM:SS+00"), hostname, the ten metrics,
 * tab-separated, one row per line.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NUM_METRICS 10
#define DEFAULT_HOSTS 100
#define DEFAULT_INTERVAL_S 10
#define DEFAULT_START_EPOCH 1451606400	/* 2016-01-01 00:00:00 UTC, TSBS's default */
#define DEFAULT_SEED 20160101
#define METRIC_MIN 0.0
#define METRIC_MAX 100.0
#define OUT_BUFFER_SIZE (1 << 20)

static uint64_t rng_state;

/* splitmix64: small, fast, and good enough for benchmark data */
static uint64_t
rng_next(void)
{
	uint64_t	z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* uniform in [0, 1) */
static double
rng_uniform(void)
{
	return (double) (rng_next() >> 11) * (1.0 / 9007199254740992.0);
}

/* standard normal, Box-Muller (one value per call; the second is dropped) */
static double
rng_normal(void)
{
	double		u1 = rng_uniform(),
				u2 = rng_uniform();

	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static long
parse_long(const char *s, const char *what, long min)
{
	char	   *end;
	long		v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min)
	{
		fprintf(stderr, "tsbs_gen: bad %s \"%s\"\n", what, s);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	long		rows,
				hosts = DEFAULT_HOSTS,
				interval = DEFAULT_INTERVAL_S,
				start = DEFAULT_START_EPOCH,
				seed = DEFAULT_SEED;
	double	   *walk;
	long		row = 0;
	char		stamp[64];
	static char outbuf[OUT_BUFFER_SIZE];

	if (argc < 2 || argc > 6)
	{
		fprintf(stderr, "usage: tsbs_gen ROWS [HOSTS [INTERVAL_S [START_EPOCH [SEED]]]]\n");
		return 2;
	}
	rows = parse_long(argv[1], "row count", 0);
	if (argc > 2)
		hosts = parse_long(argv[2], "host count", 1);
	if (argc > 3)
		interval = parse_long(argv[3], "interval", 1);
	if (argc > 4)
		start = parse_long(argv[4], "start", 0);
	if (argc > 5)
		seed = parse_long(argv[5], "seed", 0);

	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	rng_state = (uint64_t) seed;
	walk = malloc(sizeof(double) * hosts * NUM_METRICS);
	if (walk == NULL)
	{
		fprintf(stderr, "tsbs_gen: out of memory\n");
		return 1;
	}
	for (long i = 0; i < hosts * NUM_METRICS; i++)
		walk[i] = METRIC_MIN + rng_uniform() * (METRIC_MAX - METRIC_MIN);

	for (long step = 0; row < rows; step++)
	{
		time_t		t = (time_t) (start + step * interval);
		struct tm	tm;

		gmtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S+00", &tm);
		for (long h = 0; h < hosts && row < rows; h++, row++)
		{
			double	   *m = &walk[h * NUM_METRICS];

			printf("%s\thost_%ld", stamp, h);
			for (int k = 0; k < NUM_METRICS; k++)
			{
				m[k] += rng_normal();
				if (m[k] < METRIC_MIN)
					m[k] = METRIC_MIN;
				if (m[k] > METRIC_MAX)
					m[k] = METRIC_MAX;
				printf("\t%d", (int) lround(m[k]));
			}
			putchar('\n');
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout))
	{
		perror("tsbs_gen: write");
		return 1;
	}
	free(walk);
	return 0;
}
