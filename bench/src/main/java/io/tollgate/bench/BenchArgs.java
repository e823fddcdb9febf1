package io.tollgate.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --key=value} arguments of a bench: its own options over their defaults, and {@code --tollgate.<key>} settings for the limiter. */
record BenchArgs(Map<String, String> options, Map<String, String> tollgateSettings) {

    static BenchArgs parse(String[] args, Map<String, String> defaults) {
        Map<String, String> options = new HashMap<>(defaults);
        Map<String, String> settings = new HashMap<>();
        for (String arg : args) {
            String key = arg.substring(2, arg.indexOf('='));
            String value = arg.substring(arg.indexOf('=') + 1);
            if (key.startsWith("tollgate.")) {
                settings.put(key.substring("tollgate.".length()), value);
            } else {
                options.put(key, value);
            }
        }
        return new BenchArgs(options, settings);
    }

    int number(String option) {
        return Integer.parseInt(options.get(option));
    }
}
