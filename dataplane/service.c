/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Running as a service: our rte_log type, logging to the journal, and
 * readiness for the service manager.
 *
 * Logs: DPDK 22.11's EAL writes every rte_log message to stderr and also to
 * syslog(3) (facility LOG_DAEMON, or the one given with EAL's --syslog), so a
 * service whose stderr goes to the journal would log everything twice. When
 * systemd says stderr is the journal ($JOURNAL_STREAM), our messages go to
 * syslog only, which keeps their level (journalctl -p warning works).
 *
 * Readiness: the sd_notify protocol is one datagram ("READY=1", "STOPPING=1")
 * to the AF_UNIX socket named by $NOTIFY_SOCKET (systemd.service Type=notify);
 * a name starting with '@' is in the abstract namespace. No libsystemd:
 * without $NOTIFY_SOCKET this does nothing.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include <rte_log.h>

#include "dp.h"

/* "xlat64": EAL's --log-level xlat64:debug (or :warning, ...) sets its level; INFO by default. */
RTE_LOG_REGISTER(xlat_logtype, xlat64, INFO);

static ssize_t syslog_write(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	/* rte_log levels are syslog's plus one (RTE_LOG_EMERG is 1) */
	syslog(rte_log_cur_msg_loglevel() - 1, "%.*s", (int)size, buf);
	return (ssize_t)size;
}

void service_log_init(void)
{
	static const cookie_io_functions_t io = { .write = syslog_write };
	const char *js = getenv("JOURNAL_STREAM");

	if (!js || !*js)
		return;
	FILE *f = fopencookie(NULL, "w", io);
	if (f && rte_openlog_stream(f) == 0)
		RTE_LOG(DEBUG, XLAT64, "logging to syslog only (stderr is the journal)\n");
}

void service_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len;

	if (!path || !*path)
		return;
	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof(sa.sun_path)) {
		RTE_LOG(WARNING, XLAT64, "NOTIFY_SOCKET '%s' is not a usable socket name\n", path);
		return;
	}
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		RTE_LOG(WARNING, XLAT64, "sd_notify: socket: %s\n", strerror(errno));
		return;
	}
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (const struct sockaddr *)&sa,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0)
		RTE_LOG(WARNING, XLAT64, "sd_notify '%s' to %s: %s\n", state, path, strerror(errno));
	close(fd);
}
