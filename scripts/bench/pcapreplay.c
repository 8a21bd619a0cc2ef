// SPDX-License-Identifier: BSD-3-Clause
/*
 * The lab's traffic generator: replay the frames of a pcap on an interface,
 * in a loop, as fast as the kernel takes them, for a fixed time.
 * AF_PACKET with PACKET_QDISC_BYPASS and sendmmsg() batches: no IP stack on
 * the sending side, so the generator is not the first thing to saturate.
 *
 * usage: pcapreplay IFACE PCAP SECONDS
 * prints: "sent N packets in S seconds (R pps)"
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MAX_FRAMES 65536

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s IFACE PCAP SECONDS\n", argv[0]);
		return 2;
	}
	double secs = atof(argv[3]);
	FILE *f = fopen(argv[2], "rb");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	uint32_t gh[6];
	if (fread(gh, 4, 6, f) != 6 || gh[0] != 0xa1b2c3d4u) {
		fprintf(stderr, "%s: not a little-endian microsecond pcap\n", argv[2]);
		return 1;
	}
	static struct iovec iov[MAX_FRAMES];
	unsigned n = 0;
	uint32_t rh[4];
	while (n < MAX_FRAMES && fread(rh, 4, 4, f) == 4) {
		void *buf = malloc(rh[2]);
		if (!buf || fread(buf, 1, rh[2], f) != rh[2]) {
			fprintf(stderr, "%s: truncated\n", argv[2]);
			return 1;
		}
		iov[n].iov_base = buf;
		iov[n].iov_len = rh[2];
		n++;
	}
	fclose(f);
	if (!n) {
		fprintf(stderr, "%s: no frames\n", argv[2]);
		return 1;
	}

	int s = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: this socket receives nothing */
	if (s < 0) {
		perror("socket");
		return 1;
	}
	int one = 1;
	if (setsockopt(s, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) != 0)
		perror("PACKET_QDISC_BYPASS (continuing)");
	struct sockaddr_ll sll;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	if (!sll.sll_ifindex) {
		fprintf(stderr, "%s: no such interface\n", argv[1]);
		return 1;
	}
	if (bind(s, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
		perror("bind");
		return 1;
	}

	static struct mmsghdr msgs[BATCH];
	unsigned next = 0;
	unsigned long long sent = 0;
	double t0 = now(), t = t0;
	while (t - t0 < secs) {
		for (unsigned i = 0; i < BATCH; i++) {
			memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
			msgs[i].msg_hdr.msg_iov = &iov[next];
			msgs[i].msg_hdr.msg_iovlen = 1;
			next = next + 1 == n ? 0 : next + 1;
		}
		int r = sendmmsg(s, msgs, BATCH, 0);
		if (r > 0)
			sent += (unsigned)r;
		else if (r < 0 && errno != ENOBUFS && errno != EAGAIN && errno != EINTR) {
			perror("sendmmsg");
			return 1;
		}
		t = now();
	}
	printf("sent %llu packets in %.3f seconds (%.0f pps)\n", sent, t - t0, (double)sent / (t - t0));
	return 0;
}
