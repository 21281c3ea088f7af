import { formatAddress, newInstance, parseAddress } from '../../src/wakeups/http/wakeup-address.ts';

test('an address names the process, and its host and port, for IPv4, IPv6 and host names', () => {
  const instance = newInstance();
  expect(parseAddress(formatAddress(instance, '10.244.1.17', 8081))).toEqual({ instance, host: '10.244.1.17', port: 8081 });
  expect(formatAddress(instance, 'fd00::17', 8081)).toBe(`${instance}@[fd00::17]:8081`);
  expect(parseAddress(formatAddress(instance, 'fd00::17', 8081))).toEqual({ instance, host: '[fd00::17]', port: 8081 });
  expect(parseAddress(formatAddress(instance, 'signaling-0.signal', 1))).toEqual({ instance, host: 'signaling-0.signal', port: 1 });
  expect(newInstance()).not.toBe(instance);
});

test('what older replicas wrote on slots (inbox names, bare host:port) is no address: dropped without a request', () => {
  for (const older of ['signal-signaling-7f9c-inbox', '10.244.1.17:8081', '[fd00::17]:8081', 'in-process-0b3c', 'x@10.0.0.1:0', 'short@10.0.0.1:8081', 'abcdefgh@10.0.0.1:70000', 'abcdefgh@10.0.0.1/x:80']) {
    expect(parseAddress(older)).toBeUndefined();
  }
});

test('an address stays one JSON-pointer segment (no / or ~), as the store writes it into a patch path', () => {
  for (let i = 0; i < 200; i += 1) expect(formatAddress(newInstance(), 'fd00::17', 8081)).not.toMatch(/[/~]/);
});
