package io.bluegreen.local.rds;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DescribeDBLogFilesDetails;
import software.amazon.awssdk.services.rds.model.DownloadDbLogFilePortionResponse;
import software.amazon.awssdk.services.rds.waiters.RdsWaiter;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real AWS SDK v2 client pointed at an emulator, as the aws-agent builds it in local mode. */
final class Rds {

    static final String MASTER = "app_admin";
    static final String PASSWORD = "local-Secret-42";
    private static final Pattern END_OF_WAL = Pattern.compile("invalid record length at ([0-9A-F]+/[0-9A-F]+)");

    private Rds() {
    }

    static RdsClient client(RdsEmulator emulator) {
        return RdsClient.builder()
                .endpointOverride(emulator.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** The SDK's waiters, polling every 100 ms instead of every 30 s. */
    static RdsWaiter waiter(RdsClient client) {
        return RdsWaiter.builder().client(client).overrideConfiguration(WaiterOverrideConfiguration.builder()
                .backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(100)))
                .maxAttempts(3000).waitTimeout(Duration.ofMinutes(5)).build()).build();
    }

    static Connection connect(String host, int port, String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, MASTER, PASSWORD);
    }

    /** Every page of every log file of an instance, joined; records each page's size in {@code pages}. */
    static String downloadLog(RdsClient client, String instance, int linesPerPage, List<String> pages) {
        StringBuilder text = new StringBuilder();
        List<DescribeDBLogFilesDetails> files = client.describeDBLogFiles(r -> r.dbInstanceIdentifier(instance))
                .describeDBLogFiles();
        for (DescribeDBLogFilesDetails file : files) {
            String marker = "0";
            while (true) {
                String from = marker;
                DownloadDbLogFilePortionResponse page = client.downloadDBLogFilePortion(r -> r.dbInstanceIdentifier(instance)
                        .logFileName(file.logFileName()).marker(from).numberOfLines(linesPerPage));
                pages.add(page.logFileData() == null ? "" : page.logFileData());
                text.append(page.logFileData() == null ? "" : page.logFileData());
                if (!page.additionalDataPending()) {
                    break;
                }
                marker = page.marker();
            }
        }
        return text.toString();
    }

    static String endOfWal(String log) {
        Matcher matcher = END_OF_WAL.matcher(log);
        if (!matcher.find()) {
            throw new AssertionError("no 'invalid record length at' line in the log:\n" + log);
        }
        return matcher.group(1);
    }

    static List<String> lines(String text) {
        return new ArrayList<>(List.of(text.split("\n")));
    }
}
