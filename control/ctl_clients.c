/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket's clients (ctl_internal.h): accepted up to
 * CTL_MAX_CLIENTS, told too_many_clients past it, closed when idle for too
 * long, the one idle longest evicted when the table is full, and removed from
 * the table when done.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl_internal.h"

void ctl_client_free(struct ctl_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->in);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

void ctl_client_remove(struct ctl_server *s, struct ctl_client *c)
{
	struct ctl_client *last = &s->clients[s->n_clients - 1];

	ctl_client_free(c);
	if (c != last) {
		*c = *last;
		memset(last, 0, sizeof(*last));
		last->fd = -1;
	}
	s->n_clients--;
}

/* An idle client (nothing sent for a while, nothing half sent, nothing to read) is told so and closed. */
static void client_idle_out(struct ctl_client *c)
{
	static const char idle[] = "{\"ok\":false,\"error\":{\"code\":\"idle_timeout\","
				   "\"message\":\"closed: idle\"}}\n";

	ctl_queue_out(c, idle, sizeof(idle) - 1);
	ctl_flush_out(c);
	c->dead = true;
}

static bool client_idle(const struct ctl_client *c)
{
	return !c->dead && !c->closing && c->in_len == 0 && !ctl_pending_out(c);
}

/*
 * The table is full and another client wants in: the one idle longest makes
 * room, if it has been idle for evict_ms (a client that connected and forgot
 * to close should not lock the others out). True when one was closed.
 */
static bool evict_idle(struct ctl_server *s)
{
	uint64_t now = ctl_mono_ms();
	struct ctl_client *oldest = NULL;

	for (unsigned i = 0; i < s->n_clients; i++) {
		struct ctl_client *c = &s->clients[i];
		if (client_idle(c) && now - c->active_ms >= s->evict_ms && (!oldest || c->active_ms < oldest->active_ms))
			oldest = c;
	}
	if (!oldest)
		return false;
	client_idle_out(oldest);
	ctl_client_remove(s, oldest);
	return true;
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
void ctl_accept_clients(struct ctl_server *s)
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
		c->active_ms = ctl_mono_ms();
	}
}

/* Clients idle past idle_ms closed; the poll timeout until the next one would be (-1: none). */
int ctl_expire_idle(struct ctl_server *s)
{
	uint64_t now = ctl_mono_ms(), next = UINT64_MAX;

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

/* Dead, or with nothing left to send and nothing more to read. */
bool ctl_client_done(const struct ctl_client *c)
{
	if (c->dead)
		return true;
	if (ctl_pending_out(c))
		return false;
	return c->closing || (c->eof && c->in_len == 0);
}
