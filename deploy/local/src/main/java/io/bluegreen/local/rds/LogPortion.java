package io.bluegreen.local.rds;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One page of a log file as {@code DownloadDBLogFilePortion} answers it. Pure: the file's bytes in, a page out.
 *
 * <p>AWS's paging: with {@code Marker=0} the page starts at the beginning of the file; with a marker from an
 * earlier answer it continues there; without a marker it holds the most recent lines. {@code NumberOfLines}
 * bounds the page (default and maximum 10000 lines), as does a 1 MB limit. The answer's {@code Marker} is where
 * the next page starts, {@code AdditionalDataPending} says whether the file goes on past this page. Markers here
 * are byte offsets; callers treat them as opaque, as they must on AWS.
 *
 * @param data    the lines of this page, each ending with its newline
 * @param marker  where the next page starts
 * @param pending whether more data follows
 */
public record LogPortion(String data, String marker, boolean pending) {

    public static final int MAX_LINES = 10_000;
    public static final int MAX_BYTES = 1024 * 1024;

    public static LogPortion of(byte[] file, Optional<String> marker, Optional<Integer> numberOfLines) {
        int lines = numberOfLines.orElse(MAX_LINES);
        if (lines < 1 || lines > MAX_LINES) {
            throw RdsFault.invalidParameter("NumberOfLines must be between 1 and " + MAX_LINES + ", got " + lines);
        }
        if (marker.isEmpty()) {
            return tail(file, lines);
        }
        int start = offset(marker.get(), file.length);
        int end = start;
        int taken = 0;
        while (end < file.length && taken < lines) {
            int newline = indexOf(file, (byte) '\n', end);
            int lineEnd = newline < 0 ? file.length : newline + 1;
            if (lineEnd - start > MAX_BYTES && taken > 0) {
                break;
            }
            end = lineEnd;
            taken++;
        }
        String data = new String(file, start, end - start, StandardCharsets.UTF_8);
        return new LogPortion(data, Integer.toString(end), end < file.length);
    }

    private static LogPortion tail(byte[] file, int lines) {
        int start = file.length;
        int taken = 0;
        int scan = file.length > 0 && file[file.length - 1] == '\n' ? file.length - 1 : file.length;
        while (start > 0 && taken < lines) {
            int newline = lastIndexOf(file, (byte) '\n', scan - 1);
            int lineStart = newline + 1;
            if (file.length - lineStart > MAX_BYTES && taken > 0) {
                break;
            }
            start = lineStart;
            scan = newline;
            taken++;
        }
        return new LogPortion(new String(file, start, file.length - start, StandardCharsets.UTF_8),
                Integer.toString(file.length), false);
    }

    private static int offset(String marker, int length) {
        try {
            int offset = Integer.parseInt(marker.contains(":") ? marker.substring(marker.indexOf(':') + 1) : marker);
            if (offset < 0 || offset > length) {
                throw RdsFault.invalidParameter("Marker " + marker + " is outside the log file (" + length
                        + " bytes); start again with Marker=0");
            }
            return offset;
        } catch (NumberFormatException e) {
            throw RdsFault.invalidParameter("Invalid Marker " + marker + ": use 0 or a Marker from an earlier answer");
        }
    }

    private static int indexOf(byte[] bytes, byte wanted, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] bytes, byte wanted, int from) {
        for (int i = from; i >= 0; i--) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
