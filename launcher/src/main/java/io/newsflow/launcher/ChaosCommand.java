package io.newsflow.launcher;

import io.newsflow.launcher.chaos.Chaos;
import io.newsflow.launcher.chaos.ChaosOptions;

/**
 * {@code ./newsflow chaos [--articles N] [--kills K] [--seed S]}: kill -9s processor and sink and restarts the broker
 * while articles flow, then checks the sink file against an undisturbed run of the same input. See
 * {@link ChaosOptions#USAGE}.
 */
public final class ChaosCommand {
    private ChaosCommand() {
    }

    public static int run(String[] argv) throws Exception {
        for (String a : argv) {
            if (a.equals("--help") || a.equals("-h")) {
                System.out.print(ChaosOptions.USAGE);
                return 0;
            }
        }
        return Chaos.run(argv, System.out);
    }
}
