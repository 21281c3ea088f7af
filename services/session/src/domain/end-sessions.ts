import type { EventHub } from '@signal/common/events/event-hub';
import type { SessionStore } from '@signal/common/ports/session-store';

/** Ends sessions of one user; resolves with how many were still live. */
export type EndSessions = (uuid: string, ids: readonly string[]) => Promise<number>;

/**
 * Sessions end in the store and in every replica's session cache at once (session.revoked).
 */
export function sessionEnder(sessions: SessionStore, events: Pick<EventHub, 'publish'>): EndSessions {
  return async (uuid, ids) => {
    const ended = await Promise.all(
      ids.map(async (id) => {
        const live = await sessions.delete(id, uuid);
        await events.publish('session.revoked', { sessionId: id });
        return live;
      }),
    );
    return ended.filter(Boolean).length;
  };
}
