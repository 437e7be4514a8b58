package io.callhook.call;

import java.util.Optional;

/**
 * What {@link LegMachine#step} decided: the leg after the signal (null when no leg exists), the
 * transition it made (empty when the signal changed nothing visible), and, when the signal did not
 * fit the leg's state, why — the caller logs that at WARN.
 */
public record Step(Leg next, Optional<Transition> transition, Optional<String> unexpected) {

    static Step moved(Leg next, Transition t) {
        return new Step(next, Optional.of(t), Optional.empty());
    }

    static Step quiet(Leg next) {
        return new Step(next, Optional.empty(), Optional.empty());
    }

    static Step unexpected(Leg next, String why) {
        return new Step(next, Optional.empty(), Optional.of(why));
    }
}
