package io.bluegreen.demo.fleet;

import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.Engine;
import io.bluegreen.schemas.common.RepointMethod;
import io.bluegreen.schemas.common.SeedMethod;
import io.bluegreen.schemas.common.Strategy;
import io.bluegreen.schemas.common.SwitchoverMode;
import io.bluegreen.coordinator.saga.PhasePlan;
import io.bluegreen.schemas.common.UpgradePlan;
import io.bluegreen.schemas.common.VerifyMode;
import io.bluegreen.schemas.request.StartUpgrade;
import io.bluegreen.schemas.serde.MessageCodec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The fleet: upgrade {@code i} moves Blue {@code blue-0000i} (an RDS instance, one database) from 16 to 17 with the
 * snapshot strategy, an automatic switchover as soon as the lag is under 1 MiB (no hold) and the event repoint. Each
 * plan goes as a {@code StartUpgrade} on {@code bluegreen.upgrade.requests}, keyed by Blue's identifier (the upgrade's
 * partition key).
 */
final class FleetPlans {

    static final String REGION = "eu-west-1";
    static final String DATABASE = "app";
    static final long LAG_THRESHOLD_BYTES = 1024 * 1024;

    private FleetPlans() {
    }

    static String blueIdentifier(int index) {
        return String.format("blue-%05d", index);
    }

    static String upgradeId(int index) {
        return String.format("fleet-%05d", index);
    }

    static StartUpgrade request(int index, Instant at) {
        String blue = blueIdentifier(index);
        ClusterRef ref = ClusterRef.newBuilder().setIdentifier(blue).setRegion(REGION).setEngine(Engine.POSTGRES)
                .setHost(blue + ".fleet.local").setPort(5432).setCredentialsRef("fleet-admin").build();
        UpgradePlan plan = UpgradePlan.newBuilder().setBlue(ref).setTargetVersion("17.9").setSourceVersion("16.13")
                .setDatabases(List.of(DATABASE)).setStrategy(Strategy.SNAPSHOT)
                .setLagThresholdBytes(LAG_THRESHOLD_BYTES).setHoldDurationMs(0)
                .setSwitchoverMode(SwitchoverMode.AUTOMATIC).setSeedMethod(SeedMethod.SLOT_ADVANCE)
                .setRepoint(false).setRepointMethod(RepointMethod.EVENT).setVerifyMode(VerifyMode.ROW_COUNT).build();
        return StartUpgrade.newBuilder().setUpgradeId(upgradeId(index)).setRequestId(UUID.randomUUID().toString())
                .setOccurredAt(at).setPlan(plan).setRequestedBy("fleet-benchmark").build();
    }

    /** How many phases every upgrade of the run enters on its way to COMPLETED. */
    static int phaseChangesPerUpgrade() {
        return PhasePlan.phases(request(1, Instant.now()).getPlan()).size();
    }

    /** The partition of every topic that carries upgrade {@code index}: the producer's default for its key. */
    static int partition(int index, int partitions) {
        return Utils.toPositive(Utils.murmur2(key(index))) % partitions;
    }

    private static byte[] key(int index) {
        return blueIdentifier(index).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Sends upgrades 1..count and waits until the broker acknowledged every one; answers their upgrade ids with the
     * partition each lives on.
     */
    static Map<String, Integer> submit(KafkaProducer<byte[], byte[]> producer, int count, int partitions)
            throws InterruptedException {
        Map<String, Integer> submitted = new LinkedHashMap<>();
        List<Future<?>> sends = new ArrayList<>(count);
        Instant now = Instant.now();
        for (int index = 1; index <= count; index++) {
            StartUpgrade request = request(index, now);
            sends.add(producer.send(new ProducerRecord<>(Topics.REQUESTS, key(index),
                    MessageCodec.standard().encode(request))));
            submitted.put(request.getUpgradeId(), partition(index, partitions));
        }
        producer.flush();
        for (Future<?> send : sends) {
            try {
                send.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("A StartUpgrade could not be written to " + Topics.REQUESTS + ": "
                        + e.getMessage(), e);
            }
        }
        return submitted;
    }
}
