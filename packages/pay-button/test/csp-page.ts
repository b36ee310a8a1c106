/**
 * @module csp-page: the script of /csp/page.html (served under a strict CSP by test/fake-server.mjs). Loaded from
 * 'self', it records every CSP violation before defining the element.
 */
const w = window as unknown as { violations: string[] };
w.violations = [];
document.addEventListener('securitypolicyviolation', (e) => w.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
await import('../src/define.js');
