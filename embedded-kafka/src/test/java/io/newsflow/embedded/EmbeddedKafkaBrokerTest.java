package io.newsflow.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class EmbeddedKafkaBrokerTest {

    @TempDir
    Path dir;

    @Test
    void shouldServeProduceAndConsumeOnARealBroker() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"))) {
            assertTrue(broker.bootstrapServers().matches("127\\.0\\.0\\.1:\\d+"), broker.bootstrapServers());
            broker.createTopics(Map.of("articles", 3));
            assertEquals(3, describe(broker, "articles").partitions().size());

            List<String> sent = List.of("a", "b", "c", "d", "e", "f");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(broker, null))) {
                for (String v : sent) {
                    producer.send(new ProducerRecord<>("articles", "key-" + v, v)).get();
                }
            }
            List<ConsumerRecord<String, String>> received = consume(broker, "articles", sent.size(), "read_uncommitted");
            assertEquals(Set.copyOf(sent), received.stream().map(ConsumerRecord::value).collect(java.util.stream.Collectors.toSet()));
            assertTrue(received.stream().map(ConsumerRecord::partition).distinct().count() > 1, "records spread over partitions");
        }
    }

    @Test
    void shouldCommitTransactionsOnASingleNode() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"))) {
            broker.createTopics(Map.of("tx-out", 3));
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(broker, "tx-" + UUID.randomUUID()))) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tx-out", "k1", "committed-1"));
                producer.send(new ProducerRecord<>("tx-out", "k2", "committed-2"));
                producer.commitTransaction();

                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tx-out", "k3", "aborted"));
                producer.abortTransaction();
            }
            List<ConsumerRecord<String, String>> received = consume(broker, "tx-out", 2, "read_committed");
            assertEquals(Set.of("committed-1", "committed-2"),
                    received.stream().map(ConsumerRecord::value).collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Test
    void shouldKeepDataAcrossRestart() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"))) {
            String bootstrap = broker.bootstrapServers();
            broker.createTopics(Map.of("durable", 3));
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(broker, null))) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("durable", "k" + i, "v" + i)).get();
                }
            }

            broker.restart();

            assertEquals(bootstrap, broker.bootstrapServers());
            broker.createTopics(Map.of("durable", 3)); // already there: left alone
            List<ConsumerRecord<String, String>> received = consume(broker, "durable", 10, "read_uncommitted");
            assertEquals(10, received.size());
        }
    }

    @Test
    void shouldLetAProducerOutliveARestart() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"))) {
            broker.createTopics(Map.of("survivor", 1));
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(broker, null))) {
                producer.send(new ProducerRecord<>("survivor", "k", "before")).get();
                broker.restart();
                producer.send(new ProducerRecord<>("survivor", "k", "after")).get();
            }
            assertEquals(List.of("before", "after"),
                    consume(broker, "survivor", 2, "read_uncommitted").stream().map(ConsumerRecord::value).toList());
        }
    }

    @Test
    void shouldReuseAFormattedDataDirInANewInstance() throws Exception {
        Path data = dir.resolve("broker");
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start(data)) {
            first.createTopics(Map.of("kept", 2));
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(first, null))) {
                producer.send(new ProducerRecord<>("kept", "k", "v")).get();
            }
        }
        assertTrue(Files.exists(data.resolve("meta.properties")));
        String clusterId = Files.readString(data.resolve("meta.properties"));
        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start(data)) {
            assertEquals(2, describe(second, "kept").partitions().size());
            assertEquals(1, consume(second, "kept", 1, "read_uncommitted").size());
        }
        assertEquals(clusterId, Files.readString(data.resolve("meta.properties")), "not re-formatted");
    }

    @Test
    void shouldApplyOverridesAndRejectStructuralOnes() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), Map.of("message.max.bytes", "2097152"))) {
            try (Admin admin = admin(broker)) {
                var resource = new org.apache.kafka.common.config.ConfigResource(
                        org.apache.kafka.common.config.ConfigResource.Type.BROKER, "1");
                var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
                assertEquals("2097152", config.get("message.max.bytes").value());
                assertEquals("false", config.get("auto.create.topics.enable").value());
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> EmbeddedKafkaBroker.start(dir.resolve("other"), Map.of("node.id", "7")));
    }

    @Test
    void shouldStopIdempotentlyAndRefuseTopicsWhenStopped() throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"));
        long t0 = System.nanoTime();
        broker.stop();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        broker.stop();
        broker.close();
        assertTrue(took.toSeconds() < 10, "stop took " + took);
        assertThrows(IllegalStateException.class, () -> broker.createTopics(Map.of("x", 1)));
    }

    @Test
    void shouldRunTwoIndependentBrokersInOneJvm() throws Exception {
        try (EmbeddedKafkaBroker a = EmbeddedKafkaBroker.start(dir.resolve("a"));
             EmbeddedKafkaBroker b = EmbeddedKafkaBroker.start(dir.resolve("b"))) {
            assertTrue(!a.bootstrapServers().equals(b.bootstrapServers()));
            a.createTopics(Map.of("only-on-a", 1));
            b.createTopics(Map.of("only-on-b", 1));
            try (Admin admin = admin(b)) {
                Set<String> names = admin.listTopics().names().get();
                assertTrue(names.contains("only-on-b") && !names.contains("only-on-a"), names.toString());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static Properties producerProps(EmbeddedKafkaBroker broker, String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
        if (transactionalId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return p;
    }

    private static List<ConsumerRecord<String, String>> consume(EmbeddedKafkaBroker broker, String topic, int expected,
                                                                String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // give a stray extra record (e.g. an aborted one) a chance to show up
            consumer.poll(Duration.ofMillis(300)).forEach(out::add);
        }
        return out;
    }

    private static TopicDescription describe(EmbeddedKafkaBroker broker, String topic) throws Exception {
        try (Admin admin = admin(broker)) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        }
    }

    private static Admin admin(EmbeddedKafkaBroker broker) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }
}
