/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT event logging glue (doc/cgn.md): with "cgn" configured, each worker gets
 * a cgn table beside its NAT64 table and an event ring (single producer: the
 * worker; single consumer: the control thread, which drains every ring each
 * round into the exporter, control/natlog_export.c).
 */
#include <time.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dp.h"
#include "natlog_export.h"

#define NATLOG_RING 8192 /* events per worker between two drains */
#define NATLOG_BURST 256

static struct natlog_exporter *exporter;

int natlog_worker_init(struct dp *dp, struct dp_worker *w, char *err, size_t errlen)
{
	char name[32];
	int socket = (int)rte_lcore_to_socket_id(w->lcore);

	if (!dp->cfg.xlat.cgn.enabled || !w->nat)
		return 0;
	snprintf(name, sizeof(name), "cgn%u", w->index);
	w->cgn = cgn_table_create(name, dp->cfg.xlat.g.nat.max_sessions, dp->cfg.xlat.cgn.block_size != 0, w->index,
				  dp->n_workers, socket);
	snprintf(name, sizeof(name), "natlog%u", w->index);
	w->natlog = rte_ring_create_elem(name, sizeof(struct natlog_event), NATLOG_RING, socket,
					 RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (!w->cgn || !w->natlog) {
		snprintf(err, errlen, "worker %u: cannot create the cgn tables / event ring: %s (hugepages? -m?)",
			 w->index, rte_strerror(rte_errno));
		return -1;
	}
	cgn_set_output(w->cgn, w->natlog, w->counters);
	nat64_attach_cgn(w->nat, w->cgn);
	if (!exporter)
		exporter = natlog_exporter_new();
	return 0;
}

static uint64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Control thread, under ctl_bridge_lock (it reads dp->xcfg). */
void natlog_poll(struct dp *dp)
{
	struct natlog_event ev[NATLOG_BURST];

	if (!exporter)
		return;
	for (unsigned i = 0; i < dp->n_workers; i++) {
		struct dp_worker *w = &dp->workers[i];
		uint64_t t0 = __atomic_load_n(&w->tsc0, __ATOMIC_ACQUIRE);
		unsigned n;

		if (!w->natlog || !t0)
			continue;
		while ((n = rte_ring_sc_dequeue_burst_elem(w->natlog, ev, sizeof(ev[0]), NATLOG_BURST, NULL)) != 0) {
			/* the worker's clock counts from its start (t0): wall time = now - (worker now - event) */
			uint64_t wnow = dp_tsc_ns(rte_get_tsc_cycles() - t0) / 1000000u;
			uint64_t wall = wall_ms();
			for (unsigned k = 0; k < n; k++)
				ev[k].time_ms = wall - (wnow > ev[k].time_ms ? wnow - ev[k].time_ms : 0);
			natlog_export(exporter, &dp->xcfg->cgn, ev, n, wall / 1000u, dp->slow_counters);
			if (n < NATLOG_BURST)
				break;
		}
	}
}
