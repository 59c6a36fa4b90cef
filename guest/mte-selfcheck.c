// SPDX-License-Identifier: GPL-2.0
/*
 * Boot-time check of the emulator itself: does it store one MTE tag per
 * 16-byte granule? QEMU 7.2 (Debian 12's own) drops the page offset from the
 * tag address, so every granule of a page shares one tag byte, and any tag
 * test on it proves nothing. Run before every test; a failure stops the run.
 */
#include "../tools/testing/selftests/mtetag/mte_util.h"

int main(void)
{
	static const unsigned int want[] = { 3, 8, 0xd, 2, 7, 0xc, 1, 6 };
	unsigned long ps = mte_page_size(), g, n = ps / MTE_GRANULE;
	unsigned int have[8], last;
	char *page;
	int bad = 0;

	if (!mte_supported()) {
		printf("mte-selfcheck: FAIL: the CPU reports no MTE (HWCAP2_MTE): boot QEMU with -machine virt,mte=on -cpu max\n");
		return 1;
	}
	if (mte_enable(PR_MTE_TCF_SYNC)) {
		printf("mte-selfcheck: FAIL: PR_SET_TAGGED_ADDR_CTRL: %s\n", strerror(errno));
		return 1;
	}
	page = mte_map_anon(1);
	if (!page) {
		printf("mte-selfcheck: FAIL: mmap(PROT_MTE): %s\n", strerror(errno));
		return 1;
	}
	for (g = 0; g < n; g++)
		mte_set_tag(page + g * MTE_GRANULE, want[g % 8]);
	mte_set_tag(page + (n - 1) * MTE_GRANULE, 0xa);
	for (g = 0; g < 8; g++) {
		have[g] = mte_get_tag(page + g * MTE_GRANULE);
		bad |= have[g] != want[g];
	}
	last = mte_get_tag(page + (n - 1) * MTE_GRANULE);
	bad |= last != 0xa;
	if (bad) {
		printf("mte-selfcheck: FAIL: wrote tags 3,8,d,2,7,c,1,6 to granules 0-7, read back %x,%x,%x,%x,%x,%x,%x,%x (last granule %x, want a): the emulator does not store one tag per granule. Debian 12's QEMU 7.2 has this bug; install qemu-system-arm from bookworm-backports ('make deps')\n",
		       have[0], have[1], have[2], have[3], have[4], have[5],
		       have[6], have[7], last);
		return 1;
	}
	printf("mte-selfcheck: ok: one tag per granule (read back 3,8,d,2,7,c,1,6 ... a)\n");
	return 0;
}
