// SPDX-License-Identifier: GPL-2.0
/*
 * heap_oob [--siginfo]: write just past the end of a malloc'ed chunk.
 *
 * This is the control of real_programs.sh: the real programs only prove
 * that tags survive swap if glibc really tags their heap. Run with
 * GLIBC_TUNABLES=glibc.mem.tagging=3 the write below is a synchronous tag
 * check fault and the process dies of SIGSEGV, as zstd or xz would if
 * swap lost a tag; without the tunable the write lands in the next chunk's
 * header and the program exits 3.
 *
 * With --siginfo a handler reports the signal's si_code, to tell a tag check
 * fault (SEGV_MTESERR) from any other SIGSEGV: it prints "SEGV_MTESERR" and
 * exits 0, or prints the code and exits 1. Exits 3 if the write survived.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <malloc.h>

#ifndef SEGV_MTESERR
#define SEGV_MTESERR	9
#endif

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	char msg[64];
	int len;

	(void)sig;
	(void)uc;
	if (si->si_code == SEGV_MTESERR) {
		write(1, "SEGV_MTESERR\n", 13);
		_exit(0);
	}
	len = snprintf(msg, sizeof(msg), "SIGSEGV si_code %d\n", si->si_code);
	write(1, msg, len);
	_exit(1);
}

int main(int argc, char **argv)
{
	/* two neighbours, so the byte past the first is another chunk's */
	char *a = malloc(48), *b = malloc(48);
	char *p = a;
	size_t usable;

	if (!a || !b)
		return 2;
	if (argc > 1 && !strcmp(argv[1], "--siginfo")) {
		struct sigaction sa = { .sa_sigaction = on_segv,
					.sa_flags = SA_SIGINFO };

		sigaction(SIGSEGV, &sa, NULL);
	}
	/*
	 * The first byte past the usable size is in the next granule: with
	 * tagging on, glibc gives that granule (the next chunk's header) a
	 * tag that differs from a's.
	 */
	usable = malloc_usable_size(a);
	/* hide p's origin, so the compiler cannot drop a store it sees is wrong */
	asm volatile("" : "+r"(p));
	p[usable] = 0x5a;
	printf("heap_oob: wrote a[%zu] past a %zu-byte chunk: no tag check fault\n",
	       usable, usable);
	/* no free(): b's header is corrupt now, glibc would abort */
	return 3;
}
