/**
 * @module csp-page: the first script of /csp/page.html (served under a strict CSP by test/helpers/fake-server.mjs). Loaded
 * from 'self' before the two copies of the bundle, it records every CSP violation and every script error.
 */
const w = window as unknown as { violations: string[]; errors: string[] };
w.violations = [];
w.errors = [];
document.addEventListener('securitypolicyviolation', (e) =>
  w.violations.push(`${e.violatedDirective} ${e.blockedURI}`),
);
addEventListener('error', (e) => w.errors.push(e.message));
