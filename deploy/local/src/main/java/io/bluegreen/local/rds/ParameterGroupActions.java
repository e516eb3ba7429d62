package io.bluegreen.local.rds;

import io.bluegreen.local.postgres.PostgresBinaries;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code Create/Copy/Modify/Describe/DeleteDB[Cluster]ParameterGroup}, {@code DescribeDB[Cluster]Parameters} and
 * {@code DescribeEngineDefault[Cluster]Parameters}, against the {@link ParameterCatalog}.
 */
final class ParameterGroupActions {

    private final RdsState state;

    ParameterGroupActions(RdsState state) {
        this.state = state;
    }

    static String groupParameter(boolean cluster) {
        return cluster ? "DBClusterParameterGroupName" : "DBParameterGroupName";
    }

    void createGroup(QueryRequest request, Xml body, boolean cluster) {
        String name = Identifiers.parameterGroup(groupParameter(cluster), request.required(groupParameter(cluster)));
        String family = request.required("DBParameterGroupFamily");
        String description = request.required("Description");
        checkFamily(family);
        requireNewGroup(name, cluster);
        Model.ParameterGroup g = new Model.ParameterGroup();
        g.name = name;
        g.cluster = cluster;
        g.family = family;
        g.description = description;
        g.tags.putAll(Settings.tags(request));
        state.groups.put(state.groupKey(name, cluster), g);
        Responses.parameterGroup(body, request.region(), g);
    }

    static void checkFamily(String family) {
        if (!ParameterCatalog.isFamily(family)) {
            throw RdsFault.invalidParameter("Invalid DBParameterGroupFamily " + family + ": the local endpoint has "
                    + String.join(", ", ParameterCatalog.FAMILIES));
        }
    }

    void requireNewGroup(String name, boolean cluster) {
        if (state.groups.containsKey(state.groupKey(name, cluster))) {
            throw new RdsFault("DBParameterGroupAlreadyExists", 400, "Parameter group " + name + " already exists");
        }
    }

    void copyGroup(QueryRequest request, Xml body, boolean cluster) {
        String kind = cluster ? "DBClusterParameterGroup" : "DBParameterGroup";
        String sourceName = request.required("Source" + kind + "Identifier");
        if (sourceName.startsWith("arn:")) {
            Arn arn = Arn.parse(sourceName, request.region());
            if (!arn.kind().equals(cluster ? "cluster-pg" : "pg")) {
                throw RdsFault.invalidParameter("Source" + kind + "Identifier " + sourceName + " is not the ARN of a "
                        + kind);
            }
            sourceName = arn.id();
        }
        Model.ParameterGroup source = state.group(sourceName, cluster);
        String name = Identifiers.parameterGroup("Target" + kind + "Identifier", request.required("Target" + kind + "Identifier"));
        String description = request.required("Target" + kind + "Description");
        Map<String, String> tags = Settings.tags(request);
        requireNewGroup(name, cluster);
        Model.ParameterGroup g = new Model.ParameterGroup();
        g.name = name;
        g.cluster = cluster;
        g.family = source.family;
        g.description = description;
        g.parameters.putAll(source.parameters);
        g.methods.putAll(source.methods);
        g.tags.putAll(tags);
        state.groups.put(state.groupKey(name, cluster), g);
        Responses.parameterGroup(body, request.region(), g);
    }

    /**
     * Sets parameters as AWS checks them: the group is the caller's own, each parameter is in the family's catalogue
     * and modifiable, its value allowed, and a static one waits for a reboot ({@code ApplyMethod=immediate} is
     * refused). A static change makes every resource using the group {@code pending-reboot}.
     */
    void modifyGroup(QueryRequest request, Xml body, boolean cluster) {
        String element = groupParameter(cluster);
        Model.ParameterGroup g = state.group(request.required(element), cluster);
        if (g.name.startsWith("default.")) {
            throw RdsFault.invalidParameter("Default parameter group " + g.name + " cannot be modified: create your own"
                    + " group (or CopyDB" + (cluster ? "Cluster" : "") + "ParameterGroup from it), modify it and attach it");
        }
        List<Map<String, String>> parameters = request.members("Parameters");
        if (parameters.isEmpty()) {
            throw RdsFault.missingParameter("Parameters");
        }
        if (parameters.size() > 20) {
            throw RdsFault.invalidParameter("A request can modify at most 20 parameters; it has " + parameters.size());
        }
        Map<String, String> changes = new LinkedHashMap<>();
        Map<String, String> methods = new LinkedHashMap<>();
        boolean staticChange = false;
        for (Map<String, String> parameter : parameters) {
            String parameterName = parameter.get("ParameterName");
            String value = parameter.get("ParameterValue");
            if (parameterName == null || value == null) {
                throw RdsFault.missingParameter("Parameters.Parameter.N.ParameterName and ParameterValue");
            }
            ParameterCatalog.Definition definition = ParameterCatalog.find(g.family, cluster, parameterName)
                    .orElseThrow(() -> RdsFault.invalidParameter("Could not find parameter with name: " + parameterName));
            if (!definition.modifiable()) {
                throw RdsFault.invalidParameter("The parameter " + parameterName + " cannot be modified.");
            }
            String method = parameter.getOrDefault("ApplyMethod", definition.isStatic() ? "pending-reboot" : "immediate");
            if (!method.equals("immediate") && !method.equals("pending-reboot")) {
                throw RdsFault.invalidParameter("Invalid ApplyMethod " + method + " for " + parameterName
                        + ": immediate or pending-reboot");
            }
            if (definition.isStatic() && method.equals("immediate")) {
                throw RdsFault.invalidCombination("cannot use immediate apply method for static parameter "
                        + parameterName + ": use pending-reboot");
            }
            definition.check(value);
            changes.put(parameterName, value);
            methods.put(parameterName, method);
            staticChange |= definition.isStatic() && !value.equals(g.parameters.get(parameterName));
        }
        g.parameters.putAll(changes);
        g.methods.putAll(methods);
        if (staticChange) {
            markPendingReboot(g);
        }
        body.element(element, g.name);
    }

    void markPendingReboot(Model.ParameterGroup g) {
        if (g.cluster) {
            state.clusters.values().stream().filter(c -> g.name.equals(c.parameterGroup)).forEach(c -> c.pendingReboot = true);
        } else {
            state.instances.values().stream().filter(i -> g.name.equals(i.parameterGroup)).forEach(i -> i.pendingReboot = true);
        }
    }

    void describeGroups(QueryRequest request, Xml body, boolean cluster) {
        Optional<String> name = request.optional(groupParameter(cluster));
        String list = cluster ? "DBClusterParameterGroups" : "DBParameterGroups";
        List<Model.ParameterGroup> found = name.isPresent() ? List.of(state.group(name.get(), cluster))
                : state.groups.values().stream().filter(g -> g.cluster == cluster).toList();
        Page<Model.ParameterGroup> page = Page.of(found, request);
        body.open(list);
        page.items().forEach(g -> Responses.parameterGroup(body, request.region(), g));
        body.close(list).element("Marker", page.marker());
    }

    /** A group's parameters: the catalogue of its family, each with the user's value or the default. */
    void describeParameters(QueryRequest request, Xml body, boolean cluster) {
        Model.ParameterGroup g = state.group(request.required(groupParameter(cluster)), cluster);
        Optional<String> source = request.optional("Source").map(value -> switch (value) {
            case "user", "system", "engine-default" -> value;
            case "engine" -> "engine-default";
            default -> throw RdsFault.invalidParameter("Invalid Source " + value
                    + ": user, engine-default or system");
        });
        List<Responses.ParameterValue> values = new ArrayList<>();
        for (ParameterCatalog.Definition definition : ParameterCatalog.parameters(g.family, cluster)) {
            String user = g.parameters.get(definition.name());
            Responses.ParameterValue value = user == null
                    ? new Responses.ParameterValue(definition, definition.defaultValue(), definition.source(),
                    definition.isStatic() ? "pending-reboot" : "immediate")
                    : new Responses.ParameterValue(definition, user, "user", g.methods.getOrDefault(definition.name(),
                    definition.isStatic() ? "pending-reboot" : "immediate"));
            if (source.isEmpty() || source.get().equals(value.source())) {
                values.add(value);
            }
        }
        Page<Responses.ParameterValue> page = Page.of(values, request);
        Responses.parameters(body, page.items());
        body.element("Marker", page.marker());
    }

    /** The catalogue's defaults of a family ({@code DescribeEngineDefault[Cluster]Parameters}). */
    void describeEngineDefaults(QueryRequest request, Xml body, boolean cluster) {
        String family = request.required("DBParameterGroupFamily");
        checkFamily(family);
        List<Responses.ParameterValue> values = ParameterCatalog.parameters(family, cluster).stream()
                .map(d -> new Responses.ParameterValue(d, d.defaultValue(), d.source(),
                        d.isStatic() ? "pending-reboot" : "immediate")).toList();
        Page<Responses.ParameterValue> page = Page.of(values, request);
        body.open("EngineDefaults").element("DBParameterGroupFamily", family).element("Marker", page.marker());
        Responses.parameters(body, page.items());
        body.close("EngineDefaults");
    }

    Xml deleteGroup(QueryRequest request, boolean cluster) {
        Model.ParameterGroup g = state.group(request.required(groupParameter(cluster)), cluster);
        String name = g.name;
        if (name.startsWith("default.")) {
            throw new RdsFault("InvalidDBParameterGroupState", 400, "Default parameter group " + name
                    + " cannot be deleted");
        }
        boolean inUse = cluster ? state.clusters.values().stream().anyMatch(c -> name.equals(c.parameterGroup))
                : state.instances.values().stream().anyMatch(i -> name.equals(i.parameterGroup));
        if (inUse) {
            throw new RdsFault("InvalidDBParameterGroupState", 400, "Parameter group " + name
                    + " is in use; attach another group first");
        }
        state.groups.remove(state.groupKey(name, cluster));
        return null;
    }

    /**
     * The {@code default.<family>} groups AWS has in every account: a DB parameter group per family, and a DB cluster
     * parameter group per family (Aurora's, and the RDS families' for Multi-AZ DB clusters).
     */
    void ensureDefaultGroups() {
        for (String engine : List.of(EngineVersion.POSTGRES, EngineVersion.AURORA)) {
            for (int major : io.bluegreen.local.postgres.PostgresBinaries.SUPPORTED_MAJORS) {
                String family = engine + major;
                for (boolean cluster : new boolean[]{false, true}) {
                    state.groups.computeIfAbsent(state.groupKey("default." + family, cluster), key -> {
                        Model.ParameterGroup g = new Model.ParameterGroup();
                        g.name = "default." + family;
                        g.cluster = cluster;
                        g.family = family;
                        g.description = "Default " + (cluster ? "cluster " : "") + "parameter group for " + family;
                        return g;
                    });
                }
            }
        }
    }
}
