import type { Platform } from '@signal/common/runtime/platform';

/**
 * Ends sessions of one user: gone from the store, and from every replica's session cache at once
 * (session.revoked). Resolves with how many were still live.
 */
export async function endSessions(platform: Pick<Platform, 'stores' | 'events'>, uuid: string, ids: readonly string[]): Promise<number> {
  const ended = await Promise.all(
    ids.map(async (id) => {
      const live = await platform.stores.sessions.delete(id, uuid);
      await platform.events.publish('session.revoked', { sessionId: id });
      return live;
    }),
  );
  return ended.filter(Boolean).length;
}
