/** Handshakes/s against signaling replicas, with and without room affinity, from a `replica-ceiling` run. */
import { median } from '../../lib/stats.ts';
import { atQuota, SATURATED, type CeilingResults, type CeilingRow } from '../ceiling-results.ts';
import { lineChart, type LinePoint, type LineSeries } from '../svg/line-chart.ts';
import { COLOURS, type Marker } from '../svg/palette.ts';
import { sourceNote, type DataSource } from './source.ts';

function ceilingSource(results: CeilingResults): DataSource {
  const { revision, node } = results.environment;
  return { startedAt: results.startedAt, command: results.command, ...(revision === undefined ? {} : { revision }), ...(node === undefined ? {} : { node }) };
}

/** The row's name on the bench's command line: `1`, `2` (random), `2r` (room affinity), `1b` (beside a burner). */
function rowName(row: CeilingRow): string {
  if (row.burner) return `${row.replicas}b`;
  return row.replicas === 1 ? '1' : `${row.replicas}${row.routing === 'room' ? 'r' : ''}`;
}

/** The rows of one name as a point: the median round, whiskers from the lowest to the highest, labelled with the median ratio to 1 replica alone in the same round. */
function point(rows: readonly CeilingRow[], alone: readonly CeilingRow[], labelled: boolean): LinePoint {
  const rates = rows.map((row) => row.handshakesPerSecond);
  const ratios = rows.flatMap((row) => alone.filter((one) => one.round === row.round).map((one) => row.handshakesPerSecond / one.handshakesPerSecond));
  const ratio = median(ratios);
  return {
    x: rows[0]?.replicas ?? Number.NaN,
    y: median(rates),
    low: Math.min(...rates),
    high: Math.max(...rates),
    ...(labelled && Number.isFinite(ratio) ? { label: `${ratio.toFixed(2)}×` } : {}),
  };
}

export function scalingChart(results: CeilingResults): string | undefined {
  if (results.rows.length === 0) return undefined;
  const byName = new Map<string, CeilingRow[]>();
  for (const row of results.rows) byName.set(rowName(row), [...(byName.get(rowName(row)) ?? []), row]);
  const alone = byName.get('1') ?? [];
  const counts = [...new Set(results.rows.map((row) => row.replicas))].sort((a, b) => a - b);
  /** 1 replica alone, then the named rows; 1 replica is the 1.00× the labels are relative to. */
  const line = (name: string, names: (count: number) => string, colour: string, marker: Marker): LineSeries => ({
    name,
    colour,
    marker,
    points: [
      ...(alone.length > 0 ? [point(alone, alone, false)] : []),
      ...counts.filter((count) => count > 1 && byName.has(names(count))).map((count) => point(byName.get(names(count)) ?? [], alone, true)),
    ],
  });
  const series = [line('room affinity', (count) => `${count}r`, COLOURS.blue, 'circle'), line('random spreading', String, COLOURS.vermillion, 'square')].filter((one) => one.points.length > 1);
  const burner = [...byName].filter(([name]) => name.endsWith('b'));
  for (const [, rows] of burner) {
    series.push({ name: `1 replica beside a ${results.millicores}m burner`, colour: COLOURS.purple, marker: 'diamond', points: [point(rows, alone, true)] });
  }
  const base = median(alone.map((row) => row.handshakesPerSecond));
  if (Number.isFinite(base)) series.push({ name: 'linear: N × 1 replica', colour: COLOURS.grey, dashed: true, points: counts.map((count) => ({ x: count, y: base * count })) });
  const quotaCounts = [...byName].map(([name, rows]) => `${name} ${rows.filter(atQuota).length}/${rows.length}`);
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
