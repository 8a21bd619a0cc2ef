/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control API's NAT64 questions to the workers (api_bridge.nat64_query
 * and nat64_sessions, control/api.h), and the occupancy counts it reads
 * without asking them (nat64_occupancy, nat64_addr_use).
 *
 * Only a worker touches its table, so the control side asks: it fills the
 * worker's slot (under ctl_bridge_lock) and sets state REQ (release); the
 * worker, once per poll round, claims it (REQ -> BUSY), looks at no more than
 * QUERY_SCAN_MAX table positions, and sets DONE (release); the control side
 * waits at most QUERY_WAIT_MS. On a timeout it takes back a request not yet
 * claimed (REQ -> IDLE); one claimed is always finished, so it waits for that.
 *
 * The same poll round purges, after a configuration change, what depended on
 * what the change removed (nat64_purge), and then recounts the table's
 * occupancy per pool4 address (nat64_usage_rebuild), which drops the
 * addresses the change took away.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_malloc.h>

#include "api.h"
#include "cgn.h"
#include "ctl_query.h"
#include "dp.h"
#include "nat64_status.h"

enum { SLOT_IDLE, SLOT_REQ, SLOT_BUSY, SLOT_DONE };
/*
 * Table positions a worker looks at per question: one question per poll round
 * at most, answered in the round's own time. tests/perf/bench_nat64_query.c
 * (a full table, 2.6 GHz, this shared VM): 4096 positions cost 41 us for a
 * session list, 7 us for BIB entries, 55-75 us for per-subscriber counts; a
 * burst of 32 packets takes a few us, so a worker at full rate queues a few
 * hundred packets behind a question, well inside its receive ring. (65536,
 * the session list's budget before, cost 650 us.)
 */
#define QUERY_SCAN_MAX 4096
#define QUERY_WAIT_MS 1000

struct query_slot {
	uint32_t state;
	struct api_query q;
	uint32_t next;
	unsigned n;
	union api_query_out out;
	uint64_t seen_gen; /* the worker's: the configuration generation it last purged for */
} __rte_cache_aligned;

static struct query_slot *slots;
static unsigned n_slots;
static uint64_t cfg_gen; /* bumped by every publication */

void ctl_query_published(void)
{
	/* after the pointer: a worker that sees this generation loads the new configuration or a newer one */
	__atomic_add_fetch(&cfg_gen, 1, __ATOMIC_RELEASE);
}

/* A new configuration: drop what depends on removed pool4 / static BIB entries, then recount per address. */
static void purge(struct dp_worker *w, struct query_slot *sl)
{
	uint64_t gen = __atomic_load_n(&cfg_gen, __ATOMIC_ACQUIRE);

	if (gen == sl->seen_gen)
		return;
	const struct xlat_config *cfg = __atomic_load_n(&g_dp.xcfg, __ATOMIC_ACQUIRE);
	unsigned n = nat64_purge(w->nat, cfg);

	nat64_usage_rebuild(w->nat);
	sl->seen_gen = gen;
	if (n)
		RTE_LOG(INFO, XLAT64, "worker %u: %u NAT64 sessions removed with the configuration change\n", w->index,
			n);
}

/* The worker's answer to the question in its slot. */
static void answer(struct dp_worker *w, struct query_slot *sl, uint64_t now_ms)
{
	const struct api_query *q = &sl->q;

	sl->next = 0;
	switch (q->kind) {
	case API_Q_SESSIONS:
		sl->n = nat64_query_sessions(w->nat, &q->f, q->pos, QUERY_SCAN_MAX, sl->out.sess, q->max, &sl->next);
		for (unsigned i = 0; i < sl->n; i++) {
			struct nat64_session_info *si = &sl->out.sess[i];
			/* the worker's clock means nothing elsewhere: how long is left */
			si->expires_ms = si->expires_ms > now_ms ? si->expires_ms - now_ms : 0;
		}
		break;
	case API_Q_BIBS:
		sl->n = nat64_query_bibs(w->nat, &q->f, q->pos, QUERY_SCAN_MAX, sl->out.bib, q->max, &sl->next);
		break;
	case API_Q_SUB_SESSIONS:
	case API_Q_SUB_BIBS:
		sl->n = nat64_query_subs(w->nat, &q->f, q->kind == API_Q_SUB_BIBS, q->plen, q->pos, QUERY_SCAN_MAX,
					 sl->out.sub, q->max, &sl->next);
		break;
	case API_Q_CGN_SUB:
		cgn_subscriber_info(w->cgn, q->sub, &sl->out.cgn);
		sl->n = 1;
		break;
	default:
		sl->n = 0;
	}
}

void ctl_bridge_worker_poll(struct dp_worker *w, uint64_t now_ms)
{
	struct query_slot *sl;
	uint32_t st = SLOT_REQ;

	if (!w->nat || !slots || w->index >= n_slots)
		return;
	sl = &slots[w->index];
	purge(w, sl);
	if (!__atomic_compare_exchange_n(&sl->state, &st, SLOT_BUSY, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	answer(w, sl, now_ms);
	__atomic_store_n(&sl->state, SLOT_DONE, __ATOMIC_RELEASE);
}

static uint64_t mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* The size of one entry of an answer (every member of union api_query_out starts at its start). */
static size_t entry_size(enum api_query_kind k)
{
	switch (k) {
	case API_Q_SESSIONS:
		return sizeof(struct nat64_session_info);
	case API_Q_BIBS:
		return sizeof(struct nat64_bib_info);
	case API_Q_SUB_SESSIONS:
	case API_Q_SUB_BIBS:
		return sizeof(struct nat64_sub_count);
	default:
		return sizeof(struct cgn_sub_info);
	}
}

/* Control side: hand q to worker w's slot and wait for the answer into out (under ctl_bridge_lock); n or -1. */
static int ask(unsigned w, const struct api_query *q, void *out, uint32_t *next, char *err, size_t errlen)
{
	struct dp *dp = &g_dp;
	struct query_slot *sl;
	uint64_t t0 = mono_ms();
	uint32_t st;
	int n;

	if (w >= dp->n_workers || w >= n_slots || !dp->workers[w].nat) {
		snprintf(err, errlen, "worker %u has no NAT64 table", w);
		return -1;
	}
	sl = &slots[w];
	ctl_bridge_lock();
	sl->q = *q;
	if (sl->q.max > API_SESSION_BATCH)
		sl->q.max = API_SESSION_BATCH;
	__atomic_store_n(&sl->state, SLOT_REQ, __ATOMIC_RELEASE);
	for (;;) {
		st = __atomic_load_n(&sl->state, __ATOMIC_ACQUIRE);
		if (st == SLOT_DONE)
			break;
		if (st == SLOT_REQ && mono_ms() - t0 > QUERY_WAIT_MS) {
			if (__atomic_compare_exchange_n(&sl->state, &st, SLOT_IDLE, false, __ATOMIC_ACQUIRE,
							__ATOMIC_RELAXED)) {
				ctl_bridge_unlock();
				snprintf(err, errlen, "worker %u did not answer within %d ms (is it stuck?)", w,
					 QUERY_WAIT_MS);
				return -1;
			}
			continue; /* claimed meanwhile: it finishes */
		}
		rte_delay_us_sleep(20);
	}
	n = (int)sl->n;
	memcpy(out, &sl->out, entry_size(q->kind) * sl->n);
	*next = sl->next;
	__atomic_store_n(&sl->state, SLOT_IDLE, __ATOMIC_RELAXED);
	ctl_bridge_unlock();
	return n;
}

int ctl_query_nat64(void *opaque, unsigned w, const struct api_query *q, union api_query_out *out, uint32_t *next,
		    char *err, size_t errlen)
{
	(void)opaque;
	if (q->kind == API_Q_CGN_SUB && (w >= g_dp.n_workers || !g_dp.workers[w].cgn)) {
		snprintf(err, errlen, "worker %u has no CGN table (no \"cgn\" section at start)", w);
		return -1;
	}
	return ask(w, q, out, next, err, errlen);
}

/* "session list" (api_bridge.nat64_sessions): one host's sessions, or an IPv4 address's. */
int ctl_query_sessions(void *opaque, unsigned w, uint32_t pos, const struct api_session_filter *f,
		       struct nat64_session_info *out, unsigned max, uint32_t *next, char *err, size_t errlen)
{
	struct api_query q = { .kind = API_Q_SESSIONS, .pos = pos, .max = max };

	(void)opaque;
	q.f.proto = f->proto;
	q.f.has6 = f->has6;
	q.f.has4 = f->has4;
	memcpy(q.f.addr6, f->addr6, 16);
	q.f.plen6 = 128;
	q.f.addr4 = f->addr4;
	return ask(w, &q, out, next, err, errlen);
}

int ctl_query_occupancy(void *opaque, unsigned w, struct nat64_occupancy *out)
{
	(void)opaque;
	if (w >= g_dp.n_workers || !g_dp.workers[w].nat)
		return -1;
	nat64_occupancy(g_dp.workers[w].nat, out);
	return 0;
}

int ctl_query_addr_use(void *opaque, unsigned w, struct nat64_addr_use *out, unsigned max)
{
	(void)opaque;
	if (w >= g_dp.n_workers || !g_dp.workers[w].nat)
		return -1;
	return nat64_addr_use(g_dp.workers[w].nat, out, max);
}

int ctl_query_init(struct dp *dp)
{
	if (!dp->n_workers || !dp->workers[0].nat)
		return -1;
	slots = rte_zmalloc("nat64_ctl_slots", sizeof(*slots) * dp->n_workers, RTE_CACHE_LINE_SIZE);
	if (!slots)
		return -1;
	n_slots = dp->n_workers;
	return 0;
}
