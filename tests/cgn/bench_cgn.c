/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The cost of CGN accounting and NAT event logging on one worker's NAT64
 * table (scripts/bench-logging.sh; results in doc/performance.md). Modes,
 * interleaved round by round in one process so that they see the same
 * machine state:
 *
 *   off        no cgn section: the NAT64 table alone (the baseline)
 *   limits     cgn with limits, logging off (no destination configured)
 *   log-bib    + BIB create/delete events into the ring
 *   log-all    + BIB and session events (two per flow each way)
 *   pba-log    port blocks of 64, block events
 *
 * Each round creates FLOWS new UDP flows through nat64_out (a BIB entry and a
 * session each: the path where events are produced), then sends one packet
 * per existing flow (the path every later packet takes), then expires them
 * all (nat64_expire: the deletions and their events). The event ring is
 * drained between phases, as the control thread would, and not timed; the
 * drain and IPFIX encoding of the events is timed apart (control thread cost).
 * Times are the thread's CPU time (a shared machine's waits excluded); each
 * mode's tables are made once and reused, round 0 (page faults) discarded.
 * Prints ns per flow (median of the rounds) and the events produced/dropped.
 *
 *   bench_cgn [FLOWS] [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "cgn.h"
#include "ipfix.h"
#include "nat64.h"
#include "xlat.h"
#include "bytes.h"
#include "nat64_filter.h"
#include "eal_test.h"

enum { M_OFF, M_LIMITS, M_LOG_BIB, M_LOG_ALL, M_PBA, N_MODES };
static const char *const mode_name[] = { "off", "limits", "log-bib", "log-all", "pba-log" };

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct res {
	double create, lookup, expire, drain; /* ns per flow */
	uint64_t events, dropped;
};

static unsigned drain(struct rte_ring *r, struct ipfix_stream *st, bool encode)
{
	struct natlog_event ev[256];
	uint8_t buf[IPFIX_MAX_MSG];
	unsigned n, total = 0;

	while ((n = rte_ring_sc_dequeue_burst_elem(r, ev, sizeof(ev[0]), 256, NULL)) != 0) {
		total += n;
		for (unsigned off = 0; encode && off < n;) {
			unsigned used;
			ipfix_encode(st, 0, false, ev + off, n - off, &used, buf, sizeof(buf));
			off += used ? used : n - off;
		}
	}
	return total;
}

struct setup {
	struct xlat_config *cfg;
	struct nat64_table *t;
	struct cgn_table *c;
	struct rte_ring *ring;
	uint64_t counters[XSTAT_MAX];
};

static struct setup *make(int mode, unsigned flows)
{
	static unsigned gen;
	char name[32];
	struct setup *su = calloc(1, sizeof(*su));
	struct xlat_config *cfg = calloc(1, sizeof(*cfg));

	xlat_config_init(cfg, XLAT_MODE_NAT64);
	cfg->pool4[0] = (struct pool4_entry){ .proto = 17, .addr = 0x000200c0 /* 192.0.2.0 */, .plen = 24,
					      .port_min = 1024, .port_max = 65535 };
	cfg->n_pool4 = 1;
	snprintf(name, sizeof(name), "b%u_", gen++);
	struct nat64_table *t = nat64_table_create(name, flows + 1024, 0, 1, 0);
	struct cgn_table *c = NULL;
	struct rte_ring *ring = NULL;
	if (mode != M_OFF) {
		cfg->cgn.enabled = true;
		cfg->cgn.max_sessions = 100000;
		cfg->cgn.max_ports[CGN_UDP] = 100000;
		cfg->cgn.log_events = mode == M_LOG_BIB ? CGN_LOG_BIB
				    : mode == M_LOG_ALL ? (CGN_LOG_BIB | CGN_LOG_SESSION)
				    : mode == M_PBA	? CGN_LOG_BLOCK
							: 0;
		cfg->cgn.ipfix.set = mode != M_LIMITS;
		if (mode == M_PBA) {
			cfg->cgn.block_size = 64;
			cfg->cgn.max_blocks = 64;
		}
		snprintf(name, sizeof(name), "c%u_", gen);
		c = cgn_table_create(name, flows + 1024, mode == M_PBA, 0, 1, 0);
		snprintf(name, sizeof(name), "r%u", gen);
		/* the dataplane's ring size: 8192 events between two drains */
		ring = rte_ring_create_elem(name, sizeof(struct natlog_event), 8192, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		cgn_set_output(c, ring, su->counters);
		nat64_attach_cgn(t, c);
	}
	su->cfg = cfg;
	su->t = t;
	su->c = c;
	su->ring = ring;
	return su;
}

static struct res run_mode(struct setup *su, int mode, unsigned flows, unsigned round)
{
	struct xlat_config *cfg = su->cfg;
	struct nat64_table *t = su->t;
	struct rte_ring *ring = su->ring;
	uint64_t *counters = su->counters;
	struct ipfix_stream st = { .domain = 1 };
	struct res r = { 0 };

	memset(su->counters, 0, sizeof(su->counters));
	struct xlat_ctx ctx = { .cfg = cfg, .counters = counters, .nat = t, .rand_state = 1,
				.now_ns = (1000 + round * 3600 * 1000ull) * 1000000ull };
	uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	uint32_t a4, dst = 0x026433c6; /* 198.51.100.2 */
	uint16_t p4;
	/* 32 hosts in each /56, 64 flows each: flows / 2048 subscribers */
#define FLOW_SRC(i)                                                                                             \
	do {                                                                                                    \
		uint32_t h = (i) / 64, sub = h / 32 + round * 7919u;                                          \
		src[4] = (uint8_t)(sub >> 16);                                                                 \
		src[5] = (uint8_t)(sub >> 8);                                                                  \
		src[6] = (uint8_t)sub;                                                                         \
		src[15] = (uint8_t)(h % 32);                                                                   \
	} while (0)
	/* create: drained every 2048 flows (the control thread drains far more often than that) */
	double t0 = now_ns(), spent = 0;
	for (unsigned i = 0; i < flows; i++) {
		FLOW_SRC(i);
		if (nat64_out(&ctx, 17, src, (uint16_t)(10000 + i % 64), dst, 53, 0, &a4, &p4) != XLAT_OK) {
			fprintf(stderr, "%s: flow %u refused\n", mode_name[mode], i);
			exit(1);
		}
		if (ring && (i & 2047) == 2047) {
			double d0 = now_ns();
			r.events += drain(ring, &st, false);
			spent += now_ns() - d0;
		}
	}
	r.create = (now_ns() - t0 - spent) / flows;
	if (ring)
		r.events += drain(ring, &st, false);
	/* later packets of existing flows */
	t0 = now_ns();
	for (unsigned i = 0; i < flows; i++) {
		FLOW_SRC(i);
		nat64_out(&ctx, 17, src, (uint16_t)(10000 + i % 64), dst, 53, 0, &a4, &p4);
	}
	r.lookup = (now_ns() - t0) / flows;
	/* expiry of everything, 4096 at a time with a drain between (timed apart: IPFIX encoding included) */
	uint64_t late = 1000 + 10 * 60 * 1000 + round * 3600 * 1000ull;
	double drain_ns = 0;
	unsigned drained = 0;
	spent = 0;
	t0 = now_ns();
	for (;;) {
		unsigned n = nat64_expire(t, cfg, late, 2048);
		if (ring) {
			double d0 = now_ns();
			drained += drain(ring, &st, true);
			double d = now_ns() - d0;
			spent += d;
			drain_ns += d;
		}
		if (!n)
			break;
	}
	r.expire = (now_ns() - t0 - spent) / flows;
	r.events += drained;
	r.drain = drained ? drain_ns / drained : 0;
	r.dropped = counters[XLAT_NATLOG_DROPPED];
	if (nat64_table_sessions(t) != 0) {
		fprintf(stderr, "%s: %u sessions left\n", mode_name[mode], nat64_table_sessions(t));
		exit(1);
	}
	return r;
}

int main(int argc, char **argv)
{
	unsigned flows = argc > 1 ? (unsigned)atoi(argv[1]) : 100000, rounds = argc > 2 ? (unsigned)atoi(argv[2]) : 5;
	if (eal_test_start("bcgn", "1024") != 0)
		return 1;
	static double v[N_MODES][4][64];
	static uint64_t ev[N_MODES], drop[N_MODES];
	if (rounds > 63)
		rounds = 63;
	struct setup *su[N_MODES];
	for (int m = 0; m < N_MODES; m++)
		su[m] = make(m, flows);
	for (unsigned rd = 0; rd <= rounds; rd++) {
		for (int m = 0; m < N_MODES; m++) {
			struct res r = run_mode(su[m], m, flows, rd);
			if (rd == 0)
				continue; /* warm-up: first touch of the tables */
			v[m][0][rd - 1] = r.create;
			v[m][1][rd - 1] = r.lookup;
			v[m][2][rd - 1] = r.expire;
			v[m][3][rd - 1] = r.drain;
			ev[m] = r.events;
			drop[m] = r.dropped;
		}
	}
	printf("%u flows per round, %u rounds, median ns per flow (one worker, one table)\n", flows, rounds);
	printf("%-8s %10s %10s %10s %14s %12s %8s\n", "mode", "create", "packet", "expire", "drain+ipfix/ev",
	       "events", "dropped");
	for (int m = 0; m < N_MODES; m++) {
		double med[4];
		for (int k = 0; k < 4; k++) {
			qsort(v[m][k], rounds, sizeof(double), cmp_d);
			med[k] = v[m][k][rounds / 2];
		}
		printf("%-8s %10.1f %10.1f %10.1f %14.1f %12llu %8llu\n", mode_name[m], med[0], med[1], med[2], med[3],
		       (unsigned long long)ev[m], (unsigned long long)drop[m]);
	}
	rte_eal_cleanup();
	return 0;
}
