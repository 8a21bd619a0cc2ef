/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The handoff tests' world (test_handoff.c): N_WORKERS struct dp_worker's with
 * real MP/SC handoff rings of RING_SLOTS as main.c makes them, a small real
 * mempool, and test frames that carry their owner and a sequence number. lib's
 * answers are replaced at link time (-Wl,--wrap, tests/dataplane/meson.build):
 * nat64_owner() reads the owner the test wrote into a frame, xlat_process()
 * records which worker translated it (fx) instead of translating it, and a
 * frame can ask to come back as a hairpin owned by another worker.
 */
#ifndef HANDOFF_FIXTURE_H
#define HANDOFF_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "worker.h"

#define N_WORKERS 3
#define RING_SLOTS 8 /* an rte_ring of 8 holds 7 */
#define RING_CAP (RING_SLOTS - 1)
#define POOL_N 1023
#define PORT 1 /* the ingress port the test's frames arrive on */
#define MS 1000000ull
#define NO_HAIRPIN 0xff
#define MAX_SEQ (1u << 16)

/* What a test frame carries after its 20-byte IPv4 header: at offset 34 of the frame, so packed (no
 * alignment assumed; UBSan checks it). */
struct __attribute__((packed)) tag {
	uint8_t owner;      /* nat64_owner()'s answer for it */
	uint8_t sender;     /* the worker that received it */
	uint8_t hairpin_to; /* translating it makes a hairpin owned by this worker (NO_HAIRPIN: none) */
	uint8_t hairpinned;
	uint32_t seq;
};

/* What the wrapped lib functions saw, reset before each test. */
struct handoff_fx {
	struct xlat_config cfg; /* the snapshot the workers run on */
	unsigned owner_calls;   /* nat64_owner() */
	int owner_family;
	bool hairpin_next;
	unsigned in_use; /* mbufs that tests which failed before left behind */
	/* xlat_process(), by frame: the worker that translated it (-1: none yet), its sender, a hairpin? */
	int by[MAX_SEQ];
	uint8_t sender[MAX_SEQ], hairpinned[MAX_SEQ];
	unsigned n_translated;
	uint32_t translated[MAX_SEQ]; /* the frames, in the order translated */
};
extern struct handoff_fx fx;

/* EAL (no hugepages), mempool, mbuf metadata field, workers and rings: 0, or -1 with a line on stderr. */
int fx_start(const char *name);
int fx_setup(void **state);    /* a cmocka setup: workers as worker_main() starts them */
int fx_teardown(void **state); /* a cmocka teardown: rings and holds emptied, no mbuf lost */

struct dp_worker *W(unsigned i);
struct tag *mtag(struct rte_mbuf *m);
struct rte_mbuf *frame(unsigned sender, unsigned owner, uint32_t seq);
/* Worker s receives frame seq of owner's flow: dp_dispatch(), as dp_classify() calls it. */
void recv1(unsigned s, unsigned owner, uint32_t seq, uint64_t now);
/* Up to max frames out of worker o's ring, each checked for what dp_dispatch() noted in its dp_meta. */
unsigned take(unsigned o, struct rte_mbuf **pkts, unsigned max);
void ring_is(unsigned o, const uint32_t *seqs, unsigned n); /* exactly these, in order (freed) */
void held_is(unsigned w, const uint32_t *seqs, unsigned n); /* worker w holds exactly these, in order */
void fill_ring(unsigned o, unsigned by, uint32_t seq0);     /* worker o's ring filled by worker `by` */
uint64_t sum(enum xlat_stat s);                             /* a counter over all workers */
unsigned in_flight(void);                                   /* mbufs out of the pool */

#endif
