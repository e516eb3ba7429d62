package io.bluegreen.demo.fleet;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Which coordinator owns which partitions, from the broker: the consumer groups whose members are assigned partitions
 * of {@code topic} (the coordinators share the partitions of their inputs through one group). Taken just before a
 * kill, and compared with a later one, it names the partitions the killed instance owned: those of the member that
 * left the group.
 */
final class PartitionOwners {

    /** A group's members and the partition numbers of the topic each is assigned. */
    record Snapshot(String groupId, Map<String, Set<Integer>> partitionsByMember) {

        /** Partitions of the members missing from {@code later}. */
        Set<Integer> ownedByMembersGoneIn(Snapshot later) {
            return partitionsByMember.entrySet().stream()
                    .filter(member -> !later.partitionsByMember.containsKey(member.getKey()))
                    .flatMap(member -> member.getValue().stream()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private final Admin admin;
    private final String topic;

    PartitionOwners(Admin admin, String topic) {
        this.admin = admin;
        this.topic = topic;
    }

    /** The group with the most members assigned partitions of the topic; empty when no group reads it. */
    Optional<Snapshot> now() throws InterruptedException {
        try {
            List<String> groups = admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS).stream()
                    .map(ConsumerGroupListing::groupId).toList();
            if (groups.isEmpty()) {
                return Optional.empty();
            }
            return admin.describeConsumerGroups(groups).all().get(10, TimeUnit.SECONDS).values().stream()
                    .map(this::snapshot).filter(snapshot -> !snapshot.partitionsByMember().isEmpty())
                    .max((a, b) -> Integer.compare(a.partitionsByMember().size(), b.partitionsByMember().size()));
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }

    /** The group again, once one of the members of {@code before} has left it (or empty after {@code timeout}). */
    Optional<Snapshot> afterAMemberLeft(Snapshot before, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(before.groupId())).all()
                        .get(10, TimeUnit.SECONDS).get(before.groupId());
                Snapshot later = new Snapshot(before.groupId(), members(group, false));
                if (before.partitionsByMember().keySet().stream()
                        .anyMatch(member -> !later.partitionsByMember().containsKey(member))) {
                    return Optional.of(later);
                }
            } catch (ExecutionException | TimeoutException retry) {
                // the group coordinator is busy with the rebalance: ask again
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        return Optional.empty();
    }

    private Snapshot snapshot(ConsumerGroupDescription group) {
        return new Snapshot(group.groupId(), members(group, true));
    }

    /** Members by id; {@code assignedOnly}: only those holding partitions of the topic. */
    private Map<String, Set<Integer>> members(ConsumerGroupDescription group, boolean assignedOnly) {
        Map<String, Set<Integer>> members = new TreeMap<>();
        for (MemberDescription member : group.members()) {
            Set<Integer> partitions = member.assignment().topicPartitions().stream()
                    .filter(partition -> partition.topic().equals(topic)).map(TopicPartition::partition)
                    .collect(Collectors.toCollection(TreeSet::new));
            if (!assignedOnly || !partitions.isEmpty()) {
                members.put(member.consumerId(), partitions);
            }
        }
        return members;
    }
}
