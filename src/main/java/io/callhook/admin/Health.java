package io.callhook.admin;

import java.util.List;
import java.util.Optional;

/**
 * What {@code /health} answers: 200 when every check passes, else 503; the body is JSON that names
 * each check and, for a failing one, why: {@code {"status":"DOWN","checks":{"sip":"not listening"}}}.
 */
final class Health {

    record Answer(int status, String json) {}

    private final List<HealthCheck> checks;

    Health(List<HealthCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    Answer evaluate() {
        boolean up = true;
        StringBuilder body = new StringBuilder();
        for (HealthCheck check : checks) {
            Optional<String> problem;
            try {
                problem = check.problem().get();
            } catch (RuntimeException e) {
                problem = Optional.of("check failed: " + e);
            }
            up &= problem.isEmpty();
            body.append(body.length() == 0 ? "" : ",").append(quote(check.name())).append(':')
                    .append(quote(problem.orElse("UP")));
        }
        String json = "{\"status\":" + quote(up ? "UP" : "DOWN") + ",\"checks\":{" + body + "}}\n";
        return new Answer(up ? 200 : 503, json);
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
