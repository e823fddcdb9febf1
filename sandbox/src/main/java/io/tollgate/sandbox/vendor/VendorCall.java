package io.tollgate.sandbox.vendor;

/**
 * One call as the vendor saw it. {@code token} is the token's label, never the secret.
 *
 * @param inFlight calls of the same company in flight when this one arrived, itself included
 * @param lateMs how long after its slot opened the call arrived (Tollgate's X-Tollgate-Slot header), or -1
 */
public record VendorCall(long atMs, String company, String token, String requestId, String method, String path, int status, String limit,
                         int inFlight, long lateMs) {

    public boolean rateLimited() {
        return status == 429;
    }
}
