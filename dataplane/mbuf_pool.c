/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet mbuf pools. Without hugepages DPDK keeps each mempool object inside
 * one 4 KiB page (rte_mempool_get_page_size(): the system page, for a pool
 * whose objects must be IOVA-contiguous), so every ~2.3 KiB mbuf takes a page
 * of its own. Two things break on that layout: af_xdp sizes its UMEM as the
 * pool's object count times the packed object size (rte_mempool_calc_obj_size()),
 * so the mbufs in the upper ~40% of such a pool lie outside it and the kernel
 * refuses them as fill-ring buffers (a small pool then forwards nothing at
 * all); and the same line of every mbuf falls in one L1 set, so a burst's 32
 * frames evict each other (doc/performance.md). Where the IOVA of memory is its
 * virtual address, which is what EAL selects without hugepages (no physical
 * addresses to give), an object that crosses a page is still IOVA-contiguous:
 * such pools are packed. With hugepages nothing changes (objects are packed
 * within each huge page already).
 */
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mbuf_pool_ops.h>
#include <rte_mempool.h>

#include "dp.h"

/* rte_pktmbuf_init(), and the buffer's IOVA: its virtual address (a pool that is not IOVA-contiguous has none) */
static void mbuf_init_va(struct rte_mempool *mp, void *opaque, void *obj, unsigned idx)
{
	struct rte_mbuf *m = obj;

	rte_pktmbuf_init(mp, opaque, obj, idx);
	m->buf_iova = (rte_iova_t)(uintptr_t)m->buf_addr;
}

struct rte_mempool *dp_pktmbuf_pool_create(const char *name, unsigned n, unsigned cache, uint16_t room, int socket)
{
	if (rte_eal_has_hugepages() || rte_eal_iova_mode() != RTE_IOVA_VA)
		return rte_pktmbuf_pool_create(name, n, cache, 0, room, socket);

	/* rte_pktmbuf_pool_create(), with objects free to cross 4 KiB pages */
	struct rte_pktmbuf_pool_private priv = {.mbuf_data_room_size = room, .mbuf_priv_size = 0};
	struct rte_mempool *mp = rte_mempool_create_empty(name, n, sizeof(struct rte_mbuf) + room, cache,
							  sizeof(priv), socket, RTE_MEMPOOL_F_NO_IOVA_CONTIG);
	if (!mp)
		return NULL;
	int ret = rte_mempool_set_ops_byname(mp, rte_mbuf_best_mempool_ops(), NULL);
	if (ret == 0) {
		rte_pktmbuf_pool_init(mp, &priv);
		ret = rte_mempool_populate_default(mp);
	}
	if (ret < 0) {
		rte_mempool_free(mp);
		rte_errno = -ret;
		return NULL;
	}
	rte_mempool_obj_iter(mp, mbuf_init_va, NULL);
	return mp;
}
