package io.newsflow.launcher.chaos;

import io.newsflow.launcher.chaos.ChaosPlan.Fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When the faults of a plan fire, given how many articles the sink file holds. Shared by the fault thread (which
 * takes and applies faults) and the run's main thread (which publishes, and ends the schedule when the run is done).
 *
 * <ul>
 *   <li>Faults fire in plan order, each as soon as a count at or past its trigger is seen: a trigger that was passed
 *       while the harness was busy (applying the previous fault, say) fires at once.</li>
 *   <li>A fault also waits until the sink has moved on by {@code minGap} articles since the previous one fired, so
 *       that two faults do not hit the same stretch of work.</li>
 *   <li>A fault can only land while articles are flowing: once the sink holds every article (or the run ends for any
 *       other reason, see {@link #close}), the faults still waiting are recorded as not fired, with the reason,
 *       instead of being waited for.</li>
 *   <li>The publisher holds the next chunk back while a fault that the articles already published can reach has not
 *       been applied yet ({@link #holdsPublishing}), so each fault lands with more articles still to come.</li>
 * </ul>
 */
final class FaultSchedule {

    private final List<Fault> faults;
    private final long total;
    private final long minGap;
    private final List<String> notFired = new ArrayList<>();
    private int next;
    private long lastFiredAt;
    private Fault inProgress;
    private boolean closed;

    /**
     * @param total  articles in the run (the sink file never holds more distinct ids)
     * @param minGap articles the sink must have written since the previous fault fired
     */
    FaultSchedule(List<Fault> faults, long total, long minGap) {
        this.faults = List.copyOf(faults);
        this.total = total;
        this.minGap = minGap;
        this.lastFiredAt = -minGap;
    }

    /** The count the sink file must reach for the next fault to fire; {@link Long#MAX_VALUE} when none is waiting. */
    synchronized long nextTrigger() {
        if (closed || next >= faults.size()) {
            return Long.MAX_VALUE;
        }
        return Math.max(faults.get(next).atArticles(), lastFiredAt + minGap);
    }

    /**
     * The next fault, if it is due with {@code inSink} articles in the sink file; the caller applies it and then calls
     * {@link #applied}. Empty when none is due yet. With every article in the sink, nothing can land while articles
     * flow any more: the waiting faults are recorded as not fired and the schedule ends.
     */
    synchronized Optional<Fault> take(long inSink) {
        if (closed || next >= faults.size()) {
            return Optional.empty();
        }
        if (inSink >= total) {
            close("the sink file already held all " + total + " articles");
            return Optional.empty();
        }
        if (inSink < nextTrigger()) {
            return Optional.empty();
        }
        lastFiredAt = inSink;
        inProgress = faults.get(next++);
        return Optional.of(inProgress);
    }

    /** The fault taken last has been applied (or failed): publishing may go on. */
    synchronized void applied() {
        inProgress = null;
    }

    /**
     * No fault fires any more (the run is done, failed or out of time): the ones still waiting are recorded as not
     * fired, with {@code why}. A fault already taken is still applied.
     */
    synchronized void close(String why) {
        for (int i = next; i < faults.size(); i++) {
            notFired.add(faults.get(i).describe() + " (not fired: " + why + ")");
        }
        next = faults.size();
        closed = true;
    }

    /** True while no further fault will be taken. */
    synchronized boolean finished() {
        return closed || next >= faults.size();
    }

    /**
     * True while the next chunk should wait: a fault is being applied, or the next fault's trigger is within what has
     * been published (so it can fire before more articles go out, and land while they do).
     */
    synchronized boolean holdsPublishing(long published) {
        return inProgress != null || nextTrigger() <= published;
    }

    /** The faults that did not fire, each described with the reason. */
    synchronized List<String> notFired() {
        return List.copyOf(notFired);
    }
}
