/**
 * @module form tests
 */
import { expect } from '@open-wc/testing';
import { buildPaymentForm, originOf } from './form.ts';
import { SignerError, type Checkout } from './signer-client.ts';

const checkout = (over: Partial<Checkout> = {}): Checkout => ({
  orderId: 'E1',
  action: 'https://gw.example.com/Pay_Index.html',
  method: 'POST',
  fields: { pay_orderid: 'E1', pay_productname: '<img src=x onerror=alert(1)>', pay_md5sign: 'AB' },
  statusUrl: 'https://signer.example.com/api/orders/E1',
  ...over,
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof SignerError ? e.code : 'other';
  }
  return 'none';
}

describe('originOf', () => {
  it('keeps http(s) origins only', () => {
    expect(originOf('https://a.example:8443/x?y#z')).to.equal('https://a.example:8443');
    expect(originOf('http://127.0.0.1:4100/Pay_Index.html')).to.equal('http://127.0.0.1:4100');
    expect(originOf('javascript:alert(1)')).to.equal('');
    expect(originOf('/relative')).to.equal('');
  });
});

describe('buildPaymentForm', () => {
  it('builds a hidden POST form whose inputs carry the fields verbatim as text', () => {
    const form = buildPaymentForm(checkout(), 'https://gw.example.com');
    expect(form.getAttribute('method')).to.equal('post');
    expect(form.getAttribute('action')).to.equal('https://gw.example.com/Pay_Index.html');
    expect(form.hidden).to.equal(true);
    const inputs = [...form.querySelectorAll('input')];
    expect(inputs.map((i) => [i.type, i.name, i.value])).to.deep.equal([
      ['hidden', 'pay_orderid', 'E1'],
      ['hidden', 'pay_productname', '<img src=x onerror=alert(1)>'],
      ['hidden', 'pay_md5sign', 'AB'],
    ]);
    expect(form.querySelector('img')).to.equal(null);
    expect([...new FormData(form).entries()]).to.have.length(3);
  });

  it('survives fields named like form properties', () => {
    const form = buildPaymentForm(
      checkout({ fields: { action: 'x', method: 'get', submit: 'y' } }),
      'https://gw.example.com',
    );
    expect(form.getAttribute('action')).to.equal('https://gw.example.com/Pay_Index.html');
    expect(form.getAttribute('method')).to.equal('post');
    expect(new FormData(form).get('submit')).to.equal('y');
  });

  it('refuses an action on a foreign origin', () => {
    expect(codeOf(() => buildPaymentForm(checkout(), 'https://other.example.com'))).to.equal(
      'GATEWAY_NOT_ALLOWED',
    );
    expect(codeOf(() => buildPaymentForm(checkout(), 'http://gw.example.com'))).to.equal(
      'GATEWAY_NOT_ALLOWED',
    );
    expect(
      codeOf(() =>
        buildPaymentForm(checkout({ action: 'https://gw.example.com.evil.test/' }), 'https://gw.example.com'),
      ),
    ).to.equal('GATEWAY_NOT_ALLOWED');
    expect(
      codeOf(() => buildPaymentForm(checkout({ action: 'javascript:alert(1)' }), 'javascript:x')),
    ).to.equal('GATEWAY_NOT_ALLOWED');
    expect(codeOf(() => buildPaymentForm(checkout(), ''))).to.equal('GATEWAY_NOT_ALLOWED');
    expect(codeOf(() => buildPaymentForm(checkout(), 'https://gw.example.com/any/path'))).to.equal('none');
  });

  it('refuses an answer that is not a POST of string fields', () => {
    expect(codeOf(() => buildPaymentForm(checkout({ method: 'GET' }), 'https://gw.example.com'))).to.equal(
      'BAD_RESPONSE',
    );
    const bad = checkout({ fields: { n: 1 as unknown as string } });
    expect(codeOf(() => buildPaymentForm(bad, 'https://gw.example.com'))).to.equal('BAD_RESPONSE');
  });
});
