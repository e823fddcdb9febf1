package io.tollgate.rest;

import io.tollgate.query.AccountQueries;
import io.tollgate.query.Unavailable;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one endpoint for Jetty: only GET and HEAD, the access check, the parameters, and the mapping of
 * what can go wrong to a status (400 bad parameter, 401, 404, 503 with Retry-After, 500 naming only the
 * exception's class).
 */
final class EndpointHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointHandler.class);

    private final UriTemplatePathSpec spec;
    private final Access access;
    private final Endpoint endpoint;

    EndpointHandler(UriTemplatePathSpec spec, Access access, Endpoint endpoint) {
        this.spec = spec;
        this.access = access;
        this.endpoint = endpoint;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        write(request, response, callback, reply(request));
        return true;
    }

    private Reply reply(Request request) {
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Reply.error(405, "the API is read-only: use GET").withHeader("Allow", "GET, HEAD");
        }
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (!access.allows(authorization)) {
            return Reply.error(401, "a bearer token is required (Authorization: Bearer <rest.auth.token>)")
                    .withHeader("WWW-Authenticate", "Bearer realm=\"tollgate\"");
        }
        try {
            String path = Request.getPathInContext(request);
            Map<String, String> pathParams = spec == null ? Map.of() : spec.getPathParams(path);
            Map<String, String> query = new LinkedHashMap<>();
            Fields fields = Request.extractQueryParameters(request);
            fields.forEach(f -> query.put(f.getName(), f.getValue()));
            String raw = request.getHttpURI().getPathQuery();
            Exchange exchange = new Exchange(pathParams == null ? Map.of() : pathParams, query, raw, authorization,
                    request.getHeaders().get(io.tollgate.query.QueryRouter.FORWARDED));
            return endpoint.handle(exchange);
        } catch (Unavailable e) {
            return Reply.unavailable(e.getMessage());
        } catch (AccountQueries.NotFound e) {
            return Reply.error(404, e.getMessage());
        } catch (BadRequest e) {
            return Reply.error(400, e.getMessage());
        } catch (Exception e) {
            LOG.error("REST request {} failed", request.getHttpURI().getPath(), e);
            return Reply.error(500, "internal error (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Reads past the body of a request the API refuses (up to 64 KB), so that the client, which may still be
     * sending it, gets the answer on a connection it can keep using.
     */
    private static boolean discardedBody(Request request) {
        try {
            Content.Source.asByteArrayAsync(request, 64 * 1024).get(5, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    static void write(Request request, Response response, Callback callback, Reply reply) {
        response.setStatus(reply.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        reply.headers().forEach((k, v) -> response.getHeaders().put(k, v));
        boolean head = request.getMethod().equals("HEAD");
        if (!head && !request.getMethod().equals("GET") && !discardedBody(request)) {
            // A body too large to read past: the connection cannot carry another request after it.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, reply.body().length);
        response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(reply.body()), callback);
    }
}
