/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Burst lookups: the sessions of a whole burst looked up at once with
 * rte_hash's bulk lookups, their memory fetched in parallel, each packet's
 * result kept as a hint for its translation (nat64.h).
 */
#include <string.h>

#include <rte_hash.h>
#include <rte_prefetch.h>

#include "l4.h"
#include "nat64_burst.h"
#include "nat64_db.h"
#include "rfc6052.h"

/* The 6->4 session key of an IPv6 packet NAT64 would look up (false: not a plain query/datagram). */
static bool burst_key6(const struct xlat_config *cfg, const uint8_t *ip, uint32_t len, struct s6_key *k)
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
	memset(k, 0, sizeof(*k));
	k->proto = proto;
	k->port6 = sport;
	k->rport = proto == IPPROTO_ICMP ? 0 : dport;
	memcpy(k->addr6, ip6->src_addr, 16);
	k->remote4 = dst4;
	return true;
}

/* The 4->6 session key of an IPv4 packet (unfragmented, or a first fragment). */
static bool burst_key4(const uint8_t *ip, uint32_t len, struct s4_key *k)
{
	const struct rte_ipv4_hdr *ip4 = (const void *)ip;
	uint32_t ihl = rte_ipv4_hdr_len(ip4);
	uint16_t sport, dport;
	uint8_t flags;

	if (ip_version(ip) != 4 || ihl < sizeof(*ip4) || len < ihl + 8 ||
	    (ip4_frag_field(ip4) & RTE_IPV4_HDR_OFFSET_MASK) != 0 ||
	    !l4_ports(ip4->next_proto_id, ip + ihl, len - ihl, &sport, &dport, &flags))
		return false;
	memset(k, 0, sizeof(*k));
	k->proto = ip4->next_proto_id;
	k->lport = dport;
	k->rport = ip4->next_proto_id == IPPROTO_ICMP ? 0 : sport;
	k->local4 = ip4->dst_addr;
	k->remote4 = ip4->src_addr;
	return true;
}

void nat64_lookup_burst(struct xlat_ctx *ctx, const uint8_t *const l3[], const uint32_t len[], unsigned n)
{
	struct nat64_table *t = ctx->nat;
	struct s4_key k4[NAT64_BURST_MAX];
	const void *p6[NAT64_BURST_MAX], *p4[NAT64_BURST_MAX];
	uint8_t at6[NAT64_BURST_MAX], at4[NAT64_BURST_MAX];
	int32_t pos6[NAT64_BURST_MAX];
	void *data4[NAT64_BURST_MAX];
	uint32_t h6[NAT64_BURST_MAX], h4[NAT64_BURST_MAX];
	uint64_t hits4 = 0;
	unsigned n6 = 0, n4 = 0;

	if (n > NAT64_BURST_MAX)
		n = NAT64_BURST_MAX;
	t->hint_n = n;
	t->hint_cur = -1;
	t->hint_idx = -1;
	t->miss6 = t->added_s6 = t->added_b6 = 0;
	for (unsigned i = 0; i < n; i++) {
		t->hint[i] = -1;
		if (!l3[i] || len[i] < 20)
			continue;
		if (burst_key6(ctx->cfg, l3[i], len[i], &t->bkey6[i])) {
			p6[n6] = &t->bkey6[i];
			h6[n6] = t->bh6[i] = hash_s6(t, &t->bkey6[i]);
			at6[n6++] = (uint8_t)i;
		} else if (burst_key4(l3[i], len[i], &k4[n4])) {
			p4[n4] = &k4[n4];
			h4[n4] = hash_s4(t, &k4[n4]);
			at4[n4++] = (uint8_t)i;
		}
	}
	/* rte_hash's bulk lookups prefetch buckets and keys for the whole burst */
	if (n6 && rte_hash_lookup_with_hash_bulk(t->s6, p6, h6, n6, pos6) == 0) {
		struct bib6_key kb[NAT64_BURST_MAX];
		const void *pb[NAT64_BURST_MAX];
		uint32_t hb[NAT64_BURST_MAX];
		int32_t posb[NAT64_BURST_MAX];
		uint8_t atb[NAT64_BURST_MAX];
		unsigned nb = 0;
		for (unsigned j = 0; j < n6; j++) {
			unsigned i = at6[j];
			if (pos6[j] >= 0 && (uint32_t)pos6[j] < t->max) {
				t->hint[i] = pos6[j];
				rte_prefetch0(&t->sess[pos6[j]]);
			} else if (pos6[j] < 0) { /* a new flow (or one to refuse): its BIB entry, in bulk too */
				const struct s6_key *k = &t->bkey6[i];
				t->miss6 |= 1ull << i;
				t->b6pos[i] = -2;
				bib6_key_of(&kb[nb], k->proto, k->addr6, k->port6);
				pb[nb] = &kb[nb];
				hb[nb] = t->bhb6[i] = hash_b6(t, &kb[nb]);
				atb[nb++] = (uint8_t)i;
			}
		}
		if (nb && rte_hash_lookup_with_hash_bulk(t->bib6, pb, hb, nb, posb) == 0)
			for (unsigned j = 0; j < nb; j++)
				t->b6pos[atb[j]] = posb[j] >= 0 && (uint32_t)posb[j] < t->max ? posb[j] : -1;
	}
	if (n4 && rte_hash_lookup_with_hash_bulk_data(t->s4, p4, h4, n4, &hits4, data4) >= 0)
		for (unsigned j = 0; j < n4; j++)
			if ((hits4 >> j) & 1) {
				uint32_t si = (uint32_t)(uintptr_t)data4[j];
				t->hint[at4[j]] = (int32_t)si;
				rte_prefetch0(&t->sess[si]);
			}
	/* then, as the session lines arrive, the BIB entries (a refresh seldom relinks: its neighbours can wait) */
	for (unsigned i = 0; i < n; i++)
		if (t->hint[i] >= 0)
			rte_prefetch0(&t->bibs[t->sess[t->hint[i]].bib]);
}

void nat64_hint(struct xlat_ctx *ctx, unsigned i)
{
	struct nat64_table *t = ctx->nat;

	t->hint_cur = i < t->hint_n ? t->hint[i] : -1;
	t->hint_idx = i < t->hint_n ? (int)i : -1;
}
