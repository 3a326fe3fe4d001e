package io.newsflow.dedup;

/**
 * Turns a paragraph into its exact fingerprint and, when it is long enough, a MinHash signature of its
 * resemblance shingles. Normalisation is folded into tokenisation: case, whitespace, punctuation and quote styles
 * do not change the result.
 *
 * <p><b>Resemblance</b> is the Jaccard similarity of the sets of character 7-grams of the normalised text (words
 * lower-cased, joined by single spaces). It plays the role of word 3-shingles (a 7-gram spans about one and a half
 * words) but does not collapse when a reprint fuses or splits words ("CBOEHoldings") or swaps a short word, so
 * reworded reposts score as the near-copies they are.
 *
 * <p><b>Signature</b>: one-permutation MinHash (one hash per shingle, 64 bins, optimal densification for empty
 * bins; Shrivastava, ICML 2017) keeping the low 16 bits of each bin's minimum. It costs one hash per shingle instead
 * of 64. All hashing is seeded fixed arithmetic, so signatures are identical across restarts, versions and
 * machines. Immutable and thread-safe.
 */
public final class ParagraphFingerprinter {

    /** MinHash bins. All 64 feed the similarity estimate; the first 48 form the LSH bands. */
    public static final int PERMUTATIONS = 64;
    /**
     * 12 bands of 4 rows make a pair at resemblance 0.7 a candidate with p≈0.96 (0.98 at 0.75, 0.998 at 0.8). Every
     * band is one store key and one changelog record per new paragraph, so bands are the owners' main cost: 16 bands
     * reached p≈0.99 at 0.7 for a third more keys, where the signature estimate's own error (±0.06) already blurs the
     * threshold. Four rows, not three: with 48-bit band keys unrelated paragraphs would share keys by chance at scale.
     */
    public static final int BANDS = 12;
    public static final int ROWS = 4;
    /** Paragraphs with fewer words than this get no band keys: they only ever match exactly. */
    public static final int MIN_WORDS_FOR_NEAR = 10;
    /** Characters per resemblance shingle. */
    public static final int SHINGLE_CHARS = 7;

    private static final long SEED = 0x6E657773666C6F77L; // "newsflow"
    private static final long ROLL_BASE = 0x100000001B3L;
    private static final long ROLL_OUT; // ROLL_BASE^(SHINGLE_CHARS-1)
    private static final int BIN_SHIFT = 64 - Integer.numberOfTrailingZeros(PERMUTATIONS);

    static {
        long p = 1;
        for (int i = 0; i < SHINGLE_CHARS - 1; i++) {
            p *= ROLL_BASE;
        }
        ROLL_OUT = p;
    }

    /** Fingerprint of one paragraph. {@code signature} is null for short paragraphs. */
    public Fingerprint fingerprint(String paragraph) {
        long[] mins = new long[PERMUTATIONS];
        java.util.Arrays.fill(mins, Long.MAX_VALUE);
        long[] exact = new long[1];
        int words = scan(paragraph, mins, null, exact);
        if (words < MIN_WORDS_FOR_NEAR) {
            return new Fingerprint(exact[0], null, words);
        }
        densify(mins);
        short[] signature = new short[PERMUTATIONS];
        for (int k = 0; k < PERMUTATIONS; k++) {
            signature[k] = (short) mins[k]; // b-bit MinHash: the low 16 bits of each minimum
        }
        return new Fingerprint(exact[0], signature, words);
    }

    /**
     * One pass over the normalised character stream: feeds every 7-gram's hash into the MinHash bins (and into
     * {@code shingles} when given), writes the exact hash of the word sequence into {@code exactOut[0]} when given (the
     * words are the same letter/digit runs {@link #tokenize} finds, so one pass serves both) and returns the number of
     * words.
     */
    private static int scan(String text, long[] mins, ShingleBuffer shingles, long[] exactOut) {
        char[] window = new char[SHINGLE_CHARS];
        int slot = 0; // where the next char goes: filled mod SHINGLE_CHARS
        long roll = 0;
        int filled = 0;
        int words = 0;
        long word = 0; // hash of the current word, as tokenize computes it
        long exact = SEED;
        boolean inWord = false;
        boolean pendingSpace = false;
        for (int i = 0, len = text.length(); i < len; i++) {
            char lc = foldedLetterOrDigit(text.charAt(i));
            if (lc == 0) {
                if (inWord) {
                    pendingSpace = true;
                    inWord = false;
                    exact = Long.rotateLeft((exact ^ mix(word)) * 0x9E3779B97F4A7C15L, 31);
                }
                continue;
            }
            if (!inWord) {
                words++;
                inWord = true;
                word = (0xCBF29CE484222325L ^ lc) * 0x100000001B3L;
            } else {
                word = (word ^ lc) * 0x100000001B3L;
            }
            if (pendingSpace) {
                pendingSpace = false;
                if (filled++ >= SHINGLE_CHARS) {
                    roll -= window[slot] * ROLL_OUT;
                }
                window[slot] = ' ';
                slot = slot == SHINGLE_CHARS - 1 ? 0 : slot + 1;
                roll = roll * ROLL_BASE + ' ';
                offer(roll, filled, mins, shingles);
            }
            if (filled++ >= SHINGLE_CHARS) {
                roll -= window[slot] * ROLL_OUT;
            }
            window[slot] = lc;
            slot = slot == SHINGLE_CHARS - 1 ? 0 : slot + 1;
            roll = roll * ROLL_BASE + lc;
            offer(roll, filled, mins, shingles);
        }
        if (exactOut != null) {
            if (inWord) {
                exact = Long.rotateLeft((exact ^ mix(word)) * 0x9E3779B97F4A7C15L, 31);
            }
            exactOut[0] = mix(exact ^ words);
        }
        return words;
    }

    private static void offer(long roll, int filled, long[] mins, ShingleBuffer shingles) {
        if (filled >= SHINGLE_CHARS) {
            long h = mix(roll ^ SEED);
            if (shingles != null) {
                shingles.add(h);
            } else {
                int bin = (int) (h >>> BIN_SHIFT);
                long v = h & (-1L >>> (64 - BIN_SHIFT));
                if (v < mins[bin]) {
                    mins[bin] = v;
                }
            }
        }
    }

    /** Optimal densification: an empty bin copies the bin a seeded hash of (bin, attempt) picks, until non-empty. */
    private static void densify(long[] mins) {
        boolean anyFilled = false;
        for (long m : mins) {
            anyFilled |= m != Long.MAX_VALUE;
        }
        if (!anyFilled) {
            return;
        }
        long[] original = mins.clone();
        for (int i = 0; i < PERMUTATIONS; i++) {
            if (original[i] != Long.MAX_VALUE) {
                continue;
            }
            for (int attempt = 1; ; attempt++) {
                int j = (int) Long.remainderUnsigned(mix(SEED + i * 0x9E3779B97F4A7C15L + attempt), PERMUTATIONS);
                if (original[j] != Long.MAX_VALUE) {
                    mins[i] = original[j];
                    break;
                }
            }
        }
    }

    /** Exact resemblance of two paragraphs (Jaccard of their character 7-gram sets), for verifying candidates. */
    public static double resemblance(String a, String b) {
        return resemblance(shingles(a), shingles(b));
    }

    /**
     * The distinct 7-gram hashes of a paragraph, sorted: the set {@link #resemblance(long[], long[])} compares. A
     * primitive array rather than a {@code Set<Long>}, whose boxing and hashing were most of the verification's cost.
     */
    public static long[] shingles(String paragraph) {
        ShingleBuffer buffer = new ShingleBuffer(paragraph.length());
        scan(paragraph, null, buffer, null);
        return buffer.sortedDistinct();
    }

    /** Jaccard similarity of two sorted, distinct shingle sets from {@link #shingles(String)}: one merge pass. */
    public static double resemblance(long[] a, long[] b) {
        if (a.length == 0 && b.length == 0) {
            return 1.0;
        }
        int shared = 0;
        for (int i = 0, j = 0; i < a.length && j < b.length; ) {
            if (a[i] == b[j]) {
                shared++;
                i++;
                j++;
            } else if (a[i] < b[j]) {
                i++;
            } else {
                j++;
            }
        }
        return (double) shared / (a.length + b.length - shared);
    }

    /** A growable array of shingle hashes. */
    private static final class ShingleBuffer {
        private long[] hashes;
        private int size;

        ShingleBuffer(int expected) {
            hashes = new long[Math.max(16, expected)];
        }

        void add(long h) {
            if (size == hashes.length) {
                hashes = java.util.Arrays.copyOf(hashes, size * 2);
            }
            hashes[size++] = h;
        }

        long[] sortedDistinct() {
            java.util.Arrays.sort(hashes, 0, size);
            int n = 0;
            for (int i = 0; i < size; i++) {
                if (n == 0 || hashes[i] != hashes[n - 1]) {
                    hashes[n++] = hashes[i];
                }
            }
            return java.util.Arrays.copyOf(hashes, n);
        }
    }

    /**
     * Writes 64-bit hashes of the lower-cased letter/digit runs of {@code text} into {@code out} and returns how
     * many there are (which may exceed {@code out.length}; then only the first ones were written).
     */
    static int tokenize(String text, long[] out) {
        int count = 0;
        long h = 0;
        boolean inToken = false;
        for (int i = 0, len = text.length(); i < len; i++) {
            char lc = foldedLetterOrDigit(text.charAt(i));
            if (lc != 0) {
                h = inToken ? (h ^ lc) * 0x100000001B3L : (0xCBF29CE484222325L ^ lc) * 0x100000001B3L;
                inToken = true;
            } else if (inToken) {
                if (count < out.length) {
                    out[count] = mix(h);
                }
                count++;
                inToken = false;
            }
        }
        if (inToken) {
            if (count < out.length) {
                out[count] = mix(h);
            }
            count++;
        }
        return count;
    }

    /** The LSH band keys of a signature, one per band; the same signature always gives the same keys. */
    public static long[] bandKeys(short[] signature) {
        long[] keys = new long[BANDS];
        for (int b = 0; b < BANDS; b++) {
            long h = SEED + b * 0x9E3779B97F4A7C15L;
            for (int r = 0; r < ROWS; r++) {
                h = (h ^ (signature[b * ROWS + r] & 0xFFFF)) * 0x100000001B3L;
                h = Long.rotateLeft(h, 17);
            }
            keys[b] = mix(h) | 1L; // odd: never equal to an exact key, which is even
        }
        return keys;
    }

    /**
     * The smallest band key two paragraphs share, or 0 (never a band key) when they share none. A near hit counts
     * only through this key: it has a single owner, so of two paragraphs at most one is the other's duplicate.
     */
    public static long smallestSharedBand(long[] a, long[] b) {
        long min = 0;
        boolean found = false;
        for (long x : a) {
            for (long y : b) {
                if (x == y && (!found || Long.compareUnsigned(x, min) < 0)) {
                    min = x;
                    found = true;
                }
            }
        }
        return found ? min : 0L; // 0 is even, never a band key
    }

    /** Whether a store key is an exact key (even) rather than a band key (odd). */
    public static boolean isExactKey(long key) {
        return (key & 1L) == 0;
    }

    /**
     * A key no paragraph has: exact keys are even but never 0, band keys are odd. The fingerprint owner keeps its
     * index's bookkeeping under it.
     */
    public static final long RESERVED_KEY = 0L;

    /** The store key of an exact fingerprint (even, so it cannot collide with a band key, and never {@link #RESERVED_KEY}). */
    public static long exactKey(long exactFingerprint) {
        long key = exactFingerprint & ~1L;
        return key == RESERVED_KEY ? 2L : key;
    }

    /** Estimated resemblance (Jaccard over word 3-shingles) from two signatures. */
    public static double similarity(short[] a, short[] b) {
        int same = 0;
        for (int k = 0; k < PERMUTATIONS; k++) {
            if (a[k] == b[k]) {
                same++;
            }
        }
        return (double) same / PERMUTATIONS;
    }

    /** {@link Character#toLowerCase(char)} of every ASCII letter or digit, 0 for the other ASCII chars. */
    private static final char[] ASCII_FOLDED = new char[128];

    static {
        for (char c = 0; c < 128; c++) {
            ASCII_FOLDED[c] = Character.isLetterOrDigit(c) ? Character.toLowerCase(c) : 0;
        }
    }

    /**
     * The lower-cased char if {@code c} is a letter or digit, else 0: what the hash loops ask of every char, with a
     * table for ASCII (Character.getType's lookups were 8 % of the stream thread's samples).
     */
    static char foldedLetterOrDigit(char c) {
        if (c < 128) {
            return ASCII_FOLDED[c];
        }
        return Character.isLetterOrDigit(c) ? Character.toLowerCase(c) : 0;
    }

    /** murmur3's fmix64 finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }
}
