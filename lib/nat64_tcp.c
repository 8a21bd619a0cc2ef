/* SPDX-License-Identifier: BSD-3-Clause */
/* NAT64's TCP state machine (RFC 6146 3.5.2.2) and what a segment does to its session's timer. */
#include "nat64_db.h"

enum tcp_state nat64_tcp_next(enum tcp_state s, bool v6, uint8_t f, bool handle_rst_fin)
{
	switch (s) {
	case TCP_CLOSED:
		return (f & TCPF_SYN) ? (v6 ? TCP_V6_INIT : TCP_V4_INIT) : TCP_CLOSED;
	case TCP_V6_INIT:
		return (!v6 && (f & TCPF_SYN)) ? TCP_ESTABLISHED : s;
	case TCP_V4_INIT:
		return (v6 && (f & TCPF_SYN)) ? TCP_ESTABLISHED : s;
	case TCP_ESTABLISHED:
		if (f & TCPF_RST)
			return TCP_TRANS;
		if (f & TCPF_FIN)
			return v6 ? TCP_V6_FIN_RCV : TCP_V4_FIN_RCV;
		return s;
	case TCP_V4_FIN_RCV:
		if (v6 && (f & TCPF_FIN))
			return TCP_V4_FIN_V6_FIN_RCV;
		return (handle_rst_fin && (f & TCPF_RST)) ? TCP_TRANS : s;
	case TCP_V6_FIN_RCV:
		if (!v6 && (f & TCPF_FIN))
			return TCP_V4_FIN_V6_FIN_RCV;
		return (handle_rst_fin && (f & TCPF_RST)) ? TCP_TRANS : s;
	case TCP_V4_FIN_V6_FIN_RCV:
		return s; /* nothing revives it; it runs out on the transitory timer */
	case TCP_TRANS:
		return (f & TCPF_RST) ? s : TCP_ESTABLISHED;
	}
	return s;
}

/*
 * Apply a segment to a session: new state (told, nat64_sess_notify), and its timer (RFC 6146 3.5.2.2: FIN-FIN
 * is not refreshed).
 */
void nat64_tcp_update(struct nat64_table *t, const struct xlat_config *cfg, uint32_t i, bool v6, uint8_t flags,
		      uint64_t now)
{
	const struct nat64_globals *g = &cfg->g.nat;
	struct session *s = &t->sess[i];
	uint8_t old = s->state;

	s->state = nat64_tcp_next((enum tcp_state)old, v6, flags, g->handle_rst_during_fin_rcv) & 15;
	if (s->state == TCP_V4_FIN_V6_FIN_RCV && old == TCP_V4_FIN_V6_FIN_RCV)
		return;
	if (s->state == TCP_TRANS && old == TCP_TRANS)
		return; /* RST in TRANS: let it run out */
	refresh(t, g, i, IPPROTO_TCP, now);
	/* after the timer: HA sends the session with the new state's timer (every change, a new session's first too) */
	if (s->state != old)
		nat64_sess_notify(t, cfg, i, NAT64_EV_STATE, old);
}
