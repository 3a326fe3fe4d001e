package io.newsflow.dedup;

/**
 * Turns a paragraph into its exact fingerprint and, when it is long enough, a MinHash signature over word
 * 3-shingles. Normalisation is folded into tokenisation: case, whitespace, punctuation and quote styles do not
 * change the result. All hashing is seeded and uses only fixed arithmetic, so fingerprints are identical across
 * restarts, versions and machines. One instance is immutable and thread-safe.
 */
public final class ParagraphFingerprinter {

    /** Number of MinHash permutations; 16 bands of 4 rows make a pair at J=0.7 a candidate with p≈0.99. */
    public static final int PERMUTATIONS = 64;
    public static final int BANDS = 16;
    public static final int ROWS = PERMUTATIONS / BANDS;
    /** Paragraphs with fewer words than this get no band keys: they only ever match exactly. */
    public static final int MIN_WORDS_FOR_NEAR = 8;

    private static final long SEED = 0x6E657773666C6F77L; // "newsflow"
    private static final long[] PERMUTATION_SEEDS = new long[PERMUTATIONS];

    static {
        long s = SEED;
        for (int i = 0; i < PERMUTATIONS; i++) {
            s += 0x9E3779B97F4A7C15L;
            PERMUTATION_SEEDS[i] = mix(s);
        }
    }

    /** Fingerprint of one paragraph. {@code signature} is null for short paragraphs. */
    public Fingerprint fingerprint(String paragraph) {
        long[] tokens = new long[Math.max(8, paragraph.length() / 5)];
        int n = tokenize(paragraph, tokens);
        if (n > tokens.length) { // tokenize reports the real count when the buffer was too small
            tokens = new long[n];
            n = tokenize(paragraph, tokens);
        }
        long exact = SEED;
        for (int i = 0; i < n; i++) {
            exact = Long.rotateLeft((exact ^ tokens[i]) * 0x9E3779B97F4A7C15L, 31);
        }
        exact = mix(exact ^ n);
        if (n < MIN_WORDS_FOR_NEAR) {
            return new Fingerprint(exact, null, n);
        }
        long[] mins = new long[PERMUTATIONS];
        java.util.Arrays.fill(mins, Long.MAX_VALUE);
        for (int i = 0; i + 2 < n; i++) {
            long shingle = mix(tokens[i] * 0xC2B2AE3D27D4EB4FL + Long.rotateLeft(tokens[i + 1], 21) * 0x165667B19E3779F9L
                    + Long.rotateLeft(tokens[i + 2], 42));
            for (int k = 0; k < PERMUTATIONS; k++) {
                long v = (shingle ^ PERMUTATION_SEEDS[k]) * 0xBF58476D1CE4E5B9L;
                v ^= v >>> 31;
                if (v < mins[k]) {
                    mins[k] = v;
                }
            }
        }
        short[] signature = new short[PERMUTATIONS];
        for (int k = 0; k < PERMUTATIONS; k++) {
            signature[k] = (short) mins[k]; // b-bit MinHash: the low 16 bits of each minimum
        }
        return new Fingerprint(exact, signature, n);
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
            char c = text.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                char lc = Character.toLowerCase(c);
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

    /** The store key of an exact fingerprint (even, so it cannot collide with a band key). */
    public static long exactKey(long exactFingerprint) {
        return exactFingerprint & ~1L;
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

    /** murmur3's fmix64 finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }
}
