/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket server's insides (ctl_server.h is its interface): the
 * server and its clients, shared by ctl_server.c (the thread, start, stop),
 * ctl_clients.c (accepting, idling out, removing clients), ctl_request.c
 * (request lines in, handlers run) and ctl_reply.c (replies queued and sent).
 * All of it runs on the server thread but start and stop.
 */
#ifndef XLAT_CTL_INTERNAL_H
#define XLAT_CTL_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/un.h>
#include <time.h>

#include "ctl_server.h"

/* Stop reading a client's requests while this much of its output is unsent. */
#define CTL_OUT_PAUSE (64 * 1024)
#define CTL_IN_LIMIT (CTL_MAX_REQUEST + 1) /* one request and its newline */
#define CTL_ERRLEN 512

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

static inline uint64_t ctl_mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static inline size_t ctl_pending_out(const struct ctl_client *c)
{
	return c->out_len - c->out_off;
}

/* A message in err (when there is room for one). */
void ctl_set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ctl_reply.c: queue bytes (the client dropped when its backlog would pass CTL_MAX_OUTPUT), send what the
 * socket takes, a reply (the reference stolen; NULL: an internal error) or an error reply */
void ctl_queue_out(struct ctl_client *c, const char *buf, size_t len);
void ctl_flush_out(struct ctl_client *c);
void ctl_send_json(struct ctl_client *c, json_t *reply);
void ctl_send_error(struct ctl_client *c, json_t *id, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ctl_request.c: "help", the client's bytes read, its complete request lines handled */
json_t *ctl_cmd_help(void *opaque, const json_t *request, char *err, size_t errlen);
void ctl_read_input(struct ctl_client *c);
void ctl_process_input(struct ctl_server *s, struct ctl_client *c);

/* ctl_clients.c */
void ctl_client_free(struct ctl_client *c);
void ctl_client_remove(struct ctl_server *s, struct ctl_client *c); /* freed, the last one moved into its slot */
bool ctl_client_done(const struct ctl_client *c);
void ctl_accept_clients(struct ctl_server *s);
int ctl_expire_idle(struct ctl_server *s); /* the poll timeout until the next idle one (-1: none) */

#endif
