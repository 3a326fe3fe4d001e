package io.newsflow.launcher.chaos;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One service running as its own JVM, with stdout and stderr appended to a log file. It can be started again after
 * it exits or is killed; every child still alive is stopped by a shutdown hook, so Ctrl-C (or a failing test)
 * never leaves JVMs behind.
 */
public final class ChildJvm {

    private static final Set<ChildJvm> LIVE = ConcurrentHashMap.newKeySet();
    /** Set once the JVM is shutting down: from then on nothing new is started (guarded by the class). */
    private static boolean shuttingDown;
    private static final Thread HOOK = new Thread(ChildJvm::stopAllLive, "chaos-stop-children");

    static {
        Runtime.getRuntime().addShutdownHook(HOOK);
    }

    private final String name;
    private final List<String> command;
    private final Path log;
    private volatile Process process;
    private long logOffset;
    private int starts;
    private volatile boolean expectingExit;

    public ChildJvm(String name, List<String> command, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.log = log;
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        Files.createDirectories(log.getParent());
        starts++;
        Files.writeString(log, "==== chaos: start #" + starts + " of " + name + " at " + LocalTime.now() + " ====\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        logOffset = Files.size(log);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // The services fall back to NEWSFLOW_* variables: both runs must see the same (explicit) settings.
        pb.environment().keySet().removeIf(k -> k.startsWith("NEWSFLOW_") && !k.equals("NEWSFLOW_HOME"));
        expectingExit = false;
        synchronized (ChildJvm.class) {
            if (shuttingDown) {
                throw new IllegalStateException("shutting down: not starting " + name);
            }
            process = pb.start();
            LIVE.add(this);
        }
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** The exit code when it exited without being told to, else -1 (running, never started, or stopped by us). */
    public synchronized int unexpectedExitCode() {
        if (process == null || process.isAlive() || expectingExit) {
            return -1;
        }
        return process.exitValue();
    }

    /** SIGKILL, then waits until the process is gone. */
    public void kill9() throws InterruptedException {
        Process p;
        synchronized (this) {
            p = process;
            expectingExit = true;
        }
        if (p != null) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            LIVE.remove(this);
        }
    }

    /** SIGTERM (the services' shutdown hooks close them cleanly); SIGKILL when it takes longer than {@code grace}. */
    public boolean stop(Duration grace) throws InterruptedException {
        Process p;
        synchronized (this) {
            p = process;
            expectingExit = true;
        }
        if (p == null || !p.isAlive()) {
            LIVE.remove(this);
            return true;
        }
        p.destroy();
        boolean clean = p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        if (!clean) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        LIVE.remove(this);
        return clean;
    }

    /** Waits for the process to exit by itself; -1 on timeout (the process is left running). */
    public int waitFor(Duration timeout) throws InterruptedException {
        Process p;
        synchronized (this) {
            p = process;
        }
        if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            LIVE.remove(this);
            return p.exitValue();
        }
        return -1;
    }

    /** What the current incarnation has logged so far. */
    public String logSinceStart() throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length() - logOffset;
            if (len <= 0) {
                return "";
            }
            byte[] b = new byte[(int) Math.min(len, 8 * 1024 * 1024)];
            f.seek(logOffset);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    /** Waits until the current incarnation logs a line containing {@code text}; null when it exits or time runs out. */
    public String awaitLog(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String s = logSinceStart();
            int at = s.indexOf(text);
            if (at >= 0) {
                int end = s.indexOf('\n', at);
                return s.substring(at, end < 0 ? s.length() : end);
            }
            if (!alive()) {
                return null;
            }
            Thread.sleep(100);
        }
        return null;
    }

    /** The last lines of the log, for error messages. */
    public String tail(int lines) {
        try {
            String[] all = logSinceStart().split("\n");
            return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** How many children are running right now (for tests: nothing may be left behind). */
    public static int liveCount() {
        LIVE.removeIf(c -> !c.alive());
        return LIVE.size();
    }

    /** Stops every child still running: clients first, brokers last, SIGKILL for what does not stop in time. */
    static void stopAllLive() {
        synchronized (ChildJvm.class) {
            shuttingDown = true; // a run thread must not replace what is stopped here
        }
        LIVE.removeIf(c -> !c.alive());
        if (LIVE.isEmpty()) {
            return;
        }
        System.err.println("chaos: stopping " + LIVE.size() + " child JVM(s)...");
        List<ChildJvm> clients = LIVE.stream().filter(c -> !c.name.startsWith("broker")).toList();
        List<ChildJvm> brokers = LIVE.stream().filter(c -> c.name.startsWith("broker")).toList();
        terminate(clients, Duration.ofSeconds(10));
        terminate(brokers, Duration.ofSeconds(20));
    }

    private static void terminate(List<ChildJvm> children, Duration grace) {
        for (ChildJvm c : children) {
            Process p = c.process;
            if (p != null) {
                c.expectingExit = true;
                p.destroy();
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (ChildJvm c : children) {
            Process p = c.process;
            if (p == null) {
                continue;
            }
            try {
                if (!p.waitFor(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
            LIVE.remove(c);
        }
    }

    @Override
    public String toString() {
        return name + "(pid " + pid() + ")";
    }
}
