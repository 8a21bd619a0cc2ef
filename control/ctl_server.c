/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control socket server (see ctl_server.h for the protocol).
 *
 * One thread, one poll() loop over: an eventfd that asks it to stop, the
 * listening socket, and every client. Each client has an input buffer (at
 * most one request line plus its newline) and an output buffer of queued
 * replies. Sockets are non-blocking; nothing a client does (send slowly, not
 * read, send garbage, vanish) can stall the thread or the other clients.
 *
 * Here: the thread's loop, the socket made, start and stop. A client's way is
 * ctl_clients.c (accepted, idle, removed) -> ctl_request.c (its lines read
 * and handled) -> ctl_reply.c (its replies queued and sent).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_internal.h"

static void *server_main(void *arg)
{
	struct ctl_server *s = arg;
	struct pollfd pfd[2 + CTL_MAX_CLIENTS];

	for (;;) {
		int timeout = ctl_expire_idle(s), r;
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

			if (!c->eof && !c->closing && ctl_pending_out(c) < CTL_OUT_PAUSE && c->in_len < CTL_IN_LIMIT)
				ev |= POLLIN;
			if (ctl_pending_out(c))
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
				ctl_flush_out(c);
			if (!c->dead && (re & (POLLIN | POLLHUP | POLLERR))) {
				if (!c->eof && !c->closing)
					ctl_read_input(c);
				else if (re & POLLERR)
					c->dead = true;
			}
			if (!c->dead) {
				ctl_process_input(s, c);
				ctl_flush_out(c);
			}
			if (ctl_client_done(c))
				ctl_client_remove(s, c);
		}
		if (pfd[1].revents & POLLIN)
			ctl_accept_clients(s);
	}
	return NULL;
}

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
			ctl_set_err(err, errlen, "cannot create directory %s: %s", dir, strerror(errno));
			return -1;
		}
		*p = '/';
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		ctl_set_err(err, errlen, "cannot create directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		ctl_set_err(err, errlen, "%s is not a directory", dir);
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
		ctl_set_err(err, errlen, "cannot check %s: %s", sa->sun_path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		ctl_set_err(err, errlen, "%s exists and is not a socket; not replacing it", sa->sun_path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ctl_set_err(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	if (rc == 0 || errno == EAGAIN) {
		/* EAGAIN: a listener whose backlog is full, still a listener */
		close(fd);
		ctl_set_err(err, errlen, "another process is already listening on %s", sa->sun_path);
		return -1;
	}
	if (errno != ECONNREFUSED) {
		int e = errno;
		close(fd);
		ctl_set_err(err, errlen, "cannot check whether %s is in use: %s", sa->sun_path, strerror(e));
		return -1;
	}
	close(fd);
	if (unlink(sa->sun_path) != 0 && errno != ENOENT) {
		ctl_set_err(err, errlen, "cannot remove stale socket %s: %s", sa->sun_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Each command named, with a handler, once, and not "help". */
static int check_commands(const struct ctl_command *cmds, unsigned n, char *err, size_t errlen)
{
	for (unsigned i = 0; i < n; i++) {
		if (!cmds[i].name || !*cmds[i].name || !cmds[i].fn) {
			ctl_set_err(err, errlen, "command %u has no name or no handler", i);
			return -1;
		}
		if (strcmp(cmds[i].name, "help") == 0) {
			ctl_set_err(err, errlen, "command \"help\" is built in");
			return -1;
		}
		for (unsigned k = 0; k < i; k++)
			if (strcmp(cmds[k].name, cmds[i].name) == 0) {
				ctl_set_err(err, errlen, "command \"%s\" registered twice", cmds[i].name);
				return -1;
			}
	}
	return 0;
}

/* s->lfd listening on s->path (mode 0660), s->dev and s->ino its file's; the file removed on failure. */
static int listen_at(struct ctl_server *s, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	struct stat st;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, s->path, strlen(s->path) + 1);
	if (mkdir_parents(s->path, err, errlen) || clear_stale(&sa, err, errlen))
		return -1;
	s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->lfd < 0) {
		ctl_set_err(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		ctl_set_err(err, errlen, "cannot bind %s: %s", s->path, strerror(errno));
		return -1;
	}
	/* Nobody can connect before listen(), so the mode is right before anyone can use it. */
	if (chmod(s->path, 0660) != 0 || stat(s->path, &st) != 0) {
		ctl_set_err(err, errlen, "cannot set the mode of %s: %s", s->path, strerror(errno));
		unlink(s->path);
		return -1;
	}
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	if (listen(s->lfd, CTL_LISTEN_BACKLOG) != 0) {
		ctl_set_err(err, errlen, "cannot listen on %s: %s", s->path, strerror(errno));
		unlink(s->path);
		return -1;
	}
	return 0;
}

int ctl_server_start(struct ctl_server **out, const char *path, const struct ctl_command *cmds, unsigned n, char *err,
		     size_t errlen)
{
	struct ctl_server *s;
	sigset_t all, old;
	int rc;

	*out = NULL;
	if (!path || !*path) {
		ctl_set_err(err, errlen, "no control socket path");
		return -1;
	}
	if (strlen(path) >= sizeof(s->path)) {
		ctl_set_err(err, errlen, "control socket path %s is longer than %zu characters", path, sizeof(s->path) - 1);
		return -1;
	}
	if (check_commands(cmds, n, err, errlen))
		return -1;

	s = calloc(1, sizeof(*s));
	if (!s || !(s->cmds = calloc(n + 1, sizeof(*s->cmds)))) {
		free(s);
		ctl_set_err(err, errlen, "out of memory");
		return -1;
	}
	s->lfd = s->wakefd = -1;
	s->idle_ms = CTL_IDLE_MS;
	s->evict_ms = CTL_EVICT_IDLE_MS;
	for (unsigned i = 0; i < CTL_MAX_CLIENTS; i++)
		s->clients[i].fd = -1;
	s->cmds[0] = (struct ctl_command){ "help", ctl_cmd_help, s, "list the commands" };
	if (n) /* memcpy from NULL is undefined even for 0 bytes (found by UBSan) */
		memcpy(s->cmds + 1, cmds, n * sizeof(*cmds));
	s->n_cmds = n + 1;
	snprintf(s->path, sizeof(s->path), "%s", path);
	if (listen_at(s, err, errlen))
		goto fail;
	s->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->wakefd < 0) {
		ctl_set_err(err, errlen, "eventfd: %s", strerror(errno));
		unlink(path);
		goto fail;
	}

	/* The thread takes no signals: the daemon's main thread handles SIGINT/SIGTERM. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&s->thread, NULL, server_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		ctl_set_err(err, errlen, "cannot start the control thread: %s", strerror(rc));
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
		ctl_client_free(&s->clients[i]);
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
