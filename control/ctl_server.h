/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control socket server: a plain pthread (not an EAL lcore) serving a UNIX
 * stream socket. Protocol:
 *
 *   request:  one JSON object per line, {"command": "NAME", ...arguments}
 *             optional "id" (any JSON value) is echoed in the reply
 *   reply:    one JSON object per line,
 *             {"ok": true, ...handler's members}  or
 *             {"ok": false, "error": {"code": "CODE", "message": "..."}}
 *
 * Error codes: invalid_json, invalid_request (not an object, "command" not a
 * string), missing_command, unknown_command, request_too_large (then the
 * connection is closed), command_failed (the handler said no),
 * reply_too_large, too_many_clients, idle_timeout (then the connection is
 * closed), internal.
 *
 * Handlers run on the server thread, one at a time; a slow handler delays
 * every client, so they must be quick. The server never blocks on a client:
 * writes are non-blocking with a bounded per-client output buffer; a client
 * that does not read its replies stops being read, and is dropped if its
 * buffer would overflow.
 */
#ifndef XLAT_CTL_SERVER_H
#define XLAT_CTL_SERVER_H

#include <jansson.h>
#include <stddef.h>

/* Largest request line accepted, in bytes (without the newline). */
#define CTL_MAX_REQUEST (64 * 1024)
/* Most bytes of replies queued for one client before it is dropped. */
#define CTL_MAX_OUTPUT (8 * 1024 * 1024)
/* Clients served at once; more are told too_many_clients and closed. */
#define CTL_MAX_CLIENTS 64
/*
 * listen() backlog: connections the kernel queues until the server thread accepts them.
 * The thread accepts past CTL_MAX_CLIENTS too (to say too_many_clients), so this fills only
 * while it is busy in a handler or the daemon is stopped; it is well above CTL_MAX_CLIENTS
 * so that a burst of clients gets answers rather than EAGAIN from connect(). The kernel
 * caps it at net.core.somaxconn (4096 by default since Linux 5.4, 128 before).
 */
#define CTL_LISTEN_BACKLOG 1024
/*
 * Idle clients (nothing sent, nothing half sent, nothing left to read) are told
 * idle_timeout and closed after CTL_IDLE_MS; when the table is full and another
 * client connects, the one idle longest makes room if it has been idle for
 * CTL_EVICT_IDLE_MS, so that clients that forgot to close cannot lock the others out.
 */
#define CTL_IDLE_MS (300 * 1000)
#define CTL_EVICT_IDLE_MS (10 * 1000)

/*
 * Returns a new reference to a JSON object whose members are added to the
 * reply (after "ok": true), or NULL with a message in err (the reply is then
 * a command_failed error). request is the whole request object (borrowed).
 */
typedef json_t *(*ctl_handler_fn)(void *opaque, const json_t *request, char *err, size_t errlen);

struct ctl_command {
	const char *name;  /* must outlive the server */
	ctl_handler_fn fn;
	void *opaque;
	const char *help;  /* one line; may be NULL */
};

struct ctl_server;

/*
 * Create the socket at path (parent directories made, mode 0660; a stale
 * socket file is replaced, but not one another process is listening on) and
 * start serving cmds (copied; the strings must outlive the server). "help" is
 * built in. 0, or -1 with a message in err.
 */
int ctl_server_start(struct ctl_server **out, const char *path, const struct ctl_command *cmds, unsigned n, char *err,
		     size_t errlen);

/* Other idle limits than CTL_IDLE_MS / CTL_EVICT_IDLE_MS (tests). Call before any client connects. */
void ctl_server_set_idle(struct ctl_server *s, unsigned idle_ms, unsigned evict_ms);

/* Stop the thread, close every client, remove the socket file. NULL is fine. */
void ctl_server_stop(struct ctl_server *s);

#endif
