package io.tollgate.rest;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The routes, then the dashboard, and for any other path a JSON 404 naming the endpoints (405 for a write). */
final class FallbackHandler extends Handler.Wrapper {

    FallbackHandler(Handler routes) {
        super(routes);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (super.handle(request, response, callback)) {
            return true;
        }
        String method = request.getMethod();
        Reply dashboard = method.equals("GET") || method.equals("HEAD") ? Dashboard.serve(Request.getPathInContext(request)) : null;
        if (dashboard != null) {
            EndpointHandler.write(request, response, callback, dashboard);
            return true;
        }
        EndpointHandler.write(request, response, callback, method.equals("GET") || method.equals("HEAD") ? StatusEndpoints.notFound()
                : Reply.error(405, "the API is read-only: use GET").withHeader("Allow", "GET, HEAD"));
        return true;
    }
}
