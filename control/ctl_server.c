/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control socket server (see ctl_server.h for the protocol).
 *
 * One thread, one poll() loop over: an eventfd that asks it to stop, the
 * listening socket, and every client. Each client has an input buffer (at
 * most one request line plus its newline) and an output buffer of queued
 * replies. Sockets are non-blocking; nothing a client does (send slowly, not
 * read, send garbage, vanish) can stall the thread or the other clients.
 */
#include "ctl_server.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

/* Stop reading a client's requests while this much of its output is unsent. */
#define CTL_OUT_PAUSE (64 * 1024)
#define CTL_IN_LIMIT (CTL_MAX_REQUEST + 1) /* one request and its newline */
#define CTL_ERRLEN 512

_Static_assert(CTL_LISTEN_BACKLOG >= CTL_MAX_CLIENTS, "the listen backlog must hold the client limit");

struct ctl_client {
	int fd;
	uint64_t active_ms; /* when it last sent something, or connected (monotonic) */
	char *in;
	size_t in_len, in_cap;
	char *out;
	size_t out_off, out_len, out_cap; /* unsent bytes are out[out_off, out_len) */
	bool eof;     /* the client shut down its side */
	bool closing; /* no more requests: flush the output, then close */
	bool dead;    /* close now */
};

struct ctl_server {
	pthread_t thread;
	int lfd;
	int wakefd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t dev;
	ino_t ino;
	struct ctl_command *cmds;
	unsigned n_cmds;
	struct ctl_client clients[CTL_MAX_CLIENTS];
	unsigned n_clients;
	bool accept_paused;
	unsigned idle_ms, evict_ms; /* CTL_IDLE_MS, CTL_EVICT_IDLE_MS (ctl_server_set_idle) */
};

static uint64_t mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ----------------------------------------------------------------- output */

static size_t pending_out(const struct ctl_client *c)
{
	return c->out_len - c->out_off;
}

/* Queue bytes for the client; drop it when its backlog would pass CTL_MAX_OUTPUT. */
static void queue_out(struct ctl_client *c, const char *buf, size_t len)
{
	if (c->dead)
		return;
	if (pending_out(c) + len > CTL_MAX_OUTPUT) {
		c->dead = true;
		return;
	}
	if (c->out_off && c->out_len + len > c->out_cap) {
		memmove(c->out, c->out + c->out_off, pending_out(c));
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

static void flush_out(struct ctl_client *c)
{
	while (!c->dead && pending_out(c)) {
		ssize_t n = send(c->fd, c->out + c->out_off, pending_out(c), MSG_DONTWAIT | MSG_NOSIGNAL);

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
	if (!pending_out(c)) {
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

/* Serialise one reply line. Steals the reference to reply. */
static void send_json(struct ctl_client *c, json_t *reply)
{
	char *txt = reply ? json_dumps(reply, JSON_COMPACT) : NULL;
	size_t len;

	json_decref(reply);
	if (!txt) {
		queue_out(c, fallback_reply, sizeof(fallback_reply) - 1);
		return;
	}
	len = strlen(txt);
	if (len + 1 > CTL_MAX_OUTPUT) {
		static const char too_big[] = "{\"ok\":false,\"error\":{\"code\":\"reply_too_large\","
					      "\"message\":\"the reply is larger than the server sends\"}}\n";
		queue_out(c, too_big, sizeof(too_big) - 1);
	} else {
		txt[len] = '\n'; /* replaces the NUL; len + 1 bytes go out */
		queue_out(c, txt, len + 1);
	}
	free(txt);
}

static void send_error(struct ctl_client *c, json_t *id, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void send_error(struct ctl_client *c, json_t *id, const char *code, const char *fmt, ...)
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
		send_json(c, NULL);
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
	send_json(c, reply);
}

/* --------------------------------------------------------------- requests */

static json_t *cmd_help(void *opaque, const json_t *request, char *err, size_t errlen)
{
	const struct ctl_server *s = opaque;
	json_t *list = json_array(), *reply = json_object();

	(void)request;
	if (!list || !reply) {
		json_decref(list);
		json_decref(reply);
		set_err(err, errlen, "out of memory");
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
		send_error(c, NULL, "invalid_json", "invalid JSON at column %d: %s", je.column, je.text);
		return;
	}
	if (!json_is_object(req)) {
		send_error(c, NULL, "invalid_request", "a request must be a JSON object ({\"command\": NAME, ...}), not %s",
			   json_kind(req));
		json_decref(req);
		return;
	}
	id = json_object_get(req, "id");
	cmd = json_object_get(req, "command");
	if (!cmd) {
		send_error(c, id, "missing_command", "the request has no \"command\"");
		goto out;
	}
	if (!json_is_string(cmd)) {
		send_error(c, id, "invalid_request", "\"command\" must be a string");
		goto out;
	}
	name = json_string_value(cmd);
	for (i = 0; i < s->n_cmds; i++)
		if (strcmp(s->cmds[i].name, name) == 0)
			break;
	if (i == s->n_cmds) {
		send_error(c, id, "unknown_command", "unknown command '%.64s'; \"help\" lists the commands", name);
		goto out;
	}

	err[0] = '\0';
	res = s->cmds[i].fn(s->cmds[i].opaque, req, err, sizeof(err));
	if (!res) {
		send_error(c, id, "command_failed", "%s", err[0] ? err : "the command failed");
		goto out;
	}
	if (!json_is_object(res)) {
		json_decref(res);
		send_error(c, id, "internal", "command '%s' returned something other than an object", name);
		goto out;
	}
	reply = json_object();
	if (!reply) {
		json_decref(res);
		send_json(c, NULL);
		goto out;
	}
	json_object_set_new(reply, "ok", json_true());
	if (id)
		json_object_set(reply, "id", id);
	json_object_update_missing(reply, res); /* "ok" and "id" stay ours */
	json_decref(res);
	send_json(c, reply);
out:
	json_decref(req);
}

/* Handle the complete request lines buffered for c, as far as its output backlog allows. */
static void process_input(struct ctl_server *s, struct ctl_client *c)
{
	size_t start = 0;

	while (c->in_len && !c->dead && !c->closing && pending_out(c) < CTL_OUT_PAUSE) {
		char *nl = memchr(c->in + start, '\n', c->in_len - start);
		size_t len;

		if (!nl)
			break;
		len = (size_t)(nl - (c->in + start));
		if (len > CTL_MAX_REQUEST) {
			send_error(c, NULL, "request_too_large", "a request can be at most %d bytes", CTL_MAX_REQUEST);
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
			send_error(c, NULL, "request_too_large", "a request can be at most %d bytes", CTL_MAX_REQUEST);
			c->closing = true;
		} else if (c->eof) {
			/* The last request may lack its newline ("printf '{...}' | socat"). */
			if (c->in_len && pending_out(c) < CTL_OUT_PAUSE) {
				handle_line(s, c, c->in, c->in_len);
				c->in_len = 0;
			}
			if (!c->in_len)
				c->closing = true;
		}
	}
}

static void read_input(struct ctl_client *c)
{
	ssize_t n;

	if (c->in_len == c->in_cap) {
		size_t cap = c->in_cap ? c->in_cap * 2 : 4096;
		char *nb;

		if (cap > CTL_IN_LIMIT)
			cap = CTL_IN_LIMIT;
		if (cap == c->in_cap)
			return; /* full: process_input() decides */
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
		c->active_ms = mono_ms();
	} else if (n == 0)
		c->eof = true;
	else if (errno != EAGAIN && errno != EWOULDBLOCK)
		c->dead = true;
}

/* ---------------------------------------------------------------- clients */

static void client_free(struct ctl_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->in);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/*
 * Take what the listen queue holds. Past CTL_MAX_CLIENTS a connection is told
 * too_many_clients and closed, but only when the table was full before this round: the
 * connections this round filled it with may have been left by their clients already (they
 * queued while the thread was busy in a handler, or the daemon was stopped), so the loop
 * first looks at them, frees the slots of those that are gone, and comes back for the rest
 * (the listening socket stays readable). Otherwise a queue of abandoned connections would
 * fill the table and a live client behind them would be refused with no one connected.
 */
/* An idle client (nothing sent for a while, nothing half sent, nothing to read) is told so and closed. */
static void client_idle_out(struct ctl_client *c)
{
	static const char idle[] = "{\"ok\":false,\"error\":{\"code\":\"idle_timeout\","
				   "\"message\":\"closed: idle\"}}\n";

	queue_out(c, idle, sizeof(idle) - 1);
	flush_out(c);
	c->dead = true;
}

static bool client_idle(const struct ctl_client *c)
{
	return !c->dead && !c->closing && c->in_len == 0 && !pending_out(c);
}

/*
 * The table is full and another client wants in: the one idle longest makes
 * room, if it has been idle for evict_ms (a client that connected and forgot
 * to close should not lock the others out). True when one was closed.
 */
static bool evict_idle(struct ctl_server *s)
{
	uint64_t now = mono_ms();
	struct ctl_client *oldest = NULL;

	for (unsigned i = 0; i < s->n_clients; i++) {
		struct ctl_client *c = &s->clients[i];
		if (client_idle(c) && now - c->active_ms >= s->evict_ms && (!oldest || c->active_ms < oldest->active_ms))
			oldest = c;
	}
	if (!oldest)
		return false;
	client_idle_out(oldest);
	if (oldest->fd >= 0)
		close(oldest->fd);
	free(oldest->in);
	free(oldest->out);
	*oldest = s->clients[--s->n_clients];
	memset(&s->clients[s->n_clients], 0, sizeof(s->clients[0]));
	s->clients[s->n_clients].fd = -1;
	return true;
}

static void accept_clients(struct ctl_server *s)
{
	static const char busy[] = "{\"ok\":false,\"error\":{\"code\":\"too_many_clients\","
				   "\"message\":\"too many control clients; try again later\"}}\n";
	const bool was_full = s->n_clients == CTL_MAX_CLIENTS;

	for (;;) {
		int fd;
		struct ctl_client *c;

		if (s->n_clients == CTL_MAX_CLIENTS && !was_full)
			return;
		fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				s->accept_paused = true; /* EMFILE and friends: retry a little later */
			return;
		}
		if (s->n_clients == CTL_MAX_CLIENTS && !evict_idle(s)) {
			ssize_t r = send(fd, busy, sizeof(busy) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
			(void)r;
			close(fd);
			continue;
		}
		c = &s->clients[s->n_clients++];
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->active_ms = mono_ms();
	}
}

/* Clients idle past idle_ms closed; the poll timeout until the next one would be (-1: none). */
static int expire_idle(struct ctl_server *s)
{
	uint64_t now = mono_ms(), next = UINT64_MAX;

	for (unsigned i = 0; i < s->n_clients; i++) {
		struct ctl_client *c = &s->clients[i];
		if (!client_idle(c))
			continue;
		if (now - c->active_ms >= s->idle_ms)
			client_idle_out(c);
		else if (c->active_ms + s->idle_ms - now < next)
			next = c->active_ms + s->idle_ms - now;
	}
	return next == UINT64_MAX ? -1 : (int)(next > 60000 ? 60000 : next);
}

static bool client_done(const struct ctl_client *c)
{
	if (c->dead)
		return true;
	if (pending_out(c))
		return false;
	return c->closing || (c->eof && c->in_len == 0);
}

static void *server_main(void *arg)
{
	struct ctl_server *s = arg;
	struct pollfd pfd[2 + CTL_MAX_CLIENTS];

	for (;;) {
		int timeout = expire_idle(s), r;
		unsigned nc = s->n_clients;

		pfd[0].fd = s->wakefd;
		pfd[0].events = POLLIN;
		pfd[1].fd = s->accept_paused ? -1 : s->lfd;
		pfd[1].events = POLLIN;
		if (s->accept_paused) {
			s->accept_paused = false;
			timeout = timeout < 0 || timeout > 100 ? 100 : timeout;
		}
		for (unsigned i = 0; i < nc; i++) {
			struct ctl_client *c = &s->clients[i];
			short ev = 0;

			if (!c->eof && !c->closing && pending_out(c) < CTL_OUT_PAUSE && c->in_len < CTL_IN_LIMIT)
				ev |= POLLIN;
			if (pending_out(c))
				ev |= POLLOUT;
			pfd[2 + i].fd = c->fd;
			pfd[2 + i].events = ev;
			pfd[2 + i].revents = 0;
		}
		r = poll(pfd, 2 + nc, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			usleep(10000); /* should not happen; do not spin */
			continue;
		}
		if (pfd[0].revents)
			break;

		/* Backwards, so that removing i (the last one moves into i) skips nothing. */
		for (unsigned i = nc; i-- > 0;) {
			struct ctl_client *c = &s->clients[i];
			short re = pfd[2 + i].revents;

			if (re & POLLNVAL)
				c->dead = true;
			if (!c->dead && (re & POLLOUT))
				flush_out(c);
			if (!c->dead && (re & (POLLIN | POLLHUP | POLLERR))) {
				if (!c->eof && !c->closing)
					read_input(c);
				else if (re & POLLERR)
					c->dead = true;
			}
			if (!c->dead) {
				process_input(s, c);
				flush_out(c);
			}
			if (client_done(c)) {
				client_free(c);
				if (i != s->n_clients - 1) {
					*c = s->clients[s->n_clients - 1];
					s->clients[s->n_clients - 1].fd = -1;
					s->clients[s->n_clients - 1].in = NULL;
					s->clients[s->n_clients - 1].out = NULL;
				}
				s->n_clients--;
			}
		}
		if (pfd[1].revents & POLLIN)
			accept_clients(s);
	}
	return NULL;
}

/* ------------------------------------------------------------ start, stop */

static int mkdir_parents(const char *path, char *err, size_t errlen)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0; /* relative name in the cwd, or directly under / */
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			set_err(err, errlen, "cannot create directory %s: %s", dir, strerror(errno));
			return -1;
		}
		*p = '/';
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		set_err(err, errlen, "cannot create directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		set_err(err, errlen, "%s is not a directory", dir);
		return -1;
	}
	return 0;
}

/* A leftover socket file from a process that is gone is removed; a live one is not. */
static int clear_stale(const struct sockaddr_un *sa, char *err, size_t errlen)
{
	struct stat st;
	int fd, rc;

	if (lstat(sa->sun_path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		set_err(err, errlen, "cannot check %s: %s", sa->sun_path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		set_err(err, errlen, "%s exists and is not a socket; not replacing it", sa->sun_path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		set_err(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	if (rc == 0 || errno == EAGAIN) {
		/* EAGAIN: a listener whose backlog is full, still a listener */
		close(fd);
		set_err(err, errlen, "another process is already listening on %s", sa->sun_path);
		return -1;
	}
	if (errno != ECONNREFUSED) {
		int e = errno;
		close(fd);
		set_err(err, errlen, "cannot check whether %s is in use: %s", sa->sun_path, strerror(e));
		return -1;
	}
	close(fd);
	if (unlink(sa->sun_path) != 0 && errno != ENOENT) {
		set_err(err, errlen, "cannot remove stale socket %s: %s", sa->sun_path, strerror(errno));
		return -1;
	}
	return 0;
}

int ctl_server_start(struct ctl_server **out, const char *path, const struct ctl_command *cmds, unsigned n, char *err,
		     size_t errlen)
{
	struct ctl_server *s;
	struct sockaddr_un sa;
	struct stat st;
	sigset_t all, old;
	int rc;

	*out = NULL;
	if (!path || !*path) {
		set_err(err, errlen, "no control socket path");
		return -1;
	}
	if (strlen(path) >= sizeof(sa.sun_path)) {
		set_err(err, errlen, "control socket path %s is longer than %zu characters", path, sizeof(sa.sun_path) - 1);
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		if (!cmds[i].name || !*cmds[i].name || !cmds[i].fn) {
			set_err(err, errlen, "command %u has no name or no handler", i);
			return -1;
		}
		if (strcmp(cmds[i].name, "help") == 0) {
			set_err(err, errlen, "command \"help\" is built in");
			return -1;
		}
		for (unsigned k = 0; k < i; k++)
			if (strcmp(cmds[k].name, cmds[i].name) == 0) {
				set_err(err, errlen, "command \"%s\" registered twice", cmds[i].name);
				return -1;
			}
	}

	s = calloc(1, sizeof(*s));
	if (!s || !(s->cmds = calloc(n + 1, sizeof(*s->cmds)))) {
		free(s);
		set_err(err, errlen, "out of memory");
		return -1;
	}
	s->lfd = s->wakefd = -1;
	s->idle_ms = CTL_IDLE_MS;
	s->evict_ms = CTL_EVICT_IDLE_MS;
	for (unsigned i = 0; i < CTL_MAX_CLIENTS; i++)
		s->clients[i].fd = -1;
	s->cmds[0] = (struct ctl_command){ "help", cmd_help, s, "list the commands" };
	if (n) /* memcpy from NULL is undefined even for 0 bytes (found by UBSan) */
		memcpy(s->cmds + 1, cmds, n * sizeof(*cmds));
	s->n_cmds = n + 1;
	snprintf(s->path, sizeof(s->path), "%s", path);

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);

	if (mkdir_parents(path, err, errlen) || clear_stale(&sa, err, errlen))
		goto fail;
	s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->lfd < 0) {
		set_err(err, errlen, "socket: %s", strerror(errno));
		goto fail;
	}
	if (bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		set_err(err, errlen, "cannot bind %s: %s", path, strerror(errno));
		goto fail;
	}
	/* Nobody can connect before listen(), so the mode is right before anyone can use it. */
	if (chmod(path, 0660) != 0 || stat(path, &st) != 0) {
		set_err(err, errlen, "cannot set the mode of %s: %s", path, strerror(errno));
		unlink(path);
		goto fail;
	}
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	if (listen(s->lfd, CTL_LISTEN_BACKLOG) != 0) {
		set_err(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
		unlink(path);
		goto fail;
	}
	s->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->wakefd < 0) {
		set_err(err, errlen, "eventfd: %s", strerror(errno));
		unlink(path);
		goto fail;
	}

	/* The thread takes no signals: the daemon's main thread handles SIGINT/SIGTERM. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&s->thread, NULL, server_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		set_err(err, errlen, "cannot start the control thread: %s", strerror(rc));
		unlink(path);
		goto fail;
	}
	pthread_setname_np(s->thread, "xlat-ctl-sock");
	*out = s;
	return 0;

fail:
	if (s->lfd >= 0)
		close(s->lfd);
	if (s->wakefd >= 0)
		close(s->wakefd);
	free(s->cmds);
	free(s);
	return -1;
}

void ctl_server_stop(struct ctl_server *s)
{
	uint64_t one = 1;
	struct stat st;
	ssize_t r;

	if (!s)
		return;
	do
		r = write(s->wakefd, &one, sizeof(one));
	while (r < 0 && errno == EINTR);
	pthread_join(s->thread, NULL);
	for (unsigned i = 0; i < s->n_clients; i++)
		client_free(&s->clients[i]);
	close(s->lfd);
	close(s->wakefd);
	/* Only our own socket: another instance may have replaced it since. */
	if (stat(s->path, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino)
		unlink(s->path);
	free(s->cmds);
	free(s);
}

void ctl_server_set_idle(struct ctl_server *s, unsigned idle_ms, unsigned evict_ms)
{
	s->idle_ms = idle_ms;
	s->evict_ms = evict_ms;
}
