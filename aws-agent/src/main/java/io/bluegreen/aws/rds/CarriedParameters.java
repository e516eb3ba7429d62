package io.bluegreen.aws.rds;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Blue's custom parameters as Green's parameter group of the target family carries them: every parameter the
 * target family has and lets users set keeps Blue's value, the others are dropped and named, and logical
 * replication is on whatever Blue said (where the group has it: not an Aurora instance group).
 *
 * @param kept    name to value, in Blue's order, {@code rds.logical_replication = 1} included
 * @param dropped names of Blue's parameters the target family does not have or does not let users set
 */
public record CarriedParameters(Map<String, String> kept, List<String> dropped) {

    public CarriedParameters {
        kept = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(kept));
        dropped = List.copyOf(dropped);
    }

    /**
     * @param blue       Blue's user-set parameters, name to value
     * @param modifiable the parameters the target family lets users set
     */
    public static CarriedParameters carry(Map<String, String> blue, Set<String> modifiable) {
        Map<String, String> kept = new LinkedHashMap<>();
        List<String> dropped = new ArrayList<>();
        blue.forEach((name, value) -> {
            if (modifiable.contains(name)) {
                kept.put(name, value);
            } else {
                dropped.add(name);
            }
        });
        if (modifiable.contains(RdsOperations.LOGICAL_REPLICATION)) { // a cluster's or an RDS instance's group
            kept.put(RdsOperations.LOGICAL_REPLICATION, "1");
        }
        return new CarriedParameters(kept, dropped);
    }
}
