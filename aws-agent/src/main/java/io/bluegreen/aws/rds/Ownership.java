package io.bluegreen.aws.rds;

import software.amazon.awssdk.services.rds.model.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which AWS resources an upgrade made: everything bluegreen creates (Green, its instances, the seed snapshot,
 * parameter groups) carries the tag {@value #TAG} with the upgrade's id, and bluegreen deletes or changes only
 * what carries its own upgrade's id.
 */
public final class Ownership {

    public static final String TAG = "bluegreen:upgrade-id";

    private Ownership() {
    }

    /**
     * The tags of a resource made for {@code upgradeId}: Blue's own tags (cost allocation, owner, ...) without
     * AWS's reserved {@code aws:} ones and without Blue's own ownership tag, plus this upgrade's.
     */
    public static List<Tag> tagsFor(String upgradeId, Map<String, String> blueTags) {
        List<Tag> tags = new ArrayList<>();
        blueTags.forEach((key, value) -> {
            if (!key.startsWith("aws:") && !TAG.equals(key)) {
                tags.add(Tag.builder().key(key).value(value).build());
            }
        });
        tags.add(Tag.builder().key(TAG).value(upgradeId).build());
        return tags;
    }

    /** Whether these tags say the resource was made by {@code upgradeId}. */
    public static boolean madeBy(Map<String, String> tags, String upgradeId) {
        return upgradeId.equals(tags.get(TAG));
    }
}
