/* SPDX-License-Identifier: BSD-3-Clause */
/* NAT event export over UDP: IPFIX (RFC 7011, RFC 8158) and syslog lines (RFC 5424 / RFC 5426). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ipfix.h"
#include "natlog_export.h"

struct natlog_exporter {
	int fd4, fd6;
	struct ipfix_stream ipfix;
	uint64_t templates_sent_s; /* 0: never */
	struct cgn_target last_ipfix; /* a new collector gets the templates at once */
	char host[64];
};

static int udp_socket(int family)
{
	int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	return fd;
}

struct natlog_exporter *natlog_exporter_new(void)
{
	struct natlog_exporter *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->fd4 = udp_socket(4);
	x->fd6 = udp_socket(6);
	if (gethostname(x->host, sizeof(x->host)) != 0 || !x->host[0])
		snprintf(x->host, sizeof(x->host), "-");
	x->host[sizeof(x->host) - 1] = '\0';
	return x;
}

void natlog_exporter_free(struct natlog_exporter *x)
{
	if (!x)
		return;
	if (x->fd4 >= 0)
		close(x->fd4);
	if (x->fd6 >= 0)
		close(x->fd6);
	free(x);
}

static void send_to(struct natlog_exporter *x, const struct cgn_target *t, const void *buf, size_t len,
		    uint64_t counters[XSTAT_MAX])
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (t->family == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(t->port);
		memcpy(&s6->sin6_addr, t->addr, 16);
		sl = sizeof(*s6);
		fd = x->fd6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(t->port);
		memcpy(&s4->sin_addr, t->addr, 4);
		sl = sizeof(*s4);
		fd = x->fd4;
	}
	if (fd >= 0 && sendto(fd, buf, len, 0, (struct sockaddr *)&ss, sl) == (ssize_t)len)
		__atomic_fetch_add(&counters[XLAT_NATLOG_MSGS], 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&counters[XLAT_NATLOG_SEND_FAILED], 1, __ATOMIC_RELAXED);
}

static void export_ipfix(struct natlog_exporter *x, const struct cgn_config *c, const struct natlog_event *ev,
			 unsigned n, uint64_t now_s, uint64_t counters[XSTAT_MAX])
{
	uint8_t buf[IPFIX_MAX_MSG];

	if (memcmp(&x->last_ipfix, &c->ipfix, sizeof(c->ipfix)) != 0 || x->ipfix.domain != c->observation_domain) {
		x->last_ipfix = c->ipfix;
		x->ipfix.domain = c->observation_domain;
		x->templates_sent_s = 0;
	}
	while (n) {
		/* RFC 7011 8.4 / 10.3.6: over UDP, templates go again periodically (template-refresh-s) */
		bool tpl = !x->templates_sent_s || now_s - x->templates_sent_s >= c->template_refresh_s;
		unsigned used;
		size_t len = ipfix_encode(&x->ipfix, (uint32_t)now_s, tpl, ev, n, &used, buf, sizeof(buf));
		if (tpl)
			x->templates_sent_s = now_s ? now_s : 1;
		send_to(x, &c->ipfix, buf, len, counters);
		if (!used)
			break;
		ev += used;
		n -= used;
	}
}

static void export_syslog(struct natlog_exporter *x, const struct cgn_config *c, const struct natlog_event *ev,
			  unsigned n, uint64_t counters[XSTAT_MAX])
{
	char line[512], ts[40];

	for (unsigned i = 0; i < n; i++) {
		time_t s = (time_t)(ev[i].time_ms / 1000);
		struct tm tm;
		gmtime_r(&s, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
		/* RFC 5424: <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG; local0.info */
		int k = snprintf(line, sizeof(line), "<134>1 %s.%03uZ %s xlat64d - NAT - ", ts,
				 (unsigned)(ev[i].time_ms % 1000), x->host);
		if (k < 0 || (size_t)k >= sizeof(line))
			continue;
		size_t len = (size_t)k + natlog_format(&ev[i], line + k, sizeof(line) - (size_t)k);
		send_to(x, &c->syslog, line, len, counters);
	}
}

void natlog_export(struct natlog_exporter *x, const struct cgn_config *c, const struct natlog_event *ev, unsigned n,
		   uint64_t now_s, uint64_t counters[XSTAT_MAX])
{
	if (!x || !n)
		return;
	if (c->ipfix.set)
		export_ipfix(x, c, ev, n, now_s, counters);
	if (c->syslog.set)
		export_syslog(x, c, ev, n, counters);
}
