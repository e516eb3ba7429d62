package io.bluegreen.local.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Debian's headless Chromium and its WebDriver ({@code chromium}, {@code chromium-driver}) for the tests that drive
 * the web view: installed with apt-get when missing (an {@code apt-get update} first only if the install cannot find
 * them), as the test bed provides its other parts. Needs root, as the tests run.
 */
public final class Chromium {

    public static final Path BROWSER = Path.of("/usr/bin/chromium");
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final List<String> PACKAGES = List.of("chromium", "chromium-driver");
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
    private static final Map<String, String> NON_INTERACTIVE = Map.of("DEBIAN_FRONTEND", "noninteractive");

    private Chromium() {
    }

    /** Chromium and chromedriver, installed first when either is missing. */
    public static synchronized Chromium installed() {
        if (!present()) {
            install();
        }
        return new Chromium();
    }

    public Path browser() {
        return BROWSER;
    }

    public Path driver() {
        return DRIVER;
    }

    /**
     * The flags that run it here: headless, as root, and quiet on a closed network (no background fetches, no update
     * or sync calls that the network would refuse).
     */
    public List<String> flags(Path userDataDir) {
        return List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + userDataDir);
    }

    private static boolean present() {
        return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    }

    private static void install() {
        List<String> install = List.of("apt-get", "install", "-y", PACKAGES.get(0), PACKAGES.get(1));
        try {
            Processes.run(install, null, NON_INTERACTIVE, INSTALL_TIMEOUT);
        } catch (RuntimeException first) {
            try {
                Processes.run(List.of("apt-get", "update"), null, NON_INTERACTIVE, INSTALL_TIMEOUT);
                Processes.run(install, null, NON_INTERACTIVE, INSTALL_TIMEOUT);
            } catch (RuntimeException second) {
                second.addSuppressed(first);
                throw new IllegalStateException("Chromium is needed to test the web view and could not be installed ("
                        + Processes.display(install) + ", as root, with Debian's package sources reachable): install the "
                        + "packages " + PACKAGES + " so that " + BROWSER + " and " + DRIVER + " exist, then run again. "
                        + second.getMessage(), second);
            }
        }
        if (!present()) {
            throw new IllegalStateException("apt-get installed " + PACKAGES + " but " + BROWSER + " or " + DRIVER
                    + " is still missing: check the packages' contents (dpkg -L chromium chromium-driver)");
        }
    }
}
