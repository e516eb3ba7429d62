package io.bluegreen.runtime.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import java.time.Duration;
import java.util.Map;

/**
 * Builds the Kafka clients a service makes by hand with their metrics bound to the service's registry (Micrometer's
 * {@link KafkaClientMetrics}: {@code kafka_consumer_*} and {@code kafka_producer_*}, tagged with the client id). A
 * client's meters are removed when it is closed, so a client made again with the same id (a partition taken over
 * again) reports its own figures, not a closed one's. Without a registry ({@link #none()}) the clients are plain.
 */
public final class KafkaClientMeters {

    private static final KafkaClientMeters NONE = new KafkaClientMeters(null);

    private final MeterRegistry registry;

    private KafkaClientMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    public static KafkaClientMeters on(MeterRegistry registry) {
        return registry == null ? NONE : new KafkaClientMeters(registry);
    }

    /** Clients without meters (tests, tools). */
    public static KafkaClientMeters none() {
        return NONE;
    }

    public <K, V> KafkaConsumer<K, V> consumer(Map<String, Object> config, Deserializer<K> keys, Deserializer<V> values) {
        if (registry == null) {
            return new KafkaConsumer<>(config, keys, values);
        }
        MeteredConsumer<K, V> consumer = new MeteredConsumer<>(config, keys, values);
        KafkaClientMetrics metrics = new KafkaClientMetrics(consumer);
        metrics.bindTo(registry);
        consumer.metrics = metrics;
        return consumer;
    }

    public <K, V> KafkaProducer<K, V> producer(Map<String, Object> config, Serializer<K> keys, Serializer<V> values) {
        if (registry == null) {
            return new KafkaProducer<>(config, keys, values);
        }
        MeteredProducer<K, V> producer = new MeteredProducer<>(config, keys, values);
        KafkaClientMetrics metrics = new KafkaClientMetrics(producer);
        metrics.bindTo(registry);
        producer.metrics = metrics;
        return producer;
    }

    private static void unbind(KafkaClientMetrics metrics) {
        if (metrics != null) {
            metrics.close();
        }
    }

    /** A consumer whose meters go when it is closed. */
    private static final class MeteredConsumer<K, V> extends KafkaConsumer<K, V> {
        private volatile KafkaClientMetrics metrics;

        MeteredConsumer(Map<String, Object> config, Deserializer<K> keys, Deserializer<V> values) {
            super(config, keys, values);
        }

        @Override
        public void close() {
            unbind(metrics);
            super.close();
        }

        @Override
        public void close(Duration timeout) {
            unbind(metrics);
            super.close(timeout);
        }
    }

    /** A producer whose meters go when it is closed. */
    private static final class MeteredProducer<K, V> extends KafkaProducer<K, V> {
        private volatile KafkaClientMetrics metrics;

        MeteredProducer(Map<String, Object> config, Serializer<K> keys, Serializer<V> values) {
            super(config, keys, values);
        }

        @Override
        public void close() {
            unbind(metrics);
            super.close();
        }

        @Override
        public void close(Duration timeout) {
            unbind(metrics);
            super.close(timeout);
        }
    }
}
