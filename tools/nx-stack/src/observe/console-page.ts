import type { ConsoleState } from './console-server';

/**
 * The console's one page: no framework, no build step, no external asset
 * (the machine may be offline). It renders the state it was served with at
 * once (the console's last one, if any), then listens to /events
 * (server-sent events) and asks /api/logs for the log view; a click on a
 * simulation marker shows the logs 30 s either side of it.
 */
export function consolePage(state?: ConsoleState): string {
  // Inside a <script>: "<" escaped, so no text of the state (a log line, a detail) can close the element.
  // A function replacer: "$&" or "$'" in a log line is text, not a replacement pattern.
  const json = JSON.stringify(state ?? null).replace(/</g, '\\u003c');
  return CONSOLE_PAGE.replace('/*INITIAL*/null', () => json);
}

const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>PAWS360 stack console</title>
<link rel="icon" href="data:,">
<style>
  body { font: 14px system-ui, sans-serif; margin: 1rem 2rem; color: #222; }
  h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin-top: 1.5rem; }
  table { border-collapse: collapse; } td, th { padding: 2px 10px; text-align: left; border-bottom: 1px solid #eee; }
  .healthy { color: #137333; } .unhealthy { color: #c5221f; } .unknown { color: #b06000; }
  #summary { font-weight: bold; } .lead { font-weight: bold; } #age { font-size: .8rem; font-weight: normal; color: #666; }
  #logs { font: 12px ui-monospace, monospace; white-space: pre-wrap; max-height: 30rem; overflow: auto; background: #fafafa; padding: .5rem; }
  .warn { color: #b06000; } .error, .fatal { color: #c5221f; } .marker { font-weight: bold; background: #fff3cd; }
  #markers li { cursor: pointer; text-decoration: underline; }
  form input, form select { margin-right: .5rem; }
</style>
</head>
<body>
<h1>PAWS360 stack <span id="stack"></span>: <span id="summary">connecting…</span> <span id="age"></span></h1>
<div id="leaders"></div>
<h2>Members</h2>
<table id="health"><thead><tr><th>service</th><th>member</th><th>status</th><th>role</th><th>detail</th></tr></thead><tbody></tbody></table>
<h2>Resources</h2>
<table id="stats"><thead><tr><th>container</th><th>CPU</th><th>memory</th><th>net rx / tx</th><th>block r / w</th></tr></thead><tbody></tbody></table>
<h2>Failovers and simulations</h2>
<ul id="markers"></ul>
<h2>Logs</h2>
<form id="filters">
  <input name="service" placeholder="service(s)"> <input name="member" placeholder="member(s)">
  <select name="level"><option value="">any level</option><option>debug</option><option>info</option><option>warn</option><option>error</option><option>fatal</option></select>
  <input name="grep" placeholder="regex"> <input name="traceId" placeholder="trace id" size="34">
  <input name="since" placeholder="since (ISO)"> <input name="until" placeholder="until (ISO)">
  <button>search</button>
</form>
<div id="logs"></div>
<script>
const $ = (id) => document.getElementById(id);
const text = (value) => document.createTextNode(value == null ? '' : String(value));
const cell = (row, value, cls) => { const td = row.insertCell(); td.appendChild(text(value)); if (cls) td.className = cls; return td; };
const bytes = (n) => n >= 1073741824 ? (n / 1073741824).toFixed(1) + ' GiB' : n >= 1048576 ? (n / 1048576).toFixed(1) + ' MiB' : n >= 1024 ? (n / 1024).toFixed(1) + ' KiB' : n + ' B';
let shown;
function age() {
  if (!shown) return;
  const seconds = Math.max(0, (Date.now() - Date.parse(shown.time)) / 1000);
  $('age').textContent = 'as of ' + shown.time.slice(11, 19) + ' UTC (' + (seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)) + ' s ago)';
}
setInterval(age, 1000);
let searched = false;
function render(state) {
  shown = state; $('age').dataset.time = state.time; age();
  $('stack').textContent = state.stack;
  const pending = state.pending || [];
  $('summary').textContent = pending.length ? 'checking… (waiting for ' + pending.join(', ') + ')' : state.healthy + '/' + state.total + ' healthy';
  $('summary').className = pending.length ? 'unknown' : state.healthy === state.total ? 'healthy' : 'unhealthy';
  $('leaders').textContent = Object.entries(state.leaders).map(([s, m]) => s + ' leader/master: ' + m).join(' · ');
  const body = $('health').tBodies[0]; body.replaceChildren();
  for (const service of state.health) for (const c of service.components) {
    const row = body.insertRow();
    cell(row, service.service); cell(row, c.name); cell(row, c.status, c.status); cell(row, c.role, c.role === 'leader' || c.role === 'master' ? 'lead' : ''); cell(row, c.detail);
  }
  for (const service of pending) { const row = body.insertRow(); cell(row, service); cell(row, ''); cell(row, 'checking…', 'unknown'); }
  // The log view once the health is in: the index's first sync would compete with the first health round.
  if (!searched && !pending.length) { searched = true; search({ limit: 200 }); }
  if (state.stats) {
    const stats = $('stats').tBodies[0]; stats.replaceChildren();
    for (const c of state.stats.containers) {
      const row = stats.insertRow();
      cell(row, c.name); cell(row, c.cpuPercent.toFixed(1) + '%'); cell(row, bytes(c.memoryBytes)); cell(row, bytes(c.networkRxBytes) + ' / ' + bytes(c.networkTxBytes)); cell(row, bytes(c.blockReadBytes) + ' / ' + bytes(c.blockWriteBytes));
    }
  }
  const markers = $('markers'); markers.replaceChildren();
  for (const m of state.markers.slice().reverse()) {
    const li = document.createElement('li'); li.appendChild(text(m.time.slice(0, 23) + ' ' + m.container + ': ' + m.text));
    li.onclick = () => { const t = Date.parse(m.time); search({ since: new Date(t - 30000).toISOString(), until: new Date(t + 30000).toISOString() }); };
    markers.appendChild(li);
  }
}
async function search(params) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
  const answer = await fetch('/api/logs?' + query);
  const result = await answer.json();
  const logs = $('logs'); logs.replaceChildren();
  if (result.error) { logs.appendChild(text(result.error)); return; }
  for (const l of result.lines) {
    const div = document.createElement('div');
    div.className = (l.level || '') + (l.marker ? ' marker' : '');
    div.appendChild(text(l.time.slice(0, 23).replace('T', ' ') + ' ' + l.service + '-' + l.member + ' ' + (l.level || '').toUpperCase().padEnd(5) + ' ' + l.text));
    logs.appendChild(div);
  }
  logs.scrollTop = logs.scrollHeight;
}
$('filters').onsubmit = (event) => { event.preventDefault(); search(Object.fromEntries(new FormData(event.target))); };
const initial = /*INITIAL*/null;
if (initial) render(initial);
const events = new EventSource('/events');
events.onmessage = (event) => render(JSON.parse(event.data));
events.addEventListener('failure', (event) => { $('summary').textContent = JSON.parse(event.data).message; $('summary').className = 'unhealthy'; });
</script>
</body>
</html>
`;
