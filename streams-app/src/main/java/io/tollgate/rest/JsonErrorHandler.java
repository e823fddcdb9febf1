package io.tollgate.rest;

import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty answers itself (a URI it refuses as ambiguous, a malformed request): JSON like every other
 * answer, naming the status only, never echoing what was sent.
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus() <= 0 ? 500 : response.getStatus();
        String reason = org.eclipse.jetty.http.HttpStatus.getMessage(status);
        // Jetty closes the connection after a request it refused: say so, or a client would send its next
        // request on a connection about to close (and could not retry one that is not idempotent).
        EndpointHandler.write(request, response, callback, Reply.json(status, Map.of("error", status + " " + reason))
                .withHeader("Connection", "close"));
        return true;
    }
}
