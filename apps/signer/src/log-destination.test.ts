/**
 * @module log-destination.test
 * The standalone signer's stdout destination: lines written in order to a real file, a full pipe (EAGAIN) waited
 * out, a dead reader (EPIPE) closing it for good, a bounded queue, and a flush that never waits past its deadline.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFdDestination, type WriteFn } from './log-destination.ts';

const dir = mkdtempSync(join(tmpdir(), 'jupay-log-destination-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A write function that answers each call from `script` (an error code, or how many bytes to take). */
function scripted(script: (string | number)[]): { write: WriteFn; taken: string[] } {
  const taken: string[] = [];
  const write: WriteFn = (_fd, buffer, callback) => {
    const step = script.shift() ?? 'all';
    setImmediate(() => {
      if (typeof step === 'string' && step !== 'all') {
        callback(Object.assign(new Error(step), { code: step }), 0);
        return;
      }
      const n = step === 'all' ? buffer.length : Math.min(step, buffer.length);
      taken.push(Buffer.from(buffer.subarray(0, n)).toString('utf8'));
      callback(null, n);
    });
  };
  return { write, taken };
}

describe('createFdDestination', () => {
  it('writes every line, in order, to a real file descriptor', async () => {
    const path = join(dir, 'out.log');
    const fd = openSync(path, 'w');
    const destination = createFdDestination(fd);
    const lines = Array.from({ length: 500 }, (_, i) => `{"n":${i},"msg":"支付 ${'x'.repeat(i % 50)}"}\n`);
    for (const line of lines) destination.write(line);
    expect(await destination.flush(5000)).toBe(true);
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe(lines.join(''));
    expect(destination.dropped).toBe(0);
  });

  it('waits out a full pipe (EAGAIN) and finishes a partial write', async () => {
    const { write, taken } = scripted(['EAGAIN', 'EAGAIN', 3, 'all', 'all']);
    const destination = createFdDestination(1, { write, retryMs: 1 });
    destination.write('line 1\n');
    destination.write('line 2\n');
    expect(await destination.flush(2000)).toBe(true);
    expect(taken.join('')).toBe('line 1\nline 2\n');
    expect(destination.closedBy).toBeNull();
  });

  it('closes for good when the reader is gone (EPIPE): later lines are dropped, flush answers at once', async () => {
    const { write, taken } = scripted(['EPIPE']);
    const destination = createFdDestination(1, { write });
    destination.write('lost 1\n');
    destination.write('lost 2\n');
    expect(await destination.flush(2000)).toBe(false);
    expect(destination.closedBy).toBe('EPIPE');
    destination.write('lost 3\n');
    const started = Date.now();
    expect(await destination.flush(2000)).toBe(false);
    expect(Date.now() - started).toBeLessThan(100);
    expect(destination.dropped).toBe(3);
    expect(taken).toEqual([]);
  });

  it('a reader that never drains: flush gives up at its deadline, the queue stays bounded', async () => {
    const { write } = scripted(Array.from({ length: 10_000 }, () => 'EAGAIN'));
    const destination = createFdDestination(1, { write, retryMs: 5, maxQueued: 100 });
    for (let i = 0; i < 20; i++) destination.write('0123456789\n');
    // The first line is in flight; then 100 characters fit in the queue: 9 lines of 11.
    expect(destination.dropped).toBe(20 - 1 - 9);
    const started = Date.now();
    expect(await destination.flush(150)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
