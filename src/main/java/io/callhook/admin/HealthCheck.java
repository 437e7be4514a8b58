package io.callhook.admin;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * One thing {@code /health} looks at: {@code problem} says what is wrong, or is empty when the
 * part is fine. Called on the admin thread at each request; must be cheap and must not block.
 *
 * @param name    the key in the JSON body ({@code sip}, later {@code outbox} …)
 * @param problem empty when healthy, else a short reason
 */
public record HealthCheck(String name, Supplier<Optional<String>> problem) {}
