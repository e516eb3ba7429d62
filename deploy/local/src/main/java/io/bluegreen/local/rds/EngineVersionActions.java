package io.bluegreen.local.rds;

import java.util.List;

/** {@code DescribeDBEngineVersions}, from the {@link EngineCatalog}. */
final class EngineVersionActions {

    private EngineVersionActions() {
    }

    static void describeEngineVersions(QueryRequest request, Xml body) {
        List<String> engines = request.optional("Engine").map(e -> List.of(EngineVersion.checkEngine(e)))
                .orElse(List.of(EngineVersion.POSTGRES, EngineVersion.AURORA));
        body.open("DBEngineVersions");
        for (String engine : engines) {
            for (EngineCatalog.Listed listed : EngineCatalog.list(engine, request.optional("EngineVersion"),
                    request.optional("DBParameterGroupFamily"))) {
                Responses.engineVersion(body, listed);
            }
        }
        body.close("DBEngineVersions");
    }
}
