// SPDX-License-Identifier: GPL-2.0
/*
 * gen_data MIB [SEED]: write MIB MiB of deterministic, semi-compressible data
 * to stdout, as input for the real-program tests (real_programs.sh).
 *
 * Why not /dev/urandom or zeros: random data makes compressors skip their
 * match search and keep little state, zeros make them trivially fast. Real
 * compressors only build large, busy heaps (hash chains, match tables,
 * windows) on data with matches at every distance: so the output mixes
 * text-like words from a skewed vocabulary, short random runs, and copies of
 * earlier output from up to 16 MiB back (which zstd --long and xz's large
 * dictionaries find, and smaller windows do not). The same SEED gives the
 * same bytes, so a failure can be reproduced on the host.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HIST_SIZE	(16u << 20)	/* long-distance matches reach this far */
#define NWORDS		4096
#define CHUNK		65536

static uint64_t rng_state;

/* xorshift64*: fast and good enough for test data */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned char *hist;
static size_t pos;		/* bytes written so far */
static unsigned char out[CHUNK];
static size_t outlen;

static void put(unsigned char c)
{
	hist[pos % HIST_SIZE] = c;
	pos++;
	out[outlen++] = c;
	if (outlen == CHUNK) {
		if (fwrite(out, 1, outlen, stdout) != outlen) {
			perror("gen_data: write");
			exit(1);
		}
		outlen = 0;
	}
}

int main(int argc, char **argv)
{
	static char words[NWORDS][12];
	size_t total, i;

	if (argc < 2 || atoi(argv[1]) <= 0) {
		fprintf(stderr, "usage: gen_data MIB [SEED]\n");
		return 2;
	}
	total = (size_t)atoi(argv[1]) << 20;
	rng_state = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x6d746574616eULL;
	if (!rng_state)
		rng_state = 1;
	hist = malloc(HIST_SIZE);
	if (!hist) {
		perror("gen_data: malloc");
		return 1;
	}

	for (i = 0; i < NWORDS; i++) {
		int len = 2 + rnd() % 10, j;

		for (j = 0; j < len; j++)
			words[i][j] = 'a' + rnd() % 26;
		words[i][len] = 0;
	}

	while (pos < total) {
		uint64_t r = rnd();
		unsigned int kind = r % 100, n, j;

		if (kind < 70) {
			/* a word; squaring the index skews toward low ones */
			uint64_t w = (r >> 8) % NWORDS;
			const char *s = words[w * w / NWORDS];

			while (*s && pos < total)
				put(*s++);
			if (pos < total)
				put(r & (1 << 20) ? '\n' : ' ');
		} else if (kind < 88) {
			/* a short random run: keeps the ratio honest */
			n = 1 + (r >> 8) % 24;
			for (j = 0; j < n && pos < total; j++)
				put(rnd());
		} else if (pos > 4096) {
			/* a copy of earlier output, near or far */
			size_t back = (r & (1 << 7) ? 4096 : HIST_SIZE - 1);
			size_t dist, from;

			if (back > pos - 1)
				back = pos - 1;
			dist = 1 + (r >> 16) % back;
			from = pos - dist;
			n = 16 + (r >> 40) % 512;
			for (j = 0; j < n && pos < total; j++)
				put(hist[(from + j) % HIST_SIZE]);
		}
	}
	if (outlen && fwrite(out, 1, outlen, stdout) != outlen) {
		perror("gen_data: write");
		return 1;
	}
	return fflush(stdout) ? 1 : 0;
}
