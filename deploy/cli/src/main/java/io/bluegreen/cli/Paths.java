package io.bluegreen.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The API's paths. */
final class Paths {

    private Paths() {
    }

    static String upgrade(String id) {
        if (id == null || id.isBlank()) {
            throw CliException.badInput("no upgrade id", "the command line", "name the upgrade (bluegreen status lists them)");
        }
        return "/upgrades/" + URLEncoder.encode(id.strip(), StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String upgrade(String id, String tail) {
        return upgrade(id) + "/" + tail;
    }
}
