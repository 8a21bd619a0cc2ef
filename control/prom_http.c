/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xlat64-exporter's HTTP side (prom.h): a bounded HTTP/1.1 server for one
 * resource, GET /metrics. One thread, poll(): every client has a deadline to
 * send its request (PROM_REQUEST_MS) and a cap on its size; past PROM_MAX_CLIENTS
 * a connection is answered 503 and closed; what is not a GET or HEAD of a known
 * path gets its status (400, 404, 405, 408, 431). Responses close the
 * connection. Nothing a client does reaches xlat64d: the exporter asks the
 * daemon at most once per PROM_MIN_INTERVAL_MS, whatever the number of scrapers.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "prom.h"

struct client {
	int fd;
	char in[PROM_MAX_REQUEST + 1];
	size_t in_len;
	char *out;
	size_t out_len, out_off;
	uint64_t deadline_ms;
	bool draining; /* response sent, our side shut: what the client still sends is read and dropped */
};

static struct client clients[PROM_MAX_CLIENTS];
static unsigned n_clients;

uint64_t prom_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static const char *reason(int code)
{
	switch (code) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 431: return "Request Header Fields Too Large";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

/* The whole response, queued; the connection closes once it is sent. */
static void respond(struct prom *p, struct client *c, int code, const char *type, const char *body, size_t blen,
		    bool head)
{
	char hdr[256];
	int n = snprintf(hdr, sizeof(hdr),
			 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n", code,
			 reason(code), type, blen, code == 405 ? "Allow: GET, HEAD\r\n" : "");
	size_t len = (size_t)n + (head ? 0 : blen);

	prom_count_response(p, code);
	c->out = malloc(len);
	if (!c->out) {
		c->out_len = 0;
		return;
	}
	memcpy(c->out, hdr, (size_t)n);
	if (!head)
		memcpy(c->out + n, body, blen);
	c->out_len = len;
	c->out_off = 0;
}

static void respond_text(struct prom *p, struct client *c, int code, const char *msg)
{
	respond(p, c, code, "text/plain; charset=utf-8", msg, strlen(msg), false);
}

/* A complete request head is in c->in: answer it. */
static void handle(struct prom *p, struct client *c)
{
	char method[16], path[256], version[16];

	if (sscanf(c->in, "%15s %255s %15s", method, path, version) != 3 || strncmp(version, "HTTP/1.", 7) != 0) {
		respond_text(p, c, 400, "bad request\n");
		return;
	}
	bool head = strcmp(method, "HEAD") == 0;
	if (strcmp(method, "GET") != 0 && !head) {
		respond_text(p, c, 405, "only GET and HEAD\n");
		return;
	}
	char *q = strchr(path, '?');
	if (q)
		*q = '\0';
	if (strcmp(path, "/") == 0) {
		static const char home[] = "xlat64-exporter: the translator's metrics are at /metrics\n";
		respond(p, c, 200, "text/plain; charset=utf-8", home, sizeof(home) - 1, head);
		return;
	}
	if (strcmp(path, "/metrics") != 0) {
		respond_text(p, c, 404, "not found: the metrics are at /metrics\n");
		return;
	}
	size_t len;
	const char *body = prom_metrics(p, &len);
	respond(p, c, 200, "text/plain; version=0.0.4; charset=utf-8", body, len, head);
}

static void client_close(unsigned i)
{
	close(clients[i].fd);
	free(clients[i].out);
	clients[i] = clients[--n_clients];
	memset(&clients[n_clients], 0, sizeof(clients[0]));
}

static void client_read(struct prom *p, struct client *c)
{
	ssize_t n = recv(c->fd, c->in + c->in_len, PROM_MAX_REQUEST - c->in_len, MSG_DONTWAIT);

	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			c->deadline_ms = 0; /* gone: closed below */
		return;
	}
	c->in_len += (size_t)n;
	c->in[c->in_len] = '\0';
	if (strstr(c->in, "\r\n\r\n") || strstr(c->in, "\n\n"))
		handle(p, c);
	else if (c->in_len == PROM_MAX_REQUEST)
		respond_text(p, c, 431, "request too large\n");
}

static bool client_write(struct client *c)
{
	ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n > 0)
		c->out_off += (size_t)n;
	return n < 0 && errno != EAGAIN && errno != EINTR ? false : c->out_off < c->out_len;
}

static void accept_all(struct prom *p, int lfd)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (n_clients == PROM_MAX_CLIENTS) {
			static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
						   "Connection: close\r\nRetry-After: 1\r\n\r\n";
			ssize_t r = send(fd, busy, sizeof(busy) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
			(void)r;
			prom_count_response(p, 503);
			close(fd);
			continue;
		}
		struct client *c = &clients[n_clients++];
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->deadline_ms = prom_now_ms() + PROM_REQUEST_MS;
	}
}

int prom_listen(const char *spec, char *err, size_t errlen)
{
	char host[256];
	const char *colon = strrchr(spec, ':');
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE }, *ai;

	if (!colon || (size_t)(colon - spec) >= sizeof(host)) {
		snprintf(err, errlen, "--listen %s: expected ADDRESS:PORT ([::1]:9464, 127.0.0.1:9464)", spec);
		return -1;
	}
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') { /* [::1] */
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	int rc = getaddrinfo(host, colon + 1, &hints, &ai);
	if (rc != 0) {
		snprintf(err, errlen, "--listen %s: %s", spec, gai_strerror(rc));
		return -1;
	}
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0) {
		snprintf(err, errlen, "--listen %s: %s", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	return fd;
}

void prom_serve(struct prom *p, const int *lfds, unsigned n_lfds, volatile int *stop)
{
	struct pollfd pfd[PROM_MAX_LISTEN + PROM_MAX_CLIENTS];

	while (!*stop) {
		unsigned n = 0;
		for (unsigned i = 0; i < n_lfds; i++)
			pfd[n++] = (struct pollfd){ .fd = lfds[i], .events = POLLIN };
		for (unsigned i = 0; i < n_clients; i++)
			pfd[n++] = (struct pollfd){ .fd = clients[i].fd,
						    .events = clients[i].out && !clients[i].draining ? POLLOUT : POLLIN };
		if (poll(pfd, n, 200) < 0 && errno != EINTR)
			return;
		uint64_t now = prom_now_ms();
		for (unsigned i = n_clients; i-- > 0;) {
			struct client *c = &clients[i];
			short re = pfd[n_lfds + i].revents;
			if (c->draining) {
				/* a lingering close: closing with unread input would reset the connection, and the
				 * client could lose our answer (a 431 to a request it is still sending) */
				char sink[4096];
				if (now >= c->deadline_ms || ((re & (POLLIN | POLLHUP | POLLERR)) &&
							      recv(c->fd, sink, sizeof(sink), MSG_DONTWAIT) <= 0))
					client_close(i);
				continue;
			}
			if (!c->out && (re & (POLLIN | POLLHUP | POLLERR)))
				client_read(p, c);
			if (!c->out && c->deadline_ms && now >= c->deadline_ms)
				respond_text(p, c, 408, "request timeout\n");
			if (c->out && !client_write(c)) {
				shutdown(c->fd, SHUT_WR);
				c->draining = true;
				c->deadline_ms = now + 1000;
			} else if (!c->deadline_ms) {
				client_close(i);
			}
		}
		for (unsigned i = 0; i < n_lfds; i++)
			if (pfd[i].revents & POLLIN)
				accept_all(p, lfds[i]);
	}
}
