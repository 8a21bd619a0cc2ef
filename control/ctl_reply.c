/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket's replies (ctl_internal.h): one JSON object a line, queued
 * per client and sent as its socket takes them, never waited for; a client
 * whose backlog passes CTL_MAX_OUTPUT is dropped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ctl_internal.h"

void ctl_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void ctl_queue_out(struct ctl_client *c, const char *buf, size_t len)
{
	if (c->dead)
		return;
	if (ctl_pending_out(c) + len > CTL_MAX_OUTPUT) {
		c->dead = true;
		return;
	}
	if (c->out_off && c->out_len + len > c->out_cap) {
		memmove(c->out, c->out + c->out_off, ctl_pending_out(c));
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	if (c->out_len + len > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		char *nb;

		while (cap < c->out_len + len)
			cap *= 2;
		nb = realloc(c->out, cap);
		if (!nb) {
			c->dead = true;
			return;
		}
		c->out = nb;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, buf, len);
	c->out_len += len;
}

void ctl_flush_out(struct ctl_client *c)
{
	while (!c->dead && ctl_pending_out(c)) {
		ssize_t n = send(c->fd, c->out + c->out_off, ctl_pending_out(c), MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n > 0) {
			c->out_off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		c->dead = true; /* EPIPE, ECONNRESET, ... */
	}
	if (!ctl_pending_out(c)) {
		c->out_off = c->out_len = 0;
		/* Give back a big buffer once it drains. */
		if (c->out_cap > 256 * 1024) {
			free(c->out);
			c->out = NULL;
			c->out_cap = 0;
		}
	}
}

static const char fallback_reply[] =
	"{\"ok\":false,\"error\":{\"code\":\"internal\",\"message\":\"could not build the reply\"}}\n";

/* Serialise one reply line. */
void ctl_send_json(struct ctl_client *c, json_t *reply)
{
	char *txt = reply ? json_dumps(reply, JSON_COMPACT) : NULL;
	size_t len;

	json_decref(reply);
	if (!txt) {
		ctl_queue_out(c, fallback_reply, sizeof(fallback_reply) - 1);
		return;
	}
	len = strlen(txt);
	if (len + 1 > CTL_MAX_OUTPUT) {
		static const char too_big[] = "{\"ok\":false,\"error\":{\"code\":\"reply_too_large\","
					      "\"message\":\"the reply is larger than the server sends\"}}\n";
		ctl_queue_out(c, too_big, sizeof(too_big) - 1);
	} else {
		txt[len] = '\n'; /* replaces the NUL; len + 1 bytes go out */
		ctl_queue_out(c, txt, len + 1);
	}
	free(txt);
}

void ctl_send_error(struct ctl_client *c, json_t *id, const char *code, const char *fmt, ...)
{
	char msg[CTL_ERRLEN];
	va_list ap;
	json_t *reply, *e, *m;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e = json_object();
	reply = json_object();
	if (!e || !reply) {
		json_decref(e);
		json_decref(reply);
		ctl_send_json(c, NULL);
		return;
	}
	json_object_set_new(e, "code", json_string(code));
	/* A handler's message might not be UTF-8; say so rather than fail. */
	m = json_string(msg);
	json_object_set_new(e, "message", m ? m : json_string("(message not UTF-8)"));
	json_object_set_new(reply, "ok", json_false());
	json_object_set_new(reply, "error", e);
	if (id)
		json_object_set(reply, "id", id);
	ctl_send_json(c, reply);
}
