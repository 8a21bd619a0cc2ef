/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Burst lookups: the sessions of a whole burst looked up in stages, each
 * stage's memory fetched for the whole burst at once, each packet's result
 * kept as a hint for its translation (nat64.h).
 */
#include <string.h>

#include <rte_prefetch.h>

#include "l4.h"
#include "nat64_burst.h"
#include "nat64_db.h"
#include "rfc6052.h"

/* The 6->4 session key of an IPv6 packet NAT64 would look up (false: not a plain query/datagram). */
static bool burst_key6(const struct xlat_config *cfg, const uint8_t *ip, uint32_t len, struct nat64_key *k)
{
	const struct rte_ipv6_hdr *ip6 = (const void *)ip;
	uint8_t proto = ip6->proto == IPPROTO_ICMPV6 ? IPPROTO_ICMP : ip6->proto;
	uint16_t sport, dport;
	uint8_t flags;
	uint32_t dst4;

	if (len < sizeof(*ip6) + 8 || ip_version(ip) != 6 || !cfg->g.pool6_set ||
	    !l4_ports(proto, ip + sizeof(*ip6), len - (uint32_t)sizeof(*ip6), &sport, &dport, &flags) ||
	    rfc6052_6to4(&cfg->g.pool6, ip6->dst_addr, &dst4) != 0)
		return false;
	key6_mk(k, proto, ip6->src_addr, sport, dst4, proto == IPPROTO_ICMP ? 0 : dport);
	return true;
}

/* The 4->6 session key of an IPv4 packet (unfragmented, or a first fragment). */
static bool burst_key4(const uint8_t *ip, uint32_t len, struct nat64_key *k)
{
	const struct rte_ipv4_hdr *ip4 = (const void *)ip;
	uint32_t ihl = rte_ipv4_hdr_len(ip4);
	uint16_t sport, dport;
	uint8_t flags;

	if (ip_version(ip) != 4 || ihl < sizeof(*ip4) || len < ihl + 8 ||
	    (ip4_frag_field(ip4) & RTE_IPV4_HDR_OFFSET_MASK) != 0 ||
	    !l4_ports(ip4->next_proto_id, ip + ihl, len - ihl, &sport, &dport, &flags))
		return false;
	key4_mk(k, ip4->next_proto_id, ip4->dst_addr, dport, ip4->src_addr,
		ip4->next_proto_id == IPPROTO_ICMP ? 0 : sport);
	return true;
}

/* The lines the entries under hash h's tag in its home bucket live in (the key compares' lines). */
static inline void prefetch_candidates(const struct idx *x, uint64_t h, const void *base, size_t size)
{
	const struct idx_bucket *b = idx_home(x, h);

	for (unsigned m = idx_match(b, idx_tag(h)); m;)
		rte_prefetch0((const uint8_t *)base + size * b->ent[idx_next(&m)]);
}

/*
 * A burst in stages, each over the whole burst, so that the misses of one
 * stage overlap: the keys hashed and their home buckets asked for; the
 * entries their tags point to asked for; the lookups (from cache); for the
 * new 6->4 flows, the BIB entry lookup the same way.
 */
void nat64_lookup_burst(struct xlat_ctx *ctx, const uint8_t *const l3[], const uint32_t len[], unsigned n)
{
	struct nat64_table *t = ctx->nat;
	struct nat64_key k4[NAT64_BURST_MAX];
	uint64_t h[NAT64_BURST_MAX], part6[NAT64_BURST_MAX];
	uint8_t fam[NAT64_BURST_MAX];
	unsigned nb = 0;

	if (n > NAT64_BURST_MAX)
		n = NAT64_BURST_MAX;
	t->hint_n = n;
	t->hint_cur = -1;
	t->hint_idx = -1;
	t->miss6 = t->added_s6 = t->added_b6 = 0;
	for (unsigned i = 0; i < n; i++) {
		t->hint[i] = -1;
		fam[i] = 0;
		if (!l3[i] || len[i] < 20)
			continue;
		if (burst_key6(ctx->cfg, l3[i], len[i], &t->bkey[i])) {
			const struct nat64_key *k = &t->bkey[i];
			part6[i] = hk_a6(t, k->a6);
			h[i] = t->bh6[i] = hash_s6_from(t, part6[i], k->proto, k->p6, k->remote4, k->rport);
			idx_prefetch(&t->s6, h[i]);
			fam[i] = 6;
		} else if (burst_key4(l3[i], len[i], &k4[i])) {
			h[i] = hash_s4(t, k4[i].proto, k4[i].a4, k4[i].p4, k4[i].remote4, k4[i].rport);
			idx_prefetch(&t->s4, h[i]);
			fam[i] = 4;
		}
	}
	for (unsigned i = 0; i < n; i++)
		if (fam[i])
			prefetch_candidates(fam[i] == 6 ? &t->s6 : &t->s4, h[i], t->sess, sizeof(*t->sess));
	for (unsigned i = 0; i < n; i++) {
		if (fam[i] == 4) {
			t->hint[i] = sess_find4(t, &k4[i], h[i]);
		} else if (fam[i] == 6 && (t->hint[i] = sess_find6(t, &t->bkey[i], h[i])) < 0) {
			/* a new flow (or one to refuse): its BIB entry, looked up the same way */
			const struct nat64_key *k = &t->bkey[i];
			t->miss6 |= 1ull << i;
			t->bhb6[i] = hash_b6_from(t, part6[i], k->proto, k->p6);
			idx_prefetch(&t->b6, t->bhb6[i]);
			fam[i] = 'b';
			nb++;
		}
	}
	if (!nb)
		return;
	for (unsigned i = 0; i < n; i++)
		if (fam[i] == 'b')
			prefetch_candidates(&t->b6, t->bhb6[i], t->bibs, sizeof(*t->bibs));
	for (unsigned i = 0; i < n; i++)
		if (fam[i] == 'b')
			t->b6pos[i] = bib_find6(t, &t->bkey[i], t->bhb6[i]);
}

void nat64_hint(struct xlat_ctx *ctx, unsigned i)
{
	struct nat64_table *t = ctx->nat;

	t->hint_cur = i < t->hint_n ? t->hint[i] : -1;
	t->hint_idx = i < t->hint_n ? (int)i : -1;
}
