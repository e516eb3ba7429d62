package io.bluegreen.runtime.agent;

import org.apache.avro.specific.SpecificRecord;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The answered-command cache: a command id answered before gets the very same answer again (the step is not
 * re-run), and a command id in flight is not started a second time (the second delivery waits for the first
 * run's answer). Remembers the last {@code capacity} answers.
 */
final class AnsweredCommands {

    /** What to do with a delivery of a command id. */
    sealed interface Claim {
        /** Answered before: send this again. */
        record Answered(SpecificRecord answer) implements Claim {
        }

        /** Running now: wait for its answer (empty when that run was stopped unanswered). */
        record Running(CompletableFuture<Optional<SpecificRecord>> answer) implements Claim {
        }

        /** New: the caller runs it and must call {@link AnsweredCommands#finish}. */
        record Claimed() implements Claim {
        }
    }

    private final Map<String, SpecificRecord> answered;
    private final Map<String, CompletableFuture<Optional<SpecificRecord>>> inFlight = new HashMap<>();

    AnsweredCommands(int capacity) {
        this.answered = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, SpecificRecord> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized Claim claim(String commandId) {
        SpecificRecord earlier = answered.get(commandId);
        if (earlier != null) {
            return new Claim.Answered(earlier);
        }
        CompletableFuture<Optional<SpecificRecord>> running = inFlight.get(commandId);
        if (running != null) {
            return new Claim.Running(running);
        }
        inFlight.put(commandId, new CompletableFuture<>());
        return new Claim.Claimed();
    }

    /** Ends a claimed run: an answer is remembered; no answer (the agent is stopping) lets a later delivery run it. */
    void finish(String commandId, Optional<SpecificRecord> answer) {
        CompletableFuture<Optional<SpecificRecord>> running;
        synchronized (this) {
            answer.ifPresent(result -> answered.put(commandId, result));
            running = inFlight.remove(commandId);
        }
        if (running != null) {
            running.complete(answer);
        }
    }
}
