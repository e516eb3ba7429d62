package io.bluegreen.local.rds;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ListTagsForResource}, {@code AddTagsToResource}, {@code RemoveTagsFromResource}, by ARN. */
final class TagActions {

    private final RdsState state;

    TagActions(RdsState state) {
        this.state = state;
    }

    void listTags(QueryRequest request, Xml body) {
        Responses.tagList(body, taggable(request).tags);
    }

    /** The resource an ARN ({@code ResourceName}) names, for its tags; AWS's NotFound error when it is gone. */
    Taggable taggable(QueryRequest request) {
        Arn arn = Arn.parse(request.required("ResourceName"), request.region());
        return switch (arn.kind()) {
            case "db" -> new Taggable(state.instance(arn.id()).tags);
            case "cluster" -> new Taggable(state.cluster(arn.id()).tags);
            case "snapshot" -> new Taggable(state.snapshot(arn.id(), false).tags);
            case "cluster-snapshot" -> new Taggable(state.snapshot(arn.id(), true).tags);
            case "pg" -> new Taggable(state.group(arn.id(), false).tags);
            case "cluster-pg" -> new Taggable(state.group(arn.id(), true).tags);
            default -> throw new IllegalStateException("Arn.parse let through kind " + arn.kind());
        };
    }

    record Taggable(Map<String, String> tags) {
    }

    Xml addTags(QueryRequest request) {
        Map<String, String> tags = Settings.tags(request);
        if (tags.isEmpty()) {
            throw RdsFault.missingParameter("Tags");
        }
        Map<String, String> current = taggable(request).tags;
        Map<String, String> merged = new LinkedHashMap<>(current);
        merged.putAll(tags);
        if (merged.size() > 50) {
            throw RdsFault.invalidParameter("A resource can have at most 50 tags; this one would have " + merged.size());
        }
        current.putAll(tags);
        return null;
    }

    Xml removeTags(QueryRequest request) {
        List<String> keys = request.strings("TagKeys");
        if (keys.isEmpty()) {
            throw RdsFault.missingParameter("TagKeys");
        }
        taggable(request).tags.keySet().removeAll(keys);
        return null;
    }
}
