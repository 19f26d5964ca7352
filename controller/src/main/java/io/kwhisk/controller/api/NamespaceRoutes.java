package io.kwhisk.controller.api;

import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.controller.api.packages.PackagesApi;
import io.kwhisk.controller.api.triggers.RulesApi;
import io.kwhisk.controller.api.triggers.TriggersApi;
import io.kwhisk.controller.auth.Identity;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The routes under {@code /api/v1/namespaces/{ns}} once the caller is authenticated: its own
 * namespace's collections (actions, packages, activations, triggers, rules) and what OpenWhisk
 * shares of another namespace. Paths and methods only: each handler is the collection's API class.
 */
final class NamespaceRoutes extends ApiDirectives {
  private final ActionsApi actions;
  private final ActivationsApi activations;
  private final PackagesApi packages;
  private final TriggersApi triggers;
  private final RulesApi rules;

  NamespaceRoutes(
      ActionsApi actions,
      ActivationsApi activations,
      PackagesApi packages,
      TriggersApi triggers,
      RulesApi rules,
      long maxPayloadBytes) {
    super(maxPayloadBytes);
    this.actions = actions;
    this.activations = activations;
    this.packages = packages;
    this.triggers = triggers;
    this.rules = rules;
  }

  /** The caller's own namespace: its documents and every collection in it. */
  Route own(Identity who) {
    return concat(
        pathEndOrSingleSlash(
            () ->
                get(
                    () ->
                        respond(
                            () ->
                                actions.namespaceSummary(
                                    who,
                                    packages.summaries(who.namespace()),
                                    triggers.summaries(who),
                                    rules.summaries(who))))),
        path("limits", () -> get(() -> respond(() -> actions.namespaceLimits(who)))),
        pathPrefix(
            "actions",
            () ->
                concat(
                    pathEndOrSingleSlash(
                        () -> get(() -> parameterMap(q -> respond(() -> actions.list(who, q))))),
                    path(PathMatchers.segment(), name -> action(who, name)),
                    path(
                        PathMatchers.segment().slash(PathMatchers.segment()),
                        (pkg, name) -> action(who, pkg + "/" + name)),
                    pathPrefix(
                        PathMatchers.segment(),
                        pkg ->
                            pathSingleSlash(
                                () ->
                                    get(
                                        () ->
                                            parameterMap(
                                                q ->
                                                    respond(
                                                        () ->
                                                            packages.listActions(
                                                                who.namespace(), pkg, q)))))))),
        pathPrefix(
            "packages",
            () ->
                concat(
                    pathEndOrSingleSlash(
                        () ->
                            get(
                                () ->
                                    parameterMap(
                                        q ->
                                            respond(
                                                () -> packages.list(who.namespace(), true, q))))),
                    path(
                        PathMatchers.segment(),
                        name ->
                            concat(
                                put(
                                    () ->
                                        parameterMap(
                                            q ->
                                                withBody(
                                                    body ->
                                                        packages.put(
                                                            who,
                                                            name,
                                                            "true"
                                                                .equalsIgnoreCase(
                                                                    q.get("overwrite")),
                                                            body)))),
                                get(() -> respond(() -> packages.get(who, name))),
                                delete(
                                    () ->
                                        parameterMap(
                                            q ->
                                                respond(
                                                    () ->
                                                        packages.delete(
                                                            who,
                                                            name,
                                                            "true"
                                                                .equalsIgnoreCase(
                                                                    q.get("force")))))))))),
        pathPrefix(
            "activations",
            () ->
                storeRead(
                    read ->
                        concat(
                            pathEndOrSingleSlash(
                                () ->
                                    get(
                                        () ->
                                            parameterMap(
                                                q ->
                                                    respond(
                                                        () -> activations.list(who, q, read))))),
                            pathPrefix(
                                PathMatchers.segment(),
                                id ->
                                    concat(
                                        pathEndOrSingleSlash(
                                            () ->
                                                get(
                                                    () ->
                                                        respond(
                                                            () -> activations.get(who, id, read)))),
                                        path(
                                            "result",
                                            () ->
                                                get(
                                                    () ->
                                                        respond(
                                                            () ->
                                                                activations.result(
                                                                    who, id, read)))),
                                        path(
                                            "logs",
                                            () ->
                                                get(
                                                    () ->
                                                        respond(
                                                            () ->
                                                                activations.logs(
                                                                    who, id, read))))))))),
        pathPrefix(
            "triggers",
            () ->
                concat(
                    pathEndOrSingleSlash(
                        () -> get(() -> parameterMap(q -> respond(() -> triggers.list(who, q))))),
                    path(
                        PathMatchers.segment(),
                        name ->
                            concat(
                                put(
                                    () ->
                                        parameterMap(
                                            q ->
                                                withBody(
                                                    body ->
                                                        triggers.put(
                                                            who,
                                                            name,
                                                            "true"
                                                                .equalsIgnoreCase(
                                                                    q.get("overwrite")),
                                                            body)))),
                                get(() -> respond(() -> triggers.get(who, name))),
                                delete(() -> respond(() -> triggers.delete(who, name))),
                                post(
                                    () ->
                                        headerValueByName(
                                            ApiHeaders.REQUEST_ID,
                                            tid ->
                                                withBody(
                                                    body ->
                                                        triggers.fire(who, name, body, tid)))))))),
        pathPrefix(
            "rules",
            () ->
                concat(
                    pathEndOrSingleSlash(
                        () -> get(() -> parameterMap(q -> respond(() -> rules.list(who, q))))),
                    path(
                        PathMatchers.segment(),
                        name ->
                            concat(
                                put(
                                    () ->
                                        parameterMap(
                                            q ->
                                                withBody(
                                                    body ->
                                                        rules.put(
                                                            who,
                                                            name,
                                                            "true"
                                                                .equalsIgnoreCase(
                                                                    q.get("overwrite")),
                                                            body)))),
                                get(() -> respond(() -> rules.get(who, name))),
                                delete(() -> respond(() -> rules.delete(who, name))),
                                post(() -> withBody(body -> rules.setStatus(who, name, body))))))));
  }

  /** One action's operations; {@code name} may be {@code package/action}. */
  private Route action(Identity who, String name) {
    return concat(
        put(
            () ->
                parameterMap(
                    q ->
                        withBody(
                            ActionPut.MAX_BODY_BYTES,
                            body ->
                                actions.put(
                                    who,
                                    name,
                                    "true".equalsIgnoreCase(q.get("overwrite")),
                                    body)))),
        get(
            () ->
                parameterMap(
                    q ->
                        respond(
                            () ->
                                actions.get(who, name, !"false".equalsIgnoreCase(q.get("code")))))),
        delete(() -> respond(() -> actions.delete(who, name))),
        post(
            () ->
                headerValueByName(
                    ApiHeaders.REQUEST_ID,
                    tid ->
                        parameterMap(
                            q -> withBody(body -> actions.invoke(who, name, q, body, tid))))));
  }

  /**
   * Another namespace, as OpenWhisk shares it: its public packages may be listed and read, and
   * {@code whisk.system}'s alarms feed invoked; everything else is 403.
   */
  Route shared(Identity who, String ns) {
    return concat(
        path(
            "packages",
            () -> get(() -> parameterMap(q -> respond(() -> packages.list(ns, false, q))))),
        path(
            PathMatchers.segment("packages").slash(PathMatchers.segment()),
            name -> get(() -> respond(() -> packages.getShared(ns, name)))),
        // The built-in alarms feed, as the wsk CLI invokes a feed action.
        path(
            PathMatchers.segment("actions").slash("alarms").slash("alarm"),
            () ->
                post(
                    () ->
                        "whisk.system".equals(ns)
                            ? withBody(body -> triggers.alarmFeed(who, body))
                            : complete(Responses.fromFailure(ApiError.forbidden())))),
        // An action of a public package is read and invoked in place (the resolver answers 403
        // unless public).
        path(
            PathMatchers.segment("actions")
                .slash(PathMatchers.segment())
                .slash(PathMatchers.segment()),
            (pkg, name) -> sharedAction(who, new FullyQualifiedName(ns, pkg + "/" + name))),
        complete(Responses.fromFailure(ApiError.forbidden())));
  }

  private Route sharedAction(Identity who, FullyQualifiedName fqn) {
    return concat(
        get(
            () ->
                parameterMap(
                    q ->
                        respond(
                            () ->
                                actions.get(who, fqn, !"false".equalsIgnoreCase(q.get("code")))))),
        post(
            () ->
                headerValueByName(
                    ApiHeaders.REQUEST_ID,
                    tid ->
                        parameterMap(
                            q -> withBody(body -> actions.invoke(who, fqn, q, body, tid))))),
        complete(Responses.fromFailure(ApiError.forbidden())));
  }

  /**
   * What an activations read needs to be forwarded: whether it came from a peer ({@link
   * StorePeers#LOCAL_HEADER}), the caller's credentials, and its path.
   */
  private Route storeRead(java.util.function.Function<ActivationsApi.Read, Route> inner) {
    return optionalHeaderValueByName(
        StorePeers.LOCAL_HEADER,
        local ->
            optionalHeaderValueByName(
                "Authorization",
                credentials ->
                    extractUri(
                        uri ->
                            inner.apply(
                                new ActivationsApi.Read(
                                    local.map("true"::equalsIgnoreCase).orElse(false),
                                    credentials,
                                    uri.path())))));
  }
}
