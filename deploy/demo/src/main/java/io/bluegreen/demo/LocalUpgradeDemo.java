package io.bluegreen.demo;

import java.time.Duration;

/**
 * Runs one whole upgrade on the embedded local stack and exits 0 when it is proven (completed, every write on
 * Green, sequences work), 1 otherwise. {@code mvn -B -Pdemo -DskipTests -pl deploy/demo -am verify}.
 */
public final class LocalUpgradeDemo {

    private LocalUpgradeDemo() {
    }

    public static void main(String[] args) throws Exception {
        DemoRun.Report report = new DemoRun(System.out, Duration.ofMinutes(10), LocalStack.generatedMasterPassword()).run();
        System.out.println();
        System.out.println("  time per phase:");
        DemoRun.lines(report.phases()).forEach(line -> System.out.println("    " + line));
        System.out.println(report.proven() ? "  PROVEN: the upgrade completed and lost nothing"
                : "  NOT PROVEN: " + (report.failure() == null ? "see above" : report.failure()));
        System.exit(report.proven() ? 0 : 1);
    }
}
