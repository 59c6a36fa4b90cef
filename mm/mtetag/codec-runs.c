// SPDX-License-Identifier: GPL-2.0
/*
 * mtetag RUNS codec: a page of at most MTETAG_RUNS_MAX runs of equal tags,
 * held in one inline xarray value, so it needs no allocation at all.
 *
 * Layout of the value (bit 0 is the least significant):
 *
 *   bits  0..2   n, the number of runs minus one (0..5)
 *   bits  3..26  tags: t0 + 16 * (d1 + 15 * (d2 + 15 * (... + 15 * dn)))
 *                where di = (ti - t(i-1) - 1) mod 16, in 0..14: a run never
 *                has the tag of the run before it, so 15 choices suffice
 *   bits 27..60  run boundaries, s1 < s2 < ... < sn the first granules of
 *                runs 2..n+1 (1..255): for n <= 4, si in bits
 *                27 + 8(i-1) .. 34 + 8(i-1), the bits above sn zero; for
 *                n = 5, the rank sum(i = 1..5) C(si - 1, i) in the
 *                combinatorial number system, which is below C(255, 5)
 *   bits 61..62  MTETAG_INLINE_FMT_RUNS (00), tells RUNS from other inline
 *                formats
 *   bit  63      0, as xa_mk_value() needs
 *
 * Six runs take 3 + 24 + 34 = 61 bits (the 2023 MTE_COMP series needed
 * 62); the exact count of pages with up to six runs would need 56.7 bits,
 * the rest is the price of fixed field positions. Seven arbitrary runs
 * would need 65.8 bits, more than a value holds. Only six runs need the
 * rank: four boundaries fit the field a byte each, and reading them costs
 * a shift, where unranking costs a binary search over a table of binomials
 * for each (most of a swap-in's decode of a page of few runs). The
 * all-zero page is n = 0, tag 0, boundaries 0: the value 0,
 * MTETAG_INLINE_ZERO, as it must be.
 */
#include <linux/bitmap.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>

#include "codec.h"

#define MTETAG_RUNS_MAX		6
#define RUNS_N_SHIFT		0
#define RUNS_N_BITS		3
#define RUNS_TAGS_SHIFT		3
#define RUNS_TAGS_BITS		24
#define RUNS_RANK_SHIFT		27
#define RUNS_RANK_BITS		34
#define RUNS_USED_BITS		(RUNS_RANK_SHIFT + RUNS_RANK_BITS)
/* Boundaries held a byte each in the rank field; more are ranked. */
#define RUNS_PLAIN_MAX		4

/*
 * C(x, k) for 2 <= k <= 5 and x < MTETAG_NR_TAGS, each in the narrowest
 * type that holds C(255, k): 4.5 KiB that turn each step of the
 * unranking's binary search into one load. Computed, the binomials cost
 * the decoder of a page of few runs about 500 instructions, as much as
 * the rest of a swap-in's tag restore. The host tests check every entry
 * against Pascal's triangle.
 */
static const u16 runs_c2[MTETAG_NR_TAGS] = {
	0, 0, 1, 3, 6, 10, 15, 21, 28, 36,
	45, 55, 66, 78, 91, 105, 120, 136, 153, 171,
	190, 210, 231, 253, 276, 300, 325, 351, 378, 406,
	435, 465, 496, 528, 561, 595, 630, 666, 703, 741,
	780, 820, 861, 903, 946, 990, 1035, 1081, 1128, 1176,
	1225, 1275, 1326, 1378, 1431, 1485, 1540, 1596, 1653, 1711,
	1770, 1830, 1891, 1953, 2016, 2080, 2145, 2211, 2278, 2346,
	2415, 2485, 2556, 2628, 2701, 2775, 2850, 2926, 3003, 3081,
	3160, 3240, 3321, 3403, 3486, 3570, 3655, 3741, 3828, 3916,
	4005, 4095, 4186, 4278, 4371, 4465, 4560, 4656, 4753, 4851,
	4950, 5050, 5151, 5253, 5356, 5460, 5565, 5671, 5778, 5886,
	5995, 6105, 6216, 6328, 6441, 6555, 6670, 6786, 6903, 7021,
	7140, 7260, 7381, 7503, 7626, 7750, 7875, 8001, 8128, 8256,
	8385, 8515, 8646, 8778, 8911, 9045, 9180, 9316, 9453, 9591,
	9730, 9870, 10011, 10153, 10296, 10440, 10585, 10731, 10878, 11026,
	11175, 11325, 11476, 11628, 11781, 11935, 12090, 12246, 12403, 12561,
	12720, 12880, 13041, 13203, 13366, 13530, 13695, 13861, 14028, 14196,
	14365, 14535, 14706, 14878, 15051, 15225, 15400, 15576, 15753, 15931,
	16110, 16290, 16471, 16653, 16836, 17020, 17205, 17391, 17578, 17766,
	17955, 18145, 18336, 18528, 18721, 18915, 19110, 19306, 19503, 19701,
	19900, 20100, 20301, 20503, 20706, 20910, 21115, 21321, 21528, 21736,
	21945, 22155, 22366, 22578, 22791, 23005, 23220, 23436, 23653, 23871,
	24090, 24310, 24531, 24753, 24976, 25200, 25425, 25651, 25878, 26106,
	26335, 26565, 26796, 27028, 27261, 27495, 27730, 27966, 28203, 28441,
	28680, 28920, 29161, 29403, 29646, 29890, 30135, 30381, 30628, 30876,
	31125, 31375, 31626, 31878, 32131, 32385
};

static const u32 runs_c3[MTETAG_NR_TAGS] = {
	0, 0, 0, 1, 4, 10, 20, 35,
	56, 84, 120, 165, 220, 286, 364, 455,
	560, 680, 816, 969, 1140, 1330, 1540, 1771,
	2024, 2300, 2600, 2925, 3276, 3654, 4060, 4495,
	4960, 5456, 5984, 6545, 7140, 7770, 8436, 9139,
	9880, 10660, 11480, 12341, 13244, 14190, 15180, 16215,
	17296, 18424, 19600, 20825, 22100, 23426, 24804, 26235,
	27720, 29260, 30856, 32509, 34220, 35990, 37820, 39711,
	41664, 43680, 45760, 47905, 50116, 52394, 54740, 57155,
	59640, 62196, 64824, 67525, 70300, 73150, 76076, 79079,
	82160, 85320, 88560, 91881, 95284, 98770, 102340, 105995,
	109736, 113564, 117480, 121485, 125580, 129766, 134044, 138415,
	142880, 147440, 152096, 156849, 161700, 166650, 171700, 176851,
	182104, 187460, 192920, 198485, 204156, 209934, 215820, 221815,
	227920, 234136, 240464, 246905, 253460, 260130, 266916, 273819,
	280840, 287980, 295240, 302621, 310124, 317750, 325500, 333375,
	341376, 349504, 357760, 366145, 374660, 383306, 392084, 400995,
	410040, 419220, 428536, 437989, 447580, 457310, 467180, 477191,
	487344, 497640, 508080, 518665, 529396, 540274, 551300, 562475,
	573800, 585276, 596904, 608685, 620620, 632710, 644956, 657359,
	669920, 682640, 695520, 708561, 721764, 735130, 748660, 762355,
	776216, 790244, 804440, 818805, 833340, 848046, 862924, 877975,
	893200, 908600, 924176, 939929, 955860, 971970, 988260, 1004731,
	1021384, 1038220, 1055240, 1072445, 1089836, 1107414, 1125180, 1143135,
	1161280, 1179616, 1198144, 1216865, 1235780, 1254890, 1274196, 1293699,
	1313400, 1333300, 1353400, 1373701, 1394204, 1414910, 1435820, 1456935,
	1478256, 1499784, 1521520, 1543465, 1565620, 1587986, 1610564, 1633355,
	1656360, 1679580, 1703016, 1726669, 1750540, 1774630, 1798940, 1823471,
	1848224, 1873200, 1898400, 1923825, 1949476, 1975354, 2001460, 2027795,
	2054360, 2081156, 2108184, 2135445, 2162940, 2190670, 2218636, 2246839,
	2275280, 2303960, 2332880, 2362041, 2391444, 2421090, 2450980, 2481115,
	2511496, 2542124, 2573000, 2604125, 2635500, 2667126, 2699004, 2731135
};

static const u32 runs_c4[MTETAG_NR_TAGS] = {
	0, 0, 0, 0, 1, 5,
	15, 35, 70, 126, 210, 330,
	495, 715, 1001, 1365, 1820, 2380,
	3060, 3876, 4845, 5985, 7315, 8855,
	10626, 12650, 14950, 17550, 20475, 23751,
	27405, 31465, 35960, 40920, 46376, 52360,
	58905, 66045, 73815, 82251, 91390, 101270,
	111930, 123410, 135751, 148995, 163185, 178365,
	194580, 211876, 230300, 249900, 270725, 292825,
	316251, 341055, 367290, 395010, 424270, 455126,
	487635, 521855, 557845, 595665, 635376, 677040,
	720720, 766480, 814385, 864501, 916895, 971635,
	1028790, 1088430, 1150626, 1215450, 1282975, 1353275,
	1426425, 1502501, 1581580, 1663740, 1749060, 1837620,
	1929501, 2024785, 2123555, 2225895, 2331890, 2441626,
	2555190, 2672670, 2794155, 2919735, 3049501, 3183545,
	3321960, 3464840, 3612280, 3764376, 3921225, 4082925,
	4249575, 4421275, 4598126, 4780230, 4967690, 5160610,
	5359095, 5563251, 5773185, 5989005, 6210820, 6438740,
	6672876, 6913340, 7160245, 7413705, 7673835, 7940751,
	8214570, 8495410, 8783390, 9078630, 9381251, 9691375,
	10009125, 10334625, 10668000, 11009376, 11358880, 11716640,
	12082785, 12457445, 12840751, 13232835, 13633830, 14043870,
	14463090, 14891626, 15329615, 15777195, 16234505, 16701685,
	17178876, 17666220, 18163860, 18671940, 19190605, 19720001,
	20260275, 20811575, 21374050, 21947850, 22533126, 23130030,
	23738715, 24359335, 24992045, 25637001, 26294360, 26964280,
	27646920, 28342440, 29051001, 29772765, 30507895, 31256555,
	32018910, 32795126, 33585370, 34389810, 35208615, 36041955,
	36890001, 37752925, 38630900, 39524100, 40432700, 41356876,
	42296805, 43252665, 44224635, 45212895, 46217626, 47239010,
	48277230, 49332470, 50404915, 51494751, 52602165, 53727345,
	54870480, 56031760, 57211376, 58409520, 59626385, 60862165,
	62117055, 63391251, 64684950, 65998350, 67331650, 68685050,
	70058751, 71452955, 72867865, 74303685, 75760620, 77238876,
	78738660, 80260180, 81803645, 83369265, 84957251, 86567815,
	88201170, 89857530, 91537110, 93240126, 94966795, 96717335,
	98491965, 100290905, 102114376, 103962600, 105835800, 107734200,
	109658025, 111607501, 113582855, 115584315, 117612110, 119666470,
	121747626, 123855810, 125991255, 128154195, 130344865, 132563501,
	134810340, 137085620, 139389580, 141722460, 144084501, 146475945,
	148897035, 151348015, 153829130, 156340626, 158882750, 161455750,
	164059875, 166695375, 169362501, 172061505
};

static const u64 runs_c5[MTETAG_NR_TAGS] = {
	0ULL, 0ULL, 0ULL, 0ULL,
	0ULL, 1ULL, 6ULL, 21ULL,
	56ULL, 126ULL, 252ULL, 462ULL,
	792ULL, 1287ULL, 2002ULL, 3003ULL,
	4368ULL, 6188ULL, 8568ULL, 11628ULL,
	15504ULL, 20349ULL, 26334ULL, 33649ULL,
	42504ULL, 53130ULL, 65780ULL, 80730ULL,
	98280ULL, 118755ULL, 142506ULL, 169911ULL,
	201376ULL, 237336ULL, 278256ULL, 324632ULL,
	376992ULL, 435897ULL, 501942ULL, 575757ULL,
	658008ULL, 749398ULL, 850668ULL, 962598ULL,
	1086008ULL, 1221759ULL, 1370754ULL, 1533939ULL,
	1712304ULL, 1906884ULL, 2118760ULL, 2349060ULL,
	2598960ULL, 2869685ULL, 3162510ULL, 3478761ULL,
	3819816ULL, 4187106ULL, 4582116ULL, 5006386ULL,
	5461512ULL, 5949147ULL, 6471002ULL, 7028847ULL,
	7624512ULL, 8259888ULL, 8936928ULL, 9657648ULL,
	10424128ULL, 11238513ULL, 12103014ULL, 13019909ULL,
	13991544ULL, 15020334ULL, 16108764ULL, 17259390ULL,
	18474840ULL, 19757815ULL, 21111090ULL, 22537515ULL,
	24040016ULL, 25621596ULL, 27285336ULL, 29034396ULL,
	30872016ULL, 32801517ULL, 34826302ULL, 36949857ULL,
	39175752ULL, 41507642ULL, 43949268ULL, 46504458ULL,
	49177128ULL, 51971283ULL, 54891018ULL, 57940519ULL,
	61124064ULL, 64446024ULL, 67910864ULL, 71523144ULL,
	75287520ULL, 79208745ULL, 83291670ULL, 87541245ULL,
	91962520ULL, 96560646ULL, 101340876ULL, 106308566ULL,
	111469176ULL, 116828271ULL, 122391522ULL, 128164707ULL,
	134153712ULL, 140364532ULL, 146803272ULL, 153476148ULL,
	160389488ULL, 167549733ULL, 174963438ULL, 182637273ULL,
	190578024ULL, 198792594ULL, 207288004ULL, 216071394ULL,
	225150024ULL, 234531275ULL, 244222650ULL, 254231775ULL,
	264566400ULL, 275234400ULL, 286243776ULL, 297602656ULL,
	309319296ULL, 321402081ULL, 333859526ULL, 346700277ULL,
	359933112ULL, 373566942ULL, 387610812ULL, 402073902ULL,
	416965528ULL, 432295143ULL, 448072338ULL, 464306843ULL,
	481008528ULL, 498187404ULL, 515853624ULL, 534017484ULL,
	552689424ULL, 571880029ULL, 591600030ULL, 611860305ULL,
	632671880ULL, 654045930ULL, 675993780ULL, 698526906ULL,
	721656936ULL, 745395651ULL, 769754986ULL, 794747031ULL,
	820384032ULL, 846678392ULL, 873642672ULL, 901289592ULL,
	929632032ULL, 958683033ULL, 988455798ULL, 1018963693ULL,
	1050220248ULL, 1082239158ULL, 1115034284ULL, 1148619654ULL,
	1183009464ULL, 1218218079ULL, 1254260034ULL, 1291150035ULL,
	1328902960ULL, 1367533860ULL, 1407057960ULL, 1447490660ULL,
	1488847536ULL, 1531144341ULL, 1574397006ULL, 1618621641ULL,
	1663834536ULL, 1710052162ULL, 1757291172ULL, 1805568402ULL,
	1854900872ULL, 1905305787ULL, 1956800538ULL, 2009402703ULL,
	2063130048ULL, 2118000528ULL, 2174032288ULL, 2231243664ULL,
	2289653184ULL, 2349279569ULL, 2410141734ULL, 2472258789ULL,
	2535650040ULL, 2600334990ULL, 2666333340ULL, 2733664990ULL,
	2802350040ULL, 2872408791ULL, 2943861746ULL, 3016729611ULL,
	3091033296ULL, 3166793916ULL, 3244032792ULL, 3322771452ULL,
	3403031632ULL, 3484835277ULL, 3568204542ULL, 3653161793ULL,
	3739729608ULL, 3827930778ULL, 3917788308ULL, 4009325418ULL,
	4102565544ULL, 4197532339ULL, 4294249674ULL, 4392741639ULL,
	4493032544ULL, 4595146920ULL, 4699109520ULL, 4804945320ULL,
	4912679520ULL, 5022337545ULL, 5133945046ULL, 5247527901ULL,
	5363112216ULL, 5480724326ULL, 5600390796ULL, 5722138422ULL,
	5845994232ULL, 5971985487ULL, 6100139682ULL, 6230484547ULL,
	6363048048ULL, 6497858388ULL, 6634944008ULL, 6774333588ULL,
	6916056048ULL, 7060140549ULL, 7206616494ULL, 7355513529ULL,
	7506861544ULL, 7660690674ULL, 7817031300ULL, 7975914050ULL,
	8137369800ULL, 8301429675ULL, 8468125050ULL, 8637487551ULL
};

/* C(x, k) for x < MTETAG_NR_TAGS and k <= 5. */
static __always_inline unsigned long runs_binom(unsigned int x,
						unsigned int k)
{
	switch (k) {
	case 0:
		return 1;
	case 1:
		return x;
	case 2:
		return runs_c2[x];
	case 3:
		return runs_c3[x];
	case 4:
		return runs_c4[x];
	default:
		return runs_c5[x];
	}
}

/* Number of distinct tag codes for n + 1 runs: 16 * 15^n. */
static const u32 runs_nr_tag_codes[MTETAG_RUNS_MAX] = {
	16, 16 * 15, 16 * 15 * 15, 16 * 15 * 15 * 15, 16 * 15 * 15 * 15 * 15,
	16 * 15 * 15 * 15 * 15 * 15,
};

/* The words of the page runs_refuse_early() looks at. */
#define RUNS_EARLY_WORDS	2

/*
 * The tag changes between granules g - 1 and g of the 16 in @w, for g < 15,
 * @prev the word before (its granule 15 is g - 1 of g = 0): each leaves a
 * 1 at bit 4g of @diff, and the multiply sums those into the top nibble
 * (at most 15 of them: no carry out).
 */
static unsigned int runs_word_changes(u64 w, u64 prev)
{
	u64 diff = (w ^ (w << 4 | prev >> 60)) & (~0ULL >> 4);

	diff |= diff >> 2;
	diff |= diff >> 1;
	diff &= 0x0111111111111111ULL;
	return (diff * 0x1111111111111111ULL) >> 60;
}

/*
 * Whether the first RUNS_EARLY_WORDS words of @tags alone change tag more
 * often than MTETAG_RUNS_MAX runs can: the pages RUNS cannot hold (heaps of
 * small objects, random tags) are asked at every swap-out too, and a dozen
 * instructions a word tell most of them, where finding seven runs takes a
 * hundred. Counts some of the changes only, so it never refuses a page
 * RUNS holds.
 */
static bool runs_refuse_early(const u8 *tags)
{
	u64 w, prev = get_unaligned_le64(tags) << 60;
	unsigned int i, n = 0;

	for (i = 0; i < RUNS_EARLY_WORDS; i++) {
		w = get_unaligned_le64(tags + 8 * i);
		n += runs_word_changes(w, prev);
		if (n >= MTETAG_RUNS_MAX)
			return true;
		prev = w;
	}
	return false;
}

/**
 * mtetag_runs_encode() - encode a page of few runs as an inline value
 * @tags: MTETAG_RAW_SIZE bytes of tags in raw layout
 * @value: the inline value, <= MTETAG_INLINE_MAX
 *
 * Return: 0, or -E2BIG if the page has more than MTETAG_RUNS_MAX runs.
 */
int mtetag_runs_encode(const u8 *tags, unsigned long *value)
{
	unsigned int start[MTETAG_RUNS_MAX], n = 0, pos = 0, i, tag, prev;
	unsigned long map[1] = { 0 };
	unsigned long code, mult = 16, rank = 0;

	BUILD_BUG_ON(BITS_PER_LONG < 64);
	BUILD_BUG_ON(MTETAG_NR_TAGS != 256);

	if (runs_refuse_early(tags))
		return -E2BIG;
	/*
	 * Find the runs before coding them: a seventh run is all it takes to
	 * refuse the others.
	 */
	while (pos < MTETAG_NR_TAGS) {
		if (n == MTETAG_RUNS_MAX)
			return -E2BIG;
		start[n++] = pos;
		pos += mtetag_run_len(tags, pos);
	}

	prev = mtetag_get_tag(tags, 0);
	code = prev;
	for (i = 1; i < n; i++) {
		tag = mtetag_get_tag(tags, start[i]);
		code += ((tag - prev - 1) & 0xf) * mult;
		mult *= 15;
		if (n - 1 <= RUNS_PLAIN_MAX)
			rank |= (unsigned long)start[i] << (8 * (i - 1));
		else
			rank += runs_binom(start[i] - 1, i);
		prev = tag;
	}
	bitmap_write(map, n - 1, RUNS_N_SHIFT, RUNS_N_BITS);
	bitmap_write(map, code, RUNS_TAGS_SHIFT, RUNS_TAGS_BITS);
	bitmap_write(map, rank, RUNS_RANK_SHIFT, RUNS_RANK_BITS);
	*value = map[0];
	return 0;
}

/* One step of runs_search(): c + step if C(c + step, k) <= rank, else c. */
static __always_inline unsigned int runs_step(unsigned long rank,
					      unsigned int k, unsigned int c,
					      unsigned int step)
{
	return runs_binom(c + step, k) <= rank ? c + step : c;
}

/*
 * Largest c < MTETAG_NR_TAGS with C(c, k) <= rank: C(c, k) grows with c,
 * so each step keeps the half that holds it. Eight steps, unrolled by hand
 * (GCC keeps a loop of them, with its counter) into a load, a compare and
 * a select each. C(c, k) = 0 for c < k, so the answer is at least k - 1.
 */
static __always_inline unsigned int runs_search(unsigned long rank,
						unsigned int k)
{
	unsigned int c;

	BUILD_BUG_ON(MTETAG_NR_TAGS != 256);
	c = runs_step(rank, k, 0, 128);
	c = runs_step(rank, k, c, 64);
	c = runs_step(rank, k, c, 32);
	c = runs_step(rank, k, c, 16);
	c = runs_step(rank, k, c, 8);
	c = runs_step(rank, k, c, 4);
	c = runs_step(rank, k, c, 2);
	return runs_step(rank, k, c, 1);
}

/*
 * runs_search() with a constant k, so that runs_binom() picks its table
 * when it compiles, not at every step. C(c, 1) = c, so for k = 1 the
 * answer is rank itself.
 */
static unsigned int runs_unrank(unsigned long rank, unsigned int k)
{
	switch (k) {
	case 1:
		return rank;
	case 2:
		return runs_search(rank, 2);
	case 3:
		return runs_search(rank, 3);
	case 4:
		return runs_search(rank, 4);
	default:
		return runs_search(rank, 5);
	}
}

/* The tags of each page of one tag, for mtetag_inline_uniform(). */
static const u8 runs_uniform[16][MTETAG_RAW_SIZE] = {
	[0] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x00 },
	[1] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x11 },
	[2] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x22 },
	[3] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x33 },
	[4] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x44 },
	[5] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x55 },
	[6] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x66 },
	[7] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x77 },
	[8] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x88 },
	[9] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x99 },
	[10] = { [0 ... MTETAG_RAW_SIZE - 1] = 0xaa },
	[11] = { [0 ... MTETAG_RAW_SIZE - 1] = 0xbb },
	[12] = { [0 ... MTETAG_RAW_SIZE - 1] = 0xcc },
	[13] = { [0 ... MTETAG_RAW_SIZE - 1] = 0xdd },
	[14] = { [0 ... MTETAG_RAW_SIZE - 1] = 0xee },
	[15] = { [0 ... MTETAG_RAW_SIZE - 1] = 0xff },
};

/**
 * mtetag_inline_uniform() - the tags of an inline value of one run
 * @value: an inline value
 *
 * The zero page and RUNS values of a single run, pages of one tag, are
 * the commonest entries: allocators tag large objects whole. Restore
 * writes them from a constant instead of decoding them.
 *
 * Return: MTETAG_RAW_SIZE bytes of tags in raw layout, all equal, if
 * @value holds one run; NULL for any other value.
 */
const u8 *mtetag_inline_uniform(unsigned long value)
{
	/* One run: n = 0, rank 0, so only the first tag may be set. */
	if (value & ~(0xfUL << RUNS_TAGS_SHIFT))
		return NULL;
	return runs_uniform[value >> RUNS_TAGS_SHIFT];
}

/**
 * mtetag_runs_decode() - decode an inline value written by the RUNS codec
 * @value: the value
 * @tags: MTETAG_RAW_SIZE bytes of output, raw layout
 *
 * Return: 0, or -EINVAL if @value is not a canonical RUNS value.
 */
int mtetag_runs_decode(unsigned long value, u8 *tags)
{
	/* [0..n + 1] are set before they are read. */
	unsigned int start[MTETAG_RUNS_MAX + 1] __uninitialized;
	unsigned int n, i, tag;
	unsigned long map[1] = { value };
	unsigned long code, rank;
	u64 acc = 0;

	if (value >> RUNS_USED_BITS)
		return -EINVAL;
	n = bitmap_read(map, RUNS_N_SHIFT, RUNS_N_BITS);
	code = bitmap_read(map, RUNS_TAGS_SHIFT, RUNS_TAGS_BITS);
	rank = bitmap_read(map, RUNS_RANK_SHIFT, RUNS_RANK_BITS);
	if (n >= MTETAG_RUNS_MAX || code >= runs_nr_tag_codes[n])
		return -EINVAL;

	start[0] = 0;
	start[n + 1] = MTETAG_NR_TAGS;
	if (n <= RUNS_PLAIN_MAX) {
		/* A byte each, rising, nothing above the last. */
		if (rank >> (8 * n))
			return -EINVAL;
		for (i = 1; i <= n; i++) {
			start[i] = (rank >> (8 * (i - 1))) & 0xff;
			if (start[i] <= start[i - 1])
				return -EINVAL;
		}
	} else {
		/*
		 * Greedy unranking yields si - 1 from the last boundary
		 * down: with rank < C(255, n), each is below the one before.
		 */
		if (rank >= runs_binom(MTETAG_NR_TAGS - 1, n))
			return -EINVAL;
		for (i = n; i >= 1; i--) {
			unsigned int c = runs_unrank(rank, i);

			rank -= runs_binom(c, i);
			start[i] = c + 1;
		}
	}

	tag = code & 0xf;
	code >>= 4;
	for (i = 0; i <= n; i++) {
		if (i) {
			tag = (tag + code % 15 + 1) & 0xf;
			code /= 15;
		}
		acc = mtetag_put_run(tags, start[i], start[i + 1] - start[i],
				     tag, acc);
	}
	return 0;
}
