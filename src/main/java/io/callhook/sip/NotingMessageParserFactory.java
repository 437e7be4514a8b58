package io.callhook.sip;

import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;

/**
 * Hands the stack {@link NotingMessageParser} for UDP and TCP alike (stack property
 * {@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY}). Public only because the RI instantiates it
 * by reflection.
 */
public final class NotingMessageParserFactory implements MessageParserFactory {

    private static final NotingMessageParser PARSER = new NotingMessageParser();

    public NotingMessageParserFactory() {
        // for the RI's reflection
    }

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        return PARSER;
    }
}
