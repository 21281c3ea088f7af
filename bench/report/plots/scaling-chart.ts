/** Handshakes/s against signaling replicas, with and without room affinity, from a `replica-ceiling` run. */
import { median } from '../../lib/stats.ts';
import { atQuota, SATURATED, type CeilingResults, type CeilingRow, type Routing } from '../ceiling-results.ts';
import { lineChart, type LinePoint, type LineSeries } from '../svg/line-chart.ts';
import { COLOURS } from '../svg/palette.ts';
import { sourceNote, type DataSource } from './source.ts';

export function ceilingSource(results: CeilingResults): DataSource {
  const { revision, node } = results.environment;
  return { startedAt: results.startedAt, command: results.command, ...(revision === undefined ? {} : { revision }), ...(node === undefined ? {} : { node }) };
}

/** One point per replica count: the median round, whiskers from the lowest to the highest, labelled with the median ratio to 1 replica of the same round. */
function point(rows: readonly CeilingRow[], single: readonly CeilingRow[]): LinePoint {
  const rates = rows.map((row) => row.handshakesPerSecond);
  const ratios = rows.flatMap((row) => single.filter((one) => one.round === row.round).map((one) => row.handshakesPerSecond / one.handshakesPerSecond));
  const ratio = median(ratios);
  return {
    x: rows[0]?.replicas ?? Number.NaN,
    y: median(rates),
    low: Math.min(...rates),
    high: Math.max(...rates),
    // 1 replica is the 1.00× every other label is relative to.
    ...(Number.isFinite(ratio) && rows[0]?.replicas !== 1 ? { label: `${ratio.toFixed(2)}×` } : {}),
  };
}

export function scalingChart(results: CeilingResults): string | undefined {
  if (results.rows.length === 0) return undefined;
  const single = results.rows.filter((row) => row.replicas === 1);
  const counts = [...new Set(results.rows.map((row) => row.replicas))].sort((a, b) => a - b);
  const line = (routing: Routing, name: string, colour: string, marker: 'circle' | 'square'): LineSeries => ({
    name,
    colour,
    marker,
    points: counts
      .map((count) => results.rows.filter((row) => row.replicas === count && (count === 1 || row.routing === routing)))
      .filter((rows) => rows.length > 0)
      .map((rows) => point(rows, single)),
  });
  const base = median(single.map((row) => row.handshakesPerSecond));
  const series = [line('room', 'room affinity', COLOURS.blue, 'circle'), line('random', 'random spreading', COLOURS.vermillion, 'square')].filter((one) => one.points.length > 1);
  if (Number.isFinite(base)) series.push({ name: 'linear: N × 1 replica', colour: COLOURS.grey, dashed: true, points: counts.map((count) => ({ x: count, y: base * count })) });
  const roundsAtQuota = (routing: Routing, count: number) => {
    const rows = results.rows.filter((row) => row.replicas === count && (count === 1 || row.routing === routing));
    return rows.length === 0 ? '' : `${count}${count === 1 ? '' : routing === 'room' ? 'r' : ''} ${rows.filter(atQuota).length}/${rows.length}`;
  };
  const quotaCounts = [...counts.map((count) => roundsAtQuota('room', count)), ...counts.filter((count) => count > 1).map((count) => roundsAtQuota('random', count))].filter(Boolean);
  return lineChart({
    title: 'Handshakes per second against signaling replicas',
    notes: [
      sourceNote(ceilingSource(results)),
      `Each replica held to ${results.millicores}m of CPU, ${results.pairsPerReplica} handshakes in flight per replica, ${results.seconds} s per row; ` +
        (results.rounds === 1 ? 'one round; labels: ratio to 1 replica.' : `${results.rounds} interleaved rounds: median round, whiskers lowest to highest; labels: median ratio to 1 replica in the same round.`),
      `Rounds with every replica at ≥ ${SATURATED * 100} % of its quota (else the machine, not the quota, was the limit): ${quotaCounts.join(', ')}.`,
    ],
    x: { label: 'signaling replicas', ticks: counts },
    y: { label: 'handshakes/s' },
    series,
  });
}
