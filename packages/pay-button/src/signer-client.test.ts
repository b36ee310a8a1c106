/**
 * @module signer-client tests
 */
import { expect } from '@open-wc/testing';
import { FakeSigner, SIGNER, config, signerError } from '../test/helpers/fake-signer.ts';
import { SignerClient, SignerError } from './signer-client.ts';

async function failure(p: Promise<unknown>): Promise<SignerError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SignerError) return e;
    throw e;
  }
  throw new Error('expected a SignerError');
}

describe('SignerClient', () => {
  let fake: FakeSigner;
  beforeEach(() => (fake = new FakeSigner().install()));
  afterEach(() => fake.restore());

  it('gets the config', async () => {
    expect(await new SignerClient(`${SIGNER}/`).config()).to.deep.equal(config());
    expect(fake.calls.map((c) => [c.method, c.path])).to.deep.equal([['GET', '/api/config']]);
  });

  it('posts a checkout as JSON with the idempotency key', async () => {
    const res = await new SignerClient(SIGNER).checkout({ bankCode: '903', amount: '1.00' }, 'k1');
    expect(res.orderId).to.equal('E20240301120000000001');
    const [call] = fake.calls;
    expect(call!.method).to.equal('POST');
    expect(call!.path).to.equal('/api/checkout');
    expect(call!.headers.get('idempotency-key')).to.equal('k1');
    expect(call!.headers.get('content-type')).to.equal('application/json');
    expect(call!.body).to.deep.equal({ bankCode: '903', amount: '1.00' });
  });

  it('encodes the order id in the path', async () => {
    await new SignerClient(SIGNER).order('a/b?c');
    expect(fake.calls[0]!.path).to.equal('/api/orders/a%2Fb%3Fc');
  });

  it('maps signer errors to their code, and says which are retryable', async () => {
    fake.replies.checkout.push(signerError(400, 'AMOUNT_OUT_OF_RANGE'), signerError(429, 'RATE_LIMITED'));
    const c = new SignerClient(SIGNER);
    const a = await failure(c.checkout({ bankCode: '903', amount: '1' }, 'k'));
    expect([a.code, a.message, a.retryable]).to.deep.equal([
      'AMOUNT_OUT_OF_RANGE',
      'fake AMOUNT_OUT_OF_RANGE',
      false,
    ]);
    const b = await failure(c.checkout({ bankCode: '903', amount: '1' }, 'k'));
    expect([b.code, b.retryable]).to.deep.equal(['RATE_LIMITED', true]);
  });

  it('reports network failures, timeouts and answers that are not JSON', async () => {
    fake.replies.config.push(
      'network',
      'hang',
      (_c) => Promise.resolve(new Response('<html>', { status: 502 })),
      { status: 500, body: { nope: 1 } },
    );
    const c = new SignerClient(SIGNER, 50);
    expect((await failure(c.config())).code).to.equal('NETWORK_ERROR');
    const started = performance.now();
    const t = await failure(c.config());
    expect(t.code).to.equal('TIMEOUT');
    expect(t.retryable).to.equal(true);
    expect(performance.now() - started).to.be.below(2000);
    const bad = await failure(c.config());
    expect([bad.code, bad.retryable]).to.deep.equal(['BAD_RESPONSE', true]);
    const noCode = await failure(c.config());
    // No code and no message from the server: the code stands in for the message; a 5xx is worth a retry.
    expect([noCode.code, noCode.message, noCode.retryable]).to.deep.equal([
      'BAD_RESPONSE',
      'BAD_RESPONSE',
      true,
    ]);
  });
});
