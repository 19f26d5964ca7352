package io.kwhisk.runtime.java;

import java.lang.reflect.Field;
import java.util.Map;

/**
 * Best-effort mutable environment for actions.
 *
 * <p>Java cannot change its own environment. Like OpenWhisk's Java runtime we patch the
 * maps behind {@link System#getenv()} by reflection; this needs the JVM flags
 * {@code --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED}
 * (set in the image's command). Every value is also set as a System property of the same
 * name, which is the portable way for actions to read it.
 */
final class Env {
    private static final Map<String, String> GETENV = writable();

    private Env() {}

    static void set(String key, String value) {
        System.setProperty(key, value);
        if (GETENV != null) {
            GETENV.put(key, value);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> writable() {
        try {
            Map<String, String> env = System.getenv(); // Collections.UnmodifiableMap
            Field m = env.getClass().getDeclaredField("m");
            m.setAccessible(true);
            return (Map<String, String>) m.get(env);
        } catch (Exception | LinkageError e) {
            System.err.println("kwhisk: System.getenv() is read-only (" + e
                    + "); action env is available as System properties only");
            return null;
        }
    }
}
