package io.tollgate.rest;

/** One route of the API: a request in, a reply out. */
@FunctionalInterface
public interface Endpoint {

    Reply handle(Exchange exchange) throws Exception;
}
