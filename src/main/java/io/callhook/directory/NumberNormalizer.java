package io.callhook.directory;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * E.164 normalization with libphonenumber: {@code 0401234567} in FI, {@code 00358401234567},
 * {@code +358 40-123 4567} and {@code (040) 123 4567} all become {@code +358401234567}.
 *
 * <p>Only digits, one leading {@code +} and visual separators (space, {@code - . / ( )}) are
 * accepted: letters are refused rather than read as a vanity number, so a SIP user name is never
 * mistaken for a number. A number must also have a possible length for its country. The caller
 * strips {@code tel:} and {@code ;phone-context=…} first. Thread-safe.
 */
public final class NumberNormalizer {

    private static final PhoneNumberUtil PHONE = PhoneNumberUtil.getInstance();
    private static final Pattern DIALABLE = Pattern.compile("\\s*\\+?[\\d\\s()./-]*\\d[\\d\\s()./-]*");
    private static final String UNKNOWN_REGION = "ZZ";

    private NumberNormalizer() {}

    /**
     * @param region an ISO 3166 region such as {@code FI} for numbers written without a country
     *               code; null when there is none (then only {@code +…} numbers parse)
     * @return the E.164 form, or empty when {@code raw} is not a possible number
     */
    public static Optional<String> toE164(String raw, String region) {
        if (raw == null || !DIALABLE.matcher(raw).matches()) {
            return Optional.empty();
        }
        String r = region == null ? UNKNOWN_REGION : region.toUpperCase(Locale.ROOT);
        try {
            PhoneNumber number = PHONE.parse(raw, r);
            if (!PHONE.isPossibleNumber(number)) {
                return Optional.empty();
            }
            return Optional.of(PHONE.format(number, PhoneNumberFormat.E164));
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /** True for the two-letter ISO 3166 regions libphonenumber has numbering plans for (upper case). */
    public static boolean isKnownRegion(String region) {
        return region != null && PHONE.getSupportedRegions().contains(region);
    }
}
