package io.newsflow.launcher;

import io.newsflow.classify.ClassifierBenchmark;
import io.newsflow.classify.ClassifierEvaluation;
import io.newsflow.embedded.BrokerMain;
import io.newsflow.processor.StreamsProcessorMain;
import io.newsflow.producer.ProducerMain;
import io.newsflow.sink.SinkMain;
import io.newsflow.subscriber.ThemeSubscriber;

import java.util.Arrays;

/** The {@code ./newsflow} command: one entry point for the demo and for each service on its own. */
public final class Newsflow {
    private Newsflow() {
    }

    static final String USAGE = """
            usage: ./newsflow <command> [options]

              demo      run broker, processor and sink in-process on the input, print a summary, exit
                        [--input DIR|FILE.jsonl] [--out FILE] [--bootstrap-servers HOST:PORT] [--partitions N]
                        [--themes FILE] [--near-threshold 0.7] [--sink file|postgres] [--jdbc-url URL] [--serve [--port 8080]]
                        --serve keeps everything running after the summary, with the dashboard at
                        http://localhost:8080/ until Ctrl-C
              chaos     kill -9 processor and sink, restart the broker while articles flow (all separate JVMs);
                        check the sink against an undisturbed run  [--articles 2000] [--kills 5] [--seed S] [--help]
              produce   publish articles           --bootstrap-servers HOST:PORT [--input DIR|FILE.jsonl|-]
              process   run the Kafka Streams job  --bootstrap-servers HOST:PORT [--state-dir DIR] [--threads N] [--themes FILE]
                        [--reset] [--port N [--http-host HOST]]  also serve the HTTP API and dashboard
              sink      write enriched articles    --bootstrap-servers HOST:PORT [--to file|postgres] [--out FILE]
                        [--jdbc-url jdbc:postgresql://127.0.0.1:5432/test] [--jdbc-user postgres] [--jdbc-password P]
              subscribe example downstream service: a line per article of one theme  --theme CBDC [--bootstrap-servers HOST:PORT]
              broker    run a single-node KRaft broker in this process  [--data-dir DIR] [--port N]
              eval      precision/recall of the classifier  --input FILE.jsonl|DIR --labels FILE.tsv [--themes FILE]
              bench-classify  microseconds per article for the classifier  [--input FILE.jsonl|DIR]
              bench     end-to-end pipeline vs pass-through baseline  [--articles N] [--partitions P] [--threads T] (bench --help)
              bench-topology  CPU per article of the topology alone, no broker  [--articles N] [--rounds R] [--no-views]
                        [--owner-groups G] (bench-topology --help)
            """;

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            System.out.print(USAGE);
            System.exit(argv.length == 0 ? 2 : 0);
        }
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        try {
            switch (argv[0]) {
                case "demo" -> System.exit(DemoCommand.run(rest));
                case "bench" -> System.exit(BenchCommand.run(rest));
                case "bench-topology" -> System.exit(TopologyBenchCommand.run(rest));
                case "chaos" -> System.exit(ChaosCommand.run(rest));
                case "produce" -> System.exit(ProducerMain.run(rest));
                case "process" -> StreamsProcessorMain.main(rest);
                case "sink" -> SinkMain.main(rest);
                case "subscribe" -> ThemeSubscriber.main(rest);
                case "broker" -> BrokerMain.main(rest);
                case "eval" -> System.exit(ClassifierEvaluation.run(rest, System.out));
                case "bench-classify" -> System.exit(ClassifierBenchmark.run(rest, System.out));
                default -> {
                    System.err.println("newsflow: unknown command '" + argv[0] + "'\n" + USAGE);
                    System.exit(2);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("newsflow " + argv[0] + ": " + e.getMessage());
            System.exit(2);
        }
    }
}
