package io.bluegreen.local.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretsManagerEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final SecretsManagerEndpoint endpoint = new SecretsManagerEndpoint();

    private JsonNode call(String action, String body, int expectedStatus) throws Exception {
        SecretsManagerEndpoint.Answer answer = endpoint.answer("secretsmanager." + action, body, "eu-west-1");
        assertEquals(expectedStatus, answer.status(), answer.json());
        return JSON.readTree(answer.json());
    }

    @Test
    void aPutValueBecomesCurrentAndTheOldOnePrevious() throws Exception {
        JsonNode created = call("CreateSecret", "{\"Name\": \"bluegreen/blue\", \"SecretString\": \"first\"}", 200);
        assertTrue(created.get("ARN").asText().startsWith("arn:aws:secretsmanager:eu-west-1:000000000000:secret:bluegreen/blue-"),
                created.toString());
        assertEquals("bluegreen/blue", created.get("Name").asText());

        JsonNode current = call("GetSecretValue", "{\"SecretId\": \"bluegreen/blue\"}", 200);
        assertEquals("first", current.get("SecretString").asText());
        assertEquals("[\"AWSCURRENT\"]", current.get("VersionStages").toString());
        assertTrue(current.get("CreatedDate").isNumber(), "a timestamp in epoch seconds, as the JSON protocol has it");

        JsonNode put = call("PutSecretValue", "{\"SecretId\": \"bluegreen/blue\", \"SecretString\": \"second\", "
                + "\"ClientRequestToken\": \"token-2\"}", 200);
        assertEquals("token-2", put.get("VersionId").asText());
        assertEquals("second", call("GetSecretValue", "{\"SecretId\": \"" + created.get("ARN").asText() + "\"}", 200)
                .get("SecretString").asText(), "found by ARN as well as by name");
        assertEquals("first", call("GetSecretValue", "{\"SecretId\": \"bluegreen/blue\", \"VersionStage\": \"AWSPREVIOUS\"}", 200)
                .get("SecretString").asText());

        call("PutSecretValue", "{\"SecretId\": \"bluegreen/blue\", \"SecretString\": \"second\", \"ClientRequestToken\": \"token-2\"}", 200);
        assertEquals("ResourceExistsException", call("PutSecretValue", "{\"SecretId\": \"bluegreen/blue\", "
                + "\"SecretString\": \"third\", \"ClientRequestToken\": \"token-2\"}", 400).get("__type").asText());
        assertEquals("first", call("GetSecretValue", "{\"SecretId\": \"bluegreen/blue\", \"VersionStage\": \"AWSPREVIOUS\"}", 200)
                .get("SecretString").asText(), "the same token sent again changed nothing");
        assertEquals(4, endpoint.calls("GetSecretValue"));
        assertEquals(3, endpoint.calls("PutSecretValue"));
    }

    @Test
    void errorsCarryAwsTypes() throws Exception {
        JsonNode missing = call("GetSecretValue", "{\"SecretId\": \"nope\"}", 400);
        assertEquals("ResourceNotFoundException", missing.get("__type").asText());
        assertFalse(missing.get("message").asText().isBlank());
        call("CreateSecret", "{\"Name\": \"taken\", \"SecretString\": \"x\"}", 200);
        assertEquals("ResourceExistsException", call("CreateSecret", "{\"Name\": \"taken\"}", 400).get("__type").asText());
        assertEquals("ResourceNotFoundException", call("PutSecretValue", "{\"SecretId\": \"nope\", \"SecretString\": \"x\"}", 400)
                .get("__type").asText());
        assertEquals("InvalidRequestException", call("CreateSecret", "{\"Name\": \"binary\", \"SecretBinary\": \"AAAA\"}", 400)
                .get("__type").asText());
        assertEquals("UnknownOperationException", call("RotateSecret", "{\"SecretId\": \"taken\"}", 400).get("__type").asText());
        assertEquals("ResourceNotFoundException", call("GetSecretValue", "{\"SecretId\": \"taken\", \"VersionId\": \"nope\"}", 400)
                .get("__type").asText());
    }

    @Test
    void aBodyThatIsNotJsonIsNotQuotedBack() throws Exception {
        JsonNode refused = call("PutSecretValue", "{\"SecretId\": \"x\", \"SecretString\": \"hunter2-value", 400);
        assertEquals("SerializationException", refused.get("__type").asText());
        assertFalse(refused.toString().contains("hunter2"), refused.toString());
    }
}
