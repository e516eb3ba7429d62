package io.bluegreen.cli;

/** What a command prints on stdout: text for people, or one JSON document for scripts. */
public enum Output {
    TEXT,
    JSON
}
