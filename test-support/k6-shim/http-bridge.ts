// The VU thread's side of the HTTP worker: k6's synchronous http.* calls block on Atomics.wait
// until the worker has the response; asyncRequest resolves from an ordinary message.
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { WireRequest, WireResponse, WorkerJob, WorkerReply } from './http-wire.ts';

/** A worker that has not answered this long after the request's own timeout is broken. */
const WORKER_GRACE_MS = 5000;

export class HttpBridge {
  readonly #worker: Worker;
  readonly #flag = new Int32Array(new SharedArrayBuffer(4));
  readonly #syncPort;
  readonly #pending = new Map<number, (response: WireResponse) => void>();
  #nextId = 0;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.#syncPort = port1;
    this.#worker = new Worker(new URL('./http-worker.ts', import.meta.url), {
      workerData: { flag: this.#flag, syncPort: port2 },
      transferList: [port2],
    });
    this.#worker.on('message', (reply: WorkerReply) => {
      this.#pending.get(reply.id)?.(reply.response);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) this.#worker.unref();
    });
    this.#worker.unref();
  }

  requestSync(request: WireRequest): WireResponse {
    const id = this.#nextId++;
    Atomics.store(this.#flag, 0, 0);
    this.#worker.postMessage({ id, sync: true, request } satisfies WorkerJob);
    if (Atomics.wait(this.#flag, 0, 0, request.timeoutMs + WORKER_GRACE_MS) === 'timed-out') {
      throw new Error(`k6 shim: HTTP worker gave no answer for ${request.method} ${request.url}`);
    }
    const reply = receiveMessageOnPort(this.#syncPort)?.message as WorkerReply | undefined;
    if (reply?.id !== id) throw new Error('k6 shim: HTTP worker answered out of order');
    return reply.response;
  }

  requestAsync(request: WireRequest): Promise<WireResponse> {
    const id = this.#nextId++;
    // Referenced only while an async request is pending, so a finished run can exit.
    this.#worker.ref();
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#worker.postMessage({ id, sync: false, request } satisfies WorkerJob);
    });
  }

  close(): Promise<number> {
    this.#syncPort.close();
    return this.#worker.terminate();
  }
}
