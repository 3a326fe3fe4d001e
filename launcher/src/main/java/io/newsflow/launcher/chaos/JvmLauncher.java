package io.newsflow.launcher.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the command line of a child JVM running {@code io.newsflow.launcher.Newsflow <command> ...} on the same
 * classpath as this JVM (the {@code ./newsflow} script's, or a test JVM's, which holds every module's classes).
 */
public record JvmLauncher(String javaBinary, String classpath) {

    /** Log settings the {@code ./newsflow} script gives every service. */
    private static final List<String> LOGGING = List.of(
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-Dorg.slf4j.simpleLogger.log.io.newsflow=info",
            "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient=error",
            "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.controller.QuorumController=error",
            "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams.StreamsConfig=error",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
            "-Dorg.slf4j.simpleLogger.showThreadName=false",
            "-Dorg.slf4j.simpleLogger.showShortLogName=true");

    /** This JVM's java binary and classpath. */
    public static JvmLauncher current() {
        String java = ProcessHandle.current().info().command()
                .filter(c -> Files.isExecutable(Path.of(c)))
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new JvmLauncher(java, System.getProperty("java.class.path"));
    }

    /**
     * @param heap      maximum heap, e.g. {@code 512m}
     * @param quickStart for short-lived JVMs: C1 only, which starts faster
     */
    public List<String> command(String heap, boolean quickStart, String... newsflowArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary);
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:+UseSerialGC");
        if (quickStart) {
            cmd.add("-XX:TieredStopAtLevel=1");
        }
        cmd.addAll(LOGGING);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add("io.newsflow.launcher.Newsflow");
        cmd.addAll(List.of(newsflowArgs));
        return cmd;
    }
}
