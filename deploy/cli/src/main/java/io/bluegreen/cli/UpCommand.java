package io.bluegreen.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bluegreen.demo.LocalStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bluegreen up}: the embedded local stack in the foreground (Kafka, the local RDS endpoint, every service),
 * its endpoints, and the credentials to use it, each password in a file only its owner reads. Ctrl-C stops
 * everything and deletes the files.
 */
@Command(name = "up", description = {
        "Starts the local stack in the foreground: a KRaft Kafka broker, the local RDS endpoint (real PostgreSQL 16 and "
                + "17 behind it) and every service (coordinator, aws-agent, pg-agent, monitor) on loopback.",
        "Prints every endpoint and the credentials to use them: the API user's password, the database master "
                + "password and the AWS secret key of the local RDS endpoint are written to files of mode 600 under "
                + "$XDG_RUNTIME_DIR/bluegreen/local (or ~/.bluegreen/local), never printed. Prints 'ready' last. "
                + "Ctrl-C stops everything and deletes the files."})
final class UpCommand implements Callable<Integer> {

    /** Names of the mode-600 files that hold the run-time logins and AWS key of the local stack (made per start). */
    static final String API_LOGIN_FILE_NAME = "api-password";
    static final String MASTER_LOGIN_FILE_NAME = "master-password";
    static final String AWS_KEY_FILE_NAME = "aws-secret-access-key";

    @ParentCommand
    Main main;

    @Option(names = "--master-user", paramLabel = "NAME", defaultValue = "app_admin",
            description = "the master user of the databases created on the local RDS endpoint (default ${DEFAULT-VALUE})")
    String masterUser;

    @Override
    public Integer call() throws Exception {
        Environment env = main.environment();
        Path directory = credentialsDirectory(env);
        env.err().println("starting Kafka (KRaft), the local RDS endpoint and the services...");
        long began = System.nanoTime();
        String masterPassword = LocalStack.generatedMasterPassword();
        LocalStack stack = LocalStack.builder(masterUser, masterPassword).start();
        Path apiPassword = directory.resolve(API_LOGIN_FILE_NAME);
        Path masterPasswordFile = directory.resolve(MASTER_LOGIN_FILE_NAME);
        Path awsSecretKeyFile = directory.resolve(AWS_KEY_FILE_NAME);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stack.close();
            } finally {
                deleteQuietly(apiPassword);
                deleteQuietly(masterPasswordFile);
                deleteQuietly(awsSecretKeyFile);
                stopped.countDown();
            }
        }, "bluegreen-up-stop"));
        writeSecret(apiPassword, stack.apiUser().password());
        writeSecret(masterPasswordFile, masterPassword);
        writeSecret(awsSecretKeyFile, stack.awsSecretAccessKey());

        String coordinator = stack.coordinator().toString().replaceAll("/+$", "");
        String rds = stack.emulator().endpoint().toString().replaceAll("/+$", "");
        String log = Path.of(System.getProperty("java.io.tmpdir"), "bluegreen-demo.log").toString();
        if (main.json()) {
            ObjectNode up = JsonNodeFactory.instance.objectNode();
            up.put("api", coordinator);
            up.put("openapi", coordinator + "/openapi/bluegreen-coordinator-1.yml");
            up.put("web", coordinator + "/ui/");
            up.put("health", coordinator + "/health");
            up.put("prometheus", coordinator + "/prometheus");
            up.put("kafkaBootstrapServers", stack.kafkaBootstrapServers());
            up.put("rdsEndpoint", rds);
            up.put("region", LocalStack.REGION);
            up.put("apiUser", stack.apiUser().name());
            up.put("apiPasswordFile", apiPassword.toString());
            up.put("masterUser", masterUser);
            up.put("masterPasswordFile", masterPasswordFile.toString());
            up.put("awsAccessKeyId", LocalStack.ACCESS_KEY);
            up.put("awsSecretAccessKeyFile", awsSecretKeyFile.toString());
            up.put("credentialsRef", LocalStack.CREDENTIALS_REF);
            up.put("servicesLog", log);
            env.out().println(up.toString());
            env.out().flush();
            env.err().println("ready");
        } else {
            PrintStream out = env.out();
            out.printf("bluegreen local stack, up in %.1f s%n", (System.nanoTime() - began) / 1e9);
            out.println("  REST API        " + coordinator + "/upgrades");
            out.println("  OpenAPI         " + coordinator + "/openapi/bluegreen-coordinator-1.yml");
            out.println("  web view        " + coordinator + "/ui/ (log in as the API user)");
            out.println("  health          " + coordinator + "/health");
            out.println("  metrics         " + coordinator + "/prometheus");
            out.println("  Kafka           " + stack.kafkaBootstrapServers());
            out.println("  local RDS       " + rds + " (region " + LocalStack.REGION + ")");
            out.println("  services' log   " + log);
            out.println();
            out.println("Use the API from another shell:");
            out.println("  export BLUEGREEN_API=" + coordinator + " BLUEGREEN_USER=" + stack.apiUser().name()
                    + " BLUEGREEN_PASSWORD_FILE=" + apiPassword);
            out.println("  ./bluegreen status");
            out.println();
            out.println("The local RDS endpoint (aws CLI v2), signed with the stack's own key:");
            out.println("  export AWS_ACCESS_KEY_ID=" + LocalStack.ACCESS_KEY + " AWS_SECRET_ACCESS_KEY=\"$(cat "
                    + awsSecretKeyFile + ")\"");
            out.println("  aws rds --endpoint-url " + rds + " --region " + LocalStack.REGION + " describe-db-instances");
            out.println("Create Blue with master user " + masterUser + " and the password in " + masterPasswordFile
                    + "; a plan names these credentials \"credentialsRef\": \"" + LocalStack.CREDENTIALS_REF + "\":");
            out.println("  aws rds --endpoint-url " + rds + " --region " + LocalStack.REGION + " create-db-instance "
                    + "--db-instance-identifier orders --engine postgres --engine-version 16.15 "
                    + "--db-instance-class db.t3.medium --allocated-storage 20 --master-username " + masterUser
                    + " --master-user-password \"$(cat " + masterPasswordFile + ")\"");
            out.println();
            out.println("Ctrl-C stops everything and deletes the password and key files.");
            out.println("ready");
            out.flush();
        }
        stopped.await();
        return ExitCodes.OK;
    }

    /**
     * {@code $XDG_RUNTIME_DIR/bluegreen/local}, or {@code ~/.bluegreen/local}; made with mode 700 (the directories it
     * creates too).
     */
    static Path credentialsDirectory(Environment env) {
        Path directory = env.get("XDG_RUNTIME_DIR").map(runtime -> Path.of(runtime, "bluegreen", "local"))
                .orElseGet(() -> Path.of(env.get("HOME").orElse(System.getProperty("user.home")), ".bluegreen", "local"));
        try {
            createPrivate(directory);
            return directory;
        } catch (IOException | UncheckedIOException e) {
            throw CliException.badInput("cannot make the directory for the password files (" + e.getMessage() + ")",
                    directory.toString(), "set XDG_RUNTIME_DIR or HOME to a directory this user can write");
        }
    }

    private static void createPrivate(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            return;
        }
        Path parent = directory.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            createPrivate(parent);
        }
        Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** A file of mode 600 holding {@code secret}, made with that mode (never readable by others, not even briefly). */
    static void writeSecret(Path file, String secret) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the JVM is stopping: nothing else to do
        }
    }
}
