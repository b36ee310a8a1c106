/**
 * @module admin/console-css
 * The console's one stylesheet, served as `/admin/console.css` (the CSP allows styles from the console's own
 * origin only: no inline style anywhere). Light by default, dark when the operator's system asks for it; tables
 * scroll sideways on a phone instead of squeezing.
 */

/** The stylesheet. */
export const CONSOLE_CSS = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --panel: #fff; --text: #1d2330; --muted: #5b6475; --line: #dde1e8; --accent: #1a56db;
  --ok-bg: #e3f6e8; --ok: #146c2e; --warn-bg: #fff1d6; --warn: #7a4b00; --bad-bg: #fde4e4; --bad: #a11a1a;
  --code-bg: #f0f2f5; --on-accent: #fff;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #12151b; --panel: #1b2029; --text: #e6e9ef; --muted: #9aa3b2; --line: #2f3644; --accent: #7aa7ff;
    --ok-bg: #123a22; --ok: #8fe0a8; --warn-bg: #3d2d0c; --warn: #ffd27a; --bad-bg: #451818; --bad: #ff9b9b;
    --code-bg: #232a35; --on-accent: #0b1220;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; }
a { color: var(--accent); }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 20px; padding: 10px 20px;
  background: var(--panel); border-bottom: 1px solid var(--line); }
header .brand { font-weight: 700; margin-right: auto; }
header nav { display: flex; flex-wrap: wrap; gap: 4px 16px; }
header nav a { text-decoration: none; padding: 4px 2px; border-bottom: 2px solid transparent; }
header nav a[aria-current="page"] { border-bottom-color: var(--accent); font-weight: 600; }
header form { margin: 0; }
.lang a { margin-left: 8px; }
main { padding: 20px; max-width: 1200px; margin: 0 auto; }
h1 { font-size: 1.4rem; margin: 0 0 16px; word-break: break-all; }
h2 { font-size: 1.1rem; margin: 28px 0 10px; }
h3 { font-size: 1rem; margin: 20px 0 8px; }
section, .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 16px; }
.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-end; }
.filters label { display: flex; flex-direction: column; gap: 4px; font-size: 0.85rem; color: var(--muted); }
input, select, button { font: inherit; color: inherit; }
input, select { padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); min-width: 0; }
input[type="date"] { min-width: 9.5rem; }
.filters input:not([type="date"]) { width: 9rem; }
button, .button { display: inline-block; padding: 7px 14px; border-radius: 6px; border: 1px solid var(--accent);
  background: var(--accent); color: var(--on-accent); cursor: pointer; text-decoration: none; line-height: 1.3; }
button.secondary, .button.secondary { background: transparent; color: var(--accent); }
button:focus-visible, a:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; background: var(--panel); }
th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid var(--line); white-space: nowrap; vertical-align: top; }
th { font-size: 0.8rem; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.wrap { white-space: normal; word-break: break-all; min-width: 9rem; }
td.body { min-width: 20rem; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 0.8rem; font-weight: 600; }
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.warn { background: var(--warn-bg); color: var(--warn); }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.notice { padding: 10px 14px; border-radius: 6px; margin: 0 0 16px; background: var(--ok-bg); color: var(--ok); }
.notice.bad { background: var(--bad-bg); color: var(--bad); }
.pager { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin-top: 12px; color: var(--muted); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; word-break: break-all; }
pre { margin: 0; padding: 8px; background: var(--code-bg); border-radius: 6px; white-space: pre-wrap; word-break: break-all;
  font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.muted { color: var(--muted); }
.actions { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin-top: 12px; }
.login { max-width: 380px; margin: 12vh auto 0; }
.login label { display: flex; flex-direction: column; gap: 6px; margin: 12px 0; }
.login input { width: 100%; }
@media (max-width: 640px) {
  main { padding: 12px; }
  header { padding: 10px 12px; }
  dl { grid-template-columns: 1fr; gap: 2px; }
  dd { margin-bottom: 8px; }
}
`;
