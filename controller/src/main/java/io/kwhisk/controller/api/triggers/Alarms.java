package io.kwhisk.controller.api.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.controller.api.ApiError;
import io.kwhisk.controller.entity.AlarmEntry;
import io.kwhisk.controller.entity.TriggerEntry;
import io.kwhisk.controller.trigger.Cron;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The built-in alarms feed, {@code /whisk.system/alarms/alarm}: a trigger created with it in its
 * {@code feed} annotation is fired on the schedule its parameters give, as OpenWhisk's alarms
 * package reads them: {@code cron} (5 fields, or 6 with seconds), {@code minutes} (an interval) or
 * {@code date} (once, ISO-8601 or epoch millis); {@code trigger_payload} (an object) is each fire's
 * payload. A bad schedule is 400.
 */
final class Alarms {
  static final String FEED = "/whisk.system/alarms/alarm";

  private Alarms() {}

  static boolean isAlarmFeed(JsonNode feed) {
    return feed != null
        && feed.isTextual()
        && (FEED.equals(feed.asText()) || FEED.substring(1).equals(feed.asText()));
  }

  /**
   * True when {@code parameters} name a schedule (a trigger created by the CLI names none: its feed
   * call will).
   */
  static boolean hasSchedule(Map<String, JsonNode> parameters) {
    return parameters.containsKey("cron")
        || parameters.containsKey("minutes")
        || parameters.containsKey("date");
  }

  static AlarmEntry parse(TriggerEntry t) {
    return parse(t.namespace(), t.name(), t.parameters(), t.updated());
  }

  /**
   * The alarm {@code parameters} describe for trigger {@code name} of {@code namespace}; 400 when
   * they are bad.
   */
  static AlarmEntry parse(String namespace, String name, Map<String, JsonNode> p, long now) {
    String cron = null;
    Integer minutes = null;
    Long once = null;
    int given = 0;
    if (p.containsKey("cron")) {
      given++;
      cron = p.get("cron").asText();
      try {
        Cron.parse(cron);
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest(e.getMessage());
      }
    }
    if (p.containsKey("minutes")) {
      given++;
      if (!p.get("minutes").canConvertToInt() || p.get("minutes").asInt() < 1) {
        throw ApiError.badRequest("The parameter 'minutes' must be a positive integer.");
      }
      minutes = p.get("minutes").asInt();
    }
    if (p.containsKey("date")) {
      given++;
      JsonNode d = p.get("date");
      try {
        once = d.isNumber() ? d.asLong() : Instant.parse(d.asText()).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw ApiError.badRequest(
            "The parameter 'date' must be an ISO-8601 instant or epoch milliseconds.");
      }
    }
    if (given != 1) {
      throw ApiError.badRequest(
          "The alarms feed needs exactly one of the parameters 'cron', 'minutes' or 'date'.");
    }
    Map<String, JsonNode> payload = new LinkedHashMap<>();
    JsonNode tp = p.get("trigger_payload");
    if (tp != null && !tp.isNull()) {
      if (!tp.isObject())
        throw ApiError.badRequest("The parameter 'trigger_payload' must be an object.");
      tp.properties().forEach(e -> payload.put(e.getKey(), e.getValue()));
    }
    return new AlarmEntry(namespace, name, cron, minutes, once, payload, now);
  }
}
