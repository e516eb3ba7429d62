package io.bluegreen.coordinator.api;

import io.bluegreen.schemas.event.CommandResent;
import io.bluegreen.schemas.event.StepProgressed;
import io.micronaut.serde.annotation.Serdeable;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

/** One event of an upgrade's audit trail. */
@Serdeable
public record TimelineEntry(String at, String event, String detail) {

    public static TimelineEntry of(SpecificRecord event) {
        GenericRecord fields = (GenericRecord) event;
        return new TimelineEntry(String.valueOf(fields.get("occurredAt")), event.getSchema().getName(), detail(event));
    }

    private static String detail(SpecificRecord event) {
        if (event instanceof StepProgressed p) {
            return step(p.getStep(), p.getDatabase()) + " (command " + p.getCommandId() + ") in progress: " + p.getDetail()
                    + (p.getPercent() == null ? "" : " (" + p.getPercent() + "%)") + "; deadline now " + p.getDeadline();
        }
        if (event instanceof CommandResent r) {
            return step(r.getStep(), r.getDatabase()) + " (command " + r.getCommandId() + ") had no answer by its deadline: "
                    + "re-sent with the same id (re-send " + r.getResend() + "), new deadline " + r.getDeadline();
        }
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
        return detail.toString();
    }

    private static String step(String step, String database) {
        return database == null ? step : step + " on database " + database;
    }
}
