package io.bluegreen.aws.lsn;

import io.bluegreen.schemas.Lsn;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a clone's snapshot LSN in its PostgreSQL server log (the seed's method 2).
 *
 * <p>When a physical copy first starts, crash recovery replays WAL until it reads past the end of what was
 * copied and logs where that end is, e.g. {@code invalid record length at 0/1000FB78: expected at least 24, got
 * 0} (older servers: {@code ... wanted 24, got 0}; also {@code record with incorrect prev-link 0/2000060 at
 * 0/3000938}, {@code record with zero length at ...}, or, when the copy ends exactly on a WAL page boundary,
 * {@code invalid magic number 0000 in WAL segment ..., LSN 0/3002000, offset ...}). That position is the snapshot LSN: the first byte
 * the copy does not hold. The {@code redo done at} line names the start of the last replayed record and is
 * wrong for this purpose (advancing a slot there replays one transaction twice).
 *
 * <p>Only the first recovery in the log counts: from its first line ({@code database system was interrupted},
 * {@code starting backup recovery}, {@code redo starts at}, ...) to {@code redo done at} (or {@code redo is not
 * required}). A later crash restart logs its own end-of-WAL line, which has nothing to do with the
 * clone. Pure: text in, result out.
 */
public final class StartupLogParser {

    private static final Pattern RECOVERY_BEGINS = Pattern.compile("redo starts at |database system was interrupted"
            + "|starting backup recovery|database system was not properly shut down|starting point-in-time recovery");
    private static final Pattern REDO_STARTS_LINE = Pattern.compile("redo starts at ");
    private static final Pattern RECOVERY_ENDS = Pattern.compile("redo done at |redo is not required");
    private static final List<Pattern> END_OF_WAL = List.of(
            Pattern.compile("invalid record length at ([0-9A-Fa-f]+/[0-9A-Fa-f]+)"),
            Pattern.compile("record with incorrect prev-link [0-9A-Fa-f]+/[0-9A-Fa-f]+ at ([0-9A-Fa-f]+/[0-9A-Fa-f]+)"),
            Pattern.compile("record with zero length at ([0-9A-Fa-f]+/[0-9A-Fa-f]+)"),
            // the copied WAL ended exactly on a page boundary: the next page header is empty (PostgreSQL 16+)
            Pattern.compile("invalid magic number \\S+ in WAL segment \\S+, LSN ([0-9A-Fa-f]+/[0-9A-Fa-f]+)"));

    /** The LSN and the log lines that show it. */
    public record SnapshotLsn(Lsn lsn, List<String> evidence) {
        public SnapshotLsn {
            evidence = List.copyOf(evidence);
        }
    }

    private StartupLogParser() {
    }

    /**
     * @param log the whole log text (pages already joined, in order; several files concatenated oldest first)
     * @return the snapshot LSN of the first recovery, or empty when the log holds no complete first recovery
     */
    public static Optional<SnapshotLsn> parse(String log) {
        List<String> evidence = new ArrayList<>();
        boolean inRecovery = false;
        Lsn endOfWal = null;
        for (String line : log.split("\\R")) {
            if (!inRecovery) {
                if (RECOVERY_BEGINS.matcher(line).find()) {
                    inRecovery = true;
                    evidence.add(line.strip());
                }
                continue;
            }
            if (REDO_STARTS_LINE.matcher(line).find()) {
                evidence.add(line.strip());
            }
            if (endOfWal == null) {
                for (Pattern pattern : END_OF_WAL) {
                    Matcher matcher = pattern.matcher(line);
                    if (matcher.find()) {
                        endOfWal = Lsn.parse(matcher.group(1));
                        evidence.add(line.strip());
                        break;
                    }
                }
            }
            if (RECOVERY_ENDS.matcher(line).find()) {
                evidence.add(line.strip());
                return endOfWal == null ? Optional.empty() : Optional.of(new SnapshotLsn(endOfWal, evidence));
            }
        }
        return Optional.empty();
    }
}
