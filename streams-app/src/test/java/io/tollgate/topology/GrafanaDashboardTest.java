package io.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limiter.RejectReason;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** deploy/grafana's dashboard asks only for metrics Tollgate exposes, under the names the exposition gives them. */
public class GrafanaDashboardTest {

    static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "tollgate-dashboard.json");

    public static Set<String> namesIn(String text, String prefix) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\b" + prefix + "[a-z0-9_]+").matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    @Test
    void shouldAskOnlyForTollgatesOwnMetricsThatExist() throws Exception {
        String dashboard = Files.readString(DASHBOARD);
        TollgateMetrics metrics = new TollgateMetrics();
        // Every recording method once, so that every meter exists (a counter is exposed from its first use).
        for (Method method : TollgateMetrics.class.getDeclaredMethods()) {
            if (!Modifier.isPublic(method.getModifiers()) || method.getReturnType() != void.class || method.getName().equals("close")
                    || method.getName().equals("bind")) {
                continue;
            }
            Object[] args = new Object[method.getParameterCount()];
            for (int i = 0; i < args.length; i++) {
                Class<?> type = method.getParameterTypes()[i];
                args[i] = type == String.class ? "x" : type == RejectReason.class ? RejectReason.INVALID_REQUEST : (Object) 1L;
            }
            method.invoke(metrics, args);
        }
        String exposed = metrics.prometheus();

        Set<String> asked = namesIn(dashboard, "tollgate_");
        assertThat(asked).isNotEmpty();
        assertThat(namesIn(exposed, "tollgate_")).containsAll(asked);
    }
}
