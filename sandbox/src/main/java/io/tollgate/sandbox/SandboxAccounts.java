package io.tollgate.sandbox;

import io.tollgate.sandbox.vendor.SimulatedVendor;
import io.tollgate.sandbox.vendor.SimulatedVendor.Auth;
import io.tollgate.sandbox.vendor.SimulatedVendor.Company;
import io.tollgate.sandbox.vendor.SimulatedVendor.Platform;
import io.tollgate.sandbox.vendor.SimulatedVendor.Token;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The sandbox's customers, as both sides know them: the vendor knows companies and token secrets;
 * Tollgate knows accounts (presets/demo.yaml) and credential references; the dispatcher's credential
 * file maps references to secrets. The secrets are made up.
 */
public final class SandboxAccounts {

    public static final List<Company> COMPANIES = List.of(
            new Company("acme", Platform.PIPEDRIVE, "growth", 5, ZoneId.of("Europe/Tallinn")),
            new Company("forms-org", Platform.FORMS, null, 1, ZoneId.of("Australia/Sydney")));

    /** Credential references are "pipedrive/acme-main" and so on; the token label is the part after the slash. */
    public static final List<Token> TOKENS = List.of(
            new Token("acme-main", "sandbox-secret-acme-main", "acme", Auth.API_TOKEN, "user-1"),
            new Token("acme-sync", "sandbox-secret-acme-sync", "acme", Auth.API_TOKEN, "user-2"),
            new Token("acme-oauth", "sandbox-secret-acme-oauth", "acme", Auth.OAUTH, "user-3"),
            new Token("forms-org", "sandbox-secret-forms-org", "forms-org", Auth.API_TOKEN, null));

    private SandboxAccounts() {
    }

    public static String referenceOf(Token token) {
        return (token.company().equals("forms-org") ? "forms/" : "pipedrive/") + token.label();
    }

    /** The dispatcher's credential file (FileConfigProvider format). */
    public static Path writeCredentials(Path dir) throws IOException {
        String lines = TOKENS.stream().map(t -> referenceOf(t) + "=" + t.secret()).collect(Collectors.joining("\n", "", "\n"));
        return Files.writeString(dir.resolve("credentials.properties"), lines);
    }

    public static SimulatedVendor startVendor(long latencyMs) {
        return startVendor(COMPANIES, latencyMs);
    }

    public static SimulatedVendor startVendor(List<Company> companies, long latencyMs) {
        return SimulatedVendor.start(companies, TOKENS, latencyMs);
    }
}
