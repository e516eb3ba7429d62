package io.bluegreen.local.rds;

import io.bluegreen.local.rds.DependencyOrder.Edge;
import io.bluegreen.local.rds.DependencyOrder.Node;
import io.bluegreen.local.rds.DependencyOrder.Ref;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DependencyOrderTest {

    private static Node<String> node(String name, int phase, long oid, Ref... also) {
        java.util.HashSet<Ref> refs = new java.util.HashSet<>(List.of(also));
        refs.add(new Ref("pg_class", oid));
        return new Node<>(name, phase, oid, Set.copyOf(refs));
    }

    private static Edge edge(long dependent, long referenced) {
        return new Edge(new Ref("pg_class", dependent), new Ref("pg_class", referenced));
    }

    @Test
    void withoutDependenciesByPhaseThenCatalogOrder() {
        assertEquals(List.of("schema", "type", "table a", "table b"), DependencyOrder.sort(List.of(
                node("table b", 7, 30), node("type", 4, 40), node("table a", 7, 20), node("schema", 1, 50)), List.of()));
    }

    @Test
    void aFunctionReturningATablesRowTypeGoesAfterTheTableAndBeforeWhatUsesIt() {
        Ref rowType = new Ref("pg_type", 11);
        List<String> ordered = DependencyOrder.sort(List.of(
                node("function of orders", 5, 20),
                node("orders", 7, 10, rowType),
                node("view using the function", 8, 30),
                node("customers", 7, 40)),
                List.of(new Edge(new Ref("pg_class", 20), rowType), edge(30, 20)));
        assertEquals(List.of("orders", "function of orders", "customers", "view using the function"), ordered,
                "once the table it needs exists, the function (an earlier phase) goes before the next table");
    }

    @Test
    void edgesToObjectsNotCopiedAndWithinOneDefinitionAreIgnored() {
        assertEquals(List.of("a", "b"), DependencyOrder.sort(List.of(node("b", 2, 2), node("a", 1, 1)),
                List.of(edge(1, 999), edge(2, 2))));
    }

    @Test
    void aCycleIsBrokenAtItsFirstDefinitionAndNothingIsLost() {
        assertEquals(List.of("x", "a", "b"), DependencyOrder.sort(List.of(node("a", 1, 1), node("b", 1, 2), node("x", 0, 9)),
                List.of(edge(1, 2), edge(2, 1))));
    }
}
