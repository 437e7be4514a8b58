package io.callhook.directory;

/**
 * What privacy does to one event field: keep it, remove it, or (numbers only) mask its last
 * {@code digits} digits with {@code X}.
 */
public record FieldPrivacy(Action action, int digits) {

    public enum Action { KEEP, REMOVE, MASK }

    public static final FieldPrivacy KEEP = new FieldPrivacy(Action.KEEP, 0);
    public static final FieldPrivacy REMOVE = new FieldPrivacy(Action.REMOVE, 0);

    public FieldPrivacy {
        if (action == Action.MASK && (digits < 1 || digits > 15)) {
            throw new IllegalArgumentException("mask digits must be 1..15: " + digits);
        }
    }

    public static FieldPrivacy mask(int digits) {
        return new FieldPrivacy(Action.MASK, digits);
    }
}
