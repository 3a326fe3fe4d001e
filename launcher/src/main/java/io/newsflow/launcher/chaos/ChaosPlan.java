package io.newsflow.launcher.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The faults of a chaos run, drawn from the seed. Each fires when the sink file has reached a drawn number of
 * articles (plus a drawn jitter of up to half a second), so it lands while articles are flowing through processor
 * and sink, whatever the speed of the machine; then the service stays down for a drawn pause. Kills are split
 * between processor and sink as evenly as possible (which one gets the odd kill is drawn too) and land between 5%
 * and 85% of the run; broker restarts land between 30% and 60%. Every trigger is also at least 5% of the run below
 * {@code reach}, the articles published before the last chunk: each fault can then fire before the last chunk goes
 * out (the publisher waits for it, see {@link FaultSchedule#holdsPublishing}), with articles still in flight and
 * more to come.
 */
public record ChaosPlan(List<Fault> faults) {

    public enum Target { PROCESSOR, SINK, BROKER }

    /**
     * @param atArticles fire once the sink file holds this many articles
     * @param jitterMs   then wait this long
     * @param downMs     pause between the kill (or stop) and the restart
     */
    public record Fault(Target target, int atArticles, long jitterMs, long downMs) {
        public String describe() {
            return (target == Target.BROKER ? "restart broker" : "kill -9 " + target.name().toLowerCase())
                    + " @" + atArticles + " in sink";
        }
    }

    /** A plan for a run whose whole input is published before any fault is due (no {@code reach} limit). */
    public static ChaosPlan draw(long seed, int kills, int brokerRestarts, int articles) {
        return draw(seed, kills, brokerRestarts, articles, articles);
    }

    /**
     * @param reach articles published before the last chunk; triggers stay 5% of the run below it (when that leaves
     *              no room, as with a single chunk, every trigger is at the lowest count allowed)
     */
    public static ChaosPlan draw(long seed, int kills, int brokerRestarts, int articles, int reach) {
        // java.util.Random gives nearly the same first draws for nearby seeds: scramble the seed first
        Random r = new Random(new java.util.SplittableRandom(seed).nextLong());
        List<Target> targets = new ArrayList<>();
        boolean processorFirst = r.nextBoolean();
        for (int i = 0; i < kills; i++) {
            targets.add((i % 2 == 0) == processorFirst ? Target.PROCESSOR : Target.SINK);
        }
        Collections.shuffle(targets, r);
        int top = reach - articles * 5 / 100;
        List<Fault> faults = new ArrayList<>();
        for (Target t : targets) {
            faults.add(new Fault(t, between(r, articles * 5 / 100, Math.min(top, articles * 85 / 100)), r.nextInt(500),
                    300 + r.nextInt(1700)));
        }
        for (int i = 0; i < brokerRestarts; i++) {
            faults.add(new Fault(Target.BROKER, between(r, Math.min(top, articles * 30 / 100),
                    Math.min(top, articles * 60 / 100)), r.nextInt(500), 1000 + r.nextInt(2000)));
        }
        faults.sort(Comparator.comparingInt(Fault::atArticles));
        return new ChaosPlan(List.copyOf(faults));
    }

    private static int between(Random r, int lo, int hi) {
        lo = Math.max(1, lo);
        return hi <= lo ? lo : lo + r.nextInt(hi - lo + 1);
    }

    /** Articles published before the last of these chunks (by their sizes, in publishing order). */
    public static int reachBeforeLastChunk(List<Integer> chunkSizes) {
        return chunkSizes.stream().limit(Math.max(0, chunkSizes.size() - 1)).mapToInt(Integer::intValue).sum();
    }

    public static ChaosPlan none() {
        return new ChaosPlan(List.of());
    }

    public long count(Target t) {
        return faults.stream().filter(f -> f.target() == t).count();
    }

    public String describe() {
        List<String> s = faults.stream().map(Fault::describe).toList();
        return s.isEmpty() ? "no faults" : String.join(", ", s);
    }
}
