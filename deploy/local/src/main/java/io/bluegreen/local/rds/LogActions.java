package io.bluegreen.local.rds;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** {@code DescribeDBLogFiles} and {@code DownloadDBLogFilePortion}: one log file per server, paged as on AWS. */
final class LogActions {

    private final RdsState state;
    private final Servers servers;

    LogActions(RdsState state, Servers servers) {
        this.state = state;
        this.servers = servers;
    }

    private static final DateTimeFormatter LOG_NAME = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH").withZone(ZoneOffset.UTC);

    void describeLogFiles(QueryRequest request, Xml body) {
        Model.Instance i = state.instance(request.identifier("DBInstanceIdentifier"));
        body.open("DescribeDBLogFiles");
        Optional<String> serverId = state.serverIdOf(i.identifier);
        if (serverId.isPresent() && servers.isRunning(serverId.get())) {
            Path log = servers.postgres(serverId.get()).logFile();
            try {
                body.open("DescribeDBLogFilesDetails")
                        .element("LogFileName", logFileName(serverId.get()))
                        .element("LastWritten", Files.getLastModifiedTime(log).toMillis())
                        .element("Size", Files.size(log))
                        .close("DescribeDBLogFilesDetails");
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read " + log + ": " + e.getMessage(), e);
            }
        }
        body.close("DescribeDBLogFiles");
    }

    void downloadLog(QueryRequest request, Xml body) {
        Model.Instance i = state.instance(request.identifier("DBInstanceIdentifier"));
        String name = request.required("LogFileName");
        Optional<String> serverId = state.serverIdOf(i.identifier);
        if (serverId.isEmpty() || !servers.isRunning(serverId.get()) || !name.equals(logFileName(serverId.get()))) {
            throw new RdsFault("DBLogFileNotFoundFault", 404, "DBLog File " + name + " is not found on the DB instance "
                    + i.identifier + "; list the files with DescribeDBLogFiles");
        }
        Path log = servers.postgres(serverId.get()).logFile();
        try {
            LogPortion portion = LogPortion.of(Files.readAllBytes(log), request.optional("Marker"),
                    request.integer("NumberOfLines"));
            body.element("LogFileData", portion.data()).element("Marker", portion.marker())
                    .element("AdditionalDataPending", portion.pending());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + log + ": " + e.getMessage(), e);
        }
    }

    String logFileName(String serverId) {
        Model.Server server = state.servers.get(serverId);
        Instant created;
        try {
            created = Files.getLastModifiedTime(Path.of(server.root).resolve("data").resolve("PG_VERSION")).toInstant();
        } catch (IOException e) {
            created = Instant.EPOCH;
        }
        return "error/postgresql.log." + LOG_NAME.format(created);
    }
}
