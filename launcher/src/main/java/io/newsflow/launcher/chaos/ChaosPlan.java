package io.newsflow.launcher.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The faults of a chaos run, drawn from the seed: each kill or broker restart lands on one chunk of the input, a
 * random moment after that chunk's producer starts (so while data is flowing), and stays down for a random pause.
 * Kills are split between processor and sink as evenly as possible (which gets the odd one is drawn too).
 */
public record ChaosPlan(List<Fault> faults) {

    public enum Target { PROCESSOR, SINK, BROKER }

    /** {@code afterMs}: delay after the chunk's producer starts; {@code downMs}: pause before the restart. */
    public record Fault(Target target, int chunk, long afterMs, long downMs) {
    }

    public static ChaosPlan draw(long seed, int kills, int brokerRestarts, int chunks) {
        // java.util.Random gives nearly the same first draws for nearby seeds: scramble the seed first
        Random r = new Random(new java.util.SplittableRandom(seed).nextLong());
        List<Target> targets = new ArrayList<>();
        boolean processorFirst = r.nextBoolean();
        for (int i = 0; i < kills; i++) {
            targets.add((i % 2 == 0) == processorFirst ? Target.PROCESSOR : Target.SINK);
        }
        Collections.shuffle(targets, r);
        List<Fault> faults = new ArrayList<>();
        for (Target t : targets) {
            faults.add(new Fault(t, r.nextInt(chunks), 300 + r.nextInt(2700), 300 + r.nextInt(1700)));
        }
        for (int i = 0; i < brokerRestarts; i++) {
            int lo = chunks / 3;
            int hi = Math.max(lo + 1, (2 * chunks + 2) / 3);
            faults.add(new Fault(Target.BROKER, lo + r.nextInt(hi - lo), 300 + r.nextInt(2700), 1000 + r.nextInt(2000)));
        }
        faults.sort(Comparator.comparingInt(Fault::chunk).thenComparingLong(Fault::afterMs));
        return new ChaosPlan(List.copyOf(faults));
    }

    public static ChaosPlan none() {
        return new ChaosPlan(List.of());
    }

    public List<Fault> forChunk(int chunk) {
        return faults.stream().filter(f -> f.chunk() == chunk).toList();
    }

    public long count(Target t) {
        return faults.stream().filter(f -> f.target() == t).count();
    }

    public String describe() {
        StringBuilder s = new StringBuilder();
        for (Fault f : faults) {
            if (s.length() > 0) {
                s.append(", ");
            }
            s.append(f.target() == Target.BROKER ? "restart broker" : "kill -9 " + f.target().name().toLowerCase())
                    .append(" @chunk ").append(f.chunk()).append("+").append(f.afterMs()).append("ms");
        }
        return s.length() == 0 ? "no faults" : s.toString();
    }
}
