package io.kwhisk.controller.api.triggers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.controller.api.ActionJson;
import io.kwhisk.controller.entity.RuleEntry;
import io.kwhisk.controller.entity.TriggerEntry;
import java.util.List;

/** Triggers and rules in OpenWhisk's JSON shapes. */
final class TriggerJson {
  static final String ACTIVE = "active";
  static final String INACTIVE = "inactive";

  private TriggerJson() {}

  /**
   * A trigger; {@code rules} (those naming it) shown as OpenWhisk's map of rule name to action and
   * status.
   */
  static ObjectNode trigger(TriggerEntry t, List<RuleEntry> rules) {
    ObjectNode out = Json.object();
    out.put("namespace", t.namespace());
    out.put("name", t.name());
    out.put("version", t.version());
    out.put("publish", t.publish());
    out.set("parameters", ActionJson.keyValues(t.parameters()));
    out.set("annotations", ActionJson.keyValues(t.annotations()));
    out.putObject("limits");
    if (!rules.isEmpty()) {
      ObjectNode map = out.putObject("rules");
      for (RuleEntry r : rules) {
        ObjectNode reduced = map.putObject(r.namespace() + "/" + r.name());
        reduced.set("action", pathAndName(r.action()));
        reduced.put("status", r.active() ? ACTIVE : INACTIVE);
      }
    }
    out.put("updated", t.updated());
    return out;
  }

  /** A rule with the status it has now: inactive whenever its trigger is gone. */
  static ObjectNode rule(RuleEntry r, boolean triggerExists) {
    ObjectNode out = Json.object();
    out.put("namespace", r.namespace());
    out.put("name", r.name());
    out.put("version", r.version());
    out.put("publish", r.publish());
    out.set("annotations", ActionJson.keyValues(r.annotations()));
    out.put("status", triggerExists && r.active() ? ACTIVE : INACTIVE);
    out.set("trigger", pathAndName(r.trigger()));
    out.set("action", pathAndName(r.action()));
    out.put("updated", r.updated());
    return out;
  }

  /** OpenWhisk's {@code {path, name}}: an action in a package has the path {@code ns/pkg}. */
  static ObjectNode pathAndName(FullyQualifiedName fqn) {
    ObjectNode out = Json.object();
    int slash = fqn.name().lastIndexOf('/');
    out.put(
        "path",
        slash < 0 ? fqn.namespace() : fqn.namespace() + "/" + fqn.name().substring(0, slash));
    out.put("name", fqn.name().substring(slash + 1));
    return out;
  }

  /**
   * A line of a trigger activation's logs: what one rule did, OpenWhisk's {@code
   * RuleActivationResult}.
   */
  static String ruleResult(RuleEntry r, int statusCode, String activationId, String error) {
    ObjectNode out = Json.object();
    out.put("statusCode", statusCode);
    out.put("success", statusCode == 0);
    if (activationId != null) out.put("activationId", activationId);
    out.put("rule", r.namespace() + "/" + r.name());
    out.put("action", r.action().path());
    if (error != null) out.put("error", error);
    return out.toString();
  }
}
