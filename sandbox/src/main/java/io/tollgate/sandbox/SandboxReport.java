package io.tollgate.sandbox;

import io.tollgate.app.TollgateApp;
import io.tollgate.config.TopicNames;
import io.tollgate.sandbox.vendor.VendorCall;
import io.tollgate.topology.TollgateMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** What the sandbox prints: where everything listens, how to send a call, and what is happening. */
final class SandboxReport {

    private SandboxReport() {
    }

    static String banner(Sandbox sandbox) {
        TollgateApp app = sandbox.tollgate();
        TopicNames t = app.config().topics();
        String bootstrap = sandbox.bootstrapServers();
        return String.join("\n",
                "",
                "Tollgate is running (embedded broker, schema registry, Connect worker and a simulated vendor; no Docker)",
                sandbox.persistent() ? "  Data                 kept in " + sandbox.stateDir().getParent() + " (broker log, schemas, counters): "
                        + "a restart with the same --data.dir carries on"
                        : "  Data                 throwaway: deleted when Tollgate stops (./tollgate --data.dir=DIR keeps it)",
                "  Kafka bootstrap      " + bootstrap,
                "  Schema registry      " + sandbox.registryUrl(),
                "  Tollgate dashboard   " + app.restUrl() + "/dashboard/",
                "  Tollgate REST        " + app.restUrl() + "/accounts/{id}/usage   /openapi.yaml   /health   /metrics",
                "  Usage in a terminal  ./tollgate usage ACCOUNT",
                "  Connect REST         " + sandbox.connect().restUrl().resolve("/connectors/" + Sandbox.CONNECTOR + "/status"),
                "  Simulated vendor     " + sandbox.vendor().url() + "   (Pipedrive rules for account acme, forms platform for forms-org)",
                "  Topics               requests " + t.requests() + " -> dispatch " + t.dispatch() + " -> HTTP -> results " + t.results(),
                "                       delay " + t.delay() + ", rejected " + t.rejected() + ", policies " + t.policies() + ", accounts " + t.accounts(),
                "  Accounts             acme (pipedrive, growth, 5 seats; credentials pipedrive/acme-main, pipedrive/acme-sync,",
                "                       pipedrive/acme-oauth) and forms-org (forms-platform; credential forms/forms-org)",
                "  Send a call (JSON; Confluent Avro is accepted too):",
                "    echo 'acme|{\"request_id\":\"r1\",\"account\":\"acme\",\"credential_ref\":\"pipedrive/acme-main\",\"auth_kind\":\"API_TOKEN\","
                        + "\"integration\":\"demo\",\"method\":\"GET\",\"path\":\"/api/v2/deals/1\",\"api_version\":\"v2\"}' \\",
                "      | kcat -P -b " + bootstrap + " -t " + t.requests() + " -K '|'",
                "  Watch the outcome (from another terminal):  ./tollgate watch results     (or dispatch, delay, rejected)",
                "  Stop with Ctrl-C.",
                "");
    }

    static void every(Duration period, Sandbox sandbox, DemoTraffic traffic) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sandbox-report");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> System.out.println(status(sandbox, traffic)), period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    static String status(Sandbox sandbox, DemoTraffic traffic) {
        TollgateMetrics m = sandbox.tollgate().metrics();
        List<VendorCall> calls = sandbox.vendor().calls();
        io.tollgate.app.Health.Status health = sandbox.tollgate().health();
        StringBuilder line = new StringBuilder("Tollgate: " + sandbox.tollgate().streams().state()
                + (health.live() ? "" : "  DOWN " + health.problems())
                + (traffic == null ? "" : "  demo sent=" + traffic.sent())
                + "  dispatched=" + m.count("tollgate_dispatched_total", "")
                + "  delayed=" + m.total("tollgate_delayed_total")
                + "  rejected=" + m.total("tollgate_rejected_total")
                + "  results ok=" + m.count("tollgate_results_total", "outcome=\"SUCCESS\"")
                + "  vendor calls=" + calls.size() + "  vendor 429s=" + calls.stream().filter(VendorCall::rateLimited).count());
        calls.stream().filter(VendorCall::rateLimited).forEach(c -> line.append("\n  429: ").append(c));
        return line.toString();
    }
}
