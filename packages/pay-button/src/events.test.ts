/**
 * @module events tests
 */
import { expect } from '@open-wc/testing';
import { emit } from './events.ts';

describe('emit', () => {
  it('dispatches bubbling, composed events across a shadow root', () => {
    const host = document.createElement('div');
    const inner = host.attachShadow({ mode: 'open' }).appendChild(document.createElement('span'));
    document.body.append(host);
    const seen: [boolean, boolean, boolean, unknown][] = [];
    document.addEventListener(
      'pay-status',
      (e) => seen.push([e.bubbles, e.composed, e.cancelable, e.detail]),
      {
        once: true,
      },
    );
    try {
      expect(emit(inner, 'pay-status', { orderId: 'E1', status: 'PAID' })).to.equal(true);
    } finally {
      host.remove();
    }
    expect(seen).to.deep.equal([[true, true, false, { orderId: 'E1', status: 'PAID' }]]);
  });

  it('reports a canceled cancelable event', () => {
    const target = document.createElement('div');
    target.addEventListener('pay-request', (e) => e.preventDefault());
    expect(emit(target, 'pay-request', { bankCode: '903', amountFen: 1, product: null }, true)).to.equal(
      false,
    );
    // Not cancelable: preventDefault has no effect.
    target.addEventListener('pay-error', (e) => e.preventDefault());
    expect(emit(target, 'pay-error', { code: 'X', message: 'x', retryable: false })).to.equal(true);
  });
});
