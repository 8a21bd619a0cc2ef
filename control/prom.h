/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xlat64-exporter (doc/operations.md, "Watching it"): the translator's counters
 * and gauges in Prometheus' text exposition format over HTTP, read from
 * xlat64d's control socket. A companion process rather than a thread of the
 * daemon: it runs unprivileged, a client of the public API like any script;
 * nothing an HTTP client does (slow, malformed, many) reaches the daemon but
 * one scrape of the socket per PROM_MIN_INTERVAL_MS; it can bind a management
 * address only; and it can be restarted without touching the dataplane.
 */
#ifndef XLAT_PROM_H
#define XLAT_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROM_MAX_CLIENTS 32
#define PROM_MAX_LISTEN 4
#define PROM_MAX_REQUEST 8192      /* request head, bytes: past it 431 */
#define PROM_REQUEST_MS 5000       /* to send a whole request head: past it 408 */
#define PROM_MIN_INTERVAL_MS 1000  /* scrapes of the daemon at most this often; others get that body */
#define PROM_DEFAULT_LISTEN "127.0.0.1:9464"
#define PROM_N_CODES 8
extern const int prom_codes[PROM_N_CODES]; /* 200 400 404 405 408 431 503, and 0 for any other */

struct prom {
	const char *socket;  /* xlat64d's control socket */
	int timeout_ms;      /* for all of one scrape of the socket */
	bool xstats;         /* the ports' DPDK extended statistics too (xlat64_port_xstat) */
	/* the body served, and when it was made */
	char *body;
	size_t body_len;
	uint64_t body_at_ms;
	bool have_body;
	/* the exporter's own */
	uint64_t scrapes, scrape_errors;
	uint64_t resp[PROM_N_CODES]; /* HTTP responses by status (prom_codes) */
};


uint64_t prom_now_ms(void);
/* The metrics body (scraped again if the last one is older than PROM_MIN_INTERVAL_MS). */
const char *prom_metrics(struct prom *p, size_t *len);
void prom_count_response(struct prom *p, int code);
/* A listening socket for ADDRESS:PORT ([v6]:port too), or -1 with a message. */
int prom_listen(const char *spec, char *err, size_t errlen);
/* Serve until *stop. */
void prom_serve(struct prom *p, const int *lfds, unsigned n_lfds, volatile int *stop);

#endif
