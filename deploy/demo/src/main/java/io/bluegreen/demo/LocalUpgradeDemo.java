package io.bluegreen.demo;

/**
 * Rehearses one whole upgrade on the embedded local stack with the demo's own schema and workload
 * ({@link DemoOptions#defaults()}) and exits 0 when it is proven ({@link DemoRun.Report#proven()}), 1 otherwise, 2
 * when an option cannot be run. {@code mvn -B -Pdemo -DskipTests -pl deploy/demo -am verify}.
 */
public final class LocalUpgradeDemo {

    private LocalUpgradeDemo() {
    }

    public static void main(String[] args) throws Exception {
        DemoRun.Report report;
        try {
            report = new DemoRun(System.out, DemoOptions.defaults()).run();
        } catch (IllegalArgumentException e) {
            System.err.println("bluegreen rehearsal: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(report.proven() ? 0 : 1);
    }
}
