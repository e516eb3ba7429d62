package io.bluegreen.demo.bench;

/** Which server acknowledged (or refused) a write; UNKNOWN when no connection could be opened. */
enum Server {
    BLUE, GREEN, UNKNOWN
}
