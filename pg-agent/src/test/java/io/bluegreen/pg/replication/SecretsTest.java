package io.bluegreen.pg.replication;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class SecretsTest {

    @Test
    void masksKnownSecretsAndAnyPasswordPair() {
        Secrets secrets = new Secrets();
        secrets.remember("s3cr3t-value");
        String text = "could not connect: host=h password='p \\'q' user=u; then s3cr3t-value again; password=plain rest";
        String out = secrets.redact(text);
        assertFalse(out.contains("s3cr3t-value"), out);
        assertFalse(out.contains("plain"), out);
        assertFalse(out.contains("\\'q"), out);
        assertEquals("could not connect: host=h password=**** user=u; then **** again; password=**** rest", out);
    }

    @Test
    void shortValuesAreNotRememberedSoWordsSurvive() {
        Secrets secrets = new Secrets();
        secrets.remember("on");
        assertEquals("slot is on", secrets.redact("slot is on"));
    }
}
