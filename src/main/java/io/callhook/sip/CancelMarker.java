package io.callhook.sip;

/** Application data of the CANCELs the proxy sends: their 200 needs nothing done. */
enum CancelMarker { INSTANCE }
