/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket's requests (ctl_internal.h, the protocol in ctl_server.h):
 * a client's bytes read into its buffer, each complete line parsed, checked
 * and handed to its command's handler, whose answer becomes the reply; the
 * built-in "help".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ctl_internal.h"

json_t *ctl_cmd_help(void *opaque, const json_t *request, char *err, size_t errlen)
{
	const struct ctl_server *s = opaque;
	json_t *list = json_array(), *reply = json_object();

	(void)request;
	if (!list || !reply) {
		json_decref(list);
		json_decref(reply);
		ctl_set_err(err, errlen, "out of memory");
		return NULL;
	}
	for (unsigned i = 0; i < s->n_cmds; i++) {
		json_t *o = json_object();

		if (!o)
			continue;
		json_object_set_new(o, "name", json_string(s->cmds[i].name));
		json_object_set_new(o, "help", json_string(s->cmds[i].help ? s->cmds[i].help : ""));
		json_array_append_new(list, o);
	}
	json_object_set_new(reply, "commands", list);
	return reply;
}

/* What a JSON value is, for a message: "an array", "a string", ... */
static const char *json_kind(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	case JSON_NULL:
		return "null";
	}
	return "something else";
}

static void handle_line(struct ctl_server *s, struct ctl_client *c, const char *line, size_t len)
{
	json_error_t je;
	json_t *req, *id, *cmd, *res, *reply;
	const char *name;
	char err[CTL_ERRLEN];
	unsigned i;

	/* Blank lines (keep-alives, stray CRLF) are ignored. */
	while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'); i++)
		;
	if (i == len)
		return;

	/*
	 * JSON_DECODE_ANY: a line that is valid JSON but not an object (42, "stats", null) is
	 * parsed, and refused below as invalid_request; only malformed text is invalid_json.
	 */
	req = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (!req) {
		ctl_send_error(c, NULL, "invalid_json", "invalid JSON at column %d: %s", je.column, je.text);
		return;
	}
	if (!json_is_object(req)) {
		ctl_send_error(c, NULL, "invalid_request", "a request must be a JSON object ({\"command\": NAME, ...}), not %s",
			   json_kind(req));
		json_decref(req);
		return;
	}
	id = json_object_get(req, "id");
	cmd = json_object_get(req, "command");
	if (!cmd) {
		ctl_send_error(c, id, "missing_command", "the request has no \"command\"");
		goto out;
	}
	if (!json_is_string(cmd)) {
		ctl_send_error(c, id, "invalid_request", "\"command\" must be a string");
		goto out;
	}
	name = json_string_value(cmd);
	for (i = 0; i < s->n_cmds; i++)
		if (strcmp(s->cmds[i].name, name) == 0)
			break;
	if (i == s->n_cmds) {
		ctl_send_error(c, id, "unknown_command", "unknown command '%.64s'; \"help\" lists the commands", name);
		goto out;
	}

	err[0] = '\0';
	res = s->cmds[i].fn(s->cmds[i].opaque, req, err, sizeof(err));
	if (!res) {
		ctl_send_error(c, id, "command_failed", "%s", err[0] ? err : "the command failed");
		goto out;
	}
	if (!json_is_object(res)) {
		json_decref(res);
		ctl_send_error(c, id, "internal", "command '%s' returned something other than an object", name);
		goto out;
	}
	reply = json_object();
	if (!reply) {
		json_decref(res);
		ctl_send_json(c, NULL);
		goto out;
	}
	json_object_set_new(reply, "ok", json_true());
	if (id)
		json_object_set(reply, "id", id);
	json_object_update_missing(reply, res); /* "ok" and "id" stay ours */
	json_decref(res);
	ctl_send_json(c, reply);
out:
	json_decref(req);
}

/* Handle the complete request lines buffered for c, as far as its output backlog allows. */
void ctl_process_input(struct ctl_server *s, struct ctl_client *c)
{
	size_t start = 0;

	while (c->in_len && !c->dead && !c->closing && ctl_pending_out(c) < CTL_OUT_PAUSE) {
		char *nl = memchr(c->in + start, '\n', c->in_len - start);
		size_t len;

		if (!nl)
			break;
		len = (size_t)(nl - (c->in + start));
		if (len > CTL_MAX_REQUEST) {
			ctl_send_error(c, NULL, "request_too_large", "a request can be at most %d bytes", CTL_MAX_REQUEST);
			c->closing = true;
			break;
		}
		handle_line(s, c, c->in + start, len);
		start += len + 1;
	}
	if (start) {
		memmove(c->in, c->in + start, c->in_len - start);
		c->in_len -= start;
	}
	if (c->dead || c->closing)
		return;
	if (!c->in_len || !memchr(c->in, '\n', c->in_len)) { /* (c->in may still be NULL) */
		if (c->in_len > CTL_MAX_REQUEST) {
			ctl_send_error(c, NULL, "request_too_large", "a request can be at most %d bytes", CTL_MAX_REQUEST);
			c->closing = true;
		} else if (c->eof) {
			/* The last request may lack its newline ("printf '{...}' | socat"). */
			if (c->in_len && ctl_pending_out(c) < CTL_OUT_PAUSE) {
				handle_line(s, c, c->in, c->in_len);
				c->in_len = 0;
			}
			if (!c->in_len)
				c->closing = true;
		}
	}
}

void ctl_read_input(struct ctl_client *c)
{
	ssize_t n;

	if (c->in_len == c->in_cap) {
		size_t cap = c->in_cap ? c->in_cap * 2 : 4096;
		char *nb;

		if (cap > CTL_IN_LIMIT)
			cap = CTL_IN_LIMIT;
		if (cap == c->in_cap)
			return; /* full: ctl_process_input() decides */
		nb = realloc(c->in, cap);
		if (!nb) {
			c->dead = true;
			return;
		}
		c->in = nb;
		c->in_cap = cap;
	}
	do
		n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		c->in_len += (size_t)n;
		c->active_ms = ctl_mono_ms();
	} else if (n == 0)
		c->eof = true;
	else if (errno != EAGAIN && errno != EWOULDBLOCK)
		c->dead = true;
}
