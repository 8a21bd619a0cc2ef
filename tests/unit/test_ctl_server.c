/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * control/ctl_server.c: protocol, errors, limits, stale sockets, slow clients.
 * Each test is a real client on a socket in a temp directory, which is most of
 * the ~730 lines: every case sets up and reads back its own connection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl_server.h"

static char dir[64];
static char sock_path[100];

static json_t *h_echo(void *opaque, const json_t *req, char *err, size_t errlen)
{
	json_t *arg = json_object_get(req, "arg");

	(void)opaque;
	if (arg && !json_is_integer(arg)) {
		snprintf(err, errlen, "\"arg\" must be an integer");
		return NULL;
	}
	return json_pack("{s:I, s:s, s:b}", "arg", arg ? json_integer_value(arg) : (json_int_t)-1, "ok", "spoofed",
			 "handled", 1);
}

static json_t *h_fail(void *opaque, const json_t *req, char *err, size_t errlen)
{
	(void)opaque;
	(void)req;
	snprintf(err, errlen, "nothing to see here");
	return NULL;
}

static json_t *h_count(void *opaque, const json_t *req, char *err, size_t errlen)
{
	int *n = opaque;

	(void)req;
	(void)err;
	(void)errlen;
	return json_pack("{s:i}", "n", ++*n);
}

/* A reply of about 1 MiB, to exercise partial writes. */
static json_t *h_big(void *opaque, const json_t *req, char *err, size_t errlen)
{
	char *s = malloc(1 << 20);
	json_t *r;

	(void)opaque;
	(void)req;
	(void)err;
	(void)errlen;
	memset(s, 'x', (1 << 20) - 1);
	s[(1 << 20) - 1] = '\0';
	r = json_pack("{s:s}", "blob", s);
	free(s);
	return r;
}

/* Holds the server thread for half a second, as a slow handler would. */
static json_t *h_sleep(void *opaque, const json_t *req, char *err, size_t errlen)
{
	(void)opaque;
	(void)req;
	(void)err;
	(void)errlen;
	usleep(500000);
	return json_object();
}

static int counter;

static const struct ctl_command cmds[] = {
	{ "echo", h_echo, NULL, "echo the arg" }, { "fail", h_fail, NULL, "always fails" },
	{ "count", h_count, &counter, "counts" }, { "big", h_big, NULL, "big reply" },
	{ "sleep", h_sleep, NULL, "sleeps 0.5 s" },
};
#define N_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static int setup(void **state)
{
	struct ctl_server *s;
	char err[256];

	snprintf(dir, sizeof(dir), "/tmp/test_ctl_XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(sock_path, sizeof(sock_path), "%s/sub/dir/ctl.sock", dir);
	if (ctl_server_start(&s, sock_path, cmds, N_CMDS, err, sizeof(err)) != 0) {
		fprintf(stderr, "start: %s\n", err);
		return -1;
	}
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	char p[160];

	ctl_server_stop(*state);
	snprintf(p, sizeof(p), "%s/sub/dir", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/sub", dir);
	rmdir(p);
	rmdir(dir);
	return 0;
}

static int conn(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void send_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);
		assert_true(n > 0);
		s += n;
		len -= (size_t)n;
	}
}

/* Read one line (without the newline) into a malloc'd string; NULL on EOF/timeout. */
static char *read_line(int fd, int timeout_ms)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		char ch;
		ssize_t n;

		if (poll(&p, 1, timeout_ms) <= 0) {
			free(buf);
			return NULL;
		}
		n = recv(fd, &ch, 1, 0);
		if (n <= 0) {
			free(buf);
			return NULL;
		}
		if (ch == '\n') {
			buf[len] = '\0';
			return buf;
		}
		if (len + 2 > cap)
			buf = realloc(buf, cap *= 2);
		buf[len++] = ch;
	}
}

static json_t *request(int fd, const char *line)
{
	char *r;
	json_t *j;

	send_all(fd, line, strlen(line));
	r = read_line(fd, 5000);
	assert_non_null(r);
	j = json_loads(r, 0, NULL);
	if (!j)
		fail_msg("reply is not JSON: %s", r);
	free(r);
	return j;
}

static void assert_error(json_t *j, const char *code)
{
	json_t *e = json_object_get(j, "error");

	assert_true(json_is_false(json_object_get(j, "ok")));
	assert_non_null(e);
	if (strcmp(json_string_value(json_object_get(e, "code")), code) != 0)
		fail_msg("expected %s, got %s", code, json_string_value(json_object_get(e, "code")));
	assert_true(json_is_string(json_object_get(e, "message")));
}

static void assert_message(json_t *j, const char *want)
{
	const char *got = json_string_value(json_object_get(json_object_get(j, "error"), "message"));

	if (!got || strcmp(got, want) != 0)
		fail_msg("expected message '%s', got '%s'", want, got ? got : "(none)");
}

static void test_socket_file(void **state)
{
	struct stat st;

	(void)state;
	assert_int_equal(stat(sock_path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);
}

static void test_help(void **state)
{
	int fd = conn();
	json_t *j = request(fd, "{\"command\": \"help\"}\n"), *list;

	(void)state;
	assert_true(json_is_true(json_object_get(j, "ok")));
	list = json_object_get(j, "commands");
	assert_int_equal(json_array_size(list), 1 + N_CMDS);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "name")), "help");
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "name")), "echo");
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "help")), "echo the arg");
	json_decref(j);
	close(fd);
}

static void test_reply_and_id(void **state)
{
	int fd = conn();
	json_t *j = request(fd, "{\"command\": \"echo\", \"arg\": 42, \"id\": [\"x\", 1]}\n");

	(void)state;
	/* "ok" is the server's, not the handler's */
	assert_true(json_is_true(json_object_get(j, "ok")));
	assert_int_equal(json_integer_value(json_object_get(j, "arg")), 42);
	assert_true(json_is_true(json_object_get(j, "handled")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "id"), 0)), "x");
	json_decref(j);
	close(fd);
}

static void test_errors(void **state)
{
	int fd = conn();
	json_t *j;

	(void)state;
	j = request(fd, "{\"command\": \n");
	assert_error(j, "invalid_json");
	json_decref(j);
	j = request(fd, "[1,2]\n");
	assert_error(j, "invalid_request");
	assert_message(j, "a request must be a JSON object ({\"command\": NAME, ...}), not an array");
	json_decref(j);
	/* valid JSON that is not an object is invalid_request too, whatever its type */
	{
		static const char *const scalars[][2] = {
			{ "42\n", "a number" }, { "-1.5e3\n", "a number" }, { "\"stats\"\n", "a string" },
			{ "null\n", "null" },	{ " true \n", "true" },	  { "false\r\n", "false" },
		};
		for (size_t k = 0; k < sizeof(scalars) / sizeof(scalars[0]); k++) {
			char want[128];

			snprintf(want, sizeof(want), "a request must be a JSON object ({\"command\": NAME, ...}), not %s",
				 scalars[k][1]);
			j = request(fd, scalars[k][0]);
			assert_error(j, "invalid_request");
			assert_message(j, want);
			assert_null(json_object_get(j, "id"));
			json_decref(j);
		}
	}
	/* malformed text stays invalid_json: bare words, two values, a lone NUL escape, an unclosed string */
	{
		static const char *const bad[] = { "stats\n", "42 43\n", "{} {}\n", "\"\\u0000\"\n", "\"stats\n", "nul\n" };

		for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			j = request(fd, bad[k]);
			assert_error(j, "invalid_json");
			json_decref(j);
		}
	}
	j = request(fd, "{\"cmd\": \"help\", \"id\": 7}\n");
	assert_error(j, "missing_command");
	assert_int_equal(json_integer_value(json_object_get(j, "id")), 7);
	json_decref(j);
	j = request(fd, "{\"command\": 5}\n");
	assert_error(j, "invalid_request");
	json_decref(j);
	j = request(fd, "{\"command\": \"nope\"}\n");
	assert_error(j, "unknown_command");
	json_decref(j);
	j = request(fd, "{\"command\": \"fail\"}\n");
	assert_error(j, "command_failed");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "message")),
			    "nothing to see here");
	json_decref(j);
	j = request(fd, "{\"command\": \"echo\", \"arg\": \"x\"}\n");
	assert_error(j, "command_failed");
	json_decref(j);
	/* still usable after all that, blank lines and CRLF ignored */
	j = request(fd, "\n\r\n  \n{\"command\": \"echo\"}\r\n");
	assert_true(json_is_true(json_object_get(j, "ok")));
	json_decref(j);
	close(fd);
}

static void test_pipelined_and_no_newline(void **state)
{
	int fd = conn();
	char *r;

	(void)state;
	counter = 0;
	send_all(fd, "{\"command\":\"count\"}\n{\"command\":\"count\"}\n{\"command\":\"count\"}", 59);
	shutdown(fd, SHUT_WR);
	for (int i = 1; i <= 3; i++) {
		char expect[64];

		r = read_line(fd, 5000);
		assert_non_null(r);
		snprintf(expect, sizeof(expect), "{\"ok\":true,\"n\":%d}", i);
		assert_string_equal(r, expect);
		free(r);
	}
	assert_null(read_line(fd, 5000)); /* closed after the last reply */
	close(fd);
}

static void test_too_large(void **state)
{
	int fd = conn();
	size_t len = CTL_MAX_REQUEST + 100;
	char *big = malloc(len);
	char *r;
	json_t *j;

	(void)state;
	memset(big, ' ', len);
	big[0] = '{';
	/* no newline: the server gives up once it has more than the limit */
	send(fd, big, len, MSG_NOSIGNAL);
	r = read_line(fd, 5000);
	assert_non_null(r);
	j = json_loads(r, 0, NULL);
	assert_error(j, "request_too_large");
	json_decref(j);
	free(r);
	assert_null(read_line(fd, 5000));
	close(fd);
	free(big);

	/* exactly at the limit is fine */
	fd = conn();
	len = CTL_MAX_REQUEST;
	big = malloc(len + 1);
	memset(big, ' ', len);
	memcpy(big, "{\"command\":\"echo\"}", 18);
	big[len] = '\n';
	send_all(fd, big, len + 1);
	r = read_line(fd, 5000);
	assert_non_null(r);
	assert_non_null(strstr(r, "\"ok\":true"));
	free(r);
	free(big);
	close(fd);
}

static void test_big_reply(void **state)
{
	int fd = conn();
	char *r;

	(void)state;
	send_all(fd, "{\"command\":\"big\"}\n{\"command\":\"echo\"}\n", 37);
	usleep(100000); /* let the server hit a full socket buffer */
	r = read_line(fd, 5000);
	assert_non_null(r);
	assert_true(strlen(r) > (1 << 20));
	free(r);
	r = read_line(fd, 5000);
	assert_non_null(r);
	assert_non_null(strstr(r, "\"handled\":true"));
	free(r);
	close(fd);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A client that floods requests and never reads does not hold up another. */
static void test_slow_client(void **state)
{
	int slow = conn(), fast;
	int small = 4096;
	char *chunk = malloc(64 * 1024);
	size_t n = 0;
	json_t *j;
	double t0;

	(void)state;
	setsockopt(slow, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	while (n + 20 <= 64 * 1024) {
		memcpy(chunk + n, "{\"command\":\"big\"}\n", 18);
		n += 18;
	}
	/* Queue as much as the kernel takes without blocking. */
	for (int i = 0; i < 64; i++)
		if (send(slow, chunk, n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			break;
	usleep(200000);
	fast = conn();
	t0 = now_s();
	j = request(fast, "{\"command\":\"echo\",\"arg\":1}\n");
	assert_true(json_is_true(json_object_get(j, "ok")));
	assert_true(now_s() - t0 < 2.0);
	json_decref(j);
	close(fast);
	close(slow);
	free(chunk);
}

static void test_too_many_clients(void **state)
{
	int fds[CTL_MAX_CLIENTS];
	int extra;
	json_t *j;
	char *r;

	(void)state;
	for (int i = 0; i < CTL_MAX_CLIENTS; i++) {
		fds[i] = conn();
		/* a round trip makes sure the server has accepted it */
		j = request(fds[i], "{\"command\":\"echo\"}\n");
		json_decref(j);
	}
	extra = conn();
	r = read_line(extra, 5000);
	assert_non_null(r);
	j = json_loads(r, 0, NULL);
	assert_error(j, "too_many_clients");
	json_decref(j);
	free(r);
	close(extra);
	close(fds[0]);
	usleep(100000);
	extra = conn();
	j = request(extra, "{\"command\":\"echo\"}\n");
	assert_true(json_is_true(json_object_get(j, "ok")));
	json_decref(j);
	close(extra);
	for (int i = 1; i < CTL_MAX_CLIENTS; i++)
		close(fds[i]);
}

/*
 * Idle clients: one that sends nothing is told idle_timeout and closed after the idle limit;
 * one that keeps asking is not. With the table full of clients idle past the eviction limit,
 * a new client is served: the one idle longest made room (and was told why).
 */
static void test_idle(void **state)
{
	int fds[CTL_MAX_CLIENTS], busy, extra;
	json_t *j;
	char *r;

	ctl_server_set_idle(*state, 600, 200);
	int lazy = conn();
	busy = conn();
	for (int i = 0; i < 5; i++) { /* 1 s of requests every 0.2 s: never idle for 0.6 s */
		j = request(busy, "{\"command\":\"echo\"}\n");
		json_decref(j);
		usleep(200000);
	}
	r = read_line(lazy, 100);
	assert_non_null(r); /* closed long ago, with a word */
	j = json_loads(r, 0, NULL);
	assert_error(j, "idle_timeout");
	json_decref(j);
	free(r);
	assert_null(read_line(lazy, 1000)); /* then end of file */
	close(lazy);
	close(busy);
	usleep(100000);

	ctl_server_set_idle(*state, 60000, 200);
	for (int i = 0; i < CTL_MAX_CLIENTS; i++) {
		fds[i] = conn();
		j = request(fds[i], "{\"command\":\"echo\"}\n");
		json_decref(j);
	}
	usleep(300000);
	extra = conn();
	j = request(extra, "{\"command\":\"echo\"}\n");
	assert_true(json_is_true(json_object_get(j, "ok")));
	json_decref(j);
	r = read_line(fds[0], 1000); /* the first one was idle longest */
	assert_non_null(r);
	j = json_loads(r, 0, NULL);
	assert_error(j, "idle_timeout");
	json_decref(j);
	free(r);
	close(extra);
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		close(fds[i]);
	ctl_server_set_idle(*state, CTL_IDLE_MS, CTL_EVICT_IDLE_MS);
}

/*
 * Connections queued while the server thread was busy, and closed by their clients before it
 * got to them, do not take the place of a live client: with 40 clients connected and 30
 * abandoned connections in the queue (70 > CTL_MAX_CLIENTS), a new client is still served.
 */
static void test_abandoned_queue(void **state)
{
	enum { LIVE = 40, GONE = 30 };
	int fds[LIVE], fresh;
	char *r;
	json_t *j;

	(void)state;
	usleep(200000); /* the earlier tests' clients are gone from the server */
	for (int i = 0; i < LIVE; i++) {
		fds[i] = conn();
		j = request(fds[i], "{\"command\":\"echo\"}\n"); /* accepted */
		json_decref(j);
	}
	send_all(fds[0], "{\"command\":\"sleep\"}\n", 20);
	usleep(100000); /* the thread is in the handler: what connects now waits in the listen queue */
	for (int i = 0; i < GONE; i++)
		close(conn());
	fresh = conn();
	send_all(fresh, "{\"command\":\"echo\",\"arg\":7}\n", 27);
	r = read_line(fds[0], 5000);
	assert_non_null(r);
	assert_string_equal(r, "{\"ok\":true}");
	free(r);
	r = read_line(fresh, 5000);
	assert_non_null(r);
	assert_string_equal(r, "{\"ok\":true,\"arg\":7,\"handled\":true}");
	free(r);
	close(fresh);
	for (int i = 0; i < LIVE; i++)
		close(fds[i]);
}

/*
 * 100 clients connecting at once, non-blocking and without retrying, while the server thread
 * is busy in a handler and accepts none of them: the kernel refuses none (the listen backlog,
 * CTL_LISTEN_BACKLOG, holds them all), and then exactly as many as the table has room for are
 * served and the others are told too_many_clients.
 */
static void test_connect_burst(void **state)
{
	enum { N = 100 };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fds[N], served = 0, busy = 0, staller;
	char *r;
	json_t *j;

	(void)state;
	usleep(200000); /* the earlier tests' clients are gone from the server */
	staller = conn();
	j = request(staller, "{\"command\":\"echo\"}\n"); /* accepted: it takes one place */
	json_decref(j);
	send_all(staller, "{\"command\":\"sleep\"}\n", 20);
	usleep(100000); /* the thread is in the handler for 0.4 s more */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	for (int i = 0; i < N; i++) {
		fds[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		assert_true(fds[i] >= 0);
		if (connect(fds[i], (struct sockaddr *)&sa, sizeof(sa)) != 0)
			fail_msg("connect %d of %d: %s", i + 1, N, strerror(errno));
	}
	for (int i = 0; i < N; i++) {
		/* fails with EPIPE for a client already told too_many_clients and closed: read that below */
		ssize_t n = send(fds[i], "{\"command\":\"echo\"}\n", 19, MSG_NOSIGNAL);

		(void)n;
	}
	r = read_line(staller, 5000);
	assert_non_null(r);
	assert_string_equal(r, "{\"ok\":true}");
	free(r);
	for (int i = 0; i < N; i++) {
		r = read_line(fds[i], 5000);
		if (r && strcmp(r, "{\"ok\":true,\"arg\":-1,\"handled\":true}") == 0)
			served++;
		else if (r && strstr(r, "\"code\":\"too_many_clients\""))
			busy++;
		else
			fail_msg("client %d: %s", i + 1, r ? r : "no reply");
		free(r);
	}
	for (int i = 0; i < N; i++)
		close(fds[i]);
	close(staller);
	assert_int_equal(served, CTL_MAX_CLIENTS - 1);
	assert_int_equal(busy, N - (CTL_MAX_CLIENTS - 1));
}

static void test_second_server_refused(void **state)
{
	struct ctl_server *s2;
	char err[256];

	(void)state;
	assert_int_equal(ctl_server_start(&s2, sock_path, NULL, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "another process is already listening"));
	assert_null(s2);
}

/* Standalone tests (no fixture). */

static void test_stale_socket(void **state)
{
	char d[] = "/tmp/test_ctl_stale_XXXXXX", p[96], err[256];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ctl_server *s;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(d));
	snprintf(p, sizeof(p), "%s/ctl.sock", d);
	/* a socket file nobody listens on */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", p);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	assert_int_equal(ctl_server_start(&s, p, NULL, 0, err, sizeof(err)), 0);
	ctl_server_stop(s);
	assert_int_equal(access(p, F_OK), -1); /* removed on stop */

	/* a regular file is not replaced */
	fd = creat(p, 0600);
	close(fd);
	assert_int_equal(ctl_server_start(&s, p, NULL, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not a socket"));
	unlink(p);
	rmdir(d);
}

static void test_bad_args(void **state)
{
	struct ctl_server *s;
	char err[256];
	char longpath[200];
	struct ctl_command dup[] = { { "a", h_fail, NULL, NULL }, { "a", h_fail, NULL, NULL } };
	struct ctl_command help[] = { { "help", h_fail, NULL, NULL } };

	(void)state;
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(ctl_server_start(&s, longpath, NULL, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "longer than"));
	assert_int_equal(ctl_server_start(&s, "", NULL, 0, err, sizeof(err)), -1);
	assert_int_equal(ctl_server_start(&s, "/tmp/x.sock", dup, 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "registered twice"));
	assert_int_equal(ctl_server_start(&s, "/tmp/x.sock", help, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "built in"));
	ctl_server_stop(NULL);
}

/* Stopping with clients connected (and one mid-request) closes them. */
static void test_stop_with_clients(void **state)
{
	char d[] = "/tmp/test_ctl_stop_XXXXXX", err[256];
	struct ctl_server *s;
	int a, b;

	(void)state;
	assert_non_null(mkdtemp(d));
	snprintf(sock_path, sizeof(sock_path), "%s/ctl.sock", d);
	assert_int_equal(ctl_server_start(&s, sock_path, cmds, N_CMDS, err, sizeof(err)), 0);
	a = conn();
	b = conn();
	send_all(b, "{\"comm", 6);
	usleep(50000);
	ctl_server_stop(s);
	assert_null(read_line(a, 2000));
	assert_null(read_line(b, 2000));
	close(a);
	close(b);
	rmdir(d);
}

int main(void)
{
	const struct CMUnitTest with_server[] = {
		cmocka_unit_test(test_socket_file),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_reply_and_id),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_pipelined_and_no_newline),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_big_reply),
		cmocka_unit_test(test_slow_client),
		cmocka_unit_test(test_too_many_clients),
		cmocka_unit_test(test_abandoned_queue),
		cmocka_unit_test(test_idle),
		cmocka_unit_test(test_connect_burst),
		cmocka_unit_test(test_second_server_refused),
	};
	const struct CMUnitTest standalone[] = {
		cmocka_unit_test(test_stale_socket),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_stop_with_clients),
	};
	int rc;

	rc = cmocka_run_group_tests_name("ctl_server", with_server, setup, teardown);
	rc += cmocka_run_group_tests_name("ctl_server_standalone", standalone, NULL, NULL);
	return rc;
}
