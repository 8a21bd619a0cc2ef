/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the control plane reads of a worker's NAT64 table (issue 19,
 * lib/nat64_status.h): the occupancy counts kept at each insert and delete
 * (per protocol, per pool4 address), checked against the sessions themselves
 * (nat64_session_next, the table's own walk) through traffic, expiry and pool4
 * reconfiguration; the address table past its size; the bounded queries
 * (sessions, BIB entries, per-subscriber counts) walked a few positions at a
 * time against a full walk; and readers on another thread while the worker
 * changes the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_memory.h>

#include "bytes.h"
#include "cgn.h"
#include "eal_test.h"
#include "nat64.h"
#include "nat64_db.h"
#include "nat64_filter.h"
#include "nat64_fixture.h"
#include "nat64_status.h"

/* ------------------------------------------------------------- oracle */

/* What the sessions themselves say: sessions and distinct BIB entries per protocol and per address. */
struct truth {
	uint32_t sess[CGN_NPROTO], bib[CGN_NPROTO];
	unsigned n_addr;
	struct nat64_addr_use addr[512];
	unsigned n_bib;
	struct {
		uint8_t proto;
		uint32_t a4;
		uint16_t p4;
	} bibs[8192];
};

static void truth_of(struct nat64_table *t, struct truth *w)
{
	struct nat64_session_info si;
	uint32_t pos = 0;

	memset(w, 0, sizeof(*w));
	while ((pos = nat64_session_next(t, pos, &si)) != 0) {
		int pi = cgn_proto_idx(si.proto);
		w->sess[pi]++;
		unsigned i;
		for (i = 0; i < w->n_bib; i++)
			if (w->bibs[i].proto == si.proto && w->bibs[i].a4 == si.local4 && w->bibs[i].p4 == si.lport)
				break;
		if (i < w->n_bib)
			continue;
		assert_true(w->n_bib < 8192);
		w->bibs[w->n_bib].proto = si.proto;
		w->bibs[w->n_bib].a4 = si.local4;
		w->bibs[w->n_bib++].p4 = si.lport;
		w->bib[pi]++;
		for (i = 0; i < w->n_addr; i++)
			if (w->addr[i].proto == si.proto && w->addr[i].addr4 == si.local4)
				break;
		if (i == w->n_addr) {
			assert_true(w->n_addr < 512);
			w->addr[w->n_addr++] = (struct nat64_addr_use){ si.proto, si.local4, 0 };
		}
		w->addr[i].used++;
	}
}

static int cmp_use(const void *a, const void *b)
{
	const struct nat64_addr_use *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return x->addr4 == y->addr4 ? 0 : x->addr4 < y->addr4 ? -1 : 1;
}

/* The table's counts are the sessions' own; returns how many addresses hold ports. */
static unsigned check_counts(struct nat64_table *t)
{
	static struct truth w;
	static struct nat64_addr_use got[512];
	struct nat64_occupancy o;

	truth_of(t, &w);
	nat64_occupancy(t, &o);
	for (int p = 0; p < CGN_NPROTO; p++) {
		if (o.sess[p] != w.sess[p] || o.bib[p] != w.bib[p])
			fail_msg("protocol %d: %u sessions, %u BIB entries counted; the table has %u and %u", p, o.sess[p],
				 o.bib[p], w.sess[p], w.bib[p]);
	}
	assert_int_equal(o.sess[0] + o.sess[1] + o.sess[2], nat64_table_sessions(t));
	assert_int_equal(o.bib[0] + o.bib[1] + o.bib[2], nat64_table_bibs(t));
	assert_int_equal(o.uncounted, 0);
	int n = nat64_addr_use(t, got, 512);
	assert_int_equal(n, w.n_addr);
	qsort(got, (size_t)n, sizeof(got[0]), cmp_use);
	qsort(w.addr, w.n_addr, sizeof(w.addr[0]), cmp_use);
	for (int i = 0; i < n; i++)
		if (cmp_use(&got[i], &w.addr[i]) || got[i].used != w.addr[i].used)
			fail_msg("address %d: proto %u %s used %u; the table has proto %u %s used %u", i, got[i].proto,
				 str4(got[i].addr4), got[i].used, w.addr[i].proto, str4(w.addr[i].addr4), w.addr[i].used);
	return (unsigned)n;
}

/* Source i: 2001:db8:<i / 100>::<i % 100 + 1>, a hundred hosts in each /64. */
static const uint8_t *host(unsigned i)
{
	static uint8_t a[16];

	memcpy(a, ip6("2001:db8::"), 16);
	a[5] = (uint8_t)(i / 100);
	a[15] = (uint8_t)(i % 100 + 1);
	return a;
}

/* ------------------------------------------------------------- counts */

static void t_counts_follow_traffic(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;

	check_counts(tab);
	for (uint16_t i = 0; i < 5; i++)
		fwd64(17, A, (uint16_t)(1000 + i), S1, 53, 0, &a4, &p4);
	fwd64(17, A, 1000, S2, 53, 0, &a4, &p4); /* a second session on a BIB entry */
	fwd64(6, A, 4000, S1, 80, TCPF_SYN, &a4, &p4);
	fwd64(58, A, 77, S1, 0, 0, &a4, &p4);
	fwd64(58, B, 78, S2, 0, 0, &a4, &p4);
	assert_int_equal(check_counts(tab), 3); /* one pool4 address, three protocols */
	struct nat64_occupancy o;
	nat64_occupancy(tab, &o);
	assert_int_equal(o.sess[CGN_UDP], 6);
	assert_int_equal(o.bib[CGN_UDP], 5);
	assert_int_equal(o.sess[CGN_TCP], 1);
	assert_int_equal(o.sess[CGN_ICMP], 2);
	assert_int_equal(o.max, 4096);
	/* ICMP runs out first (60 s), then UDP (5 min); TCP in V6_INIT (transitory, 4 min) in between */
	nat64_expire(tab, &cfg, 1000 + G()->icmp_timeout_ms + 2000, 1000);
	check_counts(tab);
	nat64_occupancy(tab, &o);
	assert_int_equal(o.sess[CGN_ICMP], 0);
	assert_int_equal(o.bib[CGN_ICMP], 0);
	assert_int_equal(o.sess[CGN_UDP], 6);
	nat64_expire(tab, &cfg, 1000 + G()->udp_timeout_ms + 10000, 1000);
	assert_int_equal(check_counts(tab), 0);
	nat64_occupancy(tab, &o);
	for (int p = 0; p < CGN_NPROTO; p++)
		assert_int_equal(o.sess[p] + o.bib[p], 0);
}

/* pool4 of eight addresses: paired pooling spreads 300 hosts over them; each address's count is its own. */
static void t_addr_use_per_address(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;

	pool_clear();
	pool_add(17, "192.0.2.0", 29, 2000, 2999);
	pool_add(6, "192.0.2.1", 32, 2000, 2999);
	for (unsigned i = 0; i < 300; i++) {
		fwd64(17, host(i), 1000, S1, 53, 0, &a4, &p4);
		if (i % 3 == 0)
			fwd64(17, host(i), 1001, S1, 53, 0, &a4, &p4);
		if (i % 10 == 0)
			fwd64(6, host(i), 4000, S1, 80, TCPF_SYN, &a4, &p4);
	}
	unsigned n = check_counts(tab);
	assert_true(n >= 6 && n <= 9); /* 8 UDP addresses (most of them used by 300 hosts), one TCP */
	/* half of them go: the UDP sessions of the even hosts refreshed, the rest expire */
	now_ms(1000 + 200000);
	for (unsigned i = 0; i < 300; i += 2)
		fwd64(17, host(i), 1000, S1, 53, 0, &a4, &p4);
	nat64_expire(tab, &cfg, 1000 + G()->udp_timeout_ms + 10000, 100000);
	check_counts(tab);
	struct nat64_occupancy o;
	nat64_occupancy(tab, &o);
	assert_int_equal(o.sess[CGN_UDP], 150);
}

/* pool4 shrinks, then moves: the purge takes the counts with it, the rebuild the stale addresses. */
static void t_addr_use_pool4_reconfigured(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;
	static struct nat64_addr_use before[64], after[64];

	pool_clear();
	pool_add(17, "192.0.2.0", 29, 2000, 2999);
	for (unsigned i = 0; i < 200; i++)
		fwd64(17, host(i), 1000, S1, 53, 0, &a4, &p4);
	unsigned n8 = check_counts(tab);
	assert_true(n8 >= 6);
	/* pool4 is now 192.0.2.0/30: the worker purges what stood on .4-.7 */
	cfg.pool4[0].plen = 30;
	unsigned gone = nat64_purge(tab, &cfg);
	assert_true(gone > 0 && gone < 200);
	unsigned n4 = check_counts(tab);
	assert_true(n4 <= 4);
	assert_int_equal(tab->use.keys, n8); /* the gone addresses keep their keys, at 0, until a rebuild */
	int nb = nat64_addr_use(tab, before, 64);
	nat64_usage_rebuild(tab);
	assert_int_equal(tab->use.keys, n4);
	assert_int_equal(nat64_addr_use(tab, after, 64), nb);
	qsort(before, (size_t)nb, sizeof(before[0]), cmp_use);
	qsort(after, (size_t)nb, sizeof(after[0]), cmp_use);
	assert_memory_equal(before, after, sizeof(before[0]) * (size_t)nb);
	check_counts(tab);
	/* another pool4 altogether: everything goes, new flows count on the new addresses only */
	pool_clear();
	pool_add(17, "198.18.0.0", 31, 3000, 3999);
	nat64_purge(tab, &cfg);
	assert_int_equal(check_counts(tab), 0);
	for (unsigned i = 0; i < 50; i++)
		fwd64(17, host(i), 1000, S1, 53, 0, &a4, &p4);
	assert_true(check_counts(tab) <= 2);
	nat64_usage_rebuild(tab);
	assert_true(check_counts(tab) <= 2);
	assert_true(tab->use.keys <= 2);
}

/* Past half the slots an address is not counted per address (uncounted), and is taken off it when it goes. */
static void t_usage_table_full(void **state)
{
	(void)state;
	struct nat64_usage u;

	assert_int_equal(nat64_usage_init(&u, 40, SOCKET_ID_ANY), 0);
	assert_int_equal(u.mask + 1, 128); /* 2 x 40, to a power of two */
	for (uint32_t a = 1; a <= 64; a++)
		nat64_use_bib(&u, 17, a, 1);
	assert_int_equal(u.keys, 64);
	assert_int_equal(u.uncounted, 0);
	nat64_use_bib(&u, 17, 1000, 1); /* the 65th address */
	nat64_use_bib(&u, 17, 1000, 1);
	assert_int_equal(u.uncounted, 2);
	assert_int_equal(u.bib[CGN_UDP], 66);
	nat64_use_bib(&u, 17, 1000, -1);
	assert_int_equal(u.uncounted, 1);
	/* a counted address drops to 0 (its key stays); an entry that was uncounted goes after it */
	nat64_use_bib(&u, 17, 5, -1);
	nat64_use_bib(&u, 17, 5, -1);
	assert_int_equal(u.uncounted, 0);
	assert_int_equal(u.bib[CGN_UDP], 63);
	/* the same address in another protocol is another key */
	nat64_use_bib(&u, 6, 7, 1);
	assert_int_equal(u.uncounted, 1);
	nat64_use_bib(&u, 17, 7, 1);
	assert_int_equal(u.slot[nat64_use_find(&u, nat64_use_key(CGN_UDP, 7))] & USE_PORTS_MASK, 2);
	nat64_use_sess(&u, 1, 1);
	nat64_use_sess(&u, 58, 1); /* not a NAT64 protocol: not counted */
	assert_int_equal(u.sess[CGN_ICMP], 1);
	nat64_usage_free(&u);
}

/* ------------------------------------------------------------- queries */

static void flows_three_subscribers(void)
{
	uint32_t a4;
	uint16_t p4;

	pool_clear();
	pool_add(17, "192.0.2.0", 30, 2000, 6999);
	pool_add(6, "192.0.2.0", 30, 2000, 6999);
	/* hosts 0-99 in 2001:db8::/64 (2 UDP flows each), 100-199 in 2001:db8:0:1::/64 (1), 200-209 (TCP) */
	for (unsigned i = 0; i < 200; i++)
		for (unsigned f = 0; f < (i < 100 ? 2u : 1u); f++)
			fwd64(17, host(i), (uint16_t)(1000 + f), S1, 53, 0, &a4, &p4);
	for (unsigned i = 200; i < 210; i++)
		fwd64(6, host(i), 4000, S1, 80, TCPF_SYN, &a4, &p4);
}

static void t_query_bounded(void **state)
{
	(void)state;
	static struct nat64_session_info buf[8], all[512];
	static struct nat64_bib_info bbuf[8];
	struct nat64_filter f = { .has6 = true, .plen6 = 64 };
	uint32_t pos = 0, next;
	unsigned got = 0, calls = 0, bibs = 0;

	use_table(mktable(1024, 0, 1));
	flows_three_subscribers();
	memcpy(f.addr6, ip6("2001:db8::"), 16);
	/* 17 positions at a time, 7 entries at most: every session of the /64, each once, in table order */
	do {
		unsigned n = nat64_query_sessions(tab, &f, pos, 17, buf, 7, &next);
		assert_true(next == 0 || (next > pos && next - pos <= 17));
		for (unsigned i = 0; i < n; i++) {
			assert_int_equal(buf[i].addr6[5], 0);
			all[got++] = buf[i];
		}
		calls++;
		pos = next;
	} while (pos);
	assert_int_equal(got, 200);
	assert_true(calls >= 1024 / 17);
	/* the same with a filter on the protocol and the pool4 side */
	f.proto = 17;
	f.has4 = true;
	f.addr4 = all[0].local4;
	unsigned want = 0;
	for (unsigned i = 0; i < got; i++)
		want += all[i].local4 == f.addr4;
	pos = 0;
	got = 0;
	do {
		got += nat64_query_sessions(tab, &f, pos, 100, buf, 8, &next);
		pos = next;
	} while (pos);
	assert_int_equal(got, want);
	/* BIB entries of one host (/128): its two */
	struct nat64_filter h = { .has6 = true, .plen6 = 128 };
	memcpy(h.addr6, host(42), 16);
	pos = 0;
	do {
		unsigned n = nat64_query_bibs(tab, &h, pos, 33, bbuf, 8, &next);
		for (unsigned i = 0; i < n; i++) {
			assert_memory_equal(bbuf[i].addr6, host(42), 16);
			assert_int_equal(bbuf[i].proto, 17);
		}
		bibs += n;
		pos = next;
	} while (pos);
	assert_int_equal(bibs, 2);
}

/* Per-subscriber counts, a few positions and prefixes at a time, added up: the subscribers' own. */
static void sum_subs(bool bib, uint8_t plen, unsigned budget, unsigned max, struct nat64_sub_count *tot, unsigned *ntot)
{
	static struct nat64_sub_count out[16];
	struct nat64_filter any = { 0 };
	uint32_t pos = 0, next;

	do {
		unsigned n = nat64_query_subs(tab, &any, bib, plen, pos, budget, out, max, &next);
		assert_true(n <= max);
		assert_true(next == 0 || next > pos);
		for (unsigned i = 0; i < n; i++) {
			unsigned k;
			for (k = 0; k < *ntot && memcmp(tot[k].prefix, out[i].prefix, 16); k++)
				;
			if (k == *ntot)
				memset(&tot[(*ntot)++], 0, sizeof(tot[0])), memcpy(tot[k].prefix, out[i].prefix, 16);
			for (int p = 0; p < CGN_NPROTO; p++) {
				tot[k].sess[p] += out[i].sess[p];
				tot[k].bib[p] += out[i].bib[p];
			}
		}
		pos = next;
	} while (pos);
}

static void t_query_subscribers(void **state)
{
	(void)state;
	static struct nat64_sub_count tot[512];
	unsigned n = 0;

	use_table(mktable(1024, 0, 1));
	flows_three_subscribers();
	sum_subs(false, 64, 50, 2, tot, &n);
	sum_subs(true, 64, 1024, 1, tot, &n);
	assert_int_equal(n, 3);
	for (unsigned k = 0; k < n; k++) {
		unsigned s = tot[k].prefix[5];
		assert_int_equal(tot[k].prefix[15], 0);
		assert_int_equal(tot[k].sess[CGN_UDP], s == 0 ? 200 : s == 1 ? 100 : 0);
		assert_int_equal(tot[k].bib[CGN_UDP], s == 0 ? 200 : s == 1 ? 100 : 0);
		assert_int_equal(tot[k].sess[CGN_TCP], s == 2 ? 10 : 0);
	}
	/* per host (/128): 210 hosts, in calls of at most 16 prefixes */
	n = 0;
	sum_subs(false, 128, 1024, 16, tot, &n);
	assert_int_equal(n, 210);
}

/* ---------------------------------------------------- concurrent readers */

static volatile bool stop;
static unsigned long reads, rebuild_retries;
static char bad[160]; /* the reader's first complaint (cmocka's asserts belong to the main thread) */

/* Another thread reads while the worker changes the table: every number it sees is whole and in range. */
static void *reader(void *arg)
{
	static struct nat64_addr_use use[64];
	struct nat64_table *t = arg;

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		struct nat64_occupancy o;
		nat64_occupancy(t, &o);
		if ((o.sess[CGN_UDP] > 1024 || o.bib[CGN_UDP] > 1024 || o.uncounted) && !bad[0])
			snprintf(bad, sizeof(bad), "occupancy out of range: %u %u %u", o.sess[CGN_UDP], o.bib[CGN_UDP],
				 o.uncounted);
		int n = nat64_addr_use(t, use, 64);
		if (n < 0) {
			rebuild_retries++;
			continue;
		}
		for (int i = 0; i < n; i++)
			if ((use[i].proto != 17 || (ntohl(use[i].addr4) & ~3u) != 0xc0000200u || use[i].used > 1024) &&
			    !bad[0])
				snprintf(bad, sizeof(bad), "slot %d: proto %u %s used %u", i, use[i].proto, str4(use[i].addr4),
					 use[i].used);
		__atomic_store_n(&reads, reads + 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void t_readers_lock_free(void **state)
{
	(void)state;
	pthread_t th;
	uint32_t a4;
	uint16_t p4;

	use_table(mktable(1024, 0, 1));
	pool_clear();
	pool_add(17, "192.0.2.0", 30, 2000, 2999);
	stop = false;
	assert_int_equal(pthread_create(&th, NULL, reader, tab), 0);
	/* 20 rounds at least, and on until the reader has read a hundred times (the machine may be busy) */
	for (unsigned round = 0; round < 20 || (__atomic_load_n(&reads, __ATOMIC_RELAXED) < 100 && round < 100000);
	     round++) {
		now_ms(1000 + round * 400000ull);
		for (unsigned i = 0; i < 300; i++)
			fwd64(17, host(i), (uint16_t)(1000 + round), S1, 53, 0, &a4, &p4);
		nat64_usage_rebuild(tab);
		nat64_expire(tab, &cfg, 1000 + round * 400000ull + G()->udp_timeout_ms + 10000, 100000);
	}
	__atomic_store_n(&stop, true, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	print_message("  %lu reads, %lu of them retried through a rebuild\n", reads, rebuild_retries);
	if (bad[0])
		fail_msg("%s", bad);
	assert_true(reads >= 100);
	assert_int_equal(check_counts(tab), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	if (eal_test_start("tnat64st", "128") != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		T(t_counts_follow_traffic),
		T(t_addr_use_per_address),
		T(t_addr_use_pool4_reconfigured),
		T(t_usage_table_full),
		T(t_query_bounded),
		T(t_query_subscribers),
		T(t_readers_lock_free),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
