import { certificationHtml } from './certification.js';
import { escapeXml } from './escape.js';
import { labMeasurements } from '../scenario/calibrate.js';
import type { VerdictStatus } from '../scenario/expectations/index.js';
import {
  attemptNotes,
  countsSentence,
  labSentence,
  runStatus,
  verdictLabel,
  type Attempt,
  type InterconnectFigures,
  type RunReport,
  type ScenarioReport,
} from '../scenario/results.js';

const esc = escapeXml;

const style = `
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}.pass{color:#176f2c;font-weight:600}.fail{color:#b00020;font-weight:600}.inconclusive{color:#8a5a00;font-weight:600}.discrepancy{color:#555;font-style:italic}.matrix td{font-size:12px}.cell-pass{background:#e3f4e6}.cell-fail{background:#fbe0e4}.cell-inconclusive{background:#fdf0d5}
section{border-top:2px solid #ddd;margin-top:24px}svg text{font:11px system-ui,sans-serif;fill:#333}
.legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
`;

const verdictClass = (v: VerdictStatus) => (v === 'pass' ? 'pass' : v === 'fail' ? 'fail' : 'inconclusive');

function selfMeasurement(report: RunReport): string {
  const labs = labMeasurements(report.labs);
  if (!labs.length) return '';
  return `<h2>Lab self-measurement</h2>\n${labs
    .map((l) => `<p>${esc(l.lab)}:</p><ul>${l.lines.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>`)
    .join('\n')}`;
}

/** One self-contained page (no scripts, no fetches): per scenario a timeline chart and the interconnect figures. */
export function renderHtml(report: RunReport): string {
  const status = runStatus(report);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>peerlab ${report.certification ? 'certification' : 'run'} ${esc(report.startedAt)}</title><style>${style}</style></head>
<body>
<h1>peerlab ${report.certification ? 'certification' : 'run'} ${esc(report.startedAt)}: <span class="${report.interrupted ? 'fail' : verdictClass(report.verdict)}">${status}</span></h1>
<p>Runtime ${esc(report.runtime)}, ${esc(report.lag)} LAGs. ${report.labs
    .map((l) => esc(labSentence(l)))
    .join(' ')}${report.error ? ` <b>The run stopped:</b> ${esc(report.error)}` : ''}</p>
<p>${esc(countsSentence(report))}</p>
${selfMeasurement(report)}
${report.certification ? certificationHtml(report.certification) : ''}
<table><tr><th>scenario</th><th>result</th><th>covers</th><th>runs</th></tr>
${report.scenarios
  .map(
    (s) =>
      `<tr><td><a href="#${esc(s.name)}">${esc(s.name)}</a></td><td class="${verdictClass(s.verdict)}">${verdictLabel(s.verdict)}</td><td>${esc(s.covers.join(' '))}</td><td>${s.attempts.length}</td></tr>`,
  )
  .join('\n')}</table>
${report.scenarios.map(scenarioSection).join('\n')}
</body></html>
`;
}

function scenarioSection(s: ScenarioReport): string {
  // The chart shows the first failing run, or the last one.
  const a = s.attempts.find((x) => x.verdict === 'fail') ?? s.attempts.find((x) => !x.passed) ?? s.attempts.at(-1);
  if (!a) return `<section id="${esc(s.name)}"><h2>${esc(s.name)}</h2><p>not run</p></section>`;
  return `<section id="${esc(s.name)}">
<h2>${esc(s.name)}: <span class="${verdictClass(s.verdict)}">${verdictLabel(s.verdict)}</span></h2>
<p>${esc(s.file)} on ${esc(s.topology)}; covers ${esc(s.covers.join(', '))}. ${esc(s.description ?? '')}</p>
${a.error ? `<p class="fail">Stopped early: ${esc(a.error)}</p>` : ''}
${attemptNotes(a)
  .map((n) => `<p${n.alert ? ' class="inconclusive"' : ''}>${esc(n.label)} ${esc(n.text)}.</p>`)
  .join('\n')}
${a.warnings.map((w) => `<p><b>Warning:</b> ${esc(w)}.</p>`).join('\n')}
${(a.breakdown ?? []).map((b) => `<p><b>Convergence:</b> ${esc(b)}.</p>`).join('\n')}
<table><tr><th>expectation</th><th>covers</th><th>result</th><th>expected</th><th>measured</th></tr>
${a.results
  .map(
    (r) =>
      `<tr><td>${esc(r.id)}</td><td>${esc(r.covers.join(' '))}</td><td class="${verdictClass(r.verdict)}">${verdictLabel(r.verdict)}</td><td>${esc(r.expected)}</td><td>${esc(r.measured)}${r.inconclusive ? `<br><i>inconclusive: ${esc(r.inconclusive)}</i>` : ''}${r.pass || !r.details.length ? '' : `<br><small>${r.details.map(esc).join('<br>')}</small>`}</td></tr>`,
  )
  .join('\n')}</table>
${timelineChart(a)}
<h3>Interconnects</h3>
${interconnectTable(a.interconnects)}
<h3>Flows</h3>
${flowTable(a)}
</section>`;
}

const colors: Record<string, string> = {
  bfd: '#7b1fa2',
  bgp: '#1565c0',
  lacp: '#ef6c00',
  member: '#ef6c00',
  routes: '#607d8b',
};

/** Faults as bands, each flow's outages as red bars, and each router's BFD/BGP/LACP changes as ticks. */
function timelineChart(a: Attempt): string {
  const width = 1100;
  const left = 200;
  const row = 16;
  const span = Math.max(1, a.durationMs);
  const x = (ms: number) => left + (Math.max(0, Math.min(ms, span)) / span) * (width - left - 10);
  const routers = [
    ...new Set(a.events.filter((e) => e.node !== '-' && e.kind !== 'routes' && e.kind !== 'fib').map((e) => e.node)),
  ].sort();
  const rows = [...a.flows.map((f) => f.name), ...routers];
  const top = 24;
  const height = top + rows.length * row + 30;
  const parts: string[] = [];
  for (const f of a.faults) {
    const end = f.revertedMs ?? span;
    parts.push(
      `<rect x="${x(f.appliedMs)}" y="${top - 4}" width="${Math.max(1, x(end) - x(f.appliedMs))}" height="${rows.length * row + 4}" fill="#fde2e2"><title>${esc(f.name)}: ${f.appliedMs} to ${end} ms</title></rect>`,
      `<text x="${x(f.appliedMs) + 2}" y="${top - 8}">${esc(f.name)}</text>`,
    );
  }
  rows.forEach((name, i) => {
    const y = top + i * row;
    parts.push(
      `<text x="${left - 6}" y="${y + 11}" text-anchor="end">${esc(name)}</text>`,
      `<line x1="${left}" x2="${width - 10}" y1="${y + row / 2}" y2="${y + row / 2}" stroke="#eee"/>`,
    );
  });
  a.flows.forEach((f, i) => {
    for (const o of f.outages)
      parts.push(
        `<rect x="${x(o.startMs)}" y="${top + i * row + 3}" width="${Math.max(2, x(o.startMs + o.durationMs) - x(o.startMs))}" height="${row - 6}" fill="#d32f2f"><title>${esc(f.name)}: outage of ${o.durationMs.toFixed(0)} ms at ${o.startMs.toFixed(0)} ms</title></rect>`,
      );
  });
  for (const e of a.events) {
    const i = routers.indexOf(e.node);
    if (i < 0 || e.kind === 'routes' || e.kind === 'fib') continue;
    const y = top + (a.flows.length + i) * row;
    parts.push(
      `<rect x="${x(e.atMs) - 1.5}" y="${y + 2}" width="3" height="${row - 4}" fill="${colors[e.kind] ?? '#333'}"><title>${esc(`${e.atMs.toFixed(0)} ms ${e.node} ${e.kind} ${e.subject}: ${e.from ?? ''} -> ${e.to}${e.detail ? ` (${e.detail})` : ''}`)}</title></rect>`,
    );
  }
  const axisY = top + rows.length * row + 4;
  const step = span > 20_000 ? 5000 : span > 8000 ? 2000 : 1000;
  for (let t = 0; t <= span; t += step)
    parts.push(
      `<line x1="${x(t)}" x2="${x(t)}" y1="${axisY}" y2="${axisY + 4}" stroke="#333"/><text x="${x(t)}" y="${axisY + 16}" text-anchor="middle">${t / 1000}s</text>`,
    );
  return `<div class="legend"><span><i class="sw" style="background:#fde2e2"></i>fault applied</span><span><i class="sw" style="background:#d32f2f"></i>probe outage</span><span><i class="sw" style="background:${colors.bfd}"></i>BFD change</span><span><i class="sw" style="background:${colors.bgp}"></i>BGP change</span><span><i class="sw" style="background:${colors.lacp}"></i>LACP / member change</span></div>
<svg role="img" aria-label="timeline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

function sparkline(rates: InterconnectFigures['rates']): string {
  if (rates.length < 2) return '';
  const w = 220;
  const h = 36;
  const max = Math.max(1, ...rates.flatMap(([, i, o]) => [i, o]));
  const t0 = rates[0]![0];
  const t1 = rates.at(-1)![0];
  const pts = (k: 1 | 2) =>
    rates
      .map((r) => `${(((r[0] - t0) / Math.max(1, t1 - t0)) * w).toFixed(1)},${(h - (r[k] / max) * h).toFixed(1)}`)
      .join(' ');
  return `<svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><polyline fill="none" stroke="#1565c0" points="${pts(1)}"/><polyline fill="none" stroke="#ef6c00" points="${pts(2)}"/><title>in (blue) and out (orange), peak ${max} pps</title></svg>`;
}

function interconnectTable(ics: InterconnectFigures[]): string {
  return `<table><tr><th>interconnect</th><th>traffic in/out (pps)</th><th>peak in / out</th><th>BGP availability</th><th>flaps</th><th>drops</th><th>routes received</th></tr>
${ics
  .map(
    (ic) =>
      `<tr><td>${esc(ic.id)}</td><td>${sparkline(ic.rates)}</td><td>${Math.max(0, ...ic.rates.map((r) => r[1]))} / ${Math.max(0, ...ic.rates.map((r) => r[2]))}</td><td>${(ic.availability * 100).toFixed(1)}%</td><td>${ic.flaps}</td><td>${ic.drops}</td><td>${ic.routesReceived ?? '-'}</td></tr>`,
  )
  .join('\n')}</table>`;
}

function flowTable(a: Attempt): string {
  const rtt = (f: Attempt['flows'][number], phase: string) => {
    const p = f.rttMs[phase];
    return p ? `${p.p50.toFixed(1)} / ${p.p99.toFixed(1)}` : '-';
  };
  return `<p>${a.rate} packets/s per flow. RTT p50 / p99 in ms.</p>
<table><tr><th>flow</th><th>sent</th><th>lost</th><th>loss-derived</th><th>longest outage</th><th>reordered</th><th>RTT before</th><th>RTT during</th><th>RTT after</th></tr>
${a.flows
  .map(
    (f) =>
      `<tr><td>${esc(f.name)}</td><td>${f.sent}</td><td>${f.lost}</td><td>${f.lossDerivedMs.toFixed(0)} ms</td><td>${f.longestOutageMs.toFixed(0)} ms</td><td>${f.reordered}</td><td>${rtt(f, 'before')}</td><td>${rtt(f, 'during')}</td><td>${rtt(f, 'after')}</td></tr>`,
  )
  .join('\n')}</table>`;
}
