package io.kwhisk.runtime.java;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * kwhisk Java action runtime (OpenWhisk kinds java:17 / java).
 *
 * <p>Implements the OpenWhisk action-runtime protocol on 0.0.0.0:8080 with the JDK's
 * built-in HTTP server. {@code POST /init} receives a base64 jar and a main of the form
 * {@code fully.qualified.Class} or {@code fully.qualified.Class#method} (default method
 * {@code main}); the method must be {@code public static R m(P)} where P and R are each
 * {@code JsonObject}, {@code JsonArray} or {@code JsonElement} (array parameters and results, as
 * OpenWhisk's newer runtimes allow). {@code POST /run} calls it with {@code value}. Activations run
 * one at a time.
 *
 * <p>Environment: {@code /init} "env" entries and the {@code /run} fields exported as
 * {@code __OW_<FIELD>} are injected into {@link System#getenv()} (via {@link Env}) and
 * are also set as System properties of the same name.
 */
public final class Proxy {
    static final String SENTINEL = "XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX";

    private volatile Method main;        // set once by a successful /init
    private volatile boolean initStarted;

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv().getOrDefault("KWHISK_RUNTIME_PORT", "8080"));
        HttpServer server = HttpServer.create(new InetSocketAddress("0.0.0.0", port), 128);
        Proxy proxy = new Proxy();
        server.createContext("/", proxy::handle);
        server.setExecutor(Executors.newSingleThreadExecutor()); // sequential activations
        server.start();
    }

    private void handle(HttpExchange t) throws IOException {
        try {
            String path = t.getRequestURI().getPath();
            String method = t.getRequestMethod();
            if ("POST".equals(method) && "/init".equals(path)) {
                init(t);
            } else if ("POST".equals(method) && "/run".equals(path)) {
                run(t);
            } else if ("GET".equals(method) && ("/".equals(path) || "/ping".equals(path))) {
                respond(t, 200, ok());
            } else {
                respond(t, 404, error("Unknown endpoint " + method + " " + path));
            }
        } catch (Throwable e) {
            e.printStackTrace();
            respond(t, 500, error("Internal error: " + e));
        } finally {
            t.close();
        }
    }

    private void init(HttpExchange t) throws IOException {
        if (initStarted) {
            respond(t, 403, error("Cannot initialize the action more than once."));
            return;
        }
        JsonObject value;
        try {
            value = body(t).getAsJsonObject("value");
        } catch (RuntimeException e) {
            respond(t, 400, error("Invalid JSON in /init request: " + e.getMessage()));
            return;
        }
        if (value == null || !value.has("code") || value.get("code").getAsString().isEmpty()) {
            respond(t, 500, error("Missing main/no code to execute."));
            return;
        }
        initStarted = true;
        try {
            if (value.has("env") && value.get("env").isJsonObject()) {
                for (Map.Entry<String, JsonElement> e : value.getAsJsonObject("env").entrySet()) {
                    Env.set(e.getKey(), asString(e.getValue()));
                }
            }
            String mainName = value.has("main") && !value.get("main").getAsString().isEmpty()
                    ? value.get("main").getAsString() : "Main";
            main = load(value.get("code").getAsString(), mainName);
            respond(t, 200, ok());
        } catch (Throwable e) {
            Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
            cause.printStackTrace();
            markers();
            respond(t, 502, error("Initialization has failed due to: " + cause));
        }
    }

    /** Saves the jar, opens it in its own class loader and finds the entry method. */
    private static Method load(String base64Jar, String mainName) throws Exception {
        Path jar = Files.createTempFile("action-", ".jar");
        Files.write(jar, Base64.getMimeDecoder().decode(base64Jar));
        String className = mainName;
        String methodName = "main";
        int hash = mainName.indexOf('#');
        if (hash >= 0) {
            className = mainName.substring(0, hash);
            methodName = mainName.substring(hash + 1);
        }
        URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, Proxy.class.getClassLoader());
        Class<?> cls = Class.forName(className, true, loader);
        Method m = null;
        for (Class<?> param : new Class<?>[] {JsonObject.class, JsonArray.class, JsonElement.class}) {
            try {
                m = cls.getMethod(methodName, param);
                break;
            } catch (NoSuchMethodException e) {
                // try the next parameter type
            }
        }
        if (m == null || !Modifier.isStatic(m.getModifiers()) || !isJsonType(m.getReturnType())) {
            throw new NoSuchMethodException(className + "#" + methodName + " must be public static R "
                    + methodName + "(P) with P and R each com.google.gson.JsonObject, JsonArray or JsonElement");
        }
        Thread.currentThread().setContextClassLoader(loader);
        return m;
    }

    private static boolean isJsonType(Class<?> c) {
        return c == JsonObject.class || c == JsonArray.class || c == JsonElement.class;
    }

    private void run(HttpExchange t) throws IOException {
        if (main == null) {
            respond(t, 500, error("Cannot invoke an uninitialized action."));
            return;
        }
        JsonObject body;
        try {
            body = body(t);
        } catch (RuntimeException e) {
            respond(t, 400, error("Invalid JSON in /run request: " + e.getMessage()));
            return;
        }
        for (Map.Entry<String, JsonElement> e : body.entrySet()) {
            if (!"value".equals(e.getKey())) {
                Env.set("__OW_" + e.getKey().toUpperCase(), asString(e.getValue()));
            }
        }
        JsonElement value = body.get("value");
        JsonElement params = value != null && (value.isJsonObject() || value.isJsonArray()) ? value : new JsonObject();
        Class<?> expected = main.getParameterTypes()[0];
        int code;
        JsonElement result;
        try {
            Thread.currentThread().setContextClassLoader(main.getDeclaringClass().getClassLoader());
            if (!expected.isInstance(params)) {
                code = 502;
                result = error("The action expects a " + expected.getSimpleName() + " but was given "
                        + (params.isJsonArray() ? "an array" : "an object") + ".");
            } else if ((result = (JsonElement) main.invoke(null, params)) == null
                    || !(result.isJsonObject() || result.isJsonArray())) {
                code = 502;
                result = error("The action did not return a dictionary or array.");
            } else {
                code = 200; // a result {"error": ...} is an application error, classified by the invoker
            }
        } catch (InvocationTargetException e) {
            e.getCause().printStackTrace();
            code = 502;
            result = error("An error has occurred while invoking the action (see logs for details): " + e.getCause());
        } catch (Throwable e) {
            e.printStackTrace();
            code = 502;
            result = error("An error has occurred (see logs for details): " + e);
        }
        markers();
        respond(t, code, result);
    }

    private static void markers() {
        System.out.println(SENTINEL);
        System.err.println(SENTINEL);
        System.out.flush();
        System.err.flush();
    }

    private static JsonObject body(HttpExchange t) throws IOException {
        try (InputStream in = t.getRequestBody()) {
            String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return s.isBlank() ? new JsonObject() : JsonParser.parseString(s).getAsJsonObject();
        }
    }

    private static String asString(JsonElement e) {
        return e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }

    private static JsonObject ok() {
        JsonObject o = new JsonObject();
        o.addProperty("ok", true);
        return o;
    }

    private static JsonObject error(String msg) {
        JsonObject o = new JsonObject();
        o.addProperty("error", msg);
        return o;
    }

    private static void respond(HttpExchange t, int code, JsonElement json) throws IOException {
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        t.getResponseHeaders().set("Content-Type", "application/json");
        t.sendResponseHeaders(code, bytes.length);
        try (OutputStream os = t.getResponseBody()) {
            os.write(bytes);
        }
    }
}
