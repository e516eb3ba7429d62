package io.bluegreen.local.rds;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Orders definitions so that each comes after everything it depends on (pg_depend, as {@code pg_dump} sorts its
 * archive): among the definitions free to go, the lowest phase first, then the lowest position (the catalog's own
 * creation order). A cycle, which the catalog should never hold among definitions made in separate statements, is
 * broken at its lowest phase and position rather than lost.
 */
final class DependencyOrder {

    /** One catalog object: its catalog ({@code pg_class}, {@code pg_type}...) and oid. */
    record Ref(String catalog, long oid) {
    }

    /** {@code dependent} needs {@code referenced} to exist first. */
    record Edge(Ref dependent, Ref referenced) {
    }

    /** A definition to order, standing for every catalog object in {@code refs}. */
    record Node<T>(T value, int phase, long position, Set<Ref> refs) {
    }

    private DependencyOrder() {
    }

    static <T> List<T> sort(List<Node<T>> nodes, Collection<Edge> edges) {
        Map<Ref, Integer> owner = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (Ref ref : nodes.get(i).refs()) {
                owner.putIfAbsent(ref, i);
            }
        }
        List<Set<Integer>> dependents = new ArrayList<>();
        int[] waitingFor = new int[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            dependents.add(new HashSet<>());
        }
        for (Edge edge : edges) {
            Integer dependent = owner.get(edge.dependent());
            Integer referenced = owner.get(edge.referenced());
            if (dependent != null && referenced != null && !dependent.equals(referenced)
                    && dependents.get(referenced).add(dependent)) {
                waitingFor[dependent]++;
            }
        }
        Comparator<Integer> byPhase = Comparator.<Integer>comparingInt(i -> nodes.get(i).phase())
                .thenComparingLong(i -> nodes.get(i).position()).thenComparingInt(i -> i);
        PriorityQueue<Integer> ready = new PriorityQueue<>(byPhase);
        Set<Integer> blocked = new java.util.TreeSet<>(byPhase);
        for (int i = 0; i < nodes.size(); i++) {
            (waitingFor[i] == 0 ? ready : blocked).add(i);
        }
        List<T> ordered = new ArrayList<>(nodes.size());
        boolean[] done = new boolean[nodes.size()];
        while (ordered.size() < nodes.size()) {
            Integer next = ready.poll();
            if (next == null) {
                next = blocked.iterator().next(); // a cycle: break it at its first definition
            }
            blocked.remove(next);
            done[next] = true;
            ordered.add(nodes.get(next).value());
            for (int dependent : dependents.get(next)) {
                if (!done[dependent] && --waitingFor[dependent] == 0 && blocked.remove(dependent)) {
                    ready.add(dependent);
                }
            }
        }
        return ordered;
    }
}
