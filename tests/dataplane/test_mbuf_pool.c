/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_pktmbuf_pool_create() (dataplane/mbuf_pool.c) under the test EAL, which
 * has no hugepages: its mbufs are packed one object size apart, so that
 * af_xdp's UMEM (the object count times rte_mempool_calc_obj_size(), from the
 * first object on) holds every one of them, where rte_pktmbuf_pool_create()
 * gives each a 4 KiB page of its own and the upper part of the pool lies
 * outside that UMEM (checked here too, so the test says why it exists). The
 * mbufs work as mbufs: IOVA is the virtual address, the data room is whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>

#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "dp.h"
#include "eal_test.h"

#define N 511
#define ROOM (RTE_PKTMBUF_HEADROOM + 2048)

static void note_addr(struct rte_mempool *mp, void *opaque, void *obj, unsigned idx)
{
	(void)mp;
	((uintptr_t *)opaque)[idx] = (uintptr_t)obj;
}

static int cmp_addr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/* The distance from the first object to the end of the last, and the largest gap between two in a row. */
static void span_of(struct rte_mempool *mp, uintptr_t *span, uintptr_t *gap)
{
	static uintptr_t a[N];

	assert_int_equal(rte_mempool_obj_iter(mp, note_addr, a), N);
	qsort(a, N, sizeof(a[0]), cmp_addr);
	*gap = 0;
	for (unsigned i = 1; i < N; i++)
		if (a[i] - a[i - 1] > *gap)
			*gap = a[i] - a[i - 1];
	*span = a[N - 1] - a[0] + mp->elt_size + mp->trailer_size + mp->header_size;
}

static void t_packed_within_umem(void **state)
{
	(void)state;
	assert_false(rte_eal_has_hugepages());
	assert_int_equal(rte_eal_iova_mode(), RTE_IOVA_VA);

	struct rte_mempool *mp = dp_pktmbuf_pool_create("tpool", N, 0, ROOM, SOCKET_ID_ANY);
	assert_non_null(mp);
	uint32_t obj = rte_mempool_calc_obj_size(mp->elt_size, mp->flags, NULL);
	uintptr_t span, gap;
	span_of(mp, &span, &gap);
	assert_int_equal(gap, obj);                 /* packed */
	assert_true(span <= (uintptr_t)N * obj);    /* af_xdp's UMEM size holds them all */
	assert_true(obj < 4096);

	/* every mbuf allocates, with its IOVA at its virtual address and the whole data room */
	static struct rte_mbuf *m[N];
	assert_int_equal(rte_pktmbuf_alloc_bulk(mp, m, N), 0);
	for (unsigned i = 0; i < N; i++) {
		assert_int_equal(m[i]->buf_iova, (rte_iova_t)(uintptr_t)m[i]->buf_addr);
		assert_int_equal(m[i]->buf_len, ROOM);
		assert_int_equal(rte_pktmbuf_headroom(m[i]), RTE_PKTMBUF_HEADROOM);
		assert_ptr_equal(m[i]->pool, mp);
	}
	rte_pktmbuf_free_bulk(m, N);
	assert_int_equal(rte_mempool_avail_count(mp), N);
	rte_mempool_free(mp);
}

/* The layout it replaces: DPDK's own pool without hugepages, one object per page (the reason for the above). */
static void t_dpdk_pool_one_per_page(void **state)
{
	(void)state;
	struct rte_mempool *mp = rte_pktmbuf_pool_create("tplain", N, 0, 0, ROOM, SOCKET_ID_ANY);
	assert_non_null(mp);
	uint32_t obj = rte_mempool_calc_obj_size(mp->elt_size, mp->flags, NULL);
	uintptr_t span, gap;
	span_of(mp, &span, &gap);
	assert_int_equal(gap, 4096);
	assert_true(span > (uintptr_t)N * obj); /* part of it outside what af_xdp would register */
	rte_mempool_free(mp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_packed_within_umem),
		cmocka_unit_test(t_dpdk_pool_one_per_page),
	};

	return EAL_TEST_RUN("tmbufpool", "64", tests);
}
