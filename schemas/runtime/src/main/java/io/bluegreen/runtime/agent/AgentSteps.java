package io.bluegreen.runtime.agent;

import org.apache.avro.specific.SpecificRecord;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Which step answers which command type: an agent's registration of its steps. */
public final class AgentSteps {

    private final Map<Class<? extends SpecificRecord>, Step<? extends SpecificRecord>> steps;

    private AgentSteps(Map<Class<? extends SpecificRecord>, Step<? extends SpecificRecord>> steps) {
        this.steps = Map.copyOf(steps);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Set<Class<? extends SpecificRecord>> commandTypes() {
        return steps.keySet();
    }

    public boolean accepts(SpecificRecord command) {
        return steps.containsKey(command.getClass());
    }

    @SuppressWarnings("unchecked")
    Optional<Step<SpecificRecord>> stepFor(SpecificRecord command) {
        return Optional.ofNullable((Step<SpecificRecord>) steps.get(command.getClass()));
    }

    public static final class Builder {

        private final Map<Class<? extends SpecificRecord>, Step<? extends SpecificRecord>> steps = new LinkedHashMap<>();

        public <C extends SpecificRecord> Builder on(Class<C> type, Step<C> step) {
            if (steps.putIfAbsent(type, step) != null) {
                throw new IllegalArgumentException(type.getSimpleName() + " has two steps registered: keep one");
            }
            return this;
        }

        public AgentSteps build() {
            return new AgentSteps(steps);
        }
    }
}
