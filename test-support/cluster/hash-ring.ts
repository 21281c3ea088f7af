import { hash } from 'node:crypto';

/**
 * A consistent-hash ring, as Envoy's ring hash load balancer (and ketama before it) builds one:
 * each member owns many points on a 32-bit circle, and a key belongs to the member of the first
 * point at or after the key's hash. A member that leaves takes only its own points with it, so
 * only its keys move; every other key keeps its member.
 */
export interface HashRing {
  readonly members: readonly string[];
  /** The member a key belongs to; undefined when the ring is empty. */
  owner(key: string): string | undefined;
  /** Every member once, in the order a request for `key` tries them: its owner first, then clockwise. */
  order(key: string): string[];
}

/** Points per member: Envoy's default minimum ring is 1024 entries; 256 each reaches it at 4 replicas. */
export const POINTS_PER_MEMBER = 256;

function position(text: string): number {
  return hash('sha256', text, 'buffer').readUInt32BE(0);
}

export function hashRing(members: readonly string[], pointsPerMember = POINTS_PER_MEMBER): HashRing {
  const unique = [...new Set(members)];
  const points = unique.flatMap((member, index) => Array.from({ length: pointsPerMember }, (_, n) => ({ at: position(`${member}_${n}`), index })));
  // Ties (rare at 32 bits) are broken by name, so the ring does not depend on the members' order.
  points.sort((a, b) => a.at - b.at || unique[a.index]!.localeCompare(unique[b.index]!));
  const at = Uint32Array.from(points, (point) => point.at);
  const owners = points.map((point) => unique[point.index]!);

  const first = (key: string): number => {
    const target = position(key);
    let [low, high] = [0, at.length];
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (at[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return low === at.length ? 0 : low;
  };

  return {
    members: unique,
    owner: (key) => (owners.length === 0 ? undefined : owners[first(key)]),
    order(key) {
      const found: string[] = [];
      if (owners.length === 0) return found;
      const start = first(key);
      for (let step = 0; step < owners.length && found.length < unique.length; step += 1) {
        const member = owners[(start + step) % owners.length]!;
        if (!found.includes(member)) found.push(member);
      }
      return found;
    },
  };
}
