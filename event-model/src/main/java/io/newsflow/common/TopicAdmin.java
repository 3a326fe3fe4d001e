package io.newsflow.common;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Creates the pipeline's topics when absent and reads partition counts. */
public final class TopicAdmin implements AutoCloseable {
    private final Admin admin;

    public TopicAdmin(String bootstrapServers) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
        this.admin = Admin.create(p);
    }

    /** Creates each absent topic with its partition count; existing topics are left as they are. */
    public void ensureTopics(Map<String, Integer> partitionsByTopic) {
        try {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            partitionsByTopic.forEach((name, partitions) -> {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, java.util.Optional.of(partitions), java.util.Optional.empty()));
                }
            });
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            // A created topic is not at once visible to every metadata request: wait until it describes.
            for (NewTopic t : missing) {
                awaitPartitions(t.name());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics " + partitionsByTopic.keySet() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates {@code topic} (with its partitions and configs) unless it exists, and returns the partition count it
     * has: its own, or that of the topic someone else created first.
     */
    public int ensureTopic(NewTopic topic) {
        int existing = partitions(topic.name());
        if (existing > 0) {
            return existing;
        }
        try {
            admin.createTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause().getMessage(), e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getMessage(), e);
        }
        return awaitPartitions(topic.name());
    }

    /** Partition count of a topic, or -1 when it does not exist. */
    public int partitions(String topic) {
        try {
            Map<String, TopicDescription> d = admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS);
            return d.get(topic).partitions().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return -1;
            }
            throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getCause().getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /** The partition count of a topic just created, waiting (up to 30 s) until metadata requests know it. */
    public int awaitPartitions(String topic) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int partitions;
        while ((partitions = partitions(topic)) < 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + topic + " was created but is still unknown after 30 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
            }
        }
        return partitions;
    }

    public Admin admin() {
        return admin;
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
