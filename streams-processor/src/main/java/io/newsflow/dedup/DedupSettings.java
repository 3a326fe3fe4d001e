package io.newsflow.dedup;

import java.time.Duration;

/**
 * How dedup behaves. {@code ownerGroups} is the number of partitions of the probe topic: keys are grouped by
 * {@code key mod ownerGroups} so an article sends at most that many probe records.
 */
public record DedupSettings(double nearThreshold, Duration retention, int ownerGroups) {

    public static final double DEFAULT_NEAR_THRESHOLD = 0.7;
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    /**
     * One owner group: on one instance every group's task runs on the same stream threads, and each group an article
     * asks costs a probe, a verdict, a registration and a parked verdict (measured: docs/PERFORMANCE.md), so more
     * groups only pay off when the owners' work needs more than one thread. The count is fixed when the application's
     * dedup state is first created.
     */
    public static final int DEFAULT_OWNER_GROUPS = 1;

    public DedupSettings {
        if (nearThreshold <= 0 || nearThreshold > 1) {
            throw new IllegalArgumentException("near-duplicate threshold must be in (0, 1], got " + nearThreshold);
        }
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("fingerprint retention must be positive, got " + retention);
        }
        if (ownerGroups < 1) {
            throw new IllegalArgumentException("owner groups must be at least 1, got " + ownerGroups);
        }
    }

    /**
     * Refuses an even count for a new dedup layout. A key's owner group is {@code key mod G}, and exact keys are even
     * while band keys are odd: with an even G the exact keys all land in even groups and the twelve band keys per
     * paragraph in odd ones, a 12:1 load skew. New layouts therefore take an odd count (or one); an existing even
     * layout keeps working as it was created, which is why the constructor accepts one.
     */
    public static void requireNewLayoutCount(int groups) {
        if (groups < 1) {
            throw new IllegalArgumentException("--owner-groups must be at least 1, got " + groups);
        }
        if (groups % 2 == 0) {
            throw new IllegalArgumentException("--owner-groups must be 1 or odd, got " + groups + ": keys are split "
                    + "by key mod G, and an even G puts every exact key in the even groups and every band key in the "
                    + "odd ones (a 12:1 load skew); use " + (groups - 1) + " or " + (groups + 1));
        }
    }

    /** The owner group of a key: stable for a given group count, whatever instance computes it. */
    public int groupOf(long key) {
        return (int) Long.remainderUnsigned(key, ownerGroups);
    }
}
