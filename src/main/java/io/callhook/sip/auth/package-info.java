/**
 * SIP digest authentication (RFC 3261 §22, RFC 7616 / RFC 8760 algorithms MD5 and SHA-256), as
 * pure values and functions: header parameter parsing, the response computation, stateless nonces
 * with expiry, and nonce-count replay protection. Nothing here knows the SIP stack; the {@code sip}
 * room's {@code Admission} applies it to requests, and the test phone uses {@link
 * io.callhook.sip.auth.DigestClient} to answer challenges.
 */
package io.callhook.sip.auth;
