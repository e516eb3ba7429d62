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

    @Test
    void listsOfStringsInIndexOrderAndTheSigningRegion() {
        QueryRequest request = QueryRequest.parse("VpcSecurityGroupIds.VpcSecurityGroupId.2=sg-2"
                + "&VpcSecurityGroupIds.VpcSecurityGroupId.1=sg-1&TagKeys.member.1=team")
                .signedWith("AWS4-HMAC-SHA256 Credential=local/20261201/eu-west-1/rds/aws4_request, SignedHeaders=host");
        assertEquals(List.of("sg-1", "sg-2"), request.strings("VpcSecurityGroupIds"));
        assertEquals(List.of("team"), request.strings("TagKeys"));
        assertEquals(List.of(), request.strings("Nothing"));
        assertEquals("eu-west-1", request.region());
        assertEquals("local", QueryRequest.parse("A=1").signedWith(null).region());
    }

    @Test
    void arnsNameAnRdsResourceOfThisAccountAndRegion() {
        assertEquals(new Arn("cluster-pg", "default.aurora-postgresql16"),
                Arn.parse("arn:aws:rds:us-east-1:000000000000:cluster-pg:default.aurora-postgresql16", "us-east-1"));
        assertEquals(new Arn("db", "blue-1"), Arn.parse("arn:aws:rds:us-east-1:000000000000:db:Blue-1", "us-east-1"));
        for (String bad : List.of("arn:aws:rds:eu-west-1:000000000000:db:blue", "arn:aws:rds:us-east-1:111111111111:db:blue",
                "arn:aws:s3:::bucket", "blue")) {
            assertEquals("InvalidParameterValue", assertThrows(RdsFault.class, () -> Arn.parse(bad, "us-east-1")).code(), bad);
        }
    }
}
