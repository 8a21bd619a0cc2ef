/* SPDX-License-Identifier: BSD-3-Clause */
/* IPFIX (RFC 7011) encoding of NAT events with RFC 8158 information elements. */
#include <string.h>

#include "ipfix.h"

/* Information element ids (IANA IPFIX registry) and their lengths. */
enum {
	IE_PROTO = 4,
	IE_SRC_PORT = 7,
	IE_DST_PORT = 11,
	IE_DST4 = 12,
	IE_SRC6 = 27,
	IE_POST_SRC4 = 225,
	IE_POST_SRC_PORT = 227,
	IE_NAT_EVENT = 230,
	IE_OBS_MS = 323,
	IE_PORT_START = 361,
	IE_PORT_END = 362,
	IE_QUOTA_EVENT = 466,
	IE_MAX_PER_USER = 473,
};

struct ie {
	uint16_t id, len;
};

struct tpl {
	uint16_t id;
	uint8_t n;
	struct ie f[9];
};

static const struct tpl tpls[] = {
	{ IPFIX_TPL_SESSION, 9,
	  { { IE_OBS_MS, 8 }, { IE_NAT_EVENT, 1 }, { IE_PROTO, 1 }, { IE_SRC6, 16 }, { IE_SRC_PORT, 2 },
	    { IE_POST_SRC4, 4 }, { IE_POST_SRC_PORT, 2 }, { IE_DST4, 4 }, { IE_DST_PORT, 2 } } },
	{ IPFIX_TPL_BIB, 7,
	  { { IE_OBS_MS, 8 }, { IE_NAT_EVENT, 1 }, { IE_PROTO, 1 }, { IE_SRC6, 16 }, { IE_SRC_PORT, 2 },
	    { IE_POST_SRC4, 4 }, { IE_POST_SRC_PORT, 2 } } },
	{ IPFIX_TPL_BLOCK, 7,
	  { { IE_OBS_MS, 8 }, { IE_NAT_EVENT, 1 }, { IE_PROTO, 1 }, { IE_SRC6, 16 }, { IE_POST_SRC4, 4 },
	    { IE_PORT_START, 2 }, { IE_PORT_END, 2 } } },
	{ IPFIX_TPL_QUOTA, 6,
	  { { IE_OBS_MS, 8 }, { IE_NAT_EVENT, 1 }, { IE_PROTO, 1 }, { IE_QUOTA_EVENT, 4 }, { IE_SRC6, 16 },
	    { IE_MAX_PER_USER, 4 } } },
};
#define N_TPLS (sizeof(tpls) / sizeof(tpls[0]))

uint16_t ipfix_template_of(uint8_t type)
{
	switch (type) {
	case NATLOG_SESSION_CREATE:
	case NATLOG_SESSION_DELETE:
		return IPFIX_TPL_SESSION;
	case NATLOG_BIB_CREATE:
	case NATLOG_BIB_DELETE:
		return IPFIX_TPL_BIB;
	case NATLOG_BLOCK_ALLOC:
	case NATLOG_BLOCK_FREE:
		return IPFIX_TPL_BLOCK;
	case NATLOG_QUOTA_EXCEEDED:
		return IPFIX_TPL_QUOTA;
	}
	return 0;
}

static const struct tpl *tpl_by_id(uint16_t id)
{
	for (unsigned i = 0; i < N_TPLS; i++)
		if (tpls[i].id == id)
			return &tpls[i];
	return NULL;
}

static unsigned rec_len(const struct tpl *t)
{
	unsigned n = 0;

	for (unsigned i = 0; i < t->n; i++)
		n += t->f[i].len;
	return n;
}

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p = put16(p, (uint16_t)(v >> 16));
	return put16(p, (uint16_t)v);
}

static uint8_t *put64(uint8_t *p, uint64_t v)
{
	p = put32(p, (uint32_t)(v >> 32));
	return put32(p, (uint32_t)v);
}

/* One data record, fields in the template's order (all fixed length, network order). */
static uint8_t *put_record(uint8_t *p, const struct tpl *t, const struct natlog_event *e)
{
	for (unsigned i = 0; i < t->n; i++) {
		switch (t->f[i].id) {
		case IE_OBS_MS:
			p = put64(p, e->time_ms);
			break;
		case IE_NAT_EVENT:
			*p++ = e->type;
			break;
		case IE_PROTO:
			*p++ = e->proto;
			break;
		case IE_SRC6:
			memcpy(p, e->addr6, 16);
			p += 16;
			break;
		case IE_SRC_PORT:
			p = put16(p, e->port6);
			break;
		case IE_POST_SRC4:
			memcpy(p, &e->addr4, 4); /* already network order */
			p += 4;
			break;
		case IE_POST_SRC_PORT:
		case IE_PORT_START:
			p = put16(p, e->port4);
			break;
		case IE_PORT_END:
			p = put16(p, e->port_last);
			break;
		case IE_DST4:
			memcpy(p, &e->remote4, 4);
			p += 4;
			break;
		case IE_DST_PORT:
			p = put16(p, e->rport);
			break;
		case IE_QUOTA_EVENT:
			p = put32(p, e->quota);
			break;
		case IE_MAX_PER_USER:
			p = put32(p, e->limit);
			break;
		}
	}
	return p;
}

size_t ipfix_encode(struct ipfix_stream *st, uint32_t export_time_s, bool with_templates,
		    const struct natlog_event *ev, unsigned n, unsigned *used, uint8_t *buf, size_t cap)
{
	uint8_t *p = buf + 16, *end = buf + (cap < IPFIX_MAX_MSG ? cap : IPFIX_MAX_MSG);
	unsigned i = 0, records = 0;

	*used = 0;
	if (with_templates) {
		/* RFC 7011 3.4.1: Template Set id 2; each record: id, field count, (IE, length)... */
		uint8_t *set = p;
		p += 4;
		for (unsigned t = 0; t < N_TPLS; t++) {
			p = put16(p, tpls[t].id);
			p = put16(p, tpls[t].n);
			for (unsigned f = 0; f < tpls[t].n; f++) {
				p = put16(p, tpls[t].f[f].id);
				p = put16(p, tpls[t].f[f].len);
			}
		}
		put16(set, 2);
		put16(set + 2, (uint16_t)(p - set));
	}
	while (i < n) {
		uint16_t id = ipfix_template_of(ev[i].type);
		const struct tpl *t = tpl_by_id(id);
		if (!t) { /* nothing to export it with: skip it */
			i++;
			continue;
		}
		unsigned rl = rec_len(t);
		if (p + 4 + rl > end)
			break;
		/* one Data Set for the run of consecutive events with this template */
		uint8_t *set = p;
		p += 4;
		while (i < n && ipfix_template_of(ev[i].type) == id && p + rl <= end) {
			p = put_record(p, t, &ev[i]);
			i++;
			records++;
		}
		put16(set, id);
		put16(set + 2, (uint16_t)(p - set));
	}
	/* Message header (RFC 7011 3.1): the sequence number counts data records sent before this message. */
	put16(buf, IPFIX_VERSION);
	put16(buf + 2, (uint16_t)(p - buf));
	put32(buf + 4, export_time_s);
	put32(buf + 8, st->seq);
	put32(buf + 12, st->domain);
	st->seq += records;
	*used = i;
	return (size_t)(p - buf);
}
