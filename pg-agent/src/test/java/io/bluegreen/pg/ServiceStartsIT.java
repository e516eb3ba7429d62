package io.bluegreen.pg;

import io.bluegreen.local.testbed.ServiceChecks;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.schemas.TopicSpec;
import io.bluegreen.schemas.Topics;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Test;

/** The pg-agent runs on the test bed's broker: healthy, scraped by Prometheus, topics created. */
@WithTestBed
class ServiceStartsIT {

    @Test
    void healthIsUpAndPrometheusIsScrapedAndTopicsExist() throws Exception {
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, ServiceChecks.properties())) {
            ServiceChecks.assertServes(server.getURL(), Topics.ALL.stream().map(TopicSpec::name).toList());
        }
    }
}
