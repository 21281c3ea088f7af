/** `local`: the waiter is on this replica; `crossed`: the hint went to another replica. */
export type WakeupPath = 'local' | 'crossed';
/** `delivered`: handed to the addressed replica's handlers (or found to have none); `dropped`: not acknowledged. */
export type WakeupOutcome = 'delivered' | 'dropped';

/** Counts each address a hint was sent to; the runtime points it at `signal_wakeups_total`. */
export type CountWakeup = (path: WakeupPath, outcome: WakeupOutcome) => void;

export const uncounted: CountWakeup = () => {};
