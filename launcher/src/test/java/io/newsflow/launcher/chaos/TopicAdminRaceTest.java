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
