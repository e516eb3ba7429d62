package io.bluegreen.local.rds;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueryRequestTest {

    @Test
    void parsesTheSdksFormEncodingOfListsOfStructures() {
        QueryRequest request = QueryRequest.parse("Action=ModifyDBParameterGroup&Version=2014-10-31"
                + "&DBParameterGroupName=bg-16&Parameters.Parameter.2.ParameterName=max_wal_senders"
                + "&Parameters.Parameter.2.ParameterValue=20&Parameters.Parameter.1.ParameterName=rds.logical_replication"
                + "&Parameters.Parameter.1.ParameterValue=1&Parameters.Parameter.1.ApplyMethod=pending-reboot");
        assertEquals("ModifyDBParameterGroup", request.action());
        assertEquals(List.of(
                Map.of("ParameterName", "rds.logical_replication", "ParameterValue", "1", "ApplyMethod", "pending-reboot"),
                Map.of("ParameterName", "max_wal_senders", "ParameterValue", "20")), request.members("Parameters"));
    }

    @Test
    void identifiersAreStoredLowerCaseAndCheckedAsAwsChecksThem() {
        assertEquals("blue-cluster", QueryRequest.parse("Id=Blue-Cluster").identifier("Id"));
        for (String bad : List.of("1blue", "blue--green", "blue-", "blue_green")) {
            RdsFault fault = assertThrows(RdsFault.class, () -> QueryRequest.parse("Id=" + bad).identifier("Id"));
            assertEquals("InvalidParameterValue", fault.code());
        }
        assertEquals("MissingParameter",
                assertThrows(RdsFault.class, () -> QueryRequest.parse("A=1").identifier("Id")).code());
    }

    @Test
    void flagsAndDecoding() {
        QueryRequest request = QueryRequest.parse("A=true&B=x%2By%20z&C=");
        assertTrue(request.flag("A"));
        assertFalse(request.flag("C"));
        assertEquals("x+y z", request.required("B"));
        assertEquals("InvalidParameterValue", assertThrows(RdsFault.class, () -> request.flag("B")).code());
        assertFalse(request.toString().contains("x+y"), "values (passwords among them) never print");
    }
}
