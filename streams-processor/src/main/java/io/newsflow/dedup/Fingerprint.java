package io.newsflow.dedup;

/**
 * What dedup knows of a paragraph: its exact fingerprint (after normalisation), its MinHash signature (null when
 * the paragraph is too short to match anything but exactly) and its word count.
 */
public record Fingerprint(long exact, short[] signature, int words) {

    /** Every key this paragraph is looked up under: its exact key, then its band keys. */
    public long[] keys() {
        long exactKey = ParagraphFingerprinter.exactKey(exact);
        if (signature == null) {
            return new long[] {exactKey};
        }
        long[] bands = ParagraphFingerprinter.bandKeys(signature);
        long[] all = new long[bands.length + 1];
        all[0] = exactKey;
        System.arraycopy(bands, 0, all, 1, bands.length);
        return all;
    }
}
