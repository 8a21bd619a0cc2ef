/* SPDX-License-Identifier: BSD-3-Clause */
/* The handoff tests' workers, rings, frames and wrapped lib functions (handoff_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "eal_test.h"
#include "handoff_fixture.h"
#include "nat64.h"

struct dp g_dp;
struct handoff_fx fx;
static struct rte_mempool *pool;

static struct tag *tag_of(const uint8_t *ip)
{
	return (struct tag *)(uintptr_t)(ip + 20);
}

struct tag *mtag(struct rte_mbuf *m)
{
	return tag_of(rte_pktmbuf_mtod_offset(m, uint8_t *, ETH_HLEN));
}

struct dp_worker *W(unsigned i)
{
	return &g_dp.workers[i];
}

/* ---- lib's answers, replaced at link time ---- */

unsigned __wrap_nat64_owner(struct xlat_ctx *ctx, const uint8_t *ip, uint32_t len, int family, unsigned n);
unsigned __wrap_nat64_owner(struct xlat_ctx *ctx, const uint8_t *ip, uint32_t len, int family, unsigned n)
{
	(void)ctx;
	assert_int_equal(n, g_dp.n_workers);
	assert_true(len >= 20 + sizeof(struct tag));
	fx.owner_calls++;
	fx.owner_family = family;
	return tag_of(ip)->owner;
}

/* The worker a context belongs to (each has one per port). */
static unsigned ctx_worker(const struct xlat_ctx *ctx)
{
	for (unsigned i = 0; i < g_dp.n_workers; i++)
		if (ctx >= W(i)->ctx && ctx < W(i)->ctx + APPCFG_MAX_PORTS)
			return i;
	fail_msg("a context of no worker");
	return 0;
}

enum xlat_verdict __wrap_xlat_process(struct xlat_ctx *ctx, struct xlat_pkt *pkt);
enum xlat_verdict __wrap_xlat_process(struct xlat_ctx *ctx, struct xlat_pkt *pkt)
{
	struct tag *t = tag_of(pkt->data);
	unsigned self = ctx_worker(ctx);

	assert_ptr_equal(ctx->cfg, &fx.cfg);
	assert_true(t->seq < MAX_SEQ);
	/* only a flow's owner translates it (or the receiver, where there are no owners) */
	if (fx.cfg.mode == XLAT_MODE_NAT64 && g_dp.n_workers > 1)
		assert_int_equal(self, t->owner);
	if (t->hairpin_to != NO_HAIRPIN) { /* translated, out as IPv4 to pool4: back in (RFC 6146 3.8) */
		t->owner = t->hairpin_to;
		t->hairpin_to = NO_HAIRPIN;
		t->hairpinned = 1;
		pkt->family = 4;
		fx.hairpin_next = true;
		return XV_FORWARD;
	}
	assert_int_equal(fx.by[t->seq], -1); /* never twice */
	fx.by[t->seq] = (int)self;
	fx.sender[t->seq] = t->sender;
	fx.hairpinned[t->seq] = t->hairpinned;
	fx.translated[fx.n_translated++] = t->seq;
	return XV_DROP; /* dp_translate() frees it */
}

bool __wrap_nat64_hairpin(const struct xlat_config *c, const struct xlat_pkt *pkt);
bool __wrap_nat64_hairpin(const struct xlat_config *c, const struct xlat_pkt *pkt)
{
	(void)c;
	(void)pkt;
	bool h = fx.hairpin_next;
	fx.hairpin_next = false;
	return h;
}

/* translate.c's way out; the test's frames never get there (xlat_process() drops or hairpins them) */
void dp_output(struct dp_worker *w, struct rte_mbuf *m, int family, uint32_t nexthop)
{
	(void)w, (void)m, (void)family, (void)nexthop;
	fail_msg("dp_output");
}

void dp_output_fragments(struct dp_worker *w, struct rte_mbuf *m, const struct xlat_pkt *xp)
{
	(void)w, (void)m, (void)xp;
	fail_msg("dp_output_fragments");
}

void dp_output_segments(struct dp_worker *w, struct rte_mbuf *m, const struct xlat_pkt *xp)
{
	(void)w, (void)m, (void)xp;
	fail_msg("dp_output_segments");
}

/* ---- frames, workers, rings ---- */

struct rte_mbuf *frame(unsigned sender, unsigned owner, uint32_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	uint8_t *f = (uint8_t *)rte_pktmbuf_append(m, ETH_HLEN + 20 + sizeof(struct tag));
	memset(f, 0, m->data_len);
	f[12] = 0x08; /* IPv4, no options, TTL 64 */
	f[ETH_HLEN] = 0x45;
	f[ETH_HLEN + 8] = 64;
	*mtag(m) = (struct tag){ .owner = (uint8_t)owner, .sender = (uint8_t)sender, .hairpin_to = NO_HAIRPIN,
				 .seq = seq };
	return m;
}

void recv1(unsigned s, unsigned owner, uint32_t seq, uint64_t now)
{
	dp_dispatch(W(s), frame(s, owner, seq), PORT, 6, &fx.cfg, now);
}

unsigned take(unsigned o, struct rte_mbuf **pkts, unsigned max)
{
	unsigned n = rte_ring_dequeue_burst(W(o)->handoff, (void **)pkts, max, NULL);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(dp_meta(pkts[i])->port, PORT);
		assert_int_equal(dp_meta(pkts[i])->family, mtag(pkts[i])->hairpinned ? 4 : 6);
	}
	return n;
}

void ring_is(unsigned o, const uint32_t *seqs, unsigned n)
{
	struct rte_mbuf *pkts[RING_SLOTS];

	assert_int_equal(take(o, pkts, RING_SLOTS), n);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(mtag(pkts[i])->seq, seqs[i]);
		rte_pktmbuf_free(pkts[i]);
	}
}

void held_is(unsigned w, const uint32_t *seqs, unsigned n)
{
	assert_int_equal(W(w)->n_ho, n);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(mtag(W(w)->ho[i])->seq, seqs[i]);
}

uint64_t sum(enum xlat_stat s)
{
	uint64_t t = 0;
	for (unsigned i = 0; i < g_dp.n_workers; i++)
		t += W(i)->counters[s];
	return t;
}

unsigned in_flight(void)
{
	return POOL_N - rte_mempool_avail_count(pool);
}

void fill_ring(unsigned o, unsigned by, uint32_t seq0)
{
	for (unsigned i = 0; i < RING_CAP; i++)
		recv1(by, o, seq0 + i, 0);
	dp_handoff_flush(W(by));
	assert_int_equal(rte_ring_count(W(o)->handoff), RING_CAP);
	assert_int_equal(W(by)->n_ho, 0);
}

int fx_setup(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof(fx));
	memset(fx.by, 0xff, sizeof(fx.by));
	fx.cfg.mode = XLAT_MODE_NAT64;
	fx.in_use = in_flight();
	g_dp.n_workers = N_WORKERS;
	for (unsigned i = 0; i < N_WORKERS; i++) {
		struct dp_worker *w = W(i);
		struct rte_ring *r = w->handoff;
		memset(w, 0, sizeof(*w));
		w->index = i;
		w->handoff = r;
		w->pre_owner = -1;
		for (unsigned p = 0; p < APPCFG_MAX_PORTS; p++) /* as worker_main() sets them each round */
			w->ctx[p].cfg = &fx.cfg;
	}
	return 0;
}

/* Every frame a test made is back in the pool, once the rings and holds it left are emptied here. */
int fx_teardown(void **state)
{
	struct rte_mbuf *pkts[RING_SLOTS];
	unsigned n;

	(void)state;
	for (unsigned i = 0; i < N_WORKERS; i++) {
		while ((n = rte_ring_dequeue_burst(W(i)->handoff, (void **)pkts, RING_SLOTS, NULL)))
			rte_pktmbuf_free_bulk(pkts, n);
		rte_pktmbuf_free_bulk(W(i)->ho, W(i)->n_ho);
		W(i)->n_ho = 0;
	}
	assert_int_equal(in_flight(), fx.in_use);
	return 0;
}


int fx_start(const char *name)
{
	static const struct rte_mbuf_dynfield meta = {
		.name = "xlat64_meta", .size = sizeof(struct dp_meta), .align = __alignof__(struct dp_meta),
	};

	if (eal_test_start(name, "64") != 0)
		return -1;
	pool = rte_pktmbuf_pool_create(name, POOL_N, 0, 0, 256 + RTE_PKTMBUF_HEADROOM, SOCKET_ID_ANY);
	g_dp.meta_off = rte_mbuf_dynfield_register(&meta);
	g_dp.workers = rte_zmalloc("workers", sizeof(struct dp_worker) * N_WORKERS, RTE_CACHE_LINE_SIZE);
	if (!pool || g_dp.meta_off < 0 || !g_dp.workers) {
		fprintf(stderr, "%s: no memory for the mempool, the mbuf field or the workers\n", name);
		return -1;
	}
	for (unsigned i = 0; i < N_WORKERS; i++) {
		char ring[16];
		snprintf(ring, sizeof(ring), "handoff%u", i);
		/* as main.c makes them: multi-producer (every worker hands over), single-consumer (the owner) */
		g_dp.workers[i].handoff = rte_ring_create(ring, RING_SLOTS, SOCKET_ID_ANY, RING_F_SC_DEQ);
		if (!g_dp.workers[i].handoff) {
			fprintf(stderr, "%s: no ring\n", name);
			return -1;
		}
	}
	return 0;
}
