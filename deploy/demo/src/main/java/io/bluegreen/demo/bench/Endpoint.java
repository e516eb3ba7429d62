package io.bluegreen.demo.bench;

/** A writer endpoint, as an application holds it: host and port. */
record Endpoint(String host, int port) {

    String jdbcUrl(String database, String applicationName) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database
                + "?connectTimeout=5&socketTimeout=30&ApplicationName=" + applicationName;
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
