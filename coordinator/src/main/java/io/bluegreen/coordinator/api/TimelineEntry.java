package io.bluegreen.coordinator.api;

import io.micronaut.serde.annotation.Serdeable;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

/** One event of an upgrade's audit trail. */
@Serdeable
public record TimelineEntry(String at, String event, String detail) {

    public static TimelineEntry of(SpecificRecord event) {
        GenericRecord fields = (GenericRecord) event;
        StringBuilder detail = new StringBuilder();
        for (org.apache.avro.Schema.Field field : event.getSchema().getFields()) {
            String name = field.name();
            if (name.equals("upgradeId") || name.equals("eventId") || name.equals("occurredAt") || name.equals("plan")) {
                continue;
            }
            Object value = fields.get(name);
            if (value != null) {
                detail.append(detail.length() == 0 ? "" : ", ").append(name).append('=').append(value);
            }
        }
        return new TimelineEntry(String.valueOf(fields.get("occurredAt")), event.getSchema().getName(), detail.toString());
    }
}
