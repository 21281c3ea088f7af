/** Where bench servers listen: the harness passes PORT and HOST, as it does to Signal. */
export function listenAddress(): { port: number; host: string } {
  return { port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' };
}
