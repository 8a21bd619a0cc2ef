/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xlat64-exporter: xlat64d's counters and gauges for Prometheus (prom.h).
 *
 *   xlat64-exporter [--socket PATH] [--listen ADDRESS:PORT]... [--timeout SEC] [--no-xstats]
 *
 * Serves GET /metrics on each --listen address (default 127.0.0.1:9464; bind a
 * management address only), asking xlat64d's control socket (default
 * /run/xlat64/control.sock) at most once a second. SIGTERM/SIGINT stop it.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "prom.h"

static volatile int stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: xlat64-exporter [--socket PATH] [--listen ADDRESS:PORT]... [--timeout SEC] [--no-xstats]\n"
		   "  --socket PATH        xlat64d's control socket (default /run/xlat64/control.sock)\n"
		   "  --listen ADDR:PORT   where to serve /metrics (default " PROM_DEFAULT_LISTEN "; up to %d; [::1]:9464)\n"
		   "  --timeout SEC        for one scrape of the control socket (default 2)\n"
		   "  --no-xstats          leave the ports' DPDK extended statistics out (xlat64_port_xstat)\n"
		   "  -V, --version        xlat64-exporter's own version\n",
		PROM_MAX_LISTEN);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "socket", required_argument, NULL, 's' },
					      { "listen", required_argument, NULL, 'l' },
					      { "timeout", required_argument, NULL, 't' },
					      { "no-xstats", no_argument, NULL, 'X' },
					      { "version", no_argument, NULL, 'V' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	struct prom p = { .socket = "/run/xlat64/control.sock", .timeout_ms = 2000, .xstats = true };

	prog = "xlat64-exporter"; /* cli_call()'s messages */
	const char *listen_on[PROM_MAX_LISTEN];
	unsigned n_listen = 0;
	int lfds[PROM_MAX_LISTEN], c;
	char err[512];

	while ((c = getopt_long(argc, argv, "s:l:t:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			p.socket = optarg;
			break;
		case 'l':
			if (n_listen == PROM_MAX_LISTEN) {
				fprintf(stderr, "xlat64-exporter: at most %d --listen\n", PROM_MAX_LISTEN);
				return 2;
			}
			listen_on[n_listen++] = optarg;
			break;
		case 't': {
			char *end;
			double t = strtod(optarg, &end);
			if (*end || t <= 0 || t > 60) {
				fprintf(stderr, "xlat64-exporter: --timeout %s: seconds, more than 0, at most 60\n", optarg);
				return 2;
			}
			p.timeout_ms = (int)(t * 1000);
			break;
		}
		case 'X':
			p.xstats = false;
			break;
		case 'V':
			printf("xlat64-exporter %s\n", XLAT64_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!n_listen)
		listen_on[n_listen++] = PROM_DEFAULT_LISTEN;
	for (unsigned i = 0; i < n_listen; i++) {
		if ((lfds[i] = prom_listen(listen_on[i], err, sizeof(err))) < 0) {
			fprintf(stderr, "xlat64-exporter: %s\n", err);
			return 1;
		}
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	fprintf(stderr, "xlat64-exporter: serving /metrics on %s%s for %s\n", listen_on[0], n_listen > 1 ? " (and more)" : "",
		p.socket);
	prom_serve(&p, lfds, n_listen, &stop);
	for (unsigned i = 0; i < n_listen; i++)
		close(lfds[i]);
	free(p.body);
	return 0;
}
