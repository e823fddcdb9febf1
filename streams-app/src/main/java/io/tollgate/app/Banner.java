package io.tollgate.app;

import io.tollgate.config.TollgateConfig;
import io.tollgate.config.TopicNames;
import io.tollgate.topology.TollgateMetrics;

/** What Tollgate prints when it is up, and every few seconds after: where it listens and what it does. */
final class Banner {

    private Banner() {
    }

    static String of(TollgateApp app) {
        TollgateConfig c = app.config();
        TopicNames t = c.topics();
        return String.join("\n",
                "",
                "Tollgate is running" + (c.isEmbedded() ? " (embedded broker and schema registry)" : ""),
                "  Kafka bootstrap     " + app.bootstrapServers(),
                "  Schema registry     " + app.registryUrl(),
                "  Dashboard           " + app.restUrl() + "/dashboard/",
                "  REST                " + app.restUrl() + "/accounts  /accounts/{id}/usage  /openapi.yaml  /health  /metrics",
                "  Requests topic      " + t.requests() + "   (key: account id; Confluent Avro or JSON)",
                "  Output topics       " + t.dispatch() + ", " + t.delay() + ", " + t.rejected(),
                "  Results topic       " + t.results(),
                "  Policies, accounts  " + t.policies() + ", " + t.accounts() + "   (seeded from " + c.policyFile().orElse("(none)") + ")",
                "  Try it:",
                "    echo 'acme|{\"request_id\":\"r1\",\"account\":\"acme\",\"credential_ref\":\"pipedrive/acme\",\"auth_kind\":\"API_TOKEN\","
                        + "\"integration\":\"demo\",\"method\":\"GET\",\"path\":\"/api/v2/deals\",\"api_version\":\"v2\"}' \\",
                "      | kcat -P -b " + app.bootstrapServers() + " -t " + t.requests() + " -K '|'",
                "");
    }

    static String status(TollgateApp app) {
        TollgateMetrics m = app.metrics();
        Health.Status health = app.health();
        return "Tollgate: " + app.streams().state() + (health.live() ? "" : "  DOWN " + health.problems()) + "  dispatched=" + m.count("tollgate_dispatched_total", "")
                + "  results=" + m.total("tollgate_results_total") + "  rejected=" + m.total("tollgate_rejected_total")
                + "  delayed=" + m.total("tollgate_delayed_total");
    }
}
