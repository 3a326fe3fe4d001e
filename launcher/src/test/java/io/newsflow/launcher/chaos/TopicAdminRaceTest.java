package io.newsflow.launcher.chaos;

import io.newsflow.common.TopicAdmin;
import io.newsflow.embedded.EmbeddedKafkaBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Found by the chaos harness on its first try: a processor started against a fresh broker exited with
 * "owner groups must be at least 1, got -1". TopicAdmin.ensureTopics returns as soon as createTopics is acknowledged
 * by the controller, before the broker's metadata cache knows the topic, so the describeTopics in
 * TopicAdmin.partitions that follows (StreamsProcessorApp.start) can get UNKNOWN_TOPIC_OR_PARTITION and returns -1.
 * Fails until ensureTopics waits for the topics it created to be describable.
 */
class TopicAdminRaceTest {
    @TempDir
    Path dir;

    @Test
    void partitionsOfAJustCreatedTopicAreKnown() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"));
             TopicAdmin admin = new TopicAdmin(broker.bootstrapServers())) {
            List<String> unknown = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String topic = "fresh-" + i;
                admin.ensureTopics(Map.of(topic, 3));
                int n = admin.partitions(topic);
                if (n != 3) {
                    unknown.add(topic + "=" + n);
                }
            }
            assertEquals(List.of(), unknown);
        }
    }
}
