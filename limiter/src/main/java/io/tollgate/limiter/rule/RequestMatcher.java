package io.tollgate.limiter.rule;

import io.tollgate.limiter.CredentialKind;
import io.tollgate.limiter.Call;
import java.util.List;
import java.util.Set;

/**
 * Which calls a rule or an exemption applies to. Every non-empty criterion must hold; an empty one
 * holds for any call. A call without a category or API version matches no non-empty list of them.
 */
public record RequestMatcher(Set<String> methods, List<PathTemplate> paths, Set<String> apiVersions,
                             Set<CredentialKind> authKinds, Set<String> categories) {

    public static final RequestMatcher ANY = new RequestMatcher(Set.of(), List.of(), Set.of(), Set.of(), Set.of());

    public RequestMatcher {
        methods = Set.copyOf(methods);
        paths = List.copyOf(paths);
        apiVersions = Set.copyOf(apiVersions);
        authKinds = Set.copyOf(authKinds);
        categories = Set.copyOf(categories);
    }

    public boolean matches(Call call) {
        return (methods.isEmpty() || methods.contains(call.method()))
                && (apiVersions.isEmpty() || (call.apiVersion() != null && apiVersions.contains(call.apiVersion())))
                && (authKinds.isEmpty() || authKinds.contains(call.authKind()))
                && (categories.isEmpty() || (call.category() != null && categories.contains(call.category())))
                && (paths.isEmpty() || paths.stream().anyMatch(p -> p.matches(call.pathWithoutQuery())));
    }
}
