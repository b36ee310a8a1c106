/** @module lifecycle.test — start and stop order, a failing stop, and who closes the store, on small fakes. */
import { describe, expect, it } from 'vitest';
import { createLifecycle, type SignerService } from './lifecycle.ts';

function setUp(ownsStore: boolean, failingStop?: string) {
  const calls: string[] = [];
  const store = {
    migrate: async () => void calls.push('migrate'),
    close: async () => void calls.push('close'),
  };
  const service = (name: string): SignerService => ({
    name,
    start: async () => void calls.push(`start ${name}`),
    stop: () => {
      calls.push(`stop ${name}`);
      if (name === failingStop) throw new Error(`${name} is stuck`);
    },
  });
  const lines: { level: string; object: object; message: string }[] = [];
  const logger = {
    info: (object: object, message: string) => void lines.push({ level: 'info', object, message }),
    error: (object: object, message: string) => void lines.push({ level: 'error', object, message }),
  };
  const services = [service('reconcile'), service('webhook')];
  return { calls, lines, services, lifecycle: createLifecycle({ store, services, logger, ownsStore }) };
}

describe('createLifecycle', () => {
  it('migrates first, starts in order, stops in reverse, then closes a store it owns', async () => {
    const { calls, lines, lifecycle } = setUp(true);
    await lifecycle.start();
    await lifecycle.stop();
    expect(calls).toEqual([
      'migrate',
      'start reconcile',
      'start webhook',
      'stop webhook',
      'stop reconcile',
      'close',
    ]);
    expect(lines.map((l) => [l.message, l.object])).toEqual([
      ['service started', { job: 'reconcile' }],
      ['service started', { job: 'webhook' }],
    ]);
  });

  it('starts once however often start() is called, and includes services added before the start', async () => {
    const { calls, services, lifecycle } = setUp(false);
    (services as SignerService[]).push({
      name: 'extra',
      start: () => void calls.push('start extra'),
      stop: () => void calls.push('stop extra'),
    });
    await lifecycle.start();
    await lifecycle.start();
    expect(calls).toEqual(['migrate', 'start reconcile', 'start webhook', 'start extra']);
    await lifecycle.stop();
    // A given store belongs to the caller: not closed.
    expect(calls.slice(4)).toEqual(['stop extra', 'stop webhook', 'stop reconcile']);
    // Stopped, it may start again.
    await lifecycle.start();
    expect(calls.at(-1)).toBe('start extra');
  });

  it('a service that fails to stop is logged and the others still stop, the store still closes', async () => {
    const { calls, lines, lifecycle } = setUp(true, 'webhook');
    await lifecycle.start();
    await lifecycle.stop();
    expect(calls.slice(3)).toEqual(['stop webhook', 'stop reconcile', 'close']);
    const failure = lines.find((l) => l.level === 'error');
    expect(failure?.message).toBe('service did not stop cleanly');
    expect(failure?.object).toMatchObject({ job: 'webhook', err: new Error('webhook is stuck') });
  });
});
