package io.bluegreen.monitor.lag;

/**
 * Why a server or a database could not be read: the SQLSTATE (null for a timeout or a local error) and a
 * message that names what and where, never a password.
 */
public record ProbeFailure(String sqlState, String message) {

    public static ProbeFailure timedOut(Endpoint endpoint, long afterMs) {
        return new ProbeFailure(null, endpoint + " gave no answer within " + afterMs
                + " ms (check the server and the network; the next sample tries again)");
    }
}
