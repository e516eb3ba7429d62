package io.bluegreen.local.testbed;

import io.bluegreen.local.kafka.EmbeddedKafka;
import io.bluegreen.local.postgres.LocalPostgres;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension over {@link TestBed}: servers start once per test JVM, are shared by every class that
 * uses the extension, and stop when the whole run ends (the root context's store closes them).
 *
 * <p>Injects {@link TestBed}, {@link EmbeddedKafka}, and {@link LocalPostgres} parameters annotated with
 * {@link Postgres} (e.g. {@code @Postgres(16) LocalPostgres blue}).
 */
public final class TestBedExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TestBedExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("test-bed", key -> new StopAtEnd());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestBed.class || type == EmbeddedKafka.class
                || (type == LocalPostgres.class && parameter.isAnnotated(Postgres.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        beforeAll(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == TestBed.class) {
            return TestBed.shared();
        }
        if (type == EmbeddedKafka.class) {
            return TestBed.shared().kafka();
        }
        if (type == LocalPostgres.class) {
            int major = parameter.findAnnotation(Postgres.class).orElseThrow().value();
            return TestBed.shared().postgres(major);
        }
        throw new ParameterResolutionException("Cannot inject " + type);
    }

    /** Stops the shared servers when the root context closes, after every test class has finished. */
    private static final class StopAtEnd implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            TestBed.shared().close();
        }
    }
}
