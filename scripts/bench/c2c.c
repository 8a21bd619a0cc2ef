// SPDX-License-Identifier: BSD-3-Clause
/*
 * What one cache line costs to move between two CPUs (scripts/bench/scaling.py):
 * two threads, pinned, take turns writing one line; each write waits for the
 * other's. A NAT64 handoff moves at least a frame's mbuf and data lines to the
 * owner's CPU (and the mbuf back when the receiver allocates it again), so this
 * is the floor its cost per packet is measured against.
 *
 * usage: c2c CPU_A CPU_B [ROUNDS]
 * prints: "c2c CPU_A CPU_B: R round trips, T TSC cycles per transfer"
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <x86intrin.h>

static _Alignas(64) volatile uint64_t line[8];
static uint64_t rounds = 2000000;

static int pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	return pthread_setaffinity_np(pthread_self(), sizeof(s), &s);
}

static void *pong(void *arg)
{
	if (pin(*(int *)arg))
		exit(2);
	for (uint64_t i = 1; i <= rounds; i++) {
		while (line[0] != 2 * i - 1)
			;
		line[0] = 2 * i;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	int a, b;

	if (argc < 3) {
		fprintf(stderr, "usage: c2c CPU_A CPU_B [ROUNDS]\n");
		return 1;
	}
	a = atoi(argv[1]);
	b = atoi(argv[2]);
	if (argc > 3)
		rounds = strtoull(argv[3], NULL, 10);
	if (pin(a) || pthread_create(&t, NULL, pong, &b)) {
		fprintf(stderr, "c2c: cannot run on CPUs %d and %d\n", a, b);
		return 1;
	}
	uint64_t t0 = __rdtsc();
	for (uint64_t i = 1; i <= rounds; i++) {
		line[0] = 2 * i - 1;
		while (line[0] != 2 * i)
			;
	}
	uint64_t t1 = __rdtsc();
	pthread_join(t, NULL);
	printf("c2c %d %d: %llu round trips, %.0f TSC cycles per transfer\n", a, b, (unsigned long long)rounds,
	       (double)(t1 - t0) / (double)rounds / 2.0);
	return 0;
}
