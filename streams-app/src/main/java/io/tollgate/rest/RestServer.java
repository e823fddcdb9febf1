package io.tollgate.rest;

import io.tollgate.app.Health;
import io.tollgate.topology.TollgateMetrics;
import java.net.URI;
import java.util.function.Supplier;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Tollgate's HTTP API on Jetty: health and metrics, and the read-only query API (usage, the day's
 * breakdown, the last calls, the queue, accounts and compiled policies) described in
 * {@code openapi.yaml}, which it also serves. Routing is Jetty's (URI templates); each endpoint is a
 * small {@link Endpoint}.
 */
public final class RestServer implements AutoCloseable {

    private final Server server;
    private final ServerConnector connector;

    private RestServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    public static RestServer start(String host, int port, String authToken, Supplier<Health.Status> health, TollgateMetrics metrics,
                                   QueryApi api) {
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("tollgate-rest");
        threads.setDaemon(true);
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);

        PathMappingsHandler routes = new PathMappingsHandler();
        Access open = Access.open();
        Access guarded = Access.bearer(authToken);
        route(routes, "/health", open, exchange -> StatusEndpoints.health(health.get(), true));
        route(routes, "/ready", open, exchange -> StatusEndpoints.health(health.get(), false));
        route(routes, "/metrics", guarded, exchange -> Reply.text(200, "text/plain; version=0.0.4", metrics.prometheus()));
        route(routes, "/openapi.yaml", guarded, exchange -> StatusEndpoints.openApi());
        route(routes, "/accounts", guarded, api::accounts);
        route(routes, "/accounts/{id}/usage", guarded, api::usage);
        route(routes, "/accounts/{id}/usage/today", guarded, api::today);
        route(routes, "/accounts/{id}/calls", guarded, api::calls);
        route(routes, "/accounts/{id}/queue", guarded, api::queue);
        route(routes, "/policies/{id}", guarded, api::policy);
        server.setHandler(new FallbackHandler(routes));
        server.setErrorHandler(new JsonErrorHandler());
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // already failing
            }
            throw new IllegalStateException("Cannot listen on " + host + ":" + port + " for the REST API (rest.host, rest.port): "
                    + e.getMessage(), e);
        }
        return new RestServer(server, connector);
    }

    /** Every route, as URI templates: what openapi.yaml must describe, no more and no less. */
    public static final java.util.List<String> ROUTES = java.util.List.of("/health", "/ready", "/metrics", "/openapi.yaml", "/accounts",
            "/accounts/{id}/usage", "/accounts/{id}/usage/today", "/accounts/{id}/calls", "/accounts/{id}/queue", "/policies/{id}");

    private static void route(PathMappingsHandler routes, String template, Access access, Endpoint endpoint) {
        if (!ROUTES.contains(template)) {
            throw new IllegalArgumentException(template + " is not in ROUTES");
        }
        UriTemplatePathSpec spec = new UriTemplatePathSpec(template);
        routes.addMapping(spec, new EndpointHandler(spec, access, endpoint));
    }

    /** The port it listens on (the one chosen when rest.port is 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public URI url() {
        return URI.create("http://" + connector.getHost() + ":" + port());
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("REST server did not stop: " + e.getMessage(), e);
        }
    }
}
