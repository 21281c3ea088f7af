/**
 * The cheapest a crossing wake-up can be: CPU per directed message of the sending and the
 * receiving process, each a bare bus with nothing of Signal's around it, carrying an SDP record
 * of the bench's sample size. Two transports: ServiceBusEventBus (real SDK, AMQP test broker)
 * and DirectWakeupBus (WAKEUPS=direct: authenticated frames over TCP). Two rates:
 * a steady trickle (each message alone, as at low load) and back to back (as at saturation,
 * where frames share reads and writes). The floor under `replica-scaling.ts`'s crossing cost.
 * Usage: node bench/cluster/bus-hop-cost.ts [messages=2000]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { InProcessBus } from '../../libs/common/src/adapters/memory/in-process-bus.ts';
import { ServiceBusEventBus } from '../../libs/common/src/adapters/servicebus/service-bus-event-bus.ts';
import type { EventBus, EventEnvelope } from '../../libs/common/src/ports/event-bus.ts';
import { startBroker } from '../../test-support/servicebus-broker/index.ts';
import { loopbackDirectBus } from '../lib/loopback-direct-bus.ts';
import { cpuSeconds } from '../lib/proc-stats.ts';
import { SAMPLE_SDP } from '../lib/sample-sdp.ts';

const MESSAGES = Number(process.argv[2] ?? 2000);
const role = process.argv[3];
const transport = process.argv[4] as Transport | undefined;
type Transport = 'servicebus' | 'direct';
const TRANSPORTS: Transport[] = ['servicebus', 'direct'];
const quiet = { info() {}, warn() {}, error: (fields: object, message: string) => console.error(message, fields) };

interface Pace {
  label: string;
  inFlight: number;
  gapMs: number;
}
const PACES: Pace[] = [
  { label: 'trickle: one at a time, 15 ms apart', inFlight: 1, gapMs: 15 },
  { label: 'back to back: 8 in flight', inFlight: 8, gapMs: 0 },
];

function wakeUp(): EventEnvelope {
  const now = Date.now();
  const key = { room: randomUUID(), type: 'offer' as const, from: randomUUID(), to: randomUUID() };
  return {
    version: 1,
    id: randomUUID(),
    kind: 'sdp.posted',
    origin: 'bench',
    publishedAt: now,
    data: { ...key, record: { ...key, sdp: SAMPLE_SDP, shortname: 'bench-room', createdAt: now, expiresAt: now + 60_000 } },
  };
}

const nextMessage = (child: ChildProcess) => new Promise<unknown>((resolve) => child.once('message', resolve));

async function measure(transport: Transport, connectionString: string): Promise<string[]> {
  const env = { ...process.env, BUS_HOP_BROKER: connectionString };
  const receiver = fork(import.meta.filename, [String(MESSAGES), 'receiver', transport], { env });
  const sender = fork(import.meta.filename, [String(MESSAGES), 'sender', transport], { env });
  try {
    const [address] = await Promise.all([nextMessage(receiver), nextMessage(sender)]);
    const round = async (count: number, pace: Pace) => {
      const done = Promise.all([nextMessage(receiver), nextMessage(sender)]);
      receiver.send({ count });
      sender.send({ count, address, pace });
      await done;
    };
    const rows: string[] = [];
    for (const pace of PACES) {
      await round(200, pace);
      const pids = [sender.pid!, receiver.pid!, process.pid];
      const before = pids.map(cpuSeconds);
      const started = performance.now();
      await round(MESSAGES, pace);
      const seconds = (performance.now() - started) / 1000;
      const [send, receive, broker] = pids.map((pid, i) => ((cpuSeconds(pid) - before[i]!) / MESSAGES) * 1e6) as [number, number, number];
      const brokerCell = transport === 'servicebus' ? `${broker.toFixed(0)} µs` : '–';
      rows.push(`| ${transport} | ${pace.label} | ${(MESSAGES / seconds).toFixed(0)} | ${send.toFixed(0)} µs | ${receive.toFixed(0)} µs | ${(send + receive).toFixed(0)} µs | ${brokerCell} |`);
    }
    return rows;
  } finally {
    sender.kill();
    receiver.kill();
  }
}

async function parent(): Promise<void> {
  const broker = await startBroker({ entities: { 'signal-events': [] } });
  try {
    console.log(`${MESSAGES} directed messages per row, each carrying a ${SAMPLE_SDP.length}-character SDP record\n`);
    console.log('| transport | pace | messages/s | sender CPU per message | receiver CPU per message | both | broker (not Signal) |\n| --- | --- | --- | --- | --- | --- | --- |');
    for (const each of TRANSPORTS) for (const row of await measure(each, broker.connectionString)) console.log(row);
  } finally {
    await broker.stop();
  }
}

/** A bare bus in a process of its own: the receiver counts wake-ups, the sender sends them at a pace. */
async function child(): Promise<void> {
  const bus: EventBus =
    transport === 'direct'
      ? await loopbackDirectBus(new InProcessBus())
      : await ServiceBusEventBus.start({
          connectionString: process.env.BUS_HOP_BROKER!,
          replicaName: `bench-${role}-${randomUUID().slice(0, 8)}`,
          inbox: role === 'receiver',
          logger: quiet,
        });
  let expected = 0;
  let received = 0;
  bus.subscribe(() => {
    received += 1;
    if (received === expected) process.send!('received');
  });
  process.on('message', async (message: { count: number; address?: string; pace?: Pace }) => {
    if (role === 'receiver') {
      expected = message.count;
      received = 0;
      return;
    }
    const { count, address, pace } = message as { count: number; address: string; pace: Pace };
    let next = 0;
    await Promise.all(
      Array.from({ length: pace.inFlight }, async () => {
        while (next < count) {
          next += 1;
          if (pace.gapMs > 0) await new Promise((resolve) => setTimeout(resolve, pace.gapMs));
          await bus.send(address, wakeUp());
        }
      }),
    );
    process.send!('sent');
  });
  process.send!(bus.address ?? 'no inbox');
}

await (role === undefined ? parent() : child());
