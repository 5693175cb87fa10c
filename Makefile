# Makefile — builds the timeshard extension with PGXS.
#
# One shared library, timeshard.so, from the sources in fdw/ (everything that
# runs in a client backend) and bgworker/ (the launcher and per-database
# workers).  `make && make install` as root installs into the PostgreSQL found
# by pg_config (Debian: /usr/lib/postgresql/15).

EXTENSION = timeshard
MODULE_big = timeshard

# Every .c file under fdw/ and bgworker/ is part of the library.
SRCS = $(sort $(wildcard fdw/*.c fdw/*/*.c bgworker/*.c))
OBJS = $(SRCS:.c=.o)

DATA = $(wildcard sql/timeshard--*.sql)

PG_CONFIG ?= $(shell command -v pg_config 2>/dev/null || echo /usr/lib/postgresql/15/bin/pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs)

PG_CPPFLAGS = -I$(libpq_srcdir) -I$(srcdir)/fdw -I$(srcdir)
# -Wextra's missing-field-initializers, unused-parameter, sign-compare and
# clobbered (PG_TRY's own variables) fire inside
# PostgreSQL's own headers and idioms (callback signatures); everything else is
# an error.
PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-missing-field-initializers -Wno-sign-compare -Wno-clobbered
SHLIB_LINK_INTERNAL = $(libpq)
SHLIB_LINK = -lssl -lcrypto

# LLVM bitcode for JIT inlining costs a second compilation of every file and
# buys nothing measurable for this code; `make with_llvm=yes` turns it back on.
with_llvm ?= no
override with_llvm := $(with_llvm)

EXTRA_CLEAN = test/results test/tmp

include $(PGXS)

.PHONY: test demo bench
test:
	bash test/run-all

demo:
	bash bin/timeshard-demo

bench:
	bash bench/run
