/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One request over the control socket (ctl_server.h: a JSON line each way),
 * all within --timeout: connecting, sending and waiting for the reply share
 * one deadline, so a stopped, hung or overloaded daemon ends in a message
 * and exit status 2, never in a wait without end.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define MAX_REPLY (64 * 1024 * 1024)

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left until deadline (a now_ms() time), 0 once it has passed. */
static int ms_left(long long deadline)
{
	long long left = deadline - now_ms();

	return left > 0 ? (int)left : 0;
}

/*
 * connect() that gives up at deadline: 0, or -1 with errno (ETIMEDOUT once the deadline
 * has passed). A UNIX stream connect to a listener whose backlog is full waits until the
 * listener accepts, for ever if it never does (a stopped or hung daemon); a non-blocking
 * one fails at once with EAGAIN (AF_UNIX has no EINPROGRESS). The kernel bounds that wait
 * with the socket's SO_SNDTIMEO and then fails with EAGAIN, so the timeout is set to what
 * is left before each try.
 */
static int connect_by(int fd, const struct sockaddr_un *sa, long long deadline)
{
	for (;;) {
		int left = ms_left(deadline);
		struct timeval tv;

		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		/* at least 1 ms here: a zero timeval would mean no timeout at all */
		tv.tv_sec = left / 1000;
		tv.tv_usec = (left % 1000) * 1000;
		if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0)
			return -1;
		if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
			return 0;
		if (errno == EINTR)
			continue; /* a timed wait ends with EINTR when the process is stopped and continued */
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		/* the backlog stayed full for the whole wait; try again while time is left */
		if (ms_left(deadline) > 0)
			poll(NULL, 0, ms_left(deadline) < 10 ? ms_left(deadline) : 10);
	}
}

/* "2", "0.5": --timeout as given (to the millisecond). */
static double timeout_s(const struct cli_opts *o)
{
	return o->timeout_ms / 1000.0;
}

/* A socket connected to o->socket, non-blocking from then on; -1 after a message. */
static int open_socket(const struct cli_opts *o, long long deadline)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, e;

	if (strlen(o->socket) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "%s: socket path too long: %s\n", prog, o->socket);
		return -1;
	}
	memcpy(sa.sun_path, o->socket, strlen(o->socket) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
		return -1;
	}
	if (connect_by(fd, &sa, deadline) != 0) {
		e = errno;
		if (e == ETIMEDOUT)
			fprintf(stderr,
				"%s: timed out after %g s connecting to %s (xlat64d is not accepting connections: "
				"stopped, hung, or its listen backlog is full)\n",
				prog, timeout_s(o), o->socket);
		else
			fprintf(stderr, "%s: cannot connect to %s: %s%s\n", prog, o->socket, strerror(e),
				(e == ENOENT || e == ECONNREFUSED) ? " (is xlat64d running? --socket picks another socket)"
								   : "");
		close(fd);
		return -1;
	}
	/* From here on, every wait is a poll() bounded by the deadline. */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
		fprintf(stderr, "%s: fcntl: %s\n", prog, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Sends the len bytes of line. A daemon that closes the connection first may
 * have said why (too_many_clients, request_too_large): then *send_errno is set
 * and 0 returned, for the reply to be read. -1 after a message.
 */
static int send_line(const struct cli_opts *o, int fd, const char *line, size_t len, long long deadline,
		     int *send_errno)
{
	size_t sent = 0;

	while (sent < len) {
		ssize_t n = send(fd, line + sent, len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
		struct pollfd p = { fd, POLLOUT, 0 };

		if (n > 0) {
			sent += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
			*send_errno = errno;
			return 0;
		}
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
			fprintf(stderr, "%s: sending to %s: %s\n", prog, o->socket, n ? strerror(errno) : "nothing sent");
			return -1;
		}
		if (ms_left(deadline) <= 0) {
			fprintf(stderr, "%s: timed out after %g s sending the request to %s (xlat64d is not reading it)\n",
				prog, timeout_s(o), o->socket);
			return -1;
		}
		if (poll(&p, 1, ms_left(deadline)) < 0 && errno != EINTR) {
			fprintf(stderr, "%s: poll: %s\n", prog, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Room for 64 KiB more in *buf; -1 after a message. */
static int grow(char **buf, size_t len, size_t *cap)
{
	char *nb;

	if (len + 65536 + 1 <= *cap)
		return 0;
	*cap = *cap ? *cap * 2 : 131072;
	if (*cap > MAX_REPLY) {
		fprintf(stderr, "%s: reply larger than %d bytes\n", prog, MAX_REPLY);
		return -1;
	}
	nb = realloc(*buf, *cap);
	if (!nb) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	*buf = nb;
	return 0;
}

/* The reply line, its '\n' left out: *buf (malloc'd) and *len; -1 after a message. */
static int read_line(const struct cli_opts *o, int fd, long long deadline, int send_errno, char **buf, size_t *len)
{
	size_t cap = 0;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;
		char *nl;

		if (ms_left(deadline) <= 0) {
			fprintf(stderr, "%s: timed out after %g s waiting for the reply from %s\n", prog, timeout_s(o),
				o->socket);
			return -1;
		}
		n = poll(&p, 1, ms_left(deadline));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "%s: poll: %s\n", prog, strerror(errno));
			return -1;
		}
		if (n == 0)
			continue; /* the deadline: reported above */
		if (grow(buf, *len, &cap) != 0)
			return -1;
		n = recv(fd, *buf + *len, cap - *len - 1, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (n <= 0 && send_errno) {
			/* closed without a word while we were still sending */
			fprintf(stderr, "%s: sending to %s: %s\n", prog, o->socket, strerror(send_errno));
			return -1;
		}
		if (n < 0) {
			fprintf(stderr, "%s: reading from %s: %s\n", prog, o->socket, strerror(errno));
			return -1;
		}
		if (n == 0) {
			fprintf(stderr, "%s: %s closed the connection without a reply\n", prog, o->socket);
			return -1;
		}
		nl = memchr(*buf + *len, '\n', (size_t)n);
		*len += (size_t)n;
		if (nl) {
			*len = (size_t)(nl - *buf);
			return 0;
		}
	}
}

json_t *cli_call(const struct cli_opts *o, json_t *req)
{
	char *line = json_dumps(req, JSON_COMPACT), *buf = NULL;
	long long deadline = now_ms() + o->timeout_ms;
	size_t linelen, len = 0;
	int fd = -1, send_errno = 0;
	json_t *reply = NULL;
	json_error_t je;

	if (!line) {
		fprintf(stderr, "%s: cannot encode the request\n", prog);
		return NULL;
	}
	linelen = strlen(line);
	line[linelen] = '\n'; /* the NUL goes; linelen + 1 bytes are sent */
	fd = open_socket(o, deadline);
	if (fd >= 0 && send_line(o, fd, line, linelen + 1, deadline, &send_errno) == 0 &&
	    read_line(o, fd, deadline, send_errno, &buf, &len) == 0) {
		reply = json_loadb(buf, len, 0, &je);
		if (!reply) {
			fprintf(stderr, "%s: malformed reply: %s\n", prog, je.text);
		} else if (!json_is_object(reply)) {
			fprintf(stderr, "%s: malformed reply: not an object\n", prog);
			json_decref(reply);
			reply = NULL;
		}
	}
	if (fd >= 0)
		close(fd);
	free(line);
	free(buf);
	return reply;
}
