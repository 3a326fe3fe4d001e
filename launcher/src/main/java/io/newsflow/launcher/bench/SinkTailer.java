package io.newsflow.launcher.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Follows the sink's JSON Lines file and stamps each article with the moment its line is seen on disk (the sink
 * appends and fsyncs a batch, then checkpoints). Polls every millisecond; the line's {@code "id":"bench-NNNNNNN"}
 * gives the ordinal, whose publish instant the publisher recorded. Only complete lines are read.
 */
final class SinkTailer implements Runnable {
    private static final byte[] ID_FIELD = "\"id\":\"".getBytes(StandardCharsets.US_ASCII);

    private final Path file;
    private final long[] publishNanos;
    private final long[] latencyNanos;
    private volatile boolean running = true;
    private volatile long seen;
    private volatile long lastSeenNanos;
    private long duplicates;

    SinkTailer(Path file, long[] publishNanos, long[] latencyNanos) {
        this.file = file;
        this.publishNanos = publishNanos;
        this.latencyNanos = latencyNanos;
    }

    @Override
    public void run() {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        byte[] carry = new byte[0];
        long pos = 0;
        FileChannel ch = null;
        try {
            while (running || (ch != null && ch.size() > pos)) {
                if (ch == null) {
                    if (Files.exists(file)) {
                        ch = FileChannel.open(file, StandardOpenOption.READ);
                    } else {
                        Thread.sleep(1);
                        continue;
                    }
                }
                long size = ch.size();
                if (size <= pos) {
                    Thread.sleep(1);
                    continue;
                }
                long now = System.nanoTime();
                buf.clear();
                int n = ch.read(buf, pos);
                if (n <= 0) {
                    continue;
                }
                pos += n;
                byte[] chunk = new byte[carry.length + n];
                System.arraycopy(carry, 0, chunk, 0, carry.length);
                buf.flip();
                buf.get(chunk, carry.length, n);
                int lineStart = 0;
                for (int k = 0; k < chunk.length; k++) {
                    if (chunk[k] == '\n') {
                        record(chunk, lineStart, k, now);
                        lineStart = k + 1;
                    }
                }
                carry = java.util.Arrays.copyOfRange(chunk, lineStart, chunk.length);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new IllegalStateException("cannot follow " + file + ": " + e.getMessage(), e);
        } finally {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // read-only
                }
            }
        }
    }

    private void record(byte[] b, int from, int to, long now) {
        int at = indexOf(b, from, to, ID_FIELD);
        if (at < 0) {
            return;
        }
        int o = at + ID_FIELD.length;
        if (to - o < 13 || b[o] != 'b' || b[o + 5] != '-') {
            return;
        }
        int v = 0;
        for (int k = o + 6; k < o + 13; k++) {
            int d = b[k] - '0';
            if (d < 0 || d > 9) {
                return;
            }
            v = v * 10 + d;
        }
        if (v >= latencyNanos.length) {
            return;
        }
        if (latencyNanos[v] != 0) {
            duplicates++;
            return;
        }
        latencyNanos[v] = Math.max(1, now - publishNanos[v]);
        lastSeenNanos = now;
        seen++;
    }

    private static int indexOf(byte[] b, int from, int to, byte[] needle) {
        outer:
        for (int k = from; k <= to - needle.length; k++) {
            for (int m = 0; m < needle.length; m++) {
                if (b[k + m] != needle[m]) {
                    continue outer;
                }
            }
            return k;
        }
        return -1;
    }

    long seen() {
        return seen;
    }

    long lastSeenNanos() {
        return lastSeenNanos;
    }

    long duplicates() {
        return duplicates;
    }

    void stop() {
        running = false;
    }
}
