/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT64 across workers, the dataplane's half: dp_dispatch() (translate.c)
 * holds another worker's frames for the burst, dp_handoff_flush() (handoff.c)
 * hands them to each owner's ring, a full ring keeps them and stops the
 * sender receiving (dp_handoff_backpressure()), for 100 ms at most
 * (dp_handoff_give_up()), and a worker that stops counts what it still holds
 * (dp_handoff_drop_held()). lib's half (which worker owns a flow) has its
 * own tests (tests/unit/test_nat64_owner.c).
 *
 * The handoff code runs as built for the daemon, on real MP/SC rte_rings
 * (8 slots: 7 frames) and mbufs of a real mempool, under a test EAL (no
 * hugepages). Workers are struct dp_worker's driven by the test the way
 * worker_main() drives them. lib's answers are replaced at link time
 * (-Wl,--wrap, as grout's datapath tests do): nat64_owner() reads the owner
 * the test wrote into each frame, and xlat_process() records which worker
 * translated which frame instead of translating it (handoff_fixture.h).
 *
 * Each test fails on a broken handoff: freeing instead of keeping what a full
 * ring refuses, reordering it, counting what was tried instead of what went,
 * a clock that progress does not restart, a bound off by one or 10 ms, drops
 * not counted or leaked, no backpressure, flushing per packet, a stale
 * pre_owner, metadata not noted, fragments owned (each tried, each caught).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <inttypes.h>

#include "handoff_fixture.h"

/* A burst's handoffs wait for its end, then each owner's go to its ring together, in the order received. */
static void t_burst_grouped_per_owner(void **state)
{
	static const unsigned owners[] = { 1, 2, 1, 0, 2, 2, 1, 0, 1, 2 };

	(void)state;
	for (uint32_t i = 0; i < RTE_DIM(owners); i++)
		recv1(0, owners[i], i, 0);
	assert_int_equal(fx.owner_calls, RTE_DIM(owners));
	assert_int_equal(fx.owner_family, 6);
	/* its own flows translated at once, in order; the others held, none handed over yet */
	assert_int_equal(fx.n_translated, 2);
	assert_int_equal(fx.translated[0], 3);
	assert_int_equal(fx.translated[1], 7);
	held_is(0, (const uint32_t[]){ 0, 1, 2, 4, 5, 6, 8, 9 }, 8);
	assert_int_equal(rte_ring_count(W(1)->handoff) + rte_ring_count(W(2)->handoff), 0);
	assert_int_equal(W(0)->counters[XLAT_HANDOFF_OUT], 0);

	dp_handoff_flush(W(0));
	assert_int_equal(W(0)->n_ho, 0);
	assert_int_equal(W(0)->counters[XLAT_HANDOFF_OUT], 8);
	assert_int_equal(W(0)->counters[XLAT_HANDOFF_FULL], 0);
	ring_is(1, (const uint32_t[]){ 0, 2, 6, 8 }, 4);
	ring_is(2, (const uint32_t[]){ 1, 4, 5, 9 }, 4);
	assert_int_equal(rte_ring_count(W(0)->handoff), 0);
}

/*
 * An owner's full ring: the frames it does not take are kept, in order (not
 * dropped), the sender receives nothing while it holds them, and receives
 * again once the owner has taken them all.
 */
static void t_full_ring_keeps_frames(void **state)
{
	struct rte_mbuf *pkts[RING_SLOTS];
	uint32_t seq = 0;

	(void)state;
	for (unsigned i = 0; i < 10; i++) { /* 10 for worker 1, 3 for worker 2 among them */
		recv1(0, 1, seq++, 0);
		if (i % 3 == 1)
			recv1(0, 2, seq++, 0);
	}
	assert_int_equal(in_flight(), 13);
	dp_handoff_flush(W(0));
	assert_int_equal(W(0)->counters[XLAT_HANDOFF_OUT], 10);
	held_is(0, (const uint32_t[]){ 9, 11, 12 }, 3);
	ring_is(2, (const uint32_t[]){ 2, 6, 10 }, 3);
	assert_int_equal(in_flight(), 10); /* nothing dropped */
	assert_int_equal(sum(XLAT_HANDOFF_FULL), 0);

	assert_true(dp_handoff_backpressure(W(0), 10 * MS)); /* the sender stops receiving */
	assert_int_equal(W(0)->n_ho, 3);
	/* the owner takes two: two more go, one is still held, and the sender still waits */
	assert_int_equal(take(1, pkts, 2), 2);
	assert_int_equal(mtag(pkts[0])->seq, 0);
	assert_int_equal(mtag(pkts[1])->seq, 1);
	rte_pktmbuf_free_bulk(pkts, 2);
	assert_true(dp_handoff_backpressure(W(0), 20 * MS));
	held_is(0, (const uint32_t[]){ 12 }, 1);
	/* the owner takes all: the last one goes, and the sender receives again */
	ring_is(1, (const uint32_t[]){ 3, 4, 5, 7, 8, 9, 11 }, 7);
	assert_false(dp_handoff_backpressure(W(0), 30 * MS));
	assert_int_equal(W(0)->n_ho, 0);
	assert_int_equal(W(0)->ho_blocked_ns, 0);
	ring_is(1, (const uint32_t[]){ 12 }, 1);
	assert_int_equal(W(0)->counters[XLAT_HANDOFF_OUT], 13);
	assert_int_equal(sum(XLAT_HANDOFF_FULL), 0);
}

/* An owner that takes nothing for 100 ms is stuck: its senders drop what they hold for it, count it, go on. */
static void t_give_up_after_100ms(void **state)
{
	const uint64_t t0 = 5000 * MS;

	(void)state;
	fill_ring(1, 2, 100);
	for (uint32_t i = 0; i < 5; i++)
		recv1(0, 1, i, t0);
	dp_handoff_flush(W(0));
	assert_int_equal(W(0)->n_ho, 5);
	assert_true(dp_handoff_backpressure(W(0), t0));
	assert_true(dp_handoff_backpressure(W(0), t0 + 100 * MS - 1));
	assert_int_equal(W(0)->n_ho, 5);
	assert_int_equal(sum(XLAT_HANDOFF_FULL), 0);
	assert_int_equal(in_flight(), RING_CAP + 5);

	assert_false(dp_handoff_backpressure(W(0), t0 + 100 * MS));
	assert_int_equal(W(0)->n_ho, 0);
	assert_int_equal(W(0)->counters[XLAT_HANDOFF_FULL], 5);
	assert_int_equal(W(0)->ho_blocked_ns, 0);
	assert_int_equal(in_flight(), RING_CAP); /* freed; what the owner's ring has is untouched */
	ring_is(1, (const uint32_t[]){ 100, 101, 102, 103, 104, 105, 106 }, RING_CAP);
	assert_int_equal(W(0)->counters[XLAT_HANDOFF_OUT], 0);
}

/* The 100 ms are counted from the owner's last progress, not from the first hold. */
static void t_progress_restarts_the_clock(void **state)
{
	struct rte_mbuf *m;
	const uint64_t t0 = 1; /* the clock's first tick */

	(void)state;
	fill_ring(1, 2, 100);
	for (uint32_t i = 0; i < 5; i++)
		recv1(0, 1, i, t0);
	assert_true(dp_handoff_backpressure(W(0), t0));
	assert_int_equal(take(1, &m, 1), 1);
	rte_pktmbuf_free(m);
	assert_true(dp_handoff_backpressure(W(0), t0 + 60 * MS)); /* one went: the clock starts again */
	held_is(0, (const uint32_t[]){ 1, 2, 3, 4 }, 4);
	assert_true(dp_handoff_backpressure(W(0), t0 + 159 * MS));
	assert_int_equal(sum(XLAT_HANDOFF_FULL), 0);
	assert_false(dp_handoff_backpressure(W(0), t0 + 160 * MS));
	assert_int_equal(W(0)->counters[XLAT_HANDOFF_FULL], 4);
	assert_int_equal(W(0)->counters[XLAT_HANDOFF_OUT], 1);
}

/*
 * More handoffs than a worker can hold (hairpins and stored SYNs can add to a
 * full burst): one more flush is tried, and what still finds no room is
 * dropped and counted, never the frames already held.
 */
static void t_hold_full_drops_the_new_one(void **state)
{
	struct rte_mbuf *pkts[RING_SLOTS];
	uint32_t seq = 0;

	(void)state;
	fill_ring(1, 2, 1000);
	while (seq < DP_BURST)
		recv1(0, 1, seq++, 0);
	assert_int_equal(W(0)->n_ho, DP_BURST);
	recv1(0, 1, seq++, 0);
	assert_int_equal(W(0)->counters[XLAT_HANDOFF_FULL], 1);
	assert_int_equal(W(0)->n_ho, DP_BURST);
	assert_int_equal(mtag(W(0)->ho[0])->seq, 0);
	assert_int_equal(mtag(W(0)->ho[DP_BURST - 1])->seq, DP_BURST - 1);
	assert_int_equal(in_flight(), RING_CAP + DP_BURST);

	/* with room in the ring, the next one makes room for itself */
	assert_int_equal(take(1, pkts, RING_SLOTS), RING_CAP);
	rte_pktmbuf_free_bulk(pkts, RING_CAP);
	recv1(0, 1, seq++, 0);
	assert_int_equal(W(0)->counters[XLAT_HANDOFF_FULL], 1);
	assert_int_equal(W(0)->counters[XLAT_HANDOFF_OUT], RING_CAP);
	assert_int_equal(W(0)->n_ho, DP_BURST - RING_CAP + 1);
	ring_is(1, (const uint32_t[]){ 0, 1, 2, 3, 4, 5, 6 }, RING_CAP);
	assert_int_equal(mtag(W(0)->ho[W(0)->n_ho - 1])->seq, DP_BURST + 1);
}

/* A worker that stops counts the handoffs it still holds as dropped, and frees them. */
static void t_exit_counts_what_is_held(void **state)
{
	(void)state;
	fill_ring(2, 1, 100);
	for (uint32_t i = 0; i < 5; i++)
		recv1(0, 2, i, 0);
	recv1(0, 1, 5, 0);
	dp_handoff_flush(W(0));
	assert_int_equal(W(0)->n_ho, 5);
	dp_handoff_drop_held(W(0));
	assert_int_equal(W(0)->n_ho, 0);
	assert_int_equal(W(0)->counters[XLAT_HANDOFF_FULL], 5);
	assert_int_equal(W(0)->counters[XLAT_HANDOFF_OUT], 1);
	assert_int_equal(in_flight(), RING_CAP + 1);
	dp_handoff_drop_held(W(0)); /* nothing held: nothing counted */
	assert_int_equal(W(0)->counters[XLAT_HANDOFF_FULL], 5);
}

/* The owner the fast path's burst lookup computed (pre_owner) is used once, then asked again. */
static void t_pre_owner(void **state)
{
	(void)state;
	W(0)->pre_owner = 2;
	recv1(0, 1, 0, 0); /* its tag says 1: the owner given wins */
	assert_int_equal(fx.owner_calls, 0);
	assert_int_equal(W(0)->pre_owner, -1);
	W(0)->pre_owner = 0; /* its own */
	recv1(0, 0, 1, 0);
	assert_int_equal(fx.by[1], 0);
	assert_int_equal(fx.owner_calls, 0);
	recv1(0, 1, 2, 0);
	assert_int_equal(fx.owner_calls, 1);
	dp_handoff_flush(W(0));
	ring_is(2, (const uint32_t[]){ 0 }, 1);
	ring_is(1, (const uint32_t[]){ 2 }, 1);
}

/* SIIT, or NAT64 on one worker: nothing to hand over, the receiver translates. */
static void t_no_owners(void **state)
{
	(void)state;
	fx.cfg.mode = XLAT_MODE_SIIT;
	recv1(0, 1, 0, 0);
	fx.cfg.mode = XLAT_MODE_NAT64;
	g_dp.n_workers = 1;
	recv1(0, 1, 1, 0);
	g_dp.n_workers = N_WORKERS;
	assert_int_equal(fx.owner_calls, 0);
	assert_int_equal(fx.by[0], 0);
	assert_int_equal(fx.by[1], 0);
	assert_int_equal(W(0)->n_ho, 0);
	assert_int_equal(W(0)->counters[XLAT_HANDOFF_OUT], 0);
}

/* A hairpin (RFC 6146 3.8) of a flow another worker owns is handed to it as IPv4, and translated there. */
static void t_hairpin_handed_to_its_owner(void **state)
{
	struct rte_mbuf *m = frame(0, 0, 7), *p;

	(void)state;
	mtag(m)->hairpin_to = 2;
	dp_dispatch(W(0), m, PORT, 6, &fx.cfg, 0);
	assert_int_equal(W(0)->counters[XLAT_HAIRPIN], 1);
	assert_int_equal(fx.owner_family, 4);
	assert_int_equal(fx.n_translated, 0);
	held_is(0, (const uint32_t[]){ 7 }, 1);
	dp_handoff_flush(W(0));
	assert_int_equal(take(2, &p, 1), 1);
	assert_ptr_equal(p, m);
	/* the owner's loop: straight to dp_translate() with what the receiver noted */
	assert_int_equal(rte_pktmbuf_mtod_offset(p, uint8_t *, ETH_HLEN + 8)[0], 65); /* re-entered: TTL back */
	dp_translate(W(2), p, dp_meta(p)->port, dp_meta(p)->family, 0);
	assert_int_equal(fx.by[7], 2);
}

/* Owners known before the lookup: IPv6 and unfragmented IPv4 (or first fragments), not later fragments. */
static void t_frame_owners(void **state)
{
	struct rte_mbuf *m[6];
	int16_t owner[6];

	(void)state;
	for (unsigned i = 0; i < 6; i++)
		m[i] = frame(0, 2, i);
	uint8_t *f = rte_pktmbuf_mtod(m[0], uint8_t *);
	f[12] = 0x86, f[13] = 0xdd; /* IPv6: 40 bytes of header */
	rte_pktmbuf_append(m[0], 40);
	rte_pktmbuf_mtod(m[2], uint8_t *)[ETH_HLEN + 6] = 0x40; /* DF: not a fragment */
	rte_pktmbuf_mtod(m[3], uint8_t *)[ETH_HLEN + 6] = 0x20; /* MF: a first fragment */
	rte_pktmbuf_mtod(m[4], uint8_t *)[ETH_HLEN + 7] = 0x01; /* offset 8: a later one */
	f = rte_pktmbuf_mtod(m[5], uint8_t *);
	f[12] = 0x08, f[13] = 0x06; /* ARP */
	dp_frame_owners(&W(0)->ctx[PORT], m, 6, owner);
	assert_int_equal(owner[0], 2);
	assert_int_equal(owner[1], 2);
	assert_int_equal(owner[2], 2);
	assert_int_equal(owner[3], -1);
	assert_int_equal(owner[4], -1);
	assert_int_equal(owner[5], -1);
	assert_int_equal(fx.owner_calls, 3);
	rte_pktmbuf_free_bulk(m, 6);
}

/* ---- many rounds of three workers, as worker_main() runs them ---- */

static uint32_t rnd_state = 2463534242u;

static uint32_t rnd(uint32_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state % n;
}

struct loop_stats {
	uint32_t seq;            /* frames received */
	uint64_t dequeued;       /* frames owners took from their rings */
	unsigned held_back;      /* rounds a port did not receive for backpressure */
};

/* One worker's round: each of two ports (unless held back) a burst received and dispatched, then its ring. */
static void round_of(unsigned wi, uint64_t now, unsigned take_max, bool receive, struct loop_stats *ls)
{
	struct dp_worker *w = W(wi);
	struct rte_mbuf *pkts[DP_BURST];

	for (unsigned p = 0; p < 2 && receive; p++) {
		if (unlikely(w->n_ho) && dp_handoff_backpressure(w, now)) {
			ls->held_back++;
			break;
		}
		for (unsigned n = rnd(DP_BURST + 1), i = 0; i < n && ls->seq < MAX_SEQ; i++) {
			struct rte_mbuf *m = frame(wi, rnd(N_WORKERS), ls->seq++);
			if (rnd(20) == 0)
				mtag(m)->hairpin_to = (uint8_t)rnd(N_WORKERS);
			dp_dispatch(w, m, PORT, 6, &fx.cfg, now);
		}
		dp_handoff_flush(w);
	}
	unsigned n = take(wi, pkts, take_max);
	ls->dequeued += n;
	for (unsigned i = 0; i < n; i++)
		dp_translate(w, pkts[i], dp_meta(pkts[i])->port, dp_meta(pkts[i])->family, now);
	dp_handoff_flush(w); /* hairpins of flows another worker owns */
}

/*
 * Owners that take a random share of their ring each round, one of them stuck
 * for 300 ms: every frame is translated once, by its flow's owner, or dropped
 * and counted; each sender's frames reach each owner in order; nothing leaks.
 */
static void t_many_rounds_nothing_lost_or_duplicated(void **state)
{
	enum { ROUNDS = 1500, STUCK_FROM = 600, STUCK_TO = 900 };
	struct loop_stats ls = { 0 };
	uint32_t next[N_WORKERS][N_WORKERS] = { { 0 } }; /* per sender and owner: the lowest seq still to come */
	uint64_t now = 1;

	(void)state;
	for (unsigned r = 0; r < ROUNDS || in_flight() != fx.in_use; r++, now += MS) {
		assert_true(r < ROUNDS + 100); /* once no more is received, everything gets through at once */
		bool receive = r < ROUNDS;
		for (unsigned wi = 0; wi < N_WORKERS; wi++) {
			if (wi == 2 && r >= STUCK_FROM && r < STUCK_TO) /* stuck: takes nothing, receives nothing */
				continue;
			round_of(wi, now, receive ? rnd(DP_BURST + 1) : DP_BURST, receive, &ls);
		}
	}
	uint64_t dropped = sum(XLAT_HANDOFF_FULL);
	print_message("%u frames, %" PRIu64 " handed over, %" PRIu64 " hairpins, %" PRIu64 " dropped, %u rounds held back\n",
		      ls.seq, ls.dequeued, sum(XLAT_HAIRPIN), dropped, ls.held_back);
	assert_true(ls.seq > 20000 && ls.seq < MAX_SEQ);
	assert_true(ls.held_back > 100);
	assert_true(dropped > 0);       /* the stuck owner's senders gave up on it */
	assert_true(dropped < 1000);    /* and nobody else's */
	assert_int_equal(fx.n_translated + dropped, ls.seq);
	assert_int_equal(sum(XLAT_HANDOFF_OUT), ls.dequeued);
	/* each sender's frames reach each owner in order (a hairpin's sender is the worker that hairpinned it) */
	for (unsigned i = 0; i < fx.n_translated; i++) {
		uint32_t s = fx.translated[i];
		if (fx.hairpinned[s])
			continue;
		uint32_t *nx = &next[fx.sender[s]][fx.by[s]];
		assert_true(s >= *nx);
		*nx = s + 1;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_burst_grouped_per_owner, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(t_full_ring_keeps_frames, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(t_give_up_after_100ms, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(t_progress_restarts_the_clock, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(t_hold_full_drops_the_new_one, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(t_exit_counts_what_is_held, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(t_pre_owner, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(t_no_owners, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(t_hairpin_handed_to_its_owner, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(t_frame_owners, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(t_many_rounds_nothing_lost_or_duplicated, fx_setup, fx_teardown),
	};

	if (fx_start("thandoff") != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
