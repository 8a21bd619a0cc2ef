/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Carrier-grade NAT64 in lib/ (doc/cgn.md): the deterministic NAT function
 * and its inverse (RFC 7422), IPFIX encoding (RFC 7011 / RFC 8158), and the
 * per-worker subscriber table: limits per subscriber and not across them,
 * port blocks allocated, reused after their last entry goes, logged once, and
 * the event ring's drop counter.
 *
 * With --pcap FILE PORT it also writes IPFIX messages of every event type as
 * UDP datagrams to 127.0.0.1:PORT in a pcap file, which tests/cgn/run.sh
 * decodes with tshark's IPFIX dissector.
 *
 * The subscriber table is rte_hash: main() starts an EAL without hugepages.
 *
 * Why one file of ~950 lines: its parts (deterministic NAT, the event
 * encoders, the subscriber table and NAT64 with limits) share their set-up:
 * det_cfg() serves all of them, and the --pcap writer sends the IPFIX tests'
 * sample events.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "cgn.h"
#include "ipfix.h"
#include "nat64.h"
#include "nat64_status.h"
#include "natlog.h"
#include "stats.h"
#include "xlat.h"
#include "bytes.h"
#include "nat64_filter.h"
#include "eal_test.h"

static void a6(const char *s, uint8_t out[16])
{
	assert_int_equal(inet_pton(AF_INET6, s, out), 1);
}

static uint32_t a4(const char *s)
{
	uint32_t v;
	assert_int_equal(inet_pton(AF_INET, s, &v), 1);
	return v;
}

/* ------------------------------------------------------------ subscriber */

static void t_subscriber_prefix(void **st)
{
	uint8_t a[16], s[16], e[16];

	(void)st;
	a6("2001:db8:1:23ff:ffff::1", a);
	cgn_subscriber(a, 56, s);
	a6("2001:db8:1:2300::", e);
	assert_memory_equal(s, e, 16);
	cgn_subscriber(a, 60, s);
	a6("2001:db8:1:23f0::", e);
	assert_memory_equal(s, e, 16);
	cgn_subscriber(a, 128, s);
	assert_memory_equal(s, a, 16);
	/* two hosts of one /56 have one owner whatever the number of workers */
	uint8_t b[16];
	a6("2001:db8:1:2301::99", b);
	for (unsigned n = 1; n < 9; n++)
		assert_int_equal(cgn_owner6(a, 56, n), cgn_owner6(b, 56, n));
}

/* ------------------------------------------------------- deterministic NAT */

static void det_cfg(struct cgn_config *c, const char *p6, uint8_t l6, uint8_t plen, const char *p4, uint8_t l4,
		    uint16_t lo, uint16_t hi)
{
	cgn_config_init(c);
	c->enabled = true;
	c->subscriber_plen = plen;
	c->det.enabled = true;
	a6(p6, c->det.prefix6.addr);
	c->det.prefix6.len = l6;
	c->det.prefix4.addr = a4(p4);
	c->det.prefix4.len = l4;
	c->det.port_min = lo;
	c->det.port_max = hi;
}

/*
 * Every address and port of the pool: reverse() answers the one subscriber
 * whose forward() range holds it, or nobody when it is in no range; and every
 * port of every subscriber's range reverses to that subscriber.
 */
static void check_reversible(const struct cgn_config *c)
{
	struct cgn_det_geometry g;
	assert_null(cgn_det_geometry(c, &g));
	uint32_t n_addr = g.addresses, base = ntohl(c->det.prefix4.addr);
	uint64_t owned = 0;
	uint8_t sub[16], s2[16];

	/* forward for every subscriber: its range, and each port of it maps back */
	for (uint32_t i = 0; i < g.subscribers; i++) {
		uint8_t src[16];
		memcpy(src, c->det.prefix6.addr, 16);
		/* subscriber i, with host bits set to show they do not matter */
		for (unsigned k = 0; k < (unsigned)(c->subscriber_plen - c->det.prefix6.len); k++) {
			unsigned b = c->det.prefix6.len + k;
			if ((i >> (c->subscriber_plen - c->det.prefix6.len - 1 - k)) & 1)
				src[b / 8] |= (uint8_t)(0x80u >> (b % 8));
		}
		src[15] |= 0x5a;
		uint32_t addr;
		uint16_t first, last;
		assert_true(cgn_det_forward(c, src, &addr, &first, &last));
		assert_int_equal((uint32_t)last - first + 1, g.ports);
		assert_true(first >= c->det.port_min && last <= c->det.port_max);
		cgn_subscriber(src, c->subscriber_plen, s2);
		for (uint32_t p = first; p <= last; p++) {
			assert_true(cgn_det_reverse(c, addr, (uint16_t)p, sub));
			assert_memory_equal(sub, s2, 16);
		}
	}
	/* reverse for every address and port: consistent with forward, and as many as forward gave out */
	for (uint32_t a = 0; a < n_addr; a++) {
		uint32_t addr = htonl(base + a);
		for (uint32_t p = 0; p <= 65535; p++) {
			if (!cgn_det_reverse(c, addr, (uint16_t)p, sub))
				continue;
			uint32_t fa;
			uint16_t first, last;
			assert_true(cgn_det_forward(c, sub, &fa, &first, &last));
			assert_int_equal(fa, addr);
			assert_true(p >= first && p <= last);
			owned++;
		}
	}
	assert_int_equal(owned, (uint64_t)g.subscribers * g.ports);
}

static void t_det_reversible(void **st)
{
	struct cgn_config c;

	(void)st;
	/* 256 subscribers (/48 in /56s) on 4 addresses: 64 per address, 1008 ports each */
	det_cfg(&c, "2001:db8:100::", 48, 56, "192.0.2.0", 30, 1024, 65535);
	check_reversible(&c);
	struct cgn_det_geometry g;
	cgn_det_geometry(&c, &g);
	assert_int_equal(g.per_address, 64);
	assert_int_equal(g.ports, 1008);
	/* fewer subscribers than addresses: one each, the whole range; addresses nobody has answer nobody */
	det_cfg(&c, "2001:db8:200::", 60, 64, "198.51.100.0", 27, 2000, 2999);
	check_reversible(&c);
	uint8_t sub[16];
	assert_false(cgn_det_reverse(&c, a4("198.51.100.31"), 2500, sub)); /* subscriber 31 does not exist */
	assert_false(cgn_det_reverse(&c, a4("198.51.100.1"), 1999, sub));  /* below the range */
	/* a range that does not divide: 16 subscribers, 2 addresses, 8 ranges of 12 of 101 ports; 5 are nobody's */
	det_cfg(&c, "2001:db8:300::", 60, 64, "203.0.113.8", 31, 1000, 1100);
	check_reversible(&c);
	cgn_det_geometry(&c, &g);
	assert_int_equal(g.per_address, 8);
	assert_int_equal(g.ports, 12);
	assert_false(cgn_det_reverse(&c, a4("203.0.113.9"), 1096, sub));
}

static void t_det_geometry_errors(void **st)
{
	struct cgn_config c;
	struct cgn_det_geometry g;

	(void)st;
	det_cfg(&c, "2001:db8:300::", 56, 64, "203.0.113.8", 31, 1000, 1100);
	assert_non_null(cgn_det_geometry(&c, &g)); /* 256 subscribers, 2 addresses, 101 ports: no port each */
	det_cfg(&c, "2001:db8::", 32, 64, "203.0.113.0", 24, 1024, 65535);
	assert_non_null(cgn_det_geometry(&c, &g)); /* 2^32 subscribers */
	det_cfg(&c, "2001:db8::", 64, 56, "203.0.113.0", 24, 1024, 65535);
	assert_non_null(cgn_det_geometry(&c, &g)); /* subscriber prefix shorter than the aggregate */
	uint8_t src[16];
	uint32_t addr;
	uint16_t f, l;
	det_cfg(&c, "2001:db8:100::", 48, 56, "192.0.2.0", 30, 1024, 65535);
	a6("2001:db8:101::1", src);
	assert_false(cgn_det_forward(&c, src, &addr, &f, &l)); /* outside the aggregate */
}

/* ------------------------------------------------------------------ IPFIX */

/* rd16 / rd32 (big-endian reads): lib/bytes.h */

/* Events of every type, with distinct values. */
static unsigned sample_events(struct natlog_event *ev)
{
	memset(ev, 0, sizeof(*ev) * 5);
	ev[0] = (struct natlog_event){ .time_ms = 1700000000123ull, .type = NATLOG_BIB_CREATE, .proto = 17,
				       .port6 = 5000, .addr4 = a4("192.0.2.1"), .port4 = 61002 };
	a6("2001:db8:6::a", ev[0].addr6);
	ev[1] = (struct natlog_event){ .time_ms = 1700000000124ull, .type = NATLOG_SESSION_CREATE, .proto = 6,
				       .port6 = 40000, .addr4 = a4("192.0.2.1"), .port4 = 61004,
				       .remote4 = a4("198.51.100.2"), .rport = 80 };
	a6("2001:db8:6::b", ev[1].addr6);
	ev[2] = (struct natlog_event){ .time_ms = 1700000000125ull, .type = NATLOG_BLOCK_ALLOC, .proto = 17,
				       .addr4 = a4("192.0.2.2"), .port4 = 1024, .port_last = 1535 };
	a6("2001:db8:6::", ev[2].addr6);
	ev[3] = (struct natlog_event){ .time_ms = 1700000000126ull, .type = NATLOG_QUOTA_EXCEEDED, .proto = 6,
				       .quota = NATLOG_QUOTA_PER_USER, .limit = 10 };
	a6("2001:db8:7::", ev[3].addr6);
	ev[4] = (struct natlog_event){ .time_ms = 1700000000127ull, .type = NATLOG_BLOCK_FREE, .proto = 17,
				       .addr4 = a4("192.0.2.2"), .port4 = 1024, .port_last = 1535 };
	a6("2001:db8:6::", ev[4].addr6);
	return 5;
}

static void t_ipfix_message(void **st)
{
	struct ipfix_stream s = { .domain = 7, .seq = 0 };
	struct natlog_event ev[5];
	uint8_t buf[IPFIX_MAX_MSG];
	unsigned used;

	(void)st;
	unsigned n = sample_events(ev);
	size_t len = ipfix_encode(&s, 1700000000, true, ev, n, &used, buf, sizeof(buf));
	assert_int_equal(used, n);
	assert_int_equal(s.seq, n);
	/* header: version 10, length, export time, sequence 0 (records before this message), domain */
	assert_int_equal(rd16(buf), 10);
	assert_int_equal(rd16(buf + 2), len);
	assert_int_equal(rd32(buf + 4), 1700000000);
	assert_int_equal(rd32(buf + 8), 0);
	assert_int_equal(rd32(buf + 12), 7);
	/* template set: id 2, four templates: 256 with 9 fields first */
	const uint8_t *p = buf + 16;
	assert_int_equal(rd16(p), 2);
	assert_int_equal(rd16(p + 4), IPFIX_TPL_SESSION);
	assert_int_equal(rd16(p + 6), 9);
	assert_int_equal(rd16(p + 8), 323);
	assert_int_equal(rd16(p + 10), 8);
	p += rd16(p + 2);
	/* data sets in event order: BIB (257), session (256), block (258), quota (259), block (258) */
	static const uint16_t ids[] = { IPFIX_TPL_BIB, IPFIX_TPL_SESSION, IPFIX_TPL_BLOCK, IPFIX_TPL_QUOTA,
					IPFIX_TPL_BLOCK };
	static const uint16_t lens[] = { 4 + 34, 4 + 40, 4 + 34, 4 + 34, 4 + 34 };
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(rd16(p), ids[i]);
		assert_int_equal(rd16(p + 2), lens[i]);
		/* every record starts with observationTimeMilliseconds then natEvent */
		assert_int_equal((uint64_t)rd32(p + 4) << 32 | rd32(p + 8), ev[i].time_ms);
		assert_int_equal(p[12], ev[i].type);
		p += rd16(p + 2);
	}
	assert_ptr_equal(p, buf + len);
	/* the BIB record: src6, sport, postNAT address, postNAPT port */
	const uint8_t *r = buf + 16 + rd16(buf + 18) + 4;
	assert_int_equal(r[9], 17);
	assert_memory_equal(r + 10, ev[0].addr6, 16);
	assert_int_equal(rd16(r + 26), 5000);
	assert_memory_equal(r + 28, &ev[0].addr4, 4);
	assert_int_equal(rd16(r + 32), 61002);

	/* without templates, and a second message's sequence number counts the first's records */
	len = ipfix_encode(&s, 1700000001, false, ev, 1, &used, buf, sizeof(buf));
	assert_int_equal(rd32(buf + 8), 5);
	assert_int_equal(rd16(buf + 16), IPFIX_TPL_BIB);
	assert_int_equal(len, 16 + 4 + 34);
}

static void t_ipfix_fills_message(void **st)
{
	struct ipfix_stream s = { .domain = 1 };
	struct natlog_event ev[100];
	uint8_t buf[2048];
	unsigned used;

	(void)st;
	for (unsigned i = 0; i < 100; i++)
		ev[i] = (struct natlog_event){ .type = NATLOG_SESSION_CREATE, .proto = 17, .port6 = (uint16_t)i };
	size_t len = ipfix_encode(&s, 1, false, ev, 100, &used, buf, sizeof(buf));
	/* 16 + 4 + 40 * k <= 1400 */
	assert_int_equal(used, (IPFIX_MAX_MSG - 20) / 40);
	assert_int_equal(len, 20 + 40 * used);
	assert_int_equal(s.seq, used);
	unsigned used2;
	ipfix_encode(&s, 1, false, ev + used, 100 - used, &used2, buf, sizeof(buf));
	assert_int_equal(rd32(buf + 8), used);
}

static void t_syslog_text(void **st)
{
	struct natlog_event ev[5];
	char s[256];

	(void)st;
	sample_events(ev);
	natlog_format(&ev[0], s, sizeof(s));
	assert_string_equal(s, "NAT64 BIB create proto=UDP src=[2001:db8:6::a]:5000 nat=192.0.2.1:61002");
	natlog_format(&ev[1], s, sizeof(s));
	assert_string_equal(s, "NAT64 session create proto=TCP src=[2001:db8:6::b]:40000 nat=192.0.2.1:61004 "
			       "dst=198.51.100.2:80");
	natlog_format(&ev[2], s, sizeof(s));
	assert_string_equal(s, "Port block allocation proto=UDP subscriber=2001:db8:6:: nat=192.0.2.2 ports=1024-1535");
	natlog_format(&ev[3], s, sizeof(s));
	assert_string_equal(s, "Quota Exceeded proto=TCP subscriber=2001:db8:7:: limit=10");
	assert_int_equal(natlog_format(&ev[1], s, 10), 9);
}

/* ------------------------------------------------------- subscriber table */

struct fixture {
	struct xlat_config cfg;
	struct cgn_table *t;
	struct rte_ring *ring;
	uint64_t counters[XSTAT_MAX];
	uint8_t used[65536]; /* ports of 192.0.2.1 in use (the NAT64 table's answer) */
};

static struct fixture F;

static bool port_free(void *arg, uint8_t proto, uint32_t addr4, uint16_t port)
{
	struct fixture *f = arg;
	(void)proto;
	return addr4 != a4("192.0.2.1") || !f->used[port];
}

static void fx_init(unsigned ring_size)
{
	static unsigned gen;
	char name[32];

	memset(F.counters, 0, sizeof(F.counters));
	memset(F.used, 0, sizeof(F.used));
	xlat_config_init(&F.cfg, XLAT_MODE_NAT64);
	F.cfg.pool4[0] = (struct pool4_entry){ .proto = 17, .addr = a4("192.0.2.1"), .plen = 32, .port_min = 1024,
					      .port_max = 65535 };
	F.cfg.n_pool4 = 1;
	F.cfg.cgn.enabled = true;
	F.cfg.cgn.ipfix.set = true; /* events are produced only when something exports them */
	snprintf(name, sizeof(name), "tc%u", gen++);
	cgn_table_free(F.t);
	F.t = cgn_table_create(name, 4096, true, 0, 1, 0);
	assert_non_null(F.t);
	if (F.ring)
		rte_ring_free(F.ring);
	snprintf(name, sizeof(name), "tr%u", gen++);
	F.ring = rte_ring_create_elem(name, sizeof(struct natlog_event), ring_size, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	assert_non_null(F.ring);
	cgn_set_output(F.t, F.ring, F.counters);
	cgn_clock(F.t, 1000);
}

static unsigned drain(struct natlog_event *out, unsigned max)
{
	return rte_ring_sc_dequeue_burst_elem(F.ring, out, sizeof(*out), max, NULL);
}

/* What nat64_filter.c does around a new BIB entry: admit, allocate (PBA), account. */
static int new_bib(const char *src, uint16_t sport, uint32_t *addr4, uint16_t *port4)
{
	uint8_t s[16];
	a6(src, s);
	int r = cgn_admit_bib(F.t, &F.cfg, 17, s);
	if (r != XLAT_OK)
		return r;
	if (!cgn_allocates(&F.cfg)) {
		*addr4 = a4("192.0.2.1");
		*port4 = sport;
	} else if ((r = cgn_alloc(F.t, &F.cfg, 17, s, sport, 0, port_free, &F, addr4, port4)) != XLAT_OK) {
		return r;
	}
	F.used[*port4] = 1;
	cgn_bib_event(F.t, &F.cfg, true, 17, s, sport, *addr4, *port4);
	return XLAT_OK;
}

static void del_bib(const char *src, uint16_t sport, uint32_t addr4, uint16_t port4)
{
	uint8_t s[16];
	a6(src, s);
	F.used[port4] = 0;
	cgn_bib_event(F.t, &F.cfg, false, 17, s, sport, addr4, port4);
}

static void t_port_limit_per_subscriber(void **st)
{
	uint32_t addr;
	uint16_t port;

	(void)st;
	fx_init(1024);
	F.cfg.cgn.max_ports[CGN_UDP] = 3;
	/* A: two hosts of one /56 share its 3 ports */
	assert_int_equal(new_bib("2001:db8:a:100::1", 1001, &addr, &port), XLAT_OK);
	assert_int_equal(new_bib("2001:db8:a:100::2", 1002, &addr, &port), XLAT_OK);
	assert_int_equal(new_bib("2001:db8:a:1ff::3", 1003, &addr, &port), XLAT_OK);
	assert_int_equal(new_bib("2001:db8:a:100::1", 1004, &addr, &port), XLAT_CGN_PORT_LIMIT);
	assert_int_equal(new_bib("2001:db8:a:100::9", 1005, &addr, &port), XLAT_CGN_PORT_LIMIT);
	/* B, the next /56, is unaffected */
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(new_bib("2001:db8:a:200::1", (uint16_t)(2000 + i), &addr, &port), XLAT_OK);
	assert_int_equal(new_bib("2001:db8:a:200::1", 2003, &addr, &port), XLAT_CGN_PORT_LIMIT);
	/* TCP is counted apart: no TCP limit, nothing refused */
	uint8_t s[16];
	a6("2001:db8:a:100::1", s);
	assert_int_equal(cgn_admit_bib(F.t, &F.cfg, 6, s), XLAT_OK);
	/* one of A's entries goes: A may have one again */
	del_bib("2001:db8:a:100::2", 1002, a4("192.0.2.1"), 1002);
	assert_int_equal(new_bib("2001:db8:a:100::1", 1006, &addr, &port), XLAT_OK);
	assert_int_equal(cgn_table_subscribers(F.t), 2);

	/* events: 3 + 3 + 1 BIB creates, 1 delete; one Quota Exceeded per subscriber (rate-limited: A hit it twice) */
	struct natlog_event ev[64];
	unsigned n = drain(ev, 64), creates = 0, deletes = 0, quotas = 0;
	for (unsigned i = 0; i < n; i++) {
		creates += ev[i].type == NATLOG_BIB_CREATE;
		deletes += ev[i].type == NATLOG_BIB_DELETE;
		if (ev[i].type == NATLOG_QUOTA_EXCEEDED) {
			quotas++;
			assert_int_equal(ev[i].limit, 3);
			assert_int_equal(ev[i].quota, NATLOG_QUOTA_PER_USER);
			assert_int_equal(ev[i].time_ms, 1000);
		}
	}
	assert_int_equal(creates, 7);
	assert_int_equal(deletes, 1);
	assert_int_equal(quotas, 2);
	assert_int_equal(F.counters[XLAT_NATLOG_EVENTS], n);
	assert_int_equal(F.counters[XLAT_NATLOG_DROPPED], 0);
	/* a second later A's next refusal is logged again */
	cgn_clock(F.t, 2000);
	assert_int_equal(new_bib("2001:db8:a:100::1", 1007, &addr, &port), XLAT_CGN_PORT_LIMIT);
	assert_int_equal(drain(ev, 64), 1);
	assert_int_equal(ev[0].type, NATLOG_QUOTA_EXCEEDED);
	/* everything of A goes: so does A */
	del_bib("2001:db8:a:100::1", 1001, a4("192.0.2.1"), 1001);
	del_bib("2001:db8:a:1ff::3", 1003, a4("192.0.2.1"), 1003);
	del_bib("2001:db8:a:100::1", 1006, a4("192.0.2.1"), 1006);
	assert_int_equal(cgn_table_subscribers(F.t), 1);
	assert_int_equal(F.counters[XLAT_CGN_SUBSCRIBERS], 1); /* the gauge agrees */
}

static void t_session_limit_per_subscriber(void **st)
{
	uint8_t a[16], b[16];

	(void)st;
	fx_init(1024);
	F.cfg.cgn.max_sessions = 2;
	a6("2001:db8:a:100::1", a);
	a6("2001:db8:a:300::1", b);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(cgn_admit_session(F.t, &F.cfg, 6, a), XLAT_OK);
		cgn_session_event(F.t, &F.cfg, true, 6, a, 1000, a4("192.0.2.1"), 1000, a4("198.51.100.2"), 80);
	}
	assert_int_equal(cgn_admit_session(F.t, &F.cfg, 6, a), XLAT_CGN_SESSION_LIMIT);
	assert_int_equal(cgn_admit_session(F.t, &F.cfg, 17, a), XLAT_CGN_SESSION_LIMIT); /* all protocols */
	assert_int_equal(cgn_admit_session(F.t, &F.cfg, 6, b), XLAT_OK);
	cgn_session_event(F.t, &F.cfg, false, 6, a, 1000, a4("192.0.2.1"), 1000, a4("198.51.100.2"), 80);
	assert_int_equal(cgn_admit_session(F.t, &F.cfg, 6, a), XLAT_OK);
	/* without a limit nothing is refused */
	F.cfg.cgn.max_sessions = 0;
	for (unsigned i = 0; i < 10; i++)
		cgn_session_event(F.t, &F.cfg, true, 6, a, 1000, a4("192.0.2.1"), 1000, a4("198.51.100.2"), 80);
	assert_int_equal(cgn_admit_session(F.t, &F.cfg, 6, a), XLAT_OK);
}

static void t_blocks(void **st)
{
	uint32_t addr;
	uint16_t port, ports[40];
	struct natlog_event ev[64];

	(void)st;
	fx_init(1024);
	F.cfg.cgn.block_size = 16;
	F.cfg.cgn.max_blocks = 2;
	F.cfg.cgn.log_events = CGN_LOG_BLOCK | CGN_LOG_QUOTA;
	/* 16 entries fill one block: one allocation, logged once; all in one aligned 16-port range */
	for (unsigned i = 0; i < 16; i++) {
		assert_int_equal(new_bib("2001:db8:a:100::1", (uint16_t)(3000 + i), &addr, &ports[i]), XLAT_OK);
		assert_int_equal(addr, a4("192.0.2.1"));
		assert_int_equal(ports[i] / 16, ports[0] / 16);
	}
	assert_int_equal(F.counters[XLAT_CGN_BLOCK_ALLOCATED], 1);
	unsigned n = drain(ev, 64);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].type, NATLOG_BLOCK_ALLOC);
	uint16_t first = ev[0].port4;
	assert_int_equal(first % 16, 0);
	assert_int_equal(ev[0].port_last, first + 15);
	assert_true(first >= 1024);
	uint8_t sub[16], exp[16];
	a6("2001:db8:a:100::", exp);
	memcpy(sub, ev[0].addr6, 16);
	assert_memory_equal(sub, exp, 16);
	/* parity kept while the block has both: even source ports got even ports */
	assert_int_equal(ports[0] & 1, 0);
	assert_int_equal(ports[1] & 1, 1);
	/* the 17th takes a second block, the 33rd is refused (2 blocks at most) */
	for (unsigned i = 16; i < 32; i++)
		assert_int_equal(new_bib("2001:db8:a:100::1", (uint16_t)(3000 + i), &addr, &ports[i]), XLAT_OK);
	assert_int_equal(new_bib("2001:db8:a:100::1", 3032, &addr, &port), XLAT_CGN_BLOCK_LIMIT);
	assert_int_equal(cgn_table_blocks(F.t), 2);
	n = drain(ev, 64);
	assert_int_equal(n, 2); /* the second block, and Quota Exceeded */
	assert_int_equal(ev[0].type, NATLOG_BLOCK_ALLOC);
	uint16_t second = ev[0].port4;
	assert_int_not_equal(second, first);
	assert_int_equal(ev[1].type, NATLOG_QUOTA_EXCEEDED);
	assert_int_equal(ev[1].limit, 32);
	/* another subscriber gets blocks of its own */
	assert_int_equal(new_bib("2001:db8:b:100::1", 4000, &addr, &port), XLAT_OK);
	assert_true(port / 16 != first / 16 && port / 16 != second / 16);
	n = drain(ev, 64);
	assert_int_equal(n, 1);
	uint16_t third = ev[0].port4;
	/* the first block's entries all go: it is freed (logged once), and the next subscriber may get it */
	for (unsigned i = 0; i < 32; i++)
		if (ports[i] / 16 == first / 16)
			del_bib("2001:db8:a:100::1", (uint16_t)(3000 + i), a4("192.0.2.1"), ports[i]);
	assert_int_equal(F.counters[XLAT_CGN_BLOCK_FREED], 1);
	n = drain(ev, 64);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].type, NATLOG_BLOCK_FREE);
	assert_int_equal(ev[0].port4, first);
	/* the freed block is the lowest free one again: C gets it */
	assert_int_equal(new_bib("2001:db8:c:100::1", 5000, &addr, &port), XLAT_OK);
	n = drain(ev, 64);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].type, NATLOG_BLOCK_ALLOC);
	assert_int_equal(ev[0].port4, first);
	a6("2001:db8:c:100::", exp);
	memcpy(sub, ev[0].addr6, 16);
	assert_memory_equal(sub, exp, 16);
	(void)third;
	/* A, down to one block, may have a new one again */
	assert_int_equal(new_bib("2001:db8:a:100::1", 3040, &addr, &port), XLAT_OK);
	assert_int_equal(cgn_table_blocks(F.t), 4);
}

static void t_block_ownership(void **st)
{
	struct xlat_config cfg;
	unsigned o;

	(void)st;
	xlat_config_init(&cfg, XLAT_MODE_NAT64);
	assert_false(cgn_owner4(&cfg, 17, a4("192.0.2.1"), 5000, 4, &o)); /* no cgn: the usual pairs */
	cfg.cgn.enabled = true;
	assert_false(cgn_owner4(&cfg, 17, a4("192.0.2.1"), 5000, 4, &o)); /* limits only: pairs still */
	cfg.cgn.block_size = 512;
	for (uint32_t p = 1024; p < 65536; p += 7) {
		assert_true(cgn_owner4(&cfg, 17, a4("192.0.2.1"), (uint16_t)p, 4, &o));
		assert_int_equal(o, (p / 512) % 4);
	}
	/* deterministic: the owner of the port's subscriber */
	det_cfg(&cfg.cgn, "2001:db8:100::", 48, 56, "192.0.2.0", 30, 1024, 65535);
	uint8_t src[16];
	a6("2001:db8:100:4200::77", src);
	uint32_t addr;
	uint16_t f, l;
	assert_true(cgn_det_forward(&cfg.cgn, src, &addr, &f, &l));
	for (unsigned n = 2; n < 6; n++) {
		assert_true(cgn_owner4(&cfg, 6, addr, (uint16_t)(f + 3), n, &o));
		assert_int_equal(o, cgn_owner6(src, 56, n));
	}
}

static void t_ring_full_drops(void **st)
{
	struct natlog_event e = { .type = NATLOG_BIB_CREATE };

	(void)st;
	fx_init(8); /* 7 usable slots */
	for (unsigned i = 0; i < 20; i++)
		cgn_log(F.t, &e);
	assert_int_equal(F.counters[XLAT_NATLOG_EVENTS], 7);
	assert_int_equal(F.counters[XLAT_NATLOG_DROPPED], 13);
	/* no exporter configured: nothing is produced at all */
	F.cfg.cgn.ipfix.set = false;
	uint8_t s[16];
	a6("2001:db8::1", s);
	cgn_bib_event(F.t, &F.cfg, true, 17, s, 1, a4("192.0.2.1"), 1);
	assert_int_equal(F.counters[XLAT_NATLOG_EVENTS] + F.counters[XLAT_NATLOG_DROPPED], 20);
}

/* ------------------------------------------------ through lib/nat64_filter.c */

struct nx {
	struct xlat_config cfg;
	struct nat64_table *t[4];
	struct cgn_table *c[4];
	struct rte_ring *ring[4];
	struct xlat_ctx ctx[4];
	uint64_t counters[4][XSTAT_MAX];
	unsigned n;
};

static struct nx *nx_new(unsigned n)
{
	static unsigned gen;
	struct nx *x = calloc(1, sizeof(*x));
	char name[32];

	xlat_config_init(&x->cfg, XLAT_MODE_NAT64);
	x->cfg.pool4[0] = (struct pool4_entry){ .proto = 17, .addr = a4("192.0.2.1"), .plen = 32, .port_min = 2000,
						.port_max = 2063 };
	x->cfg.n_pool4 = 1;
	x->cfg.cgn.enabled = true;
	x->cfg.cgn.ipfix.set = true;
	x->n = n;
	for (unsigned w = 0; w < n; w++) {
		snprintf(name, sizeof(name), "nx%u_", gen);
		x->t[w] = nat64_table_create(name, 1024, w, n, 0);
		snprintf(name, sizeof(name), "nc%u_", gen);
		x->c[w] = cgn_table_create(name, 1024, true, w, n, 0);
		snprintf(name, sizeof(name), "nr%u", gen++);
		x->ring[w] = rte_ring_create_elem(name, sizeof(struct natlog_event), 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		assert_non_null(x->t[w]);
		assert_non_null(x->c[w]);
		assert_non_null(x->ring[w]);
		cgn_set_output(x->c[w], x->ring[w], x->counters[w]);
		nat64_attach_cgn(x->t[w], x->c[w]);
		x->ctx[w] = (struct xlat_ctx){ .cfg = &x->cfg, .counters = x->counters[w], .nat = x->t[w],
					       .rand_state = 1 };
	}
	return x;
}

static void nx_free(struct nx *x)
{
	for (unsigned w = 0; w < x->n; w++) {
		nat64_table_free(x->t[w]);
		cgn_table_free(x->c[w]);
		rte_ring_free(x->ring[w]);
	}
	free(x);
}

/* A UDP packet's way out, on the worker that owns its source (as the dataplane hands it over). */
static int nx_out(struct nx *x, uint64_t now_ms, const char *src, uint16_t sport, uint16_t dport, uint32_t *a,
		  uint16_t *p, unsigned *worker)
{
	uint8_t s6[16];
	a6(src, s6);
	unsigned w = nat64_owner6(&x->cfg, s6, x->n);
	x->ctx[w].now_ns = now_ms * 1000000ull;
	if (worker)
		*worker = w;
	return nat64_out(&x->ctx[w], 17, s6, sport, a4("198.51.100.2"), dport, 0, a, p);
}

static unsigned nx_events(struct nx *x, unsigned w, struct natlog_event *ev, unsigned max)
{
	return rte_ring_sc_dequeue_burst_elem(x->ring[w], ev, sizeof(*ev), max, NULL);
}

static void t_nat64_limits(void **st)
{
	struct nx *x = nx_new(1);
	uint32_t a;
	uint16_t p;

	(void)st;
	x->cfg.cgn.max_sessions = 2;
	x->cfg.cgn.max_ports[CGN_UDP] = 1;
	assert_int_equal(nx_out(x, 1000, "2001:db8:a:100::1", 1000, 53, &a, &p, NULL), XLAT_OK);
	assert_int_equal(nx_out(x, 1000, "2001:db8:a:100::1", 1000, 54, &a, &p, NULL), XLAT_OK);
	/* a third session, even of an existing BIB entry, is over max-sessions; a second port over max-ports */
	assert_int_equal(nx_out(x, 1000, "2001:db8:a:100::1", 1000, 55, &a, &p, NULL), XLAT_CGN_SESSION_LIMIT);
	x->cfg.cgn.max_sessions = 3;
	assert_int_equal(nx_out(x, 1000, "2001:db8:a:1aa::7", 1001, 53, &a, &p, NULL), XLAT_CGN_PORT_LIMIT);
	/* established flows keep working; another subscriber is unaffected */
	assert_int_equal(nx_out(x, 1001, "2001:db8:a:100::1", 1000, 53, &a, &p, NULL), XLAT_OK);
	assert_int_equal(nx_out(x, 1001, "2001:db8:a:200::1", 1000, 53, &a, &p, NULL), XLAT_OK);
	assert_int_equal(nat64_table_sessions(x->t[0]), 3);
	/* the IPv4 side counts too: a new remote on A's BIB entry is A's 3rd session, a 4th is refused */
	uint8_t d6[16];
	uint16_t dp;
	uint32_t a_a4;
	uint16_t a_p4;
	assert_int_equal(nx_out(x, 1002, "2001:db8:a:100::1", 1000, 53, &a_a4, &a_p4, NULL), XLAT_OK);
	x->ctx[0].now_ns = 1002 * 1000000ull;
	assert_int_equal(nat64_in(&x->ctx[0], 17, a4("203.0.113.9"), 7, a_a4, a_p4, 0, d6, &dp), XLAT_OK);
	assert_int_equal(nat64_in(&x->ctx[0], 17, a4("203.0.113.10"), 7, a_a4, a_p4, 0, d6, &dp),
			 XLAT_CGN_SESSION_LIMIT);
	/* everything runs out: A starts afresh, and its subscriber entry went with its last session */
	assert_int_equal(nat64_expire(x->t[0], &x->cfg, 1000 + 10 * 60 * 1000, 1000), 4);
	assert_int_equal(cgn_table_subscribers(x->c[0]), 0);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(nx_out(x, 700000, "2001:db8:a:100::1", 1000, (uint16_t)(60 + i), &a, &p, NULL),
				 XLAT_OK);
	nx_free(x);
}

static void t_nat64_blocks_reused_after_expiry(void **st)
{
	struct nx *x = nx_new(1);
	struct natlog_event ev[64];
	uint32_t a;
	uint16_t p[3];

	(void)st;
	x->cfg.cgn.block_size = 16;
	x->cfg.cgn.max_blocks = 1;
	x->cfg.cgn.log_events = CGN_LOG_BLOCK | CGN_LOG_BIB;
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(nx_out(x, 1000, "2001:db8:a:100::1", (uint16_t)(5000 + i), 53, &a, &p[i], NULL),
				 XLAT_OK);
	unsigned n = nx_events(x, 0, ev, 64);
	assert_int_equal(n, 1 + 3); /* the block (once), then each BIB entry */
	assert_int_equal(ev[0].type, NATLOG_BLOCK_ALLOC);
	assert_int_equal(ev[0].port4, 2000); /* the pool4 range starts on a block boundary */
	assert_int_equal(ev[0].port_last, 2015);
	assert_int_equal(ev[0].time_ms, 1000);
	for (unsigned i = 0; i < 3; i++)
		assert_true(p[i] >= 2000 && p[i] <= 2015);
	/* B gets the next block while A's is in use */
	assert_int_equal(nx_out(x, 2000, "2001:db8:a:200::1", 5000, 53, &a, &p[0], NULL), XLAT_OK);
	assert_true(p[0] >= 2016 && p[0] <= 2031);
	nx_events(x, 0, ev, 64);
	/* A's sessions run out (UDP 5 min): its BIB entries go, then its block, logged once */
	assert_int_equal(nat64_expire(x->t[0], &x->cfg, 1000 + 5 * 60 * 1000 + 500, 1000), 3);
	n = nx_events(x, 0, ev, 64);
	assert_int_equal(n, 3 + 1);
	unsigned freed = 0;
	for (unsigned i = 0; i < n; i++)
		if (ev[i].type == NATLOG_BLOCK_FREE) {
			freed++;
			assert_int_equal(ev[i].port4, 2000);
			assert_int_equal(ev[i].time_ms, 1000 + 5 * 60 * 1000 + 500);
		}
	assert_int_equal(freed, 1);
	assert_int_equal(x->counters[0][XLAT_CGN_BLOCK_FREED], 1);
	/* C now gets the freed block */
	assert_int_equal(nx_out(x, 400000, "2001:db8:a:300::1", 5000, 53, &a, &p[0], NULL), XLAT_OK);
	assert_true(p[0] >= 2000 && p[0] <= 2015);
	n = nx_events(x, 0, ev, 64);
	assert_int_equal(ev[0].type, NATLOG_BLOCK_ALLOC);
	assert_int_equal(ev[0].port4, 2000);
	uint8_t c6[16], e6[16];
	a6("2001:db8:a:300::", e6);
	memcpy(c6, ev[0].addr6, 16);
	assert_memory_equal(c6, e6, 16);
	/* B, at its one block, is refused once it is full */
	for (unsigned i = 1; i < 16; i++)
		assert_int_equal(nx_out(x, 400001, "2001:db8:a:200::1", (uint16_t)(5000 + i), 53, &a, &p[0], NULL),
				 XLAT_OK);
	assert_int_equal(nx_out(x, 400001, "2001:db8:a:200::1", 6000, 53, &a, &p[0], NULL), XLAT_CGN_BLOCK_LIMIT);
	/* gauges: B and C, one block each */
	assert_int_equal(x->counters[0][XLAT_CGN_BLOCKS], 2);
	assert_int_equal(x->counters[0][XLAT_CGN_SUBSCRIBERS], 2);
	nx_free(x);
}

/* Every block taken: the next subscriber is refused (pool4 exhausted), the others keep theirs. */
static void t_nat64_blocks_exhausted(void **st)
{
	struct nx *x = nx_new(1);
	uint32_t a;
	uint16_t p;
	char src[64];

	(void)st;
	x->cfg.cgn.block_size = 2;
	x->cfg.cgn.max_blocks = 1;
	for (unsigned s = 0; s < 32; s++) { /* 2000-2063: 32 blocks of 2 */
		snprintf(src, sizeof(src), "2001:db8:a:%x00::1", s);
		assert_int_equal(nx_out(x, 1000, src, 7000, 53, &a, &p, NULL), XLAT_OK);
	}
	assert_int_equal(nx_out(x, 1000, "2001:db8:b:100::1", 7000, 53, &a, &p, NULL), XLAT_POOL4_EXHAUSTED);
	assert_int_equal(x->counters[0][XLAT_CGN_BLOCKS], 32);
	assert_int_equal(cgn_table_subscribers(x->c[0]), 32); /* the refused one left nothing behind */
	snprintf(src, sizeof(src), "2001:db8:a:%x00::1", 5);
	assert_int_equal(nx_out(x, 1000, src, 7001, 53, &a, &p, NULL), XLAT_OK); /* its block's other port */
	nx_free(x);
}

/* Deterministic NAT: a subscriber's flows stay in its range; a full range refuses, with a quota event. */
static void t_nat64_deterministic_full(void **st)
{
	struct nx *x = nx_new(1);
	struct natlog_event ev[16];
	uint32_t a, fa;
	uint16_t p, first, last;
	uint8_t s6[16];

	(void)st;
	x->cfg.pool4[0].addr = a4("192.0.2.0");
	x->cfg.pool4[0].plen = 31;
	/* 16 subscribers (/60 in /64s), 2 addresses, 2000-2063: 8 per address, 8 ports each */
	det_cfg(&x->cfg.cgn, "2001:db8:a::", 60, 64, "192.0.2.0", 31, 2000, 2063);
	x->cfg.cgn.ipfix.set = true;
	x->cfg.cgn.log_events = CGN_LOG_QUOTA; /* the loader's default with deterministic NAT */
	a6("2001:db8:a:5::1", s6);
	assert_true(cgn_det_forward(&x->cfg.cgn, s6, &fa, &first, &last));
	assert_int_equal(last - first + 1, 8);
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(nx_out(x, 1000, "2001:db8:a:5::1", (uint16_t)(7000 + i), 53, &a, &p, NULL), XLAT_OK);
		assert_int_equal(a, fa);
		assert_true(p >= first && p <= last);
	}
	assert_int_equal(nx_out(x, 1000, "2001:db8:a:5::2", 7100, 53, &a, &p, NULL), XLAT_CGN_BLOCK_LIMIT);
	assert_int_equal(nx_out(x, 1000, "2001:db8:b::1", 7100, 53, &a, &p, NULL), XLAT_CGN_DET_OUTSIDE);
	assert_int_equal(nx_out(x, 1000, "2001:db8:a:6::1", 7100, 53, &a, &p, NULL), XLAT_OK); /* a neighbour */
	unsigned n = nx_events(x, 0, ev, 16);
	assert_int_equal(n, 1); /* the quota event only */
	assert_int_equal(ev[0].type, NATLOG_QUOTA_EXCEEDED);
	assert_int_equal(ev[0].limit, 8);
	nx_free(x);
}

/* With several workers, each allocates only what nat64_owner4 sends back to it (port blocks, deterministic). */
static void t_nat64_ownership(void **st)
{
	(void)st;
	for (int det = 0; det < 2; det++) {
		struct nx *x = nx_new(4);
		x->cfg.pool4[0].port_min = 1024;
		x->cfg.pool4[0].port_max = 65535;
		if (det) {
			x->cfg.pool4[0].addr = a4("192.0.2.0");
			x->cfg.pool4[0].plen = 30;
			det_cfg(&x->cfg.cgn, "2001:db8:a::", 48, 56, "192.0.2.0", 30, 1024, 65535);
			x->cfg.cgn.ipfix.set = true;
		} else {
			x->cfg.cgn.block_size = 64;
			x->cfg.cgn.max_blocks = 8;
		}
		unsigned seen[4] = { 0 };
		for (unsigned s = 0; s < 64; s++) {
			char src[64];
			snprintf(src, sizeof(src), "2001:db8:a:%x00::%x", s, s + 1);
			for (unsigned f = 0; f < 5; f++) {
				uint32_t a;
				uint16_t p;
				unsigned w;
				assert_int_equal(nx_out(x, 1000, src, (uint16_t)(4000 + f), 53, &a, &p, &w), XLAT_OK);
				assert_int_equal(nat64_owner4(&x->cfg, 17, a, p, 4), w);
				seen[w]++;
			}
		}
		for (unsigned w = 0; w < 4; w++)
			assert_true(seen[w] > 0); /* subscribers spread over the workers */
		nx_free(x);
	}
}

/*
 * Issue 19's per-subscriber view: what the owning worker answers for one subscriber (cgn_subscriber_info)
 * is its counts, the flows its limits refused by protocol, and its blocks with the ports each holds; the
 * table's per-prefix counts (nat64_query_subs) agree with it.
 */
static void t_subscriber_info(void **st)
{
	struct nx *x = nx_new(1);
	struct cgn_sub_info si;
	uint8_t sub[16];
	uint32_t a;
	uint16_t p;

	(void)st;
	x->cfg.cgn.block_size = 16;
	x->cfg.cgn.max_blocks = 2;
	x->cfg.cgn.max_sessions = 40;
	for (unsigned i = 0; i < 32; i++) /* two blocks of 16, full */
		assert_int_equal(nx_out(x, 1000, "2001:db8:a:100::1", (uint16_t)(5000 + i), 53, &a, &p, NULL), XLAT_OK);
	assert_int_equal(nx_out(x, 1000, "2001:db8:a:100::1", 6000, 53, &a, &p, NULL), XLAT_CGN_BLOCK_LIMIT);
	assert_int_equal(nx_out(x, 1000, "2001:db8:a:1ff::2", 6001, 53, &a, &p, NULL), XLAT_CGN_BLOCK_LIMIT);
	for (unsigned i = 0; i < 8; i++) /* 8 more sessions on one BIB entry: 40, the limit */
		assert_int_equal(nx_out(x, 1000, "2001:db8:a:100::1", 5000, (uint16_t)(60 + i), &a, &p, NULL), XLAT_OK);
	assert_int_equal(nx_out(x, 1000, "2001:db8:a:100::1", 5000, 99, &a, &p, NULL), XLAT_CGN_SESSION_LIMIT);
	assert_int_equal(nx_out(x, 1000, "2001:db8:a:200::1", 5000, 53, &a, &p, NULL), XLAT_OK);

	a6("2001:db8:a:100::", sub);
	cgn_subscriber_info(x->c[0], sub, &si);
	assert_true(si.found);
	assert_int_equal(si.sessions, 40);
	assert_int_equal(si.bibs[CGN_UDP], 32);
	assert_int_equal(si.limit_hits[CGN_UDP], 3);
	assert_int_equal(si.limit_hits[CGN_TCP], 0);
	assert_int_equal(si.n_blocks, 2);
	for (unsigned b = 0; b < 2; b++) {
		assert_int_equal(si.blk[b].proto, 17);
		assert_int_equal(si.blk[b].used, 16);
		assert_int_equal(si.blk[b].last - si.blk[b].first, 15);
		assert_int_equal(si.blk[b].addr4, a4("192.0.2.1"));
	}
	assert_int_not_equal(si.blk[0].first, si.blk[1].first);
	/* the table's own count of the /56 says the same */
	struct nat64_sub_count sc[4];
	struct nat64_filter f = { .has6 = true, .plen6 = 56 };
	uint32_t next;
	memcpy(f.addr6, sub, 16);
	assert_int_equal(nat64_query_subs(x->t[0], &f, false, 56, 0, 1024, sc, 4, &next), 1);
	assert_int_equal(next, 0);
	assert_int_equal(sc[0].sess[CGN_UDP], 40);
	assert_int_equal(nat64_query_subs(x->t[0], &f, true, 56, 0, 1024, sc, 4, &next), 1);
	assert_int_equal(sc[0].bib[CGN_UDP], 32);
	/* a subscriber with no state: not found; one with a single flow */
	a6("2001:db8:a:300::", sub);
	cgn_subscriber_info(x->c[0], sub, &si);
	assert_false(si.found);
	a6("2001:db8:a:200::", sub);
	cgn_subscriber_info(x->c[0], sub, &si);
	assert_true(si.found);
	assert_int_equal(si.sessions, 1);
	assert_int_equal(si.n_blocks, 1);
	assert_int_equal(si.blk[0].used, 1);
	nx_free(x);
}

/* ------------------------------------------------------------ pcap dump */

static uint16_t csum16(const uint8_t *p, size_t n, uint32_t acc)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

/* Two messages (templates + every event type; then data only) as Ethernet/IPv4/UDP frames. */
static int dump_pcap(const char *path, unsigned port)
{
	FILE *f = fopen(path, "wb");
	struct ipfix_stream s = { .domain = 42 };
	struct natlog_event ev[5];
	uint32_t gh[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };

	if (!f)
		return 1;
	fwrite(gh, 4, 6, f);
	sample_events(ev);
	for (unsigned m = 0; m < 2; m++) {
		uint8_t fr[14 + 20 + 8 + IPFIX_MAX_MSG] = { 0 };
		unsigned used;
		size_t len = ipfix_encode(&s, 1700000000 + m, m == 0, ev, 5, &used, fr + 42, IPFIX_MAX_MSG);
		uint8_t *ip = fr + 14, *udp = fr + 34;
		fr[12] = 0x08;
		ip[0] = 0x45;
		ip[2] = (uint8_t)((20 + 8 + len) >> 8);
		ip[3] = (uint8_t)(20 + 8 + len);
		ip[8] = 64;
		ip[9] = 17;
		ip[12] = ip[16] = 127;
		ip[15] = ip[19] = 1;
		uint16_t c = csum16(ip, 20, 0);
		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
		udp[0] = 0xc0;
		udp[2] = (uint8_t)(port >> 8);
		udp[3] = (uint8_t)port;
		udp[4] = (uint8_t)((8 + len) >> 8);
		udp[5] = (uint8_t)(8 + len); /* checksum 0: none (IPv4) */
		uint32_t rh[4] = { 1700000000 + m, 0, (uint32_t)(42 + len), (uint32_t)(42 + len) };
		fwrite(rh, 4, 4, f);
		fwrite(fr, 1, 42 + len, f);
	}
	fclose(f);
	return 0;
}

#define T(f) cmocka_unit_test(f)

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--pcap") == 0)
		return dump_pcap(argv[2], (unsigned)atoi(argv[3]));

	const struct CMUnitTest tests[] = {
		T(t_subscriber_prefix),
		T(t_det_reversible),
		T(t_det_geometry_errors),
		T(t_ipfix_message),
		T(t_ipfix_fills_message),
		T(t_syslog_text),
		T(t_port_limit_per_subscriber),
		T(t_session_limit_per_subscriber),
		T(t_blocks),
		T(t_block_ownership),
		T(t_ring_full_drops),
		T(t_nat64_limits),
		T(t_nat64_blocks_reused_after_expiry),
		T(t_nat64_blocks_exhausted),
		T(t_nat64_deterministic_full),
		T(t_nat64_ownership),
		T(t_subscriber_info),
	};
	return EAL_TEST_RUN("tcgn", "64", tests);
}
