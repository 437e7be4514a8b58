package io.callhook.sip.ua;

import javax.sip.Dialog;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** One call as a {@link SimplePhone} sees it: wait for it to be answered or to end, or hang it up. */
public final class PhoneCall {

    private final SimplePhone phone;
    private final String callId;
    private final CountDownLatch answered = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile Dialog dialog;
    private volatile javax.sip.ClientTransaction inviteTransaction;
    private volatile int finalStatus;
    private volatile boolean challenged;

    PhoneCall(SimplePhone phone, String callId) {
        this.phone = phone;
        this.callId = callId;
    }

    public String callId() {
        return callId;
    }

    /** The final status of the INVITE (200 when answered), or 0 while none. */
    public int finalStatus() {
        return finalStatus;
    }

    public boolean awaitAnswered(Duration timeout) throws InterruptedException {
        return answered.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean awaitEnded(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends BYE in the call's dialog (through the proxy's Record-Route). */
    public void hangup() throws Exception {
        phone.sendBye(this);
    }

    /** Sends CANCEL for this (unanswered) call; the phone then sees the 487. */
    public void cancel() throws Exception {
        phone.sendCancel(this);
    }

    javax.sip.ClientTransaction inviteTransaction() {
        return inviteTransaction;
    }

    void setInviteTransaction(javax.sip.ClientTransaction ct) {
        this.inviteTransaction = ct;
    }

    Dialog dialog() {
        return dialog;
    }

    void setDialog(Dialog d) {
        this.dialog = d;
    }

    boolean challenged() {
        return challenged;
    }

    void markChallenged() {
        challenged = true;
    }

    void markAnswered(int status) {
        finalStatus = status;
        answered.countDown();
    }

    void markFailed(int status) {
        finalStatus = status;
        ended.countDown();
    }

    void markEnded() {
        ended.countDown();
    }
}
