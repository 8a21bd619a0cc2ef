/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xlat64ctl top (issue 19): what the box is doing right now, refreshed every
 * second like top(1): packets per second in and out of each port and through
 * the translator each way, translated and dropped per second with the drop
 * reasons that count most, NAT64 sessions and how fast they come and go, each
 * worker's load, the exception path. `q` quits; `top N` stops after N frames.
 *
 * Only the control socket: each frame is four requests ("version", "stats"
 * per worker, "ports", and in NAT64 mode "nat64 status"), and every rate is
 * the difference of the daemon's own counters between two frames over the
 * time between them (the worker load: busy TSC cycles over the TSC rate).
 * On a terminal it draws on the alternate screen and reads keys unbuffered;
 * elsewhere (a pipe) it prints one frame after the other.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "stats.h"

#define TOP_DROPS 5 /* drop reasons shown */

/* One look at the daemon. */
struct sample {
	double t; /* CLOCK_MONOTONIC seconds */
	json_t *version, *stats, *ports, *nat64;
};

struct top {
	const struct cli_opts *o;
	bool tty;      /* drawing on a terminal (else frames one after the other) */
	int err_fd;    /* where cli_call's messages went while drawing (a temporary file), -1: stderr */
	char err[256]; /* the last of them */
	struct sample prev, cur;
};

static double mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* --------------------------------------------------------------- sample */

static json_t *ask(struct top *tp, const char *text)
{
	json_t *req = json_loads(text, 0, NULL), *r = req ? cli_call(tp->o, req) : NULL;

	json_decref(req);
	if (r && !json_is_true(json_object_get(r, "ok"))) {
		const char *m = json_string_value(json_object_get(json_object_get(r, "error"), "message"));
		snprintf(tp->err, sizeof(tp->err), "%s", m ? m : "error");
		json_decref(r);
		return NULL;
	}
	if (!r && tp->err_fd >= 0) { /* cli_call said why on (our) stderr: keep its last line */
		char b[512] = "";
		ssize_t n = pread(tp->err_fd, b, sizeof(b) - 1, 0);
		b[n > 0 ? n : 0] = '\0';
		char *nl = strrchr(b, '\n');
		if (nl && nl != b)
			*nl = '\0';
		snprintf(tp->err, sizeof(tp->err), "%s", strrchr(b, '\n') ? strrchr(b, '\n') + 1 : b);
		if (ftruncate(tp->err_fd, 0) != 0 || lseek(tp->err_fd, 0, SEEK_SET) != 0)
			tp->err[0] = '\0';
	}
	return r;
}

static void sample_free(struct sample *s)
{
	json_decref(s->version);
	json_decref(s->stats);
	json_decref(s->ports);
	json_decref(s->nat64);
	memset(s, 0, sizeof(*s));
}

/* A new sample into cur (the old one into prev); false when the daemon did not answer. */
static bool take(struct top *tp)
{
	struct sample s = { .t = mono() };

	tp->err[0] = '\0';
	s.version = ask(tp, "{\"command\":\"version\"}");
	s.stats = s.version ? ask(tp, "{\"command\":\"stats\",\"all\":true,\"per-core\":true}") : NULL;
	s.ports = s.stats ? ask(tp, "{\"command\":\"ports\"}") : NULL;
	const char *mode = json_string_value(json_object_get(s.version, "mode"));
	if (s.ports && mode && !strcmp(mode, "nat64"))
		s.nat64 = ask(tp, "{\"command\":\"nat64\",\"op\":\"status\"}");
	if (!s.ports) {
		sample_free(&s);
		return false;
	}
	sample_free(&tp->prev);
	tp->prev = tp->cur;
	tp->cur = s;
	return true;
}

/* ---------------------------------------------------------------- rates */

static long long counter(const json_t *stats, const char *name)
{
	return (long long)json_integer_value(json_object_get(json_object_get(stats, "counters"), name));
}

/* Per second between the two samples; -1 before there are two. */
static double rate_of(const struct top *tp, long long now, long long before)
{
	double dt = tp->cur.t - tp->prev.t;

	if (!tp->prev.stats || dt <= 0)
		return -1;
	return (double)(now - before) / dt;
}

static double stat_rate(const struct top *tp, const char *name)
{
	return rate_of(tp, counter(tp->cur.stats, name), counter(tp->prev.stats, name));
}

/* "1234", "1.23M", or "-" before there is a rate */
static const char *fmt_rate(double v, char *buf, size_t cap)
{
	if (v < 0) {
		snprintf(buf, cap, "-");
		return buf;
	}
	return v < 10000 ? (snprintf(buf, cap, "%.0f", v), buf) : human(v, buf, cap);
}

/* The member of the same name in an array element of the previous sample (ports by name, workers by index). */
static const json_t *prev_port(const struct top *tp, const char *name)
{
	size_t i;
	json_t *p;

	json_array_foreach(json_object_get(tp->prev.ports, "ports"), i, p)
		if (!strcmp(str(p, "name"), name))
			return p;
	return NULL;
}

/* ----------------------------------------------------------------- draw */

struct screen {
	FILE *f;
	unsigned width;
};

/* A line, cut to the screen's width. */
static void line(struct screen *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void line(struct screen *s, const char *fmt, ...)
{
	char b[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (s->width && strlen(b) > s->width)
		b[s->width] = '\0';
	fprintf(s->f, "%s\n", b);
}

static void draw_head(struct top *tp, struct screen *s)
{
	const json_t *v = tp->cur.version;
	long long up = num(v, "uptime-s");

	line(s, "xlat64d %s (%s), %lld workers, up %lldd %02lld:%02lld:%02lld    %s", str(v, "version"), str(v, "mode"),
	     num(v, "workers"), up / 86400, up / 3600 % 24, up / 60 % 60, up % 60,
	     tp->tty ? "every 1 s; q quits" : "");
}

static void draw_ports(struct top *tp, struct screen *s)
{
	size_t i;
	json_t *p;
	char a[4][24];

	line(s, "%-12s %12s %12s %12s %12s", "PORT", "RX pps", "TX pps", "RX Mbit/s", "TX Mbit/s");
	json_array_foreach(json_object_get(tp->cur.ports, "ports"), i, p) {
		const json_t *q = prev_port(tp, str(p, "name"));
		double rx = q ? rate_of(tp, num(p, "rx-packets"), num(q, "rx-packets")) : -1;
		double tx = q ? rate_of(tp, num(p, "tx-packets"), num(q, "tx-packets")) : -1;
		double rb = q ? rate_of(tp, num(p, "rx-bytes"), num(q, "rx-bytes")) : -1;
		double tb = q ? rate_of(tp, num(p, "tx-bytes"), num(q, "tx-bytes")) : -1;
		if (rb >= 0)
			snprintf(a[2], sizeof(a[2]), "%.2f", rb * 8 / 1e6);
		if (tb >= 0)
			snprintf(a[3], sizeof(a[3]), "%.2f", tb * 8 / 1e6);
		line(s, "%-12s %12s %12s %12s %12s", str(p, "name"), fmt_rate(rx, a[0], sizeof(a[0])),
		     fmt_rate(tx, a[1], sizeof(a[1])), rb >= 0 ? a[2] : "-", tb >= 0 ? a[3] : "-");
	}
}

struct drop {
	enum xlat_stat s;
	double rate;
};

static int cmp_drop(const void *a, const void *b)
{
	const struct drop *x = a, *y = b;

	return x->rate < y->rate ? 1 : x->rate > y->rate ? -1 : (int)x->s - (int)y->s;
}

/* Translated and dropped per second (every "dropped:"/"refused:" counter of lib/stats.h), the top reasons. */
static void draw_translator(struct top *tp, struct screen *s)
{
	struct drop d[XSTAT_MAX];
	unsigned n = 0;
	double total = 0;
	char a[4][24];

	for (unsigned k = 0; k < XSTAT_MAX && tp->prev.stats; k++) {
		if (!xlat_stat_is_drop((enum xlat_stat)k))
			continue;
		double r = stat_rate(tp, xlat_stat_name((enum xlat_stat)k));
		total += r;
		if (r > 0)
			d[n++] = (struct drop){ (enum xlat_stat)k, r };
	}
	line(s, "%-12s %12s %12s %12s %12s", "TRANSLATOR", "6->4 pps", "4->6 pps", "translated/s", "dropped/s");
	line(s, "%-12s %12s %12s %12s %12s", "", fmt_rate(stat_rate(tp, "JSTAT_RECEIVED6"), a[0], sizeof(a[0])),
	     fmt_rate(stat_rate(tp, "JSTAT_RECEIVED4"), a[1], sizeof(a[1])),
	     fmt_rate(stat_rate(tp, "JSTAT_SUCCESS"), a[2], sizeof(a[2])),
	     fmt_rate(tp->prev.stats ? total : -1, a[3], sizeof(a[3])));
	qsort(d, n, sizeof(d[0]), cmp_drop);
	line(s, "%-34s %10s  %s", "TOP DROPS", "per s",
	     n ? "" : tp->prev.stats ? "(none in the last interval)" : "(rates from the next frame on)");
	for (unsigned i = 0; i < n && i < TOP_DROPS; i++)
		line(s, "%-34s %10s  %s", xlat_stat_name(d[i].s), fmt_rate(d[i].rate, a[0], sizeof(a[0])),
		     xlat_stat_desc(d[i].s));
}

static void draw_nat64(struct top *tp, struct screen *s)
{
	const json_t *st = tp->cur.nat64, *se = json_object_get(st, "sessions");
	char a[2][24];

	if (!st)
		return;
	line(s, "NAT64        sessions %lld (TCP %lld, UDP %lld, ICMP %lld) of %lld, BIB %lld", num(se, "total"),
	     num(se, "tcp"), num(se, "udp"), num(se, "icmp"), num(st, "max-sessions"),
	     num(json_object_get(st, "bib"), "total"));
	line(s, "             created/s %s, expired/s %s",
	     fmt_rate(stat_rate(tp, "XLAT_NAT64_SESSION_CREATED"), a[0], sizeof(a[0])),
	     fmt_rate(stat_rate(tp, "XLAT_NAT64_EXPIRED"), a[1], sizeof(a[1])));
}

/* Each worker's busy share of the interval: busy TSC cycles / (seconds x TSC rate). */
static void draw_workers(struct top *tp, struct screen *s)
{
	char b[400] = "", one[40];
	size_t i, len = 0;
	json_t *c;
	double hz = (double)num(tp->cur.version, "tsc-hz"), dt = tp->cur.t - tp->prev.t;

	json_array_foreach(json_object_get(tp->cur.stats, "per-core"), i, c) {
		const json_t *w = json_object_get(c, "worker"), *pc = json_array_get(json_object_get(tp->prev.stats, "per-core"), i);
		if (!w)
			continue;
		double busy = (double)(json_integer_value(json_object_get(json_object_get(c, "counters"), "XLAT_BUSY_CYCLES")) -
				       json_integer_value(json_object_get(json_object_get(pc, "counters"), "XLAT_BUSY_CYCLES")));
		if (pc && hz > 0 && dt > 0)
			snprintf(one, sizeof(one), "W%lld %5.1f%%  ", (long long)json_integer_value(w), 100 * busy / (hz * dt));
		else
			snprintf(one, sizeof(one), "W%lld -  ", (long long)json_integer_value(w));
		len += (size_t)snprintf(b + len, sizeof(b) - len, "%s", one);
		if (len >= sizeof(b))
			break;
	}
	line(s, "WORKERS      %s", b);
}

static void draw_exception(struct top *tp, struct screen *s)
{
	char a[5][24];

	line(s, "EXCEPTION    to host/s %s, to TAP/s %s, from host/s %s, rate-limited/s %s, queue full/s %s",
	     fmt_rate(stat_rate(tp, "XLAT_TO_HOST"), a[0], sizeof(a[0])),
	     fmt_rate(stat_rate(tp, "XLAT_EXC_TO_HOST"), a[1], sizeof(a[1])),
	     fmt_rate(stat_rate(tp, "XLAT_EXC_FROM_HOST"), a[2], sizeof(a[2])),
	     fmt_rate(stat_rate(tp, "XLAT_EXC_RATE_LIMITED"), a[3], sizeof(a[3])),
	     fmt_rate(stat_rate(tp, "XLAT_HOST_QUEUE_FULL"), a[4], sizeof(a[4])));
}

static void draw(struct top *tp, bool answered)
{
	struct screen s = { stdout, 0 };
	struct winsize ws;

	if (tp->tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		s.width = ws.ws_col;
	if (tp->tty)
		fputs("\033[H\033[2J", stdout); /* home, clear */
	if (!answered) {
		line(&s, "xlat64d does not answer on %s: %s", tp->o->socket, tp->err[0] ? tp->err : "?");
		line(&s, "(trying again every second%s)", tp->tty ? "; q quits" : "");
	} else {
		draw_head(tp, &s);
		draw_ports(tp, &s);
		draw_translator(tp, &s);
		draw_nat64(tp, &s);
		draw_workers(tp, &s);
		draw_exception(tp, &s);
		if (tp->err[0])
			line(&s, "(%s)", tp->err);
	}
	if (!tp->tty)
		putchar('\n');
	fflush(stdout);
}

/* ------------------------------------------------------------- terminal */

static struct termios saved_tio;
static bool tio_saved;

static void restore(void)
{
	if (tio_saved) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
		fputs("\033[?25h\033[?1049l", stdout); /* cursor back, the screen as it was */
		fflush(stdout);
		tio_saved = false;
	}
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Keys without Enter, no echo, the alternate screen; restored at exit. */
static void terminal(void)
{
	struct termios t;
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (tcgetattr(STDIN_FILENO, &saved_tio) != 0)
		return;
	t = saved_tio;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0) {
		tio_saved = true;
		atexit(restore);
		fputs("\033[?1049h\033[?25l", stdout); /* alternate screen, no cursor */
	}
}

/* Wait until t (mono seconds), or a key: true when it was q. */
static bool wait_key(double t)
{
	for (;;) {
		int ms = (int)((t - mono()) * 1000);
		struct pollfd p = { STDIN_FILENO, POLLIN, 0 };
		if (ms <= 0 || stop)
			return stop;
		if (!tio_saved) {
			poll(NULL, 0, ms);
			continue;
		}
		if (poll(&p, 1, ms) > 0) {
			char c;
			ssize_t n = read(STDIN_FILENO, &c, 1);
			if (n == 1 && (c == 'q' || c == 'Q'))
				return true;
			if (n == 0) /* the terminal went away */
				return true;
		}
	}
}

static int run_top(struct cli_ctx *c, int argc, char **argv)
{
	struct top tp = { .o = c->o, .err_fd = -1 };
	long frames = 0;
	char *end;

	if (argc == 1 && ((frames = strtol(argv[0], &end, 10)) <= 0 || *end))
		return die_usage("top: '%s' is not a number of frames (1 or more)", argv[0]);
	tp.tty = isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);
	if (tp.tty) {
		FILE *tmp = tmpfile(); /* cli_call's messages, shown on the screen instead of over it */
		if (tmp && dup2(fileno(tmp), STDERR_FILENO) >= 0)
			tp.err_fd = STDERR_FILENO;
		terminal();
	}
	double next = mono();
	for (long n = 0; !stop && (!frames || n < frames); n++) {
		bool ok = take(&tp);
		if (!ok && !tp.tty && n == 0) { /* a script asked and nobody answers: say so, as the other commands */
			fprintf(stderr, "%s: top: %s\n", prog, tp.err[0] ? tp.err : "no answer");
			return EXIT_USAGE;
		}
		draw(&tp, ok);
		next += 1.0;
		if ((!frames || n + 1 < frames) && wait_key(next))
			break;
	}
	sample_free(&tp.prev);
	sample_free(&tp.cur);
	restore();
	return EXIT_OK;
}

const struct cli_cmd cli_top_cmds[] = {
	{ .cmd = "top", .args = { { "[FRAMES]", ARG_ANY } }, .max_args = 1, .usage = "top takes [FRAMES]",
	  .help = "live view, every second: pps per port and direction,\ndrops by reason, sessions, worker load, "
		  "exception path;\nq quits (FRAMES: stop after that many)",
	  .run = run_top },
	{ .cmd = NULL },
};
